"""Readers for real smart-home recordings, into one shape: sensors and their on/off (or measured) values in time.

Formats (see `../shared/data/README.md`; the files are not part of this repository):
- CASAS event lines: `date time sensor message [activity...]`, e.g. `2010-11-04 08:01:02.123456 M003 ON`;
  M... motion (ON/OFF), D... door (OPEN/CLOSE), T... temperature; other sensors are skipped and counted.
- van Kasteren 2008: `start  end  id  val` intervals (`25-Feb-2008 00:20:14`), sensor names in the header.
- van Kasteren 2010: `start_epoch  duration_s  id` intervals, names in `*.sensor_names`, rooms in
  `*.meta_features`; the epoch encodes local time as if it were UTC.
- Ordóñez: tab-separated `start  end  location  type  place` intervals, two header lines, CRLF, Latin-1.
Times stay local wall-clock time (as milliseconds "as if UTC"): the recordings carry no time zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from simulator.errors import RecordingError

ON_DURATION_MS = 500  # an interval recorded as lasting 0 s (below the logger's resolution)


@dataclass(frozen=True, slots=True)
class Sensor:
    key: str  # device key in the replayed home
    name: str  # as the recording names it
    kind: str  # catalogue kind
    metric: str
    room: str


@dataclass(frozen=True, slots=True)
class Recorded:
    t: int  # local wall-clock time in ms, as if UTC
    sensor: str  # Sensor.key
    value: float


@dataclass
class Recording:
    name: str
    timezone: str
    sensors: dict[str, Sensor]
    events: list[Recorded]
    skipped: dict[str, int] = field(default_factory=dict)


def naive_ms(text: str, fmt: str) -> int:
    return int(datetime.strptime(text, fmt).replace(tzinfo=UTC).timestamp() * 1000)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "sensor"


def from_intervals(sensor: Sensor, intervals: Iterable[tuple[int, int]], on: float = 1.0) -> list[Recorded]:
    """On at each start, off at each end. A binary sensor cannot come on while on, so overlapping or touching
    intervals of one sensor merge; an interval of 0 s lasts `ON_DURATION_MS`."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        end = max(end, start + ON_DURATION_MS)
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [r for s, e in merged for r in (Recorded(s, sensor.key, on), Recorded(e, sensor.key, 0.0))]


def finish(
    name: str, tz: str, sensors: dict[str, Sensor], events: list[Recorded], skipped: dict[str, int]
) -> Recording:
    """Time order, and strictly increasing times per sensor (the hub keys readings by device and time)."""
    events.sort(key=lambda r: (r.t, r.sensor))
    last: dict[str, int] = {}
    out = []
    for r in events:
        t = max(r.t, last.get(r.sensor, -1) + 1)
        last[r.sensor] = t
        out.append(r if t == r.t else Recorded(t, r.sensor, r.value))
    out.sort(key=lambda r: (r.t, r.sensor))
    if not out:
        raise RecordingError(f"{name}: no sensor events found")
    return Recording(name, tz, sensors, out, skipped)


CASAS_KINDS = (("MA", "motion", "motion"), ("M", "motion", "motion"), ("D", "contact", "door_open"),
               ("T", "climate", "temperature"))  # fmt: skip
CASAS_VALUES = {"ON": 1.0, "OFF": 0.0, "OPEN": 1.0, "CLOSE": 0.0, "CLOSED": 0.0}


def read_casas(path: Path, name: str = "casas", tz: str = "America/Los_Angeles") -> Recording:
    sensors: dict[str, Sensor] = {}
    events: list[Recorded] = []
    skipped: dict[str, int] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 4:
            raise RecordingError(f"{path}:{n}: expected `date time sensor message [activity]`")
        stamp = f"{parts[0]} {parts[1]}" + ("" if "." in parts[1] else ".0")
        sensor_id, message = parts[2], parts[3].upper()
        kind = next(((k, m) for prefix, k, m in CASAS_KINDS if sensor_id.startswith(prefix)), None)
        value = CASAS_VALUES.get(message) if kind and kind[1] != "temperature" else _number(message)
        if kind is None or value is None:
            skipped[sensor_id] = skipped.get(sensor_id, 0) + 1
            continue
        key = slug(sensor_id)
        sensors.setdefault(key, Sensor(key, sensor_id, kind[0], kind[1], ""))
        events.append(Recorded(naive_ms(stamp, "%Y-%m-%d %H:%M:%S.%f"), key, value))
    return finish(name, tz, sensors, events, skipped)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
