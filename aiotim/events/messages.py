"""Message events besides new messages: revokes, read receipts, modifications, upload
progress, extensions, reactions, the global receive option and pinned group messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.events import _decode as d
from aiotim.models import Message
from aiotim.models._json import get_str, obj
from aiotim.models.group import GroupMemberInfo
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
class MessageRevoked:
    """A message was revoked (``TIMSetMsgRevokeCallback``, one event per message): where it
    was, who revoked it and why."""

    locator: MessageLocator
    revoker: str
    revoker_nick_name: str
    revoker_face_url: str
    reason: str
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ReadReceiptReceived:
    """A read receipt arrived (``TIMSetMsgReadedReceiptCallback``, one event per receipt)."""

    receipt: ReadReceipt
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class MessageModified:
    """A message was modified in the cloud, e.g. by a server-side hook
    (``TIMSetMsgUpdateCallback``, one event per message)."""

    message: Message
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class UploadProgress:
    """Upload progress of the file of element ``index`` of ``message``
    (``TIMSetMsgElemUploadProgressCallback``)."""

    message: Message
    index: int
    current_size: int
    total_size: int
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class MessageExtensionsChanged:
    """Extensions of the message ``msg_id`` were set (``TIMSetMsgExtensionsChangedCallback``)."""

    msg_id: str
    extensions: dict[str, str] = field(hash=False)
    raw: list[Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class MessageExtensionsDeleted:
    """Extensions of the message ``msg_id`` were deleted
    (``TIMSetMsgExtensionsDeletedCallback``)."""

    msg_id: str
    keys: tuple[str, ...]
    raw: list[Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ReactionsChanged:
    """Reactions of a message changed (``TIMSetMsgReactionsChangedCallback``, one event per
    message)."""

    change: ReactionChange
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class AllReceiveOptionChanged:
    """The logged-in user's global receive option changed
    (``TIMSetMsgAllMessageReceiveOptionCallback``)."""

    option: ReceiveOptInfo
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class GroupMessagePinned:
    """A group message was pinned (``is_pinned``) or unpinned
    (``TIMSetMsgGroupPinnedMessageChangedCallback``). On unpinning, ``message`` may carry only
    the keys that identify it. ``op_member`` is the operator's member info when the SDK sends it
    as JSON, ``op_user`` their user id."""

    group_id: str
    message: Message
    is_pinned: bool
    op_user: str
    op_member: GroupMemberInfo | None
    raw: tuple[Any, ...] = field(repr=False, compare=False)


# -- decoders ---------------------------------------------------------------------------------


def _revoked(args: d.Args) -> list[Any]:
    kind = "TIMSetMsgRevokeCallback"
    out = []
    for item in d.array(args[0], kind):
        o = obj(item, "revoke info")
        out.append(MessageRevoked(
            locator=MessageLocator.from_json(o),
            revoker=get_str(o, "message_revoker_user_id", "revoke info"),
            revoker_nick_name=get_str(o, "message_revoker_nick_name", "revoke info"),
            revoker_face_url=get_str(o, "message_revoker_face_url", "revoke info"),
            reason=get_str(o, "message_revoke_reason", "revoke info"),
            raw=o,
        ))
    return out


def _receipts(args: d.Args) -> list[Any]:
    return [ReadReceiptReceived(ReadReceipt.from_json(r), r)
            for r in d.array(args[0], "TIMSetMsgReadedReceiptCallback")]


def _modified(args: d.Args) -> list[Any]:
    return [MessageModified(Message.from_json(m), m)
            for m in d.array(args[0], "TIMSetMsgUpdateCallback")]


def _upload(args: d.Args) -> list[Any]:
    kind = "TIMSetMsgElemUploadProgressCallback"
    msg, index, cur, total = args
    return [UploadProgress(Message.from_json(d.obj(msg, kind)), d.integer(index, kind, "index"),
                           d.integer(cur, kind, "cur_size"), d.integer(total, kind, "total_size"),
                           args)]


def _ext_changed(args: d.Args) -> list[Any]:
    kind = "TIMSetMsgExtensionsChangedCallback"
    items = d.array(args[1], kind)
    ext: dict[str, str] = {}
    for item in items:
        o = obj(item, "message extension")
        ext[get_str(o, "message_extension_key", "message extension")] = get_str(
            o, "message_extension_value", "message extension")
    return [MessageExtensionsChanged(d.text(args[0], kind), ext, items)]


def _ext_deleted(args: d.Args) -> list[Any]:
    kind = "TIMSetMsgExtensionsDeletedCallback"
    items = d.array(args[1], kind)
    keys = []
    for item in items:
        if isinstance(item, str):  # tolerate a bare key list
            keys.append(item)
        else:
            keys.append(get_str(obj(item, "message extension"), "message_extension_key",
                                "message extension"))
    return [MessageExtensionsDeleted(d.text(args[0], kind), tuple(keys), items)]


def _reactions(args: d.Args) -> list[Any]:
    return [ReactionsChanged(ReactionChange.from_json(c), c)
            for c in d.array(args[0], "TIMSetMsgReactionsChangedCallback")]


def _recv_opt(args: d.Args) -> list[Any]:
    kind = "TIMSetMsgAllMessageReceiveOptionCallback"
    data = d.items(args[0], kind)
    return [AllReceiveOptionChanged(ReceiveOptInfo.from_json(o), o) for o in data]


def _pinned(args: d.Args) -> list[Any]:
    kind = "TIMSetMsgGroupPinnedMessageChangedCallback"
    group_id, msg, pinned, op = args
    op_text = d.text(op, kind)
    member = None
    if op_text.startswith("{"):
        member = GroupMemberInfo.from_json(d.json(op, kind))
        op_text = member.user_id
    message = Message.from_json(d.obj(msg, kind))
    return [GroupMessagePinned(d.text(group_id, kind), message,
                               d.boolean(pinned, kind, "is_pinned"), op_text, member, args)]


SPECS: dict[str, d.Spec] = {
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
