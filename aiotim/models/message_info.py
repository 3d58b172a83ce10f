"""What the message notifications carry besides messages: locators of revoked messages, read
receipts, reactions and the global receive option (JSON keys: the headers' ``kTIMMsgLocator*``,
``kTIMMsgRevoke*``, ``kTIMMsgReceipt*``, ``kTIMMsgReaction*``, ``kTIMMsgAllRecvMsg*``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from aiotim.errors import PayloadError
from aiotim.models._fields import Key, Model, model
from aiotim.models._json import JSONObject
from aiotim.models.address import Address, address_of
from aiotim.models.message import Message
from aiotim.models.profile import UserProfile

__all__ = [
    "BatchSendResult",
    "DownloadProgress",
    "MessageExtension",
    "MessageLocator",
    "Reaction",
    "ReactionChange",
    "ReadReceipt",
    "ReceiveOptInfo",
    "SearchResult",
    "SearchResultItem",
    "TranslateResult",
]


def _address(what: str) -> Callable[[str, int], Address]:
    def address(conv_id: str, conv_type: int = 1) -> Address:
        try:
            return address_of(conv_id, conv_type)
        except ValueError as exc:
            raise PayloadError(what, str(exc)) from None

    return address


@model("message locator")
@dataclass(frozen=True, slots=True)
class MessageLocator(Model):
    """Where a message is: its conversation and ``seq``/``rand``/``time`` (enough to find it)."""

    conv: Annotated[
        Address,
        Key(
            "message_locator_conv_id",
            "message_locator_conv_type",
            convert=_address("message locator"),
        ),
    ]
    seq: Annotated[int, Key("message_locator_seq")]
    rand: Annotated[int, Key("message_locator_rand")]
    time: Annotated[int, Key("message_locator_time")]
    is_self: Annotated[bool, Key("message_locator_is_self")]
    is_revoked: Annotated[bool, Key("message_locator_is_revoked")]
    unique_id: Annotated[int, Key("message_locator_unique_id")]
    raw: JSONObject = field(repr=False, compare=False)

    def matches(self, message: Any) -> bool:
        """Whether ``message`` (an :class:`aiotim.Message`) is the one this locator points to."""
        return bool(
            message.conv == self.conv and message.seq == self.seq and message.rand == self.rand
        )


@model("read receipt")
@dataclass(frozen=True, slots=True)
class ReadReceipt(Model):
    """A read receipt: in a C2C conversation the peer read up to ``timestamp``; in a group,
    ``read_count``/``unread_count`` of the message ``msg_id``."""

    conv: Annotated[
        Address,
        Key(
            "msg_receipt_conv_id",
            "msg_receipt_conv_type",
            convert=_address("read receipt"),
            required=True,
        ),
    ]
    msg_id: Annotated[str, Key("msg_receipt_msg_id")]
    timestamp: Annotated[int, Key("msg_receipt_time_stamp")]
    is_peer_read: Annotated[bool, Key("msg_receipt_is_peer_read")]
    read_count: Annotated[int, Key("msg_receipt_read_count")]
    unread_count: Annotated[int, Key("msg_receipt_unread_count")]
    raw: JSONObject = field(repr=False, compare=False)


def _users(partial: list[Any], full: list[Any]) -> tuple[UserProfile, ...]:
    return tuple(map(UserProfile.from_json, partial or full))


@model("reaction")
@dataclass(frozen=True, slots=True)
class Reaction(Model):
    """One reaction on a message: its id (e.g. an emoji key), how many users, and some of them."""

    reaction_id: Annotated[str, Key("message_reaction_id")]
    total_user_count: Annotated[int, Key("message_reaction_total_user_count")]
    users: Annotated[
        tuple[UserProfile, ...],
        Key(
            "message_reaction_partial_user_info_array",
            "message_reaction_user_info_array",
            convert=_users,
        ),
    ]
    reacted_by_me: Annotated[bool, Key("message_reaction_reacted_by_myself")]
    raw: JSONObject = field(repr=False, compare=False)


@model("reaction change")
@dataclass(frozen=True, slots=True)
class ReactionChange(Model):
    """The reactions of one message that changed (a count of 0: nobody uses it any more)."""

    msg_id: Annotated[str, Key("message_reaction_change_info_msg_id", required=True)]
    reactions: Annotated[tuple[Reaction, ...], Key("message_reaction_change_info_reaction_list")]
    raw: JSONObject = field(repr=False, compare=False)


@model("receive option")
@dataclass(frozen=True, slots=True)
class ReceiveOptInfo(Model):
    """The logged-in user's global receive option (``level``: a ``ReceiveMessageOpt`` value)
    and its do-not-disturb window."""

    level: Annotated[int, Key("msg_all_recv_msg_opt_level")]
    start_hour: Annotated[int, Key("msg_all_recv_msg_opt_start_hour")]
    start_minute: Annotated[int, Key("msg_all_recv_msg_opt_start_minute")]
    start_second: Annotated[int, Key("msg_all_recv_msg_opt_start_second")]
    start_time_stamp: Annotated[int, Key("msg_all_recv_msg_opt_start_time_stamp")]
    duration: Annotated[int, Key("msg_all_recv_msg_duration")]
    raw: JSONObject = field(repr=False, compare=False)


@model("message search result item")
@dataclass(frozen=True, slots=True)
class SearchResultItem(Model):
    """The matches of one conversation: how many, and the messages (over every conversation the
    SDK lists a conversation's messages only when exactly one matched).
    Source: TIMMessageManager.h:2506-2528."""

    conv: Annotated[
        Address,
        Key(
            "msg_search_result_item_conv_id",
            "msg_search_result_item_conv_type",
            convert=_address("message search result"),
        ),
    ]
    total_message_count: Annotated[int, Key("msg_search_result_item_total_message_count")]
    messages: Annotated[tuple[Message, ...], Key("msg_search_result_item_message_array")]
    raw: JSONObject = field(repr=False, compare=False)


@model("message search result")
@dataclass(frozen=True, slots=True)
class SearchResult(Model):
    """A message search's result: ``total_count`` (messages in one conversation, else
    conversations), the items per conversation, and the cloud search's next ``cursor``
    (``""``: no more)."""

    total_count: Annotated[int, Key("msg_search_result_total_count")]
    items: Annotated[tuple[SearchResultItem, ...], Key("msg_search_result_item_array")]
    cursor: Annotated[str, Key("msg_search_result_search_cursor")]
    raw: JSONObject = field(repr=False, compare=False)

    @property
    def messages(self) -> tuple[Message, ...]:
        """Every message of every item, in order."""
        return tuple(m for item in self.items for m in item.messages)


def _optional_message(value: JSONObject | None) -> Message | None:
    return Message.from_json(value) if value else None


@model("batch send result")
@dataclass(frozen=True, slots=True)
class BatchSendResult(Model):
    """The outcome of a batch send for one receiver: code 0 and the message, or the error.
    Source: TIMMessageManager.h:2403-2411."""

    user_id: Annotated[str, Key("msg_batch_send_result_identifier")]
    code: Annotated[int, Key("msg_batch_send_result_code")]
    desc: Annotated[str, Key("msg_batch_send_result_desc")]
    message: Annotated[Message | None, Key("msg_batch_send_result_msg", convert=_optional_message)]
    raw: JSONObject = field(repr=False, compare=False)


@model("message extension")
@dataclass(frozen=True, slots=True)
class MessageExtension(Model):
    """One key/value extension of a message. Source: TIMMessageManager.h:2598-2602."""

    key: Annotated[str, Key("message_extension_key")]
    value: Annotated[str, Key("message_extension_value")]
    raw: JSONObject = field(repr=False, compare=False)


@model("translation")
@dataclass(frozen=True, slots=True)
class TranslateResult(Model):
    """A text and its translation. Source: TIMMessageManager.h:2574-2578."""

    source: Annotated[str, Key("msg_translate_text_source_text")]
    target: Annotated[str, Key("msg_translate_text_target_text")]
    raw: JSONObject = field(repr=False, compare=False)


@model("download progress")
@dataclass(frozen=True, slots=True)
class DownloadProgress(Model):
    """Bytes downloaded so far of a file element. Source: TIMMessageManager.h:2425-2431."""

    current_size: Annotated[int, Key("msg_download_elem_result_current_size")]
    total_size: Annotated[int, Key("msg_download_elem_result_total_size")]
    raw: JSONObject = field(repr=False, compare=False)
