"""History that stays small: a run that finds everything as the run before records its counts in
one job line and writes one log line; `[history] keep_days` / `keep_jobs` and `history prune` let
old jobs go while what they imported stays recognised and can be undone."""

from __future__ import annotations

from conftest import (
    EPISODE_RELEASE,
    INCEPTION,
    make_episode_release,
    make_movie_release,
    make_pack_release,
    one_error_line,
    write_file,
)

from mydia_import.config import load_settings

UNMATCHED = "Nobody.Knows.This.Show.S01E01.720p.HDTV.x264-LOL.mkv"
LONG_AGO = "2000-01-01T00:00:00.000000Z"


def add_config(ws, text: str) -> None:
    ws.config.write_text(ws.config.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def with_log(ws):
    """The workspace's runs log to a file: its path."""
    log = ws.root / "mydia.log"
    add_config(ws, f'[log]\nfile = "{log}"\n')
    return log


def log_lines(log) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


def job_tables(ws) -> tuple[int, int]:
    return ws.count("import_jobs"), ws.count("import_job_files")


def lines_of(ws, job_id: str) -> int:
    return ws.query("SELECT count(*) AS n FROM import_job_files WHERE job_id = ?", (job_id,))[0]["n"]


def age(ws, job_id: str) -> None:
    """Make a job look as if it ran long ago."""
    import sqlite3

    with sqlite3.connect(ws.db) as conn:
        conn.execute("UPDATE import_jobs SET started_at = ? WHERE id = ?", (LONG_AGO, job_id))


def a_downloads_folder(ws) -> None:
    """Imported, skipped (sample, junk) and unmatched files."""
    make_movie_release(ws.downloads)
    make_pack_release(ws.downloads)
    make_episode_release(ws.downloads)
    write_file(ws.downloads / UNMATCHED, 20 * 1024)


# --- runs that change nothing ------------------------------------------------------------------


def test_twenty_scans_of_an_unchanged_folder_add_one_job_line_and_no_file_lines(workspace):
    ws = workspace
    a_downloads_folder(ws)
    first = ws.json("scan")
    jobs, lines = job_tables(ws)
    assert lines == len(first["files"])
    for _ in range(20):
        document = ws.json("scan")
        assert document["summary"]["imported"] == 0 and document["summary"]["already_imported"] > 0
    assert job_tables(ws) == (jobs + 1, lines)
    assert lines_of(ws, document["job"]) == 0


def test_history_shows_a_row_of_unchanged_runs_as_one_job(workspace):
    ws = workspace
    a_downloads_folder(ws)
    first = ws.json("scan")["job"]
    for _ in range(3):
        last = ws.json("scan")["job"]
    jobs = ws.json("history")["jobs"]
    assert [j["id"] for j in jobs] == [last, first]
    assert jobs[0]["files"] == [] and jobs[0]["summary"]["unchanged_runs"] == 3
    assert jobs[1]["summary"].get("unchanged_runs") is None and jobs[1]["files"]
    human = ws.ok("history").stdout
    assert human.count("unchanged since the last run (3 runs in a row)") == 1


def test_the_log_file_gains_one_line_per_unchanged_run(workspace):
    ws = workspace
    log = with_log(ws)
    a_downloads_folder(ws)
    ws.ok("scan")
    after_first = log_lines(log)
    assert len(after_first) > 10  # the command, one line per file, the summary
    for n in range(1, 4):
        ws.ok("--quiet", "scan")
        lines = log_lines(log)
        assert len(lines) == len(after_first) + n
        assert "unchanged since the last run" in lines[-1]


def test_a_run_that_imports_after_unchanged_runs_records_and_logs_every_file(workspace):
    ws = workspace
    log = with_log(ws)
    a_downloads_folder(ws)
    ws.ok("scan")
    ws.ok("scan")
    before = len(log_lines(log))
    write_file(ws.downloads / "Breaking.Bad.S01E03.720p.HDTV.x264-CTU.mkv", 30 * 1024)
    document = ws.json("scan")
    assert document["summary"]["imported"] == 1
    assert lines_of(ws, document["job"]) == len(document["files"])
    assert len(log_lines(log)) == before + len(document["files"]) + 2
    assert ws.json("history", document["job"])["jobs"][0]["summary"].get("unchanged_runs") is None


def test_an_import_or_hook_of_a_download_already_imported_records_no_file_lines(workspace):
    ws = workspace
    log = with_log(ws)
    path = str(make_episode_release(ws.downloads))
    ws.ok("import", path)
    ws.ok("import", path)  # already imported: the first import's decisions, once more
    again = ws.json("import", path)
    assert lines_of(ws, again["job"]) == 0
    ws.ok("hook", "qbittorrent", "--content-path", path)  # other arguments: recorded in full
    size = len(log_lines(log))
    hooked = ws.json("hook", "qbittorrent", "--content-path", path)
    assert lines_of(ws, hooked["job"]) == 0
    lines = log_lines(log)
    assert len(lines) == size + 1 and f"hook qbittorrent: {EPISODE_RELEASE}" in lines[-1]


def test_undo_of_the_import_still_works_after_unchanged_runs(workspace):
    ws = workspace
    release = make_movie_release(ws.downloads)
    imported = ws.json("import", str(release.folder))["job"]
    ws.ok("import", str(release.folder))
    ws.ok("import", str(release.folder))
    ws.ok("undo", imported)
    assert INCEPTION not in ws.movie_files()


# --- retention ---------------------------------------------------------------------------------


def test_keep_jobs_keeps_the_newest_jobs_after_every_run(workspace):
    ws = workspace
    add_config(ws, "[history]\nkeep_jobs = 2\n")
    jobs = []
    for n in range(1, 5):
        name = f"Unknown.Show.{n}.S01E01.720p.HDTV.x264-LOL.mkv"
        jobs.append(ws.json("import", str(write_file(ws.downloads / name, 20 * 1024)), code=4)["job"])
    assert [j["id"] for j in ws.json("history")["jobs"]] == jobs[:1:-1]
    assert ws.count("import_job_files") == 2


def test_keep_days_prunes_old_jobs_at_the_end_of_a_run_and_keeps_what_they_imported(workspace):
    ws = workspace
    add_config(ws, "[history]\nkeep_days = 30\n")
    movie = make_movie_release(ws.downloads)
    imported = ws.json("import", str(movie.folder))["job"]
    unmatched = ws.json("import", str(write_file(ws.downloads / UNMATCHED, 20 * 1024)), code=4)["job"]
    age(ws, imported)
    age(ws, unmatched)
    newest = ws.json("import", str(make_episode_release(ws.downloads)))["job"]
    jobs = {j["id"]: j for j in ws.json("history")["jobs"]}
    assert set(jobs) == {newest, imported}  # the unmatched one is gone; the import keeps its counts
    assert jobs[imported]["files"] == [] and jobs[imported]["summary"]["imported"] >= 1
    again = ws.json("import", str(movie.folder))  # the journal still knows the film
    assert [f["status"] for f in again["files"] if f["source"] == str(movie.video)] == ["already-imported"]


def test_keep_days_zero_keeps_every_job(workspace):
    ws = workspace
    add_config(ws, "[history]\nkeep_days = 0\n")
    old = ws.json("import", str(write_file(ws.downloads / UNMATCHED, 20 * 1024)), code=4)["job"]
    age(ws, old)
    ws.json("import", str(make_episode_release(ws.downloads)))
    assert old in [j["id"] for j in ws.json("history")["jobs"]]


def test_history_keys_are_read_from_the_environment(tmp_path):
    settings = load_settings(tmp_path / "missing.toml", env={
        "MYDIA_IMPORT_HISTORY_KEEP_DAYS": "7", "MYDIA_IMPORT_HISTORY_KEEP_JOBS": "50"}, read_file=False)
    assert (settings.history_keep_days, settings.history_keep_jobs) == (7, 50)
    assert load_settings(tmp_path / "missing.toml", env={}, read_file=False).history_keep_days == 90


# --- history prune -----------------------------------------------------------------------------


def three_jobs(ws) -> tuple[str, str, str]:
    """An import (old), an unmatched import (old) and a new import."""
    movie = ws.json("import", str(make_movie_release(ws.downloads).folder))["job"]
    unmatched = ws.json("import", str(write_file(ws.downloads / UNMATCHED, 20 * 1024)), code=4)["job"]
    newest = ws.json("import", str(make_episode_release(ws.downloads)))["job"]
    age(ws, movie)
    age(ws, unmatched)
    return movie, unmatched, newest


def test_history_prune_dry_run_says_what_would_go_and_changes_nothing(workspace):
    ws = workspace
    three_jobs(ws)
    before = job_tables(ws)
    document = ws.json("history", "prune", "--older-than", "30", "--dry-run")
    assert document == {"dry_run": True, "older_than_days": 30, "keep_jobs": 0, "jobs": 1,
                        "file_lines": document["file_lines"], "kept_jobs": 1}
    assert document["file_lines"] > 1
    assert job_tables(ws) == before
    assert ws.ok("history", "prune", "--older-than", "30", "--dry-run").stdout.startswith(
        f"would prune 1 job, {document['file_lines']} file lines")


def test_history_prune_deletes_old_jobs_and_their_file_lines(workspace):
    ws = workspace
    movie, unmatched, newest = three_jobs(ws)
    journal = ws.count("import_transfers")
    out = ws.ok("history", "prune", "--older-than", "30").stdout
    assert out.startswith("pruned 1 job, ") and "1 older job with imports kept only their counts" in out
    assert [j["id"] for j in ws.json("history")["jobs"]] == [newest, movie]
    assert lines_of(ws, movie) == 0 and lines_of(ws, newest) > 0
    assert ws.count("import_transfers") == journal  # never the journal
    again = ws.json("history", "prune", "--older-than", "30")
    assert (again["jobs"], again["file_lines"], again["kept_jobs"]) == (0, 0, 0)


def test_history_prune_keep_jobs_keeps_the_newest(workspace):
    ws = workspace
    movie, unmatched, newest = three_jobs(ws)
    document = ws.json("history", "prune", "--keep-jobs", "1", "--older-than", "0")
    assert (document["jobs"], document["kept_jobs"], document["older_than_days"]) == (1, 1, 0)
    assert [j["id"] for j in ws.json("history")["jobs"]] == [newest, movie]


def test_undo_of_kept_jobs_works_after_pruning_older_ones(workspace):
    ws = workspace
    movie, unmatched, newest = three_jobs(ws)
    ws.ok("history", "prune", "--older-than", "30")
    ws.ok("undo", newest)
    ws.ok("undo", movie)  # its file lines went, its journal did not
    assert ws.movie_files() == set() and ws.tv_files() == set()


def test_history_prune_without_limits_prunes_nothing_and_says_why(workspace):
    ws = workspace
    three_jobs(ws)
    add_config(ws, "[history]\nkeep_days = 0\n")
    before = job_tables(ws)
    assert "nothing to prune" in ws.ok("history", "prune").stdout
    assert job_tables(ws) == before


def test_history_prune_refuses_a_negative_limit_in_one_line(workspace):
    result = workspace.cli("history", "prune", "--keep-jobs", "-1")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_a_bad_history_key_is_one_error_line(workspace):
    ws = workspace
    add_config(ws, '[history]\nkeep_days = "soon"\n')
    result = ws.cli("history", "prune")
    assert result.exit_code == 1
    assert "[history] keep_days" in one_error_line(result.stderr)
