"""The public API end to end on the loopback: native SDK (C) ⇄ loopback cloud, both backends."""

from __future__ import annotations

import logging
from typing import Any

import anyio
import orjson
import pytest

import aiotim
from aiotim.loopback import Cloud
from tests.helpers import APP_ID, SECRET, cloud_and_clients, next_item

pytestmark = pytest.mark.anyio


class TestLifecycle:
    async def test_client_reports_version_status_and_user(self) -> None:
        """sdk_version, login_status and user_id follow login and logout."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client() as client:
            assert client.sdk_version.startswith("8.0.5903")
            assert client.login_status is aiotim.LoginStatus.LOGGED_OUT
            assert client.user_id is None
            await client.login("alice", cloud.user_sig("alice"))
            assert client.login_status is aiotim.LoginStatus.LOGGED_IN
            assert client.user_id == "alice"
            await client.logout()
            assert client.login_status is aiotim.LoginStatus.LOGGED_OUT
            assert client.user_id is None

    async def test_network_stream_shows_connecting_then_connected(self) -> None:
        """The first network events are connecting, then connected (kept until claimed)."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client() as client:
            stream = client.network_status()
            first = await next_item(stream)
            assert isinstance(first, aiotim.NetworkStatusChanged)
            assert first.status is aiotim.NetworkStatus.CONNECTING
            second = await next_item(stream)
            assert isinstance(second, aiotim.NetworkStatusChanged)
            assert second.status is aiotim.NetworkStatus.CONNECTED

    async def test_wrong_user_sig_raises_invalid_user_sig(self) -> None:
        """A UserSig made with another key fails with InvalidUserSig and never shows the sig."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client() as client:
            bad = aiotim.usersig.gen_user_sig(APP_ID, "another-key", "alice")
            with pytest.raises(aiotim.InvalidUserSig) as info:
                await client.login("alice", bad)
            assert bad not in str(info.value)
            assert info.value.code != 0

    async def test_expired_user_sig_raises_with_70001(self) -> None:
        """An expired UserSig fails with the server's 70001."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client() as client:
            old = aiotim.usersig.gen_user_sig(APP_ID, SECRET, "alice", expire=10, now=1_000_000)
            with pytest.raises(aiotim.InvalidUserSig) as info:
                await client.login("alice", old)
            assert info.value.code == 70001

    async def test_using_a_closed_client_raises_client_closed(self) -> None:
        """Calls on a closed client raise ClientClosed, and its streams end."""
        async with Cloud(APP_ID, SECRET) as cloud:
            client = cloud.client()
            async with client:
                stream = client.new_messages()
            with pytest.raises(aiotim.ClientClosed):
                await client.send_text(aiotim.C2C("bob"), "hi")
            with pytest.raises(StopAsyncIteration):
                await stream.__anext__()


