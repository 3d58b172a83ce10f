"""The loopback cloud's file store: media uploaded by senders, served to downloaders.

The loopback SDK uploads the files of a send's media elements in ``U`` frames before the send's
``C`` frame (``aiotim/loopback/sdk/PROTOCOL.md``, "Media"); :func:`on_upload` collects them per
connection and request, and the send's handler takes them (:func:`take_uploads`) and keeps each
file (:meth:`MediaState.put`) under a fresh id, which receivers see with a URL instead of the
sender's path. ``TIMMsgDownloadElemToPath`` streams a stored file back in ``F`` frames
(:func:`send_file`).

Kept beside the :class:`~aiotim.loopback.cloud.app.App` (:func:`state_of`): in memory, and with
the cloud's ``db=`` also as one file per id in the directory ``<db>.media`` beside the
database, so stored files survive a restart like the messages that name them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import struct
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.connection import Connection
from aiotim.loopback.cloud.protocol import Field

__all__ = [
    "CHUNK",
    "NOT_AN_IMAGE",
    "MediaState",
    "Upload",
    "chunk_ends",
    "file_url",
    "image_size",
    "on_upload",
    "send_file",
    "state_of",
    "take_uploads",
]

log = logging.getLogger("aiotim.loopback")

#: Bytes per ``F`` frame of a download: every frame stays small whatever the file's size.
CHUNK = 256 * 1024
#: The URL scheme of stored files. Nothing fetches it over a network: it names a file of this
#: cloud, downloaded through TIMMsgDownloadElemToPath on the SDK's own connection.
#: GUESS: the real service gives https COS URLs (messages.md §1 "Real id/url shapes").
URL_PREFIX = "loopback://files/"


#: ``image_elem_format`` of bytes that are no image format the SDK knows (0xff)
NOT_AN_IMAGE = 0xFF


def file_url(file_id: str) -> str:
    """The URL receivers see for the stored file ``file_id``."""
    return URL_PREFIX + file_id


@dataclass(slots=True)
class Upload:
    """One file of a send, as its ``U`` frames arrived."""

    index: int
    key: str
    total: int = 0
    #: errno of the SDK's failure to read the file (``U`` with a negative total), else 0
    error: int = 0
    data: bytearray = field(default_factory=bytearray)

    @property
    def complete(self) -> bool:
        """Whether every byte arrived."""
        return self.error == 0 and len(self.data) == self.total


class MediaState:
    """The stored files of one app, and the uploads still waiting for their send."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.files: dict[str, bytes] = {}
        #: per connection: request id -> (element index, path key) -> upload
        self.pending: weakref.WeakKeyDictionary[
            Connection, dict[int, dict[tuple[int, str], Upload]]
        ] = weakref.WeakKeyDictionary()

    def put(self, data: bytes, *, sdk_app_id: int, sender: str, ext: str) -> str:
        """Keep ``data``; returns its id, ``<SDKAppID>_<sender>_<sha256[:32]>[.<ext>]`` (the
        real ids' shape, messages.md §1; the same bytes from the same sender share an id)."""
        digest = hashlib.sha256(data).hexdigest()[:32]
        safe_sender = "".join(c if c.isalnum() or c in "-_@#" else "_" for c in sender)
        file_id = f"{sdk_app_id}_{safe_sender}_{digest}" + (f".{ext}" if ext else "")
        if file_id not in self.files:
            self.files[file_id] = bytes(data)
            if self.directory is not None:
                self.directory.mkdir(parents=True, exist_ok=True)
                tmp = self.directory / f".{file_id}.tmp"
                tmp.write_bytes(data)
                os.replace(tmp, self.directory / file_id)
        return file_id

    def get(self, file_id: str) -> bytes | None:
        """The bytes of ``file_id`` (an id or its URL), or ``None`` when there is no such file."""
        if file_id.startswith(URL_PREFIX):
            file_id = file_id[len(URL_PREFIX) :]
        found = self.files.get(file_id)
        if found is None and self.directory is not None and _plain_name(file_id):
            path = self.directory / file_id
            if path.is_file():
                found = self.files[file_id] = path.read_bytes()
        return found


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\0" not in name and not name.startswith(".")


