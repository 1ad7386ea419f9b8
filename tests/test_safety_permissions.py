"""[permissions] keys: modes and a group for what the tool creates, checked when the run starts; and the
messages that name the path, the operation, the user and group, and what to change."""

from __future__ import annotations

import errno
import grp
import os
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import BB_S01E02, make_episode_release, one_error_line

from mydia_import.config import load_settings
from mydia_import.errors import ConfigError, running_as
from mydia_import.execute.permissions import Permissions, explain, from_settings


def settings(tmp_path: Path, text: str):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return load_settings(path, env={})


@pytest.mark.parametrize("written,stored", [('"0664"', "0664"), ('"664"', "0664"), ("0o2775", "2775"),
                                            ('"2775"', "2775")])
def test_modes_are_read_as_octal_text_or_toml_octal(tmp_path, written, stored):
    s = settings(tmp_path, f"[permissions]\nfile_mode = {written}\n")
    assert s.file_mode == stored
    assert from_settings(s).file_mode == int(stored, 8)


@pytest.mark.parametrize("written", ['"rw-r--r--"', '"0999"', '"12"', "true", '"77777"'])
def test_a_mode_that_is_not_octal_is_a_config_error(tmp_path, written):
    with pytest.raises(ConfigError, match='expected an octal mode such as "0664"'):
        settings(tmp_path, f"[permissions]\nfolder_mode = {written}\n")


@pytest.mark.parametrize("key", ["min_age", "lock_wait", "min_free_mb"])
def test_waits_and_margins_cannot_be_negative(tmp_path, key):
    with pytest.raises(ConfigError, match="expected a whole number, 0 or more"):
        settings(tmp_path, f"[import]\n{key} = -1\n")


def test_an_unknown_group_is_a_config_error_naming_the_key(tmp_path):
    s = settings(tmp_path, '[permissions]\ngroup = "no-such-group-here"\n')
    with pytest.raises(ConfigError, match=r"\[permissions\] group = 'no-such-group-here': there is no such group"):
        from_settings(s)


def test_the_users_own_group_is_accepted_by_name_or_number(tmp_path):
    gid = os.getegid()
    name = grp.getgrgid(gid).gr_name
    assert from_settings(settings(tmp_path, f'[permissions]\ngroup = "{name}"\n')).gid == gid
    assert from_settings(settings(tmp_path, f'[permissions]\ngroup = "{gid}"\n')).gid == gid


def test_a_group_the_user_is_not_in_is_refused_before_anything_moves(monkeypatch):
    other = next((g for g in grp.getgrall() if g.gr_gid not in (os.getegid(), *os.getgroups())), None)
    if other is None:
        pytest.skip("no group the user is not a member of")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # root may give files to any group
    with pytest.raises(ConfigError, match="is not a member of it"):
        from_settings(SimpleNamespace(group=other.gr_name))


def test_modes_and_group_apply_in_a_real_import(workspace, monkeypatch):
    ws = workspace
    monkeypatch.setenv("MYDIA_IMPORT_PERMISSIONS_FILE_MODE", "0640")
    monkeypatch.setenv("MYDIA_IMPORT_PERMISSIONS_FOLDER_MODE", "2750")
    monkeypatch.setenv("MYDIA_IMPORT_PERMISSIONS_GROUP", str(os.getegid()))
    old_umask = os.umask(0o077)  # a download client's strict umask
    try:
        make_episode_release(ws.downloads)
        ws.json("scan", "--mode", "copy")
    finally:
        os.umask(old_umask)
    file = ws.tv / BB_S01E02
    assert stat.S_IMODE(file.stat().st_mode) == 0o640
    assert stat.S_IMODE(file.parent.stat().st_mode) == 0o2750
    assert stat.S_IMODE(file.parent.parent.stat().st_mode) == 0o2750
    assert file.stat().st_gid == os.getegid()


def test_a_bad_group_stops_a_real_run_with_exit_1_and_leaves_the_dry_run_alone(workspace, monkeypatch):
    ws = workspace
    make_episode_release(ws.downloads)
    monkeypatch.setenv("MYDIA_IMPORT_PERMISSIONS_GROUP", "no-such-group-here")
    ws.json("scan", "--dry-run")
    result = ws.cli("scan")
    assert result.exit_code == 1 and "there is no such group" in one_error_line(result.stderr)
    assert ws.tv_files() == set()


# --- the messages ------------------------------------------------------------------------------------


def test_explain_names_path_operation_user_group_and_remedy(tmp_path):
    error = OSError(errno.EACCES, "Permission denied")
    reading = explain(error, path=tmp_path / "a.mkv", reading=True)
    assert f"permission denied for {running_as()} reading {tmp_path / 'a.mkv'}" in reading
    assert "give that user read permission" in reading
    writing = explain(error, path=tmp_path / "lib" / "a.mkv", reading=False)
    assert f"writing in {tmp_path}" in writing and "give that user write permission there" in writing
    read_only = explain(OSError(errno.EROFS, "Read-only file system"), path=tmp_path / "a.mkv", reading=False)
    assert f"{tmp_path} is on a read-only filesystem" in read_only and "remount it read-write" in read_only
    assert explain(OSError(errno.EIO, "I/O"), path=tmp_path, reading=False) is None
    assert "group" in running_as() and "gid" in running_as()


def test_permissions_left_unset_change_nothing(tmp_path):
    path = tmp_path / "a"
    path.write_text("x")
    os.chmod(path, 0o604)
    Permissions().apply_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o604


def test_a_library_folder_on_a_read_only_filesystem_stops_the_run_with_what_to_do(workspace, monkeypatch):
    ws = workspace
    make_episode_release(ws.downloads)
    real_statvfs = os.statvfs

    def statvfs(path):
        result = real_statvfs(path)
        if Path(path) == ws.tv:  # as if mounted read-only (a NAS share, a Docker volume with :ro)
            return os.statvfs_result((*result[:8], result.f_flag | os.ST_RDONLY, result.f_namemax))
        return result

    monkeypatch.setattr(os, "statvfs", statvfs)
    result = ws.cli("scan")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert f"library folder {ws.tv} is on a read-only filesystem" in line and "remount it read-write" in line
    assert "group" in line and ws.tv_files() == set()
