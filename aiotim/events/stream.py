"""Event streams: async iterators fed by the hub on the event-loop thread.

A stream is subscribed when it is created. It ends (``StopAsyncIteration``) after ``aclose()``,
after leaving ``async with``, when the client closes, or when it is garbage-collected after a
``break`` (the hub holds it weakly).

Overflow is a policy per stream. The default keeps everything (and warns once when more than
``high_water`` events are waiting). With ``maxsize``, ``overflow`` says what happens when the
stream is full: ``"drop_oldest"`` or ``"drop_newest"`` drop events and yield a
:class:`Gap` in their place (in band, so the consumer knows how many it missed and where);
``"raise"`` ends the stream with :class:`aiotim.errors.StreamOverflow` once the consumer reaches
the point where it overflowed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import anyio

from aiotim._backends import Slot, new_slot, wake
from aiotim.errors import StreamOverflow
from aiotim.events._cstream import Queue as _Queue
from aiotim.events._cstream import configure as _configure_markers

__all__ = ["DEFAULT_HIGH_WATER", "Gap", "OverflowPolicy", "Stream"]

log = logging.getLogger("aiotim.events")

T = TypeVar("T")

OverflowPolicy = Literal["drop_oldest", "drop_newest", "raise"]
DEFAULT_HIGH_WATER = 10_000


@dataclass(frozen=True, slots=True)
class Gap:
    """Yielded by a lossy stream where ``count`` events were dropped because it was full."""

    count: int


class _GapMarker:
    """A run of dropped events inside the queue (mutable until it is yielded)."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


class _Overflowed:
    """The point where a ``raise`` stream overflowed."""

    __slots__ = ()


_OVERFLOWED = _Overflowed()
_configure_markers((_GapMarker, _Overflowed))

if TYPE_CHECKING:
    from collections.abc import Awaitable


class Stream(_Queue, Generic[T]):
    """An async iterator over the events of one kind (optionally filtered).

    The queue, its counters ``_n`` and ``_dropped_front`` and the ``async for`` step are the C
    base's (:mod:`aiotim.events._cstream`): the step hands a queued event over without a
    coroutine, and falls back to :meth:`_anext_slow` to wait or to yield a gap or an overflow.
    """

    __slots__ = (
        "__weakref__",
        "_closed",
        "_high_water",
        "_on_close",
        "_policy",
        "_waiter",
        "_warned",
        "dropped",
        "kind",
        "maxsize",
        "where",
    )

    def __init__(
        self,
        kind: str,
        where: Callable[[Any], bool] | None = None,
        *,
        maxsize: int | None = None,
        overflow: OverflowPolicy = "drop_oldest",
        high_water: int = DEFAULT_HIGH_WATER,
        on_close: Callable[[Stream[Any]], None] | None = None,
    ) -> None:
        if maxsize is not None and (isinstance(maxsize, bool) or maxsize < 1):
            raise ValueError(f"maxsize must be a positive int or None, got {maxsize!r}")
        if overflow not in ("drop_oldest", "drop_newest", "raise"):
            raise ValueError(
                f"overflow must be 'drop_oldest', 'drop_newest' or 'raise', got {overflow!r}"
            )
        self._on_close = on_close  # the producer forgets the stream (the hub's unsubscribe)
        self.kind = kind
        self.where = where
        self.maxsize = maxsize
        self._policy = overflow
        self._high_water = high_water
        self._warned = False
        self._n = 0  # events queued (markers excluded)
        self._dropped_front = 0  # drop_oldest: events dropped before the queue's head
        #: events dropped by this stream's overflow policy, in all
        self.dropped = 0
        self._waiter: Slot | None = None
        self._closed = False

    # -- the producer's side (the hub) -------------------------------------------------

    def put_many(self, items: list[Any]) -> None:
        """Producer side (the hub): queue ``items`` (decoded, in SDK order) through the
        filter and the overflow policy, then wake the consumer."""
        if self._closed:
            return
        where, maxsize = self.where, self.maxsize
        if where is None and maxsize is None:
            self._q_extend(items)  # the common case: one extension for the whole run
            self._n += len(items)
        else:
            for item in items:
                if self._closed:  # a "raise" stream overflowed earlier in this run
                    break
                if where is not None and not where(item):
                    continue
                if maxsize is not None and self._n >= maxsize:
                    self._overflow(item)
                else:
                    self._q_append(item)
                    self._n += 1
        if self._n > self._high_water and not self._warned and maxsize is None:
            self._warned = True
            log.warning(
                "aiotim: %d %s events are waiting in one stream (consumer too "
                "slow?); pass maxsize= and overflow= to bound it",
                self._n,
                self.kind,
            )
        if self._q_size() or self._dropped_front:
            self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            wake(waiter)

    def _overflow(self, item: Any) -> None:
        if self._policy == "raise":
            if self._q_last() is not _OVERFLOWED:
                self._q_append(_OVERFLOWED)
            self._forget()
            self._closed = True
            return
        self.dropped += 1
        if self._policy == "drop_newest":
            last = self._q_last()
            if not isinstance(last, _GapMarker):
                last = _GapMarker()
                self._q_append(last)
            last.count += 1
            return
        # drop_oldest: the oldest event goes; the gap is at the head of the queue
        while self._q_size():
            head = self._q_popleft()
            if isinstance(head, _GapMarker):
                self._dropped_front += head.count
                continue
            self._dropped_front += 1
            self._n -= 1
            break
        self._q_append(item)
        self._n += 1

    def end(self) -> None:
        """Producer side (the hub): end the stream; queued items are still yielded."""
        self._closed = True
        self._wake()

    def _forget(self) -> None:
        if self._on_close is not None:
            self._on_close(self)

    # -- consumer side -----------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the stream has ended (items already queued are still yielded)."""
        return self._closed

    def __len__(self) -> int:
        """How many events are queued, not yet consumed."""
        return self._n

    def __aiter__(self) -> Stream[T]:
        return self

    def _pop(self) -> T:
        if self._dropped_front:
            gap = Gap(self._dropped_front)
            self._dropped_front = 0
            return gap  # type: ignore[return-value]  # lossy streams yield T | Gap
        item = self._q_popleft()
        if isinstance(item, _GapMarker):
            return Gap(item.count)  # type: ignore[return-value]
        if item is _OVERFLOWED:
            self._q_clear()
            raise StreamOverflow(self.kind, self.maxsize or 0)
        self._n -= 1
        return item  # type: ignore[no-any-return]

    if TYPE_CHECKING:  # at run time the C base's step (see the class docstring)

        def __anext__(self) -> Awaitable[T]: ...

    async def _anext_slow(self) -> T:
        """``async for``'s step when no plain event is at the head of the queue: wait for one
        (or the end), then yield it, or a gap, or raise the overflow."""
        while not self._q_size() and not self._dropped_front:
            if self._closed:
                raise StopAsyncIteration
            waiter = self._waiter = new_slot()
            try:
                await waiter
            finally:
                if self._waiter is waiter:
                    self._waiter = None
        return self._pop()

    def get_nowait(self) -> T:
        """The next queued event; ``anyio.WouldBlock`` when none is queued."""
        if not self._q_size() and not self._dropped_front:
            raise anyio.WouldBlock
        return self._pop()

    async def aclose(self) -> None:
        """Unsubscribe and end the stream; events not yet consumed are discarded."""
        self.close()

    def close(self) -> None:
        """Synchronous :meth:`aclose`."""
        if not self._closed:
            self._forget()
            self.end()
        self._q_clear()
        self._n = 0
        self._dropped_front = 0

    async def __aenter__(self) -> Stream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
