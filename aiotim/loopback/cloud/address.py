"""Addresses of the loopback cloud: ``unix:/abs/path.sock`` or ``tcp:HOST:PORT`` (loopback only).

The loopback must never become a network service: a TCP host that is not a loopback address is
refused here, before anything binds.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

__all__ = [
    "Address",
    "LoopbackAddressError",
    "LoopbackAppIdError",
    "LoopbackError",
    "parse_address",
]


class LoopbackError(ConnectionError):
    """The loopback cloud cannot be used from here (the message says why and what to do)."""


class LoopbackAddressError(LoopbackError):
    """No loopback cloud answers at the address: nothing listens there, or something else."""


class LoopbackAppIdError(LoopbackError):
    """The loopback cloud at the address serves another SDKAppID."""


@dataclass(frozen=True, slots=True)
class Address:
    """A parsed address: ``kind`` is ``"unix"`` (``path``) or ``"tcp"`` (``host``, ``port``)."""

    kind: str
    path: str = ""
    host: str = ""
    port: int = 0

    def __str__(self) -> str:
        if self.kind == "unix":
            return f"unix:{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp:{host}:{self.port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_address(text: str) -> Address:
    """Parse ``unix:/path`` or ``tcp:HOST:PORT`` (``tcp:[::1]:PORT`` for IPv6).

    Raises:
        ValueError: unknown scheme, relative unix path, bad port, or a host that is not a
            loopback address (127.0.0.0/8, ``::1``, ``localhost``).
    """
    scheme, sep, rest = text.partition(":")
    if not sep:
        raise ValueError(f"address {text!r}: expected 'unix:/path' or 'tcp:127.0.0.1:PORT'")
    if scheme == "unix":
        if not rest.startswith("/"):
            raise ValueError(f"address {text!r}: a unix socket path must be absolute")
        return Address("unix", path=rest)
    if scheme != "tcp":
        raise ValueError(f"address {text!r}: unknown scheme {scheme!r} (use unix: or tcp:)")
    host, sep, port_text = rest.rpartition(":")
    if not sep or not port_text.isdecimal() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"address {text!r}: expected tcp:HOST:PORT with a port 0-65535")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not _is_loopback(host):
        raise ValueError(
            f"address {text!r}: the loopback cloud only listens on loopback addresses "
            "(127.0.0.0/8, ::1, localhost)"
        )
    return Address("tcp", host=host, port=int(port_text))
