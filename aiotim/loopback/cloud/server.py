"""The loopback cloud server: listener, sessions, login bindings, dispatch, faults.

Runs on one asyncio loop (the :class:`~aiotim.loopback.Cloud` thread's, or ``serve``'s main
loop). Handlers are synchronous functions of :mod:`.handlers`: state lives in memory, so a call
is handled to completion before the next frame is read, and frames of one connection are
answered in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Sequence
from typing import Any

from aiotim._abi import CALLBACK_SETTERS
from aiotim.enums import TIMConvEvent, TIMLoginStatus, TIMMsgStatus
from aiotim.loopback import handlers
from aiotim.loopback.cloud import jsonshapes
from aiotim.loopback.cloud.address import Address
from aiotim.loopback.cloud.protocol import PROTOCOL_NAME, Field
from aiotim.loopback.cloud.session import Session
from aiotim.loopback.cloud.state import Store, StoredConversation, StoredMessage

__all__ = ["CloudServer", "validate_event_args"]

log = logging.getLogger("aiotim.loopback")

LOGINED = int(TIMLoginStatus.kTIMLoginStatus_Logined)
UNLOGINED = int(TIMLoginStatus.kTIMLoginStatus_UnLogined)
_I64 = (-(2**63), 2**63 - 1)
#: How long changes may wait before they are committed to the database.
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
            f"{setter} ({callback.name}) takes {len(params)} argument(s) ({names}), "
            f"got {len(args)}"
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
    ) -> None:
        """Create the server (nothing listens until :meth:`start`).

        Raises:
            ValueError / sqlite3.Error: see :class:`~aiotim.loopback.cloud.state.Store`.
        """
        self.sdk_app_id = sdk_app_id
        self.secret_key = secret_key
        self.address = address
        self.delay = 0.0
        self.store = Store(sdk_app_id, db)
        self.store.on_dirty = self._schedule_flush
        self.sessions: set[Session] = set()
        self.online: dict[str, Session] = {}
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._flush_handle: asyncio.TimerHandle | None = None

    # -- listener ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on :attr:`address` (a TCP port 0 becomes a fixed port, kept across restarts)."""
        if self._server is not None:
            return
        addr = self.address
        if addr.kind == "unix":
            # A stale socket file of an earlier run would make bind fail.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(addr.path)
            self._server = await asyncio.start_unix_server(self._serve, path=addr.path)
        else:
            self._server = await asyncio.start_server(
                self._serve, host=addr.host, port=addr.port, reuse_address=True
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
        await self._join_sessions()
        if self.address.kind == "unix":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.address.path)

    async def close(self) -> None:
        """Stop and write everything to the database."""
        await self.stop()
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self.store.close()

    @property
    def listening(self) -> bool:
        """True while the listener is up."""
        return self._server is not None

    async def _join_sessions(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        sock = writer.get_extra_info("socket")
        if sock is not None and sock.family != socket.AF_UNIX:
            # Results and events are small frames written as they come: no Nagle delay.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        session = Session(self, reader, writer)
        self.sessions.add(session)
        try:
            await session.run(self.handle_frame, self.detach)
        finally:
            self.detach(session)
            self.sessions.discard(session)
            self._tasks.discard(task)

    # -- persistence -------------------------------------------------------------------------

    def _schedule_flush(self) -> None:
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_later(FLUSH_DELAY, self._flush)

    def _flush(self) -> None:
        self._flush_handle = None
        try:
            self.store.flush()
        except Exception:  # keep serving from memory; the next batch retries everything
            log.exception("loopback cloud: writing the database failed")

    # -- frames ------------------------------------------------------------------------------

    def handle_frame(self, session: Session, ftype: str, fields: list[Field]) -> None:
        """Dispatch one frame from ``session``."""
        if not session.greeted:
            self._hello(session, ftype, fields)
        elif ftype == "C":
            handlers.dispatch(self, session, fields)
        else:
            log.warning("closing a loopback connection: unexpected frame type %r", ftype)
            session.close()

    def _hello(self, session: Session, ftype: str, fields: list[Field]) -> None:
        ok = (
            ftype == "H"
            and len(fields) >= 2
            and fields[0] == PROTOCOL_NAME.encode()
            and isinstance(fields[1], int)
            and not isinstance(fields[1], bool)
        )
        if not ok:
            log.warning("closing a loopback connection: bad hello")
            session.close()
            return
        if fields[1] != self.sdk_app_id:
            log.warning(
                "closing a loopback connection: SDKAppID %s, this cloud serves %s",
                fields[1], self.sdk_app_id,
            )
            session.close()
            return
        session.greeted = True
        session.send("W", [time.time_ns() // 1_000_000])

    # -- login bindings ----------------------------------------------------------------------

    def bind(self, session: Session, user_id: str, expires_at: int) -> None:
        """Log ``session`` in as ``user_id`` until ``expires_at`` (Unix s); kick any other."""
        if session.user is not None and session.user != user_id:
            self.unbind(session)
        other = self.online.get(user_id)
        if other is not None and other is not session:
            self.kick(other)
        if session.expiry is not None:
            session.expiry.cancel()
        session.user = user_id
        self.online[user_id] = session
        delay = max(0.0, expires_at - time.time())
        session.expiry = asyncio.get_running_loop().call_later(
            delay, self.expire_session, session
        )

    def unbind(self, session: Session) -> str | None:
        """Log ``session`` out locally; messages it has not written yet go back to the inbox."""
        user = session.user
        if session.expiry is not None:
            session.expiry.cancel()
            session.expiry = None
        if user is None:
            return None
        undelivered = session.take_undelivered()
        if undelivered:
            self.store.inbox_push(user, undelivered, front=True)
        if self.online.get(user) is session:
            del self.online[user]
        session.user = None
        return user

    def detach(self, session: Session) -> None:
        """Forget a session whose connection is gone."""
        self.unbind(session)

    def kick(self, session: Session) -> None:
        """Another device logged in: the session is logged out and told so."""
        if self.unbind(session) is not None:
            session.login_state(UNLOGINED, "")
            session.event("TIMSetKickedOfflineCallback", [])

    def expire_session(self, session: Session) -> None:
        """The session's UserSig expired: it is logged out and told so."""
        if self.unbind(session) is not None:
            session.login_state(UNLOGINED, "")
            session.event("TIMSetUserSigExpiredCallback", [])

    # -- faults and pushes -------------------------------------------------------------------

    def drop_connections(self) -> None:
        """Abort every connection (the SDKs reconnect and log in again)."""
        for session in list(self.sessions):
            self.detach(session)
            session.abort()

    def emit(self, user_id: str, setter: str, args: Sequence[object]) -> None:
        """Push an ``E`` frame to ``user_id``'s session.

        Raises:
            ValueError / TypeError: see :func:`validate_event_args`.
            LookupError: ``user_id`` is not logged in.
        """
        fields = validate_event_args(setter, args)
        session = self.online.get(user_id)
        if session is None:
            raise LookupError(f"user {user_id!r} is not logged in to the loopback cloud")
        session.event(setter, fields)

    def session_of(self, user_id: str) -> Session:
        """The logged-in session of ``user_id``.

        Raises:
            LookupError: ``user_id`` is not logged in.
        """
        session = self.online.get(user_id)
        if session is None:
            raise LookupError(f"user {user_id!r} is not logged in to the loopback cloud")
        return session

    # -- message delivery (used by the handlers) ---------------------------------------------

    def deliver(
        self,
        user_id: str,
        msgs: Sequence[StoredMessage],
        convs: Sequence[StoredConversation],
        *,
        unread: bool,
    ) -> None:
        """New messages for ``user_id``: to the session if online, else to the inbox."""
        session = self.online.get(user_id)
        if session is None:
            self.store.inbox_push(user_id, msgs)
            return
        session.notify_messages(msgs)
        for conv in convs:
            session.notify_conv(conv, int(TIMConvEvent.kTIMConvEvent_Update))
        if unread:
            session.notify_unread()

    def deliver_offline(self, session: Session) -> None:
        """Hand a freshly logged-in session what arrived while it was away, in order."""
        user = session.user
        if user is None:
            return
        msgs = self.store.inbox_take(user)
        if not msgs:
            return
        session.notify_messages(msgs)
        seen: dict[tuple[int, str], StoredConversation] = {}
        for msg in msgs:
            conv_id = msg.sender if msg.conv_type == 1 else msg.target
            conv = self.store.find_conversation(user, msg.conv_type, conv_id)
            if conv is not None:
                seen[(msg.conv_type, conv_id)] = conv
        for conv in seen.values():
            session.notify_conv(conv, int(TIMConvEvent.kTIMConvEvent_Update))
        session.notify_unread()

    # -- JSON views --------------------------------------------------------------------------

    def message_views(
        self, viewer: str, msgs: Sequence[StoredMessage], local: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Message objects of ``msgs`` as ``viewer`` sees them."""
        views = []
        store = self.store
        convs = store.convs.get(viewer, {})
        for msg in msgs:
            from_self = msg.sender == viewer
            if msg.conv_type == 1:
                peer = msg.target if from_self else msg.sender
                mine = convs.get((1, peer))
                if from_self:
                    theirs = store.find_conversation(peer, 1, viewer)
                    is_read = True
                    is_peer_read = theirs is not None and msg.seq <= theirs.read_seq
                else:
                    is_read = mine is not None and msg.seq <= mine.read_seq
                    is_peer_read = False
            else:
                is_read, is_peer_read = from_self, False
            views.append(
                jsonshapes.message_view(
                    msg, viewer, is_read=is_read, is_peer_read=is_peer_read, local=local
                )
            )
        return views

    def conv_view(self, conv: StoredConversation) -> dict[str, Any]:
        """The ConvInfo object of ``conv``, with its last message."""
        last = self.store.message_at(conv.conv_key, conv.last_seq) if conv.last_seq else None
        last_view = self.message_views(conv.owner, [last])[0] if last is not None else None
        return jsonshapes.conv_view(conv, last_view)

    def stats(self) -> dict[str, int]:
        """Counters for tests: connections, online users, stored messages, revoked ones."""
        revoked = sum(
            1 for h in self.store.history.values() for m in h
            if m.status == TIMMsgStatus.kTIMMsg_Revoked
        )
        return {
            "connections": len(self.sessions),
            "online": len(self.online),
            "messages": self.store.message_count(),
            "revoked": revoked,
        }

