"""Folders a run leaves behind: library folders made for a file that is not there, and release
folders a move emptied.

A transfer creates the folders its destination needs (`Movie (2010)/`, `Show/Season 01/`).
When the file does not stay (the transfer failed, was interrupted and rolled back, or was
undone), the folders it created go again if nothing else is in them: a full disk must not
leave dozens of empty movie folders for the media server to show. The journal row of each
transfer says, before the first byte moves, which folders were missing (`missing_top`).

After `--mode move`, a release folder in the downloads may hold only what the tool never
imports: `.nfo`, `.txt`, pictures, checksums, samples. That folder goes with that junk
(`[downloads] remove_emptied_folders`, `junk_extensions`), never one holding anything else,
never the downloads folder itself or a folder above it.

Nothing here follows a symlink, and only `rmdir` removes a folder: it refuses one that holds
anything, so a file that appears meanwhile is never lost.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterable
from pathlib import Path

from mydia_import.discover.walk import JUNK_NAMES, VIDEO_EXTENSIONS, sample_evidence

# What a release holds besides its videos and subtitles, that nobody misses once they are gone.
DEFAULT_JUNK_EXTENSIONS = (".nfo", ".txt", ".jpg", ".jpeg", ".png", ".sfv", ".nzb", ".url")


# --- the library: folders a transfer made ------------------------------------------------------


def missing_top(folder: Path, root: Path) -> Path | None:
    """The highest folder between root (excluded) and folder (included) that does not exist:
    a transfer into folder creates it and every folder below it. None when folder exists."""
    top = None
    while folder != root and folder.is_relative_to(root) and not os.path.isdir(folder):
        top = folder
        folder = folder.parent
    return top


def remove_empty_folders(folder: Path, root: Path, top: Path | None = None) -> None:
    """Remove folder, then its parents, while each is empty: up to top (included; None: up to
    root), never root itself nor anything above or beside it."""
    while folder != root and folder.is_relative_to(root):
        try:
            os.rmdir(folder)  # refuses a folder that holds anything
        except FileNotFoundError:
            pass  # never made (the transfer failed creating a folder above it): go on up
        except OSError:
            return  # not empty (another file's folder), or not ours to remove
        if folder == top:
            return
        folder = folder.parent


# --- the downloads: a release folder a move emptied ---------------------------------------------


def junk_extensions(configured: Iterable[str]) -> frozenset[str]:
    """`[downloads] junk_extensions` as lower-case suffixes with their dot ("NFO" -> ".nfo")."""
    return frozenset("." + ext.strip().lower().lstrip(".") for ext in configured if ext.strip().strip("."))


def remove_emptied_release(release: Path, extensions: Collection[str], *, keep: Iterable[Path | None]) -> bool:
    """Remove a release folder that holds nothing but junk (and the junk in it); True when it went.

    `keep`: folders never to remove, nor any folder above them (the downloads folders). A folder
    holding anything else, a symlink or an unreadable folder, is left exactly as it is."""
    if release.is_symlink() or not release.is_dir() or _holds_a_kept_folder(release, keep):
        return False
    junk = _junk_in(release, extensions, (), everything=False)
    if junk is None:
        return False
    files, folders = junk
    try:
        for file in files:
            os.unlink(file)
        for folder in folders:  # innermost first, the release last
            os.rmdir(folder)  # fails, leaving the folder, if something appeared meanwhile
    except OSError:
        return False
    return True


def _holds_a_kept_folder(release: Path, keep: Iterable[Path | None]) -> bool:
    real = Path(os.path.realpath(release))
    for folder in filter(None, keep):
        for a, b in ((Path(os.path.abspath(folder)), Path(os.path.abspath(release))),
                     (Path(os.path.realpath(folder)), real)):
            if a.is_relative_to(b):
                return True
    return False


def _junk_in(folder: Path, extensions: Collection[str], folders: tuple[str, ...], everything: bool
             ) -> tuple[list[Path], list[Path]] | None:
    """(files, folders) to remove when everything under folder is junk; None when anything is not.

    everything: folder is a NAS or OS junk folder (`@eaDir`), junk whatever it holds."""
    files: list[Path] = []
    inner: list[Path] = []
    try:
        with os.scandir(folder) as entries:
            listed = list(entries)
    except OSError:
        return None
    for entry in listed:
        path = folder / entry.name
        with contextlib.suppress(OSError):
            if entry.is_symlink():
                return None  # a link is something the user made: keep the folder
            if entry.is_dir():
                below = _junk_in(path, extensions, (*folders, entry.name),
                                 everything or entry.name.casefold() in JUNK_NAMES)
                if below is None:
                    return None
                files += below[0]
                inner += below[1]
                continue
            if entry.is_file() and (everything or _is_junk(entry.name, folders, extensions)):
                files.append(path)
                continue
        return None  # anything else: a video, a subtitle, an archive, an unfinished download
    return files, [*inner, folder]


def _is_junk(name: str, folders: tuple[str, ...], extensions: Collection[str]) -> bool:
    """A file the tool knows nobody misses: NAS/OS junk, a junk extension, a sample video."""
    stem, ext = os.path.splitext(name)
    ext = ext.lower()
    if name.casefold() in JUNK_NAMES or ext in extensions:
        return True
    return ext in VIDEO_EXTENSIONS and sample_evidence(folders, stem) is not None
