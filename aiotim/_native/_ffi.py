"""The compiled extensions (the cffi relay, the record converter), imported once, with a clear
error when they were never built."""

from __future__ import annotations

from typing import Any

try:
    import aiotim._native._records as _rec
    from aiotim._native._relay import ffi as _ffi
    from aiotim._native._relay import lib as _lib
except ImportError as exc:  # pragma: no cover - only on a broken install
    raise ImportError(
        f"aiotim's native extensions are not built ({exc}): install the package with pip "
        "(`pip install -e .` in a checkout), which compiles them"
    ) from exc

# cffi's objects are dynamically typed; the rest of aiotim._native wraps them in typed Python.
ffi: Any = _ffi
lib: Any = _lib
NULL: Any = _ffi.NULL
records: Any = _rec
