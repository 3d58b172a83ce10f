/*
 * abi.c: the ABI's tables (lb_cbtypes, lb_setters, lb_fns) and the callback typedefs' invoke
 * functions, generated (generated.inc's LB_GEN_TABLES section). The bottom layer with
 * lb_abi.h: every other file reads these tables; this file calls nothing above it.
 */
#include <stddef.h>

#include "lb_abi.h"

#define LB_GEN_TABLES
#include "generated.inc"
#undef LB_GEN_TABLES
