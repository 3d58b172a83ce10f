"""Session events: the connection to the IM cloud, being kicked offline, the UserSig expiring,
the SDK's own log and its experimental notifications; and :class:`RawEvent`."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiotim.enums import NetworkStatus
from aiotim.errors import PayloadError
from aiotim.events import _decode as d
from aiotim.events.base import Event
from aiotim.models._json import JSONObject, JSONValue

__all__ = [
    "ExperimentalNotify",
    "KickedOffline",
    "NetworkStatusChanged",
    "RawEvent",
    "SDKLogRecord",
    "UserSigExpired",
]


@dataclass(frozen=True, slots=True)
class NetworkStatusChanged(Event):
    """The SDK's connection to the IM cloud changed (``TIMSetNetworkStatusListenerCallback``)."""

    status: NetworkStatus
    code: int
    desc: str


@dataclass(frozen=True, slots=True)
class KickedOffline(Event):
    """This user logged in elsewhere and this client was logged out
    (``TIMSetKickedOfflineCallback``)."""


@dataclass(frozen=True, slots=True)
class UserSigExpired(Event):
    """The UserSig expired while logged in; log in again with a fresh one
    (``TIMSetUserSigExpiredCallback``)."""


@dataclass(frozen=True, slots=True)
class SDKLogRecord(Event):
    """A line of the SDK's own log (``TIMSetLogCallback``); aiotim also forwards these to the
    ``aiotim.sdk`` logger. ``level`` is a :class:`aiotim.enums.LogLevel` value."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class ExperimentalNotify(Event):
    """An experimental notification of the SDK (``TIMSetExperimentalNotifyCallback``): a key
    and its data, JSON-decoded when it is JSON (else the text)."""

    key: str
    data: JSONValue = field(hash=False)


@dataclass(frozen=True, slots=True)
class RawEvent(Event):
    """A notification as the setter's name and its decoded arguments by parameter name (``str``
    for strings, JSON-decoded for the ``json_*``/array/info parameters). Every kind of the
    catalog has a typed event; this stays for code that builds its own raw view."""

    setter: str
    args: JSONObject = field(hash=False)


# -- decoders ---------------------------------------------------------------------------------


def _network(args: d.Args) -> list[Event]:
    kind = "TIMSetNetworkStatusListenerCallback"
    status, code, desc = args
    try:
        st = NetworkStatus(status)
    except ValueError:
        raise PayloadError(kind, f"unknown network status {status}") from None
    code = d.integer(code, kind, "code")
    text = d.text(desc, kind)
    return [NetworkStatusChanged(st, code, text, raw=d.payload(kind, int(st), code, text))]


def _kicked(args: d.Args) -> list[Event]:
    return [KickedOffline(raw=d.payload("TIMSetKickedOfflineCallback"))]


def _expired(args: d.Args) -> list[Event]:
    return [UserSigExpired(raw=d.payload("TIMSetUserSigExpiredCallback"))]


def _log(args: d.Args) -> list[Event]:
    kind = "TIMSetLogCallback"
    level, text = d.integer(args[0], kind, "level"), d.text(args[1], kind)
    return [SDKLogRecord(level, text, raw=d.payload(kind, level, text))]


def _experimental(args: d.Args) -> list[Event]:
    kind = "TIMSetExperimentalNotifyCallback"
    key = d.text(args[0], kind)
    text = d.text(args[1], kind)
    data: JSONValue = d.json(args[1], kind) if text[:1] in ("{", "[") else text
    return [ExperimentalNotify(key, data, raw=d.payload(kind, key, data))]


SPECS: dict[str, d.Spec] = {
    "TIMSetNetworkStatusListenerCallback": (NetworkStatusChanged, _network, False),
    "TIMSetKickedOfflineCallback": (KickedOffline, _kicked, False),
    "TIMSetUserSigExpiredCallback": (UserSigExpired, _expired, False),
    "TIMSetLogCallback": (SDKLogRecord, _log, False),
    "TIMSetExperimentalNotifyCallback": (ExperimentalNotify, _experimental, False),
}
