"""Conversations (JSON keys: the headers' ``kTIMConv*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from aiotim.errors import PayloadError
from aiotim.models._fields import Key, Model, model
from aiotim.models._json import JSONObject
from aiotim.models.address import Address, address_of
from aiotim.models.message import Message

__all__ = ["Conversation"]


def _conv(conv_id: str, conv_type: int = 1) -> Address:
    try:
        return address_of(conv_id, conv_type)
    except ValueError as exc:
        raise PayloadError("conversation", str(exc)) from None


def _last_message(value: Any) -> Message | None:
    # Tolerant: only a non-empty object is a message.
    return Message.from_json(value) if isinstance(value, dict) and value else None


@model("conversation")
@dataclass(frozen=True, slots=True)
class Conversation(Model):
    """A conversation of the logged-in user: its address, unread count and last message."""

    conv: Annotated[Address, Key("conv_id", "conv_type", convert=_conv)]
    unread_count: Annotated[int, Key("conv_unread_num")]
    last_message: Annotated[Message | None, Key("conv_last_msg", convert=_last_message)]
    active_time: Annotated[int, Key("conv_active_time")]
    raw: JSONObject = field(repr=False, compare=False)
