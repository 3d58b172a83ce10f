/*
 * Layers, lowest first: abi, clock -> json, wire, callbacks -> queue -> media -> net -> sdk ->
 * (api.c).
 *
 * lb_json.h (json.c): strict JSON (RFC 8259) syntax checks, and just enough reading for configs.
 */
#ifndef AIOTIM_LOOPBACK_LB_JSON_H
#define AIOTIM_LOOPBACK_LB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool lb_json_valid(const char *s, size_t n);
/* Calls fn for each member of a top-level object (key and value as raw JSON tokens); returns
 * -1 when s is not a valid JSON object, else the first non-zero value fn returned, or 0. */
typedef int (*lb_json_member_fn)(void *ctx, const char *key, size_t klen, const char *val,
                                 size_t vlen);
int lb_json_members(const char *s, size_t n, lb_json_member_fn fn, void *ctx);
/* Calls fn for each item of a top-level array (index and raw JSON token); returns -1 when s is
 * not a valid JSON array, else the first non-zero value fn returned, or 0. */
typedef int (*lb_json_item_fn)(void *ctx, size_t index, const char *val, size_t vlen);
int lb_json_items(const char *s, size_t n, lb_json_item_fn fn, void *ctx);
/* Decodes a JSON string token (with its quotes) into a malloc'ed NUL-terminated string. */
char *lb_json_string_dup(const char *tok, size_t n);
bool lb_json_key_is(const char *key, size_t klen, const char *name);
bool lb_json_int(const char *tok, size_t n, int64_t *out);

#endif
