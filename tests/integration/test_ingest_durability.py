"""Nothing is lost: kill -9 in mid-stream, restart, every reading is there exactly once; and two workers on one
shared subscription store every reading once between them."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from psycopg import AsyncConnection

from hub.settings import Settings
from tests import servers
from tests.helpers import eventually, ingest_process, publish_all, uid

pytestmark = pytest.mark.slow


async def add_devices(conn: AsyncConnection, prefix: str, n: int) -> list[str]:
    cur = await conn.execute("INSERT INTO teams (name) VALUES (%s) RETURNING id", (prefix,))
    team = (await cur.fetchone())[0]  # type: ignore[index]
    cur = await conn.execute("INSERT INTO homes (team_id, label) VALUES (%s, 'load') RETURNING id", (team,))
    home = (await cur.fetchone())[0]  # type: ignore[index]
    ids = [f"{prefix}-{i}" for i in range(n)]
    async with conn.cursor() as c:
        await c.executemany(
            "INSERT INTO devices (adapter, external_id, kind, home_id) VALUES ('native', %s, 'climate', %s)",
            [(i, home) for i in ids],
        )
    return ids


def readings(devices: list[str], total: int) -> tuple[list[tuple[str, bytes]], float]:
    """`total` temperature readings spread over the devices, one second apart per device; and their sum."""
    start = datetime.now(UTC) - timedelta(hours=1)
    out, value_sum = [], 0.0
    for i in range(total):
        device = devices[i % len(devices)]
        ts = start + timedelta(seconds=i // len(devices), microseconds=i % 1000)
        value = round(15 + (i % 100) / 10, 1)
        value_sum += value
        out.append((f"carehub/v1/devices/{device}/events",
                    f'{{"ts":"{ts.isoformat()}","metric":"temperature","value":{value}}}'.encode()))  # fmt: skip
    return out, value_sum


def env_for(settings: Settings, client_id: str) -> dict[str, str]:
    assert settings.database.url is not None
    return {
        "CAREHUB_DATABASE__URL": settings.database.url.get_secret_value(),
        "CAREHUB_MQTT__HOST": "127.0.0.1",
        "CAREHUB_MQTT__PORT": str(settings.mqtt.port),
        "CAREHUB_MQTT__SHARED_GROUP": settings.mqtt.shared_group,
        "CAREHUB_INGEST__CLIENT_ID": client_id,
    }


async def count(conn: AsyncConnection) -> int:
    cur = await conn.execute("SELECT count(*) FROM readings")
    return int((await cur.fetchone())[0])  # type: ignore[index]


async def wait_subscribed(log: Path) -> None:
    async def connected() -> bool:
        return log.exists() and "connected to MQTT" in log.read_text()  # noqa: ASYNC240 (a small log file)

    await eventually(connected, timeout=30)


async def test_kill_9_in_mid_stream_loses_nothing_and_duplicates_nothing(
    settings: Settings, broker: servers.Mosquitto, conn: AsyncConnection, tmp_path: Path
) -> None:
    total = 50_000
    devices = await add_devices(conn, uid("k9"), 50)
    messages, value_sum = readings(devices, total)
    client_id = uid("ingest")
    log = tmp_path / "ingest.log"

    first = ingest_process(env_for(settings, client_id), str(log))
    await wait_subscribed(log)
    publishing = asyncio.create_task(publish_all(settings.mqtt.port, messages))

    async def some_stored() -> bool:
        return await count(conn) >= total // 5

    await eventually(some_stored, timeout=60, every=0.02)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    at_kill = await count(conn)
    assert 0 < at_kill < total, f"kill came too late to test anything ({at_kill} stored)"
    await asyncio.wait_for(publishing, 120)  # the broker queues the rest for the dead worker's session

    second = ingest_process(env_for(settings, client_id), str(log))
    try:

        async def all_stored() -> bool:
            return await count(conn) >= total

        await eventually(all_stored, timeout=120, every=0.2)
        await asyncio.sleep(1.0)  # anything still arriving would be a duplicate or an extra
        cur = await conn.execute("SELECT count(*), count(DISTINCT (device_id, metric, ts)), sum(value) FROM readings")
        rows, distinct, stored_sum = await cur.fetchone()  # type: ignore[misc]
        assert rows == distinct == total
        assert stored_sum == pytest.approx(value_sum)
        cur = await conn.execute("SELECT count(*) FROM dead_letters")
        assert (await cur.fetchone())[0] == 0  # type: ignore[index]
        assert "session present: True" in log.read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)


async def test_two_workers_on_one_shared_subscription_store_each_reading_once(
    settings: Settings, broker: servers.Mosquitto, conn: AsyncConnection, tmp_path: Path
) -> None:
    total = 20_000
    devices = await add_devices(conn, uid("share"), 40)
    messages, _ = readings(devices, total)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    workers = [ingest_process(env_for(settings, uid(f"ingest-{i}")), str(p)) for i, p in enumerate(logs)]
    try:
        for p in logs:
            await wait_subscribed(p)
        await publish_all(settings.mqtt.port, messages)

        async def all_stored() -> bool:
            return await count(conn) >= total

        await eventually(all_stored, timeout=60, every=0.1)
        await asyncio.sleep(0.5)
        assert await count(conn) == total
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(30)
    shares = [int(re.findall(r"stopped after (\d+) messages", p.read_text())[-1]) for p in logs]
    assert sum(shares) == total
    assert min(shares) > total // 10, f"one worker did almost nothing: {shares}"
