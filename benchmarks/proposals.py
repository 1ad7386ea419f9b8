"""A prototype of the importer changes docs/performance.md proposes, to measure them.

importer.py is not changed by the benchmark work; `apply()` swaps three of its
functions for these versions in the benchmark's own process, so that
`python benchmarks/run.py` can show each target with and without them. Each
function is importer.py's own, with the change marked `# proposed:`.
"""

from __future__ import annotations

from dataclasses import replace

from mydia_import import companions, faults, importer, plan, recovery, samples, stability
from mydia_import.errors import LibraryError, MydiaImportError, TransferError
from mydia_import.library.journal import DONE, Identity
from mydia_import.match import identifier, prefetch
from mydia_import.models import Action, Candidate, FileResult, Kind, PlannedFile, Status
from mydia_import.pathtext import display
from mydia_import.transfer import place, temp_name

LINK_BATCH = 64  # links journaled, made and recorded together

_original_plan_subtitles = companions.plan_subtitles


def apply() -> None:
    importer._decide = _decide
    importer._plan = _plan
    importer._execute = _execute
    companions.plan_subtitles = _plan_subtitles


def _plan_subtitles(subtitles, videos, parse, mode, conflict) -> list[PlannedFile]:
    """companions.plan_subtitles, release by release. The proposal itself is a one-line change
    there: look a subtitle's videos up in a dict of the videos by release, built once, instead of
    filtering every video of the run for every subtitle (quadratic: 15,000 subtitles beside
    70,000 videos are a billion Path comparisons)."""
    by_release: dict = {}
    for v in videos:
        by_release.setdefault(v.candidate.release, []).append(v)
    groups: dict = {}
    for sub in subtitles:
        groups.setdefault(sub.release, []).append(sub)
    planned: list[PlannedFile] = []
    for release, subs in groups.items():
        planned += _original_plan_subtitles(subs, by_release.get(release, []), parse, mode, conflict)
    return planned


def _decide(paths, request, settings, library, parser, roots) -> list[PlannedFile]:
    candidates = importer._discover(paths, request.scan, settings.sample_ratio)
    if request.only is not None:
        candidates = [c for c in candidates if c.path in request.only]
    # proposed: the journal and media_files read in a few queries for all candidates, not per file.
    entries = library.journal.done_from_many(c.path for c in candidates if c.skip_reason is None)
    existing = library.existing_files(e.media_file_id for e in entries.values() if e.media_file_id)
    known = {c.path: k for c in candidates
             if (k := _already_imported(c, entries.get(c.path), existing, roots)) is not None}
    fresh = stability.check([c for c in candidates if c.path not in known], paths,
                            min_age=importer._min_age(request, settings))
    planned = importer._plan(fresh, known, request, settings, library, parser, roots)
    for root in {p.root for p in planned if p.root is not None and p.status is Status.PLANNED}:
        plan.check_root(root)
    order = {c.path: i for i, c in enumerate(candidates)}
    return sorted(planned, key=lambda p: order.get(p.candidate.path, len(order)))


def _already_imported(c: Candidate, entry, existing: set[str], roots) -> PlannedFile | None:
    """importer._already_imported with the journal entry and the existing ids looked up in bulk."""
    if c.skip_reason is not None or entry is None:
        return None
    if entry.record is None or entry.operation == "record" or entry.source_identity is None:
        return None
    if not entry.source_identity.same_content_as(Identity.of(c.path)):
        return None
    if entry.dest_identity is None or not entry.dest_identity.same_content_as(
            Identity.of(entry.destination, follow=False)):
        return None
    record = entry.record
    root = recovery.root_of(record)
    configured = {r.path: r for r in roots.values() if r is not None}
    if root.path not in configured:
        return None
    if c.kind is Kind.VIDEO and (entry.media_file_id is None or entry.media_file_id not in existing):
        return None
    return PlannedFile(c, Status.ALREADY_IMPORTED, destination=entry.destination, root=configured[root.path],
                       release=recovery.release_of(record), match=recovery.match_of(record))


