"""Each file of a real run, in the plan's order: journaled before its first byte moves, placed
(transfer.py), then recorded in the same transaction that closes its journal row; taken back
when recording fails. Links that replace nothing go 64 at a time; a file already in place is
recorded if its row is missing; an upgrade's rivals are retired after the commit (retire.py).
`importer.run` builds the `Run` and hands the plan to `execute`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from mydia_import import decisions as rules
from mydia_import.decisions import Decision
from mydia_import.errors import LibraryError, MydiaImportError, TransferError
from mydia_import.execute import faults, permissions, recovery, recycle, retire
from mydia_import.execute.transfer import Placed, place, temp_name
from mydia_import.library import provenance, vocabulary
from mydia_import.library.journal import DONE, Identity
from mydia_import.models import (
    Action,
    FileResult,
    Kind,
    LibraryRoot,
    PlannedFile,
    Results,
    Status,
    TransferMode,
    Verify,
)
from mydia_import.pathtext import display
from mydia_import.progress import ProgressListener


@dataclass
class Run:
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
    # A video that replaces library files at other paths: the subtitles its release brings
    # (their destinations), and the retirements its record began (execute/retire.py), made after the commit.
    brought: dict[Path, set[str]] = field(default_factory=dict)
    retiring: list[retire.Step] = field(default_factory=list)
    # The folders archive sets were extracted into: their files are moved, whatever the mode.
    extracted: list[Path] = field(default_factory=list)
    labelled: Callable[[FileResult], FileResult] = lambda result: result  # names an extracted file's archive
    lines: list[tuple[FileResult, str | None]] = field(default_factory=list)  # job lines not yet written


@dataclass(frozen=True)
class Recalled:
    """A file of a release the re-scan fast path recognised: its result, taken from the library."""

    result: FileResult
    release_name: str


# Hardlinks and symlinks that replace nothing are journaled, made and recorded this many at a
# time: two commits (two fsyncs) per batch instead of per file.
LINK_BATCH = 64


def execute(planned: list[PlannedFile | Recalled], execution: Execution) -> None:
    """Every file in the plan's order. The job lines still waiting are the caller's to write:
    a run that changed nothing writes none (`_finish`)."""
    moving = [p for p in planned if isinstance(p, PlannedFile) and p.status is Status.PLANNED]
    retiring = {p.candidate.path for p in moving if p.retires}
    for p in moving:
        if p.companion_of in retiring:
            execution.run.brought.setdefault(p.companion_of, set()).add(str(p.destination))
    execution.run.listener.job_started(len(moving), sum(p.candidate.size for p in moving))
    for p in planned:
        execution.add(p)
    execution.finish_links()


def write_lines(run: Run) -> None:
    """The job lines of files that moved nothing, waiting since the last transfer."""
    if run.lines:
        run.library.record_job_files(run.job_id, run.lines)
        run.lines = []


class Execution:
    """The files of one real run, in the plan's order.

    The job lines of files that move nothing wait in `lines` and are written together before
    the next transfer and at the end; links that replace nothing wait in `links` and are
    imported together (`_import_links`). A companion never waits in the batch of its video:
    it must know whether its video was imported."""

    def __init__(self, run: Run, results: Results, stored: dict[tuple[LibraryRoot, str], str]):
        self.run, self.results, self.stored = run, results, stored
        self.links: list[PlannedFile] = []
        self.failed_videos: dict[Path, str] = {}

    def add(self, p: PlannedFile | Recalled) -> None:
        if isinstance(p, Recalled):
            self.finish_links()
            self._moved_nothing(p.result, p.release_name)
            return
        linkable = p.status is Status.PLANNED and _linkable(p)
        if self.links and not (linkable and p.companion_of not in {q.candidate.path for q in self.links}):
            self.finish_links()  # results stay in the plan's order
        video_failure = self.failed_videos.get(p.companion_of) if p.companion_of else None
        if video_failure is not None and p.status is Status.PLANNED:
            result = replace(p.result(), status=Status.SKIPPED, action=Action.NONE,
                             why=rules.video_failed(video_failure))
            self._moved_nothing(result, p.candidate.release.name)
        elif linkable:
            self.write_lines()
            self.links.append(p)
            if len(self.links) >= LINK_BATCH:
                self.finish_links()
        elif p.status is Status.PLANNED:
            self.write_lines()
            self.run.listener.file_started(p.candidate.path, p.candidate.size, p.action)
            result = _import_one(p, self.run)  # records its own job line, with its journal row
            self.run.listener.file_finished(result)
            self._finished(result)
        else:
            result = _ensure_recorded(p, self.run, self.stored) if p.status is Status.ALREADY_IMPORTED else p.result()
            self._moved_nothing(result, p.candidate.release.name)

    def finish_links(self) -> None:
        batch, self.links = self.links, []
        for result in _import_links(batch, self.run):
            self._finished(result)

    def write_lines(self) -> None:
        write_lines(self.run)

    def _moved_nothing(self, result: FileResult, release_name: str) -> None:
        self.run.lines.append((result, release_name))
        self.run.listener.file_finished(result)
        self._finished(result)

    def _finished(self, result: FileResult) -> None:
        if result.status is Status.FAILED and result.kind is Kind.VIDEO:
            self.failed_videos[result.source] = result.reason or "failed"
        self.results.append(self.run.labelled(result))


def _linkable(p: PlannedFile) -> bool:
    return p.action in (Action.HARDLINK, Action.SYMLINK) and p.replaces is None and not p.retires


def _import_links(batch: list[PlannedFile], run: Run) -> list[FileResult]:
    """`_import_one` for a batch of links that replace nothing: the journal rows of the batch in
    one commit before any link is made, then the links, then their records, journal `done`
    and job lines in one commit (one by one if that commit fails). A crash in between leaves
    `started` rows that the next run completes (the link is there) or rolls back (it is not),
    exactly as for one file."""
    if not batch:
        return []
    with run.library.transaction():
        begun = [_begin(p, run) for p in batch]
    faults.point("journaled")
    outcome: dict[int, FileResult] = {}
    placed: list[tuple[int, _Begun, Placed]] = []
    for i, b in enumerate(begun):
        run.listener.file_started(b.p.candidate.path, b.p.candidate.size, b.p.action)
        try:
            placed.append((i, b, _place(b, run)))
        except _PlaceFailed as failure:
            outcome[i] = _failed(b.p, run, b.entry_id, failure.decision, failure.taken)
            run.listener.file_finished(outcome[i])
        faults.point("batch-link")
    faults.point("transferred")
    try:
        with run.library.transaction():
            for i, b, done in placed:
                outcome[i] = _record_placed(b, done, run)
    except (LibraryError, OSError):
        for i, b, done in placed:
            outcome[i] = _record_or_take_back(b, done, run)
    for i, *_ in placed:
        run.listener.file_finished(outcome[i])
    faults.point("recorded")
    return [outcome[i] for i in range(len(batch))]


def _import_one(p: PlannedFile, run: Run) -> FileResult:
    begun = _begin(p, run)
    faults.point("journaled")
    try:
        placed = _place(begun, run)
    except _PlaceFailed as failure:
        return _failed(p, run, begun.entry_id, failure.decision, failure.taken)
    faults.point("transferred")
    result = _record_or_take_back(begun, placed, run)
    faults.point("recorded")
    retiring, run.retiring = run.retiring, []
    if retiring and result.status is Status.IMPORTED:  # else the record's transaction took them back
        problems = retire.finish(run.library, retiring)
        faults.point("retired")
        if problems:
            result = replace(result, why=rules.imported_with_problems("; ".join(problems)))
    return result


@dataclass(frozen=True)
class _Begun:
    """A transfer written to the journal (`started`), not yet made."""

    p: PlannedFile
    entry_id: str
    temp: Path
    metadata: dict | None  # media_files.metadata of a video, without the digest
    replacing: bool  # a file is at the destination and goes to the recycle folder
    recycled: Path | None


class _PlaceFailed(Exception):
    def __init__(self, decision: Decision, taken: bool):
        super().__init__(decision.message)
        self.decision, self.taken = decision, taken  # taken: the destination holds a file that is not ours


def _begin(p: PlannedFile, run: Run) -> _Begun:
    """The journal row of one transfer, before its first byte moves."""
    assert p.destination is not None and p.root is not None
    library, source, dest = run.library, p.candidate.path, p.destination
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
        record=recovery.record_payload(p, metadata, run.brought.get(p.candidate.path, ())),
    )
    return _Begun(p, entry_id, temp, metadata, replacing, recycled)


def _place(begun: _Begun, run: Run) -> Placed:
    p = begun.p
    source, dest = p.candidate.path, p.destination
    try:
        # The user's mode, not the planned action: auto still falls back to a copy where a
        # hardlink fails at run time (bind mounts, protected hardlinks); the Action says which.
        mode = TransferMode.MOVE if any(source.is_relative_to(r) for r in run.extracted) else run.mode
        return place(source, dest, mode, replace=p.replaces is not None and not begun.replacing,
                     temp=begun.temp, verify=run.verify, perms=run.perms, reserve=run.reserve,
                     displace=recycle.Mover(dest, begun.recycled) if begun.recycled is not None else None,
                     on_bytes=run.listener.bytes_done, keep_times=getattr(run.settings, "keep_mtime", True))
    except (TransferError, OSError) as error:
        if not isinstance(error, TransferError):  # anything transfer did not wrap is still the user's to act on
            error = TransferError("importing", error, source, dest)
        os_errno = error.os_error.errno if error.os_error is not None else None
        why = rules.transfer_failed(str(error), os_errno, linking=run.mode is TransferMode.HARDLINK)
        raise _PlaceFailed(why, taken=isinstance(error.os_error, FileExistsError)) from error


def _record_placed(begun: _Begun, placed: Placed, run: Run) -> FileResult:
    """The media_files row, the journal's `done` and the job line of a placed file; inside the
    caller's transaction."""
    p, library = begun.p, run.library
    result = replace(p.result(), status=Status.IMPORTED, action=placed.action)
    media_file_id = None
    if p.candidate.kind is Kind.VIDEO:
        metadata = begun.metadata or {}
        if placed.digest:
            metadata = {**metadata, "import_sha256": placed.digest}
        media_file_id = _record(p, library, metadata)
        result = replace(result, media_file_id=media_file_id)
        if p.retires:
            run.retiring += retire.begin(library, run.job_id, run.settings, p,
                                         run.brought.get(p.candidate.path, ()))
    library.journal.finish(begun.entry_id, DONE, action=str(placed.action),
                           dest_identity=Identity.of(p.destination, follow=False), digest=placed.digest,
                           media_file_id=media_file_id, recycled=begun.recycled)
    library.record_job_file(run.job_id, result, release_name=p.candidate.release.name)
    return result


