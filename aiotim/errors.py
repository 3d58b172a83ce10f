"""The one exception tree of aiotim.

Everything aiotim raises on purpose derives from :class:`AioTIMError`. Failures reported by the
SDK are :class:`TIMError`, with the SDK's ``code`` and ``desc``; the subclasses below group the
codes a program may want to handle (``except NotLoggedIn``, ``except InvalidUserSig``), and some
also derive from the builtin that fits (``NetworkError`` is a ``ConnectionError``, ``TIMTimeout``
a ``TimeoutError``, ``InvalidParameter`` a ``ValueError``).

The SDK has two code spaces: the ``int`` a call returns at once is a ``TIMResult`` (0, -1..-6;
:func:`error_from_result`, :func:`check_result`), and the ``code`` of a callback is a
``TIMErrCode`` (0, 6014, 70001, ...; :func:`error_from_code`). They overlap only at 0.

No message aiotim builds contains a UserSig or a key: SDK descriptions and payload excerpts go
through :func:`redact` first.
"""

from __future__ import annotations

import re
from typing import Any

from aiotim.enums import TIMErrCode, TIMResult

__all__ = [
    "AioTIMError",
    "ClientClosed",
    "InvalidJSON",
    "InvalidParameter",
    "InvalidUserSig",
    "KickedOfflineError",
    "NetworkError",
    "NotInitialized",
    "NotLoggedIn",
    "NotSupported",
    "PayloadError",
    "RateLimited",
    "SDKNotFound",
    "StreamOverflow",
    "TIMError",
    "TIMTimeout",
    "UnsupportedBySDK",
    "check_result",
    "error_from_code",
    "error_from_result",
    "forget_secret",
    "redact",
    "remember_secret",
    "scrub_exception",
]


# ---- redaction ---------------------------------------------------------------------------

# A value after a telling key: user_sig=..., "userSig": "...", secret_key: ..., sign=...
_KEYED_SECRET_RE = re.compile(
    r"(?i)\b(user_?sig|usersig|sig|sign|signature|secret_?key|private_?key|password|passwd|"
    r"token)\b(\s*[\"']?\s*[:=]\s*[\"']?)([^\s\"',;&}\]]+)"
)
# A long token of the base64 alphabets, TLS-sig flavour (*-_) included; a UserSig is 150+ chars.
_TOKEN_RE = re.compile(r"[A-Za-z0-9*\-_+/=]{40,}")
# A secret key (64 hex digits) or any other long hex secret.
_HEX_RE = re.compile(r"\b[0-9a-fA-F]{32,}\b")

#: a fragment of a known secret this long or longer is masked wherever it appears
MIN_FRAGMENT = 8
#: secrets shorter than this are not remembered (a UserSig is 150+ characters)
_MIN_SECRET = 16
#: how many secrets are remembered (the oldest is forgotten first)
_MAX_SECRETS = 64
#: the remembered secrets, oldest first
_secrets: dict[str, None] = {}
#: every MIN_FRAGMENT-long piece of a remembered secret -> how many secrets contain it
_grams: dict[str, int] = {}


def _pieces(secret: str) -> set[str]:
    return {secret[i : i + MIN_FRAGMENT] for i in range(len(secret) - MIN_FRAGMENT + 1)}


def remember_secret(secret: str) -> None:
    """From now on, mask ``secret`` — and any piece of it of :data:`MIN_FRAGMENT` or more
    characters — in everything :func:`redact` sees (exception messages, SDK logs).

    :meth:`aiotim.Client.login` remembers each UserSig it is given (through ``TIMLogin``), so a
    sig is masked even when no pattern would recognise it: split in short pieces, or with
    characters no base64 alphabet has. The last 64 secrets (of 16+ characters) are kept.
    """
    if not isinstance(secret, str) or len(secret) < _MIN_SECRET:
        return
    if secret in _secrets:
        _secrets[secret] = _secrets.pop(secret)  # now the newest
        return
    _secrets[secret] = None
    for piece in _pieces(secret):
        _grams[piece] = _grams.get(piece, 0) + 1
    while len(_secrets) > _MAX_SECRETS:
        forget_secret(next(iter(_secrets)))


