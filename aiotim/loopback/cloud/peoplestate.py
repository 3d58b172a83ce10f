"""The loopback cloud's people state: profiles, friend lists, friend requests, blocklists,
friend groups, user status and the subscriptions to profiles and status (issue 12).

Kept in memory, per :class:`~aiotim.loopback.cloud.app.App`, without touching the app: a
module-level ``WeakKeyDictionary`` and :func:`state_of`. With the cloud's ``db=`` the server
keeps a snapshot (:func:`snapshot`, :func:`load`) in the store, committed with the calls that
changed it.

Sources are cited as in /tmp/research/people.md: ``F:n`` TIMFriendshipManager.h, ``M:n``
TIMManager.h, ``E:n`` TIMErrorCode.h.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

from aiotim.enums import TIMErrCode, TIMUserStatusType
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.connection import Connection

__all__ = [
    "BLOCKED_SEND_FAILS",
    "Friend",
    "Pendency",
    "PeopleState",
    "c2c_refusal",
    "on_login",
    "on_logout",
    "state_of",
]

E = TIMErrCode
ONLINE = int(TIMUserStatusType.kTIMUserStatusType_Online)
OFFLINE = int(TIMUserStatusType.kTIMUserStatusType_Offline)
UNLOGINED = int(TIMUserStatusType.kTIMUserStatusType_UnLogined)

#: Whether a C2C message from a user the receiver blocked fails with 20007.
#: Source: https://trtc.io/document/49568 and /48153 — the real service's default is a silent
#: drop ("Show 'Sent successfully'"), 20007 ERR_SVR_MSG_IN_PEER_BLACKLIST only when that console
#: option is off. The loopback defaults to 20007, as issue 12 asks ("blocklists stop messages
#: with the real code"); set to ``False`` for the real default (the message is then dropped).
BLOCKED_SEND_FAILS = True

#: Source: M:572 (profile subscriptions) and M:668 (status subscriptions): at most 200, the
#: oldest evicted.
MAX_SUBSCRIPTIONS = 200
#: Source: https://tencentcloud.com/document/product/1047/33521 — 3,000 friends per user.
MAX_FRIENDS = 3000
#: Source: https://trtc.io/document/48152 — blocklist limit 1000, not adjustable.
MAX_BLOCKED = 1000
#: Source: https://trtc.io/document/64330 — following ≤5000, followers unlimited.
MAX_FOLLOWING = 5000
#: Source: 1047/33521 — at most 32 friend groups.
MAX_FRIEND_GROUPS = 32


@dataclass(slots=True)
class Friend:
    """One entry of a user's friend list (what ``friend_profile_*`` renders)."""

    user_id: str
    remark: str = ""
    groups: list[str] = field(default_factory=list)
    add_source: str = ""
    add_wording: str = ""
    add_time: int = 0
    custom: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Pendency:
    """A friend request from ``sender`` to ``target``."""

    sender: str
    target: str
    add_time: int
    add_source: str
    add_wording: str
    remark: str
    group: str
    both_ways: bool


