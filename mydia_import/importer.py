"""The order of the stages: discover -> parse/match -> plan -> transfer -> record.

`run` returns a Report with one FileResult per file looked at. A dry run stops
after planning: it writes no file and no database row and takes no lock.

A real run holds the library's run lock (locking.py) from before it plans to
after it records: first it settles what a killed run left (recovery.py) and
purges the recycle folder, then it plans and imports. Each transfer is
journaled before its first byte moves and finished in the same transaction as
its media_files row; if recording fails the transfer is taken back, so the
database and the disk agree. Files an earlier run imported are recognised from
the journal by their source's identity (path, size, mtime, inode) and what is
at their destination, without reading them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mydia_import import (
    companions,
    discover,
    faults,
    locking,
    permissions,
    plan,
    recovery,
    recycle,
    samples,
    stability,
)
from mydia_import.errors import ConfigError, LibraryError, MydiaImportError, TransferError, UsageError
from mydia_import.library.journal import DONE, Identity
from mydia_import.match import identify_file
from mydia_import.models import (
    Action,
    Candidate,
    ConflictPolicy,
    FileResult,
    Kind,
    LibraryRoot,
    MediaType,
    PlannedFile,
    Report,
    Status,
    TransferMode,
    Verify,
)
from mydia_import.parse import ReleaseParser
from mydia_import.pathtext import display
from mydia_import.progress import ProgressListener, SilentListener
from mydia_import.transfer import place, temp_name


@dataclass(frozen=True)
class Request:
    """What to import and how. `scan`: each path is a downloads folder of releases."""

    paths: tuple[Path, ...]
    mode: TransferMode
    conflict: ConflictPolicy
    scan: bool = False
    dry_run: bool = False
    command: str = "import"
    arguments: dict = field(default_factory=dict)
    # Seconds a file must be unchanged: None is [import] min_age for a scan, and no wait for
    # paths named by a person or a download client (they say the download is finished).
    min_age: float | None = None
    # Seconds to wait for another run's lock: None is [import] lock_wait for a scan (cron
    # tries again), and no limit otherwise (a hook has one chance).
    lock_wait: float | None = None
    # `retry`: only these source files (and the subtitles that follow them).
    only: frozenset[Path] | None = None
    # Provenance added to each recorded file's media_files.metadata (a hook's client and torrent).
    metadata: dict = field(default_factory=dict)


@dataclass
class _Run:
    """What every file of one real run needs."""

    library: object
    listener: ProgressListener
    job_id: str
    mode: TransferMode
    settings: object
    perms: permissions.Permissions
    verify: Verify
    reserve: int
    extra: dict = field(default_factory=dict)  # Request.metadata


def run(request: Request, settings, library, listener: ProgressListener | None = None,
        parser: ReleaseParser | None = None) -> Report:
    listener = listener or SilentListener()
    parser = parser or ReleaseParser(cache=library.parse_cache(writable=not request.dry_run))
    roots = _configured_roots(settings, library)
    if not any(roots.values()):
        raise ConfigError(
            f"no library folder is configured in {settings.config_path}; run "
            "`mydia-import init --movies DIR --tv DIR`, or set [library] movies and tv"
        )
    paths = [_checked_download_path(p, roots) for p in request.paths]
    if request.dry_run:
        planned = _decide(paths, request, settings, library, parser, roots)
        return Report(None, True, tuple(_result(p) for p in planned))
    perms = permissions.from_settings(settings)
    with locking.run_lock(library, _lock_wait(request, settings), request.command):
        recovery.recover(library)
        recycle.purge(library, settings)
        planned = _decide(paths, request, settings, library, parser, roots)
        planned = _with_recorded_roots(planned, library)
        job_id = library.start_job(request.command, request.arguments, str(request.mode))
        context = _Run(library, listener, job_id, request.mode, settings, perms,
                       getattr(settings, "verify", Verify.SIZE), getattr(settings, "min_free_mb", 0) * 1_000_000,
                       dict(request.metadata))
        results: list[FileResult] = []  # filled as files finish, so an interruption still counts them
        try:
            _execute(planned, context, results)
        finally:
            report = Report(job_id, False, tuple(results))
            interrupted = len(results) < len(planned)
            library.finish_job(job_id, report.summary(), "interrupted" if interrupted else _status(report))
    listener.job_finished(report)
    return report


def _lock_wait(request: Request, settings) -> float | None:
    if request.lock_wait is not None:
        return request.lock_wait
    return float(getattr(settings, "lock_wait", 60)) if request.scan else None


def _decide(paths, request: Request, settings, library, parser, roots) -> list[PlannedFile]:
    candidates = _discover(paths, request.scan, settings.sample_ratio)
    if request.only is not None:
        candidates = [c for c in candidates if c.path in request.only]
    known = {c.path: k for c in candidates if (k := _already_imported(c, library, roots)) is not None}
    fresh = stability.check([c for c in candidates if c.path not in known], paths, min_age=_min_age(request, settings))
    planned = _plan(fresh, known, request, settings, library, parser, roots)
    for root in {p.root for p in planned if p.root is not None and p.status is Status.PLANNED}:
        plan.check_root(root)
    order = {c.path: i for i, c in enumerate(candidates)}
    return sorted(planned, key=lambda p: order.get(p.candidate.path, len(order)))


def _min_age(request: Request, settings) -> float:
    if request.min_age is not None:
        return request.min_age
    return float(getattr(settings, "min_age", 0)) if request.scan else 0.0


def _configured_roots(settings, library) -> dict[MediaType, LibraryRoot | None]:
    """Library folders from the settings, with their library_paths rows where they exist.

    Nothing is written here (a dry run writes no row); a real run creates missing rows
    before it records (`_with_recorded_roots`).
    """
    movies, tv = settings.movies, settings.tv
    mixed = movies is not None and movies == tv
    known = {root.path: root for root in library.roots()}

    def root(path: Path | None, kind: str) -> LibraryRoot | None:
        if path is None:
            return None
        return known.get(path) or LibraryRoot("", path, "mixed" if mixed else kind)

    return {MediaType.MOVIE: root(movies, "movies"), MediaType.TV_SHOW: root(tv, "series")}


def _checked_download_path(path: Path, roots) -> Path:
    path = Path(os.path.abspath(path))
    shown = display(path)
    if not os.path.lexists(path):
        raise MydiaImportError(f"download path {shown} does not exist")
    if path == Path(path.anchor) or os.path.realpath(path) == os.path.realpath(path.anchor):
        raise UsageError(f"refusing to import the filesystem root {shown}; name the download folder")
    real = Path(os.path.realpath(path))
    for root in filter(None, roots.values()):
        real_root = Path(os.path.realpath(root.path))
        for a, b in ((path, root.path), (real, real_root)):
            if a == b or b.is_relative_to(a) or a.is_relative_to(b):
                raise UsageError(
                    f"download path {shown} overlaps the library folder {display(root.path)}; "
                    "point the tool at the downloads folder, not the library"
                )
    return path


def _discover(paths: Sequence[Path], scan: bool, sample_ratio: float) -> list[Candidate]:
    found: dict[Path, Candidate] = {}
    for path in paths:
        if scan:
            if not path.is_dir():
                raise MydiaImportError(f"download path {display(path)} is not a folder")
            candidates = discover.discover_releases(path, sample_ratio=sample_ratio)
        else:
            candidates = discover.discover(path, sample_ratio=sample_ratio)
        for candidate in candidates:
            found.setdefault(candidate.path, candidate)  # a file named twice is one file
    return list(found.values())


def _already_imported(c: Candidate, library, roots) -> PlannedFile | None:
    """A source this library's journal says was imported, unchanged, its library file unchanged.

    Four stats and an indexed query instead of parsing, matching and comparing bytes:
    what makes running the same scan or hook again cheap."""
    if c.skip_reason is not None:
        return None
    entry = library.journal.done_from(c.path)
    if entry is None or entry.record is None or entry.operation == "record" or entry.source_identity is None:
        return None
    if not entry.source_identity.same_content_as(Identity.of(c.path)):
        return None  # another file under the same name now (a repack, a re-download)
    if entry.dest_identity is None or not entry.dest_identity.same_content_as(
            Identity.of(entry.destination, follow=False)):
        return None  # the library file was changed or removed: plan it again
    record = entry.record
    root = recovery.root_of(record)
    configured = {r.path: r for r in roots.values() if r is not None}
    if root.path not in configured:
        return None  # the library folder moved since: plan it again
    if c.kind is Kind.VIDEO and (entry.media_file_id is None or not library.file_exists(entry.media_file_id)):
        return None  # the record is gone: the plan records it again
    return PlannedFile(c, Status.ALREADY_IMPORTED, destination=entry.destination, root=configured[root.path],
                       release=recovery.release_of(record), match=recovery.match_of(record))


def _plan(candidates, known, request: Request, settings, library, parser, roots) -> list[PlannedFile]:
    rules = plan.Rules(request.mode, request.conflict, settings.movie_template,
                       settings.episode_template, roots)
    videos = [c for c in candidates if c.kind is Kind.VIDEO]
    extras = [c for c in candidates if c.kind is Kind.EXTRA]
    subtitles = [c for c in candidates if c.kind is Kind.SUBTITLE]
    probe = samples.probe_from_setting(settings.ffprobe)  # once per run, not per file
    planned = plan.plan_videos(
        videos, lambda c: identify_file(c, parser, library, probe), rules, _stored_lookup(library)
    )
    planned += [p for p in known.values() if p.candidate.kind is Kind.VIDEO]
    planned += companions.plan_extras(extras, planned, request.mode, request.conflict,
                                      settings.extras == "import")
    planned += [p for p in known.values() if p.candidate.kind is Kind.EXTRA]
    planned += companions.plan_subtitles(subtitles, planned, parser.parse, request.mode, request.conflict)
    planned += [p for p in known.values() if p.candidate.kind is Kind.SUBTITLE]
    if settings.nfo:
        planned += companions.plan_nfos(planned, request.mode, request.conflict)
    return plan.stop_on_failed_conflict(plan.resolve_collisions(planned))


def _stored_lookup(library):
    def stored_at(root: LibraryRoot, relative: str):
        return library.file_at(root, relative) if root.id else None
    return stored_at


def _with_recorded_roots(planned: list[PlannedFile], library) -> list[PlannedFile]:
    """Give each used library folder its library_paths row (created if missing)."""
    ids: dict[Path, LibraryRoot] = {}
    out = []
    for p in planned:
        if p.root is not None and not p.root.id:
            if p.root.path not in ids:
                ids[p.root.path] = library.ensure_root(p.root.path, p.root.type)
            p = replace(p, root=ids[p.root.path])
        out.append(p)
    return out


def _execute(planned: list[PlannedFile], run: _Run, results: list[FileResult]) -> None:
    moving = [p for p in planned if p.status is Status.PLANNED]
    run.listener.job_started(len(moving), sum(p.candidate.size for p in moving))
    failed_videos: dict[Path, str] = {}
    for p in planned:
        video_failure = failed_videos.get(p.companion_of) if p.companion_of else None
        release_name = p.candidate.release.name
        if video_failure is not None and p.status is Status.PLANNED:
            result = replace(_result(p), status=Status.SKIPPED, action=Action.NONE,
                             reason=f"its video was not imported: {video_failure}")
            run.library.record_job_file(run.job_id, result, release_name=release_name)
            run.listener.file_finished(result)
        elif p.status is Status.PLANNED:
            run.listener.file_started(p.candidate.path, p.candidate.size, p.action)
            result = _import_one(p, run)  # records its own job line, with its journal row
            run.listener.file_finished(result)
        else:
            result = _ensure_recorded(p, run) if p.status is Status.ALREADY_IMPORTED else _result(p)
            run.library.record_job_file(run.job_id, result, release_name=release_name)
            run.listener.file_finished(result)
        if result.status is Status.FAILED and p.candidate.kind is Kind.VIDEO:
            failed_videos[p.candidate.path] = result.reason or "failed"
        results.append(result)


def _import_one(p: PlannedFile, run: _Run) -> FileResult:
    assert p.destination is not None and p.root is not None
    library, source, dest = run.library, p.candidate.path, p.destination
    release_name = p.candidate.release.name
    replacing = p.replaces is not None and os.path.lexists(dest)
    source_identity = Identity.of(source)
    metadata = _metadata(p, source_identity, run) if p.candidate.kind is Kind.VIDEO else None
    stored = library.file_at(p.root, dest.relative_to(p.root.path).as_posix()) if replacing else None
    temp = temp_name(dest)
    recycled = recycle.destination(run.settings, p.root, dest) if replacing else None
    entry_id = library.journal.begin(
        run.job_id, kind=str(p.candidate.kind), operation=str(p.action), source=source,
        source_identity=source_identity, destination=dest, temp=temp,
        replaced_identity=Identity.of(dest, follow=False) if replacing else None, recycled=recycled,
        replaced_row=library.file_snapshot(stored.id) if stored is not None else None,
        record=recovery.record_payload(p, metadata),
    )
    faults.point("journaled")
    try:
        # The user's mode, not the planned action: auto still falls back to a copy where a
        # hardlink fails at run time (bind mounts, protected hardlinks); the Action says which.
        placed = place(source, dest, run.mode, replace=p.replaces is not None and not replacing, temp=temp,
                       verify=run.verify, perms=run.perms, reserve=run.reserve,
                       displace=recycle.Mover(dest, recycled) if recycled is not None else None,
                       on_bytes=run.listener.bytes_done)
    except (TransferError, OSError) as error:
        if not isinstance(error, TransferError):  # anything transfer did not wrap is still the user's to act on
            error = TransferError("importing", error, source, dest)
        return _failed(p, run, entry_id, str(error), taken=isinstance(error.os_error, FileExistsError))
    faults.point("transferred")
    result = replace(_result(p), status=Status.IMPORTED, action=placed.action)
    try:
        with library.transaction():
            media_file_id = None
            if p.candidate.kind is Kind.VIDEO:
                if placed.digest:
                    metadata = {**(metadata or {}), "sha256": placed.digest}
                media_file_id = _record(p, library, metadata or {})
                result = replace(result, media_file_id=media_file_id)
            library.journal.finish(entry_id, DONE, action=str(placed.action),
                                   dest_identity=Identity.of(dest, follow=False), digest=placed.digest,
                                   media_file_id=media_file_id, recycled=recycled)
            library.record_job_file(run.job_id, result, release_name=release_name)
    except (LibraryError, OSError) as error:
        entry = _entry(library, entry_id)
        why = f"could not record {display(dest)} in the library ({error})"
        try:
            recovery.take_back(library, entry, placed.action, why)
        except (OSError, MydiaImportError) as undo_error:
            why += f"; taking the import back failed too ({undo_error}): the file stays at its destination"
        else:
            why += "; the import was undone"
        result = replace(result, status=Status.FAILED, action=Action.NONE, reason=why, media_file_id=None)
        library.record_job_file(run.job_id, result, release_name=release_name)
    faults.point("recorded")
    return result


def _failed(p: PlannedFile, run: _Run, entry_id: str, reason: str, taken: bool) -> FileResult:
    """The transfer failed: transfer has left no partial file; make sure of it and say why.

    taken: the destination was found taken (by a file that is not ours)."""
    library = run.library
    entry = _entry(library, entry_id)
    try:
        if not taken and recovery.landed(entry):  # only when a step after the rename failed (a folder fsync)
            recovery.complete(library, entry, "completed although a later step failed")
            result = replace(_result(p), status=Status.IMPORTED, reason=reason)
            library.record_job_file(run.job_id, result, release_name=p.candidate.release.name)
            return result
        recovery.roll_back(library, entry, reason, state="failed")
    except (OSError, MydiaImportError) as error:
        reason += f"; cleaning up failed too ({error}), the next run tries again"
    result = replace(_result(p), status=Status.FAILED, action=Action.NONE, reason=reason)
    library.record_job_file(run.job_id, result, release_name=p.candidate.release.name)
    return result


def _entry(library, entry_id: str):
    entry = library.journal.get(entry_id)
    assert entry is not None
    return entry


def _ensure_recorded(p: PlannedFile, run: _Run) -> FileResult:
    result = _result(p)
    library = run.library
    if p.candidate.kind is Kind.VIDEO and p.root is not None and p.match is not None:
        relative = p.destination.relative_to(p.root.path).as_posix()
        stored = library.file_at(p.root, relative)
        if stored is None:
            identity = Identity.of(p.candidate.path)
            metadata = _metadata(p, identity, run)
            try:
                with library.transaction():
                    media_file_id = _record(p, library, metadata)
                    entry_id = library.journal.begin(
                        run.job_id, kind=str(p.candidate.kind), operation="record", source=p.candidate.path,
                        source_identity=identity, destination=p.destination,
                        record=recovery.record_payload(p, metadata))
                    library.journal.finish(entry_id, DONE, dest_identity=Identity.of(p.destination, follow=False),
                                           media_file_id=media_file_id)
            except (LibraryError, OSError) as error:
                return replace(result, status=Status.FAILED,
                               reason=f"already in place but could not be recorded in the library ({error})")
            return replace(result, media_file_id=media_file_id)
        return replace(result, media_file_id=stored.id)
    return result


def _metadata(p: PlannedFile, identity: Identity | None, run: _Run) -> dict:
    """Provenance for media_files.metadata, with the source's identity from before the transfer."""
    source = p.candidate
    release = p.release
    found = ({"source_size": identity.size, "source_mtime": identity.mtime_ns / 1e9,
              "source_mtime_ns": identity.mtime_ns, "source_inode": identity.inode}
             if identity is not None else {"source_size": source.size})
    return {
        "source": str(source.path),
        "release_name": source.release.name,
        "release_group": release.release_group if release else None,
        "transfer_mode": str(p.action),
        "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "import_job_id": run.job_id,
        "resolution": release.resolution if release else None,
        "quality_source": release.source if release else None,
        "proper_count": release.proper_count if release else 0,
        "edition": release.edition if release else None,
        **found,
        **run.extra,
    }


def _record(p: PlannedFile, library, metadata: dict) -> str:
    assert p.destination is not None and p.root is not None and p.match is not None
    relative = p.destination.relative_to(p.root.path).as_posix()
    size = p.destination.stat().st_size
    return library.record_file(p.root, relative, size=size, match=p.match, release=p.release, metadata=metadata)


def _result(p: PlannedFile) -> FileResult:
    return FileResult(
        source=p.candidate.path, kind=p.candidate.kind, status=p.status,
        action=p.action if p.status is Status.PLANNED else Action.NONE,
        destination=p.destination if p.status is not Status.SKIPPED else None,
        reason=p.reason, match=p.match, size=p.candidate.size, expected=p.candidate.expected,
        note=p.note,
    )


def _status(report: Report) -> str:
    code = report.exit_code()
    return {0: "success", 3: "partial", 4: "nothing-imported"}.get(code, "failed")
