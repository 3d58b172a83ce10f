"""The C relay and the bridge, driven by calling our trampolines directly (no SDK loaded).

Calling a trampoline from a Python thread stands in for an SDK thread: cffi releases the GIL
around the call, and the trampoline itself never touches Python.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import anyio
import pytest

from aiotim._abi import CALLBACK_SETTERS, CALLBACKS
from aiotim._backends import new_slot
from aiotim._native._ffi import NULL, ffi, lib, records
from aiotim._native.bridge import Bridge, _configure_records
from aiotim._native.pending import MultiShot, PendingCalls

pytestmark = pytest.mark.anyio


class Relay:
    """A relay slot opened for one test."""

    def __init__(self) -> None:
        self.slot = lib.aiotim_relay_open()
        assert self.slot >= 0
        self.fd = lib.aiotim_relay_fd(self.slot)

    def ud(self, token: int) -> Any:
        return ffi.cast("void *", lib.aiotim_relay_user_data(self.slot, token))

    def take(self) -> list[tuple[int, int, list[bytes | None], list[int]]]:
        batch = lib.aiotim_relay_take(self.slot)
        out = []
        rec = batch
        while rec != NULL:
            strs = [
                None if rec.str[i] == NULL else ffi.unpack(rec.str[i], rec.len[i])
                for i in range(rec.nstr)
            ]
            out.append((rec.kind, rec.token, strs, list(rec.ints)))
            rec = rec.next
        lib.aiotim_relay_free(batch)
        return out


def tramp(name: str) -> Any:
    return ffi.cast(name, lib.aiotim_trampoline(CALLBACKS[name].index))


@pytest.fixture
def relay() -> Any:
    r = Relay()
    yield r
    lib.aiotim_relay_close(r.slot)


class TestRecords:
    def test_comm_callback_copies_code_desc_and_json(self, relay: Relay) -> None:
        """A TIMCommCallback becomes one record with its token, code and both strings."""
        tramp("TIMCommCallback")(-7, b"oops", b'{"a":1}', relay.ud(42))
        assert relay.take() == [
            (CALLBACKS["TIMCommCallback"].index, 42, [b"oops", b'{"a":1}'], [-7, 0, 0, 0])
        ]

    def test_null_strings_stay_null_and_bytes_pass_unchanged(self, relay: Relay) -> None:
        """NULL arguments arrive as None; invalid UTF-8 is copied byte for byte."""
        tramp("TIMCommCallback")(0, NULL, b"\xff\xfe{", relay.ud(1))
        [(_, _, strs, _)] = relay.take()
        assert strs == [None, b"\xff\xfe{"]

    def test_every_typedef_has_a_trampoline(self) -> None:
        """All 72 typedefs (plus the second TIMCommCallback) have a trampoline."""
        assert lib.aiotim_trampoline_count() == len(CALLBACKS) + 1 == 73
        assert all(lib.aiotim_trampoline(i) != NULL for i in range(73))
        assert lib.aiotim_trampoline(73) == NULL

    def test_mixed_argument_order_is_kept(self, relay: Relay) -> None:
        """Strings and integers are split but each keeps its order (pinned-message callback)."""
        tramp("TIMMsgGroupPinnedMessageChangedCallback")(b"g1", b"{}", True, b"op", relay.ud(0))
        [(kind, _, strs, ints)] = relay.take()
        assert kind == CALLBACKS["TIMMsgGroupPinnedMessageChangedCallback"].index
        assert strs == [b"g1", b"{}", b"op"]
        assert ints[0] == 1

    def test_records_after_close_are_dropped_and_counted(self) -> None:
        """A callback for a closed relay is dropped (stale generation) and counted."""
        r = Relay()
        ud = r.ud(5)
        lib.aiotim_relay_close(r.slot)
        before = lib.aiotim_relay_stale_dropped()
        tramp("TIMCommCallback")(0, b"", b"", ud)
        assert lib.aiotim_relay_stale_dropped() == before + 1

    def test_eventfd_is_signalled_once_per_batch(self, relay: Relay) -> None:
        """Three callbacks before a take → one eventfd signal (one batch)."""
        for i in range(3):
            tramp("TIMCommCallback")(0, b"", b"", relay.ud(i))
        stats = ffi.new("aiotim_relay_stats *")
        lib.aiotim_relay_get_stats(relay.slot, stats)
        assert (stats.pushed, stats.batches) == (3, 1)
        assert [t for _, t, _, _ in relay.take()] == [0, 1, 2]


def _convert_all(relay: Relay, limit: int = 64) -> list[Any]:
    addr = int(ffi.cast("uintptr_t", lib.aiotim_relay_take(relay.slot)))
    runs: list[Any] = []
    while addr:
        chunk, addr = records.convert(addr, limit)
        runs += chunk
    return runs


class TestConvert:
    """records.convert: relay records to Python values, grouped into runs, and freed."""

    NEW_MSG = CALLBACKS["TIMRecvNewMsgCallback"].index
    COMM = CALLBACKS["TIMCommCallback"].index

    def test_notifications_of_one_kind_form_one_run_and_results_stand_alone(
        self, relay: Relay
    ) -> None:
        """new, new, result, new → [run of 2, result, run of 1], each with its stamps."""
        recv = tramp("TIMRecvNewMsgCallback")
        recv(b"[1]", relay.ud(0))
        recv(b"[2]", relay.ud(0))
        tramp("TIMCommCallback")(-7, b"oops", NULL, relay.ud(42))
        recv(b"[3]", relay.ud(0))
        runs = _convert_all(relay)
        assert [(k, t, p) for k, t, p, _ in runs] == [
            (self.NEW_MSG, -1, [(b"[1]",), (b"[2]",)]),
            (self.COMM, 42, (-7, b"oops", None)),
            (self.NEW_MSG, -1, [(b"[3]",)]),
        ]
        stamps = [*runs[0][3], runs[1][3], *runs[2][3]]
        assert all(isinstance(t, int) and t > 0 for t in stamps)
        assert stamps == sorted(stamps)

    def test_bool_and_uint64_arguments_keep_their_types(self, relay: Relay) -> None:
        """bool arguments come back as bool, uint64 ones as non-negative ints."""
        tramp("TIMMsgGroupMessageReadMemberListCallback")(b"[]", 2**64 - 1, True, relay.ud(9))
        tramp("TIMMyFollowersListChangedCallback")(NULL, False, relay.ud(0))
        [(_, token, args, _), (_, _, [args2], _)] = _convert_all(relay)
        assert token == 9
        assert args == (b"[]", 2**64 - 1, True)
        assert args2 == (None, False) and type(args2[1]) is bool

    def test_limit_splits_a_batch_and_the_rest_continues_in_order(self, relay: Relay) -> None:
        """convert(addr, 2) converts two records and hands back the next one's address."""
        for i in range(5):
            tramp("TIMCommCallback")(i, NULL, NULL, relay.ud(i))
        addr = int(ffi.cast("uintptr_t", lib.aiotim_relay_take(relay.slot)))
        seen = []
        while addr:
            runs, addr = records.convert(addr, 2)
            assert len(runs) <= 2
            seen += [t for _, t, _, _ in runs]
        assert seen == [0, 1, 2, 3, 4]

    def test_byte_budget_ends_a_chunk_after_the_record_that_reaches_it(self, relay: Relay) -> None:
        """convert(addr, 64, 10): a chunk ends once its strings hold 10 bytes (the record that
        reaches the budget included; a record over it alone is still converted), in order."""
        recv = tramp("TIMRecvNewMsgCallback")
        for payload in (b"[1234]", b"[5678]", b"[0123456789abcdef]", b"[9]", NULL, b"[8]"):
            recv(payload, relay.ud(0))
        addr = int(ffi.cast("uintptr_t", lib.aiotim_relay_take(relay.slot)))
        chunks = []
        while addr:
            runs, addr = records.convert(addr, 64, 10)
            chunks.append([a for _, _, p, _ in runs for a in p])
        assert chunks == [
            [(b"[1234]",), (b"[5678]",)],
            [(b"[0123456789abcdef]",)],
            [(b"[9]",), (None,), (b"[8]",)],
        ]

    def test_discard_frees_the_rest_and_counts_it(self, relay: Relay) -> None:
        """discard(addr) frees a chain without converting it and says how many it freed."""
        for i in range(4):
            tramp("TIMCommCallback")(0, NULL, NULL, relay.ud(i))
        addr = int(ffi.cast("uintptr_t", lib.aiotim_relay_take(relay.slot)))
        _, rest = records.convert(addr, 1)
        assert records.discard(rest) == 3
        assert records.discard(0) == 0

    def test_a_kind_without_a_plan_is_reported_not_converted(self, relay: Relay) -> None:
        """A record of a kind with no plan comes back as (kind, -2, None, stamp)."""
        plans: list[str | None] = [None] * (len(CALLBACKS) + 1)
        try:
            records.configure(plans, [])
            tramp("TIMCommCallback")(0, NULL, NULL, relay.ud(1))
            [(kind, token, payload, _)] = _convert_all(relay)
            assert (kind, token, payload) == (self.COMM, -2, None)
        finally:
            _configure_records()

    @pytest.mark.parametrize(
        ("plans", "message"),
        [
            (["sx"], "bad plan letter x"),
            (["sssssss"], "too many arguments"),
            ([None] * 200, "at most 128 kinds"),
        ],
    )
    def test_bad_plans_are_refused_and_the_old_ones_kept(
        self, relay: Relay, plans: list[str | None], message: str
    ) -> None:
        """configure() checks every plan before it replaces any."""
        with pytest.raises(ValueError, match=message):
            records.configure(plans, [])
        tramp("TIMCommCallback")(3, b"d", b"j", relay.ud(2))
        assert [p for _, _, p, _ in _convert_all(relay)] == [(3, b"d", b"j")]


