"""The values that flow through the import pipeline.

Plain frozen dataclasses and enums; nothing here does I/O or imports from the
rest of the package. Each stage takes a list of one of these and returns a
list of the next: Candidate -> Release -> Match -> PlannedFile -> FileResult.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import InitVar, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import overload

from mydia_import.decisions import Code, Decision, decision


class Kind(StrEnum):
    VIDEO = "video"
    SUBTITLE = "subtitle"
    EXTRA = "extra"


class Status(StrEnum):
    IMPORTED = "imported"
    PLANNED = "planned"
    ALREADY_IMPORTED = "already-imported"
    SKIPPED = "skipped"
    FAILED = "failed"


class TransferMode(StrEnum):
    """What the user asks for (`--mode`)."""

    AUTO = "auto"
    HARDLINK = "hardlink"
    COPY = "copy"
    MOVE = "move"
    SYMLINK = "symlink"
    REFLINK = "reflink"


class Action(StrEnum):
    """What actually happened (or will happen) to one file."""

    HARDLINK = "hardlink"
    COPY = "copy"
    MOVE = "move"
    SYMLINK = "symlink"
    REFLINK = "reflink"
    NONE = "none"


class Verify(StrEnum):
    """How a copy is checked before it gets its final name (`--verify`)."""

    SIZE = "size"
    HASH = "hash"


class ConflictPolicy(StrEnum):
    SKIP = "skip"
    UPGRADE = "upgrade"
    REPLACE = "replace"
    KEEP_BOTH = "keep-both"
    FAIL = "fail"


class MediaType(StrEnum):
    """Values of media_items.type in Mydia's schema."""

    MOVIE = "movie"
    TV_SHOW = "tv_show"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file found under a download path, before anything is parsed.

    `release` is the folder (or file) the download client produced: the top
    entry under the scanned downloads folder, or the path given to `import`.
    `skip_reason` is set when discovery already knows the file must not be
    imported (a sample, an incomplete file), `skip_code` names its rule; it is still
    reported. `why=` a Decision sets both. `expected`
    is False for files nobody expects in the library now (samples, extras,
    unfinished downloads): skipping them alone is "nothing to do", not a failure.
    """

    path: Path
    release: Path
    size: int
    kind: Kind
    skip_reason: str | None = None
    expected: bool = True
    # For an extra: the Plex/Jellyfin extras folder it belongs in ("Featurettes", "Trailers",
    # ...), or "nfo" for a release's .nfo file.
    extra: str | None = None
    skip_code: Code | None = None
    why: InitVar[Decision | None] = None

    def __post_init__(self, why: Decision | None) -> None:
        if why is not None:
            object.__setattr__(self, "skip_reason", why.message)
            object.__setattr__(self, "skip_code", why.code)

    @property
    def skip(self) -> Decision | None:
        """Why discovery refused the file, as its rule's Decision."""
        return decision(self.skip_code, self.skip_reason)

    @property
    def folders(self) -> tuple[str, ...]:
        """Folder names between the release's parent and the file, outermost first."""
        base = self.release.parent
        try:
            parts = self.path.parent.relative_to(base).parts
        except ValueError:
            return ()
        return tuple(parts)


@dataclass(frozen=True, slots=True)
class Release:
    """What a release or file name says, normalised from guessit's output."""

    name: str
    type: str | None = None  # "episode", "movie" or None when unknown
    title: str | None = None
    year: int | None = None
    season: int | None = None
    episodes: tuple[int, ...] = ()
    air_date: dt.date | None = None
    absolute: tuple[int, ...] = ()
    part: int | None = None
    edition: str | None = None
    release_group: str | None = None
    resolution: str | None = None
    source: str | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    hdr_format: str | None = None
    proper_count: int = 0
    language: str | None = None  # ISO 639-1 (or 639-3) code, subtitles only
    forced: bool = False
    sdh: bool = False
    container: str | None = None
    country: str | None = None  # "US" in "The.Office.US.S01E01"

    @property
    def is_episode(self) -> bool:
        return self.type == "episode"


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A row of media_items as the pipeline needs it."""

    id: str
    type: MediaType
    title: str
    year: int | None = None

    def label(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def to_json(self) -> dict:
        return {"id": self.id, "type": str(self.type), "title": self.title, "year": self.year}


@dataclass(frozen=True, slots=True)
class EpisodeRef:
    """A row of episodes as the pipeline needs it."""

    id: str
    season: int
    episode: int
    title: str | None = None
    air_date: dt.date | None = None

    def code(self) -> str:
        return f"S{self.season:02d}E{self.episode:02d}"

    def to_json(self) -> dict:
        return {"season": self.season, "episode": self.episode}


@dataclass(frozen=True, slots=True)
class Match:
    """A library item (and, for TV, its episodes) that a file belongs to."""

    item: MediaRef
    episodes: tuple[EpisodeRef, ...] = ()

    def label(self) -> str:
        if not self.episodes:
            return self.item.label()
        codes = "-".join(e.code() for e in (self.episodes[0], self.episodes[-1]))
        if len(self.episodes) == 1:
            codes = self.episodes[0].code()
        return f"{self.item.label()} {codes}"


class _Decided:
    """A value with a reason and its rule's code (decisions.py): `why=` a Decision sets both."""

    __slots__ = ()
    reason: str | None
    code: Code | None

    def __post_init__(self, why: Decision | None) -> None:
        if why is not None:
            object.__setattr__(self, "reason", why.message)
            object.__setattr__(self, "code", why.code)

    @property
    def decision(self) -> Decision | None:
        """The reason as its rule's Decision (None without a reason, or one stored without a code)."""
        return decision(self.code, self.reason)


