"""Messages and their elements (JSON keys: the headers' ``kTIMMsg*`` / ``kTIMElem*``).

Each field is declared once, with its key (see :mod:`aiotim.models._fields`); the decoders are
derived from those tables, the fast ones (every received message takes them) generated from the
same tables by ``scripts/gen_models.py``.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field, fields
from typing import Annotated, Any, ClassVar, cast

import orjson

from aiotim.enums import MsgStatus
from aiotim.errors import PayloadError
from aiotim.models._cmessage import configure as _c_configure
from aiotim.models._cmessage import decode as _c_decode
from aiotim.models._cmessage import decode_one as _c_decode_one
from aiotim.models._cmessage import mark_at_me as _c_mark_at_me
from aiotim.models._cmessage import track as _c_track
from aiotim.models._fields import Key, Model, encode, model
from aiotim.models._json import JSONObject, get_int, obj
from aiotim.models.address import _CACHE as _ADDRESSES
from aiotim.models.address import Address, address_of
from aiotim.models.profile import UserProfile

__all__ = [
    "AT_ALL",
    "AT_ALL_V2",
    "Custom",
    "CustomElem",
    "Elem",
    "Face",
    "FaceElem",
    "File",
    "FileElem",
    "FriendChangeElem",
    "GroupReportElem",
    "GroupTipsElem",
    "Image",
    "ImageElem",
    "ImageInfo",
    "Location",
    "LocationElem",
    "MergerElem",
    "Message",
    "MessageStatus",
    "Priority",
    "ProfileChangeElem",
    "ReplyRef",
    "Sound",
    "SoundElem",
    "Text",
    "TextElem",
    "UnknownElem",
    "Video",
    "VideoElem",
    "elem_from_json",
    "reply_ref",
]


@model("text element", fast=True)
@dataclass(frozen=True, slots=True)
class TextElem(Model):
    """A text element (``elem_type`` 0)."""

    elem_type: ClassVar[int] = 0
    text: Annotated[str, Key("text_elem_content")]

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON."""
        # the key of the field above, written out: every send_text builds one (encode() is
        # the generic way; tests/test_models_fields.py holds the two equal)
        return {"elem_type": 0, "text_elem_content": self.text}


@model("custom element", fast=True)
@dataclass(frozen=True, slots=True)
class CustomElem(Model):
    """A custom element (``elem_type`` 3): application data with a description and extension."""

    elem_type: ClassVar[int] = 3
    data: Annotated[str, Key("custom_elem_data")]
    description: Annotated[str, Key("custom_elem_desc")] = ""
    extension: Annotated[str, Key("custom_elem_ext")] = ""

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON."""
        return {"elem_type": self.elem_type, **encode(self)}


def _float(value: Any = 0.0) -> float:
    # JSON doubles; an int (e.g. 0) is a double too.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError("location element", f"expected a number, got {type(value).__name__}")
    return float(value)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """One of an image's three versions (original, thumbnail, large), as the cloud stores it."""

    url: str = ""
    size: int = 0
    width: int = 0
    height: int = 0
    uuid: str = ""


def _image(url: str, size: int, width: int, height: int, uuid: str) -> ImageInfo:
    return ImageInfo(url, size, width, height, uuid)


