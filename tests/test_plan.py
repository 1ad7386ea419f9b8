"""Planning: destinations from the default layout, conflicts with files already there,
and two files of one run aimed at one destination. Filesystem checks run on pyfakefs,
except where a real SQLite library records a file (tmp_path, Library.memory())."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import pytest

from mydia_import.decisions import Code
from mydia_import.errors import MydiaImportError
from mydia_import.library import Library, StoredFile
from mydia_import.models import (
    Action,
    Candidate,
    ConflictPolicy,
    EpisodeRef,
    Identification,
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
from mydia_import.plan.arbitration import arbitrate_run, resolve_collisions
from mydia_import.plan.naming import DEFAULT_EPISODE_TEMPLATE, DEFAULT_MOVIE_TEMPLATE
from mydia_import.plan.videos import Rules, check_root, decide_destination, destination_for, plan_videos

MOVIES = LibraryRoot("root-movies", Path("/library/movies"), "movies")
TV = LibraryRoot("root-tv", Path("/library/tv"), "series")
DOWNLOADS = Path("/downloads")

INCEPTION = MediaRef("movie-1", MediaType.MOVIE, "Inception", 2010)
BREAKING_BAD = MediaRef("show-1", MediaType.TV_SHOW, "Breaking Bad", 2008)
RELATIVE = "Inception (2010)/Inception (2010).mkv"
DEST = MOVIES.path / RELATIVE

NEW = Release("Inception.2010.1080p.BluRay.x264-GRP.mkv", type="movie", title="Inception", year=2010,
              resolution="1080p", source="BluRay")


def rules(conflict: ConflictPolicy = ConflictPolicy.SKIP, mode: TransferMode = TransferMode.COPY,
          roots=None) -> Rules:
    roots = {MediaType.MOVIE: MOVIES, MediaType.TV_SHOW: TV} if roots is None else roots
    return Rules(mode, conflict, DEFAULT_MOVIE_TEMPLATE, DEFAULT_EPISODE_TEMPLATE, roots)


def episode(season: int, number: int, title: str | None = None) -> EpisodeRef:
    return EpisodeRef(f"ep-{season}-{number}", season, number, title)


def video(name: str = NEW.name, release: str = "Inception.2010.1080p.BluRay.x264-GRP", size: int = 0,
          skip_reason: str | None = None) -> Candidate:
    folder = DOWNLOADS / release
    return Candidate(folder / name, folder, size, Kind.VIDEO, skip_reason)


# --- destination_for: the contract's default layout ---------------------------------------

@pytest.mark.parametrize("match, release, suffix, expected", [
    (Match(INCEPTION), NEW, ".mkv", "Inception (2010)/Inception (2010).mkv"),
    (Match(INCEPTION), NEW, ".MKV", "Inception (2010)/Inception (2010).mkv"),
    (Match(INCEPTION), None, ".mp4", "Inception (2010)/Inception (2010).mp4"),
    (Match(INCEPTION), Release("Inception.2010.CD2.avi", part=2), ".avi",
     "Inception (2010)/Inception (2010) - part2.avi"),
    (Match(MediaRef("m", MediaType.MOVIE, "Primer")), None, ".mkv", "Primer/Primer.mkv"),
    (Match(MediaRef("m", MediaType.MOVIE, "Primer")), Release("x", part=1), ".mkv", "Primer/Primer - part1.mkv"),
    (Match(MediaRef("m", MediaType.MOVIE, "Star Wars: Episode IV", 1977)), None, ".mkv",
     "Star Wars - Episode IV (1977)/Star Wars - Episode IV (1977).mkv"),
    # titles in paths are the library's, not the release's
    (Match(MediaRef("m", MediaType.MOVIE, "Amélie", 2001)), Release("amelie.2001.mkv", title="amelie"), ".mkv",
     "Amélie (2001)/Amélie (2001).mkv"),
], ids=["movie", "suffix-lower-cased", "no-release", "part", "no-year", "no-year-part", "sanitised", "library-title"])
def test_movie_destinations_follow_the_default_layout(match, release, suffix, expected):
    assert destination_for(match, release, suffix, rules()) == expected


@pytest.mark.parametrize("match, expected", [
    (Match(BREAKING_BAD, (episode(1, 2, "Cat's in the Bag..."),)),
     "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02 - Cat's in the Bag....mkv"),
    (Match(BREAKING_BAD, (episode(1, 2),)),
     "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02.mkv"),
    (Match(MediaRef("s", MediaType.TV_SHOW, "Lost"), (episode(1, 1, "Pilot"),)),
     "Lost/Season 01/Lost - S01E01 - Pilot.mkv"),
    (Match(MediaRef("s", MediaType.TV_SHOW, "Lost", 2004), (episode(1, 1, "Pilot (1)"), episode(1, 2, "Pilot (2)"))),
     "Lost (2004)/Season 01/Lost (2004) - S01E01-E02 - Pilot (1) + Pilot (2).mkv"),
    (Match(MediaRef("s", MediaType.TV_SHOW, "Lost", 2004), (episode(1, 1), episode(1, 2), episode(1, 3))),
     "Lost (2004)/Season 01/Lost (2004) - S01E01-E03.mkv"),
    (Match(MediaRef("s", MediaType.TV_SHOW, "Doctor Who", 2005), (episode(0, 1, "The Christmas Invasion"),)),
     "Doctor Who (2005)/Season 00/Doctor Who (2005) - S00E01 - The Christmas Invasion.mkv"),
    (Match(MediaRef("s", MediaType.TV_SHOW, "The Daily Show"), (episode(29, 105),)),
     "The Daily Show/Season 29/The Daily Show - S29E105.mkv"),
], ids=["episode", "no-episode-title", "no-show-year", "multi-episode-titles", "multi-episode", "special", "3-digit"])
def test_episode_destinations_follow_the_default_layout(match, expected):
    assert destination_for(match, Release("x.mkv"), ".mkv", rules()) == expected


def test_a_custom_template_can_use_the_release_quality():
    custom = dataclasses.replace(rules(), movie_template="{title} ({year})/{title} [{resolution} {source}]")
    assert destination_for(Match(INCEPTION), NEW, ".mkv", custom) == "Inception (2010)/Inception [1080p BluRay].mkv"


def test_a_custom_episode_template_can_use_the_air_date():
    daily = Match(MediaRef("s", MediaType.TV_SHOW, "The Daily Show"),
                  (EpisodeRef("e", 29, 5, None, dt.date(2024, 1, 15)),))
    custom = dataclasses.replace(rules(), episode_template="{show}/{show} - {air_date}")
    assert destination_for(daily, None, ".mkv", custom) == "The Daily Show/The Daily Show - 2024-01-15.mkv"


# --- decide_destination: conflicts ---------------------------------------------------------

@pytest.fixture
def source(fs) -> Path:
    path = video().path
    fs.create_file(path, contents=b"the new release")
    fs.create_dir(MOVIES.path)
    return path


def planned(path: Path, release: Release | None = NEW) -> PlannedFile:
    candidate = Candidate(path, path.parent, os.path.getsize(path), Kind.VIDEO)
    return PlannedFile(candidate, Status.PLANNED, root=MOVIES, release=release, match=Match(INCEPTION))


def decide(path: Path, conflict=ConflictPolicy.SKIP, stored=None, mode=TransferMode.COPY,
           release: Release | None = NEW) -> PlannedFile:
    def stored_at(root, relative):
        assert root == MOVIES
        return stored if relative == RELATIVE else None

    return decide_destination(planned(path, release), MOVIES, RELATIVE, rules(conflict, mode), stored_at)


def recorded(metadata: dict, size: int | None = None) -> StoredFile:
    return StoredFile("file-1", DEST, RELATIVE, size, INCEPTION.id, metadata=metadata)


@pytest.mark.parametrize("conflict", list(ConflictPolicy))
def test_a_free_destination_is_planned_whatever_the_conflict_policy(source, conflict):
    result = decide(source, conflict)
    assert (result.status, result.destination, result.action, result.replaces, result.reason) == (
        Status.PLANNED, DEST, Action.COPY, None, None)


@pytest.mark.parametrize("mode, action", [
    (TransferMode.AUTO, Action.HARDLINK),  # pyfakefs: one filesystem
    (TransferMode.HARDLINK, Action.HARDLINK),
    (TransferMode.MOVE, Action.MOVE),
    (TransferMode.SYMLINK, Action.SYMLINK),
])
def test_the_planned_action_is_what_the_transfer_will_do(source, mode, action):
    assert decide(source, mode=mode).action is action


def test_a_hardlink_of_the_source_at_the_destination_is_already_imported(fs, source):
    fs.create_dir(DEST.parent)
    os.link(source, DEST)
    result = decide(source, ConflictPolicy.REPLACE)
    assert (result.status, result.action, result.destination, result.replaces) == (
        Status.ALREADY_IMPORTED, Action.NONE, DEST, None)


def test_a_symlink_to_the_source_at_the_destination_is_already_imported(fs, source):
    fs.create_symlink(DEST, source)
    assert decide(source).status is Status.ALREADY_IMPORTED


def test_a_copy_with_the_same_content_is_already_imported(fs, source):
    fs.create_file(DEST, contents=b"the new release")
    result = decide(source, ConflictPolicy.REPLACE)
    assert (result.status, result.action, result.replaces) == (Status.ALREADY_IMPORTED, Action.NONE, None)


def test_a_file_recorded_from_this_source_with_this_size_is_already_imported_without_comparing(fs, source):
    fs.create_file(DEST, contents=b"THE NEW RELEASE")  # same size; bytes not compared
    stored = recorded({"source": str(source)}, size=len(b"the new release"))
    assert decide(source, stored=stored).status is Status.ALREADY_IMPORTED


def test_a_record_of_another_size_does_not_make_it_already_imported(fs, source):
    fs.create_file(DEST, contents=b"THE NEW RELEASE")  # replaced since it was recorded
    stored = recorded({"source": str(source)}, size=999)
    assert decide(source, stored=stored).status is Status.SKIPPED


def test_a_record_from_another_source_does_not_make_it_already_imported(fs, source):
    fs.create_file(DEST, contents=b"THE NEW RELEASE")
    stored = recorded({"source": "/downloads/other.mkv"}, size=len(b"the new release"))
    assert decide(source, stored=stored).status is Status.SKIPPED


def test_a_different_file_of_the_same_size_is_a_conflict(fs, source):
    fs.create_file(DEST, contents=b"THE OLD RELEASE")
    assert decide(source).status is Status.SKIPPED


def test_conflict_skip_skips_with_a_reason_naming_the_file_there(fs, source):
    fs.create_file(DEST, st_size=1_400_000_000)
    result = decide(source, ConflictPolicy.SKIP)
    assert (result.status, result.action, result.replaces) == (Status.SKIPPED, Action.NONE, None)
    assert result.reason == (f"{DEST} already holds a different file (1.4 GB); keep it, "
                             "or import with --conflict replace, upgrade or keep-both")
    assert result.code is Code.DESTINATION_TAKEN and result.decision.permanent


def test_conflict_replace_plans_the_file_and_names_what_it_replaces(fs, source):
    fs.create_file(DEST, contents=b"old")
    result = decide(source, ConflictPolicy.REPLACE)
    assert (result.status, result.destination, result.replaces, result.action) == (
        Status.PLANNED, DEST, DEST, Action.COPY)


def test_conflict_keep_both_puts_the_new_file_under_a_numbered_name(fs, source):
    fs.create_file(DEST, contents=b"old")
    result = decide(source, ConflictPolicy.KEEP_BOTH)
    assert (result.status, result.replaces) == (Status.PLANNED, None)
    assert result.destination == DEST.with_name("Inception (2010) (2).mkv")


def test_conflict_keep_both_takes_the_first_free_number(fs, source):
    fs.create_file(DEST, contents=b"old")
    fs.create_file(DEST.with_name("Inception (2010) (2).mkv"), contents=b"older")
    fs.create_file(DEST.with_name("Inception (2010) (3).mkv"), contents=b"oldest")
    assert decide(source, ConflictPolicy.KEEP_BOTH).destination == DEST.with_name("Inception (2010) (4).mkv")


def test_conflict_keep_both_run_again_finds_its_earlier_copy_already_imported(fs, source):
    fs.create_file(DEST, contents=b"old")
    os.link(source, DEST.with_name("Inception (2010) (2).mkv"))  # what the first keep-both run made
    result = decide(source, ConflictPolicy.KEEP_BOTH)
    assert (result.status, result.destination) == (
        Status.ALREADY_IMPORTED, DEST.with_name("Inception (2010) (2).mkv"))


def test_conflict_fail_fails_the_file_with_a_reason(fs, source):
    fs.create_file(DEST, contents=b"old")
    result = decide(source, ConflictPolicy.FAIL)
    assert (result.status, result.action) == (Status.FAILED, Action.NONE)
    assert result.reason == f"{DEST} already holds a different file (3 bytes) and --conflict is fail"
    assert result.code is Code.CONFLICT_FAIL


def test_a_dangling_symlink_at_the_destination_is_a_conflict_too(fs, source):
    fs.create_symlink(DEST, "/nowhere/gone.mkv")
    result = decide(source)
    assert result.status is Status.SKIPPED
    assert result.reason.startswith(f"{DEST} already holds a different file (0 bytes)")


# --- upgrade ------------------------------------------------------------------------------

def test_conflict_upgrade_without_a_record_skips_as_unknown_quality(fs, source):
    fs.create_file(DEST, contents=b"old")
    result = decide(source, ConflictPolicy.UPGRADE, stored=None)
    assert (result.status, result.replaces) == (Status.SKIPPED, None)
    assert result.reason == (f"{DEST} already holds a different file (3 bytes): of unknown quality (nothing in "
                             "its record or name says it); use --conflict replace to replace it anyway "
                             "(--conflict upgrade)")
    assert result.code is Code.UNKNOWN_QUALITY


def test_conflict_upgrade_with_a_record_without_quality_skips_as_unknown_quality(fs, source):
    fs.create_file(DEST, contents=b"old")
    result = decide(source, ConflictPolicy.UPGRADE, stored=recorded({"release_group": "X"}))
    assert "of unknown quality" in result.reason


@pytest.mark.parametrize("old, new", [
    ({"resolution": "720p", "quality_source": "HDTV"}, NEW),
    ({"resolution": "1080p", "quality_source": "WEB-DL"}, NEW),
    ({"resolution": "1080p", "quality_source": "BluRay", "proper_count": 0}, dataclasses.replace(NEW, proper_count=1)),
])
def test_conflict_upgrade_replaces_a_recorded_worse_file(fs, source, old, new):
    fs.create_file(DEST, contents=b"old")
    result = decide(source, ConflictPolicy.UPGRADE, stored=recorded(old), release=new)
    assert (result.status, result.destination, result.replaces) == (Status.PLANNED, DEST, DEST)


@pytest.mark.parametrize("old, words", [
    ({"resolution": "2160p", "quality_source": "WEB-DL"}, "2160p WEB-DL"),
    ({"resolution": "1080p", "quality_source": "Remux"}, "1080p Remux"),
])
def test_conflict_upgrade_skips_a_release_that_is_not_better(fs, source, old, words):
    fs.create_file(DEST, contents=b"old")
    result = decide(source, ConflictPolicy.UPGRADE, stored=recorded(old))
    assert (result.status, result.action, result.replaces) == (Status.SKIPPED, Action.NONE, None)
    assert result.reason == (f"{DEST} already holds a different file (3 bytes): 1080p BluRay is not better "
                             f"than {words} already there (--conflict upgrade)")
    assert result.code is Code.NOT_AN_UPGRADE


def test_conflict_upgrade_of_the_same_quality_keeps_the_larger_file(fs, source):
    same = {"resolution": "1080p", "quality_source": "BluRay"}
    fs.create_file(DEST, contents=b"old")  # smaller than the new release
    result = decide(source, ConflictPolicy.UPGRADE, stored=recorded(same))
    assert (result.status, result.replaces) == (Status.PLANNED, DEST)
    assert result.note.startswith("1080p BluRay replaces 1080p BluRay, the same quality and larger")
    fs.remove(DEST)
    fs.create_file(DEST, contents=b"an old file larger than the new release")
    result = decide(source, ConflictPolicy.UPGRADE, stored=recorded(same))
    assert result.status is Status.SKIPPED and "the same quality, and not larger" in result.reason


def test_conflict_upgrade_reads_the_quality_a_real_library_recorded(tmp_path):
    with Library.memory() as library:
        movie = library.add_movie("Inception", 2010)
        root = library.ensure_root(tmp_path / "movies", "movies")
        source = tmp_path / "downloads" / NEW.name
        source.parent.mkdir()
        source.write_bytes(b"the new release")
        dest = root.path / RELATIVE
        dest.parent.mkdir(parents=True)
        dest.write_bytes(b"old")
        library.record_file(root, RELATIVE, size=3, match=Match(movie), release=None,
                            metadata={"resolution": "720p", "quality_source": "HDTV", "proper_count": 0})
        candidate = Candidate(source, source.parent, 15, Kind.VIDEO)
        base = PlannedFile(candidate, Status.PLANNED, root=root, release=NEW, match=Match(movie))
        result = decide_destination(base, root, RELATIVE, rules(ConflictPolicy.UPGRADE), library.file_at)
    assert (result.status, result.replaces) == (Status.PLANNED, dest)


def test_upgrade_in_a_real_run_sees_the_quality_recorded_by_an_earlier_run(tmp_path):
    from mydia_import.config import load_settings
    from mydia_import.execute.importer import Request, run

    config = tmp_path / "config.toml"
    config.write_text("")
    settings = dataclasses.replace(load_settings(config, env={}), movies=tmp_path / "movies",
                                   tv=tmp_path / "tv", database=tmp_path / "library.db")
    for folder in ("movies", "tv", "first", "second"):
        (tmp_path / folder).mkdir()
    (tmp_path / "first" / "Inception.2010.720p.HDTV.x264-A.mkv").write_bytes(b"a" * 1000)
    (tmp_path / "second" / "Inception.2010.1080p.BluRay.x264-B.mkv").write_bytes(b"b" * 2000)
    with Library.memory() as library:
        library.add_movie("Inception", 2010)
        first = run(Request((tmp_path / "first",), TransferMode.COPY, ConflictPolicy.SKIP), settings, library)
        assert [f.status for f in first.files] == [Status.IMPORTED]
        second = run(Request((tmp_path / "second",), TransferMode.COPY, ConflictPolicy.UPGRADE), settings, library)
    assert [(f.status, f.reason) for f in second.files] == [(Status.IMPORTED, None)]


# --- arbitrate_run: --conflict fail ---------------------------------------------------------------

def plan_entry(name: str, status: Status, reason: str | None = None, dest: str | None = None) -> PlannedFile:
    destination = MOVIES.path / dest if dest else MOVIES.path / f"{name}/{name}.mkv"
    return PlannedFile(video(f"{name}.mkv", release=name), status,
                       Action.COPY if status is Status.PLANNED else Action.NONE, destination, MOVIES, reason=reason)


def test_conflict_fail_stops_every_planned_file_of_the_run(fs, source):
    fs.create_file(DEST, contents=b"old")
    failed = decide(source, ConflictPolicy.FAIL)
    others = [plan_entry("A", Status.PLANNED), plan_entry("B", Status.SKIPPED, "looks like a sample"),
              plan_entry("C", Status.ALREADY_IMPORTED), plan_entry("D", Status.PLANNED)]
    result = arbitrate_run([others[0], failed, *others[1:]])
    why = f"not imported: the run stopped at the conflict at {DEST} (--conflict fail)"
    assert [(p.candidate.path.name, p.status, p.action, p.reason) for p in result] == [
        ("A.mkv", Status.SKIPPED, Action.NONE, why),
        (source.name, Status.FAILED, Action.NONE, failed.reason),
        ("B.mkv", Status.SKIPPED, Action.NONE, "looks like a sample"),
        ("C.mkv", Status.ALREADY_IMPORTED, Action.NONE, None),
        ("D.mkv", Status.SKIPPED, Action.NONE, why),
    ]
    assert [p.code for p in result] == [Code.RUN_STOPPED, Code.CONFLICT_FAIL, None, None, Code.RUN_STOPPED]


def test_a_failure_that_is_not_a_conflict_does_not_stop_the_run():
    entries = [plan_entry("A", Status.FAILED, "cannot read its size: permission denied"),
               plan_entry("B", Status.PLANNED)]
    assert arbitrate_run(entries) == entries


# --- resolve_collisions --------------------------------------------------------------------

def test_the_second_of_two_files_aimed_at_one_destination_is_skipped_and_names_the_first():
    first = plan_entry("Inception.2010.720p", Status.PLANNED, dest=RELATIVE)
    second = plan_entry("Inception.2010.1080p", Status.PLANNED, dest=RELATIVE)
    result = resolve_collisions([first, second])
    assert result[0] == first
    assert (result[1].status, result[1].action, result[1].destination) == (Status.SKIPPED, Action.NONE, DEST)
    assert result[1].reason == ("Inception.2010.720p.mkv from this run goes to the same destination "
                                "(Inception (2010).mkv) and is preferred (unknown quality, the same quality and "
                                "size: the first in name order); only one can be imported")
    assert result[1].code is Code.COLLISION


def test_of_two_files_aimed_at_one_destination_the_better_release_wins_whatever_the_order():
    worse = replace(plan_entry("Inception.2010.720p.HDTV", Status.PLANNED, dest=RELATIVE),
                    release=Release(name="a", resolution="720p", source="HDTV"))
    better = replace(plan_entry("Inception.2010.1080p.BluRay", Status.PLANNED, dest=RELATIVE),
                     release=Release(name="b", resolution="1080p", source="BluRay"))

    result = resolve_collisions([worse, better])

    assert [p.status for p in result] == [Status.SKIPPED, Status.PLANNED]
    assert result[0].reason.startswith("Inception.2010.1080p.BluRay.mkv from this run")


def test_an_already_imported_file_claims_its_destination_too():
    there = plan_entry("A", Status.ALREADY_IMPORTED, dest=RELATIVE)
    other = plan_entry("B", Status.PLANNED, dest=RELATIVE)
    assert [p.status for p in resolve_collisions([there, other])] == [Status.ALREADY_IMPORTED, Status.SKIPPED]


def test_skipped_and_failed_files_claim_no_destination():
    entries = [plan_entry("A", Status.SKIPPED, "x", dest=RELATIVE), plan_entry("B", Status.FAILED, "y", dest=RELATIVE),
               plan_entry("C", Status.PLANNED, dest=RELATIVE)]
    assert resolve_collisions(entries) == entries


def test_files_aimed_at_different_destinations_are_left_as_they_are():
    entries = [plan_entry("A", Status.PLANNED), plan_entry("B", Status.PLANNED), plan_entry("C", Status.PLANNED)]
    assert resolve_collisions(entries) == entries


def test_three_files_aimed_at_one_destination_all_name_the_first():
    entries = [plan_entry(n, Status.PLANNED, dest=RELATIVE) for n in ("A", "B", "C")]
    result = resolve_collisions(entries)
    assert [p.status for p in result] == [Status.PLANNED, Status.SKIPPED, Status.SKIPPED]
    assert all(p.reason.startswith("A.mkv from this run") for p in result[1:])


# --- plan_videos: the whole video plan -----------------------------------------------------

def test_plan_videos_decides_each_video_and_catches_collisions(fs):
    fs.create_dir(MOVIES.path)
    candidates = [
        video("Inception.2010.720p.mkv", release="A"),
        video("Inception.2010.1080p.mkv", release="B"),
        video("Inception.2010.sample.mkv", release="B", skip_reason="looks like a sample: its name says sample"),
        video("Unknown.2010.mkv", release="C"),
        video("Breaking.Bad.S01E02.mkv", release="D"),
    ]
    for c in candidates:
        fs.create_file(c.path, contents=c.path.name.encode())
    calls = []

    def identify(candidate):
        calls.append(candidate.path.name)
        if candidate.path.name.startswith("Inception"):
            return Identification(Release(candidate.path.name), Match(INCEPTION))
        if candidate.path.name.startswith("Breaking"):
            return Identification(Release(candidate.path.name), Match(BREAKING_BAD, (episode(1, 2),)))
        return Identification(Release(candidate.path.name), None, "no movie called 'Unknown (2010)'")

    result = plan_videos(candidates, identify, rules(roots={MediaType.MOVIE: MOVIES, MediaType.TV_SHOW: None}),
                         lambda root, relative: None)
    assert "Inception.2010.sample.mkv" not in calls  # discovery already said no
    assert [(p.status, p.destination, p.reason) for p in result] == [
        (Status.PLANNED, DEST, None),
        (Status.SKIPPED, DEST, "Inception.2010.720p.mkv from this run goes to the same destination "
                               "(Inception (2010).mkv) and is preferred (unknown quality, the same quality "
                               "and size: the first in name order); only one can be imported"),
        (Status.SKIPPED, None, "looks like a sample: its name says sample"),
        (Status.SKIPPED, None, "no movie called 'Unknown (2010)'"),
        (Status.SKIPPED, None, "no tv library folder is configured; set [library] tv in the config "
                               "(or run `mydia-import init`)"),
    ]
    assert result[0].root == MOVIES and result[0].match == Match(INCEPTION)
    assert result[3].release == Release("Unknown.2010.mkv")
    assert result[4].code is Code.NO_LIBRARY_FOLDER


# --- check_root ----------------------------------------------------------------------------

def test_a_missing_library_folder_is_an_error_that_says_what_to_do(fs):
    with pytest.raises(MydiaImportError, match=r"library folder /library/movies does not exist \(is the drive"):
        check_root(MOVIES)


def test_an_existing_library_folder_passes(fs):
    fs.create_dir(MOVIES.path)
    check_root(MOVIES)
