"""Lookups for matching: titles, aliases, episodes by number, date and absolute number."""

from __future__ import annotations

import datetime as dt

import pytest

from mydia_import.library import Library
from mydia_import.models import MediaType
from mydia_import.titles import normalize_title


@pytest.fixture
def lib() -> Library:
    lib = Library.memory()
    lib.load({
        "movies": [
            {"title": "Amélie", "year": 2001, "aliases": ["Le Fabuleux Destin d'Amélie Poulain"]},
            {"title": "The Office", "year": 2005},
        ],
        "shows": [
            {"title": "The Office", "year": 2005, "aliases": ["The Office (US)"], "episodes": [
                {"season": 1, "episode": 1, "title": "Pilot", "air_date": "2005-03-24"},
                {"season": 1, "episode": 2, "title": "Diversity Day", "air_date": "2005-03-29"},
                {"season": 2, "episode": 1, "air_date": "2005-09-20"},
            ]},
            {"title": "Shingeki no Kyojin", "aliases": ["Attack on Titan"], "episodes": [
                {"season": 1, "episode": 1, "absolute": 1},
                {"season": 2, "episode": 1, "absolute": 26},
                {"season": 2, "episode": 2, "absolute": 27},
            ]},
            {"title": "Talk Show", "episodes": [
                {"season": 2024, "episode": 10, "air_date": "2024-05-01"},
                {"season": 2024, "episode": 11, "air_date": "2024-05-01"},
            ]},
        ],
    })
    return lib


def _show(lib: Library, title: str):
    [item] = lib.find_items(normalize_title(title), MediaType.TV_SHOW)
    return item


def test_find_items_ignores_case_accents_and_articles(lib):
    for name in ("AMELIE", "amélie", "Amelie"):
        assert [i.title for i in lib.find_items(normalize_title(name))] == ["Amélie"]
    assert {i.type for i in lib.find_items(normalize_title("Office"))} == {
        MediaType.MOVIE, MediaType.TV_SHOW}


def test_find_items_matches_aliases(lib):
    found = lib.find_items(normalize_title("Le.Fabuleux.Destin.d'Amelie.Poulain"))
    assert [i.title for i in found] == ["Amélie"]
    assert [i.title for i in lib.find_items(normalize_title("Attack on Titan"))] == [
        "Shingeki no Kyojin"]
    assert [i.title for i in lib.find_items(normalize_title("the office us"))] == ["The Office"]


def test_find_items_filters_by_type(lib):
    [movie] = lib.find_items("office", MediaType.MOVIE)
    assert (movie.type, movie.year) == (MediaType.MOVIE, 2005)
    assert lib.find_items("amelie", MediaType.TV_SHOW) == []


def test_find_items_returns_nothing_for_an_unknown_title(lib):
    assert lib.find_items("parksandrecreation") == []


def test_find_episodes_keeps_the_order_asked_and_leaves_out_missing_ones(lib):
    office = _show(lib, "The Office")
    found = lib.find_episodes(office.id, 1, [2, 9, 1])
    assert [(e.season, e.episode, e.title) for e in found] == [
        (1, 2, "Diversity Day"), (1, 1, "Pilot")]
    assert found[1].air_date == dt.date(2005, 3, 24)
    assert lib.find_episodes(office.id, 3, [1]) == []


def test_find_episodes_by_air_date(lib):
    office = _show(lib, "The Office")
    assert [e.code() for e in lib.find_episodes_by_air_date(office.id, dt.date(2005, 9, 20))] == [
        "S02E01"]
    talk = _show(lib, "Talk Show")
    both = lib.find_episodes_by_air_date(talk.id, dt.date(2024, 5, 1))
    assert [e.episode for e in both] == [10, 11]
    assert lib.find_episodes_by_air_date(office.id, dt.date(2024, 5, 1)) == []


def test_find_episodes_by_absolute_number(lib):
    titan = _show(lib, "Attack on Titan")
    found = lib.find_episodes_by_absolute(titan.id, [27, 26, 99])
    assert [e.code() for e in found] == ["S02E02", "S02E01"]


def test_season_numbers(lib):
    assert lib.season_numbers(_show(lib, "The Office").id) == {1, 2}
    assert lib.season_numbers(_show(lib, "Talk Show").id) == {2024}


def test_get_item(lib):
    office = _show(lib, "The Office")
    assert lib.get_item(office.id) == office
    assert lib.get_item("no-such-id") is None


def test_title_keys_gives_the_keys_that_start_with_the_prefix_and_their_items(lib):
    office = _show(lib, "The Office")
    assert lib.title_keys(MediaType.TV_SHOW, "off") == {"office": [office.id], "officeus": [office.id]}
    assert lib.title_keys(MediaType.TV_SHOW, "zzz") == {}
    assert set(lib.title_keys(MediaType.MOVIE)) == {"amelie", "office", "lefabuleuxdestindameliepoulain"}


def test_lookups_search_indexes_and_never_scan_a_table(lib):
    office = _show(lib, "The Office")
    statements: list[tuple[str, object]] = []
    with lib.db.tracer(lambda sql, params: statements.append((sql, params))):
        lib.find_items("office")
        lib.find_items("office", MediaType.MOVIE)
        lib.find_episodes(office.id, 1, [1, 2])
        lib.find_episodes_by_air_date(office.id, dt.date(2005, 3, 24))
        lib.find_episodes_by_absolute(office.id, [1])
        lib.season_numbers(office.id)
        lib.get_item(office.id)
        lib.title_keys(MediaType.TV_SHOW, "off")
    assert len(statements) == 8
    for sql, params in statements:
        plan = [r["detail"] for r in lib.db.rows(f"EXPLAIN QUERY PLAN {sql}", params or ())]
        assert not [step for step in plan if step.startswith("SCAN")], (sql, plan)
        # Searching by type alone would walk every movie or every show.
        assert not [step for step in plan if "media_items_type_index" in step], (sql, plan)
