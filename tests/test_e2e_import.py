"""End to end: finished downloads -> `scan` / `import` -> library files and database rows.

Each test builds real download trees in tmp_path, runs the CLI on them and
checks the library on disk (exact default-layout paths, content, inode) and
the SQLite rows against cli-contract.md and mydia-schema.md.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import (
    BB_S01E02,
    EPISODE_RELEASE,
    INCEPTION,
    INCEPTION_SRT,
    KIB,
    MOVIE_RELEASE,
    OFFICE_S02,
    PACK_RELEASE,
    Workspace,
    expect,
    make_episode_release,
    make_movie_release,
    make_pack_release,
    run_module,
    snapshot,
    tree,
    write_config,
    write_file,
)
from typer.testing import CliRunner

from mydia_import.cli import app
from mydia_import.decisions import Code

FILE_KEYS = {"source", "destination", "kind", "action", "status", "reason", "code", "media_item", "episodes"}
SUMMARY_KEYS = {"imported", "planned", "already_imported", "skipped", "failed"}


def make_all(ws: Workspace):
    """The three releases of the brief in the downloads folder."""
    return make_movie_release(ws.downloads), make_episode_release(ws.downloads), make_pack_release(ws.downloads)


def by_source(document: dict) -> dict[str, dict]:
    return {f["source"]: f for f in document["files"]}


def item_id(ws: Workspace, title: str) -> str:
    return ws.query("SELECT id FROM media_items WHERE title = ?", (title,))[0]["id"]


def episode_id(ws: Workspace, show: str, season: int, episode: int) -> str:
    return ws.query(
        "SELECT e.id FROM episodes e JOIN media_items m ON m.id = e.media_item_id "
        "WHERE m.title = ? AND e.season_number = ? AND e.episode_number = ?", (show, season, episode),
    )[0]["id"]


def root_id(ws: Workspace, folder: Path) -> str:
    return ws.query("SELECT id FROM library_paths WHERE path = ?", (str(folder),))[0]["id"]


# --- the main job: movie, single episode and season pack ------------------------------


@pytest.mark.parametrize("mode", ["copy", "move", "hardlink"])
def test_scan_imports_movie_episode_and_season_pack_into_the_default_layout(workspace, mode):
    ws = workspace
    movie, episode, pack = make_all(ws)
    originals = {p: p.read_bytes() for p in (movie.video, movie.subtitle, episode, *pack.episodes.values())}
    inodes = {p: p.stat().st_ino for p in originals}
    expected = {
        movie.video: ws.movies / INCEPTION,
        movie.subtitle: ws.movies / INCEPTION_SRT,
        episode: ws.tv / BB_S01E02,
        **{pack.episodes[n]: ws.tv / OFFICE_S02[n] for n in (1, 2, 3)},
    }

    document = ws.json("scan", "--mode", mode)

    # Exactly the contract's paths, nothing else (no sample, no .nfo/.txt/.jpg/.exe).
    assert ws.movie_files() == {INCEPTION, INCEPTION_SRT}
    assert ws.tv_files() == {BB_S01E02, *OFFICE_S02.values()}
    for source, dest in expected.items():
        assert dest.read_bytes() == originals[source], dest
        if mode == "copy":
            assert source.exists() and dest.stat().st_ino != inodes[source]
        elif mode == "hardlink":
            assert source.exists() and dest.stat().st_ino == inodes[source]
        else:
            assert not source.exists(), f"move left the source {source}"
    # Samples and junk stay where they were in every mode.
    for left in (movie.sample, *movie.junk, pack.sample, *pack.junk):
        assert left.exists()

    # The report: every video and subtitle, samples skipped with a reason, junk not listed.
    files = by_source(document)
    for source, dest in expected.items():
        f = files[str(source)]
        assert (f["status"], f["action"], f["destination"]) == ("imported", mode, str(dest))
    for sample in (movie.sample, pack.sample):
        assert files[str(sample)]["status"] == "skipped"
        assert "sample" in files[str(sample)]["reason"]
    assert set(files) == {str(p) for p in (*expected, movie.sample, pack.sample)}
    assert document["summary"] == {"imported": 6, "planned": 0, "already_imported": 0, "skipped": 2,
                                   "failed": 0}

    # Database: library roots, then one media_files row per video.
    roots = {r["path"]: r for r in ws.query("SELECT * FROM library_paths")}
    assert {p: r["type"] for p, r in roots.items()} == {str(ws.movies): "movies", str(ws.tv): "series"}
    rows = {r["relative_path"]: r for r in ws.query("SELECT * FROM media_files")}
    assert set(rows) == {INCEPTION, BB_S01E02, *OFFICE_S02.values()}

    movie_row = rows[INCEPTION]
    assert movie_row["library_path_id"] == roots[str(ws.movies)]["id"]
    assert movie_row["path"] == str(ws.movies / INCEPTION)
    assert movie_row["size"] == 48 * KIB
    assert movie_row["media_item_id"] == item_id(ws, "Inception")
    assert movie_row["episode_id"] is None
    metadata = json.loads(movie_row["metadata"])
    assert metadata["import_download_path"] == str(movie.video)
    assert metadata["import_release_name"] == MOVIE_RELEASE
    assert metadata["import_transfer_mode"] == mode

    for relative, (season, number), source in (
        (BB_S01E02, (1, 2), episode),
        *((OFFICE_S02[n], (2, n), pack.episodes[n]) for n in (1, 2, 3)),
    ):
        row = rows[relative]
        show = "Breaking Bad" if relative == BB_S01E02 else "The Office"
        assert row["library_path_id"] == roots[str(ws.tv)]["id"]
        assert row["path"] == str(ws.tv / relative)
        assert row["size"] == len(originals[source])
        assert row["media_item_id"] is None, "a TV file links to its episode only"
        assert row["episode_id"] == episode_id(ws, show, season, number)
        metadata = json.loads(row["metadata"])
        assert metadata["import_download_path"] == str(source)
        assert metadata["import_transfer_mode"] == mode
    assert json.loads(rows[OFFICE_S02[1]]["metadata"])["import_release_name"] == PACK_RELEASE
    # A single-file release is named by its file (with or without the extension).
    assert json.loads(rows[BB_S01E02]["metadata"])["import_release_name"] in (
        EPISODE_RELEASE, EPISODE_RELEASE.removesuffix(".mkv"))

    # The job history: one job, one row per reported file.
    jobs = ws.query("SELECT * FROM import_jobs")
    assert len(jobs) == 1 and jobs[0]["id"] == document["job"]
    assert jobs[0]["command"] == "scan" and jobs[0]["status"] == "success" and jobs[0]["finished_at"]
    summary = json.loads(jobs[0]["summary"])
    assert summary.pop("_outcome")  # what the next run compares its decisions with
    assert summary == document["summary"]
    job_files = ws.query("SELECT * FROM import_job_files WHERE job_id = ?", (document["job"],))
    assert {r["source"]: r["status"] for r in job_files} == {
        str(p): f["status"] for p, f in ((Path(s), f) for s, f in files.items())}
    recorded = {r["source"]: r["media_file_id"] for r in job_files if r["kind"] == "video"}
    assert recorded[str(movie.video)] == movie_row["id"]


def test_auto_mode_hardlinks_on_one_filesystem_and_says_so(workspace):
    ws = workspace
    movie, episode, _ = make_all(ws)
    document = ws.json("scan", "--mode", "auto")
    actions = {f["action"] for f in document["files"] if f["status"] == "imported"}
    assert actions == {"hardlink"}
    assert os.path.samefile(movie.video, ws.movies / INCEPTION)
    assert os.path.samefile(episode, ws.tv / BB_S01E02)
    modes = {json.loads(r["metadata"])["import_transfer_mode"] for r in ws.query("SELECT metadata FROM media_files")}
    assert modes == {"hardlink"}


def test_config_mode_applies_when_no_flag_is_given(workspace):
    ws = workspace
    write_config(ws.config, database=ws.db, movies=ws.movies, tv=ws.tv, downloads=ws.downloads, mode="hardlink")
    episode = make_episode_release(ws.downloads)
    document = ws.json("scan")
    assert [f["action"] for f in document["files"]] == ["hardlink"]
    assert os.path.samefile(episode, ws.tv / BB_S01E02)


# --- import PATH: one torrent's content path -------------------------------------------


def test_import_a_release_folder_imports_only_that_release(workspace):
    ws = workspace
    movie, episode, pack = make_all(ws)
    document = ws.json("import", str(pack.folder))
    assert ws.tv_files() == set(OFFICE_S02.values())
    assert ws.movie_files() == set()
    assert {f["source"] for f in document["files"]} == {str(p) for p in (*pack.episodes.values(), pack.sample)}
    assert document["summary"]["imported"] == 3
    assert ws.count("media_files") == 3
    assert ws.query("SELECT command FROM import_jobs") == [{"command": "import"}]


def test_import_a_single_file(workspace):
    ws = workspace
    _, episode, _ = make_all(ws)
    document = ws.json("import", str(episode))
    assert [(f["source"], f["status"], f["destination"]) for f in document["files"]] == [
        (str(episode), "imported", str(ws.tv / BB_S01E02))]
    assert document["files"][0]["episodes"] == [{"season": 1, "episode": 2}]
    assert ws.tv_files() == {BB_S01E02}
    assert ws.count("media_files") == 1


def test_import_several_paths_in_one_job(workspace):
    ws = workspace
    movie, episode, _ = make_all(ws)
    document = ws.json("import", str(movie.folder), str(episode))
    assert document["summary"]["imported"] == 3  # film, subtitle, episode
    assert ws.count("import_jobs") == 1


def test_import_of_a_file_inside_a_release_folder_uses_the_folder_as_evidence(workspace):
    """An obfuscated file name: the release folder above it names the movie."""
    ws = workspace
    folder = ws.downloads / MOVIE_RELEASE
    video = write_file(folder / "abc123.mkv", 20 * KIB)
    document = ws.json("import", str(folder))
    assert [f["destination"] for f in document["files"]] == [str(ws.movies / INCEPTION)]
    assert (ws.movies / INCEPTION).read_bytes() == video.read_bytes()


# --- multi-episode files, subtitles, specials ------------------------------------------


def test_a_multi_episode_file_becomes_one_library_file_linked_to_both_episodes(workspace):
    ws = workspace
    source = write_file(ws.downloads / "Breaking.Bad.S01E01E02.720p.HDTV.x264-CTU.mkv", 30 * KIB)
    document = ws.json("scan")
    (f,) = document["files"]
    assert f["status"] == "imported"
    assert f["episodes"] == [{"season": 1, "episode": 1}, {"season": 1, "episode": 2}]
    (relative,) = ws.tv_files()
    folder, name = relative.rsplit("/", 1)
    assert folder == "Breaking Bad (2008)/Season 01"
    assert name.startswith("Breaking Bad (2008) - S01E01-E02") and name.endswith(".mkv"), name
    assert f["destination"] == str(ws.tv / relative)
    assert (ws.tv / relative).read_bytes() == source.read_bytes()

    (row,) = ws.query("SELECT * FROM media_files")
    first, second = episode_id(ws, "Breaking Bad", 1, 1), episode_id(ws, "Breaking Bad", 1, 2)
    assert row["relative_path"] == relative
    assert row["episode_id"] == first and row["media_item_id"] is None
    links = ws.query("SELECT episode_id, position FROM import_file_episodes WHERE media_file_id = ? "
                     "ORDER BY position", (row["id"],))
    assert links == [{"episode_id": first, "position": 0}, {"episode_id": second, "position": 1}]


def test_a_subtitle_beside_the_movie_is_named_after_the_library_video(workspace):
    ws = workspace
    folder = ws.downloads / "Inception.2010.720p.WEB-DL-GRP"
    write_file(folder / "Inception.2010.720p.WEB-DL-GRP.mp4", 20 * KIB)
    srt = folder / "Inception.2010.720p.WEB-DL-GRP.en.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nHi\n", encoding="utf-8")
    document = ws.json("scan")
    assert ws.movie_files() == {"Inception (2010)/Inception (2010).mp4", "Inception (2010)/Inception (2010).en.srt"}
    assert (ws.movies / "Inception (2010)/Inception (2010).en.srt").read_bytes() == srt.read_bytes()
    sub = by_source(document)[str(srt)]
    assert (sub["kind"], sub["status"]) == ("subtitle", "imported")
    assert sub["media_item"]["title"] == "Inception"


def test_a_subtitle_of_a_skipped_video_is_skipped_too(workspace):
    ws = workspace
    folder = ws.downloads / "Unknown.Film.2019.1080p.BluRay-GRP"
    write_file(folder / "Unknown.Film.2019.1080p.BluRay-GRP.mkv", 20 * KIB)
    srt = folder / "Unknown.Film.2019.1080p.BluRay-GRP.en.srt"
    srt.write_text("1\n", encoding="utf-8")
    document = ws.json("scan", code=4)
    sub = by_source(document)[str(srt)]
    assert sub["status"] == "skipped" and sub["reason"]
    assert ws.movie_files() == set()


def test_unknown_year_and_episode_title_are_left_out_and_specials_are_season_00(workspace):
    ws = workspace
    ws.ok("library", "add", "show", "Firefly", "--season", "1:2", "--season", "0:1")
    write_file(ws.downloads / "Firefly.S01E02.720p.HDTV.x264-GRP.mkv", 20 * KIB)
    write_file(ws.downloads / "Firefly.S00E01.720p.HDTV.x264-GRP.mkv", 21 * KIB)
    ws.json("scan")
    assert ws.tv_files() == {
        "Firefly/Season 01/Firefly - S01E02.mkv",
        "Firefly/Season 00/Firefly - S00E01.mkv",
    }


# --- dry run ---------------------------------------------------------------------------


def test_dry_run_writes_no_file_and_no_row_and_prints_the_plan(workspace):
    ws = workspace
    make_all(ws)
    db_bytes = ws.db.read_bytes()
    counts = ws.counts()
    before = snapshot(ws.root)
    del before["library.db"]

    result = ws.ok("scan", "--dry-run")

    assert ws.db.read_bytes() == db_bytes
    assert ws.counts() == counts
    after = snapshot(ws.root)
    del after["library.db"]
    assert after == before
    assert ws.movie_files() == set() and ws.tv_files() == set()
    out = result.stdout
    assert "dry run" in out.lower()
    assert "planned" in out
    assert "Inception (2010).mkv" in out
    assert "S02E03" in out
    assert "6 planned, 2 skipped" in out


def test_dry_run_json_is_the_contract_document_with_status_planned_and_no_job(workspace):
    ws = workspace
    movie, episode, pack = make_all(ws)
    db_bytes = ws.db.read_bytes()
    document = ws.json("scan", "--dry-run", "--mode", "copy")
    assert set(document) == {"job", "dry_run", "files", "summary"}
    assert document["job"] is None and document["dry_run"] is True
    files = by_source(document)
    planned = {movie.video: INCEPTION, episode: BB_S01E02, pack.episodes[2]: OFFICE_S02[2]}
    for source, relative in planned.items():
        f = files[str(source)]
        root = ws.movies if relative == INCEPTION else ws.tv
        assert (f["status"], f["action"], f["destination"]) == ("planned", "copy", str(root / relative))
    assert document["summary"] == {"imported": 0, "planned": 6, "already_imported": 0, "skipped": 2, "failed": 0}
    assert ws.db.read_bytes() == db_bytes
    assert ws.count("import_jobs") == 0


def test_dry_run_plan_is_what_the_real_run_does(workspace):
    ws = workspace
    make_all(ws)
    plan = ws.json("scan", "--dry-run")
    done = ws.json("scan")
    assert [(f["source"], f["destination"], f["action"]) for f in plan["files"]] == [
        (f["source"], f["destination"], f["action"]) for f in done["files"]]
    assert [f["status"] for f in plan["files"]] == [
        "planned" if f["status"] == "imported" else f["status"] for f in done["files"]]


def test_dry_run_before_the_database_exists_is_an_error_and_creates_nothing(no_database):
    ws = no_database
    make_episode_release(ws.downloads)
    result = ws.cli("scan", "--dry-run")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert not ws.db.exists()
    assert ws.tv_files() == set()


# --- running again ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["copy", "hardlink"])
def test_a_second_run_imports_nothing_twice(workspace, mode):
    ws = workspace
    make_all(ws)
    ws.json("scan", "--mode", mode)
    files_before = snapshot(ws.library)
    rows_before = ws.query("SELECT id, relative_path, episode_id, media_item_id FROM media_files ORDER BY id")

    document = ws.json("scan", "--mode", mode)

    statuses = {f["source"]: f["status"] for f in document["files"]}
    assert sorted(set(statuses.values())) == ["already-imported", "skipped"]
    assert document["summary"] == {"imported": 0, "planned": 0, "already_imported": 6, "skipped": 2,
                                   "failed": 0}
    assert snapshot(ws.library) == files_before
    assert ws.query("SELECT id, relative_path, episode_id, media_item_id FROM media_files ORDER BY id") == rows_before
    assert ws.count("import_file_episodes") == 4
    assert ws.count("import_jobs") == 2  # one job per run, even one that changed nothing
    assert document["job"] is not None


def test_a_second_run_after_move_has_nothing_to_do(workspace):
    ws = workspace
    make_episode_release(ws.downloads)
    ws.json("scan", "--mode", "move")
    document = ws.json("scan", "--mode", "move")
    assert document["files"] == []
    assert ws.count("media_files") == 1


# --- output: --json, -q, -v ------------------------------------------------------------


def test_json_output_has_exactly_the_contract_shape(workspace):
    ws = workspace
    make_all(ws)
    write_file(ws.downloads / "Unknown.Film.2019.1080p.BluRay-GRP.mkv", 10 * KIB)
    result = expect(ws.cli("--json", "scan"), 0)
    document = json.loads(result.stdout)  # the whole of stdout is one document
    assert set(document) == {"job", "dry_run", "files", "summary"}
    assert isinstance(document["job"], str) and document["dry_run"] is False
    assert set(document["summary"]) == SUMMARY_KEYS
    for f in document["files"]:
        assert set(f) == FILE_KEYS, f
        assert f["kind"] in ("video", "subtitle", "extra")
        assert f["action"] in ("hardlink", "copy", "move", "symlink", "reflink", "none")
        assert f["status"] in ("imported", "planned", "already-imported", "skipped", "failed")
        assert Path(f["source"]).is_absolute()
        if f["media_item"] is None:
            assert f["episodes"] == []
        else:
            assert set(f["media_item"]) == {"id", "type", "title", "year"}
            assert f["media_item"]["type"] in ("movie", "tv_show")
            for e in f["episodes"]:
                assert set(e) == {"season", "episode"}
        if f["status"] == "skipped":
            assert f["reason"] and f["destination"] is None and f["action"] == "none"
            assert f["code"] in {str(c) for c in Code}, f  # every reason has its rule's code
        if f["status"] == "imported":
            assert f["reason"] is None and f["code"] is None and Path(f["destination"]).is_absolute()
    unknown = by_source(document)[str(ws.downloads / "Unknown.Film.2019.1080p.BluRay-GRP.mkv")]
    assert unknown["media_item"] is None and "no movie called" in unknown["reason"]
    assert unknown["code"] == "unknown-title"
    office = by_source(document)[
        str(ws.downloads / PACK_RELEASE / "The.Office.US.S02E02.720p.WEB-DL.DD5.1.H.264-NTb.mkv")]
    assert office["media_item"]["title"] == "The Office" and office["media_item"]["year"] == 2005
    assert office["episodes"] == [{"season": 2, "episode": 2}]


@pytest.mark.parametrize("placement", ["before", "after"])
def test_json_flag_works_before_and_after_the_command(workspace, placement):
    ws = workspace
    make_episode_release(ws.downloads)
    args = ["--json", "scan"] if placement == "before" else ["scan", "--json"]
    result = expect(ws.cli(*args), 0)
    assert json.loads(result.stdout)["summary"]["imported"] == 1


@pytest.mark.parametrize("placement", ["before", "after"])
def test_quiet_prints_nothing_on_success(workspace, placement):
    ws = workspace
    make_all(ws)
    args = ["-q", "scan"] if placement == "before" else ["scan", "-q"]
    result = expect(ws.cli(*args), 0)
    assert result.stdout == "" and result.stderr == ""
    assert ws.count("media_files") == 5


def test_quiet_still_reports_failed_files(workspace):
    ws = workspace
    make_movie_release(ws.downloads)
    episode = make_episode_release(ws.downloads)
    (ws.tv / "Breaking Bad (2008)").write_text("in the way", encoding="utf-8")
    result = ws.cli("-q", "scan")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert str(episode) in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("placement", ["before", "after"])
def test_verbose_lists_every_file_and_its_decision(workspace, placement):
    ws = workspace
    make_all(ws)
    args = ["-v", "scan"] if placement == "before" else ["scan", "-v"]
    result = expect(ws.cli(*args), 0)
    rows = [line for line in result.stdout.splitlines() if "imported" in line and "S02E03" in line]
    assert rows, result.stdout  # imported files are listed too, not only the skipped ones
    assert "6 imported, 2 skipped" in result.stdout


def test_default_output_of_a_real_run_is_a_summary(workspace):
    ws = workspace
    make_all(ws)
    result = ws.ok("scan")
    assert "6 imported, 2 skipped" in result.stdout
    assert "S02E03" not in result.stdout  # imported files get no row
    assert "sample" not in result.stdout  # samples are only counted; -v lists them
    job = ws.query("SELECT id FROM import_jobs")[0]["id"]
    assert job in result.stdout


# --- conflicts -------------------------------------------------------------------------


@pytest.fixture
def taken(workspace):
    """Inception's destination already holds a different file; its release is in downloads."""
    ws = workspace
    movie = make_movie_release(ws.downloads, subtitle=False)
    existing = write_file(ws.movies / "Inception (2010)" / "old-bytes.bin", 12 * KIB)
    existing = existing.rename(ws.movies / INCEPTION)
    return ws, movie, existing, existing.read_bytes()


