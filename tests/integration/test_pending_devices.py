"""Devices that announce themselves are pending, never trusted; a technician claims them and nothing they said
before is lost."""

from __future__ import annotations

from typing import Any

import orjson
from psycopg import AsyncConnection

from hub.ingest.worker import Ingestor
from tests import servers
from tests.conftest import API
from tests.helpers import eventually, mosquitto_pub, now_iso, uid
from tests.integration.gateway_helpers import dead_letters, fixture, make_home, publish, readings, wait_rows

Z = "zigbee2mqtt"


def ieee() -> str:
    return "0x" + uid("")[1:].replace("-", "").ljust(16, "0")[:16]


async def pending(api: API, external_id: str) -> dict[str, Any] | None:
    page = await api.ok("GET", "/devices/pending?limit=1000", as_="technician")
    assert isinstance(page, dict)
    return next((p for p in page["items"] if p["external_id"] == external_id), None)


async def test_device_announced_by_zigbee2mqtt_is_pending_and_stored_once_claimed(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    address, name = ieee(), f"{uid('z')}/motion"
    devices = [{"ieee_address": address, "friendly_name": name, "type": "EndDevice", "supported": True,
                "definition": {"model": "RTCGQ11LM", "vendor": "Aqara", "description": "Motion sensor"}}]  # fmt: skip
    mosquitto_pub(broker.port, f"{Z}/bridge/devices", orjson.dumps(devices))
    first = fixture(Z, "motion_occupancy", "hall/motion", name)
    publish(broker.port, first)  # before anyone claimed it: kept as a dead letter, not a reading
    entry = await eventually(lambda: _pending_with_messages(api, address))
    assert (entry["alias"], entry["model"], entry["vendor"]) == (name, "RTCGQ11LM", "Aqara")
    assert await dead_letters(conn, first.topic) == [("unknown_device", address)]
    cur = await conn.execute("SELECT count(*) FROM devices WHERE external_id = %s", (address,))
    assert await cur.fetchone() == (0,)  # never trusted automatically

    home = await make_home(api)
    claim = {"kind": "motion", "home_id": home, "room": "hall"}
    result = await api.ok("POST", f"/devices/pending/{entry['id']}/claim", as_="technician", json=claim)
    assert isinstance(result, dict)
    device = result["device"]
    assert (device["external_id"], device["alias"], device["status"]) == (address, name, "active")
    assert result["replayed"] == 1
    assert sorted(await readings(conn, device["id"])) == sorted(first.expected)  # replayed from the dead letter
    assert await dead_letters(conn, first.topic) == []
    assert await pending(api, address) is None

    publish(broker.port, fixture(Z, "motion_cleared", "hall/motion", name))  # under its friendly name
    assert (await wait_rows(conn, device["id"], 2, "motion"))[-1] == ("motion", 0.0)


async def _pending_with_messages(api: API, external_id: str, n: int = 1) -> dict[str, Any] | None:
    entry = await pending(api, external_id)
    return entry if entry and entry["messages"] >= n else None


async def test_joined_device_and_unknown_native_id_are_pending(
    api: API, ingest: Ingestor, broker: servers.Mosquitto
) -> None:
    address = ieee()
    joined = {"type": "device_joined", "data": {"friendly_name": address, "ieee_address": address}}
    mosquitto_pub(broker.port, f"{Z}/bridge/event", orjson.dumps(joined))
    stranger = uid("native")
    mosquitto_pub(broker.port, f"carehub/v1/devices/{stranger}/events",
                  f'{{"ts": "{now_iso()}", "metric": "temperature", "value": 20}}')  # fmt: skip
    entry = await eventually(lambda: pending(api, address))
    assert (entry["event"], entry["adapter"], entry["messages"]) == ("device_joined", Z, 0)
    native = await eventually(lambda: pending(api, stranger))
    assert (native["adapter"], native["event"], native["messages"]) == ("native", "message", 1)


async def test_claim_errors_are_clear(api: API, ingest: Ingestor, broker: servers.Mosquitto) -> None:
    stranger = uid("native")
    mosquitto_pub(broker.port, f"carehub/v1/devices/{stranger}/status", "online")
    entry = await eventually(lambda: pending(api, stranger))
    path = f"/devices/pending/{entry['id']}/claim"
    r = await api.request("POST", path, as_="technician", json={"kind": "motion", "home_id": 424242})
    assert (r.status_code, "home 424242" in r.json()["detail"]) == (404, True)
    r = await api.request("POST", path, as_="technician", json={"kind": "teleporter", "home_id": await make_home(api)})
    assert (r.status_code, "unknown device kind" in r.json()["detail"]) == (422, True)
    r = await api.request("POST", path, as_="operator", json={"kind": "motion", "home_id": 1})
    assert r.status_code == 403
    r = await api.request(
        "POST", "/devices/pending/987654/claim", as_="technician", json={"kind": "motion", "home_id": 1}
    )
    assert r.status_code == 404
    assert await pending(api, stranger) is not None  # a failed claim changes nothing


async def test_kept_messages_that_do_not_fit_the_claimed_kind_stay_dead_letters_with_the_new_reason(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    stranger = uid("native")
    topic = f"carehub/v1/devices/{stranger}/events"
    mosquitto_pub(broker.port, topic, f'{{"ts": "{now_iso()}", "metric": "humidity", "value": 40}}')
    mosquitto_pub(broker.port, topic, f'{{"ts": "{now_iso()}", "metric": "motion", "value": true}}')
    entry = await eventually(lambda: _pending_with_messages(api, stranger, 2))
    body = {"kind": "motion", "home_id": await make_home(api)}
    result = await api.ok("POST", f"/devices/pending/{entry['id']}/claim", as_="technician", json=body)
    assert isinstance(result, dict)
    assert (result["replayed"], result["still_dead"]) == (1, 1)
    assert await readings(conn, result["device"]["id"]) == [("motion", 1.0)]
    assert await dead_letters(conn, topic) == [("metric_not_for_kind", stranger)]
