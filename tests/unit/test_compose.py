"""No Docker engine runs here, so check what can be checked: the compose file parses, names real settings, and
the Mosquitto config it mounts keeps the hub's QoS 1 window open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from hub.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(doc, dict)
    return doc


def setting_exists(env_name: str) -> bool:
    path = env_name.removeprefix("CAREHUB_").lower().split("__")
    fields: dict[str, Any] = dict(Settings.model_fields)
    for part in path[:-1]:
        if part not in fields:
            return False
        fields = dict(fields[part].annotation.model_fields)
    return path[-1] in fields


def test_every_carehub_variable_in_compose_is_a_real_setting() -> None:
    names = set()
    for service in compose()["services"].values():
        names |= {k for k in (service.get("environment") or {}) if k.startswith("CAREHUB_")}
    assert names >= {"CAREHUB_DATABASE__URL", "CAREHUB_MQTT__HOST", "CAREHUB_INGEST__CLIENT_ID"}
    unknown = sorted(n for n in names if not setting_exists(n))
    assert not unknown, f"compose sets variables no setting reads: {unknown}"


def test_compose_runs_timescaledb_mosquitto_ingest_and_api() -> None:
    services = compose()["services"]
    assert services["db"]["image"].startswith("timescale/timescaledb")
    assert services["broker"]["image"].startswith("eclipse-mosquitto:2")
    workers = [s for name, s in services.items() if name.startswith("ingest")]
    assert len(workers) >= 2
    ids = {w["environment"]["CAREHUB_INGEST__CLIENT_ID"] for w in workers}
    assert len(ids) == len(workers), "two workers with one client id would take each other's session over"
    owners = [w for w in workers if w["environment"].get("CAREHUB_INGEST__GATEWAYS", "true") == "true"]
    assert len(owners) == 1, "exactly one worker must own the gateway topics"
    assert services["api"]["command"] == ["api"]


def test_broker_config_queues_for_the_hub_instead_of_dropping() -> None:
    conf = dict(
        line.split(None, 1) for line in (ROOT / "deploy/mosquitto.conf").read_text().splitlines()
        if line and not line.startswith("#")
    )  # fmt: skip
    assert conf["max_inflight_messages"] == "0"
    assert conf["max_queued_messages"] == "0"
    assert conf["persistence"] == "true"
    assert conf["allow_anonymous"] == "false"
