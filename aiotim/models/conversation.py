"""Conversations (JSON keys: the headers' ``kTIMConv*``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from aiotim.errors import PayloadError
from aiotim.models._fields import Key, Model, fingerprint, model, plan, required_keys
from aiotim.models._json import JSONObject
from aiotim.models.address import Address, address_of
from aiotim.models.message import Message

__all__ = [
    "Conversation",
    "ConversationPage",
    "Draft",
    "GroupAtInfo",
    "OperationResult",
]


def _conv(conv_id: str, conv_type: int = 1) -> Address:
    try:
        return address_of(conv_id, conv_type)
    except ValueError as exc:
        raise PayloadError("conversation", str(exc)) from None


def _last_message(value: Any) -> Message | None:
    # Tolerant: only a non-empty object is a message.
    return Message.from_json(value) if isinstance(value, dict) and value else None


def _draft_message(value: Any) -> Message | None:
    # A draft message need not name its conversation: tolerate what does not decode.
    try:
        return _last_message(value)
    except PayloadError:
        return None


@model("draft")
@dataclass(frozen=True, slots=True)
class Draft(Model):
    """A conversation's draft (local to the device): the draft message, the application's
    data and when it was edited. Source: TIMConversationManager.h:921-927."""

    message: Annotated[Message | None, Key("draft_msg", convert=_draft_message)]
    user_define: Annotated[str, Key("draft_user_define")]
    edit_time: Annotated[int, Key("draft_edit_time")]
    raw: JSONObject = field(repr=False, compare=False)

    @property
    def text(self) -> str | None:
        """The draft message's text (``None`` when it has none)."""
        return self.message.text if self.message is not None else None


@model("group @ info")
@dataclass(frozen=True, slots=True)
class GroupAtInfo(Model):
    """A mention in a group conversation: the message's seq and ``at_type`` (1 me, 2 all,
    3 all and me). Source: TIMConversationManager.h:64-71."""

    seq: Annotated[int, Key("conv_group_at_info_seq")]
    at_type: Annotated[int, Key("conv_group_at_info_at_type")]
    raw: JSONObject = field(repr=False, compare=False)


def _marks(items: list[Any]) -> tuple[int, ...]:
    return tuple(i for i in items if isinstance(i, int) and not isinstance(i, bool))


@model("conversation")
@dataclass(frozen=True, slots=True)
class Conversation(Model):
    """A conversation of the logged-in user: its address, unread count and last message,
    and its pin, draft, marks, custom data and conversation groups.
    Source: TIMConversationManager.h:937-975 (``conv_*``)."""

    conv: Annotated[Address, Key("conv_id", "conv_type", convert=_conv, required=True)]
    unread_count: Annotated[int, Key("conv_unread_num")]
    last_message: Annotated[Message | None, Key("conv_last_msg", convert=_last_message)]
    active_time: Annotated[int, Key("conv_active_time")]
    show_name: Annotated[str, Key("conv_show_name")]
    face_url: Annotated[str, Key("conv_face_url")]
    is_pinned: Annotated[bool, Key("conv_is_pinned")]
    draft: Annotated[Draft | None, Key("conv_draft")]
    recv_opt: Annotated[int, Key("conv_recv_opt")]
    group_type: Annotated[int, Key("conv_group_type")]
    at_infos: Annotated[tuple[GroupAtInfo, ...], Key("conv_group_at_info_array")]
    marks: Annotated[tuple[int, ...], Key("conv_mark_array", convert=_marks)]
    custom_data: Annotated[str, Key("conv_custom_data")]
    conversation_groups: Annotated[tuple[str, ...], Key("conv_conversation_group_array")]
    c2c_read_timestamp: Annotated[int, Key("conv_c2c_read_timestamp")]
    group_read_sequence: Annotated[int, Key("conv_group_read_sequence")]
    raw: JSONObject = field(repr=False, compare=False)


#: the plan (``aiotim.models._fields.fingerprint``) :func:`_fast_conversation` was written for;
#: another plan (a field added or changed) makes :func:`decode_conversation` the checked
#: decoder, and tests/test_conversation_decoder.py fails until the fast one is brought up to date
CONVERSATION_PLAN = "72e6e14feb1c3d23"
_NO_ITEMS: list[Any] = []


