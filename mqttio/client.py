"""A small asyncio MQTT client built for high-rate QoS 1 with acknowledgement after commit.

Why not gmqtt, paho-mqtt or aiomqtt: `../shared/reference/performance.md` measured them; what makes a durable
subscriber fast is receiving without a task per message and writing all PUBACKs of a committed batch in one
go, which none of them exposes. This client parses packets straight out of `data_received`, hands each PUBLISH
to a plain callback, and leaves the PUBACK to the caller (`ack()`), who sends it once the message is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from mqttio import codec
from mqttio.codec import MQTT_5, ConnAck, PacketType, Will

log = logging.getLogger(__name__)

T = TypeVar("T")

MessageHandler = Callable[[str, bytes, int, bool, bool], None]
"""Called for each PUBLISH: (topic, payload, packet_id or 0 for QoS 0, dup, retain)."""


class MQTTError(Exception):
    """Root error of mqttio."""


class ConnectionRefused(MQTTError):
    """The broker answered CONNECT with a failure reason code."""


class ConnectionLost(MQTTError):
    """The connection closed while something waited on it."""


class SubscribeRefused(MQTTError):
    """The broker refused one of the topic filters."""


@dataclass(frozen=True, slots=True)
class ConnectOptions:
    host: str = "127.0.0.1"
    port: int = 1883
    client_id: str = ""
    version: int = MQTT_5
    clean_start: bool = True
    session_expiry: int = 0
    receive_maximum: int = 65535
    keepalive: int = 30
    will: Will | None = None
    username: str | None = None
    password: str | None = None


class MQTTClient(asyncio.Protocol):
    """One connection to a broker. Create a new client to reconnect."""

    def __init__(self, options: ConnectOptions, on_message: MessageHandler | None = None) -> None:
        self.options = options
        self._on_message = on_message
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._buf = bytearray()
        self._wbuf: list[bytes] = []
        self._flush_scheduled = False
        self._connack: asyncio.Future[ConnAck] = self._loop.create_future()
        self._subacks: dict[int, asyncio.Future[list[int]]] = {}
        self._closed: asyncio.Future[None] = self._loop.create_future()
        self._closed.add_done_callback(lambda f: f.exception())  # a lost connection is reported, not leaked
        self._inflight: set[int] = set()
        self._window = 20
        self._window_free = asyncio.Event()
        self._window_free.set()
        self._writable = asyncio.Event()
        self._writable.set()
        self._next_pid = 0
        self._last_rx = time.monotonic()
        self._keepalive_handle: asyncio.TimerHandle | None = None
        self.messages_received = 0

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def connect(self, timeout: float = 10.0) -> ConnAck:
        o = self.options
        try:
            await asyncio.wait_for(self._loop.create_connection(lambda: self, o.host, o.port), timeout)
        except (OSError, TimeoutError) as err:
            raise ConnectionLost(f"cannot reach MQTT broker at {o.host}:{o.port}: {err}") from err
        self._write(
            codec.connect(
                o.client_id, version=o.version, clean_start=o.clean_start, keepalive=o.keepalive,
                session_expiry=o.session_expiry, receive_maximum=o.receive_maximum, will=o.will,
                username=o.username, password=o.password,
            )
        )  # fmt: skip
        ack = await asyncio.wait_for(asyncio.shield(self._connack), timeout)
        if ack.reason_code != 0:
            self.abort()
            raise ConnectionRefused(f"broker refused connection: reason code {ack.reason_code}")
        self._window = max(1, ack.receive_maximum)
        if o.keepalive:
            self._schedule_keepalive()
        return ack

    async def subscribe(self, filters: Iterable[tuple[str, int]], timeout: float = 10.0) -> list[int]:
        pid = self._allocate_pid()
        fut: asyncio.Future[list[int]] = self._loop.create_future()
        self._subacks[pid] = fut
        wanted = list(filters)
        self._write(codec.subscribe(pid, wanted, self.options.version))
        codes: list[int] = await asyncio.wait_for(self._wait(fut), timeout)
        refused = [topic for (topic, _), code in zip(wanted, codes, strict=False) if code >= 0x80]
        if refused:
            raise SubscribeRefused(f"broker refused subscription to {refused} (codes {codes})")
        return codes

    async def unsubscribe(self, filters: list[str], timeout: float = 10.0) -> None:
        """Remove subscriptions (those that do not exist are no error: a persistent session may hold old ones)."""
        pid = self._allocate_pid()
        fut: asyncio.Future[list[int]] = self._loop.create_future()
        self._subacks[pid] = fut  # UNSUBACK has the same shape as SUBACK
        self._write(codec.unsubscribe(pid, filters, self.options.version))
        await asyncio.wait_for(self._wait(fut), timeout)

    async def disconnect(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._write(codec.DISCONNECT)
            self._flush()
            self._transport.close()
        with contextlib.suppress(MQTTError):
            await self.wait_closed()

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    async def wait_closed(self) -> None:
        """Return when the connection is gone; raises ConnectionLost if it was lost rather than closed."""
        await asyncio.shield(self._closed)

    @property
    def is_connected(self) -> bool:
        return self._connack.done() and not self._closed.done()

    # -- receiving ---------------------------------------------------------------------------------------------

    def ack(self, packet_ids: list[int]) -> None:
        """Send PUBACK for every id, in one write. Call once the messages are durable."""
        if packet_ids and not self._closed.done():
            self._write(codec.pubacks(packet_ids))

    def pause_reading(self) -> None:
        if self._transport is not None:
            self._transport.pause_reading()

    def resume_reading(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.resume_reading()

    # -- publishing --------------------------------------------------------------------------------------------

    async def publish(self, topic: str, payload: bytes, qos: int = 1, retain: bool = False) -> None:
        """Send a message. At QoS 1 or 2 it waits only for room in the broker's receive window, not for the ack;
        `drain()` waits for those (at QoS 2: PUBREC, our PUBREL, then PUBCOMP)."""
        if qos:
            while len(self._inflight) >= self._window:
                self._window_free.clear()
                await self._wait(self._window_free.wait())
            pid = self._allocate_pid()
            self._inflight.add(pid)
        else:
            pid = 0
        if not self._writable.is_set():
            await self._wait(self._writable.wait())
        self._write(codec.publish(topic, payload, qos=qos, retain=retain, packet_id=pid, version=self.options.version))

    async def drain(self) -> None:
        """Wait until every QoS 1 and 2 message sent so far is acknowledged (QoS 2: completed) by the broker."""
        while self._inflight:
            self._window_free.clear()
            await self._wait(self._window_free.wait())

    @property
    def inflight(self) -> int:
        return len(self._inflight)

    # -- asyncio.Protocol ----------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if self._keepalive_handle is not None:
            self._keepalive_handle.cancel()
        lost = ConnectionLost(f"MQTT connection lost: {exc or 'closed by broker'}")
        futures: list[asyncio.Future[Any]] = [self._connack, self._closed, *self._subacks.values()]
        for fut in futures:
            if not fut.done():
                fut.set_exception(lost)
        self._window_free.set()
        self._writable.set()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    def data_received(self, data: bytes) -> None:
        self._last_rx = time.monotonic()
        buf = self._buf
        buf += data
        try:
            consumed = self._parse(buf)
        except (codec.ProtocolError, UnicodeDecodeError, IndexError) as err:
            log.error("MQTT protocol error from broker, closing connection: %s", err)
            self.abort()
            return
        del buf[:consumed]

    def _parse(self, buf: bytearray) -> int:
        pos = 0
        size = len(buf)
        v5 = self.options.version == MQTT_5
        on_message = self._on_message
        while size - pos >= 2:
            first = buf[pos]
            length = 0
            mult = 1
            p = pos + 1
            while True:
                if p >= size:
                    return pos
                byte = buf[p]
                p += 1
                length += (byte & 0x7F) * mult
                if not byte & 0x80:
                    break
                mult *= 128
                if mult > 2097152:
                    raise codec.ProtocolError("malformed remaining length")
            end = p + length
            if end > size:
                return pos
            if first >> 4 == PacketType.PUBLISH:
                tlen = (buf[p] << 8) | buf[p + 1]
                q = p + 2 + tlen
                topic = buf[p + 2 : q].decode()
                qos = (first >> 1) & 3
                pid = 0
                if qos:
                    pid = (buf[q] << 8) | buf[q + 1]
                    q += 2
                if v5:
                    plen, q = codec.read_varint(buf, q)
                    q += plen
                self.messages_received += 1
                if on_message is not None:
                    on_message(topic, bytes(buf[q:end]), pid, bool(first & 0x08), bool(first & 0x01))
            else:
                self._control(first >> 4, bytes(buf[p:end]))
            pos = end
        return pos

    def _control(self, ptype: int, body: bytes) -> None:
        if ptype == PacketType.PUBACK or ptype == PacketType.PUBCOMP:
            self._release(codec.puback_id(body))
        elif ptype == PacketType.PUBREC:  # QoS 2, step two: release the message unless the broker refused it
            pid = codec.puback_id(body)
            if codec.ack_reason(body) >= 0x80:
                self._release(pid)
            elif pid in self._inflight:
                with contextlib.suppress(ConnectionLost):
                    self._write(codec.pubrel(pid))
        elif ptype == PacketType.CONNACK:
            if not self._connack.done():
                self._connack.set_result(codec.parse_connack(body, self.options.version))
        elif ptype in (PacketType.SUBACK, PacketType.UNSUBACK):
            pid, codes = codec.parse_suback(body, self.options.version)
            fut = self._subacks.pop(pid, None)
            if fut is not None and not fut.done():
                fut.set_result(codes)
        elif ptype == PacketType.DISCONNECT:
            reason = body[0] if body else 0
            log.warning("MQTT broker sent DISCONNECT (reason code %s)", reason)
            self.abort()
        # PINGRESP and anything else: liveness is already recorded in data_received.

    # -- internals -------------------------------------------------------------------------------------------

    def _release(self, packet_id: int) -> None:
        """A QoS 1 or 2 publish is complete: free its packet id and its place in the broker's window."""
        self._inflight.discard(packet_id)
        if len(self._inflight) < self._window:
            self._window_free.set()

    def _allocate_pid(self) -> int:
        for _ in range(65535):
            self._next_pid = self._next_pid % 65535 + 1
            if self._next_pid not in self._inflight and self._next_pid not in self._subacks:
                return self._next_pid
        raise MQTTError("no free MQTT packet identifier")

    def _write(self, data: bytes) -> None:
        if self._transport is None or self._transport.is_closing():
            raise ConnectionLost("MQTT connection is closed")
        self._wbuf.append(data)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._wbuf and self._transport is not None and not self._transport.is_closing():
            self._transport.write(b"".join(self._wbuf))
        self._wbuf.clear()

    async def _wait(self, awaitable: Any) -> Any:
        """Await `awaitable`, or raise ConnectionLost if the connection closes first."""
        task = asyncio.ensure_future(awaitable)
        done, _ = await asyncio.wait({task, self._closed}, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            return task.result()
        task.cancel()
        raise ConnectionLost("MQTT connection closed while waiting")

    def _schedule_keepalive(self) -> None:
        interval = self.options.keepalive / 2
        self._keepalive_handle = self._loop.call_later(interval, self._keepalive_tick)

    def _keepalive_tick(self) -> None:
        if self._closed.done():
            return
        if time.monotonic() - self._last_rx > self.options.keepalive * 1.5:
            log.warning("MQTT broker silent for %.0f s, closing connection", self.options.keepalive * 1.5)
            self.abort()
            return
        with contextlib.suppress(ConnectionLost):
            self._write(codec.PINGREQ)
        self._schedule_keepalive()
