"""Loading an SDK: where it comes from, clear errors, and functions an SDK does not export."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import aiotim
from aiotim._native import SDKSource, open_sdk, release_sdk, resolve_source
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
        lib = open_sdk(SDKSource(mini_sdk))
        assert lib.version == "7.9.1-mini"
        with pytest.raises(aiotim.UnsupportedBySDK) as info:
            lib.fn("TIMLogin")
        assert "TIMLogin" in str(info.value)
        assert "7.9.1-mini" in str(info.value)
        assert isinstance(info.value, NotImplementedError)

    @pytest.mark.anyio
    async def test_client_on_a_partial_sdk(self, mini_sdk: Path, tmp_path: Path) -> None:
        """A Client starts on an SDK missing most setters; calling a missing one raises."""
        async with aiotim.Client(1400000001, sdk=mini_sdk, data_dir=tmp_path) as c:
            assert c.sdk_version == "7.9.1-mini"
            assert c._bridge is not None
            assert "TIMSetKickedOfflineCallback" in c._bridge.missing_setters
            with pytest.raises(aiotim.UnsupportedBySDK, match="TIMLogin"):
                await c.login("a", "sig")
            net = c.network_status()
            first = await net.__anext__()  # the callback fired inside the setter call
            assert first.status is aiotim.NetworkStatus.CONNECTING

    @pytest.mark.anyio
    async def test_unknown_function_is_a_key_error(self, mini_sdk: Path, tmp_path: Path) -> None:
        """call_raw with a name outside the ABI: KeyError naming it."""
        async with aiotim.Client(1400000001, sdk=mini_sdk, data_dir=tmp_path) as c:
            with pytest.raises(KeyError, match="TIMNoSuchThing"):
                await c.call_raw("TIMNoSuchThing")

    def test_bad_app_id_is_refused(self, mini_sdk: Path) -> None:
        """sdk_app_id must be a positive int."""
        with pytest.raises(ValueError, match="sdk_app_id"):
            aiotim.Client(0, sdk=mini_sdk)


def _mapped(path: Path) -> bool:
    """Whether a file named ``path`` is mapped in this process."""
    with open("/proc/self/maps") as f:
        return any(str(path) in line for line in f)


class TestPrivateCopies:
    def test_a_loopback_copy_is_unloaded_on_release(self) -> None:
        """A private copy of the loopback SDK: its file is gone once loaded, its mapping goes
        when it is released (dlclose), and it refuses to look up symbols afterwards."""
        source = SDKSource(loopback_library_path())
        lib = open_sdk(source)
        assert lib.is_loopback and not lib.loaded_path.exists()
        assert _mapped(lib.loaded_path)
        release_sdk(lib, source)
        assert lib.closed and not _mapped(lib.loaded_path)
        with pytest.raises(RuntimeError, match="unloaded"):
            lib.has("TIMInit")

    def test_copies_are_distinct_libraries(self) -> None:
        """Two private copies of one file are two libraries (two instances of its globals)."""
        source = SDKSource(loopback_library_path())
        a, b = open_sdk(source), open_sdk(source)
        try:
            assert a.loaded_path != b.loaded_path
            assert a.fn("TIMInit") != b.fn("TIMInit")
        finally:
            release_sdk(a, source)
            release_sdk(b, source)

    def test_a_copy_that_cannot_be_unloaded_is_kept_for_the_next_client(
        self, mini_sdk: Path
    ) -> None:
        """A copy of another SDK (the real one leaves threads running after TIMUninit) is not
        unloaded: the next open of the same file takes it back instead of loading a new one."""
        source = SDKSource(mini_sdk)
        lib = open_sdk(source)
        assert not lib.is_loopback
        release_sdk(lib, source)
        assert not lib.closed and _mapped(lib.loaded_path)
        again = open_sdk(source)
        assert again is lib
        other = open_sdk(source)  # the spare is taken: a new copy
        assert other is not lib
        release_sdk(again, source)
        release_sdk(other, source)

    @pytest.mark.anyio
    async def test_clients_on_one_sdk_file_run_at_once(
        self, mini_sdk: Path, tmp_path: Path
    ) -> None:
        """Two clients of one (non-loopback) SDK file open at once, each on its own copy."""
        a = aiotim.Client(1400000001, sdk=mini_sdk, data_dir=tmp_path / "a")
        b = aiotim.Client(1400000001, sdk=mini_sdk, data_dir=tmp_path / "b")
        async with a, b:
            assert a._lib is not None and b._lib is not None and a._lib is not b._lib
            assert a.sdk_version == b.sdk_version == "7.9.1-mini"

    @pytest.mark.anyio
    async def test_the_default_data_dir_is_one_per_open_client(
        self, mini_sdk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without data_dir=, open clients of one app get $XDG_DATA_HOME/aiotim/<app>, then
        <app>-2: never one directory for two SDK instances; a closed client's is free again."""
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
        a = aiotim.Client(1400000001, sdk=mini_sdk)
        b = aiotim.Client(1400000001, sdk=mini_sdk)
        async with a, b:
            assert a._sdk_dirs[0] == (tmp_path / "aiotim" / "1400000001").resolve()
            assert b._sdk_dirs[0] == (tmp_path / "aiotim" / "1400000001-2").resolve()
        async with aiotim.Client(1400000001, sdk=mini_sdk) as c:
            assert c._sdk_dirs[0] == (tmp_path / "aiotim" / "1400000001").resolve()
