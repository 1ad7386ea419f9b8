"""Archive sets a scan need not read again, and what `identify` and the imported lines say of
them: a set holding a title the library lacks is not extracted (its members are identified from
the headers), a bad set is remembered while its volumes are unchanged, `identify` of a release
folder shows each set with what it holds, and an imported file names its archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import INCEPTION, INCEPTION_SRT, MOVIE_RELEASE, Workspace
from rarwriter import write_rar
from test_archives_e2e import MOVIE, SUBTITLE, leftovers, needs_unar, rar_release

from mydia_import.archives import extract, listing, sfv

UNKNOWN = "Unknown.Film.1999.1080p.BluRay.x264-GRP"


def unknown_release(ws: Workspace) -> Path:
    folder = ws.downloads / UNKNOWN
    folder.mkdir(parents=True)
    write_rar(folder, UNKNOWN.lower(), {f"{UNKNOWN}.mkv": MOVIE}, version=5, volume_size=100_000, new_names=True)
    return folder


def set_rows(report: dict) -> list[dict]:
    return [f for f in report["files"] if f["source"].endswith(".rar")]


class Reads:
    """Counts what reads a set: its .sfv check, its headers, its extraction."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.counts = {"sfv": 0, "headers": 0, "extract": 0}
        for module, name, key in ((sfv, "check", "sfv"), (listing, "members", "headers"),
                                  (extract, "extract", "extract")):
            monkeypatch.setattr(module, name, self._counting(getattr(module, name), key))

    def _counting(self, function, key):
        def counted(*args, **kwargs):
            self.counts[key] += 1
            return function(*args, **kwargs)
        return counted


@needs_unar
def test_a_set_holding_a_title_not_in_the_library_is_skipped_from_its_headers_without_extracting(
        workspace, monkeypatch):
    unknown_release(workspace)
    reads = Reads(monkeypatch)
    [row] = set_rows(workspace.json("scan", code=4))
    assert row["status"] == "skipped"
    assert f"nothing it holds is in the library: {UNKNOWN}.mkv" in row["reason"]
    assert reads.counts == {"sfv": 1, "headers": 1, "extract": 0}
    assert leftovers(workspace) == [] and not (workspace.downloads / ".mydia-extract").exists()


@needs_unar
def test_a_rescan_of_an_unwanted_set_reads_nothing_until_the_library_has_its_title(workspace, monkeypatch):
    unknown_release(workspace)
    workspace.json("scan", code=4)
    reads = Reads(monkeypatch)
    [row] = set_rows(workspace.json("scan", code=4))
    assert "nothing it holds is in the library" in row["reason"] and "volumes are unchanged since" in row["reason"]
    assert reads.counts == {"sfv": 0, "headers": 0, "extract": 0}
    workspace.ok("library", "add", "movie", "Unknown Film", "--year", "1999")
    assert set_rows(workspace.json("scan")) == []  # in its place, the files it held
    assert any(p.name.startswith("Unknown Film (1999)") for p in workspace.movies.rglob("*.mkv"))
    assert reads.counts["extract"] == 1 and leftovers(workspace) == []


@needs_unar
def test_an_unchanged_set_failing_its_sfv_is_not_read_again_and_a_changed_one_is(workspace, monkeypatch):
    folder = rar_release(workspace)
    first = f"{MOVIE_RELEASE.lower()}.part1.rar"
    (folder / f"{MOVIE_RELEASE}.sfv").write_text(f"{first} DEADBEEF\n")
    workspace.json("scan", code=4)
    reads = Reads(monkeypatch)
    [row] = set_rows(workspace.json("scan", code=4))
    assert "fails its CRC check" in row["reason"] and "not read again" in row["reason"]
    assert reads.counts == {"sfv": 0, "headers": 0, "extract": 0}
    (folder / f"{MOVIE_RELEASE}.sfv").unlink()
    (folder / first).touch()  # the client rechecked the volume: a new fingerprint
    workspace.ok("scan")
    assert workspace.movie_files() == {INCEPTION, INCEPTION_SRT}


