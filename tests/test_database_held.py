"""The library database held by another program (Mydia in the middle of a write transaction)
while a hook fires: the hook waits `[library] busy_timeout` seconds and imports; past that, it
fails with one line saying so, nothing half-recorded, and the next run imports the download.

The other program is a real process holding `BEGIN IMMEDIATE` (SQLite's write lock)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import INCEPTION, Workspace, make_movie_release, one_error_line, tree

from mydia_import.library import Library
from mydia_import.library.db import DatabaseLocked

# Holds the write lock until its stdin closes, or for argv[2] seconds.
HOLDER = textwrap.dedent("""
    import sqlite3, sys, threading
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.execute("CREATE TABLE IF NOT EXISTS mydia_busy (x)")
    print("held", flush=True)
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait(float(sys.argv[2]))
    db.execute("COMMIT")
""")


def hold(ws: Workspace, seconds: float = 600) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(ws.db), str(seconds)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0


def hook(ws: Workspace, folder, wait: int, *args: str) -> subprocess.CompletedProcess:
    return ws.process(*args, "hook", "qbittorrent", "--content-path", str(folder), "--name", folder.name,
                      env={"MYDIA_IMPORT_LIBRARY_BUSY_TIMEOUT": str(wait)})


def test_a_hook_waits_while_another_program_writes_to_the_database_then_imports(workspace):
    ws = workspace
    movie = make_movie_release(ws.downloads)
    holder = hold(ws, seconds=3)  # Mydia writing for a few seconds
    try:
        result = hook(ws, movie.folder, 60, "-v")
    finally:
        holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "waits up to 60 s" in result.stderr and "[library] busy_timeout" in result.stderr
    assert (ws.movies / INCEPTION).is_file()
    assert ws.query("SELECT count(*) AS n FROM media_files")[0]["n"] == 1


def test_a_hook_past_the_limit_fails_in_one_line_and_the_next_run_imports_the_download(workspace):
    ws = workspace
    movie = make_movie_release(ws.downloads)
    before = movie.video.read_bytes()
    holder = hold(ws)
    try:
        result = hook(ws, movie.folder, 1)
        assert holder.poll() is None  # the hook gave up while the database was still held
    finally:
        release(holder)
    assert result.returncode == 1, result.stderr  # the client sees a failed hook
    line = one_error_line(result.stderr)
    assert "was locked by another program" in line and "[library] busy_timeout" in line
    assert "next run" in line
    # Nothing half-recorded, nothing moved.
    assert movie.video.read_bytes() == before
    assert [p for p in tree(ws.movies) if not p.endswith("/")] == []
    assert ws.query("SELECT count(*) AS n FROM media_files")[0]["n"] == 0
    assert ws.query("SELECT count(*) AS n FROM import_transfers WHERE state = 'started'")[0]["n"] == 0

    again = ws.process("scan")  # not forgotten
    assert again.returncode == 0, again.stderr
    assert (ws.movies / INCEPTION).read_bytes() == before
    assert ws.query("SELECT count(*) AS n FROM media_files")[0]["n"] == 1


def test_after_the_database_was_locked_too_long_the_run_closes_without_waiting_again(workspace):
    # The job's counts and the parse cache written on the way out would each wait the whole
    # limit again (a hook stayed alive 30 s after its error): after the first time-out, none.
    ws = workspace
    library = Library.open(ws.db, busy_timeout=1)
    holder = hold(ws)
    try:
        with pytest.raises(DatabaseLocked) as raised:
            library.start_job("import", {}, "copy")
        assert "for 1 s ([library] busy_timeout)" in str(raised.value)
        assert library.db.value("PRAGMA busy_timeout") == 0
    finally:
        release(holder)
        library.close()


def test_the_database_wait_is_configured_in_seconds(workspace):
    ws = workspace
    library = Library.open(ws.db, busy_timeout=7)
    try:
        assert library.db.value("PRAGMA busy_timeout") == 7000
    finally:
        library.close()
