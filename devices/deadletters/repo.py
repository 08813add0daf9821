"""SQL for dead letters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from psycopg import AsyncConnection
from psycopg.rows import class_row

from devices.deadletters.schemas import DeadLetter, DeadLetterRead, KeptMessage

COPY_DEAD = "COPY dead_letters (received_at, topic, payload, reason, detail, adapter, external_id) FROM STDIN"
LIST_DEAD = """
SELECT id, received_at, topic, payload, reason, detail, adapter, external_id
FROM dead_letters
WHERE (%(reason)s::text IS NULL OR reason = %(reason)s) AND (%(since)s::timestamptz IS NULL OR received_at >= %(since)s)
ORDER BY received_at DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s
"""
COUNT_BY_REASON = "SELECT reason, count(*) FROM dead_letters GROUP BY reason"
DELETE_OLD = "DELETE FROM dead_letters WHERE received_at < %s"
# Messages of a device that was unknown when they came: oldest first, so replay sees them in order.
UNKNOWN_DEVICE = """
SELECT id, received_at, topic, payload FROM dead_letters
WHERE reason = 'unknown_device' AND adapter = %s AND external_id = ANY(%s)
ORDER BY received_at, id LIMIT %s
"""
DELETE_IDS = "DELETE FROM dead_letters WHERE id = ANY(%s)"
REFILE = "UPDATE dead_letters SET reason = %s, detail = %s WHERE id = %s"


async def insert_many(conn: AsyncConnection, letters: Sequence[DeadLetter]) -> None:
    async with conn.cursor() as cur, cur.copy(COPY_DEAD) as copy:
        for d in letters:
            await copy.write_row((d.received_at, d.topic, d.payload, d.reason, d.detail, d.adapter, d.external_id))


async def list_recent(
    conn: AsyncConnection, *, reason: str | None, since: datetime | None, limit: int, offset: int
) -> list[DeadLetterRead]:
    params = {"reason": reason, "since": since, "limit": limit, "offset": offset}
    async with conn.cursor(row_factory=class_row(DeadLetterRead)) as cur:
        await cur.execute(LIST_DEAD, params)
        return await cur.fetchall()


async def count_by_reason(conn: AsyncConnection) -> dict[str, int]:
    cur = await conn.execute(COUNT_BY_REASON)
    return dict(await cur.fetchall())


async def unknown_device_letters(
    conn: AsyncConnection, adapter: str, external_ids: list[str], limit: int
) -> list[KeptMessage]:
    async with conn.cursor(row_factory=class_row(KeptMessage)) as cur:
        await cur.execute(UNKNOWN_DEVICE, (adapter, external_ids, limit))
        return await cur.fetchall()


async def delete_ids(conn: AsyncConnection, ids: list[int]) -> None:
    if ids:
        await conn.execute(DELETE_IDS, (ids,))


async def refile(conn: AsyncConnection, refiled: Sequence[tuple[int, str, str]]) -> None:
    """Give kept messages their new reason (id, reason, detail)."""
    if refiled:
        async with conn.cursor() as cur:
            await cur.executemany(REFILE, [(reason, detail, i) for i, reason, detail in refiled])


async def delete_older_than(conn: AsyncConnection, cutoff: datetime) -> int:
    cur = await conn.execute(DELETE_OLD, (cutoff,))
    return cur.rowcount
