"""The loopback cloud's group state: groups, members, join requests, attributes, counters.

Kept beside the :class:`~aiotim.loopback.cloud.app.App` (one :class:`GroupState` per app, found
with :func:`state_of`). In memory, and with the cloud's ``db=`` also in two tables of the same
SQLite file (one JSON row per group and per join request), written after each change
(:meth:`GroupState.save`) and loaded on first use: groups survive a cloud restart. Group messages
themselves live in the app's :class:`~aiotim.loopback.cloud.state.Store` like every message
(conversation key :func:`group_key`).
"""

from __future__ import annotations

import secrets
import sqlite3
import weakref
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

from aiotim.enums import TIMGroupAddOption, TIMGroupMemberRole, TIMGroupType
from aiotim.loopback.cloud.app import App

__all__ = [
    "ADMIN",
    "MEMBER",
    "OWNER",
    "GroupMember",
    "GroupState",
    "JoinRequest",
    "StoredGroup",
    "group_key",
    "state_of",
]

OWNER = int(TIMGroupMemberRole.kTIMMemberRole_Owner)
ADMIN = int(TIMGroupMemberRole.kTIMMemberRole_Admin)
MEMBER = int(TIMGroupMemberRole.kTIMMemberRole_Normal)

PUBLIC = int(TIMGroupType.kTIMGroup_Public)
WORK = int(TIMGroupType.kTIMGroup_Private)
MEETING = int(TIMGroupType.kTIMGroup_ChatRoom)
AVCHATROOM = int(TIMGroupType.kTIMGroup_AVChatRoom)
COMMUNITY = int(TIMGroupType.kTIMGroup_Community)

FORBID = int(TIMGroupAddOption.kTIMGroupAddOpt_Forbid)
AUTH = int(TIMGroupAddOption.kTIMGroupAddOpt_Auth)
ANY = int(TIMGroupAddOption.kTIMGroupAddOpt_Any)

#: Default member limit per type. Source: TIMGroupManager.h:97-111 (Work 200, Public 2000,
#: Meeting 6000, Community 100,000, AVChatRoom unlimited).
DEFAULT_MAX_MEMBERS = {
    WORK: 200,
    PUBLIC: 2000,
    MEETING: 6000,
    3: 6000,
    COMMUNITY: 100_000,
    AVCHATROOM: 1_000_000,
}

#: Default add option per type. Source: tencentcloud.com/document/product/1047/48169 (Work: no
#: applications; Public: owner/admin approval; Meeting, Community, AVChatRoom: free).
DEFAULT_ADD_OPTION = {WORK: FORBID, PUBLIC: AUTH, MEETING: ANY, 3: ANY, COMMUNITY: ANY}


def group_key(group_id: str) -> str:
    """The storage key of a group's conversation (NUL cannot occur in a group id)."""
    return f"group\0{group_id}"


@dataclass(slots=True)
class GroupMember:
    """One member of a group."""

    user_id: str
    role: int
    join_time: int
    shutup_until: int = 0  # Unix s; 0: not muted
    name_card: str = ""
    msg_flag: int = 0
    custom: dict[str, str] = field(default_factory=dict)
    marks: set[int] = field(default_factory=set)  # AVChatRoom / Community member marks
    #: the seq of the group's last message when they joined: Work and Public members see only
    #: what came after (group_messages.history_floor)
    join_seq: int = 0


@dataclass(slots=True)
class StoredGroup:
    """One group."""

    group_id: str
    group_type: int
    name: str
    owner: str
    create_time: int
    notification: str = ""
    introduction: str = ""
    face_url: str = ""
    add_option: int = ANY
    approve_option: int = ANY
    max_members: int = 200
    visible: int = 0
    searchable: int = 0
    is_support_topic: bool = False
    shutup_all: bool = False
    info_seq: int = 1  # GUESS: starts at 1, +1 per profile change
    last_info_time: int = 0
    custom: dict[str, str] = field(default_factory=dict)
    #: Members in join order (dict order), by user id.
    members: dict[str, GroupMember] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    #: Kicked users banned from re-joining until a time (Unix s).
    banned: dict[str, int] = field(default_factory=dict)
    #: Online-only groups (AVChatRoom) number their messages without storing them.
    live_seq: int = 0
    #: A community's topics: topic id -> its TopicInfo fields (``group_topic_info_*`` keys).
    topics: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: A community's permission groups: id -> PermissionGroupInfo keys, plus ``members`` (list)
    #: and ``topic_permissions`` ({topic id: bits}).
    permission_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Community permission groups on (TIMGroupManager.h:1549, 7.8+), and the permissions every
    #: member has (V2TIMCommunityPermissionValue bits, TIMCommunityManager.h:68)
    enable_permission_group: bool = False
    default_permissions: int = 0
    #: group read receipts: message id -> who read it, in report order
    read_by: dict[str, list[str]] = field(default_factory=dict)
    #: pinned messages, oldest first: {"msg_id", "pinner", "time"}
    pinned: list[dict[str, Any]] = field(default_factory=list)

    def managers(self) -> list[str]:
        """The owner and the admins."""
        return [m.user_id for m in self.members.values() if m.role in (OWNER, ADMIN)]


