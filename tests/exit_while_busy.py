"""Run by test_exit.py in a subprocess: exit while SDK threads are busy.

Two clients of one loopback cloud; one SDK's thread is firing a firehose of new-message
callbacks into the relay, and a few sends are in flight, when the process exits:

- ``leak`` (asyncio): the clients are entered but never exited; the atexit hook must
  uninitialise the SDKs.
- ``exit``: ``sys.exit(0)`` is raised inside the ``async with`` blocks.

Either way the process must exit 0, without a crash or a hang.
"""

from __future__ import annotations

import sys
from contextlib import AsyncExitStack

import anyio

import aiotim
from aiotim.loopback import Cloud

PAYLOAD = (
    b'[{"message_msg_id":"f","message_conv_id":"alice","message_conv_type":1,'
    b'"message_elem_array":[{"elem_type":0,"text_elem_content":"x"}]}]'
)


async def make_busy(cloud: Cloud, alice: aiotim.Client, bob: aiotim.Client) -> None:
    await alice.login("alice", cloud.user_sig("alice"))
    await bob.login("bob", cloud.user_sig("bob"))
    await bob.call_raw("TIMLoopbackFirehose", 1_000_000, PAYLOAD)
    with anyio.fail_after(10):
        while not bob.stats()["relay_pushed"]:  # the firehose thread is running
            await anyio.sleep(0.001)
    for i in range(20):  # results still in flight at exit
        with anyio.move_on_after(0):
            await alice.send_text(aiotim.C2C("bob"), str(i))


async def leak() -> None:
    cloud = Cloud(1400000123, "k")
    await cloud.__aenter__()
    alice, bob = cloud.client(), cloud.client()
    await alice.__aenter__()
    await bob.__aenter__()
    await make_busy(cloud, alice, bob)


async def exit_inside() -> None:
    async with AsyncExitStack() as stack:
        cloud = await stack.enter_async_context(Cloud(1400000123, "k"))
        alice = await stack.enter_async_context(cloud.client())
        bob = await stack.enter_async_context(cloud.client())
        await make_busy(cloud, alice, bob)
        sys.exit(0)


if __name__ == "__main__":
    mode, backend = sys.argv[1], sys.argv[2]
    anyio.run(leak if mode == "leak" else exit_inside, backend=backend)
    print("exiting with SDK threads busy", flush=True)
