"""Read the names in an ELF64 file's dynamic symbol table without loading it (``nm -D``)."""

from __future__ import annotations

import struct
from pathlib import Path

__all__ = ["dynamic_symbols"]

_SHT_DYNSYM = 11
_SHN_UNDEF = 0


def dynamic_symbols(path: str | Path, *, defined_only: bool = True) -> set[str]:
    """The dynamic symbol names of a little-endian ELF64 shared library.

    Raises:
        ValueError: not a little-endian ELF64 file.
    """
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path}: not a little-endian ELF64 file")
    (e_shoff,) = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)
    ]
    names: set[str] = set()
    for _name, sh_type, _f, _a, off, size, link, _i, _al, entsize in sections:
        if sh_type != _SHT_DYNSYM or not entsize:
            continue
        str_off = sections[link][4]
        for k in range(size // entsize):
            st_name, _info, _other, st_shndx = struct.unpack_from("<IBBH", data, off + k * entsize)
            if defined_only and st_shndx == _SHN_UNDEF:
                continue
            end = data.index(b"\0", str_off + st_name)
            name = data[str_off + st_name : end].decode("ascii", "replace")
            if name:
                names.add(name)
    return names
