"""The event catalog: a typed event for each of the 70 notification kinds, decoded through the
native path (loopback cloud → loopback C SDK → relay → pump → hub), on asyncio and trio."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

import aiotim
from aiotim._abi import CALLBACK_SETTERS
from aiotim.events import CATALOG, EVENT_KINDS
from aiotim.events.base import Event
from aiotim.events.session import RawEvent
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

SEEDS = Path("/work/shared/seeds")
DOCS = Path(__file__).resolve().parent.parent / "docs" / "events.md"
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")


async def take(stream: aiotim.Stream[Any]) -> Any:
    """The stream's next event (``next_item`` for any event type)."""
    return await next_item(stream)


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


# -- representative payloads (the headers' key names) ---------------------------------------

MSG = {
    "message_msg_id": "144115-1700000000-99",
    "message_conv_id": "bob",
    "message_conv_type": 1,
    "message_sender": "bob",
    "message_seq": 7,
    "message_rand": 99,
    "message_server_time": 1700000001,
    "message_client_time": 1700000000,
    "message_is_from_self": False,
    "message_is_read": False,
    "message_status": 2,
    "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
    "message_unknown_future_key": {"ignored": True},
}
PROFILE = {
    "user_profile_identifier": "carol",
    "user_profile_nick_name": "Carol",
    "user_profile_face_url": "https://example.invalid/c.png",
    "user_profile_gender": 2,
    "user_profile_self_signature": "hello",
    "user_profile_location": "sz",
    "user_profile_birthday": 20000101,
    "user_profile_language": 1,
    "user_profile_level": 3,
    "user_profile_role": 4,
    "user_profile_add_permission": 1,
    "user_profile_custom_string_array": [
        {
            "user_profile_custom_string_info_key": "Tag_Profile_Custom_X",
            "user_profile_custom_string_info_value": "x",
        }
    ],
}
FRIEND = {
    "friend_profile_identifier": "carol",
    "friend_profile_remark": "C",
    "friend_profile_group_name_array": ["work"],
    "friend_profile_add_source": "AddSource_Type_a",
    "friend_profile_add_wording": "hey",
    "friend_profile_add_time": 1700000000,
    "friend_profile_user_profile": PROFILE,
    "friend_profile_custom_string_array": [
        {
            "friend_profile_custom_string_info_key": "Tag_SNS_Custom_Y",
            "friend_profile_custom_string_info_value": "y",
        }
    ],
}
MEMBER = {
    "group_member_info_identifier": "dave",
    "group_member_info_group_id": "g1",
    "group_member_info_member_role": 300,
    "group_member_info_join_time": 1700000000,
    "group_member_info_name_card": "Dave!",
    "group_member_info_nick_name": "Dave",
    "group_member_info_face_url": "f",
    "group_member_info_friend_remark": "",
    "group_member_info_shutup_time": 60,
    "group_member_info_msg_flag": 0,
    "group_member_info_custom_info": [
        {
            "group_member_info_custom_string_info_key": "k",
            "group_member_info_custom_string_info_value": "v",
        }
    ],
}
TIPS = {
    "group_tips_elem_tip_type": 6,
    "group_tips_elem_group_id": "g1",
    "group_tips_elem_group_name": "Group One",
    "group_tips_elem_op_user": "dave",
    "group_tips_elem_user_array": ["erin"],
    "group_tips_elem_group_change_info_array": [
        {"group_tips_group_change_info_flag": 1, "group_tips_group_change_info_value": "New"}
    ],
    "group_tips_elem_member_change_info_array": [
        {
            "group_tips_member_change_info_identifier": "erin",
            "group_tips_member_change_info_shutupTime": 600,
        }
    ],
    "group_tips_elem_op_group_memberinfo": MEMBER,
    "group_tips_elem_op_user_info": PROFILE,
    "group_tips_elem_changed_group_memberinfo_array": [MEMBER],
    "group_tips_elem_changed_user_info_array": [PROFILE],
    "group_tips_elem_member_num": 5,
    "group_tips_elem_join_type": 2,
    "group_tips_elem_platform": "Linux",
    "group_tips_elem_time": 1700000002,
}
TOPIC = {
    "group_topic_info_topic_id": "g1@TOPIC#_t1",
    "group_topic_info_topic_name": "news",
    "group_topic_info_introduction": "intro",
    "group_topic_info_notification": "note",
    "group_topic_info_topic_face_url": "f",
    "group_topic_info_is_all_muted": True,
    "group_topic_info_self_mute_time": 30,
    "group_topic_info_custom_string": "cs",
    "group_topic_info_recv_opt": 2,
    "group_topic_info_unread_count": 4,
    "group_topic_info_last_message": MSG,
}
PERMISSION_GROUP = {
    "community_group_id": "g1",
    "permission_group_id": "pg1",
    "permission_group_name": "mods",
    "permission_custom_data": "cd",
    "group_permission": 5,
    "permission_group_member_count": 3,
}
ACCOUNT = {
    "official_account_id": "@TOA#_news",
    "official_account_name": "News",
    "official_account_face_url": "f",
    "official_account_owner_user_id": "owner",
    "official_account_introduction": "i",
    "official_account_organization": "o",
    "official_account_create_time": 1,
    "official_account_subscriber_count": 2,
    "official_account_subscribe_time": 3,
    "official_account_custom_data": "d",
}
CONV = {
    "conv_id": "zed",
    "conv_type": 1,
    "conv_unread_num": 3,
    "conv_active_time": 1700000005,
    "conv_last_msg": MSG,
}


def check_message(m: aiotim.Message, src: dict[str, Any]) -> None:
    """Every field of ``m`` against the JSON it came from."""
    assert m.id == src.get("message_msg_id", "")
    assert m.conv.id == src.get("message_conv_id", "")
    assert m.conv.conv_type == src.get("message_conv_type", 1)
    assert m.sender == src.get("message_sender", "")
    assert m.seq == src.get("message_seq", 0)
    assert m.rand == src.get("message_rand", 0)
    assert m.server_time == src.get("message_server_time", 0)
    assert m.client_time == src.get("message_client_time", 0)
    assert m.is_self is src.get("message_is_from_self", False)
    assert m.is_read is src.get("message_is_read", False)
    assert m.status == src.get("message_status", 0)
    assert len(m.elems) == len(src.get("message_elem_array", []))
    texts = [
        e["text_elem_content"] for e in src.get("message_elem_array", []) if e.get("elem_type") == 0
    ]
    assert m.text == ("".join(texts) if texts else None)
    assert m.raw == src


