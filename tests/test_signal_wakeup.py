"""The asyncio pump's signal wake-up fd (``aiotim/_backends/_asyncio.py``): set while a client
runs on the main thread's loop when nobody else set one, let go when the client closes, and
never in place of someone else's. (That Ctrl-C taken by another thread now ends the program is
``tests/reliability/test_exit.py``'s ``sigint-thread`` case.)"""

from __future__ import annotations

import signal
import socket

import pytest

from aiotim.loopback import Cloud


def _current_wakeup_fd() -> int:
    fd = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(fd)
    return fd


@pytest.mark.asyncio
async def test_wakeup_fd_set_while_a_client_runs_and_let_go_after() -> None:
    """No fd before; one while two clients run (the same for both); none after both closed."""
    assert _current_wakeup_fd() == -1, "the test needs no wake-up fd to start with"
    async with Cloud(1400000123, "k") as cloud:
        async with cloud.client() as alice:
            await alice.login("alice", cloud.user_sig("alice"))
            held = _current_wakeup_fd()
            assert held != -1
            async with cloud.client() as bob:
                await bob.login("bob", cloud.user_sig("bob"))
                assert _current_wakeup_fd() == held
            assert _current_wakeup_fd() == held  # alice's pump still runs
        assert _current_wakeup_fd() == -1


@pytest.mark.asyncio
async def test_someone_elses_wakeup_fd_is_left_alone() -> None:
    """A wake-up fd set before the client (the application's) is the one set during and after."""
    r, w = socket.socketpair()
    w.setblocking(False)
    before = signal.set_wakeup_fd(w.fileno())
    try:
        async with Cloud(1400000123, "k") as cloud, cloud.client() as alice:
            await alice.login("alice", cloud.user_sig("alice"))
            assert _current_wakeup_fd() == w.fileno()
        assert _current_wakeup_fd() == w.fileno()
    finally:
        signal.set_wakeup_fd(before)
        r.close()
        w.close()
