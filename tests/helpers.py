"""Test helpers: a loopback cloud and logged-in clients that close what they create."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import anyio

import aiotim
from aiotim.loopback import Cloud

APP_ID = 1400000123
SECRET = "test-secret-key"


@asynccontextmanager
async def cloud_and_clients(*users: str) -> AsyncIterator[tuple[Cloud, list[aiotim.Client]]]:
    """A cloud and one logged-in client per user name, all closed on exit."""
    async with AsyncExitStack() as stack:
        cloud = await stack.enter_async_context(Cloud(APP_ID, SECRET))
        clients = []
        for user in users:
            client = await stack.enter_async_context(cloud.client())
            with anyio.fail_after(10):
                await client.login(user, cloud.user_sig(user))
            clients.append(client)
        yield cloud, clients


async def next_item(stream: aiotim.Stream[object], timeout: float = 10) -> object:
    """The stream's next item, failing the test after ``timeout`` seconds."""
    with anyio.fail_after(timeout):
        return await stream.__anext__()
