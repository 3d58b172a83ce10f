"""The loopback SDK: C sources of a shared library with the ABI of ``libImSDK.so``.

Built with the package (``setup.py``) as ``_libimsdk_loopback*.so``; it is ``dlopen``'ed by
``aiotim._native.loader`` (a private copy per client), never imported. It talks to the loopback
cloud (:mod:`aiotim.loopback.cloud`) over a unix socket or 127.0.0.1 (``PROTOCOL.md``).

Its C layers, lowest first (the order is written at the top of every header, in detail in
``lb_abi.h``): ``lb_abi.h``, ``lb_clock.h`` -> ``json.c``, ``wire.c``, ``callbacks.c`` (the
user's registrations) -> ``queue.c`` (the callback thread) -> ``media.c`` (a send's media
files, read in chunks for upload) -> ``net.c`` (the network thread)
-> ``sdk.c`` (the instance, local answers, forwarding) -> ``api.c`` (the generated exports).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["loopback_library_path"]


def loopback_library_path() -> Path:
    """The loopback SDK shared library built with this package.

    Raises:
        SDKNotFound: the package was installed without building it.
    """
    from aiotim._native.loader import loopback_library

    return loopback_library()
