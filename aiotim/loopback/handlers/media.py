"""Media downloads: ``TIMMsgDownloadElemToPath`` streams a stored file (:mod:`..cloud.media`)
to the SDK, which writes it to the caller's path.

Uploads need no handler: the SDK's ``U`` frames are collected by the server
(:func:`aiotim.loopback.cloud.media.on_upload`) and taken by the send
(:mod:`._compose`).
"""

from __future__ import annotations

from typing import Any

import orjson

from aiotim.enums import TIMErrCode
from aiotim.loopback.cloud import media
from aiotim.loopback.handlers._call import Call, CallError, HandlerTable

__all__ = ["HANDLERS"]

E = TIMErrCode
HANDLERS = HandlerTable()

#: TIMDownloadType: 0 video snapshot (and images), 1 file, 2 video, 3 sound
#: (Source: TIMMessageManager.h:177-186)
_TYPES = frozenset((0, 1, 2, 3))


def _progress(current: int, total: int) -> bytes:
    # Source: TIMMessageManager.h:2425-2431 (msg_download_elem_result_*)
    return orjson.dumps(
        {
            "msg_download_elem_result_current_size": current,
            "msg_download_elem_result_total_size": total,
        }
    )


@HANDLERS.on("TIMMsgDownloadElemToPath")
def _download(call: Call) -> None:
    """The file named by the param's id (or url) in ``F`` frames, each followed by a progress
    callback (desc ``"downloading"``, TIMMessageManager.h:909-910), then the result: the same
    object with current == total (GUESS). Unknown file: 6009 ERR_FILE_TRANS_DOWNLOAD_FAILED
    (GUESS, messages.md §3.1)."""
    param: Any = call.json(0)
    path = call.text(1)
    if not isinstance(param, dict):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_download_elem_param is not an object")
    if not path:
        raise CallError(E.ERR_INVALID_PARAMETERS, "path is empty")
    if param.get("msg_download_elem_param_type", 0) not in _TYPES:
        raise CallError(E.ERR_INVALID_PARAMETERS, "msg_download_elem_param_type is not 0-3")
    files = media.state_of(call.app)
    data = None
    for key in ("msg_download_elem_param_id", "msg_download_elem_param_url"):
        ref = param.get(key)
        if isinstance(ref, str) and ref:
            data = files.get(ref)
            if data is not None:
                break
    if data is None:
        raise CallError(E.ERR_FILE_TRANS_DOWNLOAD_FAILED, "no such file in the loopback cloud")
    total = len(data)
    media.send_file(
        call.conn, call.req_id, data, [_progress(n, total) for n in media.chunk_ends(total)]
    )
    call.ok(_progress(total, total))


# -- the loopback's stand-ins for Tencent's translation and speech services ---------------------

_MAX_TRANSLATE = 100  # GUESS: texts per call


@HANDLERS.on("TIMMsgTranslateText")
def _translate(call: Call) -> bytes:
    """A deterministic fake, not a translation: the loopback has no translation service, so
    each text comes back as ``"[<target>] <text>"`` (a test can check what was asked). Result
    keys: TIMMessageManager.h:2574-2578."""
    texts: Any = call.json(0)
    target = call.text(2)
    if (
        not isinstance(texts, list)
        or not texts
        or len(texts) > _MAX_TRANSLATE
        or not all(isinstance(t, str) for t in texts)
    ):
        raise CallError(E.ERR_INVALID_PARAMETERS, "json_source_text_array: 1 to 100 strings")
    if not target:
        raise CallError(E.ERR_INVALID_PARAMETERS, "target_language is empty")
    return orjson.dumps(
        [
            {
                "msg_translate_text_source_text": t,
                "msg_translate_text_target_text": f"[{target}] {t}",
            }
            for t in texts
        ]
    )


@HANDLERS.on("TIMMsgConvertVoiceToText")
def _voice_to_text(call: Call) -> str:
    """A deterministic fake, not speech recognition: the loopback has no speech service, so
    the "transcript" of a stored sound file is its bytes decoded as UTF-8 (a test writes the
    words it wants into the file it sends as a voice message). Unknown url: 6009 (GUESS)."""
    data = media.state_of(call.app).get(call.text(0))
    if data is None:
        raise CallError(
            E.ERR_FILE_TRANS_DOWNLOAD_FAILED, "no such sound file in the loopback cloud"
        )
    return data.decode("utf-8", "replace")
