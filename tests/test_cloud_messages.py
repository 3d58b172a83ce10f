"""Loopback cloud: C2C messages, offline delivery, history, conversations, unread, revoke."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from aiotim.loopback import Cloud
from tests.loopback_fake_sdk import FakeSDK, text

pytestmark = pytest.mark.anyio

APP = 1400000002
KEY = "loopback-test-key"
ADD, UPDATE = 0, 2


@pytest.fixture
async def cloud(anyio_backend: str) -> AsyncIterator[Cloud]:
    async with Cloud(APP, KEY) as c:
        yield c


def _text_of(msg: dict[str, Any]) -> str:
    elem = msg["message_elem_array"][0]
    assert elem["elem_type"] == 0
    content = elem["text_elem_content"]
    assert isinstance(content, str)
    return content


async def _login(cloud: Cloud, sdk: FakeSDK, user: str) -> None:
    assert (await sdk.login(user, cloud.user_sig(user)))[0] == 0


class TestSend:
    async def test_sender_result_is_the_stored_message(self, cloud: Cloud) -> None:
        """The sender's result is the full message object with server-assigned fields."""
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            msg_id = "00000000000000ab-1700000000-4242"
            param = {
                "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
                "message_custom_int": 7,
                "message_cloud_custom_str": "c",
            }
            code, _, msg = await alice.call(
                "TIMMsgSendMessage", "bob", 1, orjson.dumps(param), msg_id
            )
            assert code == 0
            assert isinstance(msg, dict)
            assert msg["message_msg_id"] == msg_id
            assert msg["message_rand"] == 4242  # the rand part of the SDK's id
            assert msg["message_seq"] == 1
            assert msg["message_status"] == 2
            assert msg["message_sender"] == "alice"
            assert msg["message_conv_id"] == "bob"
            assert msg["message_conv_type"] == 1
            assert msg["message_is_from_self"] is True
            assert msg["message_custom_int"] == 7  # local key: kept on the sender's copy
            assert msg["message_cloud_custom_str"] == "c"
            assert isinstance(msg["message_unique_id"], int)
            assert abs(msg["message_server_time"] - time.time()) < 60
            assert msg["message_elem_array"] == param["message_elem_array"]

    async def test_receiver_gets_it_from_its_point_of_view(self, cloud: Cloud) -> None:
        """An online receiver gets the message, its conversation (added) and unread count."""
        async with (
            FakeSDK.connect(cloud.address, APP) as alice,
            FakeSDK.connect(cloud.address, APP) as bob,
        ):
            await _login(cloud, alice, "alice")
            await _login(cloud, bob, "bob")
            code, _, sent = await alice.send_text("bob", "hello")
            assert code == 0
            (got,) = await bob.wait_messages(1)
            assert got["message_conv_id"] == "alice"
            assert got["message_is_from_self"] is False
            assert got["message_is_read"] is False
            assert got["message_custom_int"] == 0
            for key in (
                "message_msg_id",
                "message_seq",
                "message_rand",
                "message_server_time",
                "message_unique_id",
                "message_elem_array",
            ):
                assert got[key] == sent[key]
            await bob.wait_until(lambda: bob.total_unread() == 1)
            ((event, (conv,)),) = bob.conv_events()
            assert event == ADD
            assert conv["conv_id"] == "alice"
            assert conv["conv_unread_num"] == 1
            assert conv["conv_last_msg"]["message_msg_id"] == sent["message_msg_id"]
            await alice.wait_until(lambda: bool(alice.conv_events()))
            assert alice.conv_events()[0][0] == ADD

    async def test_custom_message(self, cloud: Cloud) -> None:
        """Custom elems travel unchanged."""
        async with (
            FakeSDK.connect(cloud.address, APP) as alice,
            FakeSDK.connect(cloud.address, APP) as bob,
        ):
            await _login(cloud, alice, "alice")
            await _login(cloud, bob, "bob")
            elem = {
                "elem_type": 3,
                "custom_elem_data": '{"k":1}',
                "custom_elem_desc": "d",
                "custom_elem_ext": "e",
            }
            param = orjson.dumps({"message_elem_array": [elem]})
            assert (await alice.call("TIMMsgSendNewMsg", "bob", 1, param))[0] == 0
            (got,) = await bob.wait_messages(1)
            assert got["message_elem_array"] == [elem]
            assert got["message_msg_id"]  # the cloud made one

    async def test_send_new_msg_ex_has_two_callbacks(self, cloud: Cloud) -> None:
        """TIMMsgSendNewMsgEx reports the id (slot 0), then the result (slot 1, final)."""
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            param = orjson.dumps(
                {"message_elem_array": [{"elem_type": 0, "text_elem_content": "x"}]}
            )
            req = await alice.start_call("TIMMsgSendNewMsgEx", "bob", 1, param)
            _, _, msg = await alice.result(req)
            first, last = alice.results[req]
            assert (first[1], first[2], last[1], last[2]) == (0, False, 1, True)
            assert text(first[5]) == msg["message_msg_id"]

    @pytest.mark.parametrize(
        ("conv_type", "param", "code"),
        [
            (2, {"message_elem_array": [{"elem_type": 0, "text_elem_content": "x"}]}, 10010),
            (1, {"message_elem_array": []}, 6016),
            (1, {"nothing": 1}, 6016),
            (7, {"message_elem_array": [{"elem_type": 0, "text_elem_content": "x"}]}, 6017),
        ],
        ids=["group", "no-elems", "no-elem-array", "bad-conv-type"],
    )
    async def test_send_errors(
        self, cloud: Cloud, conv_type: int, param: object, code: int
    ) -> None:
        """Invalid sends fail with the SDK's codes and store nothing."""
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            got, desc, _ = await alice.call(
                "TIMMsgSendNewMsg", "bob", conv_type, orjson.dumps(param)
            )
            assert got == code
            assert desc
            assert cloud.message_count() == 0

    async def test_same_id_is_stored_once(self, cloud: Cloud) -> None:
        """Sending the same message id twice stores and delivers it once."""
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            param = orjson.dumps(
                {"message_elem_array": [{"elem_type": 0, "text_elem_content": "x"}]}
            )
            a = await alice.call("TIMMsgSendMessage", "bob", 1, param, "1-2-3")
            b = await alice.call("TIMMsgSendMessage", "bob", 1, param, "1-2-3")
            assert a == b
            assert cloud.message_count() == 1
            assert cloud.offline_count("bob") == 1

    async def test_online_message_is_not_stored(self, cloud: Cloud) -> None:
        """Online-only messages reach a connected peer but are neither stored nor queued."""
        async with (
            FakeSDK.connect(cloud.address, APP) as alice,
            FakeSDK.connect(cloud.address, APP) as bob,
        ):
            await _login(cloud, alice, "alice")
            assert (await alice.send_text("bob", "lost", message_is_online_msg=True))[0] == 0
            assert cloud.offline_count("bob") == 0
            await _login(cloud, bob, "bob")
            assert (await alice.send_text("bob", "seen", message_is_online_msg=True))[0] == 0
            (got,) = await bob.wait_messages(1)
            assert _text_of(got) == "seen"
            assert cloud.message_count() == 0


