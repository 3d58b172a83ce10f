"""``call_raw``: any function of the ABI by name, with the multi-shot callbacks handled.

Most functions call their ``TIMCommCallback`` once. Three do not:

- ``TIMMsgDownloadElemToPath`` calls it repeatedly: progress calls carry ``desc ==
  "downloading"``; the last call is the result.
- ``TIMMsgSendNewMsgEx`` has two callbacks: ``msgid_cb`` (interim) then ``res_cb`` (final).
- ``TIMMsgGetGroupMessageReadMemberList`` completes through its own typedef
  ``(json_group_member_array, next_seq, is_finished)``, which has no error code.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import orjson

from aiotim._backends import Slot, slot_factory
from aiotim._native._ffi import ffi
from aiotim._native.bridge import OUT_BUFFER_SIZE, Bridge, function_info
from aiotim._native.convert import OutStart, arity_error, bad_int, c_bool, c_str, int_error
from aiotim._native.pending import FinalCheck
from aiotim.errors import (
    ClientClosed,
    error_from_code,
    error_from_result,
    remember_secret,
    scrub_exception,
)

__all__ = ["call_bytes", "call_raw"]

Interim = Callable[[Any], None]


def _decode(json_bytes: bytes | None) -> Any:
    if not json_bytes:
        return None
    try:
        return orjson.loads(json_bytes)
    except orjson.JSONDecodeError:
        return json_bytes.decode("utf-8", "replace")


def _comm_bytes(function: str, args: tuple[Any, ...]) -> bytes:
    code, desc, json_bytes = args
    if code != 0:
        raise error_from_code(code, (desc or b"").decode("utf-8", "replace"), function=function)
    return json_bytes or b""


def _comm_value(function: str, args: tuple[Any, ...]) -> Any:
    return _decode(_comm_bytes(function, args))


def _download_final(slot: int, args: tuple[Any, ...]) -> bool:
    return bool(args[0] != 0 or args[1] != b"downloading")


def _second_callback_final(slot: int, args: tuple[Any, ...]) -> bool:
    return slot == 1 or args[0] != 0  # a failing msgid_cb ends the call too


_FINAL: dict[str, FinalCheck] = {
    "TIMMsgDownloadElemToPath": _download_final,
    "TIMMsgSendNewMsgEx": _second_callback_final,
}


# function name -> (has a callback, completes through the read-member-list typedef, final check)
_FACTS: dict[str, tuple[bool, bool, FinalCheck | None]] = {}


def _out_starter(bridge: Bridge, function: str) -> OutStart | None:
    """The fast starter of a function with one ``TIMCommCallback`` (single-shot) and exactly
    one ``char*`` output buffer (``TIMMsgSendMessage``, ``TIMSignalingInvite``, ...), or
    ``None``. Like the generated starters (:mod:`aiotim._native.starters`): the arguments are
    checked and converted as :meth:`Bridge.start_call` does (same errors), without its
    generic machinery; the buffer's text comes back with the slot."""
    fn = function_info(function)
    kinds = [p.kind for p in fn.params]
    if (
        function in _FINAL
        or [p.ctype for p in fn.params if p.kind == "callback"] != ["TIMCommCallback"]
        or kinds[-2:] != ["callback", "user_data"]
        or kinds.count("out") != 1
        or any(k not in ("str", "int", "bool", "out") for k in kinds[:-2])
    ):
        return None
    cfn = bridge.sdk.fn(function)
    params = [(p.kind, p.name) for p in fn.params[:-2]]
    names = tuple(name for kind, name in params if kind != "out")
    n_args = len(names)
    pending = bridge.pending
    calls = pending._calls
    add = pending.add
    tramp = bridge.comm_tramp
    base = bridge.ud_base
    new_buffer = ffi.new
    cast = ffi.cast
    string = ffi.string

    def start(args: Sequence[Any], new: Callable[[], Slot]) -> tuple[int, Slot, str]:
        if len(args) != n_args:
            raise arity_error(function, names, len(args))
        c_args: list[Any] = []
        out: Any = None
        i = 0
        for kind, name in params:
            if kind == "out":
                out = new_buffer("char[]", OUT_BUFFER_SIZE)
                c_args.append(out)
                continue
            value = args[i]
            i += 1
            if kind == "str":
                if value.__class__ is not bytes or b"\0" in value:
                    value = c_str(value, function, name)
            elif kind == "int":
                if value.__class__ is not int and (
                    isinstance(value, bool) or not isinstance(value, int)
                ):
                    raise bad_int(function, name, value)
            else:
                value = c_bool(value, function, name)
            c_args.append(value)
        if bridge.closed:
            raise ClientClosed("the client is closed")
        slot = new()
        cid = add(slot, function)
        try:
            rc = cfn(*c_args, tramp, cast("void *", base | cid))
        except OverflowError:
            calls.pop(cid, None)
            raise int_error(function, args) from None
        except BaseException:
            calls.pop(cid, None)
            raise
        if rc != 0:
            calls.pop(cid, None)
            raise error_from_result(rc, function=function)
        return cid, slot, string(out).decode("utf-8", "replace")

    return start


