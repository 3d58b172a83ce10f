"""Finding and opening an SDK library at run time (``dlopen`` + one symbol table per library).

The SDK comes from the caller (a path, or an :class:`SDKSource`), else from the environment
variable ``AIOTIM_SDK_PATH``. The loopback SDK built with this package is opened as a private
copy per client (its globals are the SDK's singleton state), so a bot and its peers can share
one process; the real ``libImSDK.so`` is a process-wide singleton and is opened once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiotim._abi import FUNCTIONS, LOOPBACK_FUNCTIONS
from aiotim._native._ffi import NULL, ffi, lib
from aiotim.errors import SDKNotFound, UnsupportedBySDK

__all__ = ["SDKLibrary", "SDKSource", "open_sdk", "resolve_source"]

ENV_SDK_PATH = "AIOTIM_SDK_PATH"


@dataclass(frozen=True, slots=True)
class SDKSource:
    """Where an SDK comes from and how to open it.

    Args:
        path: the shared library (``libImSDK.so`` or the loopback SDK).
        extra_config: keys merged into ``TIMInit``'s ``json_sdk_config`` (the loopback reads
            ``loopback_address`` there; the real SDK ignores unknown keys).
        private_copy: open a private copy of the file, so that several SDK instances can live in
            one process. Only meaningful for the loopback SDK.
    """

    path: Path
    extra_config: dict[str, Any] = field(default_factory=dict)
    private_copy: bool = False


def resolve_source(sdk: SDKSource | str | os.PathLike[str] | None) -> SDKSource:
    """Turn the ``sdk=`` argument of :class:`aiotim.Client` into an :class:`SDKSource`.

    Raises:
        SDKNotFound: nothing given and ``AIOTIM_SDK_PATH`` unset, or the file does not exist.
    """
    if isinstance(sdk, SDKSource):
        source = sdk
    elif sdk is not None:
        source = SDKSource(Path(sdk))
    elif os.environ.get(ENV_SDK_PATH):
        source = SDKSource(Path(os.environ[ENV_SDK_PATH]))
    else:
        raise SDKNotFound(
            "no SDK given: set AIOTIM_SDK_PATH to libImSDK.so, or use aiotim.loopback for "
            "offline use"
        )
    if not source.path.is_file():
        raise SDKNotFound(
            f"SDK library {str(source.path)!r} does not exist: set AIOTIM_SDK_PATH to "
            "libImSDK.so, or use aiotim.loopback for offline use"
        )
    return source


class SDKLibrary:
    """An opened SDK: its handle and a lazily filled table of typed function pointers."""

    def __init__(self, path: Path, display_path: Path | None = None) -> None:
        err = ffi.new("char[]", 512)
        handle = lib.aiotim_dlopen(os.fsencode(path), err, len(err))
        if handle == NULL:
            raise SDKNotFound(
                f"cannot load SDK {str(display_path or path)!r}: "
                f"{ffi.string(err).decode(errors='replace')}"
            )
        self.path = display_path or path
        self._handle = handle
        self._fns: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.version = self._version()

    def _version(self) -> str:
        if not self.has("TIMGetSDKVersion"):
            return "unknown"
        ptr = self.fn("TIMGetSDKVersion")()
        return "unknown" if ptr == NULL else ffi.string(ptr).decode("utf-8", "replace")

    def has(self, name: str) -> bool:
        """Whether the library exports ``name``."""
        return name in self._fns or lib.aiotim_dlsym(self._handle, name.encode()) != NULL

    def fn(self, name: str) -> Any:
        """The function ``name`` as a typed cffi function pointer.

        Raises:
            UnsupportedBySDK: the library does not export it.
            KeyError: ``name`` is not a function of the TIM ABI.
        """
        found = self._fns.get(name)
        if found is not None:
            return found
        if name not in FUNCTIONS and name not in LOOPBACK_FUNCTIONS:
            raise KeyError(f"{name!r} is not a function of the TIM ABI")
        ptr = lib.aiotim_dlsym(self._handle, name.encode())
        if ptr == NULL:
            version = getattr(self, "version", "unknown")
            raise UnsupportedBySDK(name, version)
        with self._lock:
            found = self._fns[name] = ffi.cast(f"{name}_fn", ptr)
        return found

    def exported(self) -> list[str]:
        """The functions of the TIM ABI this library exports."""
        return [name for name in FUNCTIONS if self.has(name)]


_singletons: dict[Path, SDKLibrary] = {}
_singletons_lock = threading.Lock()


def open_sdk(source: SDKSource) -> SDKLibrary:
    """Open ``source``: a private copy when asked, else one shared instance per path."""
    if source.private_copy:
        fd, tmp = tempfile.mkstemp(prefix="aiotim-sdk-", suffix=".so")
        try:
            with os.fdopen(fd, "wb") as out, open(source.path, "rb") as src:
                shutil.copyfileobj(src, out)
            return SDKLibrary(Path(tmp), display_path=source.path)
        finally:
            # The mapping outlives the name; nothing is left in /tmp.
            os.unlink(tmp)
    key = source.path.resolve()
    with _singletons_lock:
        if key not in _singletons:
            _singletons[key] = SDKLibrary(key)
        return _singletons[key]