@model("image element")
@dataclass(frozen=True, slots=True)
class ImageElem(Model):
    """An image element (``elem_type`` 1): the sender's path (in the sender's copy only), and
    the ``original``, ``thumbnail`` and ``large`` versions the cloud made of it.

    Source: TIMMessageManager.h:2082-2129 (``image_elem_*``). ``level``: 0 original only,
    1 compressed (default), 2 HD; ``format``: 1 JPG, 2 GIF, 3 PNG, 4 BMP, 255 unknown.
    """

    elem_type: ClassVar[int] = 1
    path: Annotated[str, Key("image_elem_orig_path")] = ""
    level: Annotated[int, Key("image_elem_level")] = 1
    format: Annotated[int, Key("image_elem_format")] = 0xFF
    original: Annotated[
        ImageInfo,
        Key(
            "image_elem_orig_url",
            "image_elem_orig_pic_size",
            "image_elem_orig_pic_width",
            "image_elem_orig_pic_height",
            "image_elem_orig_id",
            convert=_image,
        ),
    ] = ImageInfo()
    thumbnail: Annotated[
        ImageInfo,
        Key(
            "image_elem_thumb_url",
            "image_elem_thumb_pic_size",
            "image_elem_thumb_pic_width",
            "image_elem_thumb_pic_height",
            "image_elem_thumb_id",
            convert=_image,
        ),
    ] = ImageInfo()
    large: Annotated[
        ImageInfo,
        Key(
            "image_elem_large_url",
            "image_elem_large_pic_size",
            "image_elem_large_pic_width",
            "image_elem_large_pic_height",
            "image_elem_large_id",
            convert=_image,
        ),
    ] = ImageInfo()

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON (what a sender writes)."""
        return {
            "elem_type": self.elem_type,
            "image_elem_orig_path": self.path,
            "image_elem_level": self.level,
        }


@model("sound element")
@dataclass(frozen=True, slots=True)
class SoundElem(Model):
    """A sound element (``elem_type`` 2). Source: TIMMessageManager.h:2132-2149."""

    elem_type: ClassVar[int] = 2
    path: Annotated[str, Key("sound_elem_file_path")] = ""
    size: Annotated[int, Key("sound_elem_file_size")] = 0
    duration_s: Annotated[int, Key("sound_elem_file_time")] = 0
    uuid: Annotated[str, Key("sound_elem_file_id")] = ""
    business_id: Annotated[int, Key("sound_elem_business_id")] = 0
    url: Annotated[str, Key("sound_elem_url")] = ""

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON (what a sender writes)."""
        return {
            "elem_type": self.elem_type,
            "sound_elem_file_path": self.path,
            "sound_elem_file_size": self.size,
            "sound_elem_file_time": self.duration_s,
        }


@model("video element")
@dataclass(frozen=True, slots=True)
class VideoElem(Model):
    """A video element (``elem_type`` 9) with its snapshot.
    Source: TIMMessageManager.h:2152-2182."""

    elem_type: ClassVar[int] = 9
    path: Annotated[str, Key("video_elem_video_path")] = ""
    video_type: Annotated[str, Key("video_elem_video_type")] = ""
    size: Annotated[int, Key("video_elem_video_size")] = 0
    duration_s: Annotated[int, Key("video_elem_video_duration")] = 0
    snapshot_path: Annotated[str, Key("video_elem_image_path")] = ""
    snapshot_type: Annotated[str, Key("video_elem_image_type")] = ""
    snapshot_size: Annotated[int, Key("video_elem_image_size")] = 0
    snapshot_width: Annotated[int, Key("video_elem_image_width")] = 0
    snapshot_height: Annotated[int, Key("video_elem_image_height")] = 0
    uuid: Annotated[str, Key("video_elem_video_id")] = ""
    business_id: Annotated[int, Key("video_elem_business_id")] = 0
    url: Annotated[str, Key("video_elem_video_url")] = ""
    snapshot_uuid: Annotated[str, Key("video_elem_image_id")] = ""
    snapshot_url: Annotated[str, Key("video_elem_image_url")] = ""

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON (what a sender writes)."""
        return {
            "elem_type": self.elem_type,
            "video_elem_video_type": self.video_type,
            "video_elem_video_size": self.size,
            "video_elem_video_duration": self.duration_s,
            "video_elem_video_path": self.path,
            "video_elem_image_type": self.snapshot_type,
            "video_elem_image_size": self.snapshot_size,
            "video_elem_image_width": self.snapshot_width,
            "video_elem_image_height": self.snapshot_height,
            "video_elem_image_path": self.snapshot_path,
        }


@model("file element")
@dataclass(frozen=True, slots=True)
class FileElem(Model):
    """A file element (``elem_type`` 4). Source: TIMMessageManager.h:2185-2199."""

    elem_type: ClassVar[int] = 4
    path: Annotated[str, Key("file_elem_file_path")] = ""
    name: Annotated[str, Key("file_elem_file_name")] = ""
    size: Annotated[int, Key("file_elem_file_size")] = 0
    uuid: Annotated[str, Key("file_elem_file_id")] = ""
    business_id: Annotated[int, Key("file_elem_business_id")] = 0
    url: Annotated[str, Key("file_elem_url")] = ""

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON (what a sender writes)."""
        return {
            "elem_type": self.elem_type,
            "file_elem_file_path": self.path,
            "file_elem_file_name": self.name,
            "file_elem_file_size": self.size,
        }


