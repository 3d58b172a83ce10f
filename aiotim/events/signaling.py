"""Signaling events: invitations (e.g. to a call) received, cancelled, accepted, rejected,
timed out and modified. ``data`` is the application's custom string, as sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.events import _decode as d

__all__ = [
    "InvitationCancelled",
    "InvitationModified",
    "InvitationReceived",
    "InvitationTimeout",
    "InviteeAccepted",
    "InviteeRejected",
]


@dataclass(frozen=True, slots=True)
class InvitationReceived:
    """This user was invited (``TIMSetSignalingReceiveNewInvitationCallback``); ``group_id`` is
    empty for a one-to-one invitation."""

    invite_id: str
    inviter: str
    group_id: str
    invitees: tuple[str, ...]
    data: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class InvitationCancelled:
    """The inviter cancelled the invitation (``TIMSetSignalingInvitationCancelledCallback``)."""

    invite_id: str
    inviter: str
    data: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class InviteeAccepted:
    """An invitee accepted (``TIMSetSignalingInviteeAcceptedCallback``)."""

    invite_id: str
    invitee: str
    data: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class InviteeRejected:
    """An invitee rejected (``TIMSetSignalingInviteeRejectedCallback``)."""

    invite_id: str
    invitee: str
    data: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class InvitationTimeout:
    """The invitation timed out for these invitees
    (``TIMSetSignalingInvitationTimeoutCallback``)."""

    invite_id: str
    invitees: tuple[str, ...]
    raw: tuple[Any, ...] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class InvitationModified:
    """The inviter changed the invitation's data (``TIMSetSignalingInvitationModifiedCallback``)."""

    invite_id: str
    data: str
    raw: tuple[Any, ...] = field(repr=False, compare=False)


def _texts(kind: str, event: type) -> d.Decoder:
    def decode(args: d.Args) -> list[Any]:
        return [event(*(d.text(a, kind) for a in args), args)]
    return decode


def _received(args: d.Args) -> list[Any]:
    kind = "TIMSetSignalingReceiveNewInvitationCallback"
    invite_id, inviter, group_id, invitees, data = args
    return [InvitationReceived(d.text(invite_id, kind), d.text(inviter, kind),
                               d.text(group_id, kind), d.strings(invitees, kind),
                               d.text(data, kind), args)]


def _timeout(args: d.Args) -> list[Any]:
    kind = "TIMSetSignalingInvitationTimeoutCallback"
    return [InvitationTimeout(d.text(args[0], kind), d.strings(args[1], kind), args)]


SPECS: dict[str, d.Spec] = {
    "TIMSetSignalingReceiveNewInvitationCallback": (InvitationReceived, _received, False),
    "TIMSetSignalingInvitationCancelledCallback": (
        InvitationCancelled,
        _texts("TIMSetSignalingInvitationCancelledCallback", InvitationCancelled), False),
    "TIMSetSignalingInviteeAcceptedCallback": (
        InviteeAccepted, _texts("TIMSetSignalingInviteeAcceptedCallback", InviteeAccepted),
        False),
    "TIMSetSignalingInviteeRejectedCallback": (
        InviteeRejected, _texts("TIMSetSignalingInviteeRejectedCallback", InviteeRejected),
        False),
    "TIMSetSignalingInvitationTimeoutCallback": (InvitationTimeout, _timeout, False),
    "TIMSetSignalingInvitationModifiedCallback": (
        InvitationModified,
        _texts("TIMSetSignalingInvitationModifiedCallback", InvitationModified), False),
}
