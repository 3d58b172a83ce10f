"""``client.community``: communities, topics and permission groups."""

from __future__ import annotations

from aiotim.domains._base import Domain

__all__ = ["Community"]


class Community(Domain):
    """Communities, topics and permission groups."""

    __slots__ = ()
