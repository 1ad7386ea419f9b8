"""Samples told by their runtime through ffprobe (a stand-in ffprobe script here)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mydia_import.decisions import Code
from mydia_import.identify import samples
from mydia_import.identify.match import identify_file
from mydia_import.identify.parse import ReleaseParser
from mydia_import.library import Library
from mydia_import.models import Candidate, Kind


def fake_ffprobe(folder: Path, duration: str | None) -> str:
    """A script that answers like `ffprobe -show_entries format=duration -of json`."""
    script = folder / "ffprobe"
    body = 'echo "garbage"; exit 1' if duration is None else (
        'printf \'{"format": {"duration": "%s"}}\' "' + duration + '"')
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.mark.parametrize("expected, minimum", [
    (None, 90), (0, 90), (2, 15), (3, 15), (8, 90), (10, 90), (22, 300), (30, 300), (45, 600), (148, 600),
])
def test_the_minimum_runtime_follows_sonarrs_table(expected, minimum):
    assert samples.minimum_runtime(expected) == minimum


def test_ffprobe_reads_a_duration(tmp_path):
    probe = samples.probe_from_setting(fake_ffprobe(tmp_path, "61.5"))
    assert probe(tmp_path / "x.mkv") == 61.5


def test_an_unreadable_runtime_decides_nothing(tmp_path):
    probe = samples.probe_from_setting(fake_ffprobe(tmp_path, None))
    assert probe(tmp_path / "x.mkv") is None
    assert samples.sample_reason(tmp_path / "x.mkv", 120, probe) is None


def test_off_and_a_missing_program_give_no_probe(tmp_path, monkeypatch):
    assert samples.probe_from_setting("off") is None
    monkeypatch.setenv("PATH", str(tmp_path))
    samples._which.cache_clear()
    try:
        assert samples.probe_from_setting("auto") is None
    finally:
        samples._which.cache_clear()


def test_a_missing_program_at_a_path_reads_nothing(tmp_path):
    probe = samples.probe_from_setting(str(tmp_path / "no-ffprobe"))
    assert probe(tmp_path / "x.mkv") is None


@pytest.mark.parametrize("seconds, expected, sample", [
    (45, 148, True), (599, 148, True), (600, 148, False), (5400, None, False), (60, None, True),
    (0, 22, True), (200, 22, True), (1300, 22, False), (20, 3, False),
])
def test_a_runtime_below_the_threshold_is_a_sample(seconds, expected, sample):
    reason = samples.sample_reason(Path("Movie.mkv"), expected, lambda path: seconds)
    assert (reason is not None) == sample
    if sample:
        assert reason.code is Code.SAMPLE
        assert reason.message.startswith("looks like a sample: it runs ") and "ffprobe" in reason.message


@pytest.mark.parametrize("name", ["Movie.iso", "Movie.m2ts", "Movie.strm", "Movie.flv", "Movie.img"])
def test_formats_whose_runtime_says_nothing_are_not_checked(name):
    assert samples.sample_reason(Path(name), 120, lambda path: 1) is None


def test_specials_are_not_checked():
    assert samples.sample_reason(Path("x.mkv"), 45, lambda path: 30, special=True) is None


@pytest.fixture
def library():
    lib = Library.memory()
    lib.load({"movies": [{"title": "Heat", "year": 1995}],
              "shows": [{"title": "Show", "year": 2020, "episodes": [{"season": 1, "episode": 1},
                                                                   {"season": 0, "episode": 1}]}]})
    lib.db.execute("UPDATE media_items SET metadata = '{\"runtime\": 170}' WHERE title = 'Heat'")
    lib.db.execute("UPDATE media_items SET metadata = '{\"episode_run_time\": [22]}' WHERE title = 'Show'")
    yield lib
    lib.close()


def candidate(path: str) -> Candidate:
    p = Path("/downloads") / path
    return Candidate(p, p if "/" not in path else Path("/downloads") / path.split("/")[0], 1000, Kind.VIDEO)


def test_the_expected_runtime_comes_from_the_librarys_metadata(library):
    parser = ReleaseParser()
    heat = identify_file(candidate("Heat.1995.mkv"), parser, library, probe=None)
    show = identify_file(candidate("Show.S01E01.mkv"), parser, library, probe=None)
    assert library.expected_runtime(heat.match) == 170
    assert library.expected_runtime(show.match) == 22


def test_a_matched_video_that_runs_too_short_is_a_sample(library):
    ident = identify_file(candidate("Heat.1995.1080p.mkv"), ReleaseParser(), library, probe=lambda p: 58.0)
    assert ident.match is None and ident.sample
    assert ident.reason == ("looks like a sample: it runs 0:58, under the 10:00 an item expected to run "
                            "2:50:00 needs (read by ffprobe)")
    assert [c.title for c in ident.candidates] == ["Heat"]


def test_a_short_show_is_not_taken_for_a_sample(library):
    ident = identify_file(candidate("Show.S01E01.mkv"), ReleaseParser(), library, probe=lambda p: 1300.0)
    assert ident.match is not None


def test_a_special_is_never_a_sample_by_runtime(library):
    ident = identify_file(candidate("Show.S00E01.mkv"), ReleaseParser(), library, probe=lambda p: 30.0)
    assert ident.match is not None


def test_without_ffprobe_nothing_changes(library):
    assert identify_file(candidate("Heat.1995.mkv"), ReleaseParser(), library, probe=None).match is not None


def test_the_stand_in_ffprobe_works_through_identify_file(library, tmp_path):
    probe = samples.probe_from_setting(fake_ffprobe(tmp_path, "30.0"))
    ident = identify_file(candidate("Heat.1995.mkv"), ReleaseParser(), library, probe=probe)
    assert ident.sample and "0:30" in ident.reason
    assert os.access(tmp_path / "ffprobe", os.X_OK)
