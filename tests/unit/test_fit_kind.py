"""Which of a message's readings a device of a given kind keeps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devices.adapters import Parsed, Reading
from devices.errors import BadMessage
from devices.normalise import fit_kind

NOW = datetime(2026, 11, 22, 8, 1, tzinfo=UTC)


def parsed(*metrics: str, lenient: bool = True) -> Parsed:
    return Parsed("zigbee2mqtt" if lenient else "native", "x", [Reading(NOW, m, 1.0) for m in metrics], lenient=lenient)


def names(fitted: tuple[list[Reading], str]) -> list[str]:
    return [r.metric for r in fitted[0]]


def test_gateway_readings_the_kind_does_not_use_are_dropped() -> None:
    # an Aqara contact sensor also reports temperature; a contact device does not use it
    assert names(fit_kind("contact", parsed("door_open", "temperature", "battery"), False)) == ["door_open", "battery"]


def test_a_state_the_kind_does_not_use_is_worth_a_dead_letter_a_number_is_not() -> None:
    readings, refused = fit_kind("climate", parsed("temperature", "smoke"), False)
    assert [r.metric for r in readings] == ["temperature"]
    assert "smoke" in refused
    assert fit_kind("contact", parsed("door_open", "temperature"), False)[1] == ""


def test_a_gateway_message_of_which_nothing_fits_is_refused() -> None:
    with pytest.raises(BadMessage) as err:
        fit_kind("climate", parsed("smoke", "water_leak"), False)
    assert err.value.reason == "metric_not_for_kind"
    assert "smoke" in err.value.detail


def test_native_messages_must_fit_whole() -> None:
    with pytest.raises(BadMessage) as err:
        fit_kind("climate", parsed("temperature", "smoke", lenient=False), False)
    assert err.value.reason == "metric_not_for_kind"


def test_a_pressure_mat_reporting_occupancy_means_someone_in_bed() -> None:
    assert names(fit_kind("bed_occupancy", parsed("motion", "battery"), False)) == ["in_bed", "battery"]
    assert names(fit_kind("chair_occupancy", parsed("motion"), False)) == ["in_chair"]


def test_retained_messages_carry_no_events() -> None:
    assert names(fit_kind("emergency_button", parsed("button_press", "battery"), True)) == ["battery"]
    assert names(fit_kind("emergency_button", parsed("button_press", "battery"), False)) == ["button_press", "battery"]
