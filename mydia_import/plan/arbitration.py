"""Settling a run as a whole, once every file of it is planned.

Each file's plan (plan/videos.py) is decided alone; `Claims` then decides what concerns several:
two files aimed at one destination, a companion whose video lost its destination, and
--conflict fail, where one conflict stops the whole run before anything is touched.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mydia_import import decisions as rules
from mydia_import.decisions import Decision
from mydia_import.discover.walk import format_size
from mydia_import.models import Action, Kind, MediaType, PlannedFile, Status
from mydia_import.plan import quality


class Claims:
    """The destinations, movies and episodes a run's files claim, to arbitrate the run as a whole
    once every file is planned.

    Of two files of one run aimed at one destination, or (`one_per_item`) at one movie or
    episode, the better keeps it: what is already there, or replaces it, first; then the higher
    quality (plan/quality.py); then the larger file; then name order. A companion (a subtitle, an
    extra, an .nfo) is not imported when its video lost; and under --conflict fail one conflict
    stops the whole run before anything is touched.

    Plans are added a batch of releases at a time, and each claim keeps only its holder, not
    its plan: a dry run of 100,000 files holds what it reports, not every plan.
    """

    def __init__(self, one_per_item: bool = True) -> None:
        # Paths are kept as text: a Path object costs several times its text, and a scan holds
        # one holder per file. destination (or movie or episode): (*preference, source), one flat tuple.
        self._holders: dict[str, tuple] = {}
        self._items: dict[str, tuple] | None = {} if one_per_item else None
        self._beaten: dict[str, tuple] = {}  # a video that lost a movie or episode: the entry that won it
        self._retired: dict[str, str] = {}  # a library file a planned one replaces: that one's source
        self._reasons: dict[tuple, Decision] = {}  # why the others aimed at it are not imported
        self._losers: dict[str, tuple] = {}  # a file that lost a claim: its own entry (for its quality in words)
        self._videos: dict[str, tuple[str, str]] = {}  # companion's source: its video's source, destination
        self._stop: Path | None = None  # the destination of the first conflict under --conflict fail

    def add(self, planned: Sequence[PlannedFile]) -> None:
        """The plans of whole releases (a companion comes with its video)."""
        videos = {p.candidate.path: p for p in planned if p.companion_of is None and _claims(p)}
        for p in planned:
            if p.stops_run and self._stop is None:
                self._stop = p.destination
            if not _claims(p):
                continue
            video = videos.get(p.companion_of) if p.companion_of else None
            # A companion is as good as its video first: of two subtitles aimed at one
            # destination, the better video's keeps it, whichever batch came first.
            own = _preference(p)
            preference = (*(own if video is None else _preference(video)), *own)
            source = str(p.candidate.path)
            entry = (*preference, source)  # one tuple for every claim of this file
            destination, held = str(p.destination), self._holders.get(str(p.destination))
            if held is None or preference > held[:-1]:
                self._holders[destination] = entry
                if held is not None:
                    self._losers.setdefault(held[-1], held)
            else:
                self._losers.setdefault(source, entry)
            if video is not None:
                self._videos[source] = (str(video.candidate.path), str(video.destination))
            elif self._items is not None and p.status is Status.PLANNED and _is_main_video(p):
                # Files already in the library are no rivals of each other (keep-both put them
                # there): only new files claim their movie or episodes.
                self._claim_items(p, entry)
            for old in p.retires:
                self._retired.setdefault(str(old), source)

    def _claim_items(self, p: PlannedFile, entry: tuple) -> None:
        """One video per movie (part) and per episode: of two, the one not preferred is beaten
        for good (a double episode beaten on one of its episodes is not imported at all)."""
        assert self._items is not None and p.match is not None
        if p.match.item.type is MediaType.MOVIE:
            keys: tuple[str, ...] = (f"{p.match.item.id}/{p.release.part if p.release else ''}",)
        else:
            keys = tuple(e.id for e in p.match.episodes)
        preference, source = entry[:-1], entry[-1]
        for key in keys:
            held = self._items.get(key)
            if held is None:
                self._items[key] = entry
            elif preference > held[:-1]:
                self._items[key] = entry
                self._beaten.setdefault(held[-1], entry)
                self._losers.setdefault(held[-1], held)
            elif held[-1] != source:
                self._beaten.setdefault(source, held)
                self._losers.setdefault(source, entry)

    def overruled(self, source: Path, status: Status, destination: Path | None, *,
                  stops: bool = True) -> Decision | None:
        """Why a file planned (or already imported) is not imported after all, or None."""
        if status in _CLAIMING and destination is not None:
            why = None
            video = self._videos.get(str(source))
            if video is not None:  # a companion whose video lost is not imported, whatever it holds
                lost = self._lost(*video, Status.PLANNED)
                why = rules.video_not_imported(os.path.basename(video[0]), lost.message) if lost else None
            why = why or self._lost(str(source), str(destination), status)
            if why is not None:
                return why
        if stops and self._stop is not None and status is Status.PLANNED:
            return rules.run_stopped(self._stop)
        return None

    def arbitrate(self, p: PlannedFile, *, stops: bool = True) -> PlannedFile:
        why = self.overruled(p.candidate.path, p.status, p.destination, stops=stops)
        if why is None:
            return p
        # A file already there that a better one replaces is no conflict to remember (rescan/fast_path.py): the
        # next scan finds it handled (plan/already_imported.py).
        destination = None if p.status is Status.ALREADY_IMPORTED else p.destination
        return replace(p, status=Status.SKIPPED, action=Action.NONE, why=why, destination=destination)

    def _lost(self, source: str, destination: str, status: Status) -> Decision | None:
        """Why this file lost its destination, or its movie or episode, or None."""
        replaced = status is Status.ALREADY_IMPORTED
        holder = self._holders[destination]
        if holder[-1] != source:
            return self._reason(destination, holder, source, replaced, os.path.basename(destination))
        if replaced and destination in self._retired:
            return rules.replaced_in_run(os.path.basename(self._retired[destination]))
        winner = self._beaten.get(source)
        if winner is not None:
            return self._reason(winner[-1], winner, source, replaced, None)
        return None

    def _reason(self, claim: str, holder: tuple, loser: str, replaced: bool, at: str | None) -> Decision:
        """at: the name of the destination both files aim at; None when they share a movie or episode."""
        name = os.path.basename(holder[-1])
        if replaced:
            return rules.replaced_in_run(name)
        why = _preferred(holder, self._losers.get(loser))
        key = (claim, why)
        if key not in self._reasons:  # one text for all the files that lost this claim the same way
            self._reasons[key] = rules.collision(name, at, why)
        return self._reasons[key]


_CLAIMING = (Status.PLANNED, Status.ALREADY_IMPORTED)


def _is_main_video(p: PlannedFile) -> bool:
    return p.candidate.kind is Kind.VIDEO and p.candidate.extra is None and p.match is not None


def _claims(p: PlannedFile) -> bool:
    return p.status in _CLAIMING and p.destination is not None


def _keep(holders: dict[str, tuple], claim: str, preference: tuple, source: str) -> None:
    held = holders.get(claim)
    if held is None or preference > held[:-1]:
        holders[claim] = (*preference, source)


def _preference(p: PlannedFile) -> tuple:
    """What is there (or replaces it, judged better already) first, then quality, then size."""
    q = quality.of_release(p.release)
    there = p.status is Status.ALREADY_IMPORTED or p.replaces is not None or bool(p.retires)
    rank = (there, *q.grade(), q.revision)
    return (_RANKS.setdefault(rank, rank), p.candidate.size)


def _preferred(winner: tuple, loser: tuple | None) -> str:
    """Why the winner of a claim is preferred, from the two entries ((there, grade..., revision), size, ...)."""
    if loser is None:
        return "already there, better quality or larger"
    (there, *grade), size = winner[0], winner[1]
    (loser_there, *loser_grade), loser_size = loser[0], loser[1]
    if there and not loser_there:
        return f"already in the library or replacing it, {quality.grade_words(*grade)}"
    words, loser_words = quality.grade_words(*grade), quality.grade_words(*loser_grade)
    if grade == loser_grade and size == loser_size:
        return f"{words}, the same quality and size: the first in name order"
    if grade == loser_grade:
        return f"{words}, the same quality, and larger: {format_size(size)} over {format_size(loser_size)}"
    return f"{words} over {loser_words}"


# One tuple for each rank met (there are a few dozen): a scan holds a preference per file.
_RANKS: dict[tuple, tuple] = {}


def resolve_collisions(planned: Sequence[PlannedFile], *, one_per_item: bool = True) -> list[PlannedFile]:
    """Two files of these plans aimed at one destination, movie or episode: the better keeps it."""
    return arbitrate_run(planned, stops=False, one_per_item=one_per_item)


def arbitrate_run(planned: Sequence[PlannedFile], *, stops: bool = True, one_per_item: bool = True
               ) -> list[PlannedFile]:
    """The plans of a whole run, settled (`Claims`): collisions, companions of videos that lost
    theirs, and (`stops`) --conflict fail."""
    claims = Claims(one_per_item)
    claims.add(planned)
    return [claims.arbitrate(p, stops=stops) for p in planned]
