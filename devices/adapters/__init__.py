"""Payload adapters: one module per gateway format behind the `Adapter` interface in `base`."""

from devices.adapters.base import Adapter, Announcement, Command, LockEvent, Outgoing, Parsed, Reading
from devices.adapters.native import NativeAdapter
from devices.adapters.nuki import NukiAdapter
from devices.adapters.zigbee2mqtt import Zigbee2MQTTAdapter


def all_adapters(*, zigbee2mqtt_base_topic: str = "zigbee2mqtt") -> list[Adapter]:
    """Every gateway format the hub understands, in the order topics are matched. Adapters keep per-device
    memory (last-known values), so each ingest worker builds its own."""
    return [NativeAdapter(), Zigbee2MQTTAdapter(zigbee2mqtt_base_topic), NukiAdapter()]


def adapter_named(adapters: list[Adapter], name: str) -> Adapter | None:
    return next((a for a in adapters if a.name == name), None)


__all__ = [
    "Adapter",
    "Announcement",
    "Command",
    "LockEvent",
    "NativeAdapter",
    "NukiAdapter",
    "Outgoing",
    "Parsed",
    "Reading",
    "Zigbee2MQTTAdapter",
    "adapter_named",
    "all_adapters",
]