def _plan(candidates, known, request, settings, library, parser, roots) -> list[PlannedFile]:
    rules = plan.Rules(request.mode, request.conflict, settings.movie_template,
                       settings.episode_template, roots)
    videos = [c for c in candidates if c.kind is Kind.VIDEO]
    extras = [c for c in candidates if c.kind is Kind.EXTRA]
    subtitles = [c for c in candidates if c.kind is Kind.SUBTITLE]
    probe = samples.probe_from_setting(settings.ffprobe)  # once per run, not per file
    # proposed: the names of the next 2,000 videos parsed in one batch (a process pool) as the
    # plan reaches them (match.identifier), and the subtitles' names in one batch.
    planned = plan.plan_videos(videos, identifier(videos, parser, library, probe), rules,
                               importer._stored_lookup(library))
    planned += [p for p in known.values() if p.candidate.kind is Kind.VIDEO]
    planned += companions.plan_extras(extras, planned, request.mode, request.conflict,
                                      settings.extras == "import")
    planned += [p for p in known.values() if p.candidate.kind is Kind.EXTRA]
    prefetch(subtitles, parser)  # proposed
    planned += companions.plan_subtitles(subtitles, planned, parser.parse, request.mode, request.conflict)
    planned += [p for p in known.values() if p.candidate.kind is Kind.SUBTITLE]
    if settings.nfo:
        planned += companions.plan_nfos(planned, request.mode, request.conflict)
    return plan.stop_on_failed_conflict(plan.resolve_collisions(planned))


def _execute(planned: list[PlannedFile], run, results: list[FileResult]) -> None:
    moving = [p for p in planned if p.status is Status.PLANNED]
    run.listener.job_started(len(moving), sum(p.candidate.size for p in moving))
    failed_videos: dict = {}
    # proposed: the lines of files that move nothing are written together, in one transaction
    # before the next transfer and at the end, instead of one commit each.
    pending: list[tuple[FileResult, str | None]] = []
    stored = _stored_ids(planned, run.library)

    def flush() -> None:
        if pending:
            run.library.record_job_files(run.job_id, pending)
            pending.clear()

    batch: list[PlannedFile] = []
    batch_videos: set = set()

    def finish_batch() -> None:
        for p, result in zip(batch, _import_links(batch, run), strict=True):
            if result.status is Status.FAILED and p.candidate.kind is Kind.VIDEO:
                failed_videos[p.candidate.path] = result.reason or "failed"
            results.append(result)
        batch.clear()
        batch_videos.clear()

    try:
        for p in planned:
            joins = p.status is Status.PLANNED and _linkable(p) and p.companion_of not in batch_videos
            if batch and not joins:  # results stay in the plan's order; a subtitle waits for its video
                flush()
                finish_batch()
                joins = p.status is Status.PLANNED and _linkable(p)
            video_failure = failed_videos.get(p.companion_of) if p.companion_of else None
            release_name = p.candidate.release.name
            if video_failure is not None and p.status is Status.PLANNED:
                result = replace(importer._result(p), status=Status.SKIPPED, action=Action.NONE,
                                 reason=f"its video was not imported: {video_failure}")
                pending.append((result, release_name))
                run.listener.file_finished(result)
            elif joins:
                # proposed: links (nothing to copy, nothing replaced) are imported in batches.
                if not batch:
                    flush()
                batch.append(p)
                batch_videos.add(p.candidate.path)
                if len(batch) >= LINK_BATCH:
                    finish_batch()
                continue
            elif p.status is Status.PLANNED:
                flush()
                run.listener.file_started(p.candidate.path, p.candidate.size, p.action)
                result = importer._import_one(p, run)
                run.listener.file_finished(result)
            else:
                if p.status is Status.ALREADY_IMPORTED:
                    result = _ensure_recorded(p, run, stored)
                else:
                    result = importer._result(p)
                pending.append((result, release_name))
                run.listener.file_finished(result)
            if result.status is Status.FAILED and p.candidate.kind is Kind.VIDEO:
                failed_videos[p.candidate.path] = result.reason or "failed"
            results.append(result)
        flush()
        finish_batch()
    finally:
        flush()


def _stored_ids(planned: list[PlannedFile], library) -> dict[tuple[str, str], str]:
    """(root id, relative path) -> media_files id for the already-imported videos, in bulk."""
    by_root: dict = {}
    for p in planned:
        if (p.status is Status.ALREADY_IMPORTED and p.candidate.kind is Kind.VIDEO and p.root is not None
                and p.match is not None and p.destination is not None and p.root.id):
            by_root.setdefault(p.root, []).append(p.destination.relative_to(p.root.path).as_posix())
    found: dict[tuple[str, str], str] = {}
    for root, relatives in by_root.items():
        for relative, file_id in library.file_ids_at(root, relatives).items():
            found[root.id, relative] = file_id
    return found


