"""What the behaviour model produces: plain data, no I/O.

A `Segment` is where the resident is and what they are doing; a `Visit` is someone else in the home; an `Event`
is what one device observes at one millisecond. Formats turn events into gateway messages elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Act(StrEnum):
    SLEEP = "sleep"
    WALK = "walk"  # passing through a room
    WASH = "wash"
    TOILET = "toilet"
    MEAL = "meal"
    CHORES = "chores"
    LEISURE = "leisure"
    REST = "rest"  # sitting still: a nap in the chair, or injected inactivity
    OUT = "out"
    FLOOR = "floor"  # on the floor after a fall
    WANDER = "wander"  # up at night, restless


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    room: str  # "" while out of the home
    act: Act
    level: float  # motion re-triggers per minute; 0 means still


@dataclass(frozen=True, slots=True)
class Visit:
    start: int
    end: int
    rooms: tuple[str, ...]
    actor: str = "staff"  # who unlocks: staff with a digital key


READING, REPORT, ONLINE, OFFLINE = "reading", "report", "online", "offline"


@dataclass(frozen=True, slots=True)
class Event:
    t: int  # epoch ms
    device: str  # device key within the home
    values: tuple[tuple[str, float], ...]  # catalogue metric and value
    kind: str = READING  # READING a change or event, REPORT a periodic report, ONLINE/OFFLINE availability
    actor: str = ""  # for lock operations: resident, staff or auto


def merge_same_instant(events: list[Event]) -> list[Event]:
    """Sort, and fold readings and reports of one device at the same millisecond into one event (a device sends
    one message per instant, and the hub keys readings by device, metric and time). A reading wins over a report;
    for a metric given twice the later one wins, except that a motion start beats an earlier motion end.
    Availability events stay separate: the hub stamps them with their arrival time."""
    events.sort(key=lambda e: (e.t, e.device))
    out: list[Event] = []
    for e in events:
        last = out[-1] if out else None
        if last is not None and last.t == e.t and last.device == e.device and _foldable(last) and _foldable(e):
            out[-1] = _fold(last, e)
        else:
            out.append(e)
    return out


def _foldable(e: Event) -> bool:
    return e.kind in (READING, REPORT)


def _fold(a: Event, b: Event) -> Event:
    values = dict(a.values)
    for metric, value in b.values:
        if metric == "motion" and values.get("motion") == 1.0:
            continue
        values[metric] = value
    kind = REPORT if a.kind == REPORT and b.kind == REPORT else READING
    return Event(a.t, a.device, tuple(values.items()), kind, a.actor or b.actor)
