"""SIGKILL at every step of a real run (a subprocess), then the next run: the file is complete in at
least one place, no temporary file is left, each killed transfer is completed or rolled back, and
the library and the database agree. The kill points are faults.point() calls, chosen through the
MYDIA_IMPORT_TEST_CRASH environment variable; one test also kills a run from outside during a copy."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import (
    INCEPTION,
    INCEPTION_SRT,
    MOVIE_RELEASE,
    OFFICE_S02,
    Workspace,
    make_pack_release,
    tree,
    write_config,
    write_file,
)

from mydia_import.execute.faults import VARIABLE

MIB = 1024 * 1024
BIG = 20 * MIB  # three copy chunks (transfer.CHUNK is 8 MiB)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_big_movie(downloads: Path, size: int = BIG) -> Path:
    if size <= BIG:
        return write_file(downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv", size)
    path = downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        for _ in range(size // (8 * MIB)):
            f.write(os.urandom(8 * MIB))
    return path


def killed(ws: Workspace, point: str, *args: str) -> subprocess.CompletedProcess:
    result = ws.process("import", *args, env={VARIABLE: point})
    assert result.returncode == -signal.SIGKILL, (point, result.returncode, result.stderr)
    return result


def assert_library_and_database_agree(ws: Workspace, movies: Path, extras: tuple[str, ...] = ()) -> None:
    """Every library file is complete and recorded; every record has its file; nothing half done.
    `extras`: library files with no media_files row of their own."""
    files = {p for p in tree(movies) if not p.startswith(".mydia-recycle/") and p not in extras}
    assert not [p for p in tree(movies) if p.endswith(".mydia-part")], tree(movies)
    rows = ws.query("SELECT relative_path, size FROM media_files")
    assert {r["relative_path"] for r in rows} == {p for p in files if p.endswith(".mkv")}
    for row in rows:
        assert (movies / row["relative_path"]).stat().st_size == row["size"]
    assert ws.query("SELECT count(*) AS n FROM import_transfers WHERE state = 'started'")[0]["n"] == 0
    assert ws.query("SELECT count(*) AS n FROM import_jobs WHERE status = 'running'")[0]["n"] == 0


def killed_job_lines(ws: Workspace) -> list[tuple[str, str | None]]:
    job = ws.query("SELECT id FROM import_jobs WHERE status = 'interrupted'")
    assert len(job) == 1
    rows = ws.query("SELECT status, reason, code FROM import_job_files WHERE job_id = ? AND kind = 'video'",
                    (job[0]["id"],))
    for r in rows:  # the line the next run adds names its rule
        if (r["reason"] or "").startswith(("completed by the next run", "interrupted")):
            assert r["code"] == {"imported": "recovered", "failed": "interrupted"}[r["status"]]
    return [(r["status"], r["reason"]) for r in rows]


# --- copy ------------------------------------------------------------------------------------------

# Where a copy can be killed, and whether the file had its final name by then (completed) or not
# (rolled back: the next run imports it afresh).
COPY_POINTS = [
    ("journaled", False),       # the journal row is written, nothing else
    ("copy-chunk:2", False),    # in the middle of the bytes
    ("copied", False),          # complete and fsynced under its temporary name
    ("linked", True),           # the final name and the temporary name both hold it
    ("placed", True),           # renamed, the folder not yet synced
    ("transferred", True),      # in place, not yet recorded
    ("recorded", True),         # recorded, the run not finished
]


@pytest.mark.parametrize("point,landed", COPY_POINTS, ids=[p for p, _ in COPY_POINTS])
def test_a_copy_killed_at_any_point_is_completed_or_rolled_back_by_the_next_run(workspace, point, landed):
    ws = workspace
    source = make_big_movie(ws.downloads)
    before = digest(source)
    killed(ws, point, str(source.parent), "--mode", "copy")
    assert source.is_file() and digest(source) == before  # a copy never touches its source

    result = ws.process("--json", "import", str(source.parent), "--mode", "copy")
    assert result.returncode == 0, result.stderr
    assert digest(ws.movies / INCEPTION) == before and digest(source) == before
    assert_library_and_database_agree(ws, ws.movies)
    lines = killed_job_lines(ws)
    if point == "recorded":
        assert lines == [("imported", None)]
    elif landed:
        assert lines == [("imported", "completed by the next run after this run was interrupted")]
    else:
        assert lines and lines[0][0] == "failed" and "rolled back" in lines[0][1]


# --- moves ------------------------------------------------------------------------------------------


@pytest.fixture
def shm_library(tmp_path: Path, isolated_env: Path):
    """A workspace whose library is on another filesystem (tmpfs), so that a move copies."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)) or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no writable folder on a second filesystem")
    with tempfile.TemporaryDirectory(dir=shm) as folder:
        library = Path(folder)
        ws = Workspace(root=tmp_path, downloads=tmp_path / "downloads", library=library,
                       movies=library / "Movies", tv=library / "TV", db=tmp_path / "library.db",
                       config=tmp_path / "config.toml")
        for f in (ws.downloads, ws.movies, ws.tv):
            f.mkdir(parents=True)
        write_config(ws.config, database=ws.db, movies=ws.movies, tv=ws.tv, downloads=ws.downloads, mode="move")
        import json

        from conftest import E2E_LIBRARY, create_database, write_text
        create_database(ws)
        ws.ok("library", "load", str(write_text(tmp_path / "library.json", json.dumps(E2E_LIBRARY))))
        yield ws


