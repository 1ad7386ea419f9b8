"""What each file of a run gets, before anything is touched: discover -> skip what an earlier
run imported -> wait for files still being written -> identify -> plan.

Files are decided a few whole releases at a time (`BATCH` files): a batch's names are parsed
together (in the process pool on a first scan) and its imported files looked up together,
and only then are the next releases walked. A dry run keeps each file's result rather than
its plan, so a scan of 100,000 files holds what it reports, not every file's parse and plan.
What concerns the run as a whole is arbitrated once every batch is planned (plan/arbitration.py).
"""

from __future__ import annotations

import functools
from collections.abc import Container, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mydia_import.archives import stage
from mydia_import.discover import stability, walk
from mydia_import.errors import MydiaImportError
from mydia_import.models import Action, Candidate, ConflictPolicy, Kind, LibraryRoot, PlannedFile, Results, Status
from mydia_import.pathtext import display
from mydia_import.plan import already_imported
from mydia_import.plan.arbitration import Claims

if TYPE_CHECKING:
    from mydia_import.execute.importer import Request

# Files decided together: whole releases, about as many files as a batch of names parsed
# ahead of identification (match.WINDOW).
BATCH = 2_000


def plans(paths: Sequence[Path], request: Request, settings, library, parser, roots,
          skip: Container[Path] = ()) -> list[PlannedFile]:
    """Every file's plan in the report's order, arbitrated for the whole run; not the files of
    the releases in `skip` (the re-scan fast path recalled them)."""
    claims = Claims(request.conflict is not ConflictPolicy.KEEP_BOTH)
    planned: list[PlannedFile] = []
    nfos: list[PlannedFile] = []
    for p in _each_plan(paths, request, settings, library, parser, roots, skip, claims):
        (nfos if reported_last(p) else planned).append(p)
    return [claims.arbitrate(p) for p in planned + nfos]


def results(paths: Sequence[Path], request: Request, settings, library, parser, roots) -> Results:
    """What a dry run reports: `plans`, each turned into its result as its batch is planned."""
    claims = Claims(request.conflict is not ConflictPolicy.KEEP_BOTH)
    found, nfos = Results(), Results()
    for p in _each_plan(paths, request, settings, library, parser, roots, (), claims):
        if stage.is_archive_row(p):
            found.extend(stage.preview(p, settings))
        else:
            (nfos if reported_last(p) else found).append(p.result())
    found.extend(nfos)
    for i, r in enumerate(found):
        why = claims.overruled(r.source, r.status, r.destination)
        if why is not None:
            found[i] = replace(r, status=Status.SKIPPED, action=Action.NONE, destination=None, why=why)
    return found


def reported_last(p: PlannedFile) -> bool:
    """A release's .nfo: reported after every other file of the run."""
    return p.candidate.extra == "nfo"


def _each_plan(paths, request: Request, settings, library, parser, roots, skip: Container[Path],
               claims: Claims) -> Iterator[PlannedFile]:
    """Each file's plan, batch after batch (each release's files in discovery order); each
    batch added to `claims` before its plans are handed on."""
    for planned in _planned_batches(paths, request, settings, library, parser, roots, skip):
        claims.add(planned)
        yield from planned


def _planned_batches(paths, request: Request, settings, library, parser, roots, skip: Container[Path]
                     ) -> Iterator[list[PlannedFile]]:
    checked: set[LibraryRoot] = set()
    min_age = _min_age(request, settings)
    bare: list[Path] = []  # release folders with no video or subtitle
    for candidates in _candidate_batches(paths, request.scan, settings.sample_ratio, skip, bare=bare):
        if request.only is not None:
            candidates = [c for c in candidates if c.path in request.only]
            if not candidates:
                continue
        known = _known(candidates, library, roots, remember=not request.reimport)
        fresh = stability.check([c for c in candidates if c.path not in known], paths, min_age=min_age)
        planned = _plan(fresh, known, request, settings, library, parser, roots, checked)
        order = {c.path: i for i, c in enumerate(candidates)}
        yield sorted(planned, key=lambda p: order.get(p.candidate.path, len(order)))
    if bare and settings.nfo:
        left = _left_nfos(bare, request, library, roots, checked)
        if left:
            yield left


def _left_nfos(bare: Sequence[Path], request: Request, library, roots, checked: set[LibraryRoot]
               ) -> list[PlannedFile]:
    """The .nfo files of release folders whose videos an earlier (killed or failed) move took into
    the library: discovery finds nothing in such a folder, but the journal knows its videos."""
    from mydia_import.plan import companions
    from mydia_import.plan import videos as plan

    moved = already_imported.moved_videos(bare, library, {r.path: r for r in roots.values() if r is not None})
    if not moved:
        return []
    planned = companions.plan_nfos(moved, request.mode, request.conflict)
    if request.only is not None:
        planned = [p for p in planned if p.candidate.path in request.only]
    for root in {p.root for p in planned if p.root is not None and p.status is Status.PLANNED} - checked:
        plan.check_root(root)
        checked.add(root)
    return planned


def _min_age(request: Request, settings) -> float:
    if request.min_age is not None:
        return request.min_age
    return float(getattr(settings, "min_age", 0)) if request.scan else 0.0


