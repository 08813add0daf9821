"""Ground truth matches what was published: for every injection in the truth file, the messages the simulator
sent (read with the hub's own adapters) show it, at the time the file says."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path

from simulator import truth
from simulator.expect import Expectations
from simulator.formats import Message
from simulator.home import HomeModel
from simulator.inject import KINDS, Injection
from simulator.layout import build_home, parse_mix
from simulator.schedule import place
from simulator.timebase import DAY, HOUR, SECOND, parse_time
from simulator.world import World

START = parse_time("2026-11-16T00:00:00", "Europe/Oslo")
END = START + 2 * DAY
ONE_OFF = [k for k in KINDS if k != "night_toilet_rise"]
Row = tuple[int, str, str, float]  # (ms, device key, metric, value)


class Run:
    def __init__(self, models: list[HomeModel], injections: list[Injection]) -> None:
        self.models = {m.spec.index: m for m in models}
        self.injections = injections
        self.messages = World(models, START, 1).take(END)
        expect = Expectations()
        self.rows: dict[int, list[Row]] = {i: [] for i in self.models}
        for msg in self.messages:
            for r in expect.readings(msg):
                self.rows[msg.home].append((int(r.ts.timestamp() * 1000), msg.device.key, r.metric, r.value))

    def between(self, home: int, a: int, b: int, metric: str | None = None) -> list[Row]:
        return [r for r in self.rows[home] if a <= r[0] < b and (metric is None or r[2] == metric)]


@cache
def one_of_each() -> Run:
    """One home per injection kind and gateway profile, so injections do not get in each other's way."""
    mix = parse_mix("native=1,zigbee2mqtt=1,nuki=1")
    models, injections = [], []
    for i in range(3 * len(ONE_OFF)):
        kind = ONE_OFF[i % len(ONE_OFF)]
        model = HomeModel(build_home("gt", i, mix), 1)
        inj = place(model, kind, START + 2 * HOUR, START + DAY + 12 * HOUR, random.Random(i), [])
        assert inj is not None, f"no place for {kind} in home {i}"
        injections.append(inj)
        models.append(model.with_injections([inj]))
    return Run(models, injections)


def ms(t: datetime | None) -> int:
    assert t is not None
    return int(t.timestamp() * 1000)


def test_the_truth_file_says_what_was_injected(tmp_path: Path) -> None:
    run = one_of_each()
    path = tmp_path / "truth.jsonl"
    with path.open("wb") as out:
        assert truth.write(out, run.injections, {i: m.spec for i, m in run.models.items()}) == len(run.injections)
    records = truth.read(path)
    assert [(r.home_index, r.kind, ms(r.start)) for r in records] == [(i.home, i.kind, i.start) for i in run.injections]
    for r, inj in zip(records, run.injections, strict=True):
        spec = run.models[inj.home].spec
        assert r.home == spec.label
        assert r.device == (spec.device(inj.device).external_id if inj.device else None)
        assert (ms(r.end) if r.end else None) == inj.end


def test_every_injection_shows_in_the_published_messages() -> None:
    run = one_of_each()
    failures = []
    for inj in run.injections:
        problem = CHECKS[inj.kind](run, inj)
        if problem:
            failures.append(f"{inj.kind} in home {inj.home} ({run.models[inj.home].spec.profile}): {problem}")
    assert not failures, "\n".join(failures)


def _fall(run: Run, inj: Injection) -> str | None:
    assert inj.end is not None
    if inj.room == "bathroom" and not run.between(inj.home, inj.start, inj.start + 20 * SECOND, "fall"):
        return "no fall alarm from the bathroom radar"
    return _still(run, inj) or _arrives(run, inj.home, inj.end, "help")


def _still(run: Run, inj: Injection) -> str | None:
    assert inj.end is not None
    moving = [r for r in run.between(inj.home, inj.start + 10 * SECOND, inj.end, "motion") if r[3] == 1.0]
    return f"motion while the resident lies still: {moving[:3]}" if moving else None


def _arrives(run: Run, home: int, t: int, who: str) -> str | None:
    if not [r for r in run.between(home, t, t + 10 * SECOND) if r[2] in ("lock_action", "door_open")]:
        return f"no door or lock activity when {who} arrives"
    return None


def _event(metric: str, value: float | None = None) -> Callable[[Run, Injection], str | None]:
    def check(run: Run, inj: Injection) -> str | None:
        rows = [r for r in run.between(inj.home, inj.start, inj.start + 1) if r[1] == inj.device and r[2] == metric]
        if not rows or (value is not None and rows[0][3] != value):
            return f"no {metric}={value} from {inj.device} at the start"
        if inj.end is not None and inj.end > inj.start and inj.end < END:
            ended = [r for r in run.between(inj.home, inj.end, inj.end + 1, metric) if r[1] == inj.device]
            if not ended or ended[0][3] != 0.0:
                return f"{metric} does not end at the end"
        return None

    return check


