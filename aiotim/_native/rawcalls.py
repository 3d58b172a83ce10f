"""``call_raw``: any function of the ABI by name, with the multi-shot callbacks handled.

Most functions call their ``TIMCommCallback`` once. Three do not:

- ``TIMMsgDownloadElemToPath`` calls it repeatedly: progress calls carry ``desc ==
  "downloading"``; the last call is the result.
- ``TIMMsgSendNewMsgEx`` has two callbacks: ``msgid_cb`` (interim) then ``res_cb`` (final).
- ``TIMMsgGetGroupMessageReadMemberList`` completes through its own typedef
  ``(json_group_member_array, next_seq, is_finished)``, which has no error code.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson

from aiotim._backends import slot_factory
from aiotim._native.bridge import Bridge, function_info
from aiotim._native.pending import FinalCheck
from aiotim.errors import error_from_code, remember_secret, scrub_exception

__all__ = ["call_raw"]

Interim = Callable[[Any], None]


def _decode(json_bytes: bytes | None) -> Any:
    if not json_bytes:
        return None
    try:
        return orjson.loads(json_bytes)
    except orjson.JSONDecodeError:
        return json_bytes.decode("utf-8", "replace")


def _comm_value(function: str, args: tuple[Any, ...]) -> Any:
    code, desc, json_bytes = args
    if code != 0:
        raise error_from_code(code, (desc or b"").decode("utf-8", "replace"), function=function)
    return _decode(json_bytes)


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
