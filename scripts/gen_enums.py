#!/usr/bin/env python3
"""Generate ``aiotim/enums.py`` from the real SDK headers.

    scripts/fetch-real-sdk            # once: caches im_electron_sdk@8.0.5906
    scripts/gen_enums.py              # rewrites aiotim/enums.py
    scripts/gen_enums.py --check      # exit 1 if aiotim/enums.py is out of date

Every enum of the vendor headers becomes an ``enum.IntEnum`` with the vendor's member names and
values; the vendor's ``#define`` spellings of misspelt members become aliases. A few enums the
public API uses a lot also get a Pythonic twin (``ConvType.C2C``), whose values are taken from
the headers here, so the twins cannot drift either. Only names and values are copied from the
headers; their prose stays there.
"""

from __future__ import annotations

import argparse
import difflib
import keyword
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.real_sdk import headers, paths  # noqa: E402

OUTPUT = REPO / "aiotim" / "enums.py"

#: Pythonic twin → (vendor enum, docstring, {twin member: vendor member}); must cover every
#: vendor member (checked), so a member added by a new SDK is not silently missing.
FRIENDLY: dict[str, tuple[str, str, dict[str, str]]] = {
    "NetworkStatus": (
        "TIMNetworkStatus",
        "State of the SDK's connection to the IM cloud (network-status events).",
        {
            "CONNECTED": "kTIMConnected",
            "DISCONNECTED": "kTIMDisconnected",
            "CONNECTING": "kTIMConnecting",
            "CONNECT_FAILED": "kTIMConnectFailed",
        },
    ),
    "LoginStatus": (
        "TIMLoginStatus",
        "Login state of the current user.",
        {
            "LOGGED_IN": "kTIMLoginStatus_Logined",
            "LOGGING_IN": "kTIMLoginStatus_Logining",
            "LOGGED_OUT": "kTIMLoginStatus_UnLogined",
            "LOGGING_OUT": "kTIMLoginStatus_Logouting",
        },
    ),
    "ConvType": (
        "TIMConvType",
        "Kind of conversation: one-to-one (C2C) or group.",
        {
            "INVALID": "kTIMConv_Invalid",
            "C2C": "kTIMConv_C2C",
            "GROUP": "kTIMConv_Group",
            "SYSTEM": "kTIMConv_System",
        },
    ),
    "ElemType": (
        "TIMElemType",
        "Kind of a message element (text, image, custom, ...).",
        {
            "TEXT": "kTIMElem_Text",
            "IMAGE": "kTIMElem_Image",
            "SOUND": "kTIMElem_Sound",
            "CUSTOM": "kTIMElem_Custom",
            "FILE": "kTIMElem_File",
            "GROUP_TIPS": "kTIMElem_GroupTips",
            "FACE": "kTIMElem_Face",
            "LOCATION": "kTIMElem_Location",
            "GROUP_REPORT": "kTIMElem_GroupReport",
            "VIDEO": "kTIMElem_Video",
            "FRIEND_CHANGE": "kTIMElem_FriendChange",
            "PROFILE_CHANGE": "kTIMElem_ProfileChange",
            "MERGE": "kTIMElem_Merge",
            "INVALID": "kTIMElem_Invalid",
        },
    ),
    "LogLevel": (
        "TIMLogLevel",
        "Severity of an SDK log line, and the threshold set with ``set_config_log_level``.",
        {
            "OFF": "kTIMLog_Off",
            "TEST": "kTIMLog_Test",
            "VERBOSE": "kTIMLog_Verbose",
            "DEBUG": "kTIMLog_Debug",
            "INFO": "kTIMLog_Info",
            "WARN": "kTIMLog_Warn",
            "ERROR": "kTIMLog_Error",
            "ASSERT": "kTIMLog_Assert",
        },
    ),
    "ConvEvent": (
        "TIMConvEvent",
        "What happened to the conversations of a conversation event.",
        {
            "ADD": "kTIMConvEvent_Add",
            "DELETE": "kTIMConvEvent_Del",
            "UPDATE": "kTIMConvEvent_Update",
            "START": "kTIMConvEvent_Start",
            "FINISH": "kTIMConvEvent_Finish",
        },
    ),
    "MsgStatus": (
        "TIMMsgStatus",
        "Delivery state of a message.",
        {
            "SENDING": "kTIMMsg_Sending",
            "SENT": "kTIMMsg_SendSucc",
            "SEND_FAILED": "kTIMMsg_SendFail",
            "DELETED": "kTIMMsg_Deleted",
            "LOCAL_IMPORTED": "kTIMMsg_LocalImported",
            "REVOKED": "kTIMMsg_Revoked",
            "CANCELLED": "kTIMMsg_Cancel",
        },
    ),
    "ReceiveMessageOpt": (
        "TIMReceiveMessageOpt",
        "Whether and how messages of a conversation are received and notified.",
        {
            "RECEIVE": "kTIMRecvMsgOpt_Receive",
            "NOT_RECEIVE": "kTIMRecvMsgOpt_Not_Receive",
            "NOT_NOTIFY": "kTIMRecvMsgOpt_Not_Notify",
            "NOT_NOTIFY_EXCEPT_AT": "kTIMRecvMsgOpt_Not_Notify_Except_At",
        },
    ),
    "GroupType": (
        "TIMGroupType",
        "Kind of group.",
        {
            "PUBLIC": "kTIMGroup_Public",
            "PRIVATE": "kTIMGroup_Private",
            "CHAT_ROOM": "kTIMGroup_ChatRoom",
            "BCHAT_ROOM": "kTIMGroup_BChatRoom",
            "AV_CHAT_ROOM": "kTIMGroup_AVChatRoom",
            "COMMUNITY": "kTIMGroup_Community",
        },
    ),
    "GroupMemberRole": (
        "TIMGroupMemberRole",
        "Role of a member in a group.",
        {
            "NONE": "kTIMMemberRole_None",
            "NORMAL": "kTIMMemberRole_Normal",
            "ADMIN": "kTIMMemberRole_Admin",
            "OWNER": "kTIMMemberRole_Owner",
        },
    ),
}

