"""Fault injection on transfer.place: an error at each step (open, write, fsync, rename, unlink) and
each errno a library meets (ENOSPC, EACCES, EXDEV, EROFS) leaves the source intact, nothing partial at
the destination or at the temporary name, and a displaced (upgraded) file back in place. pyfakefs;
the verify=hash read-back runs on a real folder."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest
from pyfakefs.fake_filesystem import set_uid

from mydia_import.errors import TransferError, running_as
from mydia_import.execute import transfer as transfer_module
from mydia_import.execute.permissions import Permissions
from mydia_import.execute.recycle import Mover
from mydia_import.execute.transfer import place
from mydia_import.models import Action, TransferMode, Verify

DATA = b"0123456789abcdef" * 4096  # 64 KiB
OLD = b"the old, worse file"
SRC = Path("/downloads/Movie.2020.1080p/movie.mkv")
DEST = Path("/library/Movies/Movie (2020)/Movie (2020).mkv")
TEMP = Path("/library/Movies/Movie (2020)/.Movie (2020).mkv.test.mydia-part")
RECYCLED = Path("/library/Movies/.mydia-recycle/Movie (2020)/Movie (2020).mkv")


class Recycler:
    """recycle.Mover (the displacer of upgrades), recording what it was asked to do."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.mover = Mover(DEST, RECYCLED)

    def displace(self) -> None:
        self.calls.append("displace")
        self.mover.displace()
        assert DEST.read_bytes() == OLD and RECYCLED.read_bytes() == OLD  # a second name, not a move

    def restore(self) -> None:
        self.calls.append("restore")
        self.mover.restore()


@pytest.fixture
def src(fs) -> Path:
    fs.create_file(SRC, contents=DATA)
    return SRC


@pytest.fixture
def across(fs) -> None:
    fs.add_mount_point("/library")


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".mydia-part")) if folder.exists() else []


def assert_nothing_lost(*, old: bytes | None = None) -> None:
    assert SRC.read_bytes() == DATA, "the source must be intact"
    if old is None:
        assert not DEST.exists(), "nothing may be left at the destination"
    else:
        assert DEST.read_bytes() == old, "the displaced file must be back"
        assert not RECYCLED.exists()
    assert not TEMP.exists() and parts(DEST.parent) == []


def failing(name: str, code: int, *, when=lambda *args: True):
    real = getattr(transfer_module.os, name)

    def fake(*args, **kwargs):
        if when(*args):
            raise OSError(code, os.strerror(code), *(str(a) for a in args[:1] if isinstance(a, str | Path)))
        return real(*args, **kwargs)

    return fake


def temp_only(path, *rest) -> bool:
    return str(path).endswith(".mydia-part")


# --- a failure at each step of a copy, with and without an old file to displace ----------------

STEPS = [
    ("open", errno.EIO, temp_only),  # creating the temporary file
    ("write", errno.EIO, lambda *a: True),
    ("fsync", errno.EIO, lambda *a: True),
    ("rename", errno.EIO, temp_only),  # giving the temporary file its final name
]


@pytest.mark.parametrize("step,code,when", STEPS, ids=[s[0] for s in STEPS])
@pytest.mark.parametrize("replacing", [False, True], ids=["new", "upgrade"])
def test_a_copy_failing_at_any_step_loses_nothing(src, fs, monkeypatch, step, code, when, replacing):
    if replacing:
        fs.create_file(DEST, contents=OLD)
    if step == "rename":  # a new file is named with link(), an upgrade with an atomic replace()
        step = "replace" if replacing else "link"
    monkeypatch.setattr(transfer_module.os, step, failing(step, code, when=when))
    recycler = Recycler() if replacing else None
    with pytest.raises(TransferError) as caught:
        place(SRC, DEST, TransferMode.COPY, temp=TEMP, displace=recycler)
    assert caught.value.verb == "copying"
    assert_nothing_lost(old=OLD if replacing else None)
    if replacing and step == "replace":
        assert recycler.calls == ["displace", "restore"]  # the old file was touched only once the new one was ready
    elif replacing:
        assert recycler.calls == []  # the new file failed before the old one was touched


@pytest.mark.parametrize("step", ["open", "write", "fsync", "link"])
def test_a_move_across_filesystems_failing_at_any_step_keeps_the_source(src, across, monkeypatch, step):
    when = temp_only if step in ("open", "link") else (lambda *a: True)
    monkeypatch.setattr(transfer_module.os, step, failing(step, errno.EIO, when=when))
    with pytest.raises(TransferError) as caught:
        place(SRC, DEST, TransferMode.MOVE, temp=TEMP)
    assert caught.value.verb == "moving"
    assert_nothing_lost()


