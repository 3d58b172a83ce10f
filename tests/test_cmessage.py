"""The C decoder of message JSON (aiotim/models/_cmessage.c) against the Python one.

``messages_from_bytes(payload)`` must give exactly what ``[Message.from_json(m) for m in
orjson.loads(payload)]`` gives (every field, its type, ``raw``), or raise the same exception
type; and the C decoder must never vouch for bytes that orjson refuses. Checked on generated
message objects (right and wrong JSON types for every key the model reads, unknown keys, all
kinds of strings, escapes), on their bytes mutated at random, and on hand-picked edge cases.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import gc
import json
import pickle
import tracemalloc
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiotim.errors import PayloadError
from aiotim.models import _cmessage
from aiotim.models.message import (
    Message,
    TextElem,
    message_from_bytes,
    messages_from_bytes,
)

STR_KEYS = (
    "message_msg_id",
    "message_conv_id",
    "message_sender",
    "message_cloud_custom_str",
    "message_custom_str",
)
INT_KEYS = (
    "message_conv_type",
    "message_seq",
    "message_rand",
    "message_server_time",
    "message_client_time",
    "message_status",
    "message_priority",
    "message_custom_int",
)
BOOL_KEYS = (
    "message_is_from_self",
    "message_is_read",
    "message_need_read_receipt",
    "message_is_peer_read",
    "message_receipt_peer_read",
    "message_is_online_msg",
    "message_is_at_me",
)

texts = st.text(max_size=12) | st.sampled_from(["", "hello", 'a"b\\c\n', "你好", "😀", "\x00"])
ints = st.integers(-(2**63), 2**64 - 1) | st.sampled_from(
    [0, 1, 2, 3, 4, 6, -1, 2**64, -(2**63) - 1]
)
scalars = (
    st.none() | st.booleans() | ints | texts | st.floats(allow_nan=False, allow_infinity=False)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
text_elem = st.fixed_dictionaries(
    {"elem_type": st.just(0)},
    optional={"text_elem_content": texts | json_values, "extra": json_values},
)
other_elem = st.fixed_dictionaries(
    {"elem_type": st.sampled_from([1, 2, 3, 4, 5, -1]) | json_values},
    optional={"custom_elem_data": texts, "text_elem_content": texts},
)
elems = st.lists(text_elem, max_size=3) | st.lists(text_elem | other_elem | json_values, max_size=3)


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    """A message object: each key the model reads present or not, mostly of its JSON type."""
    msg: dict[str, Any] = {}
    for key in STR_KEYS:
        if draw(st.booleans()):
            msg[key] = draw(texts | json_values if draw(st.integers(0, 9)) == 0 else texts)
    for key in INT_KEYS:
        if draw(st.booleans()):
            good = st.integers(0, 4) if key == "message_conv_type" else ints
            msg[key] = draw(json_values if draw(st.integers(0, 9)) == 0 else good)
    if "message_conv_id" not in msg or draw(st.integers(0, 3)) > 0:
        msg["message_conv_id"] = draw(st.sampled_from(["alice", "bob", "@TGS#1", "你好"]))
        msg["message_conv_type"] = draw(st.sampled_from([1, 2]))
    for key in BOOL_KEYS:
        if draw(st.booleans()):
            msg[key] = draw(json_values if draw(st.integers(0, 9)) == 0 else st.booleans())
    if draw(st.booleans()):
        msg["message_elem_array"] = draw(elems if draw(st.integers(0, 9)) else json_values)
    if draw(st.booleans()):
        msg["message_group_at_user_array"] = draw(
            st.lists(texts, max_size=3) if draw(st.integers(0, 9)) else json_values
        )
    for key, value in draw(st.dictionaries(texts, json_values, max_size=3)).items():
        msg.setdefault(key, value)
    return msg


def encodings(value: Any) -> list[bytes]:
    """The same JSON as Python's json writes it (with \\u escapes, and spread out with raw
    UTF-8) and as orjson writes it (when it can: not for ints beyond 64 bits)."""
    out = [
        json.dumps(value, ensure_ascii=True).encode(),
        json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8", "surrogatepass"),
    ]
    with contextlib.suppress(TypeError):
        out.append(orjson.dumps(value))
    return out


def python_way(payload: bytes) -> list[Message] | type[BaseException]:
    try:
        return [Message.from_json(m) for m in orjson.loads(payload)]
    except Exception as exc:
        return type(exc)


def c_way(payload: bytes) -> list[Message] | type[BaseException]:
    try:
        return messages_from_bytes(payload)
    except Exception as exc:
        return type(exc)


def assert_same(got: list[Message] | type[BaseException], want: Any) -> None:
    if not isinstance(want, list):
        assert got is want
        return
    assert isinstance(got, list), got
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert type(a) is type(b) is Message
        for f in dataclasses.fields(Message):
            x, y = getattr(a, f.name), getattr(b, f.name)
            assert x == y, (f.name, x, y)
            assert type(x) is type(y), (f.name, type(x), type(y))
            if isinstance(x, tuple):
                assert [type(i) for i in x] == [type(i) for i in y]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(messages(), max_size=4))
def test_generated_messages_decode_as_from_json(msgs: list[dict[str, Any]]) -> None:
    """Every field (value and type) and raw equal to the Python decoder's, in all encodings."""
    for payload in encodings(msgs):
        assert_same(c_way(payload), python_way(payload))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(messages(), min_size=1, max_size=2), st.data())
