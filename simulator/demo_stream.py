"""A small live stream of native-format messages for `carehub demo`, until the full simulator drives the demo.

Every device reports its state now and then: motion comes and goes, doors open and close, the climate sensor
reports temperature and humidity, battery devices report their charge. Deterministic for a seed.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Sequence
from datetime import UTC, datetime

import orjson

from mqttio import MQTT_311, ConnectOptions, MQTTClient, MQTTError

STATE_OF_KIND = {"motion": "motion", "contact": "door_open", "bed_occupancy": "in_bed"}


def message(external_id: str, kind: str, rng: random.Random, now: datetime) -> tuple[str, bytes] | None:
    """One plausible native message for a device of `kind`, or None if it has nothing to say this tick."""
    values: dict[str, float | bool]
    if kind in STATE_OF_KIND:
        values = {STATE_OF_KIND[kind]: rng.random() < 0.3}
    elif kind == "climate":
        values = {"temperature": round(rng.gauss(21.5, 0.8), 1), "humidity": round(rng.gauss(38, 4), 0)}
    elif kind in ("smoke", "emergency_button"):
        values = {"battery": rng.randint(80, 100)}
    else:
        return None
    body = {"ts": now.isoformat(), "values": values}
    return f"carehub/v1/devices/{external_id}/events", orjson.dumps(body)


async def run(
    host: str, port: int, devices: Sequence[tuple[str, str]], stop: asyncio.Event, *, seed: int = 1, every: float = 1.0
) -> None:
    """Publish a few messages every `every` seconds until `stop` is set; reconnects if the broker goes away."""
    rng = random.Random(seed)
    while not stop.is_set():
        client = MQTTClient(ConnectOptions(host=host, port=port, client_id="carehub-demo-stream", version=MQTT_311))
        try:
            await client.connect()
            for ext, kind in devices:  # every device starts with a report, so the API has data at once
                await _publish(client, message(ext, kind, rng, datetime.now(UTC)))
            while not stop.is_set():
                for ext, kind in rng.sample(list(devices), k=min(len(devices), 4)):
                    await _publish(client, message(ext, kind, rng, datetime.now(UTC)))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), every)
            await client.disconnect()
        except MQTTError:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


async def _publish(client: MQTTClient, msg: tuple[str, bytes] | None) -> None:
    if msg is not None:
        await client.publish(*msg, qos=1)