def test_conflict_default_skips_with_a_reason_and_exits_4(taken):
    ws, movie, existing, old = taken
    document = ws.json("scan", code=4)
    f = by_source(document)[str(movie.video)]
    assert f["status"] == "skipped"
    assert str(existing) in f["reason"] and "different file" in f["reason"]
    assert "--conflict" in f["reason"]
    assert existing.read_bytes() == old
    assert ws.movie_files() == {INCEPTION}
    assert ws.count("media_files") == 0


def test_conflict_skip_with_something_else_imported_exits_0(taken):
    ws, movie, existing, old = taken
    make_episode_release(ws.downloads)
    document = ws.json("scan")
    assert by_source(document)[str(movie.video)]["status"] == "skipped"
    assert document["summary"]["imported"] == 1
    assert existing.read_bytes() == old


def test_conflict_replace_puts_the_new_file_in_place(taken):
    ws, movie, existing, old = taken
    document = ws.json("scan", "--conflict", "replace")
    f = by_source(document)[str(movie.video)]
    assert (f["status"], f["destination"]) == ("imported", str(existing))
    assert existing.read_bytes() == movie.video.read_bytes()
    # The replaced file is kept in the recycle folder, not deleted.
    assert ws.movie_files() == {INCEPTION, f".mydia-recycle/{INCEPTION}"}
    assert (ws.movies / ".mydia-recycle" / INCEPTION).read_bytes() == old
    assert [r["relative_path"] for r in ws.query("SELECT relative_path FROM media_files")] == [INCEPTION]


