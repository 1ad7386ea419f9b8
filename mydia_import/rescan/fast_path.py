"""The re-scan fast path: releases a scan remembered, recognised unchanged.

A release (a top-level entry of a downloads folder) is remembered when a scan left every file
of it imported, already imported, or skipped for good by discovery (a sample, an extra, an
unfinished download). The scan stores one row for it (library/remembered.py): a fingerprint of
its files (each one's path, type, size, mtime and inode) and of the settings that decided
them, and each file's result as a later scan would give it ("already imported").

A later scan walks each release (one `lstat` per entry) and compares fingerprints. For a
release whose fingerprint is unchanged it checks what `decide._already_imported` checks
for each imported file, the source's identity being in the fingerprint: the library file is
the very file the journal recorded (one `lstat`), its library folder is configured, and a
video's media_files row is still at its destination (one query per 500 files). It then
takes the results from the row: no discovery, planning, parsing or journal reads. Anything
else (a file added, removed or changed, a library file changed or gone, a row missing, other
settings) sends the release through the normal path, which remembers it again or drops its row.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from mydia_import import __version__
from mydia_import.decisions import Code
from mydia_import.discover import walk as discover
from mydia_import.execute import recovery
from mydia_import.library.journal import Identity
from mydia_import.models import Action, FileResult, Kind, LibraryRoot, PlannedFile, Status
from mydia_import.pathtext import display

FORMAT = 2  # of the stored results: a change of it remembers every release anew (2: each result's code)


@dataclass(frozen=True)
class Walk:
    """One release's files as a scan found them."""

    fingerprint: str
    identities: dict[str, tuple[int, int, int]]  # each file's path -> (size, mtime_ns, inode), links followed


# --- walking --------------------------------------------------------------------------------------


def context(settings, roots: Iterable[LibraryRoot | None], mode, conflict) -> str:
    """What besides its files decides a release's results: the tool's version and the settings."""
    return json.dumps([
        __version__, FORMAT, str(mode), str(conflict), settings.sample_ratio, settings.movie_template,
        settings.episode_template, getattr(settings, "extras", "skip"), getattr(settings, "nfo", False),
        getattr(settings, "upgrade_until", None),
        getattr(settings, "ffprobe", "auto"), sorted((display(r.path), r.type) for r in roots if r is not None),
    ])


def walk_releases(downloads: Path, setting: str) -> dict[Path, Walk | None]:
    """Each release of a downloads folder (the entries discovery takes, in its order) with its
    walk, or None where a folder cannot be read (the normal path says why)."""
    releases: dict[Path, Walk | None] = {}
    for path, entry in discover.release_entries(downloads):
        if isinstance(entry, OSError):
            return {}
        releases[path] = _walk(path, entry, setting)
    return releases


def _walk(release: Path, entry: os.DirEntry, setting: str) -> Walk | None:
    digest = hashlib.blake2b(setting.encode(), digest_size=20)
    identities: dict[str, tuple[int, int, int]] = {}
    try:
        if entry.is_dir(follow_symlinks=False):
            _visit(str(release), "", digest, identities)
        else:
            _add(str(release), "", entry, digest, identities)
    except OSError:
        return None
    return Walk(digest.hexdigest(), identities)


def _visit(folder: str, relative: str, digest, identities: dict) -> None:
    """Every entry under a folder, hidden ones too, in name order: what changes there changes the
    fingerprint."""
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        inner = f"{relative}/{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            digest.update(f"{inner}\0dir\n".encode(errors="surrogateescape"))
            _visit(entry.path, inner, digest, identities)
        else:
            _add(entry.path, inner, entry, digest, identities)


def _add(path: str, relative: str, entry: os.DirEntry, digest, identities: dict) -> None:
    st = entry.stat(follow_symlinks=False)
    line = f"{relative}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"
    if entry.is_symlink():
        try:
            st = os.stat(path)
        except OSError:
            line += "\0broken"
        else:
            line += f"\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"
    digest.update(f"{line}\n".encode(errors="surrogateescape"))
    identities[path] = (st.st_size, st.st_mtime_ns, st.st_ino)


# --- recalling ------------------------------------------------------------------------------------


