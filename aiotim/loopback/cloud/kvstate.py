"""Small pieces of loopback state kept as JSON documents beside the messages.

With the cloud's ``db=``, each document is one row of the table ``loopback_documents`` in the
same SQLite file as the :class:`~aiotim.loopback.cloud.state.Store` (its own connection, same
thread), written whole after each change and read back by the first :func:`load` of a new
cloud; in memory nothing is kept (:func:`load` gives ``None``). For state that is small and
changes rarely: receive options, message extensions and reactions.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from aiotim.loopback.cloud.app import App

__all__ = ["load", "save"]

_SCHEMA = "CREATE TABLE IF NOT EXISTS loopback_documents (name TEXT PRIMARY KEY, data BLOB)"


def _db(app: App) -> sqlite3.Connection | None:
    db = getattr(app.store, "_db", None)
    if not isinstance(db, sqlite3.Connection):
        return None
    db.execute(_SCHEMA)
    return db


def load(app: App, name: str) -> Any:
    """The document ``name`` as saved last (decoded JSON), or ``None``."""
    db = _db(app)
    if db is None:
        return None
    row = db.execute("SELECT data FROM loopback_documents WHERE name = ?", (name,)).fetchone()
    return orjson.loads(row[0]) if row is not None else None


def save(app: App, name: str, value: Any) -> None:
    """Write the document ``name`` (no-op without ``db=``)."""
    db = _db(app)
    if db is None:
        return
    db.execute(
        "INSERT OR REPLACE INTO loopback_documents VALUES (?, ?)", (name, orjson.dumps(value))
    )
