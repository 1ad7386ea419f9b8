"""The providers as one service: which provider answers what, the order candidates are
shown in, when one candidate is certain, and what an item gets from its details.

Shows come from TVmaze (no key) unless a TMDB id names them; movies from TMDB (key).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mydia_import.integrations.metadata import Candidate, Details, ProviderError
from mydia_import.integrations.metadata.cache import Cache
from mydia_import.integrations.metadata.http import Http
from mydia_import.integrations.metadata.tmdb import TMDB
from mydia_import.integrations.metadata.tvmaze import TVmaze
from mydia_import.library.validate import EpisodeSpec
from mydia_import.models import MediaType
from mydia_import.titles import loose_key, normalize_title


class Providers:
    def __init__(self, settings: Any, sleep: Callable[[float], None] = time.sleep):
        cache = Cache(settings.metadata_cache, settings.metadata_cache_days)
        timeout = float(settings.metadata_timeout)
        self.tvmaze = TVmaze(Http("TVmaze", cache, timeout, sleep), settings.tvmaze_url)
        self.tmdb = TMDB(Http("TMDB", cache, timeout, sleep), settings.tmdb_url, tmdb_key(settings))

    def calls(self) -> int:
        return self.tvmaze.http.calls + self.tmdb.http.calls

    def close(self) -> None:
        self.tvmaze.http.close()
        self.tmdb.http.close()

    def search(self, type: MediaType, title: str, year: int | None = None, *, tmdb_id: int | None = None,
               tvmaze_id: int | None = None, imdb_id: str | None = None) -> list[Candidate]:
        """Candidates, best first; an id given yields that one item (or none)."""
        if tvmaze_id is not None:
            return _one(self.tvmaze.by_id(tvmaze_id))
        if tmdb_id is not None:
            return _one(self.tmdb.by_id(type, tmdb_id))
        if imdb_id is not None:
            if type is MediaType.TV_SHOW:
                return _one(self.tvmaze.by_imdb(imdb_id))
            return _one(self.tmdb.by_imdb(type, imdb_id))
        provider = self.tvmaze if type is MediaType.TV_SHOW else self.tmdb
        return rank(provider.search(type, title, year), title, year)

    def details(self, candidate: Candidate) -> Details:
        return (self.tvmaze if candidate.provider == "tvmaze" else self.tmdb).details(candidate)

    def for_item(self, ids: dict[str, Any]) -> Candidate | None:
        """The provider's record of an item the library has, by the ids it keeps."""
        type = MediaType(ids["type"])
        if ids.get("tvmaze_id") is not None:
            return Candidate("tvmaze", int(ids["tvmaze_id"]), type, "")
        if ids.get("tmdb_id") is not None:
            return Candidate("tmdb", int(ids["tmdb_id"]), type, "")
        if ids.get("imdb_id") and type is MediaType.TV_SHOW:
            return self.tvmaze.by_imdb(ids["imdb_id"])
        return None


def tmdb_key(settings: Any) -> str | None:
    """The key from the config or environment, else the first line of tmdb_api_key_file."""
    if settings.tmdb_api_key:
        return settings.tmdb_api_key
    path: Path | None = settings.tmdb_api_key_file
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ProviderError(f"cannot read [metadata] tmdb_api_key_file {path}: "
                            f"{getattr(error, 'strerror', None) or error}") from None
    return lines[0].strip() if lines else None


def _one(candidate: Candidate | None) -> list[Candidate]:
    return [candidate] if candidate else []


def _same_title(candidate: Candidate, title: str) -> bool:
    texts = [candidate.title, candidate.original_title or ""]
    return any(normalize_title(t) == normalize_title(title) or loose_key(t) == loose_key(title)
               for t in texts if t)


def rank(candidates: Sequence[Candidate], title: str, year: int | None) -> list[Candidate]:
    """Exact title and year first, then exact title, then the provider's own order."""
    def score(pair: tuple[int, Candidate]) -> tuple[int, int, int]:
        order, c = pair
        return (not _same_title(c, title), year is not None and c.year != year, order)

    return [c for _, c in sorted(enumerate(candidates), key=score)]


def confident(candidates: Sequence[Candidate], title: str, year: int | None) -> Candidate | None:
    """The one candidate with this title (and this year, when given); None when there are
    none or several: then only a person may choose."""
    same = [c for c in candidates if _same_title(c, title) and (year is None or c.year == year)]
    return same[0] if len(same) == 1 else None


def recorded(details: Details) -> dict[str, Any]:
    """apply_provider's arguments for these details."""
    import datetime as dt

    def date(text: str | None) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text[:10]) if text else None
        except ValueError:
            return None

    return {"tmdb_id": details.tmdb_id, "imdb_id": details.imdb_id,
            "original_title": details.candidate.original_title
            if details.candidate.original_title != details.candidate.title else None,
            "metadata": details.metadata,
            "episodes": [EpisodeSpec(e.season, e.episode, e.title, date(e.air_date),
                                     provider_id=(f"{details.candidate.provider}_id", e.id) if e.id else None)
                         for e in details.episodes]}


def add_item(library, details: Details, *, year: int | None = None, aliases: Sequence[str] = (),
             tmdb_id: int | None = None) -> tuple[Any, int, int]:
    """The provider's item added to the library with its ids, payload and episodes:
    (MediaRef, episodes added, episodes updated)."""
    found = details.candidate
    add = library.add_show if found.type is MediaType.TV_SHOW else library.add_movie
    ref = add(found.title, year=found.year or year, aliases=tuple(aliases), tmdb_id=details.tmdb_id or tmdb_id)
    added, updated, _ = library.apply_provider(ref.id, **recorded(details))
    return ref, added, updated
