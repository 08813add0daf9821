"""SQL for device health and technical alerts. Repos never commit; services own transactions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import class_row

from devices.health.schemas import DeviceHealthRead, HealthFacts, TechnicalAlertRead, Verdict

_LATEST = """LEFT JOIN LATERAL (SELECT value, ts FROM readings r WHERE r.device_id = d.id AND r.metric = '{m}'
    AND r.ts > %(horizon)s ORDER BY r.ts DESC LIMIT 1) {alias} ON true"""
# First reading of the current run of "bad" values: after the last "good" one within the horizon.
_RUN = """LEFT JOIN LATERAL (SELECT min(r.ts) AS since FROM readings r WHERE r.device_id = d.id AND r.metric = '{m}'
    AND r.ts > GREATEST(%(horizon)s, (SELECT max(g.ts) FROM readings g WHERE g.device_id = d.id AND g.metric = '{m}'
    AND g.ts > %(horizon)s AND g.value {good}))) {alias} ON true"""
FACTS = f"""
SELECT d.id AS device_id, d.adapter, d.kind, d.home_id, d.created_at, s.last_seen,
       b.value AS battery, bl.value AS battery_low, lq.value AS link_quality,
       av.value AS availability, av.ts AS availability_at,
       br.since AS battery_run_start, fr.since AS flag_run_start
FROM devices d
LEFT JOIN device_seen s ON s.device_id = d.id
{_LATEST.format(m="battery", alias="b")}
{_LATEST.format(m="battery_low", alias="bl")}
{_LATEST.format(m="link_quality", alias="lq")}
{_LATEST.format(m="availability", alias="av")}
{_RUN.format(m="battery", good=">= %(threshold)s", alias="br")}
{_RUN.format(m="battery_low", good="= 0", alias="fr")}
WHERE d.status = 'active'
ORDER BY d.id
"""
UPSERT_HEALTH = """
INSERT INTO device_health AS h (device_id, checked_at, last_seen, battery, battery_low, link_quality, available,
                                offline, offline_since, low_battery, low_battery_since)
SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[], %s::float8[], %s::bool[], %s::float8[],
                     %s::bool[], %s::bool[], %s::timestamptz[], %s::bool[], %s::timestamptz[])
ON CONFLICT (device_id) DO UPDATE SET
    checked_at = EXCLUDED.checked_at, last_seen = EXCLUDED.last_seen, battery = EXCLUDED.battery,
    battery_low = EXCLUDED.battery_low, link_quality = EXCLUDED.link_quality, available = EXCLUDED.available,
    offline = EXCLUDED.offline, offline_since = EXCLUDED.offline_since, low_battery = EXCLUDED.low_battery,
    low_battery_since = EXCLUDED.low_battery_since
"""
RAISE = """
INSERT INTO technical_alerts (kind, device_id, home_id, severity, detail, raised_at)
SELECT * FROM unnest(%s::text[], %s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::timestamptz[])
ON CONFLICT (device_id, kind) WHERE status <> 'cleared' DO NOTHING
RETURNING id
"""
CLEAR = """
UPDATE technical_alerts t SET status = 'cleared', cleared_at = %s
FROM unnest(%s::text[], %s::bigint[]) AS c(kind, device_id)
WHERE t.kind = c.kind AND t.device_id = c.device_id AND t.status <> 'cleared'
RETURNING t.id
"""
CLEAR_INACTIVE = """
UPDATE technical_alerts t SET status = 'cleared', cleared_at = %s, detail = t.detail || ' (device no longer active)'
FROM devices d WHERE d.id = t.device_id AND d.status <> 'active' AND t.status <> 'cleared'
RETURNING t.id
"""
HEALTH_COLS = """d.id AS device_id, d.adapter, d.external_id, d.kind, d.home_id, d.room, h.checked_at, h.last_seen,
h.battery, h.battery_low, h.link_quality, h.available, COALESCE(h.offline, false) AS offline, h.offline_since,
COALESCE(h.low_battery, false) AS low_battery, h.low_battery_since"""
LIST_HEALTH = f"""
SELECT {HEALTH_COLS} FROM devices d LEFT JOIN device_health h ON h.device_id = d.id
WHERE d.status = 'active'
  AND (%(device)s::bigint IS NULL OR d.id = %(device)s)
  AND (%(offline)s::bool IS NULL OR COALESCE(h.offline, false) = %(offline)s)
  AND (%(low_battery)s::bool IS NULL OR COALESCE(h.low_battery, false) = %(low_battery)s)
  AND (%(home)s::bigint IS NULL OR d.home_id = %(home)s)
  AND (%(kind)s::text IS NULL OR d.kind = %(kind)s)
