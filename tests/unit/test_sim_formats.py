"""The simulator publishes exactly the shapes of the real payload fixtures, quirks included, and the hub's own
adapters accept every message it sends."""

from __future__ import annotations

from collections import Counter
from functools import cache

import orjson
import pytest

from devices.adapters.examples import cases
from simulator.expect import Expectations
from simulator.formats import Message
from simulator.formats.zigbee2mqtt import TEMPLATES, TRANSIENT
from simulator.home import HomeModel
from simulator.layout import build_home, parse_mix
from simulator.schedule import schedule
from simulator.timebase import DAY, parse_time
from simulator.world import World

START = parse_time("2026-11-16T00:00:00", "Europe/Oslo")
ALL_KINDS = dict.fromkeys(("button_press", "smoke", "water_leak", "device_offline", "low_battery", "fall"), 0.5)


@cache
def day_of_traffic() -> tuple[Message, ...]:
    mix = parse_mix("native=1,zigbee2mqtt=2,nuki=2")
    homes = [HomeModel(build_home("f", i, mix), 21) for i in range(40)]
    homes = [h.with_injections(schedule(h, ALL_KINDS, START, START + DAY)) for h in homes]
    return tuple(World(homes, START, 21, announce=True).take(START + DAY))


def by_adapter(adapter: str) -> list[Message]:
    return [m for m in day_of_traffic() if m.device.adapter == adapter]


def test_the_hub_accepts_every_message_and_stores_most_of_them() -> None:
    expect = Expectations()
    rows = [expect.readings(m) for m in day_of_traffic()]  # raises on anything the hub would refuse
    storable = sum(1 for r in rows if r)
    assert len(rows) > 30_000
    assert 0.5 < storable / len(rows) < 1  # gateways repeat themselves: some messages carry nothing new
    metrics = Counter(r.metric for rs in rows for r in rs)
    for metric in ("motion", "door_open", "in_bed", "lock_action", "lock_state", "button_press", "smoke",
                   "water_leak", "fall", "availability", "battery_low", "temperature", "humidity"):  # fmt: skip
        assert metrics[metric], f"no {metric} readings in a day of traffic"


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_zigbee2mqtt_state_messages_have_exactly_the_fixture_attributes(kind: str) -> None:
    fixture = {e.case: e for e in cases("zigbee2mqtt")}[TEMPLATES[kind]]
    want = set(orjson.loads(fixture.payload)) - TRANSIENT
    msgs = by_adapter("zigbee2mqtt")
    states = [orjson.loads(m.payload) for m in msgs if m.device.kind == kind and not m.topic.endswith("/availability")]
    assert states
    for doc in states:
        assert set(doc) - TRANSIENT == want, doc


def test_zigbee2mqtt_quirks_are_all_there() -> None:
    bodies = [m.payload for m in by_adapter("zigbee2mqtt")]
    docs = [orjson.loads(b) for b in bodies if b.startswith(b"{")]
    assert b"online" in bodies
    assert b'{"state":"online"}' in bodies
    assert any(d.get("action") == "" for d in docs)  # older Z2M clears each action
    assert any(isinstance(d.get("battery"), str) for d in docs)  # numbers as strings
    assert any("battery" in d and d["battery"] is None for d in docs)  # nulls from a fresh gateway
    assert any(isinstance(d.get("last_seen"), int) for d in docs)
    assert any(isinstance(d.get("last_seen"), str) for d in docs)
    lagging = [d for d in docs if d.get("action") == "unlock" and d.get("state") == "LOCK"]
    assert lagging, "a lock's unlock action should carry the old LOCK state, as real locks send it"


def test_nuki_messages_use_the_fixture_topics_and_plain_strings() -> None:
    fixture_topics = {e.topic.rsplit("/", 1)[1] for e in cases("nuki")}
    msgs = by_adapter("nuki")
    assert {m.topic.rsplit("/", 1)[1] for m in msgs} <= fixture_topics
    assert {m.topic.rsplit("/", 1)[1] for m in msgs} >= {"state", "lockActionEvent", "doorsensorState", "connected"}
    events = {m.payload for m in msgs if m.topic.endswith("/lockActionEvent")}
    assert any(p.startswith(b"1,172,") for p in events)  # staff with a digital key through the hub
    assert any(p.startswith(b"2,6,") for p in events)  # auto lock
    assert {m.payload for m in msgs if m.topic.endswith("/state")} >= {b"1", b"2", b"3", b"4"}
    retained = {m.topic.rsplit("/", 1)[1] for m in msgs if m.retain}
    assert "lockActionEvent" not in retained
    assert "state" in retained


def test_native_messages_carry_their_own_time_and_statuses_are_retained() -> None:
    msgs = by_adapter("native")
    events = [orjson.loads(m.payload) for m in msgs if m.topic.endswith("/events")]
    assert all("ts" in d and ("metric" in d or "values" in d) for d in events)
    assert all(m.retain for m in msgs if m.topic.endswith("/status"))
    assert {m.payload for m in msgs if m.topic.endswith("/status")} == {b"online", b"offline"}
