"""The loopback cloud's IM state: messages, conversations, offline inboxes; optional SQLite.

Memory is authoritative and every read is served from it. With a database path the state is
loaded at start and changes are written back in group commits (:meth:`Store.flush`, one
transaction): the server commits before any connection writes a result or a delivery, so
nothing is acknowledged before it is in the database, and every call handled meanwhile shares
the commit (see ``CloudServer._commit``). Messages and conversations are rows rewritten when they
change; an offline inbox only appended to is written incrementally.

Only the event-loop thread of the cloud touches a :class:`Store`.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from aiotim.enums import TIMConvType, TIMMsgStatus

__all__ = ["C2C", "GROUP", "Store", "StoredConversation", "StoredMessage", "c2c_key"]

#: Conversation types, as plain ints (they are compared on every message).
C2C = int(TIMConvType.kTIMConv_C2C)
GROUP = int(TIMConvType.kTIMConv_Group)


#: How long a sent message id is remembered for de-duplication when the message is not stored
#: (online-only). Source: https://trtc.io/document/34959 — the same Random within 5 minutes is
#: one message (tim-service.md "Duplicate sends"). Stored messages keep their id for good.
DEDUP_WINDOW_S = 300.0


#: SQLite's ``synchronous`` setting (WAL mode). The server commits before it writes any result
#: or delivery (see ``CloudServer._commit``); a commit in WAL mode is then in the OS's hands:
#: ``NORMAL`` survives a crash or SIGKILL of the process (what the reliability suite checks),
#: ``FULL`` also a power loss or OS crash (an fsync of the WAL per commit).
SYNCHRONOUS = "NORMAL"


def c2c_key(a: str, b: str) -> str:
    """The storage key of the one-to-one conversation between ``a`` and ``b`` (order-free)."""
    lo, hi = (a, b) if a <= b else (b, a)
    # NUL cannot occur in a user id that crossed the C API, so the key is unambiguous.
    return f"c2c\0{lo}\0{hi}"


@dataclass(slots=True)
class StoredMessage:
    """One stored message, independent of who looks at it (see ``jsonshapes.message_view``)."""

    conv_key: str
    conv_type: int
    sender: str
    target: str  # the receiving user (C2C) or the group
    body: dict[str, Any]  # the client's fields that travel with the message, as given
    rand: int
    server_time: int
    client_time: int
    msg_id: str
    unique_id: int
    seq: int = 0  # 0 until stored; online-only messages are never stored
    status: int = int(TIMMsgStatus.kTIMMsg_SendSucc)
    revoker: str = ""
    revoke_reason: str = ""
    #: modify count (``message_version``): a modify based on an older version conflicts (8006)
    version: int = 0
    #: users who deleted the message for themselves (their history and search skip it)
    deleted_for: list[str] = field(default_factory=list)
    #: C2C: the receiver sent a message-level read receipt (``message_receipt_peer_read``)
    receipt_read: bool = False
    #: per user: ``message_custom_int``/``_str`` set with TIMMsgSetLocalCustomData (the real
    #: SDK keeps them on the device; the loopback per user)
    local_custom: dict[str, dict[str, Any]] = field(default_factory=dict)

    def record(self) -> bytes:
        """Serialise for the database."""
        return orjson.dumps({name: getattr(self, name) for name in _MESSAGE_FIELDS})

    @classmethod
    def from_record(cls, data: bytes) -> StoredMessage:
        """Rebuild from :meth:`record` output."""
        return cls(**orjson.loads(data))


_MESSAGE_FIELDS = tuple(StoredMessage.__dataclass_fields__)


@dataclass(slots=True)
class StoredConversation:
    """A conversation as one user (``owner``) sees it."""

    owner: str
    conv_type: int
    conv_id: str  # the peer (C2C) or the group, as the owner names it
    conv_key: str
    unread: int = 0
    active_time: int = 0
    last_seq: int = 0  # 0: no message yet
    read_seq: int = 0  # the owner has read every message up to this seq
    read_time: int = 0  # server time of the owner's last read report
    pinned: bool = False
    #: the owner's draft (``Draft`` JSON: draft_msg, draft_user_define, draft_edit_time) or None
    draft: dict[str, Any] | None = None
    marks: list[int] = field(default_factory=list)
    custom_data: str = ""
    #: messages with seq <= this were cleared from the owner's history (clear history)
    cleared_seq: int = 0
    #: the owner's conversation groups this conversation is in
    groups: list[str] = field(default_factory=list)

    def record(self) -> bytes:
        """Serialise for the database."""
        return orjson.dumps({name: getattr(self, name) for name in _CONV_FIELDS})

    @classmethod
    def from_record(cls, data: bytes) -> StoredConversation:
        """Rebuild from :meth:`record` output."""
        return cls(**orjson.loads(data))


_CONV_FIELDS = tuple(StoredConversation.__dataclass_fields__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    conv_key TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (conv_key, seq));
CREATE TABLE IF NOT EXISTS conversations (
    owner TEXT NOT NULL, conv_type INTEGER NOT NULL, conv_id TEXT NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (owner, conv_type, conv_id));
CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS inbox (
    owner TEXT NOT NULL, pos INTEGER NOT NULL, conv_key TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (owner, pos));
"""


