"""Community events: topics created, deleted and changed, topic custom data, permission groups
and their members, and topic permissions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aiotim.errors import PayloadError
from aiotim.events import _decode as d
from aiotim.events.base import Event
from aiotim.models._json import JSONObject, get_int, get_list, get_str, get_str_list, obj
from aiotim.models.community import PermissionGroupInfo
from aiotim.models.group import TopicInfo

__all__ = [
    "CommunityTopicChanged",
    "CommunityTopicCreated",
    "CommunityTopicDeleted",
    "PermissionGroupChanged",
    "PermissionGroupCreated",
    "PermissionGroupDeleted",
    "PermissionGroupMembersAdded",
    "PermissionGroupMembersRemoved",
    "TopicCustomDataReceived",
    "TopicPermissionsAdded",
    "TopicPermissionsDeleted",
    "TopicPermissionsModified",
]


@dataclass(frozen=True, slots=True)
class CommunityTopicCreated(Event):
    """A topic was created in a community (``TIMSetCommunityCreateTopicCallback``)."""

    group_id: str
    topic_id: str


@dataclass(frozen=True, slots=True)
class CommunityTopicDeleted(Event):
    """A topic was deleted from a community (``TIMSetCommunityDeleteTopicCallback``, one event
    per topic)."""

    group_id: str
    topic_id: str


@dataclass(frozen=True, slots=True)
class CommunityTopicChanged(Event):
    """A community topic's info changed (``TIMSetCommunityChangeTopicInfoCallback``)."""

    group_id: str
    topic: TopicInfo


@dataclass(frozen=True, slots=True)
class TopicCustomDataReceived(Event):
    """Custom data sent to a topic through the REST API
    (``TIMSetCommunityReceiveTopicRESTCustomDataCallback``)."""

    topic_id: str
    data: str


@dataclass(frozen=True, slots=True)
class PermissionGroupCreated(Event):
    """A permission group was created (``TIMSetCommunityCreatePermissionGroupCallback``)."""

    group_id: str
    info: PermissionGroupInfo


@dataclass(frozen=True, slots=True)
class PermissionGroupDeleted(Event):
    """A permission group was deleted (``TIMSetCommunityDeletePermissionGroupCallback``, one
    event per permission group)."""

    group_id: str
    permission_group_id: str


@dataclass(frozen=True, slots=True)
class PermissionGroupChanged(Event):
    """A permission group's info changed
    (``TIMSetCommunityChangePermissionGroupInfoCallback``)."""

    group_id: str
    info: PermissionGroupInfo


@dataclass(frozen=True, slots=True)
class PermissionGroupMembersAdded(Event):
    """Members were added to a permission group
    (``TIMSetCommunityAddMembersToPermissionGroupCallback``)."""

    group_id: str
    permission_group_id: str
    member_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PermissionGroupMembersRemoved(Event):
    """Members were removed from a permission group
    (``TIMSetCommunityRemoveMembersFromPermissionGroupCallback``)."""

    group_id: str
    permission_group_id: str
    member_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicPermissionsAdded(Event):
    """A permission group got permissions on topics: topic id → permission bits
    (``TIMSetCommunityAddTopicPermissionCallback``)."""

    group_id: str
    permission_group_id: str
    permissions: dict[str, int] = field(hash=False)


@dataclass(frozen=True, slots=True)
class TopicPermissionsDeleted(Event):
    """A permission group lost its permissions on topics
    (``TIMSetCommunityDeleteTopicPermissionCallback``)."""

    group_id: str
    permission_group_id: str
    topic_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicPermissionsModified(Event):
    """A permission group's permissions on topics changed: topic id → permission bits
    (``TIMSetCommunityModifyTopicPermissionCallback``)."""

    group_id: str
    permission_group_id: str
    permissions: dict[str, int] = field(hash=False)


# -- decoders ---------------------------------------------------------------------------------

_WHAT = "permission group change"


def _permission_map(result: JSONObject) -> dict[str, int]:
    value = result.get("topic_permission_map")
    if isinstance(value, dict):  # tolerate a plain JSON map
        items = [{"topic_permission_key": k, "topic_permission_value": v} for k, v in value.items()]
    else:
        items = get_list(result, "topic_permission_map", _WHAT)
    out: dict[str, int] = {}
    for item in items:
        o = obj(item, _WHAT)
        out[get_str(o, "topic_permission_key", _WHAT)] = get_int(o, "topic_permission_value", _WHAT)
    return out


