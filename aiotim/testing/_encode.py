"""Typed values to the SDK's JSON: the inverse of the decoders, derived from the same tables.

A model's JSON is built from its field table (:func:`aiotim.models._fields.table`): a field
that is its key's value is written under that key (nested models, tuples of models and of
strings recursively); a converted field (``Key(..., convert=f)``) is written by the inverse of
``f``, found by what the field holds: a number or a string under its one key, an optional model,
a conversation address over ``(conv_id, conv_type)``, a dataclass spread over as many keys as
it has fields. The few conversions that are not one of those (a key-value array read into a
``dict``, three fields read from one object, a flag read from two keys) have their inverse
below, in :data:`INVERSES`; a converted field that has neither raises ``TypeError`` naming it
(the round-trip tests build every model and every event kind, so a new one is caught there).

An event's callback arguments are built by :data:`EVENTS`, one entry per notification kind of
:data:`aiotim.events.catalog.CATALOG` (70): which field goes to which parameter, each parameter
as the relay's C type wants it (``str``/``bytes`` for ``const char*``, ``int``, ``bool``).
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from aiotim.events import messages, session
from aiotim.events.catalog import CATALOG, EVENT_KINDS
from aiotim.models import Conversation
from aiotim.models._fields import Key, Model
from aiotim.models._json import JSONObject
from aiotim.models.address import C2C, Group, System
from aiotim.models.group import GroupInfo, GroupMemberInfo, GroupRequest, MemberResult
from aiotim.models.message import Message, UnknownElem
from aiotim.models.message_info import Reaction
from aiotim.models.profile import FriendProfile, FriendProfileUpdate, UserProfile

__all__ = ["EVENTS", "INVERSES", "encode_event", "encode_model", "encode_value", "make"]

#: a callback argument as :meth:`aiotim.loopback.Cloud.emit` takes it
Arg = str | bytes | int | bool | None


# -- values and models --------------------------------------------------------------------------


def encode_value(value: Any) -> Any:
    """A typed value as JSON: models by their tables, tuples as arrays, enums as numbers."""
    if value is None or isinstance(value, str | bool | float):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Model):
        return encode_model(value)
    if isinstance(value, UnknownElem):
        return dict(value.raw)
    if isinstance(value, tuple | list):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode_value(v) for k, v in value.items()}
    raise TypeError(f"cannot encode a {type(value).__name__} as JSON: {value!r}")


def _key_values(key: str, value: str) -> Callable[[dict[str, Any]], list[JSONObject]]:
    def pairs(d: dict[str, Any]) -> list[JSONObject]:
        return [{key: k, value: encode_value(v)} for k, v in d.items()]

    return pairs


_MEMBER_CUSTOM = _key_values(
    "group_member_info_custom_string_info_key", "group_member_info_custom_string_info_value"
)
_GROUP_CUSTOM = _key_values(
    "group_info_custom_string_info_key", "group_info_custom_string_info_value"
)
_USER_CUSTOM = _key_values(
    "user_profile_custom_string_info_key", "user_profile_custom_string_info_value"
)
_FRIEND_CUSTOM = _key_values(
    "friend_profile_custom_string_info_key", "friend_profile_custom_string_info_value"
)

#: (model, field) → its keys' JSON, for the conversions no general rule inverts. Values that
#: are dicts under the same key (FriendProfileUpdate's three fields) are merged.
INVERSES: dict[tuple[type, str], Callable[[Any], JSONObject]] = {
    (GroupMemberInfo, "custom"): lambda v: {"group_member_info_custom_info": _MEMBER_CUSTOM(v)},
    (GroupInfo, "custom"): lambda v: {"group_detail_info_custom_info": _GROUP_CUSTOM(v)},
    (UserProfile, "custom"): lambda v: {"user_profile_custom_string_array": _USER_CUSTOM(v)},
    (FriendProfile, "custom"): lambda v: {"friend_profile_custom_string_array": _FRIEND_CUSTOM(v)},
    (FriendProfileUpdate, "remark"): lambda v: {
        "friend_profile_update_item": {} if v is None else {"friend_profile_item_remark": v}
    },
    (FriendProfileUpdate, "group_names"): lambda v: {
        "friend_profile_update_item": (
            {} if v is None else {"friend_profile_item_group_name_array": list(v)}
        )
    },
    (FriendProfileUpdate, "custom"): lambda v: {
        "friend_profile_update_item": (
            {"friend_profile_item_custom_string_array": _FRIEND_CUSTOM(v)} if v else {}
        )
    },
    (Message, "is_peer_read"): lambda v: {
        "message_is_peer_read": bool(v),
        "message_receipt_peer_read": bool(v),
    },
    (MemberResult, "user_id"): lambda v: {"group_invite_member_result_identifier": v},
    (MemberResult, "result"): lambda v: {"group_invite_member_result_result": int(v)},
    (GroupRequest, "accepted"): lambda v: {"group_pendency_handle_result": 1 if v else 0},
    (Reaction, "users"): lambda v: {
        "message_reaction_partial_user_info_array": [encode_model(u) for u in v]
    },
}

_ADDRESSES = (C2C, Group, System)


def _columns(cls: type) -> list[tuple[str, Key, Any]]:
    """(field name, Key, declared type) of a model's fields, in order (``raw`` left out)."""
    cached = _COLUMNS.get(cls)
    if cached is None:
        hints = typing.get_type_hints(cls, localns={cls.__name__: cls}, include_extras=True)
        cached = []
        for f in dataclasses.fields(cls):
            hint = hints[f.name]
            if f.name == "raw" or typing.get_origin(hint) is not typing.Annotated:
                continue
            annotation, *extras = typing.get_args(hint)
            key = next(e for e in extras if isinstance(e, Key))
            cached.append((f.name, key, annotation))
        _COLUMNS[cls] = cached
    return cached