@dataclass(slots=True)
class _Dirty:
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    convs: dict[int, StoredConversation] = field(default_factory=dict)
    deleted_convs: list[tuple[str, int, str]] = field(default_factory=list)
    #: owners whose whole inbox is rewritten
    inboxes: set[str] = field(default_factory=set)
    #: owner -> how many messages were only appended to the inbox (written incrementally)
    appended: dict[str, int] = field(default_factory=dict)
    #: key -> whole-state snapshot of another part of the cloud (people, official accounts)
    blobs: dict[str, bytes] = field(default_factory=dict)
    unique_id: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.messages
            or self.convs
            or self.deleted_convs
            or self.inboxes
            or self.appended
            or self.blobs
            or self.unique_id
        )


class Store:
    """All IM state of one app, in memory, optionally backed by a SQLite file."""

    def __init__(
        self, sdk_app_id: int, db: str | os.PathLike[str] | None = None, *, fsync: bool = False
    ) -> None:
        """Open the state of app ``sdk_app_id``; with ``db``, load it from that SQLite file.

        ``fsync``: commits survive a power loss too (``synchronous=FULL``), not only a crash of
        the process (``NORMAL``, the default; see :data:`SYNCHRONOUS`).

        Raises:
            ValueError: the database belongs to another SDKAppID.
            sqlite3.Error: the file is not a usable SQLite database.
        """
        self.sdk_app_id = sdk_app_id
        self.history: dict[str, list[StoredMessage]] = {}
        self.by_id: dict[str, StoredMessage] = {}
        self.convs: dict[str, dict[tuple[int, str], StoredConversation]] = {}
        self.inboxes: dict[str, deque[StoredMessage]] = {}
        self.next_unique_id = 1
        #: (sender, message id) -> (monotonic expiry, message) of recent online-only messages
        self._online_sent: dict[tuple[str, str], tuple[float, StoredMessage]] = {}
        #: key -> the stored snapshot of another part of the cloud (see :meth:`put_blob`)
        self.blobs: dict[str, bytes] = {}
        #: Called (once per batch) when there is something to flush; set by the server.
        self.on_dirty: Callable[[], None] | None = None
        self._dirty = _Dirty()
        self._db: sqlite3.Connection | None = None
        if db is not None:
            self._open(os.fspath(db), "FULL" if fsync else SYNCHRONOUS)

    # -- persistence -------------------------------------------------------------------------

    def _open(self, path: str, synchronous: str) -> None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={synchronous}")
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key='sdk_app_id'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta VALUES ('sdk_app_id', ?)", (str(self.sdk_app_id),))
            elif int(row[0]) != self.sdk_app_id:
                raise ValueError(
                    f"database {path!r} belongs to SDKAppID {row[0]}, not {self.sdk_app_id}"
                )
            self._load(conn)
        except BaseException:
            conn.close()
            raise
        self._db = conn

    def _load(self, conn: sqlite3.Connection) -> None:
        for (data,) in conn.execute("SELECT data FROM messages ORDER BY conv_key, seq"):
            msg = StoredMessage.from_record(data)
            self.history.setdefault(msg.conv_key, []).append(msg)
            self.by_id[msg.msg_id] = msg
        for (data,) in conn.execute("SELECT data FROM conversations"):
            conv = StoredConversation.from_record(data)
            self.convs.setdefault(conv.owner, {})[(conv.conv_type, conv.conv_id)] = conv
        for owner, conv_key, seq in conn.execute(
            "SELECT owner, conv_key, seq FROM inbox ORDER BY owner, pos"
        ):
            queued = self.message_at(conv_key, seq)
            if queued is not None:
                self.inboxes.setdefault(owner, deque()).append(queued)
        self.blobs.update(conn.execute("SELECT key, data FROM blobs"))
        row = conn.execute("SELECT value FROM meta WHERE key='next_unique_id'").fetchone()
        if row is not None:
            self.next_unique_id = int(row[0])

    def put_blob(self, key: str, data: bytes) -> None:
        """Keep ``data`` as the snapshot ``key`` (written with the next commit; no-op in
        memory, and when it equals the stored one)."""
        if self._db is None or self.blobs.get(key) == data:
            return
        self._touch()
        self.blobs[key] = data
        self._dirty.blobs[key] = data

    @property
    def persistent(self) -> bool:
        """True when the state is kept in a database."""
        return self._db is not None

    def _touch(self) -> None:
        if self._db is None:
            return
        was_clean = not self._dirty
        if was_clean and self.on_dirty is not None:
            self.on_dirty()

    def flush(self) -> None:
        """Write every pending change to the database in one transaction (no-op in memory)."""
        if self._db is None or not self._dirty:
            return
        dirty, self._dirty = self._dirty, _Dirty()
        db = self._db
        db.execute("BEGIN")
        try:
            db.executemany(
                "INSERT OR REPLACE INTO messages VALUES (?, ?, ?)",
                [(m.conv_key, m.seq, m.record()) for m in dirty.messages.values()],
            )
            # Deletions first: a conversation deleted and re-created in one batch survives.
            db.executemany(
                "DELETE FROM conversations WHERE owner = ? AND conv_type = ? AND conv_id = ?",
                dirty.deleted_convs,
            )
            db.executemany(
                "INSERT OR REPLACE INTO conversations VALUES (?, ?, ?, ?)",
                [(c.owner, c.conv_type, c.conv_id, c.record()) for c in dirty.convs.values()],
            )
            for owner in dirty.inboxes:
                db.execute("DELETE FROM inbox WHERE owner = ?", (owner,))
                db.executemany(
                    "INSERT INTO inbox VALUES (?, ?, ?, ?)",
                    [
                        (owner, pos, m.conv_key, m.seq)
                        for pos, m in enumerate(self.inboxes.get(owner, ()))
                    ],
                )
            for owner, count in dirty.appended.items():
                # Only appended since the last commit: the first rows are in the table already.
                box = self.inboxes.get(owner, ())
                start = len(box) - count
                db.executemany(
                    "INSERT INTO inbox VALUES (?, ?, ?, ?)",
                    [
                        (owner, start + i, m.conv_key, m.seq)
                        for i, m in enumerate(itertools.islice(box, start, None))
                    ],
                )
            db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", dirty.blobs.items())
            if dirty.unique_id:
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('next_unique_id', ?)",
                    (str(self.next_unique_id),),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._restore(dirty)
            raise

    def _restore(self, dirty: _Dirty) -> None:
        # A failed batch is merged back so the next flush writes it again.
        later = self._dirty
        dirty.messages.update(later.messages)
        dirty.convs.update(later.convs)
        dirty.deleted_convs.extend(later.deleted_convs)
        dirty.inboxes |= later.inboxes | dirty.appended.keys() | later.appended.keys()
        dirty.appended = {}
        dirty.blobs.update(later.blobs)
        dirty.unique_id = dirty.unique_id or later.unique_id
        self._dirty = dirty

    def close(self) -> None:
        """Flush and close the database (idempotent)."""
        if self._db is not None:
            try:
                self.flush()
            finally:
                self._db.close()
                self._db = None

    # -- messages ----------------------------------------------------------------------------

    def new_unique_id(self) -> int:
        """A fresh ``message_unique_id`` (a u64, never reused, also across restarts)."""
        value = self.next_unique_id
        self.next_unique_id += 1
        if self._db is not None:
            self._touch()
            self._dirty.unique_id = True
        # A high bit keeps the ids in the magnitude of the real cloud's (large u64 values).
        return (1 << 62) | value

    def sent_message(self, sender: str, msg_id: str) -> StoredMessage | None:
        """The message ``sender`` already sent with id ``msg_id`` (stored, or online-only within
        the last :data:`DEDUP_WINDOW_S`), or ``None``: a send with that id is a repeat."""
        msg = self.by_id.get(msg_id)
        if msg is not None and msg.sender == sender:
            return msg
        recent = self._online_sent.get((sender, msg_id)) if self._online_sent else None
        if recent is not None and recent[0] > time.monotonic():
            return recent[1]
        return None

    def remember_online(self, msg: StoredMessage) -> None:
        """Remember an online-only message (never stored) for :data:`DEDUP_WINDOW_S`."""
        now = time.monotonic()
        recent = self._online_sent
        while recent:  # oldest first: drop the expired ones
            key, (expires, _) = next(iter(recent.items()))
            if expires > now:
                break
            del recent[key]
        recent[(msg.sender, msg.msg_id)] = (now + DEDUP_WINDOW_S, msg)

    def append(self, msg: StoredMessage) -> StoredMessage:
        """Store ``msg`` at the end of its conversation, assigning its ``seq``."""
        history = self.history.get(msg.conv_key)
        if history is None:  # (not setdefault: no list made and dropped on every send)
            history = self.history[msg.conv_key] = []
        msg.seq = len(history) + 1
        history.append(msg)
        self.by_id[msg.msg_id] = msg
        self.changed(msg)
        return msg

    def changed(self, msg: StoredMessage) -> None:
        """Mark a stored message as modified (revoked, ...)."""
        if self._db is None:  # in memory: nothing to write, nothing to remember
            return
        self._touch()
        self._dirty.messages[id(msg)] = msg

    def message_at(self, conv_key: str, seq: int) -> StoredMessage | None:
        """The stored message ``seq`` of a conversation, or ``None``."""
        history = self.history.get(conv_key)
        if history is None or not 1 <= seq <= len(history):
            return None
        return history[seq - 1]

    def messages(self, conv_key: str) -> list[StoredMessage]:
        """Every stored message of a conversation, oldest first."""
        return self.history.get(conv_key, [])

    def message_count(self) -> int:
        """How many messages are stored, over all conversations."""
        return sum(len(h) for h in self.history.values())

    # -- conversations -----------------------------------------------------------------------

    def conversation(
        self, owner: str, conv_type: int, conv_id: str, conv_key: str
    ) -> tuple[StoredConversation, bool]:
        """The conversation ``conv_id`` of ``owner``, created if needed; ``(conv, created)``."""
        mine = self.convs.get(owner)
        if mine is None:
            mine = self.convs[owner] = {}
        conv = mine.get((conv_type, conv_id))
        if conv is not None:
            return conv, False
        conv = mine[(conv_type, conv_id)] = StoredConversation(owner, conv_type, conv_id, conv_key)
        self.conv_changed(conv)
        return conv, True

    def find_conversation(
        self, owner: str, conv_type: int, conv_id: str
    ) -> StoredConversation | None:
        """The existing conversation, or ``None``."""
        convs = self.convs.get(owner)
        return None if convs is None else convs.get((conv_type, conv_id))

    def conversations(self, owner: str) -> Iterable[StoredConversation]:
        """Every conversation of ``owner`` (unordered)."""
        return self.convs.get(owner, {}).values()

    def conv_changed(self, conv: StoredConversation) -> None:
        """Mark a conversation as modified."""
        if self._db is None:
            return
        self._touch()
        self._dirty.convs[id(conv)] = conv

    def deleted_conversation(self, conv: StoredConversation) -> None:
        """Record that ``conv`` was removed from its owner's list (its messages stay)."""
        if self._db is None:
            return
        self._touch()
        self._dirty.convs.pop(id(conv), None)
        self._dirty.deleted_convs.append((conv.owner, conv.conv_type, conv.conv_id))

    def total_unread(self, owner: str) -> int:
        """The sum of the unread counts of ``owner``'s conversations."""
        return sum(c.unread for c in self.convs.get(owner, {}).values())

    # -- offline inboxes ---------------------------------------------------------------------

    def inbox_push(self, owner: str, msgs: Iterable[StoredMessage], *, front: bool = False) -> None:
        """Queue messages for ``owner``'s next login (``front``: before what is queued)."""
        box = self.inboxes.get(owner)
        if box is None:  # (not setdefault: no deque made and dropped on every push)
            box = self.inboxes[owner] = deque()
        if self._db is None:
            if front:
                box.extendleft(reversed(list(msgs)))
            else:
                box.extend(msgs)
            return
        self._touch()
        dirty = self._dirty
        if front:
            box.extendleft(reversed(list(msgs)))
            dirty.inboxes.add(owner)
            dirty.appended.pop(owner, None)
        else:
            before = len(box)
            box.extend(msgs)
            if owner not in dirty.inboxes:
                dirty.appended[owner] = dirty.appended.get(owner, 0) + len(box) - before

    def inbox_take(self, owner: str) -> list[StoredMessage]:
        """Remove and return everything queued for ``owner``, oldest first."""
        box = self.inboxes.pop(owner, None)
        if not box:
            return []
        if self._db is None:
            return list(box)
        self._touch()
        self._dirty.inboxes.add(owner)
        self._dirty.appended.pop(owner, None)
        return list(box)

    def inbox_size(self, owner: str) -> int:
        """How many messages wait for ``owner``."""
        return len(self.inboxes.get(owner, ()))
