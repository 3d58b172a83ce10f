"""``wait_for``: an awaitable for the next matching event, subscribed when it is created."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Generic, TypeVar

import anyio

from aiotim.events.catalog import CATALOG
from aiotim.events.stream import Stream

__all__ = ["EventWaiter", "kind_for"]

E = TypeVar("E")


def kind_for(event: type | str) -> str:
    """The notification kind (setter name) of an event type, or the setter name itself.

    Raises:
        KeyError: not an event type of the catalog, nor a setter name.
        TypeError: the type is carried by several kinds; pass the setter name instead.
    """
    if isinstance(event, str):
        if event not in CATALOG:
            raise KeyError(f"{event!r} is not a notification setter of the TIM ABI")
        return event
    kinds = [name for name, entry in CATALOG.items() if entry.event is event]
    if not kinds:
        raise KeyError(
            f"{getattr(event, '__name__', event)!r} is not an event type of aiotim.events.CATALOG"
        )
    if len(kinds) > 1:
        raise TypeError(
            f"{event.__name__} is carried by several notifications "
            f"({', '.join(kinds)}): pass the setter name instead"
        )
    return kinds[0]


class EventWaiter(Generic[E]):
    """An awaitable for the next matching event; subscribed when it was created."""

    def __init__(self, stream: Stream[E], timeout: float | None) -> None:
        self._stream = stream
        self._timeout = timeout

    def __await__(self) -> Generator[Any, None, E]:
        return self._wait().__await__()

    async def _wait(self) -> E:
        try:
            with anyio.fail_after(self._timeout):
                return await self._stream.__anext__()
        finally:
            self._stream.close()

    def cancel(self) -> None:
        """Give up without awaiting (unsubscribes)."""
        self._stream.close()
