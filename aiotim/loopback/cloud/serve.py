"""``aiotim loopback serve``: run the loopback IM cloud standalone until SIGINT/SIGTERM.

For multi-process tests and for bots under development: start it once, point every SDK at the
printed address (``json_sdk_config["loopback_address"]`` or ``AIOTIM_LOOPBACK_ADDRESS``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiotim.loopback.cloud.address import Address, parse_address
from aiotim.loopback.cloud.connection import Limits
from aiotim.loopback.cloud.plan import Plan
from aiotim.loopback.cloud.server import CloudServer

if TYPE_CHECKING:
    from aiotim.loopback.console.server import Console

__all__ = ["main", "serve"]


async def serve(
    sdk_app_id: int,
    secret_key: str,
    address: Address,
    *,
    db: str | None = None,
    fsync: bool = False,
    limits: Limits | None = None,
    ready: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
    console: bool = False,
    console_port: int = 0,
    plan: Plan = Plan.ENTERPRISE,
) -> CloudServer:
    """Serve until ``stop`` is set (or SIGINT/SIGTERM when ``stop`` is ``None``).

    Prints the address once listening (flushed, so a parent process can read it). ``plan``:
    the IM edition the cloud runs as (:class:`aiotim.loopback.Plan`; default the highest).

    Raises:
        ValueError / OSError / sqlite3.Error: the cloud could not start.
    """
    console_server: Console | None = None
    server = CloudServer(sdk_app_id, secret_key, address, db=db, fsync=fsync, limits=limits)
    server.app.plan = plan
    try:
        await server.start()
        print(server.address, flush=True)
        if console:
            console_server = await _start_console(server, secret_key, console_port)
        if stop is None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        if console_server is not None:
            await asyncio.to_thread(console_server.stop)
        await server.close()
    return server


async def _start_console(server: CloudServer, secret_key: str, port: int) -> Console:
    from aiotim.loopback.console import require_console

    require_console()
    from aiotim.loopback.console.server import Console

    console = Console(asyncio.get_running_loop(), server, secret_key, port=port)
    url = await asyncio.to_thread(console.start)
    print(f"console: {url}", flush=True)
    return console


def _tune_gc() -> tuple[int, int, int]:
    """The standalone cloud is a process of its own whose state lives in memory and grows with
    every message: what was imported is frozen out of the cyclic collector, and a collection
    runs every 50,000 allocations instead of 700 (the handlers allocate a few dozen small
    objects per call, almost none of them in a cycle). Returns the thresholds before."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    return before


def _plan_arg(text: str) -> Plan:
    try:
        return Plan.parse(text)
    except ValueError as exc:  # argparse shows only this error type's message
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``--app-id N --secret-key K [--address A] [--db FILE [--fsync]]
    [--plan NAME]``;
    returns 0.

    The secret key may also come from the environment variable ``AIOTIM_SECRET_KEY`` (so that
    it does not show in the process list).
    """
    parser = argparse.ArgumentParser(
        prog="aiotim loopback serve", description="Run the loopback IM cloud."
    )
    parser.add_argument("--app-id", type=int, required=True, help="the SDKAppID to serve")
    parser.add_argument(
        "--secret-key",
        default=os.environ.get("AIOTIM_SECRET_KEY"),
        help="the key UserSigs are checked with (default: $AIOTIM_SECRET_KEY)",
    )
    parser.add_argument(
        "--address",
        help="unix:/path.sock or tcp:127.0.0.1:PORT "
        "(default: a unix socket in a fresh temporary directory)",
    )
    parser.add_argument(
        "--db",
        help="SQLite file to keep the state in (default: memory); a call is acknowledged once "
        "its changes are committed there",
    )
    parser.add_argument(
        "--fsync",
        action="store_true",
        help="with --db: commits also survive a power loss (slower; default: a process crash)",
    )
    parser.add_argument(
        "--login-timeout",
        type=float,
        default=Limits().login_timeout_s,
        help="close a connection not logged in for this many seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--console",
        action="store_true",
        help="also serve the loopback console: a web page on 127.0.0.1 to talk to your bot "
        "(needs aiotim[console]; docs/console.md)",
    )
    parser.add_argument(
        "--console-port", type=int, default=0, help="the console's port (default: a free one)"
    )
    parser.add_argument(
        "--plan",
        type=_plan_arg,
        default=Plan.ENTERPRISE,
        metavar="NAME",
        help="the IM edition to run as: " + ", ".join(p.label for p in Plan) + "; a lower one "
        "refuses what that edition does not include, with the real code (default: enterprise)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log protocol problems")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not args.secret_key:
        parser.error("--secret-key (or AIOTIM_SECRET_KEY) is required")
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    tmpdir = None
    try:
        if args.address:
            address = parse_address(args.address)
        else:
            tmpdir = tempfile.mkdtemp(prefix="aiotim-loopback-")
            address = Address("unix", path=os.path.join(tmpdir, "cloud.sock"))
    except ValueError as exc:
        parser.error(str(exc))
    gc_before = _tune_gc()
    try:
        limits = Limits(login_timeout_s=args.login_timeout)
        asyncio.run(
            serve(
                args.app_id,
                args.secret_key,
                address,
                db=args.db,
                fsync=args.fsync,
                limits=limits,
                console=args.console,
                console_port=args.console_port,
                plan=args.plan,
            )
        )
    except (OSError, ValueError) as exc:
        print(f"aiotim loopback serve: {exc}", file=sys.stderr)
        return 1
    finally:
        gc.set_threshold(*gc_before)  # as it was, for a caller that ran main() in-process
        gc.unfreeze()
        if tmpdir is not None:
            with contextlib.suppress(OSError):
                os.rmdir(tmpdir)
    return 0