def check_profile(p: aiotim.UserProfile, src: dict[str, Any]) -> None:
    assert p.user_id == src.get("user_profile_identifier", "")
    assert p.nick_name == src.get("user_profile_nick_name", "")
    assert p.face_url == src.get("user_profile_face_url", "")
    assert p.gender == src.get("user_profile_gender", 0)
    assert p.self_signature == src.get("user_profile_self_signature", "")
    assert p.location == src.get("user_profile_location", "")
    assert p.birthday == src.get("user_profile_birthday", 0)
    assert p.language == src.get("user_profile_language", 0)
    assert p.level == src.get("user_profile_level", 0)
    assert p.role == src.get("user_profile_role", 0)
    assert p.add_permission == src.get("user_profile_add_permission", 0)
    assert p.custom == {
        c["user_profile_custom_string_info_key"]: c["user_profile_custom_string_info_value"]
        for c in src.get("user_profile_custom_string_array", [])
    }
    assert p.raw == src


def check_friend(f: aiotim.FriendProfile, src: dict[str, Any]) -> None:
    assert f.user_id == src.get("friend_profile_identifier", "")
    assert f.remark == src.get("friend_profile_remark", "")
    assert f.group_names == tuple(src.get("friend_profile_group_name_array", []))
    assert f.add_source == src.get("friend_profile_add_source", "")
    assert f.add_wording == src.get("friend_profile_add_wording", "")
    assert f.add_time == src.get("friend_profile_add_time", 0)
    if src.get("friend_profile_user_profile"):
        assert f.user_profile is not None
        check_profile(f.user_profile, src["friend_profile_user_profile"])
    else:
        assert f.user_profile is None
    assert f.custom == {
        c["friend_profile_custom_string_info_key"]: c["friend_profile_custom_string_info_value"]
        for c in src.get("friend_profile_custom_string_array", [])
    }
    assert f.raw == src


def check_member(m: aiotim.GroupMemberInfo, src: dict[str, Any]) -> None:
    assert m.user_id == src.get("group_member_info_identifier", "")
    assert m.group_id == src.get("group_member_info_group_id", "")
    assert m.role == src.get("group_member_info_member_role", 0)
    assert m.join_time == src.get("group_member_info_join_time", 0)
    assert m.name_card == src.get("group_member_info_name_card", "")
    assert m.nick_name == src.get("group_member_info_nick_name", "")
    assert m.shutup_time == src.get("group_member_info_shutup_time", 0)
    assert m.msg_flag == src.get("group_member_info_msg_flag", 0)
    custom = src.get("group_member_info_custom_info", {})
    if isinstance(custom, list):
        custom = {
            c["group_member_info_custom_string_info_key"]: c[
                "group_member_info_custom_string_info_value"
            ]
            for c in custom
        }
    assert m.custom == custom
    assert m.raw == src


def check_tips(t: aiotim.GroupTips, src: dict[str, Any]) -> None:
    assert t.tip_type == src.get("group_tips_elem_tip_type", 0)
    assert t.group_id == src.get("group_tips_elem_group_id", "")
    assert t.group_name == src.get("group_tips_elem_group_name", "")
    assert t.op_user == src.get("group_tips_elem_op_user", "")
    assert t.users == tuple(src.get("group_tips_elem_user_array", []))
    changes = src.get("group_tips_elem_group_change_info_array", [])
    assert [(c.flag, c.value) for c in t.group_changes] == [
        (c["group_tips_group_change_info_flag"], c.get("group_tips_group_change_info_value", ""))
        for c in changes
    ]
    members = src.get("group_tips_elem_member_change_info_array", [])
    assert [(c.user_id, c.shutup_time) for c in t.member_changes] == [
        (
            c["group_tips_member_change_info_identifier"],
            c["group_tips_member_change_info_shutupTime"],
        )
        for c in members
    ]
    if src.get("group_tips_elem_op_group_memberinfo"):
        assert t.op_member is not None
        check_member(t.op_member, src["group_tips_elem_op_group_memberinfo"])
    if src.get("group_tips_elem_op_user_info"):
        assert t.op_user_profile is not None
        check_profile(t.op_user_profile, src["group_tips_elem_op_user_info"])
    changed = src.get("group_tips_elem_changed_group_memberinfo_array", [])
    assert len(t.changed_members) == len(changed)
    for m, s in zip(t.changed_members, changed, strict=True):
        check_member(m, s)
    assert len(t.changed_user_profiles) == len(
        src.get("group_tips_elem_changed_user_info_array", [])
    )
    assert t.member_num == src.get("group_tips_elem_member_num", 0)
    assert t.join_type == src.get("group_tips_elem_join_type", 0)
    assert t.platform == src.get("group_tips_elem_platform", "")
    assert t.time == src.get("group_tips_elem_time", 0)
    assert t.raw == src


def check_topic(t: aiotim.TopicInfo, src: dict[str, Any]) -> None:
    assert (t.topic_id, t.name, t.introduction, t.notification, t.face_url) == (
        src["group_topic_info_topic_id"],
        src["group_topic_info_topic_name"],
        src["group_topic_info_introduction"],
        src["group_topic_info_notification"],
        src["group_topic_info_topic_face_url"],
    )
    assert (t.is_all_muted, t.self_mute_time, t.custom_string, t.recv_opt, t.unread_count) == (
        src["group_topic_info_is_all_muted"],
        src["group_topic_info_self_mute_time"],
        src["group_topic_info_custom_string"],
        src["group_topic_info_recv_opt"],
        src["group_topic_info_unread_count"],
    )
    assert t.last_message is not None
    check_message(t.last_message, src["group_topic_info_last_message"])


def check_permission_group(p: aiotim.PermissionGroupInfo, src: dict[str, Any]) -> None:
    assert (
        p.community_group_id,
        p.permission_group_id,
        p.name,
        p.custom_data,
        p.group_permission,
        p.member_count,
    ) == (
        src["community_group_id"],
        src["permission_group_id"],
        src["permission_group_name"],
        src["permission_custom_data"],
        src["group_permission"],
        src["permission_group_member_count"],
    )
    assert p.raw == src


def check_account(a: aiotim.OfficialAccountInfo, src: dict[str, Any]) -> None:
    assert dataclasses.astuple(a)[:-1] == (
        src["official_account_id"],
        src["official_account_name"],
        src["official_account_face_url"],
        src["official_account_owner_user_id"],
        src["official_account_introduction"],
        src["official_account_organization"],
        src["official_account_create_time"],
        src["official_account_subscriber_count"],
        src["official_account_subscribe_time"],
        src["official_account_custom_data"],
    )


@dataclass
class Case:
    """A notification's arguments and the check of the events it must decode to."""

    args: tuple[Any, ...]
    check: Callable[[list[Any]], None]
    count: int = 1
    where: Callable[[Any], bool] | None = None


