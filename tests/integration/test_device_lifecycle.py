"""Replacing a device (the new one inherits home, room and history), a device's history for technicians, and
commands resolved through the device's adapter."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from psycopg import AsyncConnection

from devices import commands
from devices.adapters import Command, all_adapters
from devices.errors import BadCommand, RegistryConflict
from hub.ingest.worker import Ingestor
from tests import servers
from tests.conftest import API
from tests.helpers import uid
from tests.integration.gateway_helpers import fixture, make_home, publish, register, wait_rows

Z = "zigbee2mqtt"


async def series(api: API, device_id: int, metric: str) -> list[dict[str, Any]]:
    body = await api.ok("GET", f"/devices/{device_id}/readings?bucket=1m&metric={metric}", as_="technician")
    assert isinstance(body, dict)
    return list(body["items"])


async def test_replacement_inherits_home_room_and_history(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    old_name, new_name = f"{uid('z')}/climate", f"{uid('z')}/climate"
    home = await make_home(api)
    body = {"adapter": Z, "external_id": old_name, "kind": "climate", "home_id": home, "room": "living"}
    old = await api.ok("POST", "/devices", as_="technician", json=body)
    assert isinstance(old, dict)
    publish(broker.port, fixture(Z, "climate_numbers_as_strings", "living/climate", old_name))
    await wait_rows(conn, old["id"], 1, "temperature")

    result = await api.ok("POST", f"/devices/{old['id']}/replace", as_="technician", json={"external_id": new_name})
    assert isinstance(result, dict)
    new = result["device"]
    assert (new["home_id"], new["room"], new["kind"], new["adapter"]) == (home, "living", "climate", Z)
    publish(broker.port, fixture(Z, "climate", "living/climate", new_name).with_fields(last_seen=None, temperature=19))
    await wait_rows(conn, new["id"], 1, "temperature")

    temps = await series(api, new["id"], "temperature")
    assert sum(b["n"] for b in temps) == 2  # the old device's reading and the new one's
    assert {b["min"] for b in temps} | {b["max"] for b in temps} == {19.0, 21.3}
    assert sum(b["n"] for b in await series(api, old["id"], "temperature")) == 1  # the old device's own only
    retired = await api.ok("GET", f"/devices/{old['id']}", as_="technician")
    assert isinstance(retired, dict)
    assert (retired["status"], retired["replaced_by"]) == ("retired", new["id"])

    history = await api.ok("GET", f"/devices/{new['id']}/history", as_="technician")
    assert isinstance(history, dict)
    assert history["lineage"] == [old["id"], new["id"]]
    assert [e["event"] for e in history["events"]] == ["registered", "replaced", "replacement"]
    assert all(e["user_id"] is not None for e in history["events"])


async def test_replacement_errors(api: API) -> None:
    home = await make_home(api)
    a = await register(api, Z, uid("z"), "motion", home)
    b = await register(api, Z, uid("z"), "motion", home)
    r = await api.request(
        "POST", f"/devices/{a['id']}/replace", as_="technician", json={"external_id": b["external_id"]}
    )
    assert r.status_code == 409  # b's identity is live
    assert "already exists" in r.json()["detail"]
    alive = await api.ok("GET", f"/devices/{a['id']}", as_="technician")
    assert isinstance(alive, dict)
    assert alive["status"] == "active"  # the failed replacement changed nothing
    r = await api.request(
        "POST", f"/devices/{a['id']}/replace", as_="technician", json={"external_id": "x", "kind": "ufo"}
    )
    assert r.status_code == 422
    await api.ok("DELETE", f"/devices/{a['id']}", as_="technician")
    r = await api.request("POST", f"/devices/{a['id']}/replace", as_="technician", json={"external_id": "y"})
    assert r.status_code == 409
    assert (await api.request("GET", f"/devices/{a['id']}/history", as_="homecare")).status_code == 403


async def test_commands_go_through_the_devices_adapter(api: API, conn: AsyncConnection) -> None:
    home = await make_home(api)
    z2m_lock = await register(api, Z, "entrance/lock", "smart_lock", home)
    nuki = await register(api, "nuki", "3A1B2C4D", "smart_lock", home)
    native = await register(api, "native", uid(), "smart_lock", home)
    motion = await register(api, Z, uid("z"), "motion", home)
    adapters = all_adapters(zigbee2mqtt_base_topic="carehub/home-17/z2m")

    out = await commands.command_for(conn, z2m_lock["id"], Command("unlock"), adapters)
    assert (out.topic, orjson.loads(out.payload), out.qos) == (
        "carehub/home-17/z2m/entrance/lock/set",
        {"state": "UNLOCK"},
        1,
    )
    out = await commands.command_for(conn, nuki["id"], Command("lock"), adapters)
    assert (out.topic, out.payload, out.qos, out.retain) == ("nuki/3A1B2C4D/lockAction", b"2", 2, False)
    out = await commands.command_for(conn, native["id"], Command("unlock"), adapters)
    assert (out.topic, orjson.loads(out.payload)) == (
        f"carehub/v1/devices/{native['external_id']}/cmd",
        {"action": "unlock"},
    )
    with pytest.raises(BadCommand, match="motion device takes no commands"):
        await commands.command_for(conn, motion["id"], Command("unlock"), adapters)
    await api.ok("DELETE", f"/devices/{nuki['id']}", as_="technician")
    with pytest.raises(RegistryConflict, match="retired"):
        await commands.command_for(conn, nuki["id"], Command("unlock"), adapters)
