"""``Fleet``: many logged-in accounts in one process, for bots that run many accounts.

A fleet starts its accounts concurrently at a bounded rate, merges their events into streams
whose items say which account they came for, routes handlers per account in :meth:`Fleet.serve`,
keeps one account's failure (a login error, a kick, an expired UserSig) to that account, and
renews UserSigs through a callable of the application's own::

    async def new_sig(user_id: str) -> str:
        return await my_sig_service(user_id)

    async with aiotim.Fleet(make_client, {"shop-1": sig1, "shop-2": sig2},
                            renew_user_sig=new_sig) as fleet:
        @fleet.on(aiotim.Message, accounts="shop-1")
        async def greet(item: aiotim.FleetEvent[aiotim.Message]) -> None:
            await item.client.reply(item.event, aiotim.Text("hello from shop 1"))

        await fleet.serve()

Each account is an :class:`aiotim.Client` of its own (``make_client(user_id)`` builds it): on the
loopback any number per process; on the real SDK each needs a private copy of the library (see
docs/many-accounts.md).
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar

import anyio
from anyio.abc import TaskGroup

from aiotim.client import Client
from aiotim.errors import InvalidUserSig
from aiotim.events.catalog import CATALOG
from aiotim.events.stream import Stream
from aiotim.events.wait import kind_for
from aiotim.models import C2C, Group, Message

__all__ = [
    "AccountFailure",
    "AccountState",
    "FailureReason",
    "Fleet",
    "FleetEvent",
    "FleetHandler",
    "RenewUserSig",
]

log = logging.getLogger("aiotim.fleet")

E = TypeVar("E")

#: ``async def renew(user_id) -> new_user_sig``: asked when an account's UserSig expired (or
#: was refused at login); the fleet logs the account in again with the new one.
RenewUserSig = Callable[[str], Awaitable[str]]

#: Why an account stopped: ``login_error`` (the login failed and no renewal helped),
#: ``kicked`` (logged in elsewhere), ``user_sig_expired`` (expired with no renewal, or the
#: renewal failed), ``crashed`` (an unexpected exception in its client).
FailureReason = Literal["login_error", "kicked", "user_sig_expired", "crashed"]


class AccountState(enum.Enum):
    """Where an account of a fleet is."""

    STARTING = "starting"  #: waiting for its start slot, opening its client, logging in
    ONLINE = "online"  #: logged in
    RENEWING = "renewing"  #: its UserSig expired; asking for a new one and logging in again
    FAILED = "failed"  #: stopped by a failure (see :attr:`Fleet.failed`); its client is closed
    CLOSED = "closed"  #: removed, or the fleet closed


@dataclass(frozen=True, slots=True)
class FleetEvent(Generic[E]):
    """An event of one account of a fleet: ``event`` came for ``account``, whose client is
    ``client`` (to reply with)."""

    account: str
    event: E
    client: Client = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class AccountFailure:
    """One account stopped: which, why, and the exception if there was one."""

    account: str
    reason: FailureReason
    error: BaseException | None = field(default=None, compare=False)

    def __str__(self) -> str:
        detail = f": {type(self.error).__name__}: {self.error}" if self.error else ""
        return f"account {self.account!r} failed ({self.reason}){detail}"


#: A fleet handler: ``async def handler(item: FleetEvent[EventType]) -> object``.
FleetHandler = Callable[[FleetEvent[Any]], Awaitable[object]]


class _Account:
    __slots__ = (
        "client",
        "done",
        "ready",
        "scope",
        "served",
        "sig",
        "state",
        "user_id",
    )

    def __init__(self, user_id: str, sig: str) -> None:
        self.user_id = user_id
        self.sig = sig
        self.client: Client | None = None
        self.state = AccountState.STARTING
        self.scope = anyio.CancelScope()
        self.ready = anyio.Event()  # set once it is online or failed
        self.done = anyio.Event()  # set once its client is closed
        self.served = False


class _Subscription:
    """A merged stream: one forwarding task per account feeds ``merged``."""

    __slots__ = ("accounts", "kind", "merged", "scopes", "where")

    def __init__(
        self,
        kind: str,
        where: Callable[[Any], bool] | None,
        accounts: frozenset[str] | None,
        merged: Stream[FleetEvent[Any]],
    ) -> None:
        self.kind = kind
        self.where = where
        self.accounts = accounts
        self.merged = merged
        self.scopes: list[anyio.CancelScope] = []

    def wants(self, user_id: str) -> bool:
        return self.accounts is None or user_id in self.accounts


class _HandlerReg:
    __slots__ = ("accounts", "event", "filters", "handler")

    def __init__(
        self,
        event: type | str,
        accounts: frozenset[str] | None,
        filters: dict[str, Any],
        handler: FleetHandler,
    ) -> None:
        self.event = event
        self.accounts = accounts
        self.filters = filters
        self.handler = handler


def _account_set(accounts: str | Iterable[str] | None) -> frozenset[str] | None:
    if accounts is None:
        return None
    if isinstance(accounts, str):
        return frozenset((accounts,))
    result = frozenset(accounts)
    if not all(isinstance(a, str) and a for a in result):
        raise TypeError("accounts= takes a user id (str), an iterable of them, or None")
    return result


class Fleet:
    """Many logged-in accounts, each on its own :class:`aiotim.Client`, run together.

    Use it as an async context manager (asyncio or trio): entering starts every account and
    returns once each is online or has failed (a failure never raises: see :attr:`failed` and
    :meth:`failures`); leaving logs every account out and closes its client.

    Args:
        client_factory: ``make_client(user_id) -> Client`` (un-entered), e.g.
            ``lambda _: cloud.client()`` on the loopback.
        accounts: ``{user_id: user_sig}`` (or ``(user_id, user_sig)`` pairs) to start with;
            more can be added with :meth:`add`.
        starts_per_s: at most this many accounts begin starting per second (a login storm
            against the IM cloud is what its rate limits punish).
        max_starting: at most this many accounts are starting (opening + logging in) at once.
        renew_user_sig: ``async def renew(user_id) -> str``: a new UserSig when one expired
            while online, or was refused at login; without it such an account fails.
        login_timeout_s: how long one login may take before it counts as a login error.

    Raises:
        TypeError / ValueError: bad arguments (named).
    """

    def __init__(
        self,
        client_factory: Callable[[str], Client],
        accounts: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        *,
        starts_per_s: float = 20.0,
        max_starting: int = 8,
        renew_user_sig: RenewUserSig | None = None,
        login_timeout_s: float = 30.0,
    ) -> None:
        if not callable(client_factory):
            raise TypeError("client_factory must be a callable: user_id -> aiotim.Client")
        if not starts_per_s > 0:
            raise ValueError(f"starts_per_s must be > 0, got {starts_per_s!r}")
        if isinstance(max_starting, bool) or not isinstance(max_starting, int) or max_starting < 1:
            raise ValueError(f"max_starting must be an int >= 1, got {max_starting!r}")
        if not login_timeout_s > 0:
            raise ValueError(f"login_timeout_s must be > 0, got {login_timeout_s!r}")
        if renew_user_sig is not None and not callable(renew_user_sig):
            raise TypeError("renew_user_sig must be an async callable: user_id -> new UserSig")
        self._factory = client_factory
        self._interval = 1.0 / starts_per_s
        self._max_starting = max_starting
        self._renew = renew_user_sig
        self._login_timeout_s = float(login_timeout_s)
        self._accounts: dict[str, _Account] = {}
        pairs = accounts.items() if isinstance(accounts, Mapping) else accounts
        for user_id, sig in pairs:
            self._check_account(user_id, sig)
            self._accounts[user_id] = _Account(user_id, sig)
        #: the latest failure of each account that failed
        self.failed: dict[str, AccountFailure] = {}
        #: how many UserSigs were renewed, in all
        self.renewals = 0
        self._failure_streams: list[Stream[AccountFailure]] = []
        self._subs: list[_Subscription] = []
        self._handlers: list[_HandlerReg] = []
        self._tg: TaskGroup | None = None
        self._serve_tg: TaskGroup | None = None
        self._serve_limit = 64
        self._next_start = 0.0
        self._start_lock = anyio.Lock()
        self._starting = anyio.CapacityLimiter(max_starting)
        self._state = "new"  # new → open → closed
        self._closed = anyio.Event()

    def __repr__(self) -> str:
        online = sum(a.state is AccountState.ONLINE for a in self._accounts.values())
        return f"<Fleet {online}/{len(self._accounts)} online, {len(self.failed)} failed>"

    def _check_account(self, user_id: object, sig: object) -> None:
        if not isinstance(user_id, str) or not user_id:
            raise TypeError(f"an account's user id must be a non-empty str, got {user_id!r}")
        if not isinstance(sig, str) or not sig:
            raise TypeError(f"account {user_id!r}: its UserSig must be a non-empty str")
        if user_id in self._accounts and self._accounts[user_id].state not in (
            AccountState.FAILED,
            AccountState.CLOSED,
        ):
            raise ValueError(f"account {user_id!r} is already in the fleet")

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Fleet:
        if self._state != "new":
            raise RuntimeError("a Fleet can be entered only once; create a new one")
        tg = self._tg = anyio.create_task_group()
        await tg.__aenter__()
        self._state = "open"
        try:
            for acc in list(self._accounts.values()):
                tg.start_soon(self._run_account, acc)
            for acc in list(self._accounts.values()):
                await acc.ready.wait()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._state != "open":
            return
        self._state = "closed"
        self._closed.set()
        for acc in self._accounts.values():
            acc.scope.cancel()
        tg, self._tg = self._tg, None
        # The task group waits for every account's close (each client's close is shielded).
        if tg is not None:
            await tg.__aexit__(None, None, None)
        for sub in self._subs:
            sub.merged.end()
        self._subs.clear()
        for stream in self._failure_streams:
            stream.end()
        self._failure_streams.clear()

    # -- accounts ----------------------------------------------------------------------------

    @property
    def accounts(self) -> tuple[str, ...]:
        """Every account of the fleet (failed and closed ones included), in order of adding."""
        return tuple(self._accounts)

    @property
    def clients(self) -> dict[str, Client]:
        """The client of each account online now."""
        return {
            a.user_id: a.client
            for a in self._accounts.values()
            if a.state is AccountState.ONLINE and a.client is not None
        }

    def client(self, user_id: str) -> Client:
        """The client of account ``user_id`` (online or renewing its UserSig).

        Raises:
            LookupError: no such account, or it is not running (failed, closed, starting).
        """
        acc = self._accounts.get(user_id)
        if acc is None:
            raise LookupError(f"no account {user_id!r} in this fleet")
        if acc.client is None or acc.state not in (AccountState.ONLINE, AccountState.RENEWING):
            raise LookupError(f"account {user_id!r} is {acc.state.value}, not online")
        return acc.client

    def state(self, user_id: str) -> AccountState:
        """Where account ``user_id`` is.

        Raises:
            LookupError: no such account.
        """
        acc = self._accounts.get(user_id)
        if acc is None:
            raise LookupError(f"no account {user_id!r} in this fleet")
        return acc.state

    async def add(self, user_id: str, user_sig: str) -> AccountState:
        """Start one more account (or restart a failed or removed one) and wait until it is
        online or has failed; returns its state.

        Raises:
            ValueError: the account is already running.
            RuntimeError: the fleet is not open.
        """
        if self._state != "open" or self._tg is None:
            raise RuntimeError("add() needs an open fleet: inside `async with fleet:`")
        self._check_account(user_id, user_sig)
        self.failed.pop(user_id, None)
        acc = self._accounts[user_id] = _Account(user_id, user_sig)
        self._tg.start_soon(self._run_account, acc)
        await acc.ready.wait()
        return acc.state

    async def remove(self, user_id: str) -> None:
        """Log account ``user_id`` out and close its client (the others go on).

        Raises:
            LookupError: no such account.
        """
        acc = self._accounts.get(user_id)
        if acc is None:
            raise LookupError(f"no account {user_id!r} in this fleet")
        acc.scope.cancel()
        await acc.done.wait()

    async def _pace(self) -> None:
        """Wait for this start's slot: starts are ``1 / starts_per_s`` seconds apart."""
        async with self._start_lock:
            now = anyio.current_time()
            slot = max(now, self._next_start)
            self._next_start = slot + self._interval
        if slot > now:
            await anyio.sleep(slot - now)

    def _fail(self, acc: _Account, reason: FailureReason, error: BaseException | None) -> None:
        failure = AccountFailure(acc.user_id, reason, error)
        acc.state = AccountState.FAILED
        self.failed[acc.user_id] = failure
        log.warning("aiotim.fleet: %s", failure)
        for stream in self._failure_streams:
            stream.put_many([failure])

    async def _login(self, acc: _Account, client: Client) -> None:
        try:
            with anyio.fail_after(self._login_timeout_s):
                await client.login(acc.user_id, acc.sig)
        except InvalidUserSig:
            if self._renew is None:
                raise
            acc.sig = await self._renew(acc.user_id)
            with anyio.fail_after(self._login_timeout_s):
                await client.login(acc.user_id, acc.sig)
            self.renewals += 1

    async def _run_account(self, acc: _Account) -> None:
        try:
            with acc.scope:
                await self._starting.acquire()
                held = True
                try:
                    await self._pace()
                    client = self._factory(acc.user_id)
                    if not isinstance(client, Client):
                        raise TypeError(
                            f"client_factory returned {type(client).__name__}, not aiotim.Client"
                        )
                    async with client:
                        acc.client = client
                        kicked = client.kicked_offline()
                        expired = client.user_sig_expired()
                        self._attach(acc, client)
                        try:
                            await self._login(acc, client)
                        except Exception as exc:
                            self._fail(acc, "login_error", exc)
                            return
                        self._starting.release()
                        held = False
                        acc.state = AccountState.ONLINE
                        acc.ready.set()
                        self._maybe_serve(acc)
                        await self._watch(acc, client, kicked, expired)
                finally:
                    if held:
                        self._starting.release()
        except Exception as exc:
            self._fail(acc, "crashed", exc)
        finally:
            if acc.state is not AccountState.FAILED:
                acc.state = AccountState.CLOSED
            acc.ready.set()
            acc.done.set()

    async def _watch(
        self,
        acc: _Account,
        client: Client,
        kicked: Stream[Any],
        expired: Stream[Any],
    ) -> None:
        """Until the account fails: a kick fails it; an expired UserSig is renewed (or fails
        it)."""
        async with anyio.create_task_group() as tg:

            async def on_kick() -> None:
                async for _ in kicked:
                    self._fail(acc, "kicked", None)
                    tg.cancel_scope.cancel()
                    return

            async def on_expiry() -> None:
                async for _ in expired:
                    if self._renew is None:
                        self._fail(acc, "user_sig_expired", None)
                        tg.cancel_scope.cancel()
                        return
                    acc.state = AccountState.RENEWING
                    try:
                        acc.sig = await self._renew(acc.user_id)
                        with anyio.fail_after(self._login_timeout_s):
                            await client.login(acc.user_id, acc.sig)
                    except Exception as exc:
                        self._fail(acc, "user_sig_expired", exc)
                        tg.cancel_scope.cancel()
                        return
                    self.renewals += 1
                    acc.state = AccountState.ONLINE

            tg.start_soon(on_kick)
            tg.start_soon(on_expiry)

    # -- merged streams ----------------------------------------------------------------------

    def _attach(self, acc: _Account, client: Client) -> None:
        for sub in self._subs:
            if sub.wants(acc.user_id) and not sub.merged.closed:
                self._forward(sub, acc.user_id, client)

    def _forward(self, sub: _Subscription, user_id: str, client: Client) -> None:
        assert self._tg is not None
        source: Stream[Any] = client._stream(sub.kind, sub.where)
        scope = anyio.CancelScope()
        sub.scopes.append(scope)
        merged = sub.merged

        async def forward() -> None:
            with scope:
                try:
                    await self._pump_into(source, merged, user_id, client)
                finally:
                    source.close()

        self._tg.start_soon(forward)

    @staticmethod
    async def _pump_into(
        source: Stream[Any], merged: Stream[FleetEvent[Any]], user_id: str, client: Client
    ) -> None:
        async for first in source:
            batch = [FleetEvent(user_id, first, client)]
            while True:  # whatever is queued too: one wake-up of the consumer
                try:
                    batch.append(FleetEvent(user_id, source.get_nowait(), client))
                except anyio.WouldBlock:
                    break
            merged.put_many(batch)

    def events(
        self,
        event_type: type[E] | str,
        *,
        accounts: str | Iterable[str] | None = None,
        where: Callable[[E], bool] | None = None,
    ) -> Stream[FleetEvent[E]]:
        """One stream of ``event_type`` (an event class or a setter name) from every account
        (or those of ``accounts``), as :class:`FleetEvent` items naming their account; accounts
        started later join it. Per account, events keep the SDK's order. It ends when the fleet
        closes; close it to unsubscribe.

        Raises:
            RuntimeError: the fleet is not open.
            KeyError / TypeError: not an event type (see :meth:`aiotim.Client.events`).
        """
        if self._state != "open" or self._tg is None:
            raise RuntimeError("streams are created on an open fleet: inside `async with`")
        kind = kind_for(event_type)
        wanted = _account_set(accounts)

        def unsubscribe(_: Stream[Any]) -> None:
            for scope in sub.scopes:
                scope.cancel()
            if sub in self._subs:
                self._subs.remove(sub)

        merged: Stream[FleetEvent[Any]] = Stream(f"fleet:{kind}", on_close=unsubscribe)
        sub = _Subscription(kind, where, wanted, merged)
        self._subs.append(sub)
        for acc in self._accounts.values():
            if (
                acc.client is not None
                and acc.state
                in (
                    AccountState.STARTING,
                    AccountState.ONLINE,
                    AccountState.RENEWING,
                )
                and sub.wants(acc.user_id)
            ):
                self._forward(sub, acc.user_id, acc.client)
        return merged

    def new_messages(
        self,
        *,
        accounts: str | Iterable[str] | None = None,
        where: Callable[[Message], bool] | None = None,
    ) -> Stream[FleetEvent[Message]]:
        """New messages of every account (or those of ``accounts``), merged (see
        :meth:`events`)."""
        return self.events(Message, accounts=accounts, where=where)

    def failures(self) -> Stream[AccountFailure]:
        """Every account failure from now on (earlier ones are in :attr:`failed`); it ends when
        the fleet closes."""
        stream: Stream[AccountFailure] = Stream(
            "fleet:failures", on_close=self._failure_streams.remove
        )
        if self._state == "closed":
            stream.end()
        else:
            self._failure_streams.append(stream)
        return stream

    # -- handlers ----------------------------------------------------------------------------

    def on(
        self,
        event: type | str,
        *,
        accounts: str | Iterable[str] | None = None,
        conv: C2C | Group | None = None,
        sender: str | None = None,
        text: str | re.Pattern[str] | None = None,
        where: Callable[[Any], bool] | None = None,
    ) -> Callable[[FleetHandler], FleetHandler]:
        """Register ``async def handler(item: FleetEvent[EventType])`` for the accounts of
        ``accounts`` (default: all, those added later included); run them with :meth:`serve`.

        ``conv``, ``sender``, ``text`` and ``where`` filter as in :meth:`aiotim.Client.on`.
        Register handlers before :meth:`serve` starts an account's serving.

        Raises:
            TypeError: message filters on a non-message event, or bad ``accounts``.
        """
        wanted = _account_set(accounts)
        kind = kind_for(event)  # an unknown event type fails here, not when serving
        filters: dict[str, Any] = {"where": where}
        if conv is not None or sender is not None or text is not None:
            if CATALOG[kind].event is not Message:
                raise TypeError("conv=, sender= and text= filter messages; use where=")
            filters.update(conv=conv, sender=sender, text=text)

        def register(handler: FleetHandler) -> FleetHandler:
            reg = _HandlerReg(event, wanted, filters, handler)
            self._handlers.append(reg)
            return handler

        return register

    def _bind_handlers(self, acc: _Account, client: Client) -> bool:
        bound = False
        user_id = acc.user_id
        for reg in self._handlers:
            if reg.accounts is not None and user_id not in reg.accounts:
                continue

            def make(handler: FleetHandler) -> Callable[[Any], Awaitable[object]]:
                async def run(event: Any) -> object:
                    return await handler(FleetEvent(user_id, event, client))

                run.__qualname__ = getattr(handler, "__qualname__", "handler")
                return run

            client.on(reg.event, **reg.filters)(make(reg.handler))
            bound = True
        return bound

    def _maybe_serve(self, acc: _Account) -> None:
        tg = self._serve_tg
        client = acc.client
        if tg is None or client is None or acc.served:
            return
        acc.served = True
        if not self._bind_handlers(acc, client):
            return
        limit = self._serve_limit

        async def serve_account() -> None:
            try:
                await client.serve(max_concurrency=limit)
            except Exception as exc:  # the client went away under it: the account reports
                log.debug("aiotim.fleet: serving %r ended: %r", acc.user_id, exc)

        tg.start_soon(serve_account)

    async def serve(self, *, max_concurrency: int = 64) -> None:
        """Run the registered handlers on every online account (and those that come online
        later) until the fleet closes or this is cancelled. Each account serves as
        :meth:`aiotim.Client.serve` does (at most ``max_concurrency`` handlers at once per
        account); one account failing ends its serving only.

        Raises:
            RuntimeError: no handlers, the fleet is not open, or it is served already.
        """
        if not self._handlers:
            raise RuntimeError("no handlers: register some with @fleet.on(EventType)")
        if self._state != "open":
            raise RuntimeError("serve() needs an open fleet: inside `async with fleet:`")
        if self._serve_tg is not None:
            raise RuntimeError("this fleet is served already")
        self._serve_limit = max_concurrency
        try:
            async with anyio.create_task_group() as tg:
                self._serve_tg = tg
                for acc in self._accounts.values():
                    if acc.state in (AccountState.ONLINE, AccountState.RENEWING):
                        self._maybe_serve(acc)
                await self._closed.wait()
                tg.cancel_scope.cancel()
        finally:
            self._serve_tg = None
