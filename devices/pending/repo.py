"""SQL for pending devices. Repos never commit; services own transactions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import class_row

from devices.pending.schemas import PendingRead, Sighting

COLS = "id, adapter, external_id, alias, event, model, vendor, first_seen, last_seen, messages"
# Identities already registered and active are not pending; an IEEE-keyed entry replaces one keyed by the
# friendly name it goes by.
UPSERT = """
INSERT INTO pending_devices AS p (adapter, external_id, alias, event, model, vendor, first_seen, last_seen, messages)
SELECT a.adapter, a.external_id, a.alias, a.event, a.model, a.vendor, a.at, a.at, a.n
FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::timestamptz[], %s::int[])
     AS a(adapter, external_id, alias, event, model, vendor, at, n)
WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.adapter = a.adapter AND d.status = 'active'
                  AND (d.external_id = a.external_id OR d.external_id = a.alias))
ORDER BY a.adapter, a.external_id
ON CONFLICT (adapter, external_id) DO UPDATE SET
    alias = COALESCE(EXCLUDED.alias, p.alias), event = EXCLUDED.event,
    model = COALESCE(EXCLUDED.model, p.model), vendor = COALESCE(EXCLUDED.vendor, p.vendor),
    last_seen = GREATEST(p.last_seen, EXCLUDED.last_seen), messages = p.messages + EXCLUDED.messages
"""
DROP_ALIASES = """
DELETE FROM pending_devices p USING unnest(%s::text[], %s::text[]) AS a(adapter, alias)
WHERE p.adapter = a.adapter AND p.external_id = a.alias
"""
# A registered device's other name follows its gateway's announcements (a Zigbee rename).
FOLLOW_ALIASES = """
UPDATE devices d SET alias = a.alias, updated_at = now()
FROM unnest(%s::text[], %s::text[], %s::text[]) AS a(adapter, external_id, alias)
WHERE d.adapter = a.adapter AND d.external_id = a.external_id AND d.status = 'active'
  AND d.alias IS DISTINCT FROM a.alias
"""
LIST = f"""
SELECT {COLS} FROM pending_devices WHERE (%(adapter)s::text IS NULL OR adapter = %(adapter)s)
ORDER BY last_seen DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s
"""
GET = f"SELECT {COLS} FROM pending_devices WHERE id = %s FOR UPDATE"
DELETE_IDENTITY = """
DELETE FROM pending_devices WHERE adapter = %(adapter)s
  AND (external_id = %(id)s OR alias = %(id)s OR (%(alias)s::text IS NOT NULL AND external_id = %(alias)s))
"""
DELETE_STALE = "DELETE FROM pending_devices WHERE last_seen < %s"


def _merge(sightings: Sequence[Sighting]) -> list[Sighting]:
    """One row per identity (a statement may not upsert one row twice): the latest event, every detail known."""
    merged: dict[tuple[str, str], Sighting] = {}
    for s in sightings:
        a = s.announcement
        if not 0 < len(a.external_id) <= 200:
            continue
        key = (a.adapter, a.external_id)
        before = merged.get(key)
        if before is not None:
            b = before.announcement
            a = replace(a, alias=a.alias or b.alias, model=a.model or b.model, vendor=a.vendor or b.vendor)
            s = Sighting(a, max(s.at, before.at), s.messages + before.messages)
        merged[key] = s
    return list(merged.values())


async def upsert_many(conn: AsyncConnection, sightings: Sequence[Sighting]) -> None:
    rows = _merge(sightings)
    if not rows:
        return
    a = [s.announcement for s in rows]
    await conn.execute(UPSERT, (
        [x.adapter for x in a], [x.external_id for x in a], [x.alias for x in a], [x.event for x in a],
        [x.model for x in a], [x.vendor for x in a], [s.at for s in rows], [s.messages for s in rows],
    ))  # fmt: skip
    aliased = [x for x in a if x.alias and len(x.alias) <= 200]
    if aliased:
        columns = ([x.adapter for x in aliased], [x.external_id for x in aliased], [x.alias for x in aliased])
        await conn.execute(DROP_ALIASES, (columns[0], columns[2]))
        await conn.execute(FOLLOW_ALIASES, columns)


async def list_pending(conn: AsyncConnection, adapter: str | None, limit: int, offset: int) -> list[PendingRead]:
    async with conn.cursor(row_factory=class_row(PendingRead)) as cur:
        await cur.execute(LIST, {"adapter": adapter, "limit": limit, "offset": offset})
        return await cur.fetchall()


async def get_for_update(conn: AsyncConnection, pending_id: int) -> PendingRead | None:
    async with conn.cursor(row_factory=class_row(PendingRead)) as cur:
        await cur.execute(GET, (pending_id,))
        return await cur.fetchone()


async def delete_identity(conn: AsyncConnection, adapter: str, external_id: str, alias: str | None) -> None:
    await conn.execute(DELETE_IDENTITY, {"adapter": adapter, "id": external_id, "alias": alias})


async def delete_stale(conn: AsyncConnection, cutoff: datetime) -> int:
    cur = await conn.execute(DELETE_STALE, (cutoff,))
    return cur.rowcount
