"""The bot layer (issue 15 item 4): routers included into a client, commands with typed
arguments and their usage reply, middleware, error handlers, Context.reply/answer, handlers
checked at registration, and aiotim.run / client.run with clean SIGINT/SIGTERM."""

from __future__ import annotations

import enum
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import anyio.lowlevel
import pytest

import aiotim
from aiotim.testing import ClientFactory, Cloud, make

ROOT = Path(__file__).resolve().parent.parent


@asynccontextmanager
async def serving(
    aiotim_client: ClientFactory, *routers: aiotim.Router, name: str = "bot"
) -> AsyncIterator[aiotim.Client]:
    """A bot serving ``routers`` while the block runs."""
    bot = await aiotim_client(name)
    for r in routers:
        bot.include(r)
    async with anyio.create_task_group() as tg:
        tg.start_soon(bot.serve)
        yield bot
        tg.cancel_scope.cancel()


@asynccontextmanager
async def chat(
    alice: aiotim.Client, peer: str = "bot"
) -> AsyncIterator[aiotim.ConversationSession]:
    async with alice.conversation(aiotim.C2C(peer)) as c:
        yield c


class Color(enum.Enum):
    RED = "r"
    BLUE = "b"


def calc_router() -> aiotim.Router:
    router = aiotim.Router("calc")

    @router.command("add", "plus")
    async def add(msg: aiotim.Context, a: int, b: int) -> None:
        """Add two whole numbers."""
        await msg.reply(str(a + b))

    @router.command("say")
    async def say(msg: aiotim.Context, loud: bool, *words: str) -> None:
        text = " ".join(words)
        await msg.answer(text.upper() if loud else text)

    @router.command("paint")
    async def paint(msg: aiotim.Context, color: Color, times: float = 1.5) -> None:
        await msg.answer(f"{color.name} x{times}")

    return router


pytestmark = pytest.mark.anyio


class TestCommands:
    async def test_typed_arguments_are_parsed_and_the_reply_is_a_reply(
        self, aiotim_client: ClientFactory
    ) -> None:
        """`/add 1 2` calls add(ctx, 1, 2) with ints; msg.reply() answers with a reply
        reference to the command; an alias and `/add@bot` work too."""
        async with serving(aiotim_client, calc_router()):
            alice = await aiotim_client("alice")
            async with chat(alice) as c:
                reply = await c.ask("/add 1 2", timeout=10)
                assert reply.text == "3"
                assert reply.reply_to is not None
                assert reply.reply_to.sender == "alice"
                assert (await c.ask("/plus 40 2", timeout=10)).text == "42"
                assert (await c.ask("/add@bot -1 1", timeout=10)).text == "0"

    async def test_bool_rest_enum_float_and_quotes(self, aiotim_client: ClientFactory) -> None:
        """bool (yes/no), *words, an Enum by name or value, a float default, quoted words."""
        async with serving(aiotim_client, calc_router()):
            alice = await aiotim_client("alice")
            async with chat(alice) as c:
                assert (await c.ask('/say yes hello "big world"', timeout=10)).text == (
                    "HELLO BIG WORLD"
                )
                assert (await c.ask("/say no a b", timeout=10)).text == "a b"
                assert (await c.ask("/paint red", timeout=10)).text == "RED x1.5"
                assert (await c.ask("/paint b 2", timeout=10)).text == "BLUE x2.0"

    async def test_bad_arguments_get_a_usage_reply_and_no_call(
        self, aiotim_client: ClientFactory
    ) -> None:
        """A wrong type, a missing or an extra argument, an unclosed quote: the reply says what
        is wrong and the usage; the handler is not called."""
        async with serving(aiotim_client, calc_router()) as bot:
            alice = await aiotim_client("alice")
            async with chat(alice) as c:
                r = await c.ask("/add 1 x", timeout=10)
                assert r.text == "b must be a whole number, got 'x'\nusage: /add <a:int> <b:int>"
                r = await c.ask("/add 1", timeout=10)
                assert r.text == "missing b\nusage: /add <a:int> <b:int>"
                r = await c.ask("/add 1 2 3", timeout=10)
                assert r.text is not None and r.text.startswith("too many arguments: '3'")
                r = await c.ask('/say yes "open', timeout=10)
                assert r.text is not None and "usage: /say <loud:bool> [words:str...]" in r.text
                r = await c.ask("/paint green", timeout=10)
                assert r.text == (
                    "color must be one of red|blue, got 'green'\n"
                    "usage: /paint <color:red|blue> [times:float]"
                )
            assert bot.handler_errors == 0

    async def test_help_text_lists_usage_and_docstrings(self) -> None:
        """router.help_text(): one line per command, usage then the docstring's first line."""
        text = calc_router().help_text()
        assert text.splitlines()[0] == "/add <a:int> <b:int> — Add two whole numbers."
        assert "/paint <color:red|blue> [times:float]" in text


