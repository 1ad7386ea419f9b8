"""A dying disk: EIO while a real import reads the source, flushes the copy, names it, and the
database's own writes failing on a full filesystem while the library has room. Each leaves the
source intact, nothing at a final name, the database agreeing with the disk, and one line that
names the path and the operation, with the documented exit code (4: nothing imported).

The faults are injected at the tool's I/O boundary (the os calls execute/transfer.py makes, for the
files of the download only); the full database is a real, small tmpfs where one can be mounted.
A real faulty block device (device-mapper's error target) is not available on every machine;
tests/test_transfer.py and benchmarks/torture.py cover the rest."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import INCEPTION, MOVIE_RELEASE, Workspace, write_file

from mydia_import.execute import transfer as transfer_module

MIB = 1024 * 1024


def path_of(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def eio(*args) -> OSError:
    return OSError(errno.EIO, os.strerror(errno.EIO))


def assert_nothing_lost(ws: Workspace, source: Path, before: bytes) -> None:
    assert source.read_bytes() == before, "the source must be intact"
    files = [p for p in ws.movies.rglob("*") if p.is_file()]
    assert files == [], f"nothing may be left in the library: {files}"
    assert ws.count("media_files") == 0
    assert ws.query("SELECT count(*) AS n FROM import_transfers WHERE state = 'started'")[0]["n"] == 0


def one_line_about(result, *words: str) -> str:
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    # One line (the report repeats a failure in its summary: the same line).
    lines = {line for line in text.splitlines() if "input/output error" in line or "no space left" in line}
    assert len(lines) == 1, text
    [line] = lines
    for word in words:
        assert word in line, line
    return line


@pytest.fixture
def movie(workspace) -> tuple[Path, bytes]:
    source = write_file(workspace.downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv", 20 * MIB)  # 3 chunks
    return source, source.read_bytes()


def fail_on_second(monkeypatch, name: str, folder: Path) -> None:
    """os.<name> fails with EIO the second time it is called on a file of `folder` (mid-copy)."""
    real, calls = getattr(os, name), []

    def fake(*args, **kwargs):
        src = args[1] if name == "sendfile" else args[0]
        if path_of(src).startswith(str(folder)):
            calls.append(1)
            if len(calls) == 2:
                raise eio()
        return real(*args, **kwargs)
    monkeypatch.setattr(transfer_module.os, name, fake)


def fsync_fails_for(monkeypatch, ending: str) -> None:
    """fsync fails with EIO for the file or folder whose path ends with `ending`."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if path_of(fd).endswith(ending):
            raise eio()
        real(fd)
    monkeypatch.setattr(transfer_module.os, "fsync", fsync)


@pytest.mark.parametrize("verify", ["size", "hash"])
def test_eio_reading_the_source_mid_copy_leaves_it_intact_and_says_so_in_one_line(workspace, movie, monkeypatch,
                                                                                 verify):
    ws = workspace
    source, before = movie
    # size: the kernel's copy_file_range reads the source; hash: the tool's own read loop.
    fail_on_second(monkeypatch, "copy_file_range" if verify == "size" else "read", ws.downloads)
    result = ws.cli("import", str(source.parent), "--mode", "copy", "--verify", verify)
    assert result.exit_code == 4, result.stdout
    step = "reading the source or writing the copy" if verify == "size" else "reading the source"
    one_line_about(result, source.name, f"input/output error {step}")
    assert_nothing_lost(ws, source, before)


def test_eio_flushing_the_copy_leaves_no_file_at_its_final_name(workspace, movie, monkeypatch):
    ws = workspace
    source, before = movie
    fsync_fails_for(monkeypatch, ".mydia-part")
    document = json.loads(ws.cli("--json", "import", str(source.parent), "--mode", "copy").stdout)
    [video] = [f for f in document["files"] if f["kind"] == "video"]
    assert video["status"] == "failed"
    assert "input/output error flushing the copy to the disk (fsync)" in video["reason"]
    assert video["code"] == "transfer-failed"
    assert str(source) in video["reason"]
    assert_nothing_lost(ws, source, before)


def test_eio_giving_the_copy_its_name_leaves_no_file_at_its_final_name(workspace, movie, monkeypatch):
    ws = workspace
    source, before = movie
    real = os.link

    def link(src, dst, *args, **kwargs):
        if str(dst).endswith(INCEPTION):
            raise eio()
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(transfer_module.os, "link", link)
    result = ws.cli("import", str(source.parent), "--mode", "copy")
    assert result.exit_code == 4, result.stdout
    one_line_about(result, source.name, "input/output error giving the copy its final name")
    assert_nothing_lost(ws, source, before)


def test_eio_flushing_the_folder_after_the_name_still_records_the_complete_file(workspace, movie, monkeypatch):
    # The copy has its name (complete, synced): it is recorded, and the failed flush is said.
    ws = workspace
    source, before = movie
    fsync_fails_for(monkeypatch, "Inception (2010)")
    document = json.loads(ws.cli("--json", "import", str(source.parent), "--mode", "copy").stdout)
    [video] = [f for f in document["files"] if f["kind"] == "video"]
    assert video["status"] == "imported" and "flushing the folder" in video["reason"]
    assert video["code"] == "imported-with-problems"
    assert (ws.movies / INCEPTION).read_bytes() == before == source.read_bytes()
    assert ws.count("media_files") == 1


def test_the_database_failing_to_record_a_file_takes_the_copy_back(workspace, movie, monkeypatch):
    ws = workspace
    source, before = movie
    from mydia_import.errors import LibraryError
    from mydia_import.library import Library

    def full(*args, **kwargs):
        raise LibraryError(f"cannot write to the library database {ws.db}: no space left on the device")
    monkeypatch.setattr(Library, "record_file", full)
    result = ws.cli("import", str(source.parent), "--mode", "copy")
    assert result.exit_code == 4, result.stdout
    line = one_line_about(result, source.name, str(ws.db), "the import was undone")
    assert "could not record" in line
    assert ws.query("SELECT code FROM import_job_files WHERE kind = 'video'") == [{"code": "record-failed"}]
    assert_nothing_lost(ws, source, before)


# --- a real full filesystem under the database -----------------------------------------------------


@pytest.fixture
def full_database_disk(tmp_path: Path):
    """A 2 MiB tmpfs for the database (root only), filled up later by the test."""
    folder = tmp_path / "dbdisk"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small filesystem needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_database_on_a_full_disk_fails_the_run_in_one_line_and_moves_nothing(workspace, full_database_disk):
    ws = workspace
    db = full_database_disk / "library.db"
    shutil.copy(ws.db, db)
    ws.config.write_text(ws.config.read_text().replace(json.dumps(str(ws.db)), json.dumps(str(db))))
    source = write_file(ws.downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv", 4 * MIB)  # the library has room
    before = source.read_bytes()
    with open(full_database_disk / "filler", "wb", buffering=0) as f:  # nothing left for the database to grow into
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    result = ws.process("import", str(source.parent), "--mode", "move")
    assert result.returncode == 1, result.stdout + result.stderr  # a fatal error: the run could not start
    line = one_line_about(result, str(db), "no space left")
    assert line.startswith("error: cannot write to the library database")
    (full_database_disk / "filler").unlink()
    ws.db = db
    assert_nothing_lost(ws, source, before)
    again = ws.process("import", str(source.parent), "--mode", "move")  # with room again: imported
    assert again.returncode == 0, again.stderr
    assert (ws.movies / INCEPTION).read_bytes() == before
