"""Loading an SDK: where it comes from, clear errors, and functions an SDK does not export."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import aiotim
from aiotim._native import SDKSource, open_sdk, resolve_source
from aiotim.loopback.sdk import loopback_library_path

# A tiny "SDK" that exports only a few TIM functions: enough for a Client to start, so that the
# missing ones can be shown to raise UnsupportedBySDK.
MINI_SDK = r"""
#include <stddef.h>
#include <stdint.h>
typedef void (*TIMNetworkStatusListenerCallback)(int, int32_t, const char*, const void*);
const char* TIMGetSDKVersion(void) { return "7.9.1-mini"; }
int TIMInit(uint64_t app, const char* cfg) { (void)app; (void)cfg; return 0; }
int TIMUninit(void) { return 0; }
int TIMGetLoginStatus(void) { return 3; }
int TIMGetLoginUserID(char* buf) { buf[0] = 0; return 0; }
void TIMSetNetworkStatusListenerCallback(TIMNetworkStatusListenerCallback cb, const void* ud) {
    if (cb) cb(2, 0, "connecting", ud);   /* synchronously, on the calling thread */
}
"""


@pytest.fixture(scope="module")
def mini_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("mini")
    (d / "mini.c").write_text(MINI_SDK)
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(d / "libmini.so"), str(d / "mini.c")], check=True
    )
    return d / "libmini.so"


class TestSources:
    def test_no_sdk_and_no_env_says_what_to_do(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without sdk= or AIOTIM_SDK_PATH: SDKNotFound pointing at both ways out."""
        monkeypatch.delenv("AIOTIM_SDK_PATH", raising=False)
        with pytest.raises(aiotim.SDKNotFound, match=r"AIOTIM_SDK_PATH.*aiotim\.loopback"):
            resolve_source(None)

    def test_env_path_is_used(self, monkeypatch: pytest.MonkeyPatch, mini_sdk: Path) -> None:
        """AIOTIM_SDK_PATH names the library when sdk= is not given."""
        monkeypatch.setenv("AIOTIM_SDK_PATH", str(mini_sdk))
        assert resolve_source(None).path == mini_sdk

    def test_missing_file_is_sdk_not_found(self, tmp_path: Path) -> None:
        """A path that does not exist: SDKNotFound naming it (also a FileNotFoundError)."""
        with pytest.raises(FileNotFoundError, match=r"nope\.so"):
            resolve_source(tmp_path / "nope.so")

    def test_not_a_library_is_sdk_not_found(self, tmp_path: Path) -> None:
        """A file dlopen refuses: SDKNotFound with the loader's reason."""
        bogus = tmp_path / "bogus.so"
        bogus.write_bytes(b"not an ELF file")
        with pytest.raises(aiotim.SDKNotFound, match="cannot load SDK"):
            open_sdk(SDKSource(bogus))

    def test_loopback_is_found(self) -> None:
        """The loopback SDK is built with the package."""
        assert loopback_library_path().is_file()


class TestUnsupported:
    def test_missing_function_names_function_and_version(self, mini_sdk: Path) -> None:
        """A function the SDK lacks raises UnsupportedBySDK with its name and the version."""
        lib = open_sdk(SDKSource(mini_sdk, private_copy=True))
        assert lib.version == "7.9.1-mini"
        with pytest.raises(aiotim.UnsupportedBySDK) as info:
            lib.fn("TIMLogin")
        assert "TIMLogin" in str(info.value)
        assert "7.9.1-mini" in str(info.value)
        assert isinstance(info.value, NotImplementedError)

    @pytest.mark.anyio
    async def test_client_on_a_partial_sdk(self, mini_sdk: Path) -> None:
        """A Client starts on an SDK missing most setters; calling a missing one raises."""
        async with aiotim.Client(1400000001, sdk=SDKSource(mini_sdk, private_copy=True)) as c:
            assert c.sdk_version == "7.9.1-mini"
            assert c._bridge is not None
            assert "TIMSetKickedOfflineCallback" in c._bridge.missing_setters
            with pytest.raises(aiotim.UnsupportedBySDK, match="TIMLogin"):
                await c.login("a", "sig")
            net = c.network_status()
            first = await net.__anext__()  # the callback fired inside the setter call
            assert first.status is aiotim.NetworkStatus.CONNECTING

    @pytest.mark.anyio
    async def test_unknown_function_is_a_key_error(self, mini_sdk: Path) -> None:
        """call_raw with a name outside the ABI: KeyError naming it."""
        async with aiotim.Client(1400000001, sdk=SDKSource(mini_sdk, private_copy=True)) as c:
            with pytest.raises(KeyError, match="TIMNoSuchThing"):
                await c.call_raw("TIMNoSuchThing")

    def test_bad_app_id_is_refused(self, mini_sdk: Path) -> None:
        """sdk_app_id must be a positive int."""
        with pytest.raises(ValueError, match="sdk_app_id"):
            aiotim.Client(0, sdk=mini_sdk)
