"""execute/tidy.py: a transfer that does not stay takes the library folders it made with it (a failed,
interrupted, undone or rolled-back one), and `--mode move` removes the release folder it emptied
when only junk is left, never one that holds anything else, never the downloads folder."""

from __future__ import annotations

import os
import shutil
import signal
from collections import namedtuple
from pathlib import Path

import pytest
from conftest import (
    BB_S01E02,
    KIB,
    MOVIE_RELEASE,
    OFFICE_S02,
    make_episode_release,
    make_movie_release,
    make_pack_release,
    write_file,
    write_text,
)

from mydia_import.errors import LibraryError
from mydia_import.execute import placing
from mydia_import.execute.faults import VARIABLE
from mydia_import.execute.tidy import (
    DEFAULT_JUNK_EXTENSIONS,
    junk_extensions,
    missing_top,
    remove_emptied_release,
    remove_empty_folders,
)

ROOT = Path("/library/TV")
SEASON = ROOT / "Show (2008)" / "Season 01"
JUNK = junk_extensions(DEFAULT_JUNK_EXTENSIONS)


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


# --- the library folders a transfer made -------------------------------------------------------


def test_missing_top_is_the_highest_folder_a_transfer_will_create(fs):
    fs.create_dir(ROOT)
    assert missing_top(SEASON, ROOT) == ROOT / "Show (2008)"
    fs.create_dir(ROOT / "Show (2008)")
    assert missing_top(SEASON, ROOT) == SEASON
    fs.create_dir(SEASON)
    assert missing_top(SEASON, ROOT) is None


def test_empty_folders_go_up_to_the_top_given_never_the_root_nor_a_folder_holding_anything(fs):
    fs.create_dir(SEASON)
    remove_empty_folders(SEASON, ROOT, top=SEASON)
    assert folders(ROOT) == {"Show (2008)"}  # above top: not made by this transfer, stays
    fs.create_dir(SEASON)
    remove_empty_folders(SEASON, ROOT)
    assert folders(ROOT) == set() and ROOT.is_dir()  # the library folder itself stays, empty
    fs.create_file(ROOT / "Show (2008)" / "poster.jpg")
    fs.create_dir(SEASON)
    remove_empty_folders(SEASON, ROOT)
    assert folders(ROOT) == {"Show (2008)"} and (ROOT / "Show (2008)" / "poster.jpg").exists()


def test_a_folder_never_made_is_passed_over_on_the_way_up(fs):
    fs.create_dir(ROOT / "Show (2008)")  # the transfer failed creating Season 01
    remove_empty_folders(SEASON, ROOT, top=ROOT / "Show (2008)")
    assert folders(ROOT) == set()


def test_nothing_outside_the_root_is_touched(fs):
    fs.create_dir("/elsewhere/empty")
    remove_empty_folders(Path("/elsewhere/empty"), ROOT)
    assert Path("/elsewhere/empty").is_dir()


# --- release folders a move emptied --------------------------------------------------------------

RELEASE = Path("/downloads/Movie.2010.1080p-GRP")


def test_a_release_holding_only_an_nfo_and_a_sample_is_removed(fs):
    fs.create_file(RELEASE / "movie.nfo")
    fs.create_file(RELEASE / "Sample" / "movie-sample.mkv")
    fs.create_file(RELEASE / "Thumbs.db")
    assert remove_emptied_release(RELEASE, JUNK, keep=[Path("/downloads")])
    assert not RELEASE.exists() and Path("/downloads").is_dir()


def test_a_nas_thumbnail_folder_counts_as_junk_whatever_it_holds(fs):
    fs.create_file(RELEASE / "movie.nfo")
    fs.create_file(RELEASE / "@eaDir" / "movie.mkv@SynoEAStream")
    fs.create_file(RELEASE / "@eaDir" / "SYNOINDEX_MEDIA_INFO")
    assert remove_emptied_release(RELEASE, JUNK, keep=[])
    assert not RELEASE.exists()


@pytest.mark.parametrize("other", ["Setup.exe", "movie.en.srt", "movie.mkv", "movie.mkv.!qB", ".hidden"])
def test_a_release_holding_anything_else_is_left_exactly_as_it_is(fs, other):
    fs.create_file(RELEASE / "movie.nfo")
    fs.create_file(RELEASE / "Sample" / "movie-sample.mkv")
    fs.create_file(RELEASE / "Sub" / other)
    assert not remove_emptied_release(RELEASE, JUNK, keep=[])
    assert (RELEASE / "movie.nfo").exists() and (RELEASE / "Sample" / "movie-sample.mkv").exists()
    assert (RELEASE / "Sub" / other).exists()


def test_a_symlink_in_a_release_keeps_it(fs):
    fs.create_file(RELEASE / "movie.nfo")
    fs.create_symlink(RELEASE / "link.txt", "/elsewhere/file.txt")
    assert not remove_emptied_release(RELEASE, JUNK, keep=[])
    assert (RELEASE / "movie.nfo").exists()


def test_the_downloads_folder_and_folders_above_it_are_never_removed(fs):
    fs.create_file("/downloads/info.nfo")
    assert not remove_emptied_release(Path("/downloads"), JUNK, keep=[Path("/downloads")])
    assert not remove_emptied_release(Path("/"), JUNK, keep=[Path("/downloads")])
    assert Path("/downloads/info.nfo").exists()


def test_junk_extensions_are_read_with_or_without_a_dot_in_any_case():
    assert junk_extensions(["NFO", ".Txt", " .jpg ", "", "."]) == {".nfo", ".txt", ".jpg"}


