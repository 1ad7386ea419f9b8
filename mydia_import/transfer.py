"""Put one file into the library: hardlink, copy, move, symlink or reflink.

Copies go to a hidden temporary name beside the destination, are size-checked and fsynced, and only then get their
final name, so no partial file is ever left at the destination (Sonarr writes in place). An existing destination is
overwritten only with `replace=True`. A hardlink that cannot be made is an error saying what to do, or in `auto` a
copy that the returned `Action` reports (Sonarr falls back silently).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from .errors import TransferError, describe_os_error
from .models import Action, TransferMode

CHUNK = 8 * 1024 * 1024
Progress = Callable[[int], None]
FICLONE = 0x40049409  # _IOW(0x94, 9, int) from linux/fs.h

# link() errors meaning "no hardlink here", after which a copy is the answer.
_NO_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EOPNOTSUPP}
# copy_file_range()/sendfile() errors meaning "not for these files": try the next way.
_NO_KERNEL_COPY = {errno.ENOSYS, errno.EXDEV, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSOCK}
# FICLONE errors meaning "this filesystem (pair) cannot clone".
_NO_CLONE = {errno.EOPNOTSUPP, errno.EXDEV, errno.EINVAL, errno.ENOTTY, errno.EBADF, errno.ENOSYS}

_VERBS = {Action.HARDLINK: "hardlinking", Action.COPY: "copying", Action.MOVE: "moving",
          Action.SYMLINK: "symlinking", Action.REFLINK: "reflinking"}  # fmt: skip
_USE_COPY = "use --mode copy or auto"
_LINK_HINTS = {
    errno.EXDEV: "hardlinks cannot cross filesystems (the download and the library are on different filesystems); "
    f"{_USE_COPY}, or keep downloads and library on one filesystem",
    errno.EMLINK: f"the source already has as many hardlinks as its filesystem allows; {_USE_COPY}",
    errno.EOPNOTSUPP: f"this filesystem cannot make hardlinks; {_USE_COPY}",
    errno.EPERM: f"hardlinks are refused here (another user's file, or a filesystem without them); {_USE_COPY}",
}
_NO_REFLINK = (
    "this filesystem cannot make reflinks (copy-on-write clones, as on Btrfs or XFS); use --mode copy or hardlink"
)


class _Failed(Exception):
    """A failure already put in words; transfer() adds the verb and the paths."""


def same_file(a: Path, b: Path) -> bool:
    """True when a and b are the same inode; False if either is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def same_filesystem(source: Path, dest: Path) -> bool:
    """True when source and dest's nearest existing folder share a device; False if the source is unreadable."""
    try:
        return os.stat(source).st_dev == os.stat(_nearest_folder(dest)).st_dev
    except OSError:
        return False


def predict_action(source: Path, dest: Path, mode: TransferMode) -> Action:
    """What transfer() would do, without doing it (for dry runs)."""
    if mode is TransferMode.AUTO:
        return Action.HARDLINK if same_filesystem(source, dest) else Action.COPY
    return Action(mode.value)


def transfer(
    source: Path, dest: Path, mode: TransferMode, *, replace: bool = False, on_bytes: Progress | None = None
) -> Action:
    """Put source at dest as `mode` asks and return what was done.

    Raises TransferError; whatever the failure, the source is intact and no partial file is left at
    dest. on_bytes receives the file's size in total: chunk by chunk while copying, at once otherwise.
    """
    source, dest = Path(source), Path(dest)
    progress = on_bytes or (lambda n: None)
    action = predict_action(source, dest, mode)
    try:
        if replace and same_file(source, dest):
            raise _Failed("the source and the destination are the same file")
        if not replace and os.path.lexists(dest):  # fail before copying; the placement checks again
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dest))
        _make_folder(dest.parent)
        if action is Action.HARDLINK:
            try:
                size = os.stat(source).st_size
                _create(dest, replace, lambda path: os.link(source, path))
                progress(size)
            except OSError as err:
                if mode is not TransferMode.AUTO or err.errno not in _NO_LINK:
                    raise
                action = Action.COPY  # the returned action tells the user it was copied
        if action in (Action.COPY, Action.REFLINK):
            _copy(source, dest, replace, progress, clone=action is Action.REFLINK)
        elif action is Action.MOVE:
            _move(source, dest, replace, progress)
        elif action is Action.SYMLINK:
            target = os.path.abspath(source)
            size = os.stat(target).st_size  # refuse to make a dangling link
            _create(dest, replace, lambda path: os.symlink(target, path))
            progress(size)
    except (_Failed, OSError) as err:
        raise _error(action, err, source, dest) from err
    return action


def _error(action: Action, err: _Failed | OSError, source: Path, dest: Path) -> TransferError:
    """The TransferError for err, with a reason the user can act on."""
    cause = err.__cause__ if isinstance(err, _Failed) else err
    reason: str | OSError = str(err) if isinstance(err, _Failed) else err
    code = getattr(err, "errno", None)
    if isinstance(err, FileExistsError):
        reason = "the destination already exists"
    elif code == errno.ENOSPC:
        with contextlib.suppress(OSError):
            folder = _nearest_folder(dest)
            need, free = _human(os.stat(source).st_size), _human(shutil.disk_usage(folder).free)
            reason = f"no space left on the device: the file needs {need}, {folder} has {free} free"
    elif action is Action.HARDLINK and code in _LINK_HINTS:
        reason = _LINK_HINTS[code]
    error = TransferError(_VERBS[action], reason, source, dest)
    if isinstance(cause, OSError):
        error.os_error = cause  # keep the errno for callers even when the text is ours
    return error


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as err:
        raise _Failed(f"cannot create the folder {folder}: a file is in the way") from err