def recall(library, downloads: Path, walks: dict[Path, Walk | None],
           roots: Iterable[LibraryRoot]) -> dict[Path, list[FileResult]]:
    """The releases of a downloads folder whose row still holds: release -> its files' results."""
    configured = {str(r.path): r for r in roots if r.id}
    stored = {release: json.loads(files)
              for release, (fingerprint, files) in library.remembered.rows_in(downloads).items()
              if (walk := walks.get(release)) is not None and walk.fingerprint == fingerprint}
    held = library.file_ids_in((configured[f["root"]], f["relative"]) for files in stored.values() for f in files
                               if "relative" in f and (f["kind"] == Kind.VIDEO or f.get("conflict"))
                               and f["root"] in configured)
    catalog = functools.cache(library.catalog_stamp)  # a query, made only if a conflict asks
    recalled = {}
    for release, files in stored.items():
        if all(_still_true(f, configured, held, catalog) for f in files):
            recalled[release] = [_result(f) for f in files]
    return recalled


def _still_true(f: dict, configured: dict[str, LibraryRoot], held: dict[tuple[LibraryRoot, str], str],
                catalog) -> bool:
    """A stored result still true. An imported file: what decide._already_imported checks, the
    source's identity being in the fingerprint. A conflict: the same library file still in the
    way, the same media_files row (or none) at it, and a library whose items and aliases have
    not changed since (the file would be matched the same)."""
    if f["status"] != Status.ALREADY_IMPORTED and not f.get("conflict"):
        return True  # skipped by discovery: its evidence is the fingerprint
    if f["root"] not in configured:
        return False  # the library folder moved since
    found = Identity.of(os.path.join(f["root"], f["relative"]), follow=False)
    if found is None or (found.size, found.mtime_ns, found.inode) != tuple(f["library_file"]):
        return False  # the library file was changed or removed
    at = held.get((configured[f["root"]], f["relative"]))
    if f.get("conflict"):
        return at == f["held_by"] and f["catalog"] == catalog()
    return f["kind"] != Kind.VIDEO or at == f["media_file_id"]


def _result(f: dict) -> FileResult:
    return FileResult(
        source=Path(f["source"]), kind=Kind(f["kind"]), status=Status(f["status"]), action=Action(f["action"]),
        destination=Path(f["destination"]) if f["destination"] is not None else None, reason=f["reason"],
        match=recovery.match_of(f), media_file_id=f["media_file_id"], size=f["size"], expected=f["expected"],
        note=f["note"], code=Code(f["code"]) if f.get("code") else None)


# --- remembering -------------------------------------------------------------------------------------


def remember(library, downloads: Path, walks: dict[Path, Walk | None], recalled: Iterable[Path],
           decided: Sequence[tuple[PlannedFile, FileResult]]) -> None:
    """Store the releases of a downloads folder this scan remembered, keep the recalled ones' rows
    and drop the others'. `decided`: the files the normal path decided, with their results."""
    recalled = set(recalled)
    by_release: dict[Path, list[tuple[PlannedFile, FileResult]]] = {
        r: [] for r, w in walks.items() if w is not None and r not in recalled}
    for p, result in decided:
        if p.candidate.release in by_release:
            by_release[p.candidate.release].append((p, result))
    sources = [p.candidate.path for pairs in by_release.values() for p, r in pairs
               if r.status in (Status.IMPORTED, Status.ALREADY_IMPORTED)]
    entries = library.journal.done_from_many(sources)
    conflicts = [p for pairs in by_release.values() for p, r in pairs if _is_conflict(p, r)]
    blocked = {p.candidate.path for p in conflicts}
    holders = library.file_ids_in((p.root, _relative(p)) for p in conflicts if p.root.id)
    catalog = library.catalog_stamp() if conflicts else None

    def stored(p: PlannedFile, result: FileResult) -> dict | None:
        if _is_conflict(p, result):
            return _stored_conflict(p, result, holders, catalog)
        if _follows(p, result, blocked):
            return _stored_result(result)
        return _stored(p, result, entries.get(p.candidate.path), walks[p.candidate.release])

    rows = []
    for release, pairs in by_release.items():
        walk = walks[release]
        files = [stored(p, result) for p, result in pairs]
        if all(f is not None for f in files):
            rows.append((release, walk.fingerprint, json.dumps(files)))
    library.remembered.replace_in(downloads, rows, keep=recalled)


