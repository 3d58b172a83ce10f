"""Loopback cloud: pushed events, faults (drop, outage, delay), SQLite, addresses, serve."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import orjson
import pytest

from aiotim.loopback import Cloud
from aiotim.loopback.cloud.address import parse_address
from tests.loopback_fake_sdk import FakeSDK, eventually, text

pytestmark = pytest.mark.anyio

APP = 1400000003
KEY = "loopback-test-key"


@pytest.fixture
async def cloud(anyio_backend: str) -> AsyncIterator[Cloud]:
    async with Cloud(APP, KEY) as c:
        yield c


async def _login(cloud: Cloud, sdk: FakeSDK, user: str) -> None:
    assert (await sdk.login(user, cloud.user_sig(user)))[0] == 0


class TestEmit:
    async def test_emit_reaches_the_user(self, cloud: Cloud) -> None:
        """emit() pushes an E frame with the given arguments, typed per the ABI."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await _login(cloud, sdk, "alice")
            await cloud.emit("alice", "TIMSetNetworkStatusListenerCallback", 0, 0, "ok")
            await cloud.emit("alice", "TIMSetMyFollowingListChangedCallback", b"[]", True)
            await cloud.emit("alice", "TIMSetKickedOfflineCallback")
            await cloud.emit("alice", "TIMAddRecvNewMsgCallback", None)
            await sdk.wait_until(lambda: len(sdk.events) >= 4)
            assert sdk.events[-4:] == [
                ("TIMSetNetworkStatusListenerCallback", [0, 0, b"ok"]),
                ("TIMSetMyFollowingListChangedCallback", [b"[]", True]),
                ("TIMSetKickedOfflineCallback", []),
                ("TIMAddRecvNewMsgCallback", [None]),
            ]

    @pytest.mark.parametrize(
        ("setter", "args", "exc", "match"),
        [
            ("TIMNoSuchCallback", (), ValueError, "TIMNoSuchCallback"),
            ("TIMRemoveRecvNewMsgCallback", (), ValueError, "TIMRemoveRecvNewMsgCallback"),
            ("TIMAddRecvNewMsgCallback", (), TypeError, "json_msg_array"),
            ("TIMAddRecvNewMsgCallback", ("[]", "[]"), TypeError, "takes 1"),
            ("TIMAddRecvNewMsgCallback", (5,), TypeError, "json_msg_array"),
            ("TIMSetConvEventCallback", ("0", "[]"), TypeError, "conv_event"),
            ("TIMSetConvEventCallback", (True, "[]"), TypeError, "conv_event"),
            ("TIMSetConvEventCallback", (2**64, "[]"), ValueError, "conv_event"),
            ("TIMSetMyFollowingListChangedCallback", ("[]", 1), TypeError, "is_add"),
            ("TIMAddRecvNewMsgCallback", ("a\0b",), ValueError, "NUL"),
        ],
    )
    async def test_emit_validation(
        self, cloud: Cloud, setter: str, args: tuple[object, ...], exc: type[Exception], match: str
    ) -> None:
        """Bad setters and arguments raise, naming the setter and the parameter."""
        with pytest.raises(exc, match=match):
            await cloud.emit("alice", setter, *args)

    async def test_emit_to_offline_user(self, cloud: Cloud) -> None:
        """emit() to a user who is not logged in raises LookupError."""
        with pytest.raises(LookupError, match="bob"):
            await cloud.emit("bob", "TIMSetKickedOfflineCallback")


