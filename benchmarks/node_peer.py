"""aiotim side by side with Tencent's own Node.js wrapper of the same C API.

The peer is ``im_electron_sdk@8.0.5906`` (its ``dist/tim.js``, plain Node, no Electron), which
drives the library through the ``ffi-rs`` package. Both run against aiotim's **loopback**
library, on the same machine, with the same messages, each measurement in a fresh process and
the two sides alternating (shape by shape, round by round; Node first, then aiotim on each
backend, in even rounds, and the other way round in odd ones):

- **new messages** at 1, 100 and 1,000 per callback (``TIMLoopbackFirehose`` fires a callback
  whose JSON array holds that many C2C text messages, as the loopback cloud renders them): the
  Node side ``JSON.parse``\\ s each callback and reads each message's text; aiotim's consumer
  reads ``msg.text`` in ``async for msg in client.new_messages()``. Messages per second.
- **calls** at concurrency 1 and 100, against a loopback cloud in its own process: a local call
  (``TIMConvGetConvList``: the wrapper decodes the list; aiotim's ``client.conversations.list()``)
  and a send (``TIMMsgSendMessage`` of a text to a user: the Node side decodes the returned
  message; aiotim's ``client.messages.send_text``). Calls per second, and each process's RSS
  before and after the timed run. At concurrency 1 two more sides run between the two (after
  Node in even rounds, after aiotim in odd ones): the **floor**, a client in C with nothing in
  it (``callfloor.c``: the same calls, one at a time, its thread sleeping in ``epoll_wait``
  until the result's callback writes an eventfd): what a minimal client reaches on this
  machine, cloud and library included (one that sleeps until each result; a client that
  busy-polls is not bounded by it). ``floor_vs_node_calls_c1``
  (floor / Node) says how far ahead of Node such a client is at concurrency 1 here, and
  ``calls_c1_vs_floor`` how close aiotim comes to it; and the **loop floor**, the same calls
  from a bare asyncio loop (ctypes, the C callback of ``resultfd.c``, no aiotim):
  ``loop_floor_vs_node_calls_c1``.

Installing the peer: npm installs ``ffi-rs`` into ``~/.cache/aiotim/node-peer-8.0.5906`` and
``npm pack`` fetches the wrapper, of which only ``dist/`` and ``package.json`` are extracted:
its ``lib/`` (Tencent's real ``libImSDK.so``) is never written to disk. The wrapper pins
``ffi-rs`` 1.0.62, which the npm registry no longer serves; 1.0.74, the next release, is used.
The wrapper also requires ``electron`` (for a path) and ``json-bigint-parse`` (group results;
gone from the registry): ``node_peer.js`` stubs both.

Safety: the wrapper opens "its" ``libImSDK.so``; ``node_peer.js`` opens the loopback library
instead, only after its SHA-256 matched the one computed here, and reports ``/proc/self/maps``
at the end: a result without the loopback mapped, or with any ``libImSDK`` file mapped, is
refused. Node runs under ``shared/tools/netless`` (no network) when that tool is there.

Ratios (aiotim / Node; above 1: aiotim is faster) are taken within each round (five; two in a
quick run; Node first in even rounds, last in odd ones) and the median over the rounds is
reported; rates are the best round. ``vs_node_calls_c*`` is the lower of the
two calls' ratios; ``vs_node_rss`` is aiotim's RSS after the calls over Node's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

from benchmarks.common import (
    APP_ID,
    anyio_run,
    backends,
    cloud_message,
    compiled,
    emit,
    loopback_client,
    parse_args,
    rss_mb,
)

WRAPPER = "im_electron_sdk"
WRAPPER_VERSION = "8.0.5906"
#: the wrapper pins 1.0.62, which the registry no longer serves: the next release
FFI_RS_VERSION = "1.0.74"
SCRIPT = Path(__file__).with_name("node_peer.js")
SECRET = "node-peer-benchmark-secret"
BATCHES = (1, 100, 1_000)
CONCURRENCY = (1, 100)
FUNCTIONS = ("TIMConvGetConvList", "TIMMsgSendMessage")
PEER_USER = "peer"


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "aiotim" / f"node-peer-{WRAPPER_VERSION}"


def netless() -> Path | None:
    """``shared/tools/netless`` beside the repository, if it is there."""
    tool = Path(__file__).resolve().parents[2] / "shared" / "tools" / "netless"
    return tool if tool.is_file() else None


def unavailable() -> str | None:
    """Why the Node peer cannot run here (None: it can)."""
    for tool in ("node", "npm", os.environ.get("CC", "cc")):  # cc: the floors are C
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


def install() -> Path:
    """The peer's ``node_modules`` (installed on first use; see the module docstring)."""
    root = cache_dir()
    modules = root / "node_modules"
    marker = root / ".installed"
    if marker.is_file():
        return modules
    root.mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text(
        json.dumps({"name": "aiotim-node-peer", "private": True}), encoding="utf-8"
    )
    npm = ["npm", "--prefix", str(root), "--no-audit", "--no-fund", "--ignore-scripts"]
    subprocess.run(
        [*npm, "install", "--no-save", f"ffi-rs@{FFI_RS_VERSION}"],
        check=True,
        capture_output=True,
    )
    with tempfile.TemporaryDirectory(prefix="node-peer-pack-") as tmp:
        packed = subprocess.run(
            ["npm", "pack", "--silent", f"{WRAPPER}@{WRAPPER_VERSION}", "--pack-destination", tmp],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp,
        ).stdout.split()[-1]
        dest = modules / WRAPPER
        shutil.rmtree(dest, ignore_errors=True)
        with tarfile.open(Path(tmp) / packed) as tar:
            for member in tar.getmembers():
                name = member.name.removeprefix("package/")
                # dist/ and package.json only: never the bundled native libraries
                if not member.isfile() or not (name == "package.json" or name.startswith("dist/")):
                    continue
                src = tar.extractfile(member)
                assert src is not None
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(src.read())
    marker.write_text(f"{WRAPPER}@{WRAPPER_VERSION} ffi-rs@{FFI_RS_VERSION}\n", encoding="utf-8")
    return modules


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def payload(per_callback: int) -> bytes:
    """One callback's JSON: ``per_callback`` C2C text messages as the loopback cloud renders
    them (distinct ids and sequence numbers)."""
    return orjson.dumps([cloud_message(i) for i in range(per_callback)])


