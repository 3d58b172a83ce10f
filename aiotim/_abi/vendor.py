"""The vendor release ``tim_abi.h`` mirrors, and where ``scripts/fetch-real-sdk`` caches it.

``tim_abi.h`` is read from the headers of ``im_electron_sdk@8.0.5906`` (the npm package in which
Tencent ships the Linux ``libImSDK.so`` and its C headers). The conformance test and
``scripts/gen_enums.py`` compare the binding with those headers when they are cached; nothing
here fetches them or loads the library. Stdlib only, like the rest of ``aiotim._abi``.
"""

from __future__ import annotations

import os
from pathlib import Path

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

PACKAGE = "im_electron_sdk"
VERSION = "8.0.5906"

#: Relative to the cache directory of this version.
LIBRARY_RELPATH = Path("package/lib/linux/lib/libImSDK.so")
INCLUDE_RELPATH = Path("package/lib/linux/include")

SKIP_REASON = (
    f"the real SDK ({PACKAGE}@{VERSION}) is not cached: run scripts/fetch-real-sdk "
    "(needs npm and network once; set AIOTIM_CACHE to use another cache directory)"
)


def cache_root() -> Path:
    """``$AIOTIM_CACHE``, else ``~/.cache/aiotim``."""
    env = os.environ.get("AIOTIM_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "aiotim"


def version_dir() -> Path:
    """The cache directory of this SDK version (it may not exist)."""
    return cache_root() / f"{PACKAGE}-{VERSION}"


def cached_library() -> Path | None:
    """The cached ``libImSDK.so`` (x86-64), or None when it has not been fetched."""
    path = version_dir() / LIBRARY_RELPATH
    return path if path.is_file() else None


def cached_include_dir() -> Path | None:
    """The cached directory of vendor headers, or None when it has not been fetched."""
    path = version_dir() / INCLUDE_RELPATH
    return path if (path / "TIMCloud.h").is_file() else None
