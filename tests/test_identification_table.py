"""A table of release names, written for the shapes real downloads come in, and what the
tool must make of each against one library: the item and episodes, or no match and why.

Each row: the name (with its folders, outermost first), then the expected match as
"Title (Year)" plus episode codes, or None and a piece of the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mydia_import.decisions import Code
from mydia_import.identify.match import identify_name
from mydia_import.identify.parse import ReleaseParser
from mydia_import.library import Library


def _season(show: str, year: int | None, season: int, count: int, **extra) -> list[dict]:
    return [{"season": season, "episode": n, **extra} for n in range(1, count + 1)]


LIBRARY = {
    "movies": [
        {"title": "Inception", "year": 2010, "aliases": ["Origen"]},
        {"title": "1917", "year": 2019},
        {"title": "2001: A Space Odyssey", "year": 1968},
        {"title": "Blade Runner", "year": 1982},
        {"title": "Blade Runner 2049", "year": 2017},
        {"title": "Dune", "year": 1984},
        {"title": "Dune", "year": 2021},
        {"title": "Amélie", "year": 2001, "aliases": ["Le Fabuleux Destin d'Amélie Poulain"]},
        {"title": "Spider-Man: Into the Spider-Verse", "year": 2018},
        {"title": "Léon: The Professional", "year": 1994, "aliases": ["Léon"]},
        {"title": "Mission: Impossible", "year": 1996},
        {"title": "WALL·E", "year": 2008},
        {"title": "The Matrix", "year": 1999},
        {"title": "Fargo", "year": 1996},
        {"title": "Mad Max: Fury Road", "year": 2015},
        {"title": "Crouching Tiger, Hidden Dragon", "year": 2000, "aliases": ["Wo hu cang long"]},
    ],
    "shows": [
        {"title": "Breaking Bad", "year": 2008,
         "episodes": _season("", 0, 1, 7) + _season("", 0, 2, 13)},
        {"title": "The Office", "year": 2005, "aliases": ["The Office US"], "tmdb_id": 2316,
         "episodes": _season("", 0, 1, 6) + _season("", 0, 2, 22)},
        {"title": "The Office", "year": 2001, "aliases": ["The Office UK"], "tmdb_id": 2996,
         "episodes": _season("", 0, 1, 6) + _season("", 0, 2, 6)},
        {"title": "Doctor Who", "year": 1963, "tmdb_id": 121, "episodes": _season("", 0, 1, 10)},
        {"title": "Doctor Who", "year": 2005, "tmdb_id": 57243,
         "episodes": _season("", 0, 0, 2) + _season("", 0, 1, 13) + _season("", 0, 2, 13)},
        {"title": "Marvel's Agents of S.H.I.E.L.D.", "year": 2013, "episodes": _season("", 0, 1, 22)},
        {"title": "Mr. Robot", "year": 2015, "episodes": _season("", 0, 1, 10)},
        {"title": "Grey's Anatomy", "year": 2005, "episodes": _season("", 0, 1, 9)},
        {"title": "Chernobyl", "year": 2019, "episodes": _season("", 0, 1, 5)},
        {"title": "Shōgun", "year": 2024, "episodes": _season("", 0, 1, 10)},
        {"title": "Money Heist", "year": 2017, "aliases": ["La Casa de Papel"], "episodes": _season("", 0, 1, 9)},
        {"title": "Fargo", "year": 2014, "episodes": _season("", 0, 1, 10)},
        {"title": "The Daily Show", "year": 1996, "episodes": [
            {"season": 29, "episode": 5, "air_date": "2024-01-15"},
            {"season": 29, "episode": 6, "air_date": "2024-01-16"},
            {"season": 29, "episode": 40, "air_date": "2024-03-05"},
        ]},
        {"title": "Frieren: Beyond Journey's End", "year": 2023, "aliases": ["Sousou no Frieren"],
         "episodes": [{"season": 1, "episode": n, "absolute": n} for n in range(1, 29)]
         + [{"season": 2, "episode": n, "absolute": 28 + n} for n in range(1, 5)]},
        {"title": "One Piece", "year": 1999,
         "episodes": [{"season": 21, "episode": n, "absolute": 891 + n} for n in range(1, 11)]},
        {"title": "86 EIGHTY-SIX", "year": 2021, "aliases": ["86"],
         "episodes": [{"season": 1, "episode": n, "absolute": n} for n in range(1, 12)]},
    ],
}


@pytest.fixture(scope="module")
def library() -> Iterator[Library]:
    lib = Library.memory()
    lib.load(LIBRARY)
    yield lib
    lib.close()


@pytest.fixture(scope="module")
def parser() -> ReleaseParser:
    return ReleaseParser()


def outcome(ident) -> str | None:
    if ident.match is None:
        return None
    return ident.match.label().replace(" S", " S", 1)


def label(ident) -> str:
    item = ident.match.item
    name = f"{item.title} ({item.year})" if item.year else item.title
    codes = ",".join(e.code() for e in ident.match.episodes)
    return f"{name} {codes}".strip()


MATCHES = [
    # --- episode shapes
    ("Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv", "Breaking Bad (2008) S01E02"),
    ("breaking.bad.s01e02.720p.mkv", "Breaking Bad (2008) S01E02"),
    ("Breaking Bad 1x02 Cat's in the Bag.avi", "Breaking Bad (2008) S01E02"),
    ("Breaking Bad S01 E02 1080p WEB-DL.mkv", "Breaking Bad (2008) S01E02"),
    ("Breaking Bad - Season 1 Episode 2 - Cat's in the Bag.mkv", "Breaking Bad (2008) S01E02"),
    ("Breaking_Bad_S01E02_HDTV_x264.mkv", "Breaking_Bad S01E02".replace("_", " ").replace(
        "Breaking Bad", "Breaking Bad (2008)")),
    ("Breaking Bad S1-E2 WEB-DL 1080p.mkv", "Breaking Bad (2008) S01E02"),
    ("Breaking.Bad.S01.E02.1080p.BluRay.mkv", "Breaking Bad (2008) S01E02"),
    ("Breaking.Bad.S01EP02.1080p.mkv", "Breaking Bad (2008) S01E02"),
    ("Breaking.Bad.S02E01v2.720p.mkv", "Breaking Bad (2008) S02E01"),
    ("Breaking.Bad.S02E05.The.Extras.720p.mkv", "Breaking Bad (2008) S02E05"),  # an episode title
    # multi-episode files
    ("Breaking.Bad.S01E01E02.720p.mkv", "Breaking Bad (2008) S01E01,S01E02"),
    ("Breaking.Bad.S01E01-E03.720p.mkv", "Breaking Bad (2008) S01E01,S01E02,S01E03"),
    ("Breaking.Bad.S01E01-02-03.720p.mkv", "Breaking Bad (2008) S01E01,S01E02,S01E03"),
    ("Breaking Bad 1x01-02 720p.mkv", "Breaking Bad (2008) S01E01,S01E02"),
    ("Breaking Bad 1x01-x03 720p.mkv", "Breaking Bad (2008) S01E01,S01E02,S01E03"),
    ("Breaking.Bad.S01E05.S01E06.720p.mkv", "Breaking Bad (2008) S01E05,S01E06"),
    ("Breaking Bad - 2x04x05 - Episodes.mkv", "Breaking Bad (2008) S02E04,S02E05"),
    # old scene numbering
    ("breaking.bad.103.hdtv-lol.avi", "Breaking Bad (2008) S01E03"),
    ("breaking.bad.103.104.hdtv-lol.avi", "Breaking Bad (2008) S01E03,S01E04"),
    # mini-series and specials
    ("Chernobyl.Part.2.1080p.WEB.mkv", "Chernobyl (2019) S01E02"),
    ("Chernobyl.Part.Three.1080p.WEB.mkv", "Chernobyl (2019) S01E03"),
    ("Doctor.Who.2005.S00E01.The.Christmas.Invasion.mkv", "Doctor Who (2005) S00E01"),
    # titles: punctuation, unicode, aliases, foreign titles
    ("Marvels.Agents.of.S.H.I.E.L.D.S01E05.720p.mkv", "Marvel's Agents of S.H.I.E.L.D. (2013) S01E05"),
    ("Marvels Agents of SHIELD S01E05 720p.mkv", "Marvel's Agents of S.H.I.E.L.D. (2013) S01E05"),
    ("Mr.Robot.S01E03.1080p.mkv", "Mr. Robot (2015) S01E03"),
    ("Greys.Anatomy.S01E09.720p.mkv", "Grey's Anatomy (2005) S01E09"),
    ("Shogun.2024.S01E04.1080p.WEB.mkv", "Shōgun (2024) S01E04"),
    ("La.Casa.de.Papel.S01E03.1080p.mkv", "Money Heist (2017) S01E03"),
    ("Money Heist S01E03 1080p.mkv", "Money Heist (2017) S01E03"),
    # disambiguation: years, countries, which show has the episode
    ("Doctor.Who.2005.S01E01.720p.mkv", "Doctor Who (2005) S01E01"),
    ("Doctor.Who.1963.S01E01.mkv", "Doctor Who (1963) S01E01"),
    ("Doctor.Who.S02E05.720p.mkv", "Doctor Who (2005) S02E05"),  # only the 2005 show has a season 2
    ("The.Office.US.S02E10.720p.mkv", "The Office (2005) S02E10"),
    ("The.Office.UK.S01E01.720p.mkv", "The Office (2001) S01E01"),
    ("The.Office.S02E20.720p.mkv", "The Office (2005) S02E20"),  # the UK show has 6 episodes a season
    ("The.Office.2001.S02E01.mkv", "The Office (2001) S02E01"),
    ("Fargo.S01E01.720p.mkv", "Fargo (2014) S01E01"),
    # daily shows
    ("The.Daily.Show.2024.01.15.Guest.720p.WEB.h264.mkv", "The Daily Show (1996) S29E05"),
    ("The Daily Show - 2024-01-16 - Guest.mkv", "The Daily Show (1996) S29E06"),
    ("The.Daily.Show.05.03.2024.1080p.mkv", "The Daily Show (1996) S29E40"),
    ("The Daily Show 240305 720p.mkv", "The Daily Show (1996) S29E40"),
    ("The Daily Show 5th Mar 2024 1080.mkv", "The Daily Show (1996) S29E40"),
    # anime: group tags and CRCs ignored, absolute numbers through the library
    ("[SubsPlease] Sousou no Frieren - 05 (1080p) [A1B2C3D4].mkv", "Frieren: Beyond Journey's End (2023) S01E05"),
    ("[SubsPlease] Sousou no Frieren - 30 (1080p) [A1B2C3D4].mkv", "Frieren: Beyond Journey's End (2023) S02E02"),
    ("[Erai-raws] Sousou no Frieren - 27~29 [1080p].mkv",
     "Frieren: Beyond Journey's End (2023) S01E27,S01E28,S02E01"),
    ("Sousou_no_Frieren_-_12_[720p][ABCDEF01].mkv", "Frieren: Beyond Journey's End (2023) S01E12"),
    ("[HorribleSubs] One Piece - 895 [1080p].mkv", "One Piece (1999) S21E04"),
    ("One.Piece.E0895.1080p.WEB.mkv", "One Piece (1999) S21E04"),
    ("[BakeSubs] 86 - 03 [1080p][D40A9E55].mkv", "86 EIGHTY-SIX (2021) S01E03"),
    ("[桜都字幕组][葬送的芙莉莲/Sousou no Frieren][07][1080P]", "Frieren: Beyond Journey's End (2023) S01E07"),
    ("【喵萌奶茶屋】★10月新番★[葬送的芙莉莲 / Sousou no Frieren][08][1080p][简日双语]",
     "Frieren: Beyond Journey's End (2023) S01E08"),
    # movies: numbers and years inside titles, colons, articles, aliases, foreign titles
    ("Inception.2010.1080p.BluRay.x264-SPARKS.mkv", "Inception (2010)"),
    ("Origen.2010.1080p.mkv", "Inception (2010)"),
    ("1917.2019.1080p.BluRay.x264.mkv", "1917 (2019)"),
    ("2001.A.Space.Odyssey.1968.2160p.UHD.mkv", "2001: A Space Odyssey (1968)"),
    ("Blade.Runner.2049.2017.1080p.mkv", "Blade Runner 2049 (2017)"),
    ("Blade.Runner.1982.Final.Cut.1080p.mkv", "Blade Runner (1982)"),
    ("Dune.Part.One.2021.2160p.mkv", "Dune (2021)"),
    ("Dune.1984.1080p.mkv", "Dune (1984)"),
    ("Amelie.2001.1080p.mkv", "Amélie (2001)"),
    ("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.DVDRip.mkv", "Amélie (2001)"),
    ("Spider-Man Into the Spider-Verse (2018) 1080p.mkv", "Spider-Man: Into the Spider-Verse (2018)"),
    ("Leon.The.Professional.1994.Extended.1080p.mkv", "Léon: The Professional (1994)"),
    ("Mission.Impossible.1996.720p.mkv", "Mission: Impossible (1996)"),
    ("WALL-E.2008.1080p.mkv", "WALL·E (2008)"),
    ("Matrix.1999.1080p.mkv", "The Matrix (1999)"),
    ("The.Matrix.1999.Remastered.2160p.mkv", "The Matrix (1999)"),
    ("Fargo.1996.1080p.mkv", "Fargo (1996)"),
    ("Mad.Max.Fury.Road.2015.German.DL.1080p.mkv", "Mad Max: Fury Road (2015)"),
    ("Crouching.Tiger.Hidden.Dragon.AKA.Wo.hu.cang.long.2000.1080p.mkv", "Crouching Tiger, Hidden Dragon (2000)"),
    ("www.Torrenting.com - Inception.2010.720p.mkv", "Inception (2010)"),
    ("[www.site.org] - The.Matrix.1999.720p.mkv", "The Matrix (1999)"),
    # folders as evidence
    (("Breaking.Bad.S01.1080p.WEB-DL-GRP", "E04.mkv"), "Breaking Bad (2008) S01E04"),
    (("Breaking.Bad.S01E05.1080p.WEB-DL-GRP", "abc123.mkv"), "Breaking Bad (2008) S01E05"),
    (("Inception.2010.1080p.BluRay-GRP", "video.mkv"), "Inception (2010)"),
    (("Breaking Bad (2008)", "Season 2", "03.mkv"), "Breaking Bad (2008) S02E03"),
    (("Breaking Bad (2008)", "Season 2", "Breaking.Bad.S01E03.mkv"), "Breaking Bad (2008) S01E03"),
    (("Sousou no Frieren (2023)", "[Group] Sousou no Frieren - 09 [1080p].mkv"),
     "Frieren: Beyond Journey's End (2023) S01E09"),
]

MISSES = [
    # never a wrong item where the right one is ambiguous
    ("The.Office.S01E01.720p.mkv", "ambiguous", Code.AMBIGUOUS),
    ("Doctor.Who.S01E01.mkv", "ambiguous", Code.AMBIGUOUS),
    ("Dune.1080p.BluRay.mkv", "ambiguous", Code.AMBIGUOUS),
    # a whole season is never mapped to a file
    ("Breaking.Bad.S01.1080p.WEB-DL.mkv", "a file is never mapped to a whole season", Code.SEASON_PACK),
    (("Breaking.Bad.S01.1080p.WEB-DL-GRP", "abc123.mkv"), "a file is never mapped to a whole season", Code.SEASON_PACK),
    (("Breaking.Bad.S01-S02.1080p", "E04.mkv"), "holds seasons 1-2", Code.NO_EPISODE),
    ("Breaking.Bad.S01-S02.1080p.BluRay.mkv", "multi-season pack", Code.SEASON_PACK),
    ("Breaking.Bad.S02.EXTRAS.DVDRip.mkv", "extras", Code.SEASON_PACK),
    ("Breaking.Bad.S02.SUBPACK.DVDRip.mkv", "not an episode", Code.SEASON_PACK),
    # numbers the library does not have
    ("Breaking.Bad.S03E01.720p.mkv", "has no S03E01", Code.MISSING_EPISODE),
    ("The.Daily.Show.2024.01.20.mkv", "no episode that aired on 2024-01-20", Code.MISSING_EPISODE),
    ("[SubsPlease] Sousou no Frieren - 12.5 (1080p).mkv", "special", Code.NO_EPISODE),
    # years and titles that do not fit
    ("Inception.2014.1080p.mkv", "the library has 'Inception (2010)' but the name says 2014", Code.YEAR_MISMATCH),
    ("Interstellar.2014.1080p.mkv", "no movie called 'Interstellar (2014)'", Code.UNKNOWN_TITLE),
    ("Better.Call.Saul.S01E01.mkv", "no show called 'Better Call Saul'", Code.UNKNOWN_TITLE),
    ("Breaking.Bad.1080p.BluRay.mkv", "is a show in the library", Code.NO_EPISODE),
    ("1080p.BluRay.x264.mkv", "the name gives no title", Code.NO_TITLE),
]


def _ask(library, parser, name):
    *folders, file = name if isinstance(name, tuple) else (name,)
    return identify_name(file, folders, parser, library)


@pytest.mark.parametrize("name, expected", MATCHES, ids=[str(m[0])[:70] for m in MATCHES])
def test_a_name_is_identified_as_the_right_item_and_episodes(library, parser, name, expected):
    ident = _ask(library, parser, name)
    assert ident.match is not None, ident.reason
    assert label(ident) == expected


@pytest.mark.parametrize("name, reason, code", MISSES, ids=[str(m[0])[:70] for m in MISSES])
def test_a_name_that_cannot_be_placed_surely_is_left_unmatched_with_its_reason(library, parser, name, reason, code):
    ident = _ask(library, parser, name)
    assert ident.match is None, label(ident)
    assert reason in ident.reason
    assert ident.code is code


@pytest.mark.parametrize("name, title, year, season, episodes", [
    ("Breaking.Bad.S01E02.720p.mkv", "Breaking Bad", None, 1, (2,)),
    ("Breaking Bad 1x01-x03.mkv", "Breaking Bad", None, 1, (1, 2, 3)),
    ("Doctor.Who.2005.S00E01.mkv", "Doctor Who", 2005, 0, (1,)),
    ("Chernobyl.Part.2.mkv", "Chernobyl", None, None, (2,)),
])
def test_the_parse_of_a_match_holds_the_numbers_it_was_placed_by(library, parser, name, title, year, season,
                                                                  episodes):
    release = _ask(library, parser, name).release
    assert (release.title, release.year, release.season, release.episodes) == (title, year, season, episodes)


def test_the_ambiguous_candidates_are_named(library, parser):
    ident = _ask(library, parser, "Doctor.Who.S01E01.mkv")
    assert sorted((c.title, c.year) for c in ident.candidates) == [("Doctor Who", 1963), ("Doctor Who", 2005)]
    assert "'Doctor Who (1963)'" in ident.reason and "'Doctor Who (2005)'" in ident.reason


def test_a_season_pack_names_the_show_it_would_be(library, parser):
    ident = _ask(library, parser, "Breaking.Bad.S01.1080p.WEB-DL.mkv")
    assert [(c.title, c.year) for c in ident.candidates] == [("Breaking Bad", 2008)]


def test_a_file_whose_numbers_contradict_its_folder_uses_its_own_and_says_so(library, parser):
    ident = _ask(library, parser, ("Breaking Bad (2008)", "Season 2", "Breaking.Bad.S01E03.mkv"))
    assert label(ident) == "Breaking Bad (2008) S01E03"
    assert ident.note == ("the file name says S01E03 but its folder 'Season 2' says season 2; "
                          "the file's own numbers were used")


def test_a_file_whose_episode_contradicts_its_release_folder_says_so(library, parser):
    ident = _ask(library, parser, ("Breaking.Bad.S01E05.720p-GRP", "Breaking.Bad.S01E06.720p-GRP.mkv"))
    assert label(ident) == "Breaking Bad (2008) S01E06"
    assert "its folder 'Breaking.Bad.S01E05.720p-GRP' says S01E05" in ident.note


def test_a_file_that_agrees_with_its_folder_has_no_note(library, parser):
    ident = _ask(library, parser, ("Breaking.Bad.S01.1080p", "Breaking.Bad.S01E06.1080p.mkv"))
    assert label(ident) == "Breaking Bad (2008) S01E06" and ident.note is None


def test_a_part_that_belongs_to_the_title_is_no_part_file():
    lib = Library.memory()
    lib.load({"movies": [{"title": "Dune: Part Two", "year": 2024}, {"title": "Heat", "year": 1995}]})
    parser = ReleaseParser()
    dune = identify_name("Dune.Part.Two.2024.2160p.mkv", (), parser, lib)
    heat = identify_name("Heat.1995.CD2.avi", (), parser, lib)
    assert (dune.match.item.title, dune.release.part) == ("Dune: Part Two", None)
    assert (heat.match.item.title, heat.release.part) == ("Heat", 2)
    lib.close()