@dataclass(slots=True)
class JoinRequest:
    """A pending (or handled) application or invitation (the SDK's GroupPendency)."""

    key: str
    group_id: str
    from_user: str
    to_user: str  # the approver named in the request ("" for the admins)
    add_time_ms: int
    pendency_type: int
    hello: str = ""
    handled_by: str = ""
    accepted: bool = False
    approval_msg: str = ""
    invitees: tuple[str, ...] = ()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS loopback_groups (group_id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS loopback_group_requests (key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS loopback_group_reads (user_id TEXT PRIMARY KEY, time INTEGER NOT NULL);
"""


def _group_record(group: StoredGroup) -> bytes:
    data = asdict(group)
    for member in data["members"].values():
        member["marks"] = sorted(member["marks"])
    return orjson.dumps(data)


def _group_from(data: bytes) -> StoredGroup:
    raw: dict[str, Any] = orjson.loads(data)
    members = raw.pop("members")
    group = StoredGroup(**raw)
    for uid, m in members.items():
        m["marks"] = set(m["marks"])
        group.members[uid] = GroupMember(**m)
    return group


def _request_from(data: bytes) -> JoinRequest:
    raw: dict[str, Any] = orjson.loads(data)
    raw["invitees"] = tuple(raw["invitees"])
    return JoinRequest(**raw)


class GroupState:
    """Every group of one app."""

    def __init__(self, db: sqlite3.Connection | None = None) -> None:
        self.groups: dict[str, StoredGroup] = {}
        self.requests: list[JoinRequest] = []
        #: The last time (Unix s) each user reported their requests read.
        self.requests_read: dict[str, int] = {}
        self._db = db
        if db is not None:
            db.executescript(_SCHEMA)
            for (data,) in db.execute("SELECT data FROM loopback_groups ORDER BY rowid"):
                group = _group_from(data)
                self.groups[group.group_id] = group
            for (data,) in db.execute("SELECT data FROM loopback_group_requests ORDER BY rowid"):
                self.requests.append(_request_from(data))
            self.requests_read.update(db.execute("SELECT user_id, time FROM loopback_group_reads"))

    def save(self) -> None:
        """Write the state to the database (no-op in memory): called after each change."""
        db = self._db
        if db is None:
            return
        db.execute("BEGIN")
        try:
            db.execute("DELETE FROM loopback_groups")
            db.executemany(
                "INSERT INTO loopback_groups VALUES (?, ?)",
                [(g.group_id, _group_record(g)) for g in self.groups.values()],
            )
            db.execute("DELETE FROM loopback_group_requests")
            db.executemany(
                "INSERT INTO loopback_group_requests VALUES (?, ?)",
                [(r.key, orjson.dumps(asdict(r))) for r in self.requests],
            )
            db.execute("DELETE FROM loopback_group_reads")
            db.executemany(
                "INSERT INTO loopback_group_reads VALUES (?, ?)", list(self.requests_read.items())
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def new_group_id(self) -> str:
        """A fresh server-assigned id, shaped like the real ones (``@TGS#2J4SZEAEL``).

        Source: cloud.tencent.com/document/product/269/1624.
        """
        while True:
            gid = "@TGS#" + secrets.token_hex(5).upper()
            if gid not in self.groups:
                return gid

    def new_request_key(self) -> str:
        """A fresh join-request key."""
        return f"req-{secrets.token_hex(8)}"

    def joined(self, user_id: str) -> list[StoredGroup]:
        """The groups ``user_id`` is a member of, in creation order."""
        return [g for g in self.groups.values() if user_id in g.members]


_STATES: weakref.WeakKeyDictionary[App, GroupState] = weakref.WeakKeyDictionary()


def state_of(app: App) -> GroupState:
    """The group state of ``app`` (created empty on first use)."""
    state = _STATES.get(app)
    if state is None:
        # The store's own SQLite connection (same file, same thread), when it has one.
        db = getattr(app.store, "_db", None)
        state = _STATES[app] = GroupState(db if isinstance(db, sqlite3.Connection) else None)
    return state
