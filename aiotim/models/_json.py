"""Small typed accessors for the SDK's JSON objects, raising PayloadError on a wrong type."""

from __future__ import annotations

from typing import Any, TypeAlias

from aiotim.errors import PayloadError

#: a JSON object as ``orjson.loads`` returns it (the type of every ``.raw``)
JSONObject: TypeAlias = dict[str, Any]
#: any JSON value as ``orjson.loads`` returns it
JSONValue: TypeAlias = str | int | float | bool | list["JSONValue"] | dict[str, "JSONValue"] | None


def obj(value: Any, what: str) -> JSONObject:
    """``value`` as a JSON object, or PayloadError naming ``what``."""
    if not isinstance(value, dict):
        raise PayloadError(what, f"expected a JSON object, got {type(value).__name__}")
    return value


def get_str(d: JSONObject, key: str, what: str, default: str = "") -> str:
    """``d[key]`` as a str (``default`` when absent)."""
    value = d.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise PayloadError(what, f"{key!r} should be a string, got {type(value).__name__}")
    return value


def get_int(d: JSONObject, key: str, what: str, default: int = 0) -> int:
    """``d[key]`` as an int (``default`` when absent)."""
    value = d.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(what, f"{key!r} should be an integer, got {type(value).__name__}")
    return value


def get_bool(d: JSONObject, key: str, what: str, default: bool = False) -> bool:
    """``d[key]`` as a bool (``default`` when absent)."""
    value = d.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise PayloadError(what, f"{key!r} should be a boolean, got {type(value).__name__}")
    return value


def get_obj(d: JSONObject, key: str, what: str) -> JSONObject | None:
    """``d[key]`` as a JSON object (``None`` when absent, null or empty)."""
    value = d.get(key)
    if value is None or value == {}:
        return None
    return obj(value, f"{what} {key!r}")


def get_list(d: JSONObject, key: str, what: str) -> list[Any]:
    """``d[key]`` as a JSON array (empty when absent)."""
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(what, f"{key!r} should be an array, got {type(value).__name__}")
    return value


def get_str_list(d: JSONObject, key: str, what: str) -> tuple[str, ...]:
    """``d[key]`` as a JSON array of strings (empty when absent)."""
    return str_items(get_list(d, key, what), f"{what} {key!r}")


def str_items(items: list[Any], what: str) -> tuple[str, ...]:
    """Every item of ``items`` as a str, or PayloadError naming ``what``."""
    for item in items:
        if not isinstance(item, str):
            raise PayloadError(what, f"expected strings, got {type(item).__name__}")
    return tuple(items)


def key_values(items: list[Any], key: str, value: str, what: str) -> dict[str, Any]:
    """``[{key: k, value: v}, ...]`` as ``{k: v}`` (the SDK's custom-field arrays)."""
    out: dict[str, Any] = {}
    for item in items:
        d = obj(item, what)
        out[get_str(d, key, what)] = d.get(value)
    return out
