"""Signaling through the public API against the loopback cloud: an invitation in each outcome
(accept, reject, cancel, timeout), modify, the carrier message and ``info``, the errors."""

from __future__ import annotations

from typing import TypeVar, cast

import anyio
import orjson
import pytest

import aiotim
from aiotim.events.signaling import (
    InvitationCancelled,
    InvitationModified,
    InvitationReceived,
    InvitationTimeout,
    InviteeAccepted,
    InviteeRejected,
)
from aiotim.models.signaling import SignalingAction, SignalingInfo
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio


T = TypeVar("T")


async def _item(stream: aiotim.Stream[T], timeout: float = 10) -> T:
    return cast(T, await next_item(cast("aiotim.Stream[object]", stream), timeout))


class TestOutcomes:
    async def test_accept(self) -> None:
        """bob gets the invitation with the id invite() returned, accepts it, and alice is told
        who accepted with bob's data; the invitation is over afterwards (8010)."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            invitations = bob.signaling.invitations(inviter="alice")
            accepted = alice.signaling.accepted()
            invite_id = await alice.signaling.invite("bob", "call:video", timeout_s=30)
            assert isinstance(invite_id, str) and invite_id
            got = cast(InvitationReceived, await _item(invitations))
            assert got.invite_id == invite_id
            assert (got.inviter, got.group_id, got.invitees, got.data) == (
                "alice",
                "",
                ("bob",),
                "call:video",
            )
            await bob.signaling.accept(invite_id, "ok")
            ack = cast(InviteeAccepted, await _item(accepted))
            assert (ack.invite_id, ack.invitee, ack.data) == (invite_id, "bob", "ok")
            with pytest.raises(aiotim.TIMError) as err:
                await bob.signaling.accept(invite_id)
            assert err.value.code == 8010

    async def test_reject(self) -> None:
        """bob rejects: alice gets InviteeRejected with the invite id and bob's data."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            invitations = bob.signaling.invitations()
            rejected = alice.signaling.rejected()
            invite_id = await alice.signaling.invite("bob", "d")
            got = cast(InvitationReceived, await _item(invitations))
            assert got.invite_id == invite_id
            await bob.signaling.reject(got.invite_id, "busy")
            no = cast(InviteeRejected, await _item(rejected))
            assert (no.invite_id, no.invitee, no.data) == (invite_id, "bob", "busy")

    async def test_cancel(self) -> None:
        """alice cancels before bob answers: bob gets InvitationCancelled, and his late accept
        fails with 8010; bob cannot cancel alice's invitation (8011)."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            invitations = bob.signaling.invitations()
            cancelled = bob.signaling.cancelled()
            invite_id = await alice.signaling.invite("bob", "d")
            await _item(invitations)
            with pytest.raises(aiotim.TIMError) as err:
                await bob.signaling.cancel(invite_id)
            assert err.value.code == 8011
            await alice.signaling.cancel(invite_id, "never mind")
            gone = cast(InvitationCancelled, await _item(cancelled))
            assert (gone.invite_id, gone.inviter, gone.data) == (invite_id, "alice", "never mind")
            with pytest.raises(aiotim.TIMError) as err:
                await bob.signaling.accept(invite_id)
            assert err.value.code == 8010

    async def test_timeout_reaches_both_sides(self) -> None:
        """Unanswered for timeout_s=1, the invitation times out on the cloud's clock: alice and
        bob both get InvitationTimeout naming bob, with the invite id; then it is over."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            invitations = bob.signaling.invitations()
            mine, theirs = alice.signaling.timed_out(), bob.signaling.timed_out()
            invite_id = await alice.signaling.invite("bob", "d", timeout_s=1)
            await _item(invitations)
            for stream in (mine, theirs):
                event = cast(InvitationTimeout, await _item(stream))
                assert (event.invite_id, event.invitees) == (invite_id, ("bob",))
            with pytest.raises(aiotim.TIMError) as err:
                await bob.signaling.accept(invite_id)
            assert err.value.code == 8010

    async def test_no_timeout_when_zero(self) -> None:
        """timeout_s=0 means no timeout: the invitation is still open after a while."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            timed_out = alice.signaling.timed_out()
            invite_id = await alice.signaling.invite("bob", "d", timeout_s=0)
            await anyio.sleep(1.2)
            assert len(timed_out) == 0
            await bob.signaling.accept(invite_id)


class TestCarrierAndInfo:
    async def test_invitation_rides_a_custom_message_info_decodes(self) -> None:
        """The invitation reaches bob as a custom message too (not online-only), and info()
        on it gives the invitation: id, inviter, invitees, data, action INVITE, timeout."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.messages.new_messages()
            invite_id = await alice.signaling.invite("bob", "payload", timeout_s=7)
            msg = cast(aiotim.Message, await _item(inbox))
            assert msg.sender == "alice"
            custom = orjson.loads(msg.raw["message_elem_array"][0]["custom_elem_data"])
            assert custom["businessID"] == 1 and custom["inviteID"] == invite_id
            info = await bob.signaling.info(msg)
            assert info == SignalingInfo(
                invite_id=invite_id,
                group_id="",
                inviter="alice",
                invitees=("bob",),
                data="payload",
                action=SignalingAction.INVITE,
                timeout_s=7,
                raw={},
            )

    async def test_info_of_an_ordinary_message_fails(self) -> None:
        """info() on a text message is an error (6017)."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            inbox = bob.messages.new_messages()
            await alice.messages.send_text(aiotim.C2C("bob"), "hello")
            msg = cast(aiotim.Message, await _item(inbox))
            with pytest.raises(aiotim.TIMError) as err:
                await bob.signaling.info(msg)
            assert err.value.code == 6017

    async def test_online_only_leaves_no_history(self) -> None:
        """An online-only invitation reaches online bob but stores no message."""
        async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
            invitations = bob.signaling.invitations()
            invite_id = await alice.signaling.invite("bob", "d", online_only=True)
            got = cast(InvitationReceived, await _item(invitations))
            assert got.invite_id == invite_id
            assert cloud.message_count() == 0

    async def test_modify(self) -> None:
        """The inviter changes the data: bob gets InvitationModified; an online-only
        invitation cannot be modified."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            modified = bob.signaling.modified()
            invite_id = await alice.signaling.invite("bob", "v1")
            await alice.signaling.modify(invite_id, "v2")
            event = cast(InvitationModified, await _item(modified))
            assert (event.invite_id, event.data) == (invite_id, "v2")
            with pytest.raises(aiotim.TIMError) as err:
                await bob.signaling.modify(invite_id, "v3")
            assert err.value.code == 8011
            quiet = await alice.signaling.invite("bob", "v1", online_only=True)
            with pytest.raises(aiotim.TIMError):
                await alice.signaling.modify(quiet, "v2")


