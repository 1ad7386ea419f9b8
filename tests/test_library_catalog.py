"""Movies, shows and episodes: load, add, list, identity, validation."""

from __future__ import annotations

import copy

import pytest

from mydia_import.errors import LibraryError
from mydia_import.library import Library, LoadSummary
from mydia_import.models import MediaType

LIBRARY = {
    "movies": [
        {"title": "Inception", "year": 2010, "aliases": ["Origen"], "tmdb_id": 27205,
         "imdb_id": "tt1375666"},
        {"title": "Heat", "year": 1995},
    ],
    "shows": [
        {"title": "Breaking Bad", "year": 2008, "aliases": [], "tmdb_id": 1396,
         "episodes": [
             {"season": 1, "episode": 1, "title": "Pilot", "air_date": "2008-01-20", "absolute": 1},
             {"season": 1, "episode": 2, "title": "Cat's in the Bag..."},
         ]},
    ],
}


@pytest.fixture
def lib() -> Library:
    return Library.memory()


def _snapshot(lib: Library) -> list[dict]:
    return lib.db.rows(
        "SELECT * FROM media_items m LEFT JOIN episodes e ON e.media_item_id = m.id "
        "ORDER BY m.title, e.season_number, e.episode_number"
    )


def test_loading_a_library_file_adds_movies_shows_and_episodes(lib):
    summary = lib.load(LIBRARY)
    assert summary == LoadSummary(movies_added=2, shows_added=1, episodes_added=2)
    listed = {(i.ref.type, i.ref.title, i.ref.year, i.episodes) for i in lib.list_items()}
    assert listed == {(MediaType.MOVIE, "Inception", 2010, 0), (MediaType.MOVIE, "Heat", 1995, 0),
                      (MediaType.TV_SHOW, "Breaking Bad", 2008, 2)}


def test_loading_the_same_library_file_twice_changes_nothing(lib):
    lib.load(LIBRARY)
    # An old updated_at shows any rewrite, even one within the same second.
    for table in ("media_items", "episodes"):
        lib.db.execute(f"UPDATE {table} SET updated_at = '2000-01-01T00:00:00Z'")
    before = _snapshot(lib)
    summary = lib.load(copy.deepcopy(LIBRARY))
    assert summary == LoadSummary(movies_unchanged=2, shows_unchanged=1)
    assert not summary.changed
    assert _snapshot(lib) == before  # updated_at included


def test_loading_changed_data_updates_the_same_items(lib):
    lib.load(LIBRARY)
    data = copy.deepcopy(LIBRARY)
    data["movies"][1]["imdb_id"] = "tt0113277"
    data["shows"][0]["episodes"][1]["air_date"] = "2008-01-27"
    data["shows"][0]["episodes"].append({"season": 1, "episode": 3})
    summary = lib.load(data)
    assert summary == LoadSummary(movies_updated=1, movies_unchanged=1, shows_unchanged=1,
                                  episodes_added=1, episodes_updated=1)
    assert len(lib.list_items()) == 3


def test_what_the_data_leaves_out_is_kept(lib):
    lib.load(LIBRARY)
    lib.load({"shows": [{"title": "Breaking Bad", "tmdb_id": 1396,
                         "episodes": [{"season": 1, "episode": 1}]}]})
    show = lib.find_items("breakingbad")[0]
    assert show.year == 2008
    assert lib.find_episodes(show.id, 1, [1])[0].title == "Pilot"


def test_an_item_with_the_same_tmdb_id_is_the_same_item_and_keeps_its_title_with_a_note(lib):
    lib.load(LIBRARY)
    summary = lib.load({"movies": [{"title": "Inception (Director's Cut)", "tmdb_id": 27205}]})
    assert summary.movies_unchanged == 1 and not summary.movies_added
    assert summary.notes == ('library file: movies[0]: kept the title "Inception (2010)" of the item with '
                             "this id; `library add ... --rename` changes it",)
    assert sorted(i.ref.title for i in lib.list_items(MediaType.MOVIE)) == ["Heat", "Inception"]


def test_rename_is_the_explicit_way_to_change_a_title(lib):
    lib.load(LIBRARY)
    ref = lib.add_movie("Inception (Director's Cut)", tmdb_id=27205, rename=True)
    assert ref.title == "Inception (Director's Cut)"
    assert lib.find_items("inception") == []
    assert [m.title for m in lib.find_items("inceptiondirectorscut")] == ["Inception (Director's Cut)"]


def test_an_item_without_tmdb_id_is_the_same_by_type_exact_title_and_year(lib):
    lib.add_movie("Heat", 1995)
    lib.add_movie("Heat", 1995, aliases=["Heat 95"])
    lib.add_movie("Heat", 1986)
    lib.add_show("Heat", 1995)
    items = sorted((i.ref.type, i.ref.year) for i in lib.list_items())
    assert items == [(MediaType.MOVIE, 1986), (MediaType.MOVIE, 1995), (MediaType.TV_SHOW, 1995)]


