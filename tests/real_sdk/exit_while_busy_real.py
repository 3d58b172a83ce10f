"""Run by test_real_sdk.py in a subprocess: exit while the real SDK is busy.

The SDK has a login pending (it waits ~30 s for a network that never comes), a logout queued
behind it, and its network thread retrying, when the process exits:

- ``leak`` (asyncio): the client is entered but never exited; the atexit hook must uninitialise
  the SDK.
- ``exit``: ``sys.exit(0)`` is raised inside the ``async with`` block.

Either way the process must exit 0, without a crash or a hang. Like every loader of the real
SDK, it refuses (exit status 3, before loading anything) when the process can reach a network.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aiotim.tools.netguard import isolation_problem

APP_ID = 1400000000


async def make_busy(client: object) -> None:
    import anyio

    import aiotim

    assert isinstance(client, aiotim.Client)
    network = client.network_status()
    with anyio.fail_after(10):
        async for event in network:  # the network thread has tried and failed: it retries
            if event.status is aiotim.NetworkStatus.CONNECT_FAILED:
                break
    with anyio.move_on_after(0.2):  # the SDK keeps logging in after the caller gave up
        await client.login("alice", "not-a-real-sig")
    with anyio.move_on_after(0):  # and queues a logout behind that login
        await client.logout()
    assert client.login_status is aiotim.LoginStatus.LOGGING_IN


async def leak(sdk: Path, data_dir: Path) -> None:
    import aiotim

    client = aiotim.Client(APP_ID, sdk=sdk, data_dir=data_dir)
    await client.__aenter__()
    await make_busy(client)


async def exit_inside(sdk: Path, data_dir: Path) -> None:
    import aiotim

    async with aiotim.Client(APP_ID, sdk=sdk, data_dir=data_dir) as client:
        await make_busy(client)
        sys.exit(0)


if __name__ == "__main__":
    problem = isolation_problem()
    if problem is not None:
        print(f"refusing to load the real SDK: {problem}", file=sys.stderr)
        sys.exit(3)
    import anyio

    mode, backend, sdk_path, data = sys.argv[1:5]
    main = leak if mode == "leak" else exit_inside
    anyio.run(main, Path(sdk_path), Path(data), backend=backend)
    print("exiting with the SDK busy", flush=True)
