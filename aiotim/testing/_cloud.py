"""The loopback cloud of the tests: :class:`aiotim.loopback.Cloud` plus typed notifications
(:meth:`Cloud.notify`), a clock the test moves (:attr:`Cloud.clock`), and a synchronous start
and stop for fixtures that run outside any event loop."""

from __future__ import annotations

import os

from aiotim.loopback.cloud.embedded import Cloud as _LoopbackCloud
from aiotim.loopback.cloud.server import CloudServer, validate_event_args
from aiotim.testing._clock import Clock
from aiotim.testing._encode import encode_event

__all__ = ["Cloud"]


class Cloud(_LoopbackCloud):
    """A loopback cloud for tests (see :class:`aiotim.loopback.Cloud` for the arguments).

    Besides what the loopback cloud does:

    - ``await cloud.notify("bob", aiotim.FriendRequestReceived(...))``: any notification of the
      SDK, from typed values, to a logged-in user;
    - ``await cloud.clock.advance(seconds)``: the cloud's timeouts without waiting for them;
    - ``cloud.start_sync()`` / ``cloud.close_sync()``: running it without an event loop (the
      ``aiotim_cloud`` fixture does).
    """

    def __init__(
        self,
        sdk_app_id: int = 1400000001,
        secret_key: str = "aiotim-test-secret",
        *,
        address: str | None = None,
        db: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(sdk_app_id, secret_key, address=address, db=db)
        self.clock = Clock(self)

    async def notify(self, user_id: str, *events: object) -> None:
        """Deliver each event to ``user_id``'s SDK as the SDK's callback with the JSON the real
        SDK sends (built from the event's fields by :mod:`aiotim.testing`'s encoders); the
        client's streams decode it back to an equal event.

        Raises:
            TypeError: an object that is not an aiotim event (``aiotim.Message``,
                ``aiotim.FriendRequestReceived``, …).
            LookupError: ``user_id`` is not logged in.
        """
        frames = []
        for event in events:
            setter, args = encode_event(event)
            frames.append((setter, validate_event_args(setter, args)))

        def send(server: CloudServer) -> None:
            conn = server.app.connection_of(user_id)
            for setter, fields in frames:
                conn.event(setter, fields)

        await self._run_sync(send)

    def start_sync(self) -> Cloud:
        """Start the cloud's thread without an event loop (what ``async with`` does)."""
        if self._thread is not None:
            raise RuntimeError("this Cloud is already running")
        self._start_thread()
        return self

    def close_sync(self) -> None:
        """Stop it (what leaving ``async with`` does); idempotent."""
        self._stop_thread()

    def _stop_thread(self) -> None:
        self.clock.forget()
        super()._stop_thread()
