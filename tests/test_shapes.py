"""The shape reader: the readings a name allows, without guessit and without a library."""

from __future__ import annotations

import datetime as dt

import pytest

from mydia_import.identify.patterns import episode_range, shapes, split_year, title_text


def first(name: str, pattern: str):
    found = [s for s in shapes(name) if s.pattern == pattern]
    assert found, f"no {pattern} reading of {name!r}: {shapes(name)}"
    return found[0]


@pytest.mark.parametrize("name, title, season, episodes", [
    ("Show.Name.S01E02.720p.mkv", "Show Name", 1, (2,)),
    ("show name s01e02 720p", "show name", 1, (2,)),
    ("Show Name S01 E02 1080p", "Show Name", 1, (2,)),
    ("Show.Name.S01.E02.1080p", "Show Name", 1, (2,)),
    ("Show.Name.S01.Ep.02.1080p", "Show Name", 1, (2,)),
    ("Show.Name.S01EP02.1080p", "Show Name", 1, (2,)),
    ("Show Name S1-E2 WEB-DL", "Show Name", 1, (2,)),
    ("Show_Name_S01E02_HDTV", "Show Name", 1, (2,)),
    ("Show.Name.S01E01E02.720p", "Show Name", 1, (1, 2)),
    ("Show.Name.S01E01-E03.720p", "Show Name", 1, (1, 2, 3)),
    ("Show.Name.S01E01-02-03.720p", "Show Name", 1, (1, 2, 3)),
    ("Show.Name.S06.E1E3.Title", "Show Name", 6, (1, 2, 3)),
    ("Show.Name.S03E01.S03E02.720p", "Show Name", 3, (1, 2)),
    ("Show.Name.S42.Ep10718.-.Ep10720", "Show Name", 42, (10718, 10719, 10720)),
    ("Show.Name.S06E01b.Part.2.1080p", "Show Name", 6, (1,)),
    ("Show.Name.S02E01v2.1080p", "Show Name", 2, (1,)),
    ("Show.Name.S2016E14.avi", "Show Name", 2016, (14,)),
    ("grp-zoos01e11-1080p", "grp-zoo", 1, (11,)),
])
def test_the_s01e02_family(name, title, season, episodes):
    shape = first(name, "S01E02")
    assert (shape.title, shape.season, shape.episodes) == (title, season, episodes)


@pytest.mark.parametrize("name, season, episodes", [
    ("Show 1x02 Title.avi", 1, (2,)),
    ("Show 1x01-02.avi", 1, (1, 2)),
    ("Show 1x01-x03.avi", 1, (1, 2, 3)),
    ("Show - 2x04x05 - Title", 2, (4, 5)),
    ("Show 8x01_02 - Title", 8, (1, 2)),
    ("Show - 2016x231", 2016, (231,)),
])
def test_the_1x02_family(name, season, episodes):
    shape = first(name, "1x02")
    assert (shape.title, shape.season, shape.episodes) == ("Show", season, episodes)


def test_a_resolution_is_no_1x02():
    assert not [s for s in shapes("[Group] Show - 05 (1280x720 x264)") if s.pattern == "1x02"]


@pytest.mark.parametrize("name, season, episodes", [
    ("Show Season 1 Episode 2", 1, (2,)),
    ("Show - Season 1 - Episode 02 (720p).avi", 1, (2,)),
    ("Show Season 01 Episode 05-06 720p", 1, (5, 6)),
])
def test_season_and_episode_in_words(name, season, episodes):
    shape = first(name, "Season 1 Episode 2")
    assert (shape.title, shape.season, shape.episodes) == ("Show", season, episodes)


@pytest.mark.parametrize("name, season, episodes", [
    ("Show [HDTV 720p][Cap.101]", 1, (1,)),
    ("Show - Temporada 2 [HDTV 720p][Cap.1901]", 19, (1,)),
    ("Show falls - Temporada 1 [HDTV][Cap.111_113]", 1, (11, 12, 13)),
])
def test_spanish_cap_numbering(name, season, episodes):
    shape = first(name, "Cap.101")
    assert (shape.season, shape.episodes) == (season, episodes)


def test_dutch_afl_numbering():
    shape = first("13 Series Se.1 afl.2-3-4 [VTM]", "Se.1 afl.2")
    assert (shape.title, shape.season, shape.episodes) == ("13 Series", 1, (2, 3, 4))


