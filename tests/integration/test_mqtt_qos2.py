"""QoS 2 publishing (Nuki's lockAction asks for it) against a real Mosquitto: the four-step handshake completes,
the packet id is freed, and the message arrives once."""

from __future__ import annotations

import asyncio

from devices.adapters import Command, NukiAdapter
from mqttio import ConnectOptions, MQTTClient, codec
from tests import servers
from tests.helpers import eventually, uid


def test_pubrel_and_reason_codes_byte_for_byte() -> None:
    assert codec.pubrel(0x1234) == b"\x62\x02\x12\x34"
    assert codec.ack_reason(b"\x12\x34") == 0
    assert codec.ack_reason(b"\x12\x34\x87") == 0x87


async def test_qos2_command_is_completed_and_delivered_once(broker: servers.Mosquitto) -> None:
    out = NukiAdapter().command(uid("NUKI").upper(), Command("unlock"))
    assert out.qos == 2
    received: list[tuple[str, bytes]] = []
    subscriber = MQTTClient(ConnectOptions(port=broker.port, client_id=uid("lock")),
                            lambda topic, payload, pid, dup, retain: received.append((topic, payload)))  # fmt: skip
    await subscriber.connect()
    await subscriber.subscribe([(out.topic, 1)])
    hub = MQTTClient(ConnectOptions(port=broker.port, client_id=uid("hub")))
    await hub.connect()
    for attempt in range(3):
        await hub.publish(out.topic, out.payload, qos=out.qos, retain=out.retain)
        await asyncio.wait_for(hub.drain(), 5)  # PUBREC, PUBREL, PUBCOMP done
        assert hub.inflight == 0, attempt
    assert await eventually(lambda: _at_least(received, 3)) == [(out.topic, b"1")] * 3
    await asyncio.sleep(0.2)
    assert len(received) == 3  # once each, no duplicates
    await hub.disconnect()
    await subscriber.disconnect()


async def _at_least(received: list[tuple[str, bytes]], n: int) -> list[tuple[str, bytes]] | None:
    return list(received) if len(received) >= n else None
