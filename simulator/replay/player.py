"""A recording replayed as one home: its sensors registered as devices, its events published at a chosen speed.

Recorded times are local wall-clock times. They are moved forward by whole weeks to just before now (so the hub
keeps them: they are neither older than its retention nor in its future) and keep their time of day and weekday,
then read in the recording's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime

from simulator.events import Event
from simulator.formats import Formats, Message
from simulator.layout import NATIVE, Z2M, Z2M_KINDS, DeviceSpec, HomeSpec, external_id
from simulator.replay.recordings import Recording
from simulator.timebase import DAY, zone

WEEK = 7 * DAY


def home_for(rec: Recording, namespace: str, index: int = 0, gateway: str = NATIVE) -> HomeSpec:
    devices = []
    for s in rec.sensors.values():
        adapter = Z2M if gateway == Z2M and s.kind in Z2M_KINDS and s.kind != "smart_lock" else NATIVE
        devices.append(DeviceSpec(s.key, s.kind, s.room, adapter, external_id(namespace, index, s.key, adapter)))
    return HomeSpec(index, f"{namespace} {rec.name}", f"replay {gateway}", rec.timezone, tuple(devices))


def weeks_shift(rec: Recording, now_ms: int) -> int:
    """Whole weeks (in ms) that bring the recording's last event to at most one day before now."""
    now_local = int(datetime.fromtimestamp(now_ms / 1000, zone(rec.timezone)).replace(tzinfo=UTC).timestamp() * 1000)
    return max(0, (now_local - DAY - rec.events[-1].t) // WEEK) * WEEK


def events(rec: Recording, shift: int) -> list[Event]:
    """The recording as device events in UTC, strictly increasing in time per device."""
    tz = zone(rec.timezone)
    last: dict[str, int] = {}
    out = []
    for r in rec.events:
        local = datetime.fromtimestamp((r.t + shift) / 1000, UTC).replace(tzinfo=tz)
        t = max(int(local.timestamp() * 1000), last.get(r.sensor, -1) + 1)  # a clock going back an hour in autumn
        last[r.sensor] = t
        out.append(Event(t, r.sensor, ((rec.sensors[r.sensor].metric, r.value),)))
    out.sort(key=lambda e: (e.t, e.device))
    return out


class Replay:
    """A message source like `World`: `take(until)` gives the messages due before `until`, in order."""

    def __init__(self, spec: HomeSpec, replayed: list[Event], seed: int) -> None:
        self.spec = spec
        self.events = replayed
        self.formats = Formats(seed)
        self._devices = {d.key: d for d in spec.devices}
        self._next = 0

    def take(self, until: int) -> list[Message]:
        out: list[Message] = []
        evs, i = self.events, self._next
        while i < len(evs) and evs[i].t < until:
            out += self.formats.encode(self.spec, self._devices[evs[i].device], evs[i])
            i += 1
        self._next = i
        return out
