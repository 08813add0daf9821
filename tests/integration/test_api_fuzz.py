"""No request makes the API fail with a 500: schemathesis generates requests from our own OpenAPI schema (valid,
invalid, out of range, stateful sequences) against `carehub api` on a real database."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import API
from tests.helpers import eventually
from tests.servers import free_port

pytestmark = pytest.mark.slow


def start_api(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "hub", "api"], env=env, stdout=out, stderr=subprocess.STDOUT)


async def test_no_generated_request_gets_a_server_error(db_url: str, api: API, tmp_path: Path) -> None:
    st = shutil.which("st") or str(Path(sys.executable).parent / "st")
    home = await api.ok("POST", "/homes", as_="technician", json={"team_id": api.tokens.team_id, "label": "Flat"})
    device = {"adapter": "native", "external_id": "fuzz-1", "kind": "climate", "home_id": home["id"]}
    await api.ok("POST", "/devices", as_="technician", json=device)
    port = free_port()
    env = {
        **os.environ,
        "CAREHUB_DATABASE__URL": db_url,
        "CAREHUB_API__PORT": str(port),
        "CAREHUB_LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "api.log"
    server = start_api(env, log)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:

        async def up() -> bool:
            try:
                async with httpx.AsyncClient() as client:
                    return (await client.get(f"{base}/health")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(up, timeout=30)
        cmd = [st, "run", f"{base}/openapi.json", "-H", f"Authorization: Bearer {api.tokens.admin}",
               "--checks", "not_a_server_error", "--max-examples", "25", "--seed", "20261122"]  # fmt: skip
        run = functools.partial(subprocess.run, cmd, capture_output=True, text=True, timeout=240, cwd=tmp_path)
        result = await asyncio.to_thread(run)
        assert result.returncode == 0, result.stdout[-4000:] + log.read_text()[-2000:]
        assert "passed" in result.stdout
    finally:
        server.terminate()
        server.wait(30)
