"""``aiotim doctor`` on the real SDK (under netless), and its refusal when routes exist."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import pytest

import aiotim._native
import aiotim.tools.netguard
from aiotim.tools.doctor import _UNDOCUMENTED, run_doctor

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.real_sdk
def test_doctor_reports_the_real_sdk(real_sdk_path: Path) -> None:
    """doctor prints version 8.0.5903, 240/240 functions bound and the 7 undocumented extras."""
    proc = subprocess.run(
        [sys.executable, "-m", "aiotim", "doctor", "--sdk", str(real_sdk_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    out = proc.stdout
    assert "  version: 8.0.5903\n" in out
    assert "  functions bound: 240/240\n" in out
    assert "missing" not in out
    assert f"not in aiotim's table: 7: {', '.join(sorted(_UNDOCUMENTED))}\n" in out
    assert "NOTE" not in out


class TestDoctorRefusesWithRoutes:
    """With a route out, doctor will not open a library other than the loopback SDK.

    The "library" is a dummy file, and opening anything fails the test: nothing is loaded.
    """

    @pytest.fixture
    def dummy_sdk(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        """A file named libImSDK.so that is not a library; open_sdk fails the test if called."""

        def no_open(*args: object) -> None:
            raise AssertionError("doctor opened the library despite the routes")

        monkeypatch.setattr(aiotim._native, "open_sdk", no_open)
        path = tmp_path / "libImSDK.so"
        path.write_bytes(b"not a library")
        return path

    def test_refuses_when_has_routes_says_so(
        self, dummy_sdk: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """has_routes() true → exit status 2 and "refusing to load it"."""
        monkeypatch.setattr(aiotim.tools.netguard, "has_routes", lambda *a: True)
        assert run_doctor(str(dummy_sdk)) == 2
        out = capsys.readouterr().out
        assert "refusing to load it" in out and "shared/tools/netless" in out

    def test_refuses_with_a_default_route_in_the_route_table(
        self,
        dummy_sdk: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A route table listing a default route (read by the real has_routes) → refusal."""
        table = tmp_path / "route"
        table.write_text(
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
            "eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
        )
        monkeypatch.setattr(
            aiotim.tools.netguard,
            "has_routes",
            functools.partial(aiotim.tools.netguard.has_routes, table),
        )
        assert run_doctor(str(dummy_sdk)) == 2
        assert "refusing to load it" in capsys.readouterr().out

    def test_a_missing_route_table_counts_as_routes(
        self,
        dummy_sdk: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """An unreadable route table is taken as "routes exist" (assume the worst)."""
        monkeypatch.setattr(
            aiotim.tools.netguard,
            "has_routes",
            functools.partial(aiotim.tools.netguard.has_routes, tmp_path / "none"),
        )
        assert run_doctor(str(dummy_sdk)) == 2
        assert "refusing to load it" in capsys.readouterr().out
