"""Migrations, the hourly rollup and retention on whichever storage path the server offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from psycopg import AsyncConnection

from devices.readings import repo, service
from hub import db
from tests import servers
from tests.conftest import API

HOUR = timedelta(hours=1)


async def test_migrate_is_idempotent(db_url: str) -> None:
    assert await db.migrate(db_url) == []  # the template is migrated already
    assert await db.migrate(db_url) == []


async def test_plain_postgres_path_has_the_unique_key_and_brin(pg: servers.Postgres, conn: AsyncConnection) -> None:
    if pg.timescale:
        pytest.skip("this server has TimescaleDB; the plain path is what runs without it")
    cur = await conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'readings'")
    indexes: dict[str, str] = dict(await cur.fetchall())
    assert "UNIQUE" in indexes["readings_key"]
    assert "(device_id, metric, ts)" in indexes["readings_key"]
    assert "brin" in indexes["readings_ts_brin"]
    cur = await conn.execute("SELECT variant FROM schema_migrations WHERE name = 'readings'")
    assert await cur.fetchone() == ("postgres",)


async def test_timescale_path_makes_a_hypertable_and_continuous_aggregate(
    pg: servers.Postgres, conn: AsyncConnection
) -> None:
    if not pg.timescale:
        pytest.skip("TimescaleDB is not installed on this machine's PostgreSQL; production runs it (compose)")
    cur = await conn.execute("SELECT hypertable_name FROM timescaledb_information.hypertables")
    assert ("readings",) in await cur.fetchall()
    cur = await conn.execute("SELECT view_name FROM timescaledb_information.continuous_aggregates")
    assert ("readings_hourly",) in await cur.fetchall()
    cur = await conn.execute("SELECT proc_name FROM timescaledb_information.jobs")
    assert {"policy_compression", "policy_refresh_continuous_aggregate"} <= {r[0] for r in await cur.fetchall()}


async def insert(conn: AsyncConnection, rows: list[tuple[datetime, int, str, float]]) -> None:
    async with conn.transaction():
        await repo.copy_rows(conn, rows)
        await repo.mark_dirty(conn, min(r[0] for r in rows))


async def test_rollup_follows_late_data_and_the_api_reads_it(
    pg: servers.Postgres, conn: AsyncConnection, api: API
) -> None:
    home = await api.ok("POST", "/homes", as_="technician", json={"team_id": api.tokens.team_id, "label": "h"})
    body = {"adapter": "native", "external_id": "c1", "kind": "climate", "home_id": home["id"]}
    dev = await api.ok("POST", "/devices", as_="technician", json=body)
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - 3 * HOUR
    await insert(
        conn, [(base + timedelta(minutes=m), dev["id"], "temperature", 20.0 + (m // 10) % 2) for m in range(0, 120, 10)]
    )
    await service.refresh_rollup(conn, timescale=pg.timescale)
    if pg.timescale:
        await conn.execute("CALL refresh_continuous_aggregate('readings_hourly', NULL, NULL)")
    # Late data for the first hour arrives after the refresh.
    await insert(conn, [(base + timedelta(minutes=5), dev["id"], "temperature", 30.0)])
    await service.refresh_rollup(conn, timescale=pg.timescale)
    if pg.timescale:
        await conn.execute("CALL refresh_continuous_aggregate('readings_hourly', NULL, NULL)")

    start = base.isoformat().replace("+00:00", "Z")
    body = await api.ok("GET", f"/devices/{dev['id']}/readings?bucket=1h&start={start}", as_="operator")
    assert body["source"] == "readings_hourly"
    first, second = body["items"][:2]
    assert (first["n"], first["max"], first["min"]) == (7, 30.0, 20.0)
    assert first["avg"] == pytest.approx((20 * 3 + 21 * 3 + 30) / 7)
    assert second["n"] == 6
    raw = await api.ok("GET", f"/devices/{dev['id']}/readings?bucket=15m&start={start}", as_="operator")
    assert raw["source"] == "readings"
    assert sum(i["n"] for i in raw["items"]) == 13


async def test_readings_query_rejects_bad_ranges(api: API) -> None:
    home = await api.ok("POST", "/homes", as_="technician", json={"team_id": api.tokens.team_id, "label": "h"})
    body = {"adapter": "native", "external_id": "c2", "kind": "climate", "home_id": home["id"]}
    dev = await api.ok("POST", "/devices", as_="technician", json=body)
    r = await api.request("GET", f"/devices/{dev['id']}/readings?start=2026-11-22T10:00Z&end=2026-11-22T09:00Z")
    assert r.status_code == 422
    assert "before end" in r.json()["detail"]
    r = await api.request("GET", f"/devices/{dev['id']}/readings?start=2016-01-01T00:00:00Z&bucket=1m")
    assert r.status_code == 422
    assert "buckets" in r.json()["detail"]
    r = await api.request("GET", f"/devices/{dev['id']}/readings?bucket=7m")
    assert r.status_code == 422
    r = await api.request("GET", f"/devices/{dev['id']}/readings?start=2026-11-22T09:00:00")
    assert r.status_code == 422
    assert "UTC offset" in r.json()["detail"]
    r = await api.request("GET", f"/devices/{dev['id']}/readings", as_="homecare_other_team")
    assert r.status_code == 404


async def test_retention_deletes_only_expired_rows(pg: servers.Postgres, conn: AsyncConnection) -> None:
    if pg.timescale:
        pytest.skip("TimescaleDB drops chunks through its retention policy")
    now = datetime.now(UTC)
    await insert(conn, [(now - timedelta(days=d), 1, "temperature", 20.0) for d in (1, 29, 31, 400)])
    removed = await service.apply_retention(conn, days=30, timescale=False, batch=1)
    assert removed == 2
    cur = await conn.execute("SELECT count(*) FROM readings")
    assert await cur.fetchone() == (2,)