class TestRouters:
    async def test_nested_routers_commands_first_then_messages_one_handler_per_event(
        self, aiotim_client: ClientFactory
    ) -> None:
        """A catch-all registered before an included router's command does not swallow the
        command; each message runs one handler; message filters apply."""
        root = aiotim.Router("root")
        seen: list[str] = []

        @root.message()
        async def catch_all(msg: aiotim.Context) -> None:
            seen.append(f"any:{msg.text}")
            await msg.answer(f"any:{msg.text}")

        @root.message(text=r"^hi")
        async def never(msg: aiotim.Context) -> None:  # after catch_all: never chosen
            seen.append("never")

        root.include(calc_router())
        async with serving(aiotim_client, root):
            alice = await aiotim_client("alice")
            async with chat(alice) as c:
                assert (await c.ask("/add 2 2", timeout=10)).text == "4"
                assert (await c.ask("hi there", timeout=10)).text == "any:hi there"
        assert seen == ["any:hi there"]

    async def test_a_command_refused_by_where_falls_through(
        self, aiotim_client: ClientFactory
    ) -> None:
        """command(where=): a sender it refuses is left to the next handlers (here a
        catch-all), as if the command did not exist for them."""
        router = aiotim.Router()

        @router.command("secret", where=lambda m: m.sender == "alice")
        async def secret(msg: aiotim.Context) -> None:
            await msg.answer("42")

        @router.message()
        async def other(msg: aiotim.Context) -> None:
            await msg.answer(f"no command for you, {msg.sender}")

        async with serving(aiotim_client, router):
            alice, bob = await aiotim_client("alice"), await aiotim_client("bob")
            async with chat(alice) as a, chat(bob) as b:
                assert (await a.ask("/secret", timeout=10)).text == "42"
                assert (await b.ask("/secret", timeout=10)).text == "no command for you, bob"

    async def test_middleware_order_data_and_dropping(self, aiotim_client: ClientFactory) -> None:
        """Outer router's middleware wraps the inner's; ctx.data carries values to the
        handler; a middleware that does not call call_next() drops the event."""
        outer, inner = aiotim.Router("outer"), aiotim.Router("inner")
        order: list[str] = []
        after = anyio.Event()

        @outer.middleware
        async def auth(ctx: aiotim.Context, call_next: Callable[[], Awaitable[None]]) -> None:
            order.append("outer")
            if ctx.text == "/whoami blocked":
                await ctx.answer("dropped")
                return
            ctx.data["user"] = ctx.sender.upper()
            await call_next()
            order.append("outer-after")
            after.set()

        @inner.middleware
        async def inner_mw(ctx: aiotim.Context, call_next: Callable[[], Awaitable[None]]) -> None:
            order.append("inner")
            await call_next()

        @inner.command("whoami")
        async def whoami(msg: aiotim.Context, *_: str) -> None:
            order.append("handler")
            await msg.answer(f"you are {msg.data['user']}")

        outer.include(inner)
        async with serving(aiotim_client, outer):
            alice = await aiotim_client("alice")
            async with chat(alice) as c:
                assert (await c.ask("/whoami", timeout=10)).text == "you are ALICE"
                with anyio.fail_after(10):
                    await after.wait()
                assert order == ["outer", "inner", "handler", "outer-after"]
                order.clear()
                assert (await c.ask("/whoami blocked", timeout=10)).text == "dropped"
                assert order == ["outer"]

    async def test_error_handlers_nearest_first_else_logged_and_counted(
        self, aiotim_client: ClientFactory
    ) -> None:
        """The nearest router's matching error handler gets (ctx, exc); an exception none
        handles is logged and counted by serve() as before, and serving goes on."""
        outer, inner = aiotim.Router("outer"), aiotim.Router("inner")

        @outer.error(ZeroDivisionError)
        async def on_zero(ctx: aiotim.Context, exc: ZeroDivisionError) -> None:
            await ctx.answer(f"outer: {exc}")

        @inner.error(KeyError)
        async def on_key(ctx: aiotim.Context, exc: KeyError) -> None:
            await ctx.answer(f"inner: missing {exc}")

        @inner.command("div")
        async def div(msg: aiotim.Context, a: int, b: int) -> None:
            await msg.answer(str(a // b))

        @inner.command("get")
        async def get(msg: aiotim.Context, key: str) -> None:
            await msg.answer({"a": "1"}[key])

        @inner.command("boom")
        async def boom(msg: aiotim.Context) -> None:
            raise RuntimeError("bug")

        outer.include(inner)
        async with serving(aiotim_client, outer) as bot:
            alice = await aiotim_client("alice")
            async with chat(alice) as c:
                assert (await c.ask("/div 1 0", timeout=10)).text == (
                    "outer: integer division or modulo by zero"
                )
                assert (await c.ask("/get z", timeout=10)).text == "inner: missing 'z'"
                await c.send("/boom")
                assert (await c.ask("/div 6 3", timeout=10)).text == "2"
            assert bot.handler_errors == 1

    async def test_other_events_with_and_without_context(
        self, aiotim_cloud: Cloud, aiotim_client: ClientFactory
    ) -> None:
        """router.on(EventType): `h(event)` or `h(event, ctx)`; ctx.client acts on it, and
        where= filters."""
        router = aiotim.Router()
        got: list[str] = []
        done = anyio.Event()

        @router.on(aiotim.FriendRequestReceived, where=lambda e: e.request.user_id != "eve")
        async def on_request(event: aiotim.FriendRequestReceived, ctx: aiotim.Context) -> None:
            got.append(event.request.user_id)
            assert ctx.client.user_id == "bot"
            with pytest.raises(TypeError, match="not a Message"):
                _ = ctx.message
            done.set()

        @router.on(aiotim.UserSigExpired)
        async def on_expired(event: aiotim.UserSigExpired) -> None:
            got.append("expired")

        async with serving(aiotim_client, router):
            for user in ("eve", "alice"):
                request = make(aiotim.FriendRequest, user_id=user, add_wording="hi")
                await aiotim_cloud.notify("bot", aiotim.FriendRequestReceived(request))
            with anyio.fail_after(10):
                await done.wait()
        assert got == ["alice"]


class TestRegistrationChecks:
    async def test_not_a_coroutine_function_is_refused_at_once(
        self, aiotim_client: ClientFactory
    ) -> None:
        """A handler without `async` is a TypeError at registration, wherever it is given;
        an object with an async __call__ is accepted."""
        router = aiotim.Router()

        def sync(*_: object) -> None:
            pass

        for register in (
            router.command("x"),
            router.message(),
            router.on(aiotim.KickedOffline),
            router.error(),
            router.middleware,
        ):
            with pytest.raises(TypeError, match="write it as `async def sync"):
                register(sync)
        bot = await aiotim_client("bot")
        with pytest.raises(TypeError, match="not a coroutine function"):
            bot.on(aiotim.Message)(sync)

        class Callable_:
            async def __call__(self, msg: aiotim.Context) -> None:
                pass

        router.message()(Callable_())

    def test_bad_command_signatures_and_names(self) -> None:
        """A parameter type that text cannot give, a keyword-only parameter without a default,
        no parameter for the context, a name with spaces: TypeError/ValueError at once; an
        on() for messages says to use message()/command()."""
        router = aiotim.Router()

        async def listy(msg: aiotim.Context, xs: list[int]) -> None:
            pass

        async def kwonly(msg: aiotim.Context, *, x: int) -> None:
            pass

        async def nothing() -> None:
            pass

        with pytest.raises(TypeError, match="cannot be parsed from text"):
            router.command("a")(listy)
        with pytest.raises(TypeError, match="cannot be given"):
            router.command("b")(kwonly)
        with pytest.raises(TypeError, match="first parameter"):
            router.command("c")(nothing)
        with pytest.raises(ValueError, match="one word"):
            router.command("two words")
        with pytest.raises(TypeError, match=r"router\.message"):
            router.on(aiotim.Message)
        with pytest.raises(TypeError, match="exception type"):
            router.error(int)  # type: ignore[arg-type]

    def test_include_cycles_and_twice(self) -> None:
        """A router cannot include itself, an ancestor, or one included elsewhere."""
        a, b, c = aiotim.Router("a"), aiotim.Router("b"), aiotim.Router("c")
        a.include(b)
        with pytest.raises(ValueError, match="itself"):
            b.include(a)
        with pytest.raises(ValueError, match="already included"):
            c.include(b)
        with pytest.raises(TypeError):
            a.include("x")  # type: ignore[arg-type]

    async def test_client_include_checks(self, aiotim_client: ClientFactory) -> None:
        """client.include() takes routers, once each; serve() with nothing says what to do."""
        bot = await aiotim_client("bot")
        router = aiotim.Router()
        with pytest.raises(TypeError, match="Includable"):
            bot.include(object())  # type: ignore[arg-type]
        bot.include(router)
        with pytest.raises(ValueError, match="already"):
            bot.include(router)
        other = await aiotim_client("other")
        with pytest.raises(RuntimeError, match=r"client\.include"):
            await other.serve()


# -- aiotim.run and client.run: clean signals ------------------------------------------------------

_RUN_SCRIPT = textwrap.dedent(
    """
    import sys

    import anyio

    import aiotim
    from aiotim.loopback import Cloud


    async def main(tag: str) -> str:
        async with Cloud(1400000001, "secret") as cloud, cloud.client() as bot:
            await bot.login("bot", cloud.user_sig("bot"))
            if sys.argv[2] == "return":
                return tag
            print("READY", flush=True)
            await anyio.sleep_forever()
        return "unreachable"


    print("RESULT", aiotim.run(main, "done", backend=sys.argv[1]), flush=True)
    """
)

_CLIENT_RUN_SCRIPT = textwrap.dedent(
    """
    import sys

    import aiotim
    from aiotim.testing import Cloud

    router = aiotim.Router()


    @router.message()
    async def echo(msg: aiotim.Context) -> None:
        await msg.answer(msg.text or "")


    cloud = Cloud().start_sync()  # the cloud runs in its own thread
    bot = cloud.client()
    bot.include(router)
    _login = aiotim.Client.login


    async def login(self, *a, **k):
        await _login(self, *a, **k)
        print("READY", flush=True)


    aiotim.Client.login = login
    try:
        bot.run("bot", cloud.user_sig("bot"), backend=sys.argv[1])
    finally:
        cloud.close_sync()
    """
)


def _run_until_ready(script: str, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    path = tmp_path / "bot_main.py"
    path.write_text(script, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(path), *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize(
    ("signum", "line"), [(signal.SIGINT, "Ctrl-C (SIGINT)"), (signal.SIGTERM, "SIGTERM")]
)
def test_run_stops_on_a_signal_with_one_line(
    tmp_path: Path, backend: str, signum: int, line: str
) -> None:
    """aiotim.run(main): SIGINT or SIGTERM cancels main (its async with blocks close), prints
    one line, no traceback, exit status 128 + signal."""
    proc = _run_until_ready(_RUN_SCRIPT, tmp_path, backend, "wait")
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signum, (out, err)
    assert err.strip() == f"aiotim: stopped by {line}"
    assert "RESULT" not in out


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_run_returns_mains_value(tmp_path: Path, backend: str) -> None:
    """aiotim.run(main, *args) returns what main returned, status 0, nothing on stderr."""
    proc = _run_until_ready(_RUN_SCRIPT, tmp_path, backend, "return")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.strip() == "RESULT done"
    assert err.strip() == ""


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_client_run_serves_until_ctrl_c(tmp_path: Path, backend: str) -> None:
    """client.run(user_id, user_sig): logs in, serves the included routers, stops on Ctrl-C
    with one line."""
    proc = _run_until_ready(_CLIENT_RUN_SCRIPT, tmp_path, backend)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert err.strip() == "aiotim: stopped by Ctrl-C (SIGINT)"


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_run_raises_mains_exception_as_itself(backend: str) -> None:
    """An exception of main comes out of aiotim.run as itself (not in an exception group), and
    the process's signal handlers are left as they were."""
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)

    async def main() -> None:
        await anyio.lowlevel.checkpoint()
        raise LookupError("no such thing")

    with pytest.raises(LookupError, match="no such thing"):
        aiotim.run(main, backend=backend)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_run_keeps_an_ignored_signal_ignored(backend: str) -> None:
    """A process that ignores SIGINT (a shell's background job) still ignores it during and after
    aiotim.run — the handlers are put back as they were, not left at Python's default."""
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:

        async def main() -> object:
            await anyio.lowlevel.checkpoint()
            return signal.getsignal(signal.SIGINT)

        during = aiotim.run(main, backend=backend)
        assert during is signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


_STUCK_CLEANUP = textwrap.dedent(
    """
    import sys

    import anyio

    import aiotim


    async def main() -> None:
        try:
            print("READY", flush=True)
            await anyio.sleep_forever()
        finally:
            print("CLEANUP", flush=True)
            with anyio.CancelScope(shield=True):
                await anyio.sleep_forever()  # a cleanup that never ends


    aiotim.run(main, backend=sys.argv[1])
    """
)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_a_second_signal_during_cleanup_stops_at_once(tmp_path: Path, backend: str) -> None:
    """Ctrl-C cancels main; a second Ctrl-C while main's cleanup hangs ends the process at once
    with one line and status 130."""
    proc = _run_until_ready(_STUCK_CLEANUP, tmp_path, backend)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "READY"
        proc.send_signal(signal.SIGINT)
        assert proc.stdout.readline().strip() == "CLEANUP"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert err.strip() == "aiotim: stopped at once by a second Ctrl-C (SIGINT)"
