"""What the message notifications carry besides messages: locators of revoked messages, read
receipts, reactions and the global receive option (JSON keys: the headers' ``kTIMMsgLocator*``,
``kTIMMsgRevoke*``, ``kTIMMsgReceipt*``, ``kTIMMsgReaction*``, ``kTIMMsgAllRecvMsg*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.errors import PayloadError
from aiotim.models._json import JSONObject, get_bool, get_int, get_list, get_str, obj
from aiotim.models.address import Address, address_of
from aiotim.models.profile import UserProfile

__all__ = ["MessageLocator", "Reaction", "ReactionChange", "ReadReceipt", "ReceiveOptInfo"]


def _address(d: JSONObject, id_key: str, type_key: str, what: str) -> Address:
    try:
        return address_of(get_str(d, id_key, what), get_int(d, type_key, what, 1))
    except ValueError as exc:
        raise PayloadError(what, str(exc)) from None


@dataclass(frozen=True, slots=True)
class MessageLocator:
    """Where a message is: its conversation and ``seq``/``rand``/``time`` (enough to find it)."""

    conv: Address
    seq: int
    rand: int
    time: int
    is_self: bool
    is_revoked: bool
    unique_id: int
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> MessageLocator:
        """Decode a ``MsgLocator`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "message locator"
        d = obj(value, what)
        return cls(
            conv=_address(d, "message_locator_conv_id", "message_locator_conv_type", what),
            seq=get_int(d, "message_locator_seq", what),
            rand=get_int(d, "message_locator_rand", what),
            time=get_int(d, "message_locator_time", what),
            is_self=get_bool(d, "message_locator_is_self", what),
            is_revoked=get_bool(d, "message_locator_is_revoked", what),
            unique_id=get_int(d, "message_locator_unique_id", what),
            raw=d,
        )

    def matches(self, message: Any) -> bool:
        """Whether ``message`` (an :class:`aiotim.Message`) is the one this locator points to."""
        return bool(message.conv == self.conv and message.seq == self.seq
                    and message.rand == self.rand)


@dataclass(frozen=True, slots=True)
class ReadReceipt:
    """A read receipt: in a C2C conversation the peer read up to ``timestamp``; in a group,
    ``read_count``/``unread_count`` of the message ``msg_id``."""

    conv: Address
    msg_id: str
    timestamp: int
    is_peer_read: bool
    read_count: int
    unread_count: int
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> ReadReceipt:
        """Decode a ``MessageReceipt`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "read receipt"
        d = obj(value, what)
        return cls(
            conv=_address(d, "msg_receipt_conv_id", "msg_receipt_conv_type", what),
            msg_id=get_str(d, "msg_receipt_msg_id", what),
            timestamp=get_int(d, "msg_receipt_time_stamp", what),
            is_peer_read=get_bool(d, "msg_receipt_is_peer_read", what),
            read_count=get_int(d, "msg_receipt_read_count", what),
            unread_count=get_int(d, "msg_receipt_unread_count", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class Reaction:
    """One reaction on a message: its id (e.g. an emoji key), how many users, and some of them."""

    reaction_id: str
    total_user_count: int
    users: tuple[UserProfile, ...]
    reacted_by_me: bool
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> Reaction:
        """Decode a ``MessageReaction`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "reaction"
        d = obj(value, what)
        users = (get_list(d, "message_reaction_partial_user_info_array", what)
                 or get_list(d, "message_reaction_user_info_array", what))
        return cls(
            reaction_id=get_str(d, "message_reaction_id", what),
            total_user_count=get_int(d, "message_reaction_total_user_count", what),
            users=tuple(UserProfile.from_json(u) for u in users),
            reacted_by_me=get_bool(d, "message_reaction_reacted_by_myself", what),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class ReactionChange:
    """The reactions of one message that changed (a count of 0: nobody uses it any more)."""

    msg_id: str
    reactions: tuple[Reaction, ...]
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> ReactionChange:
        """Decode a ``MessageReactionChangeInfo`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "reaction change"
        d = obj(value, what)
        return cls(
            msg_id=get_str(d, "message_reaction_change_info_msg_id", what),
            reactions=tuple(Reaction.from_json(r) for r in
                            get_list(d, "message_reaction_change_info_reaction_list", what)),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class ReceiveOptInfo:
    """The logged-in user's global receive option (``level``: a ``ReceiveMessageOpt`` value)
    and its do-not-disturb window."""

    level: int
    start_hour: int
    start_minute: int
    start_second: int
    start_time_stamp: int
    duration: int
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> ReceiveOptInfo:
        """Decode a ``TIMReceiveMessageOptInfo`` object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "receive option"
        d = obj(value, what)
        return cls(
            level=get_int(d, "msg_all_recv_msg_opt_level", what),
            start_hour=get_int(d, "msg_all_recv_msg_opt_start_hour", what),
            start_minute=get_int(d, "msg_all_recv_msg_opt_start_minute", what),
            start_second=get_int(d, "msg_all_recv_msg_opt_start_second", what),
            start_time_stamp=get_int(d, "msg_all_recv_msg_opt_start_time_stamp", what),
            duration=get_int(d, "msg_all_recv_msg_duration", what),
            raw=d,
        )
