"""The re-scan fast path (mydia_import/rescan/fast_path.py): a scan stores each release whose files all
ended imported or skipped for good; a later scan that finds the release unchanged takes its
results from there, and they are the very results the normal path gives. Anything changed sends
the release through the normal path."""

from __future__ import annotations

import os

import pytest
from conftest import (
    BB_S01E02,
    INCEPTION,
    OFFICE_S02,
    make_episode_release,
    make_movie_release,
    make_pack_release,
    write_file,
    write_text,
)

from mydia_import.discover import walk
from mydia_import.rescan import fast_path

UNMATCHED = "Nobody.Knows.This.Show.S01E01.720p.HDTV.x264-LOL.mkv"


@pytest.fixture
def scanned(workspace, monkeypatch):
    """A downloads folder of imported, skipped (sample, extra, junk) and unmatched files, scanned
    once with hardlinks; `discovered` lists the releases each later scan walked the normal way."""
    ws = workspace
    movie = make_movie_release(ws.downloads)
    write_file(movie.folder / "Featurettes" / "Making of.mkv", 3 * 1024)
    make_pack_release(ws.downloads)
    make_episode_release(ws.downloads)
    write_file(ws.downloads / UNMATCHED, 20 * 1024)
    ws.json("scan", "--mode", "hardlink", code=0)
    discovered: list[str] = []
    real = walk.discover

    def recording(path, **kwargs):
        discovered.append(os.path.basename(path))
        return real(path, **kwargs)

    monkeypatch.setattr(walk, "discover", recording)
    ws.discovered = discovered
    ws.movie = movie
    return ws


def scan(ws) -> dict:
    ws.discovered.clear()
    document = ws.json("scan", "--mode", "hardlink", code=0)
    document.pop("job")
    return document


def test_a_rescan_of_settled_releases_gives_the_results_of_the_normal_path(scanned):
    ws = scanned
    fast = scan(ws)
    assert ws.discovered == [UNMATCHED]  # the only release with a file not remembered
    _forget_all(ws)
    slow = scan(ws)
    assert len(ws.discovered) == 4
    assert fast == slow
    statuses = {f["status"] for f in fast["files"]}
    assert statuses == {"already-imported", "skipped"}
    assert any("sample" in (f["reason"] or "") for f in fast["files"])
    assert any(f["kind"] == "extra" for f in fast["files"])


def test_a_rescan_that_finds_everything_as_before_records_its_counts_but_no_file_lines(scanned):
    ws = scanned
    document = ws.json("scan", "--mode", "hardlink")
    lines = ws.query("SELECT count(*) AS n FROM import_job_files WHERE job_id = ?", (document["job"],))
    assert lines[0]["n"] == 0
    [job] = ws.json("history", document["job"])["jobs"]
    assert job["summary"]["already_imported"] == document["summary"]["already_imported"]
    assert job["summary"]["unchanged_runs"] == 1


def test_a_rescan_that_finds_a_new_file_records_a_line_per_file(scanned):
    ws = scanned
    write_file(ws.downloads / "Another.Unknown.Show.S01E01.720p.HDTV.x264-LOL.mkv", 20 * 1024)
    document = ws.json("scan", "--mode", "hardlink", code=0)
    lines = ws.query("SELECT count(*) AS n FROM import_job_files WHERE job_id = ?", (document["job"],))
    assert lines[0]["n"] == len(document["files"])


def test_a_changed_file_sends_its_release_through_the_normal_path(scanned):
    ws = scanned
    before = scan(ws)
    sample = ws.movie.sample
    os.utime(sample, ns=(sample.stat().st_atime_ns, sample.stat().st_mtime_ns + 10**9))
    after = scan(ws)
    assert sorted(ws.discovered) == sorted([ws.movie.folder.name, UNMATCHED])
    assert after == before


def test_an_added_or_removed_file_sends_its_release_through_the_normal_path(scanned):
    ws = scanned
    scan(ws)
    write_text(ws.movie.folder / "notes.txt", "new\n")
    scan(ws)
    assert ws.movie.folder.name in ws.discovered
    scan(ws)
    assert ws.movie.folder.name not in ws.discovered  # remembered again
    ws.movie.sample.unlink()
    document = scan(ws)
    assert ws.movie.folder.name in ws.discovered
    assert not any(f["source"] == str(ws.movie.sample) for f in document["files"])


