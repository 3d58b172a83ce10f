"""One SDK connection: reads frames in order, writes results and events in order, batched.

A connection is an :class:`asyncio.Protocol`: the frames of one read are handled as they are
received, and what they produced is written at the end of that same callback (one loop
iteration per request, no task switches); notifications for a connection that is not reading
are written at the loop's next turn. Everything a connection sends goes through one ordered
outbox, so the SDK sees results and events in the order the cloud produced them, but for the
one exception below. Notifications that pile up until the next write are coalesced (that is
where the speed is): consecutive new messages become one ``TIMAddRecvNewMsgCallback`` array,
repeated updates of one conversation become one entry of a ``TIMSetConvEventCallback`` array,
and the total unread count is sent once, with its latest value. Any other frame closes the
current batch first.

The exception: a result that holds no conversation or unread state (an empty one, or a sent
message: ``may_wait``) waits for the end of the read that asked for it, so that the conversation
and unread updates of all the calls of that read (calls the SDK sent together, none waiting for
another) merge into one batch ahead of it. Those updates are snapshots rendered when written,
and such a result has nothing an update could contradict. Any other frame, a result that does
hold state (a conversation list, an unread count: a later update must not overtake it), a new
message and a login or logout first write the batch and the results waiting behind it.

A connection knows the :class:`~aiotim.loopback.cloud.state.Store` (to render what it sends) and
nothing above it: what its frames mean is decided by its ``handle`` callback (the
server's), and who is logged in on it by :class:`~aiotim.loopback.cloud.app.App`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
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
    encode_result,
)
from aiotim.loopback.cloud.state import Store, StoredConversation, StoredMessage

__all__ = ["Connection", "Limits"]

log = logging.getLogger("aiotim.loopback")

_ADD = int(TIMConvEvent.kTIMConvEvent_Add)
_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)
#: Messages per new-message event: big enough to amortise, small enough to keep frames modest.
_MAX_BATCH = 1000


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
            not counted against it: they are back-pressured; new messages wait unrendered,
            until another frame for the connection renders them ahead of itself.)
        outbound_pause: while this many bytes are queued, the connection's own requests are
            not read (back-pressure: a client that does not read its results stalls itself).
        stall_timeout_s: a connection whose socket accepts nothing more for this long is
            dropped (meanwhile its new messages wait unrendered, as references to the stored
            ones, and go back to the offline inbox when it is dropped; those that another frame
            queued meanwhile rendered ahead of itself are lost with the connection, as the
            frame is).
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


class Connection(asyncio.Protocol):
    """The cloud side of one SDK connection."""

    def __init__(
        self,
        store: Store,
        handle: Callable[[Connection, str, list[Field]], None],
        gone: Callable[[Connection], None],
        *,
        delay: Callable[[], float] = lambda: 0.0,
        before_write: Callable[[], None] | None = None,
        limits: Limits = Limits(),
        made: Callable[[Connection], None] | None = None,
    ) -> None:
        """Serve one accepted socket; ``store`` is the state its notifications are rendered from.

        Args:
            handle: gets every frame, in order.
            gone: called as soon as the connection is known to be over (before its last
                flush), so that nothing more is routed to it; may be called more than once.
            delay: seconds to wait before handling each frame, asked again for every frame (the
                cloud's simulated network latency may change while the SDK is connected).
            before_write: called before each write; the server commits the state there, so
                that nothing is acknowledged (or delivered) before it is durable. When it
                raises, the connection is dropped unwritten.
            limits: the connection's limits (frame size before login, outbound bytes).
            made: called once the socket is attached (:meth:`connection_made`).
        """
        self.store = store
        self._user: str | None = None
        #: when the connection was last without a logged-in user (monotonic seconds)
        self.unauth_since = time.monotonic()
        self.limits = limits
        #: bytes rendered into the outbox and not yet handed to the socket
        self._out_bytes = 0
        self.greeted = False
        self.expiry: asyncio.TimerHandle | None = None
        #: the server's check for a connection left without a logged-in user
        self.login_watch: asyncio.TimerHandle | None = None
        self.transport: asyncio.Transport | None = None
        self._loop = asyncio.get_running_loop()
        #: resolved once the connection is over (the socket closed)
        self.closed: asyncio.Future[None] = self._loop.create_future()
        self._out: list[bytes] = []
        self._batch: _Batch | None = None
        #: results of the read being handled, written after the batch (see the module's doc)
        self._results: list[bytes] = []
        self._closing = False
        self._aborted = False
        self._delay = delay
        self._before_write = before_write
        self._handle = handle
        self._gone = gone
        self._made = made
        self._decoder = FrameDecoder()
        #: a flush is due (at the end of the read being handled, or at the loop's next turn)
        self._flush_due = False
        self._flush_handle: asyncio.Handle | None = None
        self._in_read = False
        #: the socket's buffer is full (pause_writing): nothing is written until it drains
        self._write_paused = False
        self._stall: asyncio.TimerHandle | None = None
        #: reading paused because the answers pile up unread
        self._read_paused = False
        #: frames waiting for their simulated network delay (handled by _backlog_task)
        self._backlog: deque[tuple[str, list[Field]]] = deque()
        self._backlog_task: asyncio.Task[None] | None = None

    @property
    def user(self) -> str | None:
        """The user logged in on this connection, or ``None``."""
        return self._user

    @user.setter
    def user(self, value: str | None) -> None:
        if value is None and self._user is not None:
            self.unauth_since = time.monotonic()
        if value != self._user and self._results:
            self._settle()  # rendered for the user they were meant for, in order
        self._user = value

    def buffered(self) -> int:
        """Bytes this connection holds: received and not yet decoded, and queued to send."""
        transport = self.transport
        queued = (
            0 if transport is None or transport.is_closing() else transport.get_write_buffer_size()
        )
        return self._decoder.pending + self._out_bytes + queued

    def _over(self, limit: int) -> bool:
        transport = self.transport
        if transport is None or transport.is_closing():
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
        self._queue(ftype, encode_frame(ftype, fields))

    def _queue(self, ftype: str, frame: bytes, may_wait: bool = False) -> None:
        if may_wait and self._in_read and (self._batch is not None or self._results):
            # After the notifications of this read's other calls too (merged into the batch).
            self._results.append(frame)
            self._out_bytes += len(frame)
            if not self._flush_due:
                self._want_flush()
            return
        self._settle()
        self._put(frame)
        if not self._flush_due:
            self._want_flush()
        if ftype != "R":  # results are back-pressured (reading pauses), events are not
            self._check_outbound()

    def result(
        self,
        req_id: int,
        fields: Sequence[Field | str],
        *,
        slot: int = 0,
        final: bool = True,
        may_wait: bool = False,
    ) -> None:
        """Queue an ``R`` frame: callback ``slot`` of request ``req_id`` with ``fields``.

        ``may_wait``: the result holds no conversation or unread state, so it may wait for the
        end of the read, behind the updates of its other calls (see the module's doc)."""
        if self._closing:
            return
        self._queue("R", encode_result(req_id, slot, final, fields), may_wait)

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
            if self._results:  # a new message never moves ahead of a result
                self._settle()  # (not on a dropped connection: the batch stays undelivered)
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
            self._want_flush()
        return self._batch

    def _want_flush(self) -> None:
        """A flush is due: at the end of the read being handled, else at the loop's next turn
        (so that what the other connections' calls of this turn produce is written at once)."""
        if self._flush_due:
            return
        self._flush_due = True
        if not self._in_read:
            self._flush_handle = self._loop.call_soon(self._flush)

    def _settle(self) -> None:
        """Render the pending batch, then the results waiting behind it, into the outbox."""
        if self._aborted:  # nothing will be written: the batch's messages go back to the inbox
            return
        if self._batch is not None:
            self._seal()
        if self._results:
            self._out.extend(self._results)  # counted in _out_bytes already
            self._results.clear()

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

    def _flush(self) -> None:
        """Write what is due: the outbox, then the pending batch (a budget's worth at a time
        while the socket keeps up). Nothing is written while the socket's buffer is full; the
        state is committed first (``before_write``)."""
        self._flush_due = False
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        transport = self.transport
        # Render nothing into a dead transport: what stays in the batch is re-queued.
        if self._aborted or transport is None or transport.is_closing() or self._write_paused:
            return
        if self._results:
            self._settle()  # whole: the results wait for all of the batch
        else:
            self._seal(self.limits.outbound_pause)
        if self._out:
            if self._before_write is not None:
                try:
                    self._before_write()
                except Exception:
                    log.exception("loopback cloud: dropping a connection: commit failed")
                    self._aborted = True
                    self._closing = True
                    transport.abort()
                    return
            data = b"".join(self._out) if len(self._out) > 1 else self._out[0]
            self._out.clear()
            self._out_bytes = 0
            transport.write(data)  # may call pause_writing
        if self._batch is not None and not self._write_paused:
            self._want_flush()  # the rest of a big batch, at the next turn
        if self._read_paused:
            self._maybe_resume_reading()

    # -- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if self._made is not None:
            self._made(self)

    def data_received(self, data: bytes) -> None:
        if self._closing:
            return
        decoder = self._decoder
        # Before login a frame is small: a larger length closes the connection at once,
        # before anything of it is buffered (the frames of one read are judged together).
        decoder.max_frame = self.limits.pre_login_max_frame if self._user is None else MAX_FRAME
        try:
            frames = decoder.feed(data)
        except ProtocolError as exc:
            log.warning("closing a loopback connection: %s", exc)
            self.close()
            return
        if not frames:
            return
        self._in_read = True
        try:
            if self._backlog_task is not None:
                self._backlog.extend(frames)
            else:
                handle = self._handle
                delay = self._delay
                for i, (ftype, fields) in enumerate(frames):
                    if self._closing:
                        break
                    if delay() > 0:  # the rest waits for its simulated latency
                        self._backlog.extend(frames[i:])
                        self._backlog_task = self._loop.create_task(self._handle_backlog())
                        self._pause_reading()
                        break
                    handle(self, ftype, fields)
        finally:
            self._in_read = False
        self._after_frames()

    def _after_frames(self) -> None:
        if self._closing:  # closed by a handler: it is over (close() or abort() took care)
            return
        if self._flush_due:
            self._flush()
        # Back-pressure: read no more requests while the answers pile up unread.
        if self._over(self.limits.outbound_pause):
            self._pause_reading()

    async def _handle_backlog(self) -> None:
        backlog = self._backlog
        try:
            while backlog and not self._closing:
                delay = self._delay()
                if delay > 0:
                    await asyncio.sleep(delay)
                if self._closing:
                    break
                ftype, fields = backlog.popleft()
                self._in_read = True  # as in data_received: one flush, after the frame
                try:
                    self._handle(self, ftype, fields)
                finally:
                    self._in_read = False
                self._after_frames()
        finally:
            self._backlog_task = None
            backlog.clear()
            if not self._closing:
                self._maybe_resume_reading()

    def _pause_reading(self) -> None:
        transport = self.transport
        if not self._read_paused and transport is not None and not transport.is_closing():
            self._read_paused = True
            transport.pause_reading()

    def _maybe_resume_reading(self) -> None:
        transport = self.transport
        if (
            self._read_paused
            and self._backlog_task is None
            and transport is not None
            and not transport.is_closing()
            and not self._over(self.limits.outbound_pause)
        ):
            self._read_paused = False
            transport.resume_reading()

    def pause_writing(self) -> None:
        self._write_paused = True
        self._stall = self._loop.call_later(self.limits.stall_timeout_s, self._stalled)

    def resume_writing(self) -> None:
        self._write_paused = False
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        self._flush()

    def _stalled(self) -> None:
        self._stall = None
        if self._write_paused and not self._closing:
            log.warning(
                "dropping a loopback connection (%s): it read nothing for %s s",
                self.user or "not logged in",
                self.limits.stall_timeout_s,
            )
            self._drop()

    def eof_received(self) -> bool:
        # An SDK never half-closes: once its side is closed it reads nothing more, so the
        # connection is detached now and its unwritten messages go back to the inbox.
        self.close()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing = True
        self._gone(self)
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if self._backlog_task is not None:
            self._backlog_task.cancel()
        if not self.closed.done():
            self.closed.set_result(None)

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close after writing what is queued (a polite close: the SDK sees EOF).

        The connection is detached first (``gone``): what was rendered is written, the
        messages not rendered yet go back to the inbox."""
        if self._closing:
            return
        self._gone(self)
        transport = self.transport
        if transport is None or transport.is_closing():
            self._closing = True
            return
        # Write what was rendered (detached, nothing more is rendered); the socket's buffer
        # goes out before the close.
        self._write_paused = False
        self._flush()
        self._closing = True
        if not self._aborted:
            transport.close()

    def abort(self) -> None:
        """Drop the connection at once, like a network failure."""
        self._closing = True
        self._aborted = True
        if self.transport is not None:
            self.transport.abort()
