"""Commits a batch in one transaction: readings (idempotent), lock events, dead letters, pending devices,
last-seen times, rollup mark."""

from __future__ import annotations

import psycopg
from psycopg import AsyncConnection

from devices.deadletters import repo as dead_repo
from devices.health import seen as seen_repo
from devices.pending import repo as pending_repo
from devices.readings import lock_repo
from devices.readings import repo as readings_repo
from hub.ingest.batch import Batch, Batcher


async def store(conn: AsyncConnection, batch: Batch, batcher: Batcher) -> int:
    """Write the batch; returns the number of reading rows in it. Raises psycopg errors to the caller, which
    keeps the batch (unacknowledged) and retries."""
    async with conn.transaction():
        if batch.unresolved:
            identities = {(u.parsed.adapter, u.parsed.external_id) for u in batch.unresolved}
            identities |= {(u.parsed.adapter, u.parsed.alt_id) for u in batch.unresolved if u.parsed.alt_id}
            await batcher.cache.resolve(conn, identities)
            batcher.resolve(batch)
        if batch.rows:
            await _write_rows(conn, batch)
            await readings_repo.mark_dirty(conn, min(r[0] for r in batch.rows))
        if batch.lock_events:
            await lock_repo.insert_many(conn, batch.lock_events)
        if batch.dead:
            await dead_repo.insert_many(conn, batch.dead)
        if batch.sightings:
            await pending_repo.upsert_many(conn, batch.sightings)
        seen = batcher.seen_throttle.due(batch.seen)
        await seen_repo.touch(conn, seen)
    batcher.seen_throttle.done(seen)
    return len(batch.rows)


async def _write_rows(conn: AsyncConnection, batch: Batch) -> None:
    if batch.redelivered:
        await readings_repo.merge_rows(conn, batch.rows)
        return
    try:
        async with conn.transaction():
            await readings_repo.copy_rows(conn, batch.rows)
    except psycopg.errors.UniqueViolation:
        # Stored already (a redelivery the broker did not mark DUP), or the same key twice in this batch.
        await readings_repo.merge_rows(conn, batch.rows)
