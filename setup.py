"""Build wiring only: the cffi relay extension, the record converter and the loopback SDK."""

from glob import glob

from setuptools import Extension, setup

STRICT = [
    "-std=c11",
    "-O2",
    "-Wall",
    "-Wextra",
    "-Werror=implicit-function-declaration",
    "-fvisibility=hidden",
    "-D_GNU_SOURCE",
]

# The loopback SDK: a plain shared library with the ABI of libImSDK.so (it has no PyInit_; it
# is dlopen'ed by aiotim._native.loader, never imported). TIM symbols are exported explicitly.
loopback = Extension(
    "aiotim.loopback.sdk._libimsdk_loopback",
    sources=sorted(glob("aiotim/loopback/sdk/*.c")),
    include_dirs=["aiotim/_abi", "aiotim/loopback/sdk"],
    extra_compile_args=STRICT,
    libraries=["pthread"],
)

# The pump's per-record work (relay records -> Python values): a CPython extension, since cffi
# cannot build Python objects in C. It reads the records' layout from relay.h and frees them.
records = Extension(
    "aiotim._native._records",
    sources=["aiotim/_native/records.c"],
    include_dirs=["aiotim/_abi", "aiotim/_native"],
    extra_compile_args=[*STRICT, "-Wno-missing-field-initializers"],
)

# The SDK's message JSON straight to Message objects (what every new-message callback carries):
# a CPython extension for the same reason.
cmessage = Extension(
    "aiotim.models._cmessage",
    sources=["aiotim/models/_cmessage.c"],
    extra_compile_args=[*STRICT, "-Wno-missing-field-initializers"],
)

# The queue under aiotim.events.stream.Stream and its `async for` step (one per event).
cstream = Extension(
    "aiotim.events._cstream",
    sources=["aiotim/events/_cstream.c"],
    extra_compile_args=[*STRICT, "-Wno-missing-field-initializers"],
)

setup(
    cffi_modules=["native_build/build_relay.py:ffibuilder"],
    ext_modules=[loopback, records, cmessage, cstream],
)
