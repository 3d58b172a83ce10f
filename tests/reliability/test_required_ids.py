"""Finding 8 (issue 13): decoders reject an event without its required ids.

Before: ``[{}]`` decoded into ``FriendRequest(user_id='')`` (and likewise for every event model):
an event about nobody. Now the field tables declare the ids a model cannot do without
(``Key(..., required=True)``); the checked decoder raises PayloadError when such a key is absent,
null or ``""``; and the event decoders drop that item — only that item: the others of the same
notification are delivered — and count it as a payload error, like malformed JSON
(``client.stats()["payload_errors"]``). Ids passed as callback strings (a group id, an
invitation id) and arrays of ids are checked the same way.

Not required, on purpose: a message's id and conversation id (the SDK's own JSON examples of
received messages have no ``message_msg_id``; system messages have ``conv_id ""``), a user
profile's and a group member's id (nested in messages, where the SDK may leave them empty).
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
import pytest

import aiotim
from aiotim.errors import PayloadError
from aiotim.models import _fields
from aiotim.models._fields import FAST, Key, required_keys
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

#: model -> the keys it requires
REQUIRED = {
    aiotim.FriendRequest: ("friend_add_pendency_identifier",),
    aiotim.FriendProfile: ("friend_profile_identifier",),
    aiotim.FriendProfileUpdate: ("friend_profile_update_identifier",),
    aiotim.UserStatus: ("user_status_identifier",),
    aiotim.OfficialAccountInfo: ("official_account_id",),
    aiotim.GroupTips: ("group_tips_elem_group_id",),
    aiotim.TopicInfo: ("group_topic_info_topic_id",),
    aiotim.Conversation: ("conv_id",),
    aiotim.ReadReceipt: ("msg_receipt_conv_id",),
    aiotim.ReactionChange: ("message_reaction_change_info_msg_id",),
    aiotim.PermissionGroupInfo: ("permission_group_id",),
    aiotim.SignalingInfo: ("signaling_info_invite_id",),
}

#: setter -> (a valid item of its array, the event type)
VALID: dict[str, tuple[dict[str, Any], type]] = {
    "TIMSetFriendAddRequestCallback": (
        {"friend_add_pendency_identifier": "bob", "friend_add_pendency_add_wording": "hi"},
        aiotim.FriendRequestReceived,
    ),
    "TIMSetUpdateFriendProfileCallback": (
        {"friend_profile_update_identifier": "bob"},
        aiotim.FriendProfileUpdated,
    ),
    "TIMSetFriendBlackListAddedCallback": (
        {"friend_profile_identifier": "bob"},
        aiotim.BlacklistAdded,
    ),
    "TIMSetUserStatusChangedCallback": (
        {"user_status_identifier": "bob", "user_status_status_type": 1},
        aiotim.UserStatusChanged,
    ),
    "TIMSetMsgReadedReceiptCallback": (
        {"msg_receipt_conv_id": "bob", "msg_receipt_conv_type": 1, "msg_receipt_time_stamp": 1},
        aiotim.ReadReceiptReceived,
    ),
    "TIMSetMsgReactionsChangedCallback": (
        {"message_reaction_change_info_msg_id": "m1"},
        aiotim.ReactionsChanged,
    ),
    "TIMSetConvEventCallback": ({"conv_id": "bob", "conv_type": 1}, aiotim.ConversationChanged),
}


def test_models_declare_their_required_ids() -> None:
    """Each event model's id is declared required in its field table; the decoder rejects the
    model without it (absent, null, or empty), naming the key."""
    for cls, keys in REQUIRED.items():
        assert required_keys(cls) == keys, cls
        for bad in ({}, {keys[0]: None}, {keys[0]: ""}):
            with pytest.raises(PayloadError, match=repr(keys[0])):
                cls.from_json(bad)


def test_the_reported_case() -> None:
    """``FriendRequest.from_json({})`` no longer gives ``FriendRequest(user_id='')``."""
    with pytest.raises(PayloadError, match="friend_add_pendency_identifier"):
        aiotim.FriendRequest.from_json({})
    assert aiotim.FriendRequest.from_json({"friend_add_pendency_identifier": "u"}).user_id == "u"


def test_key_declaration() -> None:
    """Key(..., required=True) is shown in its repr; only readable kinds can be required."""
    assert repr(Key("a", required=True)) == "Key('a', required=True)"
    assert not any(required_keys(cls) for cls in FAST)  # messages: see the module's docstring


def test_generated_fast_decoder_checks_required_keys() -> None:
    """The fast-decoder generator makes a required str key also non-empty (its truth), and the
    fingerprint changes with the required keys (a stale _fast.py is not used)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    import gen_models

    plan = _fields.plan(aiotim.CustomElem)
    code = "\n".join(gen_models.factory("CustomElem", plan, ("custom_elem_data",)))
    assert "type(custom_elem_data) is str and custom_elem_data" in code
    assert _fields.fingerprint(plan) != _fields.fingerprint(plan, ("custom_elem_data",))