def test_a_move_whose_source_cannot_be_unlinked_takes_the_copy_back_and_the_old_file_too(src, fs, across,
                                                                                         monkeypatch):
    fs.create_file(DEST, contents=OLD)
    refuse = failing("unlink", errno.EACCES, when=lambda p: str(p) == str(SRC))
    monkeypatch.setattr(transfer_module.os, "unlink", refuse)
    recycler = Recycler()
    with pytest.raises(TransferError, match="when removing the source; the copy was taken back"):
        place(SRC, DEST, TransferMode.MOVE, temp=TEMP, displace=recycler)
    assert_nothing_lost(old=OLD)
    assert recycler.calls == ["displace", "restore"]


def test_a_same_filesystem_move_failing_at_the_rename_keeps_the_source(src, monkeypatch):
    monkeypatch.setattr(transfer_module.os, "link", failing("link", errno.EIO))
    with pytest.raises(TransferError):
        place(SRC, DEST, TransferMode.MOVE, temp=TEMP)
    assert_nothing_lost()


def test_a_hardlink_upgrade_failing_at_the_rename_puts_the_old_file_back(src, fs, monkeypatch):
    fs.create_file(DEST, contents=OLD)
    monkeypatch.setattr(transfer_module.os, "replace", failing("replace", errno.EIO))
    recycler = Recycler()
    with pytest.raises(TransferError):
        place(SRC, DEST, TransferMode.HARDLINK, temp=TEMP, displace=recycler)
    assert_nothing_lost(old=OLD)
    assert recycler.calls == ["displace", "restore"]
    assert SRC.stat().st_nlink == 1  # the temporary hardlink is gone


def test_an_upgrade_never_leaves_the_name_empty(src, fs, monkeypatch):
    fs.create_file(DEST, contents=OLD)
    real_replace = transfer_module.os.replace
    seen = []

    def replace(a, b):
        seen.append(DEST.read_bytes())  # the moment before the new file takes the name
        return real_replace(a, b)

    monkeypatch.setattr(transfer_module.os, "replace", replace)
    place(SRC, DEST, TransferMode.COPY, temp=TEMP, displace=Recycler())
    assert seen == [OLD] and DEST.read_bytes() == DATA and RECYCLED.read_bytes() == OLD


def test_an_upgrade_transfers_the_new_file_before_the_old_one_leaves(src, fs):
    fs.create_file(DEST, contents=OLD)
    seen = []

    class Watching(Recycler):
        def displace(self) -> None:
            seen.append(TEMP.read_bytes() == DATA)  # the new file is complete under its temporary name
            super().displace()

    placed = place(SRC, DEST, TransferMode.COPY, temp=TEMP, displace=Watching())
    assert placed.action is Action.COPY
    assert seen == [True]
    assert DEST.read_bytes() == DATA and RECYCLED.read_bytes() == OLD
    assert not TEMP.exists()


def test_a_displacer_that_fails_leaves_the_old_file_and_removes_the_new_one(src, fs):
    fs.create_file(DEST, contents=OLD)

    class Refusing(Recycler):
        def displace(self) -> None:
            raise OSError(errno.EACCES, "Permission denied", str(RECYCLED))

    with pytest.raises(TransferError):
        place(SRC, DEST, TransferMode.COPY, temp=TEMP, displace=Refusing())
    assert_nothing_lost(old=OLD)


# --- errnos -----------------------------------------------------------------------------------


def test_exdev_on_a_hardlink_in_auto_mode_becomes_a_copy(src, monkeypatch):
    monkeypatch.setattr(transfer_module.os, "link",
                        failing("link", errno.EXDEV, when=lambda a, *r: str(a) == str(SRC)))
    placed = place(SRC, DEST, TransferMode.AUTO, temp=TEMP)
    assert placed.action is Action.COPY and DEST.read_bytes() == DATA and SRC.read_bytes() == DATA


def test_erofs_names_the_folder_the_user_and_the_remedy(src, monkeypatch):
    monkeypatch.setattr(transfer_module.os, "open", failing("open", errno.EROFS, when=temp_only))
    with pytest.raises(TransferError) as caught:
        place(SRC, DEST, TransferMode.COPY, temp=TEMP)
    message = str(caught.value)
    assert "read-only filesystem" in message and str(DEST.parent) in message
    assert running_as() in message and "remount it read-write" in message
    assert caught.value.os_error.errno == errno.EROFS
    assert_nothing_lost()