class TestMessages:
    async def test_send_text_returns_the_stored_message_and_peer_receives_it(self) -> None:
        """The sender gets id/seq/time; the receiver's stream yields the same message."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.new_messages()
            sent = await alice.send_text(aiotim.C2C("bob"), "hello bob")
            assert sent.id and sent.seq > 0 and sent.server_time > 0
            assert sent.text == "hello bob" and sent.is_self and sent.sender == "alice"
            assert sent.conv == aiotim.C2C("bob")
            got = await next_item(inbox)
            assert isinstance(got, aiotim.Message)
            assert (got.id, got.seq, got.text, got.sender) == (
                sent.id,
                sent.seq,
                "hello bob",
                "alice",
            )
            assert got.conv == aiotim.C2C("alice") and not got.is_self

    async def test_send_custom_keeps_data_description_and_extension(self) -> None:
        """A custom message arrives with its three fields and no text."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.new_messages()
            await alice.send_custom(aiotim.C2C("bob"), '{"op":1}', description="d", extension="e")
            got = await next_item(inbox)
            assert isinstance(got, aiotim.Message)
            assert got.text is None
            assert got.elems == (aiotim.CustomElem('{"op":1}', "d", "e"),)

    async def test_offline_messages_reach_a_stream_created_after_login(self) -> None:
        """Messages sent while bob was offline arrive, in order, on a stream made after login."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client() as alice:
            await alice.login("alice", cloud.user_sig("alice"))
            for i in range(5):
                await alice.send_text(aiotim.C2C("bob"), f"m{i}")
            async with cloud.client() as bob:
                await bob.login("bob", cloud.user_sig("bob"))
                await anyio.sleep(0.2)  # the offline messages are delivered meanwhile
                inbox = bob.new_messages()
                texts = [(await next_item(inbox)).text for _ in range(5)]  # type: ignore[attr-defined]
                assert texts == [f"m{i}" for i in range(5)]

    async def test_10000_messages_arrive_exactly_once_in_order(self) -> None:
        """10,000 messages from a peer arrive once each, in the order they were sent."""
        n = 10_000
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.new_messages(sender="alice")

            async def send_all() -> None:
                for i in range(n):
                    await alice.send_text(aiotim.C2C("bob"), str(i))

            got: list[int] = []
            with anyio.fail_after(120):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(send_all)
                    async for msg in inbox:
                        got.append(int(msg.text or "-1"))
                        if len(got) == n:
                            break
            assert got == list(range(n))
            with anyio.move_on_after(0.3):
                extra = await inbox.__anext__()
                pytest.fail(f"a duplicate arrived: {extra}")

    async def test_history_is_newest_first_and_pages_with_before(self) -> None:
        """get_history returns the newest messages first, and `before` continues older."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, _bob)):
            for i in range(5):
                await alice.send_text(aiotim.C2C("bob"), f"h{i}")
            page = await alice.get_history(aiotim.C2C("bob"), count=3)
            assert [m.text for m in page] == ["h4", "h3", "h2"]
            older = await alice.get_history(aiotim.C2C("bob"), count=3, before=page[-1])
            assert [m.text for m in older] == ["h1", "h0"]

    async def test_conversations_have_unread_counts_and_last_message(self) -> None:
        """bob's conversation with alice shows 2 unread and the last message."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            changes = bob.conversation_changes()
            await alice.send_text(aiotim.C2C("bob"), "one")
            await alice.send_text(aiotim.C2C("bob"), "two")
            change = await next_item(changes)
            assert isinstance(change, aiotim.ConversationChanged)
            assert change.conversation.conv == aiotim.C2C("alice")
            convs = await bob.conversations()
            [conv] = [c for c in convs if c.conv == aiotim.C2C("alice")]
            assert conv.unread_count == 2
            assert conv.last_message is not None and conv.last_message.text == "two"

    async def test_stream_filters(self) -> None:
        """new_messages(text=..., where=...) yields only matching messages."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            only_ping = bob.new_messages(text=r"^ping", where=lambda m: m.sender == "alice")
            for text in ("hello", "ping 1", "nope", "ping 2"):
                await alice.send_text(aiotim.C2C("bob"), text)
            assert (await next_item(only_ping)).text == "ping 1"  # type: ignore[attr-defined]
            assert (await next_item(only_ping)).text == "ping 2"  # type: ignore[attr-defined]


