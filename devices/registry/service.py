"""Registry rules: who may see which team's homes, and what a valid device registration is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import psycopg
from psycopg import AsyncConnection

from devices.adapters import all_adapters
from devices.catalogue import KINDS
from devices.errors import RegistryConflict, RegistryInvalid, RegistryNotFound
from devices.registry import repo
from devices.registry.schemas import (
    DeviceCreate,
    DeviceEventRead,
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

T = TypeVar("T")


async def _guard(work: Callable[[], Awaitable[T]], what: str) -> T:
    """Run a write in a savepoint; turn the database's integrity errors into registry errors."""
    try:
        return await work()
    except psycopg.errors.UniqueViolation as err:
        raise RegistryConflict(f"{what} already exists") from err
    except psycopg.errors.ForeignKeyViolation as err:
        raise RegistryInvalid(f"{what} refers to something that does not exist") from err


async def create_team(conn: AsyncConnection, data: TeamCreate) -> TeamRead:
    async with conn.transaction():
        return await _guard(lambda: repo.insert_team(conn, data.name), f"team {data.name!r}")


async def list_teams(conn: AsyncConnection) -> list[TeamRead]:
    return await repo.list_teams(conn)


async def create_home(conn: AsyncConnection, data: HomeCreate) -> HomeRead:
    async with conn.transaction():
        return await _guard(lambda: repo.insert_home(conn, data.team_id, data.label, data.timezone), "home's team")


async def get_home(conn: AsyncConnection, home_id: int, team: int | None) -> HomeRead:
    home = await repo.get_home(conn, home_id, team)
    if home is None:
        raise RegistryNotFound(f"home {home_id} not found")
    return home


async def list_homes(conn: AsyncConnection, team: int | None, limit: int, offset: int) -> list[HomeRead]:
    return await repo.list_homes(conn, team, limit, offset)


async def update_home(conn: AsyncConnection, home_id: int, data: HomeUpdate) -> HomeRead:
    async with conn.transaction():
        await get_home(conn, home_id, None)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        await _guard(lambda: repo.update_home(conn, home_id, changes), "home's team")
        return await get_home(conn, home_id, None)


async def create_resident(conn: AsyncConnection, data: ResidentCreate, team: int | None) -> ResidentRead:
    async with conn.transaction():
        await get_home(conn, data.home_id, team)
        resident_id = await repo.insert_resident(conn, data.home_id, data.display_name)
        return await get_resident(conn, resident_id, None)


async def get_resident(conn: AsyncConnection, resident_id: int, team: int | None) -> ResidentRead:
    resident = await repo.get_resident(conn, resident_id, team)
    if resident is None:
        raise RegistryNotFound(f"resident {resident_id} not found")
    return resident


async def list_residents(conn: AsyncConnection, team: int | None, limit: int, offset: int) -> list[ResidentRead]:
    return await repo.list_residents(conn, team, limit, offset)


async def update_resident(
    conn: AsyncConnection, resident_id: int, data: ResidentUpdate, team: int | None
) -> ResidentRead:
    async with conn.transaction():
        await get_resident(conn, resident_id, team)
        if data.home_id is not None:
            await get_home(conn, data.home_id, team)
        await repo.update_resident(conn, resident_id, data.model_dump(exclude_unset=True, exclude_none=True))
        return await get_resident(conn, resident_id, None)


def known_adapters() -> set[str]:
    return {a.name for a in all_adapters()}