def test_an_unreadable_source_names_the_file_the_user_and_the_remedy(src, fs):
    os.chmod(SRC, 0o000)
    set_uid(1000)
    with pytest.raises(TransferError) as caught:
        place(SRC, DEST, TransferMode.COPY, temp=TEMP)
    message = str(caught.value)
    assert f"reading {SRC}" in message and "permission denied for user" in message
    assert "group" in message and "give that user read permission" in message
    assert not DEST.exists() and parts(DEST.parent) == []


def test_an_unwritable_library_folder_names_the_folder_the_user_and_the_remedy(src, fs):
    fs.create_dir(DEST.parent)
    os.chmod(DEST.parent, 0o555)
    set_uid(1000)
    with pytest.raises(TransferError) as caught:
        place(SRC, DEST, TransferMode.COPY, temp=TEMP)
    message = str(caught.value)
    assert f"writing in {DEST.parent}" in message and "permission denied for user" in message
    assert "give that user write permission there" in message
    assert SRC.read_bytes() == DATA and list(DEST.parent.iterdir()) == []


def kernel_denied(name: str, folder: Path):
    """os.link or os.symlink failing with EACCES into `folder` as the kernel words it: the source
    first, the new name second (pyfakefs names the folder instead)."""
    real = getattr(transfer_module.os, name)

    def fake(a, b, *args, **kwargs):
        if os.path.dirname(b) == str(folder):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(a), None, str(b))
        return real(a, b, *args, **kwargs)

    return fake


@pytest.mark.parametrize("mode,call", [(TransferMode.HARDLINK, "link"), (TransferMode.SYMLINK, "symlink"),
                                       (TransferMode.MOVE, "link")], ids=["hardlink", "symlink", "move"])
def test_a_link_into_an_unwritable_folder_names_the_folder_not_the_source(src, fs, monkeypatch, mode, call):
    fs.create_dir(DEST.parent)
    monkeypatch.setattr(transfer_module.os, call, kernel_denied(call, DEST.parent))
    with pytest.raises(TransferError) as caught:
        place(SRC, DEST, mode, temp=TEMP)
    message = str(caught.value)
    assert f"permission denied for {running_as()} writing in {DEST.parent}" in message
    assert "reading" not in message and "give that user write permission there" in message
    assert_nothing_lost()


def test_a_move_out_of_an_unwritable_download_folder_names_that_folder(src, monkeypatch):
    only_the_source = lambda path: str(path) == str(SRC)  # noqa: E731
    monkeypatch.setattr(transfer_module.os, "unlink", failing("unlink", errno.EACCES, when=only_the_source))
    with pytest.raises(TransferError) as caught:
        place(SRC, DEST, TransferMode.MOVE, temp=TEMP)
    message = str(caught.value)
    assert f"writing in {SRC.parent}" in message and f"when removing {SRC}" in message
    assert "reading" not in message
    assert_nothing_lost()


# --- disk space -------------------------------------------------------------------------------


def test_not_enough_space_is_found_before_copying_and_says_how_much_is_missing_where(src, fs, across):
    fs.set_disk_usage(len(DATA) + 1000, "/library")
    with pytest.raises(TransferError) as caught:
        place(SRC, DEST, TransferMode.COPY, temp=TEMP, reserve=4096)
    message = str(caught.value)
    assert "no space left" in message and "/library" in message
    assert "needs 64.0 KiB" in message and "plus 4.0 KiB that must stay free" in message
    assert "65.0 KiB free; free at least 3.0 KiB there" in message  # 64 KiB + 4 KiB - 65 KiB
    assert caught.value.os_error.errno == errno.ENOSPC
    assert_nothing_lost()


def test_the_margin_alone_can_refuse_a_copy(src, fs, across):
    fs.set_disk_usage(10 * len(DATA), "/library")
    place(SRC, DEST, TransferMode.COPY, temp=TEMP, reserve=len(DATA))  # fits with its margin
    other = DEST.with_name("other.mkv")
    with pytest.raises(TransferError, match="must stay free"):
        place(SRC, other, TransferMode.COPY, reserve=9 * len(DATA))
    assert not other.exists() and SRC.read_bytes() == DATA


