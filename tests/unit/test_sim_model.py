"""The simulator's behaviour model: deterministic for a seed, independent of how time is cut, and plausible."""

from __future__ import annotations

import itertools
import statistics
from datetime import date, timedelta

from devices.catalogue import KINDS
from simulator.events import Act
from simulator.home import HomeModel
from simulator.layout import NATIVE, NUKI, Z2M, build_home, parse_mix
from simulator.timebase import DAY, HOUR, MINUTE, parse_time
from simulator.world import World

MIX = parse_mix("native=1,zigbee2mqtt=1,nuki=1")
START = parse_time("2026-11-16T06:00:00", "Europe/Oslo")


def world(seed: int, homes: int = 12) -> World:
    return World([HomeModel(build_home("t", i, MIX), seed) for i in range(homes)], START, seed, announce=True)


def published(seed: int, hours: int = 3) -> list[tuple[int, str, bytes, bool]]:
    return [(m.t, m.topic, m.payload, m.retain) for m in world(seed).take(START + hours * HOUR)]


def test_a_seeded_run_reproduces_the_same_messages() -> None:
    first = published(7)
    assert len(first) > 1000
    assert published(7) == first
    other = published(8)
    assert other != first
    assert {t for _, t, _, _ in other} & {t for _, t, _, _ in first}  # same devices, different lives


def test_taking_time_in_slices_gives_the_same_messages_as_one_go() -> None:
    w = world(3)
    sliced = []
    t = START
    for step in (1, 7 * MINUTE, 13, HOUR, 2 * HOUR + 11):
        t += step
        sliced += w.take(t)
    assert [(m.topic, m.payload) for m in sliced] == [(m.topic, m.payload) for m in world(3).take(t)]


def test_a_homes_events_do_not_depend_on_window_boundaries() -> None:
    home = HomeModel(build_home("t", 5, MIX), 11)
    whole = home.events(START, START + DAY)
    cuts = [START, START + 17 * MINUTE + 3, START + 5 * HOUR, START + 5 * HOUR + 1, START + 20 * HOUR, START + DAY]
    pieces = [e for a, b in itertools.pairwise(cuts) for e in home.events(a, b)]
    assert pieces == whole


def test_every_home_has_about_fifteen_catalogue_devices_and_the_mix_is_followed() -> None:
    homes = [build_home("t", i, parse_mix("native=2,zigbee2mqtt=1,nuki=1")) for i in range(400)]
    assert all(len(h.devices) == 15 and all(d.kind in KINDS for d in h.devices) for h in homes)
    share = {p: sum(h.profile == p for h in homes) / len(homes) for p in (NATIVE, Z2M, NUKI)}
    assert abs(share[NATIVE] - 0.5) < 0.03
    assert abs(share[Z2M] - 0.25) < 0.03
    assert abs(share[NUKI] - 0.25) < 0.03
    ids = [(d.adapter, d.external_id) for h in homes for d in h.devices]
    assert len(set(ids)) == len(ids)


def test_residents_have_routines_that_vary_from_day_to_day() -> None:
    home = HomeModel(build_home("t", 2, MIX), 5)
    p = home.resident.profile
    plans = [home.plan(date(2026, 11, 2) + timedelta(days=d)) for d in range(14)]
    wakes = [(plan.wake - parse_time(f"{plan.day}T00:00:00", "Europe/Oslo")) / MINUTE for plan in plans]
    assert statistics.pstdev(wakes) > 3, "wake time should vary"
    assert all(abs(w - p.wake) <= 3 * p.wake_sd + 1 for w in wakes)
    for plan in plans:
        acts = {(s.act, s.room) for s in plan.segments}
        assert (Act.MEAL, "kitchen") in acts
        assert (Act.SLEEP, "bedroom") in acts
        assert (Act.WASH, "bathroom") in acts
        assert all(a.end <= b.start for a, b in zip(plan.segments, plan.segments[1:], strict=False))
        assert plan.segments[0].start == plan.wake
        assert plan.segments[-1].end == plan.next_wake
    night_toilets = [
        sum(1 for s in plan.segments if s.act is Act.TOILET and plan.bed < s.start < plan.next_wake) for plan in plans
    ]
    assert sum(night_toilets) > 0
    assert len(set(night_toilets)) > 1
    outings = sum(1 for plan in plans for s in plan.segments if s.act is Act.OUT)
    visits = sum(len(plan.visits) for plan in plans)
    assert outings > 0
    assert visits == 14 * len(p.visits)


def test_motion_follows_the_resident_and_clears_after_the_timeout() -> None:
    home = HomeModel(build_home("t", 4, MIX), 9)
    events = home.events(START, START + DAY)
    kitchen = [e for e in events if e.device == "motion-kitchen"]
    on = [e.t for e in kitchen if ("motion", 1.0) in e.values]
    off = [e.t for e in kitchen if ("motion", 0.0) in e.values]
    assert on
    assert off
    assert all(any(0 < t - o <= 90_000 for o in on) for t in off)  # each clear follows a trigger by the timeout
    meals = [s for s in home.segments_between(START, START + DAY) if s.act is Act.MEAL]
    assert all(any(m.start <= t < m.end for t in on) for m in meals if m.start >= START)


def test_the_world_gives_each_event_in_the_slice_of_time_it_is_due() -> None:
    w = World([HomeModel(build_home("t", i, MIX), 2) for i in range(300)], START, 2, announce=True)
    until = START
    for _ in range(60):
        since, until = until, until + 10_000
        late = [e for e, _ in w.take_events(until) if not since <= e.t < until]
        assert not late, f"{len(late)} events outside [{since}, {until}), e.g. {late[:2]}"
