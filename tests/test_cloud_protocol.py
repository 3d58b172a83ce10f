"""The loopback wire protocol's codec (aiotim.loopback.cloud.protocol): the answer frames'
encoder against the general one, and decoding in place (frames of one read, split reads,
errors that name offsets inside the frame)."""

from __future__ import annotations

import pytest

from aiotim.loopback.cloud.protocol import (
    Field,
    FrameDecoder,
    ProtocolError,
    decode_fields,
    encode_frame,
    encode_result,
)

RESULT_FIELDS: list[list[Field | str]] = [
    [0, "", b'{"a":1}'],
    [6017, "bad \u00e9", '{"b":"\u00e9"}'],
    [],
    [None, True, False, -1, 2**63 - 1, b""],
]


@pytest.mark.parametrize("fields", RESULT_FIELDS)
@pytest.mark.parametrize(("req_id", "slot", "final"), [(1, 0, True), (2**40, 3, False)])
def test_encode_result_is_encode_frame(
    fields: list[Field | str], req_id: int, slot: int, final: bool
) -> None:
    assert encode_result(req_id, slot, final, fields) == encode_frame(
        "R", [req_id, slot, final, *fields]
    )


def test_frames_of_one_read_and_of_split_reads() -> None:
    frames = [
        ("C", [7, b"TIMMsgSendMessage", b"peer", 1, b"{}", None, True]),
        ("R", [7, 0, True, 0, b"", b"x" * 300]),
        ("E", []),
    ]
    data = b"".join(encode_frame(t, f) for t, f in frames)  # type: ignore[arg-type]
    assert list(FrameDecoder().feed(data)) == frames
    decoder = FrameDecoder()
    got: list[tuple[str, list[Field]]] = []
    for i in range(0, len(data), 7):  # every split point of the length and of the fields
        got.extend(decoder.feed(data[i : i + 7]))
    assert got == frames
    assert decoder.pending == 0
    assert decode_fields(memoryview(encode_frame(*frames[0])[4:])) == frames[0]  # type: ignore[arg-type]


def test_decode_errors_name_the_offset_inside_the_frame() -> None:
    good = encode_frame("C", [1])
    bad = b"\x00\x00\x00\x03" + b"CN?"
    with pytest.raises(ProtocolError, match="unknown field tag 0x3f at offset 2"):
        FrameDecoder().feed(good + bad)
    with pytest.raises(ProtocolError, match="unknown field tag 0x3f at offset 2"):
        decode_fields(b"CN?")
    with pytest.raises(ProtocolError, match="truncated string field"):
        FrameDecoder().feed(b"\x00\x00\x00\x06CS\x00\x00\x00\x09" + good)
    with pytest.raises(ProtocolError, match="empty frame"):
        FrameDecoder().feed(b"\x00\x00\x00\x00")