def test_enospc_in_the_middle_of_a_copy_removes_the_partial_file_and_says_what_is_missing(src, fs, across,
                                                                                        monkeypatch):
    # The free space looked sufficient (another program filled the disk meanwhile).
    fs.set_disk_usage(len(DATA) // 2, "/library")
    monkeypatch.setattr(transfer_module, "_check_space", lambda *args: None)
    with pytest.raises(TransferError) as caught:
        place(SRC, DEST, TransferMode.MOVE, temp=TEMP)
    message = str(caught.value)
    assert "no space left on the device" in message and "/library" in message
    assert "needs 64.0 KiB" in message and "32.0 KiB free" in message and "free at least 32.0 KiB" in message
    assert "the source is untouched" in message
    assert_nothing_lost()


# --- permissions of what is created -----------------------------------------------------------


def test_configured_modes_and_group_apply_to_created_files_and_folders(src, fs):
    gid = os.getgid()
    perms = Permissions(file_mode=0o640, folder_mode=0o2750, gid=gid)
    place(SRC, DEST, TransferMode.COPY, temp=TEMP, perms=perms)
    assert DEST.stat().st_mode & 0o7777 == 0o640
    assert DEST.stat().st_gid == gid
    for folder in (Path("/library"), Path("/library/Movies"), DEST.parent):
        assert folder.stat().st_mode & 0o7777 == 0o2750


def test_an_existing_folder_keeps_its_mode(src, fs):
    fs.create_dir(DEST.parent, perm_bits=0o755)
    place(SRC, DEST, TransferMode.COPY, temp=TEMP, perms=Permissions(folder_mode=0o700))
    assert DEST.parent.stat().st_mode & 0o777 == 0o755


def test_a_hardlink_never_gets_the_configured_mode(src, fs):
    os.chmod(SRC, 0o644)
    place(SRC, DEST, TransferMode.HARDLINK, temp=TEMP, perms=Permissions(file_mode=0o600))
    assert SRC.stat().st_mode & 0o777 == 0o644  # the seeding file is untouched


# --- verify=hash --------------------------------------------------------------------------------


def test_verify_hash_returns_the_sha256_of_the_bytes(src):
    placed = place(SRC, DEST, TransferMode.COPY, temp=TEMP, verify=Verify.HASH)
    assert placed.digest == hashlib.sha256(DATA).hexdigest()
    assert DEST.read_bytes() == DATA


def test_verify_hash_reads_the_source_once(tmp_path, monkeypatch):
    source = tmp_path / "a.mkv"
    source.write_bytes(os.urandom(3 * 1024 * 1024))
    opened: list[str] = []
    real_open = os.open

    def counting(path, *args, **kwargs):
        opened.append(Path(path).name)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting)
    place(source, tmp_path / "lib" / "a.mkv", TransferMode.COPY, verify=Verify.HASH)
    # The source once; the copy to write it and once more to read it back; the folder to sync it.
    assert opened.count("a.mkv") == 1
    assert sum(1 for name in opened if name.endswith(".mydia-part")) == 2


def test_verify_hash_catches_a_copy_damaged_on_its_way_to_the_disk(tmp_path, monkeypatch):
    source = tmp_path / "a.mkv"
    source.write_bytes(DATA)
    dest = tmp_path / "lib" / "a.mkv"
    real_fsync = os.fsync

    def fsync_then_damage(fd: int) -> None:
        real_fsync(fd)
        target = os.readlink(f"/proc/self/fd/{fd}")
        if target.endswith(".mydia-part"):
            with open(target, "r+b") as f:  # a bit flipped by bad RAM or a flaky NAS
                f.seek(100)
                f.write(b"X")

    monkeypatch.setattr(os, "fsync", fsync_then_damage)
    with pytest.raises(TransferError, match="reads back different bytes"):
        place(source, dest, TransferMode.COPY, verify=Verify.HASH)
    assert not dest.exists() and parts(dest.parent) == []
    assert source.read_bytes() == DATA
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert place(source, dest, TransferMode.COPY, verify=Verify.SIZE).digest is None  # size alone misses nothing here


def test_a_source_that_changes_during_the_copy_is_refused(src):
    def on_bytes(n: int) -> None:
        os.utime(SRC, ns=(1, 1))  # rewritten in place, same size

    with pytest.raises(TransferError, match="changed while it was copied"):
        place(SRC, DEST, TransferMode.COPY, temp=TEMP, on_bytes=on_bytes)
    assert not DEST.exists() and parts(DEST.parent) == []
