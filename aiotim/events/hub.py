"""The event hub: decodes each notification once and fans it out to every stream of its kind.

Notifications of a kind that no stream has claimed yet are kept (bounded, counted) and handed to
the first stream of that kind, so a bot that subscribes after ``await login()`` still sees the
offline messages the SDK delivered during the login.
"""

from __future__ import annotations

import logging
import operator
import weakref
from collections import deque
from collections.abc import Callable
from heapq import merge
from typing import Any, Protocol, TypeVar

from aiotim.errors import PayloadError
from aiotim.events._decode import BatchDecoder, Decoder, PartialPayload
from aiotim.events.catalog import CATALOG
from aiotim.events.stream import DEFAULT_HIGH_WATER, OverflowPolicy, Stream

__all__ = ["EventHub", "check_unclaimed_limit"]

log = logging.getLogger("aiotim.events")

T = TypeVar("T")

Raw = tuple[tuple[Any, ...], int]  # (callback args, SDK-thread timestamp ns)


def _nothing(args: tuple[Any, ...]) -> list[Any]:
    return []


def _stamp(raw: Raw) -> int:
    return raw[1]


class Backlog(Protocol):
    """Where the pump keeps, unconverted, the notifications of kinds no stream has claimed
    yet (:class:`aiotim._native.backlog.RecordBacklog`): the hub claims a kind from it when
    the kind's first stream (or tap) comes, and counts its drops with its own."""

    #: called with a kind the first time the backlog drops one of its notifications
    on_first_drop: Callable[[str], None] | None

    def claim(self, kind: str) -> list[Raw]:
        """The kind's notifications kept so far, oldest first; the kind goes to the hub from
        now on."""
        ...

    def dropped(self) -> dict[str, int]:
        """Notifications dropped past the limit, per kind."""
        ...


def check_unclaimed_limit(value: object) -> int:
    """``value`` as an ``unclaimed_limit``: a whole number of events, 0 or more (an ``int``,
    or any integer type, e.g. numpy's: ``operator.index``).

    Raises:
        ValueError: anything else (``bool`` and ``float`` included).
    """
    try:
        limit = -1 if isinstance(value, bool) else operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        limit = -1
    if limit < 0:
        raise ValueError(
            "unclaimed_limit must be a whole number of events per kind, 0 or more "
            f"(0: keep none until a stream takes its kind), got {value!r}"
        )
    return limit


