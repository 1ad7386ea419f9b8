"""execute/transfer.py: the five ways a file reaches the library, and what is left behind
when one fails. Filesystem logic runs on pyfakefs; the kernel fast paths
(copy_file_range, sendfile, FICLONE) and symlinks run in real temp folders."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest
from pyfakefs.fake_filesystem import set_uid

from mydia_import.errors import TransferError
from mydia_import.execute import transfer as transfer_module
from mydia_import.execute.transfer import CHUNK, impossible, predict_action, same_file, same_filesystem, transfer
from mydia_import.models import Action, TransferMode

DATA = b"movie bytes " * 1000
SRC = Path("/downloads/Movie.2020.1080p/movie.mkv")
DEST = Path("/library/Movies/Movie (2020)/Movie (2020).mkv")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".mydia-part"))


@pytest.fixture
def src(fs) -> Path:
    fs.create_file(SRC, contents=DATA)
    return SRC


@pytest.fixture
def two_filesystems(fs) -> None:
    """/library on its own device, so links and renames to it fail with EXDEV."""
    fs.add_mount_point("/library")


# --- hardlink and auto --------------------------------------------------------


def test_hardlink_gives_the_destination_the_source_inode(src):
    assert transfer(src, DEST, TransferMode.HARDLINK) is Action.HARDLINK
    assert same_file(src, DEST)
    assert src.read_bytes() == DATA


def test_auto_hardlinks_on_one_filesystem(src):
    assert predict_action(src, DEST, TransferMode.AUTO) is Action.HARDLINK
    assert transfer(src, DEST, TransferMode.AUTO) is Action.HARDLINK
    assert same_file(src, DEST)


def test_auto_copies_across_filesystems_and_says_so(src, two_filesystems):
    assert not same_filesystem(src, DEST)
    assert predict_action(src, DEST, TransferMode.AUTO) is Action.COPY
    assert transfer(src, DEST, TransferMode.AUTO) is Action.COPY
    assert DEST.read_bytes() == DATA
    assert not same_file(src, DEST)
    assert leftovers(DEST.parent) == []


def test_auto_copies_when_link_fails_with_exdev_despite_one_device(src, monkeypatch):
    # Two bind mounts of one filesystem share st_dev but still refuse link().
    real_link = transfer_module.os.link

    def link(a, b, *args, **kwargs):
        if os.fspath(a) == str(src):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_link(a, b, *args, **kwargs)

    monkeypatch.setattr(transfer_module.os, "link", link)
    assert transfer(src, DEST, TransferMode.AUTO) is Action.COPY
    assert DEST.read_bytes() == DATA and not same_file(src, DEST)


def test_hardlink_across_filesystems_tells_the_user_what_to_do(src, two_filesystems):
    with pytest.raises(TransferError) as caught:
        transfer(src, DEST, TransferMode.HARDLINK)
    message = str(caught.value)
    assert "hardlinks cannot cross filesystems" in message
    assert "--mode copy" in message and str(src) in message and str(DEST) in message
    assert caught.value.os_error is not None and caught.value.os_error.errno == errno.EXDEV
    assert not DEST.exists()


def test_a_hardlink_across_filesystems_is_known_impossible_before_trying(src, two_filesystems):
    why = impossible(src, DEST, TransferMode.HARDLINK)
    assert why == (f"hardlink impossible: {src} and /library are on different filesystems; "
                   "use --mode copy or auto, or keep downloads and library on one filesystem")
    assert not DEST.parent.exists()  # a look, nothing made
    for mode in (TransferMode.AUTO, TransferMode.COPY, TransferMode.MOVE, TransferMode.SYMLINK):
        assert impossible(src, DEST, mode) is None


def test_a_hardlink_on_one_filesystem_or_from_an_unreadable_source_is_not_called_impossible(src):
    assert impossible(src, DEST, TransferMode.HARDLINK) is None
    assert impossible(Path("/downloads/missing.mkv"), DEST, TransferMode.HARDLINK) is None


def test_same_filesystem_looks_at_the_nearest_existing_folder(src, two_filesystems):
    assert same_filesystem(src, Path("/downloads/not/yet/made/x.mkv"))
    assert not same_filesystem(src, Path("/library/not/yet/made/x.mkv"))
    assert not same_filesystem(Path("/downloads/missing.mkv"), DEST)


def test_same_file_is_false_when_either_is_missing(src):
    assert same_file(src, src)
    assert not same_file(src, DEST)
    assert not same_file(DEST, src)


@pytest.mark.parametrize("mode", [m for m in TransferMode if m is not TransferMode.AUTO])
def test_predict_action_maps_explicit_modes_one_to_one(src, mode):
    assert predict_action(src, DEST, mode) == Action(mode.value)
    assert not DEST.parent.exists()  # a prediction touches nothing


# --- the destination ------------------------------------------------------------


@pytest.mark.parametrize("mode", list(TransferMode))
def test_an_existing_destination_is_refused_and_left_untouched(src, fs, mode):
    fs.create_file(DEST, contents=b"older file")
    with pytest.raises(TransferError, match="the destination already exists"):
        transfer(src, DEST, mode)
    assert DEST.read_bytes() == b"older file"
    assert src.read_bytes() == DATA
    assert leftovers(DEST.parent) == []


@pytest.mark.parametrize("mode", [m for m in TransferMode if m is not TransferMode.REFLINK])
def test_replace_swaps_the_destination_for_the_source(src, fs, mode):
    fs.create_file(DEST, contents=b"older file")
    transfer(src, DEST, mode, replace=True)
    assert DEST.read_bytes() == DATA
    assert leftovers(DEST.parent) == []
    assert src.exists() is (mode is not TransferMode.MOVE)


@pytest.mark.parametrize("mode", [TransferMode.COPY, TransferMode.MOVE])
def test_a_destination_that_appears_during_the_copy_is_not_overwritten(src, fs, mode):
    fs.add_mount_point("/library")  # so that a move copies too

    def on_bytes(n: int) -> None:
        DEST.write_bytes(b"another import got here first")

    with pytest.raises(TransferError, match="the destination already exists"):
        transfer(src, DEST, mode, on_bytes=on_bytes)
    assert DEST.read_bytes() == b"another import got here first"
    assert src.read_bytes() == DATA and leftovers(DEST.parent) == []


def test_replace_refuses_to_put_a_file_over_itself(src):
    transfer(src, DEST, TransferMode.HARDLINK)
    with pytest.raises(TransferError, match="the same file"):
        transfer(src, DEST, TransferMode.MOVE, replace=True)
    assert src.read_bytes() == DATA and DEST.read_bytes() == DATA


def test_missing_parent_folders_are_created(src):
    transfer(src, DEST, TransferMode.COPY)
    assert DEST.read_bytes() == DATA


def test_a_file_in_the_way_of_the_destination_folder_is_named(src, fs):
    fs.create_file("/library/Movies")
    with pytest.raises(TransferError, match="a file is in the way"):
        transfer(src, DEST, TransferMode.COPY)


def test_permission_denied_names_the_user_and_leaves_nothing(src, fs):
    fs.create_dir(DEST.parent)
    os.chmod(DEST.parent, 0o555)
    set_uid(1000)  # pyfakefs takes the real uid; as root it would ignore the mode
    with pytest.raises(TransferError, match="permission denied for user") as caught:
        transfer(src, DEST, TransferMode.COPY)
    assert caught.value.verb == "copying"
    assert list(DEST.parent.iterdir()) == []
    assert src.read_bytes() == DATA


# --- copy -------------------------------------------------------------------------


def test_copy_leaves_no_temp_file_when_the_disk_fills(src, fs, two_filesystems):
    fs.set_disk_usage(len(DATA) // 2, "/library")
    with pytest.raises(TransferError) as caught:
        transfer(src, DEST, TransferMode.COPY)
    message = str(caught.value)
    assert "no space left" in message
    assert f"needs {len(DATA) / 1024:.1f} KiB" in message
    assert f"{len(DATA) // 2 / 1024:.1f} KiB free" in message
    assert caught.value.os_error.errno == errno.ENOSPC
    assert not DEST.exists() and leftovers(DEST.parent) == []
    assert src.read_bytes() == DATA


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, RuntimeError])
def test_copy_removes_its_temp_file_when_interrupted(src, interrupt):
    seen: list[str] = []

    def on_bytes(n: int) -> None:
        seen.extend(leftovers(DEST.parent))  # the data goes to a hidden temp name first
        raise interrupt()

    with pytest.raises(interrupt):
        transfer(src, DEST, TransferMode.COPY, on_bytes=on_bytes)
    assert len(seen) == 1 and seen[0].startswith(".")
    assert not DEST.exists() and leftovers(DEST.parent) == []
    assert src.read_bytes() == DATA


def test_copy_fails_when_the_source_grows_during_the_copy(src):
    def on_bytes(n: int) -> None:
        if src.stat().st_size == len(DATA):
            with open(src, "ab") as f:  # a download still being written
                f.write(b"more")

    with pytest.raises(TransferError, match="still being written"):
        transfer(src, DEST, TransferMode.COPY, on_bytes=on_bytes)
    assert not DEST.exists() and leftovers(DEST.parent) == []


def refuse_hardlinks(*args, **kwargs):
    raise OSError(errno.EPERM, "Operation not permitted")  # as link() on a filesystem without hardlinks


@pytest.mark.parametrize("mode", [TransferMode.COPY, TransferMode.AUTO])
def test_copy_places_the_file_without_hardlinks_when_the_filesystem_has_none(src, monkeypatch, mode):
    monkeypatch.setattr(transfer_module.os, "link", refuse_hardlinks)
    assert transfer(src, DEST, mode) is Action.COPY
    assert DEST.read_bytes() == DATA and leftovers(DEST.parent) == []


def test_hardlink_refused_by_the_filesystem_suggests_copying(src, monkeypatch):
    monkeypatch.setattr(transfer_module.os, "link", refuse_hardlinks)
    with pytest.raises(TransferError, match="hardlinks are refused here.*--mode copy") as caught:
        transfer(src, DEST, TransferMode.HARDLINK)
    assert caught.value.os_error.errno == errno.EPERM
    assert not DEST.exists()


def test_copy_under_pyfakefs_never_hands_fake_descriptors_to_the_kernel(src, monkeypatch):
    def forbidden(*args):
        raise AssertionError("a kernel copy call got a fake file descriptor")

    real_os = transfer_module.os.os_module  # the real module behind pyfakefs' fake `os` (a pyfakefs internal)
    monkeypatch.setattr(real_os, "copy_file_range", forbidden)
    monkeypatch.setattr(real_os, "sendfile", forbidden)
    progress: list[int] = []
    transfer(src, DEST, TransferMode.COPY, on_bytes=progress.append)
    assert DEST.read_bytes() == DATA and sum(progress) == len(DATA)


# --- times ------------------------------------------------------------------------

OLD_TIMES = (1_500_000_000_000_000_000, 1_400_000_000_123_456_789)  # (atime, mtime) in ns, years ago


@pytest.mark.parametrize("mode", [TransferMode.COPY, TransferMode.MOVE], ids=["copy", "move-across"])
def test_a_copy_keeps_the_source_modification_and_access_times(src, two_filesystems, mode):
    os.utime(src, ns=OLD_TIMES)
    transfer(src, DEST, mode)
    st = DEST.stat()
    assert (st.st_atime_ns, st.st_mtime_ns) == OLD_TIMES


def test_the_times_are_on_the_file_before_it_has_its_name(src, monkeypatch):
    os.utime(src, ns=OLD_TIMES)
    real_link = transfer_module.os.link
    seen = []

    def link(a, b, *args, **kwargs):
        seen.append(os.stat(a).st_mtime_ns)  # the temporary file, about to get its name
        return real_link(a, b, *args, **kwargs)

    monkeypatch.setattr(transfer_module.os, "link", link)
    transfer(src, DEST, TransferMode.COPY)
    assert seen == [OLD_TIMES[1]]


def test_a_filesystem_that_refuses_the_times_still_gets_the_copy(src, monkeypatch):
    def refused(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(transfer_module.os, "utime", refused)
    assert transfer(src, DEST, TransferMode.COPY) is Action.COPY
    assert DEST.read_bytes() == DATA and leftovers(DEST.parent) == []


def test_keep_times_false_gives_the_copy_the_time_it_was_made(src):
    os.utime(src, ns=OLD_TIMES)
    transfer_module.place(src, DEST, TransferMode.COPY, keep_times=False)
    assert DEST.stat().st_mtime_ns != OLD_TIMES[1]
    assert DEST.read_bytes() == DATA


# --- move -------------------------------------------------------------------------


def test_move_on_one_filesystem_is_a_rename(src):
    inode = os.stat(src).st_ino
    progress: list[int] = []
    assert transfer(src, DEST, TransferMode.MOVE, on_bytes=progress.append) is Action.MOVE
    assert not src.exists()
    assert os.stat(DEST).st_ino == inode
    assert progress == [len(DATA)]


def test_move_across_filesystems_removes_the_source_only_after_the_copy(src, two_filesystems):
    states: list[tuple[bool, bool]] = []
    progress: list[int] = []

    def on_bytes(n: int) -> None:
        progress.append(n)
        states.append((src.exists(), DEST.exists()))

    assert transfer(src, DEST, TransferMode.MOVE, on_bytes=on_bytes) is Action.MOVE
    assert states and all(state == (True, False) for state in states)
    assert sum(progress) == len(DATA)
    assert not src.exists() and DEST.read_bytes() == DATA
    assert leftovers(DEST.parent) == []


def test_move_across_filesystems_keeps_the_source_when_the_disk_fills(src, fs, two_filesystems):
    fs.set_disk_usage(len(DATA) // 2, "/library")
    with pytest.raises(TransferError, match="no space left") as caught:
        transfer(src, DEST, TransferMode.MOVE)
    assert caught.value.verb == "moving"
    assert src.read_bytes() == DATA
    assert not DEST.exists() and leftovers(DEST.parent) == []


@pytest.mark.parametrize("across", [False, True], ids=["same-fs", "cross-fs"])
def test_move_takes_the_copy_back_when_the_source_cannot_be_removed(src, fs, across):
    if across:
        fs.add_mount_point("/library")
    os.chmod(src.parent, 0o555)  # the download client's folder, read-only for us
    set_uid(1000)
    with pytest.raises(TransferError, match="permission denied"):
        transfer(src, DEST, TransferMode.MOVE)
    assert src.read_bytes() == DATA
    assert not DEST.exists() and leftovers(DEST.parent) == []


# --- real filesystem: kernel fast paths, symlinks, reflinks ----------------------


@pytest.fixture
def big_source(tmp_path: Path) -> Path:
    source = tmp_path / "downloads" / "big.mkv"
    source.parent.mkdir()
    source.write_bytes(os.urandom(20 * 1024 * 1024 + 123))  # three 8 MiB chunks, the last short
    return source


def test_copy_reports_progress_chunk_by_chunk_with_copy_file_range(big_source, tmp_path, monkeypatch):
    calls: list[int] = []
    real = os.copy_file_range

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(os, "copy_file_range", counting)
    dest = tmp_path / "library" / "big.mkv"
    progress: list[int] = []
    assert transfer(big_source, dest, TransferMode.COPY, on_bytes=progress.append) is Action.COPY
    assert len(progress) >= 3 and max(progress) <= CHUNK
    assert sum(progress) == big_source.stat().st_size
    assert len(calls) >= 3
    assert dest.read_bytes() == big_source.read_bytes()
    assert leftovers(dest.parent) == []


def test_copy_syncs_the_data_before_naming_it_and_the_folder_after(tmp_path, monkeypatch):
    source = tmp_path / "a.mkv"
    source.write_bytes(DATA)
    dest = tmp_path / "library" / "a.mkv"
    events: list[tuple[str, str]] = []
    real_fsync, real_link = os.fsync, os.link

    def fsync(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        events.append(("fsync", "folder" if target == str(dest.parent) else Path(target).suffix))
        real_fsync(fd)

    def link(a, b, **kwargs) -> None:
        events.append(("link", Path(b).name))
        real_link(a, b, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "link", link)
    transfer(source, dest, TransferMode.COPY)
    assert events == [("fsync", ".mydia-part"), ("link", "a.mkv"), ("fsync", "folder")]


@pytest.mark.parametrize("refused", ["copy_file_range", "copy_file_range+sendfile"])
@pytest.mark.parametrize("code", [errno.ENOSYS, errno.EXDEV, errno.EINVAL, errno.EOPNOTSUPP])
def test_copy_falls_back_when_the_kernel_cannot_copy(big_source, tmp_path, monkeypatch, refused, code):
    def unsupported(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    for name in refused.split("+"):
        monkeypatch.setattr(os, name, unsupported)
    dest = tmp_path / "library" / "big.mkv"
    progress: list[int] = []
    transfer(big_source, dest, TransferMode.COPY, on_bytes=progress.append)
    assert sum(progress) == big_source.stat().st_size
    assert dest.read_bytes() == big_source.read_bytes()


def test_copy_fails_cleanly_when_the_kernel_copy_fails_otherwise(big_source, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "copy_file_range", broken)
    dest = tmp_path / "library" / "big.mkv"
    with pytest.raises(TransferError, match="failed: input/output error reading the source or writing the copy"):
        transfer(big_source, dest, TransferMode.COPY)
    assert not dest.exists() and leftovers(dest.parent) == []


@pytest.fixture
def other_filesystem(tmp_path: Path):
    """A real folder on another filesystem than tmp_path (/dev/shm is tmpfs on Linux)."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)) or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no writable folder on a second filesystem")
    with tempfile.TemporaryDirectory(dir=shm) as folder:
        yield Path(folder)


