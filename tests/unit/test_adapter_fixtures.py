"""Every real payload fixture parses to the readings it promises, through the normaliser as ingest uses it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devices.adapters import all_adapters
from devices.adapters.examples import Example, cases
from devices.normalise import Normaliser

NOW = datetime(2026, 11, 22, 8, 1, tzinfo=UTC)
ALL = [e for adapter in ("native", "zigbee2mqtt", "nuki") for e in cases(adapter)]


def test_there_is_a_fixture_for_each_adapter_and_many_quirks() -> None:
    assert {e.adapter for e in ALL} == {"native", "zigbee2mqtt", "nuki"}
    assert len([e for e in ALL if e.adapter == "zigbee2mqtt"]) >= 30
    assert len([e for e in ALL if e.adapter == "nuki"]) >= 15


@pytest.mark.parametrize("example", ALL, ids=lambda e: f"{e.adapter}/{e.case}")
def test_fixture_parses_to_its_expected_readings(example: Example) -> None:
    normaliser = Normaliser(
        all_adapters(), max_payload_bytes=16384, max_future=timedelta(minutes=5), max_age=timedelta(days=365)
    )
    parsed = normaliser.parse(example.topic, example.payload, NOW)
    got = sorted((r.metric, r.value) for r in parsed.readings) if parsed else []
    assert got == sorted(example.expected)
    assert example.note
    if parsed is not None:
        assert parsed.adapter == example.adapter


def test_plain_string_payloads_are_sent_without_quotes() -> None:
    nuki = {e.case: e for e in cases("nuki")}
    assert nuki["lock_action_mqtt_unlock"].payload == b"1,172,0,0,0"
    assert nuki["state_locked"].payload == b"1"
