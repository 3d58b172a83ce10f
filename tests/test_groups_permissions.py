"""Community permission groups enforced by the loopback: with ``enable_permission_group`` a
member who is neither owner nor admin may only send, @all and read history where the
community's or topic's default permissions, or their permission groups, allow it."""

from __future__ import annotations

import pytest

import aiotim
from aiotim import TIMError
from aiotim.enums import V2TIMCommunityPermissionValue as CP
from aiotim.enums import V2TIMTopicPermissionValue as TP
from tests.helpers import cloud_and_clients

pytestmark = pytest.mark.anyio


async def test_topic_permissions_of_permission_groups() -> None:
    """bob may speak in the community (its defaults) but not in a read-only topic until a
    permission group he is in gets SEND_MESSAGE on it; carol, outside the group, still may not;
    @all needs its own bit; the owner may do everything; without permission groups nothing
    is checked."""
    async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
        defaults = CP.V2TIM_COMMUNITY_PERMISSION_SEND_MESSAGE | (
            CP.V2TIM_COMMUNITY_PERMISSION_GET_HISTORY_MESSAGE
        )
        community = await alice.community.create(
            "guild",
            members=("bob", "carol"),
            enable_permission_group=True,
            default_permissions=int(defaults),
        )
        await bob.messages.send_text(community, "hello guild")
        topic_id = await alice.community.create_topic(
            community,
            "announcements",
            default_permissions=int(TP.V2TIM_TOPIC_PERMISSION_GET_HISTORY_MESSAGE),
        )
        topic = aiotim.Group(topic_id)
        await alice.messages.send_text(topic, "owner speaks")
        with pytest.raises(TIMError) as err:
            await bob.messages.send_text(topic, "may I?")
        assert err.value.code == 10007
        assert [m.text for m in await bob.messages.history(topic)] == ["owner speaks"]
        pg = await alice.community.create_permission_group(community, "speakers")
        await alice.community.add_permission_group_members(community, pg, ["bob"])
        await alice.community.add_topic_permissions(
            community, pg, {topic_id: int(TP.V2TIM_TOPIC_PERMISSION_SEND_MESSAGE)}
        )
        await bob.messages.send_text(topic, "now I may")
        with pytest.raises(TIMError) as err:
            await carol.messages.send_text(topic, "me too?")
        assert err.value.code == 10007
        with pytest.raises(TIMError) as err:
            await bob.messages.send(topic, aiotim.Text("everyone!"), at=[aiotim.AT_ALL])
        assert err.value.code == 10007
        await alice.messages.send(topic, aiotim.Text("everyone!"), at=[aiotim.AT_ALL])
        open_topic = await alice.community.create_topic(aiotim.Group(community.id), "free")
        plain = await alice.community.create("open", members=("bob",))
        free = await alice.community.create_topic(plain, "chat")
        await bob.messages.send_text(aiotim.Group(free), "no checks here")
        with pytest.raises(TIMError):
            await carol.messages.send_text(aiotim.Group(open_topic), "no defaults")


async def test_revoking_others_messages_is_a_permission() -> None:
    """In a community with permission groups, a member may revoke another member's message
    only with REVOKE_OTHER_MEMBER_MESSAGE from a permission group (10007 before)."""
    async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
        defaults = int(CP.V2TIM_COMMUNITY_PERMISSION_SEND_MESSAGE)
        community = await alice.community.create(
            "mods",
            members=("bob", "carol"),
            enable_permission_group=True,
            default_permissions=defaults,
        )
        rude = await carol.messages.send_text(community, "rude")
        with pytest.raises(TIMError) as err:
            await bob.messages.revoke(rude)
        assert err.value.code == 10007
        pg = await alice.community.create_permission_group(
            community,
            "moderators",
            permissions=int(CP.V2TIM_COMMUNITY_PERMISSION_REVOKE_OTHER_MEMBER_MESSAGE),
        )
        await alice.community.add_permission_group_members(community, pg, ["bob"])
        await bob.messages.revoke(rude)
        [gone] = await alice.messages.find([rude.id])
        assert gone.status == aiotim.MsgStatus.REVOKED
