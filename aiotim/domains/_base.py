"""What the Client's domain mixins need from :class:`aiotim.Client` (declared once).

``Client`` implements these; the mixins (messages, conversations, event streams, bot helpers)
only call them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiotim.events.stream import OverflowPolicy, Stream

__all__ = ["ClientCore"]


class ClientCore:
    """The base of the Client's mixins: the two primitives they are built on."""

    if TYPE_CHECKING:
        async def _call_json(self, function: str, *args: Any) -> Any:
            """Call a TIMCommCallback function; its decoded JSON result, or TIMError."""

        def _stream(self, kind: str, where: Callable[[Any], bool] | None = None, *,
                    maxsize: int | None = None, overflow: OverflowPolicy = "drop_oldest",
                    ) -> Stream[Any]:
            """A new stream of the notification ``kind`` (a setter name)."""
