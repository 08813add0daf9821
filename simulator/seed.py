"""Bulk registration for load tests: homes, residents and devices written straight into the registry tables.

Ten thousand homes with fifteen devices each are 160,000 API requests; through `POST /api/v1/devices` that takes
minutes and measures the registry API rather than ingest. A load test seeds them in three statements instead.
The API path (`simulator.register`) is what small runs, the demo and the replay tests use.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import AsyncConnection

from simulator.layout import HomeSpec

UPSERT_TEAM = "INSERT INTO teams (name) VALUES (%s) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id"
INSERT_HOMES = """
INSERT INTO homes (team_id, label, timezone)
SELECT %s, label, tz FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS u(label, tz, n) ORDER BY n
RETURNING id, label
"""
INSERT_RESIDENTS = """
INSERT INTO residents (home_id, display_name) SELECT * FROM unnest(%s::bigint[], %s::text[])
"""
INSERT_DEVICES = """
INSERT INTO devices (adapter, external_id, kind, home_id, room)
SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[])
RETURNING id, adapter, external_id
"""

Registry = dict[tuple[str, str], int]  # (adapter, external id) -> device id


async def seed(conn: AsyncConnection, team: str, homes: Sequence[HomeSpec]) -> tuple[Registry, dict[int, int]]:
    """Register `homes` under `team` in one transaction; returns device ids and home ids by home index."""
    async with conn.transaction():
        cur = await conn.execute(UPSERT_TEAM, (team,))
        row = await cur.fetchone()
        assert row is not None
        cur = await conn.execute(INSERT_HOMES, (row[0], [h.label for h in homes], [h.timezone for h in homes]))
        by_label = {label: home_id for home_id, label in await cur.fetchall()}
        home_ids = {h.index: by_label[h.label] for h in homes}
        await conn.execute(
            INSERT_RESIDENTS, ([home_ids[h.index] for h in homes], [f"Resident {h.index}" for h in homes])
        )
        devices = [(d, home_ids[h.index]) for h in homes for d in h.devices]
        cur = await conn.execute(
            INSERT_DEVICES,
            (
                [d.adapter for d, _ in devices], [d.external_id for d, _ in devices], [d.kind for d, _ in devices],
                [home for _, home in devices], [d.room for d, _ in devices],
            ),
        )  # fmt: skip
        registry = {(adapter, ext): device_id for device_id, adapter, ext in await cur.fetchall()}
    return registry, home_ids