@model("face element")
@dataclass(frozen=True, slots=True)
class FaceElem(Model):
    """A face (sticker) element (``elem_type`` 6): its index and optional application data.
    Source: TIMMessageManager.h:2211-2218."""

    elem_type: ClassVar[int] = 6
    index: Annotated[int, Key("face_elem_index")]
    data: Annotated[str, Key("face_elem_buf")] = ""

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON."""
        return {"elem_type": self.elem_type, **encode(self)}


@model("location element")
@dataclass(frozen=True, slots=True)
class LocationElem(Model):
    """A location element (``elem_type`` 7). Source: TIMMessageManager.h:2202-2208."""

    elem_type: ClassVar[int] = 7
    description: Annotated[str, Key("location_elem_desc")]
    longitude: Annotated[float, Key("location_elem_longitude", convert=_float)]
    latitude: Annotated[float, Key("location_elem_latitude", convert=_float)]

    def to_json(self) -> JSONObject:
        """The element as the SDK's JSON."""
        return {
            "elem_type": self.elem_type,
            "location_elem_desc": self.description,
            "location_elem_longitude": self.longitude,
            "location_elem_latitude": self.latitude,
        }


def _profile(value: JSONObject | None) -> UserProfile | None:
    return UserProfile.from_json(value) if value else None


@model("group tips element")
@dataclass(frozen=True, slots=True)
class GroupTipsElem(Model):
    """A group tips element (``elem_type`` 5, from the server only): members joined, left,
    were kicked, promoted; the group or a member changed; a message was pinned.

    ``tip_type`` is a ``TIMGroupTipType`` value (:class:`aiotim.GroupTipType`); the member and
    change details are in ``raw`` (and decoded by the group tips stream).
    Source: TIMGroupManager.h:1440-1509.
    """

    elem_type: ClassVar[int] = 5
    tip_type: Annotated[int, Key("group_tips_elem_tip_type")]
    group_id: Annotated[str, Key("group_tips_elem_group_id")]
    op_user: Annotated[str, Key("group_tips_elem_op_user")]
    users: Annotated[tuple[str, ...], Key("group_tips_elem_user_array")]
    join_type: Annotated[int, Key("group_tips_elem_join_type")]
    member_num: Annotated[int, Key("group_tips_elem_member_num")]
    platform: Annotated[str, Key("group_tips_elem_platform")]
    op_user_profile: Annotated[
        UserProfile | None, Key("group_tips_elem_op_user_info", convert=_profile)
    ]
    raw: JSONObject = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> JSONObject:
        """The element's JSON (as received)."""
        return self.raw


@model("group report element")
@dataclass(frozen=True, slots=True)
class GroupReportElem(Model):
    """A group system notice (``elem_type`` 8, from the server only); ``report_type`` is a
    ``TIMGroupReportType`` value. Source: TIMMessageManager.h:2250-2274."""

    elem_type: ClassVar[int] = 8
    report_type: Annotated[int, Key("group_report_elem_report_type")]
    group_id: Annotated[str, Key("group_report_elem_group_id")]
    op_user: Annotated[str, Key("group_report_elem_op_user")]
    message: Annotated[str, Key("group_report_elem_msg")]
    user_data: Annotated[str, Key("group_report_elem_user_data")]
    platform: Annotated[str, Key("group_report_elem_platform")]
    shut_up_time: Annotated[int, Key("group_report_elem_shut_up_time")]
    receive_option: Annotated[int, Key("group_report_elem_group_message_receive_option")]
    op_user_profile: Annotated[
        UserProfile | None, Key("group_report_elem_op_user_info", convert=_profile)
    ]
    raw: JSONObject = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> JSONObject:
        """The element's JSON (as received)."""
        return self.raw


