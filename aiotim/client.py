"""The Client: lifecycle (load → init → login → … → logout → uninit) composing the layers.

``native`` does the C side (relay, calls, pump), ``events`` the streams, the mixins the domain
calls; this module only wires them together and owns the order of startup and shutdown.
"""

from __future__ import annotations

import atexit
import fcntl
import itertools
import logging
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import anyio
import orjson
from anyio.abc import TaskGroup

from aiotim._abi import CALLBACK_SETTERS
from aiotim._native import Bridge, SDKLibrary, SDKSource, open_sdk, release_sdk, resolve_source
from aiotim._native.rawcalls import call_bytes, call_raw
from aiotim.bot import Bot
from aiotim.domains._base import Shortcut
from aiotim.domains.community import Community
from aiotim.domains.conversations import Conversations
from aiotim.domains.friends import Friends
from aiotim.domains.groups import Groups
from aiotim.domains.messages import Messages
from aiotim.domains.official import Official
from aiotim.domains.profiles import Profiles
from aiotim.domains.signaling import Signaling
from aiotim.domains.status import Status
from aiotim.enums import LoginStatus, LogLevel
from aiotim.errors import ClientClosed, TIMError, UnsupportedBySDK, check_result, redact
from aiotim.events.catalog import EVENT_KINDS
from aiotim.events.hub import EventHub, check_unclaimed_limit
from aiotim.events.session import KickedOffline, NetworkStatusChanged, UserSigExpired
from aiotim.events.stream import OverflowPolicy, Stream
from aiotim.models.message import mark_at_me

__all__ = ["Client"]

log = logging.getLogger("aiotim")
sdk_log = logging.getLogger("aiotim.sdk")

T = TypeVar("T")
E = TypeVar("E")

# TIMLogLevel → logging level
_SDK_LEVELS = {
    0: logging.NOTSET,
    1: logging.DEBUG,
    2: logging.DEBUG,
    3: logging.DEBUG,
    4: logging.INFO,
    5: logging.WARNING,
    6: logging.ERROR,
    7: logging.CRITICAL,
}

_LOGOUT_TIMEOUT_S = 5.0
# After TIMUninit the real SDK goes on opening and writing its databases for a while (observed,
# 8.0.5903, closing with a login pending: im.db and msg_0.db with their -wal/-shm files opened
# and written within 0.05 s; when the login had only just started, once more ~0.55 s later, and
# then its database thread keeps those files open, unwritten, for good). The close waits until
# its directories are quiet: nothing in them changed (files, sizes, times, the set of files the
# process has open there) for _QUIET_FOR_S with no file open there, or for _QUIET_OPEN_FOR_S
# with files left open; at most _QUIET_MAX_S.
_QUIET_POLL_S = 0.025
_QUIET_FOR_S = 0.15
_QUIET_OPEN_FOR_S = 1.0
_QUIET_MAX_S = 5.0


_BUSY_POLL_MAX_S = 1.0


