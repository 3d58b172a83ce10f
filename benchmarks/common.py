"""Shared pieces of the benchmarks: the payload, clients, the naive ctypes SDK, statistics.

Every benchmark script can run on its own (``python -m benchmarks.throughput --quick``) and
prints one JSON object on its last line; ``python -m benchmarks`` runs them all in fresh
processes and tabulates.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import hashlib
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

import aiotim
from aiotim._native.loader import SDKSource
from aiotim.loopback.sdk import loopback_library_path
from aiotim.models.message import messages_from_bytes

APP_ID = 1400000123

#: One new message per callback, the shape the loopback cloud pushes (about 400 bytes).
PAYLOAD = orjson.dumps(
    [
        {
            "message_msg_id": "144115212345678901-1700000000-123456789",
            "message_conv_id": "alice",
            "message_conv_type": 1,
            "message_sender": "alice",
            "message_seq": 42,
            "message_rand": 123456789,
            "message_server_time": 1700000000,
            "message_client_time": 1700000000,
            "message_is_from_self": False,
            "message_is_read": False,
            "message_status": 2,
            "message_elem_array": [{"elem_type": 0, "text_elem_content": "hello, benchmark"}],
        }
    ]
)


def cloud_message(i: int = 0, text: str = "hello, benchmark") -> dict[str, Any]:
    """A C2C text message from alice to bob, as the loopback cloud renders it for bob (the JSON
    a client's new-message callback receives); ``i`` varies its ids and sequence number."""
    from aiotim.loopback.cloud.jsonshapes import message_view
    from aiotim.loopback.cloud.state import StoredMessage

    rand = 123456789 + i
    stored = StoredMessage(
        conv_key="c2c:alice:bob",
        conv_type=1,
        sender="alice",
        target="bob",
        body={"message_elem_array": [{"elem_type": 0, "text_elem_content": text}]},
        rand=rand,
        server_time=1700000000,
        client_time=1700000000,
        msg_id=f"144115212345678901-1700000000-{rand}",
        unique_id=7000000000000000000 + i,
        seq=42 + i,
    )
    return message_view(stored, "bob", is_read=False, is_peer_read=False)


def work(payload: bytes) -> int:
    """The per-callback work every consumer does: decode, build the Messages, read ``.text``
    -- with the decoder aiotim's own streams use (``messages_from_bytes``: in C where it can),
    so that the floor and the naive consumers differ from aiotim only in the pipe."""
    n = 0
    for m in messages_from_bytes(payload):
        if m.text is not None:
            n += 1
    return n


def backends() -> list[str]:
    """asyncio, trio, and uvloop when it is installed."""
    out = ["asyncio", "trio"]
    with contextlib.suppress(ImportError):
        import uvloop  # noqa: F401

        out.append("uvloop")
    return out


def anyio_run(fn: Callable[[], Any], backend: str) -> Any:
    """Run ``fn`` with anyio on ``backend`` (``uvloop``: asyncio with uvloop's loop)."""
    import anyio

    if backend == "uvloop":
        return anyio.run(fn, backend="asyncio", backend_options={"use_uvloop": True})
    return anyio.run(fn, backend=backend)


@contextlib.asynccontextmanager
async def loopback_client() -> AsyncIterator[aiotim.Client]:
    """An initialised client on a private copy of the loopback SDK (no cloud, no login: the
    firehose and the echo need only TIMInit)."""
    source = SDKSource(loopback_library_path(), private_copy=True)
    async with aiotim.Client(APP_ID, sdk=source) as client:
        yield client


class NaiveSDK:
    """A private copy of the loopback SDK loaded with ctypes, for the naive consumers: what a
    user writes without aiotim (a Python callback per event, run on the SDK's thread)."""

    RECV = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)
    COMM = ctypes.CFUNCTYPE(None, ctypes.c_int32, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p)

    def __init__(self) -> None:
        fd, tmp = tempfile.mkstemp(prefix="naive-sdk-", suffix=".so")
        with os.fdopen(fd, "wb") as out, open(loopback_library_path(), "rb") as src:
            shutil.copyfileobj(src, out)
        try:
            self.lib = ctypes.CDLL(tmp, mode=os.RTLD_LOCAL)
        finally:
            os.unlink(tmp)
        lib = self.lib
        lib.TIMInit.argtypes = [ctypes.c_uint64, ctypes.c_char_p]
        lib.TIMLoopbackFirehose.argtypes = [ctypes.c_uint64, ctypes.c_char_p]
        lib.TIMLoopbackFirehosePaced.argtypes = [ctypes.c_uint64, ctypes.c_uint64, ctypes.c_char_p]
        lib.TIMLoopbackFirehoseSample.argtypes = [ctypes.c_uint64]
        lib.TIMLoopbackFirehoseSample.restype = ctypes.c_int64
        lib.TIMLoopbackEcho.argtypes = [ctypes.c_char_p, self.COMM, ctypes.c_void_p]
        lib.TIMAddRecvNewMsgCallback.argtypes = [self.RECV, ctypes.c_void_p]
        lib.TIMRemoveRecvNewMsgCallback.argtypes = [self.RECV]
        self._dir = tempfile.mkdtemp(prefix="naive-data-")
        self._keep: list[Any] = []

    def __enter__(self) -> NaiveSDK:
        cfg = orjson.dumps(
            {"sdk_config_config_file_path": self._dir, "sdk_config_log_file_path": self._dir}
        )
        rc = self.lib.TIMInit(APP_ID, cfg)
        assert rc == 0, rc
        return self

    def __exit__(self, *exc: object) -> None:
        self.lib.TIMUninit()
        shutil.rmtree(self._dir, ignore_errors=True)

    def on_recv(self, fn: Callable[[bytes, Any], object]) -> Any:
        """Register ``fn(json_msg_array, user_data)`` as a new-message callback.

        ``json_msg_array`` is never NULL (None) here: the firehose refuses a NULL payload.
        """
        cb = self.RECV(fn)
        self._keep.append(cb)
        self.lib.TIMAddRecvNewMsgCallback(cb, None)
        return cb

    def off_recv(self, cb: Any) -> None:
        self.lib.TIMRemoveRecvNewMsgCallback(cb)

    def samples(self, limit: int = 65536) -> list[int]:
        """Time inside each callback of the last paced run, from the firing thread's view."""
        out = []
        for i in range(limit):
            v = self.lib.TIMLoopbackFirehoseSample(i)
            if v < 0:
                break
            out.append(v)
        return out


