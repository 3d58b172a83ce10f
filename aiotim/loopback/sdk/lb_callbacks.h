/*
 * Layers, lowest first: abi, clock -> json, wire, callbacks -> queue -> media -> net -> sdk ->
 * (api.c).
 *
 * lb_callbacks.h (callbacks.c): what the user registered — one callback per TIMSet*Callback
 * setter, any number of TIMAddRecvNewMsgCallback ones — and firing it on the calling thread.
 *
 * Registrations outlive TIMInit/TIMUninit, like the real SDK's. They have their own lock, which
 * is never held while another lock is taken or user code runs.
 */
#ifndef AIOTIM_LOOPBACK_LB_CALLBACKS_H
#define AIOTIM_LOOPBACK_LB_CALLBACKS_H

#include "lb_abi.h"

/* The generated TIMSet*Callback, TIMAddRecvNewMsgCallback and TIMRemoveRecvNewMsgCallback
 * exports call these. */
void lb_set_callback(int setter_id, lb_fnptr fn, const void *user_data);
void lb_add_recv_callback(lb_fnptr fn, const void *user_data);
/* Removes every registration of fn: the real API identifies them by the pointer alone. */
void lb_remove_recv_callback(lb_fnptr fn);

/* Fires what is registered with setter (every new-message callback for
 * LB_SET_TIMAddRecvNewMsgCallback), with args as its typedef takes them. */
void lb_fire_event(int setter, const union lb_arg *args);
/* Fires every registered new-message callback (lb_fire_event's case, without the lookup). */
void lb_fire_recv(const union lb_arg *args);

#endif
