"""Helpers for the decoders: callback arguments (``bytes``/``None``, ``int``, ``bool``) to
Python values, raising PayloadError naming the notification kind, and :func:`payload`, an
event's ``raw`` for the callbacks whose arguments are not one JSON object."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import orjson

from aiotim._abi import CALLBACK_SETTERS
from aiotim.errors import PayloadError
from aiotim.models._json import JSONObject

T = TypeVar("T")
Args = tuple[Any, ...]
Decoder = Callable[[Args], list[Any]]
#: decodes a run of notifications at once (speed only); any exception sends the run through the
#: kind's checked Decoder, one notification at a time
BatchDecoder = Callable[[list[Args]], list[Any]]
#: event type, decoder, and whether a payload yields one event per array element
Spec = tuple[type, Decoder, bool]


def text(value: bytes | None, kind: str) -> str:
    """A callback string as ``str``; PayloadError when it is not UTF-8."""
    if value is None:
        return ""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError(kind, f"invalid UTF-8 at byte {exc.start}", excerpt=value[:64]) from None


def json(value: bytes | None, kind: str) -> Any:
    """A callback JSON string decoded; PayloadError when it is not valid UTF-8 JSON."""
    if not value:
        return None
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise PayloadError(kind, f"malformed JSON: {exc}", excerpt=value[:64]) from None


def array(value: bytes | None, kind: str) -> list[Any]:
    """A callback JSON array (empty for an empty string)."""
    data = json(value, kind)
    if data is None:
        return []
    if not isinstance(data, list):
        raise PayloadError(
            kind,
            f"expected a JSON array, got {type(data).__name__}",
            excerpt=value[:64] if value else None,
        )
    return data


def items(value: bytes | None, kind: str) -> list[Any]:
    """A JSON array's elements, or a single JSON object as one element (the SDK has sent both
    shapes for some notifications across versions)."""
    data = json(value, kind)
    if data is None:
        return []
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list):
        raise PayloadError(kind, f"expected a JSON array or object, got {type(data).__name__}")
    return data


def obj(value: bytes | None, kind: str) -> dict[str, Any]:
    """A callback JSON object (empty for an empty string)."""
    data = json(value, kind)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PayloadError(
            kind,
            f"expected a JSON object, got {type(data).__name__}",
            excerpt=value[:64] if value else None,
        )
    return data


def strings(value: bytes | None, kind: str) -> tuple[str, ...]:
    """A callback JSON array of strings."""
    data = array(value, kind)
    for item in data:
        if not isinstance(item, str):
            raise PayloadError(kind, f"expected an array of strings, got a {type(item).__name__}")
    return tuple(data)


def integer(value: Any, kind: str, name: str) -> int:
    """An integer argument (the relay delivers ``int``; anything else is a bug upstream)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(kind, f"{name} should be an integer, got {type(value).__name__}")
    return value


def boolean(value: Any, kind: str, name: str) -> bool:
    """A ``bool`` argument (the relay may deliver it as 0/1)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise PayloadError(kind, f"{name} should be a boolean, got {value!r}")


def _names(kind: str) -> tuple[str, ...]:
    return tuple(p.name for p in CALLBACK_SETTERS[kind].args)


_NAMES: dict[str, tuple[str, ...]] = {}


def payload(kind: str, *values: Any) -> JSONObject:
    """The callback's decoded arguments by their parameter names in the header (an event's
    ``raw`` when it does not stand for one JSON object); ``values`` in the header's order."""
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = _names(kind)
    if len(names) != len(values):  # pragma: no cover - a programming error in a decoder
        raise TypeError(f"{kind} has {len(names)} arguments {names}, got {len(values)} values")
    return dict(zip(names, values, strict=True))


class PartialPayload(Exception):
    """Some items of a notification were malformed and dropped; ``items`` are the events of the
    others. The hub delivers ``items`` and counts each of ``errors`` as a payload error (like
    malformed JSON)."""

    def __init__(self, items: list[Any], errors: list[PayloadError]) -> None:
        super().__init__(f"{len(errors)} malformed item(s) dropped: {errors[0]}")
        self.items = items
        self.errors = errors


def each(values: Iterable[Any], build: Callable[[Any], T]) -> list[T]:
    """``build`` of each value; a value whose ``build`` raises PayloadError (e.g. an object
    without its required id) is dropped, and :class:`PartialPayload` carries the rest."""
    out: list[T] = []
    errors: list[PayloadError] = []
    for value in values:
        try:
            out.append(build(value))
        except PayloadError as exc:
            errors.append(exc)
    if errors:
        raise PartialPayload(out, errors)
    return out


def per_id(
    value: bytes | None,
    kind: str,
    raw: Callable[[list[str]], JSONObject],
    event: Callable[[str, JSONObject], T],
) -> list[T]:
    """One ``event(id, raw(ids))`` per id of a callback JSON array of ids (strings); an empty
    id is dropped and counted (:class:`PartialPayload`)."""
    data = strings(value, kind)
    ids = [i for i in data if i]
    shared = raw(list(data) if len(ids) == len(data) else ids)
    events = [event(i, shared) for i in ids]
    if len(ids) != len(data):
        errors = [PayloadError(kind, "an empty id") for i in data if not i]
        raise PartialPayload(events, errors)
    return events


def an_id(value: bytes | None, kind: str) -> str:
    """A callback string that is an id: PayloadError when empty."""
    found = text(value, kind)
    if not found:
        raise PayloadError(kind, "an empty id")
    return found


def events_of(
    values: Iterable[Any], model: Callable[[Any], Any], event: Callable[..., T]
) -> list[T]:
    """``event(item, raw=item.raw)`` for each ``item = model(value)``, malformed ones dropped
    (see :func:`each`)."""

    def build(value: Any) -> T:
        item = model(value)
        return event(item, raw=item.raw)

    return each(values, build)


def per_group_id(kind: str, event: Callable[..., T]) -> Callable[[Args], list[T]]:
    """The decoder of a ``(group_id, JSON array of ids)`` callback: one ``event(group_id, id,
    raw=...)`` per id (see :func:`per_id`)."""

    def decode(args: Args) -> list[T]:
        group_id = an_id(args[0], kind)
        return per_id(
            args[1],
            kind,
            lambda ids: payload(kind, group_id, ids),
            lambda i, raw: event(group_id, i, raw=raw),
        )

    return decode
