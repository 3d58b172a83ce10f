"""client.community against the loopback cloud: communities with topics — create, list, change,
delete — and the topic notifications every member gets."""

from __future__ import annotations

from typing import TypeVar

import anyio
import pytest

import aiotim
from aiotim.enums import GroupType
from tests.helpers import cloud_and_clients

pytestmark = pytest.mark.anyio

T = TypeVar("T")


async def next_item(stream: aiotim.Stream[T], timeout: float = 10) -> T:
    """The stream's next item, failing the test after ``timeout`` seconds."""
    with anyio.fail_after(timeout):
        return await stream.__anext__()


async def test_topics_lifecycle_and_notifications() -> None:
    """The owner creates, changes and deletes topics; every member is notified of each; only
    the owner or admins manage topics (10007); a group without topics has none (10007)."""
    async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
        c = await alice.community.create("guild", members=["bob"])
        assert c.id.startswith("@TGS#_")
        await carol.groups.join(c)
        assert [g.group_id for g in await bob.community.joined()] == [c.id]
        assert (await bob.groups.get(c)).group_type == GroupType.COMMUNITY
        created = {u: u.community.topic_created() for u in (alice, bob, carol)}
        changed = bob.community.topic_changed()
        deleted = carol.community.topic_deleted()
        topic = await alice.community.create_topic(c, "general", introduction="talk")
        assert topic.startswith(f"{c.id}@TOPIC#_")
        for u in (alice, bob, carol):
            event = await next_item(created[u])
            assert (event.group_id, event.topic_id) == (c.id, topic)
        with pytest.raises(aiotim.TIMError) as info:
            await bob.community.create_topic(c, "mine")
        assert info.value.code == 10007
        await alice.community.set_topic_info(topic, name="lobby")
        assert (await next_item(changed)).topic.name == "lobby"
        (found,) = await carol.community.topics(c)
        assert (found.topic_id, found.name, found.introduction) == (topic, "lobby", "talk")
        results = await alice.community.delete_topics(c, [topic, f"{c.id}@TOPIC#_none"])
        assert [r.code == 0 for r in results] == [True, False]
        assert (await next_item(deleted)).topic_id == topic
        assert await carol.community.topics(c) == []
        work = await alice.groups.create("w")
        with pytest.raises(aiotim.TIMError) as info:
            await alice.community.create_topic(work, "x")
        assert info.value.code == 10007


async def test_permission_groups() -> None:
    """Permission groups: create, list, change, members added/removed (every member is
    notified), topic permissions added/modified/read/deleted, deletion; ordinary members cannot
    manage them (10007)."""
    async with cloud_and_clients("alice", "bob", "carol") as (_, (alice, bob, carol)):
        c = await alice.community.create("guild", members=["bob", "carol"])
        topic = await alice.community.create_topic(c, "general")
        created = bob.community.permission_groups_created()
        added = carol.community.permission_group_members_added()
        pg = await alice.community.create_permission_group(
            c, "mods", permissions=1 | 32, custom_data="x"
        )
        event = await next_item(created)
        assert (event.group_id, event.info.permission_group_id) == (c.id, pg)
        with pytest.raises(aiotim.TIMError) as info:
            await bob.community.create_permission_group(c, "nope")
        assert info.value.code == 10007
        assert await alice.community.add_permission_group_members(c, pg, ["bob", "dave"]) == {
            "bob": 0,
            "dave": 10007,
        }
        assert (await next_item(added)).member_ids == ("bob",)
        (mine,) = await bob.community.joined_permission_groups(c)
        assert (mine.name, mine.group_permission, mine.member_count) == ("mods", 33, 1)
        assert await carol.community.joined_permission_groups(c) == []
        members = await carol.community.permission_group_members(c, pg)
        assert [m.user_id for m in members] == ["bob"]
        await alice.community.set_permission_group_info(c, pg, name="moderators")
        (listed,) = await carol.community.permission_groups(c)
        assert listed.name == "moderators"
        results = await alice.community.add_topic_permissions(c, pg, {topic: 8})
        assert [r.code for r in results] == [0]
        await alice.community.modify_topic_permissions(c, pg, {topic: 8 | 16})
        assert await bob.community.topic_permissions(c, pg) == {topic: 24}
        await alice.community.delete_topic_permissions(c, pg, [topic])
        assert await bob.community.topic_permissions(c, pg) == {}
        assert await alice.community.remove_permission_group_members(c, pg, ["bob"]) == {"bob": 0}
        assert await alice.community.delete_permission_groups(c, [pg, "other"]) == {
            pg: 0,
            "other": 10004,
        }
        assert await alice.community.permission_groups(c) == []


async def test_topic_messages() -> None:
    """Messages to a topic reach every community member in the topic's conversation and its
    history; non-members fail 10007, a deleted topic 10010."""
    async with cloud_and_clients("alice", "bob", "eve") as (_, (alice, bob, eve)):
        c = await alice.community.create("guild", members=["bob"])
        topic = await alice.community.create_topic(c, "general")
        stream = bob.messages.new_messages(conv=aiotim.Group(topic))
        sent = await alice.send_text(aiotim.Group(topic), "hi topic")
        got = await next_item(stream)
        assert (got.text, got.conv, got.seq) == ("hi topic", aiotim.Group(topic), sent.seq)
        (last,) = await bob.messages.history(aiotim.Group(topic))
        assert last.text == "hi topic"
        with pytest.raises(aiotim.TIMError) as info:
            await eve.send_text(aiotim.Group(topic), "x")
        assert info.value.code == 10007
        await alice.community.delete_topics(c, [topic])
        with pytest.raises(aiotim.TIMError) as info:
            await alice.send_text(aiotim.Group(topic), "x")
        assert info.value.code == 10010
