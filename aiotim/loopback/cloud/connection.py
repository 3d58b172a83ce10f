"""One SDK connection: reads frames in order, writes results and events in order, batched.

Everything a connection sends goes through one ordered outbox drained by one writer task, so the
SDK sees results and events in exactly the order the cloud produced them. Notifications that pile
up while the writer is busy are coalesced (that is where the speed is): consecutive new messages
become one ``TIMAddRecvNewMsgCallback`` array, repeated updates of one conversation become one
entry of a ``TIMSetConvEventCallback`` array, and the total unread count is sent once, with its
latest value. Any other frame closes the current batch first, so ordering is never violated.

A connection knows the :class:`~aiotim.loopback.cloud.state.Store` (to render what it sends) and
nothing above it: what its frames mean is decided by the ``handle`` callback of :meth:`run`
(the server's), and who is logged in on it by :class:`~aiotim.loopback.cloud.app.App`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import orjson

from aiotim.enums import TIMConvEvent
from aiotim.loopback.cloud import views
from aiotim.loopback.cloud.protocol import (
    MAX_FRAME,
    Field,
    FrameDecoder,
    ProtocolError,
    encode_frame,
)
from aiotim.loopback.cloud.state import Store, StoredConversation, StoredMessage

__all__ = ["Connection", "Limits"]

log = logging.getLogger("aiotim.loopback")

_ADD = int(TIMConvEvent.kTIMConvEvent_Add)
_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)
#: Messages per new-message event: big enough to amortise, small enough to keep frames modest.
_MAX_BATCH = 1000
_READ_SIZE = 256 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """What one connection may cost the cloud.

    Args:
        pre_login_max_frame: the largest frame accepted before the connection is logged in
            (a hello and a ``TIMLogin`` are a few hundred bytes); a larger one closes it.
        login_timeout_s: a connection not logged in for this long is closed (the SDK
            reconnects when it wants to log in).
        max_outbound: bytes queued for a connection that does not read (rendered frames and
            the socket's write buffer): an event that would queue more drops the connection,
            and what was not rendered yet goes back to the user's offline inbox. (Results are
            not counted against it: they are back-pressured; new messages wait unrendered.)
        outbound_pause: while this many bytes are queued, the connection's own requests are
            not read (back-pressure: a client that does not read its results stalls itself).
        stall_timeout_s: a connection whose socket accepts nothing more for this long is
            dropped (meanwhile its new messages wait unrendered, as references to the stored
            ones, and go back to the offline inbox when it is dropped).
    """

    pre_login_max_frame: int = 64 * 1024
    login_timeout_s: float = 15.0
    max_outbound: int = 32 * 1024 * 1024
    outbound_pause: int = 4 * 1024 * 1024
    stall_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if not 16 <= self.pre_login_max_frame <= MAX_FRAME:
            raise ValueError(f"pre_login_max_frame must be 16..{MAX_FRAME} bytes")
        if not self.login_timeout_s > 0:
            raise ValueError(f"login_timeout_s must be > 0, got {self.login_timeout_s!r}")
        if not self.stall_timeout_s > 0:
            raise ValueError(f"stall_timeout_s must be > 0, got {self.stall_timeout_s!r}")
        if not 0 < self.outbound_pause <= self.max_outbound:
            raise ValueError("need 0 < outbound_pause <= max_outbound")


class _Batch:
    """Notifications waiting for the writer, merged as they arrive."""

    __slots__ = ("convs", "msgs", "unread")

    def __init__(self) -> None:
        self.msgs: list[StoredMessage] = []
        self.convs: dict[int, tuple[int, StoredConversation]] = {}
        self.unread = False


class Connection:
    """The cloud side of one SDK connection."""

    def __init__(
        self,
        store: Store,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        delay: Callable[[], float] = lambda: 0.0,
        before_write: Callable[[], None] | None = None,
        limits: Limits = Limits(),
    ) -> None:
        """Serve one accepted socket; ``store`` is the state its notifications are rendered from.

        Args:
            delay: seconds to wait before handling each frame, asked again for every frame (the
                cloud's simulated network latency may change while the SDK is connected).
            before_write: called before each write; the server commits the state there, so
                that nothing is acknowledged (or delivered) before it is durable. When it
                raises, the connection is dropped unwritten.
            limits: the connection's limits (frame size before login, outbound bytes).
        """
        self.store = store
        self._user: str | None = None
        #: when the connection was last without a logged-in user (monotonic seconds)
        self.unauth_since = time.monotonic()
        self.limits = limits
        #: bytes rendered into the outbox and not yet handed to the socket
        self._out_bytes = 0
        #: bytes received and not yet decoded (at most one frame before login)
        self._in_bytes = 0
        self._drained = asyncio.Event()
        self._drained.set()
        self.greeted = False
        self.expiry: asyncio.TimerHandle | None = None
        #: the server's check for a connection left without a logged-in user
        self.login_watch: asyncio.TimerHandle | None = None
        self._reader = reader
        self._writer = writer
        self._out: list[bytes] = []
        self._batch: _Batch | None = None
        self._wake = asyncio.Event()
        self._closing = False
        self._aborted = False
        self._delay = delay
        self._before_write = before_write

    @property
    def user(self) -> str | None:
        """The user logged in on this connection, or ``None``."""
        return self._user

    @user.setter
    def user(self, value: str | None) -> None:
        if value is None and self._user is not None:
            self.unauth_since = time.monotonic()
        self._user = value

    def buffered(self) -> int:
        """Bytes this connection holds: received and not yet decoded, and queued to send."""
        transport = self._writer.transport
        queued = 0 if transport.is_closing() else transport.get_write_buffer_size()
        return self._in_bytes + self._out_bytes + queued

    def _over(self, limit: int) -> bool:
        transport = self._writer.transport
        if transport.is_closing():
            return False
        return self._out_bytes + transport.get_write_buffer_size() > limit

    def _check_outbound(self) -> None:
        if not self._aborted and self._over(self.limits.max_outbound):
            log.warning(
                "dropping a loopback connection (%s): over %d bytes queued, it does not read",
                self.user or "not logged in",
                self.limits.max_outbound,
            )
            self._drop()

    def _drop(self) -> None:
        # Like abort(), and what is queued is not rendered: the owner's undelivered messages go
        # back to the inbox when the connection is detached.
        self.abort()

    # -- output ------------------------------------------------------------------------------

    def send(self, ftype: str, fields: Sequence[Field | str]) -> None:
        """Queue one frame, after everything queued before it."""
        if self._closing:
            return
        self._seal()
        frame = encode_frame(ftype, fields)
        self._out.append(frame)
        self._out_bytes += len(frame)
        self._wake.set()
        if ftype != "R":  # results are back-pressured (the read loop waits), events are not
            self._check_outbound()

    def result(
        self, req_id: int, fields: Sequence[Field | str], *, slot: int = 0, final: bool = True
    ) -> None:
        """Queue an ``R`` frame: callback ``slot`` of request ``req_id`` with ``fields``."""
        self.send("R", [req_id, slot, final, *fields])

    def event(self, setter: str, fields: Sequence[Field | str]) -> None:
        """Queue an ``E`` frame for the callback registered with ``setter``."""
        self.send("E", [setter, *fields])

    def login_state(self, status: int, user_id: str) -> None:
        """Queue an ``L`` frame."""
        self.send("L", [status, user_id])

    def notify_messages(self, msgs: Sequence[StoredMessage]) -> None:
        """Deliver new messages (coalesced with other pending ones).

        Never dropped here, not even while closing: a connection is detached before it goes,
        and ``App.unbind`` re-queues what :meth:`take_undelivered` returns for the next login.
        """
        if msgs:
            self._open_batch().msgs.extend(msgs)

    def notify_conv(self, conv: StoredConversation, event: int) -> None:
        """Report a conversation as added or updated (coalesced; an add stays an add)."""
        batch = self._open_batch()
        previous = batch.convs.get(id(conv))
        if previous is not None and previous[0] == _ADD:
            event = _ADD
        batch.convs[id(conv)] = (event, conv)

    def notify_unread(self) -> None:
        """Report the total unread count (its value when the batch is written)."""
        self._open_batch().unread = True

    def _open_batch(self) -> _Batch:
        if self._batch is None:
            self._batch = _Batch()
            self._wake.set()
        return self._batch

    def _seal(self, budget: int | None = None) -> None:
        """Render the pending batch into the outbox, so that later frames follow it.

        With ``budget`` (the writer's), stop rendering messages once the outbox holds that many
        bytes: the rest stays pending (with the batch's conversations and unread count) and is
        rendered once the socket has taken the first part, so a big batch never sits rendered
        in memory all at once."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        store = self.store
        user = self.user
        if user is None:  # logged out meanwhile; App.unbind took the messages back already
            return
        msgs = batch.msgs
        for start in range(0, len(msgs), _MAX_BATCH):
            shown = views.message_views(store, user, msgs[start : start + _MAX_BATCH])
            self._put(encode_frame("E", ["TIMAddRecvNewMsgCallback", orjson.dumps(shown)]))
            rest = start + _MAX_BATCH
            if budget is not None and self._out_bytes >= budget and rest < len(msgs):
                batch.msgs = msgs[rest:]
                self._batch = batch
                self._wake.set()
                return
        for kind in (_ADD, _UPDATE):
            convs = [
                views.conv_view(store, c) for event, c in batch.convs.values() if event == kind
            ]
            if convs:
                self._put(encode_frame("E", ["TIMSetConvEventCallback", kind, orjson.dumps(convs)]))
        if batch.unread:
            self._put(
                encode_frame(
                    "E",
                    ["TIMSetConvTotalUnreadMessageCountChangedCallback", store.total_unread(user)],
                )
            )

    def _put(self, frame: bytes) -> None:
        self._out.append(frame)
        self._out_bytes += len(frame)

    def take_undelivered(self) -> list[StoredMessage]:
        """Remove and return the messages not yet written (for re-queueing after a drop)."""
        batch = self._batch
        if batch is None:
            return []
        msgs, batch.msgs = batch.msgs, []
        return msgs

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close after writing what is queued (a polite close: the SDK sees EOF)."""
        self._closing = True
        self._wake.set()

    def abort(self) -> None:
        """Drop the connection at once, like a network failure."""
        self._closing = True
        self._aborted = True
        self._writer.transport.abort()
        self._wake.set()

    async def run(
        self,
        handle: Callable[[Connection, str, list[Field]], None],
        gone: Callable[[Connection], None],
    ) -> None:
        """Serve the connection until either side closes it.

        ``handle`` gets every frame; ``gone`` is called as soon as the connection is known to be
        over (before the writer's last flush), so that nothing more is routed to it.
        """
        writer_task = asyncio.create_task(self._write_loop())
        try:
            await self._read_loop(handle)
        finally:
            # An SDK never half-closes: once its side is closed it reads nothing more, so the
            # connection is detached now and its unwritten messages go back to the inbox.
            gone(self)
            self._closing = True
            self._wake.set()
            await writer_task
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()

    async def _read_loop(self, handle: Callable[[Connection, str, list[Field]], None]) -> None:
        decoder = FrameDecoder()
        limits = self.limits
        while not self._closing:
            try:
                data = await self._reader.read(_READ_SIZE)
            except OSError:
                return
            if not data:
                return
            # Before login a frame is small: a larger length closes the connection at once,
            # before anything of it is buffered (the frames of one read are judged together).
            decoder.max_frame = limits.pre_login_max_frame if self._user is None else MAX_FRAME
            try:
                frames = decoder.feed(data)
            except ProtocolError as exc:
                log.warning("closing a loopback connection: %s", exc)
                return
            self._in_bytes = decoder.pending
            for ftype, fields in frames:
                if self._closing:
                    return
                delay = self._delay()
                if delay > 0:
                    await asyncio.sleep(delay)
                handle(self, ftype, fields)
            # Back-pressure: read no more requests while the answers pile up unread.
            while not self._closing and self._over(limits.outbound_pause):
                self._drained.clear()
                await self._drained.wait()

    async def _write_loop(self) -> None:
        writer = self._writer
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                # Render nothing into a dead transport: what stays in the batch is re-queued.
                if self._aborted or writer.transport.is_closing():
                    return
                self._seal(self.limits.outbound_pause)
                if self._out:
                    if self._before_write is not None:
                        try:
                            self._before_write()
                        except Exception:
                            log.exception("loopback cloud: dropping a connection: commit failed")
                            self._aborted = True
                            return
                    data = b"".join(self._out)
                    self._out.clear()
                    self._out_bytes = 0
                    writer.write(data)
                    try:
                        await asyncio.wait_for(writer.drain(), self.limits.stall_timeout_s)
                    except TimeoutError:
                        log.warning(
                            "dropping a loopback connection (%s): it read nothing for %s s",
                            self.user or "not logged in",
                            self.limits.stall_timeout_s,
                        )
                        self._drop()
                        return
                    self._drained.set()
                if self._closing and self._batch is None and not self._out:
                    return
        except (OSError, RuntimeError):  # the peer is gone; the read loop sees it too
            self._closing = True
        finally:
            self._drained.set()
            # Closing the transport also ends the read loop (EOF) when we are the ones closing.
            if self._aborted:
                writer.transport.abort()
            else:
                writer.close()
