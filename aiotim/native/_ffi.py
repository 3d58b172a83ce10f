"""The compiled relay extension, imported once, with a clear error when it was never built."""

from __future__ import annotations

from typing import Any

try:
    from aiotim.native._relay import ffi as _ffi
    from aiotim.native._relay import lib as _lib
except ImportError as exc:  # pragma: no cover - only on a broken install
    raise ImportError(
        "aiotim's native extension aiotim.native._relay is not built: install the package "
        "with pip (`pip install -e .` in a checkout), which compiles it with cffi"
    ) from exc

# cffi's objects are dynamically typed; the rest of aiotim.native wraps them in typed Python.
ffi: Any = _ffi
lib: Any = _lib
NULL: Any = _ffi.NULL
