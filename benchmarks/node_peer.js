// The Node.js peer of the benchmarks: Tencent's own Node wrapper of the IM C API
// (im_electron_sdk's dist/tim.js, which drives the library through ffi-rs), pointed at aiotim's
// LOOPBACK library. benchmarks/node_peer.py installs the wrapper and runs this script (under
// shared/tools/netless when it is there); one JSON object is printed on the last stdout line.
//
//   node node_peer.js SPEC_FILE
//
// SPEC_FILE (JSON): {"modules": node_modules dir, "library": the loopback .so, "sha256": its expected hash,
//        "app_id": N, "data_dir": dir, "mode": "events" | "calls",
//        events: "payload": JSON array of messages (one callback's), "callbacks": per run,
//                "warm": callbacks of the warm-up run,
//        calls:  "user", "user_sig", "peer", "function": "TIMConvGetConvList" | "TIMMsgSendMessage",
//                "concurrency", "count", "warm"}
//
// Safety: the wrapper asks ffi-rs to open the real libImSDK.so of its package. That request is
// turned into opening SPEC.library, and only after the file's SHA-256 matched SPEC.sha256; at the
// end /proc/self/maps must show the loopback mapped and no file named libImSDK (the result says
// so, and node_peer.py refuses a result without it).
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const quiet = () => {};
const log = console.log;
console.log = quiet; // the wrapper logs on init and registration; keep stdout for the result

// The wrapper requires "electron" (only app.isPackaged, to pick its library path, which is
// replaced below) and "json-bigint-parse" (for group results; not on the npm registry any more,
// and not used by what is measured here).
const stubs = {
  electron: { app: { isPackaged: false } },
  "json-bigint-parse": () => {
    throw new Error("json-bigint-parse is not installed (group results are not benchmarked)");
  },
};
const load0 = Module._load;
Module._load = function (request, parent, isMain) {
  if (Object.prototype.hasOwnProperty.call(stubs, request)) return stubs[request];
  return load0.call(this, request, parent, isMain);
};

function sha256(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

const ffi = require(path.join(spec.modules, "ffi-rs"));
const open0 = ffi.open;
const asked = [];
ffi.open = function (params) {
  asked.push(params.path);
  if (params.library !== "libImSDK") throw new Error(`unexpected library ${params.library}`);
  const got = sha256(spec.library);
  if (got !== spec.sha256) {
    throw new Error(`refusing to load ${spec.library}: sha256 ${got}, expected ${spec.sha256}`);
  }
  return open0({ library: params.library, path: spec.library });
};

const TIM = require(path.join(spec.modules, "im_electron_sdk", "dist", "tim.js"));
const { DataType } = ffi;

function mapsCheck() {
  const maps = fs.readFileSync("/proc/self/maps", "utf8");
  const real = maps.split("\n").filter((l) => l.includes("libImSDK"));
  return {
    loopback_mapped: maps.includes(spec.library),
    real_mapped: real.length > 0,
    wrapper_asked_for: asked,
  };
}

function rssMb() {
  const status = fs.readFileSync("/proc/self/status", "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1000 : NaN;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

async function events(tim) {
  const payload = spec.payload;
  const perCallback = JSON.parse(payload).length;
  let got = 0;
  let texts = 0;
  let target = 0;
  let done = null;
  tim.getAdvanceMessageManager().TIMAddRecvNewMsgCallback({
    callback: (json) => {
      // what an application does with each callback: decode it, read each message's text
      const msgs = JSON.parse(json);
      for (const m of msgs) {
        const elems = m.message_elem_array;
        if (elems && elems.length && typeof elems[0].text_elem_content === "string") texts++;
        got++;
      }
      if (got >= target && done) {
        const d = done;
        done = null;
        d();
      }
    },
  });
  const fire = (n) =>
    ffi.load({
      library: "libImSDK",
      funcName: "TIMLoopbackFirehose",
      retType: DataType.I32,
      paramsType: [DataType.U64, DataType.String],
      paramsValue: [n, payload],
    });
  const run = async (callbacks) => {
    got = 0;
    texts = 0;
    target = callbacks * perCallback;
    const t0 = now();
    const finished = new Promise((resolve) => {
      done = resolve;
    });
    const rc = fire(callbacks);
    if (rc !== 0) throw new Error(`TIMLoopbackFirehose: ${rc}`);
    await finished;
    const secs = now() - t0;
    if (texts !== target) throw new Error(`read ${texts} texts of ${target} messages`);
    return target / secs;
  };
  await run(spec.warm);
  const rate = await run(spec.callbacks);
  return { rate, messages: spec.callbacks * perCallback, per_callback: perCallback };
}

async function calls(tim) {
  const base = tim.getTimbaseManager();
  await base.TIMLogin({ userID: spec.user, userSig: spec.user_sig });
  const conv = tim.getConversationManager();
  const msg = tim.getAdvanceMessageManager();
  const text = { message_elem_array: [{ elem_type: 0, text_elem_content: "hello, benchmark" }] };
  let one;
  if (spec.function === "TIMConvGetConvList") {
    // the wrapper decodes the list itself (JSON.parse); read the first conversation's id
    one = async () => {
      const r = await conv.TIMConvGetConvList({});
      if (!Array.isArray(r.json_param)) throw new Error("TIMConvGetConvList: not a list");
      return r.json_param.length ? r.json_param[0].conv_id : "";
    };
  } else {
    // the wrapper hands back the sent message as a JSON string: decode it, read its id
    one = async () => {
      const r = await msg.TIMMsgSendMessage({ conv_id: spec.peer, conv_type: 1, params: text, user_data: "" });
      return JSON.parse(r.json_param).message_msg_id;
    };
  }
  const spread = async (total, conc) => {
    const per = Math.max(1, Math.floor(total / conc));
    const worker = async () => {
      for (let i = 0; i < per; i++) await one();
    };
    const t0 = now();
    await Promise.all(Array.from({ length: conc }, worker));
    return (per * conc) / (now() - t0);
  };
  // one conversation to list (as aiotim's side does)
  await msg.TIMMsgSendMessage({ conv_id: spec.peer, conv_type: 1, params: text, user_data: "" });
  await spread(spec.warm, Math.min(spec.concurrency, spec.warm));
  const rssBefore = rssMb();
  const rate = await spread(spec.count, spec.concurrency);
  const rssAfter = rssMb();
  return { rate, rss_before_mb: rssBefore, rss_after_mb: rssAfter, count: spec.count };
}

async function main() {
  fs.mkdirSync(spec.data_dir, { recursive: true });
  const tim = new TIM({ sdkappid: spec.app_id });
  const rc = await tim.getTimbaseManager().TIMInit({ config_path: spec.data_dir });
  if (rc !== 0) throw new Error(`TIMInit: ${rc}`);
  const result = spec.mode === "events" ? await events(tim) : await calls(tim);
  result.rss_mb = rssMb();
  result.maps = mapsCheck();
  tim.getTimbaseManager().TIMUninit();
  console.log = log;
  out(result);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.log = log;
    process.stderr.write(`node peer: ${err && err.stack ? err.stack : require("util").inspect(err)}\n`);
    process.exit(1);
  },
);
