"""One simulated home: its resident's plans, its devices' events and its injections, as pure functions of time.

`HomeModel.events(t0, t1)` is the whole behaviour model for a window: the same seed and injections give the
same events however the time is cut into windows (a test checks this).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from simulator.events import Event, Segment, Visit, merge_same_instant
from simulator.inject import Injection, day_changes, device_events, low_battery_from, silence
from simulator.layout import HomeSpec
from simulator.periodic import reports
from simulator.plan import DayChanges, DayPlan, Resident, anchors, plan_day
from simulator.profile import draw_profile
from simulator.sense import MARGIN, sense
from simulator.timebase import MINUTE, local_day

PLAN_CACHE = 6


class HomeModel:
    def __init__(self, spec: HomeSpec, seed: int, injections: Sequence[Injection] = ()) -> None:
        self.spec = spec
        self.seed = seed
        profile = draw_profile(random.Random(f"{seed}:{spec.index}:profile"))
        self.resident = Resident(seed, spec.index, spec.timezone, profile)
        self.injections: tuple[Injection, ...] = tuple(injections)
        self._keys = frozenset(d.key for d in spec.devices)
        self._plans: dict[tuple[int, bool], DayPlan] = {}

    def with_injections(self, injections: Sequence[Injection]) -> HomeModel:
        return HomeModel(self.spec, self.seed, injections)

    def plan(self, day: date, *, base: bool = False) -> DayPlan:
        """The day's plan; `base` without any injection (used to place injections sensibly)."""
        key = (day.toordinal(), base)
        cached = self._plans.get(key)
        if cached is not None:
            return cached
        changes = DayChanges()
        if not base:
            wake, _ = anchors(self.resident, day)
            next_wake, _ = anchors(self.resident, day + timedelta(days=1))
            changes = day_changes(self.injections, day, wake, next_wake)
        plan = plan_day(self.resident, day, changes)
        if len(self._plans) >= PLAN_CACHE:
            del self._plans[next(iter(self._plans))]
        self._plans[key] = plan
        return plan

    def day_of(self, t: int) -> date:
        """The plan day (morning to morning) that holds `t`."""
        day = local_day(t, self.spec.timezone)
        wake, _ = anchors(self.resident, day)
        return day - timedelta(days=1) if t < wake else day

    def plans_between(self, a: int, b: int, *, base: bool = False) -> list[DayPlan]:
        day = self.day_of(a)
        out = [self.plan(day, base=base)]
        while out[-1].next_wake < b:
            day += timedelta(days=1)
            out.append(self.plan(day, base=base))
        return out

    def segments_between(self, a: int, b: int, *, base: bool = False) -> list[Segment]:
        """Segments overlapping [a, b), with one neighbour on either side (the bed sensor needs them)."""
        everything = [s for p in self.plans_between(a, b, base=base) for s in p.segments]
        hits = [i for i, s in enumerate(everything) if s.start < b and s.end > a]
        if not hits:
            return []
        return everything[max(0, hits[0] - 1) : hits[-1] + 2]

    def segment_at(self, t: int, *, base: bool = False) -> Segment | None:
        for s in self.segments_between(t, t + 1, base=base):
            if s.start <= t < s.end:
                return s
        return None

    def events(self, t0: int, t1: int) -> list[Event]:
        a, b = t0 - MARGIN, t1 + MARGIN
        plans = self.plans_between(a, b)
        segments = self.segments_between(a, b)
        visits: list[Visit] = [v for p in plans for v in p.visits if v.start < b and v.end + 2 * MINUTE > a]
        found = sense(self.spec, self.seed, segments, visits)
        found += device_events(self.injections)
        found += reports(self.spec, self.seed, t0, t1, low_battery_from(self.injections))
        keys = self._keys
        found = [e for e in found if t0 <= e.t < t1 and e.device in keys]
        return merge_same_instant(silence(found, self.injections))