# -- one measurement, in a fresh process ----------------------------------------------------


def checked_result(who: str, proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The JSON result on the last line of ``proc``'s output; RuntimeError when it failed."""
    if proc.returncode != 0:
        raise RuntimeError(f"{who} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return check_maps(who, dict(json.loads(proc.stdout.strip().splitlines()[-1])))


def check_maps(who: str, out: dict[str, Any]) -> dict[str, Any]:
    """``out``, unless its ``maps`` show a file named libImSDK mapped or not the loopback."""
    maps = out.get("maps", {})
    if maps.get("real_mapped") or not maps.get("loopback_mapped"):
        raise RuntimeError(f"{who}: the loopback was not the library loaded: {maps}")
    return out


def run_node(spec: dict[str, Any], library: Path) -> dict[str, Any]:
    """One measurement of the Node peer (see ``node_peer.js``); refuses an unsafe result."""
    digest = sha256(library)
    with tempfile.TemporaryDirectory(prefix="node-peer-") as tmp:
        spec = {
            **spec,
            "modules": str(install()),
            "library": str(library),
            "sha256": digest,
            "app_id": APP_ID,
            "data_dir": str(Path(tmp) / "data"),
        }
        spec_file = Path(tmp) / "spec.json"
        spec_file.write_text(json.dumps(spec), encoding="utf-8")
        cmd = ["node", str(SCRIPT), str(spec_file)]
        tool = netless()
        if tool is not None:
            cmd = ["sh", str(tool), *cmd]
        env = dict(os.environ)
        if "address" in spec:  # the loopback library's way to find the cloud
            env["AIOTIM_LOOPBACK_ADDRESS"] = spec["address"]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=600, check=False, env=env
        )
    out = checked_result("node peer", proc)
    out["netless"] = tool is not None
    return out


def run_floor(spec: dict[str, Any], library: Path) -> dict[str, Any]:
    """One measurement of the C floor of calls at concurrency 1 (``callfloor.c``) in a fresh
    process; refuses a result without the loopback mapped, or with a libImSDK file mapped."""
    with tempfile.TemporaryDirectory(prefix="callfloor-") as tmp:
        cmd = [
            str(compiled("callfloor.c")),
            str(library),
            str(APP_ID),
            spec["user"],
            spec["user_sig"],
            spec["peer"],
            spec["function"],
            str(spec["count"]),
            str(spec["warm"]),
            tmp,
        ]
        env = {**os.environ, "AIOTIM_LOOPBACK_ADDRESS": spec["address"]}
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=600, check=False, env=env
        )
    return checked_result("call floor", proc)


