"""Logged-in clients that a test gets by name and that are closed after it."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import anyio
import sniffio

from aiotim.client import Client
from aiotim.testing._cloud import Cloud

__all__ = ["ClientFactory"]


class _Owned:
    """One client, entered and exited by a task of its own.

    A client's ``async with`` must begin and end in one task, while pytest-asyncio sets a
    fixture up and tears it down in two different tasks: so the client lives in a task spawned
    on the test's event loop (asyncio: a task; trio: a system task), which enters it, waits
    until the test is done, and exits it.
    """

    def __init__(self, client: Client) -> None:
        self.client = client
        self.entered = anyio.Event()
        self.close = anyio.Event()
        self.done = anyio.Event()
        self.error: BaseException | None = None
        self._task: Any = None  # the asyncio task: kept referenced until it ends

    async def _run(self) -> None:
        try:
            async with self.client:
                self.entered.set()
                await self.close.wait()
        except BaseException as exc:  # reported by open() or aclose(), in the test's task
            self.error = exc
        finally:
            self.entered.set()
            self.done.set()

    async def open(self) -> Client:
        if sniffio.current_async_library() == "trio":
            import trio

            trio.lowlevel.spawn_system_task(self._run)
        else:
            import asyncio

            self._task = asyncio.get_running_loop().create_task(self._run())
        await self.entered.wait()
        if self.error is not None:
            raise self.error
        return self.client

    async def aclose(self) -> None:
        self.close.set()
        with anyio.CancelScope(shield=True):
            await self.done.wait()
        if self.error is not None:
            raise self.error


class ClientFactory:
    """``await factory("bob")``: a client of ``cloud`` logged in as ``bob``; every client it
    made is closed when the factory is (the ``aiotim_client`` fixture: after the test).

    Args:
        cloud: the cloud the clients connect to.
        login_timeout_s: how long a login may take before the test fails.
    """

    def __init__(self, cloud: Cloud, *, login_timeout_s: float = 10.0) -> None:
        self.cloud = cloud
        self.login_timeout_s = login_timeout_s
        self._owned: list[_Owned] = []

    async def __call__(self, user_id: str | None = None, **client_kw: Any) -> Client:
        """A new client, logged in as ``user_id`` (``None``: not logged in).

        Args:
            user_id: the user to log in as, with a valid UserSig of the cloud.
            **client_kw: passed on to :class:`aiotim.Client` (``unclaimed_limit``, …).

        Raises:
            TIMError: the login failed.
            TimeoutError: the login took longer than ``login_timeout_s``.
        """
        owned = _Owned(self.cloud.client(**client_kw))
        self._owned.append(owned)
        client = await owned.open()
        if user_id is not None:
            with anyio.fail_after(self.login_timeout_s):
                await client.login(user_id, self.cloud.user_sig(user_id))
        return client

    @property
    def clients(self) -> list[Client]:
        """The clients made so far, in order."""
        return [o.client for o in self._owned]

    async def aclose(self) -> None:
        """Close every client made (the last first); re-raises the first error of a close."""
        error: BaseException | None = None
        while self._owned:
            owned = self._owned.pop()
            try:
                await owned.aclose()
            except BaseException as exc:
                error = error or exc
        if error is not None:
            raise error

    async def __aenter__(self) -> ClientFactory:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
