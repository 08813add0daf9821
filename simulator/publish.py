"""Publishing simulated messages over MQTT: several connections, paced to a simulated clock.

A home always publishes over the same connection, so each device's messages reach the broker in order (the hub's
change detection relies on it, as on a real gateway). At QoS 1 `publish` waits only for room in the broker's
receive window; `drain` waits for every PUBACK.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

from mqttio import MQTT_5, ConnectOptions, MQTTClient
from simulator.errors import TargetRefused
from simulator.formats import Message


def require_loopback(host: str) -> None:
    """Load stays on this machine: refuse any broker or hub that is not a loopback address."""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except OSError as err:
        raise TargetRefused(f"cannot resolve {host!r}: {err}") from err
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise TargetRefused(f"{host} is not a loopback address; the simulator only sends load to 127.0.0.1")


@dataclass
class Clock:
    """Simulated ms to event-loop time: `speed` simulated seconds per wall second; 0 means no pacing."""

    sim_start: int
    wall_start: float
    speed: float

    def wall(self, t: int) -> float:
        if self.speed <= 0:
            return self.wall_start
        return self.wall_start + (t - self.sim_start) / 1000 / self.speed

    def sim(self, wall: float) -> int:
        if self.speed <= 0:
            return 1 << 62
        return self.sim_start + int((wall - self.wall_start) * 1000 * self.speed)


class Publisher:
    def __init__(self, host: str, port: int, connections: int, client_prefix: str, version: int = MQTT_5) -> None:
        require_loopback(host)
        self.options = [
            ConnectOptions(host=host, port=port, client_id=f"{client_prefix}-{n}", version=version)
            for n in range(max(1, connections))
        ]
        self.clients: list[MQTTClient] = []
        self.sent = 0

    async def connect(self) -> None:
        self.clients = [MQTTClient(o) for o in self.options]
        await asyncio.gather(*(c.connect() for c in self.clients))

    async def send(self, msg: Message) -> None:
        await self.clients[msg.home % len(self.clients)].publish(msg.topic, msg.payload, 1, msg.retain)
        self.sent += 1

    @property
    def inflight(self) -> int:
        return sum(c.inflight for c in self.clients)

    async def drain(self) -> None:
        await asyncio.gather(*(c.drain() for c in self.clients))

    async def close(self) -> None:
        await asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True)
