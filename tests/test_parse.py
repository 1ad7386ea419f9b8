"""Release names into Release values (identify/parse.py): the parse, the cache, and guessit's quirks."""

from __future__ import annotations

import datetime as dt

import pytest

from mydia_import.identify.parse import ReleaseParser, to_release
from mydia_import.models import Release


@pytest.fixture(scope="module")
def parser() -> ReleaseParser:
    return ReleaseParser()


def fields(release: Release, expected: dict) -> dict:
    """The release's values for the keys of `expected`, to compare in one assert."""
    return {key: getattr(release, key) for key in expected}


# --- episodes ------------------------------------------------------------------------------

EPISODES = {
    "Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv": {
        "type": "episode", "title": "Breaking Bad", "season": 1, "episodes": (2,), "resolution": "720p",
        "source": "HDTV", "video_codec": "H.264", "release_group": "CTU", "container": "mkv"},
    "breaking.bad.s01e02.720p.hdtv.x264-ctu.mkv": {
        "type": "episode", "title": "breaking bad", "season": 1, "episodes": (2,), "source": "HDTV"},
    "Breaking Bad 1x02 Cat's in the Bag.avi": {
        "type": "episode", "title": "Breaking Bad", "season": 1, "episodes": (2,), "container": "avi"},
    "Breaking Bad S01 E02 1080p WEB-DL.mkv": {
        "type": "episode", "title": "Breaking Bad", "season": 1, "episodes": (2,), "resolution": "1080p",
        "source": "WEB-DL"},
    "Breaking Bad Season 1 Episode 2.mkv": {
        "type": "episode", "title": "Breaking Bad", "season": 1, "episodes": (2,)},
    "Show.S1E2.mkv": {"type": "episode", "title": "Show", "season": 1, "episodes": (2,)},
    "Show - 2x05 - Title.mkv": {"type": "episode", "title": "Show", "season": 2, "episodes": (5,)},
    "Show.S00E01.mkv": {"type": "episode", "title": "Show", "season": 0, "episodes": (1,)},
    "Show.S02E10.1080p.WEB.h264-GRP.mkv": {
        "type": "episode", "season": 2, "episodes": (10,), "source": "WEB-DL", "release_group": "GRP"},
    # multi-episode files
    "Lost.S01E01E02.720p.BluRay.x264-GROUP.mkv": {
        "type": "episode", "title": "Lost", "season": 1, "episodes": (1, 2), "source": "BluRay"},
    "Lost.S01E01-E03.720p.BluRay.x264-GROUP.mkv": {
        "type": "episode", "title": "Lost", "season": 1, "episodes": (1, 2, 3)},
    "Show.S01E01E02E03.mkv": {"type": "episode", "season": 1, "episodes": (1, 2, 3)},
    "Show.1x01-02.mkv": {"type": "episode", "season": 1, "episodes": (1, 2)},
    # daily shows
    "The.Daily.Show.2024.01.15.Guest.Name.720p.WEB.h264-GROUP.mkv": {
        "type": "episode", "title": "The Daily Show", "year": None, "season": None, "episodes": (),
        "air_date": dt.date(2024, 1, 15), "resolution": "720p"},
    "Show 2024-01-15.mkv": {"type": "episode", "title": "Show", "air_date": dt.date(2024, 1, 15)},
    # anime: release group in brackets, a bare episode number, a CRC
    "[SubsPlease] Frieren - 05 (1080p) [ABCD1234].mkv": {
        "type": "episode", "title": "Frieren", "season": None, "episodes": (5,), "release_group": "SubsPlease",
        "resolution": "1080p"},
    "[SubsPlease] One Piece - 1071 (1080p) [ABCD1234].mkv": {
        "type": "episode", "title": "One Piece", "season": None, "episodes": (1071,)},
    # season packs and generic names
    "Show.S01.1080p.WEB-DL-GRP": {"type": "episode", "title": "Show", "season": 1, "episodes": ()},
    "Season 2": {"type": "episode", "title": None, "season": 2, "episodes": ()},
    "E01.mkv": {"type": "episode", "title": None, "season": None, "episodes": (1,)},
}


