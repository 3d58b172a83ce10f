"""Small pieces of loopback state kept as JSON documents beside the messages.

With the cloud's ``db=``, each document is a snapshot of the
:class:`~aiotim.loopback.cloud.state.Store` (:meth:`~aiotim.loopback.cloud.state.Store.put_blob`:
written with the store's next commit, so before anything that depends on it reaches a
connection, and not at all when it did not change) and read back by the first :func:`load` of a
new cloud; in memory nothing is kept (:func:`load` gives ``None``). For state that is small and
changes rarely: receive options, message extensions and reactions.
"""

from __future__ import annotations

from typing import Any

import orjson

from aiotim.loopback.cloud.app import App

__all__ = ["load", "save"]

_PREFIX = "document:"  # beside the server's own snapshots in the same table


def load(app: App, name: str) -> Any:
    """The document ``name`` as saved last (decoded JSON), or ``None``."""
    data = app.store.blobs.get(_PREFIX + name)
    return orjson.loads(data) if data is not None else None


def save(app: App, name: str, value: Any) -> None:
    """Keep the document ``name`` (no-op without ``db=``)."""
    if app.store.persistent:
        app.store.put_blob(_PREFIX + name, orjson.dumps(value))
