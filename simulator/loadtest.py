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
from urllib.parse import urlsplit

from psycopg import AsyncConnection

from devices.adapters import Reading
from simulator import scenario
from simulator.errors import TargetRefused
from simulator.expect import Expectations
from simulator.formats import Message
from simulator.layout import NUKI, HomeSpec
from simulator.publish import Clock, Publisher, require_loopback
from simulator.readback import Readback, lost_messages
from simulator.report import Report
from simulator.scenario import Options, Scenario
from simulator.seed import Registry, seed
from simulator.timebase import MINUTE, SECOND, iso

MAX_FUTURE_MS = 4 * MINUTE  # the hub refuses readings more than 5 minutes ahead of its clock


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


async def register(opts: Options, conn: AsyncConnection, specs: Sequence[HomeSpec]) -> Registry:
    if opts.register == "sql":
        return (await seed(conn, opts.team, specs))[0]
    if not opts.api_url or not opts.token:
        raise TargetRefused("registration through the API needs --api-url and a token (CAREHUB_SIM_TOKEN)")
    require_loopback(urlsplit(opts.api_url).hostname or "")
    import httpx  # only this path needs it (a development dependency today)

    from simulator.register import HubAPI, register_all

    async with httpx.AsyncClient(base_url=opts.api_url, timeout=30) as client:
        api = HubAPI(client, opts.token)
        return (await register_all(api, await api.team(opts.team), specs))[0]


async def run(opts: Options) -> Report:
    require_loopback(opts.mqtt_host)
    now = int(time.time() * 1000)
    scene = scenario.replay(opts, now) if opts.replay else scenario.homes(opts, now)
    report = Report(
        source=scene.what, homes=len(scene.specs), devices=sum(len(s.devices) for s in scene.specs),
        profiles=dict(Counter(s.profile for s in scene.specs)), seed=opts.seed, namespace=opts.namespace,
        registration=opts.register, sim_start=iso(scene.start), sim_minutes=round(scene.minutes, 2),
        speed=opts.speed, injections=scene.injections, truth_file=str(opts.truth_path or "") if not opts.replay else "",
    )  # fmt: skip
    began = datetime.now(UTC)
    async with await AsyncConnection.connect(opts.database_url, autocommit=True) as conn:
        registry = await register(opts, conn, scene.specs)
        readback = Readback(conn, registry.values())
        accounts = Accounts(registry)
        stats = await _publish_and_watch(opts, scene, accounts, readback, report)
        await _settle(opts, readback, accounts, report, stats)
        nuki = [d.external_id for s in scene.specs for d in s.devices if d.adapter == NUKI]
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
    opts: Options, scene: Scenario, accounts: Accounts, readback: Readback, report: Report
) -> _Watch:
    pub = Publisher(opts.mqtt_host, opts.mqtt_port, opts.connections, f"carehub-sim-{opts.namespace}")
    await pub.connect()
    stats = _Watch()
    loop = asyncio.get_running_loop()
    clock = Clock(scene.start, loop.time(), opts.speed)
    stop = asyncio.Event()
    watcher = asyncio.create_task(_watch(opts, scene.minutes, readback.ids, pub, clock, stats, stop))
    try:
        await _publish(opts, scene, pub, clock, accounts, stats, report)
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
    opts: Options, scene: Scenario, pub: Publisher, clock: Clock, accounts: Accounts, stats: _Watch, report: Report
) -> None:
    loop = asyncio.get_running_loop()
    expect = Expectations()
    end = clock.sim_start + int(scene.minutes * MINUTE)
    step = max(SECOND, int(opts.speed * 100)) if opts.speed > 0 else MINUTE
    deadline = loop.time() + opts.max_seconds
    stats.first_sent, stats.first_sent_epoch = loop.time(), time.time()
    t = clock.sim_start
    while t < end:
        t = min(t + step, end)
        for msg in scene.source.take(t):
            delay = clock.wall(msg.t) - loop.time()
            if delay > 0.002:
                await asyncio.sleep(delay)
            elif opts.speed > 0 and -delay > report.max_lag_seconds:
                report.max_lag_seconds = -delay
                report.max_lag_at_minute = round((msg.t - clock.sim_start) / MINUTE, 2)
            accounts.add(msg, expect.readings(msg))
            await pub.send(msg)
            if pub.sent >= opts.max_messages or loop.time() > deadline:
                report.stopped_by = f"bound reached after {pub.sent:,} messages, {loop.time() - stats.first_sent:.0f} s"
                return


async def _watch(
    opts: Options, minutes: float, ids: frozenset[int], pub: Publisher, clock: Clock, stats: _Watch,
    stop: asyncio.Event,
) -> None:  # fmt: skip
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
                print(
                    "\r" + _progress(minutes, clock, pub, stats), end="" if tty else "\n", file=sys.stderr, flush=True
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), opts.progress_every)
        print("\r" + _progress(minutes, clock, pub, stats), file=sys.stderr)


def _progress(minutes: float, clock: Clock, pub: Publisher, stats: _Watch) -> str:
    end = clock.sim_start + int(minutes * MINUTE)
    done = min(1.0, (clock.sim(asyncio.get_running_loop().time()) - clock.sim_start) / max(1, end - clock.sim_start))
    return (f"[{'#' * int(done * 30):<30}] sim {done * minutes:6.1f}/{minutes:.4g} min | sent {pub.sent:>10,}"
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
