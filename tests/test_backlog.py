"""Unclaimed notifications kept as relay records (records.c's Backlog, aiotim._native.backlog)
until a stream claims their kind: the records, the hub's side of it, and a client end to end.

The relay part calls our trampolines directly, standing in for SDK threads (as test_relay.py).
"""

from __future__ import annotations

import ctypes
import logging
from typing import Any

import anyio
import orjson
import pytest

import aiotim
from aiotim._abi import CALLBACK_SETTERS, CALLBACKS
from aiotim._native._ffi import ffi, lib, records
from aiotim._native.backlog import RecordBacklog
from aiotim.events.hub import EventHub
from aiotim.loopback import Cloud
from tests.helpers import APP_ID, SECRET, cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

UNREAD = "TIMSetConvTotalUnreadMessageCountChangedCallback"
UNREAD_KIND = CALLBACK_SETTERS[UNREAD].index
CONV = "TIMSetConvEventCallback"
CONV_KIND = CALLBACK_SETTERS[CONV].index
COMM_KIND = CALLBACKS["TIMCommCallback"].index


class Relay:
    """A relay slot opened for one test, its records pushed through the trampolines."""

    def __init__(self) -> None:
        self.slot = lib.aiotim_relay_open()
        assert self.slot >= 0

    def unread(self, total: int) -> None:
        cb = CALLBACK_SETTERS[UNREAD]
        ud = ffi.cast("void *", lib.aiotim_relay_user_data(self.slot, 0))
        ffi.cast(cb.name, lib.aiotim_trampoline(cb.index))(total, ud)

    def conv(self, event: int, json: bytes) -> None:
        cb = CALLBACK_SETTERS[CONV]
        ud = ffi.cast("void *", lib.aiotim_relay_user_data(self.slot, 0))
        ffi.cast(cb.name, lib.aiotim_trampoline(cb.index))(event, json, ud)

    def result(self, token: int, json: bytes) -> None:
        ud = ffi.cast("void *", lib.aiotim_relay_user_data(self.slot, token))
        tramp = ffi.cast("TIMCommCallback", lib.aiotim_trampoline(COMM_KIND))
        tramp(0, b"", json, ud)

    def convert(self, backlog: Any) -> list[Any]:
        """Every waiting record converted (in chunks of 2, to cross chunk ends)."""
        addr = int(ffi.cast("uintptr_t", lib.aiotim_relay_take(self.slot)))
        runs: list[Any] = []
        while addr:
            chunk, addr = records.convert(addr, 2, 0, backlog)
            runs += chunk
        return runs


@pytest.fixture
def relay() -> Any:
    r = Relay()
    yield r
    lib.aiotim_relay_close(r.slot)


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def malloc_in_use() -> int:
    """Bytes the process's malloc has handed out and not had back (glibc's mallinfo2: the
    records are malloc'ed by relay.c; the RSS would also see what malloc keeps for reuse)."""
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return int(info.uordblks + info.hblkhd)


def payloads(runs: list[Any]) -> list[tuple[int, Any]]:
    """(kind, args) of every record in ``runs``, in order."""
    out: list[tuple[int, Any]] = []
    for kind, token, payload, _ in runs:
        out += [(kind, a) for a in payload] if token == -1 else [(kind, payload)]
    return out


