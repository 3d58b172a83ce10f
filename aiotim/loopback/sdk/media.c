/*
 * media.c: the files of a send's media elements (see lb_media.h): finding them in the message
 * JSON, reading them in chunks as U frames, and the JSON of the upload-progress callbacks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lb_json.h"
#include "lb_media.h"

/* The path keys of the media elements (TIMMessageManager.h:2082-2199): a video has two files,
 * the video then its snapshot. */
static const char *const PATH_KEYS[] = {
    "image_elem_orig_path", "sound_elem_file_path",  "file_elem_file_path",
    "video_elem_video_path", "video_elem_image_path",
};

struct scan {
    struct lb_upload *head, **tail;
    uint32_t index;
};

static void add_upload(struct scan *S, const char *key, char *path)
{
    struct lb_upload *u = calloc(1, sizeof *u);
    if (!u) {
        free(path);
        return;
    }
    u->index = S->index;
    snprintf(u->key, sizeof u->key, "%s", key);
    u->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (u->fd < 0) {
        u->err = errno;
    } else if (fstat(u->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        u->err = errno ? errno : EISDIR;
        close(u->fd);
        u->fd = -1;
    } else {
        u->size = st.st_size;
    }
    free(path);
    *S->tail = u;
    S->tail = &u->next;
}

static int elem_member(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
    struct scan *S = ctx;
    for (size_t k = 0; k < sizeof PATH_KEYS / sizeof *PATH_KEYS; k++) {
        if (lb_json_key_is(key, klen, PATH_KEYS[k])) {
            char *path = lb_json_string_dup(val, vlen);
            if (path && *path)
                add_upload(S, PATH_KEYS[k], path);
            else
                free(path);
        }
    }
    return 0;
}

/* Keeps the order of PATH_KEYS within an element (a video: the video, then the snapshot). */
static int elem_item(void *ctx, size_t index, const char *val, size_t vlen)
{
    struct scan *S = ctx;
    S->index = (uint32_t)index;
    struct lb_upload **first = S->tail;
    lb_json_members(val, vlen, elem_member, S);
    if (*first && (*first)->next && strcmp((*first)->key, "video_elem_image_path") == 0) {
        struct lb_upload *snap = *first, *video = snap->next;
        snap->next = video->next;
        video->next = snap;
        *first = video;
        if (!snap->next)
            S->tail = &snap->next;
    }
    return 0;
}

static int msg_member(void *ctx, const char *key, size_t klen, const char *val, size_t vlen)
{
    if (lb_json_key_is(key, klen, "message_elem_array"))
        lb_json_items(val, vlen, elem_item, ctx);
    return 0;
}

struct lb_upload *lb_media_scan(const char *json_msg)
{
    struct scan S = {NULL, &S.head, 0};
    if (json_msg)
        lb_json_members(json_msg, strlen(json_msg), msg_member, &S);
    return S.head;
}

void lb_uploads_rewind(struct lb_upload *u)
{
    for (; u; u = u->next) {
        u->off = 0;
        u->done = false;
    }
}

void lb_uploads_free(struct lb_upload *u)
{
    while (u) {
        struct lb_upload *next = u->next;
        if (u->fd >= 0)
            close(u->fd);
        free(u);
        u = next;
    }
}

/* U: I req_id, I index, S key, I offset, I total, S bytes */
static struct lb_frame *encode_chunk(uint64_t req_id, const struct lb_upload *u, int64_t total,
                                     size_t n)
{
    size_t klen = strlen(u->key);
    struct lb_frame *f = lb_frame_alloc(1 + 9 + 9 + 5 + klen + 9 + 9 + 5 + n);
    if (!f)
        return NULL;
    unsigned char *p = lb_wire_put_u8(f->data + 4, 'U');
    p = lb_wire_put_u8(p, 'I');
    p = lb_wire_put_i64(p, (int64_t)req_id);
    p = lb_wire_put_u8(p, 'I');
    p = lb_wire_put_i64(p, u->index);
    p = lb_wire_put_str(p, u->key, klen);
    p = lb_wire_put_u8(p, 'I');
    p = lb_wire_put_i64(p, u->off);
    p = lb_wire_put_u8(p, 'I');
    p = lb_wire_put_i64(p, total);
    p = lb_wire_put_u8(p, 'S');
    lb_wire_put_u32(p, (uint32_t)n);
    return f;
}

struct lb_frame *lb_media_chunk(uint64_t req_id, struct lb_upload *u)
{
    if (u->fd < 0) {
        u->done = true;
        return encode_chunk(req_id, u, -(int64_t)(u->err ? u->err : EIO), 0);
    }
    int64_t left = u->size - u->off;
    size_t n = left > (int64_t)LB_UPLOAD_CHUNK ? LB_UPLOAD_CHUNK : (size_t)(left > 0 ? left : 0);
    struct lb_frame *f = encode_chunk(req_id, u, u->size, n);
    if (!f)
        return NULL;
    unsigned char *data = f->data + f->len - n;
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(u->fd, data + got, n - got, u->off + (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) { /* an error, or the file shrank: report it unreadable */
            free(f);
            u->err = r < 0 ? errno : EIO;
            close(u->fd);
            u->fd = -1;
            u->done = true;
            return encode_chunk(req_id, u, -(int64_t)u->err, 0);
        }
        got += (size_t)r;
    }
    u->off += (int64_t)n;
    u->done = u->off >= u->size;
    return f;
}

/* A JSON string token of s (quotes and escapes), appended at o. */
static char *put_json_string(char *o, const char *s)
{
    *o++ = '"';
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            *o++ = '\\';
            *o++ = (char)ch;
        } else if (ch < 0x20) {
            o += sprintf(o, "\\u%04x", ch);
        } else {
            *o++ = (char)ch;
        }
    }
    *o++ = '"';
    return o;
}

char *lb_media_progress_json(const char *json_msg, const char *msg_id, const char *conv_id,
                             int64_t conv_type)
{
    size_t n = strlen(json_msg);
    while (n && json_msg[n - 1] != '}')
        n--;
    if (!n)
        return strdup(json_msg);
    size_t extra = 160 + 6 * (strlen(msg_id) + strlen(conv_id));
    char *out = malloc(n + extra);
    if (!out)
        return NULL;
    memcpy(out, json_msg, n - 1);
    char *o = out + n - 1;
    /* an empty object takes no comma */
    const char *q = out + 1;
    while (q < o && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
        q++;
    bool empty = q == o;
    if (*msg_id) {
        o += sprintf(o, "%s\"message_msg_id\":", empty ? "" : ",");
        o = put_json_string(o, msg_id);
        empty = false;
    }
    o += sprintf(o, "%s\"message_conv_id\":", empty ? "" : ",");
    o = put_json_string(o, conv_id);
    o += sprintf(o, ",\"message_conv_type\":%lld,\"message_status\":1,"
                    "\"message_is_from_self\":true}",
                 (long long)conv_type);
    *o = '\0';
    return out;
}