_COLUMNS: dict[type, list[tuple[str, Key, Any]]] = {}


def _converted(cls: type, name: str, key: Key, value: Any) -> JSONObject:
    """The JSON of a converted field: its inverse, or a general rule."""
    inverse = INVERSES.get((cls, name))
    if inverse is not None:
        return inverse(value)
    keys = key.keys
    if isinstance(value, _ADDRESSES) and len(keys) == 2:
        return {keys[0]: value.id, keys[1]: value.conv_type}
    if len(keys) == 1:
        if value is None or isinstance(value, str | int | float | Model | tuple):
            return {keys[0]: encode_value(value)}
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        values = [getattr(value, f.name) for f in dataclasses.fields(value)]
        if len(values) == len(keys):
            return {k: encode_value(v) for k, v in zip(keys, values, strict=True)}
    raise TypeError(
        f"{cls.__name__}.{name}: no inverse of {key!r} for a {type(value).__name__}; "
        "add one to aiotim.testing._encode.INVERSES"
    )


def encode_model(instance: Model) -> JSONObject:
    """A model as the SDK's JSON, every key of its table written (what ``from_json`` reads back
    to an equal model). Keys of ``raw`` the table does not name are kept."""
    cls = type(instance)
    out: JSONObject = {}
    elem_type = getattr(cls, "elem_type", None)
    if isinstance(elem_type, int):
        out["elem_type"] = elem_type
    for name, key, _annotation in _columns(cls):
        value = getattr(instance, name)
        if key.convert is None:
            out[key.keys[0]] = encode_value(value)
            continue
        for k, v in _converted(cls, name, key, value).items():
            if isinstance(v, dict) and isinstance(out.get(k), dict):
                out[k] = {**out[k], **v}
            else:
                out[k] = v
    raw = getattr(instance, "raw", None)
    if isinstance(raw, dict) and raw:
        return {**raw, **out}
    return out


M = typing.TypeVar("M", bound=Model)