def _wander(run: Run, inj: Injection) -> str | None:
    assert inj.end is not None
    rows = run.between(inj.home, inj.start, inj.end)
    rooms = {r[1] for r in rows if r[2] == "motion" and r[3] == 1.0 and r[1].startswith("motion-")}
    if not [r for r in rows if r[2] == "in_bed" and r[3] == 0.0] or len(rooms) < 3:
        return f"no getting up and walking about at night (rooms {rooms})"
    if inj.details.get("left_home") and not [r for r in rows if r[1] == "door-front" and r[3] == 1.0]:
        return "left home without the front door opening"
    return None


def _in_bed(run: Run, inj: Injection) -> str | None:
    assert inj.end is not None
    if run.between(inj.home, inj.start - HOUR, inj.end, "in_bed"):
        return "the bed sensor changed while the resident stayed in bed"
    got_up = run.between(inj.home, inj.end, inj.end + 1, "in_bed")
    return None if got_up and got_up[0][3] == 0.0 else "no getting up at the end"


def _no_morning(run: Run, inj: Injection) -> str | None:
    assert inj.end is not None
    model = run.models[inj.home]
    visits = [v for p in model.plans_between(inj.start, inj.end) for v in p.visits]
    busy = [r for r in run.between(inj.home, inj.start + 5 * 60 * SECOND, inj.end, "motion")
            if r[1] in ("motion-kitchen", "motion-bathroom") and r[3] == 1.0
            and not any(v.start <= r[0] <= v.end + 60 * SECOND for v in visits)]  # fmt: skip
    return f"kitchen or bathroom used during the missed morning: {busy[:3]}" if busy else None


def _offline(run: Run, inj: Injection) -> str | None:
    assert inj.end is not None
    sent = [m for m in run.messages if m.home == inj.home and m.device.key == inj.device]
    during = [m for m in sent if inj.start < m.t < inj.end and not _availability(m)]
    went = [r for r in run.between(inj.home, inj.start, inj.start + 1, "availability") if r[1] == inj.device]
    back = [r for r in run.between(inj.home, inj.end, inj.end + 1, "availability") if r[1] == inj.device]
    if during or not went or went[0][3] != 0.0 or (inj.end < END and (not back or back[0][3] != 1.0)):
        return f"offline not as published: {len(during)} messages while offline, went={went}, back={back}"
    return None


def _availability(m: Message) -> bool:
    return m.topic.endswith(("/availability", "/status", "/connected"))


def _low_battery(run: Run, inj: Injection) -> str | None:
    rows = [r for r in run.between(inj.home, inj.start, inj.start + 1) if r[1] == inj.device]
    if not any((r[2] == "battery" and r[3] <= 10) or (r[2] == "battery_low" and r[3] == 1.0) for r in rows):
        return f"no low battery from {inj.device} at the start: {rows}"
    later = [r for r in run.between(inj.home, inj.start + 1, END, "battery") if r[1] == inj.device]
    return f"battery recovered by itself: {later[:3]}" if any(r[3] > 10 for r in later) else None


CHECKS: dict[str, Callable[[Run, Injection], str | None]] = {
    "fall": _fall, "inactivity": _still, "night_wandering": _wander, "stay_in_bed": _in_bed,
    "missed_morning": _no_morning, "button_press": _event("button_press"), "smoke": _event("smoke", 1.0),
    "water_leak": _event("water_leak", 1.0), "device_offline": _offline, "low_battery": _low_battery,
}  # fmt: skip


def test_night_toilet_visits_rise_from_the_day_the_truth_gives() -> None:
    model = HomeModel(build_home("gt", 0, parse_mix("native=1")), 4)
    start = parse_time("2026-11-02T12:00:00", "Europe/Oslo")
    inj = place(model, "night_toilet_rise", start + 4 * DAY, start + 5 * DAY, random.Random(0), [])
    assert inj is not None
    rising = model.with_injections([inj])

    def night_visits(m: HomeModel, day: int) -> int:
        plan = m.plan(m.day_of(start + day * DAY))
        return sum(1 for s in plan.segments if s.act == "toilet" and s.start > plan.bed)

    before = [night_visits(rising, d) for d in range(4)]
    after = [night_visits(rising, d) for d in range(6, 10)]
    assert before == [night_visits(model, d) for d in range(4)]  # nothing changes before the trend starts
    assert sum(after) / 4 >= sum(before) / 4 + 2, (before, after)
