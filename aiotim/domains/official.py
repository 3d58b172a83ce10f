"""``client.official``: official accounts and subscriptions.

An official account (id ``@TOA#_…``) is created by the app's admin; users subscribe to it and
receive its broadcasts as one-to-one messages from the account (conversation ``c2c_<id>``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import orjson

from aiotim.domains._base import Domain
from aiotim.events.friends import (
    OfficialAccountChanged,
    OfficialAccountDeleted,
    OfficialAccountSubscribed,
    OfficialAccountUnsubscribed,
)
from aiotim.events.stream import Stream
from aiotim.models.official import OfficialAccountResult
from aiotim.models.profile import OfficialAccountInfo

__all__ = ["Official"]


def _account_id(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"account_id must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError("account_id must not be empty")
    return value


class Official(Domain):
    """Official accounts and subscriptions."""

    __slots__ = ()

    # -- calls -------------------------------------------------------------------------------

    async def subscribe(self, account_id: str) -> None:
        """Subscribe to (follow) official account ``account_id``
        (``TIMSubscribeOfficialAccount``); this user then gets its broadcasts.

        Raises:
            ValueError: empty ``account_id``.
            TIMError: e.g. no such account.
        """
        await self._core.call_raw("TIMSubscribeOfficialAccount", _account_id(account_id))

    async def unsubscribe(self, account_id: str) -> None:
        """Unsubscribe from official account ``account_id``
        (``TIMUnsubscribeOfficialAccount``).

        Raises:
            ValueError: empty ``account_id``.
            TIMError: e.g. no such account.
        """
        await self._core.call_raw("TIMUnsubscribeOfficialAccount", _account_id(account_id))

    async def info(self, account_ids: Iterable[str] = ()) -> list[OfficialAccountResult]:
        """The accounts ``account_ids``, one result each (found or not); no ids: every account
        this user subscribed to (``TIMGetOfficialAccountsInfo``).

        Raises:
            TypeError: ``account_ids`` is one str, or holds something else than str.
        """
        if isinstance(account_ids, str):
            raise TypeError("account_ids must be an iterable of ids, not one str")
        ids = [_account_id(a) for a in account_ids]
        result = await self._core.call_raw("TIMGetOfficialAccountsInfo", orjson.dumps(ids))
        return [OfficialAccountResult.from_json(r) for r in result or ()]

    async def subscribed(self) -> list[OfficialAccountInfo]:
        """Every official account this user subscribed to (``TIMGetOfficialAccountsInfo`` with
        no ids)."""
        return [r.account for r in await self.info() if r.account is not None]

    # -- streams -----------------------------------------------------------------------------

    def subscriptions(
        self, *, where: Callable[[OfficialAccountSubscribed], bool] | None = None
    ) -> Stream[OfficialAccountSubscribed]:
        """This user subscribed to an account (``TIMSetOfficialAccountSubscribedCallback``)."""
        return self._core._stream("TIMSetOfficialAccountSubscribedCallback", where)

    def unsubscriptions(
        self, *, where: Callable[[OfficialAccountUnsubscribed], bool] | None = None
    ) -> Stream[OfficialAccountUnsubscribed]:
        """This user unsubscribed from an account
        (``TIMSetOfficialAccountUnsubscribedCallback``)."""
        return self._core._stream("TIMSetOfficialAccountUnsubscribedCallback", where)

    def changed(
        self, *, where: Callable[[OfficialAccountChanged], bool] | None = None
    ) -> Stream[OfficialAccountChanged]:
        """A subscribed account's info changed (``TIMSetOfficialAccountInfoChangedCallback``)."""
        return self._core._stream("TIMSetOfficialAccountInfoChangedCallback", where)

    def deleted(
        self, *, where: Callable[[OfficialAccountDeleted], bool] | None = None
    ) -> Stream[OfficialAccountDeleted]:
        """A subscribed account was deleted (``TIMSetOfficialAccountDeletedCallback``)."""
        return self._core._stream("TIMSetOfficialAccountDeletedCallback", where)
