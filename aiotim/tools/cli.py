"""The ``aiotim`` command: ``demo``, ``loopback serve``, ``usersig``, ``doctor``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _demo(args: argparse.Namespace) -> int:
    import anyio

    from aiotim.tools.demo import run_demo

    return anyio.run(run_demo, backend=args.backend)


def _serve(args: argparse.Namespace, rest: list[str]) -> int:
    from aiotim.loopback.cloud.serve import main as serve_main

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
    loop.add_argument("action", choices=["serve"])
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
        return _serve(args, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "demo":
        return _demo(args)
    if args.command == "usersig":
        return _usersig(args)
    return _doctor(args)


if __name__ == "__main__":
    sys.exit(main())
