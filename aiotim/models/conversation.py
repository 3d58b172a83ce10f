"""Conversations (JSON keys: the headers' ``kTIMConv*``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.errors import PayloadError
from aiotim.models._json import JSONObject, get_int, get_str, obj
from aiotim.models.address import Address, address_of
from aiotim.models.message import Message

__all__ = ["Conversation"]


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation of the logged-in user: its address, unread count and last message."""

    conv: Address
    unread_count: int
    last_message: Message | None
    active_time: int
    raw: JSONObject = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, value: Any) -> Conversation:
        """Decode a conversation object.

        Raises:
            PayloadError: not an object, or a key of the wrong type.
        """
        what = "conversation"
        d = obj(value, what)
        try:
            conv = address_of(get_str(d, "conv_id", what), get_int(d, "conv_type", what, 1))
        except ValueError as exc:
            raise PayloadError(what, str(exc)) from None
        last = d.get("conv_last_msg")
        return cls(
            conv=conv,
            unread_count=get_int(d, "conv_unread_num", what),
            last_message=Message.from_json(last) if isinstance(last, dict) and last else None,
            active_time=get_int(d, "conv_active_time", what),
            raw=d,
        )
