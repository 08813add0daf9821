"""A resident's day as segments of place and activity, from getting up one morning to getting up the next.

Pure: a day's plan depends only on the seed, the home, the date and the injected changes for that day, each day
with its own random stream, so any window of time can be planned without planning the days before it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from simulator.events import Act, Segment, Visit
from simulator.layout import BATHROOM, BEDROOM, HALLWAY, KITCHEN, LIVING
from simulator.profile import Profile
from simulator.timebase import MINUTE, local_ms

# Motion re-triggers per minute for an average resident; scaled by the profile's liveliness.
LEVEL = {Act.WALK: 2.0, Act.WASH: 1.2, Act.TOILET: 0.6, Act.MEAL: 1.0, Act.CHORES: 1.4, Act.LEISURE: 0.3,
         Act.WANDER: 1.5, Act.SLEEP: 0.0, Act.REST: 0.0, Act.OUT: 0.0, Act.FLOOR: 0.0}  # fmt: skip
ADJACENT = {frozenset((KITCHEN, LIVING))}


@dataclass(frozen=True, slots=True)
class DayChanges:
    """What injections change in one day's plan."""

    get_up: int | None = None  # stays in bed until then
    idle_until: int | None = None  # no washing or breakfast: sits in the living room until then
    night_toilet_extra: float = 0.0  # extra mean toilet visits in the night that ends this plan
    overlays: tuple[Segment, ...] = ()  # segments that replace the plan where they fall
    visits: tuple[Visit, ...] = ()  # extra visits (help arriving after a fall)


@dataclass(frozen=True, slots=True)
class DayPlan:
    day: date
    wake: int
    bed: int
    next_wake: int
    segments: tuple[Segment, ...]
    visits: tuple[Visit, ...]


@dataclass(frozen=True, slots=True)
class Resident:
    seed: int
    home: int
    tz: str
    profile: Profile


def anchors(who: Resident, day: date) -> tuple[int, int]:
    """Wake and bed time of `day`, varying from day to day around the profile's habits."""
    rng = random.Random(f"{who.seed}:{who.home}:anchor:{day.toordinal()}")
    p = who.profile
    wake = p.wake + max(-3.0, min(3.0, rng.gauss(0, 1))) * p.wake_sd
    bed = p.bed + max(-3.0, min(3.0, rng.gauss(0, 1))) * p.bed_sd
    return local_ms(day, wake, who.tz), local_ms(day, bed, who.tz)


@dataclass
class _Builder:
    rng: random.Random
    liveliness: float
    t: int
    room: str = BEDROOM
    segments: list[Segment] = field(default_factory=list)

    def go(self, room: str, act: Act, minutes: float, *, until: int | None = None) -> None:
        if room != self.room and HALLWAY not in (room, self.room) and frozenset((room, self.room)) not in ADJACENT:
            self._add(HALLWAY, Act.WALK, self.rng.uniform(0.15, 0.5))
        self._add(room, act, minutes, until)

    def _add(self, room: str, act: Act, minutes: float, until: int | None = None) -> None:
        end = self.t + max(1, int(minutes * MINUTE))
        if until is not None:
            end = max(self.t + 1, min(end, until))
        self.segments.append(Segment(self.t, end, room, act, LEVEL[act] * self.liveliness))
        self.t, self.room = end, room or self.room


def plan_day(who: Resident, day: date, changes: DayChanges) -> DayPlan:
    rng = random.Random(f"{who.seed}:{who.home}:plan:{day.toordinal()}")
    wake, bed = anchors(who, day)
    next_wake, _ = anchors(who, day + timedelta(days=1))
    b = _Builder(rng, who.profile.liveliness, wake)
    if changes.get_up is not None and changes.get_up > wake:
        b._add(BEDROOM, Act.SLEEP, (changes.get_up - wake) / MINUTE)
    b._add(BEDROOM, Act.WALK, rng.uniform(1, 4))
    if changes.idle_until is not None:
        b.go(LIVING, Act.LEISURE, (changes.idle_until - b.t) / MINUTE, until=changes.idle_until)
    else:
        b.go(BATHROOM, Act.WASH, rng.uniform(8, 20))
        b.go(KITCHEN, Act.MEAL, rng.uniform(12, 30))
    visits = _visits(who, day, rng) + list(changes.visits)
    _daytime(b, who, day, max(bed - 15 * MINUTE, b.t + MINUTE))
    b.go(BATHROOM, Act.WASH, rng.uniform(5, 12))
    b.go(BEDROOM, Act.WALK, rng.uniform(1, 3))
    _night(b, who.profile.night_toilet + changes.night_toilet_extra, max(next_wake, b.t + MINUTE))
    segments = overlay(b.segments, changes.overlays)
    return DayPlan(day, wake, bed, next_wake, tuple(segments), tuple(sorted(visits, key=lambda v: v.start)))


