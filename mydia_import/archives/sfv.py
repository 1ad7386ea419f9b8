"""A release's `.sfv` (Simple File Verification: one `name CRC32` a line) checked against the
volumes of a set before anything is extracted, reading each volume once in 1 MiB chunks."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path

from mydia_import.archives.sets import volume_key

CHUNK = 1 << 20


def read_sfv(path: Path) -> dict[str, int]:
    """The CRC32 of each name an .sfv lists, names in lower case; comments (`;`) left out."""
    crcs: dict[str, int] = {}
    text = path.read_bytes().decode("utf-8", errors="replace")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        name, _, crc = line.rpartition(" ")
        try:
            crcs[name.strip().casefold()] = int(crc, 16)
        except ValueError:
            continue
    return crcs


def crc32_of(path: Path) -> int:
    crc = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


def check(sfvs: Iterable[Path], volumes: Iterable[Path]) -> str | None:
    """Why the volumes disagree with the .sfv files beside them (a volume listed but missing, a
    CRC mismatch), or None. Volumes an .sfv does not list are not checked."""
    listed: dict[str, tuple[int, Path]] = {}
    for sfv in sfvs:
        try:
            listed.update({name: (crc, sfv) for name, crc in read_sfv(sfv).items()})
        except OSError as error:
            return f"cannot read {sfv.name}: {error.strerror or error}"
    if not listed:
        return None
    volumes = list(volumes)
    names = {v.name.casefold() for v in volumes}
    stem = volumes[0].name.casefold().split(".")[0]
    for name, (_, sfv) in listed.items():
        if name not in names and name.startswith(stem) and _same_set(name, names):
            return f"volume {name} listed in {sfv.name} is missing"
    for volume in volumes:
        entry = listed.get(volume.name.casefold())
        if entry is None:
            continue
        try:
            actual = crc32_of(volume)
        except OSError as error:
            return f"cannot read {volume.name}: {error.strerror or error}"
        if actual != entry[0]:
            return (f"{volume.name} fails its CRC check from {entry[1].name} (CRC32 {actual:08X}, "
                    f"expected {entry[0]:08X}): the download is damaged; recheck it in the client")
    return None


def _same_set(name: str, volumes: set[str]) -> bool:
    key = volume_key(name)
    return key is not None and any((k := volume_key(v)) is not None and k[0] == key[0] for v in volumes)
