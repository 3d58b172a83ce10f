"""Predicates for streams and handlers: ``conv=``, ``sender=``, ``text=``, ``where=``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aiotim.models import Message
from aiotim.models.address import Address

__all__ = ["conversation_key", "message_filter"]


def message_filter(
    *,
    conv: Address | None = None,
    sender: str | None = None,
    text: str | re.Pattern[str] | None = None,
    where: Callable[[Message], bool] | None = None,
) -> Callable[[Message], bool] | None:
    """One predicate from the filters given (``None`` when none is)."""
    pattern = re.compile(text) if isinstance(text, str) else text
    checks: list[Callable[[Message], bool]] = []
    if conv is not None:
        checks.append(lambda m: m.conv == conv)
    if sender is not None:
        checks.append(lambda m: m.sender == sender)
    if pattern is not None:
        checks.append(lambda m: m.text is not None and pattern.search(m.text) is not None)
    if where is not None:
        checks.append(where)
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]

    def predicate(m: Message) -> bool:
        return all(c(m) for c in checks)

    return predicate


def conversation_key(event: Any) -> object:
    """The conversation an event belongs to (handlers run serially per key)."""
    conv = getattr(event, "conv", None)
    if conv is not None:
        return conv
    inner = getattr(event, "conversation", None)
    if inner is not None and getattr(inner, "conv", None) is not None:
        return inner.conv
    return type(event)  # events without a conversation: serial per event type
