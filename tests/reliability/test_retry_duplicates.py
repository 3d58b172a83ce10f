"""Finding 1 (issue 13): retrying a failed or cancelled send must not duplicate it.

The probe: every cancelled ``send_text`` (10,576 of 10,576) still reached the recipient, and
after a ``9508 NetworkError`` during a connection drop a plain retry (a new ``send``, hence a new
message id) delivered the message twice. Now a message keeps its id across attempts
(``messages.compose`` + ``messages.resend``, or ``send(..., retry=Retry())``) and the loopback
cloud de-duplicates by (sender, message id), as the service does with a repeated ``Random``
(trtc.io/document/34959).

The faults are deterministic: ``Cloud.drop_after("TIMMsgSendMessage")`` lets the cloud handle
the call (the message is stored and delivered) and drops the connection before the result is
written, so the sender sees 9508; a cancel scope cancelled before the call makes the C call and
cancels its ``await`` at once (the call still reaches the cloud). Each test loops 20 runs, then
sends an end marker and counts what the receiver got before it (delivery is in order).
"""

from __future__ import annotations

from collections import Counter

import anyio
import pytest

import aiotim
from aiotim.domains.messages import Retry
from aiotim.errors import NetworkError
from aiotim.models import C2C, Message
from aiotim.models.message import Text
from tests.helpers import cloud_and_clients

pytestmark = pytest.mark.anyio

RUNS = 20
END = "--end--"


async def _received(stream: aiotim.Stream[Message]) -> Counter[str]:
    """The texts the stream yields up to the end marker, counted."""
    seen: Counter[str] = Counter()
    with anyio.fail_after(20):
        async for msg in stream:
            if msg.text == END:
                return seen
            seen[msg.text or ""] += 1
    raise AssertionError("the stream ended before the end marker")


async def test_naive_retry_duplicates_the_control() -> None:
    """The control (the 'before' figure): a plain second ``send`` after a drop that followed the
    cloud's handling is a new message, so the receiver gets it twice — 20 of 20 runs."""
    async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
        stream = bob.messages.new_messages(sender="alice")
        for i in range(RUNS):
            await cloud.drop_after("TIMMsgSendMessage")
            with pytest.raises(NetworkError):
                await alice.messages.send(C2C("bob"), Text(f"m{i}"))
            await alice.messages.send(C2C("bob"), Text(f"m{i}"))
        await alice.messages.send(C2C("bob"), Text(END))
        seen = await _received(stream)
    assert sum(n - 1 for n in seen.values()) == RUNS  # one duplicate per run


async def test_resend_after_drop_is_delivered_once() -> None:
    """compose + resend: a resend after a 9508 drop (the message was stored and delivered
    already) returns the stored message, same id, and the receiver gets it once, 20 runs."""
    async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
        stream = bob.messages.new_messages(sender="alice")
        for i in range(RUNS):
            draft = alice.messages.compose(C2C("bob"), Text(f"m{i}"))
            await cloud.drop_after("TIMMsgSendMessage")
            with pytest.raises(NetworkError):
                await alice.messages.resend(draft)
            sent = await alice.messages.resend(draft)
            assert sent.id == draft.id
            assert sent.seq == i + 1  # stored once: the first attempt's seq
        await alice.messages.send(C2C("bob"), Text(END))
        seen = await _received(stream)
        assert cloud.message_count() == RUNS + 1
    assert seen == Counter({f"m{i}": 1 for i in range(RUNS)})


async def test_resend_after_cancel_is_delivered_once() -> None:
    """A cancelled ``await`` of a send does not unsend (the call goes on); resending the same
    message delivers it once, 20 runs."""
    async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
        stream = bob.messages.new_messages(sender="alice")
        ids = set()
        cloud.delay = 0.01  # the result comes later than the cancellation (not relied upon)
        for i in range(RUNS):
            draft = alice.messages.compose(C2C("bob"), Text(f"m{i}"))
            with anyio.CancelScope() as scope:
                scope.cancel()  # the C call is made, its await cancelled at once
                await alice.messages.resend(draft)
            sent = await alice.messages.resend(draft)
            assert sent.id == draft.id
            ids.add(sent.id)
        await alice.messages.send(C2C("bob"), Text(END))
        seen = await _received(stream)
        assert cloud.message_count() == RUNS + 1
    assert len(ids) == RUNS
    assert seen == Counter({f"m{i}": 1 for i in range(RUNS)})