class TestFaults:
    async def test_drop_connections(self, cloud: Cloud) -> None:
        """Dropping connections closes them; a re-login gets what arrived meanwhile."""
        async with FakeSDK.connect(cloud.address, APP) as bob:
            await _login(cloud, bob, "bob")
            await cloud.drop_connections()
            await bob.wait_until(lambda: bob.closed)
        assert cloud.online_users() == set()
        async with FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            await alice.send_text("bob", "while you were away")
        async with FakeSDK.connect(cloud.address, APP) as bob:
            await bob.start_call("TIMLogin", "bob", cloud.user_sig("bob"), req_id=0)
            (msg,) = await bob.wait_messages(1)
            assert msg["message_elem_array"][0]["text_elem_content"] == "while you were away"

    async def test_stop_and_start(self, cloud: Cloud) -> None:
        """stop() takes the listener down (connections refused), start() brings it back."""
        address = cloud.address
        async with FakeSDK.connect(address, APP) as sdk:
            await _login(cloud, sdk, "alice")
            await cloud.stop()
            await sdk.wait_until(lambda: sdk.closed)
        assert not cloud.listening
        with pytest.raises(OSError, match=r"No such file|refused"):
            async with FakeSDK.connect(address, APP):
                pass
        await cloud.start()
        assert cloud.listening
        assert cloud.address == address
        async with FakeSDK.connect(address, APP) as sdk:
            await _login(cloud, sdk, "alice")

    async def test_delay(self, cloud: Cloud) -> None:
        """cloud.delay is added before each result."""
        async with FakeSDK.connect(cloud.address, APP) as sdk:
            await _login(cloud, sdk, "alice")
            cloud.delay = 0.2
            started = time.perf_counter()
            await sdk.call("TIMConvGetConvList")
            assert time.perf_counter() - started >= 0.19
            cloud.delay = 0
        with pytest.raises(ValueError, match="delay"):
            cloud.delay = -1


class TestPersistence:
    async def test_sqlite_survives_restart(self, anyio_backend: str, tmp_path: Path) -> None:
        """With db=, messages, conversations and offline inboxes survive a new Cloud."""
        db = tmp_path / "cloud.db"
        async with Cloud(APP, KEY, db=db) as cloud, FakeSDK.connect(cloud.address, APP) as alice:
            await _login(cloud, alice, "alice")
            for i in range(5):
                await alice.send_text("bob", f"m{i}")
            _, _, sent = await alice.send_text("bob", "revoked")
            assert (await alice.call("TIMMsgRevoke", "bob", 1, orjson.dumps(sent)))[0] == 0
        async with Cloud(APP, KEY, db=db) as cloud:
            assert cloud.message_count() == 6
            assert cloud.offline_count("bob") == 6
            async with FakeSDK.connect(cloud.address, APP) as bob:
                await _login(cloud, bob, "bob")
                msgs = await bob.wait_messages(6)
                texts = [m["message_elem_array"][0]["text_elem_content"] for m in msgs]
                assert texts == [f"m{i}" for i in range(5)] + ["revoked"]
                assert msgs[-1]["message_status"] == 6
                _, _, convs = await bob.call("TIMConvGetConvList")
                assert [(c["conv_id"], c["conv_unread_num"]) for c in convs] == [("alice", 5)]
            await eventually(lambda: not cloud.online_users())  # bob's disconnect is seen
            async with FakeSDK.connect(cloud.address, APP) as alice:
                await _login(cloud, alice, "alice")
                _, _, new = await alice.send_text("bob", "after restart")
                assert new["message_seq"] == 7
                assert new["message_unique_id"] > sent["message_unique_id"]
        async with Cloud(APP, KEY, db=db) as cloud:
            assert cloud.offline_count("bob") == 1

    async def test_db_of_another_app_is_refused(self, anyio_backend: str, tmp_path: Path) -> None:
        """A database made for another SDKAppID is refused."""
        db = tmp_path / "cloud.db"
        async with Cloud(APP, KEY, db=db):
            pass
        with pytest.raises(ValueError, match="SDKAppID"):
            async with Cloud(APP + 1, KEY, db=db):
                pass


