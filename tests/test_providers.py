"""TVmaze and TMDB through a local server (tests/fake_providers.py): shapes, paging, 429 and
Retry-After, timeouts, malformed JSON, a refused key, the cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fake_providers import (
    ARRIVAL,
    ARRIVAL_RESULT,
    SLOW_HORSES,
    TMDB_KEY,
    FakeProviders,
    Reply,
    serving,
    standard_routes,
    tmdb_auth,
)

from mydia_import.integrations.metadata import ProviderError
from mydia_import.integrations.metadata.cache import Cache
from mydia_import.integrations.metadata.http import USER_AGENT, Http
from mydia_import.integrations.metadata.providers import Providers, confident
from mydia_import.integrations.metadata.tvmaze import TVmaze
from mydia_import.models import MediaType


@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    with serving() as fake:
        standard_routes(fake)
        yield fake


def providers(fake: FakeProviders, tmp_path: Path, key: str | None = TMDB_KEY, cache_days: int = 7,
              timeout: float = 5, waits: list[float] | None = None) -> Providers:
    settings = SimpleNamespace(metadata_cache=tmp_path / "cache", metadata_cache_days=cache_days,
                               metadata_timeout=timeout, tvmaze_url=fake.url, tmdb_url=fake.url + "/3",
                               tmdb_api_key=key, tmdb_api_key_file=None)
    return Providers(settings, sleep=(waits if waits is not None else []).append)


def test_tvmaze_search_gives_candidates_with_year_network_and_overview(fake, tmp_path):
    [show] = providers(fake, tmp_path).search(MediaType.TV_SHOW, "Slow Horses")
    assert (show.provider, show.id, show.title, show.year, show.network) == ("tvmaze", 44778, "Slow Horses",
                                                                           2022, "Apple TV+")
    assert show.to_json()["overview"] == "Slow Horses follows a team of British intelligence agents."
    assert fake.requests[0][1] == {"q": ["Slow Horses"]}


def test_tvmaze_details_give_numbered_episodes_akas_and_external_ids(fake, tmp_path):
    p = providers(fake, tmp_path)
    details = p.details(p.search(MediaType.TV_SHOW, "Slow Horses")[0])
    assert [(e.season, e.episode, e.title, e.air_date) for e in details.episodes] == [
        (1, 1, "Failure's Contagious", "2022-04-01"), (1, 2, "Work Drinks", "2022-04-01")]  # no unnumbered special
    assert details.aliases == ("Медленные лошади",)
    assert details.imdb_id == "tt5875444"
    assert details.metadata["tvmaze_id"] == 44778 and details.metadata["tvdb_id"] == 401012
    assert details.metadata["alternative_titles"] == [{"title": "Медленные лошади"}]


def test_every_request_names_the_tool_in_its_user_agent(fake, tmp_path):
    providers(fake, tmp_path).search(MediaType.TV_SHOW, "Slow Horses")
    assert fake.requests[0][2]["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("mydia-import/")


def test_tmdb_movie_details_give_alternative_titles_and_imdb_id(fake, tmp_path):
    p = providers(fake, tmp_path)
    [movie] = p.search(MediaType.MOVIE, "Arrival", 2016)
    details = p.details(movie)
    assert (details.tmdb_id, details.imdb_id, details.aliases) == (329865, "tt2543164", ("Story of Your Life",))
    assert details.metadata["alternative_titles"] == ARRIVAL["alternative_titles"]
    assert fake.requests[0][1]["year"] == ["2016"]


def test_tmdb_search_reads_further_pages_until_the_exact_title_is_found(fake, tmp_path):
    others = [{"id": n, "title": f"Seven Days {n}", "release_date": "2001-01-01"} for n in range(1, 21)]
    seven = {"id": 807, "title": "Se7en", "original_title": "Se7en", "release_date": "1995-09-22"}
    seven_title = {"id": 808, "title": "Seven", "release_date": "1995-05-01"}
    pages = {"1": others, "2": [seven, seven_title], "3": [{"id": 999, "title": "Never Read"}]}
    fake.routes["/3/search/movie"] = tmdb_auth(lambda q: {"page": int(q["page"][0]), "total_pages": 3,
                                                          "results": pages[q["page"][0]]})
    found = providers(fake, tmp_path).search(MediaType.MOVIE, "Seven", 1995)
    assert fake.calls("/3/search/movie") == 2
    assert found[0].id == 808  # exact title and year first
    assert confident(found, "Seven", 1995).id == 808


def test_a_429_waits_as_long_as_retry_after_says_then_retries(fake, tmp_path):
    fake.routes["/search/shows"] = [Reply(429, {"message": "slow down"}, {"Retry-After": "3"}),
                                    Reply(200, [{"score": 1, "show": SLOW_HORSES}])]
    waits: list[float] = []
    [show] = providers(fake, tmp_path, waits=waits).search(MediaType.TV_SHOW, "Slow Horses")
    assert show.id == 44778
    assert waits == [3.0]
    assert fake.calls("/search/shows") == 2


def test_a_provider_that_stays_busy_is_a_provider_error_after_backing_off(fake, tmp_path):
    fake.routes["/search/shows"] = Reply(503, {"message": "down"})
    waits: list[float] = []
    with pytest.raises(ProviderError, match="TVmaze is busy or failing"):
        providers(fake, tmp_path, waits=waits).search(MediaType.TV_SHOW, "Slow Horses")
    assert waits == [1, 2, 4]  # exponential backoff between the four tries


def test_a_retry_after_too_long_to_wait_fails_now(fake, tmp_path):
    fake.routes["/search/shows"] = Reply(429, {}, {"Retry-After": "3600"})
    with pytest.raises(ProviderError, match="TVmaze"):
        providers(fake, tmp_path).search(MediaType.TV_SHOW, "Slow Horses")
    assert fake.calls("/search/shows") == 1


def test_a_provider_that_does_not_answer_in_time_is_a_provider_error(fake, tmp_path):
    fake.routes["/search/shows"] = Reply(200, [], delay=1.0)
    http = Http("TVmaze", Cache(None, 0), timeout=0.2, sleep=lambda s: None)
    with pytest.raises(ProviderError, match="TVmaze did not answer within 0.2 s"):
        TVmaze(http, fake.url).search(MediaType.TV_SHOW, "Slow Horses")
    http.close()


def test_malformed_json_is_a_provider_error_naming_the_provider(fake, tmp_path):
    fake.routes["/search/shows"] = Reply(200, b"<html>maintenance</html>")
    with pytest.raises(ProviderError, match="TVmaze answered something that is not JSON"):
        providers(fake, tmp_path).search(MediaType.TV_SHOW, "Slow Horses")


def test_a_refused_key_is_a_provider_error_that_never_shows_the_key(fake, tmp_path):
    with pytest.raises(ProviderError, match="TMDB refused the API key") as error:
        providers(fake, tmp_path, key="wrongwrongwrong").search(MediaType.MOVIE, "Arrival", 2016)
    assert "wrongwrongwrong" not in str(error.value)


def test_a_read_access_token_goes_in_the_authorization_header(fake, tmp_path):
    [movie] = providers(fake, tmp_path, key=f"eyJ{TMDB_KEY}").search(MediaType.MOVIE, "Arrival", 2016)
    assert movie.id == ARRIVAL_RESULT["id"]
    assert "api_key" not in fake.requests[0][1]


def test_tmdb_without_a_key_says_where_the_key_goes(fake, tmp_path):
    with pytest.raises(ProviderError, match="tmdb_api_key_file"):
        providers(fake, tmp_path, key=None).search(MediaType.MOVIE, "Arrival")
    assert fake.requests == []


def test_a_second_run_asks_nothing_it_already_knows(fake, tmp_path):
    first = providers(fake, tmp_path)
    first.details(first.search(MediaType.MOVIE, "Arrival", 2016)[0])
    asked = len(fake.requests)
    second = providers(fake, tmp_path)
    second.details(second.search(MediaType.MOVIE, "Arrival", 2016)[0])
    assert len(fake.requests) == asked and second.calls() == 0
    cached = "".join(p.read_text() for p in (tmp_path / "cache").rglob("*.json"))
    assert TMDB_KEY not in cached  # the key is no part of what is stored


def test_an_expired_cache_asks_again(fake, tmp_path):
    providers(fake, tmp_path, cache_days=0).search(MediaType.TV_SHOW, "Slow Horses")
    providers(fake, tmp_path, cache_days=0).search(MediaType.TV_SHOW, "Slow Horses")
    assert fake.calls("/search/shows") == 2


def test_a_damaged_cache_file_is_a_miss(fake, tmp_path):
    providers(fake, tmp_path).search(MediaType.TV_SHOW, "Slow Horses")
    for path in (tmp_path / "cache").rglob("*.json"):
        path.write_text("{not json")
    providers(fake, tmp_path).search(MediaType.TV_SHOW, "Slow Horses")
    assert fake.calls("/search/shows") == 2


def test_an_id_names_one_candidate(fake, tmp_path):
    [show] = providers(fake, tmp_path).search(MediaType.TV_SHOW, "whatever", tvmaze_id=44778)
    assert show.title == "Slow Horses"


def test_tmdb_shows_read_each_season(fake, tmp_path):
    fake.routes["/3/tv/1396"] = tmdb_auth(lambda q: {
        "id": 1396, "name": "Breaking Bad", "original_name": "Breaking Bad", "first_air_date": "2008-01-20",
        "origin_country": ["US"], "networks": [{"id": 174, "name": "AMC"}],
        "seasons": [{"season_number": 0, "episode_count": 1}, {"season_number": 1, "episode_count": 2}],
        "alternative_titles": {"results": [{"iso_3166_1": "MX", "title": "Breaking Bad: Reacciones"}]},
        "external_ids": {"imdb_id": "tt0903747", "tvdb_id": 81189}})
    fake.routes["/3/tv/1396/season/0"] = tmdb_auth(lambda q: {"episodes": [
        {"episode_number": 1, "name": "Good Cop Bad Cop", "air_date": "2009-02-17", "season_number": 0}]})
    fake.routes["/3/tv/1396/season/1"] = tmdb_auth(lambda q: {"episodes": [
        {"episode_number": 1, "name": "Pilot", "air_date": "2008-01-20", "season_number": 1},
        {"episode_number": 2, "name": "Cat's in the Bag...", "air_date": "2008-01-27", "season_number": 1}]})
    p = providers(fake, tmp_path)
    details = p.details(p.search(MediaType.TV_SHOW, "x", tmdb_id=1396)[0])
    assert [(e.season, e.episode) for e in details.episodes] == [(0, 1), (1, 1), (1, 2)]
    assert details.aliases == ("Breaking Bad: Reacciones",) and details.imdb_id == "tt0903747"
    assert details.candidate.network == "AMC"
