"""What every domain is built on: the client's two primitives, declared once.

A domain (``client.messages``, ``client.friends``, …) is a namespace object holding the
:class:`Core` it was made with — the :class:`aiotim.Client` — and nothing else. It calls the
SDK through ``call_raw`` (``_call_bytes`` for a result it decodes itself) and subscribes
streams through ``_stream``; it never imports the client (the client is the layer above and
satisfies :class:`Core` structurally).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

from aiotim.domains._argcheck import checked
from aiotim.events.stream import OverflowPolicy, Stream

__all__ = ["Core", "Domain", "Shortcut", "all_of"]

P = ParamSpec("P")
R = TypeVar("R")


class Core(Protocol):
    """What a domain needs of the client."""

    async def call_raw(
        self, function: str, *args: Any, on_interim: Callable[[Any], None] | None = None
    ) -> Any:
        """Call a TIM function; its decoded JSON result (see :meth:`aiotim.Client.call_raw`)."""
        ...

    def _call_bytes(self, function: str, *args: Any) -> Coroutine[Any, Any, tuple[bytes, str]]:
        """Call a single-shot function with one output buffer (a send); its result's JSON
        undecoded, and the buffer's text (for the domain's own decoder)."""
        ...

    @property
    def user_id(self) -> str | None:
        """The logged-in user's id, or ``None``."""
        ...

    def _stream(
        self,
        kind: str,
        where: Callable[[Any], bool] | None = None,
        *,
        maxsize: int | None = None,
        overflow: OverflowPolicy = "drop_oldest",
    ) -> Stream[Any]:
        """A new stream of the notification ``kind`` (a setter name)."""
        ...


class Domain:
    """The base of the domain namespaces."""

    __slots__ = ("_core",)

    def __init__(self, core: Core) -> None:
        self._core = core

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Wrap every public method of the namespace in its argument check
        (:mod:`aiotim.domains._argcheck`): a wrong type is a TypeError naming the method and
        the parameter."""
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if not name.startswith("_") and inspect.isfunction(value):
                setattr(cls, name, checked(value))


def all_of(*checks: Callable[[Any], bool] | None) -> Callable[[Any], bool] | None:
    """One predicate that is true when every given one is (``None`` ones are skipped)."""
    active = [c for c in checks if c is not None]
    if not active:
        return None
    if len(active) == 1:
        return active[0]

    def predicate(event: Any) -> bool:
        return all(c(event) for c in active)

    return predicate


class Shortcut(Generic[P, R]):
    """A flat method of the client that is a namespace's method, e.g. ``client.send_text`` is
    ``client.messages.send_text``: same signature, same docstring, written once."""

    def __init__(self, namespace: str, method: Callable[Concatenate[Any, P], R]) -> None:
        self._namespace = namespace
        self._name = method.__name__
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Shortcut[P, R]: ...

    @overload
    def __get__(self, obj: object, owner: type[Any]) -> Callable[P, R]: ...

    def __get__(self, obj: object | None, owner: type[Any]) -> Shortcut[P, R] | Callable[P, R]:
        if obj is None:
            return self
        return getattr(getattr(obj, self._namespace), self._name)  # type: ignore[no-any-return]
