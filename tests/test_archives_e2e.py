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
from conftest import INCEPTION, INCEPTION_SRT, MOVIE_RELEASE, OFFICE_S02, PACK_RELEASE, Workspace, snapshot
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
    assert '"import_transfer_mode": "move"' in row["metadata"]


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
@pytest.mark.skipif(shutil.which("7zz") is None and shutil.which("7z") is None,
                    reason="needs 7zz (apt-get install 7zip)")
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
    assert rows[0]["code"] == "archive"
    assert leftovers(workspace) == []
    (workspace.movies / INCEPTION).unlink()
    report = workspace.json("scan")
    rows = [f for f in report["files"] if f["source"].endswith(".rar")]
    assert "not extracted again (--reimport" in rows[0]["reason"]
    assert rows[0]["code"] == "handled-before"
    assert workspace.movie_files() == {INCEPTION_SRT}


def skipped_set(ws: Workspace, code: int = 4) -> dict:
    report = ws.json("scan", code=code)
    rows = [f for f in report["files"] if f["source"].endswith(".rar")]
    assert len(rows) == 1, report
    assert leftovers(ws) == []
    assert ws.movie_files() == set()
    return rows[0]


@needs_unar
def test_a_set_missing_a_volume_is_skipped_naming_it(workspace):
    folder = rar_release(workspace)
    (folder / f"{MOVIE_RELEASE.lower()}.part2.rar").unlink()
    row = skipped_set(workspace)
    assert row["status"] == "skipped"
    assert f"volume {MOVIE_RELEASE.lower()}.part2.rar is missing" in row["reason"]
    assert row["code"] == "archive"


@needs_unar
@pytest.mark.parametrize("version", [4, 5])
def test_a_corrupt_volume_fails_the_crc_check_and_leaves_nothing(workspace, version):
    folder = rar_release(workspace, version=version)
    second = sorted(folder.glob("*.part2.rar"))[0]
    data = bytearray(second.read_bytes())
    data[5000] ^= 0xFF  # in the stored data, past the headers
    second.write_bytes(bytes(data))
    before = snapshot(workspace.downloads)
    row = skipped_set(workspace)
    assert row["status"] == "failed"
    assert "fails its CRC check" in row["reason"] or "could not extract" in row["reason"]
    assert snapshot(workspace.downloads) == before


@needs_unar
def test_an_sfv_mismatch_skips_the_set_naming_the_volume(workspace):
    folder = rar_release(workspace)
    first = f"{MOVIE_RELEASE.lower()}.part1.rar"
    (folder / f"{MOVIE_RELEASE}.sfv").write_text(f"; made by a test\n{first} DEADBEEF\n")
    row = skipped_set(workspace)
    assert f"SFV check: {first} fails its CRC check" in row["reason"]


@needs_unar
def test_a_matching_sfv_lets_the_set_through(workspace):
    import zlib

    folder = rar_release(workspace)
    lines = [f"{v.name} {zlib.crc32(v.read_bytes()):08X}" for v in sorted(folder.glob("*.rar"))]
    (folder / f"{MOVIE_RELEASE}.sfv").write_text("\n".join(lines) + "\n")
    workspace.ok("scan")
    assert workspace.movie_files() == {INCEPTION, INCEPTION_SRT}


@needs_unar
@pytest.mark.parametrize("version", [4, 5])
def test_a_passworded_set_is_skipped_with_that_reason(workspace, version):
    rar_release(workspace, version=version, encrypted=True)
    row = skipped_set(workspace)
    assert "password-protected" in row["reason"]


@needs_unar
def test_a_member_named_to_climb_out_is_refused(workspace):
    rar_release(workspace, files={"../../x.mkv": MOVIE})
    row = skipped_set(workspace)
    assert "'../../x.mkv'" in row["reason"] and "outside" in row["reason"]
    assert not (workspace.root / "x.mkv").exists() and not (workspace.downloads / "x.mkv").exists()


@needs_unar
def test_a_set_holding_a_season_pack_imports_every_episode(workspace):
    folder = workspace.downloads / PACK_RELEASE
    folder.mkdir()
    episodes = {f"The.Office.US.S02E{n:02d}.720p.WEB-DL.DD5.1.H.264-NTb.mkv": os.urandom(40_000 + n) for n in (1, 2, 3)}
    write_rar(folder, PACK_RELEASE, episodes, volume_size=50_000)
    workspace.ok("scan")
    assert workspace.tv_files() == set(OFFICE_S02.values())
    assert leftovers(workspace) == []


@needs_unar
def test_a_sample_beside_the_movie_in_a_set_stays_out(workspace):
    rar_release(workspace, files={f"{MOVIE_RELEASE}.mkv": MOVIE, f"Sample/{MOVIE_RELEASE}-sample.mkv": MOVIE[:5000]})
    report = workspace.json("scan")
    assert workspace.movie_files() == {INCEPTION}
    sample = [f for f in report["files"] if f["source"].endswith("-sample.mkv")]
    assert sample and sample[0]["status"] == "skipped" and "sample" in sample[0]["reason"]
    assert leftovers(workspace) == []


