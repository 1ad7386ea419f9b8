"""A test-only writer of stored (uncompressed) RAR4 and RAR5 volumes, from the published formats.

No RAR creator is free to install, and no archive from elsewhere goes into the repository: the
tests write their own sets. Only what the tests need: stored files, split over volumes of a
given size, old (`.rar`, `.r00`...) or new (`.part1.rar`...) volume names, an optional
encrypted flag (the bytes stay plain: enough for a reader to say "password"), any member name.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

RAR4_MARK = b"Rar!\x1a\x07\x00"
RAR5_MARK = b"Rar!\x1a\x07\x01\x00"


def write_rar(folder: Path, name: str, files: dict[str, bytes], *, version: int = 5, volume_size: int | None = None,
              new_names: bool = True, encrypted: bool = False) -> list[Path]:
    """Write `files` (member name -> bytes) as a RAR set named `name`; return its volumes in order.
    volume_size: the most data bytes a volume holds (None: one volume)."""
    pieces = _split(files, volume_size)
    count = len(pieces)
    paths = []
    for number, piece in enumerate(pieces):
        path = folder / volume_name(name, number, count, new_names)
        writer = _rar4 if version == 4 else _rar5
        path.write_bytes(writer(piece, number, count, new_names, encrypted))
        paths.append(path)
    return paths


def volume_name(name: str, number: int, count: int, new_names: bool) -> str:
    if count == 1:
        return f"{name}.rar"
    if new_names:
        width = max(len(str(count)), 2 if count > 9 else 1)
        return f"{name}.part{number + 1:0{width}d}.rar"
    return f"{name}.rar" if number == 0 else f"{name}.r{number - 1:02d}"


def _split(files: dict[str, bytes], volume_size: int | None) -> list[list[tuple[str, bytes, int, bool, bool]]]:
    """Volumes as lists of (member, data part, whole file's crc/size..., split before, split after)."""
    volumes: list[list] = [[]]
    room = volume_size
    for member, data in files.items():
        offset = 0
        while True:
            take = len(data) - offset if room is None else min(room, len(data) - offset)
            chunk = data[offset:offset + take]
            before, after = offset > 0, offset + take < len(data)
            volumes[-1].append((member, data, chunk, before, after))
            offset += take
            if room is not None:
                room -= take
            if not after:
                break
            volumes.append([])
            room = volume_size
        if room == 0 and member != list(files)[-1]:
            volumes.append([])
            room = volume_size
    return volumes


# --- RAR 4 (RAR 2.9 to 4.x) --------------------------------------------------------------------


def _block4(kind: int, flags: int, body: bytes) -> bytes:
    header = struct.pack("<BHH", kind, flags, 7 + len(body)) + body
    return struct.pack("<H", zlib.crc32(header) & 0xFFFF) + header


def _rar4(piece, number: int, count: int, new_names: bool, encrypted: bool) -> bytes:
    flags = 0
    if count > 1:
        flags |= 0x0001 | (0x0010 if new_names else 0) | (0x0100 if number == 0 else 0)
    out = RAR4_MARK + _block4(0x73, flags, b"\0" * 6)
    for member, data, chunk, before, after in piece:
        name = member.encode()
        crc = zlib.crc32(chunk) if after else zlib.crc32(data)
        fflags = 0x8000 | (0x01 if before else 0) | (0x02 if after else 0) | (0x04 if encrypted else 0)
        body = struct.pack("<IIBIIBBHI", len(chunk), len(data), 2, crc, 0x5A210000, 29, 0x30, len(name), 0x20)
        out += _block4(0x74, fflags, body + name) + chunk
    end_flags = 0x0001 if number < count - 1 else 0
    return out + _block4(0x7B, end_flags, b"")


# --- RAR 5 ---------------------------------------------------------------------------------------


def _vint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _block5(body: bytes) -> bytes:
    sized = _vint(len(body)) + body
    return struct.pack("<I", zlib.crc32(sized)) + sized


def _rar5(piece, number: int, count: int, new_names: bool, encrypted: bool) -> bytes:
    arc_flags = (0x0001 | (0x0002 if number else 0)) if count > 1 else 0
    main = _vint(1) + _vint(0) + _vint(arc_flags) + (_vint(number) if number else b"")
    out = RAR5_MARK + _block5(main)
    for member, data, chunk, before, after in piece:
        name = member.encode()
        crc = zlib.crc32(chunk) if after else zlib.crc32(data)
        hflags = 0x0002 | (0x0008 if before else 0) | (0x0010 if after else 0)
        extra = b""
        if encrypted:  # a file encryption record: AES-256, version 0, 16-byte salt and IV, no check value
            record = _vint(1) + _vint(0) + _vint(0) + bytes([15]) + b"\0" * 16 + b"\0" * 16
            extra = _vint(len(record)) + record
            hflags |= 0x0001
        fields = (_vint(0x0004 | 0x0002) + _vint(len(data)) + _vint(0x20) + struct.pack("<I", 0x5F000000)
                  + struct.pack("<I", crc) + _vint(0) + _vint(0) + _vint(len(name)) + name)
        head = _vint(2) + _vint(hflags) + (_vint(len(extra)) if extra else b"") + _vint(len(chunk))
        out += _block5(head + fields + extra) + chunk
    end = _vint(5) + _vint(0) + _vint(0x0001 if number < count - 1 else 0)
    return out + _block5(end)