async def test_send_retry_policy_survives_a_drop() -> None:
    """``send(..., retry=Retry(...))`` retries a 9508 with the same message: one successful
    call, one delivery, 20 runs."""
    async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
        stream = bob.messages.new_messages(sender="alice")
        retry = Retry(attempts=5, delay_s=0.05)
        for i in range(RUNS):
            await cloud.drop_after("TIMMsgSendMessage")
            sent = await alice.messages.send(C2C("bob"), Text(f"m{i}"), retry=retry)
            assert sent.text == f"m{i}"
        await alice.messages.send(C2C("bob"), Text(END))
        seen = await _received(stream)
    assert seen == Counter({f"m{i}": 1 for i in range(RUNS)})


async def test_retry_gives_up_after_its_attempts() -> None:
    """A policy of 2 attempts facing 2 drops raises the last NetworkError; the message was
    delivered once all the same (both attempts were handled, the second de-duplicated)."""
    async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
        stream = bob.messages.new_messages(sender="alice")
        await cloud.drop_after("TIMMsgSendMessage", 2)
        with pytest.raises(NetworkError):
            await alice.messages.send(
                C2C("bob"), Text("once"), retry=Retry(attempts=2, delay_s=0.01)
            )
        await alice.messages.send(C2C("bob"), Text(END))
        assert await _received(stream) == Counter({"once": 1})


async def test_online_only_and_group_resends_are_delivered_once() -> None:
    """The de-duplication also holds for online-only messages (never stored: remembered for the
    service's 5-minute window) and for group messages."""
    async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
        group = await alice.groups.create("team", members=["bob"])
        stream = bob.messages.new_messages(sender="alice")
        for i in range(5):
            draft = alice.messages.compose(C2C("bob"), Text(f"o{i}"), online_only=True)
            await cloud.drop_after("TIMMsgSendMessage")
            with pytest.raises(NetworkError):
                await alice.messages.resend(draft)
            await alice.messages.resend(draft)
            in_group = alice.messages.compose(group, Text(f"g{i}"))
            await cloud.drop_after("TIMMsgSendMessage")
            with pytest.raises(NetworkError):
                await alice.messages.resend(in_group)
            assert (await alice.messages.resend(in_group)).id == in_group.id
        await alice.messages.send(C2C("bob"), Text(END))
        seen = await _received(stream)
    assert seen == Counter({**{f"o{i}": 1 for i in range(5)}, **{f"g{i}": 1 for i in range(5)}})


async def test_resend_of_a_sent_message_and_bad_arguments() -> None:
    """Resending a message returned by ``send`` is a no-op for the receiver; ``compose``
    assigns an id and status Sending without I/O; bad arguments raise, named."""
    async with cloud_and_clients("alice", "bob") as (_cloud, (alice, bob)):
        stream = bob.messages.new_messages(sender="alice")
        sent = await alice.messages.send(C2C("bob"), Text("x"))
        again = await alice.messages.resend(sent)
        assert (again.id, again.seq) == (sent.id, sent.seq)
        await alice.messages.send(C2C("bob"), Text(END))
        assert await _received(stream) == Counter({"x": 1})
        draft = alice.messages.compose(C2C("bob"), Text("y"))
        assert draft.id and draft.rand and draft.status == aiotim.MsgStatus.SENDING
        assert draft.seq == 0 and draft.is_self
        with pytest.raises(TypeError, match="resend"):
            await alice.messages.resend("not a message")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="retry"):
            await alice.messages.send(C2C("bob"), Text("z"), retry=3)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="retry"):
            await alice.messages.resend(sent, retry=3)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="attempts"):
            Retry(attempts=0)
        with pytest.raises(ValueError, match="backoff"):
            Retry(backoff=0.5)
        with pytest.raises(TypeError, match="delay_s"):
            Retry(delay_s="1")  # type: ignore[arg-type]
