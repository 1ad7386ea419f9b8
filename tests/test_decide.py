"""plan/batches.py: a run's files are discovered, identified and planned a few whole releases at a
time (`BATCH` files a batch, a release never split), and the run is settled as a whole once
every batch is planned (plan/arbitration.py). Each release being its own batch must change nothing a
user sees; and a batch's names are parsed before the next releases are walked.

The batching itself runs on pyfakefs; whole runs (`importer.run`) on real folders and a SQLite
library in tmp_path (the `workspace` fixture of conftest.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import (
    EPISODE_RELEASE,
    INCEPTION,
    INCEPTION_SRT,
    KIB,
    MOVIE_RELEASE,
    OFFICE_S02,
    PACK_RELEASE,
    make_episode_release,
    make_movie_release,
    make_pack_release,
    write_file,
    write_text,
)

from mydia_import.config import load_settings
from mydia_import.discover import walk as discover
from mydia_import.errors import MydiaImportError
from mydia_import.execute import importer
from mydia_import.identify.parse import ReleaseParser
from mydia_import.library import Library
from mydia_import.models import ConflictPolicy, Report, Status
from mydia_import.plan import batches as decide

# Two releases of one movie, the worse first in name order ("Inception.2010.1080p..." would
# sort before "Inception.2010.720p...": the better one here names its source first).
WORSE = "Inception.2010.720p.HDTV.x264-A"
BETTER = "Inception.2010.BluRay.1080p.x264-B"
UNMATCHED = "Nobody.Knows.This.Show.S01E01.720p.HDTV.x264-LOL.mkv"
SRT = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n"


def one_release_a_batch(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """decide.BATCH = 1: each release is its own batch. Returns the file names of each batch
    as it is handed on to be planned (so a test sees that the batches really were split)."""
    monkeypatch.setattr(decide, "BATCH", 1)
    real = decide._candidate_batches
    handed_on: list[list[str]] = []

    def batches(*args, **kwargs):
        for batch in real(*args, **kwargs):
            handed_on.append([c.path.name for c in batch])
            yield batch

    monkeypatch.setattr(decide, "_candidate_batches", batches)
    return handed_on


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    return one_release_a_batch(monkeypatch)


def scan(ws, *, dry_run: bool = True, conflict: ConflictPolicy | None = None,
         parser: ReleaseParser | None = None, **settings_values) -> Report:
    """`scan` of the workspace's downloads folder through importer.run, as the CLI asks for it."""
    settings = dataclasses.replace(load_settings(ws.config, env={}), **settings_values)
    request = importer.Request((ws.downloads,), settings.mode, conflict or settings.conflict, scan=True,
                               dry_run=dry_run, command="scan")
    with Library.open(ws.db) as library:
        return importer.run(request, settings, library, parser=parser)


def decisions(report: Report, downloads: Path) -> list[tuple[str, Status, Path | None, str | None]]:
    return [(f.source.relative_to(downloads).as_posix(), f.status, f.destination, f.reason) for f in report.files]


def collision(winner: str, destination: str, why: str = "1080p BluRay over 720p HDTV") -> str:
    return (f"{winner} from this run goes to the same destination ({destination}) and is preferred "
            f"({why}); only one can be imported")


# --- batches: whole releases ---------------------------------------------------------------

MB = 1_000_000


def dl() -> Path:
    return Path("/downloads")  # built per test: pyfakefs patches Path


def names(batches) -> list[list[str]]:
    return [[c.path.relative_to(dl()).as_posix() for c in batch] for batch in batches]


def test_a_batch_holds_whole_releases_and_is_handed_on_once_it_holds_enough_files(fs):
    for name in ("A/a1.mkv", "A/a2.mkv", "A/a3.mkv", "B/b.mkv", "C/c.mkv", "D/d1.mkv", "D/d2.mkv", "E.mkv"):
        fs.create_file(dl() / name, st_size=700 * MB)

    batches = decide._candidate_batches([dl()], True, 0.1, (), size=2)

    assert names(batches) == [["A/a1.mkv", "A/a2.mkv", "A/a3.mkv"], ["B/b.mkv", "C/c.mkv"],
                              ["D/d1.mkv", "D/d2.mkv"], ["E.mkv"]]


def test_batches_leave_out_the_releases_a_rescan_recalled(fs):
    for name in ("A/a.mkv", "B/b.mkv", "C/c.mkv"):
        fs.create_file(dl() / name, st_size=700 * MB)
    assert names(decide._candidate_batches([dl()], True, 0.1, {dl() / "B"}, size=1)) == [["A/a.mkv"], ["C/c.mkv"]]


def test_a_file_named_twice_is_decided_once(fs):
    for name in ("A/a.mkv", "A/a.en.srt", "B/b.mkv"):
        fs.create_file(dl() / name, st_size=700 * MB)

    batches = decide._candidate_batches([dl() / "A", dl() / "A" / "a.mkv", dl() / "B"], False, 0.1, (), size=1)

    assert names(batches) == [["A/a.en.srt", "A/a.mkv"], ["B/b.mkv"]]


