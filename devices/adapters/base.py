"""The adapter interface: a gateway's topic and payload in, normalised readings out; a command out.

Adding a gateway format is one new module with one class that satisfies `Adapter`, listed in `all_adapters()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol


class Reading(NamedTuple):
    ts: datetime
    metric: str
    value: float


class LockEvent(NamedTuple):
    """Who or what operated a lock: the detail beside a `lock_action` reading (kept in `lock_events`)."""

    ts: datetime
    action: float  # the lock_action code of the reading it belongs to
    name: str  # the gateway's own word or code for the action ("key_unlock", "1")
    source: str | None  # keypad, rf, manual, rfid, fingerprint, app, button, auto_lock, mqtt, ...
    user: str | None  # the gateway's user, code or key id; None when the lock does not say


@dataclass(frozen=True, slots=True)
class Announcement:
    """A device that made itself known (joined a network, listed by its gateway, or sent an unknown id)."""

    adapter: str
    external_id: str  # the stable id to claim it by (Zigbee IEEE address where known)
    alias: str | None = None  # another name it goes by (Zigbee friendly name)
    event: str = "message"  # bridge/devices, device_joined, device_interview, device_leave, message
    model: str | None = None
    vendor: str | None = None


class Parsed(NamedTuple):
    """What an adapter made of one message: which device (by the gateway's identity) said what. A NamedTuple
    rather than a frozen dataclass: one is made per message, and a tuple is several times cheaper to build."""

    adapter: str
    external_id: str
    readings: list[Reading]
    lock_events: tuple[LockEvent, ...] = ()
    announced: tuple[Announcement, ...] = ()
    alt_id: str | None = None  # a second identity to match the registry by (IEEE address behind a friendly name)
    alive: bool = True  # False for an offline notice or last will: not a sign of life
    lenient: bool = False  # gateway formats: readings the device's kind does not use are dropped, not refused


@dataclass(frozen=True, slots=True)
class Command:
    """A normalised command to a device, e.g. Command("lock") or Command("unlock"), optionally with a PIN code."""

    action: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = False


class Adapter(Protocol):
    name: str
    # True where the device (or its gateway) holds its own MQTT session with a last will, so silence is normal and
    # the last will is the offline signal (Nuki). False: silence longer than the kind's supervision is offline.
    session_liveness: bool
    # True where the adapter remembers each device's last-known values to report changes, not repeats
    # (gateways repeat every attribute). Then every message of a device must reach the same ingest worker: a
    # worker that missed the message in between would take a real change back for a repeat and drop it.
    remembers: bool

    def topic_filters(self) -> list[str]:
        """MQTT topic filters the hub subscribes to for this gateway format."""
        ...

    def owns(self, topic: str) -> bool:
        """True if a message on `topic` is this adapter's to parse."""
        ...

    def identify(self, topic: str) -> str | None:
        """The device's external id from the topic alone, where the topic names it (for dead letters)."""
        ...

    def payload_limit(self, topic: str, default: int) -> int:
        """The largest payload accepted on `topic` (a gateway's device list may exceed the usual limit)."""
        ...

    def parse(self, topic: str, payload: bytes, received_at: datetime) -> Parsed | None:
        """Readings in the message, None if it carries nothing to store, BadMessage if it is broken."""
        ...

    def command(self, external_id: str, command: Command) -> Outgoing:
        """The MQTT message that makes the device do `command`; BadCommand if the format cannot say it."""
        ...