def _busy_poll_seconds(value: float) -> float:
    """``busy_poll_s`` checked: a number of seconds from 0 to ``_BUSY_POLL_MAX_S``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 <= value <= _BUSY_POLL_MAX_S
    ):
        raise ValueError(
            f"busy_poll_s must be a number of seconds from 0 to {_BUSY_POLL_MAX_S:g} "
            f"(0: no busy polling), got {value!r}"
        )
    return float(value)


class _Quiet:
    """Whether directories have been quiet (see _QUIET_FOR_S), checked by polling."""

    def __init__(self, dirs: tuple[Path, ...]) -> None:
        self._dirs = dirs
        self._start = self._since = time.monotonic()
        self._last: object = None

    def _activity(self) -> object:
        prefixes = tuple(str(d) + os.sep for d in self._dirs)
        open_files = []
        try:
            fds = os.listdir("/proc/self/fd")
        except OSError:  # not Linux: the tree alone
            fds = []
        for fd in fds:
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target.startswith(prefixes):
                open_files.append(target)
        tree = []
        for d in self._dirs:
            for root, _, files in os.walk(d):
                for name in files:
                    try:
                        st = os.stat(os.path.join(root, name))
                    except OSError:
                        continue
                    tree.append((root, name, st.st_size, st.st_mtime_ns))
        return open_files, sorted(tree)

    def check(self) -> bool:
        """True once the directories are quiet (or after _QUIET_MAX_S, with a warning)."""
        if not self._dirs:
            return True
        now = time.monotonic()
        activity = self._activity()
        if activity != self._last:
            self._last, self._since = activity, now
        files_open = bool(activity[0])  # type: ignore[index]
        if now - self._since >= (_QUIET_OPEN_FOR_S if files_open else _QUIET_FOR_S):
            return True
        if now - self._start >= _QUIET_MAX_S:
            log.warning("aiotim: the SDK still writes into %s after closing", self._dirs[0])
            return True
        return False


# Clients still open at interpreter exit are closed synchronously by the atexit hook.
_open_clients: weakref.WeakSet[Client] = weakref.WeakSet()
# Libraries opened shared (SDKSource(private_copy=False)): the SDK's state is global to a loaded
# library, so such a library serves one open client at a time. A private copy (the default)
# has no such limit.
_shared_in_use: set[int] = set()


@atexit.register
def _close_open_clients() -> None:
    for client in list(_open_clients):
        client._close_native()


class Client:
    """An IM client: one SDK instance, logged in as one user at a time.

    The SDK's modules are namespaces: :attr:`messages`, :attr:`conversations`,
    :attr:`groups`, :attr:`friends`, :attr:`profiles`, :attr:`status`, :attr:`signaling`. The
    calls and streams a bot uses all day are also flat on the client (``send_text``,
    ``new_messages``, ``friend_requests``, …: each is its namespace's method).

    Use it as an async context manager::

        async with aiotim.Client(sdk_app_id, sdk="/path/to/libImSDK.so") as client:
            await client.login("bot", user_sig)
            async for msg in client.new_messages():
                ...

    Any number of clients may be open at once in one process, on the real SDK as on the
    loopback: each loads a private copy of the SDK library (the SDK's state is global to a
    loaded library), with its own data and log directories (see docs/many-accounts.md for
    what a copy costs).

    Args:
        sdk_app_id: the application's SDKAppID.
        sdk: the SDK library: a path, an :class:`aiotim._native.SDKSource`, or ``None`` for the
            path in ``AIOTIM_SDK_PATH``. For offline use, get a client from
            :meth:`aiotim.loopback.Cloud.client`.
        data_dir: the SDK's local database directory (default: a temporary directory removed
            on close for a loopback SDK; ``$XDG_DATA_HOME/aiotim/<sdk_app_id>`` otherwise, or
            ``<sdk_app_id>-2``, ``-3``, … while other open clients hold it). Give each client
            of one process its own.
        log_dir: the SDK's log file directory (default: ``<data_dir>/logs``).
        unclaimed_limit: how many notifications of a kind (the newest) are kept until the
            first stream of that kind takes them, so that a stream opened after ``login()``
            still gets what came during it; older ones are dropped, counted in
            ``stats()["unclaimed_dropped"]``, and the first drop of a kind is logged. 0 keeps
            none (a kind's events before its first stream are dropped, silently).
        sdk_console_log: let the SDK print its own log to stdout (the real SDK does by
            default, hundreds of lines a second). Off by default: the SDK's log goes to the
            ``aiotim.sdk`` logger instead, with UserSigs redacted.
        sdk_log_level: the SDK's log level (its log files and the ``aiotim.sdk`` logger).
        busy_poll_s: after each batch of notifications, keep the event loop polling for this
            long (0 to 1 s) instead of letting it sleep until the relay wakes it. Trades CPU
            for latency: notifications that come within the window skip the wake-up of a
            sleeping thread (at 10k events/s on a 2-vCPU VM: p50 ~25 µs → ~10 µs), and the
            loop thread uses a whole core for as long as they keep coming. Every other task
            and all I/O still run (the loop yields each iteration). 0 (the default): the loop
            sleeps between notifications. See docs/guides/performance.md.

    Raises:
        SDKNotFound: no SDK was given and ``AIOTIM_SDK_PATH`` is unset, or the file is missing.
        ValueError: ``sdk_app_id``, ``busy_poll_s`` or ``unclaimed_limit`` is out of range.
    """

    def __init__(
        self,
        sdk_app_id: int,
        *,
        sdk: SDKSource | str | os.PathLike[str] | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        log_dir: str | os.PathLike[str] | None = None,
        unclaimed_limit: int = 10_000,
        sdk_console_log: bool = False,
        sdk_log_level: LogLevel = LogLevel.INFO,
        busy_poll_s: float = 0.0,
    ) -> None:
        if isinstance(sdk_app_id, bool) or not isinstance(sdk_app_id, int) or sdk_app_id <= 0:
            raise ValueError(f"sdk_app_id must be a positive int, got {sdk_app_id!r}")
        self.sdk_app_id = sdk_app_id
        self._busy_poll_s = _busy_poll_seconds(busy_poll_s)
        unclaimed_limit = check_unclaimed_limit(unclaimed_limit)  # before anything loads
        self._source = resolve_source(sdk)
        self._data_dir = Path(data_dir) if data_dir is not None else None
        self._log_dir = Path(log_dir) if log_dir is not None else None
        self._tmp_dir: str | None = None
        self._sdk_console_log = sdk_console_log
        self._sdk_log_level = LogLevel(sdk_log_level)
        self._lib: SDKLibrary | None = None
        self._version: str | None = None
        # the SDK's data and log directories, once TIMInit has them
        self._sdk_dirs: tuple[Path, ...] = ()
        self._dir_lock: int | None = None  # a held flock on the default data directory
        self._bridge: Bridge | None = None
        self._hub = EventHub(unclaimed_limit=unclaimed_limit)
        # Message.is_at_me: new messages that mention the user logged in here (set at login)
        self._me: str | None = None
        self._hub.finish("TIMAddRecvNewMsgCallback", lambda msgs: mark_at_me(msgs, self._me))
        self._tg: TaskGroup | None = None
        # The pump's own scope, cancelled by __aexit__ (the task group's scope also covers the
        # body of `async with client`, so it cannot be cancelled while the client closes).
        self._pump_scope: anyio.CancelScope | None = None
        self._pump_started = False
        self._pump_stopped: anyio.Event | None = None
        self._state = "new"  # new → open → closed
        self.messages = Messages(self)
        self.conversations = Conversations(self)
        self.groups = Groups(self)
        self.friends = Friends(self)
        self.profiles = Profiles(self)
        self.status = Status(self)
        self.signaling = Signaling(self)
        self.community = Community(self)
        self.official = Official(self)
        self._bot = Bot(self, self.messages)

    # -- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> Client:
        if self._state != "new":
            raise RuntimeError("a Client can be entered only once; create a new one")
        lib = open_sdk(self._source)
        if not self._source.private_copy and id(lib) in _shared_in_use:
            raise RuntimeError(
                f"the SDK {str(self._source.path)!r} was opened shared (private_copy=False) "
                "and another Client is using it: close that one first, or let each client "
                "load its own copy (the default)"
            )
        self._lib = lib
        self._version = lib.version
        try:
            bridge = self._bridge = Bridge(lib)
        except BaseException:
            self._unload()
            raise
        try:
            self._hub.tap("TIMSetLogCallback", self._on_sdk_log)
            self._hub.attach_backlog(bridge.keep_unclaimed(self._hub.unclaimed_limit))
            bridge.register_notifications()
            config = self._init_config()
            self._configure_sdk_log(bridge)  # before TIMInit too: it logs from the start
            rc = bridge.call_sync("TIMInit", self.sdk_app_id, orjson.dumps(config))
            check_result(rc, "TIMInit")
            self._configure_sdk_log(bridge)
        except BaseException:
            try:
                bridge.unregister_notifications()
                bridge.close()
            finally:
                self._unload()
                self._cleanup_dirs()
            raise
        if not self._source.private_copy:
            _shared_in_use.add(id(lib))
        self._state = "open"
        _open_clients.add(self)
        self._pump_scope = anyio.CancelScope()
        tg = self._tg = anyio.create_task_group()
        await tg.__aenter__()
        tg.start_soon(self._run_pump, bridge, self._pump_scope)
        return self

    async def _run_pump(self, bridge: Bridge, scope: anyio.CancelScope) -> None:
        stopped = self._pump_stopped = anyio.Event()
        self._pump_started = True
        try:
            with scope:
                await bridge.pump(self._hub.publish_many, busy_poll_s=self._busy_poll_s)
        finally:
            stopped.set()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Order matters: stop the pump, log out with a pump of the close's own (the pump may
        # be gone already: asyncio's runner cancels every task when SystemExit or Ctrl-C ends
        # the loop, and the logout's result must not wait for it), deliver what is still
        # queued, and only then uninitialise the SDK and close the relay. A batch the pump was
        # cancelled in is parked and delivered first (nothing lost or reordered). Shielded: a
        # cancellation around the client (a failing sibling task, Ctrl-C) must not cut the
        # close short. The task group is exited without the caller's exception, so that it
        # propagates as it is instead of wrapped in an exception group.
        try:
            with anyio.CancelScope(shield=True):
                await self._stop_pump()
                await self._logout_for_close()
        finally:
            tg, self._tg = self._tg, None
            if self._pump_scope is not None:
                self._pump_scope.cancel()
            try:
                if tg is not None:
                    tg.cancel_scope.cancel()
                    await tg.__aexit__(None, None, None)
            finally:
                if self._bridge is not None and self._state == "open":
                    self._bridge.drain(self._hub.publish_many)
                self._close_native(settle=False)
                with anyio.CancelScope(shield=True):
                    await self._settle()

    async def _stop_pump(self) -> None:
        if self._pump_scope is not None:
            self._pump_scope.cancel()
        stopped = self._pump_stopped
        # A pump task that never started never will (its scope is cancelled): nothing to wait
        # for. One that started sets `stopped` in its `finally`, however it was cancelled.
        if self._pump_started and stopped is not None:
            await stopped.wait()

    async def _logout_for_close(self) -> None:
        if self._state != "open" or self._bridge is None:
            return
        # Only a completed login is logged out. While a login is pending, the real SDK queues
        # TIMLogout behind it (observed: with no network the logout answers only when the login
        # fails, ~30 s later), so closing would sit out the whole timeout; TIMUninit interrupts
        # the pending login instead (its request ends with 7009 "interrupt because of uninit").
        if self.login_status is not LoginStatus.LOGGED_IN:
            return
        bridge = self._bridge
        with anyio.move_on_after(_LOGOUT_TIMEOUT_S):
            async with anyio.create_task_group() as tg:
                tg.start_soon(bridge.pump, self._hub.publish_many)
                try:
                    await self.logout()
                except Exception as exc:  # closing goes on: the SDK is uninitialised anyway
                    log.warning("aiotim: logout while closing failed: %s", exc)
                finally:
                    tg.cancel_scope.cancel()

    def _close_native(self, *, settle: bool = True) -> None:
        """Uninitialise the SDK and close the relay; synchronous (also run at exit).

        With ``settle``, also wait (blocking) until the SDK has stopped writing into its
        directories and give its library back; ``__aexit__`` does that part without blocking
        the loop (:meth:`_settle`)."""
        if self._state != "open":
            return
        self._state = "closed"
        _open_clients.discard(self)
        bridge = self._bridge
        if bridge is not None:
            try:
                rc = bridge.call_sync("TIMUninit")
                if rc != 0:
                    log.warning("aiotim: TIMUninit returned %d", rc)
                bridge.unregister_notifications()
            finally:
                bridge.close()
        self._hub.close()
        if settle:
            quiet = _Quiet(self._quiet_dirs())
            while not quiet.check():
                time.sleep(_QUIET_POLL_S)
            self._unload()
            self._cleanup_dirs()

    async def _settle(self) -> None:
        """After TIMUninit: wait until the SDK has stopped writing into its data and log
        directories, then give its library back and remove the temporary directories."""
        if self._lib is None:
            return
        quiet = _Quiet(self._quiet_dirs())
        # Polling: nothing signals that another thread stopped writing files.
        while not quiet.check():  # noqa: ASYNC110
            await anyio.sleep(_QUIET_POLL_S)
        self._unload()
        self._cleanup_dirs()

    def _quiet_dirs(self) -> tuple[Path, ...]:
        """The directories to wait on after TIMUninit: none for the loopback (its threads
        have ended when TIMUninit returns), the data and log directories otherwise."""
        if self._lib is None or self._lib.is_loopback:
            return ()
        return self._sdk_dirs

    def _unload(self) -> None:
        """Give the SDK library back (a private copy is unloaded or kept for the next client:
        :func:`aiotim._native.release_sdk`)."""
        lib, self._lib = self._lib, None
        if lib is None:
            return
        if self._source.private_copy:
            release_sdk(lib, self._source)
        else:
            _shared_in_use.discard(id(lib))

    def _configure_sdk_log(self, bridge: Bridge) -> None:
        # Fire and forget: the SDK answers through the relay, and an answer nobody awaits just
        # frees its pending slot.
        # Observed on the real SDK (8.0.5903, Linux): set_config_log_level also governs what
        # reaches the log callback, and a TIMSetConfig without it turns that log off.
        config = {
            "set_config_is_log_output_console": self._sdk_console_log,
            "set_config_log_level": int(self._sdk_log_level),
        }
        try:
            bridge.start_call("TIMSetConfig", [orjson.dumps(config)])
        except (TIMError, UnsupportedBySDK) as exc:
            log.warning("aiotim: could not configure the SDK's console log: %s", exc)

    def _cleanup_dirs(self) -> None:
        if self._tmp_dir is not None:
            shutil.rmtree(self._tmp_dir, ignore_errors=True)
            self._tmp_dir = None
        if self._dir_lock is not None:
            os.close(self._dir_lock)  # releases the flock
            self._dir_lock = None

    def _default_data_dir(self) -> Path:
        """``$XDG_DATA_HOME/aiotim/<sdk_app_id>``, or ``…/<sdk_app_id>-2``, ``-3``, … when
        another client (of this process or another) holds it: each open client has its own."""
        base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
        root = Path(base) / "aiotim"
        for n in itertools.count(1):
            data_dir = root / (str(self.sdk_app_id) if n == 1 else f"{self.sdk_app_id}-{n}")
            data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(data_dir / ".aiotim-lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self._dir_lock = fd
            return data_dir
        raise AssertionError("unreachable")

    def _init_config(self) -> dict[str, Any]:
        data_dir = self._data_dir
        if data_dir is None:
            if self._lib is not None and self._lib.is_loopback:
                self._tmp_dir = tempfile.mkdtemp(prefix="aiotim-data-")
                data_dir = Path(self._tmp_dir)
            else:
                data_dir = self._default_data_dir()
        log_dir = self._log_dir or data_dir / "logs"
        data_dir.mkdir(parents=True, exist_ok=True)
        log_dir.mkdir(parents=True, exist_ok=True)
        self._sdk_dirs = (data_dir.resolve(), log_dir.resolve())
        return {
            "sdk_config_config_file_path": str(data_dir),
            "sdk_config_log_file_path": str(log_dir),
            **self._source.extra_config,
        }

    def _on_sdk_log(self, args: tuple[Any, ...]) -> None:
        level, text = args
        if text:
            sdk_log.log(
                _SDK_LEVELS.get(level, logging.INFO),
                "%s",
                redact(text.decode("utf-8", "replace")).rstrip(),
            )

    @property
    def _native(self) -> Bridge:
        if self._state != "open" or self._bridge is None:
            raise ClientClosed(
                "the client is not open: use it inside `async with client:`"
                if self._state == "new"
                else "the client is closed"
            )
        return self._bridge

    # -- state ----------------------------------------------------------------------------

    @property
    def sdk_version(self) -> str:
        """The loaded SDK's version (``TIMGetSDKVersion``)."""
        if self._version is None:
            raise ClientClosed("the client is not open: use it inside `async with client:`")
        return self._version

    @property
    def login_status(self) -> LoginStatus:
        """The SDK's login status (``TIMGetLoginStatus``)."""
        return LoginStatus(self._native.call_sync("TIMGetLoginStatus"))

    @property
    def user_id(self) -> str | None:
        """The logged-in user's id, or ``None`` when not logged in (``TIMGetLoginUserID``)."""
        rc, user = self._native.call_sync("TIMGetLoginUserID")
        return user if rc == 0 and user else None

    def stats(self) -> dict[str, Any]:
        """Counters for monitoring and tests: calls pending, late results dropped, relay
        counters, payload errors and unclaimed-event drops per kind."""
        bridge = self._bridge
        relay = bridge.stats() if bridge is not None and self._state == "open" else None
        return {
            "pending": len(bridge.pending) if bridge else 0,
            "dropped_late": bridge.pending.dropped_late if bridge else 0,
            "relay_pushed": relay.pushed if relay else None,
            "relay_batches": relay.batches if relay else None,
            "relay_stall_max_ns": relay.stall_max_ns if relay else None,
            "payload_errors": dict(self._hub.payload_errors),
            "unclaimed_dropped": self._hub.dropped_unclaimed(),
        }

    # -- calls ----------------------------------------------------------------------------

    async def call_raw(
        self, function: str, *args: Any, on_interim: Callable[[Any], None] | None = None
    ) -> Any:
        """Call any function of the TIM ABI by name.

        Strings are ``str`` (UTF-8) or ``bytes``, integers and enums ``int``, booleans ``bool``,
        in declaration order, without callbacks, ``user_data`` and output buffers. A function
        with a callback returns its decoded JSON result (``None`` when empty); a synchronous one
        returns its C return value. A function with ``char*`` output buffers (filled by the SDK
        during the C call) returns a tuple: that value, then the text of each buffer in order —
        e.g. ``TIMSignalingInvite`` → ``(result, invite_id)``, ``TIMMsgSendMessage`` →
        ``(message, message_id)``, ``TIMGetLoginUserID`` → ``(rc, user_id)``. Multi-shot
        functions (``TIMMsgDownloadElemToPath`` progress, ``TIMMsgSendNewMsgEx``'s first
        callback) hand their interim results, decoded, to ``on_interim``.

        Raises:
            TIMError: a non-zero TIMResult, or a callback code other than 0.
            UnsupportedBySDK: the loaded SDK does not export ``function``.
            KeyError: ``function`` is not part of the TIM ABI.
        """
        return await call_raw(self._native, function, args, on_interim)

    def _call_bytes(self, function: str, *args: Any) -> Coroutine[Any, Any, tuple[bytes, str]]:
        """``call_raw`` of a single-shot function with one output buffer (a send), its result's
        JSON left undecoded for the caller's own decoder (the domains' :class:`Core`). (Returns
        the call's coroutine: no extra frame per send.)"""
        return call_bytes(self._native, function, args)

    async def login(self, user_id: str, user_sig: str) -> None:
        """Log in as ``user_id`` (``TIMLogin``).

        Raises:
            InvalidUserSig: the UserSig is wrong, expired, or for another user or app.
            TIMError: any other failure (codes of the SDK or the server).
        """
        if not isinstance(user_id, str) or not user_id:
            raise ValueError("login() needs a non-empty user_id")
        if not isinstance(user_sig, str) or not user_sig:
            raise ValueError(
                "login() needs a non-empty user_sig (generate one with "
                "aiotim.usersig.gen_user_sig on your server)"
            )
        await self.call_raw("TIMLogin", user_id, user_sig)
        self._me = user_id

    async def logout(self) -> None:
        """Log out (``TIMLogout``)."""
        await self.call_raw("TIMLogout")

    # -- streams --------------------------------------------------------------------------

    def _stream(
        self,
        kind: str,
        where: Callable[[Any], bool] | None = None,
        *,
        maxsize: int | None = None,
        overflow: OverflowPolicy = "drop_oldest",
    ) -> Stream[Any]:
        if self._state == "new":
            raise ClientClosed("streams are created on an open client: inside `async with`")
        return self._hub.subscribe(kind, where, maxsize=maxsize, overflow=overflow)

    def events(
        self,
        event_type: type[E],
        *,
        where: Callable[[E], bool] | None = None,
        maxsize: int | None = None,
        overflow: OverflowPolicy = "drop_oldest",
    ) -> Stream[E]:
        """Every event of ``event_type`` (any type of :data:`aiotim.events.CATALOG`, e.g.
        ``aiotim.GroupTipsEvent``), in the order the SDK reports them.

        ``maxsize`` and ``overflow`` bound the stream (see :class:`aiotim.Stream`): a lossy
        policy yields :class:`aiotim.Gap` items where events were dropped.

        Raises:
            TypeError: ``event_type`` is not a class.
            KeyError: no notification carries ``event_type``.
        """
        if not isinstance(event_type, type):
            raise TypeError(
                f"events() needs an event class such as aiotim.MessageRevoked, got {event_type!r}"
            )
        kind = EVENT_KINDS.get(event_type)
        if kind is None:
            raise KeyError(
                f"{event_type.__qualname__} is not an event type of "
                "aiotim.events.CATALOG (see docs/events.md for the list)"
            )
        return self._stream(kind, where, maxsize=maxsize, overflow=overflow)

    def network_status(self) -> Stream[NetworkStatusChanged]:
        """Changes of the connection to the IM cloud."""
        return self._stream("TIMSetNetworkStatusListenerCallback")

    def kicked_offline(self) -> Stream[KickedOffline]:
        """This user logging in elsewhere, which logs this client out."""
        return self._stream("TIMSetKickedOfflineCallback")

    def user_sig_expired(self) -> Stream[UserSigExpired]:
        """The UserSig expiring while logged in."""
        return self._stream("TIMSetUserSigExpiredCallback")

    def raw_events(self, setter: str) -> Stream[Any]:
        """Every notification of the setter ``setter`` (e.g. ``"TIMSetGroupTipsEventCallback"``),
        addressed by the C setter's name: its typed event (see :data:`aiotim.events.CATALOG`),
        whose ``.raw`` keeps the callback's payload.

        Raises:
            KeyError: ``setter`` is not a notification setter of the TIM ABI.
        """
        if setter not in CALLBACK_SETTERS:
            raise KeyError(f"{setter!r} is not a notification setter of the TIM ABI")
        return self._stream(setter)

    # -- flat shortcuts: each is a namespace's method -------------------------------------

    send = Shortcut("messages", Messages.send)
    reply = Shortcut("messages", Messages.reply)
    send_text = Shortcut("messages", Messages.send_text)
    send_custom = Shortcut("messages", Messages.send_custom)
    send_image = Shortcut("messages", Messages.send_image)
    send_file = Shortcut("messages", Messages.send_file)
    get_history = Shortcut("messages", Messages.history)
    new_messages = Shortcut("messages", Messages.new_messages)
    revokes = Shortcut("messages", Messages.revokes)
    read_receipts = Shortcut("messages", Messages.read_receipts)
    modified_messages = Shortcut("messages", Messages.modified)
    upload_progress = Shortcut("messages", Messages.upload_progress)
    conversation_changes = Shortcut("conversations", Conversations.changes)
    unread_total = Shortcut("conversations", Conversations.unread_total)
    group_tips = Shortcut("groups", Groups.tips)
    group_attributes = Shortcut("groups", Groups.attribute_changes)
    friends_added = Shortcut("friends", Friends.added)
    friends_deleted = Shortcut("friends", Friends.deleted)
    friend_requests = Shortcut("friends", Friends.new_requests)
    blacklist_added = Shortcut("friends", Friends.blocklist_added)
    blacklist_deleted = Shortcut("friends", Friends.blocklist_removed)
    self_profile = Shortcut("profiles", Profiles.self_updates)
    user_status = Shortcut("status", Status.changes)
    invitations = Shortcut("signaling", Signaling.invitations)
    invitations_cancelled = Shortcut("signaling", Signaling.cancelled)
    invitations_accepted = Shortcut("signaling", Signaling.accepted)
    invitations_rejected = Shortcut("signaling", Signaling.rejected)
    invitations_timed_out = Shortcut("signaling", Signaling.timed_out)
    wait_for = Shortcut("_bot", Bot.wait_for)
    conversation = Shortcut("_bot", Bot.conversation)
    on = Shortcut("_bot", Bot.on)
    serve = Shortcut("_bot", Bot.serve)

    @property
    def handler_errors(self) -> int:
        """Handler exceptions caught by :meth:`serve` (logged with their context), in all."""
        return self._bot.handler_errors

    include = Shortcut("_bot", Bot.include)

    def run(self, user_id: str, user_sig: str, *, backend: str = "asyncio") -> None:
        """Open the client, log in, and :meth:`serve` its handlers until Ctrl-C or SIGTERM
        (then one line on stderr and exit status 130 / 143; see :func:`aiotim.run`)::

            bot = aiotim.Client(SDK_APP_ID, sdk=PATH)
            bot.include(router)
            bot.run("bot", user_sig)
        """
        from aiotim.bot import run

        async def main() -> None:
            async with self:
                await self.login(user_id, user_sig)
                await self.serve()

        run(main, backend=backend)
