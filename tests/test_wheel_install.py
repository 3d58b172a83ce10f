"""The built wheel, installed into a fresh virtual environment, runs a user's test file that
uses the pytest plugin's fixtures (``aiotim_cloud``, ``aiotim_client``).

What it checks is the wheel itself: the compiled parts (the relay, the record converter, the
loopback SDK), the package data, ``py.typed`` and the ``pytest11`` entry point are in it, and
nothing of the checkout is needed. So the wheel is built from a copy of the sources (the
checkout is left alone), with the build requirements of this ``.venv``
(``--no-build-isolation``: no download), and installed with ``--no-index --no-deps`` into a new
venv that sees nothing of the checkout. Its dependencies (anyio, orjson, cffi) and the test
tools (pytest, anyio's plugin, pytest-asyncio, trio) come from this ``.venv``'s site-packages,
linked one distribution at a time with aiotim's own left out: no network, a few seconds besides
the compile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: what is not copied to build from (build outputs, caches, the venv, the VCS)
_SKIP = {
    ".venv",
    ".git",
    "build",
    "dist",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
}
_SKIP_SUFFIXES = (".so", ".o", ".egg-info", ".pyc")

USER_TEST = textwrap.dedent(
    """
    import anyio
    import pytest

    import aiotim

    pytestmark = pytest.mark.anyio


    @pytest.fixture(params=["asyncio", "trio"])
    def anyio_backend(request):
        return request.param


    async def test_echo_bot(aiotim_cloud, aiotim_client):
        bot = await aiotim_client("bot")
        alice = await aiotim_client("alice")
        inbox, replies = bot.new_messages(), alice.new_messages()
        await alice.send_text(aiotim.C2C("bot"), "ping")
        with anyio.fail_after(10):
            msg = await inbox.__anext__()
            await bot.reply(msg, aiotim.Text(f"echo: {msg.text}"))
            reply = await replies.__anext__()
        assert reply.text == "echo: ping"


    def test_installed_not_the_checkout():
        import aiotim.testing
        assert "site-packages" in aiotim.__file__, aiotim.__file__
        assert aiotim.testing.Cloud is not None
    """
)


def _copy_sources(dest: Path) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        return {n for n in names if n in _SKIP or n.endswith(_SKIP_SUFFIXES)}

    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)


def _link_dependencies(site: Path, deps: Path) -> None:
    """Link every distribution of this .venv but aiotim into ``deps``, and put ``deps`` on the
    new venv's path (after its own site-packages, so the installed aiotim comes first)."""
    ours = Path(sysconfig.get_paths()["purelib"])
    deps.mkdir()
    for entry in ours.iterdir():
        name = entry.name
        if (
            name.startswith(("aiotim", "__editable__", "_aiotim"))
            or name.endswith(".pth")
            or name == "__pycache__"
        ):
            continue
        (deps / name).symlink_to(entry)
    (site / "_aiotim_test_deps.pth").write_text(f"{deps}\n")


def test_the_wheel_installs_and_its_plugin_runs_a_users_tests(tmp_path: Path) -> None:
    """Build the wheel, install it in a fresh venv, run a user's test file (an echo bot tested
    with aiotim_cloud and aiotim_client on asyncio and trio): it passes."""
    src, dist, venv, project = (tmp_path / n for n in ("src", "dist", "venv", "project"))
    _copy_sources(src)
    build = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
            *("-q", "--no-index", "-w", str(dist), str(src)),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = dist.glob("aiotim-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "aiotim = aiotim.testing.plugin" in zf.read(entry_points).decode()
    for part in ("aiotim/_native/_relay", "aiotim/_native/_records", "_libimsdk_loopback"):
        assert any(part in n and n.endswith(".so") for n in names), part
    assert "aiotim/py.typed" in names

    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    _link_dependencies(site, tmp_path / "deps")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-index", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    project.mkdir()
    (project / "test_my_bot.py").write_text(USER_TEST)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "AIOTIM_")) and k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_bot.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout, result.stdout
