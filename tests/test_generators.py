"""The generators (``scripts/gen_*.py``) run before any build, and their ``--check`` fails on drift.

They load ``aiotim/_abi`` standalone through ``scripts/_abi.py``: that works only while
``aiotim/_abi`` is a leaf (stdlib and relative imports only). The real SDK's headers are never
needed here: ``gen_enums.py --check`` falls back to what the committed files allow.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
GENERATORS = sorted(SCRIPTS.glob("gen_*.py"))
#: the module attribute each generator writes to
OUTPUT_ATTR = {"gen_enums": "OUTPUT", "gen_relay": "OUT"}


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_test_{path.stem}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_abi_is_a_leaf() -> None:
    """aiotim/_abi imports only the stdlib and itself (relative imports)."""
    for path in sorted((REPO / "aiotim" / "_abi").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                continue
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top == "__future__" or top in sys.stdlib_module_names, (path.name, name)


def test_standalone_load_imports_nothing_of_aiotim() -> None:
    """scripts/_abi.py gives the tables without importing aiotim (nor anything compiled)."""
    code = (
        "import sys; sys.path.insert(0, 'scripts'); import _abi; "
        "assert len(_abi.abi.FUNCTIONS) == 240, len(_abi.abi.FUNCTIONS); "
        "bad = sorted(m for m in sys.modules if m == 'aiotim' or m.startswith(('aiotim.', 'cffi')));"
        "assert not bad, bad"
    )
    proc = run("-c", code)
    assert proc.returncode == 0, proc.stderr


def test_standalone_tables_equal_the_package_tables() -> None:
    """The standalone load and ``import aiotim._abi`` build the same tables."""
    from aiotim import _abi

    sys.path.insert(0, str(SCRIPTS))
    try:
        standalone = load(SCRIPTS / "_abi.py").abi
    finally:
        sys.path.remove(str(SCRIPTS))
    for table in ("CALLBACKS", "FUNCTIONS", "CALLBACK_SETTERS", "LOOPBACK_FUNCTIONS"):
        assert repr(getattr(standalone, table)) == repr(getattr(_abi, table)), table


@pytest.mark.parametrize("script", GENERATORS, ids=[p.stem for p in GENERATORS])
def test_check_passes(script: Path, tmp_path: Path) -> None:
    """Every committed output is what its generator writes (no vendor headers needed)."""
    proc = run(script, "--check", env={"AIOTIM_CACHE": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "script", [p for p in GENERATORS if p.stem != "gen_enums"], ids=lambda p: p.stem
)
def test_check_fails_on_a_stale_output(script: Path, tmp_path: Path) -> None:
    """A stale (or missing) output makes --check return 1 and name the generator."""
    module = load(script)
    attr = OUTPUT_ATTR.get(script.stem, "OUTPUT")
    stale = tmp_path / "stale"
    stale.write_text(getattr(module, attr).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    root = tmp_path  # relative_to(ROOT) in the messages
    module.ROOT = root
    setattr(module, attr, stale)
    assert module.main(["--check"]) == 1
    stale.unlink()
    assert module.main(["--check"]) == 1


class TestEnumsWithoutHeaders:
    """gen_enums.py --check from the committed files alone."""

    @staticmethod
    def check(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
        out = tmp_path / "enums.py"
        out.write_text(text, encoding="utf-8")
        cache = tmp_path / "empty-cache"  # the real SDK is never found here
        return run(
            SCRIPTS / "gen_enums.py", "--check", "--output", out, env={"AIOTIM_CACHE": str(cache)}
        )

    @pytest.fixture
    def current(self) -> str:
        return (REPO / "aiotim" / "enums.py").read_text(encoding="utf-8")

    def test_says_what_it_did_not_check(self, current: str, tmp_path: Path) -> None:
        proc = self.check(current, tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "Not compared with the vendor headers" in proc.stdout
        assert "scripts/fetch-real-sdk" in proc.stdout

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            pytest.param(
                "    C2C = 1  # kTIMConv_C2C", "    C2C = 7  # kTIMConv_C2C", id="twin-value"
            ),
            pytest.param("57 vendor enums", "56 vendor enums", id="docstring-count"),
            pytest.param("    kTIMConv_Group = 2\n", "    kTIMConv_Group = 5\n", id="vendor-value"),
            pytest.param('    "TIMConvType",\n', "", id="dunder-all"),
        ],
    )
    def test_drift_is_reported(self, current: str, tmp_path: Path, old: str, new: str) -> None:
        """Hand edits the generator would not write, and values tim_abi.h contradicts."""
        assert current.count(old) == 1, old
        text = current.replace(old, new)
        if "kTIMConv_Group" in old:  # consistent with its twin: only tim_abi.h can tell
            text = text.replace(
                "    GROUP = 2  # kTIMConv_Group", "    GROUP = 5  # kTIMConv_Group"
            )
        proc = self.check(text, tmp_path)
        assert proc.returncode == 1, proc.stdout + proc.stderr
