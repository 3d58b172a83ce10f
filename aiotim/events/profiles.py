"""Profile events: the logged-in user's own profile, user statuses, subscribed users' profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiotim.events import _decode as d
from aiotim.models.profile import UserProfile, UserStatus

__all__ = ["SelfProfileUpdated", "UserProfileChanged", "UserStatusChanged"]


@dataclass(frozen=True, slots=True)
class SelfProfileUpdated:
    """The logged-in user's profile changed (``TIMSetSelfInfoUpdatedCallback``)."""

    profile: UserProfile
    raw: dict[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class UserStatusChanged:
    """A user's online or custom status changed (``TIMSetUserStatusChangedCallback``, one
    event per user)."""

    status: UserStatus
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def user_id(self) -> str:
        """Whose status changed."""
        return self.status.user_id


@dataclass(frozen=True, slots=True)
class UserProfileChanged:
    """A subscribed user's profile changed (``TIMSetUserInfoChangedCallback``, one event per
    user)."""

    profile: UserProfile
    raw: dict[str, Any] = field(repr=False, compare=False)


def _self(args: d.Args) -> list[Any]:
    o = d.obj(args[0], "TIMSetSelfInfoUpdatedCallback")
    return [SelfProfileUpdated(UserProfile.from_json(o), o)]


def _statuses(args: d.Args) -> list[Any]:
    return [UserStatusChanged(UserStatus.from_json(s), s)
            for s in d.array(args[0], "TIMSetUserStatusChangedCallback")]


def _profiles(args: d.Args) -> list[Any]:
    return [UserProfileChanged(UserProfile.from_json(p), p)
            for p in d.array(args[0], "TIMSetUserInfoChangedCallback")]


SPECS: dict[str, d.Spec] = {
    "TIMSetSelfInfoUpdatedCallback": (SelfProfileUpdated, _self, False),
    "TIMSetUserStatusChangedCallback": (UserStatusChanged, _statuses, True),
    "TIMSetUserInfoChangedCallback": (UserProfileChanged, _profiles, True),
}
