"""Which of two releases is better, for --conflict upgrade."""

from __future__ import annotations

import pytest

from mydia_import.decisions import Code
from mydia_import.identify.parse import ReleaseParser
from mydia_import.models import Release
from mydia_import.plan.quality import (
    Policy,
    Quality,
    Verdict,
    describe,
    judge,
    of_file,
    of_record,
    parse_cutoff,
    profile_policy,
    rank,
    release_rank,
)


@pytest.mark.parametrize("better, worse", [
    ("4320p", "2160p"),
    ("2160p", "1080p"),
    ("1080p", "720p"),
    ("720p", "576p"),
    ("576p", "480p"),
    ("480p", None),
])
def test_a_higher_resolution_ranks_higher(better, worse):
    assert rank(better, "WEB-DL") > rank(worse, "WEB-DL")


def test_interlaced_ranks_as_its_progressive_resolution():
    assert rank("1080i", "HDTV") == rank("1080p", "HDTV")


SOURCES_BEST_FIRST = ["Remux", "BluRay", "WEB-DL", "WEBRip", "HDTV", "DVD"]


@pytest.mark.parametrize("better, worse", list(zip(SOURCES_BEST_FIRST, SOURCES_BEST_FIRST[1:], strict=False)))
def test_sources_rank_remux_bluray_webdl_webrip_hdtv_dvd(better, worse):
    assert rank("1080p", better) > rank("1080p", worse)


def test_the_source_order_is_total_from_remux_down_to_dvd():
    ranks = [rank("1080p", source) for source in SOURCES_BEST_FIRST]
    assert ranks == sorted(ranks, reverse=True)
    assert len(set(ranks)) == len(ranks)


def test_resolution_weighs_more_than_source():
    assert rank("1080p", "WEBRip") > rank("720p", "Remux")
    assert rank("2160p", "HDTV") > rank("1080p", "BluRay")


def test_proper_beats_non_proper_at_the_same_quality():
    assert rank("1080p", "WEB-DL", 1) > rank("1080p", "WEB-DL", 0)
    assert rank("1080p", "WEB-DL", 2) > rank("1080p", "WEB-DL", 1)


def test_proper_does_not_beat_a_better_source_or_resolution():
    assert rank("1080p", "WEB-DL", 1) < rank("1080p", "BluRay", 0)
    assert rank("720p", "BluRay", 2) < rank("1080p", "BluRay", 0)


def test_an_unknown_source_or_resolution_ranks_lowest():
    assert rank("1080p", "Betamax") < rank("1080p", "CAM")
    assert rank("4K-ish", "BluRay") == rank(None, "BluRay")
    assert rank(None, None) == (0, 0, 0)


def test_release_rank_reads_resolution_source_and_proper_count_of_a_release():
    release = Release("Movie.2010.PROPER.1080p.BluRay.x264-GRP.mkv", resolution="1080p",
                      source="BluRay", proper_count=1)
    assert release_rank(release) == rank("1080p", "BluRay", 1)
    assert release_rank(release) > release_rank(Release("x", resolution="1080p", source="BluRay"))


@pytest.mark.parametrize("metadata, resolution, expected", [
    ({"quality_source": "BluRay", "proper_count": 1}, "1080p", Quality("1080p", "BluRay", 1)),
    ({"resolution": "720p", "quality_source": "HDTV"}, None, Quality("720p", "HDTV")),
    ({}, "2160p", Quality("2160p", None)),
    ({"quality_source": "WEB-DL"}, None, Quality(None, "WEB-DL")),
    ({"source": "REMUX"}, "1080p", Quality("1080p", "Remux")),  # Mydia's own metadata key and word
    ({"source": "/downloads/Movie.BluRay.mkv"}, None, Quality()),  # a path is no source
    ({"resolution": "1080p", "proper_count": "2"}, None, Quality("1080p", None, 0)),
])
def test_of_record_reads_the_column_and_the_metadata_of_this_tool_and_of_mydia(metadata, resolution, expected):
    assert of_record(metadata, resolution) == expected


def test_of_file_falls_back_to_the_release_name_then_the_file_name():
    parse = ReleaseParser().parse
    assert of_file("Movie (2010).mkv", 5, parse, Quality(), "Movie.2010.720p.HDTV.x264-A") == \
        Quality("720p", "HDTV", 0, 5)
    assert of_file("Movie.2010.1080p.WEB-DL.mkv", 5, parse).words() == "1080p WEB-DL"
    assert not of_file("Movie (2010).mkv", 5, parse).known


