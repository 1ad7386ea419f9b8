"""`identify`: the parse and the match of names, in the shape of the contract's identify document."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from mydia_import.identify.names import identify_names, parse_json
from mydia_import.identify.parse import ReleaseParser
from mydia_import.library import Library
from mydia_import.models import Release

# The contract's keys, and the tool's own additions (note, candidates; edition, country).
NAME_KEYS = {"name", "parse", "media_item", "episodes", "reason", "code", "note", "candidates"}
PARSE_KEYS = {"type", "title", "year", "season", "episodes", "air_date", "absolute", "part",
              "release_group", "resolution", "edition", "country"}
MEDIA_ITEM_KEYS = {"id", "type", "title", "year"}


@pytest.fixture(scope="module")
def parser() -> ReleaseParser:
    return ReleaseParser()


@pytest.fixture
def library() -> Iterator[Library]:
    lib = Library.memory()
    lib.load({
        "movies": [{"title": "Inception", "year": 2010}, {"title": "Dune", "year": 1984},
                   {"title": "Dune", "year": 2021}],
        "shows": [
            {"title": "Breaking Bad", "year": 2008, "episodes": [
                {"season": 1, "episode": n} for n in range(1, 8)]},
            {"title": "The Daily Show", "episodes": [{"season": 29, "episode": 5, "air_date": "2024-01-15"}]},
            {"title": "Frieren", "year": 2023, "episodes": [{"season": 2, "episode": 1, "absolute": 29}]},
        ],
    })
    yield lib
    lib.close()


def item_id(library: Library, title: str, year: int | None = None) -> str:
    [item] = [s.ref for s in library.list_items() if s.ref.title == title and s.ref.year == year]
    return item.id


def test_a_matched_episode_is_the_contract_document(library, parser):
    [result] = identify_names(["Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv"], library, parser)
    assert result == {
        "name": "Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv",
        "parse": {"type": "episode", "title": "Breaking Bad", "year": None, "season": 1, "episodes": [2],
                  "air_date": None, "absolute": [], "part": None, "release_group": "CTU",
                  "resolution": "720p", "edition": None, "country": None},
        "media_item": {"id": item_id(library, "Breaking Bad", 2008), "type": "tv_show",
                       "title": "Breaking Bad", "year": 2008},
        "episodes": [{"season": 1, "episode": 2}],
        "reason": None,
        "code": None,
        "note": None,
        "candidates": [],
    }


def test_a_matched_movie_is_the_contract_document(library, parser):
    [result] = identify_names(["Inception.2010.CD2.1080p.BluRay.x264-SPARKS.mkv"], library, parser)
    assert result == {
        "name": "Inception.2010.CD2.1080p.BluRay.x264-SPARKS.mkv",
        "parse": {"type": "movie", "title": "Inception", "year": 2010, "season": None, "episodes": [],
                  "air_date": None, "absolute": [], "part": 2, "release_group": "SPARKS",
                  "resolution": "1080p", "edition": None, "country": None},
        "media_item": {"id": item_id(library, "Inception", 2010), "type": "movie", "title": "Inception",
                       "year": 2010},
        "episodes": [],
        "reason": None,
        "code": None,
        "note": None,
        "candidates": [],
    }


def test_an_unmatched_name_has_no_item_no_episodes_and_a_reason(library, parser):
    [result] = identify_names(["Dune.1080p.BluRay.mkv"], library, parser)
    assert set(result) == NAME_KEYS
    assert (result["media_item"], result["episodes"]) == (None, [])
    assert result["reason"] == ("ambiguous: 'Dune (1984)' and 'Dune (2021)' both fit; "
                                "add the year to the name or an alias to one of them")
    assert result["code"] == "ambiguous"
    assert result["parse"]["title"] == "Dune"
    assert [(c["title"], c["year"]) for c in result["candidates"]] == [("Dune", 1984), ("Dune", 2021)]


def test_a_name_without_a_title_still_shows_its_parse(library, parser):
    [result] = identify_names(["1080p.mkv"], library, parser)
    assert result["reason"] == "the name gives no title to look up"
    assert result["code"] == "no-title"
    assert result["parse"]["resolution"] == "1080p"
    assert result["parse"]["title"] is None


def test_a_multi_episode_name_lists_every_episode(library, parser):
    [result] = identify_names(["Breaking.Bad.S01E01-E03.mkv"], library, parser)
    assert result["parse"]["episodes"] == [1, 2, 3]
    assert result["episodes"] == [{"season": 1, "episode": n} for n in (1, 2, 3)]


def test_an_air_date_is_written_as_iso_text(library, parser):
    [result] = identify_names(["The.Daily.Show.2024.01.15.720p.WEB.mkv"], library, parser)
    assert result["parse"]["air_date"] == "2024-01-15"
    assert result["episodes"] == [{"season": 29, "episode": 5}]


def test_an_anime_number_shows_as_an_episode_and_matches_by_absolute(library, parser):
    [result] = identify_names(["[SubsPlease] Frieren - 29 (1080p) [ABCD1234].mkv"], library, parser)
    assert (result["parse"]["season"], result["parse"]["episodes"]) == (None, [29])
    assert result["episodes"] == [{"season": 2, "episode": 1}]


@pytest.mark.parametrize("name, episodes", [
    ("Breaking.Bad.S01.1080p.WEB-DL-GRP/E04.mkv", [{"season": 1, "episode": 4}]),
    ("/downloads/Breaking.Bad.S01.1080p.WEB-DL-GRP/E04.mkv", [{"season": 1, "episode": 4}]),
    ("downloads/Breaking.Bad.S01E05.1080p.WEB-DL-GRP/abc123.mkv", [{"season": 1, "episode": 5}]),
    ("../Breaking.Bad.S01E06.1080p/./x7f3k.mkv", [{"season": 1, "episode": 6}]),
])
def test_a_path_counts_its_folders_as_evidence(library, parser, name, episodes):
    [result] = identify_names([name], library, parser)
    assert result["name"] == name  # as given
    assert result["media_item"]["title"] == "Breaking Bad"
    assert result["episodes"] == episodes
    assert result["reason"] is None


def test_a_path_of_a_movie_release_folder_identifies_an_obfuscated_file(library, parser):
    [result] = identify_names(["Inception.2010.1080p.BluRay.x264-GRP/a1b2c3.mkv"], library, parser)
    assert result["media_item"]["title"] == "Inception"
    assert result["parse"]["resolution"] == "1080p"


def test_the_same_file_name_without_its_folder_is_unmatched(library, parser):
    [result] = identify_names(["E04.mkv"], library, parser)
    assert result["media_item"] is None
    assert result["reason"] == "the name gives no title to look up"
    assert result["code"] == "no-title"


def test_one_result_per_name_in_the_order_given(library, parser):
    names = ["Inception.2010.mkv", "Unknown.2010.mkv", "Breaking.Bad.S01E07.mkv", "Inception.2010.mkv"]
    results = identify_names(names, library, parser)
    assert [r["name"] for r in results] == names
    assert [r["media_item"]["title"] if r["media_item"] else None for r in results] == [
        "Inception", None, "Breaking Bad", "Inception"]


def test_every_result_has_exactly_the_contract_keys_and_is_json(library, parser):
    names = ["Inception.2010.mkv", "Unknown.2010.mkv", "Breaking.Bad.S01E02.mkv", "x/y/E01.mkv", "1080p.mkv",
             "The.Daily.Show.2024.01.15.mkv"]
    results = identify_names(names, library, parser)
    for result in results:
        assert set(result) == NAME_KEYS
        assert set(result["parse"]) == PARSE_KEYS
        assert result["media_item"] is None or set(result["media_item"]) == MEDIA_ITEM_KEYS
        assert all(set(e) == {"season", "episode"} for e in result["episodes"])
        assert (result["reason"] is None) == (result["media_item"] is not None)
    assert json.loads(json.dumps({"names": results})) == {"names": results}


def test_a_parser_can_be_shared_and_each_name_is_parsed_once(library):
    class Counting(ReleaseParser):
        def __init__(self):
            super().__init__()
            self.asked: list[str] = []

        def _parse(self, name, type_hint):
            self.asked.append(name)
            return super()._parse(name, type_hint)

    counting = Counting()
    identify_names(["Inception.2010.mkv", "Inception.2010.mkv"], library, counting)
    assert counting.asked == ["Inception.2010.mkv"]


def test_without_a_parser_one_is_made(library):
    [result] = identify_names(["Inception.2010.mkv"], library)
    assert result["media_item"]["title"] == "Inception"


def test_parse_json_of_a_bare_release_is_all_empty():
    assert parse_json(Release("x")) == {
        "type": None, "title": None, "year": None, "season": None, "episodes": [], "air_date": None,
        "absolute": [], "part": None, "release_group": None, "resolution": None, "edition": None,
        "country": None}


def test_a_contradiction_between_a_file_and_its_folder_is_a_note(library, parser):
    [result] = identify_names(["Breaking.Bad.S01E03.720p-GRP/Breaking.Bad.S01E04.720p-GRP.mkv"], library, parser)
    assert result["episodes"] == [{"season": 1, "episode": 4}] and result["reason"] is None
    assert result["note"] == ("the file name says S01E04 but its folder 'Breaking.Bad.S01E03.720p-GRP' says "
                              "S01E03; the file's own numbers were used")


def test_the_show_of_a_season_pack_is_its_candidate(library, parser):
    [result] = identify_names(["Breaking.Bad.S01.1080p.WEB-DL.mkv"], library, parser)
    assert [c["title"] for c in result["candidates"]] == ["Breaking Bad"]
    assert "never mapped to a whole season" in result["reason"]


def test_identify_writes_the_parse_cache_so_a_second_run_asks_guessit_nothing(tmp_path, monkeypatch):
    with Library.open(tmp_path / "db.sqlite") as lib:
        lib.add_movie("Inception", 2010)
        first = identify_names(["Inception.2010.mkv"], lib)
    asked: list[str] = []
    monkeypatch.setattr(ReleaseParser, "_parse", lambda self, name, hint: asked.append(name) or Release(name))
    with Library.open(tmp_path / "db.sqlite") as lib:
        assert identify_names(["Inception.2010.mkv"], lib) == first
    assert asked == []


def test_identify_on_a_read_only_library_reads_the_cache_and_writes_nothing(tmp_path, monkeypatch):
    with Library.open(tmp_path / "db.sqlite") as lib:
        lib.add_movie("Inception", 2010)
    monkeypatch.setattr(Library, "writable", lambda self: False)
    with Library.open(tmp_path / "db.sqlite") as lib:
        identify_names(["Inception.2010.mkv"], lib)
    with Library.open(tmp_path / "db.sqlite") as lib:
        assert lib.db.value("SELECT count(*) FROM import_parse_cache") == 0


def test_a_library_database_in_a_read_only_folder_is_not_writable(tmp_path):
    with Library.open(tmp_path / "db.sqlite") as lib:
        assert lib.writable()
        tmp_path.chmod(0o555)
        try:
            assert lib.writable() is (os.geteuid() == 0)
        finally:
            tmp_path.chmod(0o755)


def test_identify_parses_many_names_in_one_batch(library):
    class Batching(ReleaseParser):
        batches: list[list[str]] = []

        def parse_many(self, names, type_hint=None):
            names = list(names)
            self.batches.append(names)
            return super().parse_many(names, type_hint)

    parser = Batching()
    identify_names(["Show.S01/Show.S01E01.mkv", "Inception.2010.mkv"], library, parser)
    assert parser.batches == [["Show.S01", "Show.S01E01.mkv", "Inception.2010.mkv"]]
