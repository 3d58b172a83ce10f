"""The loopback SDK: C sources of a shared library with the ABI of ``libImSDK.so``.

Built with the package (``setup.py``) as ``_libimsdk_loopback*.so``; it is ``dlopen``'ed by
``aiotim._native.loader`` (a private copy per client), never imported. It talks to the loopback
cloud (:mod:`aiotim.loopback.cloud`) over a unix socket or 127.0.0.1 (``PROTOCOL.md``).
"""

from __future__ import annotations

from pathlib import Path

from aiotim.errors import SDKNotFound

__all__ = ["loopback_library_path"]


def loopback_library_path() -> Path:
    """The loopback SDK shared library built with this package.

    Raises:
        SDKNotFound: the package was installed without building it.
    """
    here = Path(__file__).resolve().parent
    found = sorted(here.glob("_libimsdk_loopback*.so"))
    if not found:
        raise SDKNotFound(
            f"the loopback SDK is not built in {here}: reinstall aiotim with pip so that it is "
            "compiled"
        )
    return found[0]