ORDER BY d.id LIMIT %(limit)s OFFSET %(offset)s
"""
ALERT_COLS = """id, kind, device_id, home_id, severity, audience, status, detail, raised_at, acknowledged_at,
acknowledged_by, cleared_at"""
LIST_ALERTS = f"""
SELECT {ALERT_COLS} FROM technical_alerts
WHERE (%(status)s::text[] IS NULL OR status = ANY(%(status)s))
  AND (%(kind)s::text IS NULL OR kind = %(kind)s)
  AND (%(devices)s::bigint[] IS NULL OR device_id = ANY(%(devices)s))
  AND (%(home)s::bigint IS NULL OR home_id = %(home)s)
ORDER BY raised_at DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s
"""
ACKNOWLEDGE = f"""
UPDATE technical_alerts SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = %s
WHERE id = %s AND status = 'open' RETURNING {ALERT_COLS}
"""
GET_ALERT = f"SELECT {ALERT_COLS} FROM technical_alerts WHERE id = %s"


async def facts(conn: AsyncConnection, horizon: datetime, threshold: float) -> list[HealthFacts]:
    async with conn.cursor(row_factory=class_row(HealthFacts)) as cur:
        await cur.execute(FACTS, {"horizon": horizon, "threshold": threshold})
        return await cur.fetchall()


async def save_verdicts(conn: AsyncConnection, now: datetime, checked: Sequence[tuple[HealthFacts, Verdict]]) -> None:
    if not checked:
        return
    f = [c[0] for c in checked]
    v = [c[1] for c in checked]
    await conn.execute(UPSERT_HEALTH, (
        [x.device_id for x in f], [now] * len(f), [x.last_seen for x in f], [x.battery for x in f],
        [None if x.battery_low is None else x.battery_low == 1.0 for x in f], [x.link_quality for x in f],
        [None if x.availability is None else x.availability == 1.0 for x in f], [x.offline for x in v],
        [x.offline_since for x in v], [x.low_battery for x in v], [x.low_battery_since for x in v],
    ))  # fmt: skip


async def raise_alerts(conn: AsyncConnection, alerts: Sequence[tuple[str, int, int | None, str, str, datetime]]) -> int:
    """(kind, device, home, severity, detail, raised_at) each; a device with a live alert of that kind is skipped."""
    if not alerts:
        return 0
    cur = await conn.execute(RAISE, [list(col) for col in zip(*alerts, strict=True)])
    return len(await cur.fetchall())


async def clear_alerts(conn: AsyncConnection, now: datetime, cleared: Sequence[tuple[str, int]]) -> int:
    if not cleared:
        return 0
    cur = await conn.execute(CLEAR, (now, [c[0] for c in cleared], [c[1] for c in cleared]))
    return len(await cur.fetchall())


async def clear_inactive(conn: AsyncConnection, now: datetime) -> int:
    cur = await conn.execute(CLEAR_INACTIVE, (now,))
    return len(await cur.fetchall())


async def list_health(conn: AsyncConnection, **filters: Any) -> list[DeviceHealthRead]:
    async with conn.cursor(row_factory=class_row(DeviceHealthRead)) as cur:
        await cur.execute(LIST_HEALTH, filters)
        return await cur.fetchall()


async def list_alerts(conn: AsyncConnection, **filters: Any) -> list[TechnicalAlertRead]:
    async with conn.cursor(row_factory=class_row(TechnicalAlertRead)) as cur:
        await cur.execute(LIST_ALERTS, filters)
        return await cur.fetchall()


async def acknowledge(conn: AsyncConnection, alert_id: int, user_id: int) -> TechnicalAlertRead | None:
    async with conn.cursor(row_factory=class_row(TechnicalAlertRead)) as cur:
        await cur.execute(ACKNOWLEDGE, (user_id, alert_id))
        return await cur.fetchone()


async def get_alert(conn: AsyncConnection, alert_id: int) -> TechnicalAlertRead | None:
    async with conn.cursor(row_factory=class_row(TechnicalAlertRead)) as cur:
        await cur.execute(GET_ALERT, (alert_id,))
        return await cur.fetchone()
