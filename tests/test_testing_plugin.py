"""aiotim.testing: the pytest plugin's fixtures, typed notifications, the encoders, the clock."""

from __future__ import annotations

import dataclasses
import enum
import os
import subprocess
import sys
import textwrap
import types
import typing
from pathlib import Path
from typing import Any

import anyio
import pytest

import aiotim
from aiotim.events.catalog import CATALOG
from aiotim.models._fields import Key, Model
from aiotim.models.address import C2C, Group, System
from aiotim.models.message import ImageInfo, TextElem
from aiotim.testing import Cloud, encode_event, encode_model, make
from aiotim.testing._encode import EVENTS

ROOT = Path(__file__).resolve().parent.parent


# -- sample values from types ------------------------------------------------------------------


def _sample(tp: Any, name: str, depth: int = 0) -> Any:
    """A typical value of type ``tp`` (for field ``name``), models built field by field."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _sample(typing.get_args(tp)[0], name, depth)
    if tp is str:
        return f"{name}-1"
    if tp is bool:
        return True
    if tp is int:
        return 7
    if tp is float:
        return 12.5
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return list(tp)[-1]
    if tp is ImageInfo:
        return ImageInfo("https://x/y.jpg", 100, 20, 10, "uuid-1")
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if {C2C, Group, System} <= set(args):
            return Group("g1")
        if TextElem in args:
            return TextElem("hello")
        if str in args and dict in [typing.get_origin(a) or a for a in args]:
            return {"k": [1, "x"]}  # a JSON value
        return _sample(args[0], name, depth)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        if item is str:
            return (f"{name}-a", f"{name}-b")
        return (_sample(item, name, depth),)
    if origin is dict or tp is dict:
        value_type = (typing.get_args(tp) or (str, str))[1]
        if value_type is int:
            return {"k1": 1, "k2": 2}
        return {"k1": "v1", "k2": "v2"}
    if tp is Any or tp is object:
        return {"k": 1}
    if isinstance(tp, type) and issubclass(tp, Model):
        return _sample_model(tp, depth + 1)
    raise AssertionError(f"no sample for {name}: {tp!r}")


def _sample_model(cls: type, depth: int = 0) -> Any:
    hints = typing.get_type_hints(cls, include_extras=True)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name == "raw":
            continue
        hint = hints[f.name]
        if depth > 2 and (
            typing.get_origin(hint) is typing.Annotated
            and any(isinstance(e, Key) for e in typing.get_args(hint)[1:])
            and _optional_model(typing.get_args(hint)[0])
        ):
            values[f.name] = None  # deep enough: an optional nested model left out
            continue
        values[f.name] = _sample(hint, f.name, depth)
    if cls.__name__ == "Conversation":
        values["conv"] = C2C("conv-peer")
    if "raw" in {f.name for f in dataclasses.fields(cls)}:
        values["raw"] = {}
    return cls(**values)


def _optional_model(tp: Any) -> bool:
    if typing.get_origin(tp) in (types.UnionType, typing.Union):
        return any(isinstance(a, type) and issubclass(a, Model) for a in typing.get_args(tp))
    return False


def _sample_event(event_type: Any) -> Any:
    if issubclass(event_type, Model):  # aiotim.Message is the new-message event
        return _sample_model(event_type)
    hints = typing.get_type_hints(event_type)
    values = {
        f.name: _sample(hints[f.name], f.name) for f in dataclasses.fields(event_type) if f.init
    }
    values.pop("raw", None)
    if event_type.__name__ in (
        "ConversationGroupCreated",
        "ConversationsAddedToGroup",
        "ConversationsDeletedFromGroup",
    ):
        conv = _sample_model(aiotim.Conversation)
        values["conversations"] = (conv,)
        values["conv_ids"] = ("plain-id", conv.conv.id)
    if event_type.__name__ == "GroupMessagePinned":
        values["op_user"] = values["op_member"].user_id
    if event_type.__name__ == "ExperimentalNotify":
        values["data"] = {"k": [1, "x"]}
    return event_type(**values)


def _as_relay(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Callback arguments as the relay delivers them (strings as bytes)."""
    return tuple(a.encode() if isinstance(a, str) else a for a in args)