def _create(dest: Path, replace: bool, make: Callable[[Path], None]) -> None:
    """Make a (sym)link at dest; over an existing dest only when replace, atomically."""
    if not replace:
        make(dest)  # link() and symlink() refuse an existing dest themselves
        return
    tmp = _temp_name(dest)
    try:
        make(tmp)
        os.replace(tmp, dest)
    except BaseException:
        _remove(tmp)
        raise


def _move(source: Path, dest: Path, replace: bool, progress: Progress) -> None:
    size = os.stat(source).st_size
    if same_filesystem(source, dest):
        try:
            _rename(source, dest, replace)
        except OSError as err:
            if err.errno != errno.EXDEV:  # e.g. two bind mounts of one filesystem: copy below
                raise
        else:
            _fsync_folder(dest.parent)
            progress(size)
            return
    # Across filesystems: the complete copy is durable at dest before the source goes.
    _copy(source, dest, replace, progress)
    try:
        os.unlink(source)
    except OSError as err:
        if not os.path.lexists(source):
            raise
        _remove(dest)  # take the copy back: the source is still there
        raise _Failed(f"{describe_os_error(err)} when removing the source; the copy was taken back") from err


def _copy(source: Path, dest: Path, replace: bool, progress: Progress, *, clone: bool = False) -> None:
    tmp = _temp_name(dest)
    try:
        with contextlib.ExitStack() as opened:
            src = os.open(source, os.O_RDONLY)
            opened.callback(os.close, src)
            dst = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            opened.callback(os.close, dst)
            size = os.fstat(src).st_size
            if clone:
                _clone(src, dst)
                progress(size)
            else:
                _copy_bytes(src, dst, progress)
            if (written := os.fstat(dst).st_size) != size:
                raise _Failed(f"the copy has {written} bytes, the source had {size}; is it still being written?")
            os.fsync(dst)
        _rename(tmp, dest, replace)
    except BaseException:
        _remove(tmp)  # also on Ctrl-C and on errors raised by the progress callback
        raise
    _fsync_folder(dest.parent)


def _copy_bytes(src: int, dst: int, progress: Progress) -> None:
    """Copy from the current positions to EOF, the fastest way the kernel allows."""
    # pyfakefs (tests) swaps this module's `os` for a fake whose descriptors are not
    # the kernel's: copy_file_range, sendfile and ioctl must not see them.
    kernel = ("copy_file_range", "sendfile") if isinstance(os, ModuleType) else ()
    ways = [way for way in kernel if hasattr(os, way)] + ["read"]
    while True:
        try:
            if ways[0] == "copy_file_range":
                n = os.copy_file_range(src, dst, CHUNK)  # offsets None: both positions advance
            elif ways[0] == "sendfile":
                n = os.sendfile(dst, src, None, CHUNK)
            else:
                data = chunk = os.read(src, CHUNK)
                while data:  # write() may take less than it is given
                    data = data[os.write(dst, data) :]
                n = len(chunk)
        except OSError as err:
            if len(ways) > 1 and err.errno in _NO_KERNEL_COPY:
                ways.pop(0)  # the failed call copied nothing: go on the next way
                continue
            raise
        if n == 0:
            return
        progress(n)


def _clone(src: int, dst: int) -> None:
    try:
        if not isinstance(os, ModuleType):  # pyfakefs: see _copy_bytes
            raise OSError(errno.EOPNOTSUPP, os.strerror(errno.EOPNOTSUPP))
        fcntl.ioctl(dst, FICLONE, src)
    except OSError as err:
        if err.errno in _NO_CLONE:
            raise _Failed(_NO_REFLINK) from err
        raise


def _rename(src: Path, dest: Path, replace: bool) -> None:
    """Give src the name dest atomically; never over an existing dest unless replace."""
    if replace:
        os.replace(src, dest)
        return
    try:
        os.link(src, dest)  # fails with FileExistsError instead of overwriting
    except OSError as err:
        if err.errno not in _NO_LINK or err.errno == errno.EXDEV:
            raise
        # This filesystem cannot hardlink: check, then rename (a small race remains).
        if os.path.lexists(dest):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dest)) from err
        os.rename(src, dest)
        return
    try:
        os.unlink(src)
    except BaseException:
        if os.path.lexists(src):
            _remove(dest)  # dest is a second name of src: nothing is lost
        raise


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)  # makes the new name durable
    except OSError as err:
        if err.errno not in (errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF):  # some filesystems cannot sync folders
            raise
    finally:
        os.close(fd)


def _temp_name(dest: Path) -> Path:
    # Hidden (discovery skips it), next to dest so that placing it is a rename on one
    # filesystem; the name is cut so that the whole stays under NAME_MAX (255 bytes).
    return dest.with_name(f".{dest.name[:50]}.{secrets.token_hex(4)}.mydia-part")


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _nearest_folder(path: Path) -> Path:
    folder = Path(os.path.abspath(path)).parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def _human(n: int) -> str:
    for power, unit in ((40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")):
        if n >= 1 << power:
            return f"{n / (1 << power):.1f} {unit}"
    return f"{n} bytes"
