"""The pytest plugin of aiotim (registered by the ``pytest11`` entry point: installing aiotim is
enough; ``-p no:aiotim`` turns it off).

Fixtures:

- ``aiotim_cloud``: a running loopback cloud (:class:`aiotim.testing.Cloud`), fresh for each
  test and stopped after it; usable from sync and async tests alike.
- ``aiotim_client``: a factory of logged-in clients on that cloud,
  ``bob = await aiotim_client("bob")``; each is closed after the test. An async fixture that
  runs under anyio's pytest plugin (``@pytest.mark.anyio``, asyncio or trio) and under
  pytest-asyncio (``@pytest.mark.asyncio`` or its auto mode).

It defines no ``anyio_backend`` fixture: the project's own (or anyio's default, asyncio) is used.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from aiotim.testing import ClientFactory, Cloud

__all__ = ["aiotim_client", "aiotim_cloud"]


@pytest.fixture
def aiotim_cloud() -> Iterator[Cloud]:
    """A running loopback cloud (:class:`aiotim.testing.Cloud`), stopped after the test."""
    from aiotim.testing import Cloud

    cloud = Cloud().start_sync()
    try:
        yield cloud
    finally:
        cloud.close_sync()


async def _client_factory(aiotim_cloud: Cloud) -> AsyncIterator[ClientFactory]:
    from aiotim.testing import ClientFactory

    async with ClientFactory(aiotim_cloud) as factory:
        yield factory


async def _client_factory_asyncio(aiotim_cloud: Cloud) -> AsyncIterator[ClientFactory]:
    async for factory in _client_factory(aiotim_cloud):
        yield factory


# What pytest-asyncio (strict mode) looks for on a fixture function it should run; set on a
# second function only, so that anyio's plugin is not pre-empted for its tests.
_client_factory_asyncio._force_asyncio_fixture = True  # type: ignore[attr-defined]
_client_factory_asyncio._loop_scope = None  # type: ignore[attr-defined]


@pytest.fixture
async def aiotim_client(aiotim_cloud: Cloud) -> AsyncIterator[ClientFactory]:
    """``await aiotim_client("bob")``: a client logged in as ``bob`` on ``aiotim_cloud``
    (:class:`aiotim.testing.ClientFactory`); every client it made is closed after the test."""
    async for factory in _client_factory(aiotim_cloud):
        yield factory


def _fail_not_async(aiotim_cloud: Any) -> None:
    raise pytest.UsageError(
        "the aiotim_client fixture is async: use it from an async test run by anyio's plugin "
        "(@pytest.mark.anyio) or pytest-asyncio (@pytest.mark.asyncio, or asyncio_mode=auto)"
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: Any) -> Any:
    """Hand ``aiotim_client`` to whichever async plugin runs the requesting test: anyio's when
    the test has an ``anyio_backend``, else pytest-asyncio's when the test is an asyncio one.

    The fixture's function is chosen here for each test and left in place for the test's run
    (pytest-asyncio checks it again when it calls the test)."""
    if fixturedef.argname == "aiotim_client" and hasattr(fixturedef, "func"):
        if "anyio_backend" in request.fixturenames:
            chosen: Any = _client_factory  # anyio's plugin runs its tests' async fixtures
        elif request.node.get_closest_marker("asyncio") is not None or _asyncio_auto(
            request.config
        ):
            chosen = _client_factory_asyncio
        else:
            chosen = _fail_not_async
        fixturedef.func = chosen  # type: ignore[misc]
    return (yield)


def _asyncio_auto(config: pytest.Config) -> bool:
    if not config.pluginmanager.has_plugin("asyncio"):
        return False
    try:
        mode = config.getoption("asyncio_mode", default=None) or config.getini("asyncio_mode")
    except ValueError:
        return False
    return str(mode) == "auto"