class TestRecords:
    def test_an_unclaimed_kind_is_kept_as_records_and_the_rest_is_converted(
        self, relay: Relay
    ) -> None:
        """Notifications of a kind not claimed leave the runs for the backlog; a call's result
        and a claimed kind's notifications are converted as before, in order."""
        backlog = records.Backlog(10)
        backlog.claim(CONV_KIND)
        relay.unread(1)
        relay.result(7, b'{"r":1}')
        relay.conv(1, b"[]")
        relay.unread(2)
        assert payloads(relay.convert(backlog)) == [
            (COMM_KIND, (0, b"", b'{"r":1}')),
            (CONV_KIND, (1, b"[]")),
        ]
        assert backlog.held() == {UNREAD_KIND: 2}
        assert backlog.dropped() == {}

    def test_claim_converts_the_kept_records_oldest_first_then_lets_the_kind_through(
        self, relay: Relay
    ) -> None:
        """claim() gives (args, t_push_ns) in SDK order and empties the kind; records that
        come after it are converted by the pump."""
        backlog = records.Backlog(10)
        for total in (1, 2, 3):
            relay.unread(total)
        assert relay.convert(backlog) == []
        kept = backlog.claim(UNREAD_KIND)
        assert [args for args, _ in kept] == [(1,), (2,), (3,)]
        stamps = [t for _, t in kept]
        assert stamps == sorted(stamps) and stamps[0] > 0
        assert backlog.held() == {}
        relay.unread(4)
        assert payloads(relay.convert(backlog)) == [(UNREAD_KIND, (4,))]
        assert backlog.claim(UNREAD_KIND) == []

    def test_past_the_limit_the_oldest_go_counted_and_the_first_drop_is_listed_once(
        self, relay: Relay
    ) -> None:
        """Limit 3, six records: the newest three stay, three drops are counted, and the kind
        is listed once in first_drops (for the warning)."""
        backlog = records.Backlog(3)
        for total in range(1, 7):
            relay.unread(total)
        relay.convert(backlog)
        assert backlog.held() == {UNREAD_KIND: 3}
        assert backlog.dropped() == {UNREAD_KIND: 3}
        assert backlog.first_drops == [UNREAD_KIND]
        assert [args for args, _ in backlog.claim(UNREAD_KIND)] == [(4,), (5,), (6,)]

    def test_a_limit_of_0_keeps_none_and_lists_no_first_drop(self, relay: Relay) -> None:
        """Limit 0: every record of an unclaimed kind is freed at once and counted; nothing is
        listed for a warning (the user asked for none)."""
        backlog = records.Backlog(0)
        for total in range(4):
            relay.unread(total)
        assert relay.convert(backlog) == []
        assert backlog.held() == {}
        assert backlog.dropped() == {UNREAD_KIND: 4}
        assert backlog.first_drops == []

    def test_clear_frees_everything_and_claims_every_kind(self, relay: Relay) -> None:
        """clear() (the client closing) frees what is kept; nothing is kept after it."""
        backlog = records.Backlog(10)
        relay.unread(1)
        relay.convert(backlog)
        backlog.clear()
        assert backlog.held() == {}
        relay.unread(2)
        assert payloads(relay.convert(backlog)) == [(UNREAD_KIND, (2,))]

    def test_records_are_freed_with_the_backlog(self, relay: Relay) -> None:
        """A backlog dropped with records in it frees them: 16 records of 1 MiB raise the
        bytes malloc has handed out by ~16 MiB while kept, and they go back once the backlog
        is gone."""
        if not hasattr(ctypes.CDLL(None), "mallinfo2"):
            pytest.skip("malloc_in_use() needs glibc's mallinfo2 (glibc 2.33 or later)")
        big = b"[" + b" " * (1024 * 1024) + b"]"
        relay.conv(1, b"[]")  # the relay's first allocation settles its pool of small records
        relay.convert(None)
        backlog = records.Backlog(100)
        before = malloc_in_use()
        for _ in range(16):
            relay.conv(1, big)
        relay.convert(backlog)
        assert backlog.held() == {CONV_KIND: 16}
        assert malloc_in_use() - before > 12 * 1024 * 1024
        del backlog
        assert malloc_in_use() - before < 2 * 1024 * 1024

    def test_bad_arguments_are_refused(self) -> None:
        """A negative limit, a kind out of range and a backlog of another type are errors."""
        with pytest.raises(ValueError, match="limit must be >= 0"):
            records.Backlog(-1)
        with pytest.raises(ValueError, match="out of range"):
            records.Backlog(1).claim(10_000)
        with pytest.raises(TypeError, match="backlog must be a Backlog or None"):
            records.convert(0, 1, 0, object())

    def test_the_adapter_speaks_setter_names(self, relay: Relay) -> None:
        """RecordBacklog: claims, counts and first drops by setter name; the first drops are
        reported to on_first_drop once and cleared."""
        backlog = RecordBacklog(1)
        seen: list[str] = []
        backlog.on_first_drop = seen.append
        relay.unread(1)
        relay.unread(2)
        relay.convert(backlog.records)
        assert backlog.held() == {UNREAD: 1}
        assert backlog.dropped() == {UNREAD: 1}
        backlog.report_first_drops()
        backlog.report_first_drops()
        assert seen == [UNREAD]
        assert backlog.claim(UNREAD)[0][0] == (2,)


class FakeBacklog:
    """A Backlog (aiotim.events.hub) holding given items for one kind."""

    def __init__(self, kind: str, items: list[tuple[tuple[Any, ...], int]], dropped: int) -> None:
        self.kind, self.items, self._dropped = kind, items, dropped
        self.on_first_drop: Any = None
        self.claims: list[str] = []

    def claim(self, kind: str) -> list[tuple[tuple[Any, ...], int]]:
        self.claims.append(kind)
        items, self.items = (self.items, []) if kind == self.kind else ([], self.items)
        return items

    def dropped(self) -> dict[str, int]:
        return {self.kind: self._dropped}


