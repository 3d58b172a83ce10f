/*
 * api.c: the generated exports (one small wrapper per TIM function and setter), the top layer:
 * they call lb_forward (lb_sdk.h) and the callback registrations (lb_callbacks.h).
 *
 * generated.inc also defines, in the same section, the tables that lb_abi.h declares for every
 * layer (lb_cbtypes, lb_setters, lb_fns): lower layers read that data and call the typedefs'
 * invoke functions through it, never the exports. All the per-function code lives there.
 */
#include <stddef.h>

#include "lb_abi.h"
#include "lb_callbacks.h"
#include "lb_sdk.h"

#include "generated.inc"
