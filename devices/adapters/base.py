"""The adapter interface: a gateway's topic and payload in, normalised readings out; a command out.

Adding a gateway format is one new module with one class that satisfies `Adapter`, listed in `ADAPTERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol


class Reading(NamedTuple):
    ts: datetime
    metric: str
    value: float


@dataclass(frozen=True, slots=True)
class Parsed:
    """What an adapter made of one message: which device (by the gateway's identity) said what."""

    adapter: str
    external_id: str
    readings: list[Reading]


@dataclass(frozen=True, slots=True)
class Command:
    """A normalised command to a device, e.g. Command("lock") or Command("unlock")."""

    action: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = False


class Adapter(Protocol):
    name: str

    def topic_filters(self) -> list[str]:
        """MQTT topic filters the hub subscribes to for this gateway format."""
        ...

    def owns(self, topic: str) -> bool:
        """True if a message on `topic` is this adapter's to parse."""
        ...

    def identify(self, topic: str) -> str | None:
        """The device's external id from the topic alone, where the topic names it (for dead letters)."""
        ...

    def parse(self, topic: str, payload: bytes, received_at: datetime) -> Parsed | None:
        """Readings in the message, None if it carries nothing to store, BadMessage if it is broken."""
        ...

    def command(self, external_id: str, command: Command) -> Outgoing:
        """The MQTT message that makes the device do `command`."""
        ...
