/*
 * Layers, lowest first: abi, clock -> json, wire, callbacks -> queue -> media -> net -> sdk ->
 * (api.c).
 *
 * lb_sdk.h (sdk.c): what the generated exports call to forward an API call to the cloud. The
 * instance itself (TIMInit .. TIMUninit: its queue, its connection, its threads) is private to
 * sdk.c.
 */
#ifndef AIOTIM_LOOPBACK_LB_SDK_H
#define AIOTIM_LOOPBACK_LB_SDK_H

#include "lb_abi.h"

/* Checks the parameters of function fn_id (TIM_ERR_PARAM, TIM_ERR_JSON at once, as the real
 * SDK), encodes a C frame and hands it to the connection; returns the TIMResult. */
int lb_forward(int fn_id, const union lb_val *vals, const lb_fnptr *cbs, const void *user_data);

#endif
