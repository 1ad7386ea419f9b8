"""Library JSON (and `library add` arguments) checked into typed specs.

Everything is checked before anything is written, and every message names the
entry it is about: `library file: shows[2].episodes[5]: "episode" must be a
whole number ≥ 1`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mydia_import.errors import LibraryError
from mydia_import.models import MediaType
from mydia_import.titles import normalize_title

FILE = "library file"  # how messages name the file given to `library load`
YEAR_RANGE = (1801, 2199)  # Mydia's changeset
_ITEM_KEYS = ("title", "year", "aliases", "tmdb_id", "imdb_id")
_SHOW_KEYS = (*_ITEM_KEYS, "episodes")
_EPISODE_KEYS = ("season", "episode", "title", "air_date", "absolute")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class EpisodeSpec:
    season: int
    episode: int
    title: str | None = None
    air_date: dt.date | None = None
    absolute: int | None = None
    # The provider's id of the episode, kept in episodes.metadata: ("tvmaze_id" | "tmdb_id", id).
    provider_id: tuple[str, int] | None = None


@dataclass(frozen=True)
class ItemSpec:
    type: MediaType
    title: str
    where: str  # "library file: shows[2]" or 'show "Breaking Bad"', for messages
    year: int | None = None
    aliases: tuple[str, ...] = ()
    tmdb_id: int | None = None
    imdb_id: str | None = None
    episodes: tuple[EpisodeSpec, ...] = ()

    def describe(self) -> str:
        """'the show "Breaking Bad (2008)"'."""
        noun = "movie" if self.type is MediaType.MOVIE else "show"
        label = f"{self.title} ({self.year})" if self.year else self.title
        return f'the {noun} "{label}"'


def parse_library(data: object) -> list[ItemSpec]:
    """The whole library file, or a LibraryError about its first mistake."""
    where = FILE
    if not isinstance(data, Mapping):
        raise LibraryError(f'{where}: must be a JSON object with "movies" and/or "shows" lists')
    _reject_unknown(data, ("movies", "shows"), where)
    specs: list[ItemSpec] = []
    for key, media_type in (("movies", MediaType.MOVIE), ("shows", MediaType.TV_SHOW)):
        entries = data.get(key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise LibraryError(f'{where}: "{key}" must be a list')
        for i, entry in enumerate(entries):
            specs.append(parse_item(entry, media_type, f"{where}: {key}[{i}]"))
    check_tmdb_ids(specs)
    return specs


def parse_item(entry: object, media_type: MediaType, where: str) -> ItemSpec:
    if not isinstance(entry, Mapping):
        raise LibraryError(f"{where}: must be a JSON object with at least a \"title\"")
    is_show = media_type is MediaType.TV_SHOW
    _reject_unknown(entry, _SHOW_KEYS if is_show else _ITEM_KEYS, where)
    title = _text(entry, "title", where, required=True)
    assert title is not None
    year = _whole(entry, "year", where, *YEAR_RANGE)
    tmdb_id = _whole(entry, "tmdb_id", where, 1)
    imdb_id = _text(entry, "imdb_id", where)
    aliases = _aliases(entry.get("aliases"), where)
    episodes: tuple[EpisodeSpec, ...] = ()
    if is_show:
        episodes = _episodes(entry.get("episodes"), where)
    return ItemSpec(media_type, title, where, year, aliases, tmdb_id, imdb_id, episodes)


def season_episodes(seasons: Mapping[int, int], where: str) -> list[dict[str, int]]:
    """`{1: 10}` -> episode entries 1-10 of season 1 (for `library add show --season`)."""
    entries = []
    for season, count in seasons.items():
        if not _is_whole(season) or season < 0:
            raise LibraryError(f"{where}: season {season!r}: must be a whole number ≥ 0")
        if not _is_whole(count) or count < 1:
            raise LibraryError(
                f"{where}: season {season}: the episode count must be a whole number ≥ 1"
            )
        entries += [{"season": season, "episode": n} for n in range(1, count + 1)]
    return entries


def check_tmdb_ids(specs: Sequence[ItemSpec]) -> None:
    """One tmdb_id per item in the file, across movies and shows together."""
    seen: dict[int, ItemSpec] = {}
    for spec in specs:
        if spec.tmdb_id is None:
            continue
        first = seen.setdefault(spec.tmdb_id, spec)
        if first is spec:
            continue
        entry = first.where.removeprefix(f"{FILE}: ")
        if first.type is spec.type:
            raise LibraryError(
                f"{spec.where}: tmdb_id {spec.tmdb_id} is also given to {entry} "
                f"({first.describe()}); each item needs its own"
            )
        raise LibraryError(
            tmdb_clash(spec.tmdb_id, f"{spec.where}: {spec.describe()}",
                       f"{first.describe()} ({entry})")
        )


def tmdb_clash(tmdb_id: int, first: str, second: str) -> str:
    return (
        f"{first} and {second} both have tmdb_id {tmdb_id}, but Mydia's schema keeps "
        "tmdb_id unique across movies and shows together (TMDB numbers movies and shows "
        "separately, so one number can name both); keep it on the item it belongs to "
        "and remove it from the other"
    )


def _episodes(value: object, where: str) -> tuple[EpisodeSpec, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise LibraryError(f'{where}: "episodes" must be a list')
    specs: list[EpisodeSpec] = []
    seen: dict[tuple[int, int], int] = {}
    absolutes: dict[int, int] = {}
    for i, entry in enumerate(value):
        here = f"{where}.episodes[{i}]"
        spec = _episode(entry, here)
        first = seen.setdefault((spec.season, spec.episode), i)
        if first != i:
            code = f"S{spec.season:02d}E{spec.episode:02d}"
            raise LibraryError(f"{here}: {code} is already given by episodes[{first}]")
        if spec.absolute is not None:
            other = absolutes.setdefault(spec.absolute, i)
            if other != i:
                raise LibraryError(
                    f'{here}: "absolute" {spec.absolute} is already given to episodes[{other}]'
                )
        specs.append(spec)
    return tuple(specs)


def _episode(entry: object, where: str) -> EpisodeSpec:
    if not isinstance(entry, Mapping):
        raise LibraryError(f'{where}: must be a JSON object with "season" and "episode"')
    _reject_unknown(entry, _EPISODE_KEYS, where)
    season = _whole(entry, "season", where, 0, required=True)
    episode = _whole(entry, "episode", where, 1, required=True)
    assert season is not None and episode is not None
    return EpisodeSpec(
        season,
        episode,
        title=_text(entry, "title", where),
        air_date=_date(entry.get("air_date"), where),
        absolute=_whole(entry, "absolute", where, 1),
    )


def _reject_unknown(entry: Mapping, known: Sequence[str], where: str) -> None:
    for key in entry:
        if key not in known:
            raise LibraryError(f'{where}: unknown key "{key}" (known: {", ".join(known)})')


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(
    entry: Mapping, key: str, where: str, low: int, high: int | None = None,
    required: bool = False,
) -> int | None:
    value = entry.get(key)
    rule = f"a whole number from {low} to {high}" if high is not None else f"a whole number ≥ {low}"
    if value is None:
        if required:
            raise LibraryError(f'{where}: "{key}" is missing; it must be {rule}')
        return None
    if not _is_whole(value) or value < low or (high is not None and value > high):
        raise LibraryError(f'{where}: "{key}" must be {rule}')
    return value


def _text(entry: Mapping, key: str, where: str, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if value is None:
        raise LibraryError(f'{where}: "{key}" is missing')
    if not isinstance(value, str) or not value.strip():
        raise LibraryError(f'{where}: "{key}" must be a non-empty text')
    return value.strip()


def _aliases(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise LibraryError(f'{where}: "aliases" must be a list of titles')
    aliases: list[str] = []
    for alias in value:
        if not isinstance(alias, str) or not normalize_title(alias):
            raise LibraryError(
                f'{where}: "aliases" entry {alias!r} is not a title with letters or digits'
            )
        if alias.strip() not in aliases:
            aliases.append(alias.strip())
    return tuple(aliases)


def _date(value: object, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        if isinstance(value, str) and _DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise LibraryError(f'{where}: "air_date" must be a date written YYYY-MM-DD, not {value!r}')
