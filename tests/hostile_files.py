"""Hostile files, made by the tests that need them: small on disk, cheap to make, never a big
binary in the repository. A zip entry that inflates to gigabytes is one compressed megabyte of
zeros repeated (deflate blocks ended by a full flush are independent), so making it costs the
compressed size only; a large file is sparse."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

MB = 2**20


def _raw_deflate(data: bytes, final: bool = False) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def zeros_entry(megabytes: int, prefix: bytes = b"") -> tuple[bytes, int, int]:
    """A raw deflate stream of ``prefix`` then ``megabytes`` MB of zero bytes: (stream, size, crc)."""
    block = _raw_deflate(bytes(MB))
    crc = zlib.crc32(prefix)
    zero = bytes(MB)
    for _ in range(megabytes):
        crc = zlib.crc32(zero, crc)
    stream = _raw_deflate(prefix) + block * megabytes + _raw_deflate(b"", final=True)
    return stream, len(prefix) + megabytes * MB, crc


def small_entry(data: bytes) -> tuple[bytes, int, int]:
    return _raw_deflate(data, final=True), len(data), zlib.crc32(data)


def write_zip(path: Path, entries: dict[str, tuple[bytes, int, int]], claimed: dict[str, int] | None = None) -> Path:
    """A zip of deflated entries (name -> (stream, size, crc)); ``claimed``: a size the directory
    states for an entry instead of its true one."""
    claimed = claimed or {}
    central = []
    with open(path, "wb") as fh:
        for name, (stream, size, crc) in entries.items():
            raw, offset = name.encode(), fh.tell()
            size = claimed.get(name, size)
            fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(raw), 0)
                     + raw + stream)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(stream),
                                       size, len(raw), 0, 0, 0, 0, 0, offset) + raw)
        directory, start = b"".join(central), fh.tell()
        fh.write(directory)
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0))
    return path


def sparse_file(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of ``size`` bytes that takes no room on disk (all zeros after ``head``)."""
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


def run_reportgen(*args: str, cwd: Path | None = None, timeout: float = 120,
                  **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``python -m reportgen …`` in a process of its own; a hang fails the test (the timeout)."""
    return subprocess.run([sys.executable, "-m", "reportgen", *args], capture_output=True, text=True,
                          encoding="utf-8", errors="backslashreplace", cwd=cwd, timeout=timeout, **kwargs)
