"""Event streams: async iterators fed by the hub on the event-loop thread.

A stream is subscribed when it is created. It ends (``StopAsyncIteration``) after ``aclose()``,
after leaving ``async with``, when the client closes, or when it is garbage-collected after a
``break`` (the hub holds it weakly).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Generic, TypeVar

import anyio

if TYPE_CHECKING:
    from aiotim.events.hub import EventHub

__all__ = ["Stream"]

T = TypeVar("T")


class Stream(Generic[T]):
    """An async iterator over the events of one kind (optionally filtered)."""

    __slots__ = ("__weakref__", "_closed", "_hub", "_items", "_waiter", "kind", "where")

    def __init__(self, hub: EventHub, kind: str, where: Callable[[T], bool] | None = None) -> None:
        self._hub = hub
        self.kind = kind
        self.where = where
        self._items: deque[T] = deque()
        self._waiter: anyio.Event | None = None
        self._closed = False

    # -- fed by the hub ----------------------------------------------------------------

    def _put(self, item: T) -> None:
        if self.where is not None and not self.where(item):
            return
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            waiter.set()

    def _end(self) -> None:
        self._closed = True
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            waiter.set()

    # -- consumer side -----------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the stream has ended (items already queued are still yielded)."""
        return self._closed

    def __len__(self) -> int:
        """How many events are queued, not yet consumed."""
        return len(self._items)

    def __aiter__(self) -> Stream[T]:
        return self

    async def __anext__(self) -> T:
        while not self._items:
            if self._closed:
                raise StopAsyncIteration
            waiter = self._waiter = anyio.Event()
            await waiter.wait()
        return self._items.popleft()

    def get_nowait(self) -> T:
        """The next queued event; ``anyio.WouldBlock`` when none is queued."""
        if not self._items:
            raise anyio.WouldBlock
        return self._items.popleft()

    async def aclose(self) -> None:
        """Unsubscribe and end the stream; events not yet consumed are discarded."""
        self.close()

    def close(self) -> None:
        """Synchronous :meth:`aclose`."""
        if not self._closed:
            self._hub._unsubscribe(self)
            self._end()
        self._items.clear()

    async def __aenter__(self) -> Stream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