@needs_unar
@pytest.mark.parametrize("point", ["extracting", "journaled"])
def test_a_run_killed_while_extracting_leaves_nothing_after_the_next_run(workspace, point):
    rar_release(workspace)
    before = snapshot(workspace.downloads)
    killed = workspace.process("scan", env={"MYDIA_IMPORT_TEST_CRASH": point})
    assert killed.returncode == -9, killed.stderr
    workspace.ok("scan")
    assert_imported(workspace, before)
    assert workspace.count("import_extractions") == 1


def test_a_zip_killed_mid_extraction_leaves_nothing_after_the_next_run(workspace):
    folder = workspace.downloads / MOVIE_RELEASE
    folder.mkdir()
    with zipfile.ZipFile(folder / f"{MOVIE_RELEASE}.zip", "w") as z:
        z.writestr(f"{MOVIE_RELEASE}.mkv", MOVIE * 8)
    killed = workspace.process("scan", env={"MYDIA_IMPORT_TEST_CRASH": "extract-chunk:2"})
    assert killed.returncode == -9, killed.stderr
    assert any(".mydia-extract" in p.parts for p in workspace.downloads.rglob("*"))  # killed half way
    workspace.ok("scan")
    assert workspace.movie_files() == {INCEPTION}
    assert leftovers(workspace) == []


@needs_unar
def test_a_disk_too_small_for_the_extraction_skips_the_set(workspace, monkeypatch):
    import shutil as shutil_module
    from collections import namedtuple

    rar_release(workspace)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil_module, "disk_usage", lambda path: usage(10**9, 10**9 - 1000, 1000))
    row = skipped_set(workspace)
    assert "not enough free space to extract it" in row["reason"]


@needs_unar
def test_a_dry_run_shows_a_set_as_one_planned_item_with_what_it_holds(workspace):
    rar_release(workspace)
    report = workspace.json("scan", "--dry-run")
    assert [(f["status"], Path(f["source"]).name) for f in report["files"]] == [
        ("planned", f"{MOVIE_RELEASE.lower()}.part1.rar")]
    reason = report["files"][0]["reason"]
    assert f"{MOVIE_RELEASE}.mkv (300 kB)" in reason and "RAR, 4 volumes" in reason
    assert leftovers(workspace) == []


def test_without_unar_a_rar_set_is_reported_naming_the_package(workspace, monkeypatch):
    from mydia_import.archives import unar

    monkeypatch.setattr(unar, "available", lambda: False)
    rar_release(workspace)
    row = skipped_set(workspace)
    assert "install the package unar" in row["reason"]


@needs_unar
def test_the_qbittorrent_hook_extracts_and_imports_a_rar_release(workspace):
    folder = rar_release(workspace, version=4, new_names=False)
    before = snapshot(workspace.downloads)
    workspace.ok("hook", "qbittorrent", "--content-path", str(folder), "--name", MOVIE_RELEASE,
                 "--root-path", str(folder), "--save-path", str(workspace.downloads), "--hash", "ab" * 20)
    assert_imported(workspace, before)


@needs_unar
def test_a_scan_of_several_rar_releases_imports_them_all_with_no_leftovers(workspace):
    rar_release(workspace, version=5)
    folder = workspace.downloads / PACK_RELEASE
    folder.mkdir()
    episodes = {f"The.Office.US.S02E{n:02d}.720p.WEB-DL.DD5.1.H.264-NTb.mkv": os.urandom(40_000 + n) for n in (1, 2, 3)}
    write_rar(folder, PACK_RELEASE, episodes, version=4, volume_size=30_000, new_names=False)
    before = snapshot(workspace.downloads)
    workspace.ok("scan")
    assert workspace.movie_files() == {INCEPTION, INCEPTION_SRT}
    assert workspace.tv_files() == set(OFFICE_S02.values())
    assert snapshot(workspace.downloads) == before and leftovers(workspace) == []


def test_a_work_folder_that_cannot_be_made_fails_the_set_in_one_line(workspace):
    folder = workspace.downloads / MOVIE_RELEASE
    folder.mkdir()
    with zipfile.ZipFile(folder / f"{MOVIE_RELEASE}.zip", "w") as z:
        z.writestr(f"{MOVIE_RELEASE}.mkv", MOVIE)
    blocker = workspace.root / "not-a-folder"
    blocker.write_text("a file where the work folder would go\n")
    workspace.config.write_text(workspace.config.read_text() + f'\n[archives]\nwork_folder = "{blocker}"\n')
    report = workspace.json("scan", code=4)
    [row] = report["files"]
    assert row["status"] == "failed" and "failed:" in row["reason"] and "the archives are untouched" in row["reason"]
    assert workspace.movie_files() == set() and blocker.read_text().startswith("a file")


@needs_unar
def test_a_dry_run_line_for_a_set_says_what_it_holds(workspace):
    rar_release(workspace)
    out = workspace.ok("scan", "--dry-run").stdout
    assert "part1.rar: an archive set (RAR, 4 volumes) holding" in out and "-> None" not in out
