"""Subtitles follow their video: which video, where beside it, and when not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from mydia_import.decisions import Code
from mydia_import.identify.parse import ReleaseParser
from mydia_import.models import (
    Action,
    Candidate,
    ConflictPolicy,
    EpisodeRef,
    Kind,
    LibraryRoot,
    Match,
    MediaRef,
    MediaType,
    PlannedFile,
    Release,
    Status,
    TransferMode,
)
from mydia_import.plan.arbitration import arbitrate_run
from mydia_import.plan.companions import find_video, plan_subtitles

DOWNLOADS = Path("/downloads")
MOVIES = LibraryRoot("root-movies", Path("/library/movies"), "movies")
TV = LibraryRoot("root-tv", Path("/library/tv"), "series")
INCEPTION = MediaRef("movie-1", MediaType.MOVIE, "Inception", 2010)
SHOW = MediaRef("show-1", MediaType.TV_SHOW, "Breaking Bad", 2008)
MOVIE_RELEASE = DOWNLOADS / "Inception.2010.1080p.BluRay.x264-GRP"
MOVIE_VIDEO = MOVIE_RELEASE / "Inception.2010.1080p.BluRay.x264-GRP.mkv"
MOVIE_DEST = MOVIES.path / "Inception (2010)" / "Inception (2010).mkv"
PACK = DOWNLOADS / "Breaking.Bad.S01.1080p.WEB-DL-GRP"


@pytest.fixture(scope="module")
def parser() -> ReleaseParser:
    parser = ReleaseParser()
    # guessit and babelfish load their data on first use: before pyfakefs hides it.
    for name in ("Warm.Up.2010.en.forced.srt", "2_English.srt", "Warm.S01E01.pt-BR.sdh.srt", "x.French.srt"):
        parser.parse(name)
    return parser


def movie_video(status: Status = Status.PLANNED, reason: str | None = None, path: Path = MOVIE_VIDEO,
                dest: Path | None = MOVIE_DEST, skip_reason: str | None = None) -> PlannedFile:
    candidate = Candidate(path, MOVIE_RELEASE, 1000, Kind.VIDEO, skip_reason)
    return PlannedFile(candidate, status, Action.COPY if status is Status.PLANNED else Action.NONE,
                       dest if status is not Status.SKIPPED else None, MOVIES,
                       Release(path.name), Match(INCEPTION), reason=reason)


def episode_video(number: int, name: str | None = None) -> PlannedFile:
    name = name or f"Breaking.Bad.S01E{number:02d}.1080p.WEB-DL-GRP.mkv"
    candidate = Candidate(PACK / name, PACK, 1000, Kind.VIDEO)
    dest = TV.path / "Breaking Bad (2008)" / "Season 01" / f"Breaking Bad (2008) - S01E{number:02d}.mkv"
    episode = EpisodeRef(f"ep-{number}", 1, number)
    return PlannedFile(candidate, Status.PLANNED, Action.COPY, dest, TV,
                       Release(name, type="episode", season=1, episodes=(number,)), Match(SHOW, (episode,)))


def subtitle(path: Path, release: Path = MOVIE_RELEASE, skip_reason: str | None = None) -> Candidate:
    return Candidate(path, release, 100, Kind.SUBTITLE, skip_reason)


def plan(subs, videos, parser, conflict=ConflictPolicy.SKIP, mode=TransferMode.COPY) -> list[PlannedFile]:
    return plan_subtitles(subs, videos, parser.parse, mode, conflict)


# --- which video --------------------------------------------------------------------------

def test_a_subtitle_beside_its_video_goes_beside_the_video_in_the_library(fs, parser):
    sub = subtitle(MOVIE_RELEASE / "Inception.2010.1080p.BluRay.x264-GRP.en.srt")
    video = movie_video()
    [result] = plan([sub], [video], parser)
    assert (result.status, result.destination, result.action) == (
        Status.PLANNED, MOVIES.path / "Inception (2010)" / "Inception (2010).en.srt", Action.COPY)
    assert (result.companion_of, result.root, result.match) == (MOVIE_VIDEO, MOVIES, Match(INCEPTION))
    assert result.release.language == "en"


def test_the_stem_prefix_picks_the_episode_of_a_season_pack(fs, parser):
    videos = [episode_video(n) for n in (1, 2, 3)]
    sub = subtitle(PACK / "Breaking.Bad.S01E02.1080p.WEB-DL-GRP.en.srt", PACK)
    [result] = plan([sub], videos, parser)
    assert result.companion_of == videos[1].candidate.path
    assert result.destination.name == "Breaking Bad (2008) - S01E02.en.srt"


def test_the_longest_stem_prefix_wins(parser):
    short = movie_video(path=MOVIE_RELEASE / "Inception.mkv")
    long = movie_video(path=MOVIE_RELEASE / "Inception.Extended.mkv")
    sub = subtitle(MOVIE_RELEASE / "Inception.Extended.en.srt")
    release = parser.parse(sub.path.name)
    assert find_video(sub, release, [short, long]) is long
    assert find_video(sub, release, [long, short]) is long


def test_a_rarbg_subs_folder_named_after_the_video_picks_that_video(fs, parser):
    videos = [episode_video(n) for n in (1, 2, 3)]
    sub = subtitle(PACK / "Subs" / "Breaking.Bad.S01E03.1080p.WEB-DL-GRP" / "2_English.srt", PACK)
    [result] = plan([sub], videos, parser)
    assert result.companion_of == videos[2].candidate.path
    assert result.destination.name == "Breaking Bad (2008) - S01E03.en.srt"


def test_a_rarbg_subs_folder_of_a_single_movie_goes_to_its_video(fs, parser):
    sub = subtitle(MOVIE_RELEASE / "Subs" / "2_English.srt")
    [result] = plan([sub], [movie_video()], parser)
    assert result.destination == MOVIES.path / "Inception (2010)" / "Inception (2010).en.srt"


def test_a_subtitle_of_a_single_video_release_goes_to_that_video_whatever_its_name(fs, parser):
    sub = subtitle(MOVIE_RELEASE / "English.srt")
    [result] = plan([sub], [movie_video()], parser)
    assert (result.status, result.companion_of) == (Status.PLANNED, MOVIE_VIDEO)


def test_a_sample_does_not_count_as_a_second_video(fs, parser):
    sample = movie_video(status=Status.SKIPPED, path=MOVIE_RELEASE / "Sample" / "sample.mkv",
                         reason="looks like a sample", skip_reason="looks like a sample")
    sub = subtitle(MOVIE_RELEASE / "English.srt")
    [result] = plan([sub], [sample, movie_video()], parser)
    assert result.companion_of == MOVIE_VIDEO


def test_a_subtitle_with_the_episode_number_finds_its_episode(fs, parser):
    videos = [episode_video(n, f"bb.{n}.mkv") for n in (1, 2)]  # names that are no prefix of the subtitle
    sub = subtitle(PACK / "Subs" / "Breaking.Bad.S01E02.English.srt", PACK)
    [result] = plan([sub], videos, parser)
    assert result.companion_of == videos[1].candidate.path


def test_a_subtitle_of_the_same_episode_number_in_another_season_finds_no_video(fs, parser):
    videos = [episode_video(n, f"bb.{n}.mkv") for n in (1, 2)]
    sub = subtitle(PACK / "Subs" / "Breaking.Bad.S02E02.English.srt", PACK)
    assert plan([sub], videos, parser)[0].status is Status.SKIPPED


def test_a_subtitle_no_video_claims_is_skipped_with_a_reason(fs, parser):
    videos = [episode_video(n) for n in (1, 2)]
    sub = subtitle(PACK / "English.srt", PACK)
    [result] = plan([sub], videos, parser)
    assert (result.status, result.destination, result.reason) == (
        Status.SKIPPED, None, "no video of this release matches this subtitle")
    assert result.code is Code.NO_VIDEO_FOR_COMPANION


def test_a_video_of_another_release_is_never_the_subtitles_video(fs, parser):
    other_release = DOWNLOADS / "Other"
    sub = subtitle(other_release / "Inception.2010.1080p.BluRay.x264-GRP.en.srt", other_release)
    [result] = plan([sub], [movie_video()], parser)
    assert result.status is Status.SKIPPED


def test_a_subtitle_whose_video_was_skipped_is_skipped_with_the_videos_reason(fs, parser):
    video = movie_video(status=Status.SKIPPED, reason="no movie called 'Inception (2010)' in the library")
    sub = subtitle(MOVIE_RELEASE / "Inception.2010.1080p.BluRay.x264-GRP.en.srt")
    [result] = plan([sub], [video], parser)
    assert (result.status, result.destination, result.companion_of) == (Status.SKIPPED, None, MOVIE_VIDEO)
    assert result.reason == ("its video Inception.2010.1080p.BluRay.x264-GRP.mkv is not imported "
                             "(no movie called 'Inception (2010)' in the library)")


def test_a_subtitle_whose_video_failed_is_skipped(fs, parser):
    video = movie_video(status=Status.FAILED, reason="conflict")
    [result] = plan([subtitle(MOVIE_RELEASE / "English.srt")], [video], parser)
    assert result.status is Status.SKIPPED
    assert result.reason.endswith("is not imported (conflict)")
    assert result.code is Code.VIDEO_NOT_IMPORTED


def test_a_subtitle_of_an_already_imported_video_is_still_planned(fs, parser):
    video = movie_video(status=Status.ALREADY_IMPORTED)
    [result] = plan([subtitle(MOVIE_RELEASE / "English.srt")], [video], parser)
    assert (result.status, result.destination.name) == (Status.PLANNED, "Inception (2010).en.srt")


def test_a_subtitle_discovery_already_rejected_is_skipped_with_that_reason(fs, parser):
    sub = subtitle(MOVIE_RELEASE / "English.srt.!qB", skip_reason="the download is not complete yet")
    [result] = plan([sub], [movie_video()], parser)
    assert (result.status, result.reason) == (Status.SKIPPED, "the download is not complete yet")


# --- the destination name -------------------------------------------------------------------

@pytest.mark.parametrize("name, destination", [
    ("Inception.2010.1080p.BluRay.x264-GRP.en.srt", "Inception (2010).en.srt"),
    ("Inception.2010.1080p.BluRay.x264-GRP.eng.forced.srt", "Inception (2010).en.forced.srt"),
    ("Inception.2010.1080p.BluRay.x264-GRP.en.sdh.srt", "Inception (2010).en.sdh.srt"),
    ("Inception.2010.1080p.BluRay.x264-GRP.pt-BR.srt", "Inception (2010).pt-br.srt"),
    ("Inception.2010.1080p.BluRay.x264-GRP.French.forced.srt", "Inception (2010).fr.forced.srt"),
    ("Inception.2010.1080p.BluRay.x264-GRP.spa.sdh.srt", "Inception (2010).es.sdh.srt"),
    ("Inception.2010.1080p.BluRay.x264-GRP.de.ASS", "Inception (2010).de.ass"),
    ("Inception.2010.1080p.BluRay.x264-GRP.srt", "Inception (2010).srt"),
    ("Inception.2010.1080p.BluRay.x264-GRP.forced.srt", "Inception (2010).forced.srt"),
])
def test_language_and_flags_go_into_the_destination_name(fs, parser, name, destination):
    [result] = plan([subtitle(MOVIE_RELEASE / name)], [movie_video()], parser)
    assert result.destination == MOVIE_DEST.with_name(destination)


def test_several_subtitles_of_one_language_are_numbered(fs, parser):
    subs = [subtitle(MOVIE_RELEASE / "Subs" / n) for n in ("2_English.srt", "3_English.srt", "4_English.srt")]
    result = plan(subs, [movie_video()], parser)
    assert [p.destination.name for p in result] == [
        "Inception (2010).en.srt", "Inception (2010).2.en.srt", "Inception (2010).3.en.srt"]
    assert all(p.status is Status.PLANNED for p in result)


def test_subtitles_of_different_languages_or_flags_are_not_numbered(fs, parser):
    names = ("2_English.srt", "3_French.srt", "Inception.en.forced.srt", "Inception.en.sdh.srt")
    result = plan([subtitle(MOVIE_RELEASE / "Subs" / n) for n in names], [movie_video()], parser)
    assert [p.destination.name for p in result] == [
        "Inception (2010).en.srt", "Inception (2010).fr.srt", "Inception (2010).en.forced.srt",
        "Inception (2010).en.sdh.srt"]


def test_numbering_counts_per_video(fs, parser):
    videos = [episode_video(n) for n in (1, 2)]
    subs = [subtitle(PACK / "Subs" / f"Breaking.Bad.S01E{n:02d}.1080p.WEB-DL-GRP" / "2_English.srt", PACK)
            for n in (1, 2)]
    result = plan(subs, videos, parser)
    assert [p.destination.name for p in result] == [
        "Breaking Bad (2008) - S01E01.en.srt", "Breaking Bad (2008) - S01E02.en.srt"]


def test_the_action_follows_the_mode(fs, parser):
    [result] = plan([subtitle(MOVIE_RELEASE / "English.srt")], [movie_video()], parser, mode=TransferMode.MOVE)
    assert result.action is Action.MOVE


# --- conflicts ------------------------------------------------------------------------------

SUB_SOURCE = MOVIE_RELEASE / "Inception.2010.1080p.BluRay.x264-GRP.en.srt"
SUB_DEST = MOVIE_DEST.with_name("Inception (2010).en.srt")


@pytest.fixture
def sub_on_disk(fs) -> Candidate:
    fs.create_file(SUB_SOURCE, contents=b"1\n00:00:01,000 --> 00:00:02,000\nHello\n")
    return subtitle(SUB_SOURCE)


def test_the_same_subtitle_already_there_is_already_imported(fs, parser, sub_on_disk):
    fs.create_file(SUB_DEST, contents=b"1\n00:00:01,000 --> 00:00:02,000\nHello\n")
    [result] = plan([sub_on_disk], [movie_video()], parser, ConflictPolicy.REPLACE)
    assert (result.status, result.action, result.replaces) == (Status.ALREADY_IMPORTED, Action.NONE, None)


def test_a_hardlink_of_the_subtitle_already_there_is_already_imported(fs, parser, sub_on_disk):
    fs.create_dir(SUB_DEST.parent)
    fs.create_link(SUB_SOURCE, SUB_DEST)
    assert plan([sub_on_disk], [movie_video()], parser)[0].status is Status.ALREADY_IMPORTED


def test_a_different_subtitle_there_is_skipped_by_default(fs, parser, sub_on_disk):
    fs.create_file(SUB_DEST, contents=b"other")
    [result] = plan([sub_on_disk], [movie_video()], parser)
    assert (result.status, result.action) == (Status.SKIPPED, Action.NONE)
    assert result.reason == (f"{SUB_DEST} already holds a different subtitle; "
                             "keep it, or import with --conflict replace or keep-both")


@pytest.mark.parametrize("conflict", [ConflictPolicy.REPLACE, ConflictPolicy.UPGRADE])
def test_a_different_subtitle_there_is_replaced_under_replace_and_upgrade(fs, parser, sub_on_disk, conflict):
    fs.create_file(SUB_DEST, contents=b"other")
    [result] = plan([sub_on_disk], [movie_video()], parser, conflict)
    assert (result.status, result.destination, result.replaces) == (Status.PLANNED, SUB_DEST, SUB_DEST)


def test_a_different_subtitle_there_fails_under_fail(fs, parser, sub_on_disk):
    fs.create_file(SUB_DEST, contents=b"other")
    [result] = plan([sub_on_disk], [movie_video()], parser, ConflictPolicy.FAIL)
    assert (result.status, result.action) == (Status.FAILED, Action.NONE)


def test_keep_both_gives_a_subtitle_a_free_name(fs, parser, sub_on_disk):
    fs.create_file(SUB_DEST, contents=b"other")
    [result] = plan([sub_on_disk], [movie_video()], parser, ConflictPolicy.KEEP_BOTH)
    assert result.status is Status.PLANNED
    assert result.destination != SUB_DEST and result.destination.parent == SUB_DEST.parent
    assert result.destination.name.startswith("Inception (2010).") and result.destination.suffix == ".srt"


def test_keep_both_puts_the_number_before_the_language(fs, parser, sub_on_disk):
    fs.create_file(SUB_DEST, contents=b"other")
    [result] = plan([sub_on_disk], [movie_video()], parser, ConflictPolicy.KEEP_BOTH)
    assert result.destination == SUB_DEST.with_name("Inception (2010).2.en.srt")


def test_a_subtitle_conflict_under_fail_stops_the_run_too(fs, parser, sub_on_disk):
    fs.create_file(SUB_DEST, contents=b"other")
    video = movie_video()
    planned = [video, *plan([sub_on_disk], [video], parser, ConflictPolicy.FAIL)]
    result = arbitrate_run(planned)
    assert [p.status for p in result] == [Status.SKIPPED, Status.FAILED]
