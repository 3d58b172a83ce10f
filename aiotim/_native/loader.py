"""Finding and opening an SDK library at run time (``dlopen`` + one symbol table per library).

The SDK comes from the caller (a path, or an :class:`SDKSource`), else from the environment
variable ``AIOTIM_SDK_PATH``. Each client opens a private copy of the library (the SDK's globals
are its singleton state, so a copy per client is what lets many clients share one process, the
real ``libImSDK.so`` as the loopback): the file is copied into a private temporary directory,
loaded with ``dlopen(RTLD_NOW | RTLD_LOCAL)``, and its name removed at once (the mapping
outlives the name, and a crash leaves nothing behind); :meth:`SDKLibrary.close` unloads it
(``dlclose``) when the client closes.
"""

from __future__ import annotations

import itertools
import logging
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

__all__ = ["SDKLibrary", "SDKSource", "open_sdk", "release_sdk", "resolve_source"]

ENV_SDK_PATH = "AIOTIM_SDK_PATH"
#: ``sdk=`` (or ``AIOTIM_SDK_PATH``) naming the loopback SDK built with this package; it finds
#: its cloud at ``AIOTIM_LOOPBACK_ADDRESS``
LOOPBACK = "loopback"

log = logging.getLogger("aiotim._native")


@dataclass(frozen=True, slots=True)
class SDKSource:
    """Where an SDK comes from and how to open it.

    Args:
        path: the shared library (``libImSDK.so`` or the loopback SDK).
        extra_config: keys merged into ``TIMInit``'s ``json_sdk_config`` (the loopback reads
            ``loopback_address`` there; the real SDK ignores unknown keys).
        private_copy: open a private copy of the file (the default), so that several SDK
            instances can live in one process; each copy is unloaded when its client closes.
            ``False`` opens the file itself, once per process and never unloaded (one client
            at a time: the SDK's state is global to a loaded library).
    """

    path: Path
    extra_config: dict[str, Any] = field(default_factory=dict)
    private_copy: bool = True


def resolve_source(sdk: SDKSource | str | os.PathLike[str] | None) -> SDKSource:
    """Turn the ``sdk=`` argument of :class:`aiotim.Client` into an :class:`SDKSource`.

    ``"loopback"`` (as ``sdk=`` or as ``AIOTIM_SDK_PATH``) is the loopback SDK built with this
    package, for a cloud at ``AIOTIM_LOOPBACK_ADDRESS`` (``aiotim loopback serve`` prints it).

    Raises:
        SDKNotFound: nothing given and ``AIOTIM_SDK_PATH`` unset, or the file does not exist.
    """
    if sdk is None and os.environ.get(ENV_SDK_PATH) == LOOPBACK:
        sdk = LOOPBACK
    if isinstance(sdk, SDKSource):
        source = sdk
    elif sdk == LOOPBACK:
        source = SDKSource(loopback_library())
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


def loopback_library() -> Path:
    """The loopback SDK shared library built with this package (found by path, not by
    import: aiotim.loopback is a layer above this one; ``aiotim.loopback.sdk`` calls this).

    Raises:
        SDKNotFound: the package was installed without building it.
    """
    here = Path(__file__).resolve().parent.parent / "loopback" / "sdk"
    found = sorted(here.glob("_libimsdk_loopback*.so"))
    if not found:
        raise SDKNotFound(
            f"the loopback SDK is not built in {here}: reinstall aiotim with pip so that it is "
            "compiled"
        )
    return found[0]


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
        #: the name the library was loaded under (a private copy's is removed already)
        self.loaded_path = path
        self._handle = handle
        self._fns: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.version = self._version()
        #: the loopback SDK joins its threads in TIMUninit, so an uninitialised copy can be
        #: unloaded; the real one leaves its threads parked in its code (observed: 4 threads per
        #: copy, 8.0.5903), so its copy is kept for the next client instead (see release_sdk)
        self.is_loopback = self.has("TIMLoopbackEcho")

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` unloaded the library."""
        return bool(self._handle == NULL)

    def close(self) -> None:
        """Unload the library (``dlclose``); idempotent.

        Only for a private copy whose SDK is uninitialised (``TIMUninit`` returned, so none of
        its threads runs its code any more) and whose function pointers nobody calls again.
        """
        handle = self._handle
        if handle == NULL:
            return
        with self._lock:
            self._handle = NULL
            self._fns.clear()
        err = ffi.new("char[]", 512)
        if lib.aiotim_dlclose(handle, err, len(err)) != 0:
            log.warning(
                "aiotim: unloading the SDK copy of %s failed: %s",
                self.path,
                ffi.string(err).decode(errors="replace"),
            )

    def _symbol(self, name: str) -> Any:
        if self._handle == NULL:  # dlsym(NULL, ...) would search the whole process
            raise RuntimeError(f"the SDK library {str(self.path)!r} was unloaded")
        return lib.aiotim_dlsym(self._handle, name.encode())

    def _version(self) -> str:
        if not self.has("TIMGetSDKVersion"):
            return "unknown"
        ptr = self.fn("TIMGetSDKVersion")()
        return "unknown" if ptr == NULL else ffi.string(ptr).decode("utf-8", "replace")

    def has(self, name: str) -> bool:
        """Whether the library exports ``name``."""
        return name in self._fns or self._symbol(name) != NULL

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
        ptr = self._symbol(name)
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


# A process-wide counter in each copy's file name: a name is never loaded twice in a process,
# even if a copy was not unloaded (dlopen would hand back the loaded object for a known name).
_copies = itertools.count(1)


def open_sdk(source: SDKSource) -> SDKLibrary:
    """Open ``source``: a private copy (unload it with :meth:`SDKLibrary.close`), or else one
    shared instance per path, never unloaded.

    Raises:
        SDKNotFound: the file cannot be loaded.
        OSError: the copy cannot be made (e.g. the temporary directory is full).
    """
    if source.private_copy:
        with _spares_lock:
            spares = _spares.get(source.path.resolve())
            if spares:
                return spares.pop()
        tmp_dir = tempfile.mkdtemp(prefix="aiotim-sdk-")  # mode 0700: private
        try:
            copy = Path(tmp_dir) / f"{os.getpid()}-{next(_copies)}-{source.path.name}"
            shutil.copyfile(source.path, copy)
            return SDKLibrary(copy, display_path=source.path)
        finally:
            # The mapping outlives the name; nothing is left in the temporary directory.
            shutil.rmtree(tmp_dir, ignore_errors=True)
    key = source.path.resolve()
    with _singletons_lock:
        if key not in _singletons:
            _singletons[key] = SDKLibrary(key)
        return _singletons[key]


# Uninitialised private copies that cannot be unloaded (the real SDK's), per source file: the
# next client takes one instead of loading a new copy, so a process holds as many copies as it
# ever had clients open at once, not one per client it ever opened.
_spares: dict[Path, list[SDKLibrary]] = {}
_spares_lock = threading.Lock()


def release_sdk(sdk: SDKLibrary, source: SDKSource) -> None:
    """Give back a library opened with :func:`open_sdk` whose SDK is uninitialised.

    A private copy of the loopback SDK is unloaded (its threads ended in ``TIMUninit``); a
    private copy of another SDK is kept for the next client of the same file (unloading it would
    pull its code from under the threads it leaves running); a shared library stays loaded.
    """
    if not source.private_copy or sdk.closed:
        return
    if sdk.is_loopback:
        sdk.close()
        return
    with _spares_lock:
        _spares.setdefault(source.path.resolve(), []).append(sdk)
