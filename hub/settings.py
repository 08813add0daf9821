"""All settings, from `CAREHUB_` environment variables (nested with `__`), built once by the entry point."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseModel):
    url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL/TimescaleDB conninfo or URL. Unset: `carehub demo` starts an embedded PostgreSQL.",
    )
    pool_min: int = Field(default=1, ge=1)
    pool_max: int = Field(default=10, ge=1)
    embedded_dir: Path = Field(default=Path(".carehub/pgdata"), description="Data folder of the embedded PostgreSQL.")


class MQTTSettings(BaseModel):
    host: str | None = Field(
        default=None, description="Broker host. Unset: `carehub demo` starts an in-process broker."
    )
    port: int = Field(default=1883, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    version: Literal[4, 5] = Field(default=5, description="4 = MQTT 3.1.1, 5 = MQTT 5.")
    shared_group: str = Field(
        default="carehub",
        description="MQTT 5 shared-subscription group so several ingest workers share the load; empty disables.",
    )
    keepalive: int = Field(default=30, ge=5)


class IngestSettings(BaseModel):
    client_id: str = Field(
        default_factory=lambda: f"carehub-ingest-{socket.gethostname()}",
        description="Stable per worker: the broker keeps its unacknowledged messages under this id across restarts.",
    )
    session_expiry: int = Field(
        default=3600, ge=0,
        description="Seconds the broker keeps the session (and queues its share) while the worker is away.",
    )  # fmt: skip
    batch_size: int = Field(default=5000, ge=1, le=100_000)
    batch_max_wait_ms: int = Field(default=50, ge=1, le=10_000)
    max_payload_bytes: int = Field(default=16384, ge=64)
    max_future_seconds: int = Field(default=300, ge=0, description="Readings further ahead than this are rejected.")
    max_pending_batches: int = Field(default=4, ge=1, description="Stop reading from the broker past this backlog.")
    gateways: bool = Field(
        default=True,
        description="Ingest the gateway formats (Zigbee2MQTT, Nuki), whose adapters remember each device's last "
        "values. All of a device's messages must reach one worker, so exactly one worker of a deployment sets "
        "this; it subscribes to them outside the shared group. The other workers share the native topics.",
    )


class AdapterSettings(BaseModel):
    zigbee2mqtt_base_topic: str = Field(
        default="zigbee2mqtt",
        pattern=r"^[^+#]+$",
        description="Zigbee2MQTT's `mqtt.base_topic`: the hub subscribes to `<base>/#`.",
    )


class APISettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class RetentionSettings(BaseModel):
    readings_days: int = Field(default=365, ge=1, description="Readings older than this are dropped and refused.")
    dead_letters_days: int = Field(default=30, ge=1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CAREHUB_", env_nested_delimiter="__", extra="ignore")

    database: DatabaseSettings = DatabaseSettings()
    mqtt: MQTTSettings = MQTTSettings()
    ingest: IngestSettings = IngestSettings()
    adapters: AdapterSettings = AdapterSettings()
    api: APISettings = APISettings()
    retention: RetentionSettings = RetentionSettings()
    log_level: str = Field(default="INFO")
    log_json: bool = Field(default=True, description="One JSON object per log line.")
