"""Native-format messages through a real Mosquitto into PostgreSQL, out through the API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg import AsyncConnection

from hub.ingest.worker import Ingestor
from hub.settings import Settings
from tests import servers
from tests.conftest import API, running_ingest
from tests.helpers import eventually, mosquitto_pub, now_iso, uid

TOPIC = "carehub/v1/devices/{}/events"


async def register(api: API, external_id: str, kind: str = "climate") -> dict[str, Any]:
    home = await api.ok("POST", "/homes", as_="technician", json={"team_id": api.tokens.team_id, "label": "Home"})
    assert isinstance(home, dict)
    body = {"adapter": "native", "external_id": external_id, "kind": kind, "home_id": home["id"], "room": "living"}
    device = await api.ok("POST", "/devices", as_="technician", json=body)
    assert isinstance(device, dict)
    return device


async def test_message_from_mosquitto_pub_is_queryable_through_the_api(
    api: API, ingest: Ingestor, broker: servers.Mosquitto
) -> None:
    ext = uid()
    device = await register(api, ext)
    ts = datetime.now(UTC).replace(microsecond=0)
    mosquitto_pub(
        broker.port,
        TOPIC.format(ext),
        f'{{"ts": "{ts.isoformat()}", "values": {{"temperature": 21.5, "humidity": 38}}}}',
    )

    async def series() -> list[dict[str, Any]]:
        body = await api.ok("GET", f"/devices/{device['id']}/readings?bucket=1m", as_="operator")
        assert isinstance(body, dict)
        return list(body["items"])

    items = await eventually(series)
    by_metric = {i["metric"]: i for i in items}
    assert by_metric["temperature"]["avg"] == 21.5
    assert by_metric["humidity"]["avg"] == 38
    assert by_metric["temperature"]["n"] == 1


async def test_status_and_last_will_become_availability(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    ext = uid()
    device = await register(api, ext, "motion")
    mosquitto_pub(broker.port, f"carehub/v1/devices/{ext}/status", "offline", retain=True)

    async def availability() -> list[tuple[float]]:
        cur = await conn.execute(
            "SELECT value FROM readings WHERE device_id = %s AND metric = 'availability'", (device["id"],)
        )
        return await cur.fetchall()

    assert await eventually(availability) == [(0.0,)]


BAD_INPUTS: dict[str, tuple[str, bytes]] = {
    "malformed_json": ("events", b'{"ts": "2026-01-01T00:00:00Z", "metric": "temperature", "value": 21.5'),
    "wrong_type": ("events", b'{"ts": "@now", "metric": "temperature", "value": "warm"}'),
    "non_finite": ("events", b'{"ts": "@now", "metric": "temperature", "value": NaN}'),
    "out_of_range": ("events", b'{"ts": "@now", "metric": "humidity", "value": 140}'),
    "future_timestamp": ("events", b'{"ts": "@future", "metric": "temperature", "value": 20}'),
    "too_old": ("events", b'{"ts": "2001-01-01T00:00:00Z", "metric": "temperature", "value": 20}'),
    "bad_timestamp": ("events", b'{"ts": "yesterday", "metric": "temperature", "value": 20}'),
    "missing_field": ("events", b'{"metric": "temperature", "value": 20}'),
    "unknown_metric": ("events", b'{"ts": "@now", "metric": "mood", "value": 3}'),
    "metric_not_for_kind": ("events", b'{"ts": "@now", "metric": "smoke", "value": true}'),
    "oversize": ("events", b'{"ts": "@now", "metric": "temperature", "value": 20, "pad": "' + b"x" * 20000 + b'"}'),
}


async def test_each_kind_of_bad_input_is_dead_lettered_and_ingest_carries_on(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    ext = uid()
    device = await register(api, ext, "climate")
    future = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    for channel, payload in BAD_INPUTS.values():
        body = payload.replace(b"@now", now_iso().encode()).replace(b"@future", future.encode())
        mosquitto_pub(broker.port, f"carehub/v1/devices/{ext}/{channel}", body)
    stranger = uid("stranger")
    mosquitto_pub(broker.port, TOPIC.format(stranger), f'{{"ts": "{now_iso()}", "metric": "temperature", "value": 20}}')
    # A good message after all the bad ones is still stored: ingest kept running.
    mosquitto_pub(broker.port, TOPIC.format(ext), f'{{"ts": "{now_iso()}", "metric": "temperature", "value": 19.5}}')

    async def stored() -> list[tuple[float]]:
        cur = await conn.execute("SELECT value FROM readings WHERE device_id = %s", (device["id"],))
        return await cur.fetchall()

    assert await eventually(stored) == [(19.5,)]
    page = await api.ok("GET", "/dead-letters?limit=100", as_="technician")
    assert isinstance(page, dict)
    mine = [d for d in page["items"] if d["external_id"] == ext]
    assert sorted(d["reason"] for d in mine) == sorted(BAD_INPUTS)
    assert all(d["detail"] for d in mine)
    # Other tests' retained status messages also land here as unknown devices; look for ours.
    unknown = [d for d in page["items"] if d["external_id"] == stranger]
    assert [d["reason"] for d in unknown] == ["unknown_device"]
    assert unknown[0]["topic"] == TOPIC.format(stranger)
    assert '"value": 20' in unknown[0]["payload"]  # kept whole, so nothing is lost
    assert page["counts"]["malformed_json"] == 1


async def test_redelivered_message_changes_nothing(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    ext = uid()
    device = await register(api, ext, "climate")
    msg = f'{{"ts": "{now_iso()}", "metric": "temperature", "value": 22.0}}'
    for _ in range(3):
        mosquitto_pub(broker.port, TOPIC.format(ext), msg)
    mosquitto_pub(broker.port, TOPIC.format(ext), f'{{"ts": "{now_iso()}", "metric": "temperature", "value": 23.0}}')

    async def rows() -> list[tuple[float]]:
        cur = await conn.execute("SELECT value FROM readings WHERE device_id = %s ORDER BY ts", (device["id"],))
        found = await cur.fetchall()
        return found if len(found) >= 2 else []

    assert await eventually(rows) == [(22.0,), (23.0,)]


async def test_committed_messages_are_acknowledged_and_not_redelivered_after_restart(
    api: API, settings: Settings, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    ext = uid()
    device = await register(api, ext, "climate")
    async with running_ingest(settings) as first:
        for i in range(5):
            body = f'{{"ts": "{now_iso()}", "metric": "temperature", "value": {20 + i}}}'
            mosquitto_pub(broker.port, TOPIC.format(ext), body)

        async def all_committed() -> bool:
            cur = await conn.execute("SELECT count(*) FROM readings WHERE device_id = %s", (device["id"],))
            return (await cur.fetchone()) == (5,) and not first.queue

        await eventually(all_committed)
    # Same client id, persistent session: anything not acknowledged would be delivered again now (and the
    # retained status messages other tests left are not sent again to a subscription that already exists).
    async with running_ingest(settings) as second:
        await asyncio.sleep(1.0)
        assert second.batcher.batch.messages == 0
        assert second.messages_committed == 0
