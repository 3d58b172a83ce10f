"""Loopback connection internals that no SDK can drive at will: a connection dropped between
its abort and ``connection_lost`` (asyncio calls that later)."""

from __future__ import annotations

import asyncio

from aiotim.loopback.cloud.connection import Connection
from aiotim.loopback.cloud.state import Store, StoredMessage


class _Transport(asyncio.Transport):
    """A socket that takes nothing (its writes are paused by the test) and can be aborted."""

    def __init__(self) -> None:
        super().__init__()
        self.closing = False

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        raise AssertionError("nothing is written while the writes are paused")

    def abort(self) -> None:
        self.closing = True

    def close(self) -> None:
        self.closing = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def _message(n: int) -> StoredMessage:
    return StoredMessage(
        "c2c\0alice\0bob", 1, "alice", "bob", {"message_elem_array": []}, n, 0, 0, f"id{n}", n
    )


def test_messages_after_a_drop_stay_undelivered() -> None:
    """bob's socket is full, a message waits (unrendered), a result of bob's own call waits
    behind it, then the connection is dropped, and a second message arrives before
    connection_lost: both messages go back to the inbox (take_undelivered), none is rendered
    into the dead connection's outbox."""

    async def main() -> list[StoredMessage]:
        conn = Connection(Store(1), lambda conn, ftype, fields: None, lambda conn: None)
        conn.connection_made(_Transport())
        conn.user = "bob"
        conn.pause_writing()
        conn.notify_messages([_message(1)])
        conn._in_read = True  # a call of bob's, answered during its read
        conn.result(1, [0, "", ""], may_wait=True)
        conn._in_read = False
        conn._flush()  # paused: nothing rendered
        conn._drop()  # stalled; asyncio calls connection_lost later
        conn.notify_messages([_message(2)])
        return conn.take_undelivered()

    assert [m.msg_id for m in asyncio.run(main())] == ["id1", "id2"]