class TestOffline:
    async def test_offline_messages_after_login_result_in_order(self, cloud: Cloud) -> None:
        """Messages to an offline user arrive after its login result, in order, once."""
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            for i in range(25):
                assert (await alice.send_text("bob", f"m{i}"))[0] == 0
            assert cloud.offline_count("bob") == 25
        async with FakeSDK.connect(cloud.address, APP) as bob:
            await _login(cloud, bob, "bob")
            msgs = await bob.wait_messages(25)
            assert [_text_of(m) for m in msgs] == [f"m{i}" for i in range(25)]
            kinds = [f[0] for f in bob.frames]
            first_event = kinds.index("E")
            assert kinds.index("R") < first_event
            assert cloud.offline_count("bob") == 0
            await bob.wait_until(lambda: bob.total_unread() == 25)
        async with FakeSDK.connect(cloud.address, APP) as bob:
            await _login(cloud, bob, "bob")
            assert (await bob.call("TIMConvGetConvList"))[0] == 0
            assert bob.received_count() == 0  # delivered exactly once

    async def test_ten_thousand_messages_exactly_once_in_order(self, cloud: Cloud) -> None:
        """10,000 back-to-back messages reach the receiver once each, in order, quickly."""
        n = 10_000
        async with (
            FakeSDK.connect(cloud.address, APP) as alice,
            FakeSDK.connect(cloud.address, APP) as bob,
        ):
            await _login(cloud, alice, "alice")
            await _login(cloud, bob, "bob")
            started = time.perf_counter()
            frames = []
            for i in range(n):
                param = orjson.dumps(
                    {"message_elem_array": [{"elem_type": 0, "text_elem_content": str(i)}]}
                )
                _, frame = alice.call_frame(
                    "TIMMsgSendMessage", "bob", 1, param, f"{i:016x}-1700000000-{i}"
                )
                frames.append(frame)
            for start in range(0, n, 500):
                await alice.send_raw(b"".join(frames[start : start + 500]))
            msgs = await bob.wait_messages(n, limit=60)
            elapsed = time.perf_counter() - started
            assert [int(_text_of(m)) for m in msgs] == list(range(n))
            assert [m["message_seq"] for m in msgs] == list(range(1, n + 1))
            assert len({m["message_msg_id"] for m in msgs}) == n
            assert cloud.message_count() == n
            # Coalescing: far fewer events than messages.
            assert len(bob.events_of("TIMAddRecvNewMsgCallback")) < n
            assert elapsed < 30, f"10,000 messages took {elapsed:.1f} s"
            await bob.wait_until(lambda: bob.total_unread() == n)