def forget_secret(secret: str) -> None:
    """Stop masking ``secret`` specially (the patterns of :func:`redact` still apply)."""
    if _secrets.pop(secret, 0) is None:
        for piece in _pieces(secret):
            left = _grams[piece] - 1
            if left:
                _grams[piece] = left
            else:
                del _grams[piece]


def _mask_known(text: str) -> str:
    """``text`` with every run covered by pieces of remembered secrets masked."""
    if not _grams or len(text) < MIN_FRAGMENT:
        return text
    spans: list[list[int]] = []
    grams = _grams
    for i in range(len(text) - MIN_FRAGMENT + 1):
        if text[i : i + MIN_FRAGMENT] in grams:
            if spans and i <= spans[-1][1]:
                spans[-1][1] = i + MIN_FRAGMENT
            else:
                spans.append([i, i + MIN_FRAGMENT])
    if not spans:
        return text
    out = []
    at = 0
    for start, end in spans:
        out.append(text[at:start])
        out.append(_mask(text[start:end]))
        at = end
    out.append(text[at:])
    return "".join(out)


def _mask(secret: str) -> str:
    return f"<redacted {len(secret)} chars>"


def _mask_token(match: re.Match[str]) -> str:
    token = match.group(0)
    # Base64 of random or compressed bytes mixes all three classes; identifiers, message ids
    # ("144115...-1693891199-123") and snake_case keys do not.
    if re.search(r"[0-9]", token) and re.search(r"[a-z]", token) and re.search(r"[A-Z]", token):
        return _mask(token)
    return token


def _mask_keyed(match: re.Match[str]) -> str:
    key, sep, value = match.groups()
    # "user_sig=…", '"userSig": "…"' are values; in prose ("malformed UserSig: not base64")
    # the word after "key: " is text: a bare value made of letters only and shorter than a
    # secret is left alone
    if "=" in sep or '"' in sep or "'" in sep or not value.isalpha() or len(value) >= _MIN_SECRET:
        return key + sep + _mask(value)
    return match.group(0)


def redact(text: str) -> str:
    """``text`` with the remembered secrets and anything that looks like a UserSig, a key or a
    signature masked; ordinary text is left as it is.

    Masks every piece of :data:`MIN_FRAGMENT` or more characters of a secret given to
    :func:`remember_secret` (each UserSig the client logs in with); the value after
    ``user_sig``/``usersig``/``sig``/``sign``/``secret_key``/``password``/``token`` given with
    ``=`` or quoted (after a bare ``key:``, unless it is a word of letters only shorter than
    16: in prose the next word is text); any run of 40+ base64-alphabet characters (standard
    or the TLS-sig ``*-_`` variant) that mixes digits and both cases; and any run of 32+ hex
    digits. A masked value becomes ``<redacted N chars>``.
    """
    text = _mask_known(text)
    text = _KEYED_SECRET_RE.sub(_mask_keyed, text)
    text = _TOKEN_RE.sub(_mask_token, text)
    return _HEX_RE.sub(lambda m: _mask(m.group(0)), text)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bytes | bytearray):
        text = bytes(value).decode("utf-8", "surrogateescape")
        clean = redact(text)
        return value if clean == text else clean.encode("utf-8", "surrogateescape")
    if isinstance(value, tuple | list):
        return type(value)(_scrub(v) for v in value)
    return value


