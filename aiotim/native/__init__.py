"""The native layer: cffi, the C relay, the runtime loader, pending calls and the pump.

Nothing above this package imports cffi; nothing in it knows of models or events.
"""

from aiotim.native.abi import CALLBACK_SETTERS, CALLBACKS, FUNCTIONS
from aiotim.native.bridge import Bridge, NotificationSink, RelayStats
from aiotim.native.loader import (
    SDKLibrary,
    SDKSource,
    loopback_library_path,
    open_sdk,
    resolve_source,
)
from aiotim.native.pending import CallResult, PendingCall, PendingCalls

__all__ = [
    "CALLBACKS",
    "CALLBACK_SETTERS",
    "FUNCTIONS",
    "Bridge",
    "CallResult",
    "NotificationSink",
    "PendingCall",
    "PendingCalls",
    "RelayStats",
    "SDKLibrary",
    "SDKSource",
    "loopback_library_path",
    "open_sdk",
    "resolve_source",
]
