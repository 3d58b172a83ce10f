"""Loopback cloud: hello, login/logout, UserSig checks, kick, expiry, login-required calls."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from aiotim.loopback import Cloud
from aiotim.usersig import gen_user_sig
from tests.loopback_fake_sdk import FakeSDK, eventually, text

pytestmark = pytest.mark.anyio

APP = 1400000001
KEY = "loopback-test-key"
LOGINED, UNLOGINED = 1, 3


@pytest.fixture
async def cloud(anyio_backend: str) -> AsyncIterator[Cloud]:
    async with Cloud(APP, KEY) as c:
        yield c


class TestHello:
    async def test_welcome_carries_server_time(self, cloud: Cloud) -> None:
        """Hello is answered with W and the server time in milliseconds."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            assert sdk.welcome is not None
            assert abs(sdk.welcome / 1000 - time.time()) < 60

    async def test_wrong_app_id_closes(self, cloud: Cloud) -> None:
        """A hello for another SDKAppID is answered by closing the connection."""
        async with FakeSDK.connect(cloud.address, APP + 1) as sdk:
            await sdk.wait_until(lambda: sdk.closed)
            assert sdk.welcome is None

    async def test_wrong_protocol_closes(self, cloud: Cloud) -> None:
        """A hello with another protocol name closes the connection."""
        async with FakeSDK.connect(cloud.address) as sdk:
            await sdk.hello(APP, name="something-else/9")
            await sdk.wait_until(lambda: sdk.closed)
            assert sdk.welcome is None

    async def test_call_before_hello_closes(self, cloud: Cloud) -> None:
        """A call before the hello is a protocol error."""
        async with FakeSDK.connect(cloud.address) as sdk:
            await sdk.start_call("TIMLogout")
            await sdk.wait_until(lambda: sdk.closed)

    async def test_garbage_closes(self, cloud: Cloud) -> None:
        """A malformed frame closes the connection; the cloud keeps serving others."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await sdk.send_raw(b"\x00\x00\x00\x02CZ")
            await sdk.wait_until(lambda: sdk.closed)
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            assert (await sdk.login("a", cloud.user_sig("a")))[0] == 0


class TestLogin:
    async def test_login_ok(self, cloud: Cloud) -> None:
        """A valid sig logs in: L (logined) then R 0, and the user is online."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            assert await sdk.login("alice", cloud.user_sig("alice")) == (0, "", "")
            assert sdk.login_states == [(LOGINED, "alice")]
            kinds = [f[0] for f in sdk.frames]
            assert kinds.index("L") < kinds.index("R")
            assert cloud.online_users() == {"alice"}

    @pytest.mark.parametrize(
        ("make_sig", "code"),
        [
            (lambda: gen_user_sig(APP, KEY, "alice", 10, now=1_000_000), 70001),
            (lambda: gen_user_sig(APP, "other-key", "alice"), 70003),
            (lambda: gen_user_sig(APP, KEY, "bob"), 70013),
            (lambda: gen_user_sig(APP + 1, KEY, "alice"), 70014),
            (lambda: "not-a-sig", 70003),
            (lambda: "", 70002),
        ],
        ids=["expired", "bad-key", "other-user", "other-app", "garbage", "empty"],
    )
    async def test_login_refused(self, cloud: Cloud, make_sig: object, code: int) -> None:
        """Bad sigs get the real cloud's error code, a desc without the sig, and no login."""
        sig = make_sig()  # type: ignore[operator]
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            got, desc, _ = await sdk.login("alice", sig)
            assert got == code
            assert desc
            assert not sig or sig not in desc
            assert KEY not in desc
            assert sdk.login_states == []
            assert cloud.online_users() == set()

    async def test_logout(self, cloud: Cloud) -> None:
        """Logout answers 0 and reports unlogined; the user goes offline."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await sdk.login("alice", cloud.user_sig("alice"))
            assert await sdk.call("TIMLogout") == (0, "", "")
            assert sdk.login_states[-1] == (UNLOGINED, "")
            assert cloud.online_users() == set()
            code, _, _ = await sdk.call("TIMConvGetConvList")
            assert code == 6014

    async def test_relogin_with_req_id_zero(self, cloud: Cloud) -> None:
        """The SDK's own re-login (req_id 0) logs in and is answered with req_id 0."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await sdk.start_call("TIMLogin", "alice", cloud.user_sig("alice"), req_id=0)
            assert await sdk.result(0) == (0, "", "")
            assert cloud.online_users() == {"alice"}

    async def test_disconnect_goes_offline(self, cloud: Cloud) -> None:
        """Closing the connection takes the user offline."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await sdk.login("alice", cloud.user_sig("alice"))
        await eventually(lambda: not cloud.online_users())


class TestKickAndExpiry:
    async def test_second_login_kicks_first(self, cloud: Cloud) -> None:
        """A second session as the same user kicks the first (kicked event + unlogined)."""
        async with (
            FakeSDK.connect(cloud.address, APP) as first,
            FakeSDK.connect(cloud.address, APP) as second,
        ):
            await first.login("alice", cloud.user_sig("alice"))
            assert (await second.login("alice", cloud.user_sig("alice")))[0] == 0
            await first.wait_event("TIMSetKickedOfflineCallback")
            assert first.login_states[-1] == (UNLOGINED, "")
            assert second.events_of("TIMSetKickedOfflineCallback") == []
            assert (await first.call("TIMConvGetConvList"))[0] == 6014
            assert (await second.call("TIMConvGetConvList"))[0] == 0

    async def test_cloud_kick(self, cloud: Cloud) -> None:
        """cloud.kick() logs a user out like another device would."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await sdk.login("alice", cloud.user_sig("alice"))
            await cloud.kick("alice")
            await sdk.wait_event("TIMSetKickedOfflineCallback")
            assert cloud.online_users() == set()
            with pytest.raises(LookupError):
                await cloud.kick("alice")

    async def test_sig_expires_while_logged_in(self, cloud: Cloud) -> None:
        """A sig that runs out while logged in fires the expired event and logs out."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            assert (await sdk.login("alice", cloud.user_sig("alice", expire=2)))[0] == 0
            await sdk.wait_event("TIMSetUserSigExpiredCallback", limit=5)
            assert sdk.login_states[-1] == (UNLOGINED, "")
            assert cloud.online_users() == set()

    async def test_expire_user_sig_now(self, cloud: Cloud) -> None:
        """cloud.expire_user_sig() expires the session at once."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await sdk.login("alice", cloud.user_sig("alice"))
            await cloud.expire_user_sig("alice")
            await sdk.wait_event("TIMSetUserSigExpiredCallback")
            assert sdk.login_states[-1] == (UNLOGINED, "")
            with pytest.raises(LookupError, match="alice"):
                await cloud.expire_user_sig("alice")