def test_move_between_real_filesystems_copies_then_removes_the_source(big_source, other_filesystem):
    data = big_source.read_bytes()
    dest = other_filesystem / "library" / "big.mkv"
    progress: list[int] = []
    assert transfer(big_source, dest, TransferMode.MOVE, on_bytes=progress.append) is Action.MOVE
    assert not big_source.exists() and dest.read_bytes() == data
    assert len(progress) >= 3 and sum(progress) == len(data)
    assert leftovers(dest.parent) == []


def test_hardlink_between_real_filesystems_is_refused_with_advice(big_source, other_filesystem):
    dest = other_filesystem / "big.mkv"
    with pytest.raises(TransferError, match="hardlinks cannot cross filesystems"):
        transfer(big_source, dest, TransferMode.HARDLINK)
    assert transfer(big_source, dest, TransferMode.AUTO) is Action.COPY
    assert dest.read_bytes() == big_source.read_bytes()


def test_symlink_points_at_the_absolute_source(tmp_path, monkeypatch):
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "a.mkv").write_bytes(DATA)
    monkeypatch.chdir(tmp_path)
    dest = tmp_path / "library" / "a.mkv"
    assert transfer(Path("downloads/a.mkv"), dest, TransferMode.SYMLINK) is Action.SYMLINK
    assert dest.is_symlink()
    assert os.readlink(dest) == str(tmp_path / "downloads" / "a.mkv")
    assert dest.read_bytes() == DATA


def test_symlink_to_a_missing_source_is_refused(tmp_path):
    dest = tmp_path / "library" / "a.mkv"
    with pytest.raises(TransferError, match="no such file"):
        transfer(tmp_path / "missing.mkv", dest, TransferMode.SYMLINK)
    assert not dest.is_symlink()


def test_reflink_clones_or_says_the_filesystem_cannot(big_source, tmp_path):
    dest = tmp_path / "library" / "big.mkv"
    try:
        action = transfer(big_source, dest, TransferMode.REFLINK)
    except TransferError as err:
        assert "cannot make reflinks" in str(err) and "--mode copy" in str(err)
        assert err.verb == "reflinking"
        assert not dest.exists()
    else:
        assert action is Action.REFLINK
        assert dest.read_bytes() == big_source.read_bytes()
    assert leftovers(dest.parent) == []
    assert big_source.stat().st_size == 20 * 1024 * 1024 + 123


def test_reflink_under_pyfakefs_says_the_filesystem_cannot(src):
    with pytest.raises(TransferError, match="cannot make reflinks"):
        transfer(src, DEST, TransferMode.REFLINK)
    assert not DEST.exists() and leftovers(DEST.parent) == []
