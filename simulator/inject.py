"""Injected events: the alarms and slow deviations the hub must notice, each with its ground truth.

An `Injection` says what happens in which home, when, and for how long. `day_changes` turns the injections of a
day into changes of the resident's plan (a fall, lying in bed, wandering at night); `device_events` turns the
rest into what devices report (a button press, smoke, a leak, a battery running low); offline devices are
silenced by `silence`. Injections are scheduled from the home's own random stream, at times that make sense for
their kind (a night-time wander at night, a fall while the resident is up and at home).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from devices.catalogue import BUTTON_HOLD, BUTTON_SINGLE
from simulator.events import OFFLINE, ONLINE, Act, Event, Segment, Visit
from simulator.layout import BATHROOM, BEDROOM, HALLWAY, KITCHEN, LIVING
from simulator.periodic import LOW_BATTERY
from simulator.plan import LEVEL, DayChanges
from simulator.timebase import MINUTE, SECOND

PLAN_KINDS = ("fall", "inactivity", "night_wandering", "stay_in_bed", "missed_morning", "night_toilet_rise")
DEVICE_KINDS = ("button_press", "smoke", "water_leak", "device_offline", "low_battery")
KINDS = PLAN_KINDS + DEVICE_KINDS
Detail = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Injection:
    kind: str
    home: int
    start: int
    end: int | None  # None: lasts past the run (a rising trend, a battery not yet replaced)
    device: str = ""  # device key, for kinds that concern one device
    room: str = ""
    details: Mapping[str, Detail] = field(default_factory=dict)


def day_changes(injections: Iterable[Injection], day: date, wake: int, next_wake: int) -> DayChanges:
    """The plan changes for the day from `wake` (local `day`) to `next_wake`."""
    get_up, idle_until, extra = None, None, 0.0
    overlays: list[Segment] = []
    visits: list[Visit] = []
    for inj in injections:
        if inj.kind == "stay_in_bed" and inj.start == wake:
            get_up = inj.end
        elif inj.kind == "missed_morning" and inj.start == wake:
            idle_until = inj.end
        elif inj.kind == "night_toilet_rise":
            days = (day - date.fromordinal(int(inj.details["first_day"]))).days
            if days >= 0:
                extra += float(inj.details["per_day"]) * (days + 1)
        elif inj.kind in ("fall", "inactivity", "night_wandering") and wake <= inj.start < next_wake:
            overlays += _overlay(inj)
            if inj.kind == "fall" and inj.end is not None:
                visits.append(Visit(inj.end, inj.end + 25 * MINUTE, (inj.room, HALLWAY), actor="staff"))
    return DayChanges(get_up, idle_until, extra, tuple(overlays), tuple(visits))


def _overlay(inj: Injection) -> list[Segment]:
    end = inj.end if inj.end is not None else inj.start + 6 * 60 * MINUTE
    if inj.kind == "fall":
        return [Segment(inj.start, end, inj.room, Act.FLOOR, 0.0)]
    if inj.kind == "inactivity":
        return [Segment(inj.start, end, inj.room, Act.REST, 0.0)]
    rooms = (BEDROOM, HALLWAY, LIVING, KITCHEN, HALLWAY, BATHROOM, HALLWAY)
    out, t, i = [], inj.start, 0
    step = 4 * MINUTE
    while t < end:
        room = rooms[i % len(rooms)]
        if room == HALLWAY and inj.details.get("left_home") and i == 1:
            out.append(Segment(t, min(end, t + 12 * MINUTE), "", Act.OUT, 0.0))
            t += 12 * MINUTE
        out.append(Segment(t, min(end, t + step), room, Act.WANDER, LEVEL[Act.WANDER]))
        t, i = t + step, i + 1
    return out


def device_events(injections: Iterable[Injection]) -> list[Event]:
    out: list[Event] = []
    for inj in injections:
        if inj.kind == "button_press":
            code = BUTTON_HOLD if inj.details.get("hold") else BUTTON_SINGLE
            out.append(Event(inj.start, inj.device, (("button_press", float(code)),)))
        elif inj.kind in ("smoke", "water_leak"):
            out.append(Event(inj.start, inj.device, ((inj.kind, 1.0),)))
            if inj.end is not None:
                out.append(Event(inj.end, inj.device, ((inj.kind, 0.0),)))
        elif inj.kind == "low_battery":
            out.append(Event(inj.start, inj.device, (("battery", float(LOW_BATTERY)), ("battery_low", 1.0))))
        elif inj.kind == "device_offline":
            out.append(Event(inj.start, inj.device, (), OFFLINE))
            if inj.end is not None:
                out.append(Event(inj.end, inj.device, (), ONLINE))
    return out


def silence(events: list[Event], injections: Sequence[Injection]) -> list[Event]:
    """Drop what offline devices would have said while they were offline."""
    gaps = [(i.device, i.start, i.end) for i in injections if i.kind == "device_offline"]
    if not gaps:
        return events
    return [e for e in events if e.kind in (ONLINE, OFFLINE) or not any(
        e.device == d and s <= e.t and (end is None or e.t < end) for d, s, end in gaps)]  # fmt: skip


def low_battery_from(injections: Iterable[Injection]) -> dict[str, int]:
    return {i.device: i.start for i in injections if i.kind == "low_battery"}


def durations(kind: str, rng: random.Random) -> int | None:
    """How long an injection of `kind` lasts; None for one that lasts past the run."""
    minutes = {
        "fall": (20, 90), "inactivity": (180, 360), "night_wandering": (20, 60), "stay_in_bed": (120, 300),
        "missed_morning": (180, 240), "smoke": (5, 20), "water_leak": (30, 120), "device_offline": (60, 360),
        "button_press": (0, 0),
    }.get(kind)  # fmt: skip
    if minutes is None:
        return None
    return int(rng.uniform(*minutes) * MINUTE) // SECOND * SECOND
