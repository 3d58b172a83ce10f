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
]

PROTOCOL_NAME = "aiotim-loopback/1"
MAX_FRAME = 64 * 1024 * 1024

#: A decoded field: ``None`` (N), ``bytes`` (S), ``int`` (I) or ``bool`` (B).
Field = bytes | int | bool | None

_U32 = struct.Struct(">I")
_I64 = struct.Struct(">q")


class ProtocolError(ValueError):
    """Raised when a frame is malformed or too large."""


def encode_frame(ftype: str, fields: Iterable[Field | str]) -> bytes:
    """Encode one frame of type ``ftype`` (one ASCII letter) with ``fields``."""
    parts = [ftype.encode("ascii")]
    for value in fields:
        if value is None:
            parts.append(b"N")
        elif isinstance(value, bool):  # before int: bool is an int
            parts.append(b"B\x01" if value else b"B\x00")
        elif isinstance(value, int):
            parts.append(b"I" + _I64.pack(value))
        else:
            data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
            parts.append(b"S" + _U32.pack(len(data)) + data)
    body = b"".join(parts)
    if len(body) > MAX_FRAME:
        raise ProtocolError(f"frame of {len(body)} bytes exceeds the {MAX_FRAME}-byte limit")
    return _U32.pack(len(body)) + body


def decode_fields(body: bytes | memoryview) -> tuple[str, list[Field]]:
    """Decode a frame body (without its length prefix) into ``(type, fields)``."""
    view = memoryview(body)
    if not view:
        raise ProtocolError("empty frame")
    ftype = chr(view[0])
    fields: list[Field] = []
    pos, end = 1, len(view)
    while pos < end:
        tag = view[pos]
        pos += 1
        if tag == 0x4E:  # N
            fields.append(None)
        elif tag == 0x42:  # B
            if pos + 1 > end:
                raise ProtocolError("truncated bool field")
            fields.append(view[pos] != 0)
            pos += 1
        elif tag == 0x49:  # I
            if pos + 8 > end:
                raise ProtocolError("truncated integer field")
            fields.append(_I64.unpack_from(view, pos)[0])
            pos += 8
        elif tag == 0x53:  # S
            if pos + 4 > end:
                raise ProtocolError("truncated string length")
            (n,) = _U32.unpack_from(view, pos)
            pos += 4
            if pos + n > end:
                raise ProtocolError("truncated string field")
            fields.append(bytes(view[pos : pos + n]))
            pos += n
        else:
            raise ProtocolError(f"unknown field tag {tag:#04x} at offset {pos - 1}")
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
        self._buf += data
        frames: list[tuple[str, list[Field]]] = []
        pos = 0
        with memoryview(self._buf) as view:
            while len(view) - pos >= 4:
                (n,) = _U32.unpack_from(view, pos)
                if n > self.max_frame:
                    raise ProtocolError(
                        f"frame of {n} bytes exceeds the {self.max_frame}-byte limit"
                    )
                if len(view) - pos - 4 < n:
                    break
                with view[pos + 4 : pos + 4 + n] as body:
                    frames.append(decode_fields(body))
                pos += 4 + n
        del self._buf[:pos]
        return frames
