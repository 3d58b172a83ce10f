"""The one parser of TIM C headers: the vendor's (C++-flavoured) and our ``tim_abi.h``.

It reads function prototypes, callback typedefs (``typedef void (*X)(...)``), enums (with the
vendor's ``#define`` aliases for misspelt members) and where each one is declared. ``aiotim._abi``
builds FUNCTIONS and CALLBACKS from its parse of ``tim_abi.h``; the conformance test and
``scripts/gen_enums.py`` parse the vendor headers with it. Both dialects go through the same
code, so a difference between the two is a difference in declarations, never in parsing.

Normalisation (what is *not* a difference): comments, ``TIM_API``/``TIM_DECL``, ``enum X`` versus
``X`` (a C++ header may omit the tag), ``()`` versus ``(void)``, whitespace and ``*`` placement.

Stdlib only, no imports from aiotim; this module never loads a library.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CParam",
    "EnumDef",
    "HeaderSet",
    "Signature",
    "diff_enums",
    "diff_signatures",
    "normalize_type",
    "parse_dir",
    "parse_text",
]


@dataclass(frozen=True, slots=True)
class CParam:
    """One parameter: normalised C type and name."""

    ctype: str
    name: str


@dataclass(frozen=True, slots=True)
class Signature:
    """A function prototype or a callback typedef (``restype`` is ``void`` for typedefs)."""

    name: str
    restype: str
    params: tuple[CParam, ...]
    where: str = field(default="", compare=False)

    def render(self) -> str:
        """The declaration in normal form, e.g. ``int TIMUninit(void)``."""
        params = ", ".join(f"{p.ctype} {p.name}" for p in self.params) or "void"
        return f"{self.restype} {self.name}({params})"


@dataclass(frozen=True, slots=True)
class EnumDef:
    """An enum: members in declaration order and aliases (``#define alias member``)."""

    name: str
    members: tuple[tuple[str, int], ...]
    aliases: tuple[tuple[str, str], ...] = ()
    where: str = field(default="", compare=False)

    def values(self) -> dict[str, int]:
        """Every name, aliases included, with its value."""
        out = dict(self.members)
        out.update((alias, out[target]) for alias, target in self.aliases)
        return out


@dataclass(slots=True)
class HeaderSet:
    """Everything parsed from one header or a directory of them."""

    functions: dict[str, Signature] = field(default_factory=dict)
    typedefs: dict[str, Signature] = field(default_factory=dict)
    enums: dict[str, EnumDef] = field(default_factory=dict)

    def merge(self, other: HeaderSet) -> None:
        """Add ``other``'s declarations; a name declared twice is an error."""
        for mine, theirs in (
            (self.functions, other.functions),
            (self.typedefs, other.typedefs),
            (self.enums, other.enums),
        ):
            for name, decl in theirs.items():
                if name in mine:
                    raise ValueError(f"{name} declared twice: {mine[name].where}, {decl.where}")
                mine[name] = decl  # type: ignore[assignment]


# Comments and string literals, in one pass so that "//" inside a literal is not a comment.
_LEXEMES_RE = re.compile(r'"(?:\\.|[^"\\\n])*"|//[^\n]*|/\*.*?\*/', re.S)
_DEFINE_ALIAS_RE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(\w+)[ \t]*$", re.M)
_DIRECTIVE_RE = re.compile(r"^[ \t]*#[^\n]*", re.M)
_TYPEDEF_RE = re.compile(r"\btypedef\s+(\w+)\s*\(\s*\*\s*(\w+)\s*\)\s*\(([^;(){}]*)\)\s*;")
_ENUM_RE = re.compile(r"\benum\s+(\w+)\s*\{([^{}]*)\}\s*;")
_PROTO_RE = re.compile(
    r"(?:^|(?<=[;{}]))\s*((?:const\s+|unsigned\s+|enum\s+)*\w+(?:\s*\*)*)\s*\b(\w+)\s*"
    r"\(([^;(){}]*)\)\s*;"
)
_MEMBER_RE = re.compile(r"^(\w+)\s*(?:=\s*(.+))?$", re.S)
_INT_SUFFIX_RE = re.compile(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b")


def _blank(match: re.Match[str]) -> str:
    """Replace a comment by as many newlines as it spans, a literal by an empty literal."""
    text = match.group(0)
    return '""' if text.startswith('"') else "\n" * text.count("\n") + " "


def normalize_type(ctype: str) -> str:
    """Normal form of a C type: no ``enum`` tag, single spaces, ``*`` glued to the type."""
    words = ctype.replace("*", " * ").split()
    words = [w for w in words if w != "enum"]
    return " ".join(words).replace(" *", "*")


def _param(text: str) -> CParam:
    words = text.replace("*", "* ").split()
    if len(words) < 2:
        raise ValueError(f"parameter without a name: {text!r}")
    return CParam(normalize_type(" ".join(words[:-1])), words[-1])


def _params(text: str) -> tuple[CParam, ...]:
    text = " ".join(text.split())
    if text in ("", "void"):
        return ()
    return tuple(_param(p) for p in text.split(","))


def _eval_int(expr: str, known: Mapping[str, int]) -> int:
    """Value of an enum initialiser: integer literals, earlier members, + - | << >> ( )."""
    expr = _INT_SUFFIX_RE.sub(r"\1", " ".join(expr.split()))

    def ev(node: ast.AST) -> int:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.Name) and node.id in known:
            return known[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = ev(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            op = node.op
            if isinstance(op, ast.Add):
                return left + right
            if isinstance(op, ast.Sub):
                return left - right
            if isinstance(op, ast.BitOr):
                return left | right
            if isinstance(op, ast.LShift):
                return left << right
            if isinstance(op, ast.RShift):
                return left >> right
        raise ValueError(f"unsupported enum initialiser: {expr!r}")

    return ev(ast.parse(expr, mode="eval").body)


def _enum(name: str, body: str, where: str) -> EnumDef:
    members: list[tuple[str, int]] = []
    known: dict[str, int] = {}
    next_value = 0
    for item in body.split(","):
        item = item.strip()
        if not item:
            continue
        match = _MEMBER_RE.match(item)
        if match is None:
            raise ValueError(f"{where}: cannot parse enum member {item!r}")
        member, expr = match.groups()
        value = _eval_int(expr, known) if expr is not None else next_value
        members.append((member, value))
        known[member] = value
        next_value = value + 1
    return EnumDef(name, tuple(members), (), where)


def parse_text(text: str, filename: str = "<header>") -> HeaderSet:
    """Parse one header's text; ``where`` fields are ``filename:line``."""
    text = _LEXEMES_RE.sub(_blank, text)
    defines = _DEFINE_ALIAS_RE.findall(text)
    text = _DIRECTIVE_RE.sub("", text)
    text = re.sub(r"\b(?:TIM_API|TIM_DECL)\b", " ", text)
    text = re.sub(r'\bextern\s+""\s*\{', " ", text)  # extern "C" { (literal already blanked)

    def where(pos: int, within: str = text) -> str:
        return f"{filename}:{within.count(chr(10), 0, pos) + 1}"

    out = HeaderSet()
    for m in _TYPEDEF_RE.finditer(text):
        restype, name, params = m.groups()
        out.typedefs[name] = Signature(
            name, normalize_type(restype), _params(params), where(m.start())
        )
    for m in _ENUM_RE.finditer(text):
        out.enums[m.group(1)] = _enum(m.group(1), m.group(2), where(m.start()))
    # Blank what was parsed (keeping newlines) so the prototype scan sees only prototypes.
    body = _TYPEDEF_RE.sub(lambda m: "\n" * m.group(0).count("\n") + ";", text)
    body = _ENUM_RE.sub(lambda m: "\n" * m.group(0).count("\n") + ";", body)
    for m in _PROTO_RE.finditer(body):
        restype, name, params = m.groups()
        if restype.split()[0] in ("typedef", "static", "return"):
            continue
        decl = Signature(name, normalize_type(restype), _params(params), where(m.start(2), body))
        if name in out.functions:
            raise ValueError(f"{name} declared twice: {out.functions[name].where}, {decl.where}")
        out.functions[name] = decl
    # "#define misspelt_member member" keeps old spellings of enum members compiling.
    for alias, target in defines:
        for enum in out.enums.values():
            if target in dict(enum.members):
                out.enums[enum.name] = EnumDef(
                    enum.name, enum.members, (*enum.aliases, (alias, target)), enum.where
                )
                break
    return out


def parse_dir(include_dir: Path) -> HeaderSet:
    """Parse every ``*.h`` of a directory (sorted by name) into one set.

    A ``#define`` alias may live in another header than its enum, so aliases are resolved
    across the whole set.
    """
    out = HeaderSet()
    pending: list[tuple[str, str]] = []
    for path in sorted(include_dir.glob("*.h")):
        text = path.read_text(encoding="utf-8", errors="replace")
        out.merge(parse_text(text, path.name))
        pending += _DEFINE_ALIAS_RE.findall(_LEXEMES_RE.sub(_blank, text))
    for alias, target in pending:
        for enum in list(out.enums.values()):
            if target in dict(enum.members) and alias not in dict(enum.aliases):
                out.enums[enum.name] = EnumDef(
                    enum.name, enum.members, (*enum.aliases, (alias, target)), enum.where
                )
    return out


def diff_signatures(
    ours: Mapping[str, Signature],
    theirs: Mapping[str, Signature],
    *,
    what: str,
    ours_label: str = "tim_abi.h",
) -> list[str]:
    """Every difference between two sets of declarations, one readable line each."""
    problems: list[str] = []
    for name in sorted(set(theirs) - set(ours)):
        problems.append(f"missing {what} {name} ({theirs[name].where}): {theirs[name].render()}")
    for name in sorted(set(ours) - set(theirs)):
        problems.append(f"extra {what} {name} in {ours_label}: not in the vendor headers")
    for name in sorted(set(ours) & set(theirs)):
        mine, real = ours[name], theirs[name]
        at = f"{what} {name} ({real.where})"
        if mine.restype != real.restype:
            problems.append(f"{at}: returns {mine.restype!r} in {ours_label}, {real.restype!r}")
        if len(mine.params) != len(real.params):
            problems.append(
                f"{at}: {len(mine.params)} parameters in {ours_label}, {len(real.params)}: "
                f"{mine.render()} != {real.render()}"
            )
            continue
        for i, (p, q) in enumerate(zip(mine.params, real.params, strict=True), 1):
            if p.ctype != q.ctype:
                problems.append(
                    f"{at}: parameter {i} {q.name!r} has type {p.ctype!r} in {ours_label}, "
                    f"{q.ctype!r} in the vendor header"
                )
            if p.name != q.name:
                problems.append(
                    f"{at}: parameter {i} is named {p.name!r} in {ours_label}, {q.name!r} "
                    "in the vendor header"
                )
    return problems


def diff_enums(
    ours: Mapping[str, Mapping[str, int]],
    theirs: Iterable[EnumDef],
    *,
    ours_label: str,
) -> list[str]:
    """Differences between ``{enum: {member: value}}`` and the vendor enums (aliases included)."""
    problems: list[str] = []
    theirs_by_name = {e.name: e for e in theirs}
    for name in sorted(set(theirs_by_name) - set(ours)):
        problems.append(f"missing enum {name} ({theirs_by_name[name].where}) in {ours_label}")
    for name in sorted(set(ours) & set(theirs_by_name)):
        real, mine = theirs_by_name[name].values(), ours[name]
        at = f"enum {name} ({theirs_by_name[name].where})"
        for member in sorted(set(real) - set(mine)):
            problems.append(f"{at}: member {member}={real[member]} missing in {ours_label}")
        for member in sorted(set(mine) - set(real)):
            problems.append(f"{at}: extra member {member} in {ours_label}")
        for member in sorted(set(mine) & set(real)):
            if mine[member] != real[member]:
                problems.append(
                    f"{at}: {member} is {mine[member]} in {ours_label}, {real[member]} in the "
                    "vendor header"
                )
    return problems
