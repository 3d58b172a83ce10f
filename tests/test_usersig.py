"""UserSig (TLS sig v2): known answers, round trips and every refusal reason."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiotim.usersig import UserSigError, UserSigInfo, gen_user_sig, verify_user_sig

# The example app id and key from the README of Tencent's public generator
# (github.com/tencentyun/tls-sig-api-v2-python); they are documentation values, not a secret.
APP = 1400000000
KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
T0 = 1700000000
EXPIRE = 180 * 86400

# Known answer, produced independently of this code with OpenSSL:
#   printf 'TLS.identifier:xiaojun\nTLS.sdkappid:1400000000\nTLS.time:1700000000\n'\
#          'TLS.expire:15552000\n' | openssl dgst -sha256 -hmac "$KEY" -binary | base64
KNOWN_HMAC = "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="
# The full sig for the same inputs, following the documented algorithm (JSON with Python's
# default separators in the generator's key order, zlib level 6, URL-safe base64 variant).
KNOWN_SIG = (
    "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJk"
    "TE1NjRDiJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoB"
    "HdYzUg__"
)


def _decode(sig: str) -> dict[str, object]:
    raw = base64.b64decode(sig.replace("*", "+").replace("-", "/").replace("_", "="))
    doc = json.loads(zlib.decompress(raw))
    assert isinstance(doc, dict)
    return doc


def _encode(doc: object) -> str:
    raw = zlib.compress(json.dumps(doc).encode())
    return base64.b64encode(raw).decode().replace("+", "*").replace("/", "-").replace("=", "_")


class TestKnownAnswer:
    def test_hmac_field_matches_openssl(self) -> None:
        """The TLS.sig field equals the HMAC computed by OpenSSL over the four lines."""
        doc = _decode(gen_user_sig(APP, KEY, "xiaojun", EXPIRE, now=T0))
        assert doc["TLS.sig"] == KNOWN_HMAC

    def test_document_layout(self) -> None:
        """The signed document has the generator's keys, order and types."""
        doc = _decode(gen_user_sig(APP, KEY, "xiaojun", EXPIRE, now=T0))
        assert list(doc) == [
            "TLS.ver",
            "TLS.identifier",
            "TLS.sdkappid",
            "TLS.expire",
            "TLS.time",
            "TLS.sig",
        ]
        assert doc["TLS.ver"] == "2.0"
        assert doc["TLS.sdkappid"] == APP
        assert doc["TLS.expire"] == EXPIRE
        assert doc["TLS.time"] == T0

    def test_full_sig(self) -> None:
        """The whole sig string is reproducible for fixed inputs."""
        assert gen_user_sig(APP, KEY, "xiaojun", EXPIRE, now=T0) == KNOWN_SIG

    def test_known_sig_verifies(self) -> None:
        """The known sig verifies and reports what it was issued for."""
        info = verify_user_sig(APP, KEY, "xiaojun", KNOWN_SIG, now=T0 + 1)
        assert info == UserSigInfo("xiaojun", APP, T0, EXPIRE)
        assert info.expires_at == T0 + EXPIRE

    def test_alphabet_is_url_safe_variant(self) -> None:
        """The sig never contains '+', '/' or '=' (they are mapped to '*', '-', '_')."""
        for i in range(50):
            sig = gen_user_sig(APP, KEY, f"user{i}", now=T0 + i)
            assert not set(sig) & set("+/=")