@model("merger element")
@dataclass(frozen=True, slots=True)
class MergerElem(Model):
    """A merged (forwarded) message list (``elem_type`` 12): title, abstracts and the text old
    SDKs show; ``messages`` are the merged messages when the SDK carries them inline.
    Source: TIMMessageManager.h:2221-2237."""

    elem_type: ClassVar[int] = 12
    title: Annotated[str, Key("merge_elem_title")]
    abstracts: Annotated[tuple[str, ...], Key("merge_elem_abstract_array")]
    compatible_text: Annotated[str, Key("merge_elem_compatible_text")]
    layer_over_limit: Annotated[bool, Key("merge_elem_layer_over_limit")]
    raw: JSONObject = field(default_factory=dict, repr=False, compare=False)

    @property
    def messages(self) -> tuple[Message, ...]:
        """The merged messages carried inline (empty when they must be downloaded)."""
        items = self.raw.get("merge_elem_message_array")
        return tuple(map(Message.from_json, items)) if isinstance(items, list) else ()

    def to_json(self) -> JSONObject:
        """The element's JSON."""
        return self.raw


@model("friend change element")
@dataclass(frozen=True, slots=True)
class FriendChangeElem(Model):
    """A friend-list change (``elem_type`` 10, deprecated: the 8.0 SDK no longer emits it;
    decoded for old payloads). Source: TIMFriendshipManager.h:1678-1702."""

    elem_type: ClassVar[int] = 10
    change_type: Annotated[int, Key("friend_change_elem_change_type")]
    added: Annotated[tuple[str, ...], Key("friend_change_elem_friend_add_identifier_array")]
    deleted: Annotated[tuple[str, ...], Key("friend_change_elem_friend_del_identifier_array")]
    raw: JSONObject = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> JSONObject:
        """The element's JSON (as received)."""
        return self.raw


@model("profile change element")
@dataclass(frozen=True, slots=True)
class ProfileChangeElem(Model):
    """A user's profile changed (``elem_type`` 11): who, and the changed items (in ``raw``
    under ``profile_change_elem_user_profile_item``). Source: TIMManager.h:870-876."""

    elem_type: ClassVar[int] = 11
    change_type: Annotated[int, Key("profile_change_elem_change_type")]
    user_id: Annotated[str, Key("profile_change_elem_from_identifier")]
    raw: JSONObject = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> JSONObject:
        """The element's JSON (as received)."""
        return self.raw


@dataclass(frozen=True, slots=True)
class UnknownElem:
    """An element type this version does not know (one the SDK adds later), as its raw JSON."""

    elem_type: int
    raw: JSONObject = field(compare=False)

    def to_json(self) -> JSONObject:
        """The element's raw JSON."""
        return self.raw


Elem = (
    TextElem
    | CustomElem
    | ImageElem
    | SoundElem
    | VideoElem
    | FileElem
    | FaceElem
    | LocationElem
    | GroupTipsElem
    | GroupReportElem
    | MergerElem
    | FriendChangeElem
    | ProfileChangeElem
    | UnknownElem
)

#: element type → its decoder
_ELEMS: dict[int, Any] = {
    cls.elem_type: cls.from_json
    for cls in (
        TextElem,
        CustomElem,
        ImageElem,
        SoundElem,
        VideoElem,
        FileElem,
        FaceElem,
        LocationElem,
        GroupTipsElem,
        GroupReportElem,
        MergerElem,
        FriendChangeElem,
        ProfileChangeElem,
    )
}


