"""The exception tree: which class a code picks, names, messages, hints, builtins, redaction."""

from __future__ import annotations

import pickle

import pytest

from aiotim import errors
from aiotim.enums import TIMErrCode, TIMResult
from aiotim.errors import (
    AioTIMError,
    ClientClosed,
    InvalidJSON,
    InvalidParameter,
    InvalidUserSig,
    KickedOfflineError,
    NetworkError,
    NotInitialized,
    NotLoggedIn,
    NotSupported,
    PayloadError,
    RateLimited,
    SDKNotFound,
    StreamOverflow,
    TIMError,
    TIMTimeout,
    UnsupportedBySDK,
    check_result,
    error_from_code,
    error_from_result,
    redact,
)
from aiotim.usersig import gen_user_sig

# Tencent's documented example app and key (see tests/test_usersig.py); not a secret.
APP = 1400000000
KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"

callback_codes = pytest.mark.parametrize(
    ("code", "cls"),
    [
        (6013, NotInitialized),
        (6014, NotLoggedIn),
        (6026, NotLoggedIn),
        (70001, InvalidUserSig),
        (70003, InvalidUserSig),
        (70009, InvalidUserSig),
        (70013, InvalidUserSig),
        (70014, InvalidUserSig),
        (70052, InvalidUserSig),
        (6206, InvalidUserSig),
        (6208, KickedOfflineError),
        (9508, NetworkError),
        (9512, NetworkError),
        (9501, NetworkError),
        (6012, TIMTimeout),
        (9520, TIMTimeout),
        (9523, TIMTimeout),
        (6027, InvalidJSON),
        (6017, InvalidParameter),
        (7013, NotSupported),
        (60018, RateLimited),
        (10010, TIMError),  # ERR_SVR_GROUP_NOT_FOUND: no special class
        (123456, TIMError),  # not a TIMErrCode at all
    ],
)

result_codes = pytest.mark.parametrize(
    ("rc", "cls", "name"),
    [
        (-1, NotInitialized, "TIM_ERR_SDKUNINIT"),
        (-2, NotLoggedIn, "TIM_ERR_NOTLOGIN"),
        (-3, InvalidJSON, "TIM_ERR_JSON"),
        (-4, InvalidParameter, "TIM_ERR_PARAM"),
        (-5, InvalidParameter, "TIM_ERR_CONV"),
        (-6, InvalidParameter, "TIM_ERR_GROUP"),
    ],
)

every_class = pytest.mark.parametrize(
    "cls",
    [
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, BaseException)
    ],
)


class TestFactories:
    """error_from_code, error_from_result and check_result."""

    @callback_codes
    def test_callback_code_picks_its_class(self, code: int, cls: type[TIMError]) -> None:
        """A callback code becomes exactly the subclass that groups it."""
        exc = error_from_code(code, "desc", function="TIMLogin")
        assert type(exc) is cls
        assert (exc.code, exc.desc, exc.function) == (code, "desc", "TIMLogin")

    @result_codes
    def test_result_code_picks_its_class(self, rc: int, cls: type[TIMError], name: str) -> None:
        """A TIMResult return becomes its subclass, named from TIMResult, with a description."""
        exc = error_from_result(rc, function="TIMConvGetConvList")
        assert type(exc) is cls
        assert exc.name == name == TIMResult(rc).name
        assert exc.desc  # the SDK gives none; ours says what -1..-6 mean

    def test_result_outside_timresult_reads_as_errcode(self) -> None:
        """A return value that is not a TIMResult is looked up as a TIMErrCode."""
        exc = error_from_result(6014, function="TIMMsgSendMessage")
        assert type(exc) is NotLoggedIn
        assert exc.name == "ERR_SDK_NOT_LOGGED_IN"

    def test_check_result_passes_zero(self) -> None:
        """TIM_SUCC raises nothing."""
        check_result(0, "TIMInit")

    @result_codes
    def test_check_result_raises(self, rc: int, cls: type[TIMError], name: str) -> None:
        """A non-zero return raises the class error_from_result picks, naming the function."""
        with pytest.raises(cls) as info:
            check_result(rc, "TIMSetConfig")
        assert info.value.function == "TIMSetConfig"
        assert info.value.code == rc

    def test_every_hinted_code_is_a_known_code(self) -> None:
        """Hints and class tables only use codes that exist in the headers."""
        known = {int(c) for c in TIMErrCode} | {int(r) for r in TIMResult}
        assert set(errors._HINTS) <= known
        # The 95xx range is claimed wholesale; every other listed code must be real.
        listed = {c for c in errors._CODE_CLASSES if not 9500 <= c < 9600}
        assert listed <= known