@dataclass(frozen=True, slots=True)
class Identification(_Decided):
    """The outcome of parse + match for one file: a match, or the reason for none."""

    release: Release | None
    match: Match | None
    reason: str | None = None
    # The library items the name was narrowed down to when none was chosen (ambiguous,
    # a season pack, a missing episode); empty when the title named nothing.
    candidates: tuple[MediaRef, ...] = ()
    # Something the user should know about a match, such as a file whose numbers
    # contradict its folder's (the file's own numbers were used).
    note: str | None = None
    # The file is a sample (told by its runtime): skipped, but nothing anybody expects.
    sample: bool = False
    # The name's title names no library item: the kind of item it would be ([metadata] add_unknown).
    unknown: MediaType | None = None
    code: Code | None = None  # the rule of `reason` (decisions.py); `why=` a Decision sets both
    why: InitVar[Decision | None] = None


@dataclass(frozen=True, slots=True)
class LibraryRoot:
    """A row of library_paths: where movies or series live."""

    id: str
    path: Path
    type: str  # "movies", "series" or "mixed"


@dataclass(frozen=True, slots=True)
class PlannedFile(_Decided):
    """One file's decision: where it goes, how, and why (or why not)."""

    candidate: Candidate
    status: Status  # PLANNED, ALREADY_IMPORTED, SKIPPED or FAILED at plan time
    action: Action = Action.NONE
    destination: Path | None = None
    root: LibraryRoot | None = None
    release: Release | None = None
    match: Match | None = None
    reason: str | None = None
    replaces: Path | None = None  # an existing file this one replaces (conflict policy)
    companion_of: Path | None = None  # for subtitles: the video's source path
    stops_run: bool = False  # a conflict under --conflict fail: nothing of the run is imported
    note: str | None = None  # something the user should know even when the file is imported
    # Library videos of the same movie or episodes at other paths that this file replaces: they go
    # to the recycle folder once it is recorded (plan/rivals.py).
    retires: tuple[Path, ...] = ()
    rival: Path | None = None  # the library video in the way of a file skipped for it
    code: Code | None = None  # the rule of `reason` (decisions.py); `why=` a Decision sets both
    why: InitVar[Decision | None] = None

    def result(self) -> FileResult:
        """What this decision reports before anything is done (a dry run, a file left alone)."""
        return FileResult(
            source=self.candidate.path, kind=self.candidate.kind, status=self.status,
            action=self.action if self.status is Status.PLANNED else Action.NONE,
            destination=self.destination if self.status is not Status.SKIPPED else None,
            reason=self.reason, match=self.match, size=self.candidate.size, expected=self.candidate.expected,
            note=self.note, code=self.code,
        )