def _stored(p: PlannedFile, result: FileResult, entry, walk: Walk) -> dict | None:
    """A file's result as a later scan gives it, or None when the file is not remembered."""
    c = p.candidate
    if c.extra == "nfo":
        return None  # planned beside its video, not discovered: reported after every release
    if result.status is Status.SKIPPED:
        remembered = c.skip_code is not None and not c.expected and result.code is c.skip_code
        return _stored_result(result) if remembered else None
    if result.status not in (Status.IMPORTED, Status.ALREADY_IMPORTED) or (
            result.status is Status.IMPORTED and result.reason is not None):
        return None
    if (entry is None or entry.operation == "record" or entry.record is None or entry.source_identity is None
            or entry.dest_identity is None or entry.destination != result.destination):
        return None  # not what decide._already_imported recognises
    source = entry.source_identity
    if walk.identities.get(str(c.path)) != (source.size, source.mtime_ns, source.inode):
        return None  # changed since the walk
    if c.kind is Kind.VIDEO and (result.media_file_id is None or entry.media_file_id != result.media_file_id):
        return None
    known = replace(result, status=Status.ALREADY_IMPORTED, action=Action.NONE, reason=None, code=None, note=None,
                    match=recovery.match_of(entry.record))
    root = recovery.root_of(entry.record)
    library_file = entry.dest_identity
    return {**_stored_result(known), "root": str(root.path), "relative": entry.record["relative"],
            "library_file": [library_file.size, library_file.mtime_ns, library_file.inode]}


def _is_conflict(p: PlannedFile, result: FileResult) -> bool:
    """A matched file skipped because its destination holds another file, or its movie or episode
    has a video at another path (--conflict skip, or upgrade when it is no upgrade): remembered while
    that file stays."""
    return (result.status is Status.SKIPPED and p.status is Status.SKIPPED and p.candidate.skip_reason is None
            and p.match is not None and p.root is not None and p.destination is not None
            and p.code is not None and result.code is p.code and _in_the_way(p).is_relative_to(p.root.path))


def _follows(p: PlannedFile, result: FileResult, blocked: set[Path]) -> bool:
    """A subtitle skipped because its video is a conflict: it stays skipped while that does (the
    video is in the same release, whose row holds only while the conflict does)."""
    return (result.status is Status.SKIPPED and p.candidate.skip_reason is None and p.destination is None
            and p.companion_of in blocked)


def _in_the_way(p: PlannedFile) -> Path:
    """The library file a conflict is about: its destination, or the video of the same movie or
    episode at another path (plan/rivals.py)."""
    assert p.destination is not None
    return p.rival or p.destination


def _relative(p: PlannedFile) -> str:
    """A conflict's library file inside its library folder."""
    assert p.root is not None
    return _in_the_way(p).relative_to(p.root.path).as_posix()


def _stored_conflict(p: PlannedFile, result: FileResult, holders: dict[tuple[LibraryRoot, str], str],
                     catalog: str | None) -> dict | None:
    assert p.root is not None and p.destination is not None
    path = _in_the_way(p)
    if not p.root.id or not path.is_relative_to(p.root.path) or os.path.islink(path):
        return None  # a symbolic link's target may change under an unchanged link
    found = Identity.of(path, follow=False)
    if found is None:
        return None
    relative = _relative(p)
    return {**_stored_result(result), "conflict": True, "root": str(p.root.path), "relative": relative,
            "library_file": [found.size, found.mtime_ns, found.inode],
            "held_by": holders.get((p.root, relative)), "catalog": catalog}


def _stored_result(result: FileResult) -> dict:
    return {
        "source": str(result.source), "kind": str(result.kind), "status": str(result.status),
        "action": str(result.action), "destination": str(result.destination) if result.destination else None,
        "reason": result.reason, "match": recovery.record_match(result.match),
        "media_file_id": result.media_file_id, "size": result.size, "expected": result.expected,
        "note": result.note, "code": None if result.code is None else str(result.code),
    }