@pytest.mark.parametrize("setter", sorted(VALID))
async def test_an_item_without_its_id_is_dropped_and_counted(
    setter: str, caplog: pytest.LogCaptureFixture
) -> None:
    """``[{}, valid, {id: ""}, valid]`` delivers the two valid events, in order, and counts two
    payload errors for the kind (logged, like malformed JSON); the stream goes on."""
    caplog.set_level(logging.ERROR, "aiotim.events")
    item, event_type = VALID[setter]
    (key,) = [k for k in item if k.endswith(("identifier", "_id", "msg_id"))][:1]
    second = {**item, key: item[key] + "2"}
    payload = orjson.dumps([{}, item, {**item, key: ""}, second])
    async with cloud_and_clients("alice") as (cloud, (alice,)):
        stream: aiotim.Stream[Any] = alice.events(event_type)
        args: tuple[Any, ...] = (payload,)
        if setter == "TIMSetConvEventCallback":
            args = (int(aiotim.ConvEvent.UPDATE), payload)
        await cloud.emit("alice", setter, *args)
        first_event, second_event = await next_item(stream), await next_item(stream)
        assert first_event.raw == item and second_event.raw == second
        assert alice.stats()["payload_errors"] == {setter: 2}
        assert sum("required" in r.getMessage() for r in caplog.records) == 2


async def test_ids_in_callback_strings_and_arrays() -> None:
    """An empty friend id in an id array is dropped and counted (the others delivered); a topic
    event with an empty group id, or an invitation with an empty id, is a payload error."""
    async with cloud_and_clients("alice") as (cloud, (alice,)):
        added = alice.friends_added()
        await cloud.emit("alice", "TIMSetOnAddFriendCallback", orjson.dumps(["", "bob", ""]))
        event = await next_item(added)
        assert isinstance(event, aiotim.FriendAdded) and event.user_id == "bob"
        assert alice.stats()["payload_errors"] == {"TIMSetOnAddFriendCallback": 2}

        topics = alice.events(aiotim.GroupTopicDeleted)
        await cloud.emit("alice", "TIMSetGroupTopicDeletedCallback", "", b'["t1"]')
        await cloud.emit("alice", "TIMSetGroupTopicDeletedCallback", "g1", b'["", "t2"]')
        event = await next_item(topics)
        assert (event.group_id, event.topic_id) == ("g1", "t2")
        assert alice.stats()["payload_errors"]["TIMSetGroupTopicDeletedCallback"] == 2

        invitations = alice.invitations()
        setter = "TIMSetSignalingReceiveNewInvitationCallback"
        await cloud.emit("alice", setter, "", "bob", "", b'["alice"]', "")
        await cloud.emit("alice", setter, "inv1", "bob", "", b'["alice"]', "")
        event = await next_item(invitations)
        assert event.invite_id == "inv1"
        assert alice.stats()["payload_errors"][setter] == 1