def _check_identity(adapter: str, kind: str) -> None:
    if kind not in KINDS:
        raise RegistryInvalid(f"unknown device kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    if adapter not in known_adapters():
        raise RegistryInvalid(f"unknown adapter {adapter!r}; known: {', '.join(sorted(known_adapters()))}")


async def register_device(
    conn: AsyncConnection,
    data: DeviceCreate,
    actor: int | None = None,
    event: str = "registered",
    alias: str | None = None,
) -> DeviceRead:
    _check_identity(data.adapter, data.kind)
    async with conn.transaction():
        await get_home(conn, data.home_id, None)
        device = await _guard(
            lambda: repo.insert_device(conn, data.adapter, data.external_id, data.kind, data.home_id, data.room, alias),
            f"a live device {data.adapter}/{data.external_id}",
        )
        await repo.insert_event(conn, device.id, event, f"home {data.home_id}, room {data.room or '-'}", actor)
        return device


async def get_device(conn: AsyncConnection, device_id: int, team: int | None) -> DeviceRead:
    device = await repo.get_device(conn, device_id, team)
    if device is None:
        raise RegistryNotFound(f"device {device_id} not found")
    return device


async def list_devices(
    conn: AsyncConnection,
    *,
    team: int | None,
    home_id: int | None,
    kind: str | None,
    status: DeviceStatus | None,
    limit: int,
    offset: int,
) -> list[DeviceRead]:
    return await repo.list_devices(
        conn, team=team, home=home_id, kind=kind, status=status.value if status else None, limit=limit, offset=offset
    )


async def move_device(
    conn: AsyncConnection, device_id: int, data: DeviceUpdate, actor: int | None = None
) -> DeviceRead:
    async with conn.transaction():
        device = await get_device(conn, device_id, None)
        if device.status is DeviceStatus.RETIRED:
            raise RegistryConflict(f"device {device_id} is retired")
        if data.home_id is not None:
            await get_home(conn, data.home_id, None)
        changes = data.model_dump(exclude_unset=True)
        await repo.update_device(conn, device_id, changes)
        moved = await get_device(conn, device_id, None)
        detail = f"home {device.home_id} -> {moved.home_id}, room {device.room or '-'} -> {moved.room or '-'}"
        await repo.insert_event(conn, device_id, "moved", detail, actor)
        return moved


async def retire_device(conn: AsyncConnection, device_id: int, actor: int | None = None) -> DeviceRead:
    async with conn.transaction():
        retired = await _retire(conn, device_id, None)
        await repo.insert_event(conn, device_id, "retired", "", actor)
        return retired


async def replace_device(
    conn: AsyncConnection, device_id: int, data: DeviceReplace, actor: int | None = None
) -> DeviceRead:
    """Retire `device_id` and register its successor in the same home and room; readings of the old device
    stay reachable through the new one (`lineage`)."""
    async with conn.transaction():
        old = await get_device(conn, device_id, None)
        adapter, kind = data.adapter or old.adapter, data.kind or old.kind
        _check_identity(adapter, kind)
        if old.home_id is None:
            raise RegistryConflict(f"device {device_id} has no home to hand over")
        await _retire(conn, device_id, None)  # first: the successor may reuse the identity
        new = await _guard(
            lambda: repo.insert_device(conn, adapter, data.external_id, kind, old.home_id, old.room),
            f"a live device {adapter}/{data.external_id}",
        )
        await repo.retire_device(conn, device_id, replaced_by=new.id)
        await repo.insert_event(
            conn, device_id, "replaced", f"by device {new.id} ({adapter}/{data.external_id})", actor
        )
        await repo.insert_event(conn, new.id, "replacement", f"of device {device_id} ({old.adapter}/{old.external_id})",
                                actor)  # fmt: skip
        return new


async def _retire(conn: AsyncConnection, device_id: int, replaced_by: int | None) -> DeviceRead:
    device = await get_device(conn, device_id, None)
    if device.status is DeviceStatus.RETIRED:
        raise RegistryConflict(f"device {device_id} is already retired")
    retired = await repo.retire_device(conn, device_id, replaced_by)
    assert retired is not None
    return retired


async def history(conn: AsyncConnection, device_id: int, team: int | None) -> tuple[list[int], list[DeviceEventRead]]:
    """The ids of the device and those it replaced, and their registry events in time order."""
    await get_device(conn, device_id, team)
    ids = await repo.lineage(conn, device_id)
    return ids, await repo.list_events(conn, ids)