def scrub_exception(exc: BaseException) -> BaseException:
    """Redact (:func:`redact`) ``exc`` in place — its ``args`` (so its ``str`` and ``repr``), a
    ``UnicodeError``'s ``object``, a TIMError's ``desc``, its notes — and every exception
    chained to it (``__cause__``, ``__context__``, the members of an exception group).
    Returns ``exc``."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, UnicodeEncodeError | UnicodeDecodeError | UnicodeTranslateError):
            obj = _scrub(e.object)
            if obj != e.object:
                # the place of the bad character would tell something of it: the whole text
                e.object, e.start, e.end = obj, 0, len(obj)
                e.args = (e.args[0], obj, 0, len(obj), *e.args[4:])
        else:
            e.args = tuple(_scrub(a) for a in e.args)
        for attr in ("desc", "excerpt"):
            value = getattr(e, attr, None)
            if isinstance(value, str):
                setattr(e, attr, redact(value))
        notes = getattr(e, "__notes__", None)
        if isinstance(notes, list):
            notes[:] = [_scrub(n) for n in notes]
        todo += [e.__cause__, e.__context__]
        if isinstance(e, BaseExceptionGroup):
            todo += e.exceptions
    return exc


# ---- the tree ----------------------------------------------------------------------------


class AioTIMError(Exception):
    """Root of every aiotim exception; never raised directly."""


class TIMError(AioTIMError):
    """Raised when the SDK reports a failure: a non-zero return or callback code.

    Attributes:
        code: the SDK's code (a ``TIMErrCode`` for callbacks, a ``TIMResult`` for returns).
        desc: the SDK's description, redacted.
        name: the symbolic name of ``code`` (``"ERR_SDK_NOT_LOGGED_IN"``), or None if unknown.
        function: the TIM function that failed, when known.
        hint: what to do about it, for common codes, else None.
    """

    #: The hint for the codes of this class that have no hint of their own.
    default_hint: str | None = None

    code: int
    desc: str
    name: str | None
    function: str | None
    hint: str | None

    def __init__(
        self,
        code: int,
        desc: str = "",
        *,
        function: str | None = None,
        name: str | None = None,
    ) -> None:
        self.code = int(code)
        self.desc = redact(desc)
        self.name = name if name is not None else _errcode_name(self.code)
        self.function = function
        self.hint = _HINTS.get(self.code, self.default_hint)
        if "by the loopback cloud" in self.desc:
            # the loopback lacks the function, not the app's plan: the desc says so already
            self.hint = "the loopback cloud does not serve this function yet; test it online"
        elif "loopback Cloud(plan=" in self.desc:
            # a loopback cloud run as a lower plan refused it, as the real service would
            self.hint = (
                "the loopback cloud runs a plan without this function: "
                "aiotim.loopback.Cloud(plan=...) / `aiotim loopback serve --plan NAME` "
                "(the default, the highest plan, serves it)"
            )
        elif self.desc.startswith("loopback: ") and self.code in _LOOPBACK_HINTS:
            # the loopback SDK could not reach its cloud (aiotim/loopback/sdk/PROTOCOL.md)
            self.hint = _LOOPBACK_HINTS[self.code]
        # One argument only: OSError-derived subclasses would read two as (errno, strerror).
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.code} {self.name}" if self.name else str(self.code)
        if self.function:
            text = f"{self.function} failed: {text}"
        if self.desc:
            text = f"{text}: {self.desc}"
        if self.hint:
            text = f"{text} (hint: {self.hint})"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        state = {"function": self.function, "name": self.name}
        return (_rebuild_tim_error, (type(self), self.code, self.desc, state))


def _rebuild_tim_error(
    cls: type[TIMError], code: int, desc: str, state: dict[str, Any]
) -> TIMError:
    return cls(code, desc, **state)


class NotInitialized(TIMError):
    """Raised when a call needs an initialised SDK (``TIMInit``) and it is not (6013, -1)."""

    default_hint = "open the client (it calls TIMInit) before making calls"


class NotLoggedIn(TIMError):
    """Raised when a call needs a logged-in user and there is none (6014, 6026, -2)."""

    default_hint = "log in first: await client.login(...)"


class InvalidUserSig(TIMError):
    """Raised when the UserSig is expired, empty or does not verify (70001, 70003, 6206 ...)."""

    default_hint = "generate a valid UserSig for this user and SDKAppID (aiotim.usersig)"


class KickedOfflineError(TIMError):
    """Raised when the account was logged in elsewhere and this device was kicked (6208)."""

    default_hint = "the account logged in on another device; log in again to take over"


class NetworkError(TIMError, ConnectionError):
    """Raised when the SDK cannot reach the IM cloud (the 95xx network codes, no network)."""

    default_hint = "check the network path to Tencent IM, or use aiotim.loopback offline"


class TIMTimeout(TIMError, TimeoutError):
    """Raised when the SDK or the server gave up waiting for an answer (6012, 9520, 9523 ...)."""

    default_hint = "no answer in time: check the network and retry"


class InvalidJSON(TIMError, ValueError):
    """Raised when a JSON parameter is malformed or has a wrong key (-3, 6027)."""

    default_hint = "a JSON parameter is malformed or uses a wrong key"


class InvalidParameter(TIMError, ValueError):
    """Raised when the SDK rejects an argument (-4, -5, -6, 6017, 7003)."""

    default_hint = "check the arguments of the call"


class NotSupported(TIMError):
    """Raised when the app's IM plan does not include the feature (7013, 60020)."""

    default_hint = "the app's IM plan does not include this feature: check the IM console"


