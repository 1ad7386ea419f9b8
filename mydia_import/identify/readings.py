"""What a file's name and its folders say: the readings the matcher tries.

A name can be read more than one way (`Show 100 - 07` is "Show 100", episode 7,
or "Show", episodes 100 and 7), so it yields several `Reading`s: the
episode-marker shapes (`S01E02`, `1x02`, dates, ...), guessit's own reading,
then the weaker shapes (a bare anime number, `Part 2`, `Show.103`), then the
movie shapes. The matcher keeps the readings the library confirms.

Folders are evidence too: they give a title, a year or a season to a file name
that lacks them (`Show.S01/E01.mkv`, `Show/Season 2/05.mkv`), and their title
with the file's own numbers identifies an obfuscated file (`Show.S01E02/abc.mkv`).
The file's own numbers always win over its folder's; when they disagree, the
disagreement is reported (`Evidence.note`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from mydia_import import decisions as rules
from mydia_import.decisions import Decision
from mydia_import.identify.patterns import Shape, shapes
from mydia_import.models import Release


class Parser(Protocol):
    def parse(self, name: str, type_hint: str | None = None) -> Release: ...


@dataclass(frozen=True)
class Reading:
    """One way to read a file: a title and numbers, with where they come from."""

    release: Release
    how: str  # "S01E02 in the name", "guessit", "the folder 'Show.S01'", ...
    special: bool = False  # a decimal special ("12.5"): nothing to place it by
    from_folder: bool = False  # the title is the folder's, not the file's
    seasons: tuple[int, ...] = ()  # every season a multi-season pack names ("S01-S03")
    level: int = 0  # whose title: 0 the file's own, 1 its folder's, 2 the folder above, ...

    @property
    def numbered(self) -> bool:
        r = self.release
        return bool(r.episodes or r.absolute or r.air_date or r.season is not None or self.special)


@dataclass(frozen=True)
class Evidence:
    release: Release  # the file name as guessit reads it (what `identify` shows)
    readings: tuple[Reading, ...]  # in order of preference
    note: str | None = None  # the file's numbers contradict its folder's
    refusal: Decision | None = None  # the name itself says it is no single episode (extras, packs)


@dataclass(frozen=True)
class _Folder:
    name: str
    readings: tuple[Reading, ...]

    @property
    def titled(self) -> Reading | None:
        return next((r for r in self.readings if r.release.title), None)

    @property
    def seasons(self) -> tuple[int, ...]:
        """The seasons of a multi-season pack folder ("Show.S01-S03"), else ()."""
        return next((r.seasons for r in self.readings if len(r.seasons) > 1), ())

    @property
    def season(self) -> int | None:
        """The one season this folder is about; None for a multi-season pack."""
        if self.seasons:
            return None
        return next((r.release.season for r in self.readings
                     if r.release.season is not None and not r.release.absolute), None)

    @property
    def tv(self) -> bool:
        return any(r.release.is_episode and r.numbered for r in self.readings)


def gather(name: str, folders: Sequence[str], parser: Parser) -> Evidence:
    """The readings of a file name, with its parent folder names (outermost first)."""
    around = [_Folder(f, tuple(read(f, parser.parse(f)))) for f in reversed(folders)]  # innermost first
    titled = next((f for f in around if f.titled is not None), None)
    season = next((f.season for f in around if f.season is not None), None)
    own = parser.parse(name)
    if (season is not None or any(f.tv for f in around)) and not own.is_episode:
        own = parser.parse(name, "episode")  # "Show.S01/E01.mkv": the folder says TV
    readings = [_filled(r, titled, season, around.index(titled) + 1 if titled else 0) for r in read(name, own)]
    pack = next((f.seasons for f in around if f.seasons), ())
    if pack:  # in "Show.S01-S03/": a file without a season of its own is in none of them for sure
        readings = [replace(r, seasons=pack) if r.release.season is None else r for r in readings]
    # An obfuscated or generic name ("abc123.mkv"): a folder's title, the file's numbers. Every
    # titled folder is tried, the innermost first ("Show.S01/extras_1/E06.mkv").
    numbered = [r for r in readings if r.numbered and not r.from_folder] or [Reading(own, "guessit")]
    for level, folder in enumerate(around, start=1):
        if folder.titled is not None:
            readings += [_with_folder_title(r, folder.titled, folder.name, season, level) for r in numbered]
    return Evidence(own, tuple(_unique(readings)), _contradiction(readings, around), refusal(name))


_EXTRAS = re.compile(r"(?i)(?<![a-z])(extras?|subpack|featurettes?|deleted[ ._]scenes|behind[ ._]the[ ._]scenes)"
                     r"(?![a-z])")
# A season without an episode: "S03.EXTRAS" is a season's extras, "S03E05.The.Extras" an episode.
_MARKER = re.compile(r"(?i)(?<![a-z0-9])(?:s\d{1,4}|season[ ._]?\d{1,4})(?![0-9])"
                     r"(?![ ._-]?e(?:p|pisode)?[ ._-]?\d)")


def refusal(name: str) -> Decision | None:
    """Why a name is no single episode, whatever the library holds: a season's extras or
    subtitles ("Show.S03.EXTRAS"), or several whole seasons ("Show.S01-S05")."""
    marker = _MARKER.search(name)
    extra = _EXTRAS.search(name, marker.end()) if marker else None
    if extra:
        return rules.season_extras(re.sub(r'[._]', ' ', extra[1]))
    for shape in shapes(name):
        if shape.pack and len(shape.seasons) > 1:
            return rules.multi_season_pack(shape.seasons[0], shape.seasons[-1])
        if shape.pack:
            return rules.season_pack(shape.season)
    return None


def read(name: str, guess: Release) -> list[Reading]:
    """The readings of one name: episode markers, guessit, weaker shapes, movie shapes."""
    found = shapes(name)
    marked = [s for s in found if s.strong and (s.episodes or s.air_date)]
    seasons = [s for s in found if s.pattern == "season"]
    weak = [s for s in found if not s.strong and s.pattern != "movie"]
    movies = [s for s in found if s.pattern == "movie"]
    readings = [_from_shape(guess, s) for s in marked]
    if any(s.special for s in found):  # "Show - 12.5": guessit reads episode 12, which it is not
        guess = replace(guess, episodes=(), absolute=())
    if _truncated(name, guess.title):
        guess = replace(guess, title=None)  # "Anime-Series Title" read as "Series Title"
    readings.append(Reading(guess, "guessit"))
    readings += [_from_shape(guess, s) for s in seasons]
    # A name with an episode marker has no bare anime number: "S01E01 - 001" is the same episode.
    readings += [_from_shape(guess, s) for s in weak if not marked or s.pattern in ("Part 2", "brackets")]
    if not marked and not seasons:
        readings += [_from_shape(guess, s) for s in movies]
    return readings


def _truncated(name: str, title: str | None) -> bool:
    """guessit's title starts inside a word of the name ("Anime-Series" -> "Series")."""
    if not title:
        return False
    words = re.findall(r"[^\W_]+", title)
    if not words:
        return False
    pattern = r"[\W_]+".join(re.escape(w) for w in words)
    m = re.search(pattern, name, re.IGNORECASE)
    return bool(m and re.search(r"[^\W_]-?$", name[:m.start()]))


