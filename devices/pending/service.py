"""Bringing devices into the registry: register, claim a pending one, replace. Each takes over whatever was
pending under the device's identity and replays its kept messages, in the registration's transaction."""

from __future__ import annotations

from psycopg import AsyncConnection

from devices.adapters import Adapter
from devices.errors import RegistryNotFound
from devices.pending import repo
from devices.pending.replay import replay
from devices.pending.schemas import ClaimRequest, ClaimResult, PendingRead
from devices.registry import service as registry
from devices.registry.schemas import DeviceCreate, DeviceRead, DeviceReplace


async def list_pending(conn: AsyncConnection, adapter: str | None, limit: int, offset: int) -> list[PendingRead]:
    return await repo.list_pending(conn, adapter, limit, offset)


async def register(
    conn: AsyncConnection, data: DeviceCreate, adapters: list[Adapter], actor: int | None = None
) -> ClaimResult:
    async with conn.transaction():
        device = await registry.register_device(conn, data, actor)
        return await _adopt(conn, device, None, adapters)


async def claim(
    conn: AsyncConnection, pending_id: int, data: ClaimRequest, adapters: list[Adapter], actor: int | None = None
) -> ClaimResult:
    """A technician vouches for a pending device: it becomes active with a kind, home and room."""
    async with conn.transaction():
        pending = await repo.get_for_update(conn, pending_id)
        if pending is None:
            raise RegistryNotFound(f"pending device {pending_id} not found (claimed already, or never announced)")
        create = DeviceCreate(
            adapter=pending.adapter, external_id=pending.external_id, kind=data.kind, home_id=data.home_id,
            room=data.room,
        )  # fmt: skip
        device = await registry.register_device(conn, create, actor, event="claimed", alias=pending.alias)
        return await _adopt(conn, device, pending.alias, adapters)


async def replace(
    conn: AsyncConnection, device_id: int, data: DeviceReplace, adapters: list[Adapter], actor: int | None = None
) -> ClaimResult:
    async with conn.transaction():
        device = await registry.replace_device(conn, device_id, data, actor)
        return await _adopt(conn, device, None, adapters)


async def _adopt(conn: AsyncConnection, device: DeviceRead, alias: str | None, adapters: list[Adapter]) -> ClaimResult:
    await repo.delete_identity(conn, device.adapter, device.external_id, alias)
    identities = [device.external_id] + ([alias] if alias else [])
    result = await replay(conn, device, identities, adapters)
    return ClaimResult(device=device, replayed=len(result.done), still_dead=len(result.refiled))