class TestPoll:
    """aiotim_relay_poll leaves the signal disarmed while it finds records."""

    @staticmethod
    def batches(relay: Relay) -> int:
        stats = ffi.new("aiotim_relay_stats *")
        lib.aiotim_relay_get_stats(relay.slot, stats)
        return int(stats.batches)

    def test_records_after_a_fruitful_poll_do_not_signal_until_a_poll_finds_none(
        self, relay: Relay
    ) -> None:
        """push → signal; poll takes it; two pushes → no signal, the next poll takes them; an
        empty poll re-arms: the next push signals again."""
        comm = tramp("TIMCommCallback")
        comm(0, NULL, NULL, relay.ud(1))
        assert self.batches(relay) == 1
        assert records.discard(int(ffi.cast("uintptr_t", lib.aiotim_relay_poll(relay.slot)))) == 1
        comm(0, NULL, NULL, relay.ud(2))
        comm(0, NULL, NULL, relay.ud(3))
        assert self.batches(relay) == 1  # no system call for these two
        assert records.discard(int(ffi.cast("uintptr_t", lib.aiotim_relay_poll(relay.slot)))) == 2
        assert lib.aiotim_relay_poll(relay.slot) == NULL  # re-arms
        comm(0, NULL, NULL, relay.ud(4))
        assert self.batches(relay) == 2

    def test_take_always_rearms(self, relay: Relay) -> None:
        """After a take that found records, the next push signals."""
        comm = tramp("TIMCommCallback")
        comm(0, NULL, NULL, relay.ud(1))
        assert [t for _, t, _, _ in relay.take()] == [1]
        comm(0, NULL, NULL, relay.ud(2))
        assert self.batches(relay) == 2


