"""Build wiring only: the cffi relay extension and the loopback SDK shared library."""

from glob import glob

from setuptools import Extension, setup

STRICT = ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror=implicit-function-declaration",
          "-fvisibility=hidden", "-D_GNU_SOURCE"]

# The loopback SDK: a plain shared library with the ABI of libImSDK.so (it has no PyInit_; it
# is dlopen'ed by aiotim.native.loader, never imported). TIM symbols are exported explicitly.
loopback = Extension(
    "aiotim.native.loopback._libimsdk_loopback",
    sources=sorted(glob("aiotim/native/loopback/*.c")),
    include_dirs=["aiotim/native", "aiotim/native/loopback"],
    extra_compile_args=STRICT,
    libraries=["pthread"],
)

setup(
    cffi_modules=["native_build/build_relay.py:ffibuilder"],
    ext_modules=[loopback],
)
