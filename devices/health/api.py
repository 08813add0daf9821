"""Device health and technical alerts, for technicians."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from access.deps import Technician
from core.deps import ConnDep
from core.pagination import Id, Limit, Offset
from devices.health import service
from devices.health.schemas import (
    AlertKind,
    AlertStatus,
    DeviceHealthPage,
    DeviceHistory,
    TechnicalAlertPage,
    TechnicalAlertRead,
)

router = APIRouter(tags=["device health"])


@router.get("/devices/health")
async def device_health(
    conn: ConnDep,
    _: Technician,
    offline: bool | None = None,
    low_battery: bool | None = None,
    home_id: int | None = None,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> DeviceHealthPage:
    """Active devices with last seen, battery, link quality, availability and the last check's verdict."""
    items = await service.list_health(
        conn, offline=offline, low_battery=low_battery, home_id=home_id, kind=kind, limit=limit, offset=offset
    )
    return DeviceHealthPage(items=items, limit=limit, offset=offset)


@router.get("/devices/{device_id}/history")
async def device_history(conn: ConnDep, _: Technician, device_id: Id) -> DeviceHistory:
    """Registry events, technical alerts and health of a device and of the devices it replaced."""
    return await service.history(conn, device_id, None)


@router.get("/technical-alerts")
async def technical_alerts(
    conn: ConnDep,
    _: Technician,
    status: Annotated[list[AlertStatus] | None, Query(description="Default: open and acknowledged.")] = None,
    kind: AlertKind | None = None,
    device_id: int | None = None,
    home_id: int | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> TechnicalAlertPage:
    items = await service.list_alerts(
        conn, status=status or [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED], kind=kind,
        device_ids=[device_id] if device_id is not None else None, home_id=home_id, limit=limit, offset=offset,
    )  # fmt: skip
    return TechnicalAlertPage(items=items, limit=limit, offset=offset)


@router.post("/technical-alerts/{alert_id}/acknowledge")
async def acknowledge(conn: ConnDep, who: Technician, alert_id: Id) -> TechnicalAlertRead:
    return await service.acknowledge(conn, alert_id, who.user_id)