@dataclass(frozen=True, slots=True)
class FileResult(_Decided):
    """What happened to one file in a run (or would happen, in a dry run)."""

    source: Path
    kind: Kind
    status: Status
    action: Action = Action.NONE
    destination: Path | None = None
    reason: str | None = None
    match: Match | None = None
    media_file_id: str | None = None
    size: int = 0
    expected: bool = True  # see Candidate.expected
    note: str | None = None  # e.g. the file's and its folder's numbers disagree (not in the JSON)
    origin: tuple[str, str] | None = None  # extracted from an archive: (its first volume, the member's name)
    code: Code | None = None  # the rule of `reason` (decisions.py); `why=` a Decision sets both
    why: InitVar[Decision | None] = None

    def to_json(self) -> dict:
        archive = {"archive": {"volume": self.origin[0], "member": self.origin[1]}} if self.origin else {}
        return {
            "source": str(self.source),
            "destination": str(self.destination) if self.destination else None,
            "kind": str(self.kind),
            "action": str(self.action),
            "status": str(self.status),
            "reason": self.reason,
            "code": None if self.code is None else str(self.code),
            "media_item": self.match.item.to_json() if self.match else None,
            "episodes": [e.to_json() for e in self.match.episodes] if self.match else [],
            **archive,
        }


class Results(Sequence[FileResult]):
    """FileResults kept compactly, each as one tuple with its paths as text: about 0.5 KiB a
    file instead of 1.5 (a Path object costs several times its text), so a scan of 100,000
    files can hold what it reports. A result read from it is a FileResult again."""

    __slots__ = ("_rows",)

    def __init__(self, results: Iterable[FileResult] = ()) -> None:
        self._rows: list[tuple] = [_row(r) for r in results]

    def append(self, result: FileResult) -> None:
        self._rows.append(_row(result))

    def extend(self, results: Iterable[FileResult]) -> None:
        self._rows.extend(_row(r) for r in results)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> FileResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[FileResult]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_from_row(row) for row in self._rows[index]]
        return _from_row(self._rows[index])

    def __setitem__(self, index: int, result: FileResult) -> None:
        self._rows[index] = _row(result)

    def __iter__(self) -> Iterator[FileResult]:
        return map(_from_row, self._rows)

    def __eq__(self, other: object) -> bool:
        return self._rows == other._rows if isinstance(other, Results) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def statuses(self) -> Iterator[tuple[Status, bool]]:
        """Each file's status and whether it was expected, without making its FileResult."""
        return ((row[2], row[9]) for row in self._rows)

    def decisions(self) -> Iterator[tuple[str, Status, str | None, str | None]]:
        """Each file's source, status, destination and reason (as text), without making its FileResult."""
        return ((row[0], row[2], row[4], row[5]) for row in self._rows)


def _row(r: FileResult) -> tuple:
    """A FileResult's fields in their order, its paths as text."""
    return (str(r.source), r.kind, r.status, r.action, None if r.destination is None else str(r.destination),
            r.reason, r.match, r.media_file_id, r.size, r.expected, r.note, r.origin, r.code)


def _from_row(row: tuple) -> FileResult:
    source, kind, status, action, destination, *rest = row
    return FileResult(Path(source), kind, status, action, None if destination is None else Path(destination), *rest)


@dataclass(frozen=True, slots=True)
class Report:
    """The result of a scan or import: every file with its decision."""

    job_id: str | None
    dry_run: bool
    files: Sequence[FileResult] = field(default_factory=Results)  # kept as Results, whatever is given
    # Runs in a row, this one included, that found every file as the run before (rescan/unchanged.py):
    # 0 when this run changed something. Such a run is recorded in one line, not one per file.
    unchanged_runs: int = 0
    # What the user should know that is no file's decision (a provider that failed mid-scan).
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.files, Results):
            object.__setattr__(self, "files", Results(self.files))

    def count(self, status: Status) -> int:
        return sum(1 for s, _ in self.files.statuses() if s is status)

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(Status, 0)
        for status, _ in self.files.statuses():
            counts[status] += 1
        return {
            "imported": counts[Status.IMPORTED],
            "planned": counts[Status.PLANNED],
            "already_imported": counts[Status.ALREADY_IMPORTED],
            "skipped": counts[Status.SKIPPED],
            "failed": counts[Status.FAILED],
        }

    def exit_code(self) -> int:
        """The contract's exit code: 0 all eligible imported or nothing to do, 3 partial, 4 none.

        Samples, extras and unfinished downloads are not eligible: a folder holding only
        those has nothing to do (cron after a move import leaves such files behind).
        """
        counts = self.summary()
        done = counts["imported"] + counts["planned"] + counts["already_imported"]
        failed = counts["failed"]
        refused = sum(1 for status, expected in self.files.statuses() if status is Status.SKIPPED and expected)
        if done == 0 and (failed or refused):
            return 4
        if failed:
            return 3
        return 0

    def to_json(self) -> dict:
        return {
            "job": self.job_id,
            "dry_run": self.dry_run,
            "files": [f.to_json() for f in self.files],
            "summary": self.summary(),
        }