def test_a_library_file_deleted_is_remembered_and_imported_again_only_with_reimport(scanned):
    ws = scanned
    scan(ws)
    (ws.tv / OFFICE_S02[2]).unlink()
    document = scan(ws)
    assert any("Office" in name for name in ws.discovered)
    assert not [f for f in document["files"] if f["status"] == "imported"]
    [gone] = [f for f in document["files"] if "has since been removed" in (f["reason"] or "")]
    assert gone["status"] == "skipped" and "--reimport imports it again" in gone["reason"]
    document = ws.json("scan", "--mode", "hardlink", "--reimport")
    imported = [f for f in document["files"] if f["status"] == "imported"]
    assert [f["destination"] for f in imported] == [str(ws.tv / OFFICE_S02[2])]


def test_a_library_file_replaced_sends_its_release_through_the_normal_path(scanned):
    ws = scanned
    scan(ws)
    movie = ws.movies / INCEPTION
    movie.unlink()
    write_file(movie, 48 * 1024)  # another file at the same name (recorded from this source: the plan decides)
    scan(ws)
    assert ws.movie.folder.name in ws.discovered


def test_a_deleted_media_files_row_sends_its_release_through_the_normal_path_and_is_not_brought_back(scanned):
    ws = scanned
    scan(ws)
    _execute(ws, "DELETE FROM media_files WHERE relative_path = ?", (INCEPTION,))
    document = scan(ws)
    assert ws.movie.folder.name in ws.discovered
    assert ws.query("SELECT count(*) AS n FROM media_files WHERE relative_path = ?", (INCEPTION,))[0]["n"] == 0
    [video] = [f for f in document["files"] if f["source"] == str(ws.movie.video)]
    assert "media_files row has since been removed" in video["reason"]
    ws.json("scan", "--mode", "hardlink", "--reimport")
    assert ws.query("SELECT count(*) AS n FROM media_files WHERE relative_path = ?", (INCEPTION,))[0]["n"] == 1


DUPLICATE = "Breaking.Bad.S01E02.1080p.WEB-DL.x264-GRP"


@pytest.fixture
def conflicted(scanned):
    """A second download of Breaking Bad S01E02 (other bytes, with a subtitle), scanned once:
    a conflict with the library file the first one became, skipped while that file stays."""
    ws = scanned
    folder = ws.downloads / DUPLICATE
    ws.duplicate = write_file(folder / f"{DUPLICATE}.mkv", 40 * 1024)
    ws.duplicate_srt = write_text(folder / f"{DUPLICATE}.en.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi.\n")
    first = scan(ws)
    assert [f["status"] for f in first["files"] if f["source"] == str(ws.duplicate)] == ["skipped"]
    ws.library_file = ws.tv / BB_S01E02
    return ws


def test_a_conflict_is_recalled_while_the_file_in_the_way_stays(conflicted):
    ws = conflicted
    fast = scan(ws)
    assert DUPLICATE not in ws.discovered
    _forget_all(ws)
    assert scan(ws) == fast
    skipped = {f["source"]: f["reason"] for f in fast["files"] if f["status"] == "skipped"}
    assert "already holds a different file" in skipped[str(ws.duplicate)]
    assert "is not imported" in skipped[str(ws.duplicate_srt)]
    codes = {f["source"]: f["code"] for f in fast["files"] if f["status"] == "skipped"}
    assert (codes[str(ws.duplicate)], codes[str(ws.duplicate_srt)]) == ("destination-taken", "video-not-imported")


def test_releases_remembered_in_an_earlier_format_are_decided_again(scanned, monkeypatch):
    ws = scanned
    current = fast_path.FORMAT
    monkeypatch.setattr(fast_path, "FORMAT", current - 1)  # results stored without their codes
    scan(ws)
    monkeypatch.setattr(fast_path, "FORMAT", current)
    scan(ws)
    assert len(ws.discovered) == 4  # every release through the normal path once
    scan(ws)
    assert ws.discovered == [UNMATCHED]


def test_a_conflict_whose_library_file_changed_is_decided_again(conflicted):
    ws = conflicted
    scan(ws)
    ws.library_file.unlink()
    document = scan(ws)
    assert DUPLICATE in ws.discovered
    assert str(ws.library_file) in {f["destination"] for f in document["files"] if f["status"] == "imported"}


def test_a_conflict_is_decided_again_when_the_library_items_change(conflicted):
    ws = conflicted
    scan(ws)
    ws.ok("library", "add", "movie", "Some New Film", "--year", "2020")
    scan(ws)
    assert DUPLICATE in ws.discovered
    scan(ws)
    assert DUPLICATE not in ws.discovered  # remembered again, with the new library


def _forget_all(ws) -> None:
    _execute(ws, "DELETE FROM import_settled_releases")


def _execute(ws, sql: str, params: tuple = ()) -> None:
    import sqlite3

    conn = sqlite3.connect(ws.db)
    try:
        with conn:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(sql, params)
    finally:
        conn.close()
