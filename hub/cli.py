"""The `carehub` command line. Settings are read once here, from `CAREHUB_` environment variables."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Coroutine
from typing import Any

from access.errors import AccessError
from access.schemas import Role, UserCreate
from hub import db, logs, runtime
from hub.settings import Settings
from simulator.cli import add_parser as add_simulate_parser

log = logging.getLogger("carehub")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings()
    logs.setup(settings.log_level, settings.log_json and args.command not in ("demo", "users"))
    try:
        result: int = args.handler(settings, args)
    except (runtime.NotConfigured, db.DatabaseUnavailable, AccessError) as err:
        print(f"carehub {args.command}: {err}", file=sys.stderr)
        return 2
    return result


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="carehub", description="CareHub welfare-technology hub.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations (idempotent)").set_defaults(handler=cmd_migrate)
    ingest = sub.add_parser("ingest", help="run an MQTT ingest worker")
    ingest.add_argument(
        "--retire", action="store_true",
        help="instead of running: end this worker's persistent MQTT session, so the broker stops queueing its "
        "share of messages (do this when removing a worker for good, after it stopped)",
    )  # fmt: skip
    ingest.set_defaults(handler=cmd_ingest)
    sub.add_parser("api", help="run the HTTP API and the scheduled jobs").set_defaults(handler=cmd_api)
    demo = sub.add_parser("demo", help="everything on embedded servers, with demo homes and a live stream")
    demo.add_argument("--homes", type=int, default=3, help="demo homes to seed (default 3)")
    demo.add_argument("--seconds", type=float, default=0, help="stop after this long (default: run until Ctrl+C)")
    demo.set_defaults(handler=cmd_demo)
    users = sub.add_parser("users", help="manage users and their API tokens")
    usub = users.add_subparsers(dest="users_command", required=True)
    add = usub.add_parser("add", help="create a user and print its first token")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--team", type=int, default=None, help="team id (required for homecare)")
    add.set_defaults(handler=cmd_users_add)
    token = usub.add_parser("token", help="issue a new token for a user")
    token.add_argument("name")
    token.add_argument("--revoke-old", action="store_true", help="revoke the user's other tokens")
    token.set_defaults(handler=cmd_users_token)
    usub.add_parser("list", help="list users").set_defaults(handler=cmd_users_list)
    add_simulate_parser(sub)
    return p


def _run(coro: Coroutine[Any, Any, int]) -> int:
    return asyncio.run(coro)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    applied = asyncio.run(_migrate(runtime.conninfo(settings)))
    print(f"migrations applied: {', '.join(applied) or 'none (up to date)'}")
    return 0


async def _migrate(conninfo: str) -> list[str]:
    await db.check(conninfo)
    return await db.migrate(conninfo)


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    runtime.require_broker(settings)
    if args.retire:
        from hub.ingest.worker import retire_session

        asyncio.run(retire_session(settings))
        print(f"MQTT session {settings.ingest.client_id} ended")
        return 0
    conninfo = runtime.conninfo(settings)
    return _run(_ingest(settings, conninfo))


async def _ingest(settings: Settings, conninfo: str) -> int:
    from hub.ingest.worker import Ingestor

    await db.check(conninfo)
    stop = _stop_on_signals()
    ingestor = Ingestor(settings, conninfo)
    tune_gc()
    await ingestor.run(stop)
    return 0


def tune_gc() -> None:
    """Ingest allocates many short-lived tuples; fewer young-generation collections keep the hot path fast
    (measured in ../shared/reference/performance.md). Objects alive after start-up are frozen out of GC."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def cmd_api(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from hub.api.app import create_app

    conninfo = runtime.conninfo(settings)
    app = create_app(settings, conninfo, run_scheduler=True)
    uvicorn.run(app, host=settings.api.host, port=settings.api.port, log_config=None)
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from hub.demo import run_demo

    return _run(run_demo(settings, homes=args.homes, seconds=args.seconds))


def cmd_users_add(settings: Settings, args: argparse.Namespace) -> int:
    from access import service

    async def go(conninfo: str) -> int:
        async with await _connect(conninfo) as conn:
            created = await service.create_user(
                conn, UserCreate(name=args.name, role=Role(args.role), team_id=args.team)
            )
        print(f"user {created.user.name} ({created.user.role}) created; token (shown once):\n{created.token}")
        return 0

    return _run(go(runtime.conninfo(settings)))


def cmd_users_token(settings: Settings, args: argparse.Namespace) -> int:
    from access import service

    async def go(conninfo: str) -> int:
        async with await _connect(conninfo) as conn:
            issued = await service.issue_token(conn, args.name, revoke_old=args.revoke_old)
        print(f"new token for {issued.user.name} (shown once):\n{issued.token}")
        return 0

    return _run(go(runtime.conninfo(settings)))


def cmd_users_list(settings: Settings, args: argparse.Namespace) -> int:
    from access import service

    async def go(conninfo: str) -> int:
        async with await _connect(conninfo) as conn:
            for u in await service.list_users(conn):
                state = "disabled" if u.disabled_at else "active"
                print(f"{u.id:>5}  {u.name:<30} {u.role:<11} team={u.team_id}  {state}")
        return 0

    return _run(go(runtime.conninfo(settings)))


async def _connect(conninfo: str) -> Any:
    from psycopg import AsyncConnection

    await db.check(conninfo)
    return await AsyncConnection.connect(conninfo, autocommit=True)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop


if __name__ == "__main__":
    sys.exit(main())