class TestRefusals:
    def _reason(self, *args: object, **kw: object) -> str:
        with pytest.raises(UserSigError) as info:
            verify_user_sig(*args, **kw)  # type: ignore[arg-type]
        message = str(info.value)
        assert KEY not in message
        assert KNOWN_SIG not in message
        return info.value.reason

    def test_expired(self) -> None:
        """A sig checked at or after time + expire is expired."""
        sig = gen_user_sig(APP, KEY, "u", 60, now=T0)
        assert verify_user_sig(APP, KEY, "u", sig, now=T0 + 59).expire == 60
        assert self._reason(APP, KEY, "u", sig, now=T0 + 60) == "expired"

    def test_bad_signature(self) -> None:
        """A sig made with another key fails the signature check."""
        sig = gen_user_sig(APP, KEY[::-1], "u", now=T0)
        assert self._reason(APP, KEY, "u", sig, now=T0) == "bad_signature"

    def test_wrong_identifier(self) -> None:
        """A sig for another user is refused as a wrong identifier."""
        sig = gen_user_sig(APP, KEY, "alice", now=T0)
        assert self._reason(APP, KEY, "bob", sig, now=T0) == "wrong_identifier"

    def test_wrong_app_id(self) -> None:
        """A sig for another app is refused as a wrong app id."""
        sig = gen_user_sig(APP + 1, KEY, "u", now=T0)
        assert self._reason(APP, KEY, "u", sig, now=T0) == "wrong_app_id"

    @pytest.mark.parametrize(
        "sig",
        [
            "",
            "!!!!",
            "abcd",
            _encode([1, 2]),
            _encode({"TLS.ver": "1.0"}),
            "x" * 20000,
            base64.b64encode(b"not zlib").decode(),
        ],
        ids=["empty", "not-base64", "not-zlib", "not-object", "old-version", "huge", "garbage"],
    )
    def test_malformed(self, sig: str) -> None:
        """Anything that is not a v2 sig document is malformed."""
        assert self._reason(APP, KEY, "u", sig, now=T0) == "malformed"

    def test_malformed_field_types(self) -> None:
        """Fields of the wrong type are malformed, not a crash."""
        doc = _decode(KNOWN_SIG)
        for key, bad in [
            ("TLS.time", "soon"),
            ("TLS.expire", True),
            ("TLS.sig", 5),
            ("TLS.identifier", None),
            ("TLS.sdkappid", 1.5),
        ]:
            broken = dict(doc, **{key: bad})
            assert self._reason(APP, KEY, "xiaojun", _encode(broken), now=T0) == "malformed"

    @pytest.mark.parametrize("field", ["TLS.time", "TLS.expire"])
    def test_tampered_times_fail_signature(self, field: str) -> None:
        """Extending a sig's lifetime by editing the document breaks the signature."""
        doc = _decode(KNOWN_SIG)
        value = doc[field]
        assert isinstance(value, int)
        doc[field] = value + 86400
        assert self._reason(APP, KEY, "xiaojun", _encode(doc), now=T0) == "bad_signature"

    def test_tampered_bytes(self) -> None:
        """Flipping characters of the sig never verifies."""
        for pos in range(0, len(KNOWN_SIG), 7):
            ch = KNOWN_SIG[pos]
            bad = KNOWN_SIG[:pos] + ("A" if ch != "A" else "B") + KNOWN_SIG[pos + 1 :]
            with pytest.raises(UserSigError):
                verify_user_sig(APP, KEY, "xiaojun", bad, now=T0)

    def test_is_a_value_error(self) -> None:
        """UserSigError is a ValueError."""
        assert issubclass(UserSigError, ValueError)

    def test_gen_rejects_bad_input(self) -> None:
        """gen_user_sig refuses an empty user id and a negative lifetime."""
        with pytest.raises(ValueError, match="user_id"):
            gen_user_sig(APP, KEY, "")
        with pytest.raises(ValueError, match="expire"):
            gen_user_sig(APP, KEY, "u", -1)


class TestProperties:
    @settings(max_examples=200, deadline=None)
    @given(
        app=st.integers(min_value=1, max_value=2**32 - 1),
        key=st.text(min_size=1, max_size=64),
        user=st.text(min_size=1, max_size=32),
        expire=st.integers(min_value=1, max_value=10 * 365 * 86400),
        now=st.integers(min_value=0, max_value=2**33),
    )
    def test_roundtrip(self, app: int, key: str, user: str, expire: int, now: int) -> None:
        """Any generated sig verifies with the same inputs until it expires."""
        sig = gen_user_sig(app, key, user, expire, now=now)
        info = verify_user_sig(app, key, user, sig, now=now + expire - 1)
        assert info == UserSigInfo(user, app, now, expire)
        with pytest.raises(UserSigError) as err:
            verify_user_sig(app, key, user, sig, now=now + expire)
        assert err.value.reason == "expired"

    @settings(max_examples=100, deadline=None)
    @given(key=st.text(min_size=1, max_size=64), other=st.text(min_size=1, max_size=64))
    def test_other_key_never_verifies(self, key: str, other: str) -> None:
        """A sig only verifies with the key that made it."""
        sig = gen_user_sig(APP, key, "u", now=T0)
        if other != key:
            with pytest.raises(UserSigError) as err:
                verify_user_sig(APP, other, "u", sig, now=T0)
            assert err.value.reason == "bad_signature"

    def test_current_time_default(self) -> None:
        """Without ``now`` the current clock is used for both issue and check."""
        sig = gen_user_sig(APP, KEY, "u", 3600)
        assert verify_user_sig(APP, KEY, "u", sig).expire == 3600
