"""Signaling: what an invitation carries (JSON keys: the headers' ``kTIMSignalingInfo*``,
TIMSignalingManager.h ``SignalingInfo``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Annotated

from aiotim.models._fields import Key, Model, model
from aiotim.models._json import JSONObject

__all__ = ["SignalingAction", "SignalingInfo"]


class SignalingAction(enum.IntEnum):
    """What a signaling message does (the values of the vendor's ``TIMSignalingActionType``)."""

    UNKNOWN = 0
    INVITE = 1
    CANCEL = 2
    ACCEPT = 3
    REJECT = 4
    TIMEOUT = 5


def _action(value: int) -> int:
    try:
        return SignalingAction(value)
    except ValueError:  # a newer SDK's value: keep the number
        return value


@model("signaling info")
@dataclass(frozen=True, slots=True)
class SignalingInfo(Model):
    """The invitation a signaling message belongs to (``TIMGetSignalingInfo``): its id, the
    group (empty for a one-to-one invitation), inviter, invitees, the application's ``data``,
    the ``action`` of this message and the invitation's timeout in seconds (0: none)."""

    invite_id: Annotated[str, Key("signaling_info_invite_id", required=True)]
    group_id: Annotated[str, Key("signaling_info_group_id")]
    inviter: Annotated[str, Key("signaling_info_inviter")]
    invitees: Annotated[tuple[str, ...], Key("signaling_info_invitee_list")]
    data: Annotated[str, Key("signaling_info_data")]
    action: Annotated[int, Key("signaling_info_action_type", convert=_action)]
    timeout_s: Annotated[int, Key("signaling_info_timeout")]
    raw: JSONObject = field(repr=False, compare=False)
