"""The periodic health check and the queries technicians use. The clock is the caller's (`now`), so a test can
move it past a supervision interval instead of waiting for hours.

Technical alerts are kept in `technical_alerts` until the alerts package exists: one live alert per device and
kind (raised when the condition starts, cleared when it ends, acknowledged by a technician in between).
"""

from __future__ import annotations

from datetime import datetime

from psycopg import AsyncConnection

from devices.adapters import all_adapters
from devices.errors import RegistryConflict, RegistryNotFound
from devices.health import repo
from devices.health.rules import assess
from devices.health.schemas import (
    AlertKind,
    AlertStatus,
    CheckSummary,
    DeviceHealthRead,
    DeviceHistory,
    HealthFacts,
    HealthPolicy,
    TechnicalAlertRead,
    Verdict,
)
from devices.registry import service as registry

SAFETY_KINDS = frozenset({"smoke", "emergency_button", "fall_detector", "water_leak", "smart_lock"})

Alert = tuple[str, int, int | None, str, str, datetime]


async def run_checks(conn: AsyncConnection, now: datetime, policy: HealthPolicy | None = None) -> CheckSummary:
    policy = policy or HealthPolicy()
    liveness = {a.name: a.session_liveness for a in all_adapters()}
    async with conn.transaction():
        found = await repo.facts(conn, now - policy.battery_horizon, policy.low_battery_percent)
        checked = [(f, assess(f, now, policy, liveness.get(f.adapter, False))) for f in found]
        await repo.save_verdicts(conn, now, checked)
        raised = await repo.raise_alerts(conn, [a for f, v in checked for a in _alerts(f, v, now)])
        healthy = [(k.value, f.device_id) for f, v in checked for k in _healthy(v)]
        cleared = await repo.clear_alerts(conn, now, healthy) + await repo.clear_inactive(conn, now)
    return CheckSummary(
        checked=len(checked), offline=sum(v.offline for _, v in checked),
        low_battery=sum(v.low_battery for _, v in checked), raised=raised, cleared=cleared,
    )  # fmt: skip


def _alerts(f: HealthFacts, v: Verdict, now: datetime) -> list[Alert]:
    alerts: list[Alert] = []
    if v.offline and v.offline_since is not None:
        severity = "critical" if f.kind in SAFETY_KINDS else "warning"
        heard = f.last_seen.isoformat() if f.last_seen else "never"
        detail = f"{f.kind} offline since {v.offline_since.isoformat()} (last heard {heard})"
        alerts.append((AlertKind.DEVICE_OFFLINE.value, f.device_id, f.home_id, severity, detail, now))
    if v.low_battery and v.low_battery_since is not None:
        battery = "unknown" if f.battery is None else f"{f.battery:g} %"
        detail = f"{f.kind} battery low since {v.low_battery_since.isoformat()} (now {battery})"
        alerts.append((AlertKind.LOW_BATTERY.value, f.device_id, f.home_id, "warning", detail, now))
    return alerts


def _healthy(v: Verdict) -> list[AlertKind]:
    return [k for k, bad in ((AlertKind.DEVICE_OFFLINE, v.offline), (AlertKind.LOW_BATTERY, v.low_battery)) if not bad]


async def list_health(
    conn: AsyncConnection,
    *,
    offline: bool | None = None,
    low_battery: bool | None = None,
    home_id: int | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[DeviceHealthRead]:
    return await repo.list_health(
        conn, device=None, offline=offline, low_battery=low_battery, home=home_id, kind=kind, limit=limit,
        offset=offset,
    )  # fmt: skip


async def list_alerts(
    conn: AsyncConnection,
    *,
    status: list[AlertStatus] | None,
    kind: AlertKind | None,
    device_ids: list[int] | None = None,
    home_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[TechnicalAlertRead]:
    return await repo.list_alerts(
        conn, status=[s.value for s in status] if status else None, kind=kind.value if kind else None,
        devices=device_ids, home=home_id, limit=limit, offset=offset,
    )  # fmt: skip


async def acknowledge(conn: AsyncConnection, alert_id: int, user_id: int) -> TechnicalAlertRead:
    async with conn.transaction():
        alert = await repo.acknowledge(conn, alert_id, user_id)
        if alert is not None:
            return alert
        existing = await repo.get_alert(conn, alert_id)
        if existing is None:
            raise RegistryNotFound(f"technical alert {alert_id} not found")
        raise RegistryConflict(f"technical alert {alert_id} is {existing.status.value}, not open")


async def history(conn: AsyncConnection, device_id: int, team: int | None) -> DeviceHistory:
    device = await registry.get_device(conn, device_id, team)
    lineage, events = await registry.history(conn, device_id, team)
    alerts = await list_alerts(conn, status=None, kind=None, device_ids=lineage, limit=1000)
    health = await repo.list_health(conn, device=device_id, offline=None, low_battery=None, home=None, kind=None,
                                    limit=1, offset=0)  # fmt: skip
    return DeviceHistory(device=device, lineage=lineage, events=events, alerts=alerts, health=next(iter(health), None))
