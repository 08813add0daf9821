"""MQTT 3.1.1 / 5.0 packet encoding and decoding: just what a high-rate QoS 1 client needs.

Pure functions over bytes, no I/O. The client in `mqttio.client` drives them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

MQTT_311 = 4
MQTT_5 = 5


class PacketType(IntEnum):
    CONNECT = 1
    CONNACK = 2
    PUBLISH = 3
    PUBACK = 4
    PUBREC = 5
    PUBREL = 6
    PUBCOMP = 7
    SUBSCRIBE = 8
    SUBACK = 9
    UNSUBSCRIBE = 10
    UNSUBACK = 11
    PINGREQ = 12
    PINGRESP = 13
    DISCONNECT = 14
    AUTH = 15


# MQTT 5 property identifiers used here.
PROP_SESSION_EXPIRY = 0x11
PROP_RECEIVE_MAXIMUM = 0x21
PROP_REASON_STRING = 0x1F

PINGREQ = b"\xc0\x00"
DISCONNECT = b"\xe0\x00"


class ProtocolError(Exception):
    """The peer sent bytes that are not a valid MQTT packet."""


@dataclass(frozen=True, slots=True)
class Will:
    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = True


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(buf: bytes | bytearray | memoryview, pos: int) -> tuple[int, int]:
    """Decode a variable byte integer at `pos`; returns (value, new position). Raises IndexError if short."""
    mult = 1
    value = 0
    for _ in range(4):
        byte = buf[pos]
        pos += 1
        value += (byte & 0x7F) * mult
        if not byte & 0x80:
            return value, pos
        mult *= 128
    raise ProtocolError("malformed variable byte integer")


def mqtt_str(s: str) -> bytes:
    data = s.encode()
    return struct.pack("!H", len(data)) + data


def mqtt_bin(data: bytes) -> bytes:
    return struct.pack("!H", len(data)) + data


def _packet(first_byte: int, body: bytes) -> bytes:
    return bytes((first_byte,)) + varint(len(body)) + body


def _props(pairs: list[bytes]) -> bytes:
    blob = b"".join(pairs)
    return varint(len(blob)) + blob


def connect(
    client_id: str,
    *,
    version: int,
    clean_start: bool,
    keepalive: int,
    session_expiry: int = 0,
    receive_maximum: int = 65535,
    will: Will | None = None,
    username: str | None = None,
    password: str | None = None,
) -> bytes:
    flags = 0x02 if clean_start else 0
    if will is not None:
        flags |= 0x04 | (will.qos << 3) | (0x20 if will.retain else 0)
    if username is not None:
        flags |= 0x80
    if password is not None:
        flags |= 0x40
    body = mqtt_str("MQTT") + bytes((version, flags)) + struct.pack("!H", keepalive)
    if version == MQTT_5:
        body += _props(
            [
                struct.pack("!BI", PROP_SESSION_EXPIRY, session_expiry),
                struct.pack("!BH", PROP_RECEIVE_MAXIMUM, receive_maximum),
            ]
        )
    body += mqtt_str(client_id)
    if will is not None:
        if version == MQTT_5:
            body += b"\x00"
        body += mqtt_str(will.topic) + mqtt_bin(will.payload)
    if username is not None:
        body += mqtt_str(username)
    if password is not None:
        body += mqtt_bin(password.encode())
    return _packet(PacketType.CONNECT << 4, body)


@dataclass(frozen=True, slots=True)
class ConnAck:
    session_present: bool
    reason_code: int
    receive_maximum: int


def parse_connack(body: bytes, version: int) -> ConnAck:
    if len(body) < 2:
        raise ProtocolError("short CONNACK")
    session_present = bool(body[0] & 0x01)
    reason = body[1]
    receive_maximum = 65535
    if version == MQTT_5 and len(body) > 2:
        length, pos = read_varint(body, 2)
        end = pos + length
        while pos < end:
            prop = body[pos]
            pos += 1
            pos, value = _skip_property(body, pos, prop)
            if prop == PROP_RECEIVE_MAXIMUM and value is not None:
                receive_maximum = value
    elif version != MQTT_5:
        receive_maximum = 20  # MQTT 3.1.1 has no negotiation; Mosquitto's default window.
    return ConnAck(session_present, reason, receive_maximum)


_FIXED_WIDTH = {1: 1, 2: 2, 4: 4}
_PROP_WIDTH = {
    0x01: 1, 0x02: 4, 0x11: 4, 0x13: 2, 0x17: 1, 0x18: 4, 0x19: 1, 0x21: 2, 0x22: 2, 0x23: 2,
    0x24: 1, 0x25: 1, 0x27: 4, 0x28: 1, 0x29: 1, 0x2A: 1,
}  # fmt: skip
_PROP_STRING = {0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F}


def _skip_property(body: bytes, pos: int, prop: int) -> tuple[int, int | None]:
    width = _PROP_WIDTH.get(prop)
    if width is not None:
        return pos + width, int.from_bytes(body[pos : pos + width], "big")
    if prop in _PROP_STRING:
        (n,) = struct.unpack_from("!H", body, pos)
        return pos + 2 + n, None
    if prop == 0x26:  # user property: string pair
        (n,) = struct.unpack_from("!H", body, pos)
        pos += 2 + n
        (n,) = struct.unpack_from("!H", body, pos)
        return pos + 2 + n, None
    if prop == 0x0B:  # subscription identifier
        value, pos = read_varint(body, pos)
        return pos, value
    raise ProtocolError(f"unknown MQTT property 0x{prop:02x}")


RETAIN_SEND_IF_NEW = 1  # MQTT 5 retain handling: retained messages only when the subscription is new


def subscribe(packet_id: int, filters: list[tuple[str, int]], version: int) -> bytes:
    """SUBSCRIBE. Under MQTT 5 a persistent session that subscribes again is not sent the retained messages
    a second time."""
    body = struct.pack("!H", packet_id)
    options = RETAIN_SEND_IF_NEW << 4 if version == MQTT_5 else 0
    if version == MQTT_5:
        body += b"\x00"
    for topic, qos in filters:
        body += mqtt_str(topic) + bytes((qos | options,))
    return _packet(0x82, body)


def unsubscribe(packet_id: int, filters: list[str], version: int) -> bytes:
    body = struct.pack("!H", packet_id)
    if version == MQTT_5:
        body += b"\x00"
    for topic in filters:
        body += mqtt_str(topic)
    return _packet(0xA2, body)


def parse_suback(body: bytes, version: int) -> tuple[int, list[int]]:
    (packet_id,) = struct.unpack_from("!H", body, 0)
    pos = 2
    if version == MQTT_5:
        length, pos = read_varint(body, pos)
        pos += length
    return packet_id, list(body[pos:])


def publish(topic: str, payload: bytes, *, qos: int, retain: bool, packet_id: int, version: int) -> bytes:
    body = mqtt_str(topic)
    if qos:
        body += struct.pack("!H", packet_id)
    if version == MQTT_5:
        body += b"\x00"
    return _packet((PacketType.PUBLISH << 4) | (qos << 1) | int(retain), body + payload)


def pubacks(packet_ids: list[int]) -> bytes:
    """All PUBACKs for a committed batch, as one buffer for one socket write."""
    return b"".join(_PUBACK.pack(0x40, 2, pid) for pid in packet_ids)


_PUBACK = struct.Struct("!BBH")


def puback_id(body: bytes) -> int:
    return int.from_bytes(body[:2], "big")


def pubrel(packet_id: int) -> bytes:
    """PUBREL: the publisher's second step of a QoS 2 publish, answering the broker's PUBREC."""
    return _PUBACK.pack(0x62, 2, packet_id)


def ack_reason(body: bytes) -> int:
    """The reason code of a PUBACK/PUBREC/PUBCOMP (MQTT 5; absent means success, as always in 3.1.1)."""
    return body[2] if len(body) > 2 else 0
