"""The native layer: cffi, the C relay, the runtime loader, pending calls and the pump.

Nothing above this package imports cffi; nothing in it knows of models or events.
"""

from aiotim._abi import CALLBACK_SETTERS, CALLBACKS, FUNCTIONS
from aiotim._native.bridge import Bridge, NotificationSink, RelayStats
from aiotim._native.loader import (
    SDKLibrary,
    SDKSource,
    open_sdk,
    release_sdk,
    resolve_source,
)
from aiotim._native.pending import CallResult, MultiShot, PendingCalls

__all__ = [
    "CALLBACKS",
    "CALLBACK_SETTERS",
    "FUNCTIONS",
    "Bridge",
    "CallResult",
    "MultiShot",
    "NotificationSink",
    "PendingCalls",
    "RelayStats",
    "SDKLibrary",
    "SDKSource",
    "open_sdk",
    "release_sdk",
    "resolve_source",
]