def make(cls: type[M], /, **values: Any) -> M:
    """A model from some of its fields, the others as the decoder makes an absent key (``""``,
    ``0``, ``False``, ``()``, ``None``): ``make(FriendRequest, user_id="alice")``.

    Built by decoding the JSON of ``values`` (so ``raw`` is that JSON, as if the SDK sent it).

    Raises:
        TypeError: a name that is not a field of ``cls``.
    """
    columns = {name: (key, annotation) for name, key, annotation in _columns(cls)}
    unknown = sorted(set(values) - set(columns))
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(map(repr, unknown))}")
    out: JSONObject = {}
    for name, value in values.items():
        key = columns[name][0]
        if key.convert is None:
            out[key.keys[0]] = encode_value(value)
        else:
            for k, v in _converted(cls, name, key, value).items():
                if isinstance(v, dict) and isinstance(out.get(k), dict):
                    out[k] = {**out[k], **v}
                else:
                    out[k] = v
    return cls.from_json(out)


# -- events -------------------------------------------------------------------------------------


def _json(value: Any) -> bytes:
    return orjson.dumps(value)


#: how one event becomes its callback's arguments
Encoder = Callable[[Any], tuple[Arg, ...]]


def _text(*names: str) -> Encoder:
    """Each named field as a string argument."""
    return lambda e: tuple(str(getattr(e, n)) for n in names)


def _one(name: str) -> Encoder:
    """The field as a one-element JSON array (the kinds whose array carries one event each)."""
    return lambda e: (_json([encode_value(getattr(e, name))]),)


def _obj(name: str) -> Encoder:
    """The field as the one JSON argument."""
    return lambda e: (_json(encode_value(getattr(e, name))),)


def _text_json(first: str, second: str) -> Encoder:
    return lambda e: (str(getattr(e, first)), _json(encode_value(getattr(e, second))))


def _text_one(first: str, second: str) -> Encoder:
    return lambda e: (str(getattr(e, first)), _json([encode_value(getattr(e, second))]))


def _permission_result(what: str) -> Encoder:
    def encode(e: Any) -> tuple[Arg, ...]:
        result: JSONObject = {"permission_group_id": e.permission_group_id}
        if what == "member_id_list":
            result[what] = list(e.member_ids)
        elif what == "topic_id_list":
            result[what] = list(e.topic_ids)
        else:
            result["topic_permission_map"] = [
                {"topic_permission_key": k, "topic_permission_value": v}
                for k, v in e.permissions.items()
            ]
        return (e.group_id, _json(result))

    return encode


def _conv_items(e: Any) -> list[Any]:
    """A conversation group's array: the full conversations where the event has them, the
    other ids as strings (the decoder accepts both)."""
    by_id: dict[str, Conversation] = {c.conv.id: c for c in e.conversations}
    items: list[Any] = []
    for conv_id in e.conv_ids:
        conv = by_id.pop(conv_id, None)
        items.append(encode_model(conv) if conv is not None else conv_id)
    items.extend(encode_model(c) for c in by_id.values())
    return items


def _revoked(e: messages.MessageRevoked) -> tuple[Arg, ...]:
    info = {
        **encode_model(e.locator),
        "message_revoker_user_id": e.revoker,
        "message_revoker_nick_name": e.revoker_nick_name,
        "message_revoker_face_url": e.revoker_face_url,
        "message_revoke_reason": e.reason,
    }
    return (_json([info]),)


def _pinned(e: messages.GroupMessagePinned) -> tuple[Arg, ...]:
    op: Arg = e.op_user if e.op_member is None else _json(encode_model(e.op_member))
    return (e.group_id, _json(encode_model(e.message)), bool(e.is_pinned), op)


def _experimental(e: session.ExperimentalNotify) -> tuple[Arg, ...]:
    data = e.data if isinstance(e.data, str) else _json(e.data)
    return (e.key, data)


