"""Where and when injections happen: drawn from each home's own random stream at times that suit their kind."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime

from simulator.errors import SimulatorError
from simulator.events import Act
from simulator.home import HomeModel
from simulator.inject import KINDS, Injection, durations
from simulator.periodic import MAINS_POWERED
from simulator.plan import anchors, poisson
from simulator.timebase import DAY, MINUTE, local_day, zone

TRIES = 30
AWAKE_AT_HOME = frozenset({Act.WALK, Act.WASH, Act.TOILET, Act.MEAL, Act.CHORES, Act.LEISURE, Act.REST})
OVERLAYING = frozenset({"fall", "inactivity", "night_wandering"})


def parse_rates(text: str) -> dict[str, float]:
    """`fall=0.1,button_press=1` (expected injections per home per simulated day) to a dict."""
    rates: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, _, raw = part.partition("=")
        if kind not in KINDS:
            raise SimulatorError(f"unknown injection {kind!r}; known: {', '.join(KINDS)}")
        try:
            rates[kind] = float(raw)
        except ValueError:
            raise SimulatorError(f"rate {raw!r} for {kind} is not a number") from None
    return rates


def schedule(model: HomeModel, rates: Mapping[str, float], start: int, end: int) -> list[Injection]:
    """Injections for one home in [start, end), `rates` in expected count per simulated day."""
    rng = random.Random(f"{model.seed}:{model.spec.index}:inject")
    days = (end - start) / DAY
    out: list[Injection] = []
    for kind in KINDS:
        for _ in range(poisson(rng, rates.get(kind, 0.0) * days)):
            inj = place(model, kind, start, end, rng, out)
            if inj is not None:
                out.append(inj)
    return sorted(out, key=lambda i: i.start)


def place(
    model: HomeModel, kind: str, start: int, end: int, rng: random.Random, placed: list[Injection]
) -> Injection | None:
    """One injection of `kind` in [start, end), or None if no sensible time was found."""
    for _ in range(TRIES):
        inj = _PLACERS[kind](model, kind, start, end, rng)
        if inj is not None and not _clashes(inj, placed):
            return inj
    return None


def _clashes(inj: Injection, placed: list[Injection]) -> bool:
    if inj.kind not in OVERLAYING:
        return False
    inj_end = inj.end or inj.start
    return any(p.kind in OVERLAYING and p.start < inj_end and (p.end or p.start) > inj.start for p in placed)


def _when_up(model: HomeModel, kind: str, start: int, end: int, rng: random.Random) -> Injection | None:
    t = int(rng.uniform(start, end)) // 1000 * 1000
    seg = model.segment_at(t, base=True)
    if seg is None or seg.act not in AWAKE_AT_HOME:
        return None
    dur = durations(kind, rng) or 0
    visits = [v for p in model.plans_between(t, t + dur, base=True) for v in p.visits]
    if any(v.start < t + dur + 2 * MINUTE and v.end > t - MINUTE for v in visits):
        return None  # someone would be there: not a fall nobody sees, nor inactivity
    return Injection(kind, model.spec.index, t, t + dur, room=seg.room)


def _anytime(model: HomeModel, kind: str, start: int, end: int, rng: random.Random) -> Injection:
    t = int(rng.uniform(start, end)) // 1000 * 1000
    dur = durations(kind, rng)
    details: dict[str, str | int | float | bool] = {}
    if kind == "button_press":
        device, details = "button", {"hold": rng.random() < 0.2}
    elif kind == "smoke":
        device = rng.choice(("smoke-kitchen", "smoke-kitchen", "smoke-hallway"))
    elif kind == "water_leak":
        device = rng.choice(("water-bathroom", "water-kitchen"))
    else:
        device = rng.choice([d.key for d in model.spec.devices if kind != "low_battery" or d.kind not in MAINS_POWERED])
    return Injection(kind, model.spec.index, t, None if dur is None else t + dur, device=device, details=details)


def _at_night(model: HomeModel, kind: str, start: int, end: int, rng: random.Random) -> Injection | None:
    t = int(rng.uniform(start, end)) // 1000 * 1000
    seg = model.segment_at(t, base=True)
    hour = datetime.fromtimestamp(t / 1000, zone(model.spec.timezone)).hour
    if seg is None or seg.act is not Act.SLEEP or not 0 <= hour < 5:
        return None
    dur = durations(kind, rng) or 0
    return Injection(kind, model.spec.index, t, t + dur, details={"left_home": rng.random() < 0.3})


def _on_waking(model: HomeModel, kind: str, start: int, end: int, rng: random.Random) -> Injection | None:
    day = local_day(int(rng.uniform(start, end)), model.spec.timezone)
    wake, _ = anchors(model.resident, day)
    if not start <= wake < end:
        return None
    return Injection(kind, model.spec.index, wake, wake + (durations(kind, rng) or 0))


def _trend(model: HomeModel, kind: str, start: int, end: int, rng: random.Random) -> Injection:
    day = local_day(int(rng.uniform(start, end)), model.spec.timezone)
    _, bed = anchors(model.resident, day)
    per_day = round(rng.uniform(0.3, 0.8), 2)
    details = {"first_day": day.toordinal(), "per_day": per_day, "usual": round(model.resident.profile.night_toilet, 2)}
    return Injection(kind, model.spec.index, bed, None, details=details)


_PLACERS: dict[str, Callable[[HomeModel, str, int, int, random.Random], Injection | None]] = {
    "fall": _when_up, "inactivity": _when_up, "night_wandering": _at_night, "stay_in_bed": _on_waking,
    "missed_morning": _on_waking, "night_toilet_rise": _trend, "button_press": _anytime, "smoke": _anytime,
    "water_leak": _anytime, "device_offline": _anytime, "low_battery": _anytime,
}  # fmt: skip