class RateLimited(TIMError):
    """Raised when the SDK or the server refuses a call for being too frequent (7008, 60018 ...)."""

    default_hint = "too many requests: slow down and retry later"


class SDKNotFound(AioTIMError, FileNotFoundError):
    """Raised when no SDK library can be found or loaded."""

    DEFAULT = (
        "libImSDK.so not found: set AIOTIM_SDK_PATH to libImSDK.so, or use aiotim.loopback "
        "for offline use"
    )

    def __init__(self, message: str | None = None, *, path: str | None = None) -> None:
        super().__init__(message or self.DEFAULT)
        self.path = path
        self.filename = path

    def __str__(self) -> str:
        # OSError would render "[Errno None] None: <filename>" once filename is set.
        return str(self.args[0])

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_sdk_not_found, (str(self), self.path))


def _rebuild_sdk_not_found(message: str, path: str | None) -> SDKNotFound:
    return SDKNotFound(message, path=path)


class UnsupportedBySDK(AioTIMError, NotImplementedError):
    """Raised when the loaded SDK does not export a function aiotim needs."""

    def __init__(self, function: str, sdk_version: str = "unknown") -> None:
        self.function = function
        self.sdk_version = sdk_version
        super().__init__(
            f"{function} is not available in the loaded SDK (version {sdk_version}); it needs "
            "a newer libImSDK"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.function, self.sdk_version))


class ClientClosed(AioTIMError, RuntimeError):
    """Raised when a client is used after it was closed, or a call was pending at close."""

    def __init__(self, message: str = "the client is closed") -> None:
        super().__init__(message)


class PayloadError(AioTIMError, ValueError):
    """Raised when a callback payload is malformed: invalid UTF-8 or JSON, or a wrong shape.

    Attributes:
        kind: the callback (or setter) whose payload it was.
        reason: what is wrong with it.
        excerpt: the start of the payload (at most 64 characters, redacted), or None.
    """

    EXCERPT_CHARS = 64

    def __init__(self, kind: str, reason: str, *, excerpt: bytes | str | None = None) -> None:
        self.kind = kind
        self.reason = reason
        self.excerpt = None if excerpt is None else _excerpt(excerpt, self.EXCERPT_CHARS)
        message = f"malformed {kind} payload: {reason}"
        if self.excerpt is not None:
            message += f" (starts with {self.excerpt!r})"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_payload_error, (self.kind, self.reason, self.excerpt))


def _rebuild_payload_error(kind: str, reason: str, excerpt: str | None) -> PayloadError:
    return PayloadError(kind, reason, excerpt=excerpt)


def _excerpt(data: bytes | str, limit: int) -> str:
    if isinstance(data, bytes):
        data = data[: limit * 4].decode("utf-8", "backslashreplace")
    return redact(data[:limit])