def _fields(expected: dict[str, Any]) -> Callable[[list[Any]], None]:
    def check(events: list[Any]) -> None:
        (e,) = events
        for name, value in expected.items():
            assert getattr(e, name) == value, name

    return check


def _each(check_one: Callable[[Any, Any], None], sources: list[Any]) -> Callable[[list[Any]], None]:
    def check(events: list[Any]) -> None:
        assert len(events) == len(sources)
        for e, s in zip(events, sources, strict=True):
            check_one(e, s)

    return check


def _new_messages(events: list[Any]) -> None:
    (m,) = events
    check_message(m, MSG)


def _network(events: list[Any]) -> None:
    (e,) = events
    assert (e.status, e.code, e.desc) == (aiotim.NetworkStatus.CONNECT_FAILED, 6010, "probe")


def _conv(events: list[Any]) -> None:
    (e,) = events
    assert e.event is aiotim.ConvEvent.UPDATE
    assert e.conversation.conv == aiotim.C2C("zed")
    assert (e.conversation.unread_count, e.conversation.active_time) == (3, 1700000005)
    assert e.conversation.last_message is not None
    check_message(e.conversation.last_message, MSG)


def _revoke(e: Any, src: dict[str, Any]) -> None:
    loc = e.locator
    assert loc.conv == aiotim.C2C(src["message_locator_conv_id"])
    assert (loc.seq, loc.rand, loc.time, loc.is_self, loc.is_revoked, loc.unique_id) == (
        src["message_locator_seq"],
        src["message_locator_rand"],
        src["message_locator_time"],
        src["message_locator_is_self"],
        src["message_locator_is_revoked"],
        src["message_locator_unique_id"],
    )
    assert (e.revoker, e.revoker_nick_name, e.revoker_face_url, e.reason) == (
        src["message_revoker_user_id"],
        src["message_revoker_nick_name"],
        src["message_revoker_face_url"],
        src["message_revoke_reason"],
    )
    assert e.raw == src


REVOKES = [
    {
        "message_locator_conv_id": "bob",
        "message_locator_conv_type": 1,
        "message_locator_is_revoked": True,
        "message_locator_time": 1700000001,
        "message_locator_seq": 7,
        "message_locator_rand": 99,
        "message_locator_is_self": False,
        "message_locator_unique_id": 12345,
        "message_revoker_user_id": "bob",
        "message_revoker_nick_name": "Bob",
        "message_revoker_face_url": "f",
        "message_revoke_reason": "typo",
    },
    {
        "message_locator_conv_id": "bob",
        "message_locator_conv_type": 1,
        "message_locator_is_revoked": True,
        "message_locator_time": 1700000002,
        "message_locator_seq": 8,
        "message_locator_rand": 100,
        "message_locator_is_self": True,
        "message_locator_unique_id": 12346,
        "message_revoker_user_id": "alice",
        "message_revoker_nick_name": "",
        "message_revoker_face_url": "",
        "message_revoke_reason": "",
    },
]
RECEIPTS = [
    {
        "msg_receipt_conv_id": "bob",
        "msg_receipt_conv_type": 1,
        "msg_receipt_msg_id": "",
        "msg_receipt_time_stamp": 1700000003,
        "msg_receipt_is_peer_read": True,
        "msg_receipt_read_count": 0,
        "msg_receipt_unread_count": 0,
    },
    {
        "msg_receipt_conv_id": "g1",
        "msg_receipt_conv_type": 2,
        "msg_receipt_msg_id": "m-9",
        "msg_receipt_time_stamp": 0,
        "msg_receipt_is_peer_read": False,
        "msg_receipt_read_count": 3,
        "msg_receipt_unread_count": 2,
    },
]


def _receipt(e: Any, src: dict[str, Any]) -> None:
    r = e.receipt
    assert (r.conv.id, r.conv.conv_type) == (
        src["msg_receipt_conv_id"],
        src["msg_receipt_conv_type"],
    )
    assert (r.msg_id, r.timestamp, r.is_peer_read, r.read_count, r.unread_count) == (
        src["msg_receipt_msg_id"],
        src["msg_receipt_time_stamp"],
        src["msg_receipt_is_peer_read"],
        src["msg_receipt_read_count"],
        src["msg_receipt_unread_count"],
    )
    assert e.raw == src


REACTIONS = [
    {
        "message_reaction_change_info_msg_id": "12345678910-1689942227-1328217716",
        "message_reaction_change_info_reaction_list": [
            {
                "message_reaction_id": "emoji1",
                "message_reaction_total_user_count": 1,
                "message_reaction_reacted_by_myself": True,
                "message_reaction_partial_user_info_array": [PROFILE],
            }
        ],
    }
]


def _reactions(e: Any, src: dict[str, Any]) -> None:
    assert e.change.msg_id == src["message_reaction_change_info_msg_id"]
    (r,) = e.change.reactions
    s = src["message_reaction_change_info_reaction_list"][0]
    assert (r.reaction_id, r.total_user_count, r.reacted_by_me) == (
        s["message_reaction_id"],
        s["message_reaction_total_user_count"],
        True,
    )
    (u,) = r.users
    check_profile(u, PROFILE)


RECV_OPT = {
    "msg_all_recv_msg_opt_level": 2,
    "msg_all_recv_msg_opt_start_hour": 22,
    "msg_all_recv_msg_opt_start_minute": 30,
    "msg_all_recv_msg_opt_start_second": 5,
    "msg_all_recv_msg_opt_start_time_stamp": 0,
    "msg_all_recv_msg_duration": 7200,
}


def _recv_opt(events: list[Any]) -> None:
    (e,) = events
    o = e.option
    assert (
        o.level,
        o.start_hour,
        o.start_minute,
        o.start_second,
        o.start_time_stamp,
        o.duration,
    ) == (2, 22, 30, 5, 0, 7200)
    assert o.level == aiotim.enums.ReceiveMessageOpt.NOT_NOTIFY
    assert e.raw == RECV_OPT


def _pinned(events: list[Any]) -> None:
    (e,) = events
    assert (e.group_id, e.is_pinned, e.op_user) == ("g1", True, "dave")
    check_message(e.message, MSG)
    assert e.op_member is not None
    check_member(e.op_member, MEMBER)


def _upload(events: list[Any]) -> None:
    (e,) = events
    check_message(e.message, MSG)
    assert (e.index, e.current_size, e.total_size) == (0, 512, 2048)


def _tips(events: list[Any]) -> None:
    (e,) = events
    check_tips(e.tips, TIPS)
    assert e.tip_type is aiotim.GroupTipType.GROUP_INFO_CHANGE
    assert e.group_id == "g1"


def _topic_changed(events: list[Any]) -> None:
    (e,) = events
    assert e.group_id == "g1"
    check_topic(e.topic, TOPIC)