def test_mutated_bytes_never_vouched_when_orjson_refuses(
    msgs: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Random byte edits: when orjson refuses the payload the C decoder returns None (the
    caller's checked path names the problem); when orjson takes it, the results agree."""
    payload = bytearray(data.draw(st.sampled_from(encodings(msgs))))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(payload)))
        op = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        byte = data.draw(st.sampled_from(list(b'"\\{}[],: 0-e.tfnu\x00\x1f\x80\xc3\xed\xff')))
        if op == "flip" and at < len(payload):
            payload[at] = byte
        elif op == "insert":
            payload[at:at] = bytes([byte])
        elif op == "delete":
            del payload[at : at + 1]
        else:
            del payload[at:]
    raw = bytes(payload)
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError:
        assert _cmessage.decode(raw) is None
        return
    assert_same(c_way(raw), python_way(raw))


EDGES = [
    b"[]",
    b" [ ] ",
    b"[{}]",
    b'[{"message_conv_id":"a"}]',
    b'[{"message_conv_id":"a","message_conv_id":"b","message_seq":1,"message_seq":2}]',
    b'[{"message_conv_id":"a","message\\u005fseq":7}]',  # an escaped known key
    b'[{"message_conv_id":"a","x":"\\ud83d\\ude00"}]',  # a pair
    b'[{"message_conv_id":"a","x":"\\ud800"}]',  # a lone high surrogate
    b'[{"message_conv_id":"a","x":"\\udc00"}]',  # a lone low surrogate
    b'[{"message_conv_id":"a","x":"\xed\xa0\x80"}]',  # a UTF-8 surrogate
    b'[{"message_conv_id":"a","x":"\xc0\xaf"}]',  # overlong
    b'[{"message_conv_id":"a","x":"\xf4\x90\x80\x80"}]',  # beyond U+10FFFF
    b'[{"message_conv_id":"a","x":"a\x01"}]',  # a control character
    b'[{"message_conv_id":"a","x":"a\x1f"}]',  # the last control character
    b'[{"message_conv_id":"a","x":"a\x7f "}]',  # DEL is not one
    b'[{"message_conv_id":"a\x1fb"}]',
    b'[{"message_conv_id":"abcdefghijklmnop\x1fq"}]',  # past the first eight bytes
    b'[{"message_conv_id":"a","x":1e400}]',
    b'[{"message_conv_id":"a","x":1.5e3}]',
    b'[{"message_conv_id":"a","x":01}]',
    b'[{"message_conv_id":"a","x":-}]',
    b'[{"message_conv_id":"a","x":1.}]',
    b'[{"message_conv_id":"a","message_seq":18446744073709551615}]',
    b'[{"message_conv_id":"a","message_seq":18446744073709551616}]',
    b'[{"message_conv_id":"a","message_seq":-9223372036854775808}]',
    b'[{"message_conv_id":"a","message_seq":-9223372036854775809}]',
    b'[{"message_conv_id":"a","message_seq":-0}]',
    b'[{"message_conv_id":"a","message_seq":1.0}]',
    b'[{"message_conv_id":"a","message_seq":true}]',
    b'[{"message_conv_id":"a","message_seq":null}]',
    b'[{"message_conv_id":"a","message_is_read":1}]',
    b'[{"message_conv_id":"a","message_elem_array":[{"elem_type":0}]}]',
    b'[{"message_conv_id":"a","message_elem_array":[{"elem_type":-0,"text_elem_content":"x"}]}]',
    b'[{"message_conv_id":"a","message_elem_array":[{"text_elem_content":"x"}]}]',
    b'[{"message_conv_id":"a","message_elem_array":[{"elem_type":0,"text_elem_content":1}]}]',
    b'[{"message_conv_id":"a","message_elem_array":[{"elem_type":3,"custom_elem_data":"d"}]}]',
    b'[{"message_conv_id":"a","message_elem_array":[1]}]',
    b'[{"message_conv_id":"a","message_elem_array":{}}]',
    b'[{"message_conv_id":"a","message_group_at_user_array":["x",1]}]',
    b'[{"message_conv_id":"","message_conv_type":1}]',  # no conversation: refused
    b'[{"message_conv_id":"a","message_conv_type":99}]',
    b'[{"message_conv_id":"a","message_conv_type":3}]',
    b'[{"message_conv_id":"a","message_status":77,"message_priority":9}]',
    b'[{"message_conv_id":"a"},]',
    b'[{"message_conv_id":"a"}] x',
    b'[{"message_conv_id":"a"}]\x00',
    b'\xef\xbb\xbf[{"message_conv_id":"a"}]',
    b'[{"message_conv_id":"a"} {"message_conv_id":"b"}]',
    b'[{"message_conv_id":"a",}]',
    b'[{"message_conv_id" "a"}]',
    b"[1]",
    b'["x"]',
    b'{"message_conv_id":"a"}',
    b"",
    b"[",
    b'[{"message_conv_id":"a","x":' + b"[" * 70 + b"]" * 70 + b"}]",  # deep: orjson decides
    b'[{"message_conv_id":"a","x":' + b"[" * 2000 + b"]" * 2000 + b"}]",
]