@dataclass(slots=True)
class PeopleState:
    """Everything of issue 12's people domains for one app (in memory)."""

    #: user -> ``user_profile_*`` keys that were set (the defaults fill the rest)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: user -> friend id -> entry (A's list; the relation is one-way unless both lists have it)
    friends: dict[str, dict[str, Friend]] = field(default_factory=dict)
    #: (sender, target) -> request
    pendencies: dict[tuple[str, str], Pendency] = field(default_factory=dict)
    #: user -> when the user last reported the requests read (seconds)
    pendency_read: dict[str, int] = field(default_factory=dict)
    #: user -> blocked id -> when
    blocked: dict[str, dict[str, int]] = field(default_factory=dict)
    #: user -> friend group names, in creation order
    friend_groups: dict[str, list[str]] = field(default_factory=dict)
    #: user -> custom status
    custom_status: dict[str, str] = field(default_factory=dict)
    #: users who logged in at least once (never logged in → UnLogined)
    seen: set[str] = field(default_factory=set)
    #: users whose last session ended with TIMLogout (→ UnLogined, else Offline)
    logged_out: set[str] = field(default_factory=set)
    #: subscriber -> subscribed ids, oldest first
    status_subs: dict[str, list[str]] = field(default_factory=dict)
    profile_subs: dict[str, list[str]] = field(default_factory=dict)
    #: follower -> followed id -> when (follow lists, F:1144-1291)
    following: dict[str, dict[str, int]] = field(default_factory=dict)

    def follows(self, user: str, other: str) -> bool:
        """Whether ``user`` follows ``other``."""
        return other in self.following.get(user, {})

    def followers(self, user: str) -> list[str]:
        """Who follows ``user``, oldest first."""
        pairs = [(ids[user], f) for f, ids in self.following.items() if user in ids]
        return [f for _, f in sorted(pairs)]

    # -- profiles -----------------------------------------------------------------------------

    def profile(self, user_id: str) -> dict[str, Any]:
        """``user_id``'s UserProfile JSON (M:793)."""
        stored = self.profiles.get(user_id, {})
        custom = stored.get("custom", {})
        return {
            "user_profile_identifier": user_id,
            "user_profile_nick_name": stored.get("nick_name", ""),
            "user_profile_gender": stored.get("gender", 0),
            "user_profile_face_url": stored.get("face_url", ""),
            "user_profile_self_signature": stored.get("self_signature", ""),
            "user_profile_add_permission": stored.get("add_permission", 0),
            "user_profile_location": stored.get("location", ""),
            "user_profile_language": stored.get("language", 0),
            "user_profile_birthday": stored.get("birthday", 0),
            "user_profile_level": stored.get("level", 0),
            "user_profile_role": stored.get("role", 0),
            "user_profile_custom_string_array": [
                {
                    "user_profile_custom_string_info_key": k,
                    "user_profile_custom_string_info_value": v,
                }
                for k, v in custom.items()
            ],
        }

    def add_permission(self, user_id: str) -> int:
        """The user's TIMProfileAddPermission (0 when never set)."""
        value = self.profiles.get(user_id, {}).get("add_permission", 0)
        return int(value)

    # -- friends ------------------------------------------------------------------------------

    def friends_of(self, user_id: str) -> dict[str, Friend]:
        """``user_id``'s friend list (created empty)."""
        return self.friends.setdefault(user_id, {})

    def is_friend(self, owner: str, other: str) -> bool:
        """Whether ``other`` is in ``owner``'s list."""
        return other in self.friends.get(owner, {})

    def relation(self, me: str, other: str) -> int:
        """TIMFriendshipRelationType / TIMFriendCheckRelation (same values: 0 none, 1 other in my
        list, 2 me in theirs, 3 both)."""
        return (1 if self.is_friend(me, other) else 0) | (2 if self.is_friend(other, me) else 0)

    def friend_view(self, owner: str, entry: Friend) -> dict[str, Any]:
        """FriendProfile JSON (F:1308) of ``entry`` in ``owner``'s list."""
        return {
            "friend_profile_identifier": entry.user_id,
            "friend_profile_group_name_array": list(entry.groups),
            "friend_profile_remark": entry.remark,
            "friend_profile_add_wording": entry.add_wording,
            "friend_profile_add_source": entry.add_source,
            "friend_profile_add_time": entry.add_time,
            "friend_profile_user_profile": self.profile(entry.user_id),
            "friend_profile_custom_string_array": [
                {
                    "friend_profile_custom_string_info_key": k,
                    "friend_profile_custom_string_info_value": v,
                }
                for k, v in entry.custom.items()
            ],
        }

    def stranger_view(self, user_id: str) -> dict[str, Any]:
        """FriendProfile JSON of someone not in the list (blocklist entries)."""
        return self.friend_view("", Friend(user_id))

    def is_blocked(self, owner: str, other: str) -> bool:
        """Whether ``owner`` blocked ``other``."""
        return other in self.blocked.get(owner, {})

    def pendency_view(self, p: Pendency, viewer: str, prefix: str) -> dict[str, Any]:
        """FriendAddPendency (``friend_add_pendency_``, F:1379) or FriendAddPendencyInfo
        (``friend_add_pendency_info_``, F:1418) as ``viewer`` sees it: type 0 come-in for the
        target, 1 send-out for the sender (GUESS for the sender's type, people.md §2.1)."""
        incoming = viewer == p.target
        other = p.sender if incoming else p.target
        profile = self.profile(other)
        return {
            prefix + "type": 0 if incoming else 1,
            prefix + "identifier": other,
            prefix + "nick_name": profile["user_profile_nick_name"],
            prefix + "face_url": profile["user_profile_face_url"],
            prefix + "add_time": p.add_time,
            prefix + "add_source": p.add_source,
            prefix + "add_wording": p.add_wording,
        }

    # -- status -------------------------------------------------------------------------------

    def status_type(self, app: App, user_id: str) -> int:
        """Online (1) while logged in, UnLogined (3) after TIMLogout or never, else Offline (2)
        (the connection dropped without a logout). Source: https://trtc.io/document/49562."""
        if user_id in app.online:
            return ONLINE
        if user_id in self.logged_out or user_id not in self.seen:
            return UNLOGINED
        return OFFLINE

    def status_view(self, app: App, user_id: str) -> dict[str, Any]:
        """TIMUserStatus JSON (M:798)."""
        return {
            "user_status_identifier": user_id,
            "user_status_status_type": self.status_type(app, user_id),
            "user_status_custom_status": self.custom_status.get(user_id, ""),
            "user_status_online_devices": [],
        }


