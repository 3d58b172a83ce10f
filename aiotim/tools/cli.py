"""The ``aiotim`` command: ``demo``, ``loopback serve``, ``usersig``, ``doctor``."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from typing import TextIO

from aiotim.loopback import ENV_ADDRESS, ENV_APP_ID
from aiotim.loopback.cloud.address import parse_address

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    import anyio

    from aiotim.tools.demo import run_demo

    return anyio.run(run_demo, backend=args.backend)


def paste_lines(address: str, sdk_app_id: int | None) -> list[str]:
    """What ``aiotim loopback serve`` tells the user to paste elsewhere, once listening."""
    app = str(sdk_app_id) if sdk_app_id is not None else "SDK_APP_ID"
    return [
        f"aiotim loopback serve: listening on {address} for SDKAppID {app} "
        "(Ctrl-C stops it). In another process:",
        f'    client = aiotim.loopback.connect("{address}", {app})',
        f"or, in its environment: {ENV_ADDRESS}={address} {ENV_APP_ID}={app}"
        " (then aiotim.loopback.connect())",
    ]


class _Announce(io.TextIOBase):
    """stdout for ``serve``: writes through, and once the first line (the address the cloud
    listens on, what scripts read) is out, tells people on stderr what to paste."""

    def __init__(self, target: TextIO, sdk_app_id: int | None) -> None:
        self._target = target
        self._app_id = sdk_app_id
        self._first = ""
        self._done = False

    def write(self, text: str) -> int:
        n = self._target.write(text)
        if not self._done:
            self._first += text
            if "\n" in self._first:
                self._done = True
                self._target.flush()
                address = self._first.split("\n", 1)[0].strip()
                try:
                    parse_address(address)
                except ValueError:  # not the address (the help, say): nothing to announce
                    return n
                for line in paste_lines(address, self._app_id):
                    print(line, file=sys.stderr, flush=True)
        return n

    def flush(self) -> None:
        self._target.flush()


def _serve(rest: list[str]) -> int:
    # The options are serve's own (aiotim.loopback.cloud.serve.main: --help lists them); only
    # --app-id is read here too, for the lines to paste.
    import contextlib

    from aiotim.loopback.cloud.serve import main as serve_main

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--app-id")
    known, _ = pre.parse_known_args(rest)
    app_id = int(known.app_id) if known.app_id and known.app_id.isdecimal() else None
    with contextlib.redirect_stdout(_Announce(sys.stdout, app_id)):
        return serve_main(rest)


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
    # Its options (and --help) are serve's own: everything after "serve" goes to it.
    loop_sub.add_parser(
        "serve",
        help="run the loopback IM cloud until Ctrl-C (for bots and tests in other processes); "
        "it prints the address, then what to paste into another process",
        add_help=False,
    )
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
    args, rest = parser.parse_known_args(argv)
    if args.command == "loopback":
        return _serve(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "demo":
        return _demo(args)
    if args.command == "usersig":
        return _usersig(args)
    return _doctor(args)


if __name__ == "__main__":
    sys.exit(main())
