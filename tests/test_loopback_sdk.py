"""The loopback SDK (C) on its own: loaded with ctypes, talking to a fake cloud in a thread.

Python callbacks run on the SDK's threads here, which the real binding never does; these tests
only check what the C library does on the wire and with its callbacks.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aiotim._abi import FUNCTIONS
from aiotim.loopback.cloud.protocol import FrameDecoder, encode_frame

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK_DIR = ROOT / "aiotim" / "loopback" / "sdk"
APP_ID = 1400000123
SERVER_TIME_MS = 1_700_000_000_000

NetStatusCb = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_int32, ctypes.c_char_p, ctypes.c_void_p)
CommCb = ctypes.CFUNCTYPE(None, ctypes.c_int32, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p)
RecvCb = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)
LogCb = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
ConvEventCb = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
ReadMembersCb = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_uint64, ctypes.c_bool, ctypes.c_void_p
)

MSG_ID = re.compile(rb"^[0-9a-f]{16}-\d+-\d+$")


# ---- building and loading the library ----


def _compile(out: Path, extra: tuple[str, ...] = ()) -> None:
    sources = sorted(str(p) for p in LOOPBACK_DIR.glob("*.c"))
    cmd = [
        "gcc",
        "-std=c11",
        "-O2",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-fvisibility=hidden",
        "-D_GNU_SOURCE",
        "-fPIC",
        "-shared",
        f"-I{ROOT / 'aiotim/_abi'}",
        f"-I{LOOPBACK_DIR}",
        *extra,
        *sources,
        "-o",
        str(out),
        "-lpthread",
    ]
    subprocess.run(cmd, check=True)


@pytest.fixture(scope="session")
def libpath() -> Path:
    """The loopback library: $AIOTIM_LOOPBACK_LIB, else the newest build, rebuilt if stale."""
    if os.environ.get("AIOTIM_LOOPBACK_LIB"):
        return Path(os.environ["AIOTIM_LOOPBACK_LIB"])
    sources = [*LOOPBACK_DIR.glob("*.c"), *LOOPBACK_DIR.glob("*.h"), *LOOPBACK_DIR.glob("*.inc")]
    newest_source = max(p.stat().st_mtime for p in sources)
    built = sorted(LOOPBACK_DIR.glob("_libimsdk_loopback*.so"), key=lambda p: p.stat().st_mtime)
    if built and built[-1].stat().st_mtime >= newest_source:
        return built[-1]
    out = LOOPBACK_DIR / "_libimsdk_loopback.so"
    _compile(out)
    return out


class Sdk:
    """One private copy of the library, with the callbacks of a test recorded in a queue."""

    def __init__(self, path: Path) -> None:
        self.lib = ctypes.CDLL(str(path), mode=os.RTLD_NOW | os.RTLD_LOCAL)
        self.events: queue.Queue[tuple[object, ...]] = queue.Queue()
        self._keep: list[object] = []
        lib = self.lib
        lib.TIMGetSDKVersion.restype = ctypes.c_char_p
        lib.TIMGetServerTime.restype = ctypes.c_uint64
        lib.TIMInit.argtypes = [ctypes.c_uint64, ctypes.c_char_p]
        lib.TIMLoopbackFirehose.argtypes = [ctypes.c_uint64, ctypes.c_char_p]
        self.status_cb = NetStatusCb(
            lambda st, code, desc, ud: self.events.put(("status", st, code, desc))
        )
        self.log_cb = LogCb(lambda level, text, ud: self.events.put(("log", level, text)))
        lib.TIMSetNetworkStatusListenerCallback(self.status_cb, None)
        lib.TIMSetLogCallback(self.log_cb, None)

    def comm(self, tag: str) -> CommCb:
        """A TIMCommCallback that records (tag, code, desc, json, user_data, thread id)."""
        cb = CommCb(
            lambda code, desc, js, ud: self.events.put(
                (tag, code, desc, js, ud, threading.get_ident())
            )
        )
        self._keep.append(cb)
        return cb

    def recv(self, tag: str) -> RecvCb:
        cb = RecvCb(lambda js, ud: self.events.put((tag, js, ud)))
        self._keep.append(cb)
        return cb

    def init(self, address: str | None, **extra: object) -> int:
        import json

        config = dict(extra)
        if address is not None:
            config["loopback_address"] = address
        return int(self.lib.TIMInit(APP_ID, json.dumps(config).encode()))

    def next(self, kind: str, timeout: float = 5.0) -> tuple[object, ...]:
        """The next recorded event of that kind (others of other kinds are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind!r} event within {timeout} s")
            try:
                ev = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if ev[0] == kind:
                return ev

    def statuses(self, n: int, timeout: float = 5.0) -> list[tuple[int, int]]:
        return [self.next("status", timeout)[1:3] for _ in range(n)]  # type: ignore[misc]

    def drain(self) -> list[tuple[object, ...]]:
        out = []
        while True:
            try:
                out.append(self.events.get_nowait())
            except queue.Empty:
                return out


