"""Bot helpers on the loopback: wait_for, conversation().ask, and @on handlers with serve()."""

from __future__ import annotations

import logging

import anyio
import orjson
import pytest

import aiotim
from tests.helpers import cloud_and_clients

pytestmark = pytest.mark.anyio


class TestWaitFor:
    async def test_subscribes_at_the_call_not_at_the_await(self) -> None:
        """A message that arrives between wait_for() and await is not missed."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            waiter = bob.wait_for(aiotim.Message, check=lambda m: m.text == "two", timeout=10)
            await alice.send_text(aiotim.C2C("bob"), "one")
            await alice.send_text(aiotim.C2C("bob"), "two")
            await anyio.sleep(0.2)  # both delivered before anyone awaits
            msg = await waiter
            assert msg.text == "two"

    async def test_timeout_raises_and_unsubscribes(self) -> None:
        """Nothing matching within the timeout: TimeoutError, and no stream is left."""
        async with cloud_and_clients("bob") as (_, (bob,)):
            with pytest.raises(TimeoutError):
                await bob.wait_for(aiotim.KickedOffline, timeout=0.1)
            assert bob._hub.stream_count("TIMSetKickedOfflineCallback") == 0

    async def test_ambiguous_or_unknown_types_are_refused(self) -> None:
        """A type outside the catalog is a KeyError naming it."""
        async with cloud_and_clients("bob") as (_, (bob,)):
            with pytest.raises(KeyError, match="int"):
                bob.wait_for(int)


class TestConversation:
    async def test_ask_gets_the_fast_reply(self) -> None:
        """ask() subscribes before sending, so an immediate reply is never missed."""
        async with cloud_and_clients("alice", "bot") as (_, (alice, bot)):

            @bot.on(aiotim.Message, text=r"^\d+$")
            async def double(msg: aiotim.Message) -> None:
                assert isinstance(msg.conv, aiotim.C2C)
                await bot.send_text(msg.conv, str(2 * int(msg.text or "0")))

            async with anyio.create_task_group() as tg:
                tg.start_soon(bot.serve)
                async with alice.conversation(aiotim.C2C("bot")) as c:
                    for n in range(5):
                        reply = await c.ask(str(n), timeout=10)
                        assert reply.text == str(2 * n)
                        assert reply.sender == "bot"
                tg.cancel_scope.cancel()


class TestHandlers:
    async def test_serial_per_conversation_concurrent_across(self) -> None:
        """Handlers never overlap within a conversation, do overlap across two, keep order."""
        async with cloud_and_clients("alice", "carol", "bot") as (_, (alice, carol, bot)):
            running: dict[str, int] = {"alice": 0, "carol": 0}
            max_in_conv = {"alice": 0, "carol": 0}
            overlap_seen = False
            order: dict[str, list[str]] = {"alice": [], "carol": []}
            done = anyio.Event()

            @bot.on(aiotim.Message)
            async def slow(msg: aiotim.Message) -> None:
                nonlocal overlap_seen
                running[msg.sender] += 1
                max_in_conv[msg.sender] = max(max_in_conv[msg.sender], running[msg.sender])
                if all(running.values()):
                    overlap_seen = True
                await anyio.sleep(0.02)
                order[msg.sender].append(msg.text or "")
                running[msg.sender] -= 1
                if sum(map(len, order.values())) == 10:
                    done.set()

            async with anyio.create_task_group() as tg:
                tg.start_soon(bot.serve)
                for i in range(5):
                    await alice.send_text(aiotim.C2C("bot"), f"a{i}")
                    await carol.send_text(aiotim.C2C("bot"), f"c{i}")
                with anyio.fail_after(10):
                    await done.wait()
                await anyio.sleep(0.05)
                assert bot._bot._conv_queues == {}  # idle conversations are freed
                tg.cancel_scope.cancel()
            assert max_in_conv == {"alice": 1, "carol": 1}
            assert overlap_seen
            assert order == {
                "alice": [f"a{i}" for i in range(5)],
                "carol": [f"c{i}" for i in range(5)],
            }

    async def test_a_failing_handler_is_logged_counted_and_serving_goes_on(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """An exception in a handler is logged with context and counted; the next event runs."""
        async with cloud_and_clients("alice", "bot") as (_, (alice, bot)):
            handled: list[str] = []

            @bot.on(aiotim.Message)
            async def flaky(msg: aiotim.Message) -> None:
                if msg.text == "boom":
                    raise RuntimeError("handler bug")
                handled.append(msg.text or "")

            with caplog.at_level(logging.ERROR, logger="aiotim.bot"):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(bot.serve)
                    await alice.send_text(aiotim.C2C("bot"), "boom")
                    await alice.send_text(aiotim.C2C("bot"), "fine")
                    with anyio.fail_after(10):
                        while handled != ["fine"]:
                            await anyio.sleep(0.01)
                    tg.cancel_scope.cancel()
            assert bot.handler_errors == 1
            [record] = [r for r in caplog.records if "flaky" in r.getMessage()]
            assert "C2C('alice')" in record.getMessage()

    async def test_serve_ends_when_the_client_closes(self) -> None:
        """serve() returns by itself once the client is closed (its streams end)."""
        async with cloud_and_clients() as (cloud, _):
            bot = cloud.client()
            with anyio.fail_after(10):
                async with anyio.create_task_group() as tg, bot:
                    await bot.login("bot", cloud.user_sig("bot"))

                    @bot.on(aiotim.Message)
                    async def noop(msg: aiotim.Message) -> None:
                        pass

                    tg.start_soon(bot.serve)
                    await anyio.sleep(0.05)

    async def test_message_filters_on_other_events_are_refused(self) -> None:
        """conv=/sender=/text= only make sense for messages."""
        async with cloud_and_clients("bot") as (_, (bot,)):
            with pytest.raises(TypeError, match="where="):
                bot.on(aiotim.KickedOffline, sender="x")


class TestConcurrencyBound:
    async def test_max_concurrency_bounds_handlers_across_conversations(self) -> None:
        """Six conversations, max_concurrency=2: at most two handlers run at once (and two do)."""
        async with cloud_and_clients("bot") as (cloud, (bot,)):
            running = peak = handled = 0
            done = anyio.Event()

            @bot.on(aiotim.Message)
            async def slow(msg: aiotim.Message) -> None:
                nonlocal running, peak, handled
                running += 1
                peak = max(peak, running)
                await anyio.sleep(0.03)
                running -= 1
                handled += 1
                if handled == 6:
                    done.set()

            batch = [
                {
                    "message_msg_id": f"m{i}",
                    "message_conv_id": f"user{i}",
                    "message_conv_type": 1,
                    "message_sender": f"user{i}",
                    "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
                }
                for i in range(6)
            ]
            async with anyio.create_task_group() as tg:
                tg.start_soon(lambda: bot.serve(max_concurrency=2))
                await cloud.emit("bot", "TIMAddRecvNewMsgCallback", orjson.dumps(batch))
                with anyio.fail_after(10):
                    await done.wait()
                tg.cancel_scope.cancel()
            assert peak == 2
