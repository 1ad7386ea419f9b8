"""Settling a run as a whole, once every file of it is planned.

Each file's plan (plan.py) is decided alone; `Claims` then decides what concerns several:
two files aimed at one destination, a companion whose video lost its destination, and
--conflict fail, where one conflict stops the whole run before anything is touched.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mydia_import import quality
from mydia_import.models import Action, PlannedFile, Release, Status


class Claims:
    """The destinations a run's files claim, to settle the run as a whole once every file is planned.

    Of two files of one run aimed at one destination the better keeps it: what is already there
    wins; then the higher quality; then the larger file; then name order. A companion (a
    subtitle, an extra, an .nfo) is not imported when its video lost its destination; and under
    --conflict fail one conflict stops the whole run before anything is touched.

    Plans are added a batch of releases at a time, and each destination keeps only its holder,
    not its plan: a dry run of 100,000 files holds what it reports, not every plan.
    """

    def __init__(self) -> None:
        # Paths are kept as text: a Path object costs several times its text, and a scan holds
        # one holder per file. destination: (*preference, source), one flat tuple.
        self._holders: dict[str, tuple] = {}
        self._reasons: dict[str, str] = {}  # destination: why the others aimed at it are not imported
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
            destination, held = str(p.destination), self._holders.get(str(p.destination))
            if held is None or preference > held[:-1]:
                self._holders[destination] = (*preference, str(p.candidate.path))
            if video is not None:
                self._videos[str(p.candidate.path)] = (str(video.candidate.path), str(video.destination))

    def overruled(self, source: Path, status: Status, destination: Path | None, *, stops: bool = True) -> str | None:
        """Why a file planned (or already imported) is not imported after all, or None."""
        if status in _CLAIMING and destination is not None:
            why = None
            video = self._videos.get(str(source))
            if video is not None:  # a companion whose video lost is not imported, whatever it holds
                lost = self._taken(*video)
                why = f"its video {os.path.basename(video[0])} is not imported ({lost})" if lost else None
            why = why or self._taken(str(source), str(destination))
            if why is not None:
                return why
        if stops and self._stop is not None and status is Status.PLANNED:
            return f"not imported: the run stopped at the conflict at {self._stop} (--conflict fail)"
        return None

    def settle(self, p: PlannedFile, *, stops: bool = True) -> PlannedFile:
        why = self.overruled(p.candidate.path, p.status, p.destination, stops=stops)
        return p if why is None else replace(p, status=Status.SKIPPED, action=Action.NONE, reason=why)

    def _taken(self, source: str, destination: str) -> str | None:
        holder = self._holders[destination][-1]
        if holder == source:
            return None
        why = self._reasons.get(destination)
        if why is None:  # one text for all the files that lost this destination
            why = self._reasons[destination] = (
                f"{os.path.basename(holder)} from this run goes to the same destination "
                f"({os.path.basename(destination)}) and is preferred (already there, better quality or larger); "
                "only one can be imported")
        return why


_CLAIMING = (Status.PLANNED, Status.ALREADY_IMPORTED)


def _claims(p: PlannedFile) -> bool:
    return p.status in _CLAIMING and p.destination is not None


def _preference(p: PlannedFile) -> tuple:
    release = p.release or Release(name="")
    rank = (p.status is Status.ALREADY_IMPORTED, *quality.release_rank(release))
    return (_RANKS.setdefault(rank, rank), p.candidate.size)


# One tuple for each rank met (there are a few dozen): a scan holds a preference per file.
_RANKS: dict[tuple, tuple] = {}


def resolve_collisions(planned: Sequence[PlannedFile]) -> list[PlannedFile]:
    """Two files of these plans aimed at one destination: the better keeps it (`Claims`)."""
    return settle_run(planned, stops=False)


def settle_run(planned: Sequence[PlannedFile], *, stops: bool = True) -> list[PlannedFile]:
    """The plans of a whole run, settled (`Claims`): collisions, companions of videos that lost
    theirs, and (`stops`) --conflict fail."""
    claims = Claims()
    claims.add(planned)
    return [claims.settle(p, stops=stops) for p in planned]
