"""Nuki's plain-string payloads through a real Mosquitto: state codes, door sensor, battery, lock actions."""

from __future__ import annotations

from psycopg import AsyncConnection

from hub.ingest.worker import Ingestor
from tests import servers
from tests.conftest import API
from tests.helpers import mosquitto_pub, uid
from tests.integration.gateway_helpers import dead_letters, fixture, publish, readings, register, wait_rows

N = "nuki"
ID = "3A1B2C4D"


async def test_lock_state_door_and_battery_are_stored_as_changes(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    nuki_id = uid("NUKI").upper()
    device = await register(api, N, nuki_id, "smart_lock")
    cases = ["state_locked", "state_locked", "state_unlocking", "state_unlocked", "doorsensor_opened",
             "doorsensor_closed", "battery_charge", "battery_critical", "state_motor_blocked"]  # fmt: skip
    for case in cases:
        publish(broker.port, fixture(N, case, ID, nuki_id))
    await wait_rows(conn, device["id"], 3, "lock_state")
    assert await readings(conn, device["id"], "lock_state") == [("lock_state", 1.0), ("lock_state", 2.0),
                                                                ("lock_state", 4.0)]  # fmt: skip
    assert await readings(conn, device["id"], "door_open") == [("door_open", 1.0), ("door_open", 0.0)]
    assert await readings(conn, device["id"], "battery") == [("battery", 87.0)]
    assert await readings(conn, device["id"], "battery_low") == [("battery_low", 1.0)]


async def test_lock_action_event_keeps_who_and_how(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    nuki_id = uid("NUKI").upper()
    device = await register(api, N, nuki_id, "smart_lock")
    for case in ("lock_action_mqtt_unlock", "lock_action_button_no_action", "lock_action_app_lock"):
        publish(broker.port, fixture(N, case, ID, nuki_id))
    assert await wait_rows(conn, device["id"], 2, "lock_action") == [("lock_action", 1.0), ("lock_action", 2.0)]
    cur = await conn.execute(
        "SELECT action, source, user_ref FROM lock_events WHERE device_id = %s ORDER BY ts", (device["id"],)
    )
    assert await cur.fetchall() == [(1, "mqtt", None), (2, "app", "5234817")]


async def test_last_will_is_availability_and_own_commands_are_ignored(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    nuki_id = uid("NUKI").upper()
    device = await register(api, N, nuki_id, "smart_lock")
    publish(broker.port, fixture(N, "connected", ID, nuki_id))
    publish(broker.port, fixture(N, "own_lock_action_command", ID, nuki_id))
    publish(broker.port, fixture(N, "connected_last_will", ID, nuki_id))
    rows = await wait_rows(conn, device["id"], 2, "availability")
    assert rows == [("availability", 1.0), ("availability", 0.0)]
    assert await dead_letters(conn, f"nuki/{nuki_id}/lockAction") == []


async def test_bad_codes_are_dead_letters_with_reasons(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    nuki_id = uid("NUKI").upper()
    device = await register(api, N, nuki_id, "smart_lock")
    mosquitto_pub(broker.port, f"nuki/{nuki_id}/state", "42")
    mosquitto_pub(broker.port, f"nuki/{nuki_id}/lockActionEvent", "garbage")
    publish(broker.port, fixture(N, "state_locked", ID, nuki_id))
    await wait_rows(conn, device["id"], 1, "lock_state")
    assert await dead_letters(conn, f"nuki/{nuki_id}/state") == [("out_of_range", nuki_id)]
    assert await dead_letters(conn, f"nuki/{nuki_id}/lockActionEvent") == [("wrong_type", nuki_id)]
