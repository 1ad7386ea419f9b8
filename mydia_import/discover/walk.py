"""Walk a download path into `Candidate`s.

A release is what one download produced: a single file, or a folder walked
recursively in name order. Discovery looks only at names and sizes (one stat
per file of interest) and never opens a file. It keeps videos and subtitles;
anything else (nfo, jpg, txt, exe, ...) is of no interest and left out.

What discovery already knows must not be imported is kept, with a
`skip_reason` that gives the evidence, so the report can say why:

- extras: in a Plex extras folder (`Featurettes/`, ...) or named `...-trailer`;
- samples: a `sample` word at the start or end of the name, a `Sample/` folder,
  or a video under `sample_ratio` of the release's largest video;
- files still being downloaded (`movie.mkv.!qB`, `movie.mkv.part`, ...);
- a release with no main video but archive parts: one candidate, its first part;
- files whose size cannot be read, and folders that cannot be listed.

Hidden entries (`.*`) and NAS/OS junk are skipped, and symlinked folders are
not followed (a link to a library folder would import the library into itself).
"""

from __future__ import annotations

import os
import re
from collections.abc import Container, Iterator
from dataclasses import replace
from pathlib import Path

from mydia_import import decisions as rules
from mydia_import.decisions import Decision
from mydia_import.errors import UsageError, describe_os_error
from mydia_import.models import Candidate, Kind

VIDEO_EXTENSIONS = frozenset(
    ".3gp .avi .divx .flv .iso .m2ts .m4v .mkv .mov .mp4 .mpeg .mpg .ogm .ts .vob .webm .wmv"
    .split()
)
SUBTITLE_EXTENSIONS = frozenset(".ass .idx .smi .srt .ssa .sub .sup .vtt".split())
# Suffixes download clients and browsers add while a file is being written.
INCOMPLETE_SUFFIXES = (".!qb", ".part", ".crdownload", ".!ut", ".bc!", ".partial", ".tmp")
# These two are specific enough to mean "a download" even on a name with no extension.
_BARE_INCOMPLETE = (".!qb", ".part")
JUNK_NAMES = frozenset({"@eadir", ".@__thumb", "plex versions", ".ds_store", "thumbs.db"})
# Extras folders, and the Plex/Jellyfin folder each one's files go in when extras are imported.
EXTRA_FOLDERS = {
    "extras": "Other", "featurettes": "Featurettes", "behind the scenes": "Behind The Scenes",
    "deleted scenes": "Deleted Scenes", "interviews": "Interviews", "trailers": "Trailers",
    "shorts": "Shorts", "scenes": "Scenes", "other": "Other",
}
# Plex's local-extras naming: "Movie (2010)-trailer.mkv".
EXTRA_SUFFIXES = {
    "-trailer": "Trailers", "-featurette": "Featurettes", "-behindthescenes": "Behind The Scenes",
    "-deleted": "Deleted Scenes", "-interview": "Interviews", "-scene": "Scenes", "-short": "Shorts",
    "-other": "Other",
}
SAMPLE_FOLDERS = frozenset({"sample", "samples"})
# Disc structures: their files are pieces of one title, not videos of their own.
DISC_FOLDERS = frozenset({"video_ts", "bdmv"})

_WORDS = re.compile(r"[^\W_]+")
_ARCHIVE_PART = re.compile(r"\.(rar|zip|7z|r\d{2,3}|z\d{2}|\d{3})$", re.IGNORECASE)
_EXTRACTORS = {".rar": "unrar", ".zip": "unzip", ".7z": "7z"}


def format_size(n: int) -> str:
    """A size for people, in decimal units: '950 bytes', '1.4 GB', '12 MB'."""
    if n < 1000:
        return f"{n} byte" if n == 1 else f"{n} bytes"
    value = float(n)
    for unit in ("kB", "MB", "GB", "TB", "PB"):
        value /= 1000
        text = f"{value:.1f}" if value < 9.95 else f"{value:.0f}"
        if float(text) < 1000 or unit == "PB":
            return f"{text} {unit}"
    raise AssertionError("unreachable")