def _decode(setter: str, args: tuple[Any, ...]) -> list[Any]:
    return CATALOG[setter].decode(_as_relay(args))


# -- the encoders -------------------------------------------------------------------------------


def test_an_encoder_for_every_notification_kind() -> None:
    """The encoders cover exactly the catalog's notification kinds (70)."""
    assert set(EVENTS) == set(CATALOG)
    assert len(CATALOG) == 70


@pytest.mark.parametrize("setter", sorted(CATALOG))
def test_every_event_kind_round_trips(setter: str) -> None:
    """For each of the 70 kinds, an event built from typed values (every field set, nested
    models included) encodes to callback arguments that the catalog's decoder turns back into
    an equal event."""
    event_type = CATALOG[setter].event
    event = _sample_event(event_type)
    kind, args = encode_event(event)
    assert kind == setter
    decoded = _decode(setter, args)
    assert decoded == [event]


def _all_models() -> list[type]:
    import aiotim.models as models_pkg

    found: set[type] = set()
    for name in dir(models_pkg):
        obj = getattr(models_pkg, name)
        if isinstance(obj, type) and issubclass(obj, Model) and obj is not Model:
            found.add(obj)
    for module_name in (
        "community",
        "conversation",
        "group",
        "message",
        "message_info",
        "official",
        "profile",
        "signaling",
    ):
        module = __import__(f"aiotim.models.{module_name}", fromlist=["x"])
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Model) and obj is not Model:
                found.add(obj)
    return sorted(found, key=lambda c: c.__name__)


@pytest.mark.parametrize("cls", _all_models(), ids=lambda c: c.__name__)
def test_every_model_round_trips(cls: Any) -> None:
    """Every model, built with every field set, encodes (by its field table) to JSON that its
    decoder reads back to an equal model."""
    instance = _sample_model(cls)
    assert cls.from_json(encode_model(instance)) == instance


def test_make_fills_what_is_not_given() -> None:
    """make() builds a model from some fields, the others as the decoder makes an absent key."""
    request = make(aiotim.FriendRequest, user_id="alice", add_wording="hi")
    assert request.user_id == "alice"
    assert request.add_wording == "hi"
    assert request.add_time == 0 and request.nick_name == ""
    with pytest.raises(TypeError, match="no field 'nope'"):
        make(aiotim.FriendRequest, nope=1)


def test_encode_event_refuses_what_is_not_an_event() -> None:
    """encode_event names the problem for an object that is not a notification."""
    with pytest.raises(TypeError, match="not a notification"):
        encode_event("hello")


# -- the fixtures (anyio: asyncio and trio, from this repository's anyio_backend) ---------------


@pytest.mark.anyio
async def test_fixtures_give_logged_in_clients(aiotim_cloud: Cloud, aiotim_client: Any) -> None:
    """aiotim_client("name") is a client logged in on aiotim_cloud; two of them talk."""
    bob = await aiotim_client("bob")
    alice = await aiotim_client("alice")
    assert bob.user_id == "bob" and alice.user_id == "alice"
    assert aiotim_cloud.online_users() == {"alice", "bob"}
    inbox = bob.new_messages()
    await alice.send_text(aiotim.C2C("bob"), "hi bob")
    with anyio.fail_after(10):
        msg = await inbox.__anext__()
    assert msg.text == "hi bob"


@pytest.mark.anyio
async def test_notify_delivers_typed_events(aiotim_cloud: Cloud, aiotim_client: Any) -> None:
    """cloud.notify sends a friend request, a group tip and a message from typed values; the
    client's streams yield equal events."""
    bob = await aiotim_client("bob")
    requests = bob.friend_requests()
    tips = bob.group_tips()
    inbox = bob.new_messages()
    request = make(aiotim.FriendRequest, user_id="alice", add_wording="be my friend")
    tip = make(
        aiotim.GroupTips,
        tip_type=aiotim.GroupTipType.INVITE,
        group_id="g1",
        op_user="alice",
        users=("carol",),
    )
    message = make(
        aiotim.Message,
        id="m1",
        conv=aiotim.C2C("alice"),
        sender="alice",
        elems=(aiotim.Text("hello"),),
    )
    await aiotim_cloud.notify(
        "bob",
        aiotim.FriendRequestReceived(request),
        aiotim.GroupTipsEvent(tip),
        message,
    )
    with anyio.fail_after(10):
        got_request = await requests.__anext__()
        got_tip = await tips.__anext__()
        got_msg = await inbox.__anext__()
    assert got_request == aiotim.FriendRequestReceived(request)
    assert got_tip.tips == tip and got_tip.tips.users == ("carol",)
    assert got_msg == message and got_msg.text == "hello"


