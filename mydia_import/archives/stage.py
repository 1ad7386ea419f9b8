"""The importer's side of archives: a release that holds only archive sets is extracted and
what it holds imported as if it had been in the release folder.

For each set of such a release (`expand`, in a real run):

1. a set an earlier run extracted and imported, unchanged since (the fingerprint of its
   volumes), is not extracted again: its files' journal rows tell whether they are still in the
   library (already imported) or were removed since (handled; `--reimport` extracts it again);
2. a set an earlier run skipped, unchanged since, is reported with that reason without being
   read (library/skipped_archives.py); one skipped for holding nothing the library wants has
   its member names identified again, and is looked at afresh once one of them matches;
3. otherwise it is checked (every volume there, the `.sfv`, the headers: password, hostile
   names, size limit; its videos identified against the library: contents.py; free space); a
   set that fails is reported, with the reason, in place of its first volume, and remembered;
4. a `started` row (library/extractions.py) names its work folder, committed before the first
   byte: a killed run's work folder is removed by the next run (`clean_up`);
5. the wanted members are extracted into `<work>/<release name>/` and verified; that folder
   is planned like a release, with `--mode move` (the extracted copy is not seeding);
6. after the run (`finish`) the work folder goes, and a set whose files were imported with
   none failing is remembered.

The archives themselves are only read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from mydia_import import decisions as rules
from mydia_import.archives import contents, extract, listing, sfv
from mydia_import.archives.sets import ArchiveSet, find_sets, is_volume
from mydia_import.decisions import Code
from mydia_import.discover import walk
from mydia_import.errors import describe_os_error
from mydia_import.library import extractions, skipped_archives
from mydia_import.library.journal import Identity
from mydia_import.models import Action, FileResult, PlannedFile, Status
from mydia_import.pathtext import display

WORK = ".mydia-extract"


def is_archive_row(p: PlannedFile | FileResult) -> bool:
    """The one candidate discovery gives a release of archives only (its first volume)."""
    source = p.candidate.path if isinstance(p, PlannedFile) else p.source
    code = p.code if isinstance(p, FileResult) else p.candidate.skip_code
    return is_volume(source.name) and code is Code.ARCHIVES_ONLY


def release_sets(release: Path) -> list[ArchiveSet]:
    """The archive sets of a release (a folder or one file), not in sample or extras folders."""
    if not release.is_dir():
        return find_sets([release])
    files = []
    for folder, dirs, names in os.walk(release):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d.casefold() not in walk.SAMPLE_FOLDERS
                         and d.casefold() not in walk.EXTRA_FOLDERS)
        files += [Path(folder, n) for n in names if not n.startswith(".")]
    return find_sets(files)


@dataclass
class Inspected:
    archive: ArchiveSet
    members: list[listing.Member] = field(default_factory=list)
    chosen: list[listing.Member] = field(default_factory=list)
    problem: str | None = None


def inspect(archive: ArchiveSet, settings, *, check_sfv: bool = True) -> Inspected:
    """What a set holds and what would be extracted, or why it cannot be: names, .sfv, headers."""
    found = Inspected(archive)
    if archive.problem:
        found.problem = f"the archive set is incomplete: {archive.problem}"
        return found
    if (package := listing.missing_backend(archive)) is not None:
        found.problem = (f"the release holds only archives ({archive.first.name}); install the package "
                         f"{package} (apt-get install {package}) to have them extracted, or extract them "
                         "yourself, then import again")
        return found
    if check_sfv and (bad := sfv.check(sorted(archive.first.parent.glob("*.sfv")), archive.volumes)):
        found.problem = f"the archive set fails its SFV check: {bad}"
        return found
    try:
        found.members = listing.members(archive)
    except listing.Unreadable as error:
        found.problem = f"the archive set cannot be read: {error}"
        return found
    found.chosen = extract.wanted(found.members, bool(getattr(settings, "nfo", False)))
    limit = int(getattr(settings, "archives_max_size_gb", 500)) * 1_000_000_000
    found.problem = extract.refusal(found.members, found.chosen, limit)
    if found.problem is None and not found.chosen:
        found.problem = "the archive set holds no video or subtitle"
    return found


def fingerprint(archive: ArchiveSet) -> str:
    parts = []
    for v in archive.volumes:
        s = v.stat()
        parts.append([v.name, s.st_size, s.st_mtime_ns, s.st_ino])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def work_base(settings, release: Path) -> Path:
    configured = getattr(settings, "archives_work_folder", None)
    return Path(configured) if configured else release.parent / WORK


@dataclass
class _Extracted:
    row_id: str
    work: Path  # removed afterwards
    release: Path  # work/<release name>: planned like a release


class Unpacker:
    """The archive sets of one real run: extracted in `expand`, cleaned up in `finish`."""

    def __init__(self, library, settings, job_id: str, listener, reimport: bool = False):
        self.library, self.settings, self.job_id, self.listener = library, settings, job_id, listener
        self.reimport = reimport
        self.extracted: list[_Extracted] = []
        self.releases: set[Path] = set()  # the releases of archives met (never settled: rescan/fast_path.py)
        self.origins: dict[Path, Path] = {}  # an extracted release folder -> the first volume of its set

    def expand(self, p: PlannedFile, parser) -> tuple[list[PlannedFile], list[Path]]:
        """An archive row: the rows to report in its place, and the extracted release folders to plan."""
        if not getattr(self.settings, "archives_extract", True):
            return [p], []
        self.releases.add(p.candidate.release)
        rows, releases = [], []
        for archive in release_sets(p.candidate.release):
            row, release = self._one(p, archive, parser)
            rows += [row] if row is not None else []
            releases += [release] if release is not None else []
        return (rows if rows or releases else [p]), releases

    def _one(self, p: PlannedFile, archive: ArchiveSet, parser) -> tuple[PlannedFile | None, Path | None]:
        candidate = replace(p.candidate, path=archive.first, size=_size(archive))
        try:
            print_ = fingerprint(archive)
        except OSError as error:
            return PlannedFile(candidate, Status.SKIPPED, why=rules.archive(f"cannot read a volume: {error}")), None
        if not self.reimport and (memory := self._remembered(candidate, archive, print_)) is not None:
            return memory, None
        name = contents.release_name(p.candidate.release, archive.name)
        bad = None if self.reimport else skipped_archives.recall(self.library, str(archive.first), print_)
        if bad is not None and (bad.members is None or self._unwanted(bad.members, name, parser)):
            return PlannedFile(candidate, Status.SKIPPED, why=rules.archive(_recalled(bad))), None
        found = inspect(archive, self.settings)
        if found.problem is None:
            held = [m.name for m in contents.videos(found.chosen)]
            if (why := self._unwanted(held, name, parser)) is not None:
                skipped_archives.remember(self.library, str(archive.first), print_, why, held)
                return PlannedFile(candidate, Status.SKIPPED, why=rules.archive(why)), None
        elif not found.problem.startswith("the release holds only archives"):  # a missing back end: not remembered
            skipped_archives.remember(self.library, str(archive.first), print_, found.problem)
            return PlannedFile(candidate, Status.SKIPPED, why=rules.archive(found.problem)), None
        base = work_base(self.settings, p.candidate.release)
        if found.problem is None:
            reserve = int(getattr(self.settings, "min_free_mb", 0)) * 1_000_000
            found.problem = extract.space_problem(base if base.exists() else base.parent,
                                                  sum(m.size for m in found.chosen), reserve)
        if found.problem is not None:
            return PlannedFile(candidate, Status.SKIPPED, why=rules.archive(found.problem)), None
        skipped_archives.forget(self.library, str(archive.first))
        work = base / f"{self.job_id[:8]}-{len(self.extracted) + 1}"
        row_id = extractions.begin(self.library, self.job_id, str(archive.first), print_, str(work))
        release = work / (p.candidate.release.name if p.candidate.release.is_dir() else archive.name)
        self.origins[release] = archive.first
        self.extracted.append(_Extracted(row_id, work, release))
        started = getattr(self.listener, "extraction_started", None)
        if started:
            started(archive.first, sum(m.size for m in found.chosen))
        try:
            extract.extract(archive, found.chosen, release, self.listener.bytes_done)
        except (extract.ExtractError, OSError) as error:
            _remove(work)
            why = str(error) if isinstance(error, extract.ExtractError) else describe_os_error(error)
            if isinstance(error, extract.ExtractError):  # a damaged set: not read again while unchanged
                skipped_archives.remember(self.library, str(archive.first), print_,
                                          f"extracting {archive.first.name} failed: {why}")
            return PlannedFile(candidate, Status.FAILED, why=rules.archive(f"extracting {archive.first.name} into "
                               f"{display(release)} failed: {why}; the archives are untouched")), None
        finally:
            if ended := getattr(self.listener, "extraction_finished", None):
                ended()
        return None, release

    def _unwanted(self, videos: list[str], release: str, parser) -> str | None:
        """Why a set holding these videos imports nothing (none is in the library), or None."""
        return contents.nothing_wanted(contents.identify(videos, release, parser, self.library))

    def _remembered(self, candidate, archive: ArchiveSet, print_: str) -> PlannedFile | None:
        row = extractions.done_for(self.library, str(archive.first))
        if row is None or row.fingerprint != print_:
            return None
        entries = self.library.journal.done_from_many(Path(f) for f in row.files)
        in_place = bool(entries) and all(
            e.dest_identity is not None and e.dest_identity.same_content_as(Identity.of(e.destination, follow=False))
            for e in entries.values())
        when = f"extracted on {(row.finished_at or row.started_at)[:10]} by job {(row.job_id or '')[:8]}"
        if in_place:
            return PlannedFile(candidate, Status.ALREADY_IMPORTED,
                               why=rules.archive(f"{when} and imported ({len(entries)} files); "
                                                 "the archives stay for seeding"))
        return PlannedFile(replace(candidate, expected=False), Status.SKIPPED, why=rules.handled_before(
            f"{when} and imported; the library files have since been removed or changed; not extracted "
            "again (--reimport extracts it again)"))

    def labelled(self, result: FileResult) -> FileResult:
        """A result of an extracted file with the archive and member it came from (its `origin`)."""
        for release, first in self.origins.items():
            if result.origin is None and result.source.is_relative_to(release):
                return replace(result, origin=(str(first), result.source.relative_to(release).as_posix()))
        return result

    def finish(self, results) -> None:
        """Remove every work folder; remember the sets whose files were imported, none failing."""
        for done in self.extracted:
            mine = [r for r in results if r.source.is_relative_to(done.release)]
            imported = [str(r.source) for r in mine if r.status in (Status.IMPORTED, Status.ALREADY_IMPORTED)]
            failed = any(r.status is Status.FAILED for r in mine)
            _remove(done.work)
            if imported and not failed:
                extractions.remember(self.library, done.row_id, imported)
            else:
                extractions.forget(self.library, done.row_id)
        for base in {d.work.parent for d in self.extracted}:
            _remove_default_base(base)


class Labelling:
    """A listener whose finished files name the archive they were extracted from."""

    def __init__(self, listener, labelled: Callable[[FileResult], FileResult]):
        self._listener, self._labelled = listener, labelled

    def file_finished(self, result: FileResult) -> None:
        self._listener.file_finished(self._labelled(result))

    def __getattr__(self, name: str):
        return getattr(self._listener, name)


def _recalled(bad: skipped_archives.Skipped) -> str:
    return (f"{bad.reason} (found on {bad.at[:10]}; the volumes are unchanged since, so they were not read "
            "again; --reimport reads them again)")


def clean_up(library) -> None:
    """At the start of a run: remove the work folders of extractions a killed run left `started`."""
    for row in extractions.started(library):
        _remove(Path(row.work))
        _remove_default_base(Path(row.work).parent)
        extractions.forget(library, row.id)


def preview(p: PlannedFile, settings) -> list[FileResult]:
    """A dry run's rows for an archive row: one planned item per set, saying what it holds (from
    its headers: nothing is extracted)."""
    result = p.result()
    if not getattr(settings, "archives_extract", True):
        return [result]
    rows = []
    for archive in release_sets(p.candidate.release):
        found = inspect(archive, settings, check_sfv=False)
        size = _size(archive)
        if found.problem:
            rows.append(replace(result, source=archive.first, size=size, why=rules.archive(found.problem)))
            continue
        held = ", ".join(f"{m.name} ({walk.format_size(m.size)})" for m in found.chosen)
        volumes = f"{len(archive.volumes)} volume{'s' if len(archive.volumes) > 1 else ''}"
        rows.append(replace(result, source=archive.first, size=size, status=Status.PLANNED, action=Action.MOVE,
                            why=rules.archive(f"an archive set ({archive.format.upper()}, {volumes}) holding {held}: "
                                              "extracted and imported by a real run; the archives stay for seeding")))
    return rows or [result]


def describe(path: Path, settings, library, parser) -> list[dict] | None:
    """`identify` of a release folder (or archive) holding archive sets: each set as one item with
    what it holds, each member identified, from the headers (nothing is extracted); None
    when the path holds no set."""
    try:
        sets = release_sets(path) if path.is_dir() else find_sets([path]) if path.is_file() else []
    except (OSError, ValueError):  # a name no path can have (too long, a NUL): nothing to read
        return None
    out = []
    for archive in sets:
        found = inspect(archive, settings, check_sfv=False)
        known = dict(contents.identify([m.name for m in contents.videos(found.chosen)],
                                       contents.release_name(path, archive.name), parser, library))
        out.append({"first_volume": str(archive.first), "format": archive.format,
                    "volumes": len(archive.volumes), "size": _size(archive), "problem": found.problem,
                    "members": [contents.member_json(m, known.get(m.name)) for m in found.chosen]})
    return out or None


def _size(archive: ArchiveSet) -> int:
    total = 0
    for v in archive.volumes:
        with contextlib.suppress(OSError):
            total += v.stat().st_size
    return total


def _remove(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)


def _remove_default_base(base: Path) -> None:
    """The default `.mydia-extract` folder once empty (a configured work folder stays)."""
    if base.name == WORK:
        with contextlib.suppress(OSError):
            base.rmdir()

