"""The ``aiotim`` command: ``demo``, ``loopback serve``, ``usersig``, ``doctor``."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from aiotim.loopback import ENV_ADDRESS, ENV_APP_ID

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    import anyio

    from aiotim.tools.demo import run_demo

    return anyio.run(run_demo, backend=args.backend)


def _add_serve_options(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--app-id", type=int, required=True, help="the SDKAppID to serve")
    serve.add_argument(
        "--secret-key",
        default=os.environ.get("AIOTIM_SECRET_KEY"),
        help="the key UserSigs are checked with (default: $AIOTIM_SECRET_KEY, which keeps it out "
        "of the process list)",
    )
    serve.add_argument(
        "--address",
        help="unix:/path.sock or tcp:127.0.0.1:PORT (default: a unix socket in a fresh "
        "temporary directory)",
    )
    serve.add_argument("--db", help="SQLite file to keep the state in (default: memory only)")
    serve.add_argument(
        "--console",
        action="store_true",
        help="also serve the loopback console: a web page on 127.0.0.1 to talk to your bot "
        "(needs aiotim[console]; docs/console.md)",
    )
    serve.add_argument(
        "--console-port", type=int, default=0, help="the console's port (default: a free one)"
    )
    serve.add_argument("-v", "--verbose", action="store_true", help="log protocol problems")


def _console_options(args: argparse.Namespace) -> dict[str, Any]:
    """``serve()``'s console arguments, only when ``--console`` was given."""
    if not args.console:
        return {}
    return {"console": True, "console_port": args.console_port}


def paste_lines(address: str, sdk_app_id: int) -> list[str]:
    """What ``aiotim loopback serve`` tells the user to paste elsewhere, once listening."""
    return [
        f"aiotim loopback serve: listening on {address} for SDKAppID {sdk_app_id} "
        "(Ctrl-C stops it). In another process:",
        f'    client = aiotim.loopback.connect("{address}", {sdk_app_id})',
        f"or, in its environment: {ENV_ADDRESS}={address} {ENV_APP_ID}={sdk_app_id}"
        " (then aiotim.loopback.connect())",
    ]


class _Tee(io.TextIOBase):
    """A text stream that writes through to another and remembers what went through."""

    def __init__(self, target: TextIO) -> None:
        self._target = target
        self._seen: list[str] = []

    def write(self, text: str) -> int:
        self._seen.append(text)
        return self._target.write(text)

    def flush(self) -> None:
        self._target.flush()

    def text(self) -> str:
        return "".join(self._seen)


def _serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import asyncio
    import contextlib
    import logging
    import tempfile

    from aiotim.loopback.cloud.address import Address, parse_address
    from aiotim.loopback.cloud.serve import serve

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

    async def run() -> None:
        ready = asyncio.Event()
        out = _Tee(sys.stdout)
        with contextlib.redirect_stdout(out):
            task = asyncio.ensure_future(
                serve(
                    args.app_id,
                    args.secret_key,
                    address,
                    db=args.db,
                    ready=ready,
                    **_console_options(args),
                )
            )
            waiter = asyncio.ensure_future(ready.wait())
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if ready.is_set():
            # stdout's first line is the address it listens on (what scripts read; the real
            # port when --address asked for port 0); the rest is for people, on stderr.
            listening = (out.text().splitlines() or [str(address)])[0]
            for line in paste_lines(listening, args.app_id):
                print(line, file=sys.stderr, flush=True)
        waiter.cancel()
        await task

    try:
        asyncio.run(run())
    except (OSError, ValueError) as exc:
        print(f"aiotim loopback serve: {exc}", file=sys.stderr)
        return 1
    finally:
        if tmpdir is not None:
            with contextlib.suppress(OSError):
                os.rmdir(tmpdir)
    return 0


def _usersig(args: argparse.Namespace) -> int:
    from aiotim.usersig import gen_user_sig

    print(gen_user_sig(args.app_id, args.secret_key, args.user, args.expire))
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from aiotim.tools.doctor import run_doctor

    return run_doctor(args.sdk, init=args.init)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``aiotim`` command."""
    parser = argparse.ArgumentParser(prog="aiotim", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the offline demo (loopback cloud + echo bot)")
    demo.add_argument("--backend", choices=["asyncio", "trio"], default="asyncio")
    loop = sub.add_parser("loopback", help="the loopback IM cloud")
    loop_sub = loop.add_subparsers(dest="action", required=True)
    serve = loop_sub.add_parser(
        "serve",
        help="run the loopback IM cloud until Ctrl-C (for bots and tests in other processes)",
        description="Run the loopback IM cloud until SIGINT/SIGTERM. It prints the address it "
        "listens on (stdout's first line), then what to paste into another process (stderr).",
    )
    _add_serve_options(serve)
    us = sub.add_parser("usersig", help="generate a UserSig (TLS sig v2)")
    us.add_argument("--app-id", type=int, required=True)
    us.add_argument("--secret-key", required=True)
    us.add_argument("--user", required=True)
    us.add_argument("--expire", type=int, default=180 * 86400)
    doc = sub.add_parser("doctor", help="load an SDK and report its version and symbols")
    doc.add_argument(
        "--sdk", help="path of the SDK library (default: AIOTIM_SDK_PATH, else the loopback SDK)"
    )
    doc.add_argument("--init", action="store_true", help="also TIMInit/TIMUninit it once")
    args = parser.parse_args(argv)
    if args.command == "loopback":
        return _serve(serve, args)
    if args.command == "demo":
        return _demo(args)
    if args.command == "usersig":
        return _usersig(args)
    return _doctor(args)


if __name__ == "__main__":
    sys.exit(main())
