"""The load test against a real Mosquitto and a real hub: it counts what the hub stored, and fails on loss."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uvicorn
from psycopg import AsyncConnection

from hub.api.app import create_app
from hub.ingest.worker import Ingestor
from hub.settings import Settings
from simulator import truth
from simulator.layout import parse_mix
from simulator.loadtest import run
from simulator.scenario import Options
from tests import servers
from tests.conftest import Tokens
from tests.helpers import ingest_process

ALARMS = {"button_press": 40.0, "smoke": 10.0, "water_leak": 10.0, "device_offline": 10.0, "low_battery": 10.0}


def options(broker: servers.Mosquitto, db_url: str, tmp_path: Path) -> Options:
    return Options(
        homes=30, minutes=3, speed=60, seed=5, mix=parse_mix("native=1,zigbee2mqtt=1,nuki=1"), inject=ALARMS,
        mqtt_host="127.0.0.1", mqtt_port=broker.port, database_url=db_url, namespace=f"lt{uuid.uuid4().hex[:6]}",
        truth_path=tmp_path / "truth.jsonl", settle_seconds=60, progress_every=0.5,
    )  # fmt: skip


async def test_every_storable_message_is_stored_and_the_truth_file_lists_the_injections(
    ingest: Ingestor, broker: servers.Mosquitto, db_url: str, conn: AsyncConnection, tmp_path: Path
) -> None:
    opts = options(broker, db_url, tmp_path)
    report = await run(opts)
    assert report.ok, report.text()
    assert report.messages_lost == 0
    assert report.messages_stored == report.messages_storable > 450  # every device announces itself, then lives
    assert report.rows_stored == report.rows_expected
    assert report.messages_sent == report.messages_storable + report.messages_nothing_new
    assert report.dead_letters == {}
    cur = await conn.execute(
        "SELECT count(*) FROM devices d JOIN homes h ON h.id = d.home_id WHERE h.label LIKE %s", (opts.namespace + "%",)
    )
    assert (await cur.fetchone() or [0])[0] == 30 * 15
    records = truth.read(opts.truth_path or Path())
    assert len(records) == sum(report.injections.values()) > 0
    assert {r.kind for r in records} <= set(ALARMS)
    assert json.loads(report.json_line())["messages_lost"] == 0


def simulate(broker: servers.Mosquitto, db_url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "hub", "simulate", "--homes", "12", "--minutes", "2", "--speed", "60",
           "--mqtt-port", str(broker.port), "--database-url", db_url, "--truth", str(tmp_path / "t.jsonl"),
           *extra]  # fmt: skip
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=240, env={**os.environ, "CAREHUB_LOG_JSON": "false"}
    )


def test_carehub_simulate_prints_its_report_and_ends_with_the_same_figures_as_json(
    broker: servers.Mosquitto, db_url: str, tmp_path: Path
) -> None:
    env = {"CAREHUB_DATABASE__URL": db_url, "CAREHUB_MQTT__HOST": "127.0.0.1", "CAREHUB_MQTT__PORT": str(broker.port),
           "CAREHUB_MQTT__SHARED_GROUP": f"g{uuid.uuid4().hex[:6]}",
           "CAREHUB_INGEST__CLIENT_ID": f"sim-ingest-{uuid.uuid4().hex[:6]}"}  # fmt: skip
    worker = ingest_process(env, str(tmp_path / "ingest.log"))
    try:
        deadline = time.monotonic() + 30
        while "connected to MQTT" not in (tmp_path / "ingest.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "ingest.log").read_text()
            time.sleep(0.1)
        done = simulate(broker, db_url, tmp_path, "--settle-seconds", "60")
    finally:
        worker.terminate()
        worker.wait(30)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(lines[-1])
    assert figures["ok"] is True
    assert figures["messages_lost"] == 0
    assert figures["homes"] == 12
    assert f"{figures['messages_sent']:,} messages" in done.stdout  # the same figure, for people


def test_a_run_with_nothing_storing_reports_the_loss_and_fails(
    broker: servers.Mosquitto, db_url: str, tmp_path: Path
) -> None:
    done = simulate(broker, db_url, tmp_path, "--settle-seconds", "3", "--no-announce")
    assert done.returncode == 1, done.stdout + done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["messages_stored"] == 0
    assert figures["messages_lost"] == figures["messages_storable"] > 0
    assert "FAILED" in done.stdout


def test_load_is_only_ever_sent_to_this_machine(broker: servers.Mosquitto, db_url: str, tmp_path: Path) -> None:
    done = simulate(broker, db_url, tmp_path, "--mqtt-host", "192.0.2.7")
    assert done.returncode == 2
    assert "loopback" in done.stderr


async def test_homes_registered_through_the_http_api_are_simulated_without_loss(
    settings: Settings, ingest: Ingestor, broker: servers.Mosquitto, db_url: str, tokens: Tokens, tmp_path: Path
) -> None:
    port = servers.free_port()
    app = create_app(settings, db_url)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn offers a flag, not an event)
            await asyncio.sleep(0.05)
        opts = dataclasses.replace(
            options(broker, db_url, tmp_path), homes=3, minutes=2, register="api",
            api_url=f"http://127.0.0.1:{port}", token=tokens.technician, team="Bergenhus",
        )  # fmt: skip
        report = await run(opts)
    finally:
        server.should_exit = True
        await serving
    assert report.ok, report.text()
    assert report.registration == "api"
    assert report.messages_stored == report.messages_storable > 45
    async with await AsyncConnection.connect(db_url) as conn:
        cur = await conn.execute("SELECT count(*) FROM homes WHERE label LIKE %s", (opts.namespace + "%",))
        assert (await cur.fetchone() or [0])[0] == 3