class TestOneRead:
    """Calls the SDK sent together (one read of the cloud): their conversation updates merge
    into one event ahead of their results; new messages and logins keep their order."""

    @staticmethod
    def _send_frame(sdk: FakeSDK, to: str, content: str, n: int) -> tuple[int, bytes]:
        param = {"message_elem_array": [{"elem_type": 0, "text_elem_content": content}]}
        return sdk.call_frame("TIMMsgSendMessage", to, 1, orjson.dumps(param), f"one-read-{n}")

    async def test_conversation_updates_merge_ahead_of_the_results(self, cloud: Cloud) -> None:
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            assert (await alice.send_text("bob", "first"))[0] == 0
            start = len(alice.frames)
            sent = [self._send_frame(alice, "bob", f"m{i}", i) for i in range(5)]
            await alice.send_raw(b"".join(frame for _, frame in sent))
            for req_id, _ in sent:
                assert (await alice.result(req_id))[0] == 0
            frames = alice.frames[start:]
            assert [f[0] for f in frames] == ["E"] + ["R"] * 5, frames
            assert [f[1][0] for f in frames[1:]] == [req_id for req_id, _ in sent]
            setter, event, convs = frames[0][1]
            assert text(setter) == "TIMSetConvEventCallback" and event == UPDATE
            (conv,) = orjson.loads(text(convs))  # one entry: the latest state of the one conv
            assert conv["conv_id"] == "bob"
            assert _text_of(conv["conv_last_msg"]) == "m4"

    async def test_new_messages_and_logins_keep_their_order(self, cloud: Cloud) -> None:
        async with FakeSDK.connect(cloud.address, APP) as bob:
            await _login(cloud, bob, "bob")
            for i in range(2):
                assert (await bob.send_text("carol", f"offline {i}"))[0] == 0
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            start = len(alice.frames)
            send_id, send = self._send_frame(alice, "bob", "hi", 0)
            logout_id, logout = alice.call_frame("TIMLogout")
            login_id, login = alice.call_frame("TIMLogin", "carol", cloud.user_sig("carol"))
            await alice.send_raw(send + logout + login)
            assert (await alice.result(login_id))[0] == 0
            await alice.wait_messages(2)
            frames = alice.frames[start:]
            kinds = [
                (f[0], text(f[1][0]) if f[0] == "E" else f[1][0] if f[0] == "R" else None)
                for f in frames
            ]
            where: dict[tuple[str, object], int] = {}
            for i, k in enumerate(kinds):
                where.setdefault(k, i)  # the first of each
            conv = where[("E", "TIMSetConvEventCallback")]
            msgs = where[("E", "TIMAddRecvNewMsgCallback")]
            # alice's update is rendered for alice, before her results; carol's messages come
            # after carol's login result
            assert conv < where[("R", send_id)] < where[("R", logout_id)]
            assert where[("R", logout_id)] < where[("R", login_id)] < msgs, kinds
            convs = orjson.loads(text(frames[conv][1][2]))
            assert [c["conv_id"] for c in convs] == ["bob"]

    @staticmethod
    def _last_text(conv: dict[str, Any]) -> str:
        return _text_of(conv["conv_last_msg"])

    async def test_a_result_holding_state_is_never_overtaken(self, cloud: Cloud) -> None:
        """A conversation list (a snapshot of conversations) asked for between two sends of one
        read: the update of the later send comes after it, so the last view is the true one."""
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            assert (await alice.send_text("carol", "m0"))[0] == 0
            start = len(alice.frames)
            _, f1 = self._send_frame(alice, "carol", "m1", 1)
            listed, fl = alice.call_frame("TIMConvGetConvList")
            s2, f2 = self._send_frame(alice, "carol", "m2", 2)
            await alice.send_raw(f1 + fl + f2)
            await alice.result(s2)
            seen = []
            for ftype, fields in alice.frames[start:]:
                if ftype == "E" and text(fields[0]) == "TIMSetConvEventCallback":
                    (conv,) = orjson.loads(text(fields[2]))
                    seen.append(("event", self._last_text(conv)))
                elif ftype == "R" and fields[0] == listed:
                    (conv,) = orjson.loads(text(fields[5]))
                    seen.append(("list", self._last_text(conv)))
            assert seen == [("event", "m1"), ("list", "m1"), ("event", "m2")], seen

    async def test_an_unread_count_result_is_never_overtaken(self, cloud: Cloud) -> None:
        """The total unread count asked for before a read report of the same read: the report's
        update (0) comes after the count (2)."""
        async with (
            FakeSDK.connect(cloud.address, APP) as alice,
            FakeSDK.connect(cloud.address, APP) as bob,
        ):
            await _login(cloud, alice, "alice")
            await _login(cloud, bob, "bob")
            for i in range(2):
                assert (await bob.send_text("alice", f"b{i}"))[0] == 0
            await alice.wait_until(lambda: alice.total_unread() == 2)
            start = len(alice.frames)
            _, f1 = self._send_frame(alice, "carol", "x", 1)
            total, ft = alice.call_frame("TIMConvGetTotalUnreadMessageCount")
            report, fr = alice.call_frame("TIMMsgReportReaded", "bob", 1, b"")
            await alice.send_raw(f1 + ft + fr)
            assert (await alice.result(report))[0] == 0
            seen = []
            for ftype, fields in alice.frames[start:]:
                if (
                    ftype == "E"
                    and text(fields[0]) == "TIMSetConvTotalUnreadMessageCountChangedCallback"
                ):
                    seen.append(("event", fields[1]))
                elif ftype == "R" and fields[0] == total:
                    seen.append(
                        (
                            "result",
                            orjson.loads(text(fields[5]))[
                                "conv_get_total_unread_message_count_result_unread_count"
                            ],
                        )
                    )
            assert seen[-1] == ("event", 0), seen
            assert ("result", 2) in seen, seen


