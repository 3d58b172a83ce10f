/* loader.h: dlopen/dlsym/dlclose for the SDK library, with the error text kept for Python. */
#ifndef AIOTIM_LOADER_H
#define AIOTIM_LOADER_H

#include <stddef.h>

/* dlopen(path, RTLD_NOW | RTLD_LOCAL); on failure NULL and dlerror()'s text in err. */
void *aiotim_dlopen(const char *path, char *err, size_t errlen);
/* dlsym(handle, name), NULL when the library does not export it. */
void *aiotim_dlsym(void *handle, const char *name);
/* dlclose(handle): 0, or non-zero and dlerror()'s text in err. */
int aiotim_dlclose(void *handle, char *err, size_t errlen);

#endif
