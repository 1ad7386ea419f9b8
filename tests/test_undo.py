"""`undo JOB` reverses one import job (the contract: the library files it created are removed or moved
back, its records deleted, sources left as they were), puts back what it replaced, and refuses with a
reason when that would lose or overwrite a file. `retry JOB` imports a job's failed files again.
`history` shows jobs, files, decisions and reasons."""

from __future__ import annotations

import json
import os
import time

import pytest
from conftest import (
    BB_S01E02,
    INCEPTION,
    INCEPTION_SRT,
    KIB,
    OFFICE_S02,
    make_episode_release,
    make_movie_release,
    make_pack_release,
    one_error_line,
    snapshot,
    write_file,
)

from mydia_import.errors import TransferError
from mydia_import.execute import placing


def db_rows(ws) -> dict[str, int]:
    return {t: ws.count(t) for t in ("media_files", "import_file_episodes", "import_jobs", "import_job_files",
                                     "import_transfers")}


@pytest.mark.parametrize("mode", ["copy", "hardlink", "symlink", "move"])
def test_undo_removes_or_moves_back_what_the_job_created_and_deletes_its_records(workspace, mode):
    ws = workspace
    movie = make_movie_release(ws.downloads)
    pack = make_pack_release(ws.downloads)
    downloads_before = snapshot(ws.downloads)
    rows_before = db_rows(ws)
    document = ws.json("scan", "--mode", mode)
    assert document["summary"]["imported"] == 5
    assert ws.movie_files() == {INCEPTION, INCEPTION_SRT}

    result = ws.ok("undo", document["job"][:8])  # a unique prefix is enough
    assert "the job is forgotten" in result.stdout
    assert ws.movie_files() == set() and ws.tv_files() == set()
    assert list(ws.movies.iterdir()) == [] and list(ws.tv.iterdir()) == []  # its folders went too
    assert db_rows(ws) == rows_before
    after = snapshot(ws.downloads)
    if mode == "move":  # moved back: same names and bytes (hardlinked files keep their inode too)
        assert {k: v[2] for k, v in after.items()} == {k: v[2] for k, v in downloads_before.items()}
    else:
        assert after == downloads_before
    assert movie.video.is_file() and pack.episodes[1].is_file()


def test_undo_dry_run_says_what_it_would_do_and_changes_nothing(workspace):
    ws = workspace
    make_episode_release(ws.downloads)
    job = ws.json("scan")["job"]
    result = ws.ok("undo", job, "--dry-run")
    assert f"would remove {ws.tv / BB_S01E02}" in result.stdout
    document = ws.json("undo", job, "--dry-run")
    assert document["dry_run"] is True and [s["step"] for s in document["steps"]] == ["remove"]
    assert ws.tv_files() == {BB_S01E02} and ws.count("media_files") == 1


def test_undo_refuses_when_a_library_file_changed_since(workspace):
    ws = workspace
    make_episode_release(ws.downloads)
    job = ws.json("scan")["job"]
    with open(ws.tv / BB_S01E02, "ab") as f:
        f.write(b"edited by someone")
    result = ws.cli("undo", job)
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "refused, nothing was changed" in line and "has changed since the job put it there" in line
    assert ws.tv_files() == {BB_S01E02} and ws.count("media_files") == 1