@pytest.mark.parametrize("name, seasons, pack", [
    ("Show.S01.1080p.WEB-DL", (1,), False),
    ("Show Season 4 WS PDTV", (4,), False),
    ("Show.Saison3.VOSTFR", (3,), False),
    ("Show.Stagione.3.HDTV", (3,), False),
    ("Show.S01-S05.1080p", (1, 2, 3, 4, 5), True),
    ("Show S01 - S07 BluRay", tuple(range(1, 8)), True),
    ("Show Season 01-07 BluRay", tuple(range(1, 8)), True),
    ("Show S01 S04 (1080p BluRay)", (1, 2, 3, 4), True),
    ("Show Title - Series 1 (1970) DivX", (1,), False),
])
def test_season_packs(name, seasons, pack):
    shape = first(name, "season")
    assert (shape.seasons, shape.pack, shape.episodes) == (seasons, pack, ())


def test_every_episode_of_a_season_is_a_season_pack():
    shape = first("Show Title / S1E1-8 of 8 [2024, WEB-DL 1080p]", "season")
    assert (shape.season, shape.pack) == (1, True)


@pytest.mark.parametrize("name, dates", [
    ("Show.2024.01.15.Guest.720p", [dt.date(2024, 1, 15)]),
    ("Show - 2024-01-15 - Guest", [dt.date(2024, 1, 15)]),
    ("Show.2012.16.02.PDTV", [dt.date(2012, 2, 16)]),  # year, day, month
    ("Show_04.28.2014_hdtv", [dt.date(2014, 4, 28)]),  # month, day, year
    ("Show.13.02.2025.1080i", [dt.date(2025, 2, 13)]),  # day, month, year
    ("Show.140722.720p", [dt.date(2014, 7, 22)]),
    ("Show 20201013 Ep7432", [dt.date(2020, 10, 13)]),
    ("Show 5th Mar 2025 1080", [dt.date(2025, 3, 5)]),
    ("Show 23rd Feb 2024", [dt.date(2024, 2, 23)]),
    ("Show.2024.02.03.720p", [dt.date(2024, 2, 3), dt.date(2024, 3, 2)]),  # the library decides
])
def test_air_dates_in_every_order_a_name_writes_them(name, dates):
    found = [s.air_date for s in shapes(name) if s.pattern == "date"]
    assert all(d in found for d in dates), found
    assert all(s.title == "Show" for s in shapes(name) if s.pattern == "date" and s.air_date in dates)


@pytest.mark.parametrize("name, title, absolute", [
    ("[SubsPlease] Show - 05 (1080p) [ABCD1234].mkv", "Show", (5,)),
    ("[Group] Show_07_(1280x720_x264-AAC)_[6B7FD717]", "Show", (7,)),
    ("[Group] Show 214", "Show", (214,)),
    ("Show - 031 - The Episode Title [Lunar].avi", "Show", (31,)),
    ("[Group] Show 100 - 07 [1080p]", "Show 100", (7,)),  # the number before the dash is the title's
    ("[Group] Show - 100 Years Quest - 01 (1080p)", "Show - 100 Years Quest", (1,)),
    ("[Group] Show 8 Go! 31 [1280x720]", "Show 8 Go!", (31,)),  # the last number is the episode
    ("[Erai-raws] Show - 01~10 [1080p]", "Show", tuple(range(1, 11))),
    ("[HorribleSubs] Show (01-25) [1080p] (Batch)", "Show", tuple(range(1, 26))),
    ("Show 1-13 (English Dub) [720p]", "Show", tuple(range(1, 14))),
    ("Show (2010) - 01-02-03 - Title", "Show", (1, 2, 3)),
])
def test_anime_numbers_ignore_group_tags_and_crcs(name, title, absolute):
    shape = first(name, "anime")
    assert (shape.title, shape.absolute) == (title, absolute)


def test_an_anime_season_in_the_title_is_kept_and_given():
    shape = first("[Group] Show (Season 2) - 33 (1280x720) [42A12A76].mkv", "anime")
    assert (shape.title, shape.season, shape.absolute) == ("Show", 2, (33,))


def test_a_decimal_anime_number_is_a_special():
    shape = first("[Anime Time] Show - 12.5.mkv", "anime special")
    assert shape.special and shape.absolute == ()