class TestAddresses:
    async def test_tcp_free_port(self, anyio_backend: str) -> None:
        """tcp:127.0.0.1:0 picks a free port, reported by cloud.address."""
        async with Cloud(APP, KEY, address="tcp:127.0.0.1:0") as cloud:
            assert cloud.address.startswith("tcp:127.0.0.1:")
            assert parse_address(cloud.address).port > 0
            async with FakeSDK.connect(cloud.address, APP) as sdk:
                await _login(cloud, sdk, "alice")
            await cloud.stop()
            await cloud.start()
            async with FakeSDK.connect(cloud.address, APP) as sdk:
                await _login(cloud, sdk, "alice")

    async def test_explicit_unix_path(self, anyio_backend: str, tmp_path: Path) -> None:
        """An explicit unix socket path is used and removed at exit."""
        path = tmp_path / "c.sock"
        async with Cloud(APP, KEY, address=f"unix:{path}") as cloud:
            assert cloud.address == f"unix:{path}"
            assert path.exists()
        assert not path.exists()

    @pytest.mark.parametrize(
        "address",
        [
            "tcp:0.0.0.0:0",
            "tcp:10.1.2.3:80",
            "tcp:example.com:80",
            "unix:relative.sock",
            "udp:127.0.0.1:1",
            "tcp:127.0.0.1:99999",
            "nonsense",
        ],
    )
    def test_bad_addresses_refused(self, address: str) -> None:
        """Non-loopback hosts and malformed addresses are refused before anything binds."""
        with pytest.raises(ValueError, match="address"):
            Cloud(APP, KEY, address=address)

    @pytest.mark.parametrize(
        "address", ["tcp:127.0.0.1:5", "tcp:localhost:5", "tcp:[::1]:5", "tcp:127.8.9.10:5"]
    )
    def test_loopback_hosts_accepted(self, address: str) -> None:
        """Every loopback spelling is accepted."""
        assert str(parse_address(address)).startswith("tcp:")

    async def test_not_running(self, anyio_backend: str) -> None:
        """Using a cloud outside its context is a clear error."""
        cloud = Cloud(APP, KEY)
        with pytest.raises(RuntimeError, match="not running"):
            await cloud.drop_connections()
        with pytest.raises(RuntimeError, match="address"):
            _ = cloud.address
        async with cloud:
            with pytest.raises(RuntimeError, match="already running"):
                await cloud.__aenter__()
        with pytest.raises(RuntimeError):
            cloud.online_users()


class TestServe:
    def test_serve_prints_address_and_exits_on_sigterm(self, tmp_path: Path) -> None:
        """`serve` prints its address, serves, and exits 0 on SIGTERM."""
        sock = tmp_path / "s.sock"
        env = dict(os.environ, AIOTIM_SECRET_KEY=KEY)
        with subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from aiotim.loopback.cloud.serve import main; sys.exit(main(sys.argv[1:]))",
                "--app-id",
                str(APP),
                "--address",
                f"unix:{sock}",
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        ) as proc:
            try:
                assert proc.stdout is not None
                line = proc.stdout.readline().strip()
                assert line == f"unix:{sock}"

                async def use() -> None:
                    async with FakeSDK.connect(line, APP) as sdk:
                        await _login_with_key(sdk)

                anyio.run(use)
                proc.send_signal(signal.SIGTERM)
                assert proc.wait(timeout=10) == 0
                assert not sock.exists()
            finally:
                if proc.poll() is None:
                    proc.kill()

    def test_serve_requires_a_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without a secret key, serve refuses to start."""
        from aiotim.loopback.cloud.serve import main

        monkeypatch.delenv("AIOTIM_SECRET_KEY", raising=False)
        with pytest.raises(SystemExit) as info:
            main(["--app-id", "1"])
        assert info.value.code == 2


async def _login_with_key(sdk: FakeSDK) -> None:
    from aiotim.usersig import gen_user_sig

    code, _, _ = await sdk.login("alice", gen_user_sig(APP, KEY, "alice"))
    assert code == 0
    assert text(sdk.frames[-1][1][4]) == ""
