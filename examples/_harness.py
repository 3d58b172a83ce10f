"""What every example shares: where its bot connects, and a scripted peer for a dry run.

``python examples/echo.py`` with nothing set runs the bot against an embedded loopback cloud,
plays the example's short scripted conversation against it (printing it), and exits. To keep
a bot running for you to talk to, point it at a cloud instead:

- a loopback cloud in another process (``aiotim loopback serve --console`` prints the lines):
  ``AIOTIM_LOOPBACK_ADDRESS``, ``AIOTIM_SDK_APP_ID`` and ``AIOTIM_SECRET_KEY`` (the bot makes
  its own UserSig from it);
- Tencent's cloud: ``AIOTIM_SDK_PATH`` (the real ``libImSDK.so``), ``AIOTIM_SDK_APP_ID`` and
  ``AIOTIM_USER_SIG`` (made on your server).

Ctrl-C stops it with one line (``aiotim.run``). ``AIOTIM_BACKEND=trio`` runs it on trio.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack

import anyio

import aiotim
import aiotim.loopback
from aiotim.loopback import Cloud
from aiotim.usersig import gen_user_sig

#: ``await peer("alice")``: a client logged in as alice on the embedded cloud
Peer = Callable[[str], Awaitable[aiotim.Client]]
#: what a bot does once logged in, before it serves (e.g. create its group)
Setup = Callable[[aiotim.Client], Awaitable[None]]
#: the scripted conversation of a dry run
Demo = Callable[[Peer], Awaitable[None]]

APP_ID = 1400000001
SECRET = "example-secret"


def main(
    router: aiotim.Router,
    bot_id: str,
    demo: Demo,
    *,
    setup: Setup | None = None,
) -> None:
    """Run the example's bot: see this module's docstring."""
    backend = os.environ.get("AIOTIM_BACKEND", "asyncio")
    aiotim.run(_main, router, bot_id, demo, setup, backend=backend)


async def _main(router: aiotim.Router, bot_id: str, demo: Demo, setup: Setup | None) -> None:
    if os.environ.get("AIOTIM_LOOPBACK_ADDRESS") or os.environ.get("AIOTIM_SDK_PATH"):
        await serve_forever(router, bot_id, setup)
    else:
        await dry_run(router, bot_id, demo, setup)


async def serve_forever(router: aiotim.Router, bot_id: str, setup: Setup | None) -> None:
    """Serve the bot on the cloud the environment names, until Ctrl-C."""
    app_id = int(os.environ["AIOTIM_SDK_APP_ID"])
    if os.environ.get("AIOTIM_LOOPBACK_ADDRESS"):
        client = aiotim.loopback.connect()
        user_sig = gen_user_sig(app_id, os.environ["AIOTIM_SECRET_KEY"], bot_id)
    else:
        client = aiotim.Client(app_id)  # the library from AIOTIM_SDK_PATH
        user_sig = os.environ["AIOTIM_USER_SIG"]
    client.include(router)
    async with client:
        await client.login(bot_id, user_sig)
        if setup is not None:
            await setup(client)
        print(f"{bot_id} is online; Ctrl-C stops it", flush=True)
        await client.serve()


async def dry_run(router: aiotim.Router, bot_id: str, demo: Demo, setup: Setup | None) -> None:
    """The bot on an embedded loopback cloud, and the example's scripted peers against it."""
    async with Cloud(APP_ID, SECRET) as cloud, cloud.client() as bot:
        await bot.login(bot_id, cloud.user_sig(bot_id))
        if setup is not None:
            await setup(bot)
        bot.include(router)

        async with anyio.create_task_group() as tg, AsyncExitStack() as peers:
            # the peers' clients are opened and closed inside the task group's scope

            async def peer(user_id: str) -> aiotim.Client:
                client = await peers.enter_async_context(cloud.client())
                await client.login(user_id, cloud.user_sig(user_id))
                return client

            tg.start_soon(bot.serve)
            await demo(peer)
            tg.cancel_scope.cancel()


def say(who: str, text: str | None) -> None:
    """Print one line of a dry run's conversation."""
    print(f"{who:>10}: {text}", flush=True)