class TestHistory:
    async def _fill(self, cloud: Cloud, n: int) -> None:
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            for i in range(n):
                assert (await alice.send_text("bob", f"m{i}"))[0] == 0

    async def test_newest_first_and_paging(self, cloud: Cloud) -> None:
        """History comes newest first; the last element anchors the next (older) page."""
        await self._fill(cloud, 30)
        async with FakeSDK.connect(cloud.address, APP) as bob:
            await _login(cloud, bob, "bob")
            code, _, page1 = await bob.call(
                "TIMMsgGetMsgList",
                "alice",
                1,
                orjson.dumps({"msg_getmsglist_param_count": 20}),
            )
            assert code == 0
            assert [_text_of(m) for m in page1] == [f"m{i}" for i in range(29, 9, -1)]
            assert all(m["message_conv_id"] == "alice" for m in page1)
            code, _, page2 = await bob.call(
                "TIMMsgGetMsgList",
                "alice",
                1,
                orjson.dumps(
                    {"msg_getmsglist_param_count": 20, "msg_getmsglist_param_last_msg": page1[-1]}
                ),
            )
            assert [_text_of(m) for m in page2] == [f"m{i}" for i in range(9, -1, -1)]

    async def test_forward_is_oldest_first(self, cloud: Cloud) -> None:
        """Forward history (newer than the anchor) comes oldest first."""
        await self._fill(cloud, 10)
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            _, _, newest = await alice.call(
                "TIMMsgGetMsgList", "bob", 1, orjson.dumps({"msg_getmsglist_param_count": 10})
            )
            anchor = newest[-1]  # m0
            code, _, page = await alice.call(
                "TIMMsgGetMsgList",
                "bob",
                1,
                orjson.dumps(
                    {
                        "msg_getmsglist_param_count": 3,
                        "msg_getmsglist_param_is_forward": True,
                        "msg_getmsglist_param_last_msg": anchor,
                    }
                ),
            )
            assert code == 0
            assert [_text_of(m) for m in page] == ["m1", "m2", "m3"]
            assert all(m["message_is_from_self"] for m in page)

    async def test_empty_history(self, cloud: Cloud) -> None:
        """A conversation without messages has an empty history."""
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            assert await alice.call("TIMMsgGetMsgList", "nobody", 1, "{}") == (0, "", [])