@pytest.mark.parametrize(("existing", "typed"), [
    ("Series", "The Series"), ("A Movie Name", "Movie Name"), ("Heat", "heat"), ("S.W.A.T.", "SWAT"),
])
def test_articles_punctuation_and_case_never_merge_two_titles_and_a_note_says_so(lib, existing, typed):
    first = lib.add_show(existing, 2000)
    notes: list[str] = []
    second = lib.add_show(typed, 2000, notes=notes)
    assert second.id != first.id and second.title == typed
    assert lib.get_item(first.id).title == existing  # never renamed
    assert len(notes) == 1 and f'"{existing} (2000)" already in the library is another item' in notes[0]


def test_the_same_title_with_other_spaces_is_the_same_item(lib):
    first = lib.add_movie("Blade  Runner ", 1982)
    assert lib.add_movie("Blade Runner", 1982).id == first.id


def test_an_imdb_id_finds_the_same_item_under_another_title(lib):
    first = lib.add_movie("Léon", 1994, imdb_id="tt0110413")
    notes: list[str] = []
    again = lib.add_movie("The Professional", 1994, imdb_id="tt0110413", notes=notes)
    assert again.id == first.id and again.title == "Léon" and "kept the title" in notes[0]


def test_a_missing_year_matches_the_one_item_of_that_title(lib):
    first = lib.add_show("The Wire", 2002)
    assert lib.add_show("The Wire").id == first.id
    undated = lib.add_movie("Solaris")
    assert lib.add_movie("Solaris", 1972).id == undated.id
    assert lib.get_item(undated.id).year == 1972


def test_a_missing_year_that_could_mean_several_items_is_refused(lib):
    lib.add_movie("Heat", 1995)
    lib.add_movie("Heat", 1986)
    with pytest.raises(LibraryError) as raised:
        lib.load({"movies": [{"title": "Heat"}]})
    assert str(raised.value) == (
        'library file: movies[0]: the movie "Heat" could be "Heat (1995)" and "Heat (1986)"; '
        "give its year or tmdb_id"
    )


def test_an_item_with_another_tmdb_id_is_another_item(lib):
    lib.add_movie("Solaris", 2002, tmdb_id=2103)
    lib.add_movie("Solaris", 2002, tmdb_id=593)
    assert len(lib.list_items()) == 2


def test_adding_an_existing_movie_adds_aliases_and_ids_without_duplicating(lib):
    first = lib.add_movie("Inception", 2010)
    again = lib.add_movie("Inception", 2010, aliases=["Origen"], tmdb_id=27205,
                          imdb_id="tt1375666")
    assert again.id == first.id
    [summary] = lib.list_items()
    assert summary.tmdb_id == 27205 and summary.aliases == ("Origen",)
    assert lib.add_movie("Inception", 2010, aliases=["ORIGEN"]).id == first.id
    assert lib.list_items()[0].aliases == ("Origen",)


def test_adding_a_show_with_seasons_creates_episodes_and_keeps_existing_ones(lib):
    lib.load(LIBRARY)
    show = lib.add_show("Breaking Bad", 2008, seasons={1: 4, 2: 2})
    assert lib.season_numbers(show.id) == {1, 2}
    numbers = [e.episode for e in lib.find_episodes(show.id, 1, [1, 2, 3, 4, 5])]
    assert numbers == [1, 2, 3, 4]
    assert lib.find_episodes(show.id, 1, [1])[0].title == "Pilot"
    assert lib.list_items(MediaType.TV_SHOW)[0].episodes == 6


def test_list_filters_by_type(lib):
    lib.load(LIBRARY)
    assert {i.ref.title for i in lib.list_items(MediaType.TV_SHOW)} == {"Breaking Bad"}
    assert {i.ref.title for i in lib.list_items(MediaType.MOVIE)} == {"Inception", "Heat"}


def test_a_show_and_a_movie_sharing_a_tmdb_id_in_one_file_are_refused(lib):
    data = {"movies": [{"title": "Heat", "year": 1995, "tmdb_id": 1396}],
            "shows": [{"title": "Breaking Bad", "year": 2008, "tmdb_id": 1396}]}
    with pytest.raises(LibraryError) as raised:
        lib.load(data)
    message = str(raised.value)
    assert "Heat (1995)" in message and "Breaking Bad (2008)" in message
    assert "unique across movies and shows" in message and "\n" not in message
    assert lib.list_items() == []


def test_a_show_given_the_tmdb_id_of_a_movie_in_the_library_is_refused(lib):
    lib.add_movie("Heat", 1995, tmdb_id=949)
    with pytest.raises(LibraryError) as raised:
        lib.load({"shows": [{"title": "The Office", "year": 2005, "tmdb_id": 949,
                             "episodes": [{"season": 1, "episode": 1}]}]})
    message = str(raised.value)
    assert message.startswith("library file: shows[0]:")
    assert '"Heat (1995)"' in message and '"The Office (2005)"' in message
    assert "Mydia's schema keeps tmdb_id unique across movies and shows" in message
    assert [i.ref.title for i in lib.list_items()] == ["Heat"]


