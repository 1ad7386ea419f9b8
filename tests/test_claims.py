"""Settling a run as a whole (plan/arbitration.py): plans arrive a batch of whole releases at a time
(`Claims.add`), and only once every batch is planned does the run decide who keeps a
destination two files aim at, which companions follow a video that lost its destination, and
whether --conflict fail stops the run. No filesystem: plans are built by hand."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mydia_import.decisions import Code, Decision
from mydia_import.models import (
    Action,
    Candidate,
    EpisodeRef,
    Kind,
    LibraryRoot,
    Match,
    MediaRef,
    MediaType,
    PlannedFile,
    Release,
    Status,
)
from mydia_import.plan.arbitration import Claims, arbitrate_run, resolve_collisions

DOWNLOADS = Path("/downloads")
MOVIES = LibraryRoot("root-movies", Path("/library/movies"), "movies")
INCEPTION = MediaRef("movie-1", MediaType.MOVIE, "Inception", 2010)
FOLDER = MOVIES.path / "Inception (2010)"
DEST = FOLDER / "Inception (2010).mkv"
SUB_DEST = FOLDER / "Inception (2010).en.srt"

WORSE = "Inception.2010.720p.HDTV.x264-A"
BETTER = "Inception.2010.1080p.BluRay.x264-B"


def video(release: str, status: Status = Status.PLANNED, *, size: int = 1000, dest: Path | None = DEST,
          resolution: str | None = None, source: str | None = None, stops_run: bool = False,
          reason: str | None = None) -> PlannedFile:
    folder = DOWNLOADS / release
    candidate = Candidate(folder / f"{release}.mkv", folder, size, Kind.VIDEO)
    title = release.split(".")[0]
    item = INCEPTION if title == "Inception" else MediaRef(f"movie-{title}", MediaType.MOVIE, title, None)
    return PlannedFile(candidate, status, Action.COPY if status is Status.PLANNED else Action.NONE, dest, MOVIES,
                       Release(candidate.path.name, type="movie", resolution=resolution, source=source),
                       Match(item), reason=reason, stops_run=stops_run)


def worse(**kwargs) -> PlannedFile:
    return video(WORSE, resolution="720p", source="HDTV", **kwargs)


def better(**kwargs) -> PlannedFile:
    return video(BETTER, resolution="1080p", source="BluRay", **kwargs)


def companion(of: PlannedFile, name: str, kind: Kind = Kind.SUBTITLE, *, dest: Path = SUB_DEST,
              extra: str | None = None) -> PlannedFile:
    """A subtitle, extra or .nfo planned beside `of` (as plan/companions.py plans them)."""
    folder = of.candidate.release
    candidate = Candidate(folder / name, folder, 100, kind, expected=kind is not Kind.EXTRA, extra=extra)
    return PlannedFile(candidate, Status.PLANNED, Action.COPY, dest, MOVIES, Release(name), of.match,
                       companion_of=of.candidate.path)


def collision(winner: PlannedFile, dest: Path = DEST, why: str = "1080p BluRay over 720p HDTV") -> str:
    return (f"{winner.candidate.path.name} from this run goes to the same destination ({dest.name}) and is "
            f"preferred ({why}); only one can be imported")


def arbitrated(batches: list[list[PlannedFile]]) -> list[PlannedFile]:
    """Each batch added in turn, then every plan arbitrated (what decide.plans does)."""
    claims = Claims()
    for batch in batches:
        claims.add(batch)
    return [claims.arbitrate(p) for batch in batches for p in batch]


# --- a companion whose video lost its destination to a file of another batch -----------------

@pytest.mark.parametrize("kind, name, extra, dest", [
    (Kind.SUBTITLE, f"{WORSE}.en.srt", None, SUB_DEST),
    (Kind.EXTRA, "Making Of.mkv", "Featurettes", FOLDER / "Featurettes" / "Making Of.mkv"),
    (Kind.EXTRA, f"{WORSE}.nfo", "nfo", FOLDER / "Inception (2010).nfo"),
], ids=["subtitle", "extra", "nfo"])
def test_a_companion_is_skipped_when_its_video_lost_its_destination_to_a_later_batch(kind, name, extra, dest):
    loser, winner = worse(), better(size=900)
    follower = companion(loser, name, kind, dest=dest, extra=extra)

    result = arbitrated([[loser, follower], [winner]])

    assert [(p.candidate.path.name, p.status, p.action) for p in result] == [
        (loser.candidate.path.name, Status.SKIPPED, Action.NONE),
        (name, Status.SKIPPED, Action.NONE),
        (winner.candidate.path.name, Status.PLANNED, Action.COPY),
    ]
    assert result[0].reason == collision(winner)
    assert result[1].reason == f"its video {WORSE}.mkv is not imported ({collision(winner)})"


def test_a_subtitle_is_skipped_when_its_video_lost_its_destination_to_an_earlier_batch():
    winner, loser = better(), worse()
    sub = companion(loser, f"{WORSE}.en.srt")

    result = arbitrated([[winner], [loser, sub]])

    assert [p.status for p in result] == [Status.PLANNED, Status.SKIPPED, Status.SKIPPED]
    assert result[2].reason == f"its video {WORSE}.mkv is not imported ({collision(winner)})"


def test_a_companion_whose_video_keeps_its_destination_is_left_alone():
    winner, loser = better(), worse()
    sub = companion(winner, f"{BETTER}.en.srt")
    nfo = companion(winner, f"{BETTER}.nfo", Kind.EXTRA, dest=FOLDER / "Inception (2010).nfo", extra="nfo")

    result = arbitrated([[loser], [winner, sub, nfo]])

    assert result[0].status is Status.SKIPPED  # the collision did happen
    assert result[1:] == [winner, sub, nfo]


def test_overruled_says_why_a_companion_result_is_not_imported_after_all():
    """What a dry run asks of each result (decide.results): the same reason as arbitrate gives."""
    loser, winner = worse(), better()
    sub = companion(loser, f"{WORSE}.en.srt")
    claims = Claims()
    claims.add([loser, sub])
    claims.add([winner])

    assert claims.overruled(sub.candidate.path, Status.PLANNED, SUB_DEST) == Decision(
        Code.VIDEO_NOT_IMPORTED, f"its video {WORSE}.mkv is not imported ({collision(winner)})")
    assert claims.overruled(winner.candidate.path, Status.PLANNED, DEST) is None
    # A file already decided otherwise (skipped, failed) is not overruled.
    assert claims.overruled(sub.candidate.path, Status.SKIPPED, None) is None


# --- who keeps a destination: already there > quality > size > name order --------------------

LARGER = "unknown quality, the same quality, and larger: 200 bytes over 100 bytes"
THERE = "already in the library or replacing it, 720p HDTV"


@pytest.mark.parametrize("first, second, keeper, why", [
    (worse(), better(), 1, "1080p BluRay over 720p HDTV"),
    (better(), worse(), 0, "1080p BluRay over 720p HDTV"),
    (worse(size=5000), better(size=100), 1, "1080p BluRay over 720p HDTV"),  # quality before size
    (video("X.2010", size=100), video("Y.2010", size=200), 1, LARGER),  # same quality: the larger
    (video("X.2010", size=200), video("Y.2010", size=100), 0, LARGER),
    (video("X.2010"), video("Y.2010"), 0,  # all equal: the first in name order (batch order)
     "unknown quality, the same quality and size: the first in name order"),
    (worse(status=Status.ALREADY_IMPORTED), better(size=5000), 0, THERE),  # what is already there wins
    (better(size=5000), worse(status=Status.ALREADY_IMPORTED), 1, THERE),
], ids=["better-later", "better-first", "quality-before-size", "larger-later", "larger-first", "name-order",
        "already-there-first", "already-there-later"])
def test_of_two_files_of_different_batches_aimed_at_one_destination_the_better_keeps_it(first, second, keeper,
                                                                                         why):
    result = arbitrated([[first], [second]])

    kept, lost = result[keeper], result[1 - keeper]
    assert kept == (first, second)[keeper]
    assert (lost.status, lost.action) == (Status.SKIPPED, Action.NONE)
    assert lost.reason == collision(kept, why=why)


def test_the_files_losing_one_destination_the_same_way_share_one_reason_text():
    winner = better()
    losers = [worse(), video("Inception.2010.720p.HDTV-C", resolution="720p", source="HDTV"),
              video("Inception.2010.CAM-D", source="CAM")]
    other = video("Other.2010", source="BluRay", dest=MOVIES.path / "Other (2010)" / "Other (2010).mkv")
    other_loser = video("Other.2010.CAM", source="CAM", dest=other.destination)

    result = arbitrated([[losers[0]], [winner, other], [losers[1]], [losers[2], other_loser]])

    reasons = [p.reason for p in result if p.status is Status.SKIPPED]
    assert len(reasons) == 4
    assert reasons[0] == collision(winner)
    assert reasons[1] is reasons[0]  # the same quality lost to the same file: one text
    assert reasons[2] == collision(winner, why="1080p BluRay over CAM")  # each names its own quality
    assert reasons[3] == collision(other, other.destination, why="BluRay over CAM")  # another destination


def test_files_that_claim_no_destination_are_left_alone():
    planned = better()
    skipped = worse(status=Status.SKIPPED, reason="looks like a sample")
    failed = video("Inception.2010.Bad", Status.FAILED, reason="cannot read its size: permission denied")
    assert arbitrated([[skipped], [failed], [planned]]) == [skipped, failed, planned]


# --- --conflict fail ---------------------------------------------------------------------------

def test_conflict_fail_skips_every_planned_file_but_a_collision_loser_keeps_its_reason():
    elsewhere = MOVIES.path / "Memento (2000)" / "Memento (2000).mkv"
    failed = video("Memento.2000", Status.FAILED, dest=elsewhere, stops_run=True,
                   reason=f"{elsewhere} already holds a different file (3 bytes) and --conflict is fail")
    loser, winner = worse(), better()
    sub = companion(winner, f"{BETTER}.en.srt")
    there = video("Primer.2004", Status.ALREADY_IMPORTED, dest=MOVIES.path / "Primer (2004)" / "Primer (2004).mkv")
    sample = video("Primer.2004.sample", Status.SKIPPED, dest=None, reason="looks like a sample")

    result = arbitrated([[loser], [failed], [winner, sub], [there, sample]])

    stop = f"not imported: the run stopped at the conflict at {elsewhere} (--conflict fail)"
    assert [(p.candidate.path.name, p.status, p.action, p.reason) for p in result] == [
        (f"{WORSE}.mkv", Status.SKIPPED, Action.NONE, collision(winner)),
        ("Memento.2000.mkv", Status.FAILED, Action.NONE, failed.reason),
        (f"{BETTER}.mkv", Status.SKIPPED, Action.NONE, stop),
        (f"{BETTER}.en.srt", Status.SKIPPED, Action.NONE, stop),
        ("Primer.2004.mkv", Status.ALREADY_IMPORTED, Action.NONE, None),
        ("Primer.2004.sample.mkv", Status.SKIPPED, Action.NONE, "looks like a sample"),
    ]


def test_conflict_fail_names_the_first_conflict_of_the_run():
    first = video("A.2000", Status.FAILED, dest=MOVIES.path / "A.mkv", stops_run=True, reason="a")
    second = video("B.2000", Status.FAILED, dest=MOVIES.path / "B.mkv", stops_run=True, reason="b")
    planned = video("C.2000", dest=MOVIES.path / "C.mkv")

    result = arbitrated([[planned], [first], [second]])

    stop = f"not imported: the run stopped at the conflict at {MOVIES.path / 'A.mkv'} (--conflict fail)"
    assert (result[0].status, result[0].reason) == (Status.SKIPPED, stop)


def test_resolve_collisions_settles_collisions_but_does_not_stop_the_run_and_settle_run_does():
    failed = video("Memento.2000", Status.FAILED, dest=MOVIES.path / "M.mkv", stops_run=True, reason="conflict")
    loser, winner = worse(), better()
    sub = companion(loser, f"{WORSE}.en.srt")
    plans = [loser, sub, failed, winner]

    collisions = resolve_collisions(plans)
    assert [p.status for p in collisions] == [Status.SKIPPED, Status.SKIPPED, Status.FAILED, Status.PLANNED]
    assert collisions[1].reason == f"its video {WORSE}.mkv is not imported ({collision(winner)})"

    whole = arbitrate_run(plans)
    assert [p.status for p in whole] == [Status.SKIPPED, Status.SKIPPED, Status.FAILED, Status.SKIPPED]
    assert whole[3].reason.startswith("not imported: the run stopped at the conflict at")


# --- one video per movie and episode --------------------------------------------------------------

MKV, MP4 = DEST, DEST.with_suffix(".mp4")


def test_two_new_releases_of_one_movie_in_other_containers_import_only_the_better():
    mkv, mp4 = worse(dest=MKV), better(dest=MP4)
    result = arbitrated([[mkv], [mp4]])
    assert result[1] == mp4
    assert result[0].status is Status.SKIPPED
    assert result[0].reason.startswith(f"{BETTER}.mkv from this run is a better copy of the same movie or episode")


def test_keep_both_claims_no_movie_so_both_containers_import():
    claims = Claims(one_per_item=False)
    mkv, mp4 = worse(dest=MKV), better(dest=MP4)
    claims.add([mkv, mp4])
    assert [claims.arbitrate(p) for p in (mkv, mp4)] == [mkv, mp4]


def test_an_already_imported_file_that_a_better_one_retires_is_reported_replaced():
    old = worse(dest=MKV, status=Status.ALREADY_IMPORTED)
    new = dataclasses.replace(better(dest=MP4), retires=(MKV,))
    result = arbitrated([[old], [new]])
    assert result[1] == new
    assert (result[0].status, result[0].reason) == (Status.SKIPPED, f"replaced in this run by {BETTER}.mkv, "
                                                                    "a better release")
    assert result[0].code is Code.REPLACED_IN_RUN


def test_two_files_already_in_the_library_for_one_movie_are_left_alone():
    old, other = worse(dest=MKV, status=Status.ALREADY_IMPORTED), better(dest=MP4, status=Status.ALREADY_IMPORTED)
    assert arbitrated([[old], [other]]) == [old, other]  # put there side by side by keep-both: nothing to decide


def test_a_double_episode_beaten_on_one_episode_is_not_imported_nor_its_subtitle():
    show = MediaRef("show-1", MediaType.TV_SHOW, "Show", None)
    e1, e2 = EpisodeRef("ep-1", 1, 1), EpisodeRef("ep-2", 1, 2)
    folder = Path("/library/tv/Show/Season 01")

    def episode(name, episodes, resolution):
        candidate = Candidate(DOWNLOADS / name / f"{name}.mkv", DOWNLOADS / name, 1000, Kind.VIDEO)
        return PlannedFile(candidate, Status.PLANNED, Action.COPY, folder / f"{name}.mkv", MOVIES,
                           Release(name, type="episode", resolution=resolution), Match(show, episodes))

    double = episode("Show.S01E01E02.720p", (e1, e2), "720p")
    single = episode("Show.S01E01.1080p", (e1,), "1080p")
    sub = companion(double, "Show.S01E01E02.720p.en.srt", dest=folder / "double.en.srt")
    result = arbitrated([[double, sub], [single]])
    assert result[2] == single
    assert result[0].status is Status.SKIPPED and "Show.S01E01.1080p.mkv from this run" in result[0].reason
    assert result[1].status is Status.SKIPPED and result[1].reason.startswith("its video Show.S01E01E02.720p.mkv")