class FakeCloud:
    """A cloud on a unix socket: welcomes every hello, records C frames, sends what it is told."""

    def __init__(self, path: Path, welcome: bool = True) -> None:
        self.path = path
        self.address = f"unix:{path}"
        self.welcome = welcome
        self.calls: queue.Queue[list[object]] = queue.Queue()
        self.hellos: queue.Queue[list[object]] = queue.Queue()
        self.conn: socket.socket | None = None
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(str(path))
        self._sock.listen(8)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.conn = conn
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        decoder = FrameDecoder()
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            for ftype, fields in decoder.feed(data):
                if ftype == "H":
                    self.hellos.put(fields)
                    if self.welcome:
                        conn.sendall(encode_frame("W", [SERVER_TIME_MS]))
                elif ftype == "C":
                    self.calls.put(fields)

    def send(self, ftype: str, fields: list[object]) -> None:
        assert self.conn is not None
        self.conn.sendall(encode_frame(ftype, fields))  # type: ignore[arg-type]

    def send_raw(self, data: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(data)

    def next_call(self, timeout: float = 5.0) -> list[object]:
        return self.calls.get(timeout=timeout)

    def drop(self) -> None:
        assert self.conn is not None
        self.conn.shutdown(socket.SHUT_RDWR)
        self.conn.close()

    def close(self) -> None:
        self._sock.close()
        if self.conn is not None:
            self.conn.close()


@pytest.fixture
def make_sdk(libpath: Path, tmp_path: Path) -> Iterator[object]:
    """Factory of private library copies; uninitialises each at the end of the test."""
    made: list[Sdk] = []
    counter = iter(range(1000))

    def make() -> Sdk:
        copy = tmp_path / f"libimsdk_copy_{next(counter)}.so"
        shutil.copy(libpath, copy)
        sdk = Sdk(copy)
        made.append(sdk)
        return sdk

    yield make
    for sdk in made:
        sdk.lib.TIMUninit()


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[FakeCloud]:
    c = FakeCloud(tmp_path / "cloud.sock")
    yield c
    c.close()


@pytest.fixture
def connected(make_sdk: object, cloud: FakeCloud) -> tuple[Sdk, FakeCloud]:
    """An SDK connected to the fake cloud (statuses connecting, connected consumed)."""
    sdk = make_sdk()  # type: ignore[operator]
    assert sdk.init(cloud.address) == 0
    assert sdk.statuses(2) == [(2, 0), (0, 0)]
    return sdk, cloud


def login(sdk: Sdk, cloud: FakeCloud, user: bytes = b"alice") -> None:
    """Logs in through the cloud: C TIMLogin, then L and R as the real cloud would answer."""
    assert sdk.lib.TIMLogin(user, b"sig-" + user, sdk.comm("login"), None) == 0
    req, name, uid, sig = cloud.next_call()
    assert (name, uid, sig) == (b"TIMLogin", user, b"sig-" + user)
    cloud.send("L", [1, user])
    cloud.send("R", [req, 0, True, 0, "", ""])
    assert sdk.next("login")[1] == 0


# ---- the library as a whole ----


class TestExports:
    def test_every_abi_function_is_exported(self, libpath: Path) -> None:
        """All 240 functions of tim_abi.h and the two loopback extras are exported."""
        lib = ctypes.CDLL(str(libpath))
        missing = [name for name in FUNCTIONS if not hasattr(lib, name)]
        assert missing == []
        assert len(FUNCTIONS) == 240
        assert hasattr(lib, "TIMLoopbackFirehose")
        assert hasattr(lib, "TIMLoopbackEcho")

    def test_only_tim_symbols_are_exported(self, libpath: Path) -> None:
        """Internal symbols stay hidden (-fvisibility=hidden), so copies cannot collide."""
        out = subprocess.run(
            ["nm", "-D", "--defined-only", str(libpath)], check=True, capture_output=True, text=True
        ).stdout
        names = {line.split()[-1] for line in out.splitlines() if " T " in line}
        assert names == set(FUNCTIONS) | {
            "TIMLoopbackFirehose",
            "TIMLoopbackEcho",
            "TIMLoopbackFirehosePaced",
            "TIMLoopbackFirehoseSample",
        }

    def test_generated_inc_matches_the_generator(self) -> None:
        """The committed generated.inc is exactly what scripts/gen_loopback.py emits."""
        spec = importlib.util.spec_from_file_location(
            "gen_loopback", ROOT / "scripts" / "gen_loopback.py"
        )
        assert spec is not None
        assert spec.loader is not None
        gen = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gen)
        assert (LOOPBACK_DIR / "generated.inc").read_text(encoding="utf-8") == gen.generate()
        assert gen.generate() == gen.generate()

    def test_compiles_without_warnings(self, tmp_path: Path) -> None:
        """The sources compile with the project's strict flags and -Werror."""
        _compile(tmp_path / "strict.so")


