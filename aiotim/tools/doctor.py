"""``aiotim doctor``: load an SDK and report what aiotim can bind in it.

It opens the library (``dlopen``), reads its version and checks every symbol of aiotim's table;
it calls ``TIMInit`` only with ``--init``. A library other than the loopback SDK is opened only
when this process has no network route (``shared/tools/netless``): the real SDK goes online.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib.metadata import version
from pathlib import Path

from aiotim.tools.netguard import isolation_problem

__all__ = ["run_doctor"]

_UNDOCUMENTED = (
    "TIMGetVersion",
    "TIMNotifySocketEvent",
    "TIMRegisterEncryptionDelegate",
    "TIMRegisterSocketDelegate",
    "TIMUnregisterEncryptionDelegate",
    "TIMUnregisterSocketDelegate",
    "TIMWriteLog",
)


def _exported_tim_symbols(path: Path) -> list[str] | None:
    """The ``TIM*`` names in the library's dynamic symbol table (read from the ELF file)."""
    from aiotim._native.elfsyms import dynamic_symbols

    try:
        return sorted(s for s in dynamic_symbols(path) if s.startswith("TIM"))
    except (OSError, ValueError):
        return None


def run_doctor(sdk: str | None, *, init: bool = False) -> int:
    """Print the report; returns the exit status (1 when the SDK cannot be opened)."""
    from aiotim._native import FUNCTIONS, SDKSource, open_sdk
    from aiotim.loopback.sdk import loopback_library_path

    loopback = loopback_library_path()
    path = Path(sdk or os.environ.get("AIOTIM_SDK_PATH") or loopback)
    is_loopback = path.resolve() == loopback.resolve()
    print(
        f"aiotim {version('aiotim')} on Python {platform.python_version()} "
        f"({sys.platform}), cffi {version('cffi')}, anyio {version('anyio')}, "
        f"orjson {version('orjson')}"
    )
    print(f"SDK: {path}{' (the loopback SDK)' if is_loopback else ''}")
    if not path.is_file():
        print("  not found")
        return 1
    if not is_loopback:
        problem = isolation_problem()
        if problem:
            print(f"  refusing to load it: {problem}")
            return 2
    lib = open_sdk(SDKSource(path, private_copy=is_loopback))
    print(f"  version: {lib.version}")
    bound = lib.exported()
    missing = sorted(set(FUNCTIONS) - set(bound))
    print(f"  functions bound: {len(bound)}/{len(FUNCTIONS)}")
    if missing:
        print(f"  missing ({len(missing)}): {', '.join(missing)}")
    exported = _exported_tim_symbols(path)
    if exported is not None:
        extra = sorted(set(exported) - set(FUNCTIONS))
        print(
            f"  exported TIM* symbols: {len(exported)}; not in aiotim's table: "
            f"{len(extra)}{': ' + ', '.join(extra) if extra else ''}"
        )
        unknown = [s for s in extra if s not in _UNDOCUMENTED and not s.startswith("TIMLoopback")]
        if unknown:
            print(f"  NOTE: undeclared symbols beyond the known undocumented ones: {unknown}")
    if init:
        rc = lib.fn("TIMInit")(1400000000, b"")
        print(f"  TIMInit → {rc}; TIMUninit → {lib.fn('TIMUninit')()}")
    return 0
