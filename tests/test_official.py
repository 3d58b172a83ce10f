"""Official accounts through the public API against the loopback cloud: an account created by
the admin (Cloud), followed, its broadcasts received; info, unsubscribe, change and delete."""

from __future__ import annotations

from typing import TypeVar, cast

import pytest

import aiotim
from aiotim.events.friends import (
    OfficialAccountChanged,
    OfficialAccountDeleted,
    OfficialAccountSubscribed,
    OfficialAccountUnsubscribed,
)
from tests.helpers import cloud_and_clients, next_item

pytestmark = pytest.mark.anyio

T = TypeVar("T")
NEWS = "@TOA#_news"


async def _item(stream: aiotim.Stream[T], timeout: float = 10) -> T:
    return cast(T, await next_item(cast("aiotim.Stream[object]", stream), timeout))


class TestFollow:
    async def test_followed_account_messages_received(self) -> None:
        """bob subscribes to an official account (OfficialAccountSubscribed with its info) and
        receives its broadcast as a one-to-one message from the account; alice, who did not
        subscribe, gets nothing."""
        async with cloud_and_clients("alice", "bob") as (cloud, (alice, bob)):
            await cloud.create_official_account(NEWS, "News", introduction="daily")
            subscribed = bob.official.subscriptions()
            inbox, other = bob.messages.new_messages(), alice.messages.new_messages()
            await bob.official.subscribe(NEWS)
            event = await _item(subscribed)
            assert isinstance(event, OfficialAccountSubscribed)
            assert (event.account.id, event.account.name) == (NEWS, "News")
            assert event.account.subscriber_count == 1 and event.account.subscribe_time > 0
            assert await cloud.official_broadcast(NEWS, "hello subscribers") == 1
            msg = await _item(inbox)
            assert isinstance(msg, aiotim.Message)
            assert (msg.sender, msg.text) == (NEWS, "hello subscribers")
            assert msg.raw["message_conv_id"] == NEWS and msg.raw["message_conv_type"] == 1
            assert len(other) == 0

    async def test_offline_subscriber_gets_broadcast_on_login(self) -> None:
        """A broadcast made while a subscriber is offline arrives at their next login."""
        async with cloud_and_clients("bob") as (cloud, (bob,)):
            await cloud.create_official_account(NEWS, "News")
            await bob.official.subscribe(NEWS)
            await bob.logout()
            await cloud.official_broadcast(NEWS, "while you were away")
            assert cloud.offline_count("bob") == 1
            await bob.login("bob", cloud.user_sig("bob"))
            msg = await _item(bob.messages.new_messages())
            assert isinstance(msg, aiotim.Message) and msg.text == "while you were away"

    async def test_unsubscribe_stops_broadcasts(self) -> None:
        """After unsubscribing (OfficialAccountUnsubscribed), broadcasts no longer arrive."""
        async with cloud_and_clients("bob") as (cloud, (bob,)):
            await cloud.create_official_account(NEWS, "News")
            gone = bob.official.unsubscriptions()
            await bob.official.subscribe(NEWS)
            await bob.official.unsubscribe(NEWS)
            event = await _item(gone)
            assert isinstance(event, OfficialAccountUnsubscribed) and event.account_id == NEWS
            assert await cloud.official_broadcast(NEWS, "anyone?") == 0
            assert await bob.official.subscribed() == []


class TestInfo:
    async def test_info_found_and_not_found(self) -> None:
        """info(ids) gives one result per id: the account, or an error code for an unknown
        id; info() with no ids lists the subscribed accounts."""
        async with cloud_and_clients("bob") as (cloud, (bob,)):
            await cloud.create_official_account(NEWS, "News", owner="admin", custom_data="x")
            await cloud.create_official_account("@TOA#_other", "Other")
            await bob.official.subscribe(NEWS)
            found, missing = await bob.official.info([NEWS, "@TOA#_nope"])
            assert found.ok and found.account is not None
            assert (found.account.owner_user_id, found.account.custom_data) == ("admin", "x")
            assert not missing.ok and missing.code == 30003 and missing.account is None
            mine = await bob.official.subscribed()
            assert [a.id for a in mine] == [NEWS]

    async def test_subscribe_unknown_account_fails(self) -> None:
        """Subscribing to an account that does not exist fails (30003)."""
        async with cloud_and_clients("bob") as (_, (bob,)):
            with pytest.raises(aiotim.TIMError) as err:
                await bob.official.subscribe("@TOA#_nope")
            assert err.value.code == 30003
            with pytest.raises(ValueError, match="account_id"):
                await bob.official.subscribe("")
            with pytest.raises(TypeError, match="account_ids"):
                await bob.official.info(NEWS)

    async def test_change_and_delete_reach_subscribers(self) -> None:
        """The admin changes the account (OfficialAccountChanged with the new name) and deletes
        it (OfficialAccountDeleted); the cloud refuses a malformed id."""
        async with cloud_and_clients("bob") as (cloud, (bob,)):
            await cloud.create_official_account(NEWS, "News")
            changed, deleted = bob.official.changed(), bob.official.deleted()
            await bob.official.subscribe(NEWS)
            await cloud.update_official_account(NEWS, name="Daily News")
            event = await _item(changed)
            assert isinstance(event, OfficialAccountChanged)
            assert event.account.name == "Daily News"
            await cloud.delete_official_account(NEWS)
            gone = await _item(deleted)
            assert isinstance(gone, OfficialAccountDeleted) and gone.account_id == NEWS
            with pytest.raises(ValueError, match="@TOA#_"):
                await cloud.create_official_account("news", "News")