@pytest.mark.parametrize("payload", EDGES)
def test_edge_cases(payload: bytes) -> None:
    """Hand-picked JSON: the same result or exception as the Python decoder, and None from the C
    decoder for anything orjson refuses."""
    try:
        orjson.loads(payload)
    except orjson.JSONDecodeError:
        assert _cmessage.decode(payload) is None
    assert_same(c_way(payload), python_way(payload))


def test_fast_path_taken_for_text_messages() -> None:
    """Text messages as the SDK sends them are built in C (none left to Python)."""
    from benchmarks.common import cloud_message

    payload = orjson.dumps([cloud_message(i) for i in range(50)])
    got = _cmessage.decode(payload)
    assert got is not None
    items, slow = got
    assert slow == 0 and len(items) == 50
    assert all(type(m) is Message and type(m.elems[0]) is TextElem for m in items)
    assert [m.seq for m in items] == list(range(42, 92))


def test_raw_is_decoded_on_first_use_and_kept() -> None:
    """raw is the message's own JSON object (not the whole payload), decoded once."""
    objs = [{"message_conv_id": "a", "message_seq": i, "k": [i]} for i in range(3)]
    msgs = messages_from_bytes(orjson.dumps(objs))
    for m, o in zip(msgs, objs, strict=True):
        first = m.raw
        assert first == o
        assert m.raw is first


