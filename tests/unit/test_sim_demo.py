"""The demo simulates exactly the demo homes it finds registered, one of each gateway profile first."""

from __future__ import annotations

from simulator import demo


def test_the_demo_simulates_the_homes_whose_devices_are_registered() -> None:
    registered = [(d.external_id, d.kind) for h in demo.homes(4) for d in h.devices]
    assert [h.index for h in demo.registered(registered)] == [0, 1, 2, 3]
    assert demo.registered(registered[:-1]) == demo.homes(3)  # home 3 lacks a device: not simulated
    assert demo.registered([]) == []


def test_three_demo_homes_show_all_three_gateway_profiles() -> None:
    assert {h.profile for h in demo.homes(3)} == {"native", "zigbee2mqtt", "nuki"}
