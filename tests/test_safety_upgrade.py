"""`--conflict upgrade` replaces a library file only with a better release (resolution, then source
Remux > BluRay > WEB-DL > WEBRip > HDTV > DVD > SDTV, then PROPER/REPACK), and only once the new file is
transferred and verified: the old one then moves to the recycle folder, never before (Sonarr's order
loses the episode when the transfer fails)."""

from __future__ import annotations

import errno

import pytest
from conftest import INCEPTION, KIB, write_file

from mydia_import.execute import transfer as transfer_module
from mydia_import.identify.parse import ReleaseParser
from mydia_import.plan import quality

RECYCLED = ".mydia-recycle/" + INCEPTION


def release(ws, name: str, size: int = 16 * KIB):
    return write_file(ws.downloads / name / f"{name}.mkv", size)


LADDER = [  # worst first
    "Inception.2010.SDTV.x264-A",
    "Inception.2010.DVDRip.x264-A",
    "Inception.2010.720p.HDTV.x264-A",
    "Inception.2010.1080p.HDTV.x264-A",
    "Inception.2010.1080p.WEBRip.x264-A",
    "Inception.2010.1080p.WEB-DL.DD5.1.H.264-A",
    "Inception.2010.1080p.BluRay.x264-A",
    "Inception.2010.1080p.BluRay.REPACK.x264-A",
    "Inception.2010.1080p.BluRay.REMUX.AVC-A",
    "Inception.2010.2160p.WEB-DL.DDP5.1.H.265-A",
]


def test_the_quality_ladder_parsed_from_real_names_is_strictly_increasing():
    parser = ReleaseParser()
    ranks = [quality.release_rank(parser.parse(name + ".mkv")) for name in LADDER]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)


def test_each_step_up_the_ladder_replaces_the_file_and_keeps_the_one_before(workspace):
    ws = workspace
    previous = None
    for name in LADDER[2:5]:
        source = release(ws, name)
        document = ws.json("import", str(source.parent), "--conflict", "upgrade")
        assert [f["status"] for f in document["files"]] == ["imported"], name
        assert (ws.movies / INCEPTION).read_bytes() == source.read_bytes()
        if previous is not None:
            recycled = sorted(p for p in ws.movie_files() if p.startswith(".mydia-recycle/"))
            assert any((ws.movies / p).read_bytes() == previous.read_bytes() for p in recycled)
        previous = source
    assert ws.count("media_files") == 1


@pytest.mark.parametrize("worse, size", [("Inception.2010.720p.HDTV.x264-B", 20 * KIB),
                                         ("Inception.2010.1080p.BluRay.x264-B", 12 * KIB)])
def test_a_worse_or_equal_and_smaller_release_is_not_an_upgrade(workspace, worse, size):
    ws = workspace
    best = release(ws, "Inception.2010.1080p.BluRay.x264-A")
    ws.json("import", str(best.parent))
    document = ws.json("import", str(release(ws, worse, size).parent), "--conflict", "upgrade", code=4)
    [f] = document["files"]
    assert f["status"] == "skipped"
    assert "is not better than 1080p BluRay already there" in f["reason"] and "(--conflict upgrade)" in f["reason"]
    assert (ws.movies / INCEPTION).read_bytes() == best.read_bytes()
    assert not (ws.movies / RECYCLED).exists()


def test_an_upgrade_whose_transfer_fails_leaves_the_old_file_and_its_record(workspace, monkeypatch):
    ws = workspace
    old = release(ws, "Inception.2010.720p.HDTV.x264-A")
    ws.json("import", str(old.parent))
    rows = ws.query("SELECT * FROM media_files")
    new = release(ws, "Inception.2010.1080p.BluRay.x264-A")
    real_fsync = transfer_module.os.fsync
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 1:  # the new file's data: the disk fails
            raise OSError(errno.EIO, "Input/output error")
        return real_fsync(fd)

    monkeypatch.setattr(transfer_module.os, "fsync", fsync)
    document = ws.json("import", str(new.parent), "--conflict", "upgrade", code=4)
    [f] = document["files"]
    assert f["status"] == "failed" and "input/output error flushing the copy to the disk (fsync)" in f["reason"]
    assert (ws.movies / INCEPTION).read_bytes() == old.read_bytes()
    assert ws.movie_files() == {INCEPTION}  # nothing in the recycle folder, no temporary file
    assert ws.query("SELECT * FROM media_files") == rows
    [entry] = ws.query("SELECT state, recycled FROM import_transfers WHERE state != 'done'")
    assert entry == {"state": "failed", "recycled": None}


def test_an_upgrade_is_verified_by_hash_when_asked(workspace):
    ws = workspace
    ws.json("import", str(release(ws, "Inception.2010.720p.HDTV.x264-A").parent))
    new = release(ws, "Inception.2010.1080p.BluRay.x264-A")
    ws.json("import", str(new.parent), "--conflict", "upgrade", "--verify", "hash", "--mode", "copy")
    import hashlib
    import json
    [row] = ws.query("SELECT metadata FROM media_files")
    assert json.loads(row["metadata"])["import_sha256"] == hashlib.sha256(new.read_bytes()).hexdigest()
    [digest] = ws.query("SELECT digest FROM import_transfers WHERE digest IS NOT NULL")
    assert digest["digest"] == hashlib.sha256(new.read_bytes()).hexdigest()
