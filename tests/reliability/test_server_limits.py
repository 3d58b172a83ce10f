"""Findings 6 and 9 (issue 13): what one connection may cost the loopback cloud, and the real
service's size limits.

The probe: the server buffered up to 64 MiB per connection *before login* (8 connections →
501 MB), kept idle unauthenticated connections forever (3,000 held), and accepted 40 MB texts
and 1 MB user ids. Now (``aiotim.loopback.cloud.connection.Limits``): a frame larger than
64 KiB before login closes the connection as soon as its length is read; a connection not
logged in for ``login_timeout_s`` is closed; a connection that does not read is dropped past
``max_outbound`` queued bytes; and the service's limits hold with its codes: a user id is
printable ASCII of at most 32 bytes (7003 at login, 20003 as a receiver), a message body at most
12 KB (8001). Memory is measured as the cloud's ``stats()["buffered_bytes"]`` (what its
connections hold: received and not decoded, queued to send).
"""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.abc
import pytest

from aiotim.errors import TIMError
from aiotim.loopback import Cloud
from aiotim.loopback.cloud.connection import Limits
from aiotim.loopback.cloud.protocol import PROTOCOL_NAME, encode_frame
from aiotim.models import C2C
from aiotim.models.message import Text

pytestmark = pytest.mark.anyio

APP = 1400000014
KEY = "limits-test-key"
FLOOD = 8  # connections, as in the probe
HELLO = encode_frame("H", [PROTOCOL_NAME, APP, "limits-test"])


@asynccontextmanager
async def raw(cloud: Cloud) -> AsyncIterator[anyio.abc.SocketStream]:
    """A bare socket to the cloud, speaking the wire protocol by hand."""
    path = cloud.address.removeprefix("unix:")
    async with await anyio.connect_unix(path) as sock:
        yield sock


async def closed_by_cloud(sock: anyio.abc.SocketStream) -> None:
    """Read until the cloud closes the socket (what it sent before is skipped)."""
    with anyio.fail_after(20):
        while True:
            try:
                await sock.receive()
            except (anyio.EndOfStream, anyio.BrokenResourceError, ConnectionError):
                return


async def until(check: object, timeout: float = 20) -> None:
    """Wait until ``check()`` is true (polls the cloud's counters)."""
    assert callable(check)
    with anyio.fail_after(timeout):
        while not check():
            await anyio.sleep(0.02)


async def test_pre_login_flood_is_refused_at_the_header() -> None:
    """Eight connections each announce a 64 MiB frame before login and push 1 MiB of it: each
    is closed at the length prefix, and the cloud never holds more than one read's worth."""
    async with Cloud(APP, KEY) as cloud:
        peak = 0
        async with anyio.create_task_group() as tg:

            async def flood() -> None:
                nonlocal peak
                async with raw(cloud) as sock:
                    await sock.send(HELLO)
                    try:
                        await sock.send(struct.pack(">I", 64 * 1024 * 1024 - 1) + b"C")
                        for _ in range(16):
                            await sock.send(b"\0" * 65536)
                            peak = max(peak, cloud.stats()["buffered_bytes"])
                    except (anyio.BrokenResourceError, ConnectionError):
                        pass  # closed under us: what the test wants
                    await closed_by_cloud(sock)

            for _ in range(FLOOD):
                tg.start_soon(flood)
        await until(lambda: cloud.stats()["connections"] == 0)
    # before: 8 x 64 MiB could be buffered (501 MB measured); now: nothing of the frames
    assert peak <= FLOOD * 256 * 1024