def _record_or_take_back(begun: _Begun, placed: Placed, run: Run) -> FileResult:
    """Record a placed file in one transaction; if that fails, take the transfer back."""
    p, library, dest = begun.p, run.library, begun.p.destination
    try:
        with library.transaction():
            return _record_placed(begun, placed, run)
    except (LibraryError, OSError) as error:
        why = f"could not record {display(dest)} in the library ({error})"
        try:
            recovery.take_back(library, _entry(library, begun.entry_id), placed.action, why)
        except LibraryError:  # its last step: the file is back, only its journal row still says `started`
            why += "; the import was undone (the next run closes its journal entry)"
        except (OSError, MydiaImportError) as undo_error:
            why += f"; taking the import back failed too ({undo_error}): the file stays at its destination"
        else:
            why += "; the import was undone"
        result = replace(p.result(), status=Status.FAILED, action=Action.NONE, why=rules.record_failed(why))
        library.record_job_file(run.job_id, result, release_name=p.candidate.release.name)
        return result


def _failed(p: PlannedFile, run: Run, entry_id: str, failure: Decision, taken: bool) -> FileResult:
    """The transfer failed: transfer has left no partial file; make sure of it and say why.

    taken: the destination was found taken (by a file that is not ours)."""
    library = run.library
    entry = _entry(library, entry_id)
    reason = failure.message
    try:
        if not taken and recovery.landed(entry):  # only when a step after the rename failed (a folder fsync)
            recovery.complete(library, entry, "completed although a later step failed", run.settings)
            result = replace(p.result(), status=Status.IMPORTED, why=rules.imported_despite(reason))
            library.record_job_file(run.job_id, result, release_name=p.candidate.release.name)
            return result
        recovery.roll_back(library, entry, reason, state="failed")
    except (OSError, MydiaImportError) as error:
        reason += f"; cleaning up failed too ({error}), the next run tries again"
    result = replace(p.result(), status=Status.FAILED, action=Action.NONE, reason=reason, code=failure.code)
    library.record_job_file(run.job_id, result, release_name=p.candidate.release.name)
    return result


