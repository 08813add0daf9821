"""Helpers for integration tests: publishing with the real Mosquitto client, waiting for a condition."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

T = TypeVar("T")


def uid(prefix: str = "dev") -> str:
    """A device id no other test uses (the broker keeps retained messages across tests)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def mosquitto_pub(port: int, topic: str, payload: bytes | str, *, retain: bool = False, qos: int = 1) -> None:
    """Publish one message with Debian's `mosquitto_pub`, the way a technician would test a device."""
    data = payload.encode() if isinstance(payload, str) else payload
    cmd = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", str(qos), "-t", topic, "-s"]
    if retain:
        cmd.append("-r")
    subprocess.run(cmd, input=data, check=True, timeout=10)


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout: float = 10.0, every: float = 0.1) -> T:
    """Poll `probe` until it returns something truthy; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    last: T | None = None
    while asyncio.get_running_loop().time() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"condition not met within {timeout} s (last: {last!r})")


async def publish_all(port: int, messages: list[tuple[str, bytes]], client_id: str | None = None) -> None:
    """Publish at QoS 1 and wait until the broker has acknowledged every message."""
    from mqttio import ConnectOptions, MQTTClient

    client = MQTTClient(ConnectOptions(host="127.0.0.1", port=port, client_id=client_id or uid("pub")))
    await client.connect()
    for topic, payload in messages:
        await client.publish(topic, payload, qos=1)
    await client.drain()
    await client.disconnect()


def ingest_process(settings_env: dict[str, str], log_path: str) -> subprocess.Popen[bytes]:
    """`carehub ingest` as its own process, as in production."""
    import os
    import sys

    env = {**os.environ, **settings_env, "CAREHUB_LOG_JSON": "false"}
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "hub", "ingest"], env=env, stdout=log, stderr=log)
