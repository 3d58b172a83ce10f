"""The import layers of aiotim: no cycle, no layer importing a layer above it.

The order is written down once, here (and described in the README's Layout). A module may
import modules of its own layer and of the layers below. Module-level imports count, those
made only for type checking included (a type-level cycle is still two modules that must change
together); an import inside a function is checked for direction only (it is how a lower layer
reaches an optional dependency, never a higher layer of aiotim).

The loopback SDK's C files are checked the same way on their symbols: each ``.c`` is compiled
on its own and a file that uses a function another file defines depends on it; that graph must
have no cycle.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "aiotim"

#: bottom to top; a module belongs to the longest prefix that names it
LAYERS = [
    "aiotim._abi",  # the TIM ABI as data: pure Python, reads the header
    "aiotim.enums",  # generated enums of the headers
    "aiotim.errors",  # TIMError and friends
    "aiotim.usersig",  # UserSig generation (stdlib only)
    "aiotim._backends",  # asyncio / trio: result slots, the pump loop
    "aiotim._native",  # cffi, the relay, the loader, pending calls, call_raw
    "aiotim.models",  # typed views of the SDK's JSON
    "aiotim.events",  # event types, catalog, hub, streams, filters, waiting
    "aiotim.domains",  # one namespace per SDK module, built on a Core
    "aiotim.bot",  # handlers, serve, conversations
    "aiotim.client",  # the Client: lifecycle, composes the domains
    "aiotim.loopback",  # the loopback: cloud, handlers, C SDK
    "aiotim.tools",  # cli, demo, doctor, netguard
    "aiotim",  # the public API (aiotim/__init__.py, __main__)
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}
#: the compiled extensions (leaves: they import nothing of aiotim), by their source's name
EXTENSIONS = {
    "aiotim._native._relay",
    "aiotim._native._records",
    "aiotim.models._cmessage",
    "aiotim.events._cstream",
}


def layer_of(module: str) -> int:
    best = -1
    best_len = -1
    for i, prefix in enumerate(LAYERS):
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
            best, best_len = i, len(prefix)
    assert best >= 0, f"{module} is in no layer: add it to LAYERS"
    return best


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")
    is_pkg = MODULES[importer].name == "__init__.py"
    base = base if is_pkg else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str) -> tuple[set[str], set[str]]:
    """(module-level imports, imports inside functions) of ``module``, within aiotim."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    top: set[str] = set()
    nested: set[str] = set()

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(module, child)
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in MODULES else base)
            for target in targets:
                if target in EXTENSIONS:
                    continue
                while target and target not in MODULES:  # a name inside a module
                    target = target.rpartition(".")[0]
                if target.startswith("aiotim") and target != module:
                    (nested if inner else top).add(target)
            visit(child, inner)

    visit(tree, False)
    return top, nested


GRAPH = {m: imports_of(m) for m in MODULES}


def test_every_module_is_in_a_layer() -> None:
    """LAYERS covers the package (a new top-level module must be placed)."""
    for module in MODULES:
        layer_of(module)


def test_no_upward_import() -> None:
    """No module imports a module of a layer above its own (in a function or not)."""
    upward = sorted(
        f"{m} ({LAYERS[layer_of(m)]}) imports {t} ({LAYERS[layer_of(t)]})"
        for m, (top, nested) in GRAPH.items()
        for t in top | nested
        if layer_of(t) > layer_of(m)
    )
    assert upward == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strongconnect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    """The checker itself: a three-module cycle is reported, a chain is not."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": {"c"}}) == []


def test_no_import_cycle() -> None:
    """The module-level import graph (type-checking imports included) has no cycle."""
    assert _cycles({m: top for m, (top, _) in GRAPH.items()}) == []


SDK_DIR = PKG / "loopback" / "sdk"


@pytest.mark.skipif(
    shutil.which("gcc") is None or shutil.which("nm") is None,
    reason="needs gcc and nm to read the C files' symbols",
)
def test_loopback_c_files_have_no_cycle(tmp_path: Path) -> None:
    """Which .c file uses a function another defines: that graph has no cycle."""
    defined: dict[str, str] = {}
    used: dict[str, set[str]] = {}
    for src in sorted(SDK_DIR.glob("*.c")):
        obj = tmp_path / (src.stem + ".o")
        subprocess.run(
            [
                "gcc",
                "-std=c11",
                "-D_GNU_SOURCE",
                "-fPIC",
                "-c",
                str(src),
                f"-I{PKG / '_abi'}",
                f"-I{SDK_DIR}",
                "-o",
                str(obj),
            ],
            check=True,
        )
        for line in subprocess.run(
            ["nm", str(obj)], capture_output=True, text=True, check=True
        ).stdout.splitlines():
            parts = line.split()
            kind, name = parts[-2], parts[-1]
            if kind == "U":
                used.setdefault(src.name, set()).add(name)
            elif kind in ("T", "D", "B", "R"):
                defined[name] = src.name
    graph = {
        f: {defined[s] for s in syms if s in defined and defined[s] != f}
        for f, syms in used.items()
    }
    assert len(graph) >= 3, "expected several C files"
    assert _cycles(graph) == []