_STATES: weakref.WeakKeyDictionary[App, PeopleState] = weakref.WeakKeyDictionary()


def state_of(app: App) -> PeopleState:
    """The people state of ``app`` (created on first use)."""
    state = _STATES.get(app)
    if state is None:
        state = _STATES[app] = PeopleState()
    return state


def now() -> int:
    """The cloud's clock, in seconds."""
    return int(time.time())


def notify(app: App, user_id: str, setter: str, *args: Any) -> None:
    """Fire ``setter``'s callback in ``user_id``'s SDK if online (JSON values are dumped; ``str``,
    ``int`` and ``bool`` go as they are)."""
    conn: Connection | None = app.online.get(user_id)
    if conn is None:
        return
    fields = [a if isinstance(a, (str, bytes, int)) else orjson.dumps(a) for a in args]
    conn.event(setter, fields)


def subscribe(subs: dict[str, list[str]], user: str, ids: list[str]) -> None:
    """Add ``ids`` to ``user``'s subscriptions, the oldest evicted past the limit."""
    mine = subs.setdefault(user, [])
    for uid in ids:
        if uid in mine:
            mine.remove(uid)
        mine.append(uid)
    del mine[: max(0, len(mine) - MAX_SUBSCRIPTIONS)]


def unsubscribe(subs: dict[str, list[str]], user: str, ids: list[str]) -> None:
    """Remove ``ids`` from ``user``'s subscriptions; no ids: all (M:597, M:691)."""
    if not ids:
        subs.pop(user, None)
        return
    mine = subs.get(user, [])
    for uid in ids:
        if uid in mine:
            mine.remove(uid)


def subscribers(subs: dict[str, list[str]], user_id: str) -> list[str]:
    """Who subscribed to ``user_id``."""
    return [s for s, ids in subs.items() if user_id in ids]


def status_changed(app: App, user_id: str, *, to_self: bool = False) -> None:
    """Tell the subscribers of ``user_id`` (and, for a custom-status change, the user's own SDK)
    its new status. Source: M:273-276 (subscribers; the same user's devices on a custom-status
    change). The friends' "friend status notification" console switch is off by default:
    friends are not told unless subscribed (GUESS for the default)."""
    state = state_of(app)
    view = [state.status_view(app, user_id)]
    for sub in subscribers(state.status_subs, user_id):
        if sub != user_id:
            notify(app, sub, "TIMSetUserStatusChangedCallback", view)
    if to_self:
        notify(app, user_id, "TIMSetUserStatusChangedCallback", view)


