"""UserSig generation and verification (Tencent's TLS signature, version 2).

A UserSig is the credential a user logs in with. Version 2 is symmetric: the app's secret key
HMAC-SHA256-signs four lines (identifier, app id, issue time, lifetime), and the signed document
travels as zlib-compressed JSON in a URL-safe variant of base64 (``+`` → ``*``, ``/`` → ``-``,
``=`` → ``_``). This module produces exactly what Tencent's public generators
(``tls-sig-api-v2-*``) produce, so a sig made here logs in to the real cloud, and the loopback
cloud checks sigs the same way the real one does.

Error messages never contain the sig or the key: a UserSig is a bearer credential.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import zlib
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DEFAULT_EXPIRE",
    "UserSigError",
    "UserSigErrorReason",
    "UserSigInfo",
    "gen_user_sig",
    "verify_user_sig",
]

#: Tencent's generators default to 180 days.
DEFAULT_EXPIRE = 180 * 86400

#: Why a sig was refused.
UserSigErrorReason = Literal[
    "expired", "bad_signature", "wrong_identifier", "wrong_app_id", "malformed"
]

_VERSION = "2.0"
# The sig is a credential, not a data blob: anything bigger is garbage (or an attack on zlib).
_MAX_SIG_CHARS = 16 * 1024
_MAX_DOC_BYTES = 16 * 1024
_ENCODE = str.maketrans("+/=", "*-_")
_DECODE = str.maketrans("*-_", "+/=")


class UserSigError(ValueError):
    """Raised when a UserSig is refused; ``reason`` says why (see :data:`UserSigErrorReason`)."""

    def __init__(self, reason: UserSigErrorReason, message: str) -> None:
        super().__init__(message)
        self.reason: UserSigErrorReason = reason


@dataclass(frozen=True, slots=True)
class UserSigInfo:
    """What a valid UserSig says: who, for which app, issued when, valid how long (seconds)."""

    identifier: str
    sdk_app_id: int
    time: int
    expire: int

    @property
    def expires_at(self) -> int:
        """Unix time (seconds) at which the sig stops being valid."""
        return self.time + self.expire


def _content(identifier: str, sdk_app_id: int, issued: int, expire: int) -> bytes:
    # The exact byte layout the cloud signs: four "TLS.<name>:<value>\n" lines in this order.
    return (
        f"TLS.identifier:{identifier}\n"
        f"TLS.sdkappid:{sdk_app_id}\n"
        f"TLS.time:{issued}\n"
        f"TLS.expire:{expire}\n"
    ).encode()


def _hmac_b64(secret_key: str, content: bytes) -> str:
    digest = hmac.new(secret_key.encode(), content, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def gen_user_sig(
    sdk_app_id: int,
    secret_key: str,
    user_id: str,
    expire: int = DEFAULT_EXPIRE,
    *,
    now: int | None = None,
) -> str:
    """Make a UserSig for ``user_id`` of app ``sdk_app_id``, valid ``expire`` seconds.

    Args:
        sdk_app_id: the app's SDKAppID.
        secret_key: the app's secret key (from the IM console).
        user_id: the user the sig is for.
        expire: lifetime in seconds from ``now`` (default 180 days, like Tencent's generators).
        now: issue time (Unix seconds); the current time when ``None``. Tests pin it.

    Raises:
        ValueError: ``user_id`` is empty, or ``expire`` is negative.
    """
    if not user_id:
        raise ValueError("user_id must not be empty")
    if expire < 0:
        raise ValueError("expire must be >= 0 seconds")
    issued = int(time.time()) if now is None else int(now)
    # Key order and json.dumps' default separators as in Tencent's reference generator, so
    # that the same inputs give byte-identical sigs.
    doc = {
        "TLS.ver": _VERSION,
        "TLS.identifier": user_id,
        "TLS.sdkappid": int(sdk_app_id),
        "TLS.expire": int(expire),
        "TLS.time": issued,
        "TLS.sig": _hmac_b64(secret_key, _content(user_id, sdk_app_id, issued, expire)),
    }
    compressed = zlib.compress(json.dumps(doc).encode())
    return base64.b64encode(compressed).decode("ascii").translate(_ENCODE)


def _malformed(what: str) -> UserSigError:
    return UserSigError("malformed", f"malformed UserSig: {what}")


def _decode_doc(user_sig: str) -> dict[str, object]:
    if not user_sig:
        raise _malformed("empty")
    if len(user_sig) > _MAX_SIG_CHARS:
        raise _malformed("too long")
    try:
        raw = base64.b64decode(user_sig.translate(_DECODE), validate=True)
    except (binascii.Error, ValueError):
        raise _malformed("not base64") from None
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(raw, _MAX_DOC_BYTES)
        # Trailing bytes after the zlib stream are refused too: a sig has one canonical form.
        if inflater.unconsumed_tail or inflater.unused_data or not inflater.eof:
            raise _malformed("truncated, oversized or trailing data")
    except zlib.error:
        raise _malformed("not zlib data") from None
    try:
        doc = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise _malformed("not JSON") from None
    if not isinstance(doc, dict):
        raise _malformed("not a JSON object")
    return doc


def _int_field(doc: dict[str, object], key: str) -> int:
    value = doc.get(key)
    # Some generators write numbers as strings; accept both, refuse anything else.
    if isinstance(value, bool):
        raise _malformed(f"{key} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdecimal():
        return int(value)
    raise _malformed(f"{key} missing or not an integer")


def verify_user_sig(
    sdk_app_id: int,
    secret_key: str,
    user_id: str,
    user_sig: str,
    *,
    now: int | None = None,
) -> UserSigInfo:
    """Check ``user_sig`` the way the IM cloud does at login; return what it says.

    The checks run in the cloud's order: well-formed, issued for this app, for this user,
    signed with this key, not expired.

    Args:
        sdk_app_id: the app's SDKAppID.
        secret_key: the app's secret key.
        user_id: the user logging in.
        user_sig: the sig presented.
        now: the time to check expiry against (Unix seconds); the current time when ``None``.

    Raises:
        UserSigError: with ``reason`` ``"malformed"``, ``"wrong_app_id"``,
            ``"wrong_identifier"``, ``"bad_signature"`` or ``"expired"``.
    """
    doc = _decode_doc(user_sig)
    if doc.get("TLS.ver") != _VERSION:
        raise _malformed("unsupported TLS.ver (only 2.0 is supported)")
    identifier = doc.get("TLS.identifier")
    signature = doc.get("TLS.sig")
    if not isinstance(identifier, str):
        raise _malformed("TLS.identifier missing or not a string")
    if not isinstance(signature, str):
        raise _malformed("TLS.sig missing or not a string")
    app = _int_field(doc, "TLS.sdkappid")
    issued = _int_field(doc, "TLS.time")
    expire = _int_field(doc, "TLS.expire")
    if app != sdk_app_id:
        raise UserSigError("wrong_app_id", f"UserSig was issued for another SDKAppID ({app})")
    if identifier != user_id:
        raise UserSigError("wrong_identifier", "UserSig was issued for another user id")
    expected = _hmac_b64(secret_key, _content(identifier, app, issued, expire))
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise UserSigError("bad_signature", "UserSig signature check failed (wrong secret key?)")
    info = UserSigInfo(identifier, app, issued, expire)
    current = int(time.time()) if now is None else int(now)
    if current >= info.expires_at:
        raise UserSigError("expired", f"UserSig expired at {info.expires_at} (now {current})")
    return info