class TestLocal:
    def test_version_and_calls_before_init(self, make_sdk: object) -> None:
        """Before TIMInit: the version is there, calls return -1, the status is UnLogined."""
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.lib.TIMGetSDKVersion() == b"8.0.5903-loopback"
        assert sdk.lib.TIMConvGetConvList(sdk.comm("x"), None) == -1
        assert sdk.lib.TIMGetLoginStatus() == 3
        assert sdk.lib.TIMLoopbackEcho(b"{}", sdk.comm("x"), None) == -1

    def test_set_config_calls_back_synchronously(self, make_sdk: object) -> None:
        """TIMSetConfig calls back inside the call, on the calling thread, with the config."""
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.lib.TIMSetConfig(b'{"set_config_log_level": 6}', sdk.comm("cfg"), None) == 0
        tag, code, desc, js, _, thread = sdk.events.get_nowait()
        assert (tag, code, desc, thread) == ("cfg", 0, b"", threading.get_ident())
        import json

        effective = json.loads(js)
        assert effective["set_config_log_level"] == 6
        assert "set_config_is_log_output_console" in effective
        assert sdk.lib.TIMSetConfig(b"{nope", sdk.comm("cfg"), None) == -3
        assert sdk.lib.TIMSetConfig(None, sdk.comm("cfg"), None) == -4

    @pytest.mark.parametrize(
        "text",
        [
            b"{}",
            b"[]",
            b'"x"',
            b"0",
            b"-1.5e+3",
            b'{"a":[true,false,null,{"b":"\\u00e9\\n"}]}',
            b' \n{"a" : 1 }\t',
            b'["\xff\xfe"]',
        ],
    )
    def test_valid_json_is_forwarded(self, connected: tuple[Sdk, FakeCloud], text: bytes) -> None:
        """A json_* parameter that is valid JSON is accepted and sent as is."""
        sdk, cloud = connected
        assert sdk.lib.TIMGroupCreate(text, sdk.comm("r"), None) == 0
        assert cloud.next_call()[2] == text

    @pytest.mark.parametrize(
        "text",
        [
            b"",
            b"{",
            b'{"a":1,}',
            b"[1,]",
            b"01",
            b"{'a':1}",
            b"nul",
            b'"\x01"',
            b'{"a" 1}',
            b"[1 2]",
            b"1 2",
            b"NaN",
            b'"\\x"',
            b"[" * 600 + b"]" * 600,
            b'{"a":1}}',
            b"-",
            b"1.",
        ],
    )
    def test_invalid_json_returns_minus_3(
        self, connected: tuple[Sdk, FakeCloud], text: bytes
    ) -> None:
        """A json_* parameter that is not strict JSON returns TIM_ERR_JSON and sends nothing."""
        sdk, cloud = connected
        assert sdk.lib.TIMGroupCreate(text, sdk.comm("r"), None) == -3
        with pytest.raises(queue.Empty):
            cloud.calls.get(timeout=0.05)

    def test_null_required_string_returns_minus_4(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """NULL for a required string is TIM_ERR_PARAM; an optional one (hello_msg) is N."""
        sdk, cloud = connected
        assert sdk.lib.TIMGroupDelete(None, sdk.comm("r"), None) == -4
        assert sdk.lib.TIMGroupCreate(None, sdk.comm("r"), None) == -4
        assert sdk.lib.TIMGetLoginUserID(None) == -4
        assert sdk.lib.TIMGroupJoin(b"g1", None, sdk.comm("r"), None) == 0
        assert cloud.next_call()[1:] == [b"TIMGroupJoin", b"g1", None]

    def test_send_before_login_fails_synchronously_with_6013(
        self, connected: tuple[Sdk, FakeCloud]
    ) -> None:
        """TIMMsgSendMessage/TIMMsgSendNewMsg before login: 6013 inside the call, "-0-0"."""
        sdk, cloud = connected
        buf = ctypes.create_string_buffer(128)
        msg = b'{"message_elem_array":[]}'
        assert sdk.lib.TIMMsgSendMessage(b"bob", 1, msg, buf, sdk.comm("send"), 5) == 0
        assert sdk.events.get_nowait() == (
            "send",
            6013,
            b"not initialized",
            msg,
            5,
            threading.get_ident(),
        )
        assert buf.value == b"-0-0"
        assert sdk.lib.TIMMsgSendNewMsg(b"bob", 1, msg, sdk.comm("send2"), None) == 0
        assert sdk.events.get_nowait()[:3] == ("send2", 6013, b"not initialized")
        with pytest.raises(queue.Empty):
            cloud.calls.get(timeout=0.05)


class TestConnection:
    def test_init_connects_and_says_hello(self, make_sdk: object, cloud: FakeCloud) -> None:
        """TIMInit connects: status connecting then connected, after H with the app id."""
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.init(cloud.address) == 0
        assert sdk.lib.TIMInit(APP_ID, None) == 0  # a second TIMInit is a no-op
        assert sdk.statuses(2) == [(2, 0), (0, 0)]
        assert cloud.hellos.get(timeout=5) == [b"aiotim-loopback/1", APP_ID, b"8.0.5903-loopback"]
        assert abs(sdk.lib.TIMGetServerTime() - SERVER_TIME_MS // 1000) <= 2

    def test_address_from_environment(
        self, make_sdk: object, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without loopback_address, AIOTIM_LOOPBACK_ADDRESS is used."""
        monkeypatch.setenv("AIOTIM_LOOPBACK_ADDRESS", cloud.address)
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.init(None) == 0
        assert sdk.statuses(2) == [(2, 0), (0, 0)]

    def test_no_address_reports_connect_failed(
        self, make_sdk: object, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """No address at all: TIMInit returns 0, then connecting and connect-failed 9516
        (ERR_SDK_NET_HOST_GETADDRINFO_FAILED); a login fails at once with it, saying what to
        set."""
        monkeypatch.delenv("AIOTIM_LOOPBACK_ADDRESS", raising=False)
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.lib.TIMInit(APP_ID, b"") == 0
        assert sdk.statuses(2) == [(2, 0), (3, 9516)]
        assert sdk.lib.TIMLogin(b"alice", b"sig", sdk.comm("login"), None) == 0
        code, desc = sdk.next("login")[1:3]
        assert code == 9516 and b"set AIOTIM_LOOPBACK_ADDRESS" in desc

    @pytest.mark.parametrize(
        "address",
        [
            b"tcp:10.0.0.1:80",
            b"tcp:example.com:80",
            b"tcp:[::2]:80",
            b"tcp:0.0.0.0:80",
            b"unix:relative.sock",
            b"http://127.0.0.1:80",
            b"tcp:127.0.0.1:0",
        ],
    )
    def test_non_loopback_address_is_refused(self, make_sdk: object, address: bytes) -> None:
        """TIMInit refuses any address that is not unix or a loopback TCP host (-4), and logs."""
        sdk = make_sdk()  # type: ignore[operator]
        config = b'{"loopback_address":"' + address + b'"}'
        assert sdk.lib.TIMInit(APP_ID, config) == -4
        assert b"refused" in sdk.next("log")[2]
        assert sdk.lib.TIMGetLoginStatus() == 3

    @pytest.mark.parametrize(
        "address", [b"tcp:127.0.0.1:1", b"tcp:localhost:1", b"tcp:[::1]:1", b"tcp:127.9.9.9:1"]
    )
    def test_loopback_tcp_addresses_are_accepted(self, make_sdk: object, address: bytes) -> None:
        """Loopback TCP addresses are accepted (nothing listens here: connect-failed)."""
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.lib.TIMInit(APP_ID, b'{"loopback_address":"' + address + b'"}') == 0
        assert sdk.statuses(2) == [(2, 0), (3, 9512)]

    def test_invalid_init_config_returns_minus_3(self, make_sdk: object) -> None:
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.lib.TIMInit(APP_ID, b"{not json") == -3

    def test_tcp_connection(self, make_sdk: object) -> None:
        """The SDK also talks over TCP on 127.0.0.1."""
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        port = srv.getsockname()[1]
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.init(f"tcp:127.0.0.1:{port}") == 0
        conn, _ = srv.accept()
        decoder = FrameDecoder()
        frames: list[tuple[str, list[object]]] = []
        while not frames:
            frames += decoder.feed(conn.recv(4096))
        assert frames[0][0] == "H"
        conn.sendall(encode_frame("W", [SERVER_TIME_MS]))
        assert sdk.statuses(2) == [(2, 0), (0, 0)]
        conn.close()
        srv.close()

    def test_drop_fails_in_flight_and_reconnect_relogs_in(
        self, connected: tuple[Sdk, FakeCloud]
    ) -> None:
        """A drop fails in-flight requests with 9508, reports disconnected, reconnects, and
        re-logs in with req_id 0 before any other request."""
        sdk, cloud = connected
        login(sdk, cloud)
        assert sdk.lib.TIMConvGetConvList(sdk.comm("inflight"), 42) == 0
        cloud.next_call()
        cloud.drop()
        assert sdk.next("inflight")[1:5] == (9508, b"network disconnected", b"", 42)
        assert sdk.statuses(3) == [(1, 9508), (2, 0), (0, 0)]
        assert cloud.next_call() == [0, b"TIMLogin", b"alice", b"sig-alice"]
        cloud.send("R", [0, 0, True, 0, "", ""])
        assert sdk.lib.TIMGetLoginStatus() == 1

    def test_requests_wait_for_the_connection(self, make_sdk: object, tmp_path: Path) -> None:
        """A request made before W is sent after it, in order; nothing is sent before W."""
        cloud = FakeCloud(tmp_path / "slow.sock", welcome=False)
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.init(cloud.address) == 0
        cloud.hellos.get(timeout=5)
        assert sdk.lib.TIMGroupDelete(b"g1", sdk.comm("a"), None) == 0
        assert sdk.lib.TIMGroupDelete(b"g2", sdk.comm("b"), None) == 0
        with pytest.raises(queue.Empty):
            cloud.calls.get(timeout=0.1)
        cloud.send("W", [SERVER_TIME_MS])
        assert cloud.next_call()[2] == b"g1"
        assert cloud.next_call()[2] == b"g2"
        cloud.close()

    def test_request_timeout(self, make_sdk: object, tmp_path: Path) -> None:
        """Unanswered or unsent requests fail after the timeout: 9520, and 9523 for a login
        that never got out."""
        cloud = FakeCloud(tmp_path / "mute.sock", welcome=False)
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.init(cloud.address, loopback_request_timeout_ms=300) == 0
        started = time.monotonic()
        assert sdk.lib.TIMConvGetConvList(sdk.comm("conv"), None) == 0
        assert sdk.lib.TIMLogin(b"alice", b"sig", sdk.comm("login"), None) == 0
        assert sdk.next("conv")[1] == 9520
        assert sdk.next("login")[1] == 9523
        assert 0.25 < time.monotonic() - started < 3
        cloud.close()

    def test_sent_request_times_out_with_9520(self, make_sdk: object, cloud: FakeCloud) -> None:
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.init(cloud.address, loopback_request_timeout_ms=200) == 0
        sdk.statuses(2)
        assert sdk.lib.TIMLogin(b"alice", b"sig", sdk.comm("login"), None) == 0
        req = cloud.next_call()[0]
        assert sdk.next("login")[1] == 9520
        cloud.send("R", [req, 0, True, 0, "late", ""])  # late: dropped silently
        with pytest.raises(AssertionError):
            sdk.next("login", timeout=0.2)

    def test_lone_request_after_idle_still_times_out(
        self, make_sdk: object, cloud: FakeCloud
    ) -> None:
        """A request made while nothing is in flight is written by the calling thread and does
        not wake the network thread: its deadline still fires (the thread never sleeps longer
        than one timeout), also after an idle spell and an answered request."""
        sdk = make_sdk()  # type: ignore[operator]
        assert sdk.init(cloud.address, loopback_request_timeout_ms=200) == 0
        sdk.statuses(2)
        login(sdk, cloud)
        time.sleep(0.3)  # idle past one timeout
        assert sdk.lib.TIMConvGetConvList(sdk.comm("answered"), None) == 0
        req, name = cloud.next_call()[:2]
        assert name == b"TIMConvGetConvList"
        cloud.send("R", [req, 0, True, 0, "", "[]"])
        assert sdk.next("answered")[1] == 0
        time.sleep(0.05)
        assert sdk.lib.TIMConvGetConvList(sdk.comm("mute"), None) == 0
        assert cloud.next_call()[1] == b"TIMConvGetConvList"
        assert sdk.next("mute")[1] == 9520

    def test_calls_from_many_threads_arrive_whole_and_in_order(
        self, connected: tuple[Sdk, FakeCloud]
    ) -> None:
        """Calls written by their own threads (nothing in flight) and calls queued for the
        network thread (a burst) never interleave: every frame arrives whole, each thread's
        calls in the order it made them, and every answer reaches its callback."""
        sdk, cloud = connected
        login(sdk, cloud)
        per, threads = 200, 4
        cbs = [sdk.comm(f"t{k}") for k in range(threads)]

        def caller(k: int) -> None:
            for i in range(per):
                assert (
                    sdk.lib.TIMConvGetConversationListByFilter(
                        f'{{"conversation_list_filter_mark_type":{k * per + i}}}'.encode(),
                        ctypes.c_uint64(0),
                        ctypes.c_uint32(1),
                        cbs[k],
                        None,
                    )
                    == 0
                )
                if i % 3 == 0:
                    time.sleep(0.0005)  # now and then nothing in flight: a direct write

        workers = [threading.Thread(target=caller, args=(k,)) for k in range(threads)]
        for w in workers:
            w.start()
        seen: dict[int, list[int]] = {k: [] for k in range(threads)}
        for _ in range(per * threads):
            fields = cloud.next_call()
            assert fields[1] == b"TIMConvGetConversationListByFilter"
            n = int(fields[2].decode().rpartition(":")[2].rstrip("}"))  # type: ignore[union-attr]
            seen[n // per].append(n % per)
            cloud.send("R", [fields[0], 0, True, 0, "", ""])
        for w in workers:
            w.join()
        assert seen == {k: list(range(per)) for k in range(threads)}
        answered: dict[object, int] = {}
        while sum(answered.values()) < per * threads:
            ev = sdk.events.get(timeout=5)
            if ev[0] != "log":
                assert ev[1] == 0, ev
                answered[ev[0]] = answered.get(ev[0], 0) + 1
        assert answered == {f"t{k}": per for k in range(threads)}

    def test_init_uninit_cycles(self, make_sdk: object, cloud: FakeCloud) -> None:
        """Several TIMInit/TIMUninit cycles in one process; nothing fires after TIMUninit."""
        sdk = make_sdk()  # type: ignore[operator]
        for _ in range(5):
            assert sdk.init(cloud.address) == 0
            assert sdk.statuses(2) == [(2, 0), (0, 0)]
            assert sdk.lib.TIMConvGetConvList(sdk.comm("pending"), None) == 0
            cloud.next_call()
            assert sdk.lib.TIMUninit() == 0
            assert sdk.lib.TIMConvGetConvList(sdk.comm("x"), None) == -1
            time.sleep(0.05)
            assert [e for e in sdk.drain() if e[0] != "log"] == []
        assert sdk.lib.TIMUninit() == 0

    def test_malformed_frame_drops_the_connection(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """An oversized frame closes the connection; the SDK reconnects."""
        sdk, cloud = connected
        cloud.send_raw((64 * 1024 * 1024 + 1).to_bytes(4, "big"))
        assert sdk.statuses(3) == [(1, 9508), (2, 0), (0, 0)]


class TestCallbacks:
    def test_call_is_forwarded_and_result_fires(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """A call becomes a C frame (params in order); its R fires the callback on the SDK's
        callback thread with the right args and user_data."""
        sdk, cloud = connected
        assert sdk.lib.TIMConvPinConversation(b"c2c_bob", 1, True, sdk.comm("pin"), 77) == 0
        req, name, *params = cloud.next_call()
        assert (name, params) == (b"TIMConvPinConversation", [b"c2c_bob", 1, True])
        assert isinstance(req, int)
        assert req > 0
        cloud.send("R", [req, 0, True, 0, "ok", '{"a":1}'])
        _, code, desc, js, ud, thread = sdk.next("pin")
        assert (code, desc, js, ud) == (0, b"ok", b'{"a":1}', 77)
        assert thread != threading.get_ident()

    def test_integers_are_sent_as_i64(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """uint64 and int64 parameters keep their bits (two's complement on the wire)."""
        sdk, cloud = connected
        sdk.lib.TIMGroupIncreaseGroupCounter.argtypes = [
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_int64,
            CommCb,
            ctypes.c_void_p,
        ]
        assert sdk.lib.TIMGroupIncreaseGroupCounter(b"g", b"k", -5, sdk.comm("x"), None) == 0
        assert cloud.next_call()[2:] == [b"g", b"k", -5]

    def test_multi_shot_result_and_second_slot(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """Non-final R frames keep the request; slot 1 fires TIMMsgSendNewMsgEx's res_cb."""
        sdk, cloud = connected
        login(sdk, cloud)
        assert (
            sdk.lib.TIMMsgSendNewMsgEx(b"bob", 1, b"{}", sdk.comm("msgid"), sdk.comm("res"), 9) == 0
        )
        req = cloud.next_call()[0]
        cloud.send("R", [req, 0, False, 0, "", "the-id"])
        cloud.send("R", [req, 1, True, 0, "", "{}"])
        assert sdk.next("msgid")[3] == b"the-id"
        assert sdk.next("res")[1:5] == (0, b"", b"{}", 9)

    def test_output_buffer_receives_the_sent_id(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """TIMMsgSendMessage writes a message id into its buffer and sends the same id."""
        sdk, cloud = connected
        login(sdk, cloud)
        buf = ctypes.create_string_buffer(128)
        assert sdk.lib.TIMMsgSendMessage(b"bob", 1, b"{}", buf, sdk.comm("send"), None) == 0
        assert MSG_ID.match(buf.value)
        _, name, *params = cloud.next_call()
        assert (name, params) == (b"TIMMsgSendMessage", [b"bob", 1, b"{}", buf.value])
        assert sdk.lib.TIMMsgSendMessage(b"bob", 1, b"{}", None, sdk.comm("send"), None) == 0
        assert MSG_ID.match(cloud.next_call()[5])

    def test_login_state_frame(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """L sets what TIMGetLoginStatus and TIMGetLoginUserID return."""
        sdk, cloud = connected
        cloud.send("L", [1, "alice"])
        buf = ctypes.create_string_buffer(128)
        deadline = time.monotonic() + 5
        while sdk.lib.TIMGetLoginStatus() != 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sdk.lib.TIMGetLoginUserID(buf) == 0
        assert buf.value == b"alice"
        cloud.send("L", [3, ""])
        while sdk.lib.TIMGetLoginStatus() != 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sdk.lib.TIMGetLoginStatus() == 3

    def test_events_reach_every_new_message_callback(
        self, connected: tuple[Sdk, FakeCloud]
    ) -> None:
        """E for TIMAddRecvNewMsgCallback fires every registration, in order; removal works."""
        sdk, cloud = connected
        a, b = sdk.recv("a"), sdk.recv("b")
        sdk.lib.TIMAddRecvNewMsgCallback(a, 1)
        sdk.lib.TIMAddRecvNewMsgCallback(b, 2)
        cloud.send("E", ["TIMAddRecvNewMsgCallback", "[1]"])
        assert sdk.next("a") == ("a", b"[1]", 1)
        assert sdk.next("b") == ("b", b"[1]", 2)
        sdk.lib.TIMRemoveRecvNewMsgCallback(a)
        cloud.send("E", ["TIMAddRecvNewMsgCallback", "[2]"])
        assert sdk.next("b") == ("b", b"[2]", 2)
        assert [e for e in sdk.drain() if e[0] == "a"] == []

    def test_setter_event_and_clearing(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """E fires the single-slot registration; TIMSet*(NULL) clears it."""
        sdk, cloud = connected
        cb = ConvEventCb(lambda ev, js, ud: sdk.events.put(("conv", ev, js, ud)))
        sdk.lib.TIMSetConvEventCallback(cb, 3)
        cloud.send("E", ["TIMSetConvEventCallback", 2, None])
        assert sdk.next("conv") == ("conv", 2, None, 3)
        sdk.lib.TIMSetConvEventCallback(None, None)
        cloud.send("E", ["TIMSetConvEventCallback", 2, "[]"])
        cloud.send("E", ["TIMAddRecvNewMsgCallback", "[]"])  # a marker: the queue moved on
        time.sleep(0.2)
        assert [e for e in sdk.drain() if e[0] == "conv"] == []

    def test_mismatched_frames_are_logged_and_dropped(
        self, connected: tuple[Sdk, FakeCloud]
    ) -> None:
        """R/E frames whose fields do not match the typedef are logged and dropped."""
        sdk, cloud = connected
        r = sdk.recv("r")
        sdk.lib.TIMAddRecvNewMsgCallback(r, None)
        cloud.send("E", ["TIMAddRecvNewMsgCallback", 5])
        assert b"do not match" in sdk.next("log")[2]
        cloud.send("E", ["TIMNoSuchCallback", "x"])
        assert b"no such setter" in sdk.next("log")[2]
        cloud.send("Z", [])
        assert b"unknown frame type" in sdk.next("log")[2]
        cloud.send("E", ["TIMAddRecvNewMsgCallback", "ok"])
        assert sdk.next("r")[1] == b"ok"

    def test_invalid_utf8_passes_through_unchanged(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """Any bytes travel both ways unchanged, invalid UTF-8 included."""
        sdk, cloud = connected
        junk = b'[{"x":"\xff\xfe\xc3("}]'
        r = sdk.recv("r")
        sdk.lib.TIMAddRecvNewMsgCallback(r, None)
        cloud.send("E", ["TIMAddRecvNewMsgCallback", junk])
        assert sdk.next("r")[1] == junk
        assert sdk.lib.TIMGroupDelete(b"\xff\x80g", sdk.comm("x"), None) == 0
        assert cloud.next_call()[2] == b"\xff\x80g"

    def test_read_member_list_failure_shape(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """A typedef without a code (read-member list) fails with (\"\", 0, finished)."""
        sdk, cloud = connected
        cb = ReadMembersCb(lambda js, seq, fin, ud: sdk.events.put(("rm", js, seq, fin)))
        sdk.lib.TIMMsgGetGroupMessageReadMemberList.argtypes = [
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_uint64,
            ctypes.c_uint32,
            ReadMembersCb,
            ctypes.c_void_p,
        ]
        assert sdk.lib.TIMMsgGetGroupMessageReadMemberList(b"{}", 0, 0, 10, cb, None) == 0
        cloud.next_call()
        cloud.drop()
        assert sdk.next("rm") == ("rm", b"", 0, True)

    def test_echo_and_firehose(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """TIMLoopbackEcho completes from the callback thread; the firehose fires N times."""
        sdk, _ = connected
        assert sdk.lib.TIMLoopbackEcho(b'{"e":1}', sdk.comm("echo"), 4) == 0
        _, code, desc, js, ud, thread = sdk.next("echo")
        assert (code, desc, js, ud) == (0, b"", b'{"e":1}', 4)
        assert thread != threading.get_ident()
        count = [0]
        done = threading.Event()

        def on_msg(js: bytes, ud: int) -> None:
            count[0] += 1
            if count[0] == 2000:
                done.set()

        cb = RecvCb(on_msg)
        sdk.lib.TIMAddRecvNewMsgCallback(cb, None)
        assert sdk.lib.TIMLoopbackFirehose(2000, b"[]") == 0
        assert done.wait(10)
        assert sdk.lib.TIMLoopbackFirehose(10**12, b"[]") == 0
        assert sdk.lib.TIMUninit() == 0  # stops and joins the firehose
        stopped_at = count[0]
        time.sleep(0.1)
        assert count[0] == stopped_at

    def test_uninit_from_inside_a_callback(self, connected: tuple[Sdk, FakeCloud]) -> None:
        """TIMUninit called from a callback on the callback thread neither deadlocks nor
        fires anything afterwards."""
        sdk, _ = connected
        done = threading.Event()
        cb = CommCb(lambda code, desc, js, ud: (sdk.lib.TIMUninit(), done.set()))
        assert sdk.lib.TIMLoopbackEcho(b"{}", cb, None) == 0
        assert done.wait(5)
        assert sdk.lib.TIMConvGetConvList(sdk.comm("x"), None) == -1
        assert sdk.init(None) == 0  # and it can be initialised again


class TestIsolation:
    def test_two_copies_connect_independently(self, make_sdk: object, tmp_path: Path) -> None:
        """Two copies of the library in one process: own connections, own state."""
        clouds = [FakeCloud(tmp_path / f"c{i}.sock") for i in range(2)]
        sdks = [make_sdk() for _ in range(2)]  # type: ignore[operator]
        for sdk, cloud in zip(sdks, clouds, strict=True):
            assert sdk.init(cloud.address) == 0
            assert sdk.statuses(2) == [(2, 0), (0, 0)]
        login(sdks[0], clouds[0], b"alice")
        assert sdks[0].lib.TIMGetLoginStatus() == 1
        assert sdks[1].lib.TIMGetLoginStatus() == 3
        assert sdks[1].lib.TIMGroupDelete(b"only-1", sdks[1].comm("d"), None) == 0
        assert clouds[1].next_call()[1:] == [b"TIMGroupDelete", b"only-1"]
        assert clouds[0].calls.empty()
        assert sdks[0].lib.TIMUninit() == 0
        assert sdks[1].lib.TIMGroupDelete(b"still", sdks[1].comm("d"), None) == 0
        assert clouds[1].next_call()[2] == b"still"
        for cloud in clouds:
            cloud.close()


# Callbacks here are C functions of libc: a Python (ctypes) callback would be freed during
# interpreter finalization while an SDK thread still calls it, which is why the real binding
# uses a C relay. strlen fits TIMRecvNewMsgCallback; getpid ignores TIMCommCallback's args.
EXIT_SCRIPT = r"""
import ctypes, os, sys, time
lib = ctypes.CDLL(sys.argv[1], mode=os.RTLD_NOW | os.RTLD_LOCAL)
libc = ctypes.CDLL(None)
lib.TIMInit.argtypes = [ctypes.c_uint64, ctypes.c_char_p]
lib.TIMLoopbackFirehose.argtypes = [ctypes.c_uint64, ctypes.c_char_p]
assert lib.TIMInit(1, ('{"loopback_address":"unix:%s"}' % sys.argv[2]).encode()) == 0
strlen = ctypes.cast(libc.strlen, ctypes.c_void_p)
getpid = ctypes.cast(libc.getpid, ctypes.c_void_p)
lib.TIMAddRecvNewMsgCallback(strlen, None)
assert lib.TIMLoopbackFirehose(10**12, b'[{"a":1}]') == 0
for _ in range(2000 if sys.argv[3] == "echo" else 50):
    lib.TIMLoopbackEcho(b"{}", getpid, None)
    lib.TIMConvGetConvList(getpid, None)
time.sleep(0.02)
"""


@pytest.mark.slow
@pytest.mark.parametrize("run", range(10))
def test_process_exits_cleanly_with_busy_threads(libpath: Path, tmp_path: Path, run: int) -> None:
    """A process that exits while the SDK's threads are busy (no TIMUninit) exits 0."""
    cloud = FakeCloud(tmp_path / "exit.sock")
    copy = tmp_path / "libcopy.so"
    shutil.copy(libpath, copy)
    mode = "echo" if run % 2 else "firehose"
    proc = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, str(copy), str(cloud.path), mode],
        capture_output=True,
        timeout=30,
    )
    cloud.close()
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
