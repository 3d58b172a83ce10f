/*
 * json.c: a strict JSON syntax checker (RFC 8259) and the little reading TIMInit/TIMSetConfig
 * need (top-level members of an object, string and integer values).
 *
 * The checker exists so that a json_* parameter that is not JSON fails synchronously with
 * TIM_ERR_JSON (-3), as the real SDK does, instead of travelling to the cloud. It does not build
 * anything. Bytes >= 0x80 inside strings are accepted as they are: the real SDK does not reject
 * invalid UTF-8 either, and the loopback must pass such bytes through unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "lb_json.h"

/* Deep enough for any real payload, shallow enough for a small thread stack. */
#define JSON_MAX_DEPTH 512

struct cursor {
    const char *p, *end;
};

static void skip_ws(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_hex(char ch)
{
    return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool literal(struct cursor *c, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return false;
    c->p += n;
    return true;
}

static bool digits(struct cursor *c)
{
    const char *start = c->p;
    while (c->p < c->end && is_digit(*c->p))
        c->p++;
    return c->p > start;
}

static bool number(struct cursor *c)
{
    if (c->p < c->end && *c->p == '-')
        c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++; /* no leading zeros: "01" is not JSON */
    else if (!digits(c))
        return false;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!digits(c))
            return false;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (!digits(c))
            return false;
    }
    return true;
}

static bool string(struct cursor *c)
{
    if (c->p >= c->end || *c->p != '"')
        return false;
    c->p++;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p++;
        if (ch == '"')
            return true;
        if (ch < 0x20)
            return false;
        if (ch != '\\')
            continue;
        if (c->p >= c->end)
            return false;
        ch = (unsigned char)*c->p++;
        if (ch == 'u') {
            for (int i = 0; i < 4; i++)
                if (c->p >= c->end || !is_hex(*c->p++))
                    return false;
        } else if (!strchr("\"\\/bfnrt", ch) || ch == '\0') {
            return false;
        }
    }
    return false;
}

static bool value(struct cursor *c, int depth);

/* Parses the members or items of an object/array after its opening bracket. */
static bool container(struct cursor *c, int depth, char close, bool object)
{
    if (depth > JSON_MAX_DEPTH)
        return false;
    skip_ws(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return true;
    }
    for (;;) {
        if (object) {
            skip_ws(c);
            if (!string(c))
                return false;
            skip_ws(c);
            if (c->p >= c->end || *c->p++ != ':')
                return false;
        }
        if (!value(c, depth + 1))
            return false;
        skip_ws(c);
        if (c->p >= c->end)
            return false;
        char ch = *c->p++;
        if (ch == close)
            return true;
        if (ch != ',')
            return false;
    }
}

static bool value(struct cursor *c, int depth)
{
    skip_ws(c);
    if (c->p >= c->end)
        return false;
    switch (*c->p) {
    case '{':
        c->p++;
        return container(c, depth, '}', true);
    case '[':
        c->p++;
        return container(c, depth, ']', false);
    case '"':
        return string(c);
    case 't':
        return literal(c, "true");
    case 'f':
        return literal(c, "false");
    case 'n':
        return literal(c, "null");
    default:
        return number(c);
    }
}

bool lb_json_valid(const char *s, size_t n)
{
    struct cursor c = {s, s + n};
    if (!value(&c, 0))
        return false;
    skip_ws(&c);
    return c.p == c.end;
}

int lb_json_members(const char *s, size_t n, lb_json_member_fn fn, void *ctx)
{
    if (!lb_json_valid(s, n))
        return -1;
    struct cursor c = {s, s + n};
    skip_ws(&c);
    if (*c.p != '{')
        return -1;
    c.p++;
    skip_ws(&c);
    if (*c.p == '}')
        return 0;
    /* The text is known to be valid, so the walk below needs no error handling. */
    for (;;) {
        skip_ws(&c);
        const char *key = c.p;
        string(&c);
        size_t klen = (size_t)(c.p - key);
        skip_ws(&c);
        c.p++; /* ':' */
        skip_ws(&c);
        const char *val = c.p;
        value(&c, 1);
        int rc = fn(ctx, key, klen, val, (size_t)(c.p - val));
        if (rc != 0)
            return rc;
        skip_ws(&c);
        if (*c.p++ == '}')
            return 0;
    }
}

int lb_json_items(const char *s, size_t n, lb_json_item_fn fn, void *ctx)
{
    if (!lb_json_valid(s, n))
        return -1;
    struct cursor c = {s, s + n};
    skip_ws(&c);
    if (*c.p != '[')
        return -1;
    c.p++;
    skip_ws(&c);
    if (*c.p == ']')
        return 0;
    /* Valid text: the walk needs no error handling (as lb_json_members). */
    for (size_t i = 0;; i++) {
        skip_ws(&c);
        const char *val = c.p;
        value(&c, 1);
        int rc = fn(ctx, i, val, (size_t)(c.p - val));
        if (rc != 0)
            return rc;
        skip_ws(&c);
        if (*c.p++ == ']')
            return 0;
    }
}

static unsigned hex4(const char *p)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        v = v * 16 + (unsigned)(is_digit(ch) ? ch - '0' : (ch | 0x20) - 'a' + 10);
    }
    return v;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* Decodes one escape after the backslash at *pp; advances *pp past it. */
static char *unescape(const char **pp, const char *end, char *o)
{
    const char *p = *pp;
    char ch = *p++;
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = strchr(from, ch);
    if (ch != 'u') {
        *o++ = hit ? to[hit - from] : ch;
    } else {
        unsigned cp = hex4(p);
        p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
            unsigned lo = hex4(p + 2);
            if (lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
        }
        o = put_utf8(o, cp);
    }
    *pp = p;
    return o;
}

char *lb_json_string_dup(const char *tok, size_t n)
{
    if (n < 2 || tok[0] != '"' || tok[n - 1] != '"')
        return NULL;
    /* An escape never decodes to more bytes than it takes, so n bytes always suffice. */
    char *out = malloc(n);
    if (!out)
        return NULL;
    char *o = out;
    const char *p = tok + 1, *end = tok + n - 1;
    while (p < end) {
        if (*p == '\\') {
            p++;
            o = unescape(&p, end, o);
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

bool lb_json_key_is(const char *key, size_t klen, const char *name)
{
    size_t n = strlen(name);
    return klen == n + 2 && memcmp(key + 1, name, n) == 0;
}

bool lb_json_int(const char *tok, size_t n, int64_t *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, tok, n);
    buf[n] = '\0';
    char *end;
    long long v = strtoll(buf, &end, 10);
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}