@pytest.mark.parametrize("name, expected", EPISODES.items(), ids=list(EPISODES))
def test_episode_names(parser, name, expected):
    assert fields(parser.parse(name), expected) == expected


# --- movies --------------------------------------------------------------------------------

MOVIES = {
    "Inception.2010.1080p.BluRay.x264-SPARKS.mkv": {
        "type": "movie", "title": "Inception", "year": 2010, "season": None, "episodes": (), "resolution": "1080p",
        "source": "BluRay", "video_codec": "H.264", "release_group": "SPARKS", "container": "mkv",
        "proper_count": 0, "part": None, "edition": None},
    "Inception (2010).mkv": {"type": "movie", "title": "Inception", "year": 2010},
    "Inception.mkv": {"type": "movie", "title": "Inception", "year": None},
    "Inception.2010.1080p.BluRay.x264-SPARKS": {
        "type": "movie", "title": "Inception", "year": 2010, "container": None},
    # editions
    "Aliens.1986.Directors.Cut.1080p.BluRay.x264.mkv": {
        "title": "Aliens", "year": 1986, "edition": "Director's Cut"},
    "Movie.2010.Extended.Cut.mkv": {"title": "Movie", "edition": "Extended"},
    "Movie.2010.Unrated.Directors.Cut.mkv": {"title": "Movie", "edition": "Unrated, Director's Cut"},
    # parts
    "Kill.Bill.2003.CD1.DVDRip.XviD-GROUP.avi": {
        "title": "Kill Bill", "year": 2003, "part": 1, "source": "DVDRip", "video_codec": "Xvid"},
    "Kill.Bill.2003.part2.DVDRip.XviD-GROUP.avi": {"title": "Kill Bill", "year": 2003, "part": 2},
    "Movie (2010) Part 2.mkv": {"title": "Movie", "year": 2010, "part": 2},
    "Movie.2010.CD2.mkv": {"part": 2},
    # PROPER / REPACK
    "Inception.2010.PROPER.1080p.BluRay.x264-GROUP.mkv": {"proper_count": 1, "release_group": "GROUP"},
    "Inception.2010.REPACK.1080p.BluRay.x264-GROUP.mkv": {"proper_count": 1},
    "Show.S01E02.REPACK.PROPER.720p.HDTV.x264-GRP.mkv": {"proper_count": 2, "episodes": (2,)},
    "Movie.2010.REAL.PROPER.mkv": {"proper_count": 2},
}


@pytest.mark.parametrize("name, expected", MOVIES.items(), ids=list(MOVIES))
def test_movie_names(parser, name, expected):
    assert fields(parser.parse(name), expected) == expected


# --- quality words -------------------------------------------------------------------------

@pytest.mark.parametrize("words, source", [
    ("1080p.WEB-DL.DD5.1.H264", "WEB-DL"),
    ("1080p.AMZN.WEB-DL", "WEB-DL"),
    ("1080p.WEB.h264", "WEB-DL"),
    ("1080p.WEBRip.x264", "WEBRip"),
    ("1080p.BluRay.x264", "BluRay"),
    ("2160p.UHD.BluRay.x265", "BluRay"),
    ("1080p.BluRay.REMUX.AVC.DTS-HD.MA.5.1", "Remux"),
    ("1080p.Blu-ray.Remux", "Remux"),
    ("BRRip.x264", "BluRayRip"),
    ("BDRip.x264", "BluRayRip"),
    ("720p.HDTV.x264", "HDTV"),
    ("DVDRip.XviD", "DVDRip"),
    ("DVD", "DVD"),
    ("TS", "TELESYNC"),
    ("CAM", "CAM"),
    ("1080p", None),
])
def test_sources_are_named_as_users_know_them(parser, words, source):
    assert parser.parse(f"Movie.2010.{words}-GRP.mkv").source == source


@pytest.mark.parametrize("words, hdr", [
    ("2160p.UHD.BluRay.x265.HDR10.DTS", "HDR10"),
    ("2160p.WEB-DL.DV.HEVC", "DV"),
    ("2160p.WEB-DL.DoVi.HEVC", "DV"),
    ("1080p.BluRay.x264", None),
])
def test_hdr_formats(parser, words, hdr):
    assert parser.parse(f"Movie.2010.{words}-GRP.mkv").hdr_format == hdr


