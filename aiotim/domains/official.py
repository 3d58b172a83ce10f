"""``client.official``: official accounts and subscriptions."""

from __future__ import annotations

from aiotim.domains._base import Domain

__all__ = ["Official"]


class Official(Domain):
    """Official accounts and subscriptions."""

    __slots__ = ()
