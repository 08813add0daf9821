"""MQTT packet encoding and the client's parser, byte for byte."""

from __future__ import annotations

import pytest

from mqttio import codec
from mqttio.client import ConnectOptions, MQTTClient


@pytest.mark.parametrize("n", [0, 1, 127, 128, 16383, 16384, 2_097_151, 268_435_455])
def test_variable_byte_integer_round_trips(n: int) -> None:
    encoded = codec.varint(n)
    assert codec.read_varint(encoded, 0) == (n, len(encoded))
    assert len(encoded) == (1 if n < 128 else 2 if n < 16384 else 3 if n < 2_097_152 else 4)


def test_malformed_varint_is_a_protocol_error() -> None:
    with pytest.raises(codec.ProtocolError):
        codec.read_varint(b"\xff\xff\xff\xff\x01", 0)


def test_connect_v5_carries_session_expiry_and_receive_maximum() -> None:
    pkt = codec.connect("hub-1", version=5, clean_start=False, keepalive=30, session_expiry=3600, receive_maximum=65535)
    assert pkt[0] == 0x10
    assert b"\x00\x04MQTT\x05\x00\x00\x1e" in pkt  # protocol 5, no clean start, keepalive 30
    assert b"\x11\x00\x00\x0e\x10" in pkt  # session expiry 3600
    assert b"\x21\xff\xff" in pkt  # receive maximum 65535
    assert pkt.endswith(b"\x00\x05hub-1")


def test_pubacks_for_a_batch_are_one_buffer() -> None:
    assert codec.pubacks([1, 258]) == b"\x40\x02\x00\x01\x40\x02\x01\x02"


def test_connack_reads_receive_maximum() -> None:
    body = b"\x01\x00" + codec.varint(3) + b"\x21\x00\x14"
    ack = codec.parse_connack(body, 5)
    assert ack.session_present
    assert ack.reason_code == 0
    assert ack.receive_maximum == 20


async def test_parser_delivers_publishes_split_across_reads() -> None:
    got: list[tuple[str, bytes, int, bool, bool]] = []
    client = MQTTClient(ConnectOptions(version=5), lambda *m: got.append(m))
    first = codec.publish("a/b", b"hello", qos=1, retain=False, packet_id=7, version=5)
    second = codec.publish("c", b"x" * 300, qos=0, retain=True, packet_id=0, version=5)
    dup = bytearray(codec.publish("d", b"again", qos=1, retain=False, packet_id=9, version=5))
    dup[0] |= 0x08
    stream = first + second + bytes(dup)
    for i in range(0, len(stream), 3):  # worst case: three bytes at a time
        client.data_received(stream[i : i + 3])
    assert got == [
        ("a/b", b"hello", 7, False, False),
        ("c", b"x" * 300, 0, False, True),
        ("d", b"again", 9, True, False),
    ]
