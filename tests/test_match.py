"""Identification: a name (and its folders) against the library -> a match, or a reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mydia_import.decisions import Code
from mydia_import.identify.match import identify_file, identify_name
from mydia_import.identify.parse import ReleaseParser
from mydia_import.library import Library
from mydia_import.models import Candidate, Kind, MediaType


@pytest.fixture(scope="module")
def parser() -> ReleaseParser:
    return ReleaseParser()


@pytest.fixture
def library() -> Iterator[Library]:
    lib = Library.memory()
    yield lib
    lib.close()


def identify(library, parser, name, *folders):
    return identify_name(name, folders, parser, library)


def matched(ident) -> tuple:
    """(title, year, type, ((season, episode), ...)) of a match; fails with the reason if none."""
    assert ident.match is not None, ident.reason
    item = ident.match.item
    return item.title, item.year, item.type, tuple((e.season, e.episode) for e in ident.match.episodes)


def unmatched(ident) -> str:
    assert ident.match is None, ident.match
    assert ident.reason
    assert ident.code is not None, f"no code for {ident.reason!r}"  # every reason comes from a rule
    return ident.reason


def code(ident) -> Code:
    unmatched(ident)
    return ident.code


# --- movies --------------------------------------------------------------------------------

def test_a_movie_name_matches_the_movie(library, parser):
    library.add_movie("Inception", 2010)
    ident = identify(library, parser, "Inception.2010.1080p.BluRay.x264-SPARKS.mkv")
    assert matched(ident) == ("Inception", 2010, MediaType.MOVIE, ())
    assert ident.reason is None
    assert ident.release.title == "Inception"


@pytest.mark.parametrize("name, year", [
    ("Dune.1984.1080p.BluRay.x264.mkv", 1984),
    ("Dune.2021.2160p.WEB-DL.mkv", 2021),
    ("Dune (1984).mkv", 1984),
])
def test_the_year_tells_apart_two_movies_of_one_title(library, parser, name, year):
    library.add_movie("Dune", 1984)
    library.add_movie("Dune", 2021)
    assert matched(identify(library, parser, name))[:2] == ("Dune", year)


def test_two_movies_of_one_title_and_a_name_without_year_are_ambiguous_and_both_named(library, parser):
    library.add_movie("Dune", 1984)
    library.add_movie("Dune", 2021)
    reason = unmatched(identify(library, parser, "Dune.1080p.BluRay.mkv"))
    assert reason.startswith("ambiguous:")
    assert code(identify(library, parser, "Dune.1080p.BluRay.mkv")) is Code.AMBIGUOUS
    assert "'Dune (1984)'" in reason and "'Dune (2021)'" in reason


@pytest.mark.parametrize("name", ["Parasite.2020.mkv", "Parasite.2018.mkv"])
def test_a_year_off_by_one_is_accepted_when_only_one_item_is_near(library, parser, name):
    library.add_movie("Parasite", 2019)
    assert matched(identify(library, parser, name))[:2] == ("Parasite", 2019)


def test_a_year_off_by_one_from_two_items_matches_neither(library, parser):
    library.add_movie("Dune", 2021)
    library.add_movie("Dune", 2023)
    reason = unmatched(identify(library, parser, "Dune.2022.mkv"))
    assert "'Dune (2021)'" in reason and "'Dune (2023)'" in reason
    assert "2022" in reason


def test_an_exact_year_wins_over_an_off_by_one_year(library, parser):
    library.add_movie("Dune", 2021)
    library.add_movie("Dune", 2022)
    assert matched(identify(library, parser, "Dune.2022.mkv"))[:2] == ("Dune", 2022)


def test_a_year_that_contradicts_the_only_candidate_is_unmatched_and_the_reason_names_it(library, parser):
    library.add_movie("Parasite", 2019)
    reason = unmatched(identify(library, parser, "Parasite.2017.1080p.mkv"))
    assert reason == "the library has 'Parasite (2019)' but the name says 2017"
    assert code(identify(library, parser, "Parasite.2017.1080p.mkv")) is Code.YEAR_MISMATCH


def test_an_item_without_a_year_takes_a_name_with_any_year(library, parser):
    library.add_movie("Primer")
    assert matched(identify(library, parser, "Primer.2004.mkv"))[:2] == ("Primer", None)


@pytest.mark.parametrize("name", ["Amelie.2001.1080p.mkv", "AMÉLIE.2001.mkv", "amelie (2001).mkv"])
def test_accents_and_case_do_not_stop_a_match(library, parser, name):
    library.add_movie("Amélie", 2001)
    assert matched(identify(library, parser, name))[0] == "Amélie"


def test_an_alias_matches_its_item(library, parser):
    library.add_movie("Inception", 2010, aliases=["Origen"])
    assert matched(identify(library, parser, "Origen.2010.1080p.mkv"))[0] == "Inception"


def test_an_alias_of_a_show_matches_its_episodes(library, parser):
    library.add_show("Shingeki no Kyojin", 2013, aliases=["Attack on Titan"], seasons={1: 3})
    ident = identify(library, parser, "Attack.on.Titan.S01E03.1080p.mkv")
    assert matched(ident) == ("Shingeki no Kyojin", 2013, MediaType.TV_SHOW, ((1, 3),))


def test_a_movie_not_in_the_library_says_how_to_add_it(library, parser):
    reason = unmatched(identify(library, parser, "Unknown.Movie.2010.1080p.mkv"))
    assert reason == ("no movie called 'Unknown Movie (2010)' in the library; add it with "
                      "`mydia-import library add movie \"Unknown Movie\"` or `library load`")


def test_a_show_not_in_the_library_says_how_to_add_it(library, parser):
    reason = unmatched(identify(library, parser, "Unknown.Show.S01E01.mkv"))
    assert "no show called 'Unknown Show'" in reason
    assert code(identify(library, parser, "Unknown.Show.S01E01.mkv")) is Code.UNKNOWN_TITLE
    assert '`mydia-import library add show "Unknown Show"`' in reason


def test_a_show_title_given_for_a_movie_looking_name_is_unmatched_with_a_reason(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    reason = unmatched(identify(library, parser, "Breaking.Bad.1080p.BluRay.mkv"))
    assert reason.startswith("'Breaking Bad (2008)' is a show in the library, but the name has no season")
    assert code(identify(library, parser, "Breaking.Bad.1080p.BluRay.mkv")) is Code.NO_EPISODE
    assert "S01E02" in reason


def test_a_movie_and_a_show_of_one_title_are_told_apart_by_the_episode_marker(library, parser):
    library.add_movie("Fargo", 1996)
    library.add_show("Fargo", 2014, seasons={1: 10})
    assert matched(identify(library, parser, "Fargo.1996.mkv"))[2] is MediaType.MOVIE
    assert matched(identify(library, parser, "Fargo.mkv"))[2] is MediaType.MOVIE
    assert matched(identify(library, parser, "Fargo.S01E01.mkv")) == (
        "Fargo", 2014, MediaType.TV_SHOW, ((1, 1),))


@pytest.mark.parametrize("name", ["1080p.mkv", "1080p.BluRay.x264.mkv", "S01E02.1080p.mkv"])
def test_a_name_without_a_title_is_unmatched_with_a_reason(library, parser, name):
    library.add_movie("Inception", 2010)
    assert unmatched(identify(library, parser, name)) == "the name gives no title to look up"
    assert code(identify(library, parser, name)) is Code.NO_TITLE


def test_a_movie_name_guessit_calls_an_episode_without_numbers_still_matches_the_movie(library, parser):
    library.add_movie("Blade Runner", 1982)
    ident = identify(library, parser, "Blade.Runner.1982.Final.Cut.1080p.BluRay.x264-GROUP.mkv")
    assert matched(ident)[:2] == ("Blade Runner", 1982)


# --- episodes ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv",
    "breaking.bad.s01e02.mkv",
    "Breaking Bad 1x02.avi",
    "Breaking Bad S01 E02 1080p WEB-DL.mkv",
    "Breaking Bad Season 1 Episode 2.mkv",
    "Breaking.Bad.2008.S01E02.mkv",
])
def test_an_episode_name_matches_the_show_and_episode(library, parser, name):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    assert matched(identify(library, parser, name)) == ("Breaking Bad", 2008, MediaType.TV_SHOW, ((1, 2),))


@pytest.mark.parametrize("name, episodes", [
    ("Lost.S01E01E02.720p.mkv", ((1, 1), (1, 2))),
    ("Lost.S01E01-E03.720p.mkv", ((1, 1), (1, 2), (1, 3))),
])
def test_a_multi_episode_file_matches_every_episode(library, parser, name, episodes):
    library.add_show("Lost", 2004, seasons={1: 25})
    assert matched(identify(library, parser, name))[3] == episodes


def test_a_multi_episode_file_with_one_episode_missing_is_unmatched_and_names_it(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    reason = unmatched(identify(library, parser, "Breaking.Bad.S01E07E08.mkv"))
    assert reason.startswith("Breaking Bad (2008) has no S01E08 in the library")
    assert "S01E07" not in reason


def test_a_missing_episode_is_unmatched_with_a_reason(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    reason = unmatched(identify(library, parser, "Breaking.Bad.S02E01.mkv"))
    assert code(identify(library, parser, "Breaking.Bad.S02E01.mkv")) is Code.MISSING_EPISODE
    assert reason == ("Breaking Bad (2008) has no S02E01 in the library; "
                      "add the episode(s) or load the show's episodes")


def test_two_shows_with_the_same_title_and_no_year_are_ambiguous_and_both_named(library, parser):
    library.add_show("The Office", 2001, tmdb_id=2996, seasons={1: 6})
    library.add_show("The Office", 2005, tmdb_id=2316, seasons={1: 6})
    reason = unmatched(identify(library, parser, "The.Office.S01E01.720p.mkv"))
    assert reason.startswith("ambiguous:")
    assert "'The Office (2001)'" in reason and "'The Office (2005)'" in reason


def test_two_undated_shows_of_one_title_are_ambiguous(library, parser):
    library.add_show("Skins", tmdb_id=1, seasons={1: 2})
    library.add_show("Skins", tmdb_id=2, seasons={1: 2})
    reason = unmatched(identify(library, parser, "Skins.S01E01.mkv"))
    assert reason == "ambiguous: 'Skins' and 'Skins' both fit; add the year to the name or an alias to one of them"


def test_of_two_shows_with_one_title_the_one_that_has_the_episode_is_chosen(library, parser):
    library.add_show("The Office", 2001, tmdb_id=2996, seasons={1: 6, 2: 6})
    library.add_show("The Office", 2005, tmdb_id=2316, seasons={1: 6})
    assert matched(identify(library, parser, "The.Office.S02E03.mkv"))[:2] == ("The Office", 2001)


def test_of_two_shows_with_one_title_neither_having_the_episode_both_are_named(library, parser):
    library.add_show("The Office", 2001, tmdb_id=2996, seasons={1: 6})
    library.add_show("The Office", 2005, tmdb_id=2316, seasons={1: 6})
    reason = unmatched(identify(library, parser, "The.Office.S09E01.mkv"))
    assert "'The Office (2001)'" in reason and "'The Office (2005)'" in reason


def test_the_year_in_an_episode_name_chooses_the_show(library, parser):
    library.add_show("The Office", 2001, tmdb_id=2996, seasons={1: 6})
    library.add_show("The Office", 2005, tmdb_id=2316, seasons={1: 6})
    assert matched(identify(library, parser, "The.Office.2005.S01E01.mkv"))[:2] == ("The Office", 2005)


def test_a_year_contradicting_the_only_show_is_unmatched_and_names_it(library, parser):
    library.add_show("Lost", 2004, seasons={1: 3})
    reason = unmatched(identify(library, parser, "Lost.1999.S01E01.mkv"))
    assert reason == "the library has 'Lost (2004)' but the name says 1999"


@pytest.mark.parametrize("name", ["Breaking.Bad.S01.1080p.WEB-DL.mkv", "Breaking.Bad.Season.1.1080p.mkv"])
def test_a_season_without_an_episode_is_never_mapped_to_the_whole_season(library, parser, name):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    reason = unmatched(identify(library, parser, name))
    assert reason.startswith("the name gives S01 but no episode number for Breaking Bad (2008)")
    assert "a file is never mapped to a whole season" in reason


def test_specials_are_season_zero(library, parser):
    library.load({"shows": [{"title": "Doctor Who", "year": 2005,
                             "episodes": [{"season": 0, "episode": 1, "title": "The Christmas Invasion"}]}]})
    assert matched(identify(library, parser, "Doctor.Who.2005.S00E01.mkv"))[3] == ((0, 1),)


def test_punctuation_in_a_show_title_does_not_stop_a_match(library, parser):
    library.add_show("Marvel's Agents of S.H.I.E.L.D.", 2013, seasons={1: 2})
    ident = identify(library, parser, "Marvels.Agents.of.S.H.I.E.L.D.S01E01.720p.HDTV.x264.mkv")
    assert matched(ident)[0] == "Marvel's Agents of S.H.I.E.L.D."


@pytest.mark.parametrize("name", ["Mr.Robot.S01E01.mkv", "Mr Robot S01E01.mkv"])
def test_mr_robot_is_mr_robot(library, parser, name):
    library.add_show("Mr. Robot", 2015, seasons={1: 1})
    assert matched(identify(library, parser, name))[0] == "Mr. Robot"


@pytest.mark.parametrize("name", ["Greys.Anatomy.S01E01.mkv", "Grey's Anatomy S01E01.mkv"])
def test_greys_anatomy_with_or_without_apostrophe(library, parser, name):
    library.add_show("Grey's Anatomy", 2005, seasons={1: 1})
    assert matched(identify(library, parser, name))[0] == "Grey's Anatomy"


# --- daily and anime -----------------------------------------------------------------------

def daily_show(library):
    library.load({"shows": [{"title": "The Daily Show", "episodes": [
        {"season": 29, "episode": 5, "air_date": "2024-01-15"},
        {"season": 29, "episode": 6, "air_date": "2024-01-16"},
        {"season": 29, "episode": 7, "air_date": "2024-01-17"},
        {"season": 29, "episode": 8, "air_date": "2024-01-17"},
    ]}]})


@pytest.mark.parametrize("name, episode", [
    ("The.Daily.Show.2024.01.15.Guest.Name.720p.WEB.h264-GROUP.mkv", 5),
    ("The Daily Show 2024-01-16.mkv", 6),
])
def test_a_daily_show_is_matched_by_air_date(library, parser, name, episode):
    daily_show(library)
    assert matched(identify(library, parser, name))[3] == ((29, episode),)


def test_a_daily_show_without_an_episode_on_that_date_is_unmatched(library, parser):
    daily_show(library)
    reason = unmatched(identify(library, parser, "The.Daily.Show.2024.01.20.mkv"))
    assert reason == "The Daily Show has no episode that aired on 2024-01-20 in the library"


def test_two_episodes_on_one_air_date_cannot_be_told_apart(library, parser):
    daily_show(library)
    reason = unmatched(identify(library, parser, "The.Daily.Show.2024.01.17.mkv"))
    assert reason == "The Daily Show has 2 episodes on 2024-01-17; cannot tell which"


def anime(library):
    library.load({"shows": [{"title": "Frieren", "year": 2023, "episodes": [
        {"season": 1, "episode": 5, "absolute": 5},
        {"season": 1, "episode": 28, "absolute": 28},
        {"season": 2, "episode": 1, "absolute": 29},
    ]}]})


@pytest.mark.parametrize("name, episode", [
    ("[SubsPlease] Frieren - 29 (1080p) [ABCD1234].mkv", (2, 1)),
    ("[SubsPlease] Frieren - 05 (1080p) [ABCD1234].mkv", (1, 5)),
    ("Frieren.S02E01.1080p.mkv", (2, 1)),
])
def test_an_anime_episode_number_is_looked_up_as_absolute_first(library, parser, name, episode):
    anime(library)
    assert matched(identify(library, parser, name))[3] == (episode,)


def test_an_anime_range_spanning_two_seasons_matches_both_episodes(library, parser):
    anime(library)
    ident = identify(library, parser, "[SubsPlease] Frieren - 28-29 (1080p).mkv")
    assert matched(ident)[3] == ((1, 28), (2, 1))


def test_an_anime_range_with_an_unknown_absolute_number_is_not_matched_in_part(library, parser):
    anime(library)
    reason = unmatched(identify(library, parser, "[SubsPlease] Frieren - 29-30 (1080p).mkv"))
    assert reason.startswith("Frieren (2023) has no S01E29, S01E30 in the library")


def test_a_bare_episode_number_falls_back_to_season_one(library, parser):
    library.add_show("Chernobyl", 2019, seasons={1: 5})  # no absolute numbers: a mini-series
    assert matched(identify(library, parser, "Chernobyl - 03.mkv"))[3] == ((1, 3),)


def test_an_anime_number_with_neither_absolute_nor_season_one_episode_is_unmatched(library, parser):
    anime(library)
    reason = unmatched(identify(library, parser, "[SubsPlease] Frieren - 40 (1080p).mkv"))
    assert reason.startswith("Frieren (2023) has no S01E40 in the library")


def test_an_anime_name_with_the_year_matches_by_absolute_number(library, parser):
    library.load({"shows": [{"title": "Dr. Stone", "year": 2019, "episodes": [
        {"season": 1, "episode": 5, "absolute": 5}]}]})
    assert matched(identify(library, parser, "[SubsPlease] Dr. Stone (2019) - 05 (1080p).mkv"))[3] == ((1, 5),)


# --- folders as evidence -------------------------------------------------------------------

def test_a_season_pack_folder_gives_title_and_season_to_an_episode_only_file_name(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    ident = identify(library, parser, "E02.mkv", "Breaking.Bad.S01.1080p.WEB-DL-GRP")
    assert matched(ident) == ("Breaking Bad", 2008, MediaType.TV_SHOW, ((1, 2),))


@pytest.mark.parametrize("file", ["01.mkv", "Episode 1.mkv", "E01.mkv"])
def test_a_season_pack_folder_places_bare_numbers_in_its_season(library, parser, file):
    library.add_show("The Office", 2001, seasons={1: 6, 2: 6})
    ident = identify(library, parser, file, "The.Office.2001.S02.1080p")
    assert matched(ident)[3] == ((2, 1),)


def test_an_obfuscated_file_name_is_identified_from_its_movie_release_folder(library, parser):
    library.add_movie("Inception", 2010)
    ident = identify(library, parser, "abc123.mkv", "Inception.2010.1080p.BluRay.x264-SPARKS")
    assert matched(ident)[:2] == ("Inception", 2010)
    assert ident.release.name == "abc123.mkv"
    assert (ident.release.resolution, ident.release.source) == ("1080p", "BluRay")


def test_an_obfuscated_file_name_is_identified_from_its_episode_release_folder(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    ident = identify(library, parser, "abc123.mkv", "Breaking.Bad.S01E03.1080p.WEB-DL-GRP")
    assert matched(ident)[3] == ((1, 3),)


def test_an_obfuscated_file_keeps_the_episode_number_it_has(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    ident = identify(library, parser, "x7f3k.E04.mkv", "Breaking.Bad.S01E03.1080p.WEB-DL-GRP")
    assert matched(ident)[3] == ((1, 4),)


def test_an_obfuscated_file_in_a_season_pack_folder_is_not_mapped_to_the_whole_season(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    reason = unmatched(identify(library, parser, "abc123.mkv", "Breaking.Bad.S01.1080p.WEB-DL-GRP"))
    assert "a file is never mapped to a whole season" in reason


def test_an_obfuscated_file_in_an_ambiguous_folder_is_unmatched_with_the_ambiguity(library, parser):
    library.add_movie("Dune", 1984)
    library.add_movie("Dune", 2021)
    reason = unmatched(identify(library, parser, "abc123.mkv", "Dune.1080p.BluRay"))
    assert "'Dune (1984)'" in reason and "'Dune (2021)'" in reason


def test_the_folder_year_fills_a_file_name_without_one(library, parser):
    library.add_movie("Dune", 1984)
    library.add_movie("Dune", 2021)
    assert matched(identify(library, parser, "Dune.mkv", "Dune.2021.1080p"))[:2] == ("Dune", 2021)


def test_the_file_name_wins_over_its_folder(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    library.add_show("Lost", 2004, seasons={1: 7})
    ident = identify(library, parser, "Breaking.Bad.S01E02.mkv", "Lost.S01.1080p")
    assert matched(ident)[:2] == ("Breaking Bad", 2008)


def test_the_innermost_titled_folder_is_the_evidence(library, parser):
    library.add_movie("Inception", 2010)
    library.add_movie("Interstellar", 2014)
    ident = identify(library, parser, "abc123.mkv", "Interstellar.2014.1080p", "Inception.2010.1080p")
    assert matched(ident)[0] == "Inception"


def test_an_unmatched_file_with_a_known_folder_title_gives_the_folder_reason(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    ident = identify(library, parser, "abc123.mkv", "Breaking.Bad.S01E09.1080p")
    assert unmatched(ident).startswith("Breaking Bad (2008) has no S01E09")


def test_a_show_folder_with_a_season_folder_gives_the_season(library, parser):
    library.add_show("The Office", 2001, seasons={1: 6, 2: 6})
    ident = identify(library, parser, "The.Office.S02E01.mkv", "The Office (2001)", "Season 2")
    assert matched(ident)[3] == ((2, 1),)


def test_a_season_folder_without_a_title_still_gives_its_season(library, parser):
    library.add_show("The Office", 2001, seasons={1: 6, 2: 6})
    ident = identify(library, parser, "E01.mkv", "The Office (2001)", "Season 2")
    assert matched(ident)[3] == ((2, 1),)


def test_identify_file_uses_the_folders_between_release_parent_and_file(library, parser):
    library.add_show("Breaking Bad", 2008, seasons={1: 7})
    release = Path("/downloads/Breaking.Bad.S01.1080p.WEB-DL-GRP")
    candidate = Candidate(release / "E04.mkv", release, 1000, Kind.VIDEO)
    assert matched(identify_file(candidate, parser, library))[3] == ((1, 4),)


# --- a wrong match is worse than none ------------------------------------------------------

def test_a_non_latin_title_never_matches_another_non_latin_title(library, parser):
    library.add_show("葬送のフリーレン", 2023, seasons={1: 5})
    ident = identify(library, parser, "[Group] 進撃の巨人 - 01 (1080p).mkv")
    assert ident.match is None


def test_a_ligature_in_the_library_title_matches_its_spelled_out_release_name(library, parser):
    library.add_movie("Æon Flux", 2005)
    assert matched(identify(library, parser, "Aeon.Flux.2005.1080p.BluRay.mkv"))[0] == "Æon Flux"


# --- fuzzy titles, only where unambiguous --------------------------------------------------

def test_a_slip_of_spelling_is_forgiven_with_the_score_in_a_note(library, parser):
    library.add_show("Shingeki no Kyoujin", 2013, seasons={1: 3})
    ident = identify(library, parser, "Shingeki.no.Kyojin.S01E02.1080p.mkv")
    assert matched(ident)[:2] == ("Shingeki no Kyoujin", 2013)
    assert ident.note.startswith("the title 'Shingeki no Kyojin' is not in the library; the closest, "
                                 "'Shingeki no Kyoujin', was taken (similarity ")


@pytest.mark.parametrize("title, name", [
    ("World War Z 2", "World.War.Z.2013.mkv"),  # other numbers: a sequel, not a slip
    ("Movie Movie", "G.I.Movie.Movie.2013.mkv"),  # other first letters
    ("Heat", "Heet.1995.mkv"),  # too short to compare loosely
])
def test_a_title_is_not_taken_loosely_where_it_could_be_another_item(library, parser, title, name):
    library.add_movie(title)
    assert identify(library, parser, name).match is None


def test_two_titles_about_as_close_are_not_taken_loosely(library, parser):
    library.add_show("Shingeki no Kyoujin", 2013, seasons={1: 3})
    library.add_show("Shingeki no Kyojinn", 2014, seasons={1: 3})
    assert identify(library, parser, "Shingeki.no.Kyojin.S01E02.mkv").match is None


# --- readings the library settles ----------------------------------------------------------

def test_a_number_in_a_title_is_the_title_when_the_library_has_it(library, parser):
    library.load({"shows": [
        {"title": "Show", "episodes": [{"season": 1, "episode": n, "absolute": n} for n in (7, 100)]},
        {"title": "Show 100", "episodes": [{"season": 1, "episode": 7, "absolute": 7}]}]})
    assert matched(identify(library, parser, "[Group] Show 100 - 07 [1080p].mkv"))[:1] == ("Show 100",)


def test_a_title_without_a_year_prefers_the_item_without_one(library, parser):
    library.add_show("Skins", tmdb_id=4, seasons={1: 2})
    library.add_show("Skins", 2011, tmdb_id=5, seasons={1: 2})
    assert matched(identify(library, parser, "Skins.S01E01.mkv"))[:2] == ("Skins", None)
    assert matched(identify(library, parser, "Skins.2011.S01E01.mkv"))[:2] == ("Skins", 2011)


def test_the_title_spelled_as_the_name_spells_it_wins(library, parser):
    library.add_show("The Bridge", 2011, tmdb_id=1, seasons={1: 2})
    library.add_show("Bridge", 2011, tmdb_id=2, seasons={1: 2})
    assert matched(identify(library, parser, "The.Bridge.2011.S01E01.mkv"))[0] == "The Bridge"
    assert matched(identify(library, parser, "Bridge.2011.S01E01.mkv"))[0] == "Bridge"


def test_a_country_alias_chooses_between_two_shows(library, parser):
    library.add_show("The Office", 2001, aliases=["The Office UK"], tmdb_id=1, seasons={1: 6})
    library.add_show("The Office", 2005, aliases=["The Office US"], tmdb_id=2, seasons={1: 6})
    assert matched(identify(library, parser, "The.Office.US.S01E01.mkv"))[:2] == ("The Office", 2005)
    assert matched(identify(library, parser, "The.Office.UK.S01E01.mkv"))[:2] == ("The Office", 2001)
    assert identify(library, parser, "The.Office.S01E01.mkv").match is None


def test_a_file_without_a_season_in_a_multi_season_pack_is_not_guessed(library, parser):
    library.add_show("Lost", 2004, seasons={1: 5, 2: 5})
    reason = unmatched(identify(library, parser, "E04.mkv", "Lost.S01-S02.1080p"))
    assert "holds seasons 1-2" in reason
    assert matched(identify(library, parser, "Lost.S02E04.mkv", "Lost.S01-S02.1080p"))[3] == ((2, 4),)
