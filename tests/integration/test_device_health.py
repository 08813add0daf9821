"""Device health with a movable clock: silence past the supervision interval is offline and raises one technical
alert; the device's return clears it; low battery needs a sustained run of low readings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg import AsyncConnection

from hub import scheduler
from hub.ingest.worker import Ingestor
from hub.settings import Settings
from tests import servers
from tests.conftest import API
from tests.helpers import eventually, uid
from tests.integration.gateway_helpers import fixture, make_home, publish, register, wait_rows

Z = "zigbee2mqtt"


class Clock:
    """The health job as the scheduler runs it, at a time the test chooses."""

    def __init__(self, settings: Settings) -> None:
        self.now = datetime.now(UTC)
        self.job = next(j for j in scheduler.jobs(settings, False, clock=lambda: self.now) if j.name == "device-health")

    async def check_at(self, conn: AsyncConnection, at: datetime) -> object:
        self.now = at
        return await self.job.run(conn)


async def seen(conn: AsyncConnection, device_id: int, after: datetime | None = None) -> datetime:
    async def probe() -> datetime | None:
        cur = await conn.execute("SELECT last_seen FROM device_seen WHERE device_id = %s", (device_id,))
        row = await cur.fetchone()
        return row[0] if row and (after is None or row[0] > after) else None

    return await eventually(probe)


async def alerts(api: API, status: str = "") -> list[dict[str, Any]]:
    page = await api.ok("GET", f"/technical-alerts{status}", as_="technician")
    assert isinstance(page, dict)
    return list(page["items"])


async def health(api: API, query: str) -> list[int]:
    page = await api.ok("GET", f"/devices/health{query}", as_="technician")
    assert isinstance(page, dict)
    return [d["device_id"] for d in page["items"]]


async def test_silence_past_supervision_raises_one_alert_and_the_return_clears_it(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection, settings: Settings
) -> None:
    ingest.batcher.seen_throttle.every = timedelta(0)  # in life a return comes hours after the last write
    home = await make_home(api)
    door, button = f"{uid('z')}/door", f"{uid('z')}/button"
    contact = await register(api, Z, door, "contact", home)  # supervised every 2 h
    alarm = await register(api, Z, button, "emergency_button", home)  # reports rarely: 25 h
    publish(broker.port, fixture(Z, "contact_open", "front_door/contact", door))
    publish(broker.port, fixture(Z, "button_single", "bedroom/alarm_button", button))
    last = await seen(conn, contact["id"])
    await seen(conn, alarm["id"])
    clock = Clock(settings)

    await clock.check_at(conn, last + timedelta(hours=1))
    assert await health(api, "?offline=true") == []
    await clock.check_at(conn, last + timedelta(hours=2, minutes=1))
    await clock.check_at(conn, last + timedelta(hours=2, minutes=5))  # still offline: still one alert
    assert await health(api, "?offline=true") == [contact["id"]]  # the rarely reporting button does not flap
    (alert,) = await alerts(api)
    assert (alert["kind"], alert["device_id"], alert["status"], alert["audience"]) == (
        "device_offline", contact["id"], "open", "technician")  # fmt: skip

    publish(broker.port, fixture(Z, "contact_closed", "front_door/contact", door))
    back = await seen(conn, contact["id"], after=last)
    await clock.check_at(conn, back + timedelta(minutes=1))
    assert await health(api, "?offline=true") == []
    assert await alerts(api) == []
    cleared = await alerts(api, "?status=cleared")
    assert [(a["id"], a["status"]) for a in cleared] == [(alert["id"], "cleared")]


async def test_nuki_silence_is_normal_its_last_will_is_offline(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection, settings: Settings
) -> None:
    nuki_id = uid("NUKI").upper()
    lock = await register(api, "nuki", nuki_id, "smart_lock")
    publish(broker.port, fixture("nuki", "connected", "3A1B2C4D", nuki_id))
    await seen(conn, lock["id"])
    clock = Clock(settings)
    await clock.check_at(conn, datetime.now(UTC) + timedelta(days=2))  # days without a door opening
    assert await alerts(api) == []

    publish(broker.port, fixture("nuki", "connected_last_will", "3A1B2C4D", nuki_id))
    await wait_rows(conn, lock["id"], 2, "availability")
    await clock.check_at(conn, datetime.now(UTC) + timedelta(minutes=1))  # a Wi-Fi blip: within the grace
    assert await alerts(api) == []
    await clock.check_at(conn, datetime.now(UTC) + timedelta(minutes=11))
    assert [a["kind"] for a in await alerts(api)] == ["device_offline"]
    assert (await alerts(api))[0]["severity"] == "critical"  # a door lock

    publish(broker.port, fixture("nuki", "connected", "3A1B2C4D", nuki_id))
    await wait_rows(conn, lock["id"], 3, "availability")
    await clock.check_at(conn, datetime.now(UTC) + timedelta(minutes=12))
    assert await alerts(api) == []


async def test_low_battery_needs_a_sustained_run_not_one_dip(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection, settings: Settings
) -> None:
    now = datetime.now(UTC)
    low, dip = f"{uid('z')}/low", f"{uid('z')}/dip"
    weak = await register(api, Z, low, "climate")
    fine = await register(api, Z, dip, "climate")
    example = fixture(Z, "climate", "living/climate", low)
    for battery, ago in ((15, 7), (14, 1)):  # low for seven hours
        publish(broker.port, example.with_fields(battery=battery, last_seen=(now - timedelta(hours=ago)).isoformat()))
    example = fixture(Z, "climate", "living/climate", dip)
    for battery, ago in ((15, 7), (80, 6), (15, 1)):  # a dip, back to normal, low again only for an hour
        publish(broker.port, example.with_fields(battery=battery, last_seen=(now - timedelta(hours=ago)).isoformat()))
    await wait_rows(conn, weak["id"], 2, "battery")
    await wait_rows(conn, fine["id"], 3, "battery")
    clock = Clock(settings)

    await clock.check_at(conn, now)
    assert await health(api, "?low_battery=true") == [weak["id"]]
    (alert,) = await alerts(api)
    assert (alert["kind"], alert["device_id"]) == ("low_battery", weak["id"])
    acked = await api.ok("POST", f"/technical-alerts/{alert['id']}/acknowledge", as_="technician")
    assert isinstance(acked, dict)
    assert acked["status"] == "acknowledged"
    again = await api.request("POST", f"/technical-alerts/{alert['id']}/acknowledge", as_="technician")
    assert again.status_code == 409
    await clock.check_at(conn, now + timedelta(minutes=1))
    assert [a["status"] for a in await alerts(api)] == ["acknowledged"]  # not raised a second time


async def test_health_list_filters_and_is_for_technicians(api: API, conn: AsyncConnection, settings: Settings) -> None:
    home, other = await make_home(api), await make_home(api, "Flat 4A")
    a = await register(api, Z, uid("z"), "motion", home)
    b = await register(api, Z, uid("z"), "climate", other)
    await Clock(settings).check_at(conn, datetime.now(UTC) + timedelta(hours=3))  # never heard since registration
    assert sorted(await health(api, "?offline=true")) == sorted([a["id"], b["id"]])
    assert await health(api, f"?offline=true&home_id={home}") == [a["id"]]
    assert await health(api, "?kind=climate") == [b["id"]]
    assert (await api.request("GET", "/devices/health", as_="homecare")).status_code == 403
    assert (await api.request("GET", "/technical-alerts", as_="operator")).status_code == 403
