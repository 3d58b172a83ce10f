"""A small Python stand-in for the loopback C SDK: speaks the wire protocol over a socket.

Tests of the loopback cloud use it to drive the cloud without any native code. It records every
frame the cloud sends (results by request id, events, login states) and lets a test wait for a
condition on them.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.abc
import orjson
from anyio.abc import SocketAttribute

from aiotim.loopback.cloud.address import parse_address
from aiotim.loopback.cloud.protocol import PROTOCOL_NAME, Field, FrameDecoder, encode_frame

Frame = tuple[str, list[Field]]


def text(value: Field) -> str:
    """A ``S`` field as text."""
    assert isinstance(value, bytes), value
    return value.decode()


class FakeSDK:
    """One connection to a loopback cloud, as the SDK would hold it."""

    def __init__(self, stream: anyio.abc.ByteStream) -> None:
        self.stream = stream
        self.frames: list[Frame] = []
        self.results: dict[int, list[list[Field]]] = {}
        self.events: list[tuple[str, list[Field]]] = []
        self.login_states: list[tuple[int, str]] = []
        self.welcome: int | None = None
        self.closed = False
        self._next_req = 1
        self._changed = anyio.Event()

    @classmethod
    @asynccontextmanager
    async def connect(cls, address: str, app_id: int | None = None) -> AsyncIterator[FakeSDK]:
        """Connect to ``address``; with ``app_id``, say hello and wait for the welcome."""
        addr = parse_address(address)
        stream: anyio.abc.ByteStream
        if addr.kind == "unix":
            stream = await anyio.connect_unix(addr.path)
        else:
            stream = await anyio.connect_tcp(addr.host, addr.port)
        sdk = cls(stream)
        async with anyio.create_task_group() as tg:
            tg.start_soon(sdk._read_loop)
            try:
                if app_id is not None:
                    await sdk.hello(app_id)
                    await sdk.wait_until(lambda: sdk.welcome is not None or sdk.closed)
                yield sdk
            finally:
                # Shielded: an await in a cancelled scope would raise Cancelled in place of the
                # body's exception (a failed assertion), and the task group would swallow it,
                # so that the test passed. The read loop is ended by the socket's shutdown (it
                # reads EOF), not cancelled in the middle of a receive: on asyncio, anyio's
                # reader callback then races the cancelled receive (InvalidStateError).
                with anyio.CancelScope(shield=True):
                    with contextlib.suppress(OSError):
                        stream.extra(SocketAttribute.raw_socket).shutdown(socket.SHUT_RDWR)
                    await sdk.wait_until(lambda: sdk.closed)
                    await stream.aclose()

    async def _read_loop(self) -> None:
        decoder = FrameDecoder()
        try:
            while True:
                data = await self.stream.receive(1 << 20)
                for ftype, fields in decoder.feed(data):
                    self._record(ftype, fields)
                self._notify()
        except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            pass
        self.closed = True
        self._notify()

    def _record(self, ftype: str, fields: list[Field]) -> None:
        self.frames.append((ftype, fields))
        if ftype == "W":
            assert isinstance(fields[0], int)
            self.welcome = fields[0]
        elif ftype == "R":
            req_id = fields[0]
            assert isinstance(req_id, int)
            self.results.setdefault(req_id, []).append(fields)
        elif ftype == "E":
            self.events.append((text(fields[0]), fields[1:]))
        elif ftype == "L":
            status, user = fields
            assert isinstance(status, int)
            self.login_states.append((status, text(user)))

    def _notify(self) -> None:
        self._changed.set()
        self._changed = anyio.Event()

    async def wait_until(self, predicate: Callable[[], bool], limit: float = 10) -> None:
        """Wait until ``predicate()`` is true (checked after every batch of frames)."""
        with anyio.fail_after(limit):
            while not predicate():
                await self._changed.wait()

    # -- sending -----------------------------------------------------------------------------

    async def send_raw(self, data: bytes) -> None:
        """Send bytes as they are."""
        await self.stream.send(data)

    async def hello(self, app_id: int, name: str = PROTOCOL_NAME) -> None:
        """Send the hello frame."""
        await self.send_raw(encode_frame("H", [name, app_id, "fake-sdk/1"]))

    def call_frame(
        self, name: str, *args: Field | str, req_id: int | None = None
    ) -> tuple[int, bytes]:
        """Build a call frame; returns ``(req_id, frame)``."""
        if req_id is None:
            req_id = self._next_req
            self._next_req += 1
        return req_id, encode_frame("C", [req_id, name, *args])

    async def start_call(self, name: str, *args: Field | str, req_id: int | None = None) -> int:
        """Send a call without waiting; returns its req_id."""
        req_id, frame = self.call_frame(name, *args, req_id=req_id)
        await self.send_raw(frame)
        return req_id

    async def result(self, req_id: int, limit: float = 10) -> tuple[int, str, Any]:
        """Wait for the final ``TIMCommCallback`` result: ``(code, desc, json or raw)``."""
        await self.wait_until(
            lambda: any(r[2] for r in self.results.get(req_id, [])) or self.closed, limit
        )
        finals = [r for r in self.results.get(req_id, []) if r[2]]
        assert finals, f"connection closed before the result of request {req_id}"
        assert len(finals) == 1, finals
        _, _slot, _final, code, desc, json_params = finals[0]
        assert isinstance(code, int)
        raw = text(json_params)
        return code, text(desc), orjson.loads(raw) if raw else raw

    async def call(self, name: str, *args: Field | str) -> tuple[int, str, Any]:
        """Call ``name`` and wait for its result."""
        return await self.result(await self.start_call(name, *args))

    async def login(self, user: str, sig: str) -> tuple[int, str, Any]:
        """``TIMLogin``."""
        return await self.call("TIMLogin", user, sig)

    async def send_text(self, to: str, content: str, **extra: Any) -> tuple[int, str, Any]:
        """``TIMMsgSendMessage`` of a text message to user ``to``."""
        param = {"message_elem_array": [{"elem_type": 0, "text_elem_content": content}], **extra}
        # Like the SDK: random enough to be unique across connections and runs.
        msg_id = f"{secrets.token_hex(8)}-{int(time.time())}-{secrets.randbits(32)}"
        return await self.call("TIMMsgSendMessage", to, 1, orjson.dumps(param), msg_id)

    # -- reading -----------------------------------------------------------------------------

    def events_of(self, setter: str) -> list[list[Field]]:
        """The argument lists of every event of ``setter``, in order."""
        return [args for name, args in self.events if name == setter]

    def received_messages(self) -> list[dict[str, Any]]:
        """Every message delivered through ``TIMAddRecvNewMsgCallback``, flattened, in order."""
        out: list[dict[str, Any]] = []
        for (array,) in self.events_of("TIMAddRecvNewMsgCallback"):
            out.extend(orjson.loads(text(array)))
        return out

    def received_count(self) -> int:
        """How many messages arrived so far."""
        return len(self.received_messages())

    async def wait_messages(self, count: int, limit: float = 10) -> list[dict[str, Any]]:
        """Wait until at least ``count`` messages arrived; return them all."""
        seen = [0]
        done = [0]

        def enough() -> bool:
            arrays = self.events_of("TIMAddRecvNewMsgCallback")
            # Count incrementally: decoding everything on every wake-up would be quadratic.
            for (array,) in arrays[done[0] :]:
                seen[0] += len(orjson.loads(text(array)))
            done[0] = len(arrays)
            return seen[0] >= count

        await self.wait_until(enough, limit)
        return self.received_messages()

    async def wait_event(self, setter: str, count: int = 1, limit: float = 10) -> list[list[Field]]:
        """Wait until ``count`` events of ``setter`` arrived; return them all."""
        await self.wait_until(lambda: len(self.events_of(setter)) >= count, limit)
        return self.events_of(setter)

    def conv_events(self) -> list[tuple[int, list[dict[str, Any]]]]:
        """Every ``TIMSetConvEventCallback``: ``(event, conversations)``."""
        out = []
        for event, array in self.events_of("TIMSetConvEventCallback"):
            assert isinstance(event, int)
            out.append((event, orjson.loads(text(array))))
        return out

    def total_unread(self) -> int | float:
        """The last total unread count reported (NaN when none was)."""
        counts = self.events_of("TIMSetConvTotalUnreadMessageCountChangedCallback")
        if not counts:
            return math.nan
        value = counts[-1][0]
        assert isinstance(value, int)
        return value


async def eventually(predicate: Callable[[], bool], limit: float = 5) -> None:
    """Wait until ``predicate()`` holds, for state that lives on the cloud's thread."""
    with anyio.fail_after(limit):
        # Polling on purpose: the state is on another thread, there is no event to await.
        while not predicate():
            await anyio.sleep(0.005)
