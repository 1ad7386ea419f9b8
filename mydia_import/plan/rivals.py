"""A new video's rivals: the library's videos of the same movie or episodes.

The library keeps one video per movie (per part of a multi-part movie) and per episode,
whatever the container or the file name. A new file's rivals are the library files that
already are what it is, found two ways:

- through media_files: the movie's rows, or the rows of any of its episodes (rows another
  program wrote too), whose file is still there;
- on disk beside its destination: a file with its name in another container; in a season
  folder, a file named with one of its episode codes; in a movie's own folder, any video.

The conflict policy then decides between them and the new file (plan/videos.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mydia_import.discover.walk import VIDEO_EXTENSIONS
from mydia_import.models import Match, MediaType, PlannedFile, Release
from mydia_import.plan import quality
from mydia_import.titles import normalize_title

_EPISODE_CODE = re.compile(r"(?i)(?<![a-z0-9])s(\d{1,4})((?:[ ._-]?e\d{1,4})+)(?!\d)")
_EPISODE_NUMBER = re.compile(r"(?i)e(\d{1,4})")
_PART = re.compile(r"(?i)(?<![a-z])(?:part|pt|cd|disc|disk)[ ._-]?(\d{1,2})(?!\d)")
# Names of videos that are not the movie itself, though they sit in its folder.
_NOT_THE_MOVIE = re.compile(r"(?i)(?<![a-z])(sample|trailer|featurette|behindthescenes|deleted|interview)(?![a-z])")


@dataclass(frozen=True)
class Rival:
    """A library video that holds what a new file would be."""

    path: Path
    quality: quality.Quality
    media_file_id: str | None
    episodes: frozenset[tuple[int, int]]  # (season, episode) it holds; empty for a movie

    def name(self) -> str:
        return self.path.name


class Rivals:
    """Finds rivals for the planned videos of one run; each library folder is listed once."""

    def __init__(self, library, parse: Callable[[str], Release]):
        self.library = library
        self.parse = parse
        self._listings: dict[Path, list[str]] = {}

    def of(self, p: PlannedFile) -> list[Rival]:
        if p.match is None or p.destination is None or p.root is None:
            return []
        wanted = _episodes(p.match)
        part = p.release.part if p.release is not None else None
        found: dict[Path, Rival] = {}
        for stored, held in self.library.files_of(p.match):
            path = stored.path
            if path == p.destination or path in found or not os.path.lexists(path):
                continue  # the destination itself is the conflict plan/videos.py already decided
            if p.match.item.type is MediaType.MOVIE and _part(path.name) != part:
                continue
            held = held or _codes(path.name) or wanted
            found[path] = Rival(path, quality.of_library_file(path, stored, self.parse), stored.id, held)
        for path in self._beside(p, wanted, part):
            if path not in found and self._unrecorded(p, path):
                grade = quality.of_library_file(path, None, self.parse)
                found[path] = Rival(path, grade, None, _codes(path.name) & wanted or wanted)
        return sorted(found.values(), key=lambda r: str(r.path))

    def _beside(self, p: PlannedFile, wanted: frozenset[tuple[int, int]], part: int | None) -> list[Path]:
        """The videos in the destination's folder that are the same movie or episodes."""
        folder = p.destination.parent
        stem = p.destination.stem.lower()
        # Only a folder of this movie or show says what a file in it is: a template may put
        # several movies in one folder (by year) or several shows in one.
        own = _own_folder(folder, p.root.path, p.match.item.title)
        out = []
        for name in self._listing(folder):
            path = folder / name
            if path == p.destination or os.path.splitext(name)[1].lower() not in VIDEO_EXTENSIONS:
                continue
            if os.path.splitext(name)[0].lower() == stem:
                out.append(path)
            elif wanted and _codes(name) & wanted and (own or _named_for(name, p.match.item.title)):
                out.append(path)
            elif not wanted and own and not _NOT_THE_MOVIE.search(name) and _part(name) == part:
                out.append(path)
        return out

    def _listing(self, folder: Path) -> list[str]:
        if folder not in self._listings:
            try:
                with os.scandir(folder) as it:
                    self._listings[folder] = sorted(e.name for e in it if e.is_file() and not e.name.startswith("."))
            except OSError:
                self._listings[folder] = []
        return self._listings[folder]

    def _unrecorded(self, p: PlannedFile, path: Path) -> bool:
        """A file on disk with no media_files row of another item: a row of another movie or
        episode says it is something else."""
        try:
            relative = path.relative_to(p.root.path).as_posix()
        except ValueError:
            return True
        stored = self.library.file_at(p.root, relative) if p.root.id else None
        return stored is None or stored.media_item_id in (None, p.match.item.id)


def _own_folder(folder: Path, root: Path, title: str) -> bool:
    """The folder, or one above it inside the library folder, is named for this title."""
    key = normalize_title(title)
    try:
        parts = folder.relative_to(root).parts
    except ValueError:
        return False
    return bool(key) and any(normalize_title(part).startswith(key) for part in parts)


def _named_for(name: str, title: str) -> bool:
    """A file name whose words before its episode code are this title ("Show.Name.S01E02")."""
    m = _EPISODE_CODE.search(name)
    key = normalize_title(title)
    # "Show (2008) - S01E02": the title, and maybe its year, but not a longer title ("Show Two").
    return m is not None and bool(key) and re.fullmatch(re.escape(key) + r"(\d{4})?",
                                                         normalize_title(name[:m.start()])) is not None


def _episodes(match: Match) -> frozenset[tuple[int, int]]:
    return frozenset((e.season, e.episode) for e in match.episodes)


def _codes(name: str) -> frozenset[tuple[int, int]]:
    """The episodes a file name says: S01E02, S01E02E03, S01E02-E03 (a range)."""
    found: set[tuple[int, int]] = set()
    for m in _EPISODE_CODE.finditer(name):
        season = int(m.group(1))
        numbers = [int(n) for n in _EPISODE_NUMBER.findall(m.group(2))]
        if "-" in m.group(2) and len(numbers) == 2 and 0 < numbers[1] - numbers[0] < 50:
            numbers = list(range(numbers[0], numbers[1] + 1))
        found.update((season, n) for n in numbers)
    return frozenset(found)


def _part(name: str) -> int | None:
    m = _PART.search(name)
    return int(m.group(1)) if m else None
