"""Signaling events: invitations (e.g. to a call) received, cancelled, accepted, rejected,
timed out and modified. ``data`` is the application's custom string, as sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiotim.events import _decode as d
from aiotim.events.base import Event

__all__ = [
    "InvitationCancelled",
    "InvitationModified",
    "InvitationReceived",
    "InvitationTimeout",
    "InviteeAccepted",
    "InviteeRejected",
]


@dataclass(frozen=True, slots=True)
class InvitationReceived(Event):
    """This user was invited (``TIMSetSignalingReceiveNewInvitationCallback``); ``group_id`` is
    empty for a one-to-one invitation."""

    invite_id: str
    inviter: str
    group_id: str
    invitees: tuple[str, ...]
    data: str


@dataclass(frozen=True, slots=True)
class InvitationCancelled(Event):
    """The inviter cancelled the invitation (``TIMSetSignalingInvitationCancelledCallback``)."""

    invite_id: str
    inviter: str
    data: str


@dataclass(frozen=True, slots=True)
class InviteeAccepted(Event):
    """An invitee accepted (``TIMSetSignalingInviteeAcceptedCallback``)."""

    invite_id: str
    invitee: str
    data: str


@dataclass(frozen=True, slots=True)
class InviteeRejected(Event):
    """An invitee rejected (``TIMSetSignalingInviteeRejectedCallback``)."""

    invite_id: str
    invitee: str
    data: str


@dataclass(frozen=True, slots=True)
class InvitationTimeout(Event):
    """The invitation timed out for these invitees
    (``TIMSetSignalingInvitationTimeoutCallback``)."""

    invite_id: str
    invitees: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InvitationModified(Event):
    """The inviter changed the invitation's data (``TIMSetSignalingInvitationModifiedCallback``)."""

    invite_id: str
    data: str


def _texts(kind: str, event: Callable[..., Event]) -> d.Decoder:
    def decode(args: d.Args) -> list[Event]:
        # the first is the invitation's id
        texts = [d.an_id(args[0], kind), *(d.text(a, kind) for a in args[1:])]
        return [event(*texts, raw=d.payload(kind, *texts))]

    return decode


def _received(args: d.Args) -> list[Event]:
    kind = "TIMSetSignalingReceiveNewInvitationCallback"
    invite_id, inviter, group_id = (
        d.an_id(args[0], kind),
        d.text(args[1], kind),
        d.text(args[2], kind),
    )
    invitees, data = d.strings(args[3], kind), d.text(args[4], kind)
    return [
        InvitationReceived(
            invite_id,
            inviter,
            group_id,
            invitees,
            data,
            raw=d.payload(kind, invite_id, inviter, group_id, list(invitees), data),
        )
    ]


def _timeout(args: d.Args) -> list[Event]:
    kind = "TIMSetSignalingInvitationTimeoutCallback"
    invite_id, invitees = d.an_id(args[0], kind), d.strings(args[1], kind)
    return [InvitationTimeout(invite_id, invitees, raw=d.payload(kind, invite_id, list(invitees)))]


SPECS: dict[str, d.Spec] = {
    "TIMSetSignalingReceiveNewInvitationCallback": (InvitationReceived, _received, False),
    "TIMSetSignalingInvitationCancelledCallback": (
        InvitationCancelled,
        _texts("TIMSetSignalingInvitationCancelledCallback", InvitationCancelled),
        False,
    ),
    "TIMSetSignalingInviteeAcceptedCallback": (
        InviteeAccepted,
        _texts("TIMSetSignalingInviteeAcceptedCallback", InviteeAccepted),
        False,
    ),
    "TIMSetSignalingInviteeRejectedCallback": (
        InviteeRejected,
        _texts("TIMSetSignalingInviteeRejectedCallback", InviteeRejected),
        False,
    ),
    "TIMSetSignalingInvitationTimeoutCallback": (InvitationTimeout, _timeout, False),
    "TIMSetSignalingInvitationModifiedCallback": (
        InvitationModified,
        _texts("TIMSetSignalingInvitationModifiedCallback", InvitationModified),
        False,
    ),
}
