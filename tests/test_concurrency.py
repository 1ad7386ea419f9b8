"""Many runs at once on one library, as download clients start them: twelve real processes importing
different and overlapping downloads, and six importing one download, all succeed; no file is imported
twice, no destination is written by two runs, nobody sees "database is locked". A scan that finds the
library busy waits [import] lock_wait seconds, then exits 0 with a message."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from conftest import KIB, Workspace, tree, write_file, write_text
from filelock import FileLock

TITLES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"]


def movie_library(ws: Workspace) -> list[Path]:
    """Eight movies in the library and one release folder of each in the downloads."""
    movies = [{"title": t, "year": 2001 + i} for i, t in enumerate(TITLES)]
    ws.ok("library", "load", str(write_text(ws.root / "movies.json", json.dumps({"movies": movies}))))
    releases = []
    for i, title in enumerate(TITLES):
        name = f"{title}.{2001 + i}.1080p.BluRay.x264-GRP"
        write_file(ws.downloads / name / f"{name}.mkv", 256 * KIB + i)
        write_text(ws.downloads / name / f"{name}.en.srt", f"1\n00:00:01,000 --> 00:00:02,000\n{title}\n")
        releases.append(ws.downloads / name)
    return releases


def start_all(ws: Workspace, targets: list[Path], *extra: str) -> list[subprocess.CompletedProcess]:
    return run_all(ws, [["--json", "import", str(t), *extra] for t in targets])


def run_all(ws: Workspace, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Start every command at once, then wait for all."""
    processes = [
        subprocess.Popen([sys.executable, "-m", "mydia_import", "--config", str(ws.config), *command],
                         cwd=ws.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in commands
    ]
    results = []
    for p in processes:
        out, err = p.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def imported_counts(ws: Workspace) -> Counter:
    rows = ws.query("SELECT source FROM import_job_files WHERE status = 'imported'")
    return Counter(r["source"] for r in rows)


def test_twelve_hooks_at_once_importing_different_and_overlapping_downloads_all_succeed(bare_workspace):
    ws = bare_workspace
    releases = movie_library(ws)
    # Eight downloads through qBittorrent's hook; four of them imported a second time at once
    # (a manual import, a client re-running its hook).
    commands = [["hook", "qbittorrent", "--content-path", str(r), "--name", r.name] for r in releases]
    commands += [["--json", "import", str(releases[i])] for i in (0, 3, 5, 7)]
    results = run_all(ws, commands)

    for r in results:
        assert r.returncode == 0, r.stderr
        assert "locked" not in r.stderr and "Traceback" not in r.stderr
    for r in results[8:]:
        json.loads(r.stdout)  # one document each
    files = tree(ws.movies)
    assert not [f for f in files if ".mydia-part" in f or " (2)" in f], files
    assert len([f for f in files if f.endswith(".mkv")]) == 8
    assert len([f for f in files if f.endswith(".en.srt")]) == 8
    rows = ws.query("SELECT relative_path FROM media_files")
    assert len(rows) == 8 == len({r["relative_path"] for r in rows})
    counts = imported_counts(ws)
    assert len(counts) == 16 and set(counts.values()) == {1}  # every video and subtitle imported once
    jobs = ws.query("SELECT status FROM import_jobs")
    assert len(jobs) == 12 and {j["status"] for j in jobs} == {"success"}


def test_six_runs_of_one_download_import_it_once(workspace):
    ws = workspace
    from conftest import make_pack_release

    pack = make_pack_release(ws.downloads)
    results = start_all(ws, [pack.folder] * 6, "--mode", "hardlink")
    statuses = Counter()
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "locked" not in r.stderr
        for f in json.loads(r.stdout)["files"]:
            if f["kind"] == "video" and f["status"] != "skipped":
                statuses[f["status"]] += 1
    assert statuses == {"imported": 3, "already-imported": 15}  # three episodes, once each
    assert len(ws.query("SELECT id FROM media_files")) == 3
    assert set(imported_counts(ws).values()) == {1}


def test_a_scan_that_finds_the_library_busy_waits_then_exits_0_with_a_message(workspace, monkeypatch):
    ws = workspace
    from conftest import make_movie_release

    make_movie_release(ws.downloads)
    monkeypatch.setenv("MYDIA_IMPORT_IMPORT_LOCK_WAIT", "1")
    with FileLock(str(ws.db) + ".lock"):  # another run is at work
        result = ws.cli("scan")
        document = ws.json("scan")
    assert result.exit_code == 0, result.stderr
    assert "is working on this library" in result.stdout and "1 s ([import] lock_wait)" in result.stdout
    assert document["files"] == [] and "next run picks up the work" in document["message"]
    assert ws.movie_files() == set() and ws.count("import_jobs") == 0
    ws.ok("scan")  # the lock is free again: the next scan imports
    assert ws.movie_files()


def test_a_busy_library_makes_undo_wait_and_then_fail_with_exit_1(workspace, monkeypatch):
    ws = workspace
    from conftest import make_episode_release

    make_episode_release(ws.downloads)
    job = ws.json("scan")["job"]
    monkeypatch.setenv("MYDIA_IMPORT_IMPORT_LOCK_WAIT", "0")
    with FileLock(str(ws.db) + ".lock"):
        result = ws.cli("undo", job)
    assert result.exit_code == 1
    assert "is working on this library" in result.stderr
    assert ws.count("media_files") == 1