def test_conflict_keep_both_keeps_the_old_file_and_adds_the_new_one(taken):
    ws, movie, existing, old = taken
    document = ws.json("scan", "--conflict", "keep-both")
    f = by_source(document)[str(movie.video)]
    assert f["status"] == "imported"
    new = Path(f["destination"])
    assert new != existing and new.parent == existing.parent and new.suffix == ".mkv"
    assert existing.read_bytes() == old
    assert new.read_bytes() == movie.video.read_bytes()
    assert len(ws.movie_files()) == 2
    assert [r["path"] for r in ws.query("SELECT path FROM media_files")] == [str(new)]


def test_conflict_fail_stops_the_run_before_anything_is_touched(taken):
    ws, movie, existing, old = taken
    episode = make_episode_release(ws.downloads)
    result = ws.cli("--json", "scan", "--conflict", "fail")
    assert result.exit_code == 4, result.stdout + result.stderr
    files = by_source(json.loads(result.stdout))
    assert files[str(movie.video)]["status"] == "failed"
    assert "--conflict" in files[str(movie.video)]["reason"]
    assert files[str(episode)]["status"] == "skipped"  # stopped, although it was free to go
    assert existing.read_bytes() == old
    assert ws.tv_files() == set()
    assert ws.count("media_files") == 0