class TestThreads:
    def test_many_threads_lose_nothing_and_keep_per_thread_order(self, relay: Relay) -> None:
        """4 threads × 5,000 callbacks: every record arrives once, each thread's in order."""
        fn = tramp("TIMCommCallback")
        n, threads = 5000, 4

        def producer(t: int) -> None:
            for i in range(n):
                fn(t, b"", str(i).encode(), relay.ud(t))

        ths = [threading.Thread(target=producer, args=(t,)) for t in range(threads)]
        for th in ths:
            th.start()
        got: dict[int, list[int]] = {t: [] for t in range(threads)}
        while True:  # consume concurrently with the producers, then once more after them
            done = not any(th.is_alive() for th in ths)
            for _, token, strs, _ in relay.take():
                got[token].append(int(strs[1] or b"-1"))
            if done:
                break
        for th in ths:
            th.join()
        assert all(got[t] == list(range(n)) for t in range(threads))


class TestPendingCalls:
    async def test_late_result_after_cancel_is_dropped_and_counted(self) -> None:
        """A call cancelled while waiting leaves the table empty; its late result is dropped."""
        table = PendingCalls()
        slot = new_slot()
        call_id = table.add(slot, "TIMLogin")
        with anyio.move_on_after(0.01):
            await slot
        table.discard(call_id)
        assert len(table) == 0
        table.resolve(call_id, 0, (0, b"", b""))
        assert table.dropped_late == 1

    async def test_interim_callbacks_then_final(self) -> None:
        """A multi-shot call (download progress) collects interim results until the final one."""
        table = PendingCalls()
        seen: list[Any] = []
        slot = new_slot()
        multi = MultiShot(
            is_final=lambda slot, args: args[1] != b"downloading",
            on_interim=lambda slot, args: seen.append(args),
        )
        call_id = table.add(slot, "TIMMsgDownloadElemToPath", multi)
        table.resolve(call_id, 0, (0, b"downloading", b'{"cur":1}'))
        table.resolve(call_id, 0, (0, b"downloading", b'{"cur":2}'))
        table.resolve(call_id, 0, (0, b"", b"{}"))
        assert await slot == (0, b"", b"{}")
        assert len(multi.interim) == 2
        assert [a[2] for a in seen] == [b'{"cur":1}', b'{"cur":2}']
        assert len(table) == 0