def _from_shape(guess: Release, shape: Shape) -> Reading:
    if shape.pattern == "movie":
        release = replace(guess, title=shape.title, year=shape.year, type="movie", season=None,
                          episodes=(), absolute=(), air_date=None)
        return Reading(release, "the name read as a movie title and year")
    episodes = shape.episodes or ((shape.part,) if shape.part else ())
    release = replace(
        guess, title=shape.title, year=shape.year, type="episode", season=shape.season,
        episodes=episodes, absolute=shape.absolute, air_date=shape.air_date,
        part=None if shape.part else guess.part,
    )
    return Reading(release, f"{shape.pattern} in the name", special=shape.special, seasons=shape.seasons)


def _filled(reading: Reading, folder: _Folder | None, season: int | None, level: int) -> Reading:
    """The file's own values win; the folders fill what the file leaves out."""
    r = reading.release
    if r.season is None and r.episodes and season is not None:
        r = replace(r, season=season)
    if folder is not None and not r.title and folder.titled is not None:
        f = folder.titled.release
        r = replace(r, title=f.title, year=r.year or f.year, country=r.country or f.country)
        return replace(reading, release=r, how=f"{reading.how}, the title from the folder '{folder.name}'",
                       from_folder=True, level=level)
    if folder is not None and folder.titled is not None and r.year is None and r.title:
        f = folder.titled.release
        if f.title and _same_words(f.title, r.title):
            r = replace(r, year=f.year)
    return replace(reading, release=r)


