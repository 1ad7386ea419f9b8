"""The order of the system calls that make an import survive a power cut, traced with strace on a
real import (docs/explanation/safety.md, "The durable order"):

1. the journal row is committed (the database's WAL synced) before the first byte is written;
2. the copy's data is synced before it gets its final name;
3. the library folder is synced (the new name durable) before the commit that records the file;
4. the source of a move is removed only after both, and a move on one filesystem makes the new
   name durable before the old one goes.

A change to execute/transfer.py or execute/placing.py that reorders these fails here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import (
    E2E_LIBRARY,
    INCEPTION,
    MOVIE_RELEASE,
    Workspace,
    create_database,
    write_config,
    write_file,
    write_text,
)

STRACE = shutil.which("strace")
pytestmark = pytest.mark.skipif(STRACE is None, reason="strace is not installed (apt-get install strace)")

CALLS = "openat,fsync,fdatasync,link,linkat,unlink,unlinkat,rename,renameat,renameat2"
# `-y` prints each descriptor with its path: fsync(5</lib/Movies/Inception (2010)>) = 0
LINE = re.compile(r"^(?:\d+\s+)?(\w+)\((.*)\)\s+=\s+(-?\d+)")


def traced(ws: Workspace, *args: str) -> list[tuple[str, str]]:
    """The successful calls of a real run, in order: (name, arguments)."""
    out = ws.root / "strace.txt"
    result = subprocess.run([STRACE, "-f", "-qq", "-y", "-s", "4096", "-e", f"trace={CALLS}", "-o", str(out),
                             sys.executable, "-m", "mydia_import", "--config", str(ws.config), *args],
                            cwd=ws.root, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 and "ptrace" in result.stderr.lower():
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr
    calls = []
    for line in out.read_text(errors="replace").splitlines():
        m = LINE.match(line)
        if m and m.group(3) != "-1":
            calls.append((m.group(1), m.group(2)))
    return calls


# Each step, by the calls that make it (glibc and SQLite choose among them).
SYNC, LINK, UNLINK = ("fsync", "fdatasync"), ("link", "linkat"), ("unlink", "unlinkat")


def first(calls: list[tuple[str, str]], names: str | tuple[str, ...], *parts: str, after: int = -1) -> int:
    """The index of the first call of one of `names` after `after` whose arguments hold every part."""
    names = (names,) if isinstance(names, str) else names
    for i, (call, args) in enumerate(calls):
        if i > after and call in names and all(p in args for p in parts):
            return i
    raise AssertionError(f"no {'/'.join(names)}({', '.join(parts)}) after call {after}:\n" +
                         "\n".join(f"{c}({a})" for c, a in calls if "python" not in a)[-4000:])


def commit_after(calls: list[tuple[str, str]], index: int) -> int:
    """The first commit of the database (an fsync of its WAL) after call `index`."""
    return first(calls, SYNC, "library.db-wal", after=index)


def assert_durable_order(calls, source: Path, dest: Path, *, move: bool) -> None:
    temp = first(calls, "openat", f".{dest.name}", ".mydia-part", "O_CREAT")
    assert commit_after(calls, -1) < temp, "the journal row must be committed before the first byte"
    data = first(calls, SYNC, ".mydia-part", after=temp)
    named = first(calls, LINK, ".mydia-part", str(dest), after=temp)
    assert data < named, "the copy's data must be synced before it gets its final name"
    folder = first(calls, SYNC, f"<{dest.parent}>", after=named)
    assert folder < commit_after(calls, named), "the new name must be durable before the commit that records it"
    if move:
        gone = first(calls, UNLINK, f'"{source}"')
        assert data < gone and folder < gone, "the source of a move goes only after the copy is durable"


def test_a_copy_is_synced_named_synced_and_then_recorded(workspace):
    ws = workspace
    source = write_file(ws.downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv", 3 * 1024 * 1024)
    calls = traced(ws, "import", str(source.parent), "--mode", "copy")
    assert_durable_order(calls, source, ws.movies / INCEPTION, move=False)


def test_a_move_across_filesystems_removes_its_source_only_once_the_copy_is_durable(tmp_path, isolated_env):
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)) or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no writable folder on a second filesystem")
    with tempfile.TemporaryDirectory(dir=shm) as folder:
        library = Path(folder)
        ws = Workspace(root=tmp_path, downloads=tmp_path / "downloads", library=library, movies=library / "Movies",
                       tv=library / "TV", db=tmp_path / "library.db", config=tmp_path / "config.toml")
        for f in (ws.downloads, ws.movies, ws.tv):
            f.mkdir(parents=True)
        write_config(ws.config, database=ws.db, movies=ws.movies, tv=ws.tv, downloads=ws.downloads, mode="move")
        create_database(ws)
        import json

        ws.ok("library", "load", str(write_text(tmp_path / "library.json", json.dumps(E2E_LIBRARY))))
        source = write_file(ws.downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv", 3 * 1024 * 1024)
        calls = traced(ws, "import", str(source.parent), "--mode", "move")
        assert_durable_order(calls, source, ws.movies / INCEPTION, move=True)
        assert not source.exists()


def test_a_move_on_one_filesystem_makes_the_new_name_durable_before_the_old_one_goes(workspace):
    ws = workspace
    source = write_file(ws.downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv", 64 * 1024)
    dest = ws.movies / INCEPTION
    calls = traced(ws, "import", str(source.parent), "--mode", "move")
    named = first(calls, LINK, str(source), str(dest))
    folder = first(calls, SYNC, f"<{dest.parent}>", after=named)
    gone = first(calls, UNLINK, f'"{source}"', after=named)
    assert folder < gone < commit_after(calls, gone)
