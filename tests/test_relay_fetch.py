"""aiotim_relay_fetch / aiotim_relay_rearm, the pump's take (relay.h): the eventfd stays readable
for as long as the signal is disarmed, and is cleared only when the relay is re-armed."""

from __future__ import annotations

import os
import select
from collections.abc import Iterator

import pytest

from aiotim._abi import CALLBACKS
from aiotim._native._ffi import NULL, ffi, lib, records


class Relay:
    def __init__(self) -> None:
        self.slot = lib.aiotim_relay_open()
        assert self.slot >= 0
        self.fd = lib.aiotim_relay_fd(self.slot)
        self.comm = ffi.cast(
            "TIMCommCallback", lib.aiotim_trampoline(CALLBACKS["TIMCommCallback"].index)
        )

    def push(self, token: int) -> None:
        self.comm(0, NULL, NULL, ffi.cast("void *", lib.aiotim_relay_user_data(self.slot, token)))

    def readable(self) -> bool:
        return bool(select.select([self.fd], [], [], 0)[0])

    def signals(self) -> int:
        stats = ffi.new("aiotim_relay_stats *")
        lib.aiotim_relay_get_stats(self.slot, stats)
        return int(stats.batches)

    def fetch(self) -> list[int]:
        """The tokens of the records fetched (freed)."""
        addr = lib.aiotim_relay_fetch(self.slot)
        tokens = []
        rec = ffi.cast("aiotim_rec *", addr)
        while rec != NULL:
            tokens.append(int(rec.token))
            rec = rec.next
        if addr:
            records.discard(addr)
        return tokens


@pytest.fixture
def relay() -> Iterator[Relay]:
    r = Relay()
    yield r
    lib.aiotim_relay_close(r.slot)


def test_fetch_leaves_the_eventfd_readable_until_a_fetch_finds_nothing(relay: Relay) -> None:
    relay.push(1)
    assert relay.signals() == 1 and relay.readable()
    assert relay.fetch() == [1]
    assert relay.readable()  # not read: the consumer's next wait returns at once
    relay.push(2)
    relay.push(3)
    assert relay.signals() == 1  # disarmed: no system call for these
    assert relay.fetch() == [2, 3]
    assert relay.readable()
    assert relay.fetch() == []  # nothing: cleared and re-armed
    assert not relay.readable()
    relay.push(4)
    assert relay.signals() == 2 and relay.readable()
    assert relay.fetch() == [4]


def test_rearm_only_when_nothing_waits(relay: Relay) -> None:
    relay.push(1)
    assert relay.fetch() == [1]
    relay.push(2)
    assert lib.aiotim_relay_rearm(relay.slot) == 0  # a record waits: still disarmed
    assert relay.readable() and relay.signals() == 1
    assert relay.fetch() == [2]
    assert lib.aiotim_relay_rearm(relay.slot) == 1
    assert not relay.readable()
    relay.push(3)
    assert relay.signals() == 2 and relay.readable()
    assert relay.fetch() == [3]


def test_an_empty_fetch_clears_a_stale_signal(relay: Relay) -> None:
    """A readable eventfd with nothing in the inbox (a write that landed after its record was
    taken) is cleared by the empty fetch it wakes, so it cannot wake the loop over and over."""
    relay.push(1)
    assert relay.fetch() == [1]
    assert relay.fetch() == []
    os.eventfd_write(relay.fd, 1)  # stands in for the late write
    assert relay.readable()
    assert relay.fetch() == []
    assert not relay.readable()


def test_a_closed_relay_has_nothing() -> None:
    r = Relay()
    r.push(1)
    lib.aiotim_relay_close(r.slot)  # frees what was queued
    assert lib.aiotim_relay_fetch(r.slot) == 0
    assert lib.aiotim_relay_rearm(r.slot) == 1
