"""Per-device last-known values, so gateway adapters report changes rather than repeats.

Zigbee2MQTT repeats every attribute it knows in each message (a battery report carries the old occupancy) and
Nuki republishes its retained state; only a value that differs from the last one seen is a new reading. The
memory is per process, so every message of a device must reach the same process: the hub gives the gateway
topics to one ingest worker (`CAREHUB_INGEST__GATEWAYS`) and shares only the native topics. (Handed out in turn
to two workers, a flip back would look like a repeat to the worker that missed the flip, and be lost.) After a
restart the memory is empty: the first value of each attribute is stored again, which is harmless for states
and numbers; for an event derived from a level (`sos`, `test`, `fall_status`) it reports the event again,
erring on the side of an alarm.
"""

from __future__ import annotations

from typing import Any

MAX_DEVICES = 200_000  # bound on memory if a publisher invents device names; past it the memory starts afresh


class LastKnown:
    def __init__(self, max_devices: int = MAX_DEVICES) -> None:
        self._by_device: dict[str, dict[str, Any]] = {}
        self._max = max_devices

    def of(self, device: str) -> dict[str, Any]:
        """The device's last-known values by key (a metric, or a source field for edges); callers update it."""
        known = self._by_device.get(device)
        if known is None:
            if len(self._by_device) >= self._max:
                self._by_device.clear()
            known = self._by_device[device] = {}
        return known


def changed(known: dict[str, float], key: str, value: float) -> bool:
    """Record `value` under `key`; True if it differs from what was known (or nothing was)."""
    if known.get(key) == value:
        return False
    known[key] = value
    return True


def rose(known: dict[str, float], key: str, level: float) -> bool:
    """Record a level; True if it became active (non-zero) or changed to another active level."""
    before = known.get(key, 0.0)
    known[key] = level
    return level != 0.0 and level != before
