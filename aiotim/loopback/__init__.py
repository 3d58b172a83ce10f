"""The loopback IM cloud: a local stand-in for Tencent's IM servers that the loopback SDK uses.

``Cloud`` (embedded, on its own thread) is the public entry point; ``aiotim loopback serve``
runs the same server standalone (:mod:`aiotim.loopback.cloud.serve`). The wire protocol is in
``aiotim/loopback/sdk/PROTOCOL.md`` and :mod:`aiotim.loopback.cloud.protocol`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Cloud"]

if TYPE_CHECKING:
    from aiotim.loopback.cloud.embedded import Cloud as Cloud


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the frame codec does not pull in the server and anyio.
    if name == "Cloud":
        from aiotim.loopback.cloud.embedded import Cloud

        return Cloud
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
