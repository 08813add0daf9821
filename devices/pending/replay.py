"""Replaying a newly registered device's kept messages: dead letters it sent while unknown become readings.

The messages are parsed again, oldest first, by fresh adapters (so change detection sees them in order), at the
time they were received. Those that still cannot be stored (e.g. a metric the chosen kind does not report) stay
dead letters under their new reason. A message that arrives after the registration commits is stored even
before ingest reloads its registry cache (a cache miss is checked against the database before a message is
dead-lettered); only a message whose batch was being written at the very moment of the claim can still end as
an `unknown_device` dead letter, and registering again is not needed to see it: it stays listed there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from psycopg import AsyncConnection

from devices.adapters import Adapter, adapter_named
from devices.deadletters import repo as dead_repo
from devices.deadletters.schemas import KeptMessage
from devices.errors import BadMessage
from devices.health import seen as seen_repo
from devices.normalise import fit_kind
from devices.readings import lock_repo
from devices.readings import repo as readings_repo
from devices.readings.lock_repo import LockRow
from devices.readings.repo import Row
from devices.registry.schemas import DeviceRead

REPLAY_LIMIT = 20_000  # kept messages per registration; older ones stay in dead letters until retention


@dataclass
class Replay:
    rows: list[Row] = field(default_factory=list)
    locks: list[LockRow] = field(default_factory=list)
    done: list[int] = field(default_factory=list)
    refiled: list[tuple[int, str, str]] = field(default_factory=list)
    last_alive: datetime | None = None  # the latest kept message that was a sign of life


async def replay(conn: AsyncConnection, device: DeviceRead, identities: list[str], adapters: list[Adapter]) -> Replay:
    adapter = adapter_named(adapters, device.adapter)
    if adapter is None:
        return Replay()
    letters = await dead_repo.unknown_device_letters(conn, device.adapter, identities, REPLAY_LIMIT)
    result = Replay()
    for letter in letters:
        _file(result, adapter, device, letter)
    if result.rows:
        await readings_repo.merge_rows(conn, result.rows)
        await readings_repo.mark_dirty(conn, min(r[0] for r in result.rows))
    if result.locks:
        await lock_repo.insert_many(conn, result.locks)
    await dead_repo.delete_ids(conn, result.done)
    await dead_repo.refile(conn, result.refiled)
    if result.last_alive is not None:
        await seen_repo.touch(conn, {device.id: result.last_alive})
    return result


def _file(result: Replay, adapter: Adapter, device: DeviceRead, letter: KeptMessage) -> None:
    try:
        parsed = adapter.parse(letter.topic, letter.payload, letter.received_at)
        readings, refused = fit_kind(device.kind, parsed, False) if parsed is not None else ([], "")
    except BadMessage as err:
        result.refiled.append((letter.id, err.reason, err.detail))
        return
    if refused:
        result.refiled.append((letter.id, "metric_not_for_kind", refused))
    else:
        result.done.append(letter.id)
    if parsed is None:
        return
    if parsed.alive:
        result.last_alive = letter.received_at  # letters come oldest first
    result.rows.extend((r.ts, device.id, r.metric, r.value) for r in readings)
    if parsed.lock_events and any(r.metric == "lock_action" for r in readings):
        result.locks.extend((e.ts, device.id, e.action, e.name, e.source, e.user) for e in parsed.lock_events)
