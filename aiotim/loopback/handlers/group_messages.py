"""Group messages: a send to a group, stored once in the group's conversation and delivered to
every member (called by :mod:`.messages` for ``conv_type`` group).
"""

from __future__ import annotations

from typing import Any

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud.state import StoredMessage
from aiotim.loopback.handlers._call import Call, CallError

__all__ = ["send"]

E = TIMErrCode


def send(call: Call, group_id: str, param: dict[str, Any], msg_id: str) -> StoredMessage:
    """Store and deliver a message to ``group_id``."""
    raise CallError(
        E.ERR_SVR_GROUP_NOT_FOUND, "group not found (the loopback cloud has no groups yet)"
    )
