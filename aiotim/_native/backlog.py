"""The unclaimed notifications of one client, kept as relay records until a stream claims
their kind (:class:`aiotim.events.hub.Backlog`).

Most of what a client is notified of, nobody reads: every message sent or received brings a
conversation update and often an unread-count change, which a bot that only streams messages
never looks at. The hub keeps the newest ``unclaimed_limit`` of each kind for a stream opened
later. Kept here, by the pump, they stay the records the relay made (records.c's ``Backlog``):
no Python object, no run and no call into the hub per notification, only a link in a list, and
the limit is enforced there. The first stream (or tap) of a kind claims it: its records are
converted in SDK order and handed over, and from then on the pump converts the kind as any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiotim._abi import CALLBACK_SETTERS
from aiotim._native._ffi import records

__all__ = ["RecordBacklog"]

_KIND_OF_SETTER = {name: cb.index for name, cb in CALLBACK_SETTERS.items()}
_SETTER_OF_KIND = {cb.index: name for name, cb in CALLBACK_SETTERS.items()}


class RecordBacklog:
    """A client's unclaimed notifications, as records, the newest ``limit`` per kind."""

    __slots__ = ("on_first_drop", "records")

    def __init__(self, limit: int) -> None:
        #: the C backlog the pump hands to records.pump / records.convert
        self.records: Any = records.Backlog(limit)
        #: called with a kind the first time one of its notifications is dropped (limit > 0)
        self.on_first_drop: Callable[[str], None] | None = None

    def claim(self, kind: str) -> list[tuple[tuple[Any, ...], int]]:
        """The kind's notifications kept so far, ``(args, t_push_ns)`` oldest first; the pump
        converts the kind from now on.

        Raises:
            KeyError: ``kind`` is not a notification setter.
        """
        return self.records.claim(_KIND_OF_SETTER[kind])  # type: ignore[no-any-return]

    def dropped(self) -> dict[str, int]:
        """Notifications dropped past the limit, per kind."""
        return {_SETTER_OF_KIND[k]: n for k, n in self.records.dropped().items()}

    def held(self) -> dict[str, int]:
        """Notifications kept, per kind."""
        return {_SETTER_OF_KIND[k]: n for k, n in self.records.held().items()}

    def report_first_drops(self) -> None:
        """Tell ``on_first_drop`` of the kinds whose first drop happened since the last report
        (the pump calls this after a step that made one)."""
        first = self.records.first_drops
        if not first:
            return
        kinds = [_SETTER_OF_KIND[k] for k in first]
        first.clear()
        if self.on_first_drop is not None:
            for kind in kinds:
                self.on_first_drop(kind)

    def clear(self) -> None:
        """Free every record kept (the client is closing)."""
        self.records.clear()
