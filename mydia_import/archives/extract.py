"""The checks before a set is extracted, and the extraction, every file verified.

Refused before a byte is written: a password, a member name that would land outside the work
folder (absolute, `..`, a drive), a link or device among what is extracted, more bytes than
`[archives] max_size_gb` (a zip bomb), more than the disk has free. Only the members the import
wants are extracted (videos, subtitles, `.nfo` files); each is checked afterwards against the
size and CRC32 its header gives, whatever the tool, and an extraction that writes more than
the headers announced is stopped.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import time
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from mydia_import.archives import unar
from mydia_import.archives.listing import Member
from mydia_import.archives.sets import ArchiveSet
from mydia_import.archives.sfv import CHUNK, crc32_of
from mydia_import.discover.walk import SUBTITLE_EXTENSIONS, VIDEO_EXTENSIONS, format_size
from mydia_import.execute import faults


class ExtractError(Exception):
    """The extraction failed: the message says why; the work folder is the caller's to remove."""


def wanted(members: list[Member], nfo: bool) -> list[Member]:
    """The members an import can use: videos, subtitles (and `.nfo` files when carried along)."""
    keep = VIDEO_EXTENSIONS | SUBTITLE_EXTENSIONS | ({".nfo"} if nfo else set())
    return [m for m in members if not m.directory and os.path.splitext(m.name)[1].lower() in keep]


def refusal(members: list[Member], chosen: list[Member], limit: int) -> str | None:
    """Why the set must not be extracted, or None."""
    if any(m.encrypted for m in members):
        return "it is password-protected; mydia-import does not open passworded archives"
    for m in members:
        if (why := hostile(m.name)) is not None:
            return f"refused: the member {m.name!r} {why}"
    for m in chosen:
        if m.link:
            return f"refused: the member {m.name!r} is a link"
        if m.special:
            return f"refused: the member {m.name!r} is a device or special file"
    total = sum(m.size for m in chosen)
    if total > limit:
        return (f"refused: it would extract {format_size(total)}, more than [archives] max_size_gb "
                f"({format_size(limit)}) allows")
    return None


def hostile(name: str) -> str | None:
    """Why a member name must not be written, or None."""
    if not name or "\0" in name:
        return "has no usable name"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "would land outside the extraction folder (..)"
    return None


def space_problem(folder: Path, needed: int, reserve: int) -> str | None:
    """Why folder's disk cannot take `needed` bytes and keep `reserve` free, or None."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None  # unknown: the extraction says if it runs out
    if free >= needed + reserve:
        return None
    return (f"not enough free space to extract it: it needs {format_size(needed)} (plus {format_size(reserve)} "
            f"that must stay free, [import] min_free_mb), {folder} has {format_size(free)}; free space there "
            "or set [archives] work_folder to a bigger disk")


def extract(archive: ArchiveSet, chosen: list[Member], folder: Path, on_bytes: Callable[[int], None]) -> None:
    """Extract `chosen` into folder and verify each file. Raises ExtractError."""
    folder.mkdir(parents=True, exist_ok=True)
    if archive.format == "zip":
        _extract_zip(archive.first, chosen, folder, on_bytes)
    else:
        _extract_unar(archive, chosen, folder, on_bytes)
    _verify(chosen, folder)


def _extract_zip(path: Path, chosen: list[Member], folder: Path, on_bytes: Callable[[int], None]) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            for m in chosen:
                target = folder / m.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(infos[m.index]) as src, open(target, "xb") as dst:
                    written = 0
                    while chunk := src.read(CHUNK):
                        written += len(chunk)
                        if written > m.size:
                            raise ExtractError(f"{m.name} holds more bytes than its header says (a zip bomb?)")
                        dst.write(chunk)
                        on_bytes(len(chunk))
                        faults.point("extract-chunk")
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ExtractError(f"extracting {path.name} failed: {error}") from error


def _extract_unar(archive: ArchiveSet, chosen: list[Member], folder: Path, on_bytes: Callable[[int], None]) -> None:
    targets = [folder / m.name for m in chosen]
    limit = sum(m.size for m in chosen)
    try:
        process = unar.start_extraction(archive.first, [m.index for m in chosen], folder, _die_with_parent)
    except OSError as error:
        raise ExtractError(f"cannot start unar: {error}") from error
    reported = 0
    with process:
        while True:
            faults.point("extracting")
            ended = process.poll() is not None
            done = sum(_size(t) for t in targets)
            if done > limit:
                process.kill()
                raise ExtractError(f"unar wrote more bytes than the headers of {archive.first.name} say")
            if done > reported:
                on_bytes(done - reported)
                reported = done
            if ended:
                break
            time.sleep(0.1)
        words = process.stderr.read().decode(errors="replace").strip().splitlines() if process.stderr else []
    if process.returncode != 0:
        last = words[-1] if words else f"exit {process.returncode}"
        said = last[last.rfind("(") + 1:last.rfind(")")] if last.endswith(".)") else last
        raise ExtractError(f"unar could not extract it ({said}): a volume is damaged or incomplete; "
                           "recheck the download in the client")


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def _verify(chosen: list[Member], folder: Path) -> None:
    """Each file as its header describes it (a plain file, its size, its CRC32), nothing else."""
    for m in chosen:
        path = folder / m.name
        try:
            info = path.lstat()
            if not os.path.isfile(path) or os.path.islink(path):
                raise ExtractError(f"{m.name} was not extracted as a plain file")
            if info.st_size != m.size:
                raise ExtractError(f"{m.name} came out with {info.st_size} bytes, its header says {m.size}: "
                                   "a volume is damaged or incomplete")
            if m.crc is not None and crc32_of(path) != m.crc:
                raise ExtractError(f"{m.name} fails its CRC check: a volume is damaged; recheck the download "
                                   "in the client")
        except FileNotFoundError as error:
            raise ExtractError(f"{m.name} was not extracted: a volume is missing or damaged") from error


def _die_with_parent() -> None:
    """In the extractor's process: die when mydia-import dies (a killed run leaves no writer behind)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
