/*
 * loopback_ext.h: exports of the loopback SDK that the real libImSDK.so does not have.
 * They exist for benchmarks; aiotim's loader resolves them only on the loopback library.
 */
#ifndef AIOTIM_LOOPBACK_EXT_H
#define AIOTIM_LOOPBACK_EXT_H

#include <stdint.h>

#include "tim_abi.h"

/* Fires `count` new-message callbacks (every TIMAddRecvNewMsgCallback registration) with
 * json_msg_array, from a dedicated thread, as fast as it can. Returns 0, -1 before TIMInit,
 * -4 for a NULL payload. A second call waits for the previous run to finish. TIMUninit stops
 * a run and joins its thread. */
int TIMLoopbackFirehose(uint64_t count, const char* json_msg_array);

/* Like TIMLoopbackFirehose, but paced: callback i fires at start + i / rate seconds (sleeping
 * until then, never spinning). The time spent inside each callback, as the firing thread
 * sees it, is kept for the first 65536 callbacks of the run: TIMLoopbackFirehoseSample.
 * Returns 0, -1 before TIMInit, -4 for a NULL payload or a zero rate. */
int TIMLoopbackFirehosePaced(uint64_t count, uint64_t rate, const char* json_msg_array);

/* Nanoseconds spent inside callback `index` of the last paced firehose run, or -1 when it has
 * not fired (yet). */
int64_t TIMLoopbackFirehoseSample(uint64_t index);

/* Completes at once from the SDK's callback thread: cb(0, "", json, user_data). No cloud is
 * involved. Returns 0, or -1 before TIMInit. */
int TIMLoopbackEcho(const char* json, TIMCommCallback cb, const void* user_data);

#endif
