"""The health verdict for one device, with the clock in the test's hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from devices.health.rules import assess
from devices.health.schemas import HealthFacts, HealthPolicy

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
POLICY = HealthPolicy()
H = timedelta(hours=1)


def facts(kind: str = "motion", **changes: object) -> HealthFacts:
    base = HealthFacts(
        device_id=1, adapter="zigbee2mqtt", kind=kind, home_id=1, created_at=T0 - 10 * H, last_seen=T0,
        battery=None, battery_low=None, link_quality=None, availability=None, availability_at=None,
        battery_run_start=None, flag_run_start=None,
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def test_silent_past_the_kinds_supervision_is_offline_from_the_deadline() -> None:
    assert not assess(facts(), T0 + 2 * H, POLICY, False).offline
    verdict = assess(facts(), T0 + 2 * H + timedelta(seconds=1), POLICY, False)
    assert (verdict.offline, verdict.offline_since) == (True, T0 + 2 * H)


def test_rarely_reporting_kinds_have_a_long_supervision() -> None:
    assert not assess(facts("smoke"), T0 + 24 * H, POLICY, False).offline
    assert assess(facts("smoke"), T0 + 26 * H, POLICY, False).offline


def test_a_device_never_heard_is_supervised_from_its_registration() -> None:
    never = facts(last_seen=None, created_at=T0)
    assert not assess(never, T0 + H, POLICY, False).offline
    assert assess(never, T0 + 3 * H, POLICY, False).offline_since == T0 + 2 * H


def test_session_devices_and_gateways_are_not_judged_by_silence() -> None:
    assert not assess(facts("smart_lock"), T0 + 72 * H, POLICY, True).offline  # Nuki
    assert not assess(facts("gateway"), T0 + 72 * H, POLICY, False).offline  # supervision 0


def test_an_offline_notice_counts_after_the_grace_unless_something_alive_came_after() -> None:
    said = facts("smart_lock", availability=0.0, availability_at=T0 + H)
    assert not assess(said, T0 + H + timedelta(minutes=5), POLICY, True).offline
    assert assess(said, T0 + H + timedelta(minutes=10), POLICY, True).offline_since == T0 + H
    spoke_after = replace(said, last_seen=T0 + 2 * H)
    assert not assess(spoke_after, T0 + 2 * H + timedelta(minutes=30), POLICY, True).offline


def test_low_battery_needs_the_run_to_last() -> None:
    low = facts(battery=12.0, battery_run_start=T0)
    assert not assess(low, T0 + 5 * H, POLICY, False).low_battery
    verdict = assess(low, T0 + 6 * H, POLICY, False)
    assert (verdict.low_battery, verdict.low_battery_since) == (True, T0)
    assert not assess(replace(low, battery=55.0), T0 + 9 * H, POLICY, False).low_battery


def test_the_devices_own_low_battery_flag_also_needs_to_last() -> None:
    flagged = facts(battery_low=1.0, flag_run_start=T0)
    assert not assess(flagged, T0 + H, POLICY, False).low_battery
    assert assess(flagged, T0 + 7 * H, POLICY, False).low_battery
    assert not assess(replace(flagged, battery_low=0.0), T0 + 7 * H, POLICY, False).low_battery
