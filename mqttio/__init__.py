"""Minimal asyncio MQTT 3.1.1/5 client for high-rate QoS 1 with acknowledgement after commit."""

from mqttio.client import (
    ConnectionLost,
    ConnectionRefused,
    ConnectOptions,
    MessageHandler,
    MQTTClient,
    MQTTError,
    SubscribeRefused,
)
from mqttio.codec import MQTT_5, MQTT_311, Will

__all__ = [
    "MQTT_5",
    "MQTT_311",
    "ConnectOptions",
    "ConnectionLost",
    "ConnectionRefused",
    "MQTTClient",
    "MQTTError",
    "MessageHandler",
    "SubscribeRefused",
    "Will",
]
