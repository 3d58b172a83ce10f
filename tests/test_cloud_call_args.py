"""A call frame's arguments checked against the function's parameters (the loopback cloud's
handlers._call.check_args): their number and their field types, the same answer however many
calls with the same field types came before."""

from __future__ import annotations

import enum

from aiotim._abi import FUNCTIONS
from aiotim.loopback.cloud.protocol import Field
from aiotim.loopback.handlers._call import check_args

SEND = FUNCTIONS["TIMMsgSendMessage"]  # conv_id (str), conv_type (int), json (str), id (out)
DELETE = FUNCTIONS["TIMConvDeleteConversationList"]  # conv list (str), clear messages (bool)
WRONG = "TIMMsgSendMessage: parameter {} has the wrong field type"


class Kind(enum.IntEnum):
    C2C = 1


class Text(bytes):
    pass


def test_fitting_fields() -> None:
    good: list[list[Field]] = [
        [b"bob", 1, b"{}", None],
        [None, 1, b"{}", b""],
        [b"bob", Kind.C2C, Text(b"{}"), None],  # subclasses of int and bytes fit too
    ]
    for _ in range(2):  # and again, once their field types are known
        for args in good:
            assert check_args(SEND, args) is None
    assert check_args(DELETE, [b"[]", True]) is None


def test_fields_that_do_not_fit() -> None:
    assert check_args(SEND, [b"bob", 1, b"{}", None]) is None  # known to fit, before the others
    bad: list[tuple[list[Field], str]] = [
        ([b"bob", 1, b"{}"], "TIMMsgSendMessage takes 4 parameters, the frame has 3"),
        ([b"bob", 1, b"{}", None, None], "TIMMsgSendMessage takes 4 parameters, the frame has 5"),
        ([b"bob", True, b"{}", None], WRONG.format("conv_type")),  # a bool is not an int field
        ([b"bob", None, b"{}", None], WRONG.format("conv_type")),
        ([1, 1, b"{}", None], WRONG.format("conv_id")),
        ([b"bob", 1, b"{}", False], WRONG.format("message_id_buffer")),
    ]
    for _ in range(2):
        for args, problem in bad:
            assert check_args(SEND, args) == problem
    assert check_args(DELETE, [b"[]", 1]) == (
        "TIMConvDeleteConversationList: parameter "
        f"{[p.name for p in DELETE.params][1]} has the wrong field type"
    )
