#!/usr/bin/env python3
"""Generate ``aiotim/loopback/sdk/generated.inc`` from ``tim_abi.h``.

The loopback SDK exports the 240 functions of the TIM ABI. Everything that is the same for every
function (forwarding a call as a ``C`` frame, registering a notification callback, calling a
callback typedef with decoded arguments) is written once in C; this script emits the
per-function glue and the tables that C reads. The output is deterministic and committed;
``--check`` (run by ``scripts/check``) and ``tests/test_loopback_sdk.py`` check that the
committed file equals the output. Runs from a fresh clone, before any build: ``scripts/_abi.py``
loads ``aiotim/_abi`` alone.

Usage: ``python scripts/gen_loopback.py [--check]``
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/_abi.py, however we are run
from _abi import ROOT, abi

CALLBACKS, CALLBACK_SETTERS, FUNCTIONS = abi.CALLBACKS, abi.CALLBACK_SETTERS, abi.FUNCTIONS

OUTPUT = ROOT / "aiotim" / "loopback" / "sdk" / "generated.inc"

#: Functions the SDK answers itself (PROTOCOL.md "What the SDK does locally"); hand-written in
#: sdk.c. Every other non-setter function is forwarded to the cloud (api.c's wrappers).
LOCAL = frozenset(
    {
        "TIMInit",
        "TIMUninit",
        "TIMGetSDKVersion",
        "TIMGetServerTime",
        "TIMGetLoginUserID",
        "TIMGetLoginStatus",
        "TIMSetConfig",
    }
)

#: String parameters that may be NULL (the vendor headers document them as optional, e.g.
#: "conversation_id 请传入 \"\" 或者 nullptr"); any other NULL string is TIM_ERR_PARAM (-4).
OPTIONAL_STRINGS = frozenset(
    {
        "data",
        "hello_msg",
        "next_cursor",
        "json_offline_push_info",
        "source_language",
        "conversation_id",
    }
)

_ARG_SIG = {"str": "s", "int": "i", "bool": "b"}


def _param_sig(name: str, kind: str) -> str:
    if kind == "str":
        json = name.startswith("json_")
        optional = name in OPTIONAL_STRINGS
        return {(False, False): "s", (False, True): "o", (True, False): "j", (True, True): "J"}[
            (json, optional)
        ]
    return {"int": "i", "bool": "b", "out": "x"}[kind]


def _prototype(f: abi.Function) -> str:
    params = ", ".join(f"{p.ctype} {p.name}" for p in f.params) or "void"
    return f"LB_EXPORT {f.restype} {f.name}({params})"


def _invoker(cb_name: str) -> list[str]:
    cb = CALLBACKS[cb_name]
    call_args = []
    for i, p in enumerate(cb.args):
        if p.kind == "str":
            call_args.append(f"a[{i}].s")
        elif p.kind == "bool":
            call_args.append(f"a[{i}].i != 0")
        else:
            call_args.append(f"({p.ctype})a[{i}].i")
    call_args.append("user_data")
    lines = [
        f"static void lb_invoke_{cb_name}(lb_fnptr fn, const union lb_arg *a, "
        "const void *user_data)",
        "{",
    ]
    if not cb.args:
        lines.append("    (void)a;")
    lines.append(f"    (({cb_name})fn)({', '.join(call_args)});")
    lines.append("}")
    return lines


def _forwarder(f: abi.Function) -> list[str]:
    vals = [p for p in f.params if p.kind in ("str", "int", "bool", "out")]
    init = []
    for p in vals:
        if p.kind == "str":
            init.append(f"{{.s = {p.name}}}")
        elif p.kind == "out":
            init.append(f"{{.out = {p.name}}}")
        else:
            init.append(f"{{.i = (int64_t){p.name}}}")
    lines = [_prototype(f), "{"]
    if vals:
        lines.append(f"    const union lb_val v[{len(vals)}] = {{{', '.join(init)}}};")
    if f.callbacks:
        cbs = ", ".join(f"(lb_fnptr){p.name}" for p in f.callbacks)
        lines.append(f"    const lb_fnptr cbs[{len(f.callbacks)}] = {{{cbs}}};")
    ud = "user_data" if any(p.kind == "user_data" for p in f.params) else "NULL"
    lines.append(
        f"    return lb_forward(LB_FN_{f.name}, {'v' if vals else 'NULL'}, "
        f"{'cbs' if f.callbacks else 'NULL'}, {ud});"
    )
    lines.append("}")
    return lines


def _setter(f: abi.Function) -> list[str]:
    cb = f.callbacks[0].name
    if f.name == "TIMAddRecvNewMsgCallback":
        body = f"lb_add_recv_callback((lb_fnptr){cb}, user_data);"
    elif f.name == "TIMRemoveRecvNewMsgCallback":
        body = f"lb_remove_recv_callback((lb_fnptr){cb});"
    else:
        body = f"lb_set_callback(LB_SET_{f.name}, (lb_fnptr){cb}, user_data);"
    return [_prototype(f), "{", f"    {body}", "}"]


def generate() -> str:
    """Return the text of generated.inc."""
    callbacks = list(CALLBACKS)  # header order
    setters = sorted(CALLBACK_SETTERS)  # sorted: net.c looks names up with bsearch
    forwarded = [f for f in FUNCTIONS.values() if not f.is_setter and f.name not in LOCAL]
    missing = LOCAL - FUNCTIONS.keys()
    if missing:
        raise SystemExit(f"LOCAL names functions tim_abi.h lacks: {sorted(missing)}")
    if any(len(f.callbacks) > 2 for f in forwarded):
        raise SystemExit("lb_fninfo holds at most two callbacks per function")
    max_args = max(len(cb.args) for cb in CALLBACKS.values())

    out = [
        "/* generated.inc: generated by scripts/gen_loopback.py from tim_abi.h. Do not edit. */",
        "/* clang-format off */",
        "#ifdef LB_GEN_DECLS",
        "",
        "enum lb_cbtype_id {",
        *(f"    LB_CB_{n}," for n in callbacks),
        "    LB_CB_COUNT",
        "};",
        "",
        "enum lb_setter_id {",
        *(f"    LB_SET_{n}," for n in setters),
        "    LB_SET_COUNT",
        "};",
        "",
        "enum lb_fn_id {",
        *(f"    LB_FN_{f.name}," for f in forwarded),
        "    LB_FN_COUNT",
        "};",
        "",
        f"#define LB_MAX_ARGS {max_args}",
        "",
        "#elif defined(LB_GEN_TABLES) /* the tables, included once, by abi.c (bottom layer) */",
        "",
    ]
    for n in callbacks:
        out += _invoker(n)
    out += ["", "const struct lb_cbtype lb_cbtypes[LB_CB_COUNT] = {"]
    for n in callbacks:
        sig = "".join(_ARG_SIG[p.kind] for p in CALLBACKS[n].args)
        out.append(f'    [LB_CB_{n}] = {{"{n}", "{sig}", lb_invoke_{n}}},')
    out += ["};", "", "const struct lb_setter lb_setters[LB_SET_COUNT] = {"]
    for n in setters:
        out.append(f'    [LB_SET_{n}] = {{"{n}", LB_CB_{CALLBACK_SETTERS[n].name}}},')
    out += ["};", "", "const struct lb_fninfo lb_fns[LB_FN_COUNT] = {"]
    for f in forwarded:
        sig = "".join(
            _param_sig(p.name, p.kind) for p in f.params if p.kind not in ("callback", "user_data")
        )
        cbt = ", ".join(f"LB_CB_{p.ctype}" for p in f.callbacks) or "0"
        out.append(
            f'    [LB_FN_{f.name}] = {{"{f.name}", "{sig}", {len(f.callbacks)}, {{{cbt}}}}},'
        )
    out += ["};", "", "#else /* the exported wrappers, included once, by api.c (top layer) */", ""]
    for f in FUNCTIONS.values():
        if f.is_setter:
            out += [*_setter(f), ""]
        elif f.name not in LOCAL:
            out += [*_forwarder(f), ""]
    out += ["#endif", ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    """Write (or with ``--check``, compare) ``generated.inc``."""
    text = generate()
    rel = OUTPUT.relative_to(ROOT)
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{rel} is stale: run scripts/gen_loopback.py", file=sys.stderr)
            return 1
        print(f"{rel} is up to date")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