# --- end to end ----------------------------------------------------------------------------------

Usage = namedtuple("Usage", "total used free")


def test_a_run_that_fails_on_a_full_disk_leaves_no_empty_folder(workspace, monkeypatch):
    ws = workspace
    make_pack_release(ws.downloads)
    make_episode_release(ws.downloads)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**9, 10**9, 0))
    document = ws.json("scan", "--mode", "copy", code=4)
    assert {f["status"] for f in document["files"] if f["kind"] == "video" and "sample" not in f["source"]} == {
        "failed"}
    assert folders(ws.tv) == set() and ws.tv.is_dir()


def test_a_failed_file_keeps_a_folder_another_file_of_the_run_is_in(workspace, monkeypatch):
    ws = workspace
    pack = make_pack_release(ws.downloads)
    real = shutil.disk_usage
    full = {"calls": 0}

    def usage(path):  # the disk fills up after the first episode
        full["calls"] += 1
        return real(path) if full["calls"] == 1 else Usage(10**9, 10**9, 0)

    monkeypatch.setattr(shutil, "disk_usage", usage)
    ws.json("import", str(pack.folder), "--mode", "copy", code=3)
    assert ws.tv_files() == {OFFICE_S02[1]}
    assert folders(ws.tv) == {"The Office (2005)", "The Office (2005)/Season 02"}


def test_a_file_that_cannot_be_recorded_is_taken_back_with_its_folders(workspace, monkeypatch):
    ws = workspace
    make_episode_release(ws.downloads)

    def broken(*args, **kwargs):
        raise LibraryError("disk I/O error")

    monkeypatch.setattr(placing, "_record", broken)
    document = ws.json("scan", "--mode", "copy", code=4)
    assert "the import was undone" in document["files"][0]["reason"]
    assert folders(ws.tv) == set()


def test_undo_removes_the_folders_it_emptied_but_not_a_folder_that_was_there(workspace):
    ws = workspace
    make_movie_release(ws.downloads)
    make_pack_release(ws.downloads)
    (ws.tv / "The Office (2005)").mkdir()  # made by the user, before the import
    job = ws.json("scan", "--mode", "copy")["job"]
    ws.ok("undo", job)
    assert folders(ws.movies) == set()
    assert folders(ws.tv) == {"The Office (2005)"}


def test_an_interrupted_transfer_rolled_back_by_the_next_run_takes_its_folders(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    killed = ws.process("import", str(episode), "--mode", "copy", env={VARIABLE: "copied"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert folders(ws.tv) == {"Breaking Bad (2008)", "Breaking Bad (2008)/Season 01"}
    episode.unlink()  # the download is gone: the next run only recovers
    other = make_movie_release(ws.downloads)
    result = ws.process("import", str(other.folder), "--mode", "copy")
    assert result.returncode == 0, result.stderr
    assert folders(ws.tv) == set()


# --- end to end: --mode move and the release folders ------------------------------------------------


def test_a_move_removes_the_release_folder_holding_only_an_nfo_and_a_sample(workspace):
    ws = workspace
    folder = ws.downloads / MOVIE_RELEASE
    write_file(folder / f"{MOVIE_RELEASE}.mkv", 48 * KIB)
    write_text(folder / f"{MOVIE_RELEASE}.nfo", "release notes\n")
    write_file(folder / "Sample" / f"{MOVIE_RELEASE}-sample.mkv", 2 * KIB)
    kept = make_pack_release(ws.downloads)  # holds a Setup.exe: not the tool's to delete
    document = ws.json("scan", "--mode", "move")
    assert document["summary"]["imported"] == 4
    assert not folder.exists()
    assert kept.folder.is_dir() and (kept.folder / "Setup.exe").exists() and kept.sample.exists()
    assert ws.downloads.is_dir()


def test_a_move_of_a_release_named_on_the_command_line_removes_it_and_undo_brings_its_files_back(workspace):
    ws = workspace
    folder = ws.downloads / MOVIE_RELEASE
    video = write_file(folder / f"{MOVIE_RELEASE}.mkv", 48 * KIB)
    write_text(folder / "RARBG.txt", "visit\n")
    job = ws.json("import", str(folder), "--mode", "move")["job"]
    assert not folder.exists()
    ws.ok("undo", job)
    assert video.is_file()  # back where it was found, its folder made again


def test_remove_emptied_folders_false_keeps_the_release_folder(workspace, monkeypatch):
    ws = workspace
    monkeypatch.setenv("MYDIA_IMPORT_DOWNLOADS_REMOVE_EMPTIED_FOLDERS", "false")
    folder = ws.downloads / MOVIE_RELEASE
    write_file(folder / f"{MOVIE_RELEASE}.mkv", 48 * KIB)
    write_text(folder / "RARBG.txt", "visit\n")
    ws.json("scan", "--mode", "move")
    assert sorted(os.listdir(folder)) == ["RARBG.txt"]


def test_a_copy_never_removes_a_release_folder(workspace):
    ws = workspace
    folder = ws.downloads / MOVIE_RELEASE
    write_file(folder / f"{MOVIE_RELEASE}.mkv", 48 * KIB)
    write_text(folder / "RARBG.txt", "visit\n")
    episode = make_episode_release(ws.downloads)
    ws.json("scan", "--mode", "copy")
    assert sorted(os.listdir(folder)) == [f"{MOVIE_RELEASE}.mkv", "RARBG.txt"]
    assert episode.exists() and (ws.tv / BB_S01E02).exists()