MOVE_POINTS = [
    ("copy-chunk:2", "source"),    # the copy is partial: only the source is complete
    ("copied", "source"),
    ("linked", "both"),            # the copy has its final name, the source is still there
    ("move-copied", "both"),
    ("transferred", "library"),    # the source is gone, the record not yet written
]


@pytest.mark.parametrize("point,where", MOVE_POINTS, ids=[p for p, _ in MOVE_POINTS])
def test_a_move_across_filesystems_killed_at_any_point_keeps_the_data_in_one_place_at_least(
        shm_library, point, where):
    ws = shm_library
    source = make_big_movie(ws.downloads)
    before = digest(source)
    killed(ws, point, str(source.parent))
    dest = ws.movies / INCEPTION
    complete = [p for p in (source, dest) if p.is_file() and digest(p) == before]
    assert complete, "the data must be complete in one place at least"
    assert {"source": [source], "both": [source, dest], "library": [dest]}[where] == complete

    result = ws.process("import", str(source.parent))
    assert result.returncode == 0, result.stderr
    assert not source.exists() and digest(dest) == before  # the move is finished, once
    assert_library_and_database_agree(ws, ws.movies)


@pytest.mark.parametrize("point", ["linked", "transferred"])
def test_a_move_on_one_filesystem_killed_between_link_and_unlink_loses_nothing(workspace, point):
    ws = workspace
    source = make_big_movie(ws.downloads, 64 * 1024)
    before = digest(source)
    killed(ws, point, str(source.parent), "--mode", "move")
    assert (ws.movies / INCEPTION).is_file()
    result = ws.process("import", str(source.parent), "--mode", "move")
    assert result.returncode == 0, result.stderr
    assert not source.exists() and digest(ws.movies / INCEPTION) == before
    assert_library_and_database_agree(ws, ws.movies)


# --- an upgrade --------------------------------------------------------------------------------------


@pytest.mark.parametrize("point,new_in_place", [("copied", False), ("displaced", False), ("transferred", True)])
def test_an_upgrade_killed_at_any_point_leaves_one_good_file_in_place(workspace, point, new_in_place):
    ws = workspace
    old = write_file(ws.downloads / "Inception.2010.720p.HDTV.x264-OLD" / "Inception.2010.720p.HDTV.x264-OLD.mkv",
                     2 * MIB)
    assert ws.process("import", str(old.parent), "--mode", "copy").returncode == 0
    old_digest = digest(old)
    new = make_big_movie(ws.downloads)  # 1080p BluRay: better
    killed(ws, point, str(new.parent), "--mode", "copy", "--conflict", "upgrade")

    result = ws.process("--json", "import", str(new.parent), "--mode", "copy", "--conflict", "upgrade")
    assert result.returncode == 0, result.stderr
    # Either way the better file ends up in place, the old one in the recycle folder, never neither.
    assert digest(ws.movies / INCEPTION) == digest(new)
    recycled = ws.movies / ".mydia-recycle" / INCEPTION
    assert digest(recycled) == old_digest
    assert_library_and_database_agree(ws, ws.movies)
    [row] = ws.query("SELECT resolution FROM media_files")
    assert row["resolution"] == "1080p"
    lines = killed_job_lines(ws)
    assert lines[0][0] == ("imported" if new_in_place else "failed")


def test_a_killed_upgrade_that_was_rolled_back_leaves_the_old_file_in_place(workspace):
    ws = workspace
    old = write_file(ws.downloads / "Inception.2010.720p.HDTV.x264-OLD" / "Inception.2010.720p.HDTV.x264-OLD.mkv",
                     2 * MIB)
    assert ws.process("import", str(old.parent), "--mode", "copy").returncode == 0
    new = make_big_movie(ws.downloads)
    killed(ws, "displaced", str(new.parent), "--mode", "copy", "--conflict", "upgrade")
    # Killed with the old file in place and a second name of it in the recycle folder: the
    # name was never empty, and the new file waits complete under its temporary name.
    recycled = ws.movies / ".mydia-recycle" / INCEPTION
    assert digest(ws.movies / INCEPTION) == digest(old) == digest(recycled)
    assert [p.name for p in (ws.movies / "Inception (2010)").iterdir() if p.name.endswith(".mydia-part")]
    ws.process("history")  # reads only: settles nothing
    result = ws.process("undo", "nonexistent-job")  # takes the lock and recovers, then refuses
    assert result.returncode == 1
    assert digest(ws.movies / INCEPTION) == digest(old)  # rolled back: the old file stays
    assert not recycled.exists()
    assert_library_and_database_agree(ws, ws.movies)


