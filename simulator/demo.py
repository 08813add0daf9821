"""The stream of `carehub demo`: a few simulated homes, the last hours at once, then live.

The demo registers its homes with `seed` and hands `run` the devices it registered; `run` simulates exactly the
demo homes whose devices are all there. It publishes the past `backfill_hours` straight away (so the API has
data the moment the demo starts), then carries on in real time with injected alarms now and then, and writes
their ground truth beside the demo's data. It reconnects if the broker goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from psycopg import AsyncConnection

from mqttio import MQTT_311, MQTTError
from simulator import seed as seeding
from simulator import truth
from simulator.home import HomeModel
from simulator.layout import HomeSpec, build_home, parse_mix
from simulator.publish import Publisher
from simulator.schedule import schedule
from simulator.timebase import DAY, HOUR, SECOND
from simulator.world import World

log = logging.getLogger(__name__)

NAMESPACE = "demo"
SEED = 1
MIX = parse_mix("native=1,zigbee2mqtt=2,nuki=2")  # the first three homes have one gateway profile each
INJECT = {"button_press": 6.0, "fall": 0.5, "smoke": 0.3, "water_leak": 0.3, "device_offline": 1.0,
          "low_battery": 0.5, "inactivity": 0.3, "night_wandering": 0.3}  # fmt: skip
TRUTH = Path(".carehub/demo-truth.jsonl")


def homes(n: int) -> list[HomeSpec]:
    return [build_home(NAMESPACE, i, MIX) for i in range(n)]


async def seed(conn: AsyncConnection, team: str, n: int) -> None:
    """Register `n` demo homes (residents and fifteen devices each) under `team`."""
    await seeding.seed(conn, team, homes(n))


def registered(devices: Sequence[tuple[str, str]]) -> list[HomeSpec]:
    """The demo homes whose every device is among `devices` ((external id, kind) pairs)."""
    ids = {ext for ext, _ in devices}
    out: list[HomeSpec] = []
    while True:
        home = build_home(NAMESPACE, len(out), MIX)
        if not all(d.external_id in ids for d in home.devices):
            return out
        out.append(home)


async def run(
    host: str, port: int, devices: Sequence[tuple[str, str]], stop: asyncio.Event, *, backfill_hours: float = 12,
    inject: Mapping[str, float] = INJECT, truth_path: Path | None = TRUTH,
) -> None:  # fmt: skip
    specs = registered(devices)
    if not specs:
        log.warning("demo stream: none of the simulator's demo homes is registered; nothing to simulate")
        return
    now = int(time.time() * 1000) // SECOND * SECOND
    models = [HomeModel(spec, SEED) for spec in specs]
    models = [m.with_injections(schedule(m, inject, now, now + 7 * DAY)) for m in models]
    if truth_path is not None:
        truth_path.parent.mkdir(parents=True, exist_ok=True)
        with truth_path.open("wb") as out:
            truth.write(out, [i for m in models for i in m.injections], {m.spec.index: m.spec for m in models})
    world = World(models, now - int(backfill_hours * HOUR), SEED, announce=True)
    log.info("demo stream: %d simulated homes, %d devices", len(specs), sum(len(s.devices) for s in specs))
    while not stop.is_set():
        try:
            await _stream(host, port, world, stop)
        except MQTTError as err:
            log.warning("demo stream: MQTT connection lost, reconnecting: %s", err)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


async def _stream(host: str, port: int, world: World, stop: asyncio.Event) -> None:
    pub = Publisher(host, port, 1, "carehub-demo-stream", version=MQTT_311)
    await pub.connect()
    try:
        while not stop.is_set():
            for msg in world.take(int(time.time() * 1000)):
                await pub.send(msg)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
        await pub.drain()
    finally:
        await pub.close()