def test_undo_refuses_to_delete_the_only_copy_when_the_source_is_gone(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    job = ws.json("scan", "--mode", "copy")["job"]
    episode.unlink()  # the client removed the torrent and its data
    result = ws.cli("undo", job)
    assert result.exit_code == 1
    assert "is the only copy of it; undo will not delete it" in one_error_line(result.stderr)
    assert ws.tv_files() == {BB_S01E02}


def test_undo_refuses_when_a_moved_file_would_overwrite_a_new_source(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    job = ws.json("scan", "--mode", "move")["job"]
    write_file(episode, 1 * KIB)  # downloaded again meanwhile
    result = ws.cli("undo", job)
    assert result.exit_code == 1 and "exists again" in one_error_line(result.stderr)


def test_undo_of_an_unknown_or_ambiguous_job_says_so(workspace):
    result = workspace.cli("undo", "nope")
    assert result.exit_code == 1 and "there is no import job 'nope'" in one_error_line(result.stderr)


# --- upgrades: the replaced file comes back -----------------------------------------------------------

OLD_RELEASE = "Inception.2010.720p.HDTV.x264-OLD"


def old_movie(ws):
    return write_file(ws.downloads / OLD_RELEASE / f"{OLD_RELEASE}.mkv", 16 * KIB)


def test_undo_of_an_upgrade_restores_the_replaced_file_and_its_record(workspace):
    ws = workspace
    old = old_movie(ws)
    ws.json("import", str(old.parent))
    [old_row] = ws.query("SELECT * FROM media_files")
    movie = make_movie_release(ws.downloads, subtitle=False)
    document = ws.json("import", str(movie.folder), "--conflict", "upgrade")
    assert [f["status"] for f in document["files"] if f["kind"] == "video"] == ["imported", "skipped"]
    assert (ws.movies / INCEPTION).read_bytes() == movie.video.read_bytes()
    assert (ws.movies / ".mydia-recycle" / INCEPTION).read_bytes() == old.read_bytes()
    [new_row] = ws.query("SELECT * FROM media_files")
    assert new_row["resolution"] == "1080p"

    ws.ok("undo", document["job"])
    assert (ws.movies / INCEPTION).read_bytes() == old.read_bytes()
    assert not (ws.movies / ".mydia-recycle" / INCEPTION).exists()
    assert ws.query("SELECT * FROM media_files") == [old_row]


def test_undo_of_an_upgrade_refuses_once_the_replaced_file_left_the_recycle_folder(workspace):
    ws = workspace
    ws.json("import", str(old_movie(ws).parent))
    movie = make_movie_release(ws.downloads, subtitle=False)
    job = ws.json("import", str(movie.folder), "--conflict", "upgrade")["job"]
    (ws.movies / ".mydia-recycle" / INCEPTION).unlink()
    result = ws.cli("undo", job)
    assert result.exit_code == 1 and "is no longer at" in one_error_line(result.stderr)
    assert (ws.movies / INCEPTION).read_bytes() == movie.video.read_bytes()


def test_undo_of_an_earlier_job_whose_file_a_later_job_replaced_is_refused(workspace):
    ws = workspace
    first = ws.json("import", str(old_movie(ws).parent))["job"]
    movie = make_movie_release(ws.downloads, subtitle=False)
    second = ws.json("import", str(movie.folder), "--conflict", "upgrade")["job"]
    result = ws.cli("undo", first)
    assert result.exit_code == 1
    assert f"was replaced by job {second[:8]} since; undo that job first" in one_error_line(result.stderr)
    ws.ok("undo", second)
    ws.ok("undo", first)  # now in order
    assert ws.movie_files() == set() and ws.count("media_files") == 0


def test_the_recycle_folder_is_purged_by_a_normal_run_after_the_configured_days(workspace, monkeypatch):
    ws = workspace
    ws.json("import", str(old_movie(ws).parent))
    movie = make_movie_release(ws.downloads, subtitle=False)
    job = ws.json("import", str(movie.folder), "--conflict", "upgrade")["job"]
    recycled = ws.movies / ".mydia-recycle" / INCEPTION
    ws.ok("scan")  # a normal run: nothing is old enough yet
    assert recycled.is_file()
    # Thirty-one days later (the default keeps 30).
    import datetime as dt
    import sqlite3
    month_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=31)).isoformat().replace("+00:00", "Z")
    with sqlite3.connect(ws.db) as conn:
        conn.execute("UPDATE import_transfers SET finished_at = ? WHERE recycled IS NOT NULL", (month_ago,))
    ws.ok("scan")
    assert not recycled.exists() and not (ws.movies / ".mydia-recycle").exists()
    result = ws.cli("undo", job)
    assert result.exit_code == 1 and "was deleted from the recycle folder" in one_error_line(result.stderr)


def test_recycle_days_zero_keeps_replaced_files_for_ever(workspace, monkeypatch):
    ws = workspace
    monkeypatch.setenv("MYDIA_IMPORT_RECYCLE_DAYS", "0")
    ws.json("import", str(old_movie(ws).parent))
    movie = make_movie_release(ws.downloads, subtitle=False)
    ws.json("import", str(movie.folder), "--conflict", "upgrade")
    import sqlite3
    with sqlite3.connect(ws.db) as conn:
        conn.execute("UPDATE import_transfers SET finished_at = '2000-01-01T00:00:00Z'")
    ws.ok("scan")
    assert (ws.movies / ".mydia-recycle" / INCEPTION).is_file()


def test_a_configured_recycle_folder_is_used(workspace, monkeypatch, tmp_path):
    ws = workspace
    monkeypatch.setenv("MYDIA_IMPORT_RECYCLE_PATH", str(tmp_path / "bin"))
    old = old_movie(ws)
    ws.json("import", str(old.parent))
    movie = make_movie_release(ws.downloads, subtitle=False)
    ws.json("import", str(movie.folder), "--conflict", "replace")
    assert (tmp_path / "bin" / INCEPTION).read_bytes() == old.read_bytes()


# --- retry -------------------------------------------------------------------------------------------


def test_retry_imports_the_failed_files_of_a_job_again_from_their_release_folder(workspace):
    ws = workspace
    pack = make_pack_release(ws.downloads)
    (ws.tv / "The Office (2005)").mkdir()
    (ws.tv / "The Office (2005)" / "Season 02").write_text("a file in the way")
    document = ws.json("scan", code=4)
    assert document["summary"]["failed"] == 3
    (ws.tv / "The Office (2005)" / "Season 02").unlink()  # the user fixed it

    failed = ws.json("history", "--failed")
    assert [j["id"] for j in failed["jobs"]] == [document["job"]]
    assert {f["status"] for f in failed["jobs"][0]["files"]} == {"failed"}

    retried = ws.json("retry", document["job"][:8])
    assert retried["job"] != document["job"]
    assert sorted(f["status"] for f in retried["files"]) == ["imported"] * 3
    assert ws.tv_files() == set(OFFICE_S02.values())
    assert pack.sample.exists()
    [job] = ws.json("history", "--limit", "1")["jobs"]
    assert job["command"] == "retry" and job["arguments"]["job"] == document["job"]


