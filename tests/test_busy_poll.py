"""``Client(busy_poll_s=)``: the pump keeps the event loop polling for a while after each batch
instead of letting it sleep until the relay's eventfd wakes it (aiotim._backends.run_pump).

What must hold: every event still arrives once and in order, other tasks still run while the
loop polls, the loop goes back to sleep once the window has passed without events, a cancelled
or closed client stops polling, and bad values are refused with a message naming the option.
CPU use is read from the loop thread's own clock (``time.thread_time``), which counts only the
time the thread ran: an idle loop uses well under a millisecond in half a second, a polling one
uses a large share of it. The margins are wide (no speed is asserted, only "sleeps" or "polls").
"""

from __future__ import annotations

import time

import anyio
import orjson
import pytest

import aiotim
from aiotim._native.loader import SDKSource
from aiotim.loopback.sdk import loopback_library_path
from aiotim.models.message import Message
from benchmarks.common import APP_ID, cloud_message

pytestmark = pytest.mark.anyio

PAYLOAD = orjson.dumps([cloud_message(0, text="hi")])


def _client(busy_poll_s: float) -> aiotim.Client:
    source = SDKSource(loopback_library_path(), private_copy=True)
    return aiotim.Client(APP_ID, sdk=source, busy_poll_s=busy_poll_s)


async def _cpu_while_sleeping(seconds: float) -> float:
    """The loop thread's CPU time while the calling task sleeps ``seconds``."""
    t0 = time.thread_time()
    await anyio.sleep(seconds)
    return time.thread_time() - t0


@pytest.mark.parametrize("value", [-0.001, 1.5, float("nan"), float("inf"), True, "0.001", None])
def test_bad_values_are_refused(value: object) -> None:
    """busy_poll_s outside 0..1 s, or not a number, is a ValueError naming the option and the
    value, raised by the constructor before anything is loaded."""
    with pytest.raises(ValueError, match=r"busy_poll_s must be a number of seconds from 0 to 1"):
        aiotim.Client(APP_ID, sdk="/nonexistent/libImSDK.so", busy_poll_s=value)  # type: ignore[arg-type]


async def test_every_event_arrives_in_order_while_polling() -> None:
    """A paced run of 2,000 events and an unpaced burst of 3,000 callbacks, through a polling
    pump: all arrive, once, in order, and nothing is left in the stream."""
    async with _client(0.05) as client:
        stream = client.new_messages()
        fire_paced = client._native.sdk.fn("TIMLoopbackFirehosePaced")
        payloads = [orjson.dumps([cloud_message(i, text=f"m{i}")]) for i in range(3)]
        assert fire_paced(2000, 20_000, payloads[0]) == 0
        with anyio.fail_after(30):
            for _ in range(2000):
                assert await stream.__anext__() == Message.from_json(orjson.loads(payloads[0])[0])
        assert await client.call_raw("TIMLoopbackFirehose", 3000, payloads[1]) == 0
        with anyio.fail_after(30):
            for _ in range(3000):
                assert await stream.__anext__() == Message.from_json(orjson.loads(payloads[1])[0])
        assert len(stream) == 0
        stream.close()


async def test_other_tasks_run_while_the_loop_polls() -> None:
    """While the pump polls (a window of a second after an event), a task that sleeps in short
    steps keeps being resumed: polling yields to the loop at every iteration."""
    async with _client(1.0) as client:
        stream = client.new_messages()
        assert await client.call_raw("TIMLoopbackFirehose", 1, PAYLOAD) == 0
        with anyio.fail_after(10):
            await stream.__anext__()
        steps = 0
        with anyio.fail_after(10):
            for _ in range(20):
                await anyio.sleep(0.005)
                steps += 1
        assert steps == 20
        stream.close()


async def test_the_loop_polls_within_the_window_and_sleeps_after_it() -> None:
    """With a window of 0.6 s: right after an event the loop thread runs while the test's task
    sleeps (it polls); once the window has passed without events, it uses next to no CPU
    (it sleeps). A second event starts the polling again."""
    async with _client(0.6) as client:
        stream = client.new_messages()
        for _ in range(2):
            assert await client.call_raw("TIMLoopbackFirehose", 1, PAYLOAD) == 0
            with anyio.fail_after(10):
                await stream.__anext__()
            polling = await _cpu_while_sleeping(0.3)
            await anyio.sleep(0.5)  # the window is over
            idle = await _cpu_while_sleeping(0.5)
            assert polling > 0.02, f"the loop did not poll: {polling:.4f} s of CPU in 0.3 s"
            assert idle < 0.02, f"the loop still polls: {idle:.4f} s of CPU in 0.5 s"
        stream.close()


async def test_the_default_does_not_poll() -> None:
    """busy_poll_s=0 (the default): right after an event, the loop sleeps."""
    async with _client(0.0) as client:
        stream = client.new_messages()
        assert await client.call_raw("TIMLoopbackFirehose", 1, PAYLOAD) == 0
        with anyio.fail_after(10):
            await stream.__anext__()
        idle = await _cpu_while_sleeping(0.5)
        assert idle < 0.02, f"the loop polls: {idle:.4f} s of CPU in 0.5 s"
        stream.close()


async def test_a_closed_client_stops_polling() -> None:
    """Closing a client in the middle of its window stops the polling with the pump: the loop
    sleeps afterwards (a second's window, closed at once after an event)."""
    async with _client(1.0) as client:
        stream = client.new_messages()
        assert await client.call_raw("TIMLoopbackFirehose", 1, PAYLOAD) == 0
        with anyio.fail_after(10):
            await stream.__anext__()
        stream.close()
    idle = await _cpu_while_sleeping(0.5)
    assert idle < 0.02, f"the loop still polls after the close: {idle:.4f} s of CPU in 0.5 s"