async def test_pre_login_frames_are_bounded_and_idle_ones_closed() -> None:
    """Connections that send a frame just under the pre-login limit, never finish it and never
    log in hold at most 64 KiB each and are closed after the login timeout; so are silent
    ones and greeted ones; a logged-in client stays."""
    limits = Limits(login_timeout_s=0.3)
    async with Cloud(APP, KEY, limits=limits) as cloud, cloud.client() as alice:
        await alice.login("alice", cloud.user_sig("alice"))
        async with anyio.create_task_group() as tg:

            async def partial() -> None:
                async with raw(cloud) as sock:
                    await sock.send(HELLO + struct.pack(">I", 60 * 1024) + b"C" + b"\0" * 50_000)
                    await closed_by_cloud(sock)

            async def silent(hello: bool) -> None:
                async with raw(cloud) as sock:
                    if hello:
                        await sock.send(HELLO)
                    await closed_by_cloud(sock)

            for i in range(FLOOD):
                tg.start_soon(partial)
                tg.start_soon(silent, i % 2 == 0)
            await until(lambda: cloud.stats()["connections"] == 1 + 2 * FLOOD)
            held = cloud.stats()["buffered_bytes"]
            assert held <= FLOOD * limits.pre_login_max_frame + 64 * 1024
        # every idle unauthenticated connection closed; alice (logged in) stays
        await until(lambda: cloud.stats()["connections"] == 1)
        assert cloud.online_users() == {"alice"}
        assert (await alice.messages.send(C2C("alice"), Text("still here"))).text == "still here"


async def test_a_reader_that_does_not_read_is_dropped() -> None:
    """A logged-in connection that never reads: the bytes queued for it stay under
    ``max_outbound`` and, its socket accepting nothing for ``stall_timeout_s``, the cloud drops
    it instead of buffering without bound; the sender is unaffected and the messages stay in the
    history."""
    limits = Limits(max_outbound=256 * 1024, outbound_pause=64 * 1024, stall_timeout_s=0.5)
    async with Cloud(APP, KEY, limits=limits) as cloud, cloud.client() as alice:
        await alice.login("alice", cloud.user_sig("alice"))
        async with raw(cloud) as bob:
            login = encode_frame("C", [1, "TIMLogin", "bob", cloud.user_sig("bob")])
            await bob.send(HELLO + login)
            await until(lambda: "bob" in cloud.online_users())
            peak = 0
            body = "x" * 10_000
            sent = 0
            for i in range(300):  # 3 MB to a reader that reads nothing
                await alice.messages.send(C2C("bob"), Text(f"{i:03} {body}"))
                sent += 1
                peak = max(peak, cloud.stats()["buffered_bytes"])
                if "bob" not in cloud.online_users():
                    break
            await until(lambda: "bob" not in cloud.online_users())  # dropped
            await closed_by_cloud(bob)
        assert peak <= limits.max_outbound + 64 * 1024
        history = await alice.messages.history(C2C("bob"), count=1000)
        assert len(history) == sent  # nothing is lost from the store
        assert cloud.offline_count("bob") > 0  # what was not written waits for bob's login


async def test_real_size_limits_and_codes() -> None:
    """User ids: printable ASCII, at most 32 bytes (7003 at login, 20003 as a receiver); a
    message body over 12 KB is refused with 8001 (exactly 12 KB passes)."""
    async with Cloud(APP, KEY) as cloud, cloud.client() as alice:
        for bad in ("u" * 33, "é", "tab\tid", "x" * 1000):
            with pytest.raises(TIMError) as err:
                await alice.login(bad, cloud.user_sig(bad))
            assert err.value.code == 7003, bad[:40]
        # 1 MB: the TIMLogin frame itself is over the pre-login frame limit (64 KiB): the
        # connection is closed at its length prefix (the SDK reports 9508 and reconnects)
        with pytest.raises(TIMError) as err:
            await alice.login("x" * 1_000_000, cloud.user_sig("x"))
        assert err.value.code in (7003, 9508)
        await alice.login("u" * 32, cloud.user_sig("u" * 32))
        with pytest.raises(TIMError) as err:
            await alice.messages.send(C2C("v" * 33), Text("hi"))
        assert err.value.code == 20003
        with pytest.raises(TIMError) as err:
            await alice.messages.send(C2C("bob"), Text("y" * (12 * 1024 + 1)))
        assert err.value.code == 8001
        with pytest.raises(TIMError) as err:
            await alice.messages.send(C2C("bob"), Text("y" * (40 * 1024 * 1024)))
        assert err.value.code == 8001
        sent = await alice.messages.send(C2C("bob"), Text("y" * (12 * 1024)))
        assert len(sent.text or "") == 12 * 1024
