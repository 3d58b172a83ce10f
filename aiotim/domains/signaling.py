"""``client.signaling``: invitations (calls and the like) and their streams."""

from __future__ import annotations

from collections.abc import Callable

from aiotim.domains._base import Domain, all_of
from aiotim.events.signaling import (
    InvitationCancelled,
    InvitationReceived,
    InvitationTimeout,
    InviteeAccepted,
    InviteeRejected,
)
from aiotim.events.stream import Stream

__all__ = ["Signaling"]


class Signaling(Domain):
    """Signaling."""

    __slots__ = ()

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