def test_a_number_before_a_season_marker_belongs_to_the_title():
    assert not [s for s in shapes("[Group] Show 100: Bucket List S01 [Web][1080p]") if s.pattern == "anime"]


def test_chinese_fansub_brackets_give_the_titles_and_the_episode():
    shape = first("[桜都字幕组][盾之勇者成名录/Shield Hero][01][BIG5][720P]", "brackets")
    assert shape.absolute == (1,) and "Shield Hero" in shape.title


@pytest.mark.parametrize("name, absolute", [
    ("[GM-Team][国漫][Show][2019][215 END][AVC][GB][1080P]", (215,)),  # the year is no episode
    ("[Group][Show][13完][繁体][720P]", (13,)),
    ("[Group][Show][01-24完][720P]", tuple(range(1, 25))),
])
def test_bracketed_episode_numbers_with_their_marks(name, absolute):
    assert first(name, "brackets").absolute == absolute


def test_old_scene_numbers_after_a_dotted_title():
    assert (first("show.name.103.104.hdtv-lol", "103").season, first("show.name.103.104.hdtv-lol", "103").episodes) \
        == (1, (3, 4))
    assert first("Show.10708.hdtv-lol.mp4", "103").episodes == (7, 8)
    assert not [s for s in shapes("Movie.Title.2010.1080p") if s.pattern == "103"]


@pytest.mark.parametrize("name, number", [("Show.Part.2.DSR", 2), ("Show Part Two 720p", 2), ("Show.Pt.3", 3)])
def test_mini_series_parts(name, number):
    assert first(name, "Part 2").part == number


@pytest.mark.parametrize("name, titles, year", [
    ("Blade.Runner.2049.2017.1080p.mkv", {"Blade Runner 2049"}, 2017),
    ("1917.2019.1080p.BluRay.mkv", {"1917"}, 2019),
    ("2001.A.Space.Odyssey.1968.1080p.mkv", {"2001 A Space Odyssey"}, 1968),
    ("(500).Days.Of.Summer.(2009).DTS.1080p", {"(500) Days Of Summer"}, 2009),
    ("The.Good.German.2006.720p.BluRay", {"The Good German", "The Good"}, 2006),
    ("Movie.Klasse.von.1999.1990.German.720p", {"Movie Klasse von 1999"}, 1990),
    ("Valana la Movie TRUEFRENCH BluRay 720p 2016", {"Valana la Movie", "Valana la Movie TRUEFRENCH"}, 2016),
    ("(1995) Movie Name", {"Movie Name"}, 1995),
    ("[Arid] Cowboy Bebop - Knockin' on Heaven's Door v2 [00F4CDA0].mkv",
     {"Cowboy Bebop - Knockin' on Heaven's Door"}, None),
    ("www.Torrenting.com - Movie.2008.720p.X264-DIMENSION", {"Movie"}, 2008),
    ("[www.test-hyphen.ca] - Movie Title (2023)", {"Movie Title"}, 2023),
    ("(movieawake.com) Movie Title 2023 [720p]", {"Movie Title"}, 2023),
])
def test_movie_titles_end_at_their_year(name, titles, year):
    found = {(s.title, s.year) for s in shapes(name) if s.pattern == "movie"}
    assert found == {(t, year) for t in titles}


def test_helpers():
    assert episode_range(1, [3]) == (1, 2, 3)
    assert episode_range(5, []) == (5,)
    assert episode_range(100, [7]) == ()
    assert split_year("Show (2010)") == ("Show", 2010)
    assert split_year("Show 2012") == ("Show", 2012)
    assert split_year("1917") == ("1917", None)
    assert title_text("[Group] Show_Name - ") == "Show Name"
    assert title_text("221208 Show Name ") == "Show Name"
    assert title_text("[Group][Title Here][") == "Title Here"


@pytest.mark.parametrize("codec", ["H.264", "H.265", "h.264", "x.264", "X.265", "DD5.1.H.264", "DDP5.1.H.265"])
def test_a_codec_written_with_a_dot_is_no_episode_number(codec):
    name = f"The.Office.US.S02.720p.WEB-DL.{codec}-NTb"
    assert not [s for s in shapes(name) if s.pattern == "103"], shapes(name)
