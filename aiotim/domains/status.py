"""``client.status``: users' online and custom status."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import orjson

from aiotim.domains._base import Domain, all_of
from aiotim.events.profiles import UserStatusChanged
from aiotim.events.stream import Stream
from aiotim.models.profile import UserStatus

__all__ = ["Status"]

#: Source: https://trtc.io/document/49562 — a custom status is at most 100 bytes.
MAX_CUSTOM_STATUS = 100


def _ids(values: str | Iterable[str], *, empty: bool = False) -> list[str]:
    items = [values] if isinstance(values, str) else list(values)
    for v in items:
        if not isinstance(v, str) or not v:
            raise ValueError(f"user_ids: {v!r} is not a non-empty str")
    if not items and not empty:
        raise ValueError("user_ids is empty")
    return items


class Status(Domain):
    """User status (TIMManager.h)."""

    __slots__ = ()

    async def get(self, user_ids: str | Iterable[str]) -> tuple[UserStatus, ...]:
        """The status of these users (``status_type``: 1 online, 2 offline, 3 logged out),
        oneself included (``TIMGetUserStatus``)."""
        data = await self._core.call_raw("TIMGetUserStatus", orjson.dumps(_ids(user_ids)))
        return tuple(UserStatus.from_json(s) for s in data or [])

    async def set_self(self, custom_status: str) -> None:
        """Set the logged-in user's custom status; ``""`` clears it (``TIMSetSelfStatus``).
        Cleared by the service when the user logs out."""
        if not isinstance(custom_status, str):
            raise TypeError("custom_status must be a str")
        if len(custom_status.encode()) > MAX_CUSTOM_STATUS:
            raise ValueError("custom_status is over 100 bytes")
        param = {"user_status_custom_status": custom_status}
        await self._core.call_raw("TIMSetSelfStatus", orjson.dumps(param))

    async def subscribe(self, user_ids: str | Iterable[str]) -> None:
        """Be told of these users' status changes, on :meth:`changes`; at most 200, the
        oldest dropped; not oneself (``TIMSubscribeUserStatus``)."""
        await self._core.call_raw("TIMSubscribeUserStatus", orjson.dumps(_ids(user_ids)))

    async def unsubscribe(self, user_ids: str | Iterable[str] = ()) -> None:
        """Stop the status subscriptions to these users; none given: all
        (``TIMUnsubscribeUserStatus``)."""
        await self._core.call_raw(
            "TIMUnsubscribeUserStatus", orjson.dumps(_ids(user_ids, empty=True))
        )

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