@pytest.mark.anyio
async def test_clock_times_out_an_invitation(aiotim_cloud: Cloud, aiotim_client: Any) -> None:
    """A signaling invitation's 30 s timeout fires when the test advances the cloud's clock
    past it (no real waiting), and not before."""
    alice = await aiotim_client("alice")
    bob = await aiotim_client("bob")
    timeouts = alice.events(aiotim.InvitationTimeout)
    received = bob.events(aiotim.InvitationReceived)
    invite_id = await alice.signaling.invite("bob", "call?", timeout_s=30)
    with anyio.fail_after(10):
        await received.__anext__()
    await aiotim_cloud.clock.advance(10)
    assert aiotim_cloud.clock.offset == 10
    # a round trip on alice's connection: a timeout sent before it would be in the stream now
    await alice.conversations()
    assert len(timeouts) == 0, "timed out after 10 of 30 s"
    await aiotim_cloud.clock.advance(21)
    with anyio.fail_after(10):
        timeout = await timeouts.__anext__()
    assert timeout.invite_id == invite_id
    assert timeout.invitees == ("bob",)


@pytest.mark.anyio
async def test_clock_ends_a_mute(aiotim_cloud: Cloud, aiotim_client: Any) -> None:
    """A member muted for 60 s cannot send; once the clock moves 61 s on, they can."""
    owner = await aiotim_client("owner")
    bob = await aiotim_client("bob")
    group = await owner.groups.create("Team", members=["bob"], group_type=aiotim.GroupType.PUBLIC)
    await owner.groups.mute(group, "bob", 60)
    with pytest.raises(aiotim.TIMError) as info:
        await bob.send_text(group, "let me speak")
    assert info.value.code == 10017
    await aiotim_cloud.clock.advance(61)
    await bob.send_text(group, "free again")


@pytest.mark.anyio
async def test_clock_expires_a_user_sig(aiotim_cloud: Cloud, aiotim_client: Any) -> None:
    """A UserSig valid for 60 s expires (the SDK is told) once the clock moves past it; another
    cloud's time is not moved."""
    bob = await aiotim_client()
    expired = bob.user_sig_expired()
    with anyio.fail_after(10):
        await bob.login("bob", aiotim_cloud.user_sig("bob", expire=60))
    async with Cloud() as other:
        await aiotim_cloud.clock.advance(61)
        assert other.clock.offset == 0 and aiotim_cloud.clock.offset == 61
        assert aiotim_cloud.clock.time() - other.clock.time() > 60
    with anyio.fail_after(10):
        await expired.__anext__()


@pytest.mark.anyio
async def test_every_kind_through_the_loopback_sdk(aiotim_cloud: Cloud, aiotim_client: Any) -> None:
    """Each of the 70 kinds, notified from typed values, goes through the loopback SDK's
    callback and the relay, and the client's stream of its type yields an equal event."""
    bob = await aiotim_client("bob")
    samples = {setter: _sample_event(entry.event) for setter, entry in CATALOG.items()}
    streams = {
        setter: bob.events(CATALOG[setter].event, where=lambda e, want=sample: e == want)
        for setter, sample in samples.items()
    }
    await aiotim_cloud.notify("bob", *samples.values())
    with anyio.fail_after(20):
        for setter, stream in streams.items():
            assert await stream.__anext__() == samples[setter], setter


def test_clock_refuses_going_back(aiotim_cloud: Cloud) -> None:
    """advance() moves forward only (a sync test uses aiotim_cloud too)."""

    async def back() -> None:
        await aiotim_cloud.clock.advance(-1)

    with pytest.raises(ValueError, match="forward only"):
        anyio.run(back)


@pytest.mark.asyncio
async def test_fixtures_under_pytest_asyncio(aiotim_client: Any) -> None:
    """The same fixtures under pytest-asyncio (strict mode, @pytest.mark.asyncio)."""
    bob = await aiotim_client("bob")
    assert bob.user_id == "bob"