def _entry(library, entry_id: str):
    entry = library.journal.get(entry_id)
    assert entry is not None
    return entry


def stored_ids(planned: list[PlannedFile | Recalled], library) -> dict[tuple[LibraryRoot, str], str]:
    """(root, relative path) -> media_files id of the already-imported videos, in bulk."""
    return library.file_ids_in(
        (p.root, p.destination.relative_to(p.root.path).as_posix()) for p in planned
        if isinstance(p, PlannedFile) and p.status is Status.ALREADY_IMPORTED and p.candidate.kind is Kind.VIDEO
        and p.root is not None and p.root.id and p.match is not None and p.destination is not None)


def _ensure_recorded(p: PlannedFile, run: Run, stored: dict[tuple[LibraryRoot, str], str]) -> FileResult:
    """An already-imported file's result; a video with no media_files row at its destination
    gets one (`stored`: the rows found in bulk)."""
    result = p.result()
    library = run.library
    if p.candidate.kind is Kind.VIDEO and p.root is not None and p.match is not None:
        relative = p.destination.relative_to(p.root.path).as_posix()
        file_id = stored.get((p.root, relative))
        if file_id is None:
            identity = Identity.of(p.candidate.path)
            metadata = _metadata(p, identity, run)
            try:
                with library.transaction():
                    file_id = _record(p, library, metadata)
                    entry_id = library.journal.begin(
                        run.job_id, kind=str(p.candidate.kind), operation="record", source=p.candidate.path,
                        source_identity=identity, destination=p.destination,
                        record=recovery.record_payload(p, metadata))
                    library.journal.finish(entry_id, DONE, dest_identity=Identity.of(p.destination, follow=False),
                                           media_file_id=file_id)
            except (LibraryError, OSError) as error:
                return replace(result, status=Status.FAILED,
                               why=rules.record_failed(
                                   f"already in place but could not be recorded in the library ({error})"))
        return replace(result, media_file_id=file_id)
    return result


