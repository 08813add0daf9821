"""`carehub simulate`: thousands of homes at once against a running hub, then a report of what it stored.

The run: register the homes (SQL seed or the API), write the ground truth, publish every home's messages paced
to the simulated clock over a few MQTT connections, wait for the hub to commit, and read back from its database
what it stored. Bounded in simulated time, wall time and message count; loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from psycopg import AsyncConnection

from devices.adapters import Reading
from simulator import truth
from simulator.errors import TargetRefused
from simulator.expect import Expectations
from simulator.formats import Message
from simulator.home import HomeModel
from simulator.layout import NUKI, build_home
from simulator.publish import Clock, Publisher, require_loopback
from simulator.readback import Readback, lost_messages
from simulator.register import HubAPI, register_all
from simulator.report import Report
from simulator.schedule import schedule
from simulator.seed import Registry, seed
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


@dataclass
class Accounts:
    """What was sent, and what the hub should store of it, per registered device."""

    registry: Registry
    per_device: Counter[int] = field(default_factory=Counter)
    rows: int = 0
    storable: int = 0
    nothing_new: int = 0

    def add(self, msg: Message, readings: Sequence[Reading]) -> None:
        if readings:
            self.per_device[self.registry[(msg.device.adapter, msg.device.external_id)]] += 1
            self.storable += 1
            self.rows += len(readings)
        else:
            self.nothing_new += 1


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


async def register(opts: Options, conn: AsyncConnection, models: Sequence[HomeModel]) -> Registry:
    specs = [m.spec for m in models]
    if opts.register == "sql":
        return (await seed(conn, opts.team, specs))[0]
    if not opts.api_url or not opts.token:
        raise TargetRefused("registration through the API needs --api-url and a token (CAREHUB_SIM_TOKEN)")
    require_loopback(urlsplit(opts.api_url).hostname or "")
    async with httpx.AsyncClient(base_url=opts.api_url, timeout=30) as client:
        api = HubAPI(client, opts.token)
        return (await register_all(api, await api.team(opts.team), specs))[0]


async def run(opts: Options) -> Report:
    require_loopback(opts.mqtt_host)
    start = sim_start(opts, int(time.time() * 1000))
    models = build(opts, start)
    report = Report(
        homes=opts.homes, devices=sum(len(m.spec.devices) for m in models),
        profiles=dict(Counter(m.spec.profile for m in models)), seed=opts.seed, namespace=opts.namespace,
        registration=opts.register, sim_start=iso(start), sim_minutes=opts.minutes, speed=opts.speed,
        injections=write_truth(opts.truth_path, models), truth_file=str(opts.truth_path or ""),
    )  # fmt: skip
    began = datetime.now(UTC)
    async with await AsyncConnection.connect(opts.database_url, autocommit=True) as conn:
        registry = await register(opts, conn, models)
        readback = Readback(conn, registry.values())
        accounts = Accounts(registry)
        stats = await _publish_and_watch(opts, models, start, accounts, readback, report)
        await _settle(opts, readback, accounts, report, stats)
        nuki = [d.external_id for m in models for d in m.spec.devices if d.adapter == NUKI]
        report.dead_letters = await readback.dead_letters(began, opts.namespace, nuki)
        if not await readback.has_alerts():
            report.alert_latency_note = "(no alerts table yet: the alerts package has not landed)"
    return report


@dataclass
class _Watch:
    first_sent: float = 0.0
    first_sent_epoch: float = 0.0
    last_change: float = 0.0
    rows: int = 0
    peak: float = 0.0
    samples: list[tuple[float, int]] = field(default_factory=list)

    def sample(self, at: float, rows: int) -> None:
        if self.samples and rows != self.samples[-1][1]:
            t, r = self.samples[-1]
            self.peak = max(self.peak, (rows - r) / max(at - t, 1e-6))
            self.last_change = at
        self.samples.append((at, rows))
        self.rows = rows


async def _publish_and_watch(
    opts: Options, models: Sequence[HomeModel], start: int, accounts: Accounts, readback: Readback, report: Report
) -> _Watch:
    world = World(models, start, opts.seed, announce=opts.announce)
    pub = Publisher(opts.mqtt_host, opts.mqtt_port, opts.connections, f"carehub-sim-{opts.namespace}")
    await pub.connect()
    stats = _Watch()
    loop = asyncio.get_running_loop()
    clock = Clock(start, loop.time(), opts.speed)
    stop = asyncio.Event()
    watcher = asyncio.create_task(_watch(opts, readback.ids, pub, clock, stats, stop))
    try:
        await _publish(opts, world, pub, clock, accounts, stats, report)
        await pub.drain()
        report.publish_seconds = loop.time() - stats.first_sent
    finally:
        stop.set()
        await watcher
        await pub.close()
    report.messages_sent = pub.sent
    report.messages_storable, report.messages_nothing_new = accounts.storable, accounts.nothing_new
    report.rows_expected = accounts.rows
    return stats


async def _publish(
    opts: Options, world: World, pub: Publisher, clock: Clock, accounts: Accounts, stats: _Watch, report: Report
) -> None:
    loop = asyncio.get_running_loop()
    expect = Expectations()
    end = clock.sim_start + int(opts.minutes * MINUTE)
    step = max(SECOND, int(opts.speed * 100)) if opts.speed > 0 else MINUTE
    deadline = loop.time() + opts.max_seconds
    stats.first_sent, stats.first_sent_epoch = loop.time(), time.time()
    t = clock.sim_start
    while t < end:
        t = min(t + step, end)
        for msg in world.take(t):
            delay = clock.wall(msg.t) - loop.time()
            if delay > 0.002:
                await asyncio.sleep(delay)
            elif opts.speed > 0:
                report.max_lag_seconds = max(report.max_lag_seconds, -delay)
            accounts.add(msg, expect.readings(msg))
            await pub.send(msg)
            if pub.sent >= opts.max_messages or loop.time() > deadline:
                report.stopped_by = f"bound reached after {pub.sent:,} messages, {loop.time() - stats.first_sent:.0f} s"
                return


async def _watch(
    opts: Options, ids: frozenset[int], pub: Publisher, clock: Clock, stats: _Watch, stop: asyncio.Event
) -> None:
    """Sample the hub's stored rows and print progress until `stop`."""
    async with await AsyncConnection.connect(opts.database_url, autocommit=True) as conn:
        readback = Readback(conn, ids)
        loop = asyncio.get_running_loop()
        tty = sys.stderr.isatty()
        last_line = 0.0
        while not stop.is_set():
            stats.sample(loop.time(), await readback.rows())
            if tty or loop.time() - last_line >= 10 * opts.progress_every:
                last_line = loop.time()
                print("\r" + _progress(opts, clock, pub, stats), end="" if tty else "\n", file=sys.stderr, flush=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), opts.progress_every)
        print("\r" + _progress(opts, clock, pub, stats), file=sys.stderr)


