"""Issue 13's fuzzing: every public method, random arguments, no crash, no hang, only documented
exceptions.

For each public method of each namespace (``tests/reliability/_api.py`` walks them), hypothesis
draws arguments from the method's annotations — valid values with hostile text (empty, NUL, lone
surrogates, 5,000 characters) and ints (negative, 2**64, unbounded), and now and then a value of a
wrong type — and calls it on a logged-in client against the loopback cloud. The allowed outcomes:
a result, a ``TIMError`` (the cloud or the SDK refused), a ``TypeError``/``ValueError`` (the
argument checks; ``PayloadError`` is one), and for the methods that take a file path an
``OSError``. Anything else, or a call that does not return within 10 s, fails the test with the
shrunk example. Deterministic (``derandomize``), no example database, 10 examples per method.

Hypothesis runs in a worker thread (pytest's hypothesis plugin is off, see pyproject's addopts);
each example's call runs on the test's event loop through ``anyio.from_thread``, so both
backends are fuzzed.
"""

from __future__ import annotations

import inspect
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aiotim
from tests.helpers import cloud_and_clients
from tests.reliability._api import Method, methods, strategy

pytestmark = pytest.mark.anyio

EXAMPLES = 10
CALL_TIMEOUT_S = 10
METHODS = methods()
ALLOWED: tuple[type[BaseException], ...] = (aiotim.TIMError, TypeError, ValueError)


def _takes_path(m: Method) -> bool:
    return any("PathLike" in str(m.hints.get(p.name)) for p in m.params)


def _paths(tmp: Path) -> st.SearchStrategy[Any]:
    """Paths inside the test's directory only (a download writes there)."""
    existing = tmp / "file.bin"
    existing.write_bytes(b"\x89PNG fuzz")
    return st.sampled_from([existing, str(existing), tmp / "missing.png", str(tmp), tmp / "out"])


def _arguments(m: Method, data: st.DataObject, paths: st.SearchStrategy[Any]) -> Any:
    """Draw (args, kwargs) for ``m``: each required parameter, and each optional one half of
    the time (after a skipped optional positional one, the others go by keyword)."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    skipped = False
    for p in m.params:
        hint = m.hints[p.name]
        values = paths if "PathLike" in str(hint) else strategy(hint)
        if p.kind is p.VAR_KEYWORD:
            continue
        if p.kind is p.VAR_POSITIONAL:
            if not skipped:
                args += data.draw(st.lists(values, max_size=3), label=f"*{p.name}")
            continue
        if p.default is not p.empty and not data.draw(st.booleans(), label=f"give {p.name}"):
            skipped = skipped or p.kind is not p.KEYWORD_ONLY
            continue
        value = data.draw(values, label=p.name)
        if p.kind is p.KEYWORD_ONLY or skipped:
            kwargs[p.name] = value
        else:
            args.append(value)
    return args, kwargs


async def _call(client: aiotim.Client, m: Method, args: list[Any], kwargs: dict[str, Any]) -> None:
    """One call, bounded in time; a stream or iterator it returns is used a little and closed."""
    method = getattr(getattr(client, m.namespace), m.name)
    with anyio.fail_after(CALL_TIMEOUT_S):
        result = method(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, aiotim.Stream):
            result.close()
        elif hasattr(result, "__anext__"):
            try:
                for _ in range(3):
                    await result.__anext__()
            except StopAsyncIteration:
                pass
            finally:
                await result.aclose()


def _fuzz(
    client: aiotim.Client, m: Method, paths: st.SearchStrategy[Any], outcomes: Counter[str]
) -> None:
    """Run the examples of one method (in a worker thread), counting their outcomes."""
    allowed = (*ALLOWED, OSError) if _takes_path(m) else ALLOWED

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def examples(data: st.DataObject) -> None:
        args, kwargs = _arguments(m, data, paths)
        try:
            anyio.from_thread.run(_call, client, m, args, kwargs)
        except TimeoutError as exc:
            if not isinstance(exc, aiotim.TIMError):
                raise AssertionError(f"{m.qualname} hung (> {CALL_TIMEOUT_S} s)") from exc
            outcomes["TIMError"] += 1
        except allowed as exc:
            outcomes["TIMError" if isinstance(exc, aiotim.TIMError) else type(exc).__name__] += 1
        else:
            outcomes["result"] += 1

    examples()


async def test_every_public_method_survives_random_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every public method of every namespace, 10 hypothesis examples each (arguments from its
    annotations): only a result, TIMError, TypeError/ValueError (OSError for a file path), never
    another exception, a hang or a crash; the client still works afterwards."""
    monkeypatch.chdir(tmp_path)  # nothing a method writes lands in the repository
    paths = _paths(tmp_path)
    async with cloud_and_clients("alice", "bob") as (_, (alice, bob)):
        await alice.groups.create("fuzz group", group_id="g1", members=["bob"])
        await alice.send_text(aiotim.C2C("bob"), "hello")
        outcomes: Counter[str] = Counter()
        for m in METHODS:
            await anyio.to_thread.run_sync(_fuzz, alice, m, paths, outcomes)
        print(f"fuzz: {len(METHODS)} methods, {sum(outcomes.values())} calls: {dict(outcomes)}")
        assert sum(outcomes.values()) >= len(METHODS) * EXAMPLES // 2  # fewer: no-arg methods
        # the calls reach the cloud, not only the checks
        assert outcomes["result"] > len(METHODS) and outcomes["TIMError"] > len(METHODS) // 2
        # still usable: a message goes through and arrives
        inbox = bob.new_messages()
        sent = await alice.send_text(aiotim.C2C("bob"), "after the fuzz")
        with anyio.fail_after(10):
            async for msg in inbox:
                if msg.id == sent.id:
                    break
        assert alice.stats()["pending"] == 0
