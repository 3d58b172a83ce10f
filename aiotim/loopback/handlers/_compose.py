"""Composing a message to store: the checks every send makes and the stored form, shared by
one-to-one sends (:mod:`.messages`) and group sends (:mod:`.group_messages`).

Below the domain modules: it knows the :class:`Call` and the store, nothing of the domains.
"""

from __future__ import annotations

import errno
import os
import random
import secrets
import time
from typing import Any

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud import jsonshapes, media
from aiotim.loopback.cloud.state import StoredMessage
from aiotim.loopback.handlers._call import Call, CallError

__all__ = ["AT_ALL", "check_param", "compose", "uint"]

E = TIMErrCode


def uint(value: object, bits: int) -> int | None:
    """``value`` if it is an int in ``[0, 2**bits)``, else ``None``."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < (1 << bits):
        return value
    return None


def _new_msg_id(client_time: int, rand: int) -> str:
    # The SDK's own format: <16 hex digits>-<client time s>-<rand>.
    return f"{secrets.token_hex(8)}-{client_time}-{rand}"


def check_param(call: Call, conv_id: str, param: Any) -> dict[str, Any]:
    """The send's ``json_msg_param``, checked: a non-empty element array with types."""
    if not conv_id:
        raise CallError(E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: conv_id is empty")
    if not isinstance(param, dict):
        raise CallError(
            E.ERR_INVALID_PARAMETERS, f"{call.fn.name}: json_msg_param is not an object"
        )
    elems = param.get("message_elem_array")
    if not isinstance(elems, list) or not elems:
        raise _malformed_elems()
    for elem in elems:
        if not isinstance(elem, dict) or uint(elem.get("elem_type"), 8) is None:
            raise _malformed_elems()
    # One pass for the rest (every send goes through it): the first element that cannot be sent
    # is refused, then the size of the whole body.
    size = 0
    has_media = False
    for elem in elems:
        kind = elem["elem_type"]
        if kind not in _SENDABLE:
            # Source: TIMMessageManager.h:778 (group tips and reports come from the server only)
            raise CallError(E.ERR_INVALID_MSG_ELEM, f"elem_type {kind} cannot be sent")
        if kind in _MEDIA:
            has_media = True
        if kind != 12:
            for value in elem.values():
                if isinstance(value, str):
                    size += len(value.encode())
    if size > MAX_BODY_BYTES:
        # Source: TIMErrorCode.h:74 ERR_SDK_MSG_BODY_SIZE_LIMIT; the service's 12 KB body limit
        raise CallError(
            E.ERR_SDK_MSG_BODY_SIZE_LIMIT,
            f"the message body is {size} bytes, over the {MAX_BODY_BYTES}-byte limit",
        )
    checked: dict[str, Any] = param
    if has_media:
        checked = _attach_media(call, checked)
    return checked


def _malformed_elems() -> CallError:
    return CallError(
        E.ERR_INVALID_MSG_ELEM,
        "message_elem_array must be a non-empty array of elems with elem_type",
    )


# -- media ------------------------------------------------------------------------------------

_MB = 1024 * 1024
#: The files of each media element: (path key, id key, url key, size key, size limit, is an
#: image). Source: TIMMessageManager.h:2082-2199; limits: image and sound 28 MB, video and file
#: 100 MB (messages.md §2, TIMErrorCode.h:36 ERR_SDK_COMM_FILE_TOO_LARGE). GUESS: a video's
#: snapshot has the image limit.
_MEDIA_FILES: dict[int, tuple[tuple[str, str, str, str, int, bool], ...]] = {
    1: (("image_elem_orig_path", "image_elem_orig_id", "", "", 28 * _MB, True),),
    2: (("sound_elem_file_path", "sound_elem_file_id", "sound_elem_url",
         "sound_elem_file_size", 28 * _MB, False),),
    4: (("file_elem_file_path", "file_elem_file_id", "file_elem_url", "file_elem_file_size",
         100 * _MB, False),),
    9: (
        ("video_elem_video_path", "video_elem_video_id", "video_elem_video_url",
         "video_elem_video_size", 100 * _MB, False),
        ("video_elem_image_path", "video_elem_image_id", "video_elem_image_url",
         "video_elem_image_size", 28 * _MB, True),
    ),
}  # fmt: skip
_BUSINESS_KEYS = {
    2: "sound_elem_business_id",
    4: "file_elem_business_id",
    9: "video_elem_business_id",
}
#: the private key carrying the sender's own copy of the elements (with its local paths) from
#: check_param to compose; never stored in the body (not a CLIENT_MESSAGE_KEYS key)
_SENDER_ELEMS = "\0sender_elems"


def _upload_error(up: media.Upload | None, path: str, limit: int) -> tuple[int, str] | None:
    if up is None:
        # Source: messages.md §2 (6008 upload failure). The loopback SDK uploads the files of
        # TIMMsgSendMessage / TIMMsgSendNewMsg(Ex) sends only.
        return (
            E.ERR_FILE_TRANS_UPLOAD_FAILED,
            f"{path!r} was not uploaded (the loopback SDK uploads the media files of "
            "TIMMsgSendMessage and TIMMsgSendNewMsg sends only)",
        )
    if up.error:
        # Source: TIMErrorCode.h:35-38 (7004 file not found, 7007 cannot open)
        code = (
            E.ERR_SDK_COMM_FILE_NOT_FOUND
            if up.error == errno.ENOENT
            else E.ERR_SDK_COMM_FILE_OPEN_FAILED
        )
        return code, f"cannot read {path!r}: {os.strerror(up.error)}"
    if up.total > limit:
        return E.ERR_SDK_COMM_FILE_TOO_LARGE, f"{path!r} is {up.total} bytes, over {limit}"
    if up.total == 0:
        return E.ERR_SDK_COMM_FILE_SIZE_EMPTY, f"{path!r} is empty"
    if not up.complete:
        return E.ERR_FILE_TRANS_UPLOAD_FAILED, f"the upload of {path!r} is incomplete"
    return None


def _ext(path: str) -> str:
    ext = os.path.splitext(path)[1].lstrip(".").lower()
    return ext if ext.isalnum() and len(ext) <= 8 else ""


def _image_keys(out: dict[str, Any], file_id: str, data: bytes, path: str) -> None:
    width, height, fmt = media.image_size(data)
    if fmt == media.NOT_AN_IMAGE:
        # Source: TIMErrorCode.h:68 ERR_IMAGE_UPLOAD_FAILED_NOTIMAGE
        raise CallError(E.ERR_IMAGE_UPLOAD_FAILED_NOTIMAGE, f"{path!r} is not an image")
    out.setdefault("image_elem_format", fmt)
    url = media.file_url(file_id)
    # GUESS (messages.md §1): no resampling: the three images are the original.
    for level in ("orig", "thumb", "large"):
        out[f"image_elem_{level}_id"] = file_id
        out[f"image_elem_{level}_url"] = url
        out[f"image_elem_{level}_pic_size"] = len(data)
        out[f"image_elem_{level}_pic_width"] = width
        out[f"image_elem_{level}_pic_height"] = height


def _attach_media(call: Call, param: dict[str, Any]) -> dict[str, Any]:
    """Keep the uploaded files of the media elements and fill their ids, URLs and sizes.

    The stored elements (what receivers see) have no local paths: the sender's paths stay in
    the sender's copy only (messages.md §1; V2TIMVideoElem "只有发送方才能获取到"). A media
    element without a path must name a stored file already (a received element sent again).
    """
    uploads = media.take_uploads(call.app, call.conn, call.req_id)
    files = media.state_of(call.app)
    shown: list[dict[str, Any]] = []
    own: list[dict[str, Any]] = []
    for index, elem in enumerate(param["message_elem_array"]):
        kind = elem["elem_type"]
        if kind not in _MEDIA_FILES:
            shown.append(elem)
            own.append(elem)
            continue
        out = {k: v for k, v in elem.items() if not k.endswith("_path")}
        for path_key, id_key, url_key, size_key, limit, is_image in _MEDIA_FILES[kind]:
            path = elem.get(path_key)
            if not isinstance(path, str) or not path:
                known = out.get(id_key)
                if isinstance(known, str) and files.get(known) is not None:
                    continue  # a stored file, sent again
                raise CallError(
                    E.ERR_SDK_COMM_FILE_NOT_FOUND,
                    f"element {index}: {path_key} is empty (a media element needs a file)",
                )
            up = uploads.get((index, path_key))
            problem = _upload_error(up, path, limit)
            if problem is not None:
                raise CallError(*problem)
            assert up is not None
            data = bytes(up.data)
            ext = _ext(path) or str(elem.get("video_elem_video_type") or "")
            file_id = files.put(data, sdk_app_id=call.app.sdk_app_id, sender=call.user, ext=ext)
            if kind == 1:
                _image_keys(out, file_id, data, path)
                continue
            out[id_key], out[url_key], out[size_key] = file_id, media.file_url(file_id), len(data)
            if is_image:  # a video's snapshot
                width, height, _ = media.image_size(data)
                out["video_elem_image_width"] = out.get("video_elem_image_width") or width
                out["video_elem_image_height"] = out.get("video_elem_image_height") or height
            if kind == 4 and not out.get("file_elem_file_name"):
                out["file_elem_file_name"] = os.path.basename(path)
        if kind in _BUSINESS_KEYS:
            out.setdefault(_BUSINESS_KEYS[kind], 0)
        shown.append(out)
        own.append({**out, **{k: v for k, v in elem.items() if k.endswith("_path")}})
    return {**param, "message_elem_array": shown, _SENDER_ELEMS: own}


#: the longest client-given message id kept as is (the SDK's ids are under 64 bytes)
_MAX_MSG_ID = 128

#: the service's message body limit (12 KB). GUESS: counted as the UTF-8 bytes of the
#: elements' string fields.
MAX_BODY_BYTES = 12 * 1024


#: element types a client may send (Source: TIMMessageManager.h:778)
_SENDABLE = frozenset((0, 1, 2, 3, 4, 6, 7, 9, 12))
_MEDIA = {1: "image", 2: "sound", 4: "file", 9: "video"}
#: the @all marker as the C SDK emits it, and the V2 SDKs' spelling it also accepts
#: (Source: TIMMessageManager.h:2240-2242, 2659-2661)
AT_ALL = "__kImSDK_MessageAtALL__"
_AT_ALL_V2 = "__kImSDK_MesssageAtALL__"


def _client_keys(param: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``param`` a message keeps (CLIENT_MESSAGE_KEYS), in that tuple's order."""
    return {key: param[key] for key in jsonshapes.CLIENT_MESSAGE_KEYS if key in param}


def compose(
    call: Call, *, conv_key: str, conv_type: int, target: str, param: dict[str, Any], msg_id: str
) -> tuple[StoredMessage, bool]:
    """The message to store for this send, and whether it is new: a resend of a stored
    message (same id, same sender) is the stored one, never a second copy."""
    store, sender = call.app.store, call.user
    # A resend carries the message's own id in json_msg_param (aiotim's messages.resend/retry=;
    # the SDK's out-buffer id is then a fresh one): that id is the message's. De-duplicated by
    # (sender, message id), like the service's repeated Random (Source: trtc.io/document/34959,
    # tim-service.md "Duplicate sends"; the loopback keeps stored ids for good and online-only
    # ones for 5 minutes).
    given = param.get("message_msg_id")
    if isinstance(given, str) and given and len(given) <= _MAX_MSG_ID:
        msg_id = given
    if msg_id:
        existing = store.sent_message(sender, msg_id)
        if existing is not None:
            return existing, False
        if msg_id in store.by_id:  # another sender's id: this message gets its own
            msg_id = ""
    now = int(time.time())
    rand = uint(param.get("message_rand"), 32)
    if rand is None and msg_id:
        tail = msg_id.rpartition("-")[2]
        rand = uint(int(tail), 32) if tail.isdecimal() else None
    if rand is None:
        rand = random.getrandbits(32)
    client_time = uint(param.get("message_client_time"), 64) or now
    body = _client_keys(param)
    at = body.get("message_group_at_user_array")
    if isinstance(at, list):
        body["message_group_at_user_array"] = [AT_ALL if u == _AT_ALL_V2 else u for u in at]
    own = param.get(_SENDER_ELEMS)
    msg = StoredMessage(
        conv_key=conv_key,
        conv_type=conv_type,
        sender=sender,
        target=target,
        body=body,
        rand=rand,
        server_time=now,
        client_time=client_time,
        msg_id=msg_id or _new_msg_id(client_time, rand),
        unique_id=store.new_unique_id(),
    )
    if own is not None:
        # The sender's copy keeps its local paths (kept per user like TIMMsgSetLocalCustomData's
        # keys), receivers see ids and URLs.
        msg.local_custom[sender] = {"message_elem_array": own}
    if param.get("message_is_online_msg") is True:
        store.remember_online(msg)  # never stored: remembered for the de-duplication only
    return msg, True
