"""``client.signaling``: invitations (calls and the like) and their streams.

An invitation's life: :meth:`Signaling.invite` (or :meth:`Signaling.invite_group`) returns its
id; each invitee sees ``InvitationReceived`` and answers with :meth:`Signaling.accept` or
:meth:`Signaling.reject` (the inviter sees ``InviteeAccepted`` / ``InviteeRejected``), unless
the inviter cancels it first (``InvitationCancelled``) or it times out (``InvitationTimeout``,
on both sides). The events are in :mod:`aiotim.events.signaling`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson

from aiotim.domains._base import Domain, all_of
from aiotim.events.signaling import (
    InvitationCancelled,
    InvitationModified,
    InvitationReceived,
    InvitationTimeout,
    InviteeAccepted,
    InviteeRejected,
)
from aiotim.events.stream import Stream
from aiotim.models.address import Group
from aiotim.models.message import Message
from aiotim.models.signaling import SignalingInfo

__all__ = ["Signaling"]


class Signaling(Domain):
    """Signaling."""

    __slots__ = ()

    # -- calls -------------------------------------------------------------------------------

    async def invite(
        self,
        user_id: str,
        data: str = "",
        *,
        timeout_s: int = 30,
        online_only: bool = False,
        offline_push: dict[str, Any] | None = None,
    ) -> str:
        """Invite ``user_id`` (a one-to-one call, say) and return the invitation's id
        (``TIMSignalingInvite``).

        Args:
            data: the application's data, handed to the invitee as is.
            timeout_s: seconds the invitee has to answer; after that both sides get
                :class:`~aiotim.events.signaling.InvitationTimeout`. 0: no timeout.
            online_only: reach the invitee only if online now (no history, no offline push,
                cannot be modified).
            offline_push: the offline push config (``offline_push_config_*`` keys) for an
                offline invitee.

        Raises:
            ValueError: empty ``user_id`` or negative ``timeout_s``.
            TIMError: the call failed (e.g. 6017 for bad parameters).
        """
        _need_id(user_id, "user_id")
        _need_str(data, "data")
        timeout = _timeout(timeout_s)
        push = None if offline_push is None else orjson.dumps(offline_push)
        _, invite_id = await self._core.call_raw(
            "TIMSignalingInvite", user_id, data, bool(online_only), push, timeout
        )
        return str(invite_id)

    async def invite_group(
        self,
        group: Group | str,
        user_ids: Iterable[str],
        data: str = "",
        *,
        timeout_s: int = 30,
        online_only: bool = False,
    ) -> str:
        """Invite members ``user_ids`` of ``group`` (a group call, say) and return the
        invitation's id (``TIMSignalingInviteInGroup``). The invitees must be members of the
        group.

        Args:
            data: the application's data, handed to the invitees as is.
            timeout_s: seconds the invitees have to answer (0: no timeout).
            online_only: reach only the invitees online now.

        Raises:
            ValueError: empty group id, no invitee, or negative ``timeout_s``.
            TIMError: the call failed (e.g. 10010: no such group).
        """
        group_id = group.id if isinstance(group, Group) else group
        _need_id(group_id, "group")
        invitees = _user_ids(user_ids)
        _need_str(data, "data")
        timeout = _timeout(timeout_s)
        _, invite_id = await self._core.call_raw(
            "TIMSignalingInviteInGroup",
            group_id,
            orjson.dumps(invitees),
            data,
            bool(online_only),
            timeout,
        )
        return str(invite_id)

    async def accept(self, invite_id: str, data: str = "") -> None:
        """Accept invitation ``invite_id`` as an invitee (``TIMSignalingAccept``).

        Raises:
            TIMError: 8010 when the id is unknown, the invitation is over or this user is not
                (or no longer) invited.
        """
        await self._answer("TIMSignalingAccept", invite_id, data)

    async def reject(self, invite_id: str, data: str = "") -> None:
        """Reject invitation ``invite_id`` as an invitee (``TIMSignalingReject``).

        Raises:
            TIMError: 8010 when the id is unknown, the invitation is over or this user is not
                (or no longer) invited.
        """
        await self._answer("TIMSignalingReject", invite_id, data)

    async def cancel(self, invite_id: str, data: str = "") -> None:
        """Cancel invitation ``invite_id`` as its inviter (``TIMSignalingCancel``).

        Raises:
            TIMError: 8010 when the id is unknown or the invitation is over; 8011 when this user
                is not the inviter.
        """
        await self._answer("TIMSignalingCancel", invite_id, data)

    async def modify(self, invite_id: str, data: str) -> None:
        """Replace the data of invitation ``invite_id``, as its inviter; the invitees who have
        not answered get :class:`~aiotim.events.signaling.InvitationModified`
        (``TIMSignalingModifyInvitation``). Not for ``online_only`` invitations.

        Raises:
            TIMError: 8010 when the id is unknown or the invitation is over; 8011 when this user
                is not the inviter.
        """
        await self._answer("TIMSignalingModifyInvitation", invite_id, data)

    async def info(self, message: Message) -> SignalingInfo:
        """The invitation a signaling message (one carried by a custom element) belongs to
        (``TIMGetSignalingInfo``).

        Raises:
            TypeError: ``message`` is not a :class:`~aiotim.models.message.Message`.
            TIMError: the message is not a signaling message.
        """
        if not isinstance(message, Message):
            raise TypeError(f"info() takes a Message, not {type(message).__name__}")
        result = await self._core.call_raw("TIMGetSignalingInfo", orjson.dumps(message.raw))
        return SignalingInfo.from_json(result)

    async def _answer(self, function: str, invite_id: str, data: str) -> None:
        _need_id(invite_id, "invite_id")
        _need_str(data, "data")
        await self._core.call_raw(function, invite_id, data)

    # -- streams -----------------------------------------------------------------------------

    def invitations(
        self,
        *,
        inviter: str | None = None,
        where: Callable[[InvitationReceived], bool] | None = None,
    ) -> Stream[InvitationReceived]:
        """Signaling invitations received, e.g. calls
        (``TIMSetSignalingReceiveNewInvitationCallback``).

        Args:
            inviter: only from this user.
        """
        by_inviter = None if inviter is None else (lambda e: e.inviter == inviter)
        return self._core._stream(
            "TIMSetSignalingReceiveNewInvitationCallback", all_of(by_inviter, where)
        )

    def cancelled(
        self,
        *,
        where: Callable[[InvitationCancelled], bool] | None = None,
    ) -> Stream[InvitationCancelled]:
        """Invitations cancelled by their inviter
        (``TIMSetSignalingInvitationCancelledCallback``)."""
        return self._core._stream("TIMSetSignalingInvitationCancelledCallback", where)

    def accepted(
        self,
        *,
        where: Callable[[InviteeAccepted], bool] | None = None,
    ) -> Stream[InviteeAccepted]:
        """Invitees who accepted an invitation (``TIMSetSignalingInviteeAcceptedCallback``)."""
        return self._core._stream("TIMSetSignalingInviteeAcceptedCallback", where)

    def rejected(
        self,
        *,
        where: Callable[[InviteeRejected], bool] | None = None,
    ) -> Stream[InviteeRejected]:
        """Invitees who rejected an invitation (``TIMSetSignalingInviteeRejectedCallback``)."""
        return self._core._stream("TIMSetSignalingInviteeRejectedCallback", where)

    def timed_out(
        self,
        *,
        where: Callable[[InvitationTimeout], bool] | None = None,
    ) -> Stream[InvitationTimeout]:
        """Invitations that timed out (``TIMSetSignalingInvitationTimeoutCallback``)."""
        return self._core._stream("TIMSetSignalingInvitationTimeoutCallback", where)

    def modified(
        self,
        *,
        where: Callable[[InvitationModified], bool] | None = None,
    ) -> Stream[InvitationModified]:
        """Invitations whose data the inviter changed
        (``TIMSetSignalingInvitationModifiedCallback``)."""
        return self._core._stream("TIMSetSignalingInvitationModifiedCallback", where)


def _need_id(value: object, name: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must not be empty")


def _need_str(value: object, name: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")


def _timeout(timeout_s: object) -> int:
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, int):
        raise TypeError(f"timeout_s must be an int, not {type(timeout_s).__name__}")
    if timeout_s < 0:
        raise ValueError(f"timeout_s must be >= 0 (0: no timeout), got {timeout_s}")
    if timeout_s > 2**31 - 1:
        raise ValueError(f"timeout_s does not fit in a C int: {timeout_s}")
    return timeout_s


def _user_ids(user_ids: Iterable[str]) -> list[str]:
    if isinstance(user_ids, str):
        raise TypeError("user_ids must be an iterable of user ids, not one str")
    ids = list(user_ids)
    if not ids:
        raise ValueError("user_ids must name at least one invitee")
    for user_id in ids:
        _need_id(user_id, "each of user_ids")
    return ids