def test_every_download_path_of_a_scan_is_checked_before_the_first_batch(fs):
    fs.create_file(dl() / "A" / "a.mkv", st_size=700 * MB)
    fs.create_file("/elsewhere/b.mkv", st_size=700 * MB)

    batches = decide._candidate_batches([dl(), Path("/elsewhere/b.mkv")], True, 0.1, (), size=1)

    with pytest.raises(MydiaImportError, match="download path /elsewhere/b.mkv is not a folder"):
        next(batches)


# --- the better release in a later batch -----------------------------------------------------

@pytest.fixture
def two_releases(workspace):
    """The worse release (a video and its subtitle) first, the better one (a bigger video) second."""
    ws = workspace
    ws.worse = write_file(ws.downloads / WORSE / f"{WORSE}.mkv", 40 * KIB)
    ws.worse_srt = write_text(ws.downloads / WORSE / f"{WORSE}.en.srt", SRT)
    ws.better = write_file(ws.downloads / BETTER / f"{BETTER}.mkv", 48 * KIB)
    return ws


def test_a_dry_run_skips_the_worse_release_and_its_subtitle_when_the_better_is_in_a_later_batch(
        two_releases, batches):
    ws = two_releases

    report = scan(ws)

    assert batches == [[f"{WORSE}.en.srt", f"{WORSE}.mkv"], [f"{BETTER}.mkv"]]  # each release alone
    lost = collision(f"{BETTER}.mkv", "Inception (2010).mkv")
    assert decisions(report, ws.downloads) == [
        (f"{WORSE}/{WORSE}.en.srt", Status.SKIPPED, None, f"its video {WORSE}.mkv is not imported ({lost})"),
        (f"{WORSE}/{WORSE}.mkv", Status.SKIPPED, None, lost),
        (f"{BETTER}/{BETTER}.mkv", Status.PLANNED, ws.movies / INCEPTION, None),
    ]
    assert report.exit_code() == 0
    assert ws.movie_files() == set()


def test_a_real_scan_decides_the_same_and_imports_only_the_better_release(two_releases, batches):
    ws = two_releases
    planned = decisions(scan(ws), ws.downloads)

    report = scan(ws, dry_run=False)

    assert batches == [[f"{WORSE}.en.srt", f"{WORSE}.mkv"], [f"{BETTER}.mkv"]] * 2
    assert decisions(report, ws.downloads) == [
        (source, Status.IMPORTED if status is Status.PLANNED else status, destination, reason)
        for source, status, destination, reason in planned]
    assert [f.status for f in report.files] == [Status.SKIPPED, Status.SKIPPED, Status.IMPORTED]
    assert ws.movie_files() == {INCEPTION}
    assert (ws.movies / INCEPTION).read_bytes() == ws.better.read_bytes()
    assert [r["relative_path"] for r in ws.query("SELECT relative_path FROM media_files")] == [INCEPTION]
    assert ws.worse.exists() and ws.worse_srt.exists()


def test_the_better_release_keeps_its_subtitle_when_the_worse_release_is_in_an_earlier_batch(
        two_releases, batches):
    ws = two_releases
    ws.worse_srt.unlink()
    write_text(ws.downloads / WORSE / "Subs" / "2_English.srt", SRT.replace("Hello", "Hi A."))
    better_srt = write_text(ws.downloads / BETTER / "Subs" / "2_English.srt", SRT.replace("Hello", "Hi B."))

    report = scan(ws, dry_run=False)

    assert len(batches) == 2
    assert {f.source: f.status for f in report.files}[better_srt] is Status.IMPORTED
    assert ws.movie_files() == {INCEPTION, INCEPTION_SRT}
    assert (ws.movies / INCEPTION_SRT).read_text() == better_srt.read_text()


# --- each release its own batch changes nothing a user sees -----------------------------------

def mixed_downloads(ws, worse: str) -> None:
    """A movie (subtitle, sample, .nfo, junk), an episode with its .nfo, a season pack, a file
    no library item matches, and a worse release of the movie sorting after it (`worse`: what
    it holds beside its video)."""
    make_movie_release(ws.downloads)
    make_episode_release(ws.downloads)
    write_text(ws.downloads / EPISODE_RELEASE.replace(".mkv", ".nfo"), "episode notes\n")
    make_pack_release(ws.downloads)
    write_file(ws.downloads / UNMATCHED, 20 * KIB)
    write_file(ws.downloads / WORSE / f"{WORSE}.mkv", 40 * KIB)
    if worse == "named subtitle":
        write_text(ws.downloads / WORSE / f"{WORSE}.en.srt", SRT)
    elif worse == "Subs/ subtitle":
        write_text(ws.downloads / WORSE / "Subs" / "2_English.srt", SRT)