def elem_from_json(value: Any) -> Elem:
    """Decode one element of ``message_elem_array``.

    Raises:
        PayloadError: not an object, or a key of the wrong type.
    """
    if type(value) is dict:
        kind = value.get("elem_type")
        if type(kind) is int:
            decode = _ELEMS.get(kind)
            return decode(value) if decode is not None else UnknownElem(kind, value)
    d = obj(value, "message element")
    kind = get_int(d, "elem_type", "message element", -1)
    decode = _ELEMS.get(kind)
    return decode(d) if decode is not None else UnknownElem(kind, d)


def elems(items: list[Any]) -> tuple[Elem, ...]:
    """The elements of ``message_elem_array``."""
    if len(items) == 1:  # most messages
        return (elem_from_json(items[0]),)
    return tuple(map(elem_from_json, items))


def address(conv_id: str, conv_type: int = 1) -> Address:
    """The conversation of a ``(conv_id, conv_type)`` pair; PayloadError when there is none."""
    conv = _ADDRESSES.get((conv_id, conv_type))
    if conv is not None:
        return conv
    try:
        return address_of(conv_id, conv_type)
    except ValueError as exc:
        raise PayloadError("message", str(exc)) from None


#: a message's status (``message_status``): the enums' :class:`aiotim.enums.MsgStatus`
MessageStatus = MsgStatus


class Priority(enum.IntEnum):
    """A message's priority (``message_priority``; ``TIMMsgPriority``,
    TIMMessageManager.h:53-63)."""

    HIGH = 0
    NORMAL = 1
    LOW = 2
    LOWEST = 3


# Speed only: a dict lookup instead of the enum's __call__ (about 0.5 us each, twice per message)
_STATUSES: dict[int, MsgStatus] = {int(m): m for m in MsgStatus}
_PRIORITIES: dict[int, Priority] = {int(m): m for m in Priority}


def _status(value: int) -> int:
    """The MsgStatus member, or the number itself for a newer SDK's value."""
    return _STATUSES.get(value, value)


def _priority(value: int = 1) -> int:
    """The Priority member, or the number itself for a newer SDK's value."""
    return _PRIORITIES.get(value, value)


#: ``at=`` marker that mentions every member. Source: TIMMessageManager.h:2240-2242 (the C
#: SDK's spelling); the V2 SDKs spell it with three s (``AT_ALL_V2``): both are read as @all.
AT_ALL = "__kImSDK_MessageAtALL__"
AT_ALL_V2 = "__kImSDK_MesssageAtALL__"
_AT_ALL = frozenset((AT_ALL, AT_ALL_V2))
_AT_ALL_TUPLE = (AT_ALL, AT_ALL_V2)

#: C ``elem_type`` → the V2TIMElemType the UI kits write in ``messageReply.messageType``
#: (Source: /tmp/research/messages.md §5, V2 headers)
V2_ELEM_TYPE = {0: 1, 3: 2, 1: 3, 2: 4, 9: 5, 4: 6, 7: 7, 6: 8, 5: 9, 12: 10}
C_ELEM_TYPE = {v2: c for c, v2 in V2_ELEM_TYPE.items()}


@dataclass(frozen=True, slots=True)
class ReplyRef:
    """What a reply (or quote) points to: the ``messageReply`` object Tencent's UI kits put in
    ``cloud_custom_data`` (Source: TUIKit iOS ``TUIInputController.appendReplyDataIfNeeded``,
    Android ``ReplyPreviewBean``).

    ``elem_type`` is the parent's C ``elem_type`` (mapped back from the V2 type the kits
    write); ``is_quote``: a quote (reference) has no root id.
    """

    msg_id: str
    abstract: str = ""
    sender: str = ""
    elem_type: int = 0
    time: int = 0
    seq: int = 0
    root_id: str = ""

    @property
    def is_quote(self) -> bool:
        """Whether this is a quote (no thread root) rather than a reply."""
        return not self.root_id