def test_two_sources_for_one_destination_in_one_run_the_second_is_skipped_before_anything_moves(workspace):
    ws = workspace
    first = write_file(ws.downloads / "Inception.2010.1080p.BluRay.x264-AAA.mkv", 30 * KIB)
    second = write_file(ws.downloads / "Inception.2010.720p.WEB-DL.x264-BBB.mkv", 20 * KIB)

    plan = by_source(ws.json("scan", "--dry-run"))
    assert plan[str(first)]["status"] == "planned"
    assert plan[str(second)]["status"] == "skipped"
    assert "same destination" in plan[str(second)]["reason"]

    done = by_source(ws.json("scan"))
    assert done[str(first)]["status"] == "imported"
    assert done[str(second)]["status"] == "skipped" and done[str(second)]["reason"]
    assert (ws.movies / INCEPTION).read_bytes() == first.read_bytes()
    assert ws.count("media_files") == 1


# --- exit codes of scan / import -------------------------------------------------------


def test_empty_downloads_folder_is_nothing_to_do_exit_0(workspace):
    ws = workspace
    result = ws.ok("scan")
    assert "nothing to do" in result.stdout
    assert ws.json("scan")["summary"] == dict.fromkeys(SUMMARY_KEYS, 0)


def test_only_junk_is_nothing_to_do_exit_0(workspace):
    ws = workspace
    (ws.downloads / "notes.txt").write_text("x", encoding="utf-8")
    write_file(ws.downloads / "Some.Release" / "cover.jpg", KIB)
    assert ws.json("scan")["files"] == []


