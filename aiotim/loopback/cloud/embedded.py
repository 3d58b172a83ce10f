"""``Cloud``: an embedded loopback IM cloud on its own thread, for asyncio and trio alike.

The server is asyncio code; the caller may run trio. So the cloud owns a private asyncio loop on
a private thread, and every awaitable method hands a coroutine to that loop and waits for its
concurrent future in a worker thread (``anyio.to_thread``), which works on both backends and
never blocks the caller's loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from aiotim.loopback.cloud import officialstate
from aiotim.loopback.cloud.address import Address, parse_address
from aiotim.loopback.cloud.connection import Limits
from aiotim.loopback.cloud.plan import Plan
from aiotim.loopback.cloud.server import CloudServer, validate_event_args
from aiotim.usersig import gen_user_sig

if TYPE_CHECKING:
    from aiotim.client import Client

__all__ = ["Cloud"]

T = TypeVar("T")
#: Sync introspection waits at most this long for the cloud thread (it never blocks for long).
_SYNC_TIMEOUT = 30.0


def _saved(server: CloudServer, operation: Callable[[], T]) -> T:
    """Run an admin operation on ``server``'s state, which is then saved (with ``db=``)."""
    result = operation()
    server.changed_snapshots()
    return result


class Cloud:
    """A loopback IM cloud for one app, running in this process.

    Use it as an async context manager (asyncio or trio)::

        async with Cloud(1400000001, "secret") as cloud:
            async with cloud.client() as bot:
                await bot.login("bot", cloud.user_sig("bot"))

    Args:
        sdk_app_id: the SDKAppID it serves (a connection hello with another is closed).
        secret_key: the key UserSigs are checked with.
        address: ``"unix:/abs/path.sock"`` or ``"tcp:127.0.0.1:PORT"`` (port 0: a free port);
            default: a fresh unix socket in a private temporary directory.
        db: a SQLite file to keep the state in across runs; default: memory only. A send (any
            call) is acknowledged only once its changes are committed to it.
        fsync: with ``db``, commits also survive a power loss (SQLite ``synchronous=FULL``,
            slower); by default they survive a crash of the process (``NORMAL``).
        limits: what one connection may cost: frame size before login, login timeout,
            outbound bytes (:class:`aiotim.loopback.cloud.connection.Limits`; tests lower them).
        console: also serve the loopback console, a web page on 127.0.0.1 where a person
            talks to the bot (:attr:`console_url`; needs the ``console`` extra, see
            docs/console.md).
        console_port: the console's TCP port (0: a free one).
        plan: the IM edition the cloud runs as (:class:`aiotim.loopback.Plan`): on a lower
            one than the default (the highest), the functions that edition does not include
            are refused with the real service's code (7013, or 60020 for cloud search) and a
            message naming the edition they need (docs/loopback.md).

    Raises:
        ValueError: a malformed address or one that is not a loopback address.
        TypeError: ``plan`` is not a :class:`aiotim.loopback.Plan`.
        aiotim.loopback.console.ConsoleUnavailable: ``console=True`` without aiohttp.
    """

    def __init__(
        self,
        sdk_app_id: int,
        secret_key: str,
        *,
        address: str | None = None,
        db: str | os.PathLike[str] | None = None,
        console: bool = False,
        console_port: int = 0,
        fsync: bool = False,
        limits: Limits | None = None,
        plan: Plan = Plan.ENTERPRISE,
    ) -> None:
        if isinstance(sdk_app_id, bool) or not isinstance(sdk_app_id, int) or sdk_app_id <= 0:
            raise ValueError(f"sdk_app_id must be a positive int, got {sdk_app_id!r}")
        self.sdk_app_id = sdk_app_id
        self._secret_key = secret_key
        self._requested: Address | None = parse_address(address) if address else None
        self._db = db
        self._console_wanted = console
        self._console_port = console_port
        self._console: Any = None  # aiotim.loopback.console.server.Console when running
        self._fsync = fsync
        self._limits = limits
        if not isinstance(plan, Plan):
            raise TypeError(
                f"plan must be an aiotim.loopback.Plan (such as Plan.STANDARD), got {plan!r}"
            )
        self._plan = plan
        self._delay = 0.0
        self._tmpdir: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: CloudServer | None = None

    @property
    def plan(self) -> Plan:
        """The IM edition the cloud runs as (``Cloud(plan=...)``)."""
        return self._plan

    def __repr__(self) -> str:
        where = self.address if self._server is not None else "not running"
        return f"<Cloud app={self.sdk_app_id} {where}>"

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Cloud:
        if self._thread is not None:
            raise RuntimeError("this Cloud is already running")
        await anyio.to_thread.run_sync(self._start_thread)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Shielded: a cancelled test must still take the thread and the socket down.
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self._stop_thread)

    def _start_thread(self) -> None:
        address = self._requested
        if address is None:
            # mkdtemp is mode 0700: nobody else can connect to the socket.
            self._tmpdir = tempfile.mkdtemp(prefix="aiotim-loopback-")
            address = Address("unix", path=os.path.join(self._tmpdir, "cloud.sock"))
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        thread = threading.Thread(
            target=self._run_loop, args=(loop, ready), name="aiotim-loopback-cloud", daemon=True
        )
        thread.start()
        ready.wait()
        self._loop, self._thread = loop, thread

        async def create() -> CloudServer:
            server = CloudServer(
                self.sdk_app_id,
                self._secret_key,
                address,
                db=self._db,
                fsync=self._fsync,
                limits=self._limits,
            )
            try:
                server.delay = self._delay
                server.app.plan = self._plan
                await server.start()
            except BaseException:
                await server.close()
                raise
            return server

        try:
            self._server = asyncio.run_coroutine_threadsafe(create(), loop).result()
            if self._console_wanted:
                self._start_console()
        except BaseException:
            self._stop_thread()
            raise

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
            # Whatever is left (nothing, normally) is cancelled and awaited, not leaked.
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            if tasks:
                loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    def _stop_thread(self) -> None:
        self._stop_console()
        loop, thread, server = self._loop, self._thread, self._server
        self._server = None
        try:
            if loop is not None and server is not None:
                asyncio.run_coroutine_threadsafe(server.close(), loop).result()
        finally:
            if loop is not None and thread is not None:
                loop.call_soon_threadsafe(loop.stop)
                thread.join()
            self._loop = self._thread = None
            if self._tmpdir is not None:
                shutil.rmtree(self._tmpdir, ignore_errors=True)
                self._tmpdir = None

    def _start_console(self) -> None:
        from aiotim.loopback.console import require_console

        require_console()
        from aiotim.loopback.console.server import Console

        loop, server = self._running()
        console = Console(loop, server, self._secret_key, port=self._console_port)
        console.start()
        self._console = console

    def _stop_console(self) -> None:
        console, self._console = self._console, None
        if console is not None:
            console.stop()

    @property
    def console_url(self) -> str:
        """The loopback console's URL (``http://127.0.0.1:PORT/``), with ``console=True``.

        Raises:
            RuntimeError: the console is not running.
        """
        if self._console is None:
            raise RuntimeError("no console: create the Cloud with console=True")
        return str(self._console.url)

    # -- plumbing ----------------------------------------------------------------------------

    def _running(self) -> tuple[asyncio.AbstractEventLoop, CloudServer]:
        if self._loop is None or self._server is None:
            raise RuntimeError("the Cloud is not running (use `async with Cloud(...)`)")
        return self._loop, self._server

    async def _run(self, fn: Callable[[CloudServer], Awaitable[T]]) -> T:
        loop, server = self._running()

        async def step() -> T:
            return await fn(server)

        future = asyncio.run_coroutine_threadsafe(step(), loop)
        return await anyio.to_thread.run_sync(future.result)

    async def _run_sync(self, fn: Callable[[CloudServer], T]) -> T:
        async def wrapped(server: CloudServer) -> T:
            return fn(server)

        return await self._run(wrapped)

    def _blocking(self, fn: Callable[[CloudServer], T]) -> T:
        loop, server = self._running()
        if threading.current_thread() is self._thread:
            return fn(server)
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(fn(server))
            except BaseException as exc:
                future.set_exception(exc)

        loop.call_soon_threadsafe(run)
        return future.result(timeout=_SYNC_TIMEOUT)

    # -- public API --------------------------------------------------------------------------

    @property
    def address(self) -> str:
        """``"unix:/…"`` or ``"tcp:127.0.0.1:PORT"`` (the real port once running)."""
        if self._server is not None:
            return str(self._server.address)
        if self._requested is not None:
            return str(self._requested)
        raise RuntimeError("the Cloud has no address until it runs (use `async with`)")

    @property
    def delay(self) -> float:
        """Seconds added before each result (a slow network); 0 by default."""
        return self._delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        if not seconds >= 0:
            raise ValueError(f"delay must be >= 0 seconds, got {seconds!r}")
        self._delay = float(seconds)
        if self._server is not None:
            # A float store is atomic; the server reads it before each call.
            self._server.delay = self._delay

    def user_sig(self, user_id: str, expire: int = 86400) -> str:
        """A valid UserSig for ``user_id`` on this cloud, ``expire`` seconds long.

        Raises:
            ValueError: empty ``user_id`` or negative ``expire``.
        """
        return gen_user_sig(self.sdk_app_id, self._secret_key, user_id, expire)

    def client(self, **kw: Any) -> Client:
        """An un-entered :class:`aiotim.Client` on the loopback SDK, wired to this cloud.

        Args:
            **kw: passed on to ``Client`` (``data_dir``, ``unclaimed_limit``, …).

        Raises:
            aiotim.errors.SDKNotFound: the loopback SDK was not built.
        """
        from aiotim._native.loader import SDKSource
        from aiotim.client import Client
        from aiotim.loopback.sdk import loopback_library_path

        source = SDKSource(
            path=loopback_library_path(),
            extra_config={"loopback_address": self.address},
            private_copy=True,
        )
        return Client(self.sdk_app_id, sdk=source, **kw)

    async def emit(self, user_id: str, setter_name: str, *args: object) -> None:
        """Fire the callback registered with ``setter_name`` in ``user_id``'s SDK.

        Args:
            user_id: a logged-in user.
            setter_name: e.g. ``"TIMAddRecvNewMsgCallback"``.
            *args: the callback's arguments without ``user_data``: ``str``/``bytes``/``None``
                for ``const char*``, ``int`` for integers and enums, ``bool`` for ``bool``.

        Raises:
            ValueError: unknown setter, or an out-of-range value.
            TypeError: wrong argument count or type (naming the setter and parameter).
            LookupError: ``user_id`` is not logged in.
        """
        fields = validate_event_args(setter_name, args)
        await self._run_sync(lambda s: s.app.connection_of(user_id).event(setter_name, fields))

    async def create_official_account(
        self,
        account_id: str,
        name: str,
        *,
        owner: str = "",
        face_url: str = "",
        introduction: str = "",
        organization: str = "",
        custom_data: str = "",
    ) -> None:
        """Create an official account, as the app's admin does with the REST API
        (``account_id`` starts with ``"@TOA#_"``).

        Raises:
            ValueError: a bad or existing id, an empty name, a field too long.
        """
        await self._run_sync(
            lambda s: _saved(
                s,
                lambda: officialstate.create(
                    s.app,
                    account_id,
                    name,
                    owner=owner,
                    face_url=face_url,
                    introduction=introduction,
                    organization=organization,
                    custom_data=custom_data,
                ),
            )
        )

    async def update_official_account(self, account_id: str, **changes: str) -> None:
        """Change an official account's ``name``, ``face_url``, ``introduction``,
        ``organization`` or ``custom_data``; its subscribers are told.

        Raises:
            LookupError: no such account.
            ValueError: an unknown field or a value too long.
        """
        await self._run_sync(
            lambda s: _saved(s, lambda: officialstate.update(s.app, account_id, **changes))
        )

    async def delete_official_account(self, account_id: str) -> None:
        """Delete an official account; its subscribers are told.

        Raises:
            LookupError: no such account.
        """
        await self._run_sync(lambda s: _saved(s, lambda: officialstate.delete(s.app, account_id)))

    async def official_broadcast(self, account_id: str, text: str) -> int:
        """Send a text message from an official account to all its subscribers (the REST
        ``send_official_account_msg``); returns how many subscribers it went to.

        Raises:
            LookupError: no such account.
        """
        elem = officialstate.text_elem(text)
        return await self._run_sync(
            lambda s: _saved(s, lambda: officialstate.broadcast(s.app, account_id, [elem]))
        )

    async def drop_connections(self) -> None:
        """Abort every SDK connection (the SDKs reconnect and log in again)."""
        await self._run_sync(lambda s: s.drop_connections())

    async def drop_after(self, function: str, count: int = 1) -> None:
        """Fault: the next ``count`` calls of ``function`` (e.g. ``"TIMMsgSendMessage"``) are
        handled, then their connection drops before the result is written — the work is done
        (a message is stored and delivered) but the caller gets a network error (9508), the
        case a retry must not duplicate.

        Raises:
            ValueError: a negative ``count``.
        """
        if not isinstance(function, str) or not function:
            raise TypeError("drop_after() needs a function name (str)")
        await self._run_sync(lambda s: s.drop_after(function, count))

    async def stop(self) -> None:
        """Take the listener down and drop every connection (a cloud outage)."""
        await self._run(lambda s: s.stop())

    async def start(self) -> None:
        """Bring the listener back up on the same address after :meth:`stop`."""
        await self._run(lambda s: s.start())

    async def expire_user_sig(self, user_id: str) -> None:
        """Make ``user_id``'s logged-in UserSig expire now (the SDK is told and logged out).

        Raises:
            LookupError: ``user_id`` is not logged in.
        """
        await self._run_sync(lambda s: s.expire_user_sig(user_id))

    async def kick(self, user_id: str) -> None:
        """Log ``user_id`` out as if another device logged in.

        Raises:
            LookupError: ``user_id`` is not logged in.
        """
        await self._run_sync(lambda s: s.kick(user_id))

    def online_users(self) -> set[str]:
        """The users logged in right now."""
        return self._blocking(lambda s: set(s.online))

    def message_count(self) -> int:
        """How many messages are stored (online-only messages are not)."""
        return self._blocking(lambda s: s.store.message_count())

    def offline_count(self, user_id: str) -> int:
        """How many messages wait for ``user_id``'s next login."""
        return self._blocking(lambda s: s.store.inbox_size(user_id))

    def stats(self) -> dict[str, int]:
        """Counters: ``connections``, ``buffered_bytes`` (what the connections hold: received
        and not decoded, queued to send), ``online``, ``messages``, ``revoked``."""
        return self._blocking(lambda s: s.stats())

    @property
    def listening(self) -> bool:
        """True while the listener is up (between :meth:`stop` and :meth:`start` it is not)."""
        with contextlib.suppress(RuntimeError):
            return self._blocking(lambda s: s.listening)
        return False