def _fast_conversation(cls: type[Conversation]) -> Callable[[Any], Conversation]:
    """A fast decoder of conversations, for the hot path (every conversation-list call decodes
    a list of them): every key read once; when each has exactly its JSON type (absent: its
    default), the fields are built directly, else the checked decoder (``from_json``) takes the
    object and raises what it raises. Written after the decoders ``scripts/gen_models.py``
    generates for messages (whose generator has no converted or nested keys)."""
    new = cls._new
    checked = cls._checked
    columns, _ = cls.__dict__["_table"]
    convert = {c.name: c.convert for c in columns}
    c_conv = convert["conv"]
    c_last = convert["last_message"]
    c_draft = convert["draft"]
    c_at = convert["at_infos"]
    c_marks = convert["marks"]
    c_groups = convert["conversation_groups"]

    def from_json(value: Any) -> Conversation:
        if type(value) is dict:
            g = value.get
            conv_id = g("conv_id", "")
            conv_type = g("conv_type", 1)
            unread = g("conv_unread_num", 0)
            last = g("conv_last_msg")
            active = g("conv_active_time", 0)
            show_name = g("conv_show_name", "")
            face_url = g("conv_face_url", "")
            pinned = g("conv_is_pinned", False)
            draft = g("conv_draft")
            recv_opt = g("conv_recv_opt", 0)
            group_type = g("conv_group_type", 0)
            at_infos = g("conv_group_at_info_array", _NO_ITEMS)
            marks = g("conv_mark_array", _NO_ITEMS)
            custom = g("conv_custom_data", "")
            groups = g("conv_conversation_group_array", _NO_ITEMS)
            c2c_read = g("conv_c2c_read_timestamp", 0)
            group_read = g("conv_group_read_sequence", 0)
            if (
                type(conv_id) is str
                and conv_id
                and type(conv_type) is int
                and type(unread) is int
                and type(active) is int
                and type(show_name) is str
                and type(face_url) is str
                and type(pinned) is bool
                and (draft is None or type(draft) is dict)
                and type(recv_opt) is int
                and type(group_type) is int
                and type(at_infos) is list
                and type(marks) is list
                and type(custom) is str
                and type(groups) is list
                and type(c2c_read) is int
                and type(group_read) is int
            ):
                return new(  # type: ignore[no-any-return]
                    c_conv(conv_id, conv_type),
                    unread,
                    c_last(last),
                    active,
                    show_name,
                    face_url,
                    pinned,
                    c_draft(draft or None),
                    recv_opt,
                    group_type,
                    c_at(at_infos),
                    c_marks(marks),
                    custom,
                    c_groups(groups),
                    c2c_read,
                    group_read,
                    value,
                )
        return checked(value)  # type: ignore[no-any-return]

    return from_json


def _current_plan() -> str:
    return fingerprint(plan(Conversation), required_keys(Conversation))


#: Decodes one conversation as ``Conversation.from_json`` does (same result, same errors),
#: faster for the objects the SDK sends (see :func:`_fast_conversation`).
decode_conversation: Callable[[Any], Conversation] = (
    _fast_conversation(Conversation)
    if _current_plan() == CONVERSATION_PLAN
    else Conversation.from_json
)


@model("conversation page")
@dataclass(frozen=True, slots=True)
class ConversationPage(Model):
    """A page of conversations (``TIMConvGetConversationListByFilter``): pass ``next_seq``
    for the next one until ``is_finished``. Source: TIMConversationManager.h:991-997."""

    conversations: Annotated[tuple[Conversation, ...], Key("conversation_list_result_conv_list")]
    next_seq: Annotated[int, Key("conversation_list_result_next_seq")]
    is_finished: Annotated[bool, Key("conversation_list_result_is_finished")]
    raw: JSONObject = field(repr=False, compare=False)


@model("conversation operation result")
@dataclass(frozen=True, slots=True)
class OperationResult(Model):
    """The result of a conversation operation for one conversation id (``"c2c_<user>"`` /
    ``"group_<group>"``): code 0 is success. Source: TIMConversationManager.h:1012-1018."""

    conversation_id: Annotated[str, Key("conversation_operation_result_conversation_id")]
    code: Annotated[int, Key("conversation_operation_result_result_code")]
    info: Annotated[str, Key("conversation_operation_result_result_info")]
    raw: JSONObject = field(repr=False, compare=False)
