"""The JSON the loopback cloud hands to the SDK, with the real SDK's key names and types.

Key names are those of the ``kTIM...`` constants of the SDK headers (Message, ConvInfo,
MessageReceipt, MsgLocator); each builder says which. Times are Unix seconds, as in the
real SDK's JSON.
"""

from __future__ import annotations

from typing import Any

from aiotim.enums import TIMMsgPriority, TIMMsgStatus, TIMPlatform
from aiotim.loopback.cloud.state import StoredConversation, StoredMessage

__all__ = [
    "CLIENT_MESSAGE_KEYS",
    "LOCAL_MESSAGE_KEYS",
    "conv_view",
    "message_view",
    "read_receipt",
    "revoke_info",
]

#: Message keys the sender sets and every viewer sees as given (kept verbatim by the cloud).
CLIENT_MESSAGE_KEYS = (
    "message_elem_array",
    "message_priority",
    "message_platform",
    "message_is_online_msg",
    "message_need_read_receipt",
    "message_support_message_extension",
    "message_cloud_custom_str",
    "message_is_excluded_from_unread_count",
    "message_excluded_from_last_message",
    "message_excluded_from_content_moderation",
    "message_is_forward_message",
    "message_group_at_user_array",
)

#: Message keys the real SDK keeps on the sending device only (never sent to the peer).
LOCAL_MESSAGE_KEYS = ("message_custom_int", "message_custom_str")

_REVOKED = int(TIMMsgStatus.kTIMMsg_Revoked)

_DEFAULTS: dict[str, Any] = {
    "message_priority": int(TIMMsgPriority.kTIMMsgPriority_Normal),
    "message_platform": int(TIMPlatform.kTIMPlatform_Other),
    "message_is_online_msg": False,
    "message_need_read_receipt": False,
    "message_cloud_custom_str": "",
    "message_is_excluded_from_unread_count": False,
    "message_excluded_from_last_message": False,
}


def message_view(
    msg: StoredMessage,
    viewer: str,
    *,
    is_read: bool,
    is_peer_read: bool,
    local: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Message object (header section "Message") as ``viewer`` sees ``msg``.

    ``message_conv_id`` is the other party for C2C (the receiver sees the sender's id), the
    group for groups; ``message_is_from_self`` is true for the sender only. ``local`` adds the
    sender-only keys (``message_custom_int``/``_str``) to the sender's own copy.
    """
    from_self = msg.sender == viewer
    conv_id = msg.target if from_self or msg.conv_type != 1 else msg.sender
    # The defaults, the client's keys, then the rest one by one (each appended in this order):
    # this runs for every message a session sees, and one store per key is cheaper than merging
    # a second dict literal into the first.
    view: dict[str, Any] = {**_DEFAULTS, **msg.body}
    view["message_conv_id"] = conv_id
    view["message_conv_type"] = msg.conv_type
    view["message_sender"] = msg.sender
    view["message_client_time"] = msg.client_time
    view["message_server_time"] = msg.server_time
    view["message_is_from_self"] = from_self
    view["message_is_read"] = is_read
    view["message_is_peer_read"] = is_peer_read
    view["message_status"] = msg.status
    view["message_unique_id"] = msg.unique_id
    view["message_msg_id"] = msg.msg_id
    view["message_rand"] = msg.rand
    view["message_seq"] = msg.seq
    view["message_version"] = msg.version
    view["message_receipt_peer_read"] = msg.receipt_read and from_self
    view["message_custom_int"] = 0
    view["message_custom_str"] = ""
    view["message_sender_profile"] = {
        "user_profile_identifier": msg.sender,
        "user_profile_nick_name": "",
        "user_profile_face_url": "",
    }
    if local and from_self:
        view.update(local)
    if msg.local_custom:
        mine = msg.local_custom.get(viewer)
        if mine:
            view.update(mine)
    if msg.status == _REVOKED:
        view["message_revoker_user_id"] = msg.revoker
        view["message_revoke_reason"] = msg.revoke_reason
    return view


def conv_view(conv: StoredConversation, last: dict[str, Any] | None) -> dict[str, Any]:
    """A ConvInfo object (header section "ConvInfo") of ``conv``; ``last`` is its last message."""
    view: dict[str, Any] = {
        "conv_id": conv.conv_id,
        "conv_type": conv.conv_type,
        "conv_show_name": conv.conv_id,
        "conv_face_url": "",
        "conv_unread_num": conv.unread,
        "conv_active_time": conv.active_time,
        "conv_is_has_lastmsg": last is not None,
        "conv_is_has_draft": conv.draft is not None,
        "conv_is_pinned": conv.pinned,
        "conv_recv_opt": 0,
        "conv_group_at_info_array": [],
        "conv_mark_array": conv.marks,
        "conv_custom_data": conv.custom_data,
        "conv_conversation_group_array": conv.groups,
        "conv_c2c_read_timestamp": conv.read_time if conv.conv_type == 1 else 0,
        "conv_group_read_sequence": conv.read_seq if conv.conv_type != 1 else 0,
    }
    if last is not None:
        view["conv_last_msg"] = last
    if conv.draft is not None:
        view["conv_draft"] = conv.draft
    return view


def read_receipt(conv_id: str, conv_type: int, timestamp: int) -> dict[str, Any]:
    """A MessageReceipt object (C2C, conversation level): ``conv_id`` read up to ``timestamp``."""
    return {
        "msg_receipt_conv_id": conv_id,
        "msg_receipt_conv_type": conv_type,
        "msg_receipt_msg_id": "",
        "msg_receipt_time_stamp": timestamp,
        "msg_receipt_is_peer_read": True,
        "msg_receipt_read_count": 0,
        "msg_receipt_unread_count": 0,
    }


def revoke_info(msg: StoredMessage, viewer: str) -> dict[str, Any]:
    """A MsgLocator plus revoker fields, as the revoke callback carries for ``viewer``."""
    from_self = msg.sender == viewer
    return {
        "message_locator_conv_id": msg.target if from_self or msg.conv_type != 1 else msg.sender,
        "message_locator_conv_type": msg.conv_type,
        "message_locator_is_revoked": True,
        "message_locator_time": msg.server_time,
        "message_locator_seq": msg.seq,
        "message_locator_is_self": from_self,
        "message_locator_rand": msg.rand,
        "message_locator_unique_id": msg.unique_id,
        "message_msg_id": msg.msg_id,
        "message_revoker_user_id": msg.revoker,
        "message_revoker_nick_name": "",
        "message_revoker_face_url": "",
        "message_revoke_reason": msg.revoke_reason,
    }
