"""Which of two releases is better, for --conflict upgrade."""

from __future__ import annotations

import pytest

from mydia_import.models import Release
from mydia_import.quality import describe, rank, recorded_rank, release_rank


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


@pytest.mark.parametrize("metadata, expected", [
    ({"resolution": "1080p", "quality_source": "BluRay", "proper_count": 1}, rank("1080p", "BluRay", 1)),
    ({"resolution": "720p", "quality_source": "HDTV"}, rank("720p", "HDTV", 0)),
    ({"resolution": "2160p"}, rank("2160p", None)),
    ({"quality_source": "WEB-DL"}, rank(None, "WEB-DL")),
    ({"resolution": "1080p", "quality_source": None, "proper_count": None}, rank("1080p", None, 0)),
    ({"resolution": "1080p", "proper_count": "2"}, rank("1080p", None, 0)),
])
def test_recorded_rank_reads_the_metadata_mydia_import_records(metadata, expected):
    assert recorded_rank(metadata) == expected


@pytest.mark.parametrize("metadata", [
    {},
    {"resolution": None, "quality_source": None},
    {"source": "/downloads/Movie.mkv", "release_group": "GRP"},  # recorded, but no quality words
    {"resolution": 1080, "quality_source": 3},  # not text: not ours
])
def test_recorded_rank_is_none_when_nothing_is_known_of_the_quality(metadata):
    assert recorded_rank(metadata) is None


@pytest.mark.parametrize("args, words", [
    (("1080p", "BluRay", 0), "BluRay 1080p"),
    (("720p", "HDTV", 1), "HDTV 720p PROPER"),
    (("2160p", None, 0), "2160p"),
    ((None, None, 0), "unknown quality"),
])
def test_describe_puts_the_quality_in_words(args, words):
    assert describe(*args) == words