@needs_unar
def test_a_set_that_fails_its_crc_is_remembered_and_reimport_reads_it_again(workspace, monkeypatch):
    folder = rar_release(workspace, volume_size=None)
    [volume] = folder.glob("*.rar")
    data = bytearray(volume.read_bytes())
    data[len(data) // 2] ^= 0xFF
    volume.write_bytes(bytes(data))
    assert set_rows(workspace.json("scan", code=4))[0]["status"] == "failed"
    reads = Reads(monkeypatch)
    [row] = set_rows(workspace.json("scan", code=4))
    assert row["status"] == "skipped" and "not read again" in row["reason"]
    assert reads.counts["extract"] == 0
    workspace.json("scan", "--reimport", code=4)
    assert reads.counts["extract"] == 1 and leftovers(workspace) == []


@needs_unar
def test_the_imported_line_names_the_archive_and_member_not_the_work_folder(workspace):
    rar_release(workspace)
    lines = workspace.ok("scan").stderr  # one line per file when not in a terminal
    line = next(x for x in lines.splitlines() if x.startswith("imported (move):") and x.endswith(".mkv"))
    assert f"{MOVIE_RELEASE}/{MOVIE_RELEASE.lower()}.part1.rar \u25b8 {MOVIE_RELEASE}.mkv -> " in line
    assert line.endswith(str(workspace.movies / INCEPTION)) and ".mydia-extract" not in lines


@needs_unar
def test_the_json_of_an_extracted_file_names_its_archive(workspace):
    rar_release(workspace)
    files = workspace.json("scan")["files"]
    video = next(f for f in files if f["kind"] == "video")
    first = workspace.downloads / MOVIE_RELEASE / f"{MOVIE_RELEASE.lower()}.part1.rar"
    assert video["archive"] == {"volume": str(first), "member": f"{MOVIE_RELEASE}.mkv"}


@needs_unar
def test_identify_of_a_release_folder_shows_each_set_with_what_it_holds_from_its_headers(workspace):
    folder = rar_release(workspace)
    [entry] = workspace.json("identify", str(folder))["names"]
    [archive] = entry["archives"]
    assert archive["format"] == "rar" and archive["volumes"] == 4 and archive["problem"] is None
    video, subtitle = archive["members"]
    assert (video["name"], video["size"], video["kind"]) == (f"{MOVIE_RELEASE}.mkv", len(MOVIE), "video")
    assert video["media_item"]["title"] == "Inception" and video["reason"] is None
    assert subtitle["name"].endswith(".en.srt") and subtitle["size"] == len(SUBTITLE)
    assert leftovers(workspace) == []
    out = workspace.ok("identify", str(folder)).stdout
    assert "archive set (RAR, 4 volumes)" in out and f"\u25b8 {MOVIE_RELEASE}.mkv" in out


def test_identify_of_a_plain_name_has_no_archives_key(workspace):
    [entry] = workspace.json("identify", "Inception.2010.1080p.BluRay.x264-SPARKS")["names"]
    assert "archives" not in entry
    assert json.dumps(entry)


@needs_unar
def test_a_set_holding_an_episode_the_library_lacks_of_a_known_show_is_still_extracted(workspace, monkeypatch):
    name = "Breaking.Bad.S01E09.720p.HDTV.x264-CTU"
    folder = workspace.downloads / name
    folder.mkdir(parents=True)
    write_rar(folder, name.lower(), {f"{name}.mkv": MOVIE}, version=5, volume_size=None, new_names=True)
    reads = Reads(monkeypatch)
    report = workspace.json("scan", code=4)
    assert reads.counts["extract"] == 1  # the pipeline decides (a refresh could add the episode)
    [video] = [f for f in report["files"] if f["kind"] == "video"]
    assert "has no S01E09" in video["reason"] and video["archive"]["member"] == f"{name}.mkv"
    assert leftovers(workspace) == []
