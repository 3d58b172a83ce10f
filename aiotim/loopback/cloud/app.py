"""``App``: the IM cloud of one SDKAppID as the handlers see it.

Its identity (``sdk_app_id``, ``secret_key``: what UserSigs are checked against), its state (a
:class:`~aiotim.loopback.cloud.state.Store`) and who is logged in on which
:class:`~aiotim.loopback.cloud.connection.Connection`: login bindings, kicks, UserSig expiry, and
delivery to a user's connection or, while offline, to their inbox. The server (above the
handlers) owns one and accepts the connections; the handlers get it with every call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from aiotim.enums import TIMConvEvent, TIMLoginStatus
from aiotim.loopback.cloud.connection import Connection
from aiotim.loopback.cloud.plan import Plan
from aiotim.loopback.cloud.state import C2C, Store, StoredConversation, StoredMessage

__all__ = ["App"]

UNLOGINED = int(TIMLoginStatus.kTIMLoginStatus_UnLogined)
_UPDATE = int(TIMConvEvent.kTIMConvEvent_Update)


class App:
    """One app's identity, state and logged-in users (runs on the cloud's event loop)."""

    def __init__(self, sdk_app_id: int, secret_key: str, store: Store) -> None:
        self.sdk_app_id = sdk_app_id
        self.secret_key = secret_key
        self.store = store
        #: The connection each logged-in user is on.
        self.online: dict[str, Connection] = {}
        #: Called with (app, user) when a user goes offline without logging out: the
        #: connection dropped, was kicked (Cloud.kick) or its UserSig expired. Set by the
        #: server (the user status of people state); a logout is reported by its handler.
        self.on_offline: Callable[[App, str], None] | None = None
        #: The IM edition the app runs as: a lower one refuses the functions it does not
        #: include (:mod:`aiotim.loopback.cloud.plan`); default the highest.
        self.plan = Plan.ENTERPRISE

    # -- login bindings ----------------------------------------------------------------------

    def bind(self, conn: Connection, user_id: str, expires_at: int) -> None:
        """Log ``conn`` in as ``user_id`` until ``expires_at`` (Unix s); kick any other."""
        if conn.user is not None and conn.user != user_id:
            self.unbind(conn)
        other = self.online.get(user_id)
        if other is not None and other is not conn:
            self.kick(other, replaced=True)
        if conn.expiry is not None:
            conn.expiry.cancel()
        conn.user = user_id
        self.online[user_id] = conn
        delay = max(0.0, expires_at - time.time())
        conn.expiry = asyncio.get_running_loop().call_later(delay, self.expire, conn)

    def unbind(self, conn: Connection) -> str | None:
        """Log ``conn`` out locally; messages it has not written yet go back to the inbox."""
        user = conn.user
        if conn.expiry is not None:
            conn.expiry.cancel()
            conn.expiry = None
        if user is None:
            return None
        undelivered = conn.take_undelivered()
        if undelivered:
            self.store.inbox_push(user, undelivered, front=True)
        if self.online.get(user) is conn:
            del self.online[user]
        conn.user = None
        return user

    def kick(self, conn: Connection, *, replaced: bool = False) -> None:
        """Another device logged in: the connection is logged out and told so.

        ``replaced``: the user is logging in on another connection right now, so stays online
        (no offline report); otherwise (``Cloud.kick``) the user goes offline."""
        user = self.unbind(conn)
        if user is not None:
            conn.login_state(UNLOGINED, "")
            conn.event("TIMSetKickedOfflineCallback", [])
            if not replaced:
                self.went_offline(user)

    def expire(self, conn: Connection) -> None:
        """The connection's UserSig expired: it is logged out and told so."""
        user = self.unbind(conn)
        if user is not None:
            conn.login_state(UNLOGINED, "")
            conn.event("TIMSetUserSigExpiredCallback", [])
            self.went_offline(user)

    def went_offline(self, user_id: str) -> None:
        """``user_id`` lost its connection without logging out: report it (see
        :attr:`on_offline`), unless the user is logged in on another connection."""
        if self.on_offline is not None and user_id not in self.online:
            self.on_offline(self, user_id)

    def connection_of(self, user_id: str) -> Connection:
        """The connection ``user_id`` is logged in on.

        Raises:
            LookupError: ``user_id`` is not logged in.
        """
        conn = self.online.get(user_id)
        if conn is None:
            raise LookupError(f"user {user_id!r} is not logged in to the loopback cloud")
        return conn

    # -- message delivery --------------------------------------------------------------------

    def deliver(
        self,
        user_id: str,
        msgs: Sequence[StoredMessage],
        convs: Sequence[StoredConversation],
        *,
        unread: bool,
    ) -> None:
        """New messages for ``user_id``: to their connection if online, else to the inbox."""
        conn = self.online.get(user_id)
        if conn is None:
            self.store.inbox_push(user_id, msgs)
            return
        conn.notify_messages(msgs)
        for conv in convs:
            conn.notify_conv(conv, _UPDATE)
        if unread:
            conn.notify_unread()

    def deliver_offline(self, conn: Connection) -> None:
        """Hand a freshly logged-in connection what arrived while it was away, in order."""
        user = conn.user
        if user is None:
            return
        msgs = self.store.inbox_take(user)
        if not msgs:
            return
        conn.notify_messages(msgs)
        seen: dict[tuple[int, str], StoredConversation] = {}
        for msg in msgs:
            conv_id = msg.sender if msg.conv_type == C2C else msg.target
            conv = self.store.find_conversation(user, msg.conv_type, conv_id)
            if conv is not None:
                seen[(msg.conv_type, conv_id)] = conv
        for conv in seen.values():
            conn.notify_conv(conv, _UPDATE)
        conn.notify_unread()
