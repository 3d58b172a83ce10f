"""The loopback cloud's official accounts: the accounts, their subscribers, and broadcasts.

On the real service an official account is created, changed, deleted and broadcast from by the
app's admin REST API only (https://trtc.io/document/69506, https://trtc.io/document/60813); the
loopback offers the same as methods of :class:`~aiotim.loopback.Cloud`, built on the functions
here. Kept beside the :class:`~aiotim.loopback.cloud.app.App` (one :class:`OfficialState` per app,
:func:`state_of`) and in memory only (the broadcast messages are stored like every message).
Source for the semantics: /tmp/research/people.md §1.7 and §2.6.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

from aiotim.enums import TIMElemType
from aiotim.loopback.cloud.app import App
from aiotim.loopback.cloud.signalstate import deliver_c2c

__all__ = [
    "ID_PREFIX",
    "OfficialAccount",
    "OfficialState",
    "broadcast",
    "create",
    "delete",
    "notify",
    "state_of",
    "text_elem",
    "update",
]

#: Official account ids start with this. Source: https://trtc.io/document/69506.
ID_PREFIX = "@TOA#_"
#: Length limits in bytes. Source: https://trtc.io/document/69506 (id 48, name 150, intro 400,
#: face 500, organization 500, custom data 3000).
LIMITS = {
    "account_id": 48,
    "name": 150,
    "introduction": 400,
    "face_url": 500,
    "organization": 500,
    "custom_data": 3000,
}
_TEXT = int(TIMElemType.kTIMElem_Text)


@dataclass(slots=True)
class OfficialAccount:
    """One official account and its subscribers (user -> subscribe time, Unix s)."""

    account_id: str
    name: str
    owner: str = ""
    face_url: str = ""
    introduction: str = ""
    organization: str = ""
    custom_data: str = ""
    created: int = field(default_factory=lambda: int(time.time()))
    subscribers: dict[str, int] = field(default_factory=dict)

    def view(self, user: str | None = None) -> dict[str, Any]:
        """The ``OfficialAccountInfo`` JSON (F:1562), as ``user`` sees it (their subscribe
        time; 0 when not subscribed)."""
        return {
            "official_account_id": self.account_id,
            "official_account_name": self.name,
            "official_account_face_url": self.face_url,
            "official_account_owner_user_id": self.owner,
            "official_account_introduction": self.introduction,
            "official_account_organization": self.organization,
            "official_account_create_time": self.created,
            "official_account_subscriber_count": len(self.subscribers),
            "official_account_subscribe_time": self.subscribers.get(user or "", 0),
            "official_account_custom_data": self.custom_data,
        }


class OfficialState:
    """Every official account of one app."""

    def __init__(self) -> None:
        self.accounts: dict[str, OfficialAccount] = {}


_STATES: weakref.WeakKeyDictionary[App, OfficialState] = weakref.WeakKeyDictionary()


def state_of(app: App) -> OfficialState:
    """The official-account state of ``app`` (created empty on first use)."""
    state = _STATES.get(app)
    if state is None:
        state = _STATES[app] = OfficialState()
    return state


def snapshot(app: App) -> bytes | None:
    """The official accounts of ``app`` as JSON (for the cloud's ``db=``), or ``None``."""
    state = _STATES.get(app)
    if state is None:
        return None
    return orjson.dumps([asdict(a) for a in state.accounts.values()])


def load(app: App, data: bytes) -> OfficialState:
    """Make ``app``'s official accounts those :func:`snapshot` wrote (at the cloud's start)."""
    state = _STATES[app] = OfficialState()
    for raw in orjson.loads(data):
        account = OfficialAccount(**raw)
        state.accounts[account.account_id] = account
    return state


def notify(app: App, user: str, setter: str, arg: str) -> None:
    """Fire ``setter``'s callback (one string argument) in ``user``'s SDK if online."""
    conn = app.online.get(user)
    if conn is not None:
        conn.event(setter, [arg])


def _check(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if len(value.encode()) > LIMITS[name]:
        raise ValueError(f"{name} is longer than {LIMITS[name]} bytes")
    return value


def create(
    app: App,
    account_id: str,
    name: str,
    *,
    owner: str = "",
    face_url: str = "",
    introduction: str = "",
    organization: str = "",
    custom_data: str = "",
) -> OfficialAccount:
    """Create an official account (the REST ``create_official_account``).

    Raises:
        ValueError: the id lacks the ``@TOA#_`` prefix, exists already, or a field is too long.
        TypeError: a field is not a str.
    """
    _check("account_id", account_id)
    if not account_id.startswith(ID_PREFIX) or account_id == ID_PREFIX:
        raise ValueError(f"an official account id starts with {ID_PREFIX!r}: {account_id!r}")
    state = state_of(app)
    if account_id in state.accounts:
        raise ValueError(f"official account {account_id!r} exists already")
    if not _check("name", name):
        raise ValueError("an official account needs a name")
    account = OfficialAccount(
        account_id,
        name,
        owner=owner,
        face_url=_check("face_url", face_url),
        introduction=_check("introduction", introduction),
        organization=_check("organization", organization),
        custom_data=_check("custom_data", custom_data),
    )
    state.accounts[account_id] = account
    return account


def _account(app: App, account_id: str) -> OfficialAccount:
    account = state_of(app).accounts.get(account_id)
    if account is None:
        raise LookupError(f"no official account {account_id!r}")
    return account


def update(app: App, account_id: str, **changes: str) -> OfficialAccount:
    """Change an account's fields (the REST ``modify_official_account``); every subscriber
    gets ``TIMSetOfficialAccountInfoChangedCallback`` (https://cloud.tencent.com/document/product/269/102483).

    Raises:
        LookupError: no such account.
        ValueError / TypeError: an unknown field, a value too long or not a str.
    """
    account = _account(app, account_id)
    for key, value in changes.items():
        if key not in ("name", "face_url", "introduction", "organization", "custom_data"):
            raise ValueError(f"an official account has no field {key!r}")
        setattr(account, key, _check(key, value))
    for user in account.subscribers:
        view = orjson.dumps(account.view(user)).decode()
        notify(app, user, "TIMSetOfficialAccountInfoChangedCallback", view)
    return account


def delete(app: App, account_id: str) -> None:
    """Delete an account (the REST ``destroy_official_account``); every subscriber gets
    ``TIMSetOfficialAccountDeletedCallback`` (https://cloud.tencent.com/document/product/269/102483).

    Raises:
        LookupError: no such account.
    """
    account = _account(app, account_id)
    del state_of(app).accounts[account_id]
    for user in account.subscribers:
        notify(app, user, "TIMSetOfficialAccountDeletedCallback", account_id)


def broadcast(app: App, account_id: str, elems: list[dict[str, Any]]) -> int:
    """Send a message from the account to every subscriber (the REST
    ``send_official_account_msg``): a one-to-one message whose conversation is the account
    (conversation id ``c2c_<account id>``, https://trtc.io/document/69506); returns how many
    subscribers it went to. The real service's rate limits (1 message/s, 2 broadcasts/hour,
    https://tencentcloud.com/document/product/1047/60810) are not enforced.

    Raises:
        LookupError: no such account.
        ValueError: no element.
    """
    account = _account(app, account_id)
    if not elems:
        raise ValueError("a broadcast needs at least one element")
    for user in list(account.subscribers):
        body = {"message_elem_array": [dict(e) for e in elems]}
        deliver_c2c(app, account_id, user, body, sender_has_conv=False)
    return len(account.subscribers)


def text_elem(text: str) -> dict[str, Any]:
    """A text element."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    return {"elem_type": _TEXT, "text_elem_content": text}
