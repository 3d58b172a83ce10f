"""``client.profiles``: user profiles and their streams."""

from __future__ import annotations

from aiotim.domains._base import Domain
from aiotim.events.profiles import SelfProfileUpdated
from aiotim.events.stream import Stream

__all__ = ["Profiles"]


class Profiles(Domain):
    """Profiles."""

    __slots__ = ()

    def self_updates(self) -> Stream[SelfProfileUpdated]:
        """Changes of the logged-in user's own profile (``TIMSetSelfInfoUpdatedCallback``)."""
        return self._core._stream("TIMSetSelfInfoUpdatedCallback")
