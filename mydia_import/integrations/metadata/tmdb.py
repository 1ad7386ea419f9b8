"""TMDB (https://developer.themoviedb.org, API v3): movies and shows, with the user's key.

The key is either a v3 API key (sent as `api_key`) or a read-access token (a JWT, sent
as `Authorization: Bearer`); it never reaches the cache, a message or the database.
Shapes read: /search/movie and /search/tv ({"page", "total_pages", "results"}),
/movie/:id and /tv/:id with append_to_response=alternative_titles,external_ids,
/tv/:id/season/:n ({"episodes"}), /find/:imdb_id ({"movie_results", "tv_results"}).
"""

from __future__ import annotations

from typing import Any

from mydia_import.integrations.metadata import Candidate, Details, Episode, ProviderError, year_of
from mydia_import.integrations.metadata.http import Http
from mydia_import.models import MediaType

NAME = "TMDB"
MAX_PAGES = 3  # a common title's right result is rarely further than this


class TMDB:
    def __init__(self, http: Http, base_url: str, key: str | None):
        self.http = http
        self.base = base_url.rstrip("/")
        self.key = (key or "").strip()

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        if not self.key:
            raise ProviderError(f"{NAME} needs an API key: put it in the file named by [metadata] "
                                "tmdb_api_key_file or in MYDIA_IMPORT_METADATA_TMDB_API_KEY")
        if self.key.startswith("eyJ"):  # a read-access token is a JWT
            return self.http.get(self.base + path, params, headers={"Authorization": f"Bearer {self.key}"})
        return self.http.get(self.base + path, params, secret_params={"api_key": self.key})

    def search(self, type: MediaType, title: str, year: int | None = None) -> list[Candidate]:
        movie = type is MediaType.MOVIE
        params: dict[str, Any] = {"query": title, "include_adult": "false"}
        if year is not None:
            params["year" if movie else "first_air_date_year"] = year
        found: list[Candidate] = []
        for page in range(1, MAX_PAGES + 1):
            answer = self._get("/search/movie" if movie else "/search/tv", {**params, "page": page})
            if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
                raise ProviderError(f"{NAME} answered a search in a shape this version does not know")
            found += [c for c in (_candidate(r, type) for r in answer["results"]) if c is not None]
            exact = any(c.title.casefold() == title.casefold() and (year is None or c.year == year)
                        for c in found)
            if exact or page >= int(answer.get("total_pages") or 1):
                break
        return found

    def by_imdb(self, type: MediaType, imdb_id: str) -> Candidate | None:
        answer = self._get(f"/find/{imdb_id}", {"external_source": "imdb_id"}) or {}
        results = answer.get("movie_results" if type is MediaType.MOVIE else "tv_results") or []
        return next((c for c in (_candidate(r, type) for r in results) if c), None)

    def by_id(self, type: MediaType, tmdb_id: int) -> Candidate | None:
        answer = self._get(f"/{'movie' if type is MediaType.MOVIE else 'tv'}/{tmdb_id}")
        return _candidate(answer, type) if isinstance(answer, dict) else None

    def details(self, candidate: Candidate) -> Details:
        movie = candidate.type is MediaType.MOVIE
        path = f"/{'movie' if movie else 'tv'}/{candidate.id}"
        data = self._get(path, {"append_to_response": "alternative_titles,external_ids"})
        if not isinstance(data, dict):
            raise ProviderError(f"{NAME} has no {'movie' if movie else 'show'} {candidate.id}; check the id")
        base = _candidate(data, candidate.type) or candidate
        alternatives = data.get("alternative_titles") or {}
        listed = alternatives.get("titles" if movie else "results") or []
        aliases = tuple(dict.fromkeys(
            t["title"] for t in listed if isinstance(t, dict) and isinstance(t.get("title"), str)
            and t["title"] != base.title))
        externals = data.get("external_ids") or {}
        episodes: list[Episode] = []
        if not movie:
            for season in data.get("seasons") or []:
                number = season.get("season_number") if isinstance(season, dict) else None
                if not isinstance(number, int):
                    continue
                listing = self._get(f"{path}/season/{number}") or {}
                episodes += [Episode(number, e["episode_number"], e.get("name") or None, e.get("air_date") or None,
                                     e["id"] if isinstance(e.get("id"), int) else None)
                             for e in listing.get("episodes") or []
                             if isinstance(e, dict) and isinstance(e.get("episode_number"), int)]
        # The payload as Mydia keeps it: TMDB's own details (seasons' episodes not repeated).
        metadata = {k: v for k, v in data.items() if k not in ("credits", "images", "videos")}
        metadata["provider"] = "tmdb"
        return Details(base, tmdb_id=base.id, imdb_id=data.get("imdb_id") or externals.get("imdb_id"),
                       aliases=aliases, episodes=tuple(episodes), metadata=metadata)


def _candidate(result: Any, type: MediaType) -> Candidate | None:
    if not isinstance(result, dict) or not isinstance(result.get("id"), int):
        return None
    movie = type is MediaType.MOVIE
    title = result.get("title" if movie else "name")
    if not isinstance(title, str):
        return None
    countries = result.get("origin_country") or result.get("production_countries") or []
    country = countries[0] if countries and isinstance(countries[0], str) else None
    networks = result.get("networks") or []
    network = networks[0].get("name") if networks and isinstance(networks[0], dict) else None
    return Candidate(NAME.lower(), result["id"], type, title,
                     year_of(result.get("release_date" if movie else "first_air_date")), country, network,
                     result.get("overview"), result.get("original_title" if movie else "original_name"))
