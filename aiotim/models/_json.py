"""Small typed accessors for the SDK's JSON objects, raising PayloadError on a wrong type."""

from __future__ import annotations

from typing import Any

from aiotim.errors import PayloadError

JSONObject = dict[str, Any]


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