class TestCallMechanics:
    async def test_cancelled_call_leaves_nothing_behind(self) -> None:
        """A call cancelled mid-flight frees its slot; its late result is dropped and counted."""
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            cloud.delay = 0.3
            with anyio.move_on_after(0.05):
                await alice.send_text(aiotim.C2C("bob"), "slow")
            assert alice.stats()["pending"] == 0
            cloud.delay = 0
            await anyio.sleep(0.6)
            assert alice.stats()["dropped_late"] == 1
            msg = await alice.send_text(aiotim.C2C("bob"), "still works")
            assert msg.text == "still works"

    async def test_cancelled_single_shot_call_raw_leaves_nothing_behind(self) -> None:
        """The same for a single-shot call_raw (asyncio's fast path: a bare future slot)."""
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            cloud.delay = 0.3
            with anyio.move_on_after(0.05):
                await alice.call_raw("TIMConvGetConvList")
            assert alice.stats()["pending"] == 0
            cloud.delay = 0
            await anyio.sleep(0.6)
            assert alice.stats()["dropped_late"] == 1
            assert isinstance(await alice.call_raw("TIMConvGetConvList"), list)

    async def test_single_shot_call_raw_takes_the_fast_path_on_each_backend(
        self, anyio_backend: str
    ) -> None:
        """While a single-shot call_raw waits, its entry is (slot, function, no multi-shot
        state): an asyncio future, or a TrioSlot on trio; the result still arrives."""
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            cloud.delay = 0.2
            seen: list[Any] = []
            async with anyio.create_task_group() as tg:

                async def call() -> None:
                    seen.append(await alice.call_raw("TIMConvGetConvList"))

                tg.start_soon(call)
                await anyio.sleep(0.05)
                [entry] = alice._native.pending._calls.values()
                assert entry[1] == "TIMConvGetConvList" and entry[2] is None
                expected = "TrioSlot" if anyio_backend == "trio" else "Future"
                assert type(entry[0]).__name__ == expected
            assert isinstance(seen[0], list)
            assert alice.stats()["pending"] == 0

    async def test_close_wakes_a_waiting_single_shot_call(self) -> None:
        """Closing the client while a call_raw waits: it raises ClientClosed, naming the call."""
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            cloud.delay = 5
            raised: list[BaseException] = []

            async def waiter() -> None:
                try:
                    await alice.call_raw("TIMConvGetConvList")
                except aiotim.ClientClosed as exc:
                    raised.append(exc)

            async with anyio.create_task_group() as tg:
                tg.start_soon(waiter)
                await anyio.sleep(0.05)
                alice._close_native()
            assert raised and "TIMConvGetConvList" in str(raised[0])
            cloud.delay = 0

    async def test_nonzero_timresult_raises_without_waiting(self) -> None:
        """Invalid JSON is refused by the SDK's return code (-3) before any callback."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            with anyio.fail_after(1), pytest.raises(aiotim.TIMError) as info:
                await alice.call_raw("TIMMsgGetMsgList", "bob", 1, "{not json")
            assert info.value.code == -3
            assert info.value.name == "TIM_ERR_JSON"
            assert alice.stats()["pending"] == 0

    async def test_callback_fired_inside_the_call_still_resolves(self) -> None:
        """Sending before login: the SDK calls back with 6013 inside the C call; it raises."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client() as client:
            with anyio.fail_after(2), pytest.raises(aiotim.NotInitialized) as info:
                await client.send_text(aiotim.C2C("bob"), "too early")
            assert info.value.code == 6013

    async def test_set_config_synchronous_callback_is_decoded(self) -> None:
        """TIMSetConfig calls back on the calling thread; call_raw returns its JSON."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client() as client:
            config = await client.call_raw(
                "TIMSetConfig", orjson.dumps({"set_config_log_level": 4})
            )
            assert isinstance(config, dict)

    async def test_conversations_before_login_raise_not_logged_in(self) -> None:
        """conversations() before login fails with 6014, like the real SDK."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client() as client:
            with pytest.raises(aiotim.NotLoggedIn) as info:
                await client.conversations()
            assert info.value.code == 6014

    async def test_embedded_nul_in_a_c_string_is_a_value_error(self) -> None:
        """A C string argument with NUL cannot cross into C: ValueError, nothing pending."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            with pytest.raises(ValueError, match="NUL"):
                await alice.call_raw("TIMMsgGetMsgList", "bo\0b", 1, "{}")
            with pytest.raises(ValueError, match="NUL"):
                aiotim.C2C("bo\0b")
            assert alice.stats()["pending"] == 0

    async def test_nul_inside_message_text_round_trips(self) -> None:
        """Text travels inside JSON (escaped), so a NUL in it arrives intact."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.new_messages()
            await alice.send_text(aiotim.C2C("bob"), "a\0b")
            assert (await next_item(inbox)).text == "a\0b"  # type: ignore[attr-defined]