def run_aiotim(spec: dict[str, Any], backend: str) -> dict[str, Any]:
    """One measurement of aiotim in a fresh process (``--child``)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({**spec, "backend": backend}, f)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.node_peer", "--child", f.name],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            cwd=Path(__file__).resolve().parents[1],
        )
    finally:
        os.unlink(f.name)
    if proc.returncode != 0:
        raise RuntimeError(f"aiotim child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def child(spec: dict[str, Any]) -> dict[str, Any]:
    backend = spec["backend"]
    if spec["mode"] == "events":
        return aiotim_events(spec, backend)
    if spec["mode"] == "loop_floor":
        return loop_floor_calls(spec)
    return aiotim_calls(spec, backend)


def loop_floor_calls(spec: dict[str, Any]) -> dict[str, Any]:
    """The calls' loop floor: the C floor's calls (``callfloor.c``) made from an asyncio event
    loop and nothing else. ctypes calls the loopback library; the result's callback is C
    (``resultfd.c``: it writes an eventfd); the loop's reader callback on that eventfd resolves
    the future the caller awaits. What any asyncio client pays for the loop alone."""
    import asyncio
    import ctypes

    from aiotim.loopback.sdk import loopback_library_path

    library = loopback_library_path()
    if "libImSDK" in library.name:
        raise RuntimeError(f"loop floor: refusing {library}: the floor runs on the loopback only")
    lib = ctypes.CDLL(str(library), mode=os.RTLD_LOCAL)
    shim = ctypes.CDLL(str(compiled("resultfd.c", shared=True)))
    efd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
    shim.resultfd_set(efd)
    callback = ctypes.cast(shim.resultfd_callback, ctypes.c_void_p)
    vp, cp = ctypes.c_void_p, ctypes.c_char_p
    lib.TIMInit.argtypes = [ctypes.c_uint64, cp]
    lib.TIMLogin.argtypes = [cp, cp, vp, vp]
    lib.TIMMsgSendMessage.argtypes = [cp, ctypes.c_int, cp, cp, vp, vp]
    lib.TIMConvGetConvList.argtypes = [vp, vp]
    msg = orjson.dumps(
        {"message_elem_array": [{"elem_type": 0, "text_elem_content": "hello, benchmark"}]}
    )
    msg_id = ctypes.create_string_buffer(128)
    peer = spec["peer"].encode()
    os.environ["AIOTIM_LOOPBACK_ADDRESS"] = spec["address"]

    async def main() -> float:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[int] | None = None

        def readable() -> None:
            os.eventfd_read(efd)
            if waiter is not None and not waiter.done():
                waiter.set_result(shim.resultfd_code())

        async def call(start: Callable[[], int]) -> None:
            nonlocal waiter
            waiter = loop.create_future()
            if start() != 0:
                raise RuntimeError("loop floor: a call was refused")
            if await waiter != 0:
                raise RuntimeError("loop floor: a call failed")

        def send() -> int:
            return int(lib.TIMMsgSendMessage(peer, 1, msg, msg_id, callback, None))

        def conv_list() -> int:
            return int(lib.TIMConvGetConvList(callback, None))

        loop.add_reader(efd, readable)
        user, sig = spec["user"].encode(), spec["user_sig"].encode()
        await call(lambda: int(lib.TIMLogin(user, sig, callback, None)))
        await call(send)  # one conversation to list
        one = send if spec["function"] == "TIMMsgSendMessage" else conv_list
        for _ in range(spec["warm"]):
            await call(one)
        t0 = time.perf_counter()
        for _ in range(spec["count"]):
            await call(one)
        rate = float(spec["count"]) / (time.perf_counter() - t0)
        loop.remove_reader(efd)
        return rate

    with tempfile.TemporaryDirectory(prefix="loop-floor-") as tmp:
        config = orjson.dumps({"sdk_config_config_file_path": tmp, "sdk_config_log_file_path": tmp})
        if lib.TIMInit(APP_ID, config) != 0:
            raise RuntimeError("loop floor: TIMInit failed")
        try:
            rate = asyncio.run(main())
        finally:
            lib.TIMUninit()
    return {"rate": rate, "maps": mapped(library)}


def mapped(library: Path) -> dict[str, bool]:
    """Whether ``library`` and whether any file named libImSDK are mapped in this process."""
    maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    return {"loopback_mapped": str(library.resolve()) in maps, "real_mapped": "libImSDK" in maps}


def floor_rate(data: bytes, messages: int) -> float:
    """The decode floor: one thread copies the same callbacks out of a C buffer (as any
    consumer must) and decodes them as aiotim's streams do, reading each text (the throughput
    benchmark's floor, at this payload); the best of three runs of ``messages``."""
    from aiotim._native._ffi import ffi
    from benchmarks.common import work

    per = len(orjson.loads(data))
    n = max(1, messages // per)
    buf = ffi.new("char[]", data)
    size = len(data)
    unpack = ffi.unpack
    best = 0.0
    for _ in range(3):  # the best of three: a floor, not one noisy sample of it
        t0 = time.perf_counter()
        for _ in range(n):
            work(unpack(buf, size))
        best = max(best, n * per / (time.perf_counter() - t0))
    return best


def aiotim_events(spec: dict[str, Any], backend: str) -> dict[str, Any]:
    data = spec["payload"].encode()
    per = len(orjson.loads(data))

    async def main() -> float:
        async with loopback_client() as client:
            stream = client.new_messages()
            rate = 0.0
            for n in (spec["warm"], spec["callbacks"]):
                target = n * per
                t0 = time.perf_counter()
                rc = await client.call_raw("TIMLoopbackFirehose", n, data)
                assert rc == 0, rc
                got = 0
                async for msg in stream:
                    if msg.text is not None:
                        got += 1
                    if got >= target:
                        break
                rate = target / (time.perf_counter() - t0)
            stream.close()
            return rate

    floor = floor_rate(data, spec["callbacks"] * per // 4)
    rate = float(anyio_run(main, backend))
    return {"rate": rate, "floor": floor, "rss_mb": rss_mb()}


def aiotim_calls(spec: dict[str, Any], backend: str) -> dict[str, Any]:
    import anyio

    import aiotim
    from aiotim._native.loader import SDKSource
    from aiotim.loopback.sdk import loopback_library_path

    async def main() -> dict[str, Any]:
        source = SDKSource(
            path=loopback_library_path(),
            extra_config={"loopback_address": spec["address"]},
            private_copy=True,
        )
        async with aiotim.Client(APP_ID, sdk=source) as client:
            await client.login(spec["user"], spec["user_sig"])
            peer = aiotim.C2C(spec["peer"])
            one: Callable[[], Awaitable[object]]
            if spec["function"] == "TIMConvGetConvList":

                async def one() -> object:
                    convs = await client.conversations.list()
                    return convs[0].conv if convs else None
            else:

                async def one() -> object:
                    return (await client.messages.send_text(peer, "hello, benchmark")).id

            async def spread(total: int, conc: int) -> float:
                per = max(1, total // conc)

                async def worker() -> None:
                    for _ in range(per):
                        await one()

                t0 = time.perf_counter()
                async with anyio.create_task_group() as tg:
                    for _ in range(conc):
                        tg.start_soon(worker)
                return per * conc / (time.perf_counter() - t0)

            await client.messages.send_text(peer, "hello")  # one conversation to list
            await spread(spec["warm"], min(spec["concurrency"], spec["warm"]))
            before = rss_mb()
            rate = await spread(spec["count"], spec["concurrency"])
            after = rss_mb()
            await client.logout()
        return {"rate": rate, "rss_before_mb": before, "rss_after_mb": after, "rss_mb": rss_mb()}

    return dict(anyio_run(main, backend))


# -- the comparison -------------------------------------------------------------------------


class CloudProcess:
    """A loopback cloud in its own process (neither side shares a GIL or a loop with it)."""

    def __init__(self) -> None:
        self._tmp = tempfile.mkdtemp(prefix="node-peer-cloud-")
        self.address = f"unix:{self._tmp}/cloud.sock"
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aiotim",
                "loopback",
                "serve",
                "--app-id",
                str(APP_ID),
                "--address",
                self.address,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "AIOTIM_SECRET_KEY": SECRET},
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().strip()
        if not line:
            self.close()
            raise RuntimeError("the loopback cloud did not start")

    def user_sig(self, user: str) -> str:
        from aiotim.usersig import gen_user_sig

        return gen_user_sig(APP_ID, SECRET, user)

    def close(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        shutil.rmtree(self._tmp, ignore_errors=True)


def in_turn(
    round_no: int,
    library: Path,
    node_spec: dict[str, Any],
    specs: dict[str, dict[str, Any]],
    floor_spec: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, Any] | None]:
    """One shape of one round: the Node side (``node_spec``) and aiotim on each backend
    (``specs[backend]``), Node first in even rounds and last in odd ones, so that neither side
    always runs right after the other (a process that starts on a machine just left busy, or
    idle, runs differently); the floors (``floor_spec``, when given) between them, after Node in
    even rounds and after aiotim in odd ones."""

    def floors() -> dict[str, Any] | None:
        if floor_spec is None:
            return None
        got = run_floor(floor_spec, library)
        loop_spec = {**floor_spec, "mode": "loop_floor", "user": floor_spec["user"] + "-loop"}
        loop_spec["user_sig"] = floor_spec["loop_user_sig"]
        got["loop_rate"] = check_maps("loop floor", run_aiotim(loop_spec, "asyncio"))["rate"]
        return got

    if round_no % 2 == 0:
        theirs = run_node(node_spec, library)
        floor = floors()
        mine = {b: run_aiotim(spec, b) for b, spec in specs.items()}
    else:
        mine = {b: run_aiotim(spec, b) for b, spec in specs.items()}
        floor = floors()
        theirs = run_node(node_spec, library)
    return theirs, mine, floor


def run(quick: bool, which: list[str] | None = None, only: str | None = None) -> dict[str, Any]:
    """The comparison; ``only``: ``"events"`` or ``"calls"`` to measure just those shapes."""
    reason = unavailable()
    if reason is not None:
        return {"skipped": reason}
    from aiotim.loopback.sdk import loopback_library_path

    install()
    library = loopback_library_path()
    bks = which or backends()
    rounds = 2 if quick else 5
    messages = 20_000 if quick else 100_000
    calls = {1: 2_000 if quick else 6_000, 100: 10_000 if quick else 40_000}
    rates: dict[str, float] = {}
    ratios: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}
    netless_used = True

    def keep(name: str, rate: float) -> None:
        rates[name] = max(rates.get(name, 0.0), rate)

    cloud = CloudProcess()
    try:
        for r in range(rounds):
            for per in BATCHES if only in (None, "events") else ():
                data = payload(per).decode()
                callbacks = max(1, messages // per)
                spec = {
                    "mode": "events",
                    "payload": data,
                    "callbacks": callbacks,
                    "warm": max(1, callbacks // 10),
                }
                node, mine, _ = in_turn(r, library, spec, {b: spec for b in bks})
                netless_used = netless_used and node["netless"]
                keep(f"node_events_b{per}", node["rate"])
                for b in bks:
                    a = mine[b]
                    keep(f"aiotim_{b}_events_b{per}", a["rate"])
                    ratios.setdefault(f"{b}_vs_node_events_b{per}", []).append(
                        a["rate"] / node["rate"]
                    )
                    ratios.setdefault(f"{b}_events_vs_floor_b{per}", []).append(
                        a["rate"] / a["floor"]
                    )
            for fn in FUNCTIONS if only in (None, "calls") else ():
                short = "convlist" if fn == "TIMConvGetConvList" else "send"
                for conc in CONCURRENCY:
                    spec = {
                        "mode": "calls",
                        "function": fn,
                        "concurrency": conc,
                        "count": calls[conc],
                        "warm": min(200, calls[conc]),
                        "address": cloud.address,
                        "peer": PEER_USER,
                    }
                    user = f"node-{r}-{short}-{conc}"
                    node_spec = {**spec, "user": user, "user_sig": cloud.user_sig(user)}
                    mine_specs = {}
                    for b in bks:
                        user = f"aiotim-{b}-{r}-{short}-{conc}"
                        mine_specs[b] = {**spec, "user": user, "user_sig": cloud.user_sig(user)}
                    floor_spec = None
                    if conc == 1:
                        user = f"floor-{r}-{short}"
                        floor_spec = {
                            **spec,
                            "user": user,
                            "user_sig": cloud.user_sig(user),
                            "loop_user_sig": cloud.user_sig(user + "-loop"),
                        }
                    node, mine, floor = in_turn(r, library, node_spec, mine_specs, floor_spec)
                    keep(f"node_{short}_c{conc}", node["rate"])
                    if floor is not None:
                        keep(f"floor_{short}_c{conc}", floor["rate"])
                        keep(f"loop_floor_{short}_c{conc}", floor["loop_rate"])
                        ratios.setdefault(f"floor_vs_node_{short}_c{conc}", []).append(
                            floor["rate"] / node["rate"]
                        )
                        ratios.setdefault(f"loop_floor_vs_node_{short}_c{conc}", []).append(
                            floor["loop_rate"] / node["rate"]
                        )
                        ratios.setdefault(f"loop_floor_vs_floor_{short}_c{conc}", []).append(
                            floor["loop_rate"] / floor["rate"]
                        )
                    rss.setdefault("node_rss_mb", []).append(node["rss_after_mb"])
                    rss.setdefault("node_growth_kb_per_call", []).append(
                        (node["rss_after_mb"] - node["rss_before_mb"]) * 1e3 / calls[conc]
                    )
                    for b in bks:
                        a = mine[b]
                        keep(f"aiotim_{b}_{short}_c{conc}", a["rate"])
                        ratios.setdefault(f"{b}_vs_node_{short}_c{conc}", []).append(
                            a["rate"] / node["rate"]
                        )
                        if floor is not None:
                            ratios.setdefault(f"{b}_{short}_c{conc}_vs_floor", []).append(
                                a["rate"] / floor["rate"]
                            )
                        rss.setdefault(f"aiotim_{b}_rss_mb", []).append(a["rss_after_mb"])
                        rss.setdefault(f"aiotim_{b}_growth_kb_per_call", []).append(
                            (a["rss_after_mb"] - a["rss_before_mb"]) * 1e3 / calls[conc]
                        )
                        ratios.setdefault(f"{b}_vs_node_rss", []).append(
                            a["rss_after_mb"] / node["rss_after_mb"]
                        )
    finally:
        cloud.close()
    out: dict[str, Any] = {
        "rounds": rounds,
        "messages": messages,
        "calls": {str(k): v for k, v in calls.items()},
        "netless": netless_used,
        "peer": f"{WRAPPER}@{WRAPPER_VERSION} with ffi-rs@{FFI_RS_VERSION}, node "
        + subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
        "rates": rates,
        "ratios_per_round": ratios,
        "rss": {k: statistics.median(v) for k, v in rss.items()},
        "rss_max": {k: max(v) for k, v in rss.items()},
    }
    out.update((k, statistics.median(v)) for k, v in ratios.items())

    def lower(keys: list[str]) -> float | None:
        got = [out.get(k) for k in keys]
        return None if None in got else min(v for v in got if v is not None)

    shorts = ("convlist", "send")
    for b in bks:
        for conc in CONCURRENCY:
            out[f"{b}_vs_node_calls_c{conc}"] = lower([f"{b}_vs_node_{s}_c{conc}" for s in shorts])
        out[f"{b}_calls_c1_vs_floor"] = lower([f"{b}_{s}_c1_vs_floor" for s in shorts])
    out["floor_vs_node_calls_c1"] = lower([f"floor_vs_node_{s}_c1" for s in shorts])
    out["loop_floor_vs_node_calls_c1"] = lower([f"loop_floor_vs_node_{s}_c1" for s in shorts])
    return out


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        spec = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
        print(json.dumps(child(spec)), flush=True)
        return
    only = None
    if "--only" in sys.argv:  # --only events | calls (not a common option of the suite)
        at = sys.argv.index("--only")
        only = sys.argv[at + 1]
        if only not in ("events", "calls"):
            raise SystemExit("--only takes events or calls")
        del sys.argv[at : at + 2]
    args = parse_args(__doc__)
    result = run(args.quick, args.backend, only)
    if "skipped" in result:
        print(f"node peer skipped: {result['skipped']}")
    else:
        for k, v in sorted(result["rates"].items()):
            print(f"{k:>32}: {v:12,.0f}/s")
        for k in sorted(result["ratios_per_round"]):
            print(f"{k:>32}: {result[k]:6.2f}  (rounds: {result['ratios_per_round'][k]})")
    emit(result)


if __name__ == "__main__":
    main()
