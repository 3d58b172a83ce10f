"""Conversation addresses: ``C2C(user_id)`` and ``Group(group_id)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

__all__ = ["C2C", "Address", "Group", "address_of"]


@dataclass(frozen=True, slots=True, order=True)
class _AddressBase:
    id: str
    conv_type: ClassVar[int]

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"{type(self).__name__}() needs a non-empty id, got {self.id!r}")
        if "\0" in self.id:
            raise ValueError(f"{type(self).__name__}() id contains a NUL character")


@dataclass(frozen=True, slots=True, order=True)
class C2C(_AddressBase):
    """A one-to-one conversation with the user ``id``."""

    conv_type: ClassVar[int] = 1

    def __repr__(self) -> str:
        return f"C2C({self.id!r})"


@dataclass(frozen=True, slots=True, order=True)
class Group(_AddressBase):
    """A group conversation in the group ``id``."""

    conv_type: ClassVar[int] = 2

    def __repr__(self) -> str:
        return f"Group({self.id!r})"


@dataclass(frozen=True, slots=True, order=True)
class System(_AddressBase):
    """The system conversation (group reports and other system notices)."""

    conv_type: ClassVar[int] = 3

    def __post_init__(self) -> None:  # the system conversation may have an empty id
        pass


Address = C2C | Group | System


_CACHE: dict[tuple[str, int], Address] = {}
_CACHE_MAX = 4096


def address_of(conv_id: str, conv_type: int) -> Address:
    """The address for a ``(conv_id, conv_type)`` pair of the SDK's JSON.

    Addresses are immutable, so equal ones are shared: a small cache (cleared when it grows
    past a few thousand conversations) saves building one per decoded message.

    Raises:
        ValueError: an unknown conversation type, or an empty or NUL-containing id.
    """
    if type(conv_id) is not str or type(conv_type) is not int:  # exact keys only
        return _make(conv_id, conv_type)
    key = (conv_id, conv_type)
    found = _CACHE.get(key)
    if found is None:
        found = _make(conv_id, conv_type)
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[key] = found
    return found


def _make(conv_id: str, conv_type: int) -> Address:
    if conv_type == 1:
        return C2C(conv_id)
    if conv_type == 2:
        return Group(conv_id)
    if conv_type == 3:
        return System(conv_id)
    raise ValueError(f"unknown conversation type {conv_type!r} for conversation {conv_id!r}")