def reply_ref(cloud_custom_data: str) -> ReplyRef | None:
    """The :class:`ReplyRef` in a message's ``cloud_custom_data``, or ``None`` (tolerant:
    other applications' data is not an error)."""
    if "messageReply" not in cloud_custom_data:
        return None
    try:
        data = orjson.loads(cloud_custom_data)
    except orjson.JSONDecodeError:
        return None
    ref = data.get("messageReply") if isinstance(data, dict) else None
    if not isinstance(ref, dict) or not isinstance(ref.get("messageID"), str):
        return None
    version = ref.get("version", 1)
    try:  # readers accept version <= 1 as an int or a string (EL writes "1")
        if int(version) > 1:
            return None
    except (TypeError, ValueError):
        return None

    def text(key: str) -> str:
        value = ref.get(key)
        return value if isinstance(value, str) else ""

    def number(key: str) -> int:
        value = ref.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    return ReplyRef(
        msg_id=ref["messageID"],
        abstract=text("messageAbstract"),
        sender=text("messageSender"),
        elem_type=C_ELEM_TYPE.get(number("messageType"), -1),
        time=number("messageTime"),
        seq=number("messageSequence"),
        root_id=text("messageRootID"),
    )


def _peer_read(conv_level: bool, message_level: bool) -> bool:
    return conv_level or message_level


@model("message", fast=True)
@dataclass(frozen=True, slots=True)
class Message(Model):
    """A message as the SDK reports it (sent, received or read from history).

    ``text`` joins the text elements (``None`` when there is none); ``raw`` is the SDK's JSON.
    ``at_users``: the user ids a group message mentions (:data:`AT_ALL` for everyone);
    ``reply_to``: what it replies to (the UI kits' ``messageReply`` in ``cloud_custom_data``);
    ``is_peer_read``: the C2C peer read it (conversation or message receipt);
    ``local_custom_int``/``local_custom_str``: this device's data on it (never sent);
    ``is_at_me``: it mentions the logged-in user of the client that received it (by name or
    @all; never one's own message) — set on new messages and history by that client.
    """

    # Neither key is required: the SDK's own JSON examples of received messages have no
    # message_msg_id (/work/shared/seeds 003, examples 01 and 11) and system messages have
    # conv_id "" (example 02), so an empty value here is not a malformed message.
    id: Annotated[str, Key("message_msg_id")]
    conv: Annotated[Address, Key("message_conv_id", "message_conv_type", convert=address)]
    sender: Annotated[str, Key("message_sender")]
    elems: Annotated[tuple[Elem, ...], Key("message_elem_array", convert=elems)]
    seq: Annotated[int, Key("message_seq")]
    rand: Annotated[int, Key("message_rand")]
    server_time: Annotated[int, Key("message_server_time")]
    client_time: Annotated[int, Key("message_client_time")]
    is_self: Annotated[bool, Key("message_is_from_self")]
    is_read: Annotated[bool, Key("message_is_read")]
    status: Annotated[int, Key("message_status", convert=_status)]
    at_users: Annotated[tuple[str, ...], Key("message_group_at_user_array")]
    cloud_custom_data: Annotated[str, Key("message_cloud_custom_str")]
    priority: Annotated[int, Key("message_priority", convert=_priority)]
    need_read_receipt: Annotated[bool, Key("message_need_read_receipt")]
    is_peer_read: Annotated[
        bool, Key("message_is_peer_read", "message_receipt_peer_read", convert=_peer_read)
    ]
    is_online_only: Annotated[bool, Key("message_is_online_msg")]
    local_custom_int: Annotated[int, Key("message_custom_int")]
    local_custom_str: Annotated[str, Key("message_custom_str")]
    # Not a key of the SDK's JSON (a message does not say who received it): the client that
    # received the message sets it (aiotim.Client marks new messages and history), so decoding
    # SDK JSON gives False.
    is_at_me: Annotated[bool, Key("message_is_at_me")]
    raw: JSONObject = field(repr=False, compare=False)

    @property
    def text(self) -> str | None:
        """The text elements joined, or ``None`` when the message has no text element."""
        elems = self.elems
        if len(elems) == 1:  # most messages
            one = elems[0]
            return one.text if isinstance(one, TextElem) else None
        texts = [e.text for e in elems if isinstance(e, TextElem)]
        return "".join(texts) if texts else None

    @property
    def reply_to(self) -> ReplyRef | None:
        """What this message replies to or quotes (parsed from ``cloud_custom_data``), or
        ``None``."""
        return reply_ref(self.cloud_custom_data) if self.cloud_custom_data else None

    @property
    def is_at_all(self) -> bool:
        """Whether the message mentions every member (either spelling of the @all marker)."""
        return any(u in _AT_ALL for u in self.at_users)

    def is_at(self, user_id: str) -> bool:
        """Whether the message mentions ``user_id`` (by name or by @all)."""
        return any(u == user_id or u in _AT_ALL for u in self.at_users)


