"""Registry endpoints: teams, homes, residents and devices, with least privilege by role and team."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from access.deps import Admin, AnyUser, Technician, require
from access.schemas import Principal, Role
from access.service import audit
from core.deps import ConnDep
from core.pagination import Id, Limit, Offset
from devices.adapters.deps import AdaptersDep
from devices.catalogue import KINDS, METRICS
from devices.pending import service as onboarding
from devices.pending.schemas import ClaimResult
from devices.registry import service
from devices.registry.schemas import (
    DeviceCreate,
    DevicePage,
    DeviceRead,
    DeviceReplace,
    DeviceStatus,
    DeviceUpdate,
    HomeCreate,
    HomeRead,
    HomeUpdate,
    ResidentCreate,
    ResidentRead,
    ResidentUpdate,
    TeamCreate,
    TeamRead,
)

router = APIRouter()

HomeViewer = Annotated[Principal, Depends(require(Role.OPERATOR, Role.TECHNICIAN, Role.HOMECARE, Role.ADMIN))]
ResidentViewer = Annotated[Principal, Depends(require(Role.OPERATOR, Role.HOMECARE, Role.ADMIN))]
ResidentEditor = Annotated[Principal, Depends(require(Role.HOMECARE, Role.ADMIN))]


@router.get("/catalogue", tags=["devices"])
async def catalogue(_: AnyUser) -> dict[str, object]:
    """Device kinds and the normalised metrics each reports."""
    return {
        "kinds": {k.name: {"metrics": sorted(k.metrics), "supervision_seconds": k.supervision_seconds,
                           "description": k.description} for k in KINDS.values()},
        "metrics": {m.name: {"type": m.type, "unit": m.unit, "min": m.min, "max": m.max,
                             "description": m.description} for m in METRICS.values()},
    }  # fmt: skip


@router.get("/teams", tags=["registry"])
async def list_teams(conn: ConnDep, _: AnyUser) -> list[TeamRead]:
    return await service.list_teams(conn)


@router.post("/teams", status_code=status.HTTP_201_CREATED, tags=["registry"])
async def create_team(conn: ConnDep, _: Admin, body: TeamCreate) -> TeamRead:
    return await service.create_team(conn, body)


@router.get("/homes", tags=["registry"])
async def list_homes(conn: ConnDep, who: HomeViewer, limit: Limit = 100, offset: Offset = 0) -> list[HomeRead]:
    return await service.list_homes(conn, who.team_scope(), limit, offset)


@router.post("/homes", status_code=status.HTTP_201_CREATED, tags=["registry"])
async def create_home(conn: ConnDep, _: Technician, body: HomeCreate) -> HomeRead:
    return await service.create_home(conn, body)


@router.get("/homes/{home_id}", tags=["registry"])
async def get_home(conn: ConnDep, who: HomeViewer, home_id: Id) -> HomeRead:
    return await service.get_home(conn, home_id, who.team_scope())


@router.patch("/homes/{home_id}", tags=["registry"])
async def update_home(conn: ConnDep, _: Technician, home_id: Id, body: HomeUpdate) -> HomeRead:
    return await service.update_home(conn, home_id, body)


@router.get("/residents", tags=["registry"])
async def list_residents(
    conn: ConnDep, who: ResidentViewer, limit: Limit = 100, offset: Offset = 0
) -> list[ResidentRead]:
    residents = await service.list_residents(conn, who.team_scope(), limit, offset)
    await audit(conn, who, "list", "residents", f"count={len(residents)}")
    return residents


@router.post("/residents", status_code=status.HTTP_201_CREATED, tags=["registry"])
async def create_resident(conn: ConnDep, who: ResidentEditor, body: ResidentCreate) -> ResidentRead:
    resident = await service.create_resident(conn, body, who.team_scope())
    await audit(conn, who, "create", f"resident/{resident.id}")
    return resident


@router.get("/residents/{resident_id}", tags=["registry"])
async def get_resident(conn: ConnDep, who: ResidentViewer, resident_id: Id) -> ResidentRead:
    resident = await service.get_resident(conn, resident_id, who.team_scope())
    await audit(conn, who, "read", f"resident/{resident_id}")
    return resident


@router.patch("/residents/{resident_id}", tags=["registry"])
async def update_resident(conn: ConnDep, who: ResidentEditor, resident_id: Id, body: ResidentUpdate) -> ResidentRead:
    resident = await service.update_resident(conn, resident_id, body, who.team_scope())
    await audit(conn, who, "update", f"resident/{resident_id}")
    return resident


@router.get("/devices", tags=["devices"])
async def list_devices(
    conn: ConnDep,
    who: HomeViewer,
    home_id: int | None = None,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    status: DeviceStatus | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> DevicePage:
    items = await service.list_devices(
        conn, team=who.team_scope(), home_id=home_id, kind=kind, status=status, limit=limit, offset=offset
    )
    return DevicePage(items=items, limit=limit, offset=offset)


@router.post("/devices", status_code=status.HTTP_201_CREATED, tags=["devices"])
async def register_device(conn: ConnDep, who: Technician, adapters: AdaptersDep, body: DeviceCreate) -> DeviceRead:
    """Register a device; if it was pending (announced, or sent messages while unknown), its kept messages are
    replayed into readings."""
    return (await onboarding.register(conn, body, adapters, who.user_id)).device


@router.get("/devices/{device_id}", tags=["devices"])
async def get_device(conn: ConnDep, who: HomeViewer, device_id: Id) -> DeviceRead:
    return await service.get_device(conn, device_id, who.team_scope())


@router.patch("/devices/{device_id}", tags=["devices"])
async def move_device(conn: ConnDep, who: Technician, device_id: Id, body: DeviceUpdate) -> DeviceRead:
    return await service.move_device(conn, device_id, body, who.user_id)


@router.delete("/devices/{device_id}", tags=["devices"])
async def retire_device(conn: ConnDep, who: Technician, device_id: Id) -> DeviceRead:
    return await service.retire_device(conn, device_id, who.user_id)


@router.post("/devices/{device_id}/replace", status_code=status.HTTP_201_CREATED, tags=["devices"])
async def replace_device(
    conn: ConnDep, who: Technician, adapters: AdaptersDep, device_id: Id, body: DeviceReplace
) -> ClaimResult:
    """Retire the device and register its successor in the same home and room. The successor inherits the
    history: its readings include those of the devices it replaced."""
    return await onboarding.replace(conn, device_id, body, adapters, who.user_id)
