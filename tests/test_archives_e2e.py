"""End to end: releases of archive sets (RAR4, RAR5, ZIP, 7z) extracted and imported, the
archives untouched, no extracted file left behind. Every archive is made here, at test time
(tests/rarwriter.py writes stored RAR volumes from the published formats)."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import INCEPTION, INCEPTION_SRT, MOVIE_RELEASE, OFFICE_S02, PACK_RELEASE, Workspace, snapshot, tree
from rarwriter import write_rar

needs_unar = pytest.mark.skipif(shutil.which("unar") is None or shutil.which("lsar") is None,
                                reason="needs unar and lsar (apt-get install unar)")

MOVIE = os.urandom(300_000)
SUBTITLE = b"1\n00:00:01,000 --> 00:00:02,000\nHello.\n"


def rar_release(ws: Workspace, *, version: int = 5, volume_size: int | None = 100_000, new_names: bool = True,
                files: dict[str, bytes] | None = None, **kw) -> Path:
    folder = ws.downloads / MOVIE_RELEASE
    folder.mkdir(parents=True)
    files = files or {f"{MOVIE_RELEASE}.mkv": MOVIE, f"{MOVIE_RELEASE}.en.srt": SUBTITLE}
    write_rar(folder, MOVIE_RELEASE.lower(), files, version=version, volume_size=volume_size, new_names=new_names,
              **kw)
    (folder / f"{MOVIE_RELEASE}.nfo").write_text("release notes\n")
    return folder


def leftovers(ws: Workspace) -> list[str]:
    """Anything extracted still on disk under the downloads folder (hidden work folders included)."""
    return sorted(p.relative_to(ws.downloads).as_posix() for p in ws.downloads.rglob("*")
                  if ".mydia-extract" in p.parts or p.suffix in (".mkv", ".srt"))


def assert_imported(ws: Workspace, before: dict) -> None:
    assert ws.movie_files() == {INCEPTION, INCEPTION_SRT}
    assert (ws.movies / INCEPTION).read_bytes() == MOVIE
    assert snapshot(ws.downloads) == before  # the archives stay as they were, for seeding
    assert leftovers(ws) == []
    assert ws.count("media_files") == 1


@needs_unar
@pytest.mark.parametrize("version, new_names", [(4, False), (4, True), (5, True)])
def test_a_multi_volume_rar_set_is_extracted_imported_and_left_untouched(workspace, version, new_names):
    folder = rar_release(workspace, version=version, new_names=new_names)
    assert len(list(folder.glob("*.r*"))) == 4  # three volumes
    before = snapshot(workspace.downloads)
    workspace.ok("scan")
    assert_imported(workspace, before)
    row = workspace.query("SELECT metadata FROM media_files")[0]
    assert '"transfer_mode": "move"' in row["metadata"]


@needs_unar
@pytest.mark.parametrize("version", [4, 5])
def test_a_single_volume_rar_is_extracted_and_imported(workspace, version):
    rar_release(workspace, version=version, volume_size=None)
    before = snapshot(workspace.downloads)
    workspace.ok("import", str(workspace.downloads / MOVIE_RELEASE))
    assert_imported(workspace, before)


def test_a_zip_is_extracted_and_imported(workspace):
    folder = workspace.downloads / MOVIE_RELEASE
    folder.mkdir()
    with zipfile.ZipFile(folder / f"{MOVIE_RELEASE}.zip", "w") as z:
        z.writestr(f"{MOVIE_RELEASE}.mkv", MOVIE)
        z.writestr(f"{MOVIE_RELEASE}.en.srt", SUBTITLE)
    before = snapshot(workspace.downloads)
    workspace.ok("scan")
    assert_imported(workspace, before)


@needs_unar
@pytest.mark.skipif(shutil.which("7zz") is None and shutil.which("7z") is None, reason="needs 7zz (apt-get install 7zip)")
@pytest.mark.parametrize("split", [False, True])
def test_a_7z_set_is_extracted_and_imported(workspace, tmp_path, split):
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / f"{MOVIE_RELEASE}.mkv").write_bytes(MOVIE)
    (staging / f"{MOVIE_RELEASE}.en.srt").write_bytes(SUBTITLE)
    folder = workspace.downloads / MOVIE_RELEASE
    folder.mkdir()
    tool = shutil.which("7zz") or shutil.which("7z")
    subprocess.run([tool, "a", "-bd", "-mx=1", *(["-v100k"] if split else []), str(folder / f"{MOVIE_RELEASE}.7z"),
                    f"{MOVIE_RELEASE}.mkv", f"{MOVIE_RELEASE}.en.srt"], cwd=staging, check=True, capture_output=True)
    before = snapshot(workspace.downloads)
    workspace.ok("scan")
    assert_imported(workspace, before)


@needs_unar
def test_a_rescan_of_an_extracted_set_does_not_extract_it_again(workspace):
    rar_release(workspace)
    workspace.ok("scan")
    (workspace.movies / INCEPTION).chmod(0o444)
    report = workspace.json("scan")
    rows = [f for f in report["files"] if f["source"].endswith(".rar")]
    assert [r["status"] for r in rows] == ["already-imported"], report
    assert "not extracted again" not in rows[0]["reason"] and "extracted on" in rows[0]["reason"]
    assert leftovers(workspace) == []
    (workspace.movies / INCEPTION).unlink()
    report = workspace.json("scan")
    rows = [f for f in report["files"] if f["source"].endswith(".rar")]
    assert "not extracted again (--reimport" in rows[0]["reason"]
    assert workspace.movie_files() == {INCEPTION_SRT}
