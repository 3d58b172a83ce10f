"""``client.status``: users' online and custom status."""

from __future__ import annotations

from collections.abc import Callable

from aiotim.domains._base import Domain, all_of
from aiotim.events.profiles import UserStatusChanged
from aiotim.events.stream import Stream

__all__ = ["Status"]


class Status(Domain):
    """User status."""

    __slots__ = ()

    def changes(
        self,
        *,
        user_id: str | None = None,
        where: Callable[[UserStatusChanged], bool] | None = None,
    ) -> Stream[UserStatusChanged]:
        """Online and custom status changes of users, one event per user
        (``TIMSetUserStatusChangedCallback``).

        Args:
            user_id: only for this user.
        """
        by_user = None if user_id is None else (lambda e: e.user_id == user_id)
        return self._core._stream("TIMSetUserStatusChangedCallback", all_of(by_user, where))
