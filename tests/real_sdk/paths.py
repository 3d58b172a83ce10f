"""Where ``scripts/fetch-real-sdk`` caches the real SDK, and whether it is there: the package's
own :mod:`aiotim._abi.vendor`, under the names the real-SDK tests use."""

from aiotim._abi.vendor import (
    INCLUDE_RELPATH,
    LIBRARY_RELPATH,
    PACKAGE,
    SKIP_REASON,
    VERSION,
    cache_root,
    cached_include_dir,
    cached_library,
    version_dir,
)

__all__ = [
    "INCLUDE_RELPATH",
    "LIBRARY_RELPATH",
    "PACKAGE",
    "SKIP_REASON",
    "VERSION",
    "cache_root",
    "cached_include_dir",
    "cached_library",
    "version_dir",
]
