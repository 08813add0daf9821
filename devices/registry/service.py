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
    DeviceRead,
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


async def register_device(conn: AsyncConnection, data: DeviceCreate) -> DeviceRead:
    if data.kind not in KINDS:
        raise RegistryInvalid(f"unknown device kind {data.kind!r}; known: {', '.join(sorted(KINDS))}")
    if data.adapter not in known_adapters():
        raise RegistryInvalid(f"unknown adapter {data.adapter!r}; known: {', '.join(sorted(known_adapters()))}")
    async with conn.transaction():
        await get_home(conn, data.home_id, None)
        return await _guard(
            lambda: repo.insert_device(conn, data.adapter, data.external_id, data.kind, data.home_id, data.room),
            f"a live device {data.adapter}/{data.external_id}",
        )


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


async def move_device(conn: AsyncConnection, device_id: int, data: DeviceUpdate) -> DeviceRead:
    async with conn.transaction():
        device = await get_device(conn, device_id, None)
        if device.status is DeviceStatus.RETIRED:
            raise RegistryConflict(f"device {device_id} is retired")
        if data.home_id is not None:
            await get_home(conn, data.home_id, None)
        await repo.update_device(conn, device_id, data.model_dump(exclude_unset=True))
        return await get_device(conn, device_id, None)


async def retire_device(conn: AsyncConnection, device_id: int) -> DeviceRead:
    async with conn.transaction():
        device = await get_device(conn, device_id, None)
        if device.status is DeviceStatus.RETIRED:
            raise RegistryConflict(f"device {device_id} is already retired")
        retired = await repo.retire_device(conn, device_id)
        assert retired is not None
        return retired
