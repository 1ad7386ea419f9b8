"""Alternate titles in matching (issue 16): aliases, Mydia's metadata, Sonarr-like loose keys."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from mydia_import.identify.names import identify_names
from mydia_import.identify.parse import ReleaseParser
from mydia_import.library import Library
from mydia_import.titles import loose_key

PARSER = ReleaseParser()


@pytest.fixture
def library() -> Iterator[Library]:
    lib = Library.memory()
    lib.load({
        "movies": [{"title": "Fast & Furious", "year": 2009}, {"title": "Se7en", "year": 1995},
                   {"title": "Star Wars", "year": 1977}, {"title": "Rocky II", "year": 1979},
                   {"title": "Movie Movie", "year": 1978}],
        "shows": [{"title": "Agents of S.H.I.E.L.D.", "year": 2013,
                   "episodes": [{"season": 1, "episode": 1, "title": "Pilot"}]}],
    })
    yield lib
    lib.close()


def matched(library: Library, name: str) -> str | None:
    [found] = identify_names([name], library, PARSER)
    return found["media_item"]["title"] if found["media_item"] else None


def set_metadata(library: Library, title: str, metadata: dict) -> None:
    # As Mydia writes it: the payload and a new updated_at together.
    library.db.execute("UPDATE media_items SET metadata = ?, updated_at = '2030-01-01T00:00:00' WHERE title = ?",
                       [json.dumps(metadata), title])


@pytest.mark.parametrize("title, key", [
    ("Fast & Furious", "fastfurious"),
    ("Fast and Furious", "fastfurious"),
    ("Rocky II", "rocky2"),
    ("The Godfather Part III", "godfatherpart3"),
    ("XX", "xx"),  # a first word is never a numeral
    ("Malcolm X", "malcolmx"),  # nor a lone X, V or I
])
def test_loose_keys_drop_and_and_read_roman_numerals(title, key):
    assert loose_key(title) == key


def test_a_name_without_the_ampersand_matches_the_title_with_it(library):
    assert matched(library, "Fast.Furious.2009.1080p.BluRay.x264-GRP.mkv") == "Fast & Furious"


def test_a_dotted_acronym_matches(library):
    assert matched(library, "Agents.of.S.H.I.E.L.D.S01E01.720p.HDTV.x264-GRP.mkv") == "Agents of S.H.I.E.L.D."


def test_roman_numerals_match_digits(library):
    assert matched(library, "Rocky.2.1979.1080p.BluRay.x264-GRP.mkv") == "Rocky II"


def test_a_name_keeps_its_own_and(library):
    # "Movie and Movie" is another film than the library's "Movie Movie".
    assert matched(library, "Movie.and.Movie.1978.720p.BluRay.x264-GRP.mkv") is None


def test_a_typed_alias_matches(library):
    library.add_movie("Se7en", year=1995, aliases=["Seven"])
    assert matched(library, "Seven.1995.1080p.BluRay.x264-GRP.mkv") == "Se7en"


def test_alternative_titles_in_mydias_metadata_match(library):
    set_metadata(library, "Star Wars", {"alternative_titles": {"titles": [
        {"iso_3166_1": "US", "title": "Star Wars: Episode IV - A New Hope", "type": ""},
        {"iso_3166_1": "GB", "title": "Star Wars: A New Hope", "type": ""}]}})
    reopened = Library(library.db)  # opening brings the keys up to date, as after Mydia's edit
    assert matched(reopened, "Star.Wars.A.New.Hope.1977.1080p.BluRay.x264-GRP.mkv") == "Star Wars"
    assert matched(reopened, "Star.Wars.Episode.IV.A.New.Hope.1977.1080p.mkv") == "Star Wars"


def test_an_original_title_in_metadata_matches(library):
    set_metadata(library, "Se7en", {"original_title": "Seven"})
    assert matched(Library(library.db), "Seven.1995.1080p.BluRay.x264-GRP.mkv") == "Se7en"


def test_an_alternate_title_two_items_share_is_ambiguous_not_a_guess(library):
    library.add_movie("Other Film", year=1995, aliases=["Seven"])
    library.add_movie("Se7en", year=1995, aliases=["Seven"])
    assert matched(library, "Seven.1995.1080p.BluRay.x264-GRP.mkv") is None


def test_a_loose_key_speaks_only_when_no_exact_key_does(library):
    library.add_movie("Movie & Movie", year=1978)
    assert matched(library, "Movie.Movie.1978.720p.BluRay.x264-GRP.mkv") == "Movie Movie"
