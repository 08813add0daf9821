"""The two things a newcomer runs first: `carehub demo`, and `carehub users add` against a real database."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hub.cli import main
from tests.servers import free_port

pytestmark = pytest.mark.slow


def test_demo_shows_readings_through_the_api_within_seconds(tmp_path: Path) -> None:
    api_port = free_port()
    env = {**os.environ, "CAREHUB_API__PORT": str(api_port), "CAREHUB_MQTT__PORT": str(free_port())}
    env.pop("CAREHUB_DATABASE__URL", None)
    env.pop("CAREHUB_MQTT__HOST", None)
    log = tmp_path / "demo.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "hub", "demo", "--seconds", "60"], cwd=tmp_path, env=env,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        token = _wait_for_token(log, proc)
        headers = {"Authorization": f"Bearer {token}"}
        base = f"http://127.0.0.1:{api_port}/api/v1"
        started = time.monotonic()
        items: list[object] = []
        while time.monotonic() - started < 20 and not items:
            with contextlib.suppress(httpx.TransportError):
                items = httpx.get(f"{base}/devices/1/readings?bucket=1m", headers=headers, timeout=5).json()["items"]
            time.sleep(0.3)
        assert items, f"no readings through the API after 20 s; log:\n{log.read_text()[-2000:]}"
        devices = httpx.get(f"{base}/devices", headers=headers, timeout=5).json()["items"]
        assert len(devices) >= 10
    finally:
        proc.terminate()
        proc.wait(30)
    assert proc.returncode == 0, log.read_text()[-2000:]


def _wait_for_token(log: Path, proc: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = re.search(r"operator\s+(chub_\S+)", log.read_text())
        if match:
            return match.group(1)
        assert proc.poll() is None, f"demo exited early:\n{log.read_text()[-2000:]}"
        time.sleep(0.2)
    raise AssertionError(f"demo printed no token in 60 s:\n{log.read_text()[-2000:]}")


def test_users_add_prints_a_token_that_authenticates(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CAREHUB_DATABASE__URL", db_url)
    assert main(["users", "add", "tone", "--role", "technician"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("chub_")
    assert main(["users", "add", "tone", "--role", "technician"]) == 2  # duplicate name: a clear error, no trace
    assert "exists" in capsys.readouterr().err
    assert main(["users", "add", "hedda", "--role", "homecare"]) == 2
    assert "team_id" in capsys.readouterr().err
    assert main(["users", "token", "tone", "--revoke-old"]) == 0
    assert main(["users", "list"]) == 0
    assert "tone" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
