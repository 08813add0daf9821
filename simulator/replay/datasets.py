"""The recordings in `../shared/data` (van Kasteren 2008 and 2010, Ordóñez) and CASAS files, by name.

Sensors become catalogue devices by what they are: PIRs motion sensors, reed switches and magnetic contacts
(doors, cupboards, the fridge, a flush) contacts, pressure mats bed or chair occupancy, electric sensors power
plugs (1000 W while on: the recordings only say on or off). Rooms come from the recording where it gives them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from simulator.errors import RecordingError
from simulator.replay.recordings import Recorded, Recording, Sensor, finish, from_intervals, naive_ms, read_casas, slug

ROOM_WORDS = (("front", "hallway"), ("maindoor", "hallway"), ("hall-", "hallway"), ("toilet", "toilet"),
              ("bathroom", "bathroom"), ("badkamer", "bathroom"), ("slaapkamer", "bedroom"), ("bed", "bedroom"),
              ("dresser", "bedroom"), ("wash", "laundry"), ("laundry", "laundry"), ("keuken", "kitchen"),
              ("kitchen", "kitchen"))  # fmt: skip
KITCHEN_THINGS = ("fridge", "freezer", "cupboard", "microwave", "magnetron", "dishwasher", "stove", "toaster",
                  "cutlary", "gootsteen")  # fmt: skip
ORDONEZ_KINDS = {"PIR": ("motion", "motion"), "Magnetic": ("contact", "door_open"), "Flush": ("contact", "door_open"),
                 "Electric": ("power_plug", "power")}  # fmt: skip
POWER_ON_WATTS = 1000.0
K = TypeVar("K", int, str)


def room_of(text: str) -> str:
    low = text.lower()
    if any(thing in low for thing in KITCHEN_THINGS):
        return "kitchen"
    return next((room for word, room in ROOM_WORDS if word in low), "")


def kasteren_sensor(name: str, room: str = "") -> Sensor:
    low = name.lower()
    if low.startswith("pir"):
        kind, metric = "motion", "motion"
    elif low.startswith("press bed"):
        kind, metric = "bed_occupancy", "in_bed"
    else:
        kind, metric = "contact", "door_open"
    return Sensor(slug(name), name, kind, metric, room or room_of(name))


def read_kasteren2008(folder: Path) -> Recording:
    text = (folder / "kasterenSenseData.txt").read_text(encoding="latin-1")
    names = {int(i): n.strip() for i, n in re.findall(r"\[\s*(\d+)\]\s*'([^']+)'", text)}
    sensors = {i: kasteren_sensor(n) for i, n in names.items()}
    intervals: dict[int, list[tuple[int, int]]] = {}
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) == 4 and parts[2].strip().isdigit():
            fmt = "%d-%b-%Y %H:%M:%S"
            span = (naive_ms(parts[0].strip(), fmt), naive_ms(parts[1].strip(), fmt))
            intervals.setdefault(int(parts[2]), []).append(span)
    return _from_sensor_intervals("kasteren2008:A", "Europe/Amsterdam", sensors, intervals)


def read_kasteren2010(folder: Path, house: str) -> Recording:
    def table(suffix: str) -> list[list[str]]:
        path = folder / f"house{house}.{suffix}"
        return [line.split("\t") for line in path.read_text(encoding="latin-1").splitlines() if line.strip()]

    rooms = {row[1].strip(): room_of(row[0]) for row in table("meta_features") if len(row) > 1}
    sensors = {
        int(row[0]): kasteren_sensor(row[1].strip(), rooms.get(row[1].strip(), "")) for row in table("sensor_names")
    }
    intervals: dict[int, list[tuple[int, int]]] = {}
    for start, duration, sensor_id in (row[:3] for row in table("sensors")):
        t = int(start) * 1000
        intervals.setdefault(int(sensor_id), []).append((t, t + int(duration) * 1000))
    return _from_sensor_intervals(f"kasteren2010:{house}", "Europe/Amsterdam", sensors, intervals)


def read_ordonez(folder: Path, house: str) -> Recording:
    lines = (folder / f"Ordonez{house}_Sensors.txt").read_text(encoding="latin-1").splitlines()[2:]
    sensors: dict[str, Sensor] = {}
    intervals: dict[str, list[tuple[int, int]]] = {}
    for line in filter(str.strip, lines):
        start, end, location, kind_name, place = (p.strip() for p in re.split(r"\t+", line.strip()))
        kind, metric = ORDONEZ_KINDS.get(kind_name) or (
            ("bed_occupancy", "in_bed") if location == "Bed" else ("chair_occupancy", "in_chair")
        )
        room = {"Entrance": "hallway", "Living": "living room"}.get(place, place.lower())
        key = slug(f"{place}-{location}")
        sensors.setdefault(key, Sensor(key, f"{location} ({kind_name}, {place})", kind, metric, room))
        fmt = "%Y-%m-%d %H:%M:%S"
        intervals.setdefault(key, []).append((naive_ms(start, fmt), naive_ms(end, fmt)))
    return _from_sensor_intervals(f"ordonez:{house}", "Europe/Madrid", sensors, intervals)


def _from_sensor_intervals(
    name: str, tz: str, sensors: Mapping[K, Sensor], intervals: Mapping[K, list[tuple[int, int]]]
) -> Recording:
    events: list[Recorded] = []
    skipped: dict[str, int] = {}
    for sensor_id, spans in intervals.items():
        sensor = sensors.get(sensor_id)
        if sensor is None:
            skipped[f"unnamed sensor {sensor_id}"] = len(spans)
            continue
        events += from_intervals(sensor, spans, POWER_ON_WATTS if sensor.metric == "power" else 1.0)
    heard = {e.sensor for e in events}
    return finish(name, tz, {s.key: s for s in sensors.values() if s.key in heard}, events, skipped)


LOADERS: dict[str, Callable[[Path], Recording]] = {
    "kasteren2008:A": lambda d: read_kasteren2008(d / "kasteren2008_houseA"),
    "kasteren2010:A": lambda d: read_kasteren2010(d / "kasteren2010", "A"),
    "kasteren2010:B": lambda d: read_kasteren2010(d / "kasteren2010", "B"),
    "ordonez:A": lambda d: read_ordonez(d / "ordonez", "A"),
    "ordonez:B": lambda d: read_ordonez(d / "ordonez", "B"),
}


def load(name: str, data_dir: Path) -> Recording:
    """A recording by name (one of `LOADERS`, or `casas:<file>`)."""
    if name.startswith("casas:"):
        return read_casas(Path(name.removeprefix("casas:")))
    loader = LOADERS.get(name)
    if loader is None:
        raise RecordingError(f"unknown recording {name!r}; known: {', '.join(LOADERS)} or casas:<file>")
    try:
        return loader(data_dir)
    except FileNotFoundError as err:
        raise RecordingError(f"{name}: {err.filename} not found (is {data_dir} the shared data folder?)") from err
