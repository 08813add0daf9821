"""A message as it goes onto the broker, with the time it is due (simulated ms) and the device it comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from simulator.events import Event
from simulator.layout import DeviceSpec, HomeSpec


@dataclass(frozen=True, slots=True)
class Message:
    t: int
    topic: str
    payload: bytes
    retain: bool
    device: DeviceSpec
    home: int


class Encoder(Protocol):
    """Turns one device's events into that gateway's messages; keeps per-device memory where the gateway does
    (Zigbee2MQTT repeats every attribute it knows)."""

    def encode(self, home: HomeSpec, dev: DeviceSpec, event: Event) -> list[Message]: ...


def state_word(metric: str, value: float) -> bool | float | int:
    """A JSON value for a reading: states as booleans, whole numbers as integers."""
    if metric in STATE_METRICS:
        return value != 0.0
    return int(value) if float(value).is_integer() else value


STATE_METRICS = frozenset({"motion", "door_open", "in_bed", "in_chair", "smoke", "water_leak", "battery_low",
                           "availability", "tamper"})  # fmt: skip