def discover(path: Path, *, sample_ratio: float = 0.1) -> list[Candidate]:
    """The videos and subtitles of one release (a file or a folder), in name order.

    The path itself is used even when it is hidden or a symlink: the caller
    named it. Raises UsageError when it does not exist.
    """
    release = Path(path)
    if release.is_dir():
        entries: Iterator[tuple[Path, os.DirEntry[str] | OSError | None, tuple[str, ...]]] = _walk(release)
    elif release.exists():
        entries = iter([(release, None, ())])
    else:
        raise UsageError(f"no such file or folder: {release}")

    found: list[tuple[Candidate, bool]] = []  # (candidate, counts as a main video)
    archives: list[tuple[int, Candidate]] = []  # (0 for a first part, candidate)
    for file, entry, folders in entries:
        if isinstance(entry, OSError):
            # Say so rather than leave out what might be the release's video.
            unlistable = rules.unlistable(describe_os_error(entry))
            found.append((Candidate(file, release, 0, Kind.VIDEO, why=unlistable), False))
            continue
        item = _classify(file, release, entry, folders)
        if item is None:
            continue
        candidate, main, archive_rank = item
        if archive_rank is not None:
            archives.append((archive_rank, candidate))
        else:
            found.append((candidate, main))

    candidates = _flag_small_videos([c for c, _ in found], [c for c, m in found if m],
                                    sample_ratio)
    if archives and not any(main for _, main in found):
        candidates.append(_archive_candidate(min(archives, key=lambda a: a[0])[1]))
    return candidates


def discover_releases(downloads: Path, *, sample_ratio: float = 0.1, skip: Container[Path] = ()) -> list[Candidate]:
    """Every top-level entry of a downloads folder, each discovered as one release; not the
    releases in `skip` (a re-scan took their results from an earlier one)."""
    return [c for release in iter_releases(downloads, sample_ratio=sample_ratio, skip=skip) for c in release]


def iter_releases(downloads: Path, *, sample_ratio: float = 0.1, skip: Container[Path] = (),
                  bare: list[Path] | None = None) -> Iterator[list[Candidate]]:
    """`discover_releases` a release at a time: a scan of a big downloads folder holds the
    files of the releases it is deciding, not all of them. The release folders that hold no
    video or subtitle (only an .nfo left by a killed move, say) are added to `bare`."""
    folder = Path(downloads)
    if not folder.exists():
        raise UsageError(f"no such folder: {folder}")
    if not folder.is_dir():
        raise UsageError(f"not a folder: {folder}")
    for path, entry in release_entries(folder):
        if isinstance(entry, OSError):
            yield [Candidate(path, path, 0, Kind.VIDEO, why=rules.unlistable(describe_os_error(entry)))]
            return
        if path in skip:
            continue
        try:
            release = discover(path, sample_ratio=sample_ratio)
        except UsageError:
            continue  # gone since the listing: the client moved or removed it
        if release:
            yield release
        elif bare is not None and entry.is_dir(follow_symlinks=False):
            bare.append(path)


def release_entries(folder: Path) -> Iterator[tuple[Path, os.DirEntry[str] | OSError]]:
    """The releases of a downloads folder (visible folders and files) in name order, or the
    folder and why it cannot be listed."""
    for path, entry in _list(folder):
        if isinstance(entry, OSError) or entry.is_dir(follow_symlinks=False) or entry.is_file():
            yield path, entry