def _friend_update(e: Any, src: dict[str, Any]) -> None:
    u = e.update
    assert u.user_id == src["friend_profile_update_identifier"]
    item = src["friend_profile_update_item"]
    assert u.remark == item.get("friend_profile_item_remark")
    groups = item.get("friend_profile_item_group_name_array")
    assert u.group_names == (tuple(groups) if groups is not None else None)
    assert e.raw == src


FRIEND_UPDATES = [
    {
        "friend_profile_update_identifier": "user4",
        "friend_profile_update_item": {
            "friend_profile_item_group_name_array": ["group1"],
            "friend_profile_item_remark": "New Remark",
        },
    },
    {
        "friend_profile_update_identifier": "user5",
        "friend_profile_update_item": {"friend_profile_item_remark": "Only remark"},
    },
]
FRIEND_REQUESTS = [
    {
        "friend_add_pendency_type": 1,
        "friend_add_pendency_identifier": "v222",
        "friend_add_pendency_nick_name": "V",
        "friend_add_pendency_face_url": "f",
        "friend_add_pendency_add_time": 1700000000,
        "friend_add_pendency_add_source": "AddSource_Type_android",
        "friend_add_pendency_add_wording": "aaaa",
    }
]


def _friend_request(e: Any, src: dict[str, Any]) -> None:
    r = e.request
    assert (
        r.user_id,
        r.nick_name,
        r.face_url,
        r.add_source,
        r.add_wording,
        r.add_time,
        r.pendency_type,
    ) == (
        src["friend_add_pendency_identifier"],
        src.get("friend_add_pendency_nick_name", ""),
        src.get("friend_add_pendency_face_url", ""),
        src.get("friend_add_pendency_add_source", ""),
        src.get("friend_add_pendency_add_wording", ""),
        src.get("friend_add_pendency_add_time", 0),
        src.get("friend_add_pendency_type", 0),
    )
    assert e.raw == src


STATUSES = [
    {
        "user_status_identifier": "carol",
        "user_status_status_type": 1,
        "user_status_custom_status": "busy",
        "user_status_online_devices": ["Linux"],
    },
    {"user_status_identifier": "dave", "user_status_status_type": 2},
]


def _status(e: Any, src: dict[str, Any]) -> None:
    s = e.status
    assert (s.user_id, s.status_type, s.custom_status, s.online_devices) == (
        src["user_status_identifier"],
        src["user_status_status_type"],
        src.get("user_status_custom_status", ""),
        tuple(src.get("user_status_online_devices", [])),
    )
    assert e.user_id == src["user_status_identifier"]


def _ids(attr: str, ids: list[str]) -> Callable[[list[Any]], None]:
    def check(events: list[Any]) -> None:
        assert [getattr(e, attr) for e in events] == ids

    return check


def _follow(events: list[Any]) -> None:
    (e,) = events
    (u,) = e.users
    check_profile(u, PROFILE)
    assert e.is_add is True


def _friends_group(events: list[Any]) -> None:
    (e,) = events
    assert e.group_name == "work"
    (f,) = e.friends
    check_friend(f, FRIEND)


def _conv_group(events: list[Any]) -> None:
    (e,) = events
    assert e.group_name == "pinned"
    assert e.conv_ids == ("c2c_bob", "zed")
    (c,) = e.conversations
    assert c.conv == aiotim.C2C("zed")


def _convs_deleted(events: list[Any]) -> None:
    _conv_group(events)
    assert events[0].reason == 1


def _unread_filter(events: list[Any]) -> None:
    (e,) = events
    assert e.filter == {"conversation_list_filter_conv_type": 1}
    assert e.total == 12


def _permissions(events: list[Any]) -> None:
    (e,) = events
    assert (e.group_id, e.permission_group_id, e.permissions) == ("g1", "pg1", {"t1": 3, "t2": 8})


def _members(events: list[Any]) -> None:
    (e,) = events
    assert (e.group_id, e.permission_group_id, e.member_ids) == ("g1", "pg1", ("u1", "u2"))


PERMISSION_MAP = {
    "permission_group_id": "pg1",
    "topic_permission_map": [
        {"topic_permission_key": "t1", "topic_permission_value": 3},
        {"topic_permission_key": "t2", "topic_permission_value": 8},
    ],
}


