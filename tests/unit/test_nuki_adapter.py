"""Nuki quirks: plain-string payloads, state codes, repeats of retained state, the lockActionEvent CSV."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devices.adapters import Command, NukiAdapter, Parsed
from devices.adapters.examples import load
from devices.errors import BadCommand, BadMessage

NOW = datetime(2026, 11, 22, 8, 1, tzinfo=UTC)
LOCK = "nuki/3A1B2C4D"


def readings(parsed: Parsed | None) -> list[tuple[str, float]]:
    return sorted((r.metric, r.value) for r in parsed.readings) if parsed else []


def test_republished_state_is_reported_once_and_transitions_not_at_all() -> None:
    nuki = NukiAdapter()
    assert readings(nuki.parse(f"{LOCK}/state", b"1", NOW)) == [("lock_state", 1.0)]
    assert readings(nuki.parse(f"{LOCK}/state", b"1", NOW)) == []  # retained state sent again on reconnect
    assert readings(nuki.parse(f"{LOCK}/state", b"2", NOW)) == []  # unlocking
    assert readings(nuki.parse(f"{LOCK}/state", b"3", NOW)) == [("lock_state", 2.0)]
    assert readings(nuki.parse(f"{LOCK}/state", b"5", NOW)) == []  # unlatched: still unlocked
    assert readings(nuki.parse(f"{LOCK}/state", b"254", NOW)) == [("lock_state", 4.0)]


def test_a_second_lock_has_its_own_memory() -> None:
    nuki = NukiAdapter()
    nuki.parse(f"{LOCK}/state", b"1", NOW)
    assert readings(nuki.parse("nuki/0FF1CE00/state", b"1", NOW)) == [("lock_state", 1.0)]


def test_door_sensor_codes() -> None:
    nuki = NukiAdapter()
    assert readings(nuki.parse(f"{LOCK}/doorsensorState", b"3", NOW)) == [("door_open", 1.0)]
    assert readings(nuki.parse(f"{LOCK}/doorsensorState", b"2", NOW)) == [("door_open", 0.0)]
    assert readings(nuki.parse(f"{LOCK}/doorsensorState", b"16", NOW)) == []
    assert readings(nuki.parse(f"{LOCK}/doorsensorState", b"240", NOW)) == [("tamper", 1.0)]


REFUSED = [
    ("state", b"42", "out_of_range"),
    ("state", b"locked", "wrong_type"),
    ("doorsensorState", b"99", "out_of_range"),
    ("batteryChargeState", b"180", "out_of_range"),
    ("batteryCritical", b"maybe", "wrong_type"),
    ("lockActionEvent", b"unlock", "wrong_type"),
    ("lockActionEvent", b"1", "wrong_type"),
    ("lockActionEvent", b"77,0,0,0,0", "out_of_range"),
]


@pytest.mark.parametrize(("topic", "payload", "reason"), REFUSED)
def test_unknown_codes_and_non_numbers_are_refused_with_reasons(topic: str, payload: bytes, reason: str) -> None:
    with pytest.raises(BadMessage) as err:
        NukiAdapter().parse(f"{LOCK}/{topic}", payload, NOW)
    assert (err.value.reason, err.value.adapter, err.value.external_id) == (reason, "nuki", "3A1B2C4D")


def test_battery_topics() -> None:
    nuki = NukiAdapter()
    assert readings(nuki.parse(f"{LOCK}/batteryCritical", b"true", NOW)) == [("battery_low", 1.0)]
    assert readings(nuki.parse(f"{LOCK}/batteryChargeState", b"87", NOW)) == [("battery", 87.0)]
    assert readings(nuki.parse(f"{LOCK}/batteryChargeState", b"86", NOW)) == [("battery", 86.0)]


def test_connected_and_its_last_will() -> None:
    nuki = NukiAdapter()
    will = nuki.parse(f"{LOCK}/connected", b"false", NOW)
    assert will is not None
    assert readings(will) == [("availability", 0.0)]
    assert not will.alive
    back = nuki.parse(f"{LOCK}/connected", b"true", NOW)
    assert back is not None
    assert back.alive
    assert readings(back) == [("availability", 1.0)]
    assert NukiAdapter.session_liveness


def test_lock_action_event_names_its_source_and_user() -> None:
    example = load("nuki", "lock_action_app_lock")
    parsed = NukiAdapter().parse(example.topic, example.payload, NOW)
    assert parsed is not None
    assert readings(parsed) == [("lock_action", 2.0)]
    assert [(e.source, e.user, e.name) for e in parsed.lock_events] == [("app", "5234817", "2")]
    mqtt = NukiAdapter().parse(f"{LOCK}/lockActionEvent", b"1,172,0,0,0", NOW)
    assert mqtt is not None
    assert [(e.action, e.source, e.user) for e in mqtt.lock_events] == [(1.0, "mqtt", None)]
    odd = NukiAdapter().parse(f"{LOCK}/lockActionEvent", b"2,99,7,0,0", NOW)
    assert odd is not None
    assert odd.lock_events[0].source == "trigger_99"


def test_every_lock_action_event_is_an_event_even_when_repeated() -> None:
    nuki = NukiAdapter()
    assert readings(nuki.parse(f"{LOCK}/lockActionEvent", b"1,0,12,0,0", NOW)) == [("lock_action", 1.0)]
    assert readings(nuki.parse(f"{LOCK}/lockActionEvent", b"1,0,12,0,0", NOW)) == [("lock_action", 1.0)]
    assert readings(nuki.parse(f"{LOCK}/lockActionEvent", b"90,2,0,0,0", NOW)) == []


def test_topics_without_care_data_and_own_commands_are_ignored() -> None:
    nuki = NukiAdapter()
    for name in ("lockAction", "commandResponse", "timestamp", "firmware", "mode"):
        assert nuki.parse(f"{LOCK}/{name}", b"0", NOW) is None
    with pytest.raises(BadMessage) as err:
        nuki.parse("nuki/3A1B2C4D/state/extra", b"1", NOW)
    assert err.value.reason == "bad_topic"


def test_commands_are_lock_action_codes_at_qos_2() -> None:
    out = NukiAdapter().command("3A1B2C4D", Command("unlock"))
    assert (out.topic, out.payload, out.qos, out.retain) == ("nuki/3A1B2C4D/lockAction", b"1", 2, False)
    assert NukiAdapter().command("3A1B2C4D", Command("lock")).payload == b"2"
    with pytest.raises(BadCommand):
        NukiAdapter().command("3A1B2C4D", Command("open_sesame"))
