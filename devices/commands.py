"""Commands to devices through their adapters: a device id and a normalised command in, the MQTT message out.

Sending it is the caller's (the digital-keys feature publishes it with its own audit):
`await client.publish(out.topic, out.payload, qos=out.qos, retain=out.retain)` with an `mqttio.MQTTClient`,
which completes QoS 2 (Nuki asks for it on `lockAction`) as well as QoS 1.
"""

from __future__ import annotations

from psycopg import AsyncConnection

from devices.adapters import Adapter, Command, Outgoing, adapter_named
from devices.errors import BadCommand, RegistryConflict, RegistryInvalid
from devices.registry import service as registry
from devices.registry.schemas import DeviceStatus

KIND_COMMANDS = {"smart_lock": frozenset({"lock", "unlock"})}


async def command_for(conn: AsyncConnection, device_id: int, command: Command, adapters: list[Adapter]) -> Outgoing:
    device = await registry.get_device(conn, device_id, None)
    if device.status is not DeviceStatus.ACTIVE:
        raise RegistryConflict(f"device {device_id} is {device.status.value}, not active")
    allowed = KIND_COMMANDS.get(device.kind, frozenset())
    if command.action not in allowed:
        can = ", ".join(sorted(allowed)) or "no commands"
        raise BadCommand(f"a {device.kind} device takes {can}, not {command.action!r}")
    adapter = adapter_named(adapters, device.adapter)
    if adapter is None:
        raise RegistryInvalid(f"device {device_id} uses adapter {device.adapter!r}, which this hub does not have")
    return adapter.command(device.external_id, command)