CASES: dict[str, Case] = {
    # session
    "TIMAddRecvNewMsgCallback": Case(
        (dumps([MSG]),), _new_messages, where=lambda m: m.id == MSG["message_msg_id"]
    ),
    "TIMSetNetworkStatusListenerCallback": Case(
        (3, 6010, "probe"), _network, where=lambda e: e.desc == "probe"
    ),
    "TIMSetKickedOfflineCallback": Case((), lambda ev: None),
    "TIMSetUserSigExpiredCallback": Case((), lambda ev: None),
    "TIMSetLogCallback": Case(
        (5, "probe-log"),
        _fields({"level": 5, "text": "probe-log"}),
        where=lambda e: e.text == "probe-log",
    ),
    "TIMSetExperimentalNotifyCallback": Case(
        ("key1", dumps({"a": [1]})), _fields({"key": "key1", "data": {"a": [1]}})
    ),
    # conversations
    "TIMSetConvEventCallback": Case(
        (2, dumps([CONV])), _conv, where=lambda e: e.conversation.conv == aiotim.C2C("zed")
    ),
    "TIMSetConvTotalUnreadMessageCountChangedCallback": Case(
        (4242,), _fields({"total": 4242}), where=lambda e: e.total == 4242
    ),
    "TIMSetConvUnreadMessageCountChangedByFilterCallback": Case(
        (dumps({"conversation_list_filter_conv_type": 1}), 12), _unread_filter
    ),
    "TIMSetConvConversationGroupCreatedCallback": Case(
        ("pinned", dumps(["c2c_bob", CONV])), _conv_group
    ),
    "TIMSetConvConversationGroupDeletedCallback": Case(
        ("pinned",), _fields({"group_name": "pinned"})
    ),
    "TIMSetConvConversationGroupNameChangedCallback": Case(
        ("old", "new"), _fields({"old_name": "old", "new_name": "new"})
    ),
    "TIMSetConvConversationsAddedToGroupCallback": Case(
        ("pinned", dumps(["c2c_bob", CONV])), _conv_group
    ),
    "TIMSetConvConversationsDeletedFromGroupCallback": Case(
        ("pinned", dumps(["c2c_bob", CONV]), 1), _convs_deleted
    ),
    # messages
    "TIMSetMsgElemUploadProgressCallback": Case((dumps(MSG), 0, 512, 2048), _upload),
    "TIMSetMsgReadedReceiptCallback": Case((dumps(RECEIPTS),), _each(_receipt, RECEIPTS), 2),
    "TIMSetMsgRevokeCallback": Case((dumps(REVOKES),), _each(_revoke, REVOKES), 2),
    "TIMSetMsgUpdateCallback": Case((dumps([MSG]),), lambda ev: check_message(ev[0].message, MSG)),
    "TIMSetMsgExtensionsChangedCallback": Case(
        (
            "m-1",
            dumps(
                [
                    {"message_extension_key": "k1", "message_extension_value": "v1"},
                    {"message_extension_key": "k2", "message_extension_value": "v2"},
                ]
            ),
        ),
        _fields({"msg_id": "m-1", "extensions": {"k1": "v1", "k2": "v2"}}),
    ),
    "TIMSetMsgExtensionsDeletedCallback": Case(
        ("m-1", dumps([{"message_extension_key": "k1"}])),
        _fields({"msg_id": "m-1", "keys": ("k1",)}),
    ),
    "TIMSetMsgReactionsChangedCallback": Case((dumps(REACTIONS),), _each(_reactions, REACTIONS)),
    "TIMSetMsgAllMessageReceiveOptionCallback": Case((dumps(RECV_OPT),), _recv_opt),
    "TIMSetMsgGroupPinnedMessageChangedCallback": Case(
        ("g1", dumps(MSG), True, dumps(MEMBER)), _pinned
    ),
    # groups
    "TIMSetGroupTipsEventCallback": Case((dumps(TIPS),), _tips),
    "TIMSetGroupAttributeChangedCallback": Case(
        (
            "g1",
            dumps(
                [
                    {"group_attribute_key": "a", "group_attribute_value": "1"},
                    {"group_attribute_key": "b", "group_attribute_value": "2"},
                ]
            ),
        ),
        _fields({"group_id": "g1", "attributes": {"a": "1", "b": "2"}}),
    ),
    "TIMSetGroupCounterChangedCallback": Case(
        ("g1", "likes", 2**40), _fields({"group_id": "g1", "key": "likes", "value": 2**40})
    ),
    "TIMSetGroupTopicCreatedCallback": Case(
        ("g1", "t1"), _fields({"group_id": "g1", "topic_id": "t1"})
    ),
    "TIMSetGroupTopicDeletedCallback": Case(
        ("g1", dumps(["t1", "t2"])), _ids("topic_id", ["t1", "t2"]), 2
    ),
    "TIMSetGroupTopicChangedCallback": Case(("g1", dumps(TOPIC)), _topic_changed),
    # friendship
    "TIMSetOnAddFriendCallback": Case((dumps(["u1", "u2"]),), _ids("user_id", ["u1", "u2"]), 2),
    "TIMSetOnDeleteFriendCallback": Case((dumps(["u3"]),), _ids("user_id", ["u3"])),
    "TIMSetUpdateFriendProfileCallback": Case(
        (dumps(FRIEND_UPDATES),), _each(_friend_update, FRIEND_UPDATES), 2
    ),
    "TIMSetFriendAddRequestCallback": Case(
        (dumps(FRIEND_REQUESTS),), _each(_friend_request, FRIEND_REQUESTS)
    ),
    "TIMSetFriendApplicationListDeletedCallback": Case((dumps(["u4"]),), _ids("user_id", ["u4"])),
    "TIMSetFriendApplicationListReadCallback": Case((), lambda ev: None),
    "TIMSetFriendBlackListAddedCallback": Case(
        (dumps([FRIEND]),), _each(lambda e, s: check_friend(e.profile, s), [FRIEND])
    ),
    "TIMSetFriendBlackListDeletedCallback": Case((dumps(["carol"]),), _ids("user_id", ["carol"])),
    "TIMSetFriendGroupCreatedCallback": Case(("work", dumps([FRIEND])), _friends_group),
    "TIMSetFriendGroupDeletedCallback": Case(
        (dumps(["a", "b"]),), _ids("group_name", ["a", "b"]), 2
    ),
    "TIMSetFriendGroupNameChangedCallback": Case(
        ("a", "b"), _fields({"old_name": "a", "new_name": "b"})
    ),
    "TIMSetFriendsAddedToGroupCallback": Case(("work", dumps([FRIEND])), _friends_group),
    "TIMSetFriendsDeletedFromGroupCallback": Case(
        ("work", dumps(["carol", "dave"])),
        _fields({"group_name": "work", "user_ids": ("carol", "dave")}),
    ),
    "TIMSetOfficialAccountSubscribedCallback": Case(
        (dumps(ACCOUNT),), lambda ev: check_account(ev[0].account, ACCOUNT)
    ),
    "TIMSetOfficialAccountUnsubscribedCallback": Case(
        ("@TOA#_news",), _fields({"account_id": "@TOA#_news"})
    ),
    "TIMSetOfficialAccountDeletedCallback": Case(
        ("@TOA#_old",), _fields({"account_id": "@TOA#_old"})
    ),
    "TIMSetOfficialAccountInfoChangedCallback": Case(
        (dumps(ACCOUNT),), lambda ev: check_account(ev[0].account, ACCOUNT)
    ),
    "TIMSetMyFollowingListChangedCallback": Case((dumps([PROFILE]), True), _follow),
    "TIMSetMyFollowersListChangedCallback": Case((dumps([PROFILE]), True), _follow),
    "TIMSetMutualFollowersListChangedCallback": Case((dumps([PROFILE]), True), _follow),
    # profile
    "TIMSetSelfInfoUpdatedCallback": Case(
        (dumps(PROFILE),), lambda ev: check_profile(ev[0].profile, PROFILE)
    ),
    "TIMSetUserStatusChangedCallback": Case((dumps(STATUSES),), _each(_status, STATUSES), 2),
    "TIMSetUserInfoChangedCallback": Case(
        (dumps([PROFILE]),), _each(lambda e, s: check_profile(e.profile, s), [PROFILE])
    ),
    # signaling
    "TIMSetSignalingReceiveNewInvitationCallback": Case(
        ("inv-1", "bob", "g1", dumps(["alice", "carol"]), '{"call":"video"}'),
        _fields(
            {
                "invite_id": "inv-1",
                "inviter": "bob",
                "group_id": "g1",
                "invitees": ("alice", "carol"),
                "data": '{"call":"video"}',
            }
        ),
    ),
    "TIMSetSignalingInvitationCancelledCallback": Case(
        ("inv-1", "bob", "bye"), _fields({"invite_id": "inv-1", "inviter": "bob", "data": "bye"})
    ),
    "TIMSetSignalingInviteeAcceptedCallback": Case(
        ("inv-1", "carol", "ok"), _fields({"invite_id": "inv-1", "invitee": "carol", "data": "ok"})
    ),
    "TIMSetSignalingInviteeRejectedCallback": Case(
        ("inv-1", "carol", "busy"),
        _fields({"invite_id": "inv-1", "invitee": "carol", "data": "busy"}),
    ),
    "TIMSetSignalingInvitationTimeoutCallback": Case(
        ("inv-1", dumps(["carol"])), _fields({"invite_id": "inv-1", "invitees": ("carol",)})
    ),
    "TIMSetSignalingInvitationModifiedCallback": Case(
        ("inv-1", "new-data"), _fields({"invite_id": "inv-1", "data": "new-data"})
    ),
    # community
    "TIMSetCommunityCreateTopicCallback": Case(
        ("g1", "t1"), _fields({"group_id": "g1", "topic_id": "t1"})
    ),
    "TIMSetCommunityDeleteTopicCallback": Case(
        ("g1", dumps(["t1", "t2"])), _ids("topic_id", ["t1", "t2"]), 2
    ),
    "TIMSetCommunityChangeTopicInfoCallback": Case(("g1", dumps(TOPIC)), _topic_changed),
    "TIMSetCommunityReceiveTopicRESTCustomDataCallback": Case(
        ("t1", "payload"), _fields({"topic_id": "t1", "data": "payload"})
    ),
    "TIMSetCommunityCreatePermissionGroupCallback": Case(
        ("g1", dumps(PERMISSION_GROUP)),
        lambda ev: check_permission_group(ev[0].info, PERMISSION_GROUP),
    ),
    "TIMSetCommunityDeletePermissionGroupCallback": Case(
        ("g1", dumps(["pg1", "pg2"])), _ids("permission_group_id", ["pg1", "pg2"]), 2
    ),
    "TIMSetCommunityChangePermissionGroupInfoCallback": Case(
        ("g1", dumps(PERMISSION_GROUP)),
        lambda ev: check_permission_group(ev[0].info, PERMISSION_GROUP),
    ),
    "TIMSetCommunityAddMembersToPermissionGroupCallback": Case(
        ("g1", dumps({"permission_group_id": "pg1", "member_id_list": ["u1", "u2"]})), _members
    ),
    "TIMSetCommunityRemoveMembersFromPermissionGroupCallback": Case(
        ("g1", dumps({"permission_group_id": "pg1", "member_id_list": ["u1", "u2"]})), _members
    ),
    "TIMSetCommunityAddTopicPermissionCallback": Case(("g1", dumps(PERMISSION_MAP)), _permissions),
    "TIMSetCommunityDeleteTopicPermissionCallback": Case(
        ("g1", dumps({"permission_group_id": "pg1", "topic_id_list": ["t1"]})),
        _fields({"group_id": "g1", "permission_group_id": "pg1", "topic_ids": ("t1",)}),
    ),
    "TIMSetCommunityModifyTopicPermissionCallback": Case(
        ("g1", dumps(PERMISSION_MAP)), _permissions
    ),
}