class TestNames:
    """The symbolic name of a code."""

    def test_callback_code_name_from_errcode(self) -> None:
        """A callback code is named from TIMErrCode."""
        assert error_from_code(70001).name == "ERR_SVR_ACCOUNT_USERSIG_EXPIRED"

    def test_unknown_code_has_no_name(self) -> None:
        """A code the headers do not know has name None and still renders."""
        exc = error_from_code(123456, "mystery")
        assert exc.name is None
        assert str(exc) == "123456: mystery"

    def test_negative_server_code_is_named(self) -> None:
        """The negative SSO codes are TIMErrCodes, distinct from TIMResult's -1..-6."""
        exc = error_from_code(-10001)
        assert exc.name == "ERR_SVR_SSO_D2_EXPIRED"
        assert isinstance(exc, InvalidUserSig)


class TestMessages:
    """str() of the errors: code, name, description, function and hint."""

    def test_message_has_function_code_name_desc_and_hint(self) -> None:
        """The documented shape: '<function> failed: <code> <name>: <desc> (hint: ...)'."""
        exc = error_from_code(70001, "user sig expired", function="TIMLogin")
        assert str(exc) == (
            "TIMLogin failed: 70001 ERR_SVR_ACCOUNT_USERSIG_EXPIRED: user sig expired "
            "(hint: generate a fresh UserSig and log in again)"
        )

    def test_not_logged_in_hint(self) -> None:
        """6014 tells the user to log in first."""
        assert "log in first: await client.login(...)" in str(error_from_code(6014))

    @callback_codes
    def test_special_classes_always_hint(self, code: int, cls: type[TIMError]) -> None:
        """Every code with a special class carries a hint; plain TIMError may not."""
        exc = error_from_code(code)
        if cls is not TIMError:
            assert exc.hint
            assert f"(hint: {exc.hint})" in str(exc)

    def test_without_function_or_desc(self) -> None:
        """The message drops what is unknown instead of printing None."""
        assert str(error_from_code(10010)) == "10010 ERR_SVR_GROUP_NOT_FOUND"

    def test_desc_is_redacted(self) -> None:
        """A UserSig echoed back in the SDK's description never reaches the message."""
        sig = gen_user_sig(APP, KEY, "alice", now=1700000000)
        exc = error_from_code(70003, f"check failed for {sig}", function="TIMLogin")
        assert sig not in str(exc)
        assert sig not in exc.desc
        assert sig not in repr(exc)

    def test_sdk_not_found_message(self) -> None:
        """SDKNotFound says how to point at the SDK or go offline."""
        exc = SDKNotFound(path="/nowhere/libImSDK.so")
        assert str(exc) == (
            "libImSDK.so not found: set AIOTIM_SDK_PATH to libImSDK.so, or use aiotim.loopback "
            "for offline use"
        )
        assert exc.filename == exc.path == "/nowhere/libImSDK.so"

    def test_unsupported_names_function_and_version(self) -> None:
        """UnsupportedBySDK names the missing function and the SDK version."""
        exc = UnsupportedBySDK("TIMPinGroupMessage", "7.2.4123")
        assert (exc.function, exc.sdk_version) == ("TIMPinGroupMessage", "7.2.4123")
        assert "TIMPinGroupMessage" in str(exc)
        assert "7.2.4123" in str(exc)

    def test_payload_error_excerpt_is_short_and_safe(self) -> None:
        """PayloadError keeps the kind and a short, redacted excerpt of the raw bytes."""
        sig = gen_user_sig(APP, KEY, "alice", now=1700000000)
        raw = b"\xff\xfe" + f'{{"user_sig": "{sig}", "pad": "{"x" * 500}"}}'.encode()
        exc = PayloadError("TIMRecvNewMsgCallback", "invalid UTF-8 at byte 0", excerpt=raw)
        assert exc.kind == "TIMRecvNewMsgCallback"
        assert exc.excerpt is not None
        assert len(exc.excerpt) <= PayloadError.EXCERPT_CHARS
        assert sig[:40] not in str(exc)
        assert "TIMRecvNewMsgCallback" in str(exc)

    def test_stream_overflow_message(self) -> None:
        """StreamOverflow names the stream's kind and its buffer size."""
        exc = StreamOverflow("new_messages", 1000)
        assert (exc.kind, exc.maxsize) == ("new_messages", 1000)
        assert "new_messages" in str(exc)
        assert "1000" in str(exc)


