"""Finding 7 (issue 13): redaction never garbles, catches fragments, covers exception args.

Before: a UserSig with a lone surrogate appeared whole in a ``UnicodeEncodeError``'s ``args`` and
``repr``; a sig split in pieces under 40 characters passed the redactor; and ordinary text was
garbled (``"malformed UserSig: not base64"`` became ``"malformed UserSig: <redacted 3 chars>
base64"``). Now the client remembers each UserSig it logs in with and masks that exact value and
every piece of it of 8+ characters (``aiotim.errors.remember_secret``); exceptions of the login
are scrubbed in place (args, reprs, ``UnicodeError.object``, chained and grouped exceptions); and
a keyed pattern (``sig: …``) masks a bare word only when it is as long as a secret.
"""

from __future__ import annotations

import pytest

import aiotim
from aiotim.errors import (
    MIN_FRAGMENT,
    TIMError,
    forget_secret,
    redact,
    remember_secret,
    scrub_exception,
)
from tests.helpers import cloud_and_clients

pytestmark = pytest.mark.anyio


def _leaks(text: str, secret: str) -> list[str]:
    """The pieces of ``secret`` (MIN_FRAGMENT long) found in ``text``."""
    return [
        secret[i : i + MIN_FRAGMENT]
        for i in range(len(secret) - MIN_FRAGMENT + 1)
        if secret[i : i + MIN_FRAGMENT] in text
    ]


def _everything(exc: BaseException) -> str:
    """Every text an exception shows: str, repr, args, of it and its chain."""
    out = []
    seen = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        out += [str(e), repr(e), repr(e.args), repr(getattr(e, "object", ""))]
        out += [repr(getattr(e, "__notes__", ""))]
        todo += [e.__cause__, e.__context__]
        if isinstance(e, BaseExceptionGroup):
            todo += e.exceptions
    return "\n".join(out)


ORDINARY = [
    "malformed UserSig: not base64",
    "malformed UserSig: not zlib data",
    "UserSig expired at 1700000000 (now 1700000100)",
    "token: expired, sig: wrong, password: required",
    "TIMMsgSendMessage failed: 6014 ERR_SDK_NOT_LOGGED_IN",
    "message 144115233150566012-1693891199-123 not found",
    "group @TGS#2ABCDEFGH has no member bob_the_builder",
    "see https://trtc.io/document/34959 for the limits",
    "user ids: alice, bob, carol; conv_type: 1",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_never_garbled(text: str) -> None:
    """Error texts without secrets pass the redactor unchanged (the "not base64" case too)."""
    assert redact(text) == text


def test_keyed_values_are_still_masked() -> None:
    """A value given with ``=`` or quoted after a telling key, or a long bare one, is masked."""
    assert redact("user_sig=abc123") == "user_sig=<redacted 6 chars>"
    assert redact('{"userSig": "xyz"}') == '{"userSig": "<redacted 3 chars>"}'
    assert "0123456789abcdefXYZ" not in redact("sig: 0123456789abcdefXYZ")


async def test_a_sig_in_pieces_is_masked_after_login() -> None:
    """After login, pieces of the UserSig under 40 characters — and even under 10 — are masked
    wherever they appear (TIMError descs, SDK logs), though no pattern recognises them."""
    async with cloud_and_clients() as (cloud, _), cloud.client() as client:
        sig = cloud.user_sig("alice")
        await client.login("alice", sig)
        for size in (39, 20, 12, MIN_FRAGMENT):
            pieces = [sig[i : i + size] for i in range(0, len(sig), size)]
            text = "the sig was " + " / ".join(pieces)
            clean = redact(text)
            assert clean.startswith("the sig was ")
            longer = [p for p in pieces if len(p) >= MIN_FRAGMENT]
            assert not any(p in clean for p in longer), size
        error = TIMError(70001, f"sig {sig[:30]} then {sig[30:60]} expired", function="TIMLogin")
        assert _leaks(_everything(error), sig) == []


async def test_a_sig_with_a_lone_surrogate_never_appears() -> None:
    """Logging in with a sig holding a lone surrogate raises a ValueError that names the
    parameter and holds no piece of the sig (before: a UnicodeEncodeError with the whole sig in
    its args and repr)."""
    async with cloud_and_clients() as (cloud, _), cloud.client() as client:
        sig = cloud.user_sig("alice")
        bad = sig[:50] + "\ud800" + sig[50:]
        with pytest.raises(ValueError, match="'user_sig'") as info:
            await client.login("alice", bad)
        assert not isinstance(info.value, UnicodeError)
        assert _leaks(_everything(info.value), sig) == []
        assert "\ud800" not in _everything(info.value)
        # the same through call_raw
        with pytest.raises(ValueError, match="TIMLogin") as info:
            await client.call_raw("TIMLogin", "alice", bad)
        assert _leaks(_everything(info.value), sig) == []


async def test_a_failed_login_shows_no_piece_of_the_sig() -> None:
    """A sig refused by the cloud (another user's, an expired one) is in no exception text;
    a malformed one gives the cloud's reason unmasked."""
    async with cloud_and_clients() as (cloud, _), cloud.client() as client:
        sig = cloud.user_sig("bob")
        with pytest.raises(aiotim.TIMError) as info:
            await client.login("alice", sig)
        assert _leaks(_everything(info.value), sig) == []
        with pytest.raises(aiotim.TIMError) as info:
            await client.login("alice", "not!a!sig!at!all!" * 3)
        assert "<redacted" not in info.value.desc, info.value.desc


def test_exception_args_reprs_and_chains_are_scrubbed() -> None:
    """scrub_exception masks a remembered secret in args, reprs, a UnicodeEncodeError's object,
    notes, causes, contexts and exception-group members, in place."""
    secret = "Sig-With-Odd!Chars~0123456789-and-more-text-ABCDEFG"  # no pattern catches it whole
    remember_secret(secret)
    inner: UnicodeEncodeError | None = None
    try:
        (secret + "\ud800").encode("utf-8")
    except UnicodeEncodeError as e:
        inner = e
    assert inner is not None
    assert secret in repr(inner.object)
    try:
        try:
            raise KeyError(secret[:20], [secret[20:]])
        except KeyError as k:
            raise RuntimeError(f"while handling {secret}") from k
    except RuntimeError as r:
        outer = r
    outer.__context__ = inner
    outer.add_note(f"note: {secret[5:30]}")
    group = ExceptionGroup("two", [ValueError(secret), outer])
    assert _leaks(_everything(group), secret)  # before: everywhere
    scrub_exception(group)
    assert _leaks(_everything(group), secret) == []
    assert "while handling <redacted" in str(outer)
    forget_secret(secret)
    assert redact(secret[:20]) == secret[:20]
