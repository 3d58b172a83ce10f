/*
 * Layers, lowest first: abi, clock -> json, wire, callbacks -> queue -> media -> net -> sdk ->
 * (api.c).
 *
 * lb_media.h (media.c): the files of a send's media elements, uploaded to the cloud in U frames
 * before the send's C frame (PROTOCOL.md "Media"), and the JSON its upload-progress callbacks
 * carry. The network thread streams the chunks (net.c); this layer only reads files and encodes.
 */
#ifndef AIOTIM_LOOPBACK_LB_MEDIA_H
#define AIOTIM_LOOPBACK_LB_MEDIA_H

#include "lb_abi.h"
#include "lb_wire.h"

/* Bytes of file per U frame: every frame stays small, whatever the file's size. */
#define LB_UPLOAD_CHUNK (256u * 1024u)

/* One file to upload: the path under `key` of element `index` of message_elem_array. */
struct lb_upload {
    struct lb_upload *next;
    int fd;  /* -1 when it could not be opened (err) */
    int err; /* errno of open/fstat/read, else 0 */
    uint32_t index;
    char key[32];
    int64_t size, off;
    bool done;
};

/* The files named by the media elements of a send's json_msg_param (image_elem_orig_path,
 * sound_elem_file_path, file_elem_file_path, video_elem_video_path, video_elem_image_path), in
 * element order, each opened; NULL when there are none. */
struct lb_upload *lb_media_scan(const char *json_msg);
/* Rewinds every upload of the list (a new connection uploads from the start). */
void lb_uploads_rewind(struct lb_upload *u);
void lb_uploads_free(struct lb_upload *u);
/* The next U frame of u for request req_id (at most LB_UPLOAD_CHUNK bytes; an unreadable file
 * gives one frame with total -errno), advancing u->off and setting u->done after the last one.
 * NULL when out of memory. */
struct lb_frame *lb_media_chunk(uint64_t req_id, struct lb_upload *u);
/* json_msg with "message_msg_id" (when msg_id is not empty), "message_conv_id",
 * "message_conv_type" and "message_status": 1 (sending) added: the message an upload-progress
 * callback carries. malloc'ed; NULL when out of memory. */
char *lb_media_progress_json(const char *json_msg, const char *msg_id, const char *conv_id,
                             int64_t conv_type);

#endif