def _list(folder: Path) -> Iterator[tuple[Path, os.DirEntry[str] | OSError]]:
    """The visible entries of one folder in name order, or the folder and why it can't be read."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: (e.name.casefold(), e.name))
    except OSError as error:
        yield folder, error
        return
    for entry in entries:
        if not entry.name.startswith(".") and entry.name.casefold() not in JUNK_NAMES:
            yield folder / entry.name, entry


def _walk(
    folder: Path, folders: tuple[str, ...] = ()
) -> Iterator[tuple[Path, os.DirEntry[str] | OSError, tuple[str, ...]]]:
    """Files under a folder, depth first in name order, never through a symlinked folder, each
    with the names of the folders between `folder` and it. A generator: one folder's listing
    at a time is in memory, however big the tree."""
    for path, entry in _list(folder):
        if isinstance(entry, OSError):
            yield path, entry, folders
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(path, (*folders, entry.name))
        elif entry.is_file():  # a symlink to a file is followed: it is the file
            yield path, entry, folders


def _classify(
    file: Path, release: Path, entry: os.DirEntry[str] | None, folders: tuple[str, ...]
) -> tuple[Candidate, bool, int | None] | None:
    """One file as (candidate, is a main video, archive rank), or None when of no interest."""
    name = file.name
    inner, incomplete = _strip_incomplete(name)
    ext = os.path.splitext(inner)[1].lower()
    archive_rank = None
    if incomplete:
        bare = ext == "" and incomplete.lower() in _BARE_INCOMPLETE
        if not (ext in VIDEO_EXTENSIONS or bare):
            return None
        kind = Kind.VIDEO
    elif ext in VIDEO_EXTENSIONS:
        kind = Kind.VIDEO
    elif ext in SUBTITLE_EXTENSIONS:
        kind = Kind.SUBTITLE
    elif _ARCHIVE_PART.search(name):
        kind, archive_rank = Kind.VIDEO, _archive_rank(name)
    else:
        return None

    stem = os.path.splitext(inner)[0]
    reason: Decision | None = None
    expected = True  # False: nobody expects this file in the library (samples, extras, unfinished)
    extra_folder = None
    if extra := _extra_evidence(folders, stem):
        kind, expected = Kind.EXTRA, False
        extra_folder = _extra_folder(folders, stem)
        reason = rules.extra(extra)
    elif sample := sample_evidence(folders, stem):
        reason, expected = rules.sample(sample), False
    elif disc := _folder_named(folders, DISC_FOLDERS):
        reason = rules.disc(disc)
    if archive_rank is not None and reason:
        return None  # an archive of an extra or sample says nothing about the main video
    # A main video: what the release is for, finished or not; the reference for samples.
    main = kind is Kind.VIDEO and archive_rank is None and reason is None
    if reason is None and incomplete:
        expected = False  # not yet: a later run imports it
        reason = rules.incomplete(incomplete)
    try:
        size = (entry.stat() if entry is not None else file.stat()).st_size
    except OSError as error:
        size, main = 0, False
        reason = reason or rules.unreadable_size(describe_os_error(error))
    if size == 0 and reason is None and kind is Kind.VIDEO and archive_rank is None:
        reason = rules.empty()
    return Candidate(file, release, size, kind, None, expected, extra_folder, why=reason), main, archive_rank


def _strip_incomplete(name: str) -> tuple[str, str | None]:
    """('movie.mkv', '.!qB') for 'movie.mkv.!qB'; (name, None) for a finished file."""
    for suffix in INCOMPLETE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], name[-len(suffix):]
    return name, None


def _folder_named(folders: tuple[str, ...], names: frozenset[str]) -> str | None:
    """The first of the folders whose name, in any case, is one of names."""
    return next((f for f in folders if f.casefold() in names), None)


def _extra_evidence(folders: tuple[str, ...], stem: str) -> str | None:
    if folder := _folder_named(folders, frozenset(EXTRA_FOLDERS)):
        return f"{folder} folder"
    # Case matters: Plex's suffixes are lower case, while "-SCENE" or "-SHORT" at the end of
    # a release name is a release group.
    suffix = next((s for s in EXTRA_SUFFIXES if stem.endswith(s)), None)
    return f"its name ends with {suffix}" if suffix else None


def _extra_folder(folders: tuple[str, ...], stem: str) -> str:
    """The Plex/Jellyfin extras folder of an extra: its own folder's kind, else its suffix's."""
    folder = _folder_named(folders, frozenset(EXTRA_FOLDERS))
    if folder:
        return EXTRA_FOLDERS[folder.casefold()]
    return next((v for k, v in EXTRA_SUFFIXES.items() if stem.endswith(k)), "Other")


def sample_evidence(folders: tuple[str, ...], stem: str) -> str | None:
    # Only a first or last word counts: "movie-sample.mkv" is a sample, "The.Sample.2020.mkv"
    # a film; runtimes would tell them apart better, but discovery reads no file.
    words = _WORDS.findall(stem.casefold())
    if words and "sample" in (words[0], words[-1]):
        return "its name says sample"
    if folder := _folder_named(folders, SAMPLE_FOLDERS):
        return f"it is in a {folder} folder"
    return None


def _flag_small_videos(
    candidates: list[Candidate], mains: list[Candidate], ratio: float
) -> list[Candidate]:
    """Mark videos far smaller than the release's largest as samples."""
    if len(mains) < 2 or ratio <= 0:
        return candidates
    largest = max(mains, key=lambda c: c.size)  # first of equals, in name order
    limit = ratio * largest.size
    flagged = []
    for c in candidates:
        if c.kind is Kind.VIDEO and c.skip_reason is None and c.size < limit:
            share = c.size * 100 // largest.size
            percent = f"{share}%" if share else "under 1%"
            c = replace(c, expected=False, why=rules.sample(
                f"{format_size(c.size)}, {percent} of the release's "
                f"main file {largest.path.name} ({format_size(largest.size)})"))
        flagged.append(c)
    return flagged


def _archive_rank(name: str) -> int:
    """0 for a part an extractor starts from: x.rar, x.zip, x.7z, x.001 (rather than x.r00).

    Of x.part01.rar, x.part02.rar, ... name order puts the first part first.
    """
    return 0 if name.lower().endswith((".rar", ".zip", ".7z", ".001")) else 1


def _archive_candidate(first: Candidate) -> Candidate:
    tool = _EXTRACTORS.get(first.path.suffix.lower(), "7z")
    return replace(first, why=rules.archives_only(first.path.name, tool))
