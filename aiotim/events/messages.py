"""Message events: new messages (delivered as :class:`aiotim.Message` itself), revokes, read
receipts, modifications, upload progress, extensions, reactions, the global receive option and
pinned group messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim._abi import CALLBACK_SETTERS
from aiotim._native._records import set_decoder as _set_decoder
from aiotim.events import _decode as d
from aiotim.events.base import Event
from aiotim.models import Message
from aiotim.models._cmessage import decode as _c_decode
from aiotim.models._cmessage import decode_many as _c_decode_many
from aiotim.models._cmessage import decode_payload_capsule
from aiotim.models._json import JSONObject, get_str, obj
from aiotim.models.group import GroupMemberInfo
from aiotim.models.message import decoded_message, decoded_messages, messages_from_bytes
from aiotim.models.message_info import MessageLocator, ReactionChange, ReadReceipt, ReceiveOptInfo

__all__ = [
    "AllReceiveOptionChanged",
    "GroupMessagePinned",
    "MessageExtensionsChanged",
    "MessageExtensionsDeleted",
    "MessageModified",
    "MessageRevoked",
    "ReactionsChanged",
    "ReadReceiptReceived",
    "UploadProgress",
]


@dataclass(frozen=True, slots=True)
class MessageRevoked(Event):
    """A message was revoked (``TIMSetMsgRevokeCallback``, one event per message): where it
    was, who revoked it and why."""

    locator: MessageLocator
    revoker: str
    revoker_nick_name: str
    revoker_face_url: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReadReceiptReceived(Event):
    """A read receipt arrived (``TIMSetMsgReadedReceiptCallback``, one event per receipt)."""

    receipt: ReadReceipt


@dataclass(frozen=True, slots=True)
class MessageModified(Event):
    """A message was modified in the cloud, e.g. by a server-side hook
    (``TIMSetMsgUpdateCallback``, one event per message)."""

    message: Message


@dataclass(frozen=True, slots=True)
class UploadProgress(Event):
    """Upload progress of the file of element ``index`` of ``message``
    (``TIMSetMsgElemUploadProgressCallback``)."""

    message: Message
    index: int
    current_size: int
    total_size: int


@dataclass(frozen=True, slots=True)
class MessageExtensionsChanged(Event):
    """Extensions of the message ``msg_id`` were set (``TIMSetMsgExtensionsChangedCallback``)."""

    msg_id: str
    extensions: dict[str, str] = field(hash=False)


@dataclass(frozen=True, slots=True)
class MessageExtensionsDeleted(Event):
    """Extensions of the message ``msg_id`` were deleted
    (``TIMSetMsgExtensionsDeletedCallback``)."""

    msg_id: str
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReactionsChanged(Event):
    """Reactions of a message changed (``TIMSetMsgReactionsChangedCallback``, one event per
    message)."""

    change: ReactionChange


@dataclass(frozen=True, slots=True)
class AllReceiveOptionChanged(Event):
    """The logged-in user's global receive option changed
    (``TIMSetMsgAllMessageReceiveOptionCallback``)."""

    option: ReceiveOptInfo


@dataclass(frozen=True, slots=True)
class GroupMessagePinned(Event):
    """A group message was pinned (``is_pinned``) or unpinned
    (``TIMSetMsgGroupPinnedMessageChangedCallback``). On unpinning, ``message`` may carry only
    the keys that identify it. ``op_member`` is the operator's member info when the SDK sends it
    as JSON, ``op_user`` their user id."""

    group_id: str
    message: Message
    is_pinned: bool
    op_user: str
    op_member: GroupMemberInfo | None


# -- decoders ---------------------------------------------------------------------------------


# The pump decodes each new-message callback's JSON array in C straight from the relay's record
# (aiotim/_native/records.c calls aiotim/models/_cmessage.c): no bytes copy of the payload, and
# the callback's argument is then the decoder's (list, slow) instead of the bytes. A payload it
# does not vouch for still arrives as bytes.
_set_decoder(CALLBACK_SETTERS["TIMAddRecvNewMsgCallback"].index, decode_payload_capsule)


def _new_messages(args: d.Args) -> list[Message]:
    # a message without its id or conversation is dropped and counted, the others go on
    payload = args[0]
    # built in C: by the pump from the relay's record (a (list, slow) tuple), or here; None:
    # malformed or unusual, decoded below
    got = payload if type(payload) is tuple else _c_decode(payload) if payload else None
    if got is not None:
        items, slow = got
        return d.each(items, decoded_message) if slow else items
    return d.each(d.array(payload, "TIMAddRecvNewMsgCallback"), Message.from_json)


def _new_messages_batch(batch: list[d.Args]) -> list[Message]:
    # Every payload a JSON array of message objects, built in C (aiotim/models/_cmessage.c);
    # anything else raises here (a payload that is not bytes, malformed JSON, or
    # Message.from_json's PayloadError) and the hub decodes the run again with _new_messages,
    # one payload at a time, which names the problem.
    got = _c_decode_many(batch)  # the whole run in one call
    if got is not None:
        return decoded_messages(got)
    out: list[Message] = []
    for (payload,) in batch:  # one of them is not vouched for by the C decoder
        out += decoded_messages(payload) if type(payload) is tuple else messages_from_bytes(payload)
    return out


def _revoked(args: d.Args) -> list[Event]:
    kind = "TIMSetMsgRevokeCallback"

    def build(item: Any) -> Event:
        o = obj(item, "revoke info")
        return MessageRevoked(
            locator=MessageLocator.from_json(o),
            revoker=get_str(o, "message_revoker_user_id", "revoke info"),
            revoker_nick_name=get_str(o, "message_revoker_nick_name", "revoke info"),
            revoker_face_url=get_str(o, "message_revoker_face_url", "revoke info"),
            reason=get_str(o, "message_revoke_reason", "revoke info"),
            raw=o,
        )

    return d.each(d.array(args[0], kind), build)


def _receipts(args: d.Args) -> list[Event]:
    return d.events_of(
        d.array(args[0], "TIMSetMsgReadedReceiptCallback"),
        ReadReceipt.from_json,
        ReadReceiptReceived,
    )


def _modified(args: d.Args) -> list[Event]:
    return d.events_of(
        d.array(args[0], "TIMSetMsgUpdateCallback"), Message.from_json, MessageModified
    )


def _upload(args: d.Args) -> list[Event]:
    kind = "TIMSetMsgElemUploadProgressCallback"
    msg = d.obj(args[0], kind)
    index = d.integer(args[1], kind, "index")
    cur, total = d.integer(args[2], kind, "cur_size"), d.integer(args[3], kind, "total_size")
    return [
        UploadProgress(
            Message.from_json(msg), index, cur, total, raw=d.payload(kind, msg, index, cur, total)
        )
    ]


def _ext_changed(args: d.Args) -> list[Event]:
    kind = "TIMSetMsgExtensionsChangedCallback"
    msg_id, items = d.an_id(args[0], kind), d.array(args[1], kind)
    ext: dict[str, str] = {}
    for item in items:
        o = obj(item, "message extension")
        ext[get_str(o, "message_extension_key", "message extension")] = get_str(
            o, "message_extension_value", "message extension"
        )
    return [MessageExtensionsChanged(msg_id, ext, raw=d.payload(kind, msg_id, items))]


def _ext_deleted(args: d.Args) -> list[Event]:
    kind = "TIMSetMsgExtensionsDeletedCallback"
    msg_id, items = d.an_id(args[0], kind), d.array(args[1], kind)
    keys = []
    for item in items:
        if isinstance(item, str):  # tolerate a bare key list
            keys.append(item)
        else:
            keys.append(
                get_str(
                    obj(item, "message extension"), "message_extension_key", "message extension"
                )
            )
    return [MessageExtensionsDeleted(msg_id, tuple(keys), raw=d.payload(kind, msg_id, items))]


def _reactions(args: d.Args) -> list[Event]:
    return d.events_of(
        d.array(args[0], "TIMSetMsgReactionsChangedCallback"),
        ReactionChange.from_json,
        ReactionsChanged,
    )


def _recv_opt(args: d.Args) -> list[Event]:
    return d.events_of(
        d.items(args[0], "TIMSetMsgAllMessageReceiveOptionCallback"),
        ReceiveOptInfo.from_json,
        AllReceiveOptionChanged,
    )


def _pinned(args: d.Args) -> list[Event]:
    kind = "TIMSetMsgGroupPinnedMessageChangedCallback"
    group_id, msg = d.an_id(args[0], kind), d.obj(args[1], kind)
    pinned = d.boolean(args[2], kind, "is_pinned")
    op_text = d.text(args[3], kind)
    op: JSONObject | str = op_text
    member = None
    if op_text.startswith("{"):
        op = d.obj(args[3], kind)
        member = GroupMemberInfo.from_json(op)
        op_text = member.user_id
    return [
        GroupMessagePinned(
            group_id,
            Message.from_json(msg),
            pinned,
            op_text,
            member,
            raw=d.payload(kind, group_id, msg, pinned, op),
        )
    ]


SPECS: dict[str, d.Spec] = {
    "TIMAddRecvNewMsgCallback": (Message, _new_messages, True),
    "TIMSetMsgRevokeCallback": (MessageRevoked, _revoked, True),
    "TIMSetMsgReadedReceiptCallback": (ReadReceiptReceived, _receipts, True),
    "TIMSetMsgUpdateCallback": (MessageModified, _modified, True),
    "TIMSetMsgElemUploadProgressCallback": (UploadProgress, _upload, False),
    "TIMSetMsgExtensionsChangedCallback": (MessageExtensionsChanged, _ext_changed, False),
    "TIMSetMsgExtensionsDeletedCallback": (MessageExtensionsDeleted, _ext_deleted, False),
    "TIMSetMsgReactionsChangedCallback": (ReactionsChanged, _reactions, True),
    "TIMSetMsgAllMessageReceiveOptionCallback": (AllReceiveOptionChanged, _recv_opt, False),
    "TIMSetMsgGroupPinnedMessageChangedCallback": (GroupMessagePinned, _pinned, False),
}

#: decoders of a run of notifications at once, where it is worth having (speed)
BATCH: dict[str, d.BatchDecoder] = {"TIMAddRecvNewMsgCallback": _new_messages_batch}
