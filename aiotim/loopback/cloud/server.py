"""The loopback cloud server: listener, connections, the hello, dispatch, persistence, faults.

The top of the cloud: it accepts connections (:mod:`.connection`), greets them, hands every call
to :func:`aiotim.loopback.handlers.dispatch` with its :class:`~aiotim.loopback.cloud.app.App`,
schedules the database flushes and injects faults. Runs on one asyncio loop (the
:class:`~aiotim.loopback.Cloud` thread's, or ``serve``'s main loop). Handlers are synchronous:
state lives in memory, so a call is handled to completion before the next frame is read, and
frames of one connection are answered in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Sequence

from aiotim._abi import CALLBACK_SETTERS
from aiotim.enums import TIMMsgStatus
from aiotim.loopback import handlers
from aiotim.loopback.cloud import media, officialstate, peoplestate
from aiotim.loopback.cloud.address import Address
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.connection import Connection, Limits
from aiotim.loopback.cloud.protocol import PROTOCOL_NAME, Field
from aiotim.loopback.cloud.state import Store

__all__ = ["CloudServer", "validate_event_args"]


def _names(*modules: str) -> frozenset[bytes]:
    from importlib import import_module

    return frozenset(
        name.encode()
        for module in modules
        for name in import_module(f"aiotim.loopback.handlers.{module}").HANDLERS.handlers
    )


#: The functions whose calls may change the people state or the official accounts (kept in the
#: database as snapshots, see ``CloudServer._save_snapshots``): login and logout change the
#: user status bookkeeping.
_SNAPSHOT_CALLS = _names("friends", "profiles", "status", "official", "session")
#: The snapshots kept in the store with ``db=``: key -> (snapshot, load).
_SNAPSHOTS = {
    "people": (peoplestate.snapshot, peoplestate.load),
    "official": (officialstate.snapshot, officialstate.load),
}

log = logging.getLogger("aiotim.loopback")

_I64 = (-(2**63), 2**63 - 1)
#: How long changes that produce no output may wait before they are committed to the database
#: (anything a connection writes is committed first: see ``CloudServer._commit``).
FLUSH_DELAY = 0.05


def validate_event_args(setter: str, args: Sequence[object]) -> list[Field]:
    """Check ``args`` against the callback typedef of ``setter``; return them as wire fields.

    ``const char*`` takes ``str``, ``bytes`` or ``None`` (NULL); integers and enums take ``int``;
    ``bool`` takes ``bool``.

    Raises:
        ValueError: ``setter`` is not a callback setter of the ABI.
        TypeError: wrong number of arguments, or an argument of the wrong type (the message
            names the setter and the parameter).
    """
    callback = CALLBACK_SETTERS.get(setter)
    if callback is None:
        raise ValueError(f"{setter!r} is not a callback setter of the TIM ABI")
    params = callback.args
    if len(args) != len(params):
        names = ", ".join(p.name for p in params) or "no arguments"
        raise TypeError(
            f"{setter} ({callback.name}) takes {len(params)} argument(s) ({names}), got {len(args)}"
        )
    fields: list[Field] = []
    for param, value in zip(params, args, strict=True):
        where = f"{setter}: parameter {param.name} ({param.ctype})"
        if param.kind == "str":
            if isinstance(value, str):
                if "\0" in value:
                    raise ValueError(f"{where} must not contain NUL characters")
                fields.append(value.encode())
            elif value is None or isinstance(value, bytes | bytearray):
                fields.append(None if value is None else bytes(value))
            else:
                raise TypeError(f"{where} takes str, bytes or None, not {type(value).__name__}")
        elif param.kind == "bool":
            if not isinstance(value, bool):
                raise TypeError(f"{where} takes bool, not {type(value).__name__}")
            fields.append(value)
        else:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{where} takes int, not {type(value).__name__}")
            if not _I64[0] <= value <= _I64[1]:
                raise ValueError(f"{where}: {value} does not fit in 64 bits")
            fields.append(int(value))
    return fields


class CloudServer:
    """The IM cloud of one app: accepts SDK connections and serves them."""

    def __init__(
        self,
        sdk_app_id: int,
        secret_key: str,
        address: Address,
        *,
        db: str | os.PathLike[str] | None = None,
        fsync: bool = False,
        limits: Limits | None = None,
    ) -> None:
        """Create the server (nothing listens until :meth:`start`).

        ``limits``: what one connection may cost (frame size before login, login timeout,
        outbound bytes); see :class:`~aiotim.loopback.cloud.connection.Limits`.

        With ``db``, every result and delivery is written only after the changes it reports
        are committed (a group commit of the calls handled meanwhile); ``fsync`` makes each
        commit survive a power loss too (see :class:`~aiotim.loopback.cloud.state.Store`).

        Raises:
            ValueError / sqlite3.Error: see :class:`~aiotim.loopback.cloud.state.Store`.
        """
        self.address = address
        self.delay = 0.0
        self.limits = limits if limits is not None else Limits()
        self.store = Store(sdk_app_id, db, fsync=fsync)
        self.store.on_dirty = self._schedule_flush
        self.app = App(sdk_app_id, secret_key, self.store)
        self.app.on_offline = self._went_offline  # subscribers see the user go offline
        #: the people state or the official accounts may have changed since the last commit
        self.snapshots_dirty = False
        for key, (_, load) in _SNAPSHOTS.items():
            data = self.store.blobs.get(key)
            if data is not None:
                load(self.app, data)
        self.connections: set[Connection] = set()
        self._server: asyncio.Server | None = None
        #: the ``closed`` futures of the connections not over yet
        self._flush_handle: asyncio.TimerHandle | None = None
        #: function name -> how many more calls of it drop their connection (fault injection)
        self._drop_after: dict[bytes, int] = {}

    @property
    def sdk_app_id(self) -> int:
        """The SDKAppID served."""
        return self.app.sdk_app_id

    @property
    def online(self) -> dict[str, Connection]:
        """The connection of each logged-in user."""
        return self.app.online

    # -- listener ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on :attr:`address` (a TCP port 0 becomes a fixed port, kept across restarts)."""
        if self._server is not None:
            return
        addr = self.address
        loop = asyncio.get_running_loop()
        if addr.kind == "unix":
            # A stale socket file of an earlier run would make bind fail.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(addr.path)
            self._server = await loop.create_unix_server(self._new_connection, path=addr.path)
        else:
            self._server = await loop.create_server(
                self._new_connection, host=addr.host, port=addr.port, reuse_address=True
            )
            if addr.port == 0:
                port = self._server.sockets[0].getsockname()[1]
                self.address = Address("tcp", host=addr.host, port=port)

    async def stop(self) -> None:
        """Stop listening and drop every connection (a cloud outage)."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        self.drop_connections()
        if server is not None:
            await server.wait_closed()
        await self._join_connections()
        if self.address.kind == "unix":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.address.path)

    async def close(self) -> None:
        """Stop and write everything to the database."""
        await self.stop()
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self.snapshots_dirty = self.store.persistent
        self._save_snapshots()
        self.store.close()

    @property
    def listening(self) -> bool:
        """True while the listener is up."""
        return self._server is not None

    async def _join_connections(self) -> None:
        while self.connections:  # each leaves the set once its closed future is done
            await asyncio.gather(*[c.closed for c in self.connections], return_exceptions=True)

    def _new_connection(self) -> Connection:
        return Connection(
            self.store,
            self.handle_frame,
            self.detach,
            delay=self._current_delay,
            before_write=self._commit if self.store.persistent else None,
            limits=self.limits,
            made=self._made,
        )

    def _made(self, conn: Connection) -> None:
        transport = conn.transport
        assert transport is not None
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family != socket.AF_UNIX:
            # Results and events are small frames written as they come: no Nagle delay.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connections.add(conn)
        conn.login_watch = asyncio.get_running_loop().call_later(
            self.limits.login_timeout_s, self._login_watch, conn
        )
        conn.closed.add_done_callback(lambda _: self._ended(conn))

    def _ended(self, conn: Connection) -> None:
        if conn.login_watch is not None:
            conn.login_watch.cancel()
            conn.login_watch = None
        # (detached already: connection_lost calls gone, i.e. detach, before it resolves closed)
        self.connections.discard(conn)

    def _login_watch(self, conn: Connection) -> None:
        """Close a connection that has been without a logged-in user for the login timeout
        (idle unauthenticated connections are not kept); look again later otherwise."""
        if conn not in self.connections:
            return
        timeout = self.limits.login_timeout_s
        idle = time.monotonic() - conn.unauth_since
        if conn.user is None and idle >= timeout:
            log.info("closing a loopback connection: not logged in for %.1f s", idle)
            conn.close()
            return
        wait = timeout if conn.user is not None else timeout - idle
        conn.login_watch = asyncio.get_running_loop().call_later(wait, self._login_watch, conn)

    def _current_delay(self) -> float:
        return self.delay

    # -- persistence -------------------------------------------------------------------------

    def _schedule_flush(self) -> None:
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(FLUSH_DELAY, self._flush)

    def _save_snapshots(self) -> None:
        """Hand the store the snapshots of the people state and the official accounts when a
        call may have changed them (written with the next commit, when they did)."""
        if not self.snapshots_dirty:
            return
        self.snapshots_dirty = False
        for key, (snapshot, _) in _SNAPSHOTS.items():
            data = snapshot(self.app)
            if data is not None:
                self.store.put_blob(key, data)

    def _flush(self) -> None:
        self._flush_handle = None
        try:
            self._save_snapshots()
            self.store.flush()
        except Exception:  # keep serving from memory; the next batch retries everything
            log.exception("loopback cloud: writing the database failed")

    def _commit(self) -> None:
        """Before a connection writes: commit what changed (a group commit of every call
        handled since the last one), so that a result or a delivery never gets ahead of the
        database. Raises when the commit failed (the connection is then dropped unwritten)."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self._save_snapshots()
        self.store.flush()

    # -- frames ------------------------------------------------------------------------------

    def handle_frame(self, conn: Connection, ftype: str, fields: list[Field]) -> None:
        """Dispatch one frame from ``conn``."""
        if not conn.greeted:
            self._hello(conn, ftype, fields)
        elif ftype == "U":  # a chunk of a send's media file (PROTOCOL.md "Media")
            media.on_upload(self.app, conn, fields)
        elif ftype == "C":
            handlers.dispatch(self.app, conn, fields)
            if len(fields) > 1 and fields[1] in _SNAPSHOT_CALLS and self.store.persistent:
                self.snapshots_dirty = True
            if self._drop_after and len(fields) > 1 and isinstance(fields[1], bytes):
                self._maybe_drop(conn, fields[1])
        else:
            log.warning("closing a loopback connection: unexpected frame type %r", ftype)
            conn.close()

    def _hello(self, conn: Connection, ftype: str, fields: list[Field]) -> None:
        ok = (
            ftype == "H"
            and len(fields) >= 2
            and fields[0] == PROTOCOL_NAME.encode()
            and isinstance(fields[1], int)
            and not isinstance(fields[1], bool)
        )
        if not ok:
            log.warning("closing a loopback connection: bad hello")
            conn.close()
            return
        if fields[1] != self.sdk_app_id:
            log.warning(
                "closing a loopback connection: SDKAppID %s, this cloud serves %s",
                fields[1],
                self.sdk_app_id,
            )
            # An explicit refusal before the close, so that the SDK says why (PROTOCOL.md
            # "When the cloud cannot be reached"). Source: TIMErrorCode.h, 70020
            # ERR_SVR_ACCOUNT_SDKAPPID_NOT_FOUND ("SDKAppID not found").
            conn.send("X", [70020, f"this cloud serves SDKAppID {self.sdk_app_id}"])
            conn.close()
            return
        conn.greeted = True
        conn.send("W", [time.time_ns() // 1_000_000])

    def detach(self, conn: Connection) -> None:
        """Forget a connection that is gone (its user, if any, is logged out locally and goes
        offline for the subscribers of its status)."""
        user = self.app.unbind(conn)
        if user is not None:
            self.app.went_offline(user)

    # -- faults and pushes -------------------------------------------------------------------

    def drop_connections(self) -> None:
        """Abort every connection (the SDKs reconnect and log in again)."""
        for conn in list(self.connections):
            self.detach(conn)
            conn.abort()

    def _went_offline(self, app: App, user_id: str) -> None:
        peoplestate.on_gone(app, user_id)
        self.changed_snapshots()

    def changed_snapshots(self) -> None:
        """The people state or the official accounts changed outside a call (a drop, a kick,
        an admin operation): save them with the next commit (soon, also without a call)."""
        if self.store.persistent:
            self.snapshots_dirty = True
            self._schedule_flush()

    def drop_after(self, function: str, count: int = 1) -> None:
        """Drop the connection that makes one of the next ``count`` calls of ``function`` right
        after the call was handled, before its result is written: the cloud did the work (a
        message is stored and delivered), the SDK sees a network error (9508)."""
        if count < 0:
            raise ValueError(f"count must be >= 0, got {count}")
        self._drop_after[function.encode()] = count

    def _maybe_drop(self, conn: Connection, function: bytes) -> None:
        left = self._drop_after.get(function)
        if not left:
            return
        if left == 1:
            del self._drop_after[function]
        else:
            self._drop_after[function] = left - 1
        self.detach(conn)
        conn.abort()  # the result queued by the handler is never written

    def kick(self, user_id: str) -> None:
        """Log ``user_id`` out as if another device logged in.

        Raises:
            LookupError: ``user_id`` is not logged in.
        """
        self.app.kick(self.app.connection_of(user_id))

    def expire_user_sig(self, user_id: str) -> None:
        """Make ``user_id``'s UserSig expire now.

        Raises:
            LookupError: ``user_id`` is not logged in.
        """
        self.app.expire(self.app.connection_of(user_id))

    def emit(self, user_id: str, setter: str, args: Sequence[object]) -> None:
        """Push an ``E`` frame to ``user_id``'s connection.

        Raises:
            ValueError / TypeError: see :func:`validate_event_args`.
            LookupError: ``user_id`` is not logged in.
        """
        fields = validate_event_args(setter, args)
        self.app.connection_of(user_id).event(setter, fields)

    def stats(self) -> dict[str, int]:
        """Counters for tests: connections, bytes the connections hold (received undecoded and
        queued to send), online users, stored messages, revoked ones."""
        revoked = sum(
            1
            for h in self.store.history.values()
            for m in h
            if m.status == TIMMsgStatus.kTIMMsg_Revoked
        )
        return {
            "connections": len(self.connections),
            "buffered_bytes": sum(c.buffered() for c in self.connections),
            "online": len(self.app.online),
            "messages": self.store.message_count(),
            "revoked": revoked,
        }