class StreamOverflow(AioTIMError):
    """Raised when a stream with the "raise" overflow policy has a full buffer.

    Attributes:
        kind: the event kind of the stream.
        maxsize: the buffer size that was exceeded.
    """

    def __init__(self, kind: str, maxsize: int) -> None:
        self.kind = kind
        self.maxsize = maxsize
        super().__init__(
            f"{kind} stream overflowed its buffer of {maxsize} events: consume faster, raise "
            "maxsize, or choose a lossy overflow policy"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.maxsize))


# ---- code → class, name, hint ------------------------------------------------------------

_USERSIG_EXPIRED = "generate a fresh UserSig and log in again"
_USERSIG_BAD = "generate the UserSig with this SDKAppID's secret key (aiotim.usersig)"
_NETWORK = "check the network path to Tencent IM, or use aiotim.loopback offline"

_HINTS: dict[int, str] = {
    -1: "open the client (it calls TIMInit) before making calls",
    -2: "log in first: await client.login(...)",
    -3: "a JSON parameter is malformed or uses a wrong key",
    -4: "check the arguments of the call",
    -5: "check the conversation id and type",
    -6: "check the group id",
    # Source: observed on the real SDK (8.0.5903): a send on an open client before login
    # answers 6013 "not initialized" until its own thread has settled (then 6014): here it means
    # "not logged in yet"; a closed client raises ClientClosed before any SDK call.
    6013: "not logged in yet: await client.login(...) first (inside `async with client:`)",
    6014: "log in first: await client.login(...)",
    6026: "log in with a user id and a UserSig first: await client.login(...)",
    6027: "a JSON parameter is malformed or uses a wrong key",
    6206: _USERSIG_EXPIRED,
    6208: "the account logged in on another device; log in again to take over",
    6226: _USERSIG_EXPIRED,
    70001: _USERSIG_EXPIRED,
    70002: "the UserSig is empty: pass one to login()",
    70003: _USERSIG_BAD,
    70005: _USERSIG_BAD,
    70009: _USERSIG_BAD,
    70013: "the UserSig was generated for another user id",
    70014: "the UserSig was generated for another SDKAppID",
    70016: "no key to verify UserSigs: check the SDKAppID and its key in the IM console",
    70052: _USERSIG_EXPIRED,
    70101: _USERSIG_EXPIRED,
    # Source: TIMErrorCode.h:44 (7013: the plan lacks the API, upgrade to 旗舰版, today "Pro"),
    # :204 (60020); cloud search without Pro Plus answers 60020 (trtc.io/document/67834).
    7013: "your IM plan does not include this API: it needs the Pro edition (旗舰版, formerly "
    "Ultimate) or higher; upgrade in the IM console",
    60020: "the IM plan or value-added service is not bought or not active yet (cloud message "
    "search needs Pro Plus or Enterprise): check the IM console",
    6012: "no answer in time: check the network and retry",
    9520: "no answer in time: check the network and retry",
    9523: "no network while the request waited: " + _NETWORK,
    9508: _NETWORK,
    9512: _NETWORK,
    70020: "the SDKAppID is unknown there: check it in the IM console",
}

# The loopback SDK's "cannot reach the cloud" codes (desc "loopback: ..."), what to do.
_SERVE = "`aiotim loopback serve` prints the address to use"
_LOOPBACK_HINTS: dict[int, str] = {
    9516: "export AIOTIM_LOOPBACK_ADDRESS=<address> (" + _SERVE + "), or use "
    "aiotim.loopback.connect(address, app_id), or an aiotim.loopback.Cloud in this process",
    9512: "start the cloud (aiotim loopback serve) or fix AIOTIM_LOOPBACK_ADDRESS: " + _SERVE,
    9502: "point AIOTIM_LOOPBACK_ADDRESS at a loopback cloud: " + _SERVE,
    70020: "pass the SDKAppID the cloud serves (its --app-id) to aiotim.Client",
}