@pytest.mark.parametrize("args, words", [
    (("1080p", "BluRay", 0), "1080p BluRay"),
    (("720p", "HDTV", 1), "720p HDTV PROPER"),
    (("2160p", None, 0), "2160p"),
    ((None, None, 0), "unknown quality"),
])
def test_describe_puts_the_quality_in_words(args, words):
    assert describe(*args) == words


def test_size_is_the_last_tie_break():
    assert Quality("1080p", "BluRay", 0, 2).key() > Quality("1080p", "BluRay", 0, 1).key()
    assert Quality("1080p", "BluRay", 1, 1).key() > Quality("1080p", "BluRay", 0, 9).key()
    assert Quality("1080p", "Remux", 0, 1).key() > Quality("1080p", "BluRay", 1, 9).key()


@pytest.mark.parametrize("text, expected", [
    ("1080p BluRay", Quality("1080p", "BluRay")),
    ("Bluray-1080p", Quality("1080p", "BluRay")),
    ("2160p", Quality("2160p", None)),
    ("web-dl", Quality(None, "WEB-DL")),
])
def test_a_cutoff_is_read_in_the_spellings_users_write(text, expected):
    assert parse_cutoff(text) == expected


@pytest.mark.parametrize("text", ["", "best", "1080p Betamax"])
def test_a_cutoff_that_names_no_quality_is_refused(text):
    with pytest.raises(ValueError):
        parse_cutoff(text)


def test_judge_names_both_qualities():
    assert judge(Quality("2160p", "BluRay"), Quality("1080p", "WEB-DL")) == \
        Verdict(True, "2160p BluRay replaces 1080p WEB-DL")
    assert judge(Quality("480p", "DVD"), Quality("1080p", "BluRay")) == \
        Verdict(False, "480p DVD is not better than 1080p BluRay already there", Code.NOT_AN_UPGRADE)


def test_judge_stops_at_the_cutoff_but_takes_a_proper_of_the_same_quality():
    policy = Policy(cutoff=parse_cutoff("1080p BluRay"))
    verdict = judge(Quality("2160p", "Remux"), Quality("1080p", "BluRay"), policy)
    assert not verdict.better and "meets the upgrade cutoff 1080p BluRay ([import] upgrade_until)" in verdict.reason
    assert verdict.code is Code.CUTOFF_MET
    assert judge(Quality("1080p", "BluRay", 1), Quality("1080p", "BluRay"), policy).better
    assert judge(Quality("1080p", "BluRay"), Quality("720p", "BluRay"), policy).better


def test_a_quality_profile_that_allows_no_upgrades_keeps_the_file_and_says_which_profile():
    policy = profile_policy("HD-1080p", ["1080p"], 0, None)
    verdict = judge(Quality("1080p", "Remux"), Quality("1080p", "WEB-DL"), policy)
    assert verdict == Verdict(False, "quality profile 'HD-1080p' allows no upgrades (1080p WEB-DL already there)",
                              Code.NO_UPGRADES)


def test_a_quality_outside_the_profile_does_not_replace_one_inside_it():
    policy = profile_policy("SD", ["480p", "576p"], 1, "576p")
    verdict = judge(Quality("1080p", "BluRay"), Quality("480p", "DVD"), policy)
    assert not verdict.better
    assert verdict.reason == ("1080p BluRay is not one of the qualities of quality profile 'SD' (480p, 576p); "
                              "480p DVD already there is")
    assert judge(Quality("576p", "DVD"), Quality("480p", "SDTV"), policy).better  # inside: an upgrade
    assert judge(Quality("1080p", "BluRay"), Quality("360p", "CAM"), policy).better  # the old one is outside too


def test_the_profiles_cutoff_is_its_upgrade_until_quality():
    policy = profile_policy("Any", ["360p", "480p", "576p", "720p", "1080p", "2160p"], 1, "1080p")
    verdict = judge(Quality("2160p", "WEB-DL"), Quality("1080p", "HDTV"), policy)
    assert not verdict.better and "meets the upgrade cutoff 1080p (quality profile 'Any')" in verdict.reason
    assert profile_policy("X", "not a list", 1, "best of all") == Policy(None, True, None, "X")


def test_judge_refuses_to_replace_a_file_of_unknown_quality():
    verdict = judge(Quality("2160p", "Remux"), Quality(size=5))
    assert not verdict.better and "unknown quality" in verdict.reason
