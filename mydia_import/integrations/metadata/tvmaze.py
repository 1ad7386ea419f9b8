"""TVmaze (https://www.tvmaze.com/api): shows, their episodes and AKAs, no key needed.

Shapes read: /search/shows -> [{"score", "show"}], /lookup/shows?imdb= (a redirect to
the show), /shows/:id?embed[]=episodes, /shows/:id/akas -> [{"name", "country"}].
Specials have no number at TVmaze, so they are left out rather than numbered by guess.
"""

from __future__ import annotations

from typing import Any

from mydia_import.integrations.metadata import Candidate, Details, Episode, ProviderError, year_of
from mydia_import.integrations.metadata.http import Http
from mydia_import.models import MediaType

NAME = "TVmaze"


class TVmaze:
    def __init__(self, http: Http, base_url: str):
        self.http = http
        self.base = base_url.rstrip("/")

    def search(self, type: MediaType, title: str, year: int | None = None) -> list[Candidate]:
        if type is not MediaType.TV_SHOW:
            return []
        found = self.http.get(f"{self.base}/search/shows", {"q": title})
        if not isinstance(found, list):
            return [] if found is None else _malformed("/search/shows")
        shows = [_candidate(hit["show"]) for hit in found
                 if isinstance(hit, dict) and isinstance(hit.get("show"), dict)]
        return [c for c in shows if c is not None]

    def by_imdb(self, imdb_id: str) -> Candidate | None:
        show = self.http.get(f"{self.base}/lookup/shows", {"imdb": imdb_id})
        return _candidate(show) if isinstance(show, dict) else None

    def by_id(self, show_id: int) -> Candidate | None:
        show = self.http.get(f"{self.base}/shows/{show_id}")
        return _candidate(show) if isinstance(show, dict) else None

    def details(self, candidate: Candidate) -> Details:
        show = self.http.get(f"{self.base}/shows/{candidate.id}", {"embed[]": "episodes"})
        if not isinstance(show, dict):
            raise ProviderError(f"{NAME} has no show {candidate.id}; check the id")
        akas = self.http.get(f"{self.base}/shows/{candidate.id}/akas") or []
        aliases = tuple(dict.fromkeys(
            a["name"] for a in akas if isinstance(a, dict) and isinstance(a.get("name"), str)
            and a["name"] != show.get("name")))
        raw = (show.get("_embedded") or {}).get("episodes") or []
        episodes = tuple(
            Episode(int(e["season"]), int(e["number"]), e.get("name") or None, e.get("airdate") or None,
                    e["id"] if isinstance(e.get("id"), int) else None)
            for e in raw if isinstance(e, dict) and isinstance(e.get("season"), int)
            and isinstance(e.get("number"), int))
        externals = show.get("externals") or {}
        base = _candidate(show) or candidate
        metadata = {"provider": "tvmaze", "tvmaze_id": base.id, "name": base.title,
                    "first_air_date": show.get("premiered"), "tvdb_id": externals.get("thetvdb"),
                    "imdb_id": externals.get("imdb"), "network": base.network,
                    "origin_country": [base.country] if base.country else [],
                    "overview": show.get("summary"), "status": show.get("status"),
                    "alternative_titles": [{"title": a} for a in aliases]}
        return Details(base, imdb_id=externals.get("imdb"), aliases=aliases, episodes=episodes,
                       metadata=metadata)


def _candidate(show: dict[str, Any]) -> Candidate | None:
    if not isinstance(show.get("id"), int) or not isinstance(show.get("name"), str):
        return None
    channel = show.get("network") or show.get("webChannel") or {}
    country = (channel.get("country") or {}).get("code") if isinstance(channel, dict) else None
    return Candidate(NAME.lower(), show["id"], MediaType.TV_SHOW, show["name"], year_of(show.get("premiered")),
                     country, channel.get("name") if isinstance(channel, dict) else None, show.get("summary"))


def _malformed(where: str) -> list[Candidate]:
    raise ProviderError(f"{NAME} answered {where} in a shape this version does not know; try again later")