def _candidate_batches(paths: Sequence[Path], scan: bool, sample_ratio: float, skip: Container[Path],
                       size: int | None = None, bare: list[Path] | None = None) -> Iterator[list[Candidate]]:
    """The candidates of the download paths, whole releases at a time, about `size` (BATCH)
    files a batch; each file once (a file named twice is one file). The release folders in
    which discovery found nothing are added to `bare`."""
    size = BATCH if size is None else size
    if scan:
        for path in paths:
            if not path.is_dir():
                raise MydiaImportError(f"download path {display(path)} is not a folder")
    # Only download paths inside one another can name a file twice (a scan's releases are
    # distinct entries, its walk follows no folder link): then the files seen are kept.
    seen: set[str] | None = set() if _overlapping(paths) else None
    batch: list[Candidate] = []
    for release in _releases(paths, scan, sample_ratio, skip, bare):
        if seen is not None:
            release = [c for c in release if str(c.path) not in seen]
            seen.update(str(c.path) for c in release)
        batch += release
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _overlapping(paths: Sequence[Path]) -> bool:
    return any(a == b or a.is_relative_to(b) or b.is_relative_to(a)
               for i, a in enumerate(paths) for b in paths[i + 1:])


def _releases(paths: Sequence[Path], scan: bool, sample_ratio: float, skip: Container[Path],
              bare: list[Path] | None = None) -> Iterator[list[Candidate]]:
    for path in paths:
        if scan:
            yield from walk.iter_releases(path, sample_ratio=sample_ratio, skip=skip, bare=bare)
        else:
            release = walk.discover(path, sample_ratio=sample_ratio)
            if not release and bare is not None and path.is_dir():
                bare.append(path)
            yield release


def _known(candidates: Sequence[Candidate], library, roots, remember: bool = True) -> dict[Path, PlannedFile]:
    """The candidates an earlier run imported (plan/already_imported.py), their journal rows and media_files
    rows read in a few queries for all of them, not two per file."""
    entries = library.journal.done_from_many(c.path for c in candidates if c.skip_reason is None)
    existing = library.existing_files(e.media_file_id for e in entries.values() if e.media_file_id)
    configured = {r.path: r for r in roots.values() if r is not None}
    return {c.path: k for c in candidates
            if (k := already_imported.recall(c, entries.get(c.path), existing, configured, library, remember))
            is not None}


def _plan(candidates, known, request: Request, settings, library, parser, roots, checked: set[LibraryRoot]
          ) -> list[PlannedFile]:
    """One batch's plans; `checked`: the library folders found usable so far in this run."""
    # Identification and planning are loaded with the first file to plan (a hook that finds
    # nothing to do must start fast).
    from mydia_import.identify import samples
    from mydia_import.identify.match import identifier, prefetch
    from mydia_import.plan import companions, quality
    from mydia_import.plan import videos as plan
    from mydia_import.plan.rivals import Rivals

    until = getattr(settings, "upgrade_until", None)
    rules = plan.Rules(request.mode, request.conflict, settings.movie_template, settings.episode_template, roots,
                       upgrade_until=quality.parse_cutoff(until) if until else None, parse=parser.parse,
                       home=functools.lru_cache(maxsize=4096)(library.home_of), profile=_profiles(library))
    videos = [c for c in candidates if c.kind is Kind.VIDEO]
    extras = [c for c in candidates if c.kind is Kind.EXTRA]
    subtitles = [c for c in candidates if c.kind is Kind.SUBTITLE]
    probe = samples.probe_from_setting(settings.ffprobe)
    # The batch's names, its videos' and subtitles', are parsed in one go: in the process pool
    # when there are enough of them, one pool a batch (`identifier` then finds them in memory).
    prefetch([*videos, *subtitles], parser)
    identify = identifier(videos, parser, library, probe)
    # [metadata] add_unknown: a title the library lacks is looked up (integrations/metadata/autoadd.py).
    adding = getattr(library, "adding_unknown", None)
    planned = plan.plan_videos(videos, adding(identify) if adding else identify, rules, _stored_lookup(library),
                               Rivals(library, parser.parse))
    planned += [p for p in known.values() if p.candidate.kind is Kind.VIDEO]
    # Videos an earlier (killed or failed) run moved into the library: their companions follow
    # them still; they are matched against, never reported.
    moved = already_imported.moved_videos(already_imported.companion_releases([*extras, *subtitles]), library,
                                          {r.path: r for r in roots.values() if r is not None})
    planned += companions.plan_extras(extras, planned + moved, request.mode, request.conflict,
                                      settings.extras == "import")
    planned += [p for p in known.values() if p.candidate.kind is Kind.EXTRA]
    planned += companions.plan_subtitles(subtitles, planned + moved, parser.parse, request.mode, request.conflict)
    planned += [p for p in known.values() if p.candidate.kind is Kind.SUBTITLE]
    if settings.nfo:
        planned += companions.plan_nfos(planned + moved, request.mode, request.conflict)
    for root in {p.root for p in planned if p.root is not None and p.status is Status.PLANNED} - checked:
        plan.check_root(root)  # before anything is planned into it, once a run
        checked.add(root)
    return planned


def _profiles(library):
    """Each item's quality profile (Mydia's quality_profiles), looked up once a batch."""
    from mydia_import.plan import quality

    @functools.lru_cache(maxsize=4096)
    def profile(item, root):
        row = library.quality_profile(item.id, root.id if root is not None else None)
        if row is None:
            return None
        return quality.profile_policy(row["name"], row["qualities"], row["upgrades_allowed"],
                                      row["upgrade_until_quality"])
    return profile


def _stored_lookup(library):
    def stored_at(root: LibraryRoot, relative: str):
        return library.file_at(root, relative) if root.id else None
    return stored_at
