"""Several ingest workers: native topics are shared between them; gateway topics (whose adapters report changes
by remembering each device's last values) all go to the one worker that owns them, so no change is lost."""

from __future__ import annotations

import asyncio
import uuid

from psycopg import AsyncConnection

from hub.settings import Settings
from mqttio import codec
from tests import servers
from tests.conftest import API, running_ingest
from tests.helpers import eventually, now_iso, publish_all, uid
from tests.integration.gateway_helpers import make_home, register


def worker(settings: Settings, *, gateways: bool, client_id: str | None = None) -> Settings:
    ingest = settings.ingest.model_copy(update={"gateways": gateways, "client_id": client_id or uid("ingest")})
    return settings.model_copy(update={"ingest": ingest})


async def test_gateway_changes_survive_two_workers_and_native_load_is_shared(
    api: API, settings: Settings, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    home = await make_home(api)
    name = f"{uid('z')}/hall/motion"
    motion = await register(api, "zigbee2mqtt", name, "motion", home)
    native = [uid("n") for _ in range(4)]
    ids = [(await register(api, "native", n, "climate", home))["id"] for n in native]
    # Occupancy flips ten times, each message repeating battery and link quality as Z2M does. Handed out in turn
    # to two workers that each remember last values, a flip back would look like a repeat to the worker that
    # missed the flip in between, and be dropped.
    states = [b"true" if i % 2 == 0 else b"false" for i in range(10)]
    flips = [(f"zigbee2mqtt/{name}", b'{"battery":90,"linkquality":120,"occupancy":%s}' % s) for s in states]
    temps = [
        (
            f"carehub/v1/devices/{native[i % 4]}/events",
            f'{{"ts":"{now_iso()}","metric":"temperature","value":{20 + i % 7}}}'.encode(),
        )
        for i in range(400)
    ]
    async with (
        running_ingest(worker(settings, gateways=True)) as owner,
        running_ingest(worker(settings, gateways=False)) as helper,
    ):
        for topic, payload in flips:  # one at a time, so the order is the devices' order
            await publish_all(settings.mqtt.port, [(topic, payload)])
        await publish_all(settings.mqtt.port, temps)

        async def stored() -> bool:
            cur = await conn.execute("SELECT count(*) FROM readings WHERE device_id = ANY(%s)", (ids,))
            return (await cur.fetchone()) == (400,) and not owner.queue and not helper.queue

        await eventually(stored, timeout=20)
    cur = await conn.execute(
        "SELECT value FROM readings WHERE device_id = %s AND metric = 'motion' ORDER BY ts", (motion["id"],)
    )
    assert [v for (v,) in await cur.fetchall()] == [1.0, 0.0] * 5
    assert helper.messages_committed > 0, "the second worker took no share of the native topics"


async def test_a_worker_that_no_longer_owns_gateways_drops_their_old_subscription(
    api: API, settings: Settings, broker: servers.Mosquitto, conn: AsyncConnection
) -> None:
    client_id = f"ingest-{uuid.uuid4().hex[:8]}"
    async with running_ingest(worker(settings, gateways=True, client_id=client_id)):
        pass
    topic = f"zigbee2mqtt/{uid('z')}"
    async with running_ingest(worker(settings, gateways=False, client_id=client_id)) as former:
        await publish_all(settings.mqtt.port, [(topic, b'{"occupancy":true}')])
        await asyncio.sleep(1.0)
        # Had it kept the subscription, the unknown device's message would be a dead letter by now.
        assert not former.queue
    cur = await conn.execute("SELECT count(*) FROM dead_letters WHERE topic = %s", (topic,))
    assert await cur.fetchone() == (0,)
    async with running_ingest(worker(settings, gateways=True)):

        async def kept() -> bool:
            cur = await conn.execute("SELECT count(*) FROM dead_letters WHERE topic = %s", (topic,))
            return await cur.fetchone() == (1,)

        await publish_all(settings.mqtt.port, [(topic, b'{"occupancy":true}')])
        await eventually(kept)  # the same message does arrive where gateways are owned


def test_unsubscribe_packet() -> None:
    assert codec.unsubscribe(5, ["a/#"], 5) == b"\xa2\x08\x00\x05\x00\x00\x03a/#"