class EventHub:
    """Routes ``(setter, args)`` notifications to streams."""

    def __init__(self, *, unclaimed_limit: int = 10_000) -> None:
        self.unclaimed_limit = check_unclaimed_limit(unclaimed_limit)
        self._streams: dict[str, weakref.WeakSet[Stream[Any]]] = {}
        # Speed only: publish_many() fans out over a cached tuple of weak references per kind, not
        # over the WeakSet (its iteration guard costs more than the rest of the fan-out), with
        # the kind's decoder. Dropped whenever a kind's set of streams changes; a collected
        # stream's ref is None.
        self._fanout: dict[
            str, tuple[tuple[weakref.ref[Stream[Any]], ...], Decoder, BatchDecoder | None]
        ] = {}
        self._unclaimed: dict[str, deque[Raw]] = {}
        self._claimed: set[str] = set()
        #: kinds whose dropping was logged already
        self._warned: set[str] = set()
        self._closed = False
        #: notifications dropped from a full unclaimed buffer, per kind (the hub's own; see
        #: :meth:`dropped_unclaimed` for the backlog's too)
        self.unclaimed_dropped: dict[str, int] = {}
        #: the pump's backlog of unclaimed kinds, once attached
        self._backlog: Backlog | None = None
        #: payloads that could not be decoded, per kind
        self.payload_errors: dict[str, int] = {}
        #: internal consumers (e.g. the SDK log → logging) that see a kind before any stream
        self._taps: dict[str, Callable[[tuple[Any, ...]], None]] = {}
        #: per kind, a step run on each run of decoded items before any stream sees them (the
        #: client marks the messages that mention its user: ``Message.is_at_me``)
        self._finish: dict[str, Callable[[list[Any]], None]] = {}

    def tap(self, kind: str, fn: Callable[[tuple[Any, ...]], None]) -> None:
        """Send every ``kind`` notification's raw args to ``fn`` (and claim the kind)."""
        self._taps[kind] = fn
        self._claimed.add(kind)
        kept = self._take_backlog(kind)  # not the tap's: they still wait for the first stream
        if kept:
            self._keep_unclaimed(kind, [args for args, _ in kept], [t for _, t in kept])

    def attach_backlog(self, backlog: Backlog) -> None:
        """Let ``backlog`` keep the notifications of the kinds not claimed yet (the pump puts
        them there instead of publishing them): the kinds claimed already are claimed from it,
        its first drop of a kind is logged as the hub's own would be."""
        self._backlog = backlog
        backlog.on_first_drop = self._warn_dropping
        for kind in self._claimed:
            backlog.claim(kind)  # nothing is kept for it yet: it goes to the hub from now on

    def dropped_unclaimed(self) -> dict[str, int]:
        """Unclaimed notifications dropped past the limit, per kind (the hub's and the
        backlog's)."""
        dropped = dict(self.unclaimed_dropped)
        if self._backlog is not None:
            for kind, n in self._backlog.dropped().items():
                dropped[kind] = dropped.get(kind, 0) + n
        return dropped

    def _take_backlog(self, kind: str) -> list[Raw]:
        """What was kept for ``kind`` (by the hub and by the backlog), in SDK order.

        In a client both are seldom non-empty at once (the hub keeps a kind only when no
        backlog took it: before one is attached); then they are merged by the SDK-thread
        timestamps, which follow the relay's order but for callbacks of two SDK threads a few
        nanoseconds apart."""
        theirs = self._backlog.claim(kind) if self._backlog is not None else []
        mine = self._unclaimed.pop(kind, None)  # after the claim: a failed one leaves it here
        if not mine:
            return theirs
        if not theirs:
            return list(mine)
        return list(merge(mine, theirs, key=_stamp))  # each is in SDK order already

    def finish(self, kind: str, fn: Callable[[list[Any]], None]) -> None:
        """Run ``fn`` on every run of decoded ``kind`` items before the streams get them."""
        self._finish[kind] = fn

    def publish(self, kind: str, args: tuple[Any, ...], t_ns: int = 0) -> None:
        """One notification (see :meth:`publish_many`)."""
        self.publish_many(kind, [args], [t_ns])

    def publish_many(self, kind: str, batch: list[tuple[Any, ...]], stamps: list[int]) -> None:
        """Called by the pump with a run of notifications of one kind, in SDK order: each
        callback's args and its SDK-thread timestamp (ns)."""
        tap = self._taps.get(kind)
        if tap is not None:
            for args in batch:
                tap(args)
        route = self._fanout.get(kind)
        if route is None:
            entry = CATALOG.get(kind)
            route = self._fanout[kind] = (
                tuple(weakref.ref(s) for s in self._streams.get(kind, ())),
                entry.decode if entry is not None else _nothing,
                entry.decode_batch if entry is not None else None,
            )
        refs, decode, decode_batch = route
        if refs:
            # Decoded once, shared by every stream of the kind. (New messages arrive decoded
            # already: the pump builds them in C, left out of the cyclic GC, so a run of
            # thousands of them no longer triggers the collections that rescanned the queue.)
            items = None
            if decode_batch is not None:
                try:
                    items = decode_batch(batch)
                except Exception:  # the checked decoder (below) names the problem
                    items = None
            if items is None:
                items = self._decode_each(kind, decode, batch)
            self._finished(kind, items)
            for ref in refs:
                stream = ref()
                if stream is not None:
                    stream.put_many(items)
        elif kind not in self._claimed and not self._closed:
            self._keep_unclaimed(kind, batch, stamps)

    def _keep_unclaimed(self, kind: str, batch: list[tuple[Any, ...]], stamps: list[int]) -> None:
        """Keep a run of a kind no stream has claimed yet for its first stream: the newest
        ``unclaimed_limit`` of them; the older ones are dropped, counted, and the first drop of
        a kind is logged once, saying how to take them or keep none (with a limit of 0 the
        user asked for none: counted, not logged)."""
        limit = self.unclaimed_limit
        buf = self._unclaimed.get(kind)
        if buf is None:  # bounded: an append past the limit drops the oldest itself
            buf = self._unclaimed[kind] = deque(maxlen=limit)
        over = len(buf) + len(batch) - limit
        if over > 0:
            self.unclaimed_dropped[kind] = self.unclaimed_dropped.get(kind, 0) + over
            if limit:  # logged once per kind (_warn_dropping); a limit of 0 asked for none
                self._warn_dropping(kind)
        buf.extend(zip(batch, stamps, strict=True))

    def _warn_dropping(self, kind: str) -> None:
        """Log, once per kind, that unclaimed ``kind`` notifications are being dropped."""
        if kind in self._warned:
            return
        self._warned.add(kind)
        entry = CATALOG.get(kind)
        name = f"aiotim.{entry.event.__name__}" if entry is not None else kind
        log.warning(
            "aiotim: %s events (%s) are piling up with no stream to take them; "
            "past unclaimed_limit=%d the oldest are dropped. Open a stream for "
            "them (client.events(%s)), or pass aiotim.Client(unclaimed_limit=0) "
            "to keep none of the events whose stream is not open yet",
            name,
            kind,
            self.unclaimed_limit,
            name,
        )

    def _finished(self, kind: str, items: list[Any]) -> None:
        """The kind's finishing step (see :meth:`finish`) on a run of decoded items."""
        finish = self._finish.get(kind)
        if finish is not None:
            finish(items)

    def _decode_each(
        self,
        kind: str,
        decode: Decoder,
        batch: list[tuple[Any, ...]],
    ) -> list[Any]:
        items: list[Any] = []
        for args in batch:
            items += self._decode_one(kind, decode, args)
        return items

    def _decode_one(self, kind: str, decode: Decoder, args: tuple[Any, ...]) -> list[Any]:
        try:
            return decode(args)
        except PartialPayload as partial:  # some items malformed (e.g. no id): the rest goes on
            for exc in partial.errors:
                self._bad_payload(kind, exc)
            return partial.items
        except PayloadError as exc:
            self._bad_payload(kind, exc)
        except Exception:  # a decoder bug: this notification is lost, not the others
            self.payload_errors[kind] = self.payload_errors.get(kind, 0) + 1
            log.exception("aiotim: decoding a %s payload failed", kind)
        return []

    def _bad_payload(self, kind: str, exc: PayloadError) -> None:
        self.payload_errors[kind] = self.payload_errors.get(kind, 0) + 1
        log.error("aiotim: dropped a malformed %s payload: %s", kind, exc)

    def subscribe(
        self,
        kind: str,
        where: Callable[[T], bool] | None = None,
        *,
        maxsize: int | None = None,
        overflow: OverflowPolicy = "drop_oldest",
        high_water: int = DEFAULT_HIGH_WATER,
    ) -> Stream[T]:
        """A new stream of ``kind``; the first one of a kind takes the unclaimed events."""
        if kind not in CATALOG:
            raise KeyError(f"unknown notification kind {kind!r}")
        stream: Stream[T] = Stream(
            kind,
            where,
            maxsize=maxsize,
            overflow=overflow,
            high_water=high_water,
            on_close=self._unsubscribe,
        )
        if self._closed:
            stream.end()
            return stream
        self._streams.setdefault(kind, weakref.WeakSet()).add(stream)
        self._fanout.pop(kind, None)
        self._claimed.add(kind)
        backlog = self._take_backlog(kind)
        if backlog:
            items = self._decode_each(kind, CATALOG[kind].decode, [args for args, _ in backlog])
            self._finished(kind, items)
            stream.put_many(items)
        return stream

    def _unsubscribe(self, stream: Stream[Any]) -> None:
        streams = self._streams.get(stream.kind)
        if streams is not None:
            streams.discard(stream)
        self._fanout.pop(stream.kind, None)

    def stream_count(self, kind: str | None = None) -> int:
        """How many live streams there are (of ``kind``, or in all)."""
        if kind is not None:
            return len(self._streams.get(kind, ()))
        return sum(len(s) for s in self._streams.values())

    def close(self) -> None:
        """End every stream (queued items are still yielded) and drop the unclaimed events."""
        self._closed = True
        for streams in self._streams.values():
            for stream in list(streams):
                stream.end()
        self._streams.clear()
        self._fanout.clear()
        self._unclaimed.clear()