SETTERS = sorted(CALLBACK_SETTERS)
ARRAY_KINDS = sorted(s for s, e in CATALOG.items() if e.per_element)


class TestCatalog:
    def test_every_setter_has_a_typed_event(self) -> None:
        """All 70 notification setters are in the catalog, none with RawEvent."""
        assert len(CALLBACK_SETTERS) == 70
        assert sorted(CATALOG) == SETTERS
        assert all(entry.event is not RawEvent for entry in CATALOG.values())

    def test_event_types_are_frozen_slotted_dataclasses(self) -> None:
        """Every event type is an immutable, slotted dataclass."""
        for entry in CATALOG.values():
            cls = entry.event
            assert dataclasses.is_dataclass(cls), cls
            assert cls.__dataclass_params__.frozen, cls  # type: ignore[attr-defined]
            assert "__slots__" in cls.__dict__, cls

    def test_event_types_share_the_base(self) -> None:
        """Every event type but Message (a model) derives from Event: ``raw`` is one
        keyword-only JSON object field, not compared, ``{}`` when an event is built by hand."""
        for entry in CATALOG.values():
            cls = entry.event
            if cls is aiotim.Message:
                continue
            assert issubclass(cls, Event), cls
            (raw,) = [f for f in dataclasses.fields(cls) if f.name == "raw"]
            assert (raw.kw_only, raw.compare, raw.repr, raw.type) == (
                True,
                False,
                False,
                "JSONObject",
            ), cls
        assert aiotim.KickedOffline().raw == {}
        a = aiotim.UnreadTotalChanged(3, raw={"total_unread_count": 3})
        assert a == aiotim.UnreadTotalChanged(3) and hash(a) == hash(aiotim.UnreadTotalChanged(3))
        assert a.raw == {"total_unread_count": 3} and "raw" not in repr(a)
        assert issubclass(RawEvent, Event)

    def test_event_types_name_exactly_one_kind(self) -> None:
        """EVENT_KINDS inverts CATALOG: each event type is carried by one setter."""
        assert len(EVENT_KINDS) == 70
        assert all(CATALOG[kind].event is t for t, kind in EVENT_KINDS.items())

    def test_every_setter_has_a_decoder_case(self) -> None:
        """The native-path decoder test below covers all 70 setters."""
        assert sorted(CASES) == SETTERS

    def test_every_event_type_is_exported(self) -> None:
        """Each event type is reachable as ``aiotim.<Name>`` and listed in ``__all__``."""
        for t in EVENT_KINDS:
            assert getattr(aiotim, t.__name__) is t
            assert t.__name__ in aiotim.__all__

    def test_group_tip_type_matches_the_vendor_enum(self) -> None:
        """GroupTipType has the values of TIMGroupTipType."""
        vendor = aiotim.enums.TIMGroupTipType
        assert [int(m) for m in aiotim.GroupTipType] == [int(m) for m in vendor]


class TestDecodersThroughNativePath:
    @pytest.mark.parametrize("setter", SETTERS)
    async def test_payload_decodes_field_by_field(self, setter: str) -> None:
        """A representative payload, fired by the loopback C SDK, arrives as the typed event."""
        case = CASES[setter]
        entry = CATALOG[setter]
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            stream = alice.events(entry.event, where=case.where)
            await cloud.emit("alice", setter, *case.args)
            events = [await take(stream) for _ in range(case.count)]
            assert all(type(e) is entry.event for e in events)
            case.check(events)
            for e in events:
                check_raw(setter, case.args, e.raw)
            assert len(stream) == 0
            assert alice._hub.payload_errors.get(setter, 0) == 0


def _json_objects(value: Any) -> list[Any]:
    """The JSON objects a callback argument carries: itself, or its elements."""
    if not isinstance(value, str) or value[:1] not in ("{", "["):
        return []
    data = json.loads(value)
    return [data] if isinstance(data, dict) else [x for x in data if isinstance(x, dict)]


