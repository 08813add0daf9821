"""Zigbee2MQTT payloads exactly as published, through a real Mosquitto into PostgreSQL: every kind, every quirk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from psycopg import AsyncConnection

from hub.ingest.worker import Ingestor
from hub.settings import Settings
from tests import servers
from tests.conftest import API, running_ingest
from tests.helpers import mosquitto_pub, uid
from tests.integration.gateway_helpers import (
    dead_letters,
    fixture,
    make_home,
    publish,
    readings,
    register,
    wait_rows,
)

Z = "zigbee2mqtt"
# (fixture, friendly name in it, kind to register it as)
KINDS = [
    ("motion_occupancy", "hall/motion", "motion"),
    ("contact_open", "front_door/contact", "contact"),
    ("water_leak", "bathroom/leak", "water_leak"),
    ("smoke_alarm", "kitchen/smoke", "smoke"),
    ("button_single", "bedroom/alarm_button", "emergency_button"),
    ("button_sos", "living/sos_pendant", "emergency_button"),
    ("fall_alarm", "bathroom/fall_radar", "fall_detector"),
    ("climate_numbers_as_strings", "living/climate", "climate"),
    ("power_plug", "kitchen/kettle_plug", "power_plug"),
    ("lock_auto_lock", "entrance/lock", "smart_lock"),
]


async def test_each_kind_is_stored_as_its_normalised_readings(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    home = await make_home(api)
    for case, name, kind in KINDS:
        friendly = f"{uid('z')}/{name}"  # a friendly name with slashes in it
        device = await register(api, Z, friendly, kind, home)
        example = fixture(Z, case, name, friendly)
        publish(broker.port, example)
        rows = await wait_rows(conn, device["id"], len(example.expected))
        assert sorted(rows) == sorted(example.expected), case


async def test_repeated_attributes_nulls_and_strings_store_only_changes(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    name = f"{uid('z')}/motion"
    device = await register(api, Z, name, "motion")
    for case in ("motion_occupancy", "motion_battery_report", "motion_battery_report"):
        publish(broker.port, fixture(Z, case, "hall/motion", name))
    publish(broker.port, fixture(Z, "motion_cleared", "hall/motion", name))
    await wait_rows(conn, device["id"], 2, "motion")
    assert await readings(conn, device["id"], "motion") == [("motion", 1.0), ("motion", 0.0)]
    assert await readings(conn, device["id"], "battery") == [("battery", 87.0), ("battery", 86.0), ("battery", 87.0)]

    climate = f"{uid('z')}/climate"
    dev = await register(api, Z, climate, "climate")
    publish(broker.port, fixture(Z, "climate_numbers_as_strings", "living/climate", climate))
    publish(broker.port, fixture(Z, "climate_nulls_after_restart", "living/climate", climate))
    rows = await wait_rows(conn, dev["id"], 5)
    assert ("temperature", 21.3) in rows
    assert ("link_quality", 45.0) in rows
    assert len([r for r in rows if r[0] == "temperature"]) == 1  # null is unknown, not 0


async def test_contact_true_means_closed(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    name = f"{uid('z')}/door"
    device = await register(api, Z, name, "contact")
    publish(broker.port, fixture(Z, "contact_open", "front_door/contact", name))
    publish(broker.port, fixture(Z, "contact_closed", "front_door/contact", name))
    assert await wait_rows(conn, device["id"], 2, "door_open") == [("door_open", 1.0), ("door_open", 0.0)]


async def test_transient_action_and_smoke_self_test(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    button = f"{uid('z')}/button"
    dev = await register(api, Z, button, "emergency_button")
    for case in ("button_single", "button_action_cleared", "button_single", "button_action_topic"):
        publish(broker.port, fixture(Z, case, "bedroom/alarm_button", button))
    assert await wait_rows(conn, dev["id"], 3, "button_press") == [("button_press", 1.0)] * 2 + [("button_press", 2.0)]

    smoke = f"{uid('z')}/smoke"
    det = await register(api, Z, smoke, "smoke")
    for case in ("smoke_self_test", "smoke_self_test", "smoke_self_test_over", "smoke_alarm"):
        publish(broker.port, fixture(Z, case, "kitchen/smoke", smoke))
    await wait_rows(conn, det["id"], 2, "smoke")
    assert await readings(conn, det["id"], "smoke_test") == [("smoke_test", 1.0)]
    assert await readings(conn, det["id"], "smoke") == [("smoke", 0.0), ("smoke", 1.0)]  # never 1 during the test


async def test_lock_action_is_stored_with_source_and_user_and_lagging_state_is_skipped(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    name = f"{uid('z')}/lock"
    device = await register(api, Z, name, "smart_lock")
    publish(broker.port, fixture(Z, "lock_keypad_unlock_state_lags", "entrance/lock", name))
    publish(broker.port, fixture(Z, "lock_unlocked", "entrance/lock", name))
    publish(broker.port, fixture(Z, "lock_failed_pin", "entrance/lock", name))
    await wait_rows(conn, device["id"], 2, "lock_action")
    assert await readings(conn, device["id"], "lock_state") == [("lock_state", 2.0), ("lock_state", 1.0)]
    cur = await conn.execute(
        "SELECT action, name, source, user_ref FROM lock_events WHERE device_id = %s ORDER BY ts", (device["id"],)
    )
    assert await cur.fetchall() == [
        (1, "unlock", "keypad", "3"),
        (9, "unlock_failure_invalid_pin_or_id", "keypad", None),
    ]


async def test_last_seen_is_the_reading_time_so_a_redelivery_changes_nothing(
    api: API, settings: Settings, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    name = f"{uid('z')}/climate"
    device = await register(api, Z, name, "climate")
    seen = (datetime.now(UTC) - timedelta(minutes=3)).replace(microsecond=0)
    example = fixture(Z, "climate", "living/climate", name).with_fields(last_seen=seen.isoformat())
    async with running_ingest(settings):
        publish(broker.port, example)
        await wait_rows(conn, device["id"], 4)
    async with running_ingest(settings):  # a restarted worker remembers no last-known values: all is "new"
        publish(broker.port, example)
        publish(broker.port, fixture(Z, "climate_nulls_after_restart", "living/climate", name))
        await wait_rows(conn, device["id"], 5)
    cur = await conn.execute("SELECT ts, count(*) FROM readings WHERE device_id = %s AND metric = 'temperature'"
                             " GROUP BY ts", (device["id"],))  # fmt: skip
    assert await cur.fetchall() == [(seen, 1)]


async def test_availability_in_both_forms(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    name = f"{uid('z')}/motion"
    device = await register(api, Z, name, "motion")
    for case in ("availability_plain_offline", "availability_json_online", "availability_json_offline"):
        publish(broker.port, fixture(Z, case, "hall/motion", name))
    rows = await wait_rows(conn, device["id"], 3, "availability")
    assert rows == [("availability", 0.0), ("availability", 1.0), ("availability", 0.0)]


async def test_bad_input_is_dead_lettered_with_its_reason_and_ingest_carries_on(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    name = f"{uid('z')}/climate"
    device = await register(api, Z, name, "climate")
    mqtt_topic = f"{Z}/{name}"
    publish(broker.port, fixture(Z, "smoke_alarm", "kitchen/smoke", name))  # smoke: registered as the wrong kind?
    mosquitto_pub(broker.port, mqtt_topic, b'{"smoke": false, "water_leak": true}')  # nothing a climate sensor has
    publish(broker.port, fixture(Z, "climate", "living/climate", name).with_fields(temperature="warm", last_seen=None))
    mosquitto_pub(broker.port, mqtt_topic, b'{"temperature": 21')
    publish(broker.port, fixture(Z, "climate_numbers_as_strings", "living/climate", name))
    await wait_rows(conn, device["id"], 1, "temperature")
    letters = await dead_letters(conn, mqtt_topic)
    assert sorted(r for r, _ in letters) == [
        "malformed_json",
        "metric_not_for_kind",
        "metric_not_for_kind",
        "wrong_type",
    ]
    assert {e for _, e in letters} == {name}
    # the smoke detector's battery and link quality were stored; its smoke is in the dead letter, not lost
    assert ("battery", 90.0) in await readings(conn, device["id"])
    assert await readings(conn, device["id"], "smoke") == []


async def test_own_set_commands_are_not_dead_letters(
    api: API, ingest: Ingestor, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    name = f"{uid('z')}/lock"
    device = await register(api, Z, name, "smart_lock")
    publish(broker.port, fixture(Z, "own_set_command", "entrance/lock", name))
    publish(broker.port, fixture(Z, "lock_unlocked", "entrance/lock", name))
    await wait_rows(conn, device["id"], 1, "lock_state")
    assert await dead_letters(conn, f"{Z}/{name}/set") == []


async def test_base_topic_comes_from_settings(
    api: API, settings: Settings, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    base = f"carehub/{uid('home')}/z2m"
    custom = settings.model_copy(
        update={"adapters": settings.adapters.model_copy(update={"zigbee2mqtt_base_topic": base})}
    )
    name = f"{uid('z')}/motion"
    device = await register(api, Z, name, "motion")
    async with running_ingest(custom):
        example = fixture(Z, "motion_occupancy", "hall/motion", name)
        publish(broker.port, example.renamed(f"{Z}/", f"{base}/"))
        assert sorted(await wait_rows(conn, device["id"], 3)) == sorted(example.expected)