def _progress(opts: Options, clock: Clock, pub: Publisher, stats: _Watch) -> str:
    end = clock.sim_start + int(opts.minutes * MINUTE)
    done = min(1.0, (clock.sim(asyncio.get_running_loop().time()) - clock.sim_start) / max(1, end - clock.sim_start))
    return (f"[{'#' * int(done * 30):<30}] sim {done * opts.minutes:6.1f}/{opts.minutes:g} min | sent {pub.sent:>10,}"
            f" | in flight {pub.inflight:>6,} | hub rows {stats.rows:>11,}")  # fmt: skip


async def _settle(opts: Options, readback: Readback, accounts: Accounts, report: Report, stats: _Watch) -> None:
    """Wait for the hub to commit what was sent (bounded), then count what it stored."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + opts.settle_seconds
    lost, again, stored = 0, 0, {}
    while True:
        stored = await readback.stored()
        stats.sample(loop.time(), sum(r for _, r in stored.values()))
        lost, again = lost_messages(accounts.per_device, stored)
        quiet = loop.time() - max(stats.last_change, stats.first_sent) > 15
        if lost == 0 or loop.time() > deadline or quiet:
            break
        await asyncio.sleep(1.0)
    report.messages_lost, report.messages_stored_again = lost, again
    report.messages_stored = sum(m for m, _ in stored.values())
    report.rows_stored = sum(r for _, r in stored.values())
    report.hub_seconds = max(stats.last_change, stats.first_sent) - stats.first_sent
    committed = await readback.last_commit()
    if committed is not None:
        report.hub_seconds = committed - stats.first_sent_epoch
    report.peak_rows_per_s = round(stats.peak, 1)
