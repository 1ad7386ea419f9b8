"""A parsed name and the library -> the item (and episodes) it is, or why not.

The rule throughout: rather leave a file unmatched, with a reason a user can
act on, than put it in the wrong place. When two library items fit equally,
nothing is chosen and both are named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from mydia_import.models import Candidate, EpisodeRef, Identification, Match, MediaRef, MediaType, Release
from mydia_import.titles import normalize_title


class Catalog(Protocol):
    """The lookups matching needs (implemented by library.Library)."""

    def find_items(self, normalized_title: str, type: MediaType | None = None) -> list[MediaRef]: ...
    def find_episodes(self, item_id: str, season: int, numbers: Sequence[int]) -> list[EpisodeRef]: ...
    def find_episodes_by_air_date(self, item_id: str, date) -> list[EpisodeRef]: ...
    def find_episodes_by_absolute(self, item_id: str, numbers: Sequence[int]) -> list[EpisodeRef]: ...


class Parser(Protocol):
    def parse(self, name: str, type_hint: str | None = None) -> Release: ...


@dataclass(frozen=True)
class _Attempt:
    release: Release
    match: Match | None
    reason: str | None
    title_known: bool  # the title named at least one library item


def identify_file(candidate: Candidate, parser: Parser, catalog: Catalog) -> Identification:
    """Identify a video from its own name, with its folders as further evidence."""
    return identify_name(candidate.path.name, candidate.folders, parser, catalog)


def identify_name(
    name: str, folders: Sequence[str], parser: Parser, catalog: Catalog
) -> Identification:
    """Identify a file name; `folders` are its parent folder names, outermost first."""
    own = parser.parse(name)
    folder_releases = [parser.parse(f) for f in reversed(folders)]  # innermost first
    folder = next((r for r in folder_releases if r.title), None)
    # The nearest folder that gives a season gives it, titled or not ("Show/Season 2/E01.mkv").
    season = next((r.season for r in folder_releases if r.season is not None), None)
    if (folder is not None and folder.is_episode or season is not None) and not own.is_episode:
        # "Show.S01/E01.mkv": the folder says TV, so read the file name as an episode.
        own = parser.parse(name, "episode")
    attempts = [_attempt(_fill_from_folder(own, folder, season), catalog)]
    if attempts[0].match is None and folder is not None:
        # An obfuscated or generic file name ("abc123.mkv"): the folder names the release,
        # the file keeps the numbers it has.
        attempts.append(_attempt(_folder_with_file_numbers(folder, own, season), catalog))
    for attempt in attempts:
        if attempt.match is not None:
            return Identification(attempt.release, attempt.match)
    best = next((a for a in attempts if a.title_known), attempts[0])
    return Identification(best.release, None, best.reason)


def _fill_from_folder(own: Release, folder: Release | None, season: int | None) -> Release:
    """The file's own values win; the folders fill what the file leaves out."""
    if own.season is None and own.episodes and season is not None:
        own = replace(own, season=season)
    if folder is None:
        return own
    return replace(own, title=own.title or folder.title, year=own.year or folder.year)


def _folder_with_file_numbers(folder: Release, own: Release, season: int | None) -> Release:
    return replace(
        folder,
        name=own.name,
        season=own.season if own.season is not None else season,
        episodes=own.episodes or folder.episodes,
        air_date=own.air_date or folder.air_date,
        absolute=own.absolute or folder.absolute,
        part=own.part or folder.part,
        type="episode" if (own.episodes or own.air_date or folder.is_episode) else folder.type,
        resolution=own.resolution or folder.resolution,
        source=own.source or folder.source,
        video_codec=own.video_codec or folder.video_codec,
        release_group=own.release_group or folder.release_group,
    )


def _attempt(release: Release, catalog: Catalog) -> _Attempt:
    if not release.title:
        return _Attempt(release, None, "the name gives no title to look up", False)
    # Numbers make an episode; guessit's "episode" type alone does not ("Blade.Runner.1982.
    # Final.Cut" has an episode title but is a movie).
    if release.season is not None or release.episodes or release.absolute or release.air_date:
        return _match_episode(release, catalog)
    return _match_movie(release, catalog)