class TestCallRules:
    async def test_before_login_is_6014(self, cloud: Cloud) -> None:
        """Calls other than login before login fail with 6014."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            code, desc, _ = await sdk.call("TIMConvGetConvList")
            assert (code, desc) == (6014, "not logged in")

    async def test_unsupported_is_7013(self, cloud: Cloud) -> None:
        """A TIM function the cloud does not implement fails with 7013 and names itself."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await sdk.login("alice", cloud.user_sig("alice"))
            # (offline push needs a vendor's push service: one of the few functions the
            # loopback has no handler for; see test_coverage_messages)
            code, desc, _ = await sdk.call("TIMMsgSetOfflinePushToken", "{}")
            assert code == 7013
            assert desc == "TIMMsgSetOfflinePushToken is not supported by the loopback cloud"

    async def test_unknown_function_is_7013(self, cloud: Cloud) -> None:
        """A name that is not a TIM function at all also gets 7013."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            code, desc, _ = await sdk.call("TIMNoSuchThing", "x")
            assert code == 7013
            assert "TIMNoSuchThing" in desc

    async def test_wrong_arguments_are_6017(self, cloud: Cloud) -> None:
        """A call whose fields do not match the prototype fails with 6017."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            code, desc, _ = await sdk.call("TIMLogin", "alice")
            assert code == 6017
            assert "TIMLogin" in desc

    async def test_results_in_order(self, cloud: Cloud) -> None:
        """Results come back in the order the calls were made."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await sdk.login("alice", cloud.user_sig("alice"))
            ids = [await sdk.start_call("TIMConvGetConvList") for _ in range(50)]
            await sdk.result(ids[-1])
            seen = [f[1][0] for f in sdk.frames if f[0] == "R" and f[1][0] in ids]
            assert seen == ids
            assert text(sdk.results[ids[0]][0][5]) == "[]"