def _with_folder_title(reading: Reading, folder: Reading, folder_name: str, season: int | None,
                       level: int) -> Reading:
    own, f = reading.release, folder.release
    numbers = own.episodes or own.absolute or own.air_date
    release = replace(
        f, name=own.name,
        season=own.season if own.season is not None else (season if numbers else f.season),
        episodes=own.episodes if numbers else f.episodes,
        absolute=own.absolute if numbers else f.absolute,
        air_date=own.air_date if numbers else f.air_date,
        part=own.part or f.part,
        type="episode" if (numbers or f.is_episode) else f.type,
        resolution=own.resolution or f.resolution, source=own.source or f.source,
        video_codec=own.video_codec or f.video_codec, release_group=own.release_group or f.release_group,
        edition=own.edition or f.edition,
    )
    return Reading(release, f"the folder '{folder_name}' with the numbers of the file name",
                   special=reading.special, from_folder=True, seasons=reading.seasons, level=level)


def _contradiction(readings: list[Reading], around: list[_Folder]) -> str | None:
    """The file's own season and episodes against its folders': the file wins, and says so."""
    own = next((r.release for r in readings if not r.from_folder and r.release.episodes), None)
    if own is None:
        return None
    for folder in around:
        marked = next((r.release for r in folder.readings if r.release.episodes and r.how != "guessit"),
                      None) or next((r.release for r in folder.readings if r.release.episodes), None)
        said = None
        if marked is not None and marked.season is not None and own.season is not None and (
                marked.season, marked.episodes) != (own.season, own.episodes):
            said = _code(marked.season, marked.episodes)
        elif marked is None and folder.season is not None and own.season is not None \
                and folder.season != own.season:
            said = f"season {folder.season}"
        elif marked is None and folder.seasons and own.season is not None and own.season not in folder.seasons:
            said = f"seasons {folder.seasons[0]}-{folder.seasons[-1]}"
        if said:
            return (f"the file name says {_code(own.season, own.episodes)} but its folder "
                    f"'{folder.name}' says {said}; the file's own numbers were used")
    return None


def _code(season: int | None, episodes: tuple[int, ...]) -> str:
    if season is None:
        return f"episode {episodes[0]}" + (f"-{episodes[-1]}" if len(episodes) > 1 else "")
    code = f"S{season:02d}E{episodes[0]:02d}"
    return code if len(episodes) == 1 else f"{code}-E{episodes[-1]:02d}"


def _same_words(a: str, b: str) -> bool:
    from mydia_import.titles import normalize_title

    return normalize_title(a) == normalize_title(b)


def _unique(readings: list[Reading]) -> list[Reading]:
    seen: set[tuple] = set()
    out = []
    for r in readings:
        x = r.release
        key = (x.title, x.year, x.type, x.season, x.episodes, x.absolute, x.air_date, x.part, r.special)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
