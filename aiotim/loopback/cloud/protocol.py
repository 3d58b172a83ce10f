"""Frames of the loopback wire protocol (see ``aiotim/loopback/sdk/PROTOCOL.md``).

A frame is ``u32 length | u8 type | fields``; a field is ``N`` (NULL), ``S`` + u32 length +
bytes, ``I`` + i64, or ``B`` + u8. Strings travel as ``bytes`` so that tests can send any bytes
(invalid UTF-8 included); ``str`` values are encoded as UTF-8 when written.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

__all__ = [
    "MAX_FRAME",
    "PROTOCOL_NAME",
    "Field",
    "FrameDecoder",
    "ProtocolError",
    "decode_fields",
    "encode_frame",
    "encode_result",
]

PROTOCOL_NAME = "aiotim-loopback/1"
MAX_FRAME = 64 * 1024 * 1024

#: A decoded field: ``None`` (N), ``bytes`` (S), ``int`` (I) or ``bool`` (B).
Field = bytes | int | bool | None

_U32 = struct.Struct(">I")
_I64 = struct.Struct(">q")


class ProtocolError(ValueError):
    """Raised when a frame is malformed or too large."""


_u32 = _U32.unpack_from
_i64 = _I64.unpack_from
_STR_HEAD = struct.Struct(">cI").pack  # b"S" + u32 length
_INT_FIELD = struct.Struct(">cq").pack  # b"I" + i64


def encode_frame(ftype: str, fields: Iterable[Field | str]) -> bytes:
    """Encode one frame of type ``ftype`` (one ASCII letter) with ``fields``."""
    parts = [b"", ftype.encode("ascii")]
    size = 1 + _put_fields(parts, fields)
    if size > MAX_FRAME:
        raise _too_large(size)
    parts[0] = _U32.pack(size)
    return b"".join(parts)


#: the head of an ``R`` frame: length, type, then the request id, the callback slot and
#: whether it is the request's last callback (an ``I``, an ``I`` and a ``B`` field)
_RESULT_HEAD = struct.Struct(">Icc" + "qc" + "qc?").pack
_RESULT_HEAD_SIZE = 1 + 9 + 9 + 2


def encode_result(req_id: int, slot: int, final: bool, fields: Iterable[Field | str]) -> bytes:
    """``encode_frame("R", [req_id, slot, final, *fields])``, the frame of every answer: its
    head in one piece."""
    parts = [b""]
    size = _RESULT_HEAD_SIZE + _put_fields(parts, fields)
    if size > MAX_FRAME:
        raise _too_large(size)
    parts[0] = _RESULT_HEAD(size, b"R", b"I", req_id, b"I", slot, b"B", final)
    return b"".join(parts)


def _too_large(size: int) -> ProtocolError:
    return ProtocolError(f"frame of {size} bytes exceeds the {MAX_FRAME}-byte limit")


def _put_fields(parts: list[bytes], fields: Iterable[Field | str]) -> int:
    """Append the encoded ``fields`` to ``parts``; return how many bytes they are."""
    append = parts.append
    size = 0
    for value in fields:
        kind = value.__class__
        if kind is bytes:
            n = len(value)  # type: ignore[arg-type]
            append(_STR_HEAD(b"S", n))
            append(value)  # type: ignore[arg-type]
            size += 5 + n
        elif kind is int:
            append(_INT_FIELD(b"I", value))
            size += 9
        elif kind is str:
            data = value.encode("utf-8")  # type: ignore[union-attr]
            n = len(data)
            append(_STR_HEAD(b"S", n))
            append(data)
            size += 5 + n
        elif value is None:
            append(b"N")
            size += 1
        elif isinstance(value, bool):  # before int: bool is an int
            append(b"B\x01" if value else b"B\x00")
            size += 2
        elif isinstance(value, int):  # an int subclass (an IntEnum)
            append(_INT_FIELD(b"I", int(value)))
            size += 9
        else:
            data = bytes(value)  # type: ignore[arg-type]
            n = len(data)
            append(_STR_HEAD(b"S", n))
            append(data)
            size += 5 + n
    return size


def decode_fields(body: bytes | memoryview) -> tuple[str, list[Field]]:
    """Decode a frame body (without its length prefix) into ``(type, fields)``."""
    data = body if body.__class__ is bytes else bytes(body)
    return _decode(data, 0, len(data))


def _decode(data: bytes, start: int, end: int) -> tuple[str, list[Field]]:
    """Decode the frame body ``data[start:end]`` in place: no copy of the body, and each
    string field is one slice of ``data`` (the hot path: every request goes through it)."""
    if start >= end:
        raise ProtocolError("empty frame")
    ftype = chr(data[start])
    fields: list[Field] = []
    append = fields.append
    pos = start + 1
    while pos < end:
        tag = data[pos]
        pos += 1
        if tag == 0x53:  # S
            if pos + 4 > end:
                raise ProtocolError("truncated string length")
            n = _u32(data, pos)[0]
            pos += 4
            if pos + n > end:
                raise ProtocolError("truncated string field")
            append(data[pos : pos + n])
            pos += n
        elif tag == 0x49:  # I
            if pos + 8 > end:
                raise ProtocolError("truncated integer field")
            append(_i64(data, pos)[0])
            pos += 8
        elif tag == 0x4E:  # N
            append(None)
        elif tag == 0x42:  # B
            if pos + 1 > end:
                raise ProtocolError("truncated bool field")
            append(data[pos] != 0)
            pos += 1
        else:
            raise ProtocolError(f"unknown field tag {tag:#04x} at offset {pos - 1 - start}")
    return ftype, fields


class FrameDecoder:
    """Incremental decoder: ``feed(bytes)`` returns the complete frames received so far."""

    def __init__(self) -> None:
        self._buf = bytearray()
        #: the largest frame accepted (a connection lowers it before login)
        self.max_frame = MAX_FRAME

    @property
    def pending(self) -> int:
        """Bytes received and not yet part of a complete frame."""
        return len(self._buf)

    def feed(self, data: bytes) -> Sequence[tuple[str, list[Field]]]:
        """Add received bytes; return every frame they complete, in order."""
        max_frame = self.max_frame
        pending = self._buf
        if pending:
            pending += data
            if len(pending) < 4:
                return []
            n = int.from_bytes(pending[:4], "big")
            if n > max_frame:
                raise ProtocolError(f"frame of {n} bytes exceeds the {max_frame}-byte limit")
            if len(pending) - 4 < n:
                return []  # the frame is still incomplete: no copy until it is whole
            buf = bytes(pending)
        else:
            # The common case: nothing pending, no copy (the frames are decoded in place).
            buf = data if data.__class__ is bytes else bytes(data)
        frames: list[tuple[str, list[Field]]] = []
        pos, end = 0, len(buf)
        while end - pos >= 4:
            n = _u32(buf, pos)[0]
            if n > max_frame:
                self._buf = bytearray(buf[pos:])
                raise ProtocolError(f"frame of {n} bytes exceeds the {max_frame}-byte limit")
            if end - pos - 4 < n:
                break
            pos += 4
            frames.append(_decode(buf, pos, pos + n))
            pos += n
        self._buf = bytearray(buf[pos:]) if pos < end else bytearray()
        return frames
