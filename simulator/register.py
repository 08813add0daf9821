"""Registration through the hub's API, as an installer would: `POST /api/v1/homes`, `/residents`, `/devices`
with a technician's or an admin's bearer token (residents need an admin or a home-care user)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from simulator.errors import SimulatorError
from simulator.layout import HomeSpec
from simulator.seed import Registry

PREFIX = "/api/v1"


class HubAPI:
    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.adds_residents = True  # until the hub says this token's role may not (a technician's)

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        r = await self.client.request(method, PREFIX + path, json=body, headers=self.headers)
        if r.status_code >= 300:
            raise SimulatorError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json()

    async def team(self, name: str) -> int:
        for t in await self.call("GET", "/teams"):
            if t["name"] == name:
                return int(t["id"])
        return int((await self.call("POST", "/teams", {"name": name}))["id"])

    async def register(self, team_id: int, home: HomeSpec, *, residents: bool = True) -> tuple[int, Registry]:
        created = await self.call(
            "POST", "/homes", {"team_id": team_id, "label": home.label, "timezone": home.timezone}
        )
        home_id = int(created["id"])
        if residents and self.adds_residents:
            await self._resident(home_id, home.index)
        registry: Registry = {}
        for d in home.devices:
            body = {"adapter": d.adapter, "external_id": d.external_id, "kind": d.kind, "home_id": home_id,
                    "room": d.room}  # fmt: skip
            registry[(d.adapter, d.external_id)] = int((await self.call("POST", "/devices", body))["id"])
        return home_id, registry

    async def _resident(self, home_id: int, index: int) -> None:
        body = {"home_id": home_id, "display_name": f"Resident {index}"}
        r = await self.client.post(PREFIX + "/residents", json=body, headers=self.headers)
        if r.status_code == 403:
            self.adds_residents = False  # technicians register homes and devices; home care adds residents
        elif r.status_code >= 300:
            raise SimulatorError(f"POST /residents: {r.status_code} {r.text[:300]}")


async def register_all(
    api: HubAPI, team_id: int, homes: Sequence[HomeSpec], *, residents: bool = True, parallel: int = 4
) -> tuple[Registry, dict[int, int]]:
    """Register every home, a few at a time; returns device ids and home ids by home index."""
    registry: Registry = {}
    home_ids: dict[int, int] = {}
    gate = asyncio.Semaphore(parallel)

    async def one(home: HomeSpec) -> None:
        async with gate:
            home_id, devices = await api.register(team_id, home, residents=residents)
        home_ids[home.index] = home_id
        registry.update(devices)

    await asyncio.gather(*(one(h) for h in homes))
    return registry, home_ids