def test_retry_finds_a_subtitle_skipped_for_its_failed_video_by_its_code(workspace, monkeypatch):
    ws = workspace
    release = make_movie_release(ws.downloads, subtitle=False)
    subtitle_file = release.folder / "Subs" / "English.srt"  # after its video in the run's order
    subtitle_file.parent.mkdir()
    subtitle_file.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello.\n")
    real_place = placing.place

    def failing_video(source, *args, **kwargs):
        if source.suffix == ".mkv":
            raise TransferError("copying", "the disk said no", source)
        return real_place(source, *args, **kwargs)

    monkeypatch.setattr(placing, "place", failing_video)
    document = ws.json("scan", "--mode", "copy", code=4)  # one file after the other, not a batch of links
    monkeypatch.setattr(placing, "place", real_place)  # the user fixed it
    by_source = {f["source"]: f for f in document["files"]}
    assert by_source[str(release.video)]["code"] == "transfer-failed"
    subtitle = by_source[str(subtitle_file)]
    assert subtitle["status"] == "skipped" and subtitle["code"] == "video-failed"
    assert subtitle["reason"].startswith("its video was not imported: ")
    [job] = ws.json("history", document["job"])["jobs"]
    assert {f["source"]: f["code"] for f in job["files"]}[str(subtitle_file)] == "video-failed"

    retried = ws.json("retry", document["job"][:8])

    assert {f["source"]: f["status"] for f in retried["files"]} == {
        str(release.video): "imported", str(subtitle_file): "imported"}


def test_retry_of_a_job_without_failures_has_nothing_to_do(workspace):
    ws = workspace
    make_episode_release(ws.downloads)
    job = ws.json("scan")["job"]
    result = ws.ok("retry", job)
    assert "has no failed file left to retry" in result.stdout


def test_retry_says_which_failed_files_are_gone(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    (ws.tv / "Breaking Bad (2008)").write_text("in the way")
    job = ws.json("scan", code=4)["job"]
    episode.unlink()
    result = ws.ok("retry", job)
    assert f"not retried: {episode} no longer exists" in result.stdout


# --- history -----------------------------------------------------------------------------------------


def test_history_of_one_job_shows_every_file_with_its_decision_and_reason(workspace):
    ws = workspace
    make_movie_release(ws.downloads)
    job = ws.json("scan")["job"]
    document = ws.json("history", job[:6])
    [shown] = document["jobs"]
    assert shown["id"] == job
    decisions = {os.path.basename(f["source"]): (f["status"], f["reason"]) for f in shown["files"]}
    assert decisions["Inception.2010.1080p.BluRay.x264-SPARKS.mkv"] == ("imported", None)
    assert decisions["Inception.2010.1080p.BluRay.x264-SPARKS-sample.mkv"][0] == "skipped"
    assert "sample" in decisions["Inception.2010.1080p.BluRay.x264-SPARKS-sample.mkv"][1]
    human = ws.ok("history", job)
    assert job in human.stdout and "sample" in human.stdout


def test_a_second_run_is_harmless_and_reads_no_file(workspace, monkeypatch):
    ws = workspace
    movie = make_movie_release(ws.downloads)
    make_pack_release(ws.downloads)
    ws.json("scan", "--mode", "copy")
    from mydia_import.identify import parse
    from mydia_import.plan import videos

    def no_reading(*args, **kwargs):
        raise AssertionError("a recognised file was compared or parsed again")

    monkeypatch.setattr(videos, "_same_content", no_reading)
    monkeypatch.setattr(parse.ReleaseParser, "parse", no_reading)
    monkeypatch.setattr("mydia_import.identify.match.identify_file", no_reading)
    before = snapshot(ws.library)
    document = ws.json("scan", "--mode", "copy")
    assert document["summary"]["imported"] == 0
    assert document["summary"]["already_imported"] == 5  # 4 videos and the subtitle
    assert snapshot(ws.library) == before
    # The recognised files still carry their match in the report.
    by_name = {os.path.basename(f["source"]): f for f in document["files"]}
    assert by_name[movie.video.name]["media_item"]["title"] == "Inception"


def test_a_source_replaced_under_the_same_name_is_planned_again(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    ws.json("scan")
    write_file(episode, 40 * KIB)  # a repack with the same name, another size
    later = time.time() + 5
    os.utime(episode, (later, later))
    document = ws.json("scan", code=4)
    [f] = document["files"]
    assert f["status"] == "skipped" and "already holds a different file" in f["reason"]


def test_history_json_survives_every_kind_of_job(workspace):
    ws = workspace
    make_episode_release(ws.downloads)
    ws.json("scan")
    ws.json("scan", "--dry-run")  # leaves no job
    ws.json("scan")  # all already imported
    document = json.loads(ws.ok("--json", "history", "--limit", "5").stdout)
    assert [j["summary"]["already_imported"] for j in document["jobs"]] == [1, 0]
