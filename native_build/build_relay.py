"""cffi build for ``aiotim._native._relay`` (out-of-line API mode).

The cdef is assembled from real C headers, not written here: ``tim_abi.h`` (every TIM prototype
becomes a function-pointer type ``NAME_fn``, since the SDK is dlopen'ed at run time and resolved
symbol by symbol) and ``relay.h`` (the relay). The C sources are ``relay.c`` and ``loader.c``.
"""

from __future__ import annotations

import re
from pathlib import Path

from cffi import FFI

PKG = Path(__file__).resolve().parent.parent / "aiotim"
ABI = PKG / "_abi"
NATIVE = PKG / "_native"


def _strip_preprocessor(text: str) -> str:
    """Drop preprocessor lines except ``#define NAME <integer>``, which cffi understands."""
    keep = re.compile(r"#define\s+\w+\s+\d+\s*$")
    return "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#") or keep.match(line)
    )


_PROTO = re.compile(r"^((?:const\s+)?(?:enum\s+)?\w+\*?)\s+(\w+)\((.*)\);", re.M)


def _abi_text() -> str:
    """tim_abi.h, then the loopback SDK's extra exports, without comments and directives."""
    text = "\n".join((ABI / h).read_text(encoding="utf-8") for h in ("tim_abi.h", "loopback_ext.h"))
    return _strip_preprocessor(re.sub(r"/\*.*?\*/", "", text, flags=re.S))


def _abi_cdef() -> str:
    """tim_abi.h with every prototype turned into a function-pointer type ``NAME_fn``."""
    return _PROTO.sub(r"typedef \1 (*\2_fn)(\3);", _abi_text())


def _fn_typedefs() -> str:
    """The same ``NAME_fn`` types for the C side (cffi checks them against the cdef)."""
    return "\n".join(f"typedef {r} (*{n}_fn)({a});" for r, n, a in _PROTO.findall(_abi_text()))


ffibuilder = FFI()
ffibuilder.cdef(_abi_cdef())
ffibuilder.cdef(_strip_preprocessor((NATIVE / "relay.h").read_text(encoding="utf-8")))
ffibuilder.cdef(_strip_preprocessor((NATIVE / "loader.h").read_text(encoding="utf-8")))
ffibuilder.set_source(
    "aiotim._native._relay",
    '#include "tim_abi.h"\n#include "loopback_ext.h"\n#include "relay.h"\n#include "loader.h"\n'
    + _fn_typedefs(),
    # setuptools wants paths relative to the project root (where setup.py runs)
    sources=["aiotim/_native/relay.c", "aiotim/_native/loader.c"],
    include_dirs=["aiotim/_abi", "aiotim/_native"],
    extra_compile_args=["-std=gnu11", "-O2", "-Wall", "-Wextra", "-D_GNU_SOURCE"],
    libraries=["dl", "pthread"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