def check_raw(setter: str, args: tuple[Any, ...], raw: Any) -> None:
    """An event's ``raw`` is a JSON object: one object of the payload, as sent, or the
    callback's arguments by parameter name (JSON decoded)."""
    assert isinstance(raw, dict)
    names = [p.name for p in CALLBACK_SETTERS[setter].args]
    objects = [o for a in args for o in _json_objects(a)]
    if raw in objects and not (set(raw) == set(names) and len(args) > 1):
        return
    assert list(raw) == names, (setter, raw)
    for name, arg in zip(names, args, strict=True):
        value = raw[name]
        if isinstance(arg, str) and arg[:1] in ("{", "[") and not isinstance(value, str):
            assert value == json.loads(arg), (setter, name)
        else:
            assert value == arg, (setter, name)


def _array_param(setter: str) -> int:
    params = CALLBACK_SETTERS[setter].args
    for i, p in enumerate(params):
        if p.kind == "str" and ("array" in p.name or p.name.startswith("json")):
            return i
    raise AssertionError(f"{setter} has no array parameter")


class TestMalformedPayloads:
    @pytest.mark.parametrize("setter", ARRAY_KINDS)
    async def test_malformed_array_is_counted_and_stream_goes_on(
        self,
        setter: str,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """Broken JSON and a wrong element type are logged and counted; the next good
        payload still arrives."""
        case = CASES[setter]
        index = _array_param(setter)
        entry = CATALOG[setter]
        caplog.set_level(logging.ERROR, "aiotim.events")
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            stream = alice.events(entry.event, where=case.where)
            for bad in ('[{"unterminated": ', "[42]", '{"not": "an array"}'):
                if setter == "TIMSetGroupTipsEventCallback" and bad.startswith("{"):
                    bad = '"a string"'  # a single object is a valid group tip
                args = list(case.args)
                args[index] = bad
                await cloud.emit("alice", setter, *args)
            await cloud.emit("alice", setter, *case.args)
            events = [await take(stream) for _ in range(case.count)]
            case.check(events)
            assert alice._hub.payload_errors[setter] == 3
            assert sum(setter in r.getMessage() for r in caplog.records) == 3

    async def test_wrong_key_type_is_a_payload_error(self) -> None:
        """A key of the wrong type drops that payload, not the stream."""
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            stream = alice.read_receipts()
            bad = [dict(RECEIPTS[0], msg_receipt_time_stamp="yesterday")]
            await cloud.emit("alice", "TIMSetMsgReadedReceiptCallback", dumps(bad))
            await cloud.emit("alice", "TIMSetMsgReadedReceiptCallback", dumps(RECEIPTS[:1]))
            event = await take(stream)
            assert isinstance(event, aiotim.ReadReceiptReceived)
            _receipt(event, RECEIPTS[0])
            assert alice._hub.payload_errors["TIMSetMsgReadedReceiptCallback"] == 1


# -- the seed documents' JSON examples, replayed through the loopback -----------------------

#: Key prefixes of the seed examples that only answer calls (TIMCommCallback's json_params):
#: no notification carries these shapes, so they have nothing to replay.
CALL_RESULT_PREFIXES = (
    "set_config_",
    "msg_download_elem_result_",
    "create_group_result_",
    "group_invite_member_result_",
    "group_delete_member_result_",
    "group_base_info_",
    "get_groups_info_result_",
    "group_get_memeber_info_list_result_",
    "group_pendency_result_",
    "friend_result_",
    "pendency_page_",
    "friendship_check_friendtype_result_",
    "friend_group_info_",
)


def _normalise(block: str) -> Any:
    """A seed JSON example as data: C comments, ``...`` elisions, hex literals and trailing
    commas removed."""
    text = re.sub(r"/\*.*?\*/", "", block, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"^\s*\.\.\.\s*$", "", text, flags=re.M)
    text = re.sub(r"\b0x[0-9a-fA-F]+\b", lambda m: str(int(m.group(0), 16)), text)
    text = re.sub(r",(\s*[\]}])", r"\1", text)
    return json.loads(text)


def _seed_examples() -> list[tuple[str, Any]]:
    if not SEEDS.is_dir():
        return []
    out = []
    for path in sorted(SEEDS.glob("00[13]_*.txt")):
        blocks = re.findall(r"```[^\n]*\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
        n = 0
        for block in blocks:
            if block.strip()[:1] in ("[", "{"):
                n += 1
                out.append((f"{path.name[:3]}-{n:02d}", _normalise(block)))
    return out


SEED_EXAMPLES = _seed_examples()


def _first(example: Any) -> Any:
    return example[0] if isinstance(example, list) and example else example


def _replays(example: Any) -> list[tuple[str, tuple[Any, ...], Callable[[list[Any]], None], int]]:
    """The notifications that carry this example's shape: (setter, args, check, count)."""
    first = _first(example)
    items = example if isinstance(example, list) else [example]
    if isinstance(first, str):
        ids = list(example)
        return [
            (s, (dumps(ids),), _ids("user_id", ids), len(ids))
            for s in ("TIMSetOnAddFriendCallback", "TIMSetOnDeleteFriendCallback")
        ]
    assert isinstance(first, dict)
    key = next(iter(first))
    if key.startswith("message_"):
        plays = [
            ("TIMAddRecvNewMsgCallback", (dumps(items),), _each(check_message, items), len(items)),
            (
                "TIMSetMsgUpdateCallback",
                (dumps(items),),
                _each(lambda e, s: check_message(e.message, s), items),
                len(items),
            ),
        ]
        tips = [
            e
            for m in items
            for e in m.get("message_elem_array", [])
            if "group_tips_elem_tip_type" in e
        ]
        plays += [
            (
                "TIMSetGroupTipsEventCallback",
                (dumps(t),),
                _each(lambda e, s: check_tips(e.tips, s), [t]),
                1,
            )
            for t in tips
        ]
        return plays
    if key.startswith("msg_batch_send_result_"):  # each result embeds a sent message
        msgs = [r["msg_batch_send_result_msg"] for r in items]
        return [("TIMAddRecvNewMsgCallback", (dumps(msgs),), _each(check_message, msgs), len(msgs))]
    if key.startswith("conv_"):

        def check_conv(e: Any, s: dict[str, Any]) -> None:
            c = e.conversation
            assert (c.conv.id, c.conv.conv_type) == (s["conv_id"], s["conv_type"])
            assert (c.unread_count, c.active_time) == (s["conv_unread_num"], s["conv_active_time"])
            assert c.last_message is not None
            check_message(c.last_message, s["conv_last_msg"])
            assert c.raw == s

        return [
            ("TIMSetConvEventCallback", (2, dumps(items)), _each(check_conv, items), len(items))
        ]
    if key.startswith("friend_profile_update_"):
        return [
            (
                "TIMSetUpdateFriendProfileCallback",
                (dumps(items),),
                _each(_friend_update, items),
                len(items),
            )
        ]
    if key.startswith("friend_add_pendency_"):
        return [
            (
                "TIMSetFriendAddRequestCallback",
                (dumps(items),),
                _each(_friend_request, items),
                len(items),
            )
        ]
    if key.startswith("friend_profile_"):
        return [
            (
                "TIMSetFriendBlackListAddedCallback",
                (dumps(items),),
                _each(lambda e, s: check_friend(e.profile, s), items),
                len(items),
            )
        ]
    if key.startswith("user_profile_"):
        return [
            (
                "TIMSetUserInfoChangedCallback",
                (dumps(items),),
                _each(lambda e, s: check_profile(e.profile, s), items),
                len(items),
            )
        ]
    return []


class TestSeedExamples:
    @needs_seeds
    def test_seed_001_has_no_json_examples(self) -> None:
        """Seed 001's code blocks are all C prototypes: it has no JSON example to replay."""
        text = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")
        blocks = re.findall(r"```[^\n]*\n(.*?)```", text, re.S)
        assert blocks and all("TIM_DECL" in b for b in blocks)
        assert not [n for n, _ in SEED_EXAMPLES if n.startswith("001")]

    @needs_seeds
    def test_every_example_is_replayed_or_a_call_result(self) -> None:
        """Each JSON example either has a notification to replay it or is a known call result."""
        assert len(SEED_EXAMPLES) == 36
        for name, example in SEED_EXAMPLES:
            if not _replays(example):
                key = next(iter(_first(example)))
                assert key.startswith(CALL_RESULT_PREFIXES), (name, key)

    @needs_seeds
    @pytest.mark.parametrize("name", [n for n, e in SEED_EXAMPLES if _replays(e)])
    async def test_example_replays_field_by_field(self, name: str) -> None:
        """The example, fired by the loopback SDK through each notification carrying its shape,
        decodes field by field."""
        example = dict(SEED_EXAMPLES)[name]
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            for setter, args, check, count in _replays(example):
                stream: aiotim.Stream[Any] = alice.events(CATALOG[setter].event)
                await cloud.emit("alice", setter, *args)
                check([await take(stream) for _ in range(count)])
                stream.close()
                assert alice._hub.payload_errors.get(setter, 0) == 0


# -- real flows of the loopback cloud -------------------------------------------------------


class TestRealFlows:
    async def test_revoke_reaches_the_peer_as_message_revoked(self) -> None:
        """alice revokes a message; bob's revokes() stream locates it and names alice."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.new_messages()
            revokes = bob.revokes(conv=aiotim.C2C("alice"))
            sent = await alice.send_text(aiotim.C2C("bob"), "oops")
            received = await take(inbox)
            assert isinstance(received, aiotim.Message)
            await alice.call_raw("TIMMsgRevoke", "bob", 1, orjson.dumps(sent.raw))
            event = await take(revokes)
            assert isinstance(event, aiotim.MessageRevoked)
            assert event.locator.conv == aiotim.C2C("alice")
            assert event.locator.matches(received)
            assert event.locator.is_revoked and event.revoker == "alice"

    async def test_report_read_reaches_the_sender_as_read_receipt(self) -> None:
        """bob reports alice's message read; alice gets a C2C peer-read receipt."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.new_messages()
            receipts = alice.read_receipts(conv=aiotim.C2C("bob"))
            await alice.send_text(aiotim.C2C("bob"), "read me")
            received = await take(inbox)
            assert isinstance(received, aiotim.Message)
            await bob.call_raw("TIMMsgReportReaded", "alice", 1, orjson.dumps(received.raw))
            event = await take(receipts)
            assert isinstance(event, aiotim.ReadReceiptReceived)
            assert event.receipt.conv == aiotim.C2C("bob")
            assert event.receipt.is_peer_read and event.receipt.timestamp > 0

    async def test_new_message_updates_the_conversation(self) -> None:
        """A received message shows as a conversation change with the message last."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            changes = bob.events(
                aiotim.ConversationChanged, where=lambda e: e.conversation.last_message is not None
            )
            await alice.send_text(aiotim.C2C("bob"), "hello")
            event = await take(changes)
            assert isinstance(event, aiotim.ConversationChanged)
            assert event.conversation.conv == aiotim.C2C("alice")
            last = event.conversation.last_message
            assert last is not None and last.text == "hello"


class TestEventsMethod:
    async def test_unknown_types_raise_clear_errors(self) -> None:
        """events() rejects a type outside the catalog (KeyError) and a non-type (TypeError)."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            with pytest.raises(KeyError, match="not an event type"):
                alice.events(RawEvent)
            with pytest.raises(TypeError, match="event class"):
                alice.events("TIMSetMsgRevokeCallback")  # type: ignore[arg-type]

    async def test_group_tips_filters_by_type_and_group(self) -> None:
        """group_tips(tip_type=, group_id=) keeps only the matching tips."""
        async with cloud_and_clients("alice") as (cloud, (alice,)):
            joins = alice.group_tips(group_id="g1", tip_type=aiotim.GroupTipType.INVITE)
            for tip_type, group in ((6, "g1"), (1, "g2"), (1, "g1")):
                tip = dict(TIPS, group_tips_elem_tip_type=tip_type, group_tips_elem_group_id=group)
                await cloud.emit("alice", "TIMSetGroupTipsEventCallback", dumps(tip))
            event = await take(joins)
            assert isinstance(event, aiotim.GroupTipsEvent)
            assert (event.tip_type, event.group_id) == (aiotim.GroupTipType.INVITE, "g1")
            assert len(joins) == 0


# -- docs/events.md --------------------------------------------------------------------------


class TestDocs:
    @needs_seeds
    def test_every_v2_callback_of_seed_000_is_mapped(self) -> None:
        """Every callback name in seed 000's table appears in a row of docs/events.md."""
        seed = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
        names = re.findall(r"^\|\s*\[(\w+)\]\(", seed, re.M)
        assert len(names) == 42
        rows = [
            line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("|")
        ]
        missing = [n for n in names if not any(f"`{n}`" in row for row in rows)]
        assert not missing

    def test_every_catalog_entry_is_documented(self) -> None:
        """Every setter and its event type appear together in a row of docs/events.md."""
        rows = [
            line for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("|")
        ]
        for setter, entry in CATALOG.items():
            assert any(
                f"`{setter}`" in row and f"`{entry.event.__name__}`" in row for row in rows
            ), setter
