/*
 * api.c: the generated exports (one small wrapper per TIM function and setter), the top layer:
 * they call lb_forward (lb_sdk.h) and the callback registrations (lb_callbacks.h).
 *
 * The tables that lb_abi.h declares for every layer (lb_cbtypes, lb_setters, lb_fns) are defined
 * in abi.c, from generated.inc's other section: lower layers read that data and call the
 * typedefs' invoke functions through it, never the exports.
 */
#include <stddef.h>

#include "lb_abi.h"
#include "lb_callbacks.h"
#include "lb_sdk.h"

#include "generated.inc"
