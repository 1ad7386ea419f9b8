"""Small truths the user sees: copies keep the source's times, a dry run says what the real run
will do with a hardlink across filesystems, permission errors name the path that lacks the
permission, and output that is not a terminal gets one plain line per file."""

from __future__ import annotations

import errno
import json
import os

import pytest
from conftest import BB_S01E02, KIB, make_episode_release, make_pack_release, write_file

OLD_TIMES = (1_500_000_000_000_000_000, 1_400_000_000_123_456_789)  # (atime, mtime) in ns


# --- copies keep the source's times -----------------------------------------------------------------


@pytest.mark.parametrize("verify", ["size", "hash"])
def test_a_copied_library_file_has_the_modification_time_of_its_download(workspace, verify):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    os.utime(episode, ns=OLD_TIMES)
    ws.json("scan", "--mode", "copy", "--verify", verify)
    st = (ws.tv / BB_S01E02).stat()
    assert st.st_mtime_ns == OLD_TIMES[1]
    assert st.st_atime_ns == OLD_TIMES[0]  # the hash read-back comes before the times are set


def test_keep_mtime_false_leaves_the_copy_its_own_time(workspace, monkeypatch):
    ws = workspace
    monkeypatch.setenv("MYDIA_IMPORT_IMPORT_KEEP_MTIME", "false")
    episode = make_episode_release(ws.downloads)
    os.utime(episode, ns=OLD_TIMES)
    ws.json("scan", "--mode", "copy")
    assert (ws.tv / BB_S01E02).stat().st_mtime_ns != OLD_TIMES[1]


# --- the dry run predicts a hardlink across filesystems ----------------------------------------------


def test_a_dry_run_hardlink_across_filesystems_says_what_the_real_run_does(workspace, other_filesystem):
    ws = workspace
    pack = make_pack_release(other_filesystem)
    dry = ws.cli("--json", "import", str(pack.folder), "--mode", "hardlink", "--dry-run")
    real = ws.cli("--json", "import", str(pack.folder), "--mode", "hardlink")
    assert dry.exit_code == real.exit_code == 4, dry.stdout + real.stdout
    planned, done = json.loads(dry.stdout)["files"], json.loads(real.stdout)["files"]
    assert [(f["source"], f["status"], f["reason"]) for f in planned] == [
        (f["source"], f["status"], f["reason"]) for f in done]
    episode = next(f for f in planned if f["source"] == str(pack.episodes[1]))
    assert episode["status"] == "failed" and episode["action"] == "none"
    assert episode["reason"] == (f"hardlink impossible: {pack.episodes[1]} and {ws.tv} are on different "
                                 "filesystems; use --mode copy or auto, or keep downloads and library on one "
                                 "filesystem")
    assert episode["code"] == "hardlink-impossible"
    assert list(ws.tv.iterdir()) == []  # no folder made for a link that cannot be


def test_auto_across_filesystems_is_still_planned_as_a_copy(workspace, other_filesystem):
    episode = make_episode_release(other_filesystem)
    (f,) = workspace.json("import", str(episode), "--dry-run")["files"]
    assert f["status"] == "planned" and f["action"] in ("copy", "reflink")


# --- permission errors name the path that lacks the permission ---------------------------------------


@pytest.mark.parametrize("mode", ["hardlink", "copy", "move", "symlink"])
def test_an_unwritable_season_folder_is_named_in_every_mode(workspace, monkeypatch, mode):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    season = (ws.tv / BB_S01E02).parent
    season.mkdir(parents=True)
    os.chmod(season, 0o555)
    # Tests run as root, whom the mode does not stop: the calls fail as the kernel fails them for
    # another user, naming the source first and the new name second.
    for name in ("link", "symlink"):
        real = getattr(os, name)

        def denied(a, b, *args, real=real, **kwargs):
            if os.path.dirname(b) == str(season):
                raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(a), None, str(b))
            return real(a, b, *args, **kwargs)

        monkeypatch.setattr(os, name, denied)
    real_open = os.open

    def open_denied(path, flags, *args, **kwargs):
        if os.path.dirname(path) == str(season) and flags & os.O_CREAT:
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_denied)
    (f,) = ws.json("scan", "--mode", mode, code=4)["files"]
    assert f"writing in {season}" in f["reason"], f["reason"]
    assert "reading" not in f["reason"]
    assert episode.is_file() and list(season.iterdir()) == []


# --- out of a terminal: one plain line a file ------------------------------------------------------


def test_skipped_files_are_one_plain_line_each_when_stdout_is_a_pipe(workspace):
    ws = workspace
    unknown = write_file(ws.downloads / ("Some.Show.Nobody.Has.Heard.Of.With.A.Long.Name." * 2 + "S01E01.mkv"),
                         8 * KIB)
    make_episode_release(ws.downloads)
    result = ws.process("scan", "--mode", "copy", env={"COLUMNS": "80"})  # cron: a pipe, 80 columns
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "\x1b" not in result.stdout and "│" not in result.stdout
    (line,) = [line for line in lines if "Nobody" in line]
    assert line.startswith(f"skipped: {unknown}: ") and len(line) > 80
    assert lines[-1].startswith("1 imported, 1 skipped (job ")


def test_a_dry_run_plan_is_one_plain_line_a_file_in_a_pipe(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    result = ws.process("scan", "--dry-run", "--mode", "copy", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Plan (dry run: nothing was changed)",
        f"planned (copy): {episode} -> {ws.tv / BB_S01E02}",
        "1 planned",
    ]
