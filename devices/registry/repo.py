"""SQL for the registry. Repos never commit; services own transactions.

`team_id` arguments scope a query to one team's homes (home-care users); None means no restriction.
"""

from __future__ import annotations

from typing import Any, TypeVar

from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from devices.registry.schemas import DeviceEventRead, DeviceRead, HomeRead, ResidentRead, TeamRead

T = TypeVar("T")

ACTIVE_DEVICES = "SELECT id, adapter, external_id, kind, home_id, alias FROM devices WHERE status = 'active'"
ACTIVE_DEVICES_BY_IDENTITY = """
SELECT DISTINCT d.id, d.adapter, d.external_id, d.kind, d.home_id, d.alias FROM devices d
JOIN unnest(%s::text[], %s::text[]) AS want(adapter, name)
  ON d.adapter = want.adapter AND (d.external_id = want.name OR d.alias = want.name)
WHERE d.status = 'active'
"""

TEAM_COLS = "id, name, created_at"
HOME_COLS = "id, team_id, label, timezone, created_at"
RESIDENT_COLS = "r.id, r.home_id, h.team_id, r.display_name, r.created_at, r.archived_at"
DEVICE_COLS = (
    "d.id, d.adapter, d.external_id, d.kind, d.home_id, d.room, d.status, d.created_at, d.updated_at, d.replaced_by,"
    " d.alias"
)

INSERT_TEAM = f"INSERT INTO teams (name) VALUES (%s) RETURNING {TEAM_COLS}"
LIST_TEAMS = f"SELECT {TEAM_COLS} FROM teams ORDER BY id"
INSERT_HOME = f"INSERT INTO homes (team_id, label, timezone) VALUES (%s, %s, %s) RETURNING {HOME_COLS}"
GET_HOME = f"SELECT {HOME_COLS} FROM homes WHERE id = %s AND (%s::bigint IS NULL OR team_id = %s)"
LIST_HOMES = f"""
SELECT {HOME_COLS} FROM homes WHERE (%s::bigint IS NULL OR team_id = %s) ORDER BY id LIMIT %s OFFSET %s
"""
INSERT_RESIDENT = "INSERT INTO residents (home_id, display_name) VALUES (%s, %s) RETURNING id"
RESIDENT_FROM = "FROM residents r JOIN homes h ON h.id = r.home_id"
GET_RESIDENT = f"SELECT {RESIDENT_COLS} {RESIDENT_FROM} WHERE r.id = %s AND (%s::bigint IS NULL OR h.team_id = %s)"
LIST_RESIDENTS = f"""
SELECT {RESIDENT_COLS} {RESIDENT_FROM}
WHERE (%s::bigint IS NULL OR h.team_id = %s) AND r.archived_at IS NULL ORDER BY r.id LIMIT %s OFFSET %s
"""
INSERT_DEVICE = (
    """
INSERT INTO devices AS d (adapter, external_id, kind, home_id, room, alias) VALUES (%s, %s, %s, %s, %s, %s)
RETURNING """
    + DEVICE_COLS
)
DEVICE_FROM = "FROM devices d LEFT JOIN homes h ON h.id = d.home_id"
GET_DEVICE = f"SELECT {DEVICE_COLS} {DEVICE_FROM} WHERE d.id = %s AND (%s::bigint IS NULL OR h.team_id = %s)"
LIST_DEVICES = f"""
SELECT {DEVICE_COLS} {DEVICE_FROM}
WHERE (%(team)s::bigint IS NULL OR h.team_id = %(team)s)
  AND (%(home)s::bigint IS NULL OR d.home_id = %(home)s)
  AND (%(kind)s::text IS NULL OR d.kind = %(kind)s)
  AND (%(status)s::text IS NULL OR d.status = %(status)s)
ORDER BY d.id LIMIT %(limit)s OFFSET %(offset)s
"""
RETIRE_DEVICE = f"""
UPDATE devices d SET status = 'retired', replaced_by = %s, updated_at = now() WHERE id = %s RETURNING {DEVICE_COLS}
"""
INSERT_EVENT = "INSERT INTO device_events (device_id, event, detail, user_id) VALUES (%s, %s, %s, %s)"
# The device and every device it replaced, however many replacements back (UNION stops on a cycle).
LINEAGE = """
WITH RECURSIVE lineage(id) AS (
    SELECT %s::bigint UNION SELECT d.id FROM devices d JOIN lineage l ON d.replaced_by = l.id
) SELECT id FROM lineage ORDER BY id
"""
LIST_EVENTS = """
SELECT id, device_id, at, event, detail, user_id FROM device_events WHERE device_id = ANY(%s) ORDER BY at, id
"""


async def insert_team(conn: AsyncConnection, name: str) -> TeamRead:
    return await _one(conn, TeamRead, INSERT_TEAM, (name,))


