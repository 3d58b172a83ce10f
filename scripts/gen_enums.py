#!/usr/bin/env python3
"""Generate ``aiotim/enums.py`` from the real SDK headers.

    scripts/fetch-real-sdk            # once: caches im_electron_sdk@8.0.5906
    scripts/gen_enums.py              # rewrites aiotim/enums.py
    scripts/gen_enums.py --check      # exit 1 if aiotim/enums.py is out of date

The vendor headers are not in the repository. Without them, ``--check`` checks what the committed
files allow and says so: ``aiotim/enums.py`` read back (its enums, members, values and aliases)
and rendered again must give the same text (so a change to this script, to the twins or to the
pinned SDK version that was not regenerated is caught), and the enums ``tim_abi.h`` declares
must have the same members and values there. With the headers cached, it compares with them.
Runs from a fresh clone, before any build: the parser comes from ``aiotim/_abi`` through
``scripts/_abi.py``, without importing aiotim.

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
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/_abi.py, however we are run
from _abi import ROOT, abi, parse, vendor

REPO = ROOT
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
            # Tencent's console and docs call kTIMGroup_Private "Work" and kTIMGroup_ChatRoom
            # "Meeting" (TIMGroupManager.h's comments on TIMGroupType)
            "WORK": "kTIMGroup_Private",
            "CHAT_ROOM": "kTIMGroup_ChatRoom",
            "MEETING": "kTIMGroup_ChatRoom",
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


def _sort_key(enum: parse.EnumDef) -> tuple[str, int]:
    filename, _, line = enum.where.rpartition(":")
    return filename, int(line)


def _check_name(name: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise SystemExit(f"gen_enums: {name!r} cannot be a Python enum member name")
    return name


def render(parsed: parse.HeaderSet) -> str:
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
    for twin, (vendor_enum, doc, mapping) in FRIENDLY.items():
        real = parsed.enums[vendor_enum]
        values = dict(real.members)
        if set(mapping.values()) != set(values):
            missing = sorted(set(values) - set(mapping.values()))
            raise SystemExit(f"gen_enums: {twin} does not map exactly {vendor_enum}: {missing}")
        out.append(f"\n\nclass {twin}(enum.IntEnum):")
        out.append(f'    """{doc}\n\n    Same values as :class:`{vendor_enum}`.\n    """\n')
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
        + "".join(f"    {twin}: {vendor_enum},\n" for twin, (vendor_enum, _, _) in FRIENDLY.items())
        + "}\n"
    )
    head = HEADER.format(
        package=vendor.PACKAGE,
        version=vendor.VERSION,
        n_enums=len(enums),
        n_members=sum(len(e.members) for e in enums),
        n_errcodes=len(parsed.enums["TIMErrCode"].members),
        all_names="".join(
            f'    "{n}",\n' for n in ["TWINS", "VENDOR_ENUMS", *sorted(names)]
        ).rstrip("\n"),
    )
    return head + "\n".join(out)


_CLASS_RE = re.compile(r"class (\w+)\(enum\.IntEnum\):")
_DOC_RE = re.compile(r'    """``enum (\w+)`` \((.+)\)\."""')
_MEMBER_RE = re.compile(r"    (\w+) = (-?\d+|\w+)(?:  # .*)?")
_DEFINE_NOTE = "    # alias: an old spelling the header keeps with #define"


def read_back(text: str) -> parse.HeaderSet:
    """The vendor enums of a rendered ``aiotim/enums.py``: the inverse of :func:`render`."""
    out = parse.HeaderSet()
    body = text.split("\n# ---- Pythonic twins", 1)[0]
    for block in body.split("\n\n\nclass ")[1:]:
        lines = ("class " + block).splitlines()
        head, doc = _CLASS_RE.fullmatch(lines[0]), _DOC_RE.fullmatch(lines[1])
        if head is None or doc is None or doc.group(1) != head.group(1):
            raise SystemExit(f"gen_enums: cannot read back {lines[0]!r}: not as rendered")
        members: dict[str, int] = {}
        aliases: list[tuple[str, str]] = []
        define = False
        for line in lines[2:]:
            if not line:
                continue
            if line == _DEFINE_NOTE:
                define = True
                continue
            member = _MEMBER_RE.fullmatch(line)
            if member is None:
                raise SystemExit(f"gen_enums: cannot read back {line!r} in {head.group(1)}")
            name, value = member.groups()
            if define:
                aliases.append((name, value))
            elif value in members:
                members[name] = members[value]
            else:
                members[name] = int(value)
            define = False
        out.enums[head.group(1)] = parse.EnumDef(
            head.group(1), tuple(members.items()), tuple(aliases), doc.group(2)
        )
    return out


def check_without_headers(output: Path, current: str) -> int:
    """``--check`` from the committed files alone (the vendor headers are not cached)."""
    recovered = read_back(current)
    text = render(recovered)
    if text != current:
        _print_diff(output, current, text)
        print(f"{output} is out of date: run scripts/gen_enums.py", file=sys.stderr)
        return 1
    # tim_abi.h's enums are copied from the vendor headers too (the conformance test checks it)
    declared = abi.HEADER.enums
    problems = parse.diff_enums(
        {name: e.values() for name, e in recovered.enums.items() if name in declared},
        declared.values(),
        ours_label=output.name,
    )
    if problems:
        print("\n".join(f"{output}: {p}" for p in problems), file=sys.stderr)
        return 1
    print(
        f"{output} is consistent (read back and rendered again: same text; the "
        f"{len(declared)} enums of tim_abi.h agree). Not compared with the vendor headers, "
        f"because {vendor.SKIP_REASON}"
    )
    return 0


def _print_diff(output: Path, current: str, text: str) -> None:
    sys.stdout.writelines(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            text.splitlines(keepends=True),
            str(output),
            "generated",
        )
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: write (or ``--check``) ``aiotim/enums.py``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--include", type=Path, help="vendor include dir (default: the cache)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if --output is stale")
    args = parser.parse_args(argv)
    output: Path = args.output
    include: Path | None = args.include or vendor.cached_include_dir()
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    if include is None:
        if args.check and current:
            return check_without_headers(output, current)
        print(f"gen_enums: {vendor.SKIP_REASON}", file=sys.stderr)
        return 2
    text = render(parse.parse_dir(include))
    if args.check:
        if current == text:
            print(f"{output} is up to date (compared with the headers in {include})")
            return 0
        _print_diff(output, current, text)
        print(f"{output} is out of date: run scripts/gen_enums.py", file=sys.stderr)
        return 1
    if current != text:
        output.write_text(text, encoding="utf-8")
    print(f"wrote {output}" if current != text else f"{output} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
