"""Zigbee2MQTT quirks, one test each: what a sequence of real messages from one device turns into."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from devices.adapters import Command, Parsed, Zigbee2MQTTAdapter
from devices.adapters.examples import load
from devices.errors import BadCommand, BadMessage
from devices.normalise import Normaliser

NOW = datetime(2026, 11, 22, 8, 1, tzinfo=UTC)


class Device:
    """One adapter (its memory persists across messages) fed fixtures in order."""

    def __init__(self, base: str = "zigbee2mqtt") -> None:
        self.adapter = Zigbee2MQTTAdapter(base)

    def parse(self, topic: str, payload: bytes | dict[str, object] | str, at: datetime = NOW) -> Parsed | None:
        body = (
            payload
            if isinstance(payload, bytes)
            else payload.encode()
            if isinstance(payload, str)
            else orjson.dumps(payload)
        )
        return self.adapter.parse(topic, body, at)

    def fixture(self, case: str) -> list[tuple[str, float]]:
        example = load("zigbee2mqtt", case)
        return self.readings(example.topic, example.payload)

    def readings(
        self, topic: str, payload: bytes | dict[str, object] | str, at: datetime = NOW
    ) -> list[tuple[str, float]]:
        parsed = self.parse(topic, payload, at)
        return sorted((r.metric, r.value) for r in parsed.readings) if parsed else []


def test_repeated_attributes_are_reported_once_changes_are_reported() -> None:
    d = Device()
    assert ("motion", 1.0) in d.fixture("motion_occupancy")
    assert d.fixture("motion_battery_report") == [("battery", 86.0)]  # occupancy true again: a repeat
    assert d.fixture("motion_cleared") == [("battery", 87.0), ("link_quality", 24.0), ("motion", 0.0)]


def test_a_message_with_nothing_new_still_names_the_device_so_it_counts_as_seen() -> None:
    d = Device()
    d.fixture("contact_open")
    parsed = d.parse(load("zigbee2mqtt", "contact_open").topic, load("zigbee2mqtt", "contact_open").payload)
    assert parsed is not None
    assert parsed.readings == []
    assert parsed.external_id == "front_door/contact"
    assert parsed.alive


def test_contact_true_means_closed() -> None:
    d = Device()
    assert ("door_open", 1.0) in d.fixture("contact_open")
    assert ("door_open", 0.0) in d.fixture("contact_closed")


def test_null_values_are_unknown_not_zero() -> None:
    d = Device()
    d.fixture("climate")
    assert d.fixture("climate_nulls_after_restart") == [("link_quality", 45.0)]
    topic = load("zigbee2mqtt", "climate").topic
    assert d.readings(topic, {"temperature": 21.5, "humidity": 38.2, "linkquality": 45}) == []


def test_numbers_sent_as_strings_are_numbers_and_nonsense_is_refused_with_a_reason() -> None:
    d = Device()
    assert ("battery", 97.0) in d.fixture("climate_numbers_as_strings")
    with pytest.raises(BadMessage) as err:
        d.parse("zigbee2mqtt/living/climate", {"temperature": "warm"})
    assert (err.value.reason, err.value.adapter, err.value.external_id) == (
        "wrong_type",
        "zigbee2mqtt",
        "living/climate",
    )
    with pytest.raises(BadMessage) as err:
        d.parse("zigbee2mqtt/living/climate", {"battery": 150})
    assert err.value.reason == "out_of_range"


def test_transient_action_is_one_press_and_its_clearing_is_none() -> None:
    d = Device()
    assert ("button_press", 1.0) in d.fixture("button_single")
    assert d.fixture("button_action_cleared") == []
    assert d.fixture("button_single") == [("button_press", 1.0)]  # a second press is a second event
    assert d.fixture("button_hold") == [("button_press", 3.0)]
    assert d.fixture("button_action_topic") == [("button_press", 2.0)]
    assert d.readings("zigbee2mqtt/bedroom/alarm_button", {"action": "arrow_left_click"}) == []


def test_smoke_self_test_is_not_smoke() -> None:
    d = Device()
    first = d.fixture("smoke_self_test")
    assert ("smoke_test", 1.0) in first
    assert "smoke" not in {m for m, _ in first}
    assert d.fixture("smoke_self_test") == []  # test still true in the next report: not a second test
    assert d.fixture("smoke_self_test_over") == [("smoke", 0.0)]
    assert d.fixture("smoke_alarm") == [("smoke", 1.0)]


def test_levels_repeated_in_every_message_raise_one_event_per_rise() -> None:
    d = Device()
    assert ("button_press", 1.0) in d.fixture("button_sos")
    assert d.fixture("button_sos") == []
    topic = load("zigbee2mqtt", "button_sos").topic
    assert d.readings(topic, {"sos": False}) == []
    assert d.readings(topic, {"sos": True}) == [("button_press", 1.0)]
    assert ("fall", 2.0) in d.fixture("fall_alarm")
    assert d.fixture("fall_alarm") == []
    assert d.fixture("fall_normal") == []
    assert d.fixture("fall_alarm") == [("fall", 2.0)]


def test_lock_state_lagging_its_action_is_not_taken_as_the_state() -> None:
    d = Device()  # nothing known yet: the stale LOCK would otherwise be stored at the moment of the unlock
    example = load("zigbee2mqtt", "lock_keypad_unlock_state_lags")
    parsed = d.parse(example.topic, example.payload)
    assert parsed is not None
    readings = sorted((r.metric, r.value) for r in parsed.readings)
    assert readings == [("battery", 76.0), ("link_quality", 98.0), ("lock_action", 1.0)]
    (event,) = parsed.lock_events
    assert (event.action, event.name, event.source, event.user) == (1.0, "unlock", "keypad", "3")
    assert d.fixture("lock_unlocked") == [("lock_state", 2.0)]
    assert d.readings(example.topic, {"action": "lock", "state": "UNLOCK", "lock_state": "unlocked"}) == [
        ("lock_action", 2.0)
    ]
    assert d.readings(example.topic, {"state": "LOCK", "lock_state": "locked"}) == [("lock_state", 1.0)]


def test_failed_pin_is_a_failed_attempt_with_its_source() -> None:
    d = Device()
    example = load("zigbee2mqtt", "lock_failed_pin")
    parsed = d.parse(example.topic, example.payload)
    assert parsed is not None
    assert parsed.lock_events[0].action == 9.0
    assert parsed.lock_events[0].source == "keypad"


def test_last_seen_gives_the_time_in_every_form_and_receive_time_without_it() -> None:
    at = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    for case in ("climate", "climate_last_seen_offset", "climate_last_seen_epoch"):
        example = load("zigbee2mqtt", case)
        parsed = Zigbee2MQTTAdapter().parse(example.topic, example.payload, NOW)
        assert parsed is not None
        assert {r.ts for r in parsed.readings} == {at}, case
    parsed = Device().parse("zigbee2mqtt/living/climate", {"temperature": 20})
    assert parsed is not None
    assert parsed.readings[0].ts == NOW
    with pytest.raises(BadMessage) as err:
        Device().parse("zigbee2mqtt/living/climate", {"temperature": 20, "last_seen": "yesterday"})
    assert err.value.reason == "bad_timestamp"


def test_availability_in_both_forms_and_offline_is_no_sign_of_life() -> None:
    for case, value in [("availability_plain_offline", 0.0), ("availability_json_offline", 0.0),
                        ("availability_plain_online", 1.0), ("availability_json_online", 1.0)]:  # fmt: skip
        example = load("zigbee2mqtt", case)
        parsed = Zigbee2MQTTAdapter().parse(example.topic, example.payload, NOW)
        assert parsed is not None
        assert parsed.external_id == "hall/motion"
        assert [(r.metric, r.value) for r in parsed.readings] == [("availability", value)]
        assert parsed.alive is (value == 1.0)
    with pytest.raises(BadMessage):
        Device().parse("zigbee2mqtt/hall/motion/availability", "maybe")


def test_own_commands_and_other_bridge_topics_are_ignored() -> None:
    d = Device()
    ignored = ["entrance/lock/set", "entrance/lock/set/state", "hall/motion/get", "bridge/info", "bridge/logging",
               "bridge/response/permit_join"]  # fmt: skip
    for topic in (f"zigbee2mqtt/{t}" for t in ignored):
        assert d.parse(topic, {"state": "UNLOCK"}) is None, topic


def test_bridge_state_is_the_gateway_device_in_both_forms() -> None:
    for case, value in [("bridge_state_plain", 1.0), ("bridge_state_json_offline", 0.0)]:
        example = load("zigbee2mqtt", case)
        parsed = Zigbee2MQTTAdapter().parse(example.topic, example.payload, NOW)
        assert parsed is not None
        assert (parsed.external_id, parsed.readings[0].value) == ("bridge", value)


def test_bridge_devices_announce_pending_devices_and_teach_friendly_names() -> None:
    d = Device()
    example = load("zigbee2mqtt", "bridge_devices")
    parsed = d.parse(example.topic, example.payload)
    assert parsed is not None
    assert [(a.external_id, a.alias, a.model) for a in parsed.announced] == [
        ("0x00158d0001a2b3c4", "hall/motion", "RTCGQ11LM"),
        ("0x0017880104e45517", None, None),  # unsupported device, never renamed; the coordinator is left out
    ]
    state = d.parse("zigbee2mqtt/hall/motion", {"occupancy": True})
    assert state is not None
    assert state.alt_id == "0x00158d0001a2b3c4"


def test_bridge_events_announce_joined_and_interviewed_devices() -> None:
    joined = Device().parse(load("zigbee2mqtt", "bridge_event_device_joined").topic,
                            load("zigbee2mqtt", "bridge_event_device_joined").payload)  # fmt: skip
    assert joined is not None
    assert [(a.external_id, a.event) for a in joined.announced] == [("0x00158d00045b2a11", "device_joined")]
    interview = load("zigbee2mqtt", "bridge_event_device_interview")
    parsed = Device().parse(interview.topic, interview.payload)
    assert parsed is not None
    assert (parsed.announced[0].model, parsed.announced[0].vendor) == ("MCCGQ11LM", "Aqara")
    assert Device().parse("zigbee2mqtt/bridge/event", {"type": "group_added", "data": {}}) is None


def test_nested_device_object_gives_the_ieee_address() -> None:
    example = load("zigbee2mqtt", "plug_with_device_info")
    parsed = Device().parse(example.topic, example.payload)
    assert parsed is not None
    assert (parsed.external_id, parsed.alt_id) == ("kitchen/stove_plug", "0xa4c138f06eb0e7a1")


def test_base_topic_is_configurable() -> None:
    adapter = Zigbee2MQTTAdapter("carehub/home-17/z2m")
    assert adapter.topic_filters() == ["carehub/home-17/z2m/#"]
    assert adapter.owns("carehub/home-17/z2m/hall/motion")
    assert not adapter.owns("zigbee2mqtt/hall/motion")
    parsed = adapter.parse("carehub/home-17/z2m/hall/motion", b'{"occupancy":true}', NOW)
    assert parsed is not None
    assert parsed.external_id == "hall/motion"
    assert adapter.identify("carehub/home-17/z2m/hall/motion/availability") == "hall/motion"
    with pytest.raises(ValueError, match="wildcards"):
        Zigbee2MQTTAdapter("z2m/+")


def test_a_large_device_list_passes_the_size_limit_a_state_message_does_not() -> None:
    normaliser = Normaliser([Zigbee2MQTTAdapter()], max_payload_bytes=16384, max_future=timedelta(minutes=5),
                            max_age=timedelta(days=365))  # fmt: skip
    entry = {"ieee_address": "0x00158d0001a2b3c4", "friendly_name": "x", "type": "EndDevice", "definition": {
        "model": "M", "vendor": "V", "exposes": [{"name": "pad" * 100}]}}  # fmt: skip
    assert normaliser.parse("zigbee2mqtt/bridge/devices", orjson.dumps([entry] * 100), NOW) is not None
    with pytest.raises(BadMessage) as err:
        normaliser.parse("zigbee2mqtt/hall/motion", orjson.dumps({"pad": "x" * 20000}), NOW)
    assert err.value.reason == "oversize"


def test_broken_payloads_are_refused_with_reasons() -> None:
    with pytest.raises(BadMessage) as err:
        Device().parse("zigbee2mqtt/hall/motion", b'{"occupancy": tru')
    assert err.value.reason == "malformed_json"
    with pytest.raises(BadMessage) as err:
        Device().parse("zigbee2mqtt/hall/motion", b"[1, 2]")
    assert err.value.reason == "wrong_type"
    with pytest.raises(BadMessage) as err:
        Device().parse("zigbee2mqtt/bridge/devices", b'{"not": "a list"}')
    assert err.value.reason == "wrong_type"


def test_lock_and_unlock_commands_go_to_the_set_topic() -> None:
    adapter = Zigbee2MQTTAdapter("z2m")
    out = adapter.command("entrance/lock", Command("unlock"))
    assert (out.topic, orjson.loads(out.payload), out.qos, out.retain) == (
        "z2m/entrance/lock/set", {"state": "UNLOCK"}, 1, False)  # fmt: skip
    assert orjson.loads(adapter.command("0x00158d0001a2b3c4", Command("lock", code="1234")).payload) == {
        "state": "LOCK", "code": "1234"}  # fmt: skip
    with pytest.raises(BadCommand):
        adapter.command("entrance/lock", Command("unlatch"))
    # the hub's own command comes back on the wildcard subscription and is ignored
    assert adapter.parse(out.topic, out.payload, NOW) is None


def test_a_refused_message_changes_nothing_the_adapter_remembers() -> None:
    d = Device()
    topic = "zigbee2mqtt/living/climate"
    with pytest.raises(BadMessage):
        d.parse(topic, {"temperature": 21.0, "battery": "garbage"})
    assert d.readings(topic, {"temperature": 21.0, "battery": 90}) == [("battery", 90.0), ("temperature", 21.0)]


def test_the_same_value_in_another_form_is_not_a_change() -> None:
    d = Device()
    topic = "zigbee2mqtt/living/climate"
    assert d.readings(topic, {"battery": "97.00", "occupancy": "true"}) == [("battery", 97.0), ("motion", 1.0)]
    assert d.readings(topic, {"battery": 97, "occupancy": True}) == []
    assert d.readings(topic, {"battery": 96, "occupancy": True}) == [("battery", 96.0)]