async def list_teams(conn: AsyncConnection) -> list[TeamRead]:
    async with conn.cursor(row_factory=class_row(TeamRead)) as cur:
        await cur.execute(LIST_TEAMS)
        return await cur.fetchall()


async def insert_home(conn: AsyncConnection, team_id: int, label: str, timezone: str) -> HomeRead:
    return await _one(conn, HomeRead, INSERT_HOME, (team_id, label, timezone))


async def get_home(conn: AsyncConnection, home_id: int, team: int | None) -> HomeRead | None:
    return await _maybe(conn, HomeRead, GET_HOME, (home_id, team, team))


async def list_homes(conn: AsyncConnection, team: int | None, limit: int, offset: int) -> list[HomeRead]:
    async with conn.cursor(row_factory=class_row(HomeRead)) as cur:
        await cur.execute(LIST_HOMES, (team, team, limit, offset))
        return await cur.fetchall()


async def update_home(conn: AsyncConnection, home_id: int, changes: dict[str, Any]) -> None:
    await _update(conn, "homes", home_id, changes)


async def insert_resident(conn: AsyncConnection, home_id: int, display_name: str) -> int:
    cur = await conn.execute(INSERT_RESIDENT, (home_id, display_name))
    row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def get_resident(conn: AsyncConnection, resident_id: int, team: int | None) -> ResidentRead | None:
    return await _maybe(conn, ResidentRead, GET_RESIDENT, (resident_id, team, team))


async def list_residents(conn: AsyncConnection, team: int | None, limit: int, offset: int) -> list[ResidentRead]:
    async with conn.cursor(row_factory=class_row(ResidentRead)) as cur:
        await cur.execute(LIST_RESIDENTS, (team, team, limit, offset))
        return await cur.fetchall()


async def update_resident(conn: AsyncConnection, resident_id: int, changes: dict[str, Any]) -> None:
    await _update(conn, "residents", resident_id, changes)


async def insert_device(
    conn: AsyncConnection,
    adapter: str,
    external_id: str,
    kind: str,
    home_id: int | None,
    room: str | None,
    alias: str | None = None,
) -> DeviceRead:
    return await _one(conn, DeviceRead, INSERT_DEVICE, (adapter, external_id, kind, home_id, room, alias))


async def get_device(conn: AsyncConnection, device_id: int, team: int | None) -> DeviceRead | None:
    return await _maybe(conn, DeviceRead, GET_DEVICE, (device_id, team, team))


async def list_devices(conn: AsyncConnection, **filters: Any) -> list[DeviceRead]:
    async with conn.cursor(row_factory=class_row(DeviceRead)) as cur:
        await cur.execute(LIST_DEVICES, filters)
        return await cur.fetchall()


async def update_device(conn: AsyncConnection, device_id: int, changes: dict[str, Any]) -> None:
    await _update(conn, "devices", device_id, changes, touch=True)


async def retire_device(conn: AsyncConnection, device_id: int, replaced_by: int | None = None) -> DeviceRead | None:
    return await _maybe(conn, DeviceRead, RETIRE_DEVICE, (replaced_by, device_id))


async def insert_event(conn: AsyncConnection, device_id: int, event: str, detail: str, user_id: int | None) -> None:
    await conn.execute(INSERT_EVENT, (device_id, event, detail, user_id))


async def lineage(conn: AsyncConnection, device_id: int) -> list[int]:
    cur = await conn.execute(LINEAGE, (device_id,))
    return [int(r[0]) for r in await cur.fetchall()]


async def list_events(conn: AsyncConnection, device_ids: list[int]) -> list[DeviceEventRead]:
    async with conn.cursor(row_factory=class_row(DeviceEventRead)) as cur:
        await cur.execute(LIST_EVENTS, (device_ids,))
        return await cur.fetchall()


async def _update(
    conn: AsyncConnection, table: str, row_id: int, changes: dict[str, Any], *, touch: bool = False
) -> None:
    if not changes:
        return
    assignments: list[sql.Composable] = [sql.SQL("{} = %s").format(sql.Identifier(column)) for column in changes]
    if touch:
        assignments.append(sql.SQL("updated_at = now()"))
    query = sql.SQL("UPDATE {} SET {} WHERE id = %s").format(sql.Identifier(table), sql.SQL(", ").join(assignments))
    await conn.execute(query, [*changes.values(), row_id])


async def _one(conn: AsyncConnection, model: type[T], query: str, params: tuple[Any, ...]) -> T:
    row = await _maybe(conn, model, query, params)
    assert row is not None
    return row


async def _maybe(conn: AsyncConnection, model: type[T], query: str, params: tuple[Any, ...]) -> T | None:
    async with conn.cursor(row_factory=class_row(model)) as cur:
        await cur.execute(query, params)
        return await cur.fetchone()