def test_message_from_bytes_single_object() -> None:
    payload = orjson.dumps({"message_conv_id": "a", "message_sender": "b", "message_seq": 3})
    m = message_from_bytes(payload)
    assert (m.conv.id, m.sender, m.seq, m.raw["message_seq"]) == ("a", "b", 3, 3)
    assert _cmessage.decode_one(payload + b" x") is None
    odd = b'{"message_conv_id":"a","message_seq":1.5}'  # left to from_json, which refuses it
    assert isinstance(_cmessage.decode_one(odd), bytes)
    with pytest.raises(PayloadError, match="message_seq"):
        message_from_bytes(odd)


def test_c_built_messages_copy_pickle_replace_and_compare() -> None:
    """A message built in C behaves as any Message: equality, hash, copy, pickle, replace."""
    payload = orjson.dumps([{"message_conv_id": "a", "message_seq": 5, "message_rand": 9}])
    (m,) = messages_from_bytes(payload)
    (p,) = [Message.from_json(o) for o in orjson.loads(payload)]
    assert m == p and hash(m) == hash(p)
    assert pickle.loads(pickle.dumps(m)) == m
    assert copy.copy(m) == m and copy.deepcopy(m).raw == m.raw
    r = dataclasses.replace(m, seq=6)
    assert r.seq == 6 and r.raw == m.raw
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.seq = 1  # type: ignore[misc]


def test_c_built_messages_are_freed() -> None:
    """No reference leaks: decoding 50,000 messages (and reading their raw) leaves the traced
    heap where it was (a leaked message would be ~2 KB each: 100 MB)."""
    from benchmarks.common import cloud_message

    payload = orjson.dumps([cloud_message(i) for i in range(100)])
    slow = orjson.dumps([{"message_conv_id": "a", "message_elem_array": [{"elem_type": 3}]}] * 100)
    for _ in range(50):
        messages_from_bytes(payload)
        messages_from_bytes(slow)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(250):
            for m in messages_from_bytes(payload) + messages_from_bytes(slow):
                _ = m.raw
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 200_000, grown


def test_gc_untracked_until_raw_becomes_a_dict() -> None:
    """Messages built in C are left out of the cyclic GC (immutable values only) and put back
    in once their raw is a dict: a cycle through raw is still collected."""
    import weakref

    (m,) = messages_from_bytes(orjson.dumps([{"message_conv_id": "a", "message_seq": 1}]))
    assert not gc.is_tracked(m) and not gc.is_tracked(m.elems)
    raw = m.raw
    assert gc.is_tracked(m)

    class Canary:
        pass

    canary = Canary()
    probe = weakref.ref(canary)
    raw["canary"] = canary
    raw["cycle"] = m  # m -> raw -> m
    del m, raw, canary
    gc.collect()
    assert probe() is None


def test_run_of_callbacks_decoded_at_once_like_one_by_one() -> None:
    """The hub's batch decoder (one C call per run of callbacks) gives what decoding each
    payload gives, with fast, slow and refused messages mixed; a malformed payload in the run
    makes it raise (the hub then goes payload by payload and names it)."""
    from aiotim.events.messages import _new_messages, _new_messages_batch

    payloads = [orjson.dumps([{"message_conv_id": "a", "message_seq": i}]) for i in range(3)] + [
        orjson.dumps([{"message_conv_id": "b", "message_elem_array": [{"elem_type": 3}]}]),
        b"[]",
        orjson.dumps([{"message_conv_id": "c", "message_seq": 9}] * 2),
    ]
    batch = [(p,) for p in payloads]
    one_by_one = [m for args in batch for m in _new_messages(args)]
    assert_same(_new_messages_batch(batch), one_by_one)
    assert [m.conv.id for m in one_by_one] == ["a", "a", "a", "b", "c", "c"]
    with pytest.raises(orjson.JSONDecodeError):
        _new_messages_batch([*batch, (b"[{",)])


