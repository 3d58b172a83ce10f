/*
 * api.c: the generated exports (one small wrapper per TIM function and setter) and the tables
 * the rest of the library reads. All the per-function code lives in generated.inc.
 */
#include <stddef.h>

#include "lb.h"

#include "generated.inc"