# --- a kill from outside, during a large copy ---------------------------------------------------------


def test_a_run_killed_from_outside_during_a_large_copy_is_recovered(workspace):
    ws = workspace
    source = make_big_movie(ws.downloads, 256 * MIB)
    before = digest(source)
    process = subprocess.Popen(
        [sys.executable, "-m", "mydia_import", "--config", str(ws.config), "import", str(source.parent),
         "--mode", "copy", "--verify", "hash"],
        cwd=ws.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while process.poll() is None and time.monotonic() < deadline:
            partial = [p for p in ws.movies.rglob("*.mydia-part") if p.stat().st_size > 0]
            if partial:
                process.send_signal(signal.SIGKILL)  # mid-copy: a partial temporary file exists
                break
            time.sleep(0.001)
    finally:
        process.wait(30)
    assert source.is_file() and digest(source) == before
    assert not (ws.movies / INCEPTION).exists() or digest(ws.movies / INCEPTION) == before
    result = ws.process("import", str(source.parent), "--mode", "copy")
    assert result.returncode == 0, result.stderr
    assert digest(ws.movies / INCEPTION) == before
    assert_library_and_database_agree(ws, ws.movies)


# --- a batch of hardlinks -------------------------------------------------------------------------------

# Links that replace nothing are journaled together, made, then recorded together: a kill between
# those steps leaves `started` rows, each completed (its link is there) or rolled back (it is not).
BATCH_POINTS = [
    ("journaled", 0),      # the three journal rows are committed, no link made
    ("batch-link:2", 2),   # two of the three links made
    ("transferred", 3),    # all linked, none recorded
]


@pytest.mark.parametrize("point,made", BATCH_POINTS, ids=[p for p, _ in BATCH_POINTS])
def test_a_batch_of_hardlinks_killed_at_any_point_is_completed_or_rolled_back_file_by_file(workspace, point, made):
    ws = workspace
    pack = make_pack_release(ws.downloads)
    killed(ws, point, str(pack.folder), "--mode", "hardlink")
    assert ws.query("SELECT count(*) AS n FROM import_transfers WHERE state = 'started'")[0]["n"] == 3
    assert sum((ws.tv / OFFICE_S02[n]).exists() for n in (1, 2, 3)) == made

    result = ws.process("import", str(pack.folder), "--mode", "hardlink")
    assert result.returncode == 0, result.stderr
    for n, source in pack.episodes.items():
        assert (ws.tv / OFFICE_S02[n]).stat().st_ino == source.stat().st_ino
    assert_library_and_database_agree(ws, ws.tv)
    lines = sorted(line for line in killed_job_lines(ws) if line[0] != "skipped")  # not the sample
    completed = ("imported", "completed by the next run after this run was interrupted")
    assert lines.count(completed) == made
    assert [status for status, _ in lines if (status, _) != completed] == ["failed"] * (3 - made)


# --- companions across a kill ---------------------------------------------------------------------------

# In --mode move the video leaves the downloads before its subtitle does. Killed in between, the
# next run must still place the subtitle beside the video the journal says it moved (the video is
# no longer there to match against). Passages: 1 is the video's, 2 the subtitle's.
COMPANION_POINTS = ["transferred:1", "recorded:1", "journaled:2", "linked:2", "transferred:2", "recorded:2"]


def rerun_moves(ws: Workspace, moves: dict[Path, tuple[str, str]]) -> None:
    """A scan in move mode leaves each source (-> its library path, its digest) moved, in one piece."""
    result = ws.process("scan", "--mode", "move")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for source, (placed, expected) in moves.items():
        assert digest(ws.movies / placed) == expected
        assert not source.exists()


@pytest.mark.parametrize("across", [False, True], ids=["one-filesystem", "across-filesystems"])
@pytest.mark.parametrize("point", COMPANION_POINTS)
def test_a_subtitle_left_behind_by_a_killed_move_follows_its_video_on_the_next_run(
        request, point, across):
    ws = request.getfixturevalue("shm_library" if across else "workspace")
    video = write_file(ws.downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv", 64 * 1024)
    subtitle = ws.downloads / MOVIE_RELEASE / "Subs" / "English.srt"
    subtitle.parent.mkdir(parents=True)
    subtitle.write_text("1\n00:00:01,000 --> 00:00:02,000\nHello.\n", encoding="utf-8")
    video_digest, subtitle_digest = digest(video), digest(subtitle)
    killed(ws, point, str(video.parent), "--mode", "move")

    rerun_moves(ws, {video: (INCEPTION, video_digest), subtitle: (INCEPTION_SRT, subtitle_digest)})
    assert_library_and_database_agree(ws, ws.movies)
    again = ws.process("scan", "--mode", "move")  # and nothing is imported twice
    assert again.returncode == 0, again.stderr
    imported = ws.query("SELECT source, count(*) AS n FROM import_transfers WHERE state = 'done' GROUP BY source")
    assert {Path(r["source"]).name: r["n"] for r in imported} == {video.name: 1, "English.srt": 1}


# The .nfo, and an extra, of a video killed the same way. With only an .nfo left, discovery finds
# nothing in the release at all: the next run still looks its videos up in the journal.
LEFT_COMPANIONS = {
    "nfo": ("nfo = true", f"{MOVIE_RELEASE}.nfo", "Inception (2010)/Inception (2010).nfo"),
    "extra": ('extras = "import"', "Featurettes/Making Of.mkv", "Inception (2010)/Featurettes/Making Of.mkv"),
}


@pytest.mark.parametrize("companion", sorted(LEFT_COMPANIONS))
@pytest.mark.parametrize("point", COMPANION_POINTS)
def test_an_nfo_or_extra_left_behind_by_a_killed_move_follows_its_video_on_the_next_run(
        workspace, point, companion):
    ws = workspace
    setting, name, placed = LEFT_COMPANIONS[companion]
    ws.config.write_text(ws.config.read_text().replace("[import]\n", f"[import]\n{setting}\n", 1))
    video = write_file(ws.downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv", 64 * 1024)
    left = write_file(ws.downloads / MOVIE_RELEASE / name, 8 * 1024)
    video_digest, left_digest = digest(video), digest(left)
    killed(ws, point, str(video.parent), "--mode", "move")

    rerun_moves(ws, {video: (INCEPTION, video_digest), left: (placed, left_digest)})
    if point in ("transferred:1", "recorded:1", "journaled:2"):  # the next run moved the companion
        assert not video.parent.exists()  # and the release folder it emptied went too
    assert_library_and_database_agree(ws, ws.movies, extras=(placed,))
    again = ws.process("scan", "--mode", "move")  # and nothing is imported twice
    assert again.returncode == 0, again.stderr
    imported = ws.query("SELECT source, count(*) AS n FROM import_transfers WHERE state = 'done' GROUP BY source")
    assert {Path(r["source"]).name: r["n"] for r in imported} == {video.name: 1, left.name: 1}


def test_an_nfo_left_in_a_release_whose_name_is_not_utf8_follows_its_moved_video(workspace):
    ws = workspace
    ws.config.write_text(ws.config.read_text().replace("[import]\n", "[import]\nnfo = true\n", 1))
    release = ws.downloads / (MOVIE_RELEASE + "\udcff")  # the byte 0xff: not UTF-8
    video = write_file(release / f"{MOVIE_RELEASE}.mkv", 64 * 1024)
    nfo = write_file(release / f"{MOVIE_RELEASE}.nfo", 8 * 1024)
    nfo_digest = digest(nfo)
    killed(ws, "recorded:1", str(release), "--mode", "move")
    assert not video.exists() and nfo.exists()

    result = ws.process("scan", "--mode", "move")
    assert result.returncode == 0, result.stdout + result.stderr
    assert digest(ws.movies / "Inception (2010)/Inception (2010).nfo") == nfo_digest
    assert not release.exists()
    assert_library_and_database_agree(ws, ws.movies)


@pytest.mark.parametrize("point", ["transferred", "recorded"])
def test_an_upgrade_under_another_name_killed_before_the_old_file_left_retires_it_on_the_next_run(
        workspace, point):
    # Found by benchmarks/torture.py: killed between placing the new .mkv and recording it, the
    # next run recorded the new file but never retired the old .mp4 (two videos, two rows).
    ws = workspace
    name = "Inception.2010.720p.HDTV.x264-OLD"
    old = write_file(ws.downloads / name / f"{name}.mp4", 2 * MIB)
    assert ws.process("import", str(old.parent), "--mode", "copy").returncode == 0
    new = make_big_movie(ws.downloads)
    killed(ws, point, str(new.parent), "--mode", "copy", "--conflict", "upgrade")

    result = ws.process("import", str(new.parent), "--mode", "copy", "--conflict", "upgrade")
    assert result.returncode == 0, result.stderr
    assert digest(ws.movies / INCEPTION) == digest(new)
    assert not (ws.movies / "Inception (2010)" / "Inception (2010).mp4").exists()
    assert digest(ws.movies / ".mydia-recycle" / "Inception (2010)" / "Inception (2010).mp4") == digest(old)
    assert_library_and_database_agree(ws, ws.movies)
