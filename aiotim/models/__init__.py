"""Typed, immutable views over the SDK's JSON; each keeps the raw JSON as ``.raw``."""

from aiotim.models.address import C2C, Address, Group, address_of
from aiotim.models.conversation import Conversation
from aiotim.models.message import CustomElem, Elem, Message, TextElem, UnknownElem

__all__ = [
    "C2C",
    "Address",
    "Conversation",
    "CustomElem",
    "Elem",
    "Group",
    "Message",
    "TextElem",
    "UnknownElem",
    "address_of",
]