class TestHub:
    async def test_a_stream_gets_the_hubs_and_the_backlogs_events_in_sdk_order(self) -> None:
        """What the hub kept itself (published before the backlog took over, e.g. by a drain)
        and what the backlog kept are merged by their SDK timestamps for the first stream."""
        hub = EventHub(unclaimed_limit=10)
        backlog = FakeBacklog(UNREAD, [((2,), 20), ((4,), 40)], dropped=0)
        hub.attach_backlog(backlog)
        hub.publish_many(UNREAD, [(1,), (3,), (5,)], [10, 30, 50])
        stream = hub.subscribe(UNREAD)
        with anyio.fail_after(5):
            got = [(await stream.__anext__()).total for _ in range(5)]  # type: ignore[attr-defined]
        assert got == [1, 2, 3, 4, 5]

    async def test_taps_claim_from_the_backlog_and_leave_its_events_for_the_first_stream(
        self,
    ) -> None:
        """A tap set before the backlog is attached claims its kind from it at once; a tap set
        after claims it too, but what the backlog kept waits for the kind's first stream (as
        the hub's own buffer did before: a tap sees what comes after it)."""
        hub = EventHub()
        hub.tap("TIMSetLogCallback", lambda args: None)
        backlog = FakeBacklog(UNREAD, [((1,), 1)], dropped=0)
        hub.attach_backlog(backlog)
        assert backlog.claims == ["TIMSetLogCallback"]
        seen: list[tuple[Any, ...]] = []
        hub.tap(UNREAD, seen.append)
        hub.publish_many(UNREAD, [(2,)], [2])
        assert seen == [(2,)]
        stream = hub.subscribe(UNREAD)
        with anyio.fail_after(5):
            assert (await stream.__anext__()).total == 1  # type: ignore[attr-defined]

    async def test_drops_add_up_and_the_warning_comes_once(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """dropped_unclaimed() adds the backlog's drops to the hub's; a first drop reported by
        the backlog is logged as the hub's own, once per kind whoever drops."""
        hub = EventHub(unclaimed_limit=1)
        backlog = FakeBacklog(UNREAD, [], dropped=5)
        hub.attach_backlog(backlog)
        with caplog.at_level(logging.WARNING, logger="aiotim.events"):
            backlog.on_first_drop(UNREAD)
            hub.publish_many(UNREAD, [(1,), (2,)], [1, 2])  # the hub drops one too
        assert hub.dropped_unclaimed() == {UNREAD: 6}
        warnings = [r.getMessage() for r in caplog.records if "piling up" in r.getMessage()]
        assert len(warnings) == 1 and "aiotim.UnreadTotalChanged" in warnings[0]


class TestClient:
    async def test_messages_before_the_first_stream_wait_as_records_and_come_decoded(
        self,
    ) -> None:
        """Messages that reach bob before he opens new_messages() are kept by the backlog (no
        Python object yet), then yielded as Messages, in order, to his first stream."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            for i in range(3):
                await alice.send_text(aiotim.C2C("bob"), f"m{i}")
            backlog = bob._bridge.backlog  # type: ignore[union-attr]
            assert backlog is not None
            with anyio.fail_after(5):  # records, not messages: the cloud may batch them
                while backlog.held().get("TIMAddRecvNewMsgCallback", 0) < 1:
                    await anyio.sleep(0.01)
            inbox = bob.new_messages()
            got = [await next_item(inbox) for _ in range(3)]
            assert [m.text for m in got] == ["m0", "m1", "m2"]  # type: ignore[attr-defined]
            assert all(isinstance(m, aiotim.Message) for m in got)
            assert "TIMAddRecvNewMsgCallback" not in backlog.held()

    async def test_the_backlogs_first_drop_is_logged_once_and_counted(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        """unclaimed_limit=2 and five unread-count changes with no stream: the three oldest are
        dropped by the backlog, counted in stats(), and the warning says so once."""
        async with Cloud(APP_ID, SECRET) as cloud, cloud.client(unclaimed_limit=2) as bob:
            await bob.login("bob", cloud.user_sig("bob"))
            with caplog.at_level(logging.WARNING, logger="aiotim.events"):
                for i in range(5):
                    await cloud.emit("bob", UNREAD, i)
                with anyio.fail_after(5):
                    while bob.stats()["unclaimed_dropped"].get(UNREAD, 0) < 3:
                        await anyio.sleep(0.01)
            warnings = [r.getMessage() for r in caplog.records if "piling up" in r.getMessage()]
            assert len(warnings) == 1
            stream = bob.unread_total()
            assert [(await next_item(stream)).total for _ in range(2)] == [3, 4]  # type: ignore[attr-defined]

    async def test_a_conversation_update_per_send_never_reaches_the_hub_unclaimed(
        self,
    ) -> None:
        """The conversation update each send brings is kept by the backlog, not published:
        the hub's own unclaimed buffer stays empty."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            for i in range(3):
                await alice.send_text(aiotim.C2C("bob"), orjson.dumps(i).decode())
            backlog = alice._bridge.backlog  # type: ignore[union-attr]
            assert backlog is not None
            # each update came ahead of its send's result, in the same batch
            assert backlog.held().get(CONV, 0) >= 1
            assert CONV not in alice._hub._unclaimed
