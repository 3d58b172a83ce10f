"""A process that exits while SDK threads are busy exits 0, without a crash (20 runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("exit_while_busy.py")
ROOT = SCRIPT.parent.parent


@pytest.mark.slow
@pytest.mark.parametrize("run", range(20))
def test_exit_with_busy_sdk_threads_is_clean(run: int) -> None:
    """Each run exits 0 within 60 s and prints no traceback or fatal error."""
    # trio forbids leaving a nursery open, so the "leak" case (no __aexit__ at all) is asyncio's
    mode, backend = [("leak", "asyncio"), ("exit", "asyncio"), ("exit", "trio")][run % 3]
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), mode, backend],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "Fatal Python error" not in proc.stderr
