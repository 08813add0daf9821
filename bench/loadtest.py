"""`make loadtest`: the simulator against a whole hub on throwaway servers on this machine.

    python -m bench.loadtest [--homes 10000] [--minutes 10] [--speed 10] [--workers 1] [-- more simulate args]

Starts PostgreSQL (fsync on, commit timestamps tracked) and Mosquitto on free loopback ports, migrates, starts
`carehub ingest` worker processes, runs `carehub simulate` against them, stops the workers and prints the
simulator's report with the workers' CPU time and peak memory; the last line is the figures as JSON. The ground
truth and the workers' logs stay in .carehub/loadtest/.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import psycopg

from tests import servers


def env_for(url: str, port: int, client_id: str = "", *, gateways: bool = True) -> dict[str, str]:
    """Settings of one worker; only the first owns the gateway topics (see `CAREHUB_INGEST__GATEWAYS`)."""
    env = {**os.environ, "CAREHUB_DATABASE__URL": url, "CAREHUB_MQTT__HOST": "127.0.0.1",
           "CAREHUB_MQTT__PORT": str(port), "CAREHUB_LOG_JSON": "false",
           "CAREHUB_INGEST__GATEWAYS": "true" if gateways else "false"}  # fmt: skip
    if client_id:
        env["CAREHUB_INGEST__CLIENT_ID"] = client_id
    return env


def start_workers(url: str, port: int, n: int, logdir: Path) -> list[subprocess.Popen[bytes]]:
    procs, logs = [], []
    for i in range(n):
        log = logdir / f"ingest-{i}.log"
        with log.open("wb") as out:
            cmd = [sys.executable, "-m", "hub", "ingest"]
            env = env_for(url, port, f"loadtest-{uuid.uuid4().hex[:6]}", gateways=i == 0)
            procs.append(subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT))
        logs.append(log)
    deadline = time.monotonic() + 30
    while not all("connected to MQTT" in log.read_text() for log in logs):
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise RuntimeError("ingest did not start: " + " | ".join(log.read_text()[-500:] for log in logs))
        time.sleep(0.1)
    return procs


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> dict[str, float]:
    cpu, peak = 0.0, 0.0
    for p in procs:
        info = psutil.Process(p.pid)
        times = info.cpu_times()
        cpu += times.user + times.system
        for line in Path(f"/proc/{p.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
        p.send_signal(signal.SIGTERM)
    for p in procs:
        p.wait(60)
    return {"ingest_cpu_seconds": round(cpu, 1), "ingest_peak_rss_mb": round(peak, 1)}


def simulate(url: str, port: int, args: argparse.Namespace, truth: Path) -> tuple[int, dict[str, object]]:
    cmd = [sys.executable, "-m", "hub", "simulate", "--homes", str(args.homes), "--minutes", str(args.minutes),
           "--speed", str(args.speed), "--truth", str(truth), *args.extra]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env_for(url, port), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    last = ""
    for line in proc.stdout:
        if line.startswith("{"):
            last = line
        else:
            print(line, end="", flush=True)
    code = proc.wait()
    return code, json.loads(last) if last else {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--homes", type=int, default=10_000)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--speed", type=float, default=10)
    ap.add_argument("--workers", type=int, default=1, help="ingest worker processes (default 1)")
    ap.add_argument("--out", type=Path, default=Path(".carehub/loadtest"), help="ground truth and ingest logs")
    ap.add_argument("extra", nargs="*", help="more `carehub simulate` arguments, after --")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with servers.postgres(("track_commit_timestamp=on",)) as pg, servers.mosquitto() as mq:
        url = pg.url("loadtest")
        with psycopg.connect(pg.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE loadtest")
        subprocess.run([sys.executable, "-m", "hub", "migrate"], env=env_for(url, mq.port), check=True,
                       capture_output=True)  # fmt: skip
        workers = start_workers(url, mq.port, args.workers, args.out)
        try:
            code, figures = simulate(url, mq.port, args, args.out / "truth.jsonl")
        finally:
            usage = stop_workers(workers)
    figures.update(usage, ingest_workers=args.workers, timescaledb=pg.timescale, exit_code=code)
    database = "TimescaleDB" if pg.timescale else "PostgreSQL"
    print(f"  ingest: {args.workers} worker(s), {usage['ingest_cpu_seconds']} s CPU, "
          f"peak {usage['ingest_peak_rss_mb']} MB; database: {database}")  # fmt: skip
    print(json.dumps(figures, sort_keys=True))
    return code


if __name__ == "__main__":
    sys.exit(main())