def test_all_unmatched_exits_4_with_reasons(workspace):
    ws = workspace
    write_file(ws.downloads / "Unknown.Film.2019.1080p.BluRay-GRP.mkv", 10 * KIB)
    write_file(ws.downloads / "Unknown.Show.S01E01.720p.HDTV-GRP.mkv", 10 * KIB)
    write_file(ws.downloads / "Breaking.Bad.S05E09.720p.HDTV-GRP.mkv", 10 * KIB)  # episode not in library
    document = ws.json("scan", code=4)
    reasons = {Path(f["source"]).name: f["reason"] for f in document["files"]}
    assert all(f["status"] == "skipped" for f in document["files"])
    assert "no movie called" in reasons["Unknown.Film.2019.1080p.BluRay-GRP.mkv"]
    assert "no show called" in reasons["Unknown.Show.S01E01.720p.HDTV-GRP.mkv"]
    assert "S05E09" in reasons["Breaking.Bad.S05E09.720p.HDTV-GRP.mkv"]
    assert ws.count("media_files") == 0


def test_a_failed_transfer_beside_an_imported_file_exits_3(workspace):
    """A file where the show's folder should be: that episode fails, the movie is imported."""
    ws = workspace
    movie = make_movie_release(ws.downloads)
    episode = make_episode_release(ws.downloads)
    blocker = ws.tv / "Breaking Bad (2008)"
    blocker.write_text("not a folder", encoding="utf-8")

    result = ws.cli("--json", "scan")
    assert result.exit_code == 3, result.stdout + result.stderr
    files = by_source(json.loads(result.stdout))
    failed = files[str(episode)]
    assert failed["status"] == "failed"
    assert str(blocker) in failed["reason"] or "in the way" in failed["reason"]
    assert files[str(movie.video)]["status"] == "imported"
    assert episode.exists() and blocker.read_text(encoding="utf-8") == "not a folder"
    assert [r["relative_path"] for r in ws.query("SELECT relative_path FROM media_files")] == [INCEPTION]
    assert not any(p.name.endswith(".mydia-part") for p in ws.library.rglob("*"))
    (job,) = ws.query("SELECT status FROM import_jobs")
    assert job["status"] == "partial"