class TestPump:
    """Bridge.pump on a relay fed by calling the new-message trampoline (no SDK loaded)."""

    @staticmethod
    def fire(bridge: Bridge, n: int) -> None:
        ud = ffi.cast(
            "void *",
            lib.aiotim_relay_user_data(
                bridge._slot, list(CALLBACK_SETTERS).index("TIMAddRecvNewMsgCallback")
            ),
        )
        recv = tramp("TIMRecvNewMsgCallback")
        for i in range(n):
            recv(b"[%d]" % i, ud)

    async def test_a_batch_arrives_whole_in_order_in_runs(self) -> None:
        """1000 records in one batch reach the sink in order, as runs of at most 64."""
        bridge = Bridge(None)  # type: ignore[arg-type]  # the pump needs no SDK
        got: list[bytes] = []
        sizes: list[int] = []

        def sink(kind: str, batch: list[tuple[Any, ...]], stamps: list[int]) -> None:
            assert kind == "TIMAddRecvNewMsgCallback" and len(stamps) == len(batch)
            sizes.append(len(batch))
            got.extend(a[0] for a in batch)

        try:
            self.fire(bridge, 1000)
            async with anyio.create_task_group() as tg:
                tg.start_soon(bridge.pump, sink)
                with anyio.fail_after(5):
                    while len(got) < 1000:
                        await anyio.sleep(0.001)
                tg.cancel_scope.cancel()
        finally:
            bridge.close()
        assert got == [b"[%d]" % i for i in range(1000)]
        assert max(sizes) == 64
        assert bridge.dropped_at_close == 0

    async def test_a_producer_thread_in_bursts_and_pauses_loses_nothing(self) -> None:
        """20,000 records from a thread, in bursts with pauses (so the pump goes back and forth
        between polling with the signal disarmed and waiting for the eventfd): all arrive,
        in order, and the pump ends idle with the signal armed."""
        bridge = Bridge(None)  # type: ignore[arg-type]
        got: list[bytes] = []

        def sink(kind: str, batch: list[tuple[Any, ...]], stamps: list[int]) -> None:
            got.extend(a[0] for a in batch)

        def produce() -> None:
            ud = ffi.cast(
                "void *",
                lib.aiotim_relay_user_data(
                    bridge._slot, list(CALLBACK_SETTERS).index("TIMAddRecvNewMsgCallback")
                ),
            )
            recv = tramp("TIMRecvNewMsgCallback")
            for i in range(20_000):
                recv(b"%d" % i, ud)
                if i % 997 == 0:
                    time.sleep(0.002)

        try:
            async with anyio.create_task_group() as tg:
                tg.start_soon(bridge.pump, sink)
                producer = threading.Thread(target=produce)
                producer.start()
                with anyio.fail_after(20):
                    while len(got) < 20_000:
                        await anyio.sleep(0.001)
                producer.join()
                await anyio.sleep(0.05)
                assert lib.aiotim_relay_poll(bridge._slot) == NULL
                tg.cancel_scope.cancel()
        finally:
            bridge.close()
        assert got == [b"%d" % i for i in range(20_000)]

    async def test_cancelled_mid_batch_the_rest_is_counted_and_freed(self) -> None:
        """The pump cancelled after its first chunk: the other 936 records are parked (for the
        next pump or drain), then dropped at close, counted, and the relay is empty."""
        bridge = Bridge(None)  # type: ignore[arg-type]
        got: list[Any] = []
        try:
            self.fire(bridge, 1000)
            async with anyio.create_task_group() as tg:

                def sink(kind: str, batch: list[tuple[Any, ...]], stamps: list[int]) -> None:
                    got.extend(batch)
                    tg.cancel_scope.cancel()  # the client closing, between two chunks

                tg.start_soon(bridge.pump, sink)
            assert len(got) == 64
            assert lib.aiotim_relay_take(bridge._slot) == NULL
        finally:
            bridge.close()
        assert bridge.dropped_at_close == 1000 - 64

    async def test_a_parked_batch_goes_first_to_the_next_pump(self) -> None:
        """The pump cancelled after its first chunk, then started again: the rest of the batch
        arrives first, in order, before anything newer; nothing is dropped."""
        bridge = Bridge(None)  # type: ignore[arg-type]
        got: list[bytes] = []
        try:
            self.fire(bridge, 1000)
            async with anyio.create_task_group() as tg:

                def first(kind: str, batch: list[tuple[Any, ...]], stamps: list[int]) -> None:
                    got.extend(a[0] for a in batch)
                    tg.cancel_scope.cancel()

                tg.start_soon(bridge.pump, first)
            assert len(got) == 64
            self.fire(bridge, 10)  # newer records, behind the parked ones

            def sink(kind: str, batch: list[tuple[Any, ...]], stamps: list[int]) -> None:
                got.extend(a[0] for a in batch)

            async with anyio.create_task_group() as tg:
                tg.start_soon(bridge.pump, sink)
                with anyio.fail_after(5):
                    while len(got) < 1010:
                        await anyio.sleep(0.001)
                tg.cancel_scope.cancel()
        finally:
            bridge.close()
        assert got == [b"[%d]" % i for i in range(1000)] + [b"[%d]" % i for i in range(10)]
        assert bridge.dropped_at_close == 0


def test_every_setter_maps_to_its_own_typedef() -> None:
    """70 notification setters, each with a distinct typedef: the kind alone names the setter."""
    assert len(CALLBACK_SETTERS) == 70
    assert len({cb.index for cb in CALLBACK_SETTERS.values()}) == 70
