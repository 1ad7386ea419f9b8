"""The order of the stages: discover -> parse/match -> plan -> transfer -> record.

`run` returns a Report with one FileResult per file looked at. A dry run stops
after planning: it writes no file and no database row and takes no lock.

A real run holds the library's run lock (execute/locking.py) from before it plans to
after it records: first it recovers what a killed run left (execute/recovery.py) and
purges the recycle folder, then it plans and imports. Each transfer is
journaled before its first byte moves and finished in the same transaction as
its media_files row; if recording fails the transfer is taken back, so the
database and the disk agree. Files an earlier run imported are recognised from
the journal by their source's identity (path, size, mtime, inode) and what is
at their destination, without reading them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mydia_import.archives import stage
from mydia_import.errors import ConfigError, LibraryError, MydiaImportError, UsageError
from mydia_import.execute import locking, permissions, placing, recovery, recycle, tidy
from mydia_import.identify.fast import FastParser
from mydia_import.identify.parse import ReleaseParser
from mydia_import.integrations.metadata import autoadd, autorefresh
from mydia_import.library import retention
from mydia_import.models import (
    Action,
    ConflictPolicy,
    FileResult,
    LibraryRoot,
    MediaType,
    PlannedFile,
    Report,
    Results,
    Status,
    TransferMode,
    Verify,
)
from mydia_import.pathtext import display
from mydia_import.plan import batches
from mydia_import.progress import ProgressListener, SilentListener
from mydia_import.rescan import fast_path, unchanged


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
    # Import again the files this library imported before and that were removed from it since.
    reimport: bool = False
    # Ask the metadata providers in a dry run too (`--lookup`): what a real run would add.
    lookup: bool = False
    # [metadata] add_unknown = "ask": a person's choice between candidates (None: nobody to ask).
    ask: Callable | None = None


def run(request: Request, settings, library, listener: ProgressListener | None = None,
        parser: ReleaseParser | FastParser | None = None) -> Report:
    listener = listener or SilentListener()
    # The names of the common shapes whose title the library holds are read without guessit
    # (identify/fast.py); every other name goes to guessit, its parse cache and its pool.
    parser = parser or FastParser(ReleaseParser(cache=library.parse_cache(writable=not request.dry_run)), library)
    roots = _configured_roots(settings, library)
    if not any(roots.values()):
        raise ConfigError(
            f"no library folder is configured in {settings.config_path}; run "
            "`mydia-import init --movies DIR --tv DIR`, or set [library] movies and tv"
        )
    paths = [_checked_download_path(p, roots) for p in request.paths]
    if request.dry_run:
        catalog = autoadd.for_matching(library, settings, True, request.lookup)
        try:
            found = batches.results(paths, request, settings, catalog, parser, roots)
        finally:
            warnings = _closed(library, catalog)
        return Report(None, True, found, warnings=warnings)
    perms = permissions.from_settings(settings)
    with locking.run_lock(library, _lock_wait(request, settings), request.command):
        recovery.recover(library, settings)
        recycle.purge(library, settings)
        rescan = _recall(paths, request, settings, library, roots)
        # A known show's unknown episode may be new: refresh it from its provider (opt-in).
        refreshing = autorefresh.for_matching(library, settings, request.dry_run)
        # A title the library lacks may be looked up and added ([metadata] add_unknown).
        catalog = autoadd.for_matching(refreshing, settings, False, request.lookup, request.ask)
        try:
            planned = batches.plans(paths, request, settings, catalog, parser, roots, skip=rescan.recalled)
        finally:
            warnings = _closed(library, refreshing, catalog)
        planned = _with_recorded_roots(planned, library)
        items = rescan.in_release_order(planned)
        job_id = library.start_job(request.command, request.arguments, str(request.mode))
        context = placing.Run(library, listener, job_id, request.mode, settings, perms,
                       getattr(settings, "verify", Verify.SIZE), getattr(settings, "min_free_mb", 0) * 1_000_000,
                       dict(request.metadata))
        results = Results()  # filled as files finish, so an interruption still counts them
        unpacker = stage.Unpacker(library, settings, job_id, listener, request.reimport)
        context.listener, context.labelled = stage.Labelling(listener, unpacker.labelled), unpacker.labelled
        finished = False
        try:
            items = _unpacked(items, unpacker, request, settings, library, parser, roots, context)
            execution = placing.Execution(context, results, placing.stored_ids(items, library))
            placing.execute(items, execution)
            rescan.remember(library, items, results, unsettled=unpacker.releases)
            _remove_emptied_releases(items, results, paths if request.scan else (), settings)
            finished = True
        finally:
            unpacker.finish(results)
            report = replace(_finish(request, library, job_id, results, context, len(items), finished),
                             warnings=warnings)
        retention.apply(library, settings)
    listener.job_finished(report)
    return report


def _closed(library, *catalogs) -> tuple[str, ...]:
    """The warnings of the library's wrappers for matching (a provider that failed), each closed."""
    warnings: list[str] = []
    for catalog in {id(c): c for c in catalogs if c is not library}.values():
        warnings += catalog.warnings
        catalog.close()
    return tuple(warnings)


def _finish(request: Request, library, job_id: str, results: Results, context: placing.Run, planned: int,
            finished: bool) -> Report:
    """Close the job: its file lines and counts, or, for a run that changed nothing, its counts
    only (rescan/unchanged.py). finished: the run ended without an error."""
    interrupted = len(results) < planned
    digest = unchanged.outcome(results) if finished and not interrupted else None
    runs, replaces = (unchanged.runs(library, job_id, request.command, request.arguments, results, digest)
                      if digest else (0, None))
    if not runs:
        placing.write_lines(context)
    report = Report(job_id, False, results, unchanged_runs=runs)
    summary = {**report.summary(), "unchanged_runs": runs} if runs else report.summary()
    library.finish_job(job_id, summary, "interrupted" if interrupted else _status(report), digest, replaces)
    return report