def test_codecs_and_audio_are_kept(parser):
    release = parser.parse("Inception.2010.2160p.UHD.BluRay.x265.HDR10.DTS-GRP.mkv")
    assert (release.resolution, release.video_codec, release.audio_codec) == ("2160p", "H.265", "DTS")


# --- subtitles -----------------------------------------------------------------------------

SUBTITLES = {
    "Inception.2010.1080p.BluRay.x264-SPARKS.en.srt": {
        "title": "Inception", "year": 2010, "language": "en", "forced": False, "sdh": False,
        "release_group": "SPARKS", "container": "srt"},
    "Inception.2010.1080p.BluRay.x264-SPARKS.eng.forced.srt": {
        "language": "en", "forced": True, "sdh": False, "release_group": None},
    "Inception.2010.1080p.BluRay.x264-SPARKS.en.sdh.srt": {
        "language": "en", "forced": False, "sdh": True, "release_group": None},
    "Inception.2010.1080p.BluRay.x264-SPARKS.pt-BR.srt": {"language": "pt-BR"},
    "Movie.2010.English.srt": {"language": "en"},
    "Movie.2010.French.forced.srt": {"language": "fr", "forced": True},
    "Movie.2010.spa.sdh.srt": {"language": "es", "sdh": True},
    "Movie.2010.de.ass": {"language": "de", "container": "ass"},
    "Movie.2010.forced.srt": {"language": None, "forced": True},
    "Show.S01E01.en.srt": {"type": "episode", "season": 1, "episodes": (1,), "language": "en"},
    "Show.S01E01.1080p.WEB-DL-GRP.en.forced.srt": {"episodes": (1,), "language": "en", "forced": True},
    "Show.S01E01.en.sdh.srt": {"language": "en", "sdh": True, "release_group": None},
    "2_English.srt": {"language": "en", "forced": False, "sdh": False},
    "3_French.srt": {"language": "fr"},
}


@pytest.mark.parametrize("name, expected", SUBTITLES.items(), ids=list(SUBTITLES))
def test_subtitle_names_give_language_and_flags(parser, name, expected):
    assert fields(parser.parse(name), expected) == expected


@pytest.mark.parametrize("name", ["Movie.2010.Forced.Entry.1080p.mkv", "The.SDH.Files.2010.mkv"])
def test_forced_and_sdh_are_subtitle_flags_only(parser, name):
    release = parser.parse(name)
    assert (release.forced, release.sdh, release.language) == (False, False, None)


def test_two_subtitle_flags_are_not_taken_for_a_release_group(parser):
    release = parser.parse("Movie.2010.en.forced.sdh.srt")
    assert (release.language, release.forced, release.sdh) == ("en", True, True)
    assert release.release_group is None


def test_a_closed_caption_subtitle_keeps_its_language(parser):
    release = parser.parse("Movie.2010.1080p.BluRay.x264-GRP.en.cc.srt")
    assert (release.language, release.sdh) == ("en", True)


def test_a_hearing_impaired_subtitle_keeps_its_language(parser):
    release = parser.parse("Movie.2010.en.hi.srt")
    assert (release.language, release.sdh) == ("en", True)


# --- guessit's quirks that matching depends on ---------------------------------------------

def test_the_year_of_an_anime_name_is_not_its_season(parser):
    release = parser.parse("[SubsPlease] Dr. Stone (2019) - 05 (1080p).mkv")
    assert (release.year, release.season, release.episodes) == (2019, None, (5,))


def test_a_year_and_an_explicit_season_are_both_kept(parser):
    release = parser.parse("Show (2019) - S01E05.mkv")
    assert (release.year, release.season, release.episodes) == (2019, 1, (5,))


# --- the parser: cache, hint, failures ------------------------------------------------------

class CountingGuessit:
    def __init__(self, guess: dict | None = None, error: Exception | None = None):
        self.calls: list[tuple[str, dict]] = []
        self.guess = guess if guess is not None else {"title": "Movie", "type": "movie"}
        self.error = error

    def __call__(self, name, options):
        self.calls.append((name, dict(options)))
        if self.error is not None:
            raise self.error
        return dict(self.guess)