class TestEvents:
    async def test_second_login_kicks_the_first_client(self) -> None:
        """The same user logging in elsewhere: the first client gets KickedOffline."""
        async with cloud_and_clients("alice") as (cloud, (first,)):
            kicked = first.kicked_offline()
            async with cloud.client() as second:
                await second.login("alice", cloud.user_sig("alice"))
                assert isinstance(await next_item(kicked), aiotim.KickedOffline)
                await anyio.sleep(0.05)
                assert first.login_status is aiotim.LoginStatus.LOGGED_OUT

    async def test_user_sig_expiry_arrives_as_an_event(self) -> None:
        """A UserSig that expires while logged in yields UserSigExpired."""
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            expired = alice.user_sig_expired()
            await cloud.expire_user_sig("alice")
            assert isinstance(await next_item(expired), aiotim.UserSigExpired)

    async def test_cloud_restart_shows_disconnect_then_reconnect_and_messaging_resumes(
        self,
    ) -> None:
        """Stopping and restarting the cloud: disconnected, then connected; sends work again."""
        async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
            net = alice.network_status()
            while (await next_item(net)).status is not aiotim.NetworkStatus.CONNECTED:  # type: ignore[attr-defined]
                pass
            await cloud.stop()
            ev = await next_item(net)
            assert ev.status is aiotim.NetworkStatus.DISCONNECTED  # type: ignore[attr-defined]
            await cloud.start()
            while (await next_item(net)).status is not aiotim.NetworkStatus.CONNECTED:  # type: ignore[attr-defined]
                pass
            inbox = bob.new_messages()
            with anyio.fail_after(10):
                while True:
                    try:
                        await alice.send_text(aiotim.C2C("bob"), "after restart")
                        break
                    except aiotim.TIMError:
                        await anyio.sleep(0.1)  # bob's SDK may still be reconnecting
            assert (await next_item(inbox)).text == "after restart"  # type: ignore[attr-defined]

    async def test_malformed_payloads_are_reported_and_the_stream_goes_on(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Invalid UTF-8 and malformed JSON are logged and counted; the next message arrives."""
        async with cloud_and_clients("bob") as (cloud, (bob,)):
            inbox = bob.new_messages()
            good: dict[str, Any] = {
                "message_msg_id": "x-1",
                "message_conv_id": "alice",
                "message_conv_type": 1,
                "message_sender": "alice",
                "message_seq": 1,
                "message_elem_array": [{"elem_type": 0, "text_elem_content": "fine"}],
            }
            with caplog.at_level(logging.ERROR, logger="aiotim.events"):
                await cloud.emit("bob", "TIMAddRecvNewMsgCallback", b"[\xff\xfe]")
                await cloud.emit("bob", "TIMAddRecvNewMsgCallback", b"[{not json")
                await cloud.emit("bob", "TIMAddRecvNewMsgCallback", orjson.dumps([good]))
                msg = await next_item(inbox)
            assert msg.text == "fine"  # type: ignore[attr-defined]
            assert bob.stats()["payload_errors"]["TIMAddRecvNewMsgCallback"] == 2
            assert sum("malformed" in r.getMessage() for r in caplog.records) == 2

    async def test_unclaimed_events_are_bounded_and_counted(self) -> None:
        """With no stream, at most `unclaimed_limit` events are kept; the drops are counted."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client(unclaimed_limit=3) as bob:
            await bob.login("bob", cloud.user_sig("bob"))
            for i in range(5):
                await cloud.emit("bob", "TIMSetConvTotalUnreadMessageCountChangedCallback", i)
            await anyio.sleep(0.2)
            stream = bob.unread_total()
            got = [(await next_item(stream)).total for _ in range(3)]  # type: ignore[attr-defined]
            assert got == [2, 3, 4]
            assert (
                bob.stats()["unclaimed_dropped"]["TIMSetConvTotalUnreadMessageCountChangedCallback"]
                == 2
            )

    async def test_a_bad_unclaimed_limit_is_refused_before_anything_loads(self) -> None:
        """unclaimed_limit=-1 is a ValueError from the constructor (not SDKNotFound for the
        missing library it would otherwise load)."""
        with pytest.raises(ValueError, match=r"unclaimed_limit must be a whole number.*-1"):
            aiotim.Client(APP_ID, sdk="/nonexistent/libImSDK.so", unclaimed_limit=-1)

    async def test_an_unclaimed_limit_of_0_keeps_nothing_for_a_late_stream(self) -> None:
        """With unclaimed_limit=0, events before the first stream of their kind are dropped
        and counted (no error), and a stream opened later gets the ones after it."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client(unclaimed_limit=0) as bob:
            await bob.login("bob", cloud.user_sig("bob"))
            for i in range(3):
                await cloud.emit("bob", "TIMSetConvTotalUnreadMessageCountChangedCallback", i)
            kind = "TIMSetConvTotalUnreadMessageCountChangedCallback"
            with anyio.fail_after(5):
                while bob.stats()["unclaimed_dropped"].get(kind, 0) < 3:
                    await anyio.sleep(0.01)
            stream = bob.unread_total()
            await cloud.emit("bob", kind, 42)
            assert (await next_item(stream)).total == 42  # type: ignore[attr-defined]
            assert bob.stats()["unclaimed_dropped"][kind] == 3

    async def test_fan_out_every_stream_gets_every_event(self) -> None:
        """Two streams of one kind both get every message, in order."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            a, b = bob.new_messages(), bob.new_messages()
            for i in range(3):
                await alice.send_text(aiotim.C2C("bob"), str(i))
            for s in (a, b):
                assert [(await next_item(s)).text for _ in range(3)] == ["0", "1", "2"]  # type: ignore[attr-defined]

    async def test_break_ends_the_stream_and_unsubscribes(self) -> None:
        """Leaving `async for` with break, then dropping the stream, unsubscribes it."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            await alice.send_text(aiotim.C2C("bob"), "x")
            async for _ in bob.new_messages():
                break
            import gc

            gc.collect()
            assert bob._hub.stream_count("TIMAddRecvNewMsgCallback") == 0
