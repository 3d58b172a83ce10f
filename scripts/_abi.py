"""``aiotim/_abi`` for the generators: loaded standalone, from its files, before any build.

Importing ``aiotim._abi`` the ordinary way would execute ``aiotim/__init__.py``, which imports
the compiled extensions: on a fresh clone that fails. ``aiotim/_abi`` is a leaf (stdlib only,
relative imports, headers found from ``__file__``), so it is loaded here as a package of its own
name, ``aiotim_abi_standalone``, and nothing else of aiotim runs. Every ``scripts/gen_*.py``
imports it from here::

    from _abi import ROOT, abi, parse, vendor

``abi`` is ``aiotim._abi`` (FUNCTIONS, CALLBACKS, ...), ``parse`` the header parser and
``vendor`` the real SDK's release and cache paths. For mypy they are the package's modules.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = ["ABI_DIR", "ROOT", "abi", "load", "parse", "vendor"]

ROOT = Path(__file__).resolve().parent.parent
ABI_DIR = ROOT / "aiotim" / "_abi"
_NAME = "aiotim_abi_standalone"


def load() -> ModuleType:
    """``aiotim/_abi/__init__.py`` executed as the package ``aiotim_abi_standalone``."""
    if _NAME in sys.modules:
        return sys.modules[_NAME]
    spec = importlib.util.spec_from_file_location(
        _NAME, ABI_DIR / "__init__.py", submodule_search_locations=[str(ABI_DIR)]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = module  # before exec: relative imports and dataclasses look it up
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_NAME]
        raise
    return module


if TYPE_CHECKING:
    import aiotim._abi as abi
    from aiotim._abi import parse, vendor
else:
    abi = load()
    parse = importlib.import_module(f"{_NAME}.parse")
    vendor = importlib.import_module(f"{_NAME}.vendor")
