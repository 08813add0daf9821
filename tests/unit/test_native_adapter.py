"""The native format: what it accepts and the reason it gives for what it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devices.adapters import NativeAdapter
from devices.catalogue import check_kind, check_value
from devices.errors import BadMessage
from devices.normalise import Normaliser

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
EVENTS = "carehub/v1/devices/kitchen-pir/events"


def normaliser() -> Normaliser:
    return Normaliser(
        [NativeAdapter()], max_payload_bytes=1024, max_future=timedelta(minutes=5), max_age=timedelta(days=365)
    )


def parse(payload: bytes, topic: str = EVENTS) -> list[tuple[datetime, str, float]]:
    parsed = normaliser().parse(topic, payload, NOW)
    assert parsed is not None
    assert parsed.external_id == "kitchen-pir"
    return [tuple(r) for r in parsed.readings]  # type: ignore[misc]


def reason(payload: bytes, topic: str = EVENTS) -> str:
    with pytest.raises(BadMessage) as err:
        normaliser().parse(topic, payload, NOW)
    return err.value.reason


def test_single_reading_and_several_at_once() -> None:
    assert parse(b'{"ts":"2026-11-22T07:59:00Z","metric":"motion","value":true}') == [
        (datetime(2026, 11, 22, 7, 59, tzinfo=UTC), "motion", 1.0)
    ]
    many = parse(b'{"ts":"2026-11-22T09:00:00+01:00","values":{"temperature":21.5,"humidity":40}}')
    assert {(m, v) for _, m, v in many} == {("temperature", 21.5), ("humidity", 40.0)}
    assert all(ts == NOW for ts, _, _ in many)


def test_epoch_milliseconds_are_accepted() -> None:
    ms = int(NOW.timestamp() * 1000)
    assert parse(b'{"ts":%d,"metric":"battery","value":80}' % ms)[0][0] == NOW


def test_status_is_availability_at_receive_time() -> None:
    assert parse(b"offline", "carehub/v1/devices/kitchen-pir/status") == [(NOW, "availability", 0.0)]
    assert parse(b"online\n", "carehub/v1/devices/kitchen-pir/status") == [(NOW, "availability", 1.0)]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"{", "malformed_json"),
        (b"[1,2]", "wrong_type"),
        (b'{"ts":"2026-11-22T08:00:00","metric":"motion","value":1}', "bad_timestamp"),
        (b'{"ts":"2026-11-22T08:10:00Z","metric":"motion","value":1}', "future_timestamp"),
        (b'{"ts":"2020-01-01T00:00:00Z","metric":"motion","value":1}', "too_old"),
        (b'{"metric":"motion","value":1}', "missing_field"),
        (b'{"ts":"2026-11-22T08:00:00Z","metric":"motion"}', "missing_field"),
        (b'{"ts":"2026-11-22T08:00:00Z","values":{}}', "missing_field"),
        (b'{"ts":"2026-11-22T08:00:00Z","metric":"temperature","value":Infinity}', "non_finite"),
        (b'{"ts":"2026-11-22T08:00:00Z","metric":"temperature","value":"21"}', "wrong_type"),
        (b'{"ts":"2026-11-22T08:00:00Z","metric":"temperature","value":true}', "wrong_type"),
        (b'{"ts":"2026-11-22T08:00:00Z","metric":"battery","value":101}', "out_of_range"),
        (b'{"ts":"2026-11-22T08:00:00Z","metric":"heartbeat","value":1}', "unknown_metric"),
        (b'{"ts":"2026-11-22T08:00:00Z","metric":"motion","value":1,"pad":"' + b"x" * 2000 + b'"}', "oversize"),
    ],
)
def test_bad_payloads_are_refused_with_a_reason(payload: bytes, expected: str) -> None:
    assert reason(payload) == expected


def test_bad_topics() -> None:
    assert reason(b"online", "carehub/v1/devices/x/y/status") == "bad_topic"
    assert reason(b"{}", "carehub/v1/devices/x/telemetry") == "bad_topic"
    assert reason(b"{}", "somewhere/else") == "unknown_format"
    assert reason(b"maybe", "carehub/v1/devices/x/status") == "wrong_type"


def test_own_commands_are_ignored() -> None:
    assert normaliser().parse("carehub/v1/devices/lock-1/cmd", b'{"action":"unlock"}', NOW) is None


def test_catalogue_checks_kind_and_range() -> None:
    check_kind("climate", "temperature")
    with pytest.raises(BadMessage, match="does not report smoke"):
        check_kind("climate", "smoke")
    assert check_value("door_open", False) == 0.0
    with pytest.raises(BadMessage, match="outside"):
        check_value("link_quality", 300)