_INVALID_USERSIG = {6206, 6226, 70001, 70002, 70003, 70005, 70009, 70013, 70014, 70016, 70052}
_INVALID_USERSIG |= {70101, -10001, -10003}
_TIMEOUTS = {6012, 6106, 6125, 6126, 7508, 9510, 9518, 9519, 9520, 9521, 9523, 9524, 9525}
_TIMEOUTS |= {30007, 50005, 60008, 70169}
_RATE_LIMITS = {7008, 9506, 9507, 10006, 10023, 60011, 60018, 60019, -10113, -20009}
_NO_NETWORK = {6121, 6122, 6200, 6201, 6250, 6251, -10102}

_CODE_CLASSES: dict[int, type[TIMError]] = {
    **{c: NetworkError for c in range(9500, 9600)},
    **{c: NetworkError for c in _NO_NETWORK},
    **{c: TIMTimeout for c in _TIMEOUTS},
    **{c: RateLimited for c in _RATE_LIMITS},
    **{c: InvalidUserSig for c in _INVALID_USERSIG},
    6013: NotInitialized,
    6014: NotLoggedIn,
    6026: NotLoggedIn,
    6208: KickedOfflineError,
    6213: KickedOfflineError,
    6255: KickedOfflineError,
    6027: InvalidJSON,
    6017: InvalidParameter,
    7003: InvalidParameter,
    7013: NotSupported,
    60020: NotSupported,
}

_RESULT_CLASSES: dict[int, type[TIMError]] = {
    TIMResult.TIM_ERR_SDKUNINIT: NotInitialized,
    TIMResult.TIM_ERR_NOTLOGIN: NotLoggedIn,
    TIMResult.TIM_ERR_JSON: InvalidJSON,
    TIMResult.TIM_ERR_PARAM: InvalidParameter,
    TIMResult.TIM_ERR_CONV: InvalidParameter,
    TIMResult.TIM_ERR_GROUP: InvalidParameter,
}

# Our words for the synchronous failures, which come with no description.
_RESULT_DESC: dict[int, str] = {
    TIMResult.TIM_ERR_SDKUNINIT: "the SDK is not initialised",
    TIMResult.TIM_ERR_NOTLOGIN: "no user is logged in",
    TIMResult.TIM_ERR_JSON: "invalid JSON parameter or JSON key",
    TIMResult.TIM_ERR_PARAM: "invalid parameter",
    TIMResult.TIM_ERR_CONV: "invalid conversation",
    TIMResult.TIM_ERR_GROUP: "invalid group",
}


def _errcode_name(code: int) -> str | None:
    try:
        return TIMErrCode(code).name
    except ValueError:
        return None


def error_from_code(code: int, desc: str = "", *, function: str | None = None) -> TIMError:
    """The exception for a callback's ``code`` (a ``TIMErrCode``) and ``desc``.

    Args:
        code: the non-zero code the SDK reported.
        desc: the SDK's description (redacted before it is stored).
        function: the TIM function whose callback reported it.

    Returns:
        A :class:`TIMError`, of the most specific subclass the code has.
    """
    cls = _CODE_CLASSES.get(code, TIMError)
    return cls(code, desc, function=function)


def error_from_result(rc: int, *, function: str | None = None) -> TIMError:
    """The exception for a non-zero ``TIMResult`` a TIM function returned.

    A value outside ``TIMResult`` (-1..-6) is read as a ``TIMErrCode``.
    """
    try:
        result = TIMResult(rc)
    except ValueError:
        return error_from_code(rc, function=function)
    cls = _RESULT_CLASSES.get(result, TIMError)
    return cls(rc, _RESULT_DESC.get(result, ""), function=function, name=result.name)


def check_result(rc: int, function: str) -> None:
    """Raise the :class:`TIMError` for ``rc`` unless it is 0 (``TIM_SUCC``).

    Raises:
        TIMError: ``rc`` is not 0; see :func:`error_from_result`.
    """
    if rc != 0:
        raise error_from_result(rc, function=function)