class TestConversations:
    async def test_conv_list_unread_and_clean(self, cloud: Cloud) -> None:
        """The conversation list has unread counts; cleaning them resets and tells the peer."""
        async with (
            FakeSDK.connect(cloud.address, APP) as alice,
            FakeSDK.connect(cloud.address, APP) as carol,
        ):
            await _login(cloud, alice, "alice")
            await _login(cloud, carol, "carol")
            for _ in range(3):
                await alice.send_text("bob", "to bob")
            await carol.send_text("bob", "from carol")
            async with FakeSDK.connect(cloud.address, APP) as bob:
                await _login(cloud, bob, "bob")
                code, _, convs = await bob.call("TIMConvGetConvList")
                assert code == 0
                # Most recently active first.
                assert [(c["conv_id"], c["conv_unread_num"]) for c in convs] == [
                    ("carol", 1),
                    ("alice", 3),
                ]
                assert all(c["conv_type"] == 1 and c["conv_is_has_lastmsg"] for c in convs)
                _, _, total = await bob.call("TIMConvGetTotalUnreadMessageCount")
                assert total == {"conv_get_total_unread_message_count_result_unread_count": 4}

                code, _, _ = await bob.call(
                    "TIMConvCleanConversationUnreadMessageCount", "c2c_alice", 0, 0
                )
                assert code == 0
                await bob.wait_until(lambda: bob.total_unread() == 1)
                (receipt,) = orjson.loads(
                    text((await alice.wait_event("TIMSetMsgReadedReceiptCallback"))[0][0])
                )
                assert receipt["msg_receipt_conv_id"] == "bob"
                assert receipt["msg_receipt_conv_type"] == 1
                _, _, info = await bob.call(
                    "TIMConvGetConvInfo",
                    orjson.dumps(
                        [
                            {
                                "get_conversation_list_param_conv_id": "alice",
                                "get_conversation_list_param_conv_type": 1,
                            }
                        ]
                    ),
                )
                assert [(c["conv_id"], c["conv_unread_num"]) for c in info] == [("alice", 0)]
                _, _, history = await alice.call(
                    "TIMMsgGetMsgList", "bob", 1, orjson.dumps({"msg_getmsglist_param_count": 1})
                )
                assert history[0]["message_is_peer_read"] is True

                assert (await bob.call("TIMMsgReportReaded", "carol", 1, ""))[0] == 0
                await bob.wait_until(lambda: bob.total_unread() == 0)

    async def test_clean_unknown_conversation(self, cloud: Cloud) -> None:
        """Cleaning a conversation that does not exist fails with 6004."""
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            code, _, _ = await alice.call(
                "TIMConvCleanConversationUnreadMessageCount", "c2c_nobody", 0, 0
            )
            assert code == 6004

    async def test_delete_conversation(self, cloud: Cloud) -> None:
        """Deleting a conversation removes it from the list and reports a delete event."""
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            await alice.send_text("bob", "x")
            assert (await alice.call("TIMConvDelete", "bob", 1))[0] == 0
            await alice.wait_until(lambda: any(e == 1 for e, _ in alice.conv_events()))
            assert await alice.call("TIMConvGetConvList") == (0, "", [])

    async def test_revoke(self, cloud: Cloud) -> None:
        """The sender revokes; the peer is told and its history shows the message revoked."""
        async with (
            FakeSDK.connect(cloud.address, APP) as alice,
            FakeSDK.connect(cloud.address, APP) as bob,
        ):
            await _login(cloud, alice, "alice")
            await _login(cloud, bob, "bob")
            _, _, sent = await alice.send_text("bob", "oops")
            await bob.wait_messages(1)
            code, _, _ = await bob.call("TIMMsgRevoke", "alice", 1, orjson.dumps(sent))
            assert code == 7014  # only the sender may revoke
            assert (await alice.call("TIMMsgRevoke", "bob", 1, orjson.dumps(sent)))[0] == 0
            (info,) = orjson.loads(text((await bob.wait_event("TIMSetMsgRevokeCallback"))[0][0]))
            assert info["message_locator_seq"] == sent["message_seq"]
            assert info["message_locator_rand"] == sent["message_rand"]
            assert info["message_locator_is_revoked"] is True
            assert info["message_locator_is_self"] is False
            assert info["message_revoker_user_id"] == "alice"
            _, _, history = await bob.call("TIMMsgGetMsgList", "alice", 1, "{}")
            assert history[0]["message_status"] == 6
            await bob.wait_until(lambda: bob.total_unread() == 0)
            assert cloud.stats()["revoked"] == 1
