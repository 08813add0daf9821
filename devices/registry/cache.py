"""The registry as ingest sees it: (adapter, external id) to device, held in memory.

Ingest looks every message's device up here instead of paying a foreign key per row. The cache is reloaded when
the devices table changes (NOTIFY carehub_devices) and misses are checked against the database before a message
is declared to come from an unknown device.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import AsyncConnection
from psycopg.rows import class_row

from devices.registry import repo


@dataclass(frozen=True, slots=True)
class CachedDevice:
    id: int
    adapter: str
    external_id: str
    kind: str
    home_id: int | None
    alias: str | None = None


class DeviceCache:
    """Keyed by (adapter, external id) and by (adapter, alias), so a Zigbee device registered by IEEE address is
    found under its friendly name too."""

    def __init__(self) -> None:
        self._by_identity: dict[tuple[str, str], CachedDevice] = {}

    def get(self, adapter: str, external_id: str) -> CachedDevice | None:
        return self._by_identity.get((adapter, external_id))

    def __len__(self) -> int:
        return len({d.id for d in self._by_identity.values()})

    def _add(self, index: dict[tuple[str, str], CachedDevice], d: CachedDevice) -> None:
        if d.alias:
            index.setdefault((d.adapter, d.alias), d)  # an external id wins over another device's alias
        index[(d.adapter, d.external_id)] = d

    async def load(self, conn: AsyncConnection) -> None:
        async with conn.cursor(row_factory=class_row(CachedDevice)) as cur:
            await cur.execute(repo.ACTIVE_DEVICES)
            rows = await cur.fetchall()
        index: dict[tuple[str, str], CachedDevice] = {}
        for d in rows:
            self._add(index, d)
        self._by_identity = index

    async def resolve(self, conn: AsyncConnection, identities: set[tuple[str, str]]) -> None:
        """Look up identities missing from the cache in the database and add those that exist."""
        if not identities:
            return
        adapters, ids = zip(*identities, strict=True)
        async with conn.cursor(row_factory=class_row(CachedDevice)) as cur:
            await cur.execute(repo.ACTIVE_DEVICES_BY_IDENTITY, (list(adapters), list(ids)))
            for d in await cur.fetchall():
                self._add(self._by_identity, d)
