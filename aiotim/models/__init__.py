"""Typed, immutable views over the SDK's JSON; each keeps the raw JSON as ``.raw``.

Each model declares its fields once, with their JSON keys (``_fields``: the table, and the
decoders derived from it; ``_fast``: the hot path's decoders, generated from the same tables by
``scripts/gen_models.py``); ``_json`` has the typed accessors the decoders read with.
"""

from aiotim.models.address import C2C, Address, Group, address_of
from aiotim.models.community import PermissionGroupInfo
from aiotim.models.conversation import Conversation
from aiotim.models.group import (
    GroupMemberInfo,
    GroupTipGroupChange,
    GroupTipMemberChange,
    GroupTips,
    GroupTipType,
    TopicInfo,
)
from aiotim.models.message import CustomElem, Elem, Message, TextElem, UnknownElem
from aiotim.models.message_info import (
    MessageLocator,
    Reaction,
    ReactionChange,
    ReadReceipt,
    ReceiveOptInfo,
)
from aiotim.models.profile import (
    FriendProfile,
    FriendProfileUpdate,
    FriendRequest,
    OfficialAccountInfo,
    UserProfile,
    UserStatus,
)

__all__ = [
    "C2C",
    "Address",
    "Conversation",
    "CustomElem",
    "Elem",
    "FriendProfile",
    "FriendProfileUpdate",
    "FriendRequest",
    "Group",
    "GroupMemberInfo",
    "GroupTipGroupChange",
    "GroupTipMemberChange",
    "GroupTipType",
    "GroupTips",
    "Message",
    "MessageLocator",
    "OfficialAccountInfo",
    "PermissionGroupInfo",
    "Reaction",
    "ReactionChange",
    "ReadReceipt",
    "ReceiveOptInfo",
    "TextElem",
    "TopicInfo",
    "UnknownElem",
    "UserProfile",
    "UserStatus",
    "address_of",
]
