/*
 * callbacks.c: the user's callback registrations and firing them (see lb_callbacks.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lb_callbacks.h"

struct slot {
    lb_fnptr fn;
    const void *ud;
};

/* Guards everything below; a leaf lock (nothing else is locked while it is held). */
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[LB_SET_COUNT]; /* TIMSet*Callback registrations */
static struct slot *recv_list;          /* TIMAddRecvNewMsgCallback registrations */
static size_t recv_n, recv_cap;

void lb_set_callback(int setter, lb_fnptr fn, const void *user_data)
{
    pthread_mutex_lock(&reg_mu);
    slots[setter].fn = fn;
    slots[setter].ud = fn ? user_data : NULL;
    pthread_mutex_unlock(&reg_mu);
}

static bool slot_get(int setter, lb_fnptr *fn, const void **ud)
{
    pthread_mutex_lock(&reg_mu);
    *fn = slots[setter].fn;
    *ud = slots[setter].ud;
    pthread_mutex_unlock(&reg_mu);
    return *fn != NULL;
}

void lb_add_recv_callback(lb_fnptr fn, const void *user_data)
{
    if (!fn)
        return;
    pthread_mutex_lock(&reg_mu);
    if (recv_n == recv_cap) {
        size_t cap = recv_cap ? recv_cap * 2 : 4;
        struct slot *p = realloc(recv_list, cap * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&reg_mu);
            return;
        }
        recv_list = p;
        recv_cap = cap;
    }
    recv_list[recv_n++] = (struct slot){fn, user_data};
    pthread_mutex_unlock(&reg_mu);
}

void lb_remove_recv_callback(lb_fnptr fn)
{
    pthread_mutex_lock(&reg_mu);
    size_t j = 0;
    for (size_t i = 0; i < recv_n; i++)
        if (recv_list[i].fn != fn)
            recv_list[j++] = recv_list[i];
    recv_n = j;
    pthread_mutex_unlock(&reg_mu);
}

/* Copies up to cap new-message registrations into out; returns how many there are. */
static size_t recv_snapshot(struct slot *out, size_t cap)
{
    pthread_mutex_lock(&reg_mu);
    size_t n = recv_n;
    if (n) /* recv_list is NULL until the first registration; memcpy(NULL) is UB even for 0 */
        memcpy(out, recv_list, (n < cap ? n : cap) * sizeof *out);
    pthread_mutex_unlock(&reg_mu);
    return n;
}

/* The list is copied first so that a callback may add or remove callbacks without invalidating
 * the iteration. */
void lb_fire_recv(const union lb_arg *args)
{
    struct slot stack[16], *list = stack;
    size_t cap = 16, n = recv_snapshot(list, cap);
    while (n > cap) { /* rare: more callbacks than fit on the stack */
        if (list != stack)
            free(list);
        cap = n;
        list = malloc(cap * sizeof *list);
        if (!list)
            return;
        n = recv_snapshot(list, cap);
    }
    for (size_t i = 0; i < n; i++)
        lb_cbtypes[LB_CB_TIMRecvNewMsgCallback].invoke(list[i].fn, args, list[i].ud);
    if (list != stack)
        free(list);
}

void lb_fire_event(int setter, const union lb_arg *args)
{
    if (setter == LB_SET_TIMAddRecvNewMsgCallback) {
        lb_fire_recv(args);
        return;
    }
    lb_fnptr fn;
    const void *ud;
    if (slot_get(setter, &fn, &ud))
        lb_cbtypes[lb_setters[setter].cbtype].invoke(fn, args, ud);
}
