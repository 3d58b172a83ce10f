"""The loopback: a local stand-in for Tencent's IM cloud and for ``libImSDK.so``, offline.

``Cloud`` (embedded, on its own thread) is the public entry point; ``aiotim loopback serve``
runs the same server standalone (:mod:`aiotim.loopback.cloud.serve`).

Layout (each layer imports only the ones before it, type-checking imports included):

- ``sdk/``: the loopback SDK, C sources of a shared library with the ABI of ``libImSDK.so``
  (its C layers are listed at the top of ``sdk/lb_abi.h``) and the wire protocol it speaks,
  ``sdk/PROTOCOL.md``.
- ``cloud/`` and ``handlers/``: the IM cloud in Python (asyncio), lowest first:

  1. ``cloud/protocol`` (frames), ``cloud/state`` (the Store: StoredMessage, StoredConversation,
     inboxes, SQLite), ``cloud/address`` (unix or loopback TCP only): the leaves;
  2. ``cloud/jsonshapes``: the SDK's JSON objects (Message, ConvInfo, ...);
  3. ``cloud/views``: those objects as one user sees them, looked up in the Store;
  4. ``cloud/connection``: one SDK connection (ordered, batched output);
  5. ``cloud/app``: the App (SDKAppID, key, Store, who is logged in on which connection);
  6. ``handlers/``: what the cloud does for each TIM function, one module per domain, and the
     registry that dispatches a call to them (:func:`aiotim.loopback.handlers.served_functions`);
  7. ``cloud/server``: the listener, the hello, dispatch, persistence, faults;
  8. ``cloud/embedded`` (``Cloud``) and ``cloud/serve`` (the CLI).
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