def test_mark_at_me_as_the_rule_says() -> None:
    """mark_at_me (a C loop) sets is_at_me exactly on the messages that mention the user by
    name or by either @all spelling and were not sent by the user, built in C or in Python;
    other items are left alone."""
    from aiotim.models.message import AT_ALL, AT_ALL_V2, mark_at_me

    cases = [
        ([], False, False),
        (["bob"], False, True),
        (["bob"], True, False),  # one's own message
        (["carol"], False, False),
        (["carol", AT_ALL], False, True),
        ([AT_ALL_V2], False, True),
        ([AT_ALL], True, False),
        (["bo"], False, False),
    ]
    objs = [
        {
            "message_conv_id": "g",
            "message_conv_type": 2,
            "message_group_at_user_array": at,
            "message_is_from_self": own,
        }
        for at, own, _ in cases
    ]
    for build in (
        lambda: messages_from_bytes(orjson.dumps(objs)),
        lambda: [Message.from_json(o) for o in objs],
    ):
        msgs: list[Any] = build()
        assert not any(m.is_at_me for m in msgs)
        mark_at_me([*msgs, "not a message", None], "bob")
        assert [m.is_at_me for m in msgs] == [want for _, _, want in cases]
        mark_at_me(msgs, None)  # no user logged in: nothing to do


@pytest.mark.anyio
async def test_through_the_pump_decoded_from_the_relay_record() -> None:
    """New-message callbacks through the real pump (loopback SDK -> relay -> records.c): the
    array is decoded in C straight from the relay's record (the callback's argument arrives as
    the decoder's (list, slow)), a message left to Python (a custom element) still comes
    through, one without its conversation is dropped and counted, a malformed payload arrives
    as bytes and is counted; the rest flows in order."""
    import anyio

    from tests.helpers import cloud_and_clients, next_item

    def text_msg(i: int) -> dict[str, Any]:
        return {
            "message_msg_id": f"m-{i}",
            "message_conv_id": "alice",
            "message_conv_type": 1,
            "message_sender": "alice",
            "message_seq": i,
            "message_elem_array": [{"elem_type": 0, "text_elem_content": f"t{i}"}],
        }

    custom = {**text_msg(3), "message_elem_array": [{"elem_type": 3, "custom_elem_data": "d"}]}
    no_conv = {**text_msg(4), "message_conv_id": ""}
    async with cloud_and_clients("bob") as (cloud, (bob,)):
        arg_types: list[str] = []
        bob._hub.tap(
            "TIMAddRecvNewMsgCallback", lambda args: arg_types.append(type(args[0]).__name__)
        )
        inbox = bob.new_messages()
        await cloud.emit(
            "bob", "TIMAddRecvNewMsgCallback", orjson.dumps([text_msg(1), text_msg(2)])
        )
        await cloud.emit("bob", "TIMAddRecvNewMsgCallback", orjson.dumps([custom, no_conv]))
        await cloud.emit("bob", "TIMAddRecvNewMsgCallback", b"[{not json")
        await cloud.emit("bob", "TIMAddRecvNewMsgCallback", orjson.dumps([text_msg(5)]))
        got = [await next_item(inbox) for _ in range(4)]
        with anyio.fail_after(5):
            while len(arg_types) < 4:
                await anyio.sleep(0.01)
    assert [m.seq for m in got] == [1, 2, 3, 5]  # type: ignore[attr-defined]
    assert [m.text for m in got] == ["t1", "t2", None, "t5"]  # type: ignore[attr-defined]
    assert arg_types == ["tuple", "tuple", "bytes", "tuple"]
    assert bob.stats()["payload_errors"]["TIMAddRecvNewMsgCallback"] == 2
