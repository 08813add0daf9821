"""Settings from the environment; which migration files the runner picks."""

from __future__ import annotations

import pytest

from hub.db import available_migrations, choose
from hub.settings import Settings


def test_settings_nest_with_double_underscore_and_hide_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREHUB_DATABASE__URL", "postgresql://hub:s3cret@db/carehub")
    monkeypatch.setenv("CAREHUB_MQTT__PORT", "8883")
    monkeypatch.setenv("CAREHUB_INGEST__BATCH_SIZE", "1000")
    s = Settings()
    assert s.mqtt.port == 8883
    assert s.ingest.batch_size == 1000
    assert "s3cret" not in repr(s)
    assert s.database.url is not None
    assert s.database.url.get_secret_value().endswith("/carehub")


def test_invalid_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREHUB_MQTT__PORT", "70000")
    with pytest.raises(ValueError, match="port"):
        Settings()


def test_one_migration_per_version_for_each_storage_path() -> None:
    found = available_migrations()
    for timescale in (True, False):
        chosen = choose(found, timescale)
        versions = [m.version for m in chosen]
        assert versions == sorted(set(versions))
        assert all(m.variant in ("any", "timescale" if timescale else "postgres") for m in chosen)
    ts = {m.name: m.variant for m in choose(found, True)}
    assert ts["readings"] == "timescale"
    assert {m.name: m.variant for m in choose(found, False)}["readings"] == "postgres"