def mark_at_me(msgs: list[Any], user_id: str | None) -> None:
    """Set ``is_at_me`` on the messages of ``msgs`` that mention ``user_id`` (by name or @all)
    and were not sent by that user; other items are left alone."""
    if user_id:  # frozen: set once, before anyone sees them (a C loop: runs are long)
        _c_mark_at_me(msgs, user_id, _AT_ALL_TUPLE)


# -- decoding in C (aiotim/models/_cmessage.c) ------------------------------------------------


class _RawJSON:
    """``Message.raw``, the message's JSON object. A message built by the C decoder keeps its
    JSON as the bytes it came in; this decodes them on first use (few readers need them: the
    typed fields are already there) and keeps the result in the slot."""

    __slots__ = ("_slot",)

    def __init__(self, slot: Any) -> None:
        self._slot = slot

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = self._slot.__get__(obj, owner)
        if type(value) is bytes:
            value = orjson.loads(value)
            self.__set__(obj, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        # the C decoder leaves its messages out of the cyclic GC (immutable values only); one
        # holding a dict could be in a cycle: the collector must see it again
        _c_track(obj)
        self._slot.__set__(obj, value)


def _install_c_decoder() -> None:
    slots = {f.name: Message.__dict__[f.name] for f in fields(Message)}
    _c_configure(
        Message, slots, TextElem, TextElem.__dict__["text"], address, _STATUSES, _PRIORITIES
    )
    setattr(Message, "raw", _RawJSON(slots["raw"]))  # noqa: B010 - the slot, wrapped


_install_c_decoder()
_loads = orjson.loads


def messages_from_bytes(payload: bytes) -> list[Message]:
    """The messages of a JSON array of message objects, as ``Message.from_json`` decodes each
    (built in C where it can; the other objects through ``from_json``).

    Raises:
        PayloadError: a message object that ``from_json`` refuses.
        orjson.JSONDecodeError: malformed JSON. TypeError: not an array (of objects).
    """
    got = _c_decode(payload)
    if got is None:
        return [_from_json(m) for m in _loads(payload)]
    return decoded_messages(got)


def decoded_messages(got: tuple[list[Message | bytes], int]) -> list[Message]:
    """The C decoder's ``(items, slow)``: its messages, with those it left to Python (``slow``
    of them, as their JSON) decoded by ``from_json``."""
    items, slow = got
    if slow:
        return list(map(decoded_message, items))
    return cast(list[Message], items)  # none is bytes when slow is 0


def decoded_message(item: Message | bytes) -> Message:
    """An item of the C decoder's list: a ``Message``, or the JSON of one it left to
    ``from_json``."""
    return item if isinstance(item, Message) else _from_json(_loads(item))


def message_from_bytes(payload: bytes) -> Message:
    """One message object's JSON, as ``Message.from_json(orjson.loads(payload))`` gives it
    (built in C where it can).

    Raises:
        PayloadError: what ``from_json`` refuses. orjson.JSONDecodeError: malformed JSON.
    """
    got = _c_decode_one(payload)
    if type(got) is Message:
        return got
    return _from_json(_loads(payload))


_from_json = Message.from_json


# -- element constructors (what a sender writes) ---------------------------------------------


def Text(text: str) -> TextElem:
    """A text element to send."""
    if not isinstance(text, str):
        raise TypeError(f"Text() needs a str, got {type(text).__name__}")
    return TextElem(text)


def Custom(data: str, description: str = "", extension: str = "") -> CustomElem:
    """A custom element to send (application data; encode binary data, e.g. base64)."""
    for name, value in (("data", data), ("description", description), ("extension", extension)):
        if not isinstance(value, str):
            raise TypeError(f"Custom() {name} must be a str, got {type(value).__name__}")
    return CustomElem(data, description, extension)


def Face(index: int, data: str = "") -> FaceElem:
    """A face (sticker) element to send: its index and optional application data."""
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"Face() index must be an int, got {type(index).__name__}")
    if not isinstance(data, str):
        raise TypeError(f"Face() data must be a str, got {type(data).__name__}")
    return FaceElem(index, data)


