"""``client.groups``: groups and their streams."""

from __future__ import annotations

from collections.abc import Callable

from aiotim.domains._base import Domain, all_of
from aiotim.events.groups import GroupAttributesChanged, GroupTipsEvent
from aiotim.events.stream import Stream

__all__ = ["Groups"]


class Groups(Domain):
    """Groups."""

    __slots__ = ()

    def tips(
        self,
        *,
        group_id: str | None = None,
        tip_type: int | None = None,
        where: Callable[[GroupTipsEvent], bool] | None = None,
    ) -> Stream[GroupTipsEvent]:
        """Group tips: members joined, left, were kicked or promoted; group or member info
        changed (``TIMSetGroupTipsEventCallback``).

        Args:
            group_id: only for this group.
            tip_type: only tips of this :class:`aiotim.GroupTipType`.
        """
        by_group = None if group_id is None else (lambda e: e.group_id == group_id)
        by_type = None if tip_type is None else (lambda e: e.tip_type == tip_type)
        return self._core._stream("TIMSetGroupTipsEventCallback", all_of(by_group, by_type, where))

    def attribute_changes(
        self,
        *,
        group_id: str | None = None,
        where: Callable[[GroupAttributesChanged], bool] | None = None,
    ) -> Stream[GroupAttributesChanged]:
        """Changes of group attributes (``TIMSetGroupAttributeChangedCallback``).

        Args:
            group_id: only for this group.
        """
        by_group = None if group_id is None else (lambda e: e.group_id == group_id)
        return self._core._stream("TIMSetGroupAttributeChangedCallback", all_of(by_group, where))