def on_login(app: App, user_id: str, was_online: bool) -> None:
    """Called by the session handler after ``user_id`` logged in. A login that kicks another
    device leaves the user online: no change (GUESS, people.md §4)."""
    state = state_of(app)
    state.seen.add(user_id)
    state.logged_out.discard(user_id)
    if not was_online:
        status_changed(app, user_id)


def on_logout(app: App, user_id: str) -> None:
    """Called by the session handler after ``user_id`` logged out: UnLogined, and the custom
    status is cleared (the SDK clears it when the user goes offline, trtc.io/document/49562)."""
    state = state_of(app)
    state.logged_out.add(user_id)
    state.custom_status.pop(user_id, None)
    if user_id not in app.online:
        status_changed(app, user_id)


def snapshot(app: App) -> bytes | None:
    """The people state of ``app`` as JSON, or ``None`` when it has none."""
    state = _STATES.get(app)
    if state is None:
        return None
    return orjson.dumps(
        {
            "profiles": state.profiles,
            "friends": {
                u: {f: asdict(e) for f, e in mine.items()} for u, mine in state.friends.items()
            },
            "pendencies": [asdict(p) for p in state.pendencies.values()],
            "pendency_read": state.pendency_read,
            "blocked": state.blocked,
            "friend_groups": state.friend_groups,
            "custom_status": state.custom_status,
            "seen": sorted(state.seen),
            "logged_out": sorted(state.logged_out),
            "status_subs": state.status_subs,
            "profile_subs": state.profile_subs,
            "following": state.following,
        }
    )


def load(app: App, data: bytes) -> PeopleState:
    """Make ``app``'s people state the one :func:`snapshot` wrote (at the cloud's start).

    Raises:
        ValueError / TypeError / KeyError: ``data`` is not such a snapshot.
    """
    raw = orjson.loads(data)
    state = PeopleState(
        profiles=raw["profiles"],
        friends={
            u: {f: Friend(**e) for f, e in mine.items()} for u, mine in raw["friends"].items()
        },
        pendencies={(p["sender"], p["target"]): Pendency(**p) for p in raw["pendencies"]},
        pendency_read=raw["pendency_read"],
        blocked=raw["blocked"],
        friend_groups=raw["friend_groups"],
        custom_status=raw["custom_status"],
        seen=set(raw["seen"]),
        logged_out=set(raw["logged_out"]),
        status_subs=raw["status_subs"],
        profile_subs=raw["profile_subs"],
        following=raw["following"],
    )
    _STATES[app] = state
    return state


def on_gone(app: App, user_id: str) -> None:
    """Called when ``user_id`` went offline without a logout (the connection dropped, was
    kicked by ``Cloud.kick``, or its UserSig expired): Offline (2) for the subscribers, and the
    custom status is cleared (the SDK clears it when the user goes offline,
    trtc.io/document/49562). When the SDK reconnects and logs in again, :func:`on_login` reports
    Online. GUESS: the service notices a dropped TCP connection at once (a silent network loss
    only at the heartbeat timeout, 400 s: tim-service.md "Heartbeat")."""
    if user_id in app.online:
        return
    state = state_of(app)
    state.seen.add(user_id)
    state.custom_status.pop(user_id, None)
    status_changed(app, user_id)


def c2c_refusal(app: App, sender: str, receiver: str) -> tuple[int, str] | None:
    """Why a C2C message from ``sender`` to ``receiver`` is refused, as (code, desc), or ``None``.

    ``receiver`` blocked ``sender`` → 20007 ERR_SVR_MSG_IN_PEER_BLACKLIST (E:304 area). Only the
    blocked side is stopped: the blocker can still message the blocked user
    (https://tencentcloud.com/document/product/1047/34911). See :data:`BLOCKED_SEND_FAILS` for the
    real service's default (a silent drop)."""
    state = _STATES.get(app)
    if state is None or not BLOCKED_SEND_FAILS or sender == receiver:
        return None
    if state.is_blocked(receiver, sender):
        return int(E.ERR_SVR_MSG_IN_PEER_BLACKLIST), "the receiver has blocked the sender"
    return None