def Location(description: str, longitude: float, latitude: float) -> LocationElem:
    """A location element to send (degrees)."""
    if not isinstance(description, str):
        raise TypeError(f"Location() description must be a str, got {description!r}")
    for name, value, limit in (("longitude", longitude, 180), ("latitude", latitude, 90)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"Location() {name} must be a number, got {value!r}")
        if not -limit <= value <= limit:
            raise ValueError(f"Location() {name} must be within ±{limit}, got {value!r}")
    return LocationElem(description, float(longitude), float(latitude))


def _path(what: str, path: str | os.PathLike[str]) -> str:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{what}() path must be a str or os.PathLike, got {path!r}")
    text = os.fspath(path)
    if not text:
        raise ValueError(f"{what}() path is empty")
    return os.path.abspath(text)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # the SDK reports a missing file when it sends (7004)


def Image(path: str | os.PathLike[str], *, level: int = 1) -> ImageElem:
    """An image element to send from a local file (``level``: 0 original only, 1 compressed,
    2 HD; TIMImageLevel)."""
    if level not in (0, 1, 2):
        raise ValueError(f"Image() level must be 0, 1 or 2, got {level!r}")
    return ImageElem(path=_path("Image", path), level=level)


def Sound(path: str | os.PathLike[str], duration_s: int) -> SoundElem:
    """A sound element to send from a local file, ``duration_s`` seconds long."""
    if isinstance(duration_s, bool) or not isinstance(duration_s, int) or duration_s < 0:
        raise ValueError(f"Sound() duration_s must be a non-negative int, got {duration_s!r}")
    p = _path("Sound", path)
    return SoundElem(path=p, size=_size(p), duration_s=duration_s)


def Video(
    path: str | os.PathLike[str], duration_s: int, snapshot_path: str | os.PathLike[str]
) -> VideoElem:
    """A video element to send from a local file, with a snapshot image file."""
    if isinstance(duration_s, bool) or not isinstance(duration_s, int) or duration_s < 0:
        raise ValueError(f"Video() duration_s must be a non-negative int, got {duration_s!r}")
    p, snap = _path("Video", path), _path("Video", snapshot_path)
    return VideoElem(
        path=p,
        video_type=os.path.splitext(p)[1].lstrip(".") or "mp4",
        size=_size(p),
        duration_s=duration_s,
        snapshot_path=snap,
        snapshot_type=os.path.splitext(snap)[1].lstrip(".") or "jpg",
        snapshot_size=_size(snap),
    )


def File(path: str | os.PathLike[str], name: str | None = None) -> FileElem:
    """A file element to send from a local file (``name``: default the file's name)."""
    p = _path("File", path)
    if name is not None and not isinstance(name, str):
        raise TypeError(f"File() name must be a str, got {type(name).__name__}")
    return FileElem(path=p, name=name or os.path.basename(p), size=_size(p))
