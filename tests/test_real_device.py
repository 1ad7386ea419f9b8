"""End to end on a real failing block device: a loop device holding a small ext4 filesystem.

tests/test_io_errors.py injects EIO at the tool's own system calls; here the kernel itself fails
them. Device-mapper's `error` target is not in every kernel (nor is FUSE's userspace), so the
failures are made with the loop driver alone:

- writes: the loop device's image is a sparse file on a tmpfs far smaller than the filesystem
  on it. The filesystem sees room; the device fails the writes the tmpfs cannot hold, and the
  copy's flush (fsync) fails with the error the block layer returns;
- reads: the download is written and flushed, its cached pages dropped, then the loop device is
  shrunk (`losetup -c` after truncating its image) so that the file's later blocks lie past the
  device's end: reading them is an input/output error from the block layer.

Root, `losetup`, `mkfs.ext4` and `mount` are needed; elsewhere these tests skip.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import INCEPTION, MOVIE_RELEASE, Workspace, tree

MIB = 1024 * 1024

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(t) for t in ("losetup", "mkfs.ext4", "mount", "umount")),
    reason="needs root, losetup, mkfs.ext4 and mount")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


@contextlib.contextmanager
def loop_filesystem(mountpoint: Path, image: Path, size_mb: int):
    """An ext4 filesystem of size_mb on a loop device over `image`, mounted at mountpoint."""
    with open(image, "wb") as f:
        f.truncate(size_mb * MIB)
    run("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=1,lazy_journal_init=1", str(image))
    try:
        device = run("losetup", "-f", "--show", str(image))
    except subprocess.CalledProcessError as error:
        pytest.skip(f"no loop device here: {error.stderr.strip()}")
    try:
        run("mount", "-o", "errors=continue", device, str(mountpoint))
        try:
            yield device
        finally:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)
    finally:
        subprocess.run(["losetup", "-d", device], capture_output=True)


@contextlib.contextmanager
def small_tmpfs(mountpoint: Path, size_mb: int):
    mountpoint.mkdir()
    try:
        run("mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mountpoint))
    except subprocess.CalledProcessError as error:
        pytest.skip(f"cannot mount a tmpfs here: {error.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_movie(folder: Path, size: int) -> Path:
    path = folder / MOVIE_RELEASE / f"{MOVIE_RELEASE}.mkv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        for _ in range(size // MIB):
            f.write(os.urandom(MIB))
        f.flush()
        os.fsync(f.fileno())
    return path


def no_space_kept(ws: Workspace) -> None:
    text = ws.config.read_text().replace("[import]\n", "[import]\nmin_free_mb = 0\n", 1)
    ws.config.write_text(text)


def assert_nothing_imported(ws: Workspace, result: subprocess.CompletedProcess, operation: str) -> None:
    assert result.returncode == 4, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if operation in line]
    assert len(lines) == 1, result.stderr
    assert MOVIE_RELEASE in lines[0]
    assert not (ws.movies / INCEPTION).exists()
    assert ws.count("media_files") == 0
    assert ws.query("SELECT count(*) AS n FROM import_transfers WHERE state = 'started'")[0]["n"] == 0


def test_a_copy_onto_a_device_that_fails_its_writes_leaves_the_source_and_nothing_at_the_final_name(workspace):
    ws = workspace
    no_space_kept(ws)
    source = write_movie(ws.downloads, 24 * MIB)
    before = digest(source)
    with small_tmpfs(ws.root / "backing", 8), loop_filesystem(ws.movies, ws.root / "backing" / "image", 128):
        result = ws.process("import", str(source.parent), "--mode", "copy")
        # The flush of the copy fails: the device has no room behind the filesystem's back.
        assert_nothing_imported(ws, result, "copying")
        assert not [p for p in tree(ws.movies) if p.endswith(".mydia-part")], tree(ws.movies)
    assert digest(source) == before


def test_a_copy_from_a_device_that_fails_its_reads_leaves_the_source_and_nothing_at_the_final_name(workspace):
    ws = workspace
    with loop_filesystem(ws.downloads, ws.root / "image", 128) as device:
        source = write_movie(ws.downloads, 24 * MIB)
        first_block = int(run("filefrag", "-b4096", "-e", str(source)).splitlines()[3].split(":")[2].split("..")[0])
        with open(source, "rb") as f:
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)  # the next read goes to the device
        # The device now ends 8 MiB into the file: its first chunk reads, the rest fails.
        os.truncate(ws.root / "image", first_block * 4096 + 8 * MIB)
        run("losetup", "-c", device)
        result = ws.process("import", str(source.parent), "--mode", "copy")
        assert_nothing_imported(ws, result, "input/output error")
        assert not [p for p in tree(ws.movies) if p.endswith(".mydia-part")], tree(ws.movies)
        assert source.exists()  # a copy never touches its source