EVENTS: dict[str, Encoder] = {
    # community
    "TIMSetCommunityCreateTopicCallback": _text("group_id", "topic_id"),
    "TIMSetCommunityDeleteTopicCallback": _text_one("group_id", "topic_id"),
    "TIMSetCommunityChangeTopicInfoCallback": _text_json("group_id", "topic"),
    "TIMSetCommunityReceiveTopicRESTCustomDataCallback": _text("topic_id", "data"),
    "TIMSetCommunityCreatePermissionGroupCallback": _text_json("group_id", "info"),
    "TIMSetCommunityDeletePermissionGroupCallback": _text_one("group_id", "permission_group_id"),
    "TIMSetCommunityChangePermissionGroupInfoCallback": _text_json("group_id", "info"),
    "TIMSetCommunityAddMembersToPermissionGroupCallback": _permission_result("member_id_list"),
    "TIMSetCommunityRemoveMembersFromPermissionGroupCallback": _permission_result("member_id_list"),
    "TIMSetCommunityAddTopicPermissionCallback": _permission_result("permissions"),
    "TIMSetCommunityDeleteTopicPermissionCallback": _permission_result("topic_id_list"),
    "TIMSetCommunityModifyTopicPermissionCallback": _permission_result("permissions"),
    # conversations
    "TIMSetConvEventCallback": lambda e: (int(e.event), _json([encode_model(e.conversation)])),
    "TIMSetConvTotalUnreadMessageCountChangedCallback": lambda e: (int(e.total),),
    "TIMSetConvUnreadMessageCountChangedByFilterCallback": lambda e: (
        _json(encode_value(e.filter)),
        int(e.total),
    ),
    "TIMSetConvConversationGroupCreatedCallback": lambda e: (e.group_name, _json(_conv_items(e))),
    "TIMSetConvConversationGroupDeletedCallback": _text("group_name"),
    "TIMSetConvConversationGroupNameChangedCallback": _text("old_name", "new_name"),
    "TIMSetConvConversationsAddedToGroupCallback": lambda e: (e.group_name, _json(_conv_items(e))),
    "TIMSetConvConversationsDeletedFromGroupCallback": lambda e: (
        e.group_name,
        _json(_conv_items(e)),
        int(e.reason),
    ),
    # session
    "TIMSetExperimentalNotifyCallback": _experimental,
    "TIMSetNetworkStatusListenerCallback": lambda e: (int(e.status), int(e.code), e.desc),
    "TIMSetKickedOfflineCallback": lambda e: (),
    "TIMSetUserSigExpiredCallback": lambda e: (),
    "TIMSetLogCallback": lambda e: (int(e.level), e.text),
    # friends and official accounts
    "TIMSetOnAddFriendCallback": _one("user_id"),
    "TIMSetOnDeleteFriendCallback": _one("user_id"),
    "TIMSetUpdateFriendProfileCallback": _one("update"),
    "TIMSetFriendAddRequestCallback": _one("request"),
    "TIMSetFriendApplicationListDeletedCallback": _one("user_id"),
    "TIMSetFriendApplicationListReadCallback": lambda e: (),
    "TIMSetFriendBlackListAddedCallback": _one("profile"),
    "TIMSetFriendBlackListDeletedCallback": _one("user_id"),
    "TIMSetFriendGroupCreatedCallback": _text_json("group_name", "friends"),
    "TIMSetFriendGroupDeletedCallback": _one("group_name"),
    "TIMSetFriendGroupNameChangedCallback": _text("old_name", "new_name"),
    "TIMSetFriendsAddedToGroupCallback": _text_json("group_name", "friends"),
    "TIMSetFriendsDeletedFromGroupCallback": _text_json("group_name", "user_ids"),
    "TIMSetOfficialAccountSubscribedCallback": _obj("account"),
    "TIMSetOfficialAccountUnsubscribedCallback": _text("account_id"),
    "TIMSetOfficialAccountDeletedCallback": _text("account_id"),
    "TIMSetOfficialAccountInfoChangedCallback": _obj("account"),
    "TIMSetMyFollowingListChangedCallback": lambda e: (
        _json(encode_value(e.users)),
        bool(e.is_add),
    ),
    "TIMSetMyFollowersListChangedCallback": lambda e: (
        _json(encode_value(e.users)),
        bool(e.is_add),
    ),
    "TIMSetMutualFollowersListChangedCallback": lambda e: (
        _json(encode_value(e.users)),
        bool(e.is_add),
    ),
    # groups (the tips callback takes one object: the current header)
    "TIMSetGroupTipsEventCallback": _obj("tips"),
    "TIMSetGroupAttributeChangedCallback": lambda e: (
        e.group_id,
        _json(
            [
                {"group_attribute_key": k, "group_attribute_value": v}
                for k, v in e.attributes.items()
            ]
        ),
    ),
    "TIMSetGroupCounterChangedCallback": lambda e: (e.group_id, e.key, int(e.value)),
    "TIMSetGroupTopicCreatedCallback": _text("group_id", "topic_id"),
    "TIMSetGroupTopicDeletedCallback": _text_one("group_id", "topic_id"),
    "TIMSetGroupTopicChangedCallback": _text_json("group_id", "topic"),
    # profiles
    "TIMSetSelfInfoUpdatedCallback": _obj("profile"),
    "TIMSetUserStatusChangedCallback": _one("status"),
    "TIMSetUserInfoChangedCallback": _one("profile"),
    # messages
    "TIMAddRecvNewMsgCallback": lambda e: (_json([encode_model(e)]),),
    "TIMSetMsgElemUploadProgressCallback": lambda e: (
        _json(encode_model(e.message)),
        int(e.index),
        int(e.current_size),
        int(e.total_size),
    ),
    "TIMSetMsgReadedReceiptCallback": _one("receipt"),
    "TIMSetMsgRevokeCallback": _revoked,
    "TIMSetMsgUpdateCallback": _one("message"),
    "TIMSetMsgExtensionsChangedCallback": lambda e: (
        e.msg_id,
        _json(
            [
                {"message_extension_key": k, "message_extension_value": v}
                for k, v in e.extensions.items()
            ]
        ),
    ),
    "TIMSetMsgExtensionsDeletedCallback": lambda e: (
        e.msg_id,
        _json([{"message_extension_key": k} for k in e.keys]),
    ),
    "TIMSetMsgReactionsChangedCallback": _one("change"),
    "TIMSetMsgAllMessageReceiveOptionCallback": _obj("option"),
    "TIMSetMsgGroupPinnedMessageChangedCallback": _pinned,
    # signaling
    "TIMSetSignalingReceiveNewInvitationCallback": lambda e: (
        e.invite_id,
        e.inviter,
        e.group_id,
        _json(list(e.invitees)),
        e.data,
    ),
    "TIMSetSignalingInvitationCancelledCallback": _text("invite_id", "inviter", "data"),
    "TIMSetSignalingInviteeAcceptedCallback": _text("invite_id", "invitee", "data"),
    "TIMSetSignalingInviteeRejectedCallback": _text("invite_id", "invitee", "data"),
    "TIMSetSignalingInvitationTimeoutCallback": lambda e: (
        e.invite_id,
        _json(list(e.invitees)),
    ),
    "TIMSetSignalingInvitationModifiedCallback": _text("invite_id", "data"),
}

if set(EVENTS) != set(CATALOG):  # pragma: no cover - guarded by tests/test_testing_plugin.py
    raise RuntimeError(
        "aiotim.testing: event encoders out of step with the catalog: missing "
        f"{sorted(set(CATALOG) - set(EVENTS))}, unknown {sorted(set(EVENTS) - set(CATALOG))}"
    )


def encode_event(event: object) -> tuple[str, tuple[Arg, ...]]:
    """The notification kind (its setter) of ``event`` and its callback's arguments.

    Raises:
        TypeError: not an event of :data:`aiotim.events.catalog.CATALOG`.
    """
    setter = EVENT_KINDS.get(type(event))
    if setter is None:
        raise TypeError(
            f"{type(event).__name__} is not a notification (an aiotim event type such as "
            "aiotim.FriendRequestReceived or aiotim.Message)"
        )
    return setter, EVENTS[setter](event)


def arguments(events: Sequence[object]) -> list[tuple[str, tuple[Arg, ...]]]:
    """:func:`encode_event` of each event."""
    return [encode_event(e) for e in events]
