"""Profile events: the logged-in user's own profile, user statuses, subscribed users' profiles."""

from __future__ import annotations

from dataclasses import dataclass

from aiotim.events import _decode as d
from aiotim.events.base import Event
from aiotim.models.profile import UserProfile, UserStatus

__all__ = ["SelfProfileUpdated", "UserProfileChanged", "UserStatusChanged"]


@dataclass(frozen=True, slots=True)
class SelfProfileUpdated(Event):
    """The logged-in user's profile changed (``TIMSetSelfInfoUpdatedCallback``)."""

    profile: UserProfile


@dataclass(frozen=True, slots=True)
class UserStatusChanged(Event):
    """A user's online or custom status changed (``TIMSetUserStatusChangedCallback``, one
    event per user)."""

    status: UserStatus

    @property
    def user_id(self) -> str:
        """Whose status changed."""
        return self.status.user_id


@dataclass(frozen=True, slots=True)
class UserProfileChanged(Event):
    """A subscribed user's profile changed (``TIMSetUserInfoChangedCallback``, one event per
    user)."""

    profile: UserProfile


def _self(args: d.Args) -> list[Event]:
    profile = UserProfile.from_json(d.obj(args[0], "TIMSetSelfInfoUpdatedCallback"))
    return [SelfProfileUpdated(profile, raw=profile.raw)]


def _statuses(args: d.Args) -> list[Event]:
    return d.events_of(
        d.array(args[0], "TIMSetUserStatusChangedCallback"), UserStatus.from_json, UserStatusChanged
    )


def _profiles(args: d.Args) -> list[Event]:
    return d.events_of(
        d.array(args[0], "TIMSetUserInfoChangedCallback"), UserProfile.from_json, UserProfileChanged
    )


SPECS: dict[str, d.Spec] = {
    "TIMSetSelfInfoUpdatedCallback": (SelfProfileUpdated, _self, False),
    "TIMSetUserStatusChangedCallback": (UserStatusChanged, _statuses, True),
    "TIMSetUserInfoChangedCallback": (UserProfileChanged, _profiles, True),
}
