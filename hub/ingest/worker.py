"""The ingest worker: MQTT in, batches committed to PostgreSQL, PUBACKs only after the commit.

One event loop does everything. The MQTT client calls the batcher for every message straight from its socket
callback; full (or old enough) batches queue for the writer task; the writer commits a batch, then sends all
its PUBACKs in one write. If the backlog grows past `max_pending_batches`, reading from the broker pauses, so
memory stays bounded and the broker holds the rest (up to the Receive Maximum of unacknowledged messages).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from datetime import timedelta

import psycopg
from psycopg import AsyncConnection

from devices.adapters import all_adapters
from devices.normalise import Normaliser
from devices.registry.cache import DeviceCache
from hub.ingest.batch import Batch, Batcher
from hub.ingest.writer import store
from hub.settings import Settings
from mqttio import MQTT_5, ConnectOptions, MQTTClient, MQTTError

log = logging.getLogger(__name__)

RETRY_MAX_SECONDS = 10.0
STATS_EVERY_SECONDS = 10.0
CACHE_RELOAD_SECONDS = 5.0


async def retire_session(settings: Settings) -> None:
    """End the worker's persistent session at the broker (clean start, no expiry), unsubscribing it from the
    shared group. A worker removed without this keeps being handed its share until the session expires."""
    m = settings.mqtt
    client = MQTTClient(
        ConnectOptions(
            host=m.host or "127.0.0.1", port=m.port, client_id=settings.ingest.client_id, version=m.version,
            clean_start=True, session_expiry=0, username=m.username,
            password=m.password.get_secret_value() if m.password else None,
        )
    )  # fmt: skip
    await client.connect()
    await client.disconnect()


class IngestFailed(Exception):
    """A part of ingest stopped on an error it cannot recover from; nothing unacknowledged is lost."""


class Ingestor:
    def __init__(self, settings: Settings, conninfo: str) -> None:
        self.settings = settings
        self.conninfo = conninfo
        ingest = settings.ingest
        self.normaliser = Normaliser(
            all_adapters(zigbee2mqtt_base_topic=settings.adapters.zigbee2mqtt_base_topic),
            max_payload_bytes=ingest.max_payload_bytes,
            max_future=timedelta(seconds=ingest.max_future_seconds),
            max_age=timedelta(days=settings.retention.readings_days),
        )
        self.cache = DeviceCache()
        self.batcher = Batcher(self.normaliser, self.cache)
        self.batch_size = ingest.batch_size
        self.max_wait = ingest.batch_max_wait_ms / 1000
        self.queue: deque[Batch] = deque()
        self.queued = asyncio.Event()
        self.client: MQTTClient | None = None
        self.generation = 0
        self.paused = False
        self.reload_cache = False
        self.cache_loaded_at = 0.0
        self.rows_committed = 0
        self.messages_committed = 0
        self.batches_committed = 0
        self.ready = asyncio.Event()

    # -- hot path ---------------------------------------------------------------------------------------------

    def on_message(self, topic: str, payload: bytes, packet_id: int, dup: bool, retain: bool) -> None:
        self.batcher.on_message(topic, payload, packet_id, dup, retain)
        if self.batcher.batch.messages >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batcher.batch.messages:
            return
        self.queue.append(self.batcher.take(self.generation))
        self.queued.set()
        if len(self.queue) >= self.settings.ingest.max_pending_batches and self.client and not self.paused:
            self.paused = True
            self.client.pause_reading()

    # -- tasks ------------------------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        async with await self._connect_db() as conn:
            await self.cache.load(conn)
            log.info("ingest: %d active devices in the registry cache", len(self.cache))
            tasks = [
                asyncio.create_task(self._write_loop(conn), name="ingest-writer"),
                asyncio.create_task(self._flush_timer(), name="ingest-flush"),
                asyncio.create_task(self._listen_registry(), name="ingest-registry"),
                asyncio.create_task(self._stats(), name="ingest-stats"),
            ]
            mqtt = asyncio.create_task(self._mqtt_loop(stop), name="ingest-mqtt")
            try:
                # Every task runs forever but the MQTT loop, which ends on `stop`; any other that ends has failed.
                await asyncio.wait({mqtt, *tasks}, return_when=asyncio.FIRST_COMPLETED)
                for task in (mqtt, *tasks):
                    if task.done() and task.exception() is not None:
                        raise IngestFailed(f"{task.get_name()} failed") from task.exception()
            finally:
                mqtt.cancel()
                await self._shutdown(tasks)

    async def _mqtt_loop(self, stop: asyncio.Event) -> None:
        delay = 0.5
        lost_logged = False
        while not stop.is_set():
            try:
                client = await self._connect_mqtt()
            except MQTTError as err:
                if not lost_logged:
                    log.warning("ingest: MQTT broker unavailable, retrying: %s", err)
                    lost_logged = True
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
                continue
            if lost_logged:
                log.warning("ingest: MQTT broker reachable again")
                lost_logged = False
            delay = 0.5
            self.ready.set()
            closed = asyncio.ensure_future(client.wait_closed())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({closed, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if closed.done():
                self.ready.clear()
                self.flush()  # committed but not acknowledged: the broker redelivers, the key makes it harmless
                if not stop.is_set():
                    log.warning("ingest: MQTT connection lost, reconnecting")
                    lost_logged = True
            else:
                closed.cancel()

    async def _connect_mqtt(self) -> MQTTClient:
        m, i = self.settings.mqtt, self.settings.ingest
        self.generation += 1
        # The open batch is empty here (flushed when the last connection closed); what arrives from now on,
        # including a persistent session's backlog right after CONNACK, belongs to the new connection.
        self.batcher.batch.generation = self.generation
        client = MQTTClient(
            ConnectOptions(
                host=m.host or "127.0.0.1", port=m.port, client_id=i.client_id, version=m.version,
                clean_start=False, session_expiry=i.session_expiry, keepalive=m.keepalive, username=m.username,
                password=m.password.get_secret_value() if m.password else None,
            ),
            self.on_message,
        )  # fmt: skip
        ack = await client.connect()
        await client.subscribe([(f, 1) for f in self._filters()])
        stale = self._stale_filters()
        if stale and ack.session_present:
            await client.unsubscribe(stale)
        self.client = client
        self.paused = False
        log.info("ingest: connected to MQTT %s:%s as %s (session present: %s)", m.host, m.port, i.client_id,
                 ack.session_present)  # fmt: skip
        return client

    def _filters(self) -> list[str]:
        """Native topics through the shared group, so workers split them. Gateway topics only on the one worker
        that owns them (`ingest.gateways`), never shared: Mosquitto hands a shared group's messages out in turn,
        and an adapter that reports changes must see every message of its devices."""
        group = self.settings.mqtt.shared_group
        shared = bool(group) and self.settings.mqtt.version == MQTT_5
        filters = []
        for adapter in self.normaliser.adapters:
            if adapter.remembers:
                if self.settings.ingest.gateways:
                    filters += adapter.topic_filters()
            else:
                filters += [f"$share/{group}/{f}" if shared else f for f in adapter.topic_filters()]
        return filters

    def _stale_filters(self) -> list[str]:
        """Subscriptions a persistent session may still hold from an earlier configuration and must not: gateway
        topics through a shared group (always), and plain gateway topics on a worker that does not own them."""
        group = self.settings.mqtt.shared_group or "carehub"
        stale = []
        for adapter in self.normaliser.adapters:
            if adapter.remembers:
                stale += [f"$share/{group}/{f}" for f in adapter.topic_filters()]
                if not self.settings.ingest.gateways:
                    stale += adapter.topic_filters()
        return stale

    async def _write_loop(self, conn: AsyncConnection) -> None:
        while True:
            if not self.queue:
                self.queued.clear()
                await self.queued.wait()
            batch = self.queue[0]
            conn = await self._store_until_done(conn, batch)
            self.queue.popleft()
            client = self.client
            if client is not None and batch.generation == self.generation:
                client.ack(batch.packet_ids)
                if self.paused and len(self.queue) < self.settings.ingest.max_pending_batches:
                    self.paused = False
                    client.resume_reading()
            self.batches_committed += 1
            self.messages_committed += batch.messages

    async def _store_until_done(self, conn: AsyncConnection, batch: Batch) -> AsyncConnection:
        """Commit `batch`, reconnecting to the database as often as it takes. Never drops the batch."""
        delay = 0.5
        failing = False
        while True:
            try:
                if conn.closed:
                    conn = await self._connect_db()
                # At most one full reload per interval: registering 150,000 devices fires a NOTIFY per statement,
                # and a reload per batch stalled ingest. Devices added meanwhile are found by `cache.resolve`.
                if self.reload_cache and time.monotonic() - self.cache_loaded_at >= CACHE_RELOAD_SECONDS:
                    self.reload_cache = False
                    self.cache_loaded_at = time.monotonic()
                    await self.cache.load(conn)
                self.rows_committed += await store(conn, batch, self.batcher)
                if failing:
                    log.warning("ingest: database reachable again")
                return conn
            except psycopg.OperationalError as err:
                if not failing:
                    log.warning("ingest: database unavailable, holding %d messages unacknowledged: %s",
                                batch.messages, err)  # fmt: skip
                    failing = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)

    async def _flush_timer(self) -> None:
        while True:
            await asyncio.sleep(self.max_wait / 2)
            if self.batcher.batch.messages and time.monotonic() - self.batcher.batch.opened >= self.max_wait:
                self.flush()

    async def _listen_registry(self) -> None:
        """Reload the device cache when the registry changes (NOTIFY from a trigger on devices)."""
        while True:
            try:
                async with await AsyncConnection.connect(self.conninfo, autocommit=True) as conn:
                    await conn.execute("LISTEN carehub_devices")
                    self.reload_cache = True  # changes made while we were not listening
                    async for _ in conn.notifies():
                        self.reload_cache = True
            except psycopg.OperationalError:
                await asyncio.sleep(RETRY_MAX_SECONDS)

    async def _stats(self) -> None:
        last = (0, 0)
        while True:
            await asyncio.sleep(STATS_EVERY_SECONDS)
            now = (self.messages_committed, self.rows_committed)
            if now != last:
                log.info(
                    "ingest: %d messages, %d rows committed in %.0f s; dead letters so far by reason: %s",
                    now[0] - last[0], now[1] - last[1], STATS_EVERY_SECONDS, self.batcher.dead_by_reason,
                )  # fmt: skip
                last = now

    async def _shutdown(self, tasks: list[asyncio.Task[None]]) -> None:
        self.flush()
        deadline = time.monotonic() + 10
        while self.queue and time.monotonic() < deadline and not tasks[0].done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        if self.client is not None:
            await asyncio.sleep(0)  # let the last PUBACK write go out
            await self.client.disconnect()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        log.info("ingest: stopped after %d messages, %d rows", self.messages_committed, self.rows_committed)

    async def _connect_db(self) -> AsyncConnection:
        # Autocommit outside explicit transactions: every batch is exactly one `async with conn.transaction()`.
        return await AsyncConnection.connect(self.conninfo, autocommit=True)