def client_samples(client: aiotim.Client, limit: int = 65536) -> list[int]:
    """``TIMLoopbackFirehoseSample`` of a client's SDK copy (see :meth:`NaiveSDK.samples`)."""
    fn = client._native.sdk.fn("TIMLoopbackFirehoseSample")
    out = []
    for i in range(limit):
        v = fn(i)
        if v < 0:
            break
        out.append(v)
    return out


def pct(values: list[int] | list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``; nan when empty."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))
    return float(s[k])


def with_medians(out: dict[str, Any], ratios: dict[str, list[float]]) -> dict[str, Any]:
    """``out`` with the per-round ``ratios`` and, under each ratio's key, their median."""
    out["ratios_per_round"] = ratios
    out.update((key, statistics.median(values)) for key, values in ratios.items())
    return out


def summarize_ns(values: list[int]) -> dict[str, float]:
    """p50/p99/p99.9/max in microseconds."""
    return {
        "p50_us": pct(values, 50) / 1e3,
        "p99_us": pct(values, 99) / 1e3,
        "p999_us": pct(values, 99.9) / 1e3,
        "max_us": (max(values) / 1e3) if values else float("nan"),
        "n": len(values),
    }


async def busy_loop(
    stop: Callable[[], bool], slice_s: float = 0.001, *, until: float = math.inf
) -> int:
    """CPU-bound pure-Python work in slices of ``slice_s``, yielding between them, until
    ``stop()`` or the ``time.monotonic()`` deadline ``until``.

    A deadline matters wherever another thread needs the GIL to make ``stop()`` true (the naive
    ctypes callback): each yield to the event loop releases the GIL for a moment (the poll with
    no timeout) and CPython then signals the threads waiting for it, which restarts their 5 ms
    wait before they may *ask* for it; a waiter that keeps losing that race (woken too late on a
    loaded machine) never asks, and can wait for seconds, or for good.
    """
    import anyio.lowlevel

    slices = 0
    while not stop() and time.monotonic() < until:
        end = time.perf_counter() + slice_s
        x = 0
        while time.perf_counter() < end:
            for i in range(200):
                x += i * i % 7
        slices += 1
        await anyio.lowlevel.checkpoint()
    return slices


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    """``with timed() as t: ...`` then ``t[0]`` is the elapsed seconds."""
    out: list[float] = []
    t0 = time.perf_counter()
    try:
        yield out
    finally:
        out.append(time.perf_counter() - t0)


def parse_args(doc: str | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--quick", action="store_true", help="smaller counts (CI, smoke)")
    ap.add_argument("--backend", action="append", help="asyncio, trio, uvloop (default: all)")
    return ap.parse_args()


def emit(result: dict[str, Any]) -> None:
    """Print the script's result as the last line of its output (read by the runner)."""
    sys.stdout.flush()
    print(json.dumps(result, sort_keys=True), flush=True)


def rss_mb() -> float:
    """This process's resident set size in MB (from /proc)."""
    text = Path("/proc/self/statm").read_text()
    return int(text.split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


@functools.cache
def compiled(source: str, *, shared: bool = False) -> Path:
    """``benchmarks/<source>`` compiled with ``cc`` (``$CC``) into ``~/.cache/aiotim/benchmarks``:
    an executable, or a shared object with ``shared``. Once per process, and once per edit of
    the source or of a file it includes with ``#include "..."`` (their hash is in the name)."""
    src = Path(__file__).with_name(source)
    text = src.read_bytes()
    digest = hashlib.sha256(text)
    for name in re.findall(rb'^#include "([^"]+)"', text, re.MULTILINE):
        digest.update(src.with_name(name.decode()).read_bytes())
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    name = f"{src.stem}-{digest.hexdigest()[:16]}{'.so' if shared else ''}"
    target = home / "aiotim" / "benchmarks" / name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        flags = ["-shared", "-fPIC"] if shared else []
        cc = os.environ.get("CC", "cc")
        cmd = [cc, "-O2", "-pthread", *flags, "-o", str(tmp), str(src), "-ldl"]
        subprocess.run(cmd, check=True)
        tmp.replace(target)
    return target


@functools.cache
def _wakeprobe() -> ctypes.CDLL:
    """``benchmarks/wakeprobe.c``, compiled (:func:`compiled`) and loaded once per process."""
    probe = ctypes.CDLL(str(compiled("wakeprobe.c", shared=True)))
    probe.wake_probe.argtypes = [ctypes.c_uint64, ctypes.c_uint64, ctypes.POINTER(ctypes.c_int64)]
    probe.wake_pace.argtypes = [
        ctypes.c_int,
        ctypes.c_uint64,
        ctypes.c_uint64,
        ctypes.POINTER(ctypes.c_uint64),
    ]
    return probe


def wake_floor(count: int, rate: int) -> list[int]:
    """Latencies (ns) of ``count`` paced wake-ups of a C thread waiting in epoll on an eventfd
    (``benchmarks/wakeprobe.c``): the machine's floor for the latency benchmark."""
    out = (ctypes.c_int64 * count)()
    rc = _wakeprobe().wake_probe(count, rate, out)  # ctypes releases the GIL around the call
    if rc != 0:
        raise OSError(-rc, "wake_probe failed")
    return list(out)


def pace_eventfd(efd: int, count: int, rate: int) -> ctypes.Array[ctypes.c_uint64]:
    """Start writing ``efd`` ``count`` times at ``rate`` per second from a C thread (paced as
    ``wake_floor``'s); returns the array its CLOCK_MONOTONIC stamps go to (keep it alive
    until every wake-up was read)."""
    stamps = (ctypes.c_uint64 * count)()
    rc = _wakeprobe().wake_pace(efd, count, rate, stamps)
    if rc != 0:
        raise OSError(-rc, "wake_pace failed")
    return stamps
