#include "loader.h"

#include <dlfcn.h>
#include <stdio.h>

void *aiotim_dlopen(const char *path, char *err, size_t errlen) {
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h && err && errlen) {
        const char *e = dlerror();
        snprintf(err, errlen, "%s", e ? e : "dlopen failed");
    }
    return h;
}

void *aiotim_dlsym(void *handle, const char *name) {
    dlerror();
    return dlsym(handle, name);
}

int aiotim_dlclose(void *handle, char *err, size_t errlen) {
    int rc = dlclose(handle);
    if (rc != 0 && err && errlen) {
        const char *e = dlerror();
        snprintf(err, errlen, "%s", e ? e : "dlclose failed");
    }
    return rc;
}