def _cached_out_starter(bridge: Bridge, function: str) -> OutStart | None:
    starts = bridge.out_starts
    try:
        return starts[function]
    except KeyError:
        found = starts[function] = _out_starter(bridge, function)
        return found


def call_bytes(
    bridge: Bridge, function: str, args: tuple[Any, ...]
) -> Coroutine[Any, Any, tuple[bytes, str]]:
    """Call ``function``, a single-shot ``TIMCommCallback`` function with one ``char*`` output
    buffer (a send), as :func:`call_raw` does; await its result's JSON **undecoded** (``b""``
    when empty), for a caller with a faster decoder of its own, and the buffer's text.

    Raises:
        TypeError: ``function`` is not such a function (at once, not when awaited).
        TIMError: as :func:`call_raw`.
    """
    out_start = _cached_out_starter(bridge, function)
    if out_start is None:
        raise TypeError(
            f"call_bytes: {function} is not a single-shot call with one output buffer; use call_raw"
        )
    return _out_call(bridge, out_start, function, args)


async def _out_call(
    bridge: Bridge, out_start: OutStart, function: str, args: tuple[Any, ...]
) -> tuple[bytes, str]:
    call_id, slot, text = out_start(args, slot_factory())
    try:
        cb_args = await slot
    except BaseException:
        bridge.pending.discard(call_id)  # cancelled: a late result is dropped
        raise
    return _comm_bytes(function, cb_args), text


def _facts(function: str) -> tuple[bool, bool, FinalCheck | None]:
    fn = function_info(function)
    found = _FACTS[function] = (
        bool(fn.callbacks),
        bool(fn.callbacks) and fn.callbacks[0].ctype == "TIMMsgGroupMessageReadMemberListCallback",
        _FINAL.get(function),
    )
    return found


def call_raw(
    bridge: Bridge, function: str, args: tuple[Any, ...], on_interim: Interim | None = None
) -> Coroutine[Any, Any, Any]:
    """Call ``function`` with ``args`` (await the result); see :meth:`aiotim.Client.call_raw`.

    ``TIMLogin``'s UserSig is remembered by the redactor (:func:`aiotim.errors.remember_secret`)
    and scrubbed from any exception of the call, chained ones included. (A plain function
    returning the call's coroutine: no extra frame per call.)
    """
    if function == "TIMLogin":
        return _login(bridge, args)
    return _call_raw(bridge, function, args, on_interim)


async def _login(bridge: Bridge, args: tuple[Any, ...]) -> Any:
    if len(args) == 2 and isinstance(args[1], str):
        remember_secret(args[1])
    try:
        return await _call_raw(bridge, "TIMLogin", args, None)
    except BaseException as exc:
        scrub_exception(exc)
        raise


async def _call_raw(
    bridge: Bridge, function: str, args: tuple[Any, ...], on_interim: Interim | None
) -> Any:
    try:
        start = bridge.fast_starts[function]
    except KeyError:
        start = bridge.fast_starts[function] = (
            None if function in _FINAL else bridge.fast_starter(function)
        )
    if start is not None:
        # a single-shot TIMCommCallback: the fast path, with the running backend's result slot
        call_id, slot = start(args, slot_factory())
        try:
            cb_args = await slot
        except BaseException:
            bridge.pending.discard(call_id)  # cancelled: a late result is dropped
            raise
        return _comm_value(function, cb_args)
    out_start = _cached_out_starter(bridge, function)
    if out_start is not None:
        # single-shot with one output buffer (a send): (the value, the buffer's text)
        payload, text = await _out_call(bridge, out_start, function, args)
        return (_decode(payload), text)
    facts = _FACTS.get(function)
    if facts is None:
        facts = _facts(function)
    has_callback, read_member_list, is_final = facts
    if not has_callback:
        return bridge.call_sync(function, *args)
    interim = None
    if on_interim is not None:

        def interim(slot: int, cb_args: tuple[Any, ...]) -> None:
            on_interim(_decode(cb_args[2]))

    result = await bridge.call(function, *args, is_final=is_final, on_interim=interim)
    if read_member_list:
        members, next_seq, is_finished = result.args
        return {"members": _decode(members), "next_seq": next_seq, "is_finished": is_finished}
    value = _comm_value(function, result.args)
    if result.outputs:  # the same convention as call_sync: the value, then each buffer's text
        return (value, *result.outputs)
    return value