def _ensure_recorded(p: PlannedFile, run, stored: dict[tuple[str, str], str]) -> FileResult:
    if p.candidate.kind is Kind.VIDEO and p.root is not None and p.match is not None:
        file_id = stored.get((p.root.id, p.destination.relative_to(p.root.path).as_posix()))
        if file_id is not None:
            return replace(importer._result(p), media_file_id=file_id)
    return importer._ensure_recorded(p, run)  # not recorded: records it, as before


def _linkable(p: PlannedFile) -> bool:
    return p.action in (Action.HARDLINK, Action.SYMLINK) and p.replaces is None


def _import_links(batch: list[PlannedFile], run) -> list[FileResult]:
    """importer._import_one for a batch of links: the journal rows of the batch in one commit
    before any link is made, the links, then the records of the batch in one commit. A crash
    in between leaves `started` rows that the next run completes (the link is there) or rolls
    back (it is not), exactly as for one file."""
    if not batch:
        return []
    library = run.library
    prepared = []
    with library.transaction():
        for p in batch:
            source, dest = p.candidate.path, p.destination
            identity = Identity.of(source)
            metadata = importer._metadata(p, identity, run) if p.candidate.kind is Kind.VIDEO else None
            temp = temp_name(dest)
            entry_id = library.journal.begin(
                run.job_id, kind=str(p.candidate.kind), operation=str(p.action), source=source,
                source_identity=identity, destination=dest, temp=temp, record=recovery.record_payload(p, metadata))
            prepared.append((p, metadata, entry_id, temp))
    faults.point("journaled")
    outcome: dict[int, FileResult] = {}
    placed_ok = []
    for i, (p, metadata, entry_id, temp) in enumerate(prepared):
        run.listener.file_started(p.candidate.path, p.candidate.size, p.action)
        try:
            placed = place(p.candidate.path, p.destination, run.mode, replace=False, temp=temp, verify=run.verify,
                           perms=run.perms, reserve=run.reserve, on_bytes=run.listener.bytes_done)
        except (TransferError, OSError) as error:
            if not isinstance(error, TransferError):
                error = TransferError("importing", error, p.candidate.path, p.destination)
            outcome[i] = importer._failed(p, run, entry_id, str(error),
                                          taken=isinstance(error.os_error, FileExistsError))
            run.listener.file_finished(outcome[i])
            continue
        placed_ok.append((i, p, metadata, entry_id, placed))
    faults.point("transferred")
    try:
        with library.transaction():
            for i, p, metadata, entry_id, placed in placed_ok:
                outcome[i] = _record_placed(p, run, metadata, entry_id, placed)
    except (LibraryError, OSError):
        for i, p, metadata, entry_id, placed in placed_ok:  # one by one, as before, each taken back if it fails
            outcome[i] = _record_one(p, run, metadata, entry_id, placed)
    for i, *_ in placed_ok:
        run.listener.file_finished(outcome[i])
    faults.point("recorded")
    return [outcome[i] for i in range(len(prepared))]


def _record_placed(p: PlannedFile, run, metadata, entry_id: str, placed) -> FileResult:
    library = run.library
    result = replace(importer._result(p), status=Status.IMPORTED, action=placed.action)
    media_file_id = None
    if p.candidate.kind is Kind.VIDEO:
        media_file_id = importer._record(p, library, metadata or {})
        result = replace(result, media_file_id=media_file_id)
    library.journal.finish(entry_id, DONE, action=str(placed.action),
                           dest_identity=Identity.of(p.destination, follow=False), digest=placed.digest,
                           media_file_id=media_file_id, recycled=None)
    library.record_job_file(run.job_id, result, release_name=p.candidate.release.name)
    return result


def _record_one(p: PlannedFile, run, metadata, entry_id: str, placed) -> FileResult:
    """The end of importer._import_one: record in one transaction, or take the link back."""
    library = run.library
    try:
        with library.transaction():
            return _record_placed(p, run, metadata, entry_id, placed)
    except (LibraryError, OSError) as error:
        entry = importer._entry(library, entry_id)
        why = f"could not record {display(p.destination)} in the library ({error})"
        try:
            recovery.take_back(library, entry, placed.action, why)
        except (OSError, MydiaImportError) as undo_error:
            why += f"; taking the import back failed too ({undo_error}): the file stays at its destination"
        else:
            why += "; the import was undone"
        result = replace(importer._result(p), status=Status.FAILED, action=Action.NONE, reason=why)
        library.record_job_file(run.job_id, result, release_name=p.candidate.release.name)
        return result