def test_a_failed_move_leaves_the_source_in_place(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    content = episode.read_bytes()
    (ws.tv / "Breaking Bad (2008)").write_text("in the way", encoding="utf-8")
    document = ws.json("scan", "--mode", "move", code=4)
    assert document["files"][0]["status"] == "failed"
    assert episode.read_bytes() == content


def test_deleted_library_folder_is_fatal_and_nothing_moves(workspace):
    ws = workspace
    movie = make_movie_release(ws.downloads)
    shutil.rmtree(ws.movies)
    result = ws.cli("scan", "--mode", "move")
    assert result.exit_code == 1
    assert str(ws.movies) in result.stderr and "does not exist" in result.stderr
    assert movie.video.exists()
    assert not ws.movies.exists()
    assert ws.count("media_files") == 0 and ws.count("import_jobs") == 0


# --- the shipped examples --------------------------------------------------------------


def demo_state(repo: Path) -> dict[str, float]:
    demo = repo / "demo"
    return {p.relative_to(demo).as_posix(): p.stat().st_mtime for p in demo.rglob("*")} if demo.exists() else {}


README_INIT = ("init", "--movies", "demo/library/Movies", "--tv", "demo/library/TV", "--db", "demo/library.db")


def test_readme_main_job_on_a_copy_of_the_shipped_examples(tmp_path, isolated_env, monkeypatch):
    """README "Try it": init, library load, then scan, with examples/config.toml (paths relative to it)."""
    repo = Path(__file__).resolve().parents[1]
    demo_before = demo_state(repo)
    shutil.copytree(repo / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    expect(runner.invoke(app, ["--config", "demo/config.toml", *README_INIT]), 0)
    config = ["--config", "examples/config.toml"]
    expect(runner.invoke(app, [*config, "library", "load", "examples/library.json"]), 0)
    result = expect(runner.invoke(app, [*config, "scan"]), 0)
    assert "6 imported, 2 skipped" in result.stdout

    assert tree(tmp_path / "demo" / "library") == {
        "Movies/Inception (2010)/Inception (2010).mkv",
        "Movies/Inception (2010)/Inception (2010).en.srt",
        "TV/Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02 - Cat's in the Bag....mkv",
        "TV/The Office (2005)/Season 02/The Office (2005) - S02E01 - The Dundies.mkv",
        "TV/The Office (2005)/Season 02/The Office (2005) - S02E02 - Sexual Harassment.mkv",
        "TV/The Office (2005)/Season 02/The Office (2005) - S02E03 - Office Olympics.mkv",
    }
    assert (tmp_path / "demo" / "library.db").is_file()
    downloads = tmp_path / "examples" / "downloads"
    assert (tmp_path / "demo/library/Movies/Inception (2010)/Inception (2010).mkv").samefile(
        downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv")  # auto: hardlinked on one filesystem
    # The repository's own demo folder was left alone.
    assert demo_state(repo) == demo_before


def test_readme_main_job_as_a_real_process(tmp_path, isolated_env):
    repo = Path(__file__).resolve().parents[1]
    shutil.copytree(repo / "examples", tmp_path / "examples")
    init = run_module("--config", "demo/config.toml", *README_INIT, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    load = run_module("--config", "examples/config.toml", "library", "load", "examples/library.json",
                      cwd=tmp_path)
    assert load.returncode == 0, load.stderr
    scan = run_module("--config", "examples/config.toml", "--json", "scan", cwd=tmp_path)
    assert scan.returncode == 0, scan.stderr
    assert "Traceback" not in scan.stderr
    document = json.loads(scan.stdout)
    assert document["summary"]["imported"] == 6
    assert len(tree(tmp_path / "demo" / "library")) == 6


# --- more of the layout and the pipeline ---------------------------------------------------


def test_episode_subtitles_of_a_season_pack_follow_their_episodes(workspace):
    ws = workspace
    pack = make_pack_release(ws.downloads)
    for n in (1, 2):
        stem = pack.episodes[n].stem
        (pack.folder / f"{stem}.en.srt").write_text(f"{n}\n", encoding="utf-8")
    (pack.folder / f"{pack.episodes[1].stem}.fr.forced.srt").write_text("fr\n", encoding="utf-8")
    ws.json("scan")
    season = "The Office (2005)/Season 02"
    assert ws.tv_files() == {
        *OFFICE_S02.values(),
        f"{season}/The Office (2005) - S02E01 - The Dundies.en.srt",
        f"{season}/The Office (2005) - S02E02 - Sexual Harassment.en.srt",
        f"{season}/The Office (2005) - S02E01 - The Dundies.fr.forced.srt",
    }
    assert (ws.tv / f"{season}/The Office (2005) - S02E02 - Sexual Harassment.en.srt").read_text() == "2\n"


def test_subtitles_in_a_subs_folder_are_imported(workspace):
    ws = workspace
    folder = ws.downloads / "Inception.2010.1080p.BluRay.x264-RARBG"
    write_file(folder / "Inception.2010.1080p.BluRay.x264-RARBG.mp4", 20 * KIB)
    (folder / "Subs").mkdir()
    (folder / "Subs" / "2_English.srt").write_text("en\n", encoding="utf-8")
    ws.json("scan")
    assert ws.movie_files() == {"Inception (2010)/Inception (2010).mp4", "Inception (2010)/Inception (2010).en.srt"}


def test_a_multi_episode_file_with_an_episode_missing_from_the_library_is_skipped(workspace):
    ws = workspace
    source = write_file(ws.downloads / "Breaking.Bad.S01E03E04.720p.HDTV.x264-CTU.mkv", 20 * KIB)
    document = ws.json("scan", code=4)
    (f,) = document["files"]
    assert f["status"] == "skipped" and "S01E04" in f["reason"]
    assert source.exists() and ws.tv_files() == set()


def test_titles_are_the_librarys_and_are_sanitised(workspace):
    ws = workspace
    ws.ok("library", "add", "movie", "Mission: Impossible", "--year", "1996")
    ws.ok("library", "add", "movie", "Amélie", "--year", "2001")
    ws.ok("library", "add", "movie", "Face/Off", "--year", "1997")
    write_file(ws.downloads / "Mission.Impossible.1996.1080p.BluRay.x264-GRP.mkv", 20 * KIB)
    write_file(ws.downloads / "Amelie.2001.1080p.BluRay.x264-GRP.mkv", 21 * KIB)
    write_file(ws.downloads / "Face.Off.1997.1080p.BluRay.x264-GRP.mkv", 22 * KIB)
    document = ws.json("scan")
    assert document["summary"]["imported"] == 3, document
    files = ws.movie_files()
    assert "Amélie (2001)/Amélie (2001).mkv" in files
    assert "Mission - Impossible (1996)/Mission - Impossible (1996).mkv" in files
    face_off = next(f for f in files if f.startswith("Face"))
    assert "/" not in face_off.split("/", 1)[0] and face_off.count("/") == 1, face_off


def test_extras_and_unfinished_downloads_are_reported_and_left_alone(workspace):
    ws = workspace
    folder = ws.downloads / MOVIE_RELEASE
    write_file(folder / f"{MOVIE_RELEASE}.mkv", 40 * KIB)
    extra = write_file(folder / "Featurettes" / "Making Of.mkv", 30 * KIB)
    partial = write_file(ws.downloads / "Breaking.Bad.S01E03.720p.HDTV.x264-CTU.mkv.!qB", 30 * KIB)
    files = by_source(ws.json("scan"))
    assert (files[str(extra)]["kind"], files[str(extra)]["status"]) == ("extra", "skipped")
    assert "extra" in files[str(extra)]["reason"]
    assert files[str(partial)]["status"] == "skipped" and "not complete" in files[str(partial)]["reason"]
    assert ws.movie_files() == {INCEPTION} and ws.tv_files() == set()


def test_symlink_mode_links_the_library_file_to_the_download(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    document = ws.json("scan", "--mode", "symlink")
    assert document["files"][0]["action"] == "symlink"
    dest = ws.tv / BB_S01E02
    assert dest.is_symlink() and dest.resolve() == episode.resolve()


def test_environment_and_flag_override_the_config_mode(workspace, monkeypatch):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    monkeypatch.setenv("MYDIA_IMPORT_IMPORT_MODE", "hardlink")
    plan = ws.json("scan", "--dry-run")
    assert plan["files"][0]["action"] == "hardlink"
    document = ws.json("scan", "--mode", "copy")
    assert document["files"][0]["action"] == "copy"
    assert not os.path.samefile(episode, ws.tv / BB_S01E02)


def test_conflict_upgrade_never_replaces_with_a_worse_release(workspace):
    ws = workspace
    low = write_file(ws.downloads / "Inception.2010.720p.HDTV.x264-LOW.mkv", 20 * KIB)
    ws.json("scan")
    low.unlink()
    write_file(ws.downloads / "Inception.2010.480p.DVDRip.x264-BAD.mkv", 10 * KIB)
    document = ws.json("scan", "--conflict", "upgrade", code=4)
    assert document["files"][0]["status"] == "skipped"
    assert (ws.movies / INCEPTION).stat().st_size == 20 * KIB


def test_conflict_upgrade_replaces_a_recorded_file_with_a_better_release(workspace):
    ws = workspace
    low = write_file(ws.downloads / "Inception.2010.720p.HDTV.x264-LOW.mkv", 20 * KIB)
    ws.json("scan")
    low.unlink()
    worse = write_file(ws.downloads / "Inception.2010.480p.DVDRip.x264-BAD.mkv", 10 * KIB)
    skipped = ws.json("scan", "--conflict", "upgrade", code=4)["files"][0]
    assert "unknown quality" not in skipped["reason"], skipped["reason"]
    worse.unlink()
    better = write_file(ws.downloads / "Inception.2010.1080p.BluRay.x264-GOOD.mkv", 30 * KIB)
    done = ws.json("scan", "--conflict", "upgrade")
    assert done["files"][0]["status"] == "imported"
    assert (ws.movies / INCEPTION).read_bytes() == better.read_bytes()
    (row,) = ws.query("SELECT metadata, size FROM media_files")
    assert json.loads(row["metadata"])["import_download_path"] == str(better) and row["size"] == 30 * KIB


def test_conflict_keep_both_twice_imports_nothing_twice(taken):
    ws, movie, existing, old = taken
    first = ws.json("scan", "--conflict", "keep-both")
    kept = by_source(first)[str(movie.video)]["destination"]
    second = ws.json("scan", "--conflict", "keep-both")
    f = by_source(second)[str(movie.video)]
    assert (f["status"], f["destination"]) == ("already-imported", kept)
    assert len(ws.movie_files()) == 2
    assert ws.count("media_files") == 1


@pytest.mark.parametrize("overlap", ["same file twice", "folder and a file in it"])
def test_a_file_named_twice_in_one_run_is_imported_once(workspace, overlap):
    ws = workspace
    pack = make_pack_release(ws.downloads)
    paths = ([pack.episodes[1], pack.episodes[1]] if overlap == "same file twice"
             else [pack.folder, pack.episodes[1]])
    result = ws.cli("--json", "import", *map(str, paths))
    assert result.exit_code == 0, result.stdout
    document = json.loads(result.stdout)
    assert document["summary"]["failed"] == 0
    assert [f["source"] for f in document["files"]].count(str(pack.episodes[1])) == 1
    assert ws.count("media_files") == (1 if overlap == "same file twice" else 3)


def test_auto_mode_copies_across_filesystems_and_says_so(workspace, other_filesystem):
    ws = workspace
    episode = make_episode_release(other_filesystem)
    document = ws.json("import", str(episode), "--mode", "auto")
    assert document["files"][0]["action"] == "copy"
    assert (ws.tv / BB_S01E02).read_bytes() == episode.read_bytes()
    (row,) = ws.query("SELECT metadata FROM media_files")
    assert json.loads(row["metadata"])["import_transfer_mode"] == "copy"


def test_auto_dry_run_predicts_a_copy_across_filesystems(workspace, other_filesystem):
    episode = make_episode_release(other_filesystem)
    assert workspace.json("import", str(episode), "--dry-run")["files"][0]["action"] in ("copy", "reflink")


def test_hardlink_mode_across_filesystems_fails_with_a_reason_to_act_on(workspace, other_filesystem):
    ws = workspace
    episode = make_episode_release(other_filesystem)
    document = ws.json("import", str(episode), "--mode", "hardlink", code=4)
    (f,) = document["files"]
    assert f["status"] == "failed"
    assert "filesystems" in f["reason"] and "--mode copy" in f["reason"]
    assert ws.tv_files() == set() and episode.exists()
    assert ws.count("media_files") == 0


def test_move_across_filesystems(workspace, other_filesystem):
    ws = workspace
    episode = make_episode_release(other_filesystem)
    content = episode.read_bytes()
    document = ws.json("import", str(episode), "--mode", "move")
    assert document["files"][0]["action"] == "move"
    assert not episode.exists()
    assert (ws.tv / BB_S01E02).read_bytes() == content