_STATES: weakref.WeakKeyDictionary[App, MediaState] = weakref.WeakKeyDictionary()


def _db_directory(app: App) -> Path | None:
    db = getattr(app.store, "_db", None)
    if not isinstance(db, sqlite3.Connection):
        return None
    for _, name, path in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:
            return Path(path + ".media")
    return None


def state_of(app: App) -> MediaState:
    """The file store of ``app`` (created empty on first use)."""
    state = _STATES.get(app)
    if state is None:
        state = _STATES[app] = MediaState(_db_directory(app))
    return state


def _is_int(value: Field) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def on_upload(app: App, conn: Connection, fields: list[Field]) -> None:
    """A ``U`` frame: ``I req_id, I index, S key, I offset, I total, S bytes``.

    Chunks arrive in order (one connection, one writer); a malformed frame closes the
    connection, as every malformed frame does.
    """
    if len(fields) != 6:
        fields = [None] * 6
    req_id, index, key, offset, total, data = fields
    if not (
        _is_int(req_id)
        and _is_int(index)
        and _is_int(offset)
        and _is_int(total)
        and isinstance(key, bytes)
        and isinstance(data, bytes)
    ):
        log.warning("closing a loopback connection: malformed upload frame")
        conn.close()
        return
    uploads = state_of(app).pending.setdefault(conn, {}).setdefault(req_id, {})
    name = key.decode("utf-8", "replace")
    up = uploads.get((index, name))
    if up is None:
        up = uploads[(index, name)] = Upload(index, name)
    if total < 0:
        up.error = -total
        return
    up.total = total
    if offset != len(up.data):
        up.error = up.error or 5  # EIO: a chunk went missing
        return
    up.data += data


def take_uploads(app: App, conn: Connection, req_id: int) -> dict[tuple[int, str], Upload]:
    """The files uploaded for request ``req_id`` of ``conn`` (removed from the pending ones)."""
    pending = state_of(app).pending.get(conn)
    if not pending:
        return {}
    return pending.pop(req_id, {})


def send_file(conn: Connection, req_id: int, data: bytes, progress: list[bytes]) -> None:
    """Stream ``data`` to request ``req_id``: one ``F`` frame per chunk (``I req_id, I offset,
    I total, S bytes``; one empty frame for an empty file), each followed by the non-final
    result ``progress[i]`` (the request's own callback with desc ``"downloading"``)."""
    total = len(data)
    offsets = range(0, total, CHUNK) if total else range(1)
    for i, offset in enumerate(offsets):
        conn.send("F", [req_id, offset, total, data[offset : offset + CHUNK]])
        if i < len(progress):
            conn.result(req_id, [0, "downloading", progress[i]], final=False)


def chunk_ends(total: int) -> list[int]:
    """The byte count downloaded after each ``F`` frame of a file of ``total`` bytes."""
    return [min(o + CHUNK, total) for o in range(0, total, CHUNK)] or [0]


def image_size(data: bytes) -> tuple[int, int, int]:
    """``(width, height, image_elem_format)`` of an image's bytes (PNG, JPEG, GIF, BMP), or
    ``(0, 0, NOT_AN_IMAGE)`` when they are none of those. Formats: TIMMessageManager.h (1 JPG,
    2 GIF, 3 PNG, 4 BMP, 0xff unknown)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return w, h, 3
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return w, h, 2
    if data[:2] == b"BM" and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return abs(w), abs(h), 4
    if data[:2] == b"\xff\xd8":
        pos = 2
        while pos + 9 < len(data):
            if data[pos] != 0xFF:
                pos += 1
                continue
            marker = data[pos + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                pos += 2
                continue
            (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[pos + 5 : pos + 9])
                return w, h, 1
            pos += 2 + length
        return 0, 0, 1
    return 0, 0, NOT_AN_IMAGE
