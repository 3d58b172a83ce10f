"""Group events: group tips (members joined, left, kicked, promoted; group or member info
changed), group attributes and counters, and the topics of community groups."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiotim.events import _decode as d
from aiotim.events.base import Event
from aiotim.models._json import get_str, obj
from aiotim.models.group import GroupTips, TopicInfo

__all__ = [
    "GroupAttributesChanged",
    "GroupCounterChanged",
    "GroupTipsEvent",
    "GroupTopicChanged",
    "GroupTopicCreated",
    "GroupTopicDeleted",
]


@dataclass(frozen=True, slots=True)
class GroupTipsEvent(Event):
    """A group tip (``TIMSetGroupTipsEventCallback``): see :class:`aiotim.GroupTips`;
    ``tip_type`` and ``group_id`` are repeated here for filters."""

    tips: GroupTips

    @property
    def tip_type(self) -> int:
        """The tip's :class:`aiotim.GroupTipType`."""
        return self.tips.tip_type

    @property
    def group_id(self) -> str:
        """The group the tip is about."""
        return self.tips.group_id


@dataclass(frozen=True, slots=True)
class GroupAttributesChanged(Event):
    """The attributes of a group changed (``TIMSetGroupAttributeChangedCallback``):
    ``attributes`` are the group's attributes as the SDK reports them."""

    group_id: str
    attributes: dict[str, str] = field(hash=False)


@dataclass(frozen=True, slots=True)
class GroupCounterChanged(Event):
    """A group counter changed (``TIMSetGroupCounterChangedCallback``)."""

    group_id: str
    key: str
    value: int


@dataclass(frozen=True, slots=True)
class GroupTopicCreated(Event):
    """A topic was created in a community group (``TIMSetGroupTopicCreatedCallback``)."""

    group_id: str
    topic_id: str


@dataclass(frozen=True, slots=True)
class GroupTopicDeleted(Event):
    """A topic was deleted from a community group (``TIMSetGroupTopicDeletedCallback``, one
    event per topic)."""

    group_id: str
    topic_id: str


@dataclass(frozen=True, slots=True)
class GroupTopicChanged(Event):
    """A topic's info changed (``TIMSetGroupTopicChangedCallback``)."""

    group_id: str
    topic: TopicInfo


def _tips(args: d.Args) -> list[Event]:
    # The current header passes one object; older SDKs passed an array of them.
    return d.events_of(
        d.items(args[0], "TIMSetGroupTipsEventCallback"), GroupTips.from_json, GroupTipsEvent
    )


def _attributes(args: d.Args) -> list[Event]:
    kind = "TIMSetGroupAttributeChangedCallback"
    group_id, items = d.an_id(args[0], kind), d.array(args[1], kind)
    attrs: dict[str, str] = {}
    for item in items:
        o = obj(item, "group attribute")
        attrs[get_str(o, "group_attribute_key", "group attribute")] = get_str(
            o, "group_attribute_value", "group attribute"
        )
    return [GroupAttributesChanged(group_id, attrs, raw=d.payload(kind, group_id, items))]


def _counter(args: d.Args) -> list[Event]:
    kind = "TIMSetGroupCounterChangedCallback"
    group_id, key = d.an_id(args[0], kind), d.text(args[1], kind)
    value = d.integer(args[2], kind, "group_counter_new_value")
    return [GroupCounterChanged(group_id, key, value, raw=d.payload(kind, group_id, key, value))]


def _topic_created(args: d.Args) -> list[Event]:
    kind = "TIMSetGroupTopicCreatedCallback"
    group_id, topic_id = d.an_id(args[0], kind), d.an_id(args[1], kind)
    return [GroupTopicCreated(group_id, topic_id, raw=d.payload(kind, group_id, topic_id))]


def _topic_changed(args: d.Args) -> list[Event]:
    kind = "TIMSetGroupTopicChangedCallback"
    group_id, info = d.an_id(args[0], kind), d.obj(args[1], kind)
    return [
        GroupTopicChanged(group_id, TopicInfo.from_json(info), raw=d.payload(kind, group_id, info))
    ]


SPECS: dict[str, d.Spec] = {
    "TIMSetGroupTipsEventCallback": (GroupTipsEvent, _tips, True),
    "TIMSetGroupAttributeChangedCallback": (GroupAttributesChanged, _attributes, False),
    "TIMSetGroupCounterChangedCallback": (GroupCounterChanged, _counter, False),
    "TIMSetGroupTopicCreatedCallback": (GroupTopicCreated, _topic_created, False),
    "TIMSetGroupTopicDeletedCallback": (
        GroupTopicDeleted,
        d.per_group_id("TIMSetGroupTopicDeletedCallback", GroupTopicDeleted),
        True,
    ),
    "TIMSetGroupTopicChangedCallback": (GroupTopicChanged, _topic_changed, False),
}
