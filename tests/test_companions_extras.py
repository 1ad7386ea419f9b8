"""Extras and .nfo files follow their video (`[import] extras`, `[import] nfo`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_companions import MOVIE_DEST, MOVIE_RELEASE, MOVIE_VIDEO, PACK, TV, episode_video, movie_video

from mydia_import.discover.walk import discover
from mydia_import.models import Action, Candidate, ConflictPolicy, Kind, Status, TransferMode
from mydia_import.plan.companions import extras_folder, plan_extras, plan_nfos


def extra(path: Path, folder: str | None = "Featurettes", release: Path = MOVIE_RELEASE) -> Candidate:
    return Candidate(path, release, 500, Kind.EXTRA, "an extra (Featurettes folder), not the main video; "
                     "extras are not imported", False, folder)


def plan(extras, videos, import_extras=True, conflict=ConflictPolicy.SKIP):
    return plan_extras(extras, videos, TransferMode.COPY, conflict, import_extras)


# --- discovery says which extras folder --------------------------------------------------

@pytest.mark.parametrize("path, folder", [
    ("Featurettes/Making Of.mkv", "Featurettes"),
    ("Behind The Scenes/x.mkv", "Behind The Scenes"),
    ("deleted scenes/x.mkv", "Deleted Scenes"),
    ("Extras/x.mkv", "Other"),
    ("Movie (2010)-trailer.mkv", "Trailers"),
    ("Movie-featurette.mkv", "Featurettes"),
    ("Movie-deleted.mkv", "Deleted Scenes"),
])
def test_discovery_gives_each_extra_its_extras_folder(fs, path, folder):
    release = Path("/downloads/Movie.2010")
    fs.create_file(release / "Movie.2010.mkv", st_size=10_000)
    fs.create_file(release / path, st_size=100)
    [found] = [c for c in discover(release) if c.kind is Kind.EXTRA]
    assert found.extra == folder and found.skip_reason is not None


# --- extras ------------------------------------------------------------------------------

def test_extras_are_skipped_with_their_reason_unless_the_config_asks(fs):
    fs.create_file(MOVIE_RELEASE / "Featurettes" / "Making Of.mkv")
    [p] = plan([extra(MOVIE_RELEASE / "Featurettes" / "Making Of.mkv")], [movie_video()], import_extras=False)
    assert p.status is Status.SKIPPED and "extras are not imported" in p.reason


def test_an_extra_goes_into_the_extras_folder_of_its_movie(fs):
    fs.create_file(MOVIE_RELEASE / "Featurettes" / "Making Of.mkv")
    [p] = plan([extra(MOVIE_RELEASE / "Featurettes" / "Making Of.mkv")], [movie_video()])
    assert p.status is Status.PLANNED and p.action is Action.COPY
    assert p.destination == MOVIE_DEST.parent / "Featurettes" / "Making Of.mkv"
    assert p.companion_of == MOVIE_VIDEO and p.match.item.title == "Inception"


def test_an_extra_of_a_show_goes_into_the_shows_folder(fs):
    fs.create_file(PACK / "Behind The Scenes" / "bts.mkv")
    e = extra(PACK / "Behind The Scenes" / "bts.mkv", "Behind The Scenes", PACK)
    [p] = plan([e], [episode_video(1), episode_video(2)])
    assert p.destination == TV.path / "Breaking Bad (2008)" / "Behind The Scenes" / "bts.mkv"
    assert extras_folder(episode_video(1)) == TV.path / "Breaking Bad (2008)"


def test_an_extra_whose_video_is_not_imported_is_skipped(fs):
    fs.create_file(MOVIE_RELEASE / "Featurettes" / "Making Of.mkv")
    [p] = plan([extra(MOVIE_RELEASE / "Featurettes" / "Making Of.mkv")],
               [movie_video(Status.SKIPPED, reason="no match")])
    assert p.status is Status.SKIPPED and "no video of its release is imported" in p.reason


def test_an_extra_of_a_release_of_several_items_is_skipped(fs):
    fs.create_file(PACK / "Featurettes" / "x.mkv")
    other = movie_video()
    other = type(other)(Candidate(PACK / "Movie.mkv", PACK, 1000, Kind.VIDEO), Status.PLANNED, Action.COPY,
                        other.destination, other.root, other.release, other.match)
    [p] = plan([extra(PACK / "Featurettes" / "x.mkv", release=PACK)], [episode_video(1), other])
    assert p.status is Status.SKIPPED and "several items" in p.reason


def test_an_extra_already_there_is_already_imported_and_a_different_one_is_kept(fs):
    fs.create_file(MOVIE_RELEASE / "Featurettes" / "a.mkv", contents="same")
    fs.create_file(MOVIE_RELEASE / "Featurettes" / "b.mkv", contents="new")
    fs.create_file(MOVIE_DEST.parent / "Featurettes" / "a.mkv", contents="same")
    fs.create_file(MOVIE_DEST.parent / "Featurettes" / "b.mkv", contents="old")
    a, b = plan([extra(MOVIE_RELEASE / "Featurettes" / "a.mkv"), extra(MOVIE_RELEASE / "Featurettes" / "b.mkv")],
                [movie_video()])
    assert a.status is Status.ALREADY_IMPORTED
    assert b.status is Status.SKIPPED and "already holds a different extra" in b.reason
    [kept] = plan([extra(MOVIE_RELEASE / "Featurettes" / "b.mkv")], [movie_video()], conflict=ConflictPolicy.KEEP_BOTH)
    assert kept.destination.name == "b (2).mkv"


# --- .nfo ---------------------------------------------------------------------------------

def test_the_nfo_named_like_the_video_goes_beside_it(fs):
    fs.create_file(MOVIE_VIDEO)
    fs.create_file(MOVIE_VIDEO.with_suffix(".nfo"), contents="notes")
    [p] = plan_nfos([movie_video()], TransferMode.COPY, ConflictPolicy.SKIP)
    assert p.destination == MOVIE_DEST.with_suffix(".nfo")
    assert (p.candidate.kind, p.candidate.extra, p.status) == (Kind.EXTRA, "nfo", Status.PLANNED)


def test_the_only_nfo_of_a_one_video_folder_is_its_nfo(fs):
    fs.create_file(MOVIE_VIDEO)
    fs.create_file(MOVIE_RELEASE / "release.nfo", contents="notes")
    [p] = plan_nfos([movie_video()], TransferMode.COPY, ConflictPolicy.SKIP)
    assert p.candidate.path == MOVIE_RELEASE / "release.nfo"


def test_a_pack_folder_nfo_belongs_to_no_one_episode(fs):
    for n in (1, 2):
        fs.create_file(PACK / f"Breaking.Bad.S01E0{n}.1080p.WEB-DL-GRP.mkv")
    fs.create_file(PACK / "pack.nfo")
    assert plan_nfos([episode_video(1), episode_video(2)], TransferMode.COPY, ConflictPolicy.SKIP) == []


def test_no_nfo_for_a_video_that_is_not_imported(fs):
    fs.create_file(MOVIE_VIDEO.with_suffix(".nfo"))
    assert plan_nfos([movie_video(Status.SKIPPED, reason="x")], TransferMode.COPY, ConflictPolicy.SKIP) == []
