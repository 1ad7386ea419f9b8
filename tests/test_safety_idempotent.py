"""Running the same scan or hook again is harmless and fast: a file already in place is recognised by
its recorded source identity (path, size, mtime, inode), and a file of the same size that the tool has
no record of is compared at a few places, never read whole."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from mydia_import.plan import videos

SRC = Path("/downloads/movie.mkv")
DEST = Path("/library/Movie (2020)/Movie (2020).mkv")
BIG = 4 * 1024 * 1024


@pytest.fixture
def counted(monkeypatch):
    """Bytes read through plan's open()."""
    total = {"read": 0, "opened": 0}
    real_open = open

    class Counting:
        def __init__(self, file):
            self.file = file

        def read(self, n=-1):
            data = self.file.read(n)
            total["read"] += len(data)
            return data

        def seek(self, offset):
            return self.file.seek(offset)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

    def counting_open(path, mode="r", *args, **kwargs):
        total["opened"] += 1
        return Counting(real_open(path, mode, *args, **kwargs))

    monkeypatch.setattr(videos, "open", counting_open, raising=False)
    return total


def stored_for(source: Path, size: int):
    st = source.stat()
    return SimpleNamespace(size=size, metadata={"source": str(source), "source_inode": st.st_ino,
                                                "source_mtime_ns": st.st_mtime_ns})


def test_a_recorded_source_is_recognised_without_opening_either_file(fs, counted):
    fs.create_file(SRC, contents=b"a" * 1000)
    fs.create_file(DEST, contents=b"b" * 1000)  # our record says it came from SRC, as SRC is now
    assert videos._already_there(SRC, DEST, stored_for(SRC, 1000))
    assert counted["opened"] == 0


def test_a_recorded_source_that_was_replaced_since_is_compared(fs, counted):
    fs.create_file(SRC, contents=b"a" * 1000)
    fs.create_file(DEST, contents=b"b" * 1000)
    stored = stored_for(SRC, 1000)
    stored.metadata["source_inode"] += 1  # another file under the same name now
    assert not videos._already_there(SRC, DEST, stored)
    assert counted["opened"] == 2


def test_an_unrecorded_file_of_the_same_size_is_compared_at_a_few_places_only(fs, counted):
    data = os.urandom(BIG)
    fs.create_file(SRC, contents=data)
    fs.create_file(DEST, contents=data)
    assert videos._already_there(SRC, DEST, None)
    assert counted["read"] <= 2 * 8 * 64 * 1024 < 2 * BIG


def test_a_difference_at_a_sampled_place_is_found(fs):
    data = bytearray(os.urandom(BIG))
    fs.create_file(SRC, contents=bytes(data))
    data[-10] ^= 0xFF  # the end of the file is always looked at
    fs.create_file(DEST, contents=bytes(data))
    assert not videos._already_there(SRC, DEST, None)


def test_small_files_are_compared_whole(fs):
    fs.create_file(SRC, contents=b"x" * 1000 + b"a")
    fs.create_file(DEST, contents=b"x" * 1000 + b"b")
    assert not videos._already_there(SRC, DEST, None)


def test_different_sizes_are_different_files_without_reading(fs, counted):
    fs.create_file(SRC, contents=b"a" * 10)
    fs.create_file(DEST, contents=b"a" * 11)
    assert not videos._already_there(SRC, DEST, None)
    assert counted["opened"] == 0