def test_adding_a_movie_with_the_tmdb_id_of_a_show_is_refused(lib):
    lib.add_show("Breaking Bad", 2008, tmdb_id=1396)
    with pytest.raises(LibraryError, match='the movie "Heat" and the show "Breaking Bad'):
        lib.add_movie("Heat", tmdb_id=1396)


def test_two_movies_with_one_tmdb_id_in_a_file_are_refused(lib):
    with pytest.raises(LibraryError, match=r"movies\[1\]: tmdb_id 5 is also given to movies\[0\]"):
        lib.load({"movies": [{"title": "A", "tmdb_id": 5}, {"title": "B", "tmdb_id": 5}]})


def test_a_failed_load_writes_nothing(lib):
    data = copy.deepcopy(LIBRARY)
    data["movies"].append({"title": "Clash", "tmdb_id": 1396})
    with pytest.raises(LibraryError):
        lib.load(data)
    assert lib.list_items() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], 'library file: must be a JSON object with "movies" and/or "shows" lists'),
        ({"movie": []}, 'library file: unknown key "movie" (known: movies, shows)'),
        ({"movies": {}}, 'library file: "movies" must be a list'),
        ({"movies": [{"year": 2010}]}, 'library file: movies[0]: "title" is missing'),
        ({"movies": [{"title": "  "}]},
         'library file: movies[0]: "title" must be a non-empty text'),
        ({"movies": [{"title": "A", "year": 1800}]},
         'library file: movies[0]: "year" must be a whole number from 1801 to 2199'),
        ({"movies": [{"title": "A", "year": "2010"}]},
         'library file: movies[0]: "year" must be a whole number from 1801 to 2199'),
        ({"movies": [{"title": "A", "year": 2200}]},
         'library file: movies[0]: "year" must be a whole number from 1801 to 2199'),
        ({"movies": [{"title": "A", "tmdb_id": True}]},
         'library file: movies[0]: "tmdb_id" must be a whole number ≥ 1'),
        ({"movies": [{"title": "A", "episodes": []}]},
         'library file: movies[0]: unknown key "episodes" '
         "(known: title, year, aliases, tmdb_id, imdb_id)"),
        ({"movies": [{"title": "A", "aliases": "B"}]},
         'library file: movies[0]: "aliases" must be a list of titles'),
        ({"shows": [{"title": "S", "episodes": [{"season": 1, "episode": 1}] * 2}]},
         "library file: shows[0].episodes[1]: S01E01 is already given by episodes[0]"),
        ({"shows": [{"title": "S"}, {"title": "T", "episodes": [{"episode": 1}]}]},
         'library file: shows[1].episodes[0]: "season" is missing; it must be a whole number ≥ 0'),
        ({"shows": [{"title": "S", "episodes": [{"season": -1, "episode": 1}]}]},
         'library file: shows[0].episodes[0]: "season" must be a whole number ≥ 0'),
        ({"shows": [{"title": "S", "episodes": [{"season": 1, "episode": 0}]}]},
         'library file: shows[0].episodes[0]: "episode" must be a whole number ≥ 1'),
        ({"shows": [{"title": "S", "episodes": [{"season": 1, "episode": 1.5}]}]},
         'library file: shows[0].episodes[0]: "episode" must be a whole number ≥ 1'),
        ({"shows": [{"title": "S", "episodes": [{"season": 1, "episode": 1,
                                                  "air_date": "2008-02-30"}]}]},
         'library file: shows[0].episodes[0]: "air_date" must be a date written YYYY-MM-DD, '
         "not '2008-02-30'"),
        ({"shows": [{"title": "S", "episodes": [{"season": 1, "episode": 1,
                                                  "air_date": "20080120"}]}]},
         'library file: shows[0].episodes[0]: "air_date" must be a date written YYYY-MM-DD, '
         "not '20080120'"),
        ({"shows": [{"title": "S", "episodes": [{"season": 1, "episode": 1, "absolute": 0}]}]},
         'library file: shows[0].episodes[0]: "absolute" must be a whole number ≥ 1'),
    ],
)
def test_a_library_file_with_a_mistake_is_refused_naming_the_entry(lib, data, message):
    with pytest.raises(LibraryError) as raised:
        lib.load(data)
    assert str(raised.value) == message


def test_a_wrong_year_given_to_add_names_the_item(lib):
    with pytest.raises(LibraryError) as raised:
        lib.add_movie("Heat", 95)
    assert str(raised.value) == 'movie "Heat": "year" must be a whole number from 1801 to 2199'


def test_a_wrong_season_count_given_to_add_names_the_show(lib):
    with pytest.raises(LibraryError, match='show "S": season 1: the episode count must be'):
        lib.add_show("S", seasons={1: 0})


def test_episode_absolute_numbers_move_to_the_episode_the_data_names(lib):
    lib.load({"shows": [{"title": "One Piece", "episodes": [
        {"season": 1, "episode": 1, "absolute": 1}, {"season": 1, "episode": 2}]}]})
    show = lib.find_items("onepiece")[0]
    lib.load({"shows": [{"title": "One Piece", "episodes": [
        {"season": 1, "episode": 2, "absolute": 1}]}]})
    assert [e.episode for e in lib.find_episodes_by_absolute(show.id, [1])] == [2]