@dataclass
class _Rescan:
    """The re-scan fast path of one real scan (rescan/fast_path.py): each downloads folder's releases as
    walked, and the results of those recalled unchanged."""

    walks: dict[Path, dict[Path, fast_path.Walk | None]] = field(default_factory=dict)
    recalled: dict[Path, list[FileResult]] = field(default_factory=dict)

    def in_release_order(self, planned: list[PlannedFile]) -> list[PlannedFile | placing.Recalled]:
        """The recalled files among the planned ones, where the normal path would report them:
        release by release, a release's files in their order, planned .nfo files last."""
        if not self.recalled:
            return list(planned)
        index: dict[Path, int] = {}
        for walks in self.walks.values():
            for release in walks:
                index.setdefault(release, len(index))
        last = len(index)
        keyed = [(last if batches.reported_last(p) else index.get(p.candidate.release, last), p) for p in planned]
        keyed += [(index[release], placing.Recalled(result, release.name))
                  for release, results in self.recalled.items() for result in results]
        keyed.sort(key=lambda k: k[0])  # stable: each release's files keep their order
        return [item for _, item in keyed]

    def remember(self, library, items: list[PlannedFile | placing.Recalled], results: Results,
               unsettled: Container[Path] = ()) -> None:
        """Store the releases this scan remembered (a shortcut only: if the library refuses, the
        next scan takes the normal path); never those in `unsettled` (releases of archives, which
        archives/stage.py recognises)."""
        # Only the planned files' results are read back (a re-scan recalls nearly all of them).
        decided = [(p, results[i]) for i, p in enumerate(items) if isinstance(p, PlannedFile)]
        try:
            for downloads, walks in self.walks.items():
                walks = {r: w for r, w in walks.items() if r not in unsettled}
                fast_path.remember(library, downloads, walks, [r for r in walks if r in self.recalled], decided)
        except LibraryError:
            pass


def _recall(paths: Sequence[Path], request: Request, settings, library, roots) -> _Rescan:
    """Walk the releases of a real scan and recall the remembered ones; nothing for other runs
    (a dry run, `import`, hooks, `retry`)."""
    if not request.scan or request.dry_run or request.only is not None or request.reimport:
        return _Rescan()
    setting = fast_path.context(settings, roots.values(), request.mode, request.conflict)
    rescan = _Rescan({path: fast_path.walk_releases(path, setting) for path in paths})
    for downloads, walks in rescan.walks.items():
        rescan.recalled.update(fast_path.recall(library, downloads, walks, filter(None, roots.values())))
    return rescan


def _remove_emptied_releases(items: list[PlannedFile | placing.Recalled], results: Results, scanned: Sequence[Path],
                             settings) -> None:
    """The release folders this run moved files out of, when only junk is left in them (execute/tidy.py);
    never a scanned downloads folder or the configured one."""
    if not getattr(settings, "remove_emptied_folders", True):
        return
    moved = {p.candidate.release for p, r in zip(items, results, strict=False)
             if isinstance(p, PlannedFile) and r.status is Status.IMPORTED and r.action is Action.MOVE}
    junk = tidy.junk_extensions(getattr(settings, "junk_extensions", tidy.DEFAULT_JUNK_EXTENSIONS))
    for release in sorted(moved):
        tidy.remove_emptied_release(release, junk, keep=[*scanned, getattr(settings, "downloads", None)])


def _unpacked(items: list[PlannedFile | placing.Recalled], unpacker: stage.Unpacker, request: Request, settings,
              library, parser, roots, context: placing.Run) -> list[PlannedFile | placing.Recalled]:
    """The plan with each release of archives only extracted (archives/stage.py): its sets' rows in
    place of its first volume, then the extracted files, planned like a release's, to be moved."""
    out: list[PlannedFile | placing.Recalled] = []
    for p in items:
        if not (isinstance(p, PlannedFile) and stage.is_archive_row(p)):
            out.append(p)
            continue
        rows, releases = unpacker.expand(p, parser)
        out += rows
        if releases:
            context.extracted += releases
            inner = replace(request, paths=tuple(releases), mode=TransferMode.MOVE, scan=False, min_age=0.0,
                            only=None)
            out += _with_recorded_roots(batches.plans(releases, inner, settings, library, parser, roots), library)
    return out


def _lock_wait(request: Request, settings) -> float | None:
    if request.lock_wait is not None:
        return request.lock_wait
    return float(getattr(settings, "lock_wait", 60)) if request.scan else None


def _configured_roots(settings, library) -> dict[MediaType, LibraryRoot | None]:
    """Library folders from the settings, with their library_paths rows where they exist.

    Nothing is written here (a dry run writes no row); a real run creates missing rows
    before it records (`_with_recorded_roots`).
    """
    movies, tv = settings.movies, settings.tv
    mixed = movies is not None and movies == tv
    known = {root.path: root for root in library.roots()}

    def root(path: Path | None, kind: str, type: MediaType) -> LibraryRoot | None:
        if path is None:  # not configured: the first library_paths row that suits (Mydia's own)
            return library.first_suitable_root(type)
        return known.get(path) or LibraryRoot("", path, "mixed" if mixed else kind)

    return {MediaType.MOVIE: root(movies, "movies", MediaType.MOVIE),
            MediaType.TV_SHOW: root(tv, "series", MediaType.TV_SHOW)}


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


def _status(report: Report) -> str:
    code = report.exit_code()
    return {0: "success", 3: "partial", 4: "nothing-imported"}.get(code, "failed")
