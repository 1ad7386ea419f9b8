"""Files still being written are deferred by a scan and picked up by the next one; links out of the
downloads are refused; download paths that are the root or overlap the library are refused."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import EPISODE_RELEASE, INCEPTION, make_episode_release, make_movie_release, one_error_line

from mydia_import.decisions import Code
from mydia_import.discover.stability import check
from mydia_import.models import Candidate, Kind


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def waiting(workspace, monkeypatch):
    """The workspace with the default min_age of 60 s."""
    monkeypatch.setenv("MYDIA_IMPORT_IMPORT_MIN_AGE", "60")
    return workspace


def test_a_scan_defers_a_file_modified_within_min_age_and_the_next_scan_imports_it(waiting):
    ws = waiting
    episode = make_episode_release(ws.downloads)
    document = ws.json("scan")
    [f] = document["files"]
    assert f["status"] == "skipped"
    assert f["reason"].startswith("still being written: it was modified 0 s ago")
    assert f["code"] == "still-being-written"
    assert "[import] min_age" in f["reason"] and "a later scan imports it" in f["reason"]
    assert ws.tv_files() == set() and ws.count("media_files") == 0
    age(episode, 120)  # the client finished a while ago
    document = ws.json("scan")
    assert [f["status"] for f in document["files"]] == ["imported"]


def test_a_run_that_only_defers_has_nothing_to_do_and_exits_0(waiting):
    ws = waiting
    make_movie_release(ws.downloads)
    result = ws.cli("scan")
    assert result.exit_code == 0


def test_import_of_a_named_path_does_not_wait(waiting):
    ws = waiting
    episode = make_episode_release(ws.downloads)
    document = ws.json("import", str(episode))
    assert [f["status"] for f in document["files"]] == ["imported"]


def test_a_file_whose_size_changed_since_discovery_is_deferred(tmp_path):
    path = tmp_path / "a.mkv"
    path.write_bytes(b"x" * 100)
    age(path, 3600)
    candidate = Candidate(path, path, 90, Kind.VIDEO)  # discovery saw 90 bytes
    [checked] = check([candidate], [tmp_path], min_age=60)
    assert "its size changed while this run looked at it (90 then 100 bytes)" in checked.skip_reason
    assert checked.skip_code is Code.STILL_WRITTEN and not checked.skip.permanent
    assert checked.expected is False


def test_a_future_modification_time_is_deferred_too(tmp_path):
    path = tmp_path / "a.mkv"
    path.write_bytes(b"x")
    then = time.time() + 30  # a NAS whose clock runs ahead, still writing
    os.utime(path, (then, then))
    [checked] = check([Candidate(path, path, 1, Kind.VIDEO)], [tmp_path], min_age=60)
    assert "its modification time is in the future" in checked.skip_reason


def test_min_age_zero_checks_nothing(tmp_path):
    path = tmp_path / "a.mkv"
    path.write_bytes(b"x")
    candidate = Candidate(path, path, 1, Kind.VIDEO)
    assert check([candidate], [tmp_path], min_age=0) == [candidate]


# --- symlinks ---------------------------------------------------------------------------------------


def test_a_symlink_out_of_the_downloads_is_refused_in_every_mode(workspace, tmp_path):
    ws = workspace
    secret = tmp_path / "elsewhere" / "id_rsa"
    secret.parent.mkdir()
    secret.write_bytes(b"PRIVATE KEY" * 100)
    release = ws.downloads / "Inception.2010.1080p.BluRay.x264-SPARKS"
    release.mkdir()
    os.symlink(secret, release / "Inception.2010.1080p.BluRay.x264-SPARKS.mkv")
    for mode in ("copy", "move", "hardlink", "symlink"):
        document = ws.json("scan", "--mode", mode, code=4)
        [f] = document["files"]
        assert f["status"] == "skipped"
        assert f"a symlink to {secret}, outside the download folder {ws.downloads}" in f["reason"]
        assert f["code"] == "link-outside"
    assert secret.read_bytes() == b"PRIVATE KEY" * 100
    assert ws.movie_files() == set()


def test_a_symlink_inside_the_downloads_is_followed(workspace):
    ws = workspace
    movie = make_movie_release(ws.downloads, subtitle=False)
    real = ws.downloads / "store" / "film.bin"
    real.parent.mkdir()
    movie.video.rename(real)
    os.symlink(real, movie.video)
    document = ws.json("scan")  # the link stays inside the downloads folder scanned
    assert [f["status"] for f in document["files"] if f["kind"] == "video"] == ["imported", "skipped"]
    assert (ws.movies / INCEPTION).read_bytes() == real.read_bytes()


def test_a_download_path_that_is_itself_a_link_may_point_anywhere(workspace, tmp_path):
    ws = workspace
    elsewhere = make_episode_release(tmp_path / "other")
    link = ws.downloads / EPISODE_RELEASE
    os.symlink(elsewhere, link)
    document = ws.json("import", str(link))
    assert [f["status"] for f in document["files"]] == ["imported"]  # the user named it


# --- download paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["root", "library", "movies", "parent of the library", "inside"])
def test_download_paths_that_would_touch_the_library_or_the_whole_disk_are_refused(workspace, which):
    ws = workspace
    path = {"root": Path("/"), "library": ws.library, "movies": ws.movies,
            "parent of the library": ws.root, "inside": ws.movies / "x"}[which]
    path.mkdir(exist_ok=True)
    before = ws.movie_files()
    for command in ("scan", "import"):
        result = ws.cli(command, str(path))
        assert result.exit_code == 2, result.stdout
        line = one_error_line(result.stderr)
        assert "refusing to import the filesystem root" in line or "overlaps the library folder" in line
    assert ws.movie_files() == before


def test_a_link_to_the_library_as_download_path_is_refused(workspace, tmp_path):
    ws = workspace
    link = tmp_path / "sneaky"
    os.symlink(ws.movies, link)
    result = ws.cli("scan", str(link))
    assert result.exit_code == 2 and "overlaps the library folder" in one_error_line(result.stderr)
