"""The order of the stages: discover -> parse/match -> plan -> transfer -> record.

`run` returns a Report with one FileResult per file looked at. A dry run stops
after planning: it writes no file and no database row. In a real run each file
is transferred and then recorded; if recording fails the transfer is undone,
so the database and the disk agree.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mydia_import import companions, discover, plan
from mydia_import.errors import LibraryError, MydiaImportError, TransferError, UsageError
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
)
from mydia_import.parse import ReleaseParser
from mydia_import.progress import ProgressListener, SilentListener
from mydia_import.transfer import transfer


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


def run(request: Request, settings, library, listener: ProgressListener | None = None,
        parser: ReleaseParser | None = None) -> Report:
    listener = listener or SilentListener()
    parser = parser or ReleaseParser()
    roots = _configured_roots(settings, library)
    paths = [_checked_download_path(p, roots) for p in request.paths]
    candidates = _discover(paths, request.scan, settings.sample_ratio)
    planned = _plan(candidates, request, settings, library, parser, roots)
    for root in {p.root for p in planned if p.root is not None and p.status is Status.PLANNED}:
        plan.check_root(root)
    if request.dry_run:
        return Report(None, True, tuple(_result(p) for p in planned))
    planned = _with_recorded_roots(planned, library)
    job_id = library.start_job(request.command, request.arguments, str(request.mode))
    results: list[FileResult] = []  # filled as files finish, so an interruption still counts them
    try:
        _execute(planned, library, listener, job_id, request.mode, results)
    finally:
        report = Report(job_id, False, tuple(results))
        interrupted = len(results) < len(planned)
        library.finish_job(job_id, report.summary(), "interrupted" if interrupted else _status(report))
    listener.job_finished(report)
    return report


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
    if not os.path.lexists(path):
        raise MydiaImportError(f"download path {path} does not exist")
    if path == Path(path.anchor):
        raise UsageError(f"refusing to import the filesystem root {path}; name the download folder")
    for root in filter(None, roots.values()):
        if root.path == path or root.path.is_relative_to(path) or path.is_relative_to(root.path):
            raise UsageError(
                f"download path {path} overlaps the library folder {root.path}; "
                "point the tool at the downloads folder, not the library"
            )
    return path


def _discover(paths: Sequence[Path], scan: bool, sample_ratio: float) -> list[Candidate]:
    found: dict[Path, Candidate] = {}
    for path in paths:
        if scan:
            if not path.is_dir():
                raise MydiaImportError(f"download path {path} is not a folder")
            candidates = discover.discover_releases(path, sample_ratio=sample_ratio)
        else:
            candidates = discover.discover(path, sample_ratio=sample_ratio)
        for candidate in candidates:
            found.setdefault(candidate.path, candidate)  # a file named twice is one file
    return list(found.values())


def _plan(candidates, request: Request, settings, library, parser, roots) -> list[PlannedFile]:
    rules = plan.Rules(request.mode, request.conflict, settings.movie_template,
                       settings.episode_template, roots)
    videos = [c for c in candidates if c.kind is not Kind.SUBTITLE]
    subtitles = [c for c in candidates if c.kind is Kind.SUBTITLE]
    planned = plan.plan_videos(
        videos, lambda c: identify_file(c, parser, library), rules, _stored_lookup(library)
    )
    planned += companions.plan_subtitles(subtitles, planned, parser.parse, request.mode, request.conflict)
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


def _execute(planned: list[PlannedFile], library, listener, job_id: str, mode: TransferMode,
             results: list[FileResult]) -> None:
    moving = [p for p in planned if p.status is Status.PLANNED]
    listener.job_started(len(moving), sum(p.candidate.size for p in moving))
    failed_videos: dict[Path, str] = {}
    for p in planned:
        video_failure = failed_videos.get(p.companion_of) if p.companion_of else None
        if video_failure is not None and p.status is Status.PLANNED:
            result = replace(_result(p), status=Status.SKIPPED, action=Action.NONE,
                             reason=f"its video was not imported: {video_failure}")
        elif p.status is Status.PLANNED:
            listener.file_started(p.candidate.path, p.candidate.size, p.action)
            result = _import_one(p, library, listener, job_id, mode)
            listener.file_finished(result)
        elif p.status is Status.ALREADY_IMPORTED:
            result = _ensure_recorded(p, library, job_id)
            listener.file_finished(result)
        else:
            result = _result(p)
            listener.file_finished(result)
        if result.status is Status.FAILED and p.candidate.kind is Kind.VIDEO:
            failed_videos[p.candidate.path] = result.reason or "failed"
        library.record_job_file(job_id, result, release_name=p.candidate.release.name)
        results.append(result)


def _import_one(p: PlannedFile, library, listener, job_id: str, mode: TransferMode) -> FileResult:
    assert p.destination is not None
    try:
        # The user's mode, not the planned action: auto still falls back to a copy where a
        # hardlink fails at run time (bind mounts, protected hardlinks); the Action says which.
        action = transfer(p.candidate.path, p.destination, mode, replace=p.replaces is not None,
                          on_bytes=listener.bytes_done)
    except TransferError as error:
        return replace(_result(p), status=Status.FAILED, action=Action.NONE, reason=str(error))
    except OSError as error:  # anything transfer did not wrap is still the user's to act on
        return replace(_result(p), status=Status.FAILED, action=Action.NONE,
                       reason=str(TransferError("importing", error, p.candidate.path, p.destination)))
    result = replace(_result(p), status=Status.IMPORTED, action=action)
    if p.candidate.kind is not Kind.VIDEO:
        return result
    try:
        media_file_id = _record(p, library, action, job_id)
    except (LibraryError, OSError) as error:
        _undo_transfer(p, action)
        return replace(result, status=Status.FAILED, action=Action.NONE,
                       reason=f"could not record {p.destination} in the library ({error}); the import was undone")
    return replace(result, media_file_id=media_file_id)


def _ensure_recorded(p: PlannedFile, library, job_id: str) -> FileResult:
    result = _result(p)
    if p.candidate.kind is Kind.VIDEO and p.root is not None and p.match is not None:
        relative = p.destination.relative_to(p.root.path).as_posix()
        stored = library.file_at(p.root, relative)
        if stored is None:
            try:
                media_file_id = _record(p, library, Action.NONE, job_id)
            except (LibraryError, OSError) as error:
                return replace(result, status=Status.FAILED,
                               reason=f"already in place but could not be recorded in the library ({error})")
            return replace(result, media_file_id=media_file_id)
        return replace(result, media_file_id=stored.id)
    return result


def _record(p: PlannedFile, library, action: Action, job_id: str) -> str:
    source = p.candidate
    release = p.release
    try:
        st = source.path.stat()
        identity = {"source_size": st.st_size, "source_mtime": st.st_mtime, "source_inode": st.st_ino}
    except OSError:  # a move took the source away
        identity = {"source_size": source.size}
    metadata = {
        "source": str(source.path),
        "release_name": source.release.name,
        "release_group": release.release_group if release else None,
        "transfer_mode": str(action),
        "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "import_job_id": job_id,
        "resolution": release.resolution if release else None,
        "quality_source": release.source if release else None,
        "proper_count": release.proper_count if release else 0,
        "edition": release.edition if release else None,
        **identity,
    }
    relative = p.destination.relative_to(p.root.path).as_posix()
    size = p.destination.stat().st_size
    return library.record_file(p.root, relative, size=size, match=p.match, release=release, metadata=metadata)


def _undo_transfer(p: PlannedFile, action: Action) -> None:
    """Put things back as they were after a transfer whose record failed."""
    try:
        if action is Action.MOVE:
            transfer(p.destination, p.candidate.path, TransferMode.MOVE)
        else:
            os.unlink(p.destination)
    except OSError:
        pass  # the file stays in the library, complete; the job history names it


def _result(p: PlannedFile) -> FileResult:
    return FileResult(
        source=p.candidate.path, kind=p.candidate.kind, status=p.status,
        action=p.action if p.status is Status.PLANNED else Action.NONE,
        destination=p.destination if p.status is not Status.SKIPPED else None,
        reason=p.reason, match=p.match, size=p.candidate.size, expected=p.candidate.expected,
    )


def _status(report: Report) -> str:
    code = report.exit_code()
    return {0: "success", 3: "partial", 4: "nothing-imported"}.get(code, "failed")