def test_each_distinct_name_is_parsed_once():
    fake = CountingGuessit()
    parser = ReleaseParser()
    parser._guessit = fake
    first = parser.parse("Movie.2010.mkv")
    assert parser.parse("Movie.2010.mkv") is first
    parser.parse("Other.2011.mkv")
    parser.parse("Movie.2010.mkv")
    assert [name for name, _ in fake.calls] == ["Movie.2010.mkv", "Other.2011.mkv"]


def test_a_type_hint_is_passed_to_guessit_and_cached_apart():
    fake = CountingGuessit()
    parser = ReleaseParser()
    parser._guessit = fake
    parser.parse("E01.mkv")
    parser.parse("E01.mkv", "episode")
    parser.parse("E01.mkv", "episode")
    assert [(name, options.get("type")) for name, options in fake.calls] == [
        ("E01.mkv", None), ("E01.mkv", "episode")]


@pytest.mark.parametrize("error", [Exception("guessit bug"), ValueError("bad"), IndexError(3)])
def test_a_guessit_exception_gives_a_bare_release_not_a_crash(error):
    parser = ReleaseParser()
    parser._guessit = CountingGuessit(error=error)
    assert parser.parse("W.e.i.r.d.mkv") == Release(name="W.e.i.r.d.mkv")


def test_the_real_guessit_is_loaded_on_first_use():
    parser = ReleaseParser()
    assert parser._guessit is None
    assert parser.parse("Inception.2010.mkv").title == "Inception"
    assert parser._guessit is not None


# --- to_release: guessit's polymorphic values as plain ones --------------------------------

class FakeCountry:
    alpha2 = "BR"


class FakeLanguage:
    def __init__(self, alpha2=None, alpha3="und", country=None):
        self.alpha2, self.alpha3, self.country = alpha2, alpha3, country


class Alpha3Only:
    alpha3 = "haw"

    @property
    def alpha2(self):
        raise AttributeError("no alpha2")  # babelfish raises for languages without a 639-1 code


def test_to_release_turns_lists_and_single_values_into_tuples_and_ints():
    single = to_release("x", {"type": "episode", "title": "Show", "season": 1, "episode": 2})
    several = to_release("x", {"type": "episode", "title": "Show", "season": [1, 2], "episode": [3, 4]})
    assert (single.season, single.episodes) == (1, (2,))
    assert (several.season, several.episodes) == (1, (3, 4))


def test_to_release_ignores_values_of_the_wrong_type():
    release = to_release("x", {"type": "extra", "title": ["First", "Second"], "year": "2010",
                               "episode": [True, 2, "3"], "date": "2024-01-15", "proper_count": None})
    assert release.type is None
    assert release.title == "First"
    assert release.year is None
    assert release.episodes == (2,)
    assert release.air_date is None
    assert release.proper_count == 0


def test_to_release_reads_part_from_cd_or_disc_when_there_is_no_part():
    assert to_release("x", {"cd": 2}).part == 2
    assert to_release("x", {"disc": 3}).part == 3
    assert to_release("x", {"part": 1, "cd": 2}).part == 1


def test_to_release_reads_absolute_episode_numbers():
    assert to_release("x", {"type": "episode", "absolute_episode": [105, 106]}).absolute == (105, 106)


@pytest.mark.parametrize("language, code", [
    (FakeLanguage("en"), "en"),
    (FakeLanguage("pt", country=FakeCountry()), "pt-BR"),
    (FakeLanguage(None, "haw"), "haw"),
    ([FakeLanguage("fr"), FakeLanguage("en")], "fr"),
    (Alpha3Only(), "haw"),
])
def test_to_release_gives_iso_language_codes(language, code):
    assert to_release("x.srt", {"subtitle_language": language, "container": "srt"}).language == code


def test_subtitle_flags_are_read_from_the_name_not_from_the_release_group():
    release = to_release("Movie.en.forced.srt", {"subtitle_language": FakeLanguage("en"),
                                                  "release_group": "forced", "container": "srt"})
    assert (release.forced, release.sdh, release.release_group) == (True, False, None)
    video = to_release("Movie.forced.mkv", {"release_group": "forced", "container": "mkv"})
    assert (video.forced, video.release_group) == (False, "forced")
