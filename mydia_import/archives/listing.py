"""What an archive set holds, read from its headers without extracting: each member's name,
size, CRC32 and what kind of entry it is. ZIP through Python's `zipfile`; RAR and 7z through
`lsar` (unar.py)."""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass

from mydia_import.archives import unar
from mydia_import.archives.sets import ArchiveSet


@dataclass(frozen=True)
class Member:
    index: int
    name: str  # as the archive stores it, "/" between folders
    size: int
    crc: int | None
    directory: bool = False
    link: bool = False
    special: bool = False  # a device, a FIFO, a socket
    encrypted: bool = False


class Unreadable(Exception):
    """The set's headers cannot be read: the message says why."""


def missing_backend(archive: ArchiveSet) -> str | None:
    """The package to install before this set can be read, or None."""
    if archive.format in ("rar", "7z") and not unar.available():
        return unar.PACKAGE
    return None


def members(archive: ArchiveSet) -> list[Member]:
    if archive.format == "zip":
        return _zip_members(archive)
    if archive.format in ("rar", "7z"):
        return _lsar_members(archive)
    raise Unreadable(f"{archive.first.name} is not a RAR, ZIP or 7z archive")


def _zip_members(archive: ArchiveSet) -> list[Member]:
    if len(archive.volumes) > 1:
        raise Unreadable("split ZIP sets are not supported; join the volumes into one .zip first")
    try:
        with zipfile.ZipFile(archive.first) as z:
            infos = z.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        raise Unreadable(f"cannot read {archive.first.name}: {error}") from error
    out = []
    for i, info in enumerate(infos):
        mode = info.external_attr >> 16
        out.append(Member(i, info.filename, info.file_size, info.CRC, info.is_dir(), stat.S_ISLNK(mode),
                          stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode),
                          bool(info.flag_bits & 0x1)))
    return out


def _lsar_members(archive: ArchiveSet) -> list[Member]:
    try:
        data = unar.list_json(archive.first)
    except (OSError, ValueError) as error:
        raise Unreadable(f"cannot read {archive.first.name}: {error}") from error
    out = []
    for i, entry in enumerate(data.get("lsarContents", [])):
        crc = next((v for k, v in entry.items() if k.endswith("CRC32") and isinstance(v, int)), None)
        out.append(Member(
            int(entry.get("XADIndex", i)), str(entry.get("XADFileName", "")), int(entry.get("XADFileSize", 0)), crc,
            bool(entry.get("XADIsDirectory")), bool(entry.get("XADIsLink") or entry.get("XADLinkDestination")),
            any(entry.get(k) for k in ("XADIsCharacterDevice", "XADIsBlockDevice", "XADIsFIFO")),
            bool(entry.get("XADIsEncrypted")),
        ))
    if data.get("lsarProperties", {}).get("XADIsEncrypted"):  # encrypted headers: nothing listed
        out.append(Member(-1, "", 0, None, encrypted=True))
    return out
