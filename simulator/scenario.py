"""What a `carehub simulate` run is: its options, and the scenario they make (simulated homes or a replay)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from simulator import truth
from simulator.errors import TargetRefused
from simulator.formats import Message
from simulator.home import HomeModel
from simulator.layout import HomeSpec, build_home
from simulator.replay import datasets, player
from simulator.schedule import schedule
from simulator.timebase import MINUTE, SECOND, iso
from simulator.world import World

MAX_FUTURE_MS = 4 * MINUTE  # the hub refuses readings more than 5 minutes ahead of its clock


@dataclass(frozen=True)
class Options:
    homes: int
    minutes: float
    speed: float
    seed: int
    mix: dict[str, float]
    inject: dict[str, float]
    mqtt_host: str
    mqtt_port: int
    database_url: str
    namespace: str
    start: int | None = None
    register: str = "sql"
    api_url: str | None = None
    token: str | None = None
    team: str = "Simulated homes"
    connections: int = 4
    announce: bool = True
    truth_path: Path | None = None
    max_seconds: float = 3600.0
    max_messages: int = 50_000_000
    settle_seconds: float = 120.0
    progress_every: float = 2.0
    replay: str | None = None  # a recording to replay instead of simulated homes
    data_dir: Path = Path("../shared/data")
    gateway: str = "native"  # how a replayed home's devices publish: native or zigbee2mqtt


def sim_start(opts: Options, now_ms: int) -> int:
    """Where simulated time starts: now for real time; in the past for a faster run, so that no reading is ahead
    of the hub's clock when it arrives."""
    duration = int(opts.minutes * MINUTE)
    start = opts.start if opts.start is not None else now_ms - (0 if 0 < opts.speed <= 1 else duration)
    wall = duration / opts.speed if opts.speed > 0 else 0
    if start + duration > now_ms + wall + MAX_FUTURE_MS:
        raise TargetRefused(f"simulated time would run ahead of the hub's clock: start before {iso(now_ms)}")
    return start // SECOND * SECOND


def build(opts: Options, start: int) -> list[HomeModel]:
    models = [HomeModel(build_home(opts.namespace, i, opts.mix), opts.seed) for i in range(opts.homes)]
    if opts.inject:
        end = start + int(opts.minutes * MINUTE)
        models = [m.with_injections(schedule(m, opts.inject, start, end)) for m in models]
    return models


def write_truth(path: Path | None, models: Sequence[HomeModel]) -> dict[str, int]:
    injections = [i for m in models for i in m.injections]
    if path is not None:
        with path.open("wb") as out:
            truth.write(out, injections, {m.spec.index: m.spec for m in models})
    return dict(Counter(i.kind for i in injections))


class Source(Protocol):
    def take(self, until: int) -> list[Message]: ...


@dataclass
class Scenario:
    what: str
    specs: list[HomeSpec]
    source: Source
    start: int
    minutes: float
    injections: dict[str, int]


def homes(opts: Options, now_ms: int) -> Scenario:
    start = sim_start(opts, now_ms)
    models = build(opts, start)
    world = World(models, start, opts.seed, announce=opts.announce)
    injections = write_truth(opts.truth_path, models)
    return Scenario("simulated homes", [m.spec for m in models], world, start, opts.minutes, injections)


def replay(opts: Options, now_ms: int) -> Scenario:
    assert opts.replay is not None
    rec = datasets.load(opts.replay, opts.data_dir)
    spec = player.home_for(rec, opts.namespace, 0, opts.gateway)
    events = player.events(rec, player.weeks_shift(rec, now_ms))
    start = events[0].t // SECOND * SECOND
    minutes = (events[-1].t + 2 * SECOND - start) / MINUTE
    return Scenario(f"replay of {rec.name}", [spec], player.Replay(spec, events, opts.seed), start, minutes, {})