def _daytime(b: _Builder, who: Resident, day: date, until: int) -> None:
    p, rng = who.profile, b.rng
    meals = [local_ms(day, p.lunch + rng.gauss(0, 15), who.tz), local_ms(day, p.dinner + rng.gauss(0, 15), who.tz)]
    outing = None
    if rng.random() < p.out_chance:
        outing = local_ms(day, rng.uniform(10 * 60, 14.5 * 60), who.tz)
    while b.t < until:
        if meals and b.t >= meals[0]:
            meals.pop(0)
            b.go(KITCHEN, Act.MEAL, rng.uniform(20, 45), until=until)
        elif outing is not None and b.t >= outing:
            outing = None
            b.go(HALLWAY, Act.WALK, rng.uniform(1, 3), until=until)
            b._add("", Act.OUT, max(20.0, rng.gauss(p.out_minutes, 30)), until=until)
            b._add(HALLWAY, Act.WALK, rng.uniform(1, 3), until=until)
        else:
            _pastime(b, until=min([until, *meals] + ([outing] if outing else [])))
        if b.t < until and rng.random() < 1 - math.exp(-p.toilet_per_hour * 1.2):
            b.go(BATHROOM, Act.TOILET, rng.uniform(2, 7), until=until)


def _pastime(b: _Builder, until: int) -> None:
    roll = b.rng.random()
    if roll < 0.6:
        b.go(LIVING, Act.LEISURE, b.rng.uniform(20, 90), until=max(until, b.t + MINUTE))
    elif roll < 0.8:
        b.go(KITCHEN, Act.CHORES, b.rng.uniform(5, 20), until=max(until, b.t + MINUTE))
    elif roll < 0.9:
        b.go(BEDROOM, Act.CHORES, b.rng.uniform(5, 15), until=max(until, b.t + MINUTE))
    else:
        b.go(LIVING, Act.REST, b.rng.uniform(15, 45), until=max(until, b.t + MINUTE))


def _night(b: _Builder, toilet_mean: float, wake: int) -> None:
    rng = b.rng
    earliest, latest = b.t + 30 * MINUTE, wake - 20 * MINUTE
    visits = (
        sorted(rng.uniform(earliest, latest) for _ in range(poisson(rng, toilet_mean))) if latest > earliest else []
    )
    for at in visits:
        if at <= b.t:
            continue
        b._add(BEDROOM, Act.SLEEP, (at - b.t) / MINUTE)
        b._add(BEDROOM, Act.WALK, rng.uniform(0.3, 1))
        b.go(BATHROOM, Act.TOILET, rng.uniform(2, 6))
        b.go(BEDROOM, Act.WALK, rng.uniform(0.3, 1))
    b._add(BEDROOM, Act.SLEEP, (wake - b.t) / MINUTE, until=wake)


def _visits(who: Resident, day: date, rng: random.Random) -> list[Visit]:
    out = []
    for at in who.profile.visits:
        start = local_ms(day, at + rng.gauss(0, 10), who.tz)
        minutes = max(8.0, rng.gauss(who.profile.visit_minutes, 5))
        rooms = tuple(rng.sample((KITCHEN, BATHROOM, BEDROOM, LIVING), k=rng.randint(1, 3)))
        out.append(Visit(start, start + int(minutes * MINUTE), rooms))
    return out


def overlay(segments: list[Segment], overlays: tuple[Segment, ...]) -> list[Segment]:
    """Replace the plan where an overlay falls, keeping the parts of cut segments on either side."""
    out = list(segments)
    for o in overlays:
        kept: list[Segment] = []
        for s in out:
            if s.end <= o.start or s.start >= o.end:
                kept.append(s)
                continue
            if s.start < o.start:
                kept.append(Segment(s.start, o.start, s.room, s.act, s.level))
            if s.end > o.end:
                kept.append(Segment(o.end, s.end, s.room, s.act, s.level))
        kept.append(o)
        out = sorted(kept, key=lambda s: s.start)
    return out


def room_at(segments: tuple[Segment, ...] | list[Segment], t: int) -> Segment | None:
    for s in segments:
        if s.start <= t < s.end:
            return s
    return None


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; fine for the small means used here."""
    if mean <= 0:
        return 0
    limit, k, prod = math.exp(-mean), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k