def _metadata(p: PlannedFile, identity: Identity | None, run: Run) -> dict:
    """media_files.metadata (library/provenance.py): Mydia's keys, then the tool's own, with the source's
    identity from before the transfer."""
    source = p.candidate
    release = p.release
    found = ({provenance.DOWNLOAD_SIZE: identity.size, "import_download_mtime": identity.mtime_ns / 1e9,
              provenance.DOWNLOAD_MTIME_NS: identity.mtime_ns, provenance.DOWNLOAD_INODE: identity.inode}
             if identity is not None else {provenance.DOWNLOAD_SIZE: source.size})
    return {
        "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": vocabulary.source(release.source) if release else None,
        "release_group": release.release_group if release else None,
        **run.extra,  # a hook's download_client and download_client_id
        provenance.JOB: run.job_id,
        provenance.DOWNLOAD_PATH: str(source.path),
        provenance.RELEASE_NAME: source.release.name,
        provenance.TRANSFER_MODE: str(p.action),
        provenance.PROPER_COUNT: release.proper_count if release else 0,
        "import_edition": release.edition if release else None,
        **found,
    }


def _record(p: PlannedFile, library, metadata: dict) -> str:
    assert p.destination is not None and p.root is not None and p.match is not None
    relative = p.destination.relative_to(p.root.path).as_posix()
    size = p.destination.stat().st_size
    return library.record_file(p.root, relative, size=size, match=p.match, release=p.release, metadata=metadata)