def _match_movie(release: Release, catalog: Catalog) -> _Attempt:
    key = normalize_title(release.title or "")
    movies = catalog.find_items(key, MediaType.MOVIE)
    if not movies:
        shows = catalog.find_items(key, MediaType.TV_SHOW)
        if shows:
            return _Attempt(
                release, None,
                f"'{shows[0].label()}' is a show in the library, but the name has no season "
                "and episode (like S01E02) to place it",
                True,
            )
        return _Attempt(release, None, _not_in_library("movie", release), False)
    chosen, reason = _by_year(movies, release)
    if chosen is None:
        return _Attempt(release, None, reason, True)
    if len(chosen) > 1:
        return _Attempt(release, None, _ambiguous(chosen), True)
    return _Attempt(release, Match(chosen[0]), None, True)


def _match_episode(release: Release, catalog: Catalog) -> _Attempt:
    shows = catalog.find_items(normalize_title(release.title or ""), MediaType.TV_SHOW)
    if not shows:
        return _Attempt(release, None, _not_in_library("show", release), False)
    chosen, reason = _by_year(shows, release)
    if chosen is None:
        return _Attempt(release, None, reason, True)
    found = [(show, _episodes_of(show, release, catalog)) for show in chosen]
    fitting = [(show, eps) for show, (eps, _) in found if eps]
    if len(fitting) == 1:
        show, episodes = fitting[0]
        return _Attempt(release, Match(show, tuple(episodes)), None, True)
    if len(fitting) > 1:
        return _Attempt(release, None, _ambiguous([show for show, _ in fitting]), True)
    return _Attempt(release, None, found[0][1][1] if len(found) == 1 else _ambiguous(chosen), True)


def _episodes_of(show: MediaRef, release: Release, catalog: Catalog) -> tuple[list[EpisodeRef], str]:
    """The show's episodes the release names, or ([], why not)."""
    if release.air_date is not None and not release.episodes:
        episodes = catalog.find_episodes_by_air_date(show.id, release.air_date)
        if len(episodes) == 1:
            return episodes, ""
        if episodes:
            return [], f"{show.label()} has {len(episodes)} episodes on {release.air_date}; cannot tell which"
        return [], f"{show.label()} has no episode that aired on {release.air_date} in the library"
    numbers = release.episodes or release.absolute
    if not numbers:
        season = f" S{release.season:02d}" if release.season is not None else ""
        return [], (
            f"the name gives{season} but no episode number for {show.label()}; a file is never "
            "mapped to a whole season: rename it with its episode (S01E02) or import it by hand"
        )
    if release.season is None:
        # Anime-style "Show - 105": absolute numbers first, then season 1 (mini-series, "Part 2").
        by_absolute = catalog.find_episodes_by_absolute(show.id, numbers)
        if len(by_absolute) == len(numbers):
            return by_absolute, ""
        season = 1
    else:
        season = release.season
    episodes = catalog.find_episodes(show.id, season, numbers)
    if len(episodes) == len(numbers):
        return episodes, ""
    have = {e.episode for e in episodes}
    missing = ", ".join(f"S{season:02d}E{n:02d}" for n in numbers if n not in have)
    return [], f"{show.label()} has no {missing} in the library; add the episode(s) or load the show's episodes"


def _by_year(items: list[MediaRef], release: Release) -> tuple[list[MediaRef] | None, str | None]:
    """Keep the items whose year fits the release's; off by one only when it is unique."""
    if release.year is None:
        return items, None
    exact = [i for i in items if i.year == release.year]
    if exact:
        return exact, None
    near = [i for i in items if i.year is not None and abs(i.year - release.year) == 1]
    if len(near) == 1:
        return near, None
    unknown = [i for i in items if i.year is None]
    if unknown:
        return unknown, None
    names = ", ".join(f"'{i.label()}'" for i in items)
    return None, f"the library has {names} but the name says {release.year}"


def _ambiguous(items: Sequence[MediaRef]) -> str:
    names = " and ".join(f"'{i.label()}'" for i in items)
    return f"ambiguous: {names} both fit; add the year to the name or an alias to one of them"


def _not_in_library(kind: str, release: Release) -> str:
    year = f" ({release.year})" if release.year else ""
    return (
        f"no {kind} called '{release.title}{year}' in the library; add it with "
        f"`mydia-import library add {kind} \"{release.title}\"` or `library load`"
    )