class TestBuiltins:
    """Subclasses that are also builtins can be caught as such."""

    @pytest.mark.parametrize(
        ("exc", "builtin"),
        [
            (error_from_code(9508), ConnectionError),
            (error_from_code(9520), TimeoutError),
            (error_from_code(6027), ValueError),
            (error_from_result(-3), ValueError),
            (error_from_code(6017), ValueError),
            (error_from_result(-4), ValueError),
            (SDKNotFound(), FileNotFoundError),
            (UnsupportedBySDK("TIMLogin"), NotImplementedError),
            (ClientClosed(), RuntimeError),
            (PayloadError("k", "r"), ValueError),
        ],
    )
    def test_isinstance_builtin(self, exc: AioTIMError, builtin: type[Exception]) -> None:
        """The error is an instance of its builtin and of AioTIMError."""
        assert isinstance(exc, builtin)
        assert isinstance(exc, AioTIMError)

    def test_oserror_subclasses_keep_their_message(self) -> None:
        """NetworkError is an OSError but is not rendered as '[Errno ...]'."""
        exc = error_from_code(9508, "network down", function="TIMLogin")
        assert str(exc).startswith("TIMLogin failed: 9508 ERR_SDK_NET_DISCONNECT: network down")
        assert isinstance(exc, OSError)
        assert exc.errno is None

    @every_class
    def test_every_exception_derives_from_root(self, cls: type[BaseException]) -> None:
        """Every exception class of the module is an AioTIMError."""
        assert issubclass(cls, AioTIMError)

    @every_class
    def test_every_exception_has_a_raised_when_docstring(self, cls: type[BaseException]) -> None:
        """Each class documents itself in one 'Raised when ...' line (the root: 'never raised')."""
        first = (cls.__doc__ or "").splitlines()[0]
        assert first.startswith("Raised when") or "never raised directly" in first


class TestPickle:
    """Errors survive pickling (multiprocessing, trio/anyio workers)."""

    @pytest.mark.parametrize(
        "exc",
        [
            error_from_code(70001, "expired", function="TIMLogin"),
            error_from_code(9508, "down"),
            error_from_result(-3, function="TIMSetConfig"),
            SDKNotFound(path="/x/libImSDK.so"),
            UnsupportedBySDK("TIMLogin", "8.0"),
            ClientClosed(),
            PayloadError("TIMRecvNewMsgCallback", "bad", excerpt=b"[{"),
            StreamOverflow("new_messages", 10),
        ],
    )
    def test_round_trip(self, exc: AioTIMError) -> None:
        """Type, message and attributes are the same after a round trip."""
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc)
        assert str(back) == str(exc)
        assert vars(back) == vars(exc)


class TestRedact:
    """redact() masks UserSigs, keys and signatures and leaves ordinary text alone."""

    def test_masks_a_real_usersig(self) -> None:
        """A TLS sig v2 UserSig (the *-_ alphabet) is masked wherever it appears."""
        sig = gen_user_sig(APP, KEY, "alice", now=1700000000)
        assert any(c in sig for c in "*-_")
        out = redact(f"login alice with {sig}, please")
        assert sig not in out
        assert out.startswith("login alice with <redacted ")
        assert out.endswith(", please")

    def test_masks_a_secret_key(self) -> None:
        """A 64-hex-digit secret key is masked."""
        assert KEY not in redact(f"key {KEY}")

    @pytest.mark.parametrize(
        "text",
        [
            'user_sig="abc123"',
            "userSig=abc123",
            "UserSig: abc123",
            '"secret_key": "abc123"',
            "https://cos.example.com/f?sign=abc123&t=1",
            "password=hunter2",
        ],
    )
    def test_masks_keyed_values(self, text: str) -> None:
        """A value after a telling key is masked even when it is short."""
        out = redact(text)
        assert "abc123" not in out
        assert "hunter2" not in out
        assert "<redacted" in out

    @pytest.mark.parametrize(
        "text",
        [
            "TIMLogin failed: 6014 ERR_SDK_NOT_LOGGED_IN: not logged in",
            "message 144115233874815001-1693891199-2394739 sent",
            "group_member_info_custom_string_info_value is unknown",
            "conv c2c_alice, group @TGS#2J4SZEAEL",
            "path /home/bot/.tencent-im/sdk-config/1400000000/alice/db",
            "",
        ],
    )
    def test_leaves_ordinary_text(self, text: str) -> None:
        """Descriptions, ids, JSON keys and paths are left as they are."""
        assert redact(text) == text


def test_a_function_the_loopback_lacks_gets_no_plan_hint() -> None:
    """7013 from the loopback (its desc names the loopback) does not blame the IM plan."""
    err = error_from_code(7013, "TIMFoo is not supported by the loopback cloud", function="TIMFoo")
    assert "plan" not in str(err)
    assert "loopback" in str(err) and err.hint is not None and "loopback" in err.hint
    online = error_from_code(7013, "", function="TIMFoo")
    assert online.hint is not None and "plan" in online.hint