class TestErrors:
    async def test_unknown_id_and_wrong_user(self) -> None:
        """An unknown invite id is 8010; the inviter cannot accept their own invitation
        (8010: not invited)."""
        async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
            with pytest.raises(aiotim.TIMError) as err:
                await bob.signaling.accept("no-such-invitation")
            assert err.value.code == 8010
            invite_id = await alice.signaling.invite("bob", "d")
            with pytest.raises(aiotim.TIMError) as err:
                await alice.signaling.reject(invite_id)
            assert err.value.code == 8010

    async def test_bad_arguments(self) -> None:
        """Bad arguments are refused before any call, naming the problem."""
        async with cloud_and_clients("alice") as (_, (alice,)):
            with pytest.raises(ValueError, match="user_id"):
                await alice.signaling.invite("", "d")
            with pytest.raises(ValueError, match="timeout_s"):
                await alice.signaling.invite("bob", "d", timeout_s=-1)
            with pytest.raises(TypeError, match="timeout_s"):
                await alice.signaling.invite("bob", "d", timeout_s=1.5)  # type: ignore[arg-type]
            with pytest.raises(ValueError, match="invite_id"):
                await alice.signaling.accept("")
            with pytest.raises(TypeError, match="Message"):
                await alice.signaling.info("not a message")  # type: ignore[arg-type]
            with pytest.raises(TypeError, match="user_ids"):
                await alice.signaling.invite_group("@TGS#x", "bob")


class TestGroup:
    async def test_group_invitation_accept_and_timeout(self) -> None:
        """A group invitation reaches the member invitees (group id and invitee list on the
        event); one accepts (the inviter and the other invitee are told), the other does not
        answer and times out: the inviter's timeout event names only them."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
            group = await alice.groups.create("call", members=["bob", "carol"])
            b_inv, c_inv = bob.signaling.invitations(), carol.signaling.invitations()
            accepted, c_accepted = alice.signaling.accepted(), carol.signaling.accepted()
            timed_out = alice.signaling.timed_out()
            invite_id = await alice.signaling.invite_group(
                group, ["bob", "carol"], "room 7", timeout_s=1
            )
            for inv_stream in (b_inv, c_inv):
                got = await _item(inv_stream)
                assert (got.invite_id, got.group_id, got.inviter) == (
                    invite_id,
                    group.id,
                    "alice",
                )
                assert set(got.invitees) == {"bob", "carol"}
            await bob.signaling.accept(invite_id)
            for stream in (accepted, c_accepted):
                ack = await _item(stream)
                assert (ack.invite_id, ack.invitee) == (invite_id, "bob")
            late = await _item(timed_out)
            assert (late.invite_id, late.invitees) == (invite_id, ("carol",))

    async def test_group_invitation_errors(self) -> None:
        """An unknown group is 10010; a non-member inviter 10007; invitees who are not members
        only: 6017."""
        async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, _bob, carol)):
            with pytest.raises(aiotim.TIMError) as err:
                await alice.signaling.invite_group("@TGS#nope", ["bob"])
            assert err.value.code == 10010
            group = await alice.groups.create("g", members=["bob"])
            with pytest.raises(aiotim.TIMError) as err:
                await carol.signaling.invite_group(group.id, ["bob"])
            assert err.value.code == 10007
            with pytest.raises(aiotim.TIMError) as err:
                await alice.signaling.invite_group(group.id, ["carol"])
            assert err.value.code == 6017


class TestOffline:
    async def test_offline_invitee_is_told_at_login(self) -> None:
        """An invitation to an offline user waits: at login they get the carrier message and
        InvitationReceived with the invite id, and can accept it."""
        async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
            await bob.logout()
            accepted = alice.signaling.accepted()
            invite_id = await alice.signaling.invite("bob", "while away", timeout_s=30)
            invitations, inbox = bob.signaling.invitations(), bob.messages.new_messages()
            await bob.login("bob", cloud.user_sig("bob"))
            got = await _item(invitations)
            assert (got.invite_id, got.data) == (invite_id, "while away")
            msg = await _item(inbox)
            assert (await bob.signaling.info(msg)).invite_id == invite_id
            await bob.signaling.accept(invite_id)
            assert (await _item(accepted)).invite_id == invite_id

    async def test_online_only_invitation_misses_an_offline_invitee(self) -> None:
        """An online-only invitation to an offline user is not delivered at login."""
        async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
            await bob.logout()
            await alice.signaling.invite("bob", "now or never", online_only=True)
            invitations = bob.signaling.invitations()
            await bob.login("bob", cloud.user_sig("bob"))
            await anyio.sleep(0.3)
            assert len(invitations) == 0
            assert cloud.offline_count("bob") == 0
