"""The loopback: a local stand-in for Tencent's IM cloud and for ``libImSDK.so``, offline.

``Cloud`` (embedded, on its own thread) is the public entry point; ``aiotim loopback serve``
runs the same server standalone (:mod:`aiotim.loopback.cloud.serve`), and :func:`connect` gives
a client of it in another process.

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

import os
import socket
from typing import TYPE_CHECKING, Any

from aiotim.loopback.cloud.address import (
    LoopbackAddressError,
    LoopbackAppIdError,
    LoopbackError,
    parse_address,
)
from aiotim.loopback.cloud.plan import Plan

__all__ = [
    "ENV_ADDRESS",
    "ENV_APP_ID",
    "Cloud",
    "Limits",
    "LoopbackAddressError",
    "LoopbackAppIdError",
    "LoopbackError",
    "Plan",
    "connect",
    "probe",
]

if TYPE_CHECKING:
    from aiotim.client import Client
    from aiotim.loopback.cloud.connection import Limits as Limits
    from aiotim.loopback.cloud.embedded import Cloud as Cloud

#: where :func:`connect` (and the loopback SDK itself) finds the cloud's address
ENV_ADDRESS = "AIOTIM_LOOPBACK_ADDRESS"
#: where :func:`connect` finds the SDKAppID when none is given
ENV_APP_ID = "AIOTIM_SDK_APP_ID"


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the frame codec does not pull in the server and anyio.
    if name == "Cloud":
        from aiotim.loopback.cloud.embedded import Cloud

        return Cloud
    if name == "Limits":
        from aiotim.loopback.cloud.connection import Limits

        return Limits
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def probe(address: str, sdk_app_id: int, *, timeout_s: float = 5.0) -> None:
    """Check that a loopback cloud listens at ``address`` and serves ``sdk_app_id``: connect,
    say hello as an SDK does, and wait for the welcome (milliseconds on a live cloud).

    Raises:
        ValueError: ``address`` does not parse, or is not a loopback address.
        LoopbackAddressError: nothing listens there, or something that is not a loopback cloud.
        LoopbackAppIdError: the cloud there serves another SDKAppID (it closed the connection
            at the hello).
    """
    from aiotim.loopback.cloud.protocol import (
        PROTOCOL_NAME,
        ProtocolError,
        decode_fields,
        encode_frame,
    )

    addr = parse_address(address)
    how = "aiotim loopback serve prints the address it listens on"
    if addr.kind == "unix":
        family, target = socket.AF_UNIX, addr.path
    else:
        family = socket.AF_INET6 if ":" in addr.host else socket.AF_INET
        target = (addr.host, addr.port)  # type: ignore[assignment]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout_s)
        try:
            sock.connect(target)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise LoopbackAddressError(
                f"no loopback cloud at {address} ({reason}): check the address ({how}) and "
                "that the cloud is running"
            ) from None
        try:
            sock.sendall(encode_frame("H", [PROTOCOL_NAME, sdk_app_id, "aiotim-probe"]))
            head = _recv_exactly(sock, 4)
            if head:
                size = int.from_bytes(head, "big")
                body = _recv_exactly(sock, size) if len(head) == 4 and size < 1 << 16 else b""
                ftype, answer = decode_fields(body)
        except (TimeoutError, ProtocolError, OSError) as exc:
            raise LoopbackAddressError(
                f"what listens at {address} does not answer as a loopback cloud ({exc}): check "
                f"the address ({how})"
            ) from None
        if head and ftype == "X":  # the cloud refused the hello: another SDKAppID
            said = answer[1] if len(answer) > 1 and isinstance(answer[1], bytes) else b""
            why = said.decode("utf-8", "replace") or "it serves another app"
            raise LoopbackAppIdError(
                f"the loopback cloud at {address} refused SDKAppID {sdk_app_id}: {why}; use "
                "the --app-id it was started with"
            )
        if not head:  # a cloud closes a well-formed hello only for another SDKAppID
            raise LoopbackAppIdError(
                f"the loopback cloud at {address} refused SDKAppID {sdk_app_id}: it serves "
                "another app; use the --app-id it was started with"
            )
        if ftype != "W":
            raise LoopbackAddressError(
                f"what listens at {address} does not answer as a loopback cloud: check the "
                f"address ({how})"
            )


def connect(
    address: str | None = None,
    sdk_app_id: int | None = None,
    *,
    timeout_s: float = 5.0,
    **client_kw: Any,
) -> Client:
    """An :class:`aiotim.Client` on the loopback SDK, for a loopback cloud in another process
    (``aiotim loopback serve``): no library path to find, and a wrong address or app id fails
    here, at once, saying which (rather than a login that waits 30 s)::

        async with aiotim.loopback.connect("unix:/tmp/aiotim-loopback-x/cloud.sock",
                                           1400000001) as bot:
            await bot.login("bot", user_sig)

    Args:
        address: ``unix:/path.sock`` or ``tcp:127.0.0.1:PORT``; default
            ``$AIOTIM_LOOPBACK_ADDRESS``.
        sdk_app_id: the app the cloud serves; default ``$AIOTIM_SDK_APP_ID``.
        timeout_s: how long the check may wait for the cloud's answer.
        **client_kw: passed on to :class:`aiotim.Client` (``data_dir``, …).

    Returns:
        The client, not yet entered (``async with`` it).

    Raises:
        ValueError: no address or app id given nor in the environment, or a malformed one.
        LoopbackAddressError: no loopback cloud answers at the address.
        LoopbackAppIdError: the cloud there serves another SDKAppID.
    """
    from aiotim._native.loader import SDKSource
    from aiotim.client import Client
    from aiotim.loopback.sdk import loopback_library_path

    if address is None:
        address = os.environ.get(ENV_ADDRESS) or None
        if address is None:
            raise ValueError(
                f"no loopback address: pass connect(address, ...) or set {ENV_ADDRESS} (the line "
                "aiotim loopback serve prints)"
            )
    if sdk_app_id is None:
        text = os.environ.get(ENV_APP_ID, "")
        if not text.strip().isdecimal():
            raise ValueError(
                f"no SDKAppID: pass connect(address, sdk_app_id) or set {ENV_APP_ID} (the "
                "--app-id the cloud was started with)"
            )
        sdk_app_id = int(text)
    if isinstance(sdk_app_id, bool) or not isinstance(sdk_app_id, int) or sdk_app_id <= 0:
        raise ValueError(f"sdk_app_id must be a positive int, got {sdk_app_id!r}")
    canonical = str(parse_address(address))
    probe(canonical, sdk_app_id, timeout_s=timeout_s)
    source = SDKSource(
        path=loopback_library_path(),
        extra_config={"loopback_address": canonical},
        private_copy=True,
    )
    return Client(sdk_app_id, sdk=source, **client_kw)