@pytest.mark.parametrize("worse", ["video only", "named subtitle", "Subs/ subtitle"])
@pytest.mark.parametrize("nfo", [False, True], ids=["no-nfo", "nfo"])
def test_a_dry_run_gives_the_same_results_whatever_the_batch_size(workspace, monkeypatch, worse, nfo):
    ws = workspace
    mixed_downloads(ws, worse)
    whole = list(scan(ws, nfo=nfo).files)
    batches = one_release_a_batch(monkeypatch)

    split = list(scan(ws, nfo=nfo).files)

    assert len(batches) == 5  # each release alone (junk and .nfo files are no candidates)
    assert split == whole
    statuses = {f.source.relative_to(ws.downloads).as_posix(): f.status for f in split}
    assert statuses[f"{MOVIE_RELEASE}/{MOVIE_RELEASE}.mkv"] is Status.PLANNED
    assert statuses[f"{WORSE}/{WORSE}.mkv"] is Status.SKIPPED
    assert statuses[UNMATCHED] is Status.SKIPPED
    assert sum(f.status is Status.PLANNED for f in split) == 6 + (2 if nfo else 0)


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_nfo_files_are_reported_after_every_other_file_of_the_run(workspace, batches, dry_run):
    ws = workspace
    make_episode_release(ws.downloads)
    episode_nfo = write_text(ws.downloads / EPISODE_RELEASE.replace(".mkv", ".nfo"), "episode notes\n")
    movie = make_movie_release(ws.downloads)
    make_pack_release(ws.downloads)

    report = scan(ws, dry_run=dry_run, nfo=True)

    assert len(batches) == 3
    sources = [f.source for f in report.files]
    assert sources[-2:] == [episode_nfo, movie.junk[0]]  # in release order, after the pack's files
    assert all(s.suffix != ".nfo" for s in sources[:-2])
    done = Status.PLANNED if dry_run else Status.IMPORTED
    assert [f.status for f in report.files[-2:]] == [done, done]


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_conflict_under_fail_in_a_later_batch_stops_the_files_of_earlier_batches(workspace, batches, dry_run):
    ws = workspace
    movie = make_movie_release(ws.downloads)
    pack = make_pack_release(ws.downloads)
    in_the_way = write_file(ws.tv / OFFICE_S02[2], 5 * KIB)

    report = scan(ws, dry_run=dry_run, conflict=ConflictPolicy.FAIL)

    assert len(batches) == 2
    stop = f"not imported: the run stopped at the conflict at {in_the_way} (--conflict fail)"
    by_source = {f.source: (f.status, f.reason) for f in report.files}
    assert {by_source[p] for p in (movie.video, movie.subtitle, pack.episodes[1], pack.episodes[3])} == {
        (Status.SKIPPED, stop)}
    assert by_source[pack.episodes[2]] == (
        Status.FAILED, f"{in_the_way} already holds a different file (5.1 kB) and --conflict is fail")
    assert by_source[movie.sample][1].startswith("looks like a sample")
    assert report.exit_code() == 4
    assert ws.movie_files() == set()
    assert ws.tv_files() == {OFFICE_S02[2]}


# --- a batch is parsed before the next releases are walked ------------------------------------

class RecordingParser(ReleaseParser):
    """A ReleaseParser (no cache, no process pool) that notes each name it is asked to parse."""

    def __init__(self, events: list[tuple[str, str]]):
        super().__init__(workers=0)
        self.events = events

    def parse(self, name, type_hint=None):
        self.events.append(("parse", name))
        return super().parse(name, type_hint)

    def parse_many(self, names, type_hint=None):
        names = list(names)
        self.events.extend(("parse", name) for name in names)
        return super().parse_many(names, type_hint)


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_each_release_is_parsed_before_the_next_release_is_walked(workspace, batches, monkeypatch, dry_run):
    ws = workspace
    make_episode_release(ws.downloads)
    make_movie_release(ws.downloads)
    make_pack_release(ws.downloads)
    events: list[tuple[str, str]] = []
    walk = discover.discover

    def walking(path, **kwargs):
        events.append(("walk", path.name))
        return walk(path, **kwargs)

    monkeypatch.setattr(discover, "discover", walking)

    scan(ws, dry_run=dry_run, parser=RecordingParser(events))

    release_of = {}  # every name under a release (its files, its folders, itself): the release
    for release in (EPISODE_RELEASE, MOVIE_RELEASE, PACK_RELEASE):
        release_of[release] = release
        for path in (ws.downloads / release).rglob("*"):
            release_of[path.name] = release
    steps = [(what, release_of.get(name, name)) for what, name in events]
    assert [s for i, s in enumerate(steps) if i == 0 or s != steps[i - 1]] == [
        ("walk", EPISODE_RELEASE), ("parse", EPISODE_RELEASE),
        ("walk", MOVIE_RELEASE), ("parse", MOVIE_RELEASE),
        ("walk", PACK_RELEASE), ("parse", PACK_RELEASE),
    ]