HEADER = '''\
"""Every enum of the TIM C API, as ``enum.IntEnum``.

GENERATED by ``scripts/gen_enums.py`` from the headers of ``{package}@{version}``
(``package/lib/linux/include``); do not edit by hand, re-run the script.

The vendor enums keep the vendor's names (``TIMConvType.kTIMConv_C2C``, ``TIMErrCode.ERR_SUCC``)
so the SDK documentation applies word for word; where a header ``#define``s an old misspelling of
a member, it is an alias here too. The Pythonic twins at the end (``ConvType.C2C``,
``NetworkStatus.CONNECTED``, ...) have the same values and are what the public API uses.
{n_enums} vendor enums, {n_members} members ({n_errcodes} in ``TIMErrCode``).
"""

from __future__ import annotations

import enum

__all__ = [
{all_names}
]
'''


def _sort_key(enum: headers.EnumDef) -> tuple[str, int]:
    filename, _, line = enum.where.rpartition(":")
    return filename, int(line)


def _check_name(name: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise SystemExit(f"gen_enums: {name!r} cannot be a Python enum member name")
    return name


def render(parsed: headers.HeaderSet) -> str:
    """The text of ``aiotim/enums.py`` for the parsed vendor headers."""
    enums = sorted(parsed.enums.values(), key=_sort_key)
    names = [e.name for e in enums]
    out: list[str] = []
    for enum in enums:
        out.append(f"\n\nclass {enum.name}(enum.IntEnum):")
        out.append(f'    """``enum {enum.name}`` ({enum.where})."""\n')
        first_of: dict[int, str] = {}
        for member, value in enum.members:
            _check_name(member)
            if value in first_of:  # C allows two names for one value: the first is canonical
                out.append(f"    {member} = {first_of[value]}  # alias: same value")
            else:
                first_of[value] = member
                # "0x01 << 31" wraps to INT_MIN as a C int; the JSON fields it goes into are uint.
                note = "  # 1 << 31: a uint in the JSON params" if value >= 1 << 31 else ""
                out.append(f"    {member} = {value}{note}")
        for alias, target in enum.aliases:
            out.append("    # alias: an old spelling the header keeps with #define")
            out.append(f"    {_check_name(alias)} = {target}")
    out.append("\n\n# ---- Pythonic twins of the enums the public API uses most ----")
    for twin, (vendor, doc, mapping) in FRIENDLY.items():
        real = parsed.enums[vendor]
        values = dict(real.members)
        if set(mapping.values()) != set(values):
            missing = sorted(set(values) - set(mapping.values()))
            raise SystemExit(f"gen_enums: {twin} does not map exactly {vendor}: {missing}")
        out.append(f"\n\nclass {twin}(enum.IntEnum):")
        out.append(f'    """{doc}\n\n    Same values as :class:`{vendor}`.\n    """\n')
        for member, vendor_member in mapping.items():
            out.append(f"    {_check_name(member)} = {values[vendor_member]}  # {vendor_member}")
    names += list(FRIENDLY)
    out.append(
        "\n\n#: The vendor enums, in header order (the conformance test compares them with the "
        "headers).\nVENDOR_ENUMS: tuple[type[enum.IntEnum], ...] = (\n"
        + "".join(f"    {e.name},\n" for e in enums)
        + ")"
    )
    out.append(
        "\n#: The Pythonic twins, each with its vendor enum.\n"
        "TWINS: dict[type[enum.IntEnum], type[enum.IntEnum]] = {\n"
        + "".join(f"    {twin}: {vendor},\n" for twin, (vendor, _, _) in FRIENDLY.items())
        + "}\n"
    )
    head = HEADER.format(
        package=paths.PACKAGE,
        version=paths.VERSION,
        n_enums=len(enums),
        n_members=sum(len(e.members) for e in enums),
        n_errcodes=len(parsed.enums["TIMErrCode"].members),
        all_names="".join(
            f'    "{n}",\n' for n in ["TWINS", "VENDOR_ENUMS", *sorted(names)]
        ).rstrip("\n"),
    )
    return head + "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line: write (or ``--check``) ``aiotim/enums.py``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--include", type=Path, help="vendor include dir (default: the cache)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if --output is stale")
    args = parser.parse_args(argv)
    include = args.include or paths.cached_include_dir()
    if include is None:
        print(f"gen_enums: {paths.SKIP_REASON}", file=sys.stderr)
        return 2
    text = render(headers.parse_dir(include))
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    if args.check:
        if current == text:
            print(f"{args.output} is up to date")
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                str(args.output),
                "generated",
            )
        )
        print(f"{args.output} is out of date: run scripts/gen_enums.py", file=sys.stderr)
        return 1
    if current != text:
        args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}" if current != text else f"{args.output} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