def _pair(kind: str, event: Callable[..., Event]) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        first, second = d.text(args[0], kind), d.text(args[1], kind)
        return [event(first, second, raw=d.payload(kind, first, second))]

    return decode


def _topic_changed(args: d.Args) -> list[Event]:
    kind = "TIMSetCommunityChangeTopicInfoCallback"
    group_id, info = d.an_id(args[0], kind), d.obj(args[1], kind)
    return [
        CommunityTopicChanged(
            group_id, TopicInfo.from_json(info), raw=d.payload(kind, group_id, info)
        )
    ]


def _permission_group(kind: str, event: Callable[..., Event]) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        group_id, info = d.an_id(args[0], kind), d.obj(args[1], kind)
        return [
            event(
                group_id, PermissionGroupInfo.from_json(info), raw=d.payload(kind, group_id, info)
            )
        ]

    return decode


def _result(kind: str, event: Callable[..., Event], what: str) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        result = d.obj(args[1], kind)
        group_id = d.an_id(args[0], kind)
        pg = get_str(result, "permission_group_id", _WHAT)
        value: tuple[str, ...] | dict[str, int]
        if what == "members":
            value = get_str_list(result, "member_id_list", _WHAT)
        elif what == "topics":
            value = get_str_list(result, "topic_id_list", _WHAT)
        elif what == "permissions":
            value = _permission_map(result)
        else:  # pragma: no cover - a programming error in SPECS below
            raise PayloadError(kind, f"unknown result shape {what!r}")
        return [event(group_id, pg, value, raw=d.payload(kind, group_id, result))]

    return decode


SPECS: dict[str, d.Spec] = {
    "TIMSetCommunityCreateTopicCallback": (
        CommunityTopicCreated,
        _pair("TIMSetCommunityCreateTopicCallback", CommunityTopicCreated),
        False,
    ),
    "TIMSetCommunityDeleteTopicCallback": (
        CommunityTopicDeleted,
        d.per_group_id("TIMSetCommunityDeleteTopicCallback", CommunityTopicDeleted),
        True,
    ),
    "TIMSetCommunityChangeTopicInfoCallback": (CommunityTopicChanged, _topic_changed, False),
    "TIMSetCommunityReceiveTopicRESTCustomDataCallback": (
        TopicCustomDataReceived,
        _pair("TIMSetCommunityReceiveTopicRESTCustomDataCallback", TopicCustomDataReceived),
        False,
    ),
    "TIMSetCommunityCreatePermissionGroupCallback": (
        PermissionGroupCreated,
        _permission_group("TIMSetCommunityCreatePermissionGroupCallback", PermissionGroupCreated),
        False,
    ),
    "TIMSetCommunityDeletePermissionGroupCallback": (
        PermissionGroupDeleted,
        d.per_group_id("TIMSetCommunityDeletePermissionGroupCallback", PermissionGroupDeleted),
        True,
    ),
    "TIMSetCommunityChangePermissionGroupInfoCallback": (
        PermissionGroupChanged,
        _permission_group(
            "TIMSetCommunityChangePermissionGroupInfoCallback", PermissionGroupChanged
        ),
        False,
    ),
    "TIMSetCommunityAddMembersToPermissionGroupCallback": (
        PermissionGroupMembersAdded,
        _result(
            "TIMSetCommunityAddMembersToPermissionGroupCallback",
            PermissionGroupMembersAdded,
            "members",
        ),
        False,
    ),
    "TIMSetCommunityRemoveMembersFromPermissionGroupCallback": (
        PermissionGroupMembersRemoved,
        _result(
            "TIMSetCommunityRemoveMembersFromPermissionGroupCallback",
            PermissionGroupMembersRemoved,
            "members",
        ),
        False,
    ),
    "TIMSetCommunityAddTopicPermissionCallback": (
        TopicPermissionsAdded,
        _result("TIMSetCommunityAddTopicPermissionCallback", TopicPermissionsAdded, "permissions"),
        False,
    ),
    "TIMSetCommunityDeleteTopicPermissionCallback": (
        TopicPermissionsDeleted,
        _result("TIMSetCommunityDeleteTopicPermissionCallback", TopicPermissionsDeleted, "topics"),
        False,
    ),
    "TIMSetCommunityModifyTopicPermissionCallback": (
        TopicPermissionsModified,
        _result(
            "TIMSetCommunityModifyTopicPermissionCallback", TopicPermissionsModified, "permissions"
        ),
        False,
    ),
}
