"""The conversation lists' fast decoder (``aiotim.models.conversation.decode_conversation``)
gives what ``Conversation.from_json`` (the checked decoder) gives: the same Conversation, or
the same PayloadError, for every shape of object."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from aiotim.errors import PayloadError
from aiotim.models import _fields
from aiotim.models.conversation import CONVERSATION_PLAN, Conversation, decode_conversation

_MESSAGE = {
    "message_msg_id": "0123456789abcdef-1700000000-42",
    "message_conv_id": "bob",
    "message_conv_type": 1,
    "message_sender": "alice",
    "message_seq": 3,
    "message_rand": 42,
    "message_server_time": 1700000000,
    "message_client_time": 1700000000,
    "message_is_from_self": True,
    "message_is_read": True,
    "message_status": 2,
    "message_elem_array": [{"elem_type": 0, "text_elem_content": "hi"}],
}

BASE: dict[str, Any] = {
    "conv_id": "bob",
    "conv_type": 1,
    "conv_show_name": "Bob",
    "conv_face_url": "",
    "conv_unread_num": 2,
    "conv_active_time": 1700000000,
    "conv_is_has_lastmsg": True,
    "conv_is_has_draft": True,
    "conv_is_pinned": True,
    "conv_recv_opt": 0,
    "conv_group_type": 0,
    "conv_group_at_info_array": [{"conv_group_at_info_seq": 5, "conv_group_at_info_at_type": 1}],
    "conv_mark_array": [1, 2, True],
    "conv_custom_data": "x",
    "conv_conversation_group_array": ["work"],
    "conv_c2c_read_timestamp": 1700000001,
    "conv_group_read_sequence": 0,
    "conv_last_msg": _MESSAGE,
    "conv_draft": {"draft_msg": {}, "draft_user_define": "u", "draft_edit_time": 7},
}

#: values of the wrong JSON type for some key or other (and null, empty, nested)
WRONG: list[Any] = [None, "1", 1.5, True, False, [], {}, {"a": 1}, ["x"], [1], 0, -1, ""]


def _variants() -> list[Any]:
    out: list[Any] = [BASE, {"conv_id": "bob"}, {"conv_id": "g", "conv_type": 2}, {}, [], None]
    for key in BASE:
        missing = dict(BASE)
        del missing[key]
        out.append(missing)
        for value in WRONG:
            out.append(dict(BASE, **{key: value}))
    out.append(dict(BASE, conv_id="g1", conv_type=2, conv_group_type=1, conv_group_read_sequence=9))
    out.append(dict(BASE, conv_type=3))  # not a conversation type
    return out


def _outcome(decode: Any, value: Any) -> Any:
    try:
        got = decode(copy.deepcopy(value))
    except PayloadError as exc:
        return ("error", type(exc), str(exc))
    return ("ok", got, got.raw)


def test_the_fast_decoder_is_for_the_current_plan() -> None:
    """A change of Conversation's fields changes its plan: bring _fast_conversation up to
    date, then CONVERSATION_PLAN."""
    plan = _fields.fingerprint(_fields.plan(Conversation), _fields.required_keys(Conversation))
    assert plan == CONVERSATION_PLAN
    assert decode_conversation is not Conversation.from_json


@pytest.mark.parametrize("value", _variants())
def test_fast_and_checked_decoders_agree(value: Any) -> None:
    assert _outcome(decode_conversation, value) == _outcome(Conversation.from_json, value)
