"""The `simulate` command: `carehub simulate --homes N ...` (also `python -m simulator simulate ...`).

`add_parser(subparsers)` registers it on any argparse parser; its handler takes `(settings, args)` like the
hub's commands but reads what it needs from its own arguments, whose defaults come from the same `CAREHUB_`
environment variables, so the simulator needs nothing from `hub`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from simulator.errors import SimulatorError
from simulator.layout import parse_mix
from simulator.schedule import parse_rates
from simulator.timebase import parse_time

DEFAULT_INJECT = "button_press=1,fall=0.1,smoke=0.05,water_leak=0.05,device_offline=0.2,low_battery=0.1"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    env = os.environ.get
    p: argparse.ArgumentParser = subparsers.add_parser(
        "simulate", help="simulated homes publishing to a hub on this machine, with a load-test report"
    )
    p.add_argument("--homes", type=int, default=100, help="homes to simulate (default 100, at most 50,000)")
    p.add_argument("--minutes", type=float, default=10, help="simulated minutes to run (default 10)")
    p.add_argument("--speed", type=float, default=10, help="simulated seconds per second; 0: as fast as it goes")
    p.add_argument("--start", help="simulated start, ISO 8601 (local time of the homes if no offset)")
    p.add_argument("--seed", type=int, default=1, help="same seed, namespace and start: the same messages")
    p.add_argument("--mix", default="native=1,zigbee2mqtt=1,nuki=1", help="gateway profiles of the homes")
    p.add_argument("--inject", default=DEFAULT_INJECT, help="injections per home per simulated day, or ''")
    p.add_argument("--truth", type=Path, default=Path("simulate-truth.jsonl"), help="ground-truth JSON lines")
    p.add_argument("--namespace", help="prefix of every device id (default: new for each run)")
    p.add_argument("--mqtt-host", default=env("CAREHUB_MQTT__HOST", "127.0.0.1"))
    p.add_argument("--mqtt-port", type=int, default=int(env("CAREHUB_MQTT__PORT", "1883")))
    p.add_argument("--database-url", default=env("CAREHUB_DATABASE__URL"), help="for registration and read-back")
    p.add_argument("--register", choices=("sql", "api"), default="sql", help="bulk SQL seed (default) or the API")
    p.add_argument("--api-url", default=env("CAREHUB_SIM_API_URL", "http://127.0.0.1:8000"))
    p.add_argument("--token", default=env("CAREHUB_SIM_TOKEN"), help="technician or admin token for --register api")
    p.add_argument("--connections", type=int, default=4, help="MQTT connections to publish over (default 4)")
    p.add_argument("--no-announce", action="store_true", help="devices do not announce themselves online at start")
    p.add_argument("--max-seconds", type=float, default=3600, help="stop publishing after this long (default 1 h)")
    p.add_argument("--max-messages", type=int, default=50_000_000, help="stop publishing after this many")
    p.add_argument(
        "--replay", help="replay a recording instead: kasteren2008:A, kasteren2010:A|B, ordonez:A|B, casas:<file>"
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        default=Path(env("CAREHUB_SIM_DATA", "../shared/data")),
        help="folder of the recordings (default ../shared/data)",
    )
    p.add_argument(
        "--gateway", choices=("native", "zigbee2mqtt"), default="native", help="how a replayed home's devices publish"
    )
    p.add_argument("--settle-seconds", type=float, default=120, help="wait at most this long for the hub to commit")
    p.set_defaults(handler=handle)
    return p


def handle(_settings: object, args: argparse.Namespace) -> int:
    from simulator.loadtest import run

    try:
        opts = options(args)
        report = asyncio.run(run(opts))
    except SimulatorError as err:
        print(f"carehub simulate: {err}", file=sys.stderr)
        return 2
    print(report.text())
    print(report.json_line())
    return 0 if report.ok else 1


def options(args: argparse.Namespace) -> Any:
    from simulator.scenario import Options

    if not 1 <= args.homes <= 50_000:
        raise SimulatorError("--homes must be between 1 and 50,000")
    if args.minutes <= 0 or args.speed < 0:
        raise SimulatorError("--minutes must be positive and --speed not negative")
    if not args.database_url:
        raise SimulatorError("set --database-url or CAREHUB_DATABASE__URL: the report reads back what the hub stored")
    return Options(
        homes=args.homes, minutes=args.minutes, speed=args.speed, seed=args.seed, mix=parse_mix(args.mix),
        inject=parse_rates(args.inject), mqtt_host=args.mqtt_host, mqtt_port=args.mqtt_port,
        database_url=args.database_url, namespace=args.namespace or f"sim{secrets.token_hex(3)}",
        start=parse_time(args.start, "Europe/Oslo") if args.start else None, register=args.register,
        api_url=args.api_url, token=args.token, connections=args.connections, announce=not args.no_announce,
        truth_path=args.truth, max_seconds=args.max_seconds, max_messages=args.max_messages,
        settle_seconds=args.settle_seconds, replay=args.replay, data_dir=args.data_dir, gateway=args.gateway,
    )  # fmt: skip
