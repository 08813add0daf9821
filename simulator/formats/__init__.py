"""Gateway formats: the same events published as CareHub native, Zigbee2MQTT or Nuki messages."""

from __future__ import annotations

from simulator.events import Event
from simulator.formats.message import Encoder, Message
from simulator.formats.native import NativeEncoder
from simulator.formats.nuki import NukiEncoder
from simulator.formats.zigbee2mqtt import Zigbee2MQTTEncoder
from simulator.layout import NATIVE, NUKI, Z2M, DeviceSpec, HomeSpec


class Formats:
    """One encoder per gateway format, with the per-device memory the formats need; use one per run."""

    def __init__(self, seed: int) -> None:
        self.encoders: dict[str, Encoder] = {
            NATIVE: NativeEncoder(),
            Z2M: Zigbee2MQTTEncoder(seed),
            NUKI: NukiEncoder(),
        }

    def encode(self, home: HomeSpec, dev: DeviceSpec, event: Event) -> list[Message]:
        return self.encoders[dev.adapter].encode(home, dev, event)


__all__ = ["Formats", "Message"]
