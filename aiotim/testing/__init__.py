"""Testing bots on the loopback: a pytest plugin, typed notifications, a clock.

With aiotim installed, pytest has two fixtures (the plugin :mod:`aiotim.testing.plugin`,
registered by entry point)::

    @pytest.mark.anyio  # or @pytest.mark.asyncio with pytest-asyncio
    async def test_echo(aiotim_cloud, aiotim_client):
        bot = await aiotim_client("bot")
        alice = await aiotim_client("alice")
        ...
        await aiotim_cloud.notify("bot", aiotim.FriendRequestReceived(request))
        await aiotim_cloud.clock.advance(31)

- :class:`Cloud`: the loopback cloud with :meth:`Cloud.notify` (any of the SDK's 70
  notification kinds from typed values, as the real SDK's JSON) and :attr:`Cloud.clock`.
- :class:`ClientFactory`: logged-in clients by name, closed after the test.
- :func:`make`: a model from some of its fields (``make(FriendRequest, user_id="alice")``).
- :func:`encode_event` / :func:`encode_model`: the JSON itself, built from the field tables
  the decoders use.

Documented in ``docs/testing.md``.
"""

from __future__ import annotations

from aiotim.testing._clients import ClientFactory
from aiotim.testing._clock import Clock
from aiotim.testing._cloud import Cloud
from aiotim.testing._encode import encode_event, encode_model, encode_value, make

__all__ = [
    "ClientFactory",
    "Clock",
    "Cloud",
    "encode_event",
    "encode_model",
    "encode_value",
    "make",
]
