"""Group events: group tips (members joined, left, kicked, promoted; group or member info
changed), group attributes and counters, and the topics of community groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.events import _decode as d
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
class GroupTipsEvent:
    """A group tip (``TIMSetGroupTipsEventCallback``): see :class:`aiotim.GroupTips`;
    ``tip_type`` and ``group_id`` are repeated here for filters."""

    tips: GroupTips
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def tip_type(self) -> int:
        """The tip's :class:`aiotim.GroupTipType`."""
        return self.tips.tip_type

    @property
    def group_id(self) -> str:
        """The group the tip is about."""
        return self.tips.group_id


@dataclass(frozen=True, slots=True)
class GroupAttributesChanged:
    """The attributes of a group changed (``TIMSetGroupAttributeChangedCallback``):
    ``attributes`` are the group's attributes as the SDK reports them."""

    group_id: str
    attributes: dict[str, str] = field(hash=False)
    raw: list[Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class GroupCounterChanged:
    """A group counter changed (``TIMSetGroupCounterChangedCallback``)."""

    group_id: str
    key: str
    value: int
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class GroupTopicCreated:
    """A topic was created in a community group (``TIMSetGroupTopicCreatedCallback``)."""

    group_id: str
    topic_id: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class GroupTopicDeleted:
    """A topic was deleted from a community group (``TIMSetGroupTopicDeletedCallback``, one
    event per topic)."""

    group_id: str
    topic_id: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class GroupTopicChanged:
    """A topic's info changed (``TIMSetGroupTopicChangedCallback``)."""

    group_id: str
    topic: TopicInfo
    raw: dict[str, Any] = field(repr=False, compare=False)


def _tips(args: d.Args) -> list[Any]:
    # The current header passes one object; older SDKs passed an array of them.
    return [GroupTipsEvent(GroupTips.from_json(t), t)
            for t in d.items(args[0], "TIMSetGroupTipsEventCallback")]


def _attributes(args: d.Args) -> list[Any]:
    kind = "TIMSetGroupAttributeChangedCallback"
    items = d.array(args[1], kind)
    attrs: dict[str, str] = {}
    for item in items:
        o = obj(item, "group attribute")
        attrs[get_str(o, "group_attribute_key", "group attribute")] = get_str(
            o, "group_attribute_value", "group attribute")
    return [GroupAttributesChanged(d.text(args[0], kind), attrs, items)]


def _counter(args: d.Args) -> list[Any]:
    kind = "TIMSetGroupCounterChangedCallback"
    return [GroupCounterChanged(d.text(args[0], kind), d.text(args[1], kind),
                                d.integer(args[2], kind, "group_counter_new_value"), args)]


def _topic_created(args: d.Args) -> list[Any]:
    kind = "TIMSetGroupTopicCreatedCallback"
    return [GroupTopicCreated(d.text(args[0], kind), d.text(args[1], kind), args)]


def _topic_deleted(args: d.Args) -> list[Any]:
    kind = "TIMSetGroupTopicDeletedCallback"
    group_id = d.text(args[0], kind)
    return [GroupTopicDeleted(group_id, t, args) for t in d.strings(args[1], kind)]


def _topic_changed(args: d.Args) -> list[Any]:
    kind = "TIMSetGroupTopicChangedCallback"
    info = d.obj(args[1], kind)
    return [GroupTopicChanged(d.text(args[0], kind), TopicInfo.from_json(info), info)]


SPECS: dict[str, d.Spec] = {
    "TIMSetGroupTipsEventCallback": (GroupTipsEvent, _tips, True),
    "TIMSetGroupAttributeChangedCallback": (GroupAttributesChanged, _attributes, False),
    "TIMSetGroupCounterChangedCallback": (GroupCounterChanged, _counter, False),
    "TIMSetGroupTopicCreatedCallback": (GroupTopicCreated, _topic_created, False),
    "TIMSetGroupTopicDeletedCallback": (GroupTopicDeleted, _topic_deleted, True),
    "TIMSetGroupTopicChangedCallback": (GroupTopicChanged, _topic_changed, False),
}