def test_plugin_is_registered_once(pytestconfig: pytest.Config) -> None:
    """The entry point registers the plugin, and only it (the repository's conftest does not
    register it again)."""
    pm = pytestconfig.pluginmanager
    import aiotim.testing.plugin as plugin

    assert pm.get_plugin("aiotim") is plugin
    assert [p for p in pm.get_plugins() if p is plugin] == [plugin]
    assert "anyio_backend" not in vars(plugin)


# -- a user's project: the plugin from the entry point, each async plugin on its own ----------

USER_TEST = textwrap.dedent(
    """
    import anyio
    import pytest

    import aiotim

    pytestmark = pytest.mark.{mark}


    async def test_echo(aiotim_cloud, aiotim_client):
        bot = await aiotim_client("bot")
        alice = await aiotim_client("alice")
        inbox = bot.new_messages()
        replies = alice.new_messages()
        await alice.send_text(aiotim.C2C("bot"), "ping")
        with anyio.fail_after(10):
            msg = await inbox.__anext__()
            await bot.reply(msg, aiotim.Text("pong"))
            reply = await replies.__anext__()
        assert reply.text == "pong"
        await aiotim_cloud.notify("bot", aiotim.FriendAdded("carol"))
    """
)


@pytest.mark.parametrize(
    ("mark", "options"),
    [
        ("anyio", ["-p", "no:asyncio"]),
        ("asyncio", ["-p", "no:anyio"]),
        ("asyncio", ["-o", "asyncio_mode=auto"]),
    ],
    ids=["anyio-only", "pytest-asyncio-strict", "pytest-asyncio-auto"],
)
def test_a_users_test_file(tmp_path: Path, mark: str, options: list[str]) -> None:
    """A user's test file, in a directory of its own (no conftest), gets the fixtures from the
    entry point alone, under anyio's plugin or pytest-asyncio."""
    (tmp_path / "test_bot.py").write_text(USER_TEST.format(mark=mark))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, "test_bot.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout
    assert "warning" not in result.stdout, result.stdout


def test_a_project_overrides_the_cloud(tmp_path: Path) -> None:
    """A conftest.py's own aiotim_cloud (another app id, a database) is the one aiotim_client
    uses (docs/testing.md's example)."""
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent(
            """
            import pytest

            from aiotim.testing import Cloud


            @pytest.fixture
            def aiotim_cloud(tmp_path):
                cloud = Cloud(1400000123, "my-secret", db=tmp_path / "cloud.db").start_sync()
                yield cloud
                cloud.close_sync()
            """
        )
    )
    (tmp_path / "test_it.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.anyio
            async def test_it(aiotim_cloud, aiotim_client):
                bob = await aiotim_client("bob")
                assert bob.sdk_app_id == aiotim_cloud.sdk_app_id == 1400000123
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_it.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


TYPED_USER_TEST = textwrap.dedent(
    """
    import pytest

    import aiotim
    from aiotim.testing import ClientFactory, Cloud, make


    @pytest.mark.anyio
    async def test_it(aiotim_cloud: Cloud, aiotim_client: ClientFactory) -> None:
        bob: aiotim.Client = await aiotim_client("bob")
        request = make(aiotim.FriendRequest, user_id="alice")
        await aiotim_cloud.notify("bob", aiotim.FriendRequestReceived(request))
        await aiotim_cloud.clock.advance(1.5)
        assert bob.user_id == "bob"
    """
)


def test_a_typed_users_test_passes_mypy_strict(tmp_path: Path) -> None:
    """A user's test annotated with aiotim.testing's types type-checks under mypy --strict."""
    path = tmp_path / "test_typed.py"
    path.write_text(TYPED_USER_TEST)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--strict", "--no-error-summary"),
            *("--cache-dir", str(ROOT / ".mypy_cache"), str(path)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_sync_test_asking_for_a_client_is_told_why(tmp_path: Path) -> None:
    """A sync test that asks for aiotim_client gets an error saying the fixture is async."""
    (tmp_path / "test_sync.py").write_text("def test_sync(aiotim_client):\n    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sync.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "aiotim_client fixture is async" in result.stdout
