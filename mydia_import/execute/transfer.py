"""Put one file into the library: hardlink, copy, move, symlink or reflink.

Copies go to a hidden temporary name beside the destination, are checked (size, or with `verify=hash` a SHA-256 of
the bytes as they pass and of the copy read back), fsynced, and only then get their final name, so no partial file is
ever left at the destination (Sonarr writes in place). A move across filesystems is such a copy, and the source goes
only after the copy has its name: a crash at any point leaves the data complete in at least one place.

An existing destination is overwritten only with `replace=True`, or, for upgrades, through a `Displacer`: the new file
is prepared and verified first, then the displacer keeps the old one aside (a second name in the recycle folder), then
the new one replaces it in one atomic rename; if that fails, the displacer undoes its part (Sonarr removes the old file
first, before the new one is even copied). A hardlink that
cannot be made is an error saying what to do, or in `auto` a copy that the returned `Action` reports.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

from mydia_import.errors import TransferError, describe_os_error
from mydia_import.execute import faults
from mydia_import.execute.permissions import Permissions, explain
from mydia_import.models import Action, TransferMode, Verify

CHUNK = 8 * 1024 * 1024
Progress = Callable[[int], None]
FICLONE = 0x40049409  # _IOW(0x94, 9, int) from linux/fs.h
TEMP_SUFFIX = ".mydia-part"

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


class Displacer(Protocol):
    """Moves the file at the destination out of the way, and back if the new one cannot take its place."""

    def displace(self) -> None: ...
    def restore(self) -> None: ...


@dataclass(frozen=True)
class Placed:
    """What transfer did: the action, and the SHA-256 of the bytes when verified by hash."""

    action: Action
    digest: str | None = None


class _Failed(Exception):
    """A failure already put in words; transfer() adds the verb and the paths."""

    errno: int | None = None


class _NoSpace(_Failed):
    errno = errno.ENOSPC


@contextlib.contextmanager
def _step(what: str):
    """Name the step an OSError comes from: an I/O error (a dying disk, a network share that
    drops) says "reading /dl/a.mkv", not only "Input/output error"."""
    try:
        yield
    except OSError as err:
        if not hasattr(err, "mydia_step"):
            err.mydia_step = what  # type: ignore[attr-defined]
        raise


def same_file(a: Path, b: Path) -> bool:
    """True when a and b are the same inode; False if either is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _devices(source: Path, dest: Path) -> tuple[int, int] | None:
    """The devices of source and of dest's nearest existing folder; None if either cannot be read."""
    try:
        return os.stat(source).st_dev, os.stat(_nearest_folder(dest)).st_dev
    except OSError:
        return None


def same_filesystem(source: Path, dest: Path) -> bool:
    """True when source and dest's nearest existing folder share a device; False if the source is unreadable."""
    devices = _devices(source, dest)
    return devices is not None and devices[0] == devices[1]


def predict_action(source: Path, dest: Path, mode: TransferMode) -> Action:
    """What transfer() would do, without doing it (for dry runs)."""
    if mode is TransferMode.AUTO:
        return Action.HARDLINK if same_filesystem(source, dest) else Action.COPY
    return Action(mode.value)


def impossible(source: Path, dest: Path, mode: TransferMode) -> str | None:
    """Why `mode` cannot put source at dest, when a look at both tells before trying: a hardlink
    across filesystems (link() would fail with EXDEV). None otherwise, also when either cannot be
    read: the transfer then says what is wrong.

    Only different devices are certain: two bind mounts of one filesystem share a device and still
    refuse link(), which the transfer finds out. Reflinks are left to the transfer too: Btrfs
    subvolumes have devices of their own and can still share blocks."""
    if mode is not TransferMode.HARDLINK:
        return None
    devices = _devices(source, dest)
    if devices is None or devices[0] == devices[1]:
        return None
    return (f"hardlink impossible: {source} and {_nearest_folder(dest)} are on different filesystems; "
            f"{_USE_COPY}, or keep downloads and library on one filesystem")


def temp_name(dest: Path) -> Path:
    """The hidden name a file is prepared under, beside its destination (so placing it is a rename).

    Discovery skips hidden names; the name is cut so that the whole stays under NAME_MAX (255 bytes)."""
    stem = os.fsdecode(os.fsencode(dest.name)[:50]) or "file"  # bytes: the name may not be UTF-8
    return dest.with_name(f".{stem}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def transfer(
    source: Path, dest: Path, mode: TransferMode, *, replace: bool = False, on_bytes: Progress | None = None
) -> Action:
    """Put source at dest as `mode` asks and return what was done (see `place`)."""
    return place(source, dest, mode, replace=replace, on_bytes=on_bytes).action


def place(
    source: Path, dest: Path, mode: TransferMode, *, replace: bool = False, on_bytes: Progress | None = None,
    temp: Path | None = None, verify: Verify = Verify.SIZE, perms: Permissions | None = None, reserve: int = 0,
    displace: Displacer | None = None, keep_times: bool = True,
) -> Placed:
    """Put source at dest as `mode` asks.

    Raises TransferError; whatever the failure, the source is intact, no partial file is left at dest or at
    `temp` (the temporary name, chosen by the caller so that a journal can name it before it exists), and a
    displaced file is back. on_bytes receives the file's size in total: chunk by chunk while copying, at once
    otherwise. `reserve` bytes must stay free on the destination's filesystem after a copy. keep_times: a copy
    gets the source's modification and access times (a hardlink or a rename has them anyway).
    """
    source, dest = Path(source), Path(dest)
    progress = on_bytes or (lambda n: None)
    perms = perms or Permissions()
    temp = temp or temp_name(dest)
    action = predict_action(source, dest, mode)
    digest = None
    try:
        if (replace or displace) and same_file(source, dest):
            raise _Failed("the source and the destination are the same file")
        if not replace and displace is None and os.path.lexists(dest):  # fail early; the placement checks again
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(dest))
        _make_folder(dest.parent, perms)
        if action is Action.HARDLINK:
            try:
                size = os.stat(source).st_size
                _link_into_place(lambda path: os.link(source, path), dest, temp, replace, displace)
                progress(size)
            except OSError as err:
                if mode is not TransferMode.AUTO or err.errno not in _NO_LINK:
                    raise
                action = Action.COPY  # the returned action tells the user it was copied
        if action in (Action.COPY, Action.REFLINK):
            digest = _copy(source, dest, temp, replace, displace, progress, clone=action is Action.REFLINK,
                           verify=verify, perms=perms, reserve=reserve, keep_times=keep_times)
        elif action is Action.MOVE:
            digest = _move(source, dest, temp, replace, displace, progress, verify, perms, reserve, keep_times)
        elif action is Action.SYMLINK:
            target = os.path.abspath(source)
            size = os.stat(target).st_size  # refuse to make a dangling link
            _link_into_place(lambda path: os.symlink(target, path), dest, temp, replace, displace)
            progress(size)
    except (_Failed, OSError) as err:
        raise _error(action, err, source, dest, reserve) from err
    return Placed(action, digest)


def _error(action: Action, err: _Failed | OSError, source: Path, dest: Path, reserve: int) -> TransferError:
    """The TransferError for err, with a reason the user can act on."""
    cause = err.__cause__ if isinstance(err, _Failed) else err
    reason: str | OSError = str(err) if isinstance(err, _Failed) else err
    code = getattr(err, "errno", None)
    if isinstance(err, FileExistsError):
        reason = "the destination already exists"
    elif code == errno.ENOSPC and not isinstance(err, _NoSpace):
        with contextlib.suppress(OSError):  # the partial copy is gone: free is what there is to work with
            folder = _nearest_folder(dest)
            reason = _no_space(folder, os.stat(source).st_size, shutil.disk_usage(folder).free, reserve)
    elif action is Action.HARDLINK and code in _LINK_HINTS:
        reason = _LINK_HINTS[code]
    elif isinstance(err, OSError) and code in (errno.EACCES, errno.EPERM, errno.EROFS):
        path, reading = _denied(err, source, dest)
        reason = explain(err, path=path, reading=reading) or reason
    elif isinstance(cause, OSError) and code in (errno.EIO, errno.EREMOTEIO, errno.ENXIO):
        step = getattr(cause, "mydia_step", None) or "on the source or the destination"
        reason = f"input/output error {step}: the disk or the network share may be failing (see `dmesg`)"
    error = TransferError(_VERBS[action], reason, source, dest)
    if isinstance(cause, OSError):
        error.os_error = cause  # keep the errno for callers even when the text is ours
    elif isinstance(err, _NoSpace):
        error.os_error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return error


def _denied(err: OSError, source: Path, dest: Path) -> tuple[Path, bool]:
    """The path a permission error is about, and whether it was being read (else written in).

    link(), symlink() and rename() name the source first and the new name second: what they lack
    is the right to write in the new name's folder, never to read the source."""
    if err.filename2:
        return Path(err.filename2), False
    path = Path(err.filename) if err.filename else dest
    return path, os.path.abspath(path) == os.path.abspath(source) and err.errno != errno.EROFS


def _no_space(folder: Path, need: int, free: int, reserve: int) -> str:
    margin = f" (plus {_human(reserve)} that must stay free, [import] min_free_mb)" if reserve else ""
    missing = max(need + reserve - free, 1)
    return (f"no space left on the device: the file needs {_human(need)}{margin}, {folder} has {_human(free)} free; "
            f"free at least {_human(missing)} there (or choose a library folder on a bigger disk); "
            "the source is untouched")


def _check_space(folder: Path, size: int, reserve: int) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # the copy itself will say so if there is no room
    if free < size + reserve:
        raise _NoSpace(_no_space(folder, size, free, reserve))


def _make_folder(folder: Path, perms: Permissions) -> None:
    """Create folder and its missing parents, each with the configured mode and group."""
    missing = []
    current = folder
    while not os.path.isdir(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    try:
        for path in reversed(missing):
            try:
                os.mkdir(path)
            except FileExistsError:
                if not os.path.isdir(path):
                    raise
                continue  # another run made it meanwhile
            perms.apply_folder(path)
    except (FileExistsError, NotADirectoryError) as err:
        raise _Failed(f"cannot create the folder {folder}: a file is in the way") from err


def _link_into_place(make: Callable[[Path], None], dest: Path, temp: Path, replace: bool,
                     displace: Displacer | None) -> None:
    """Make a (sym)link at dest; over an existing dest only when replace or displace, atomically."""
    if not replace and displace is None:
        make(dest)  # link() and symlink() refuse an existing dest themselves
        return
    make(temp)
    try:
        _place_temp(temp, dest, replace, displace)
    except BaseException:
        _remove(temp)
        raise


def _place_temp(temp: Path, dest: Path, replace: bool, displace: Displacer | None) -> None:
    """Give the prepared temp its final name: the last step, after which the file is in the library."""
    if displace is None:
        _rename(temp, dest, replace)
        return
    displace.displace()
    faults.point("displaced")
    try:
        os.replace(temp, dest)  # atomic: the name holds the old file, then the new one
    except BaseException:
        with contextlib.suppress(Exception):  # else the journal still knows where the old file is
            displace.restore()
        raise


def _move(source: Path, dest: Path, temp: Path, replace: bool, displace: Displacer | None, progress: Progress,
          verify: Verify, perms: Permissions, reserve: int, keep_times: bool) -> str | None:
    size = os.stat(source).st_size
    if same_filesystem(source, dest):
        try:
            if displace is None:
                _rename(source, dest, replace)
            else:
                _place_temp(source, dest, False, displace)
        except OSError as err:
            if err.errno != errno.EXDEV:  # e.g. two bind mounts of one filesystem: copy below
                raise
        else:
            _fsync_folder(dest.parent)
            with contextlib.suppress(OSError):  # the move is done; a mode it cannot get is no reason to undo it
                perms.apply_file(dest)
            progress(size)
            return None
    # Across filesystems: the complete copy is durable at dest before the source goes.
    digest = _copy(source, dest, temp, replace, displace, progress, verify=verify, perms=perms, reserve=reserve,
                   keep_times=keep_times)
    faults.point("move-copied")
    try:
        os.unlink(source)
    except OSError as err:
        if not os.path.lexists(source):
            raise
        _remove(dest)  # take the copy back: the source is still there
        if displace is not None:
            displace.restore()
        why = explain(err, path=source, reading=False) or describe_os_error(err)
        raise _Failed(f"{why} (when removing the source; the copy was taken back)") from err
    return digest


def _copy(source: Path, dest: Path, temp: Path, replace: bool, displace: Displacer | None, progress: Progress, *,
          clone: bool = False, verify: Verify = Verify.SIZE, perms: Permissions | None = None,
          reserve: int = 0, keep_times: bool = True) -> str | None:
    digest = None
    try:
        with contextlib.ExitStack() as opened:
            src = os.open(source, os.O_RDONLY)
            opened.callback(os.close, src)
            before = os.fstat(src)
            size = before.st_size
            if not clone:  # a clone shares the source's blocks
                _check_space(dest.parent, size, reserve)
            dst = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            opened.callback(os.close, dst)
            if clone:
                _clone(src, dst)
                progress(size)
            elif verify is Verify.HASH:
                digest = _copy_hashing(src, dst, progress)
            else:
                _copy_bytes(src, dst, progress)
            if (written := os.fstat(dst).st_size) != size:
                raise _Failed(f"the copy has {written} bytes, the source had {size}; is it still being written?")
            after = os.fstat(src)
            if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                raise _Failed("the source changed while it was copied; is it still being written?")
            with _step("flushing the copy to the disk (fsync)"):
                os.fsync(dst)
        if digest is not None:
            _check_digest(temp, digest)
        if keep_times:
            # After the read-back (reading may touch the atime), before the name: the file is complete at
            # its final name with its times. Not synced again: times lost to a power cut lose no data, and
            # a filesystem that refuses them (some network shares) is no reason to fail the copy.
            with contextlib.suppress(OSError):
                os.utime(temp, ns=(before.st_atime_ns, before.st_mtime_ns))
        if perms is not None:
            perms.apply_file(temp)
        faults.point("copied")
        with _step("giving the copy its final name"):
            _place_temp(temp, dest, replace, displace)
    except BaseException:
        _remove(temp)  # also on Ctrl-C and on errors raised by the progress callback
        raise
    faults.point("placed")
    _fsync_folder(dest.parent)
    return digest


def _copy_bytes(src: int, dst: int, progress: Progress) -> None:
    """Copy from the current positions to EOF, the fastest way the kernel allows."""
    # pyfakefs (tests) swaps this module's `os` for a fake whose descriptors are not
    # the kernel's: copy_file_range, sendfile and ioctl must not see them.
    kernel = ("copy_file_range", "sendfile") if isinstance(os, ModuleType) else ()
    ways = [way for way in kernel if hasattr(os, way)] + ["read"]
    while True:
        try:
            if ways[0] == "copy_file_range":
                with _step("reading the source or writing the copy"):
                    n = os.copy_file_range(src, dst, CHUNK)  # offsets None: both positions advance
            elif ways[0] == "sendfile":
                with _step("reading the source or writing the copy"):
                    n = os.sendfile(dst, src, None, CHUNK)
            else:
                with _step("reading the source"):
                    chunk = os.read(src, CHUNK)
                with _step("writing the copy"):
                    _write_all(dst, chunk)
                n = len(chunk)
        except OSError as err:
            if len(ways) > 1 and err.errno in _NO_KERNEL_COPY:
                ways.pop(0)  # the failed call copied nothing: go on the next way
                continue
            raise
        if n == 0:
            return
        faults.point("copy-chunk")
        progress(n)


def _copy_hashing(src: int, dst: int, progress: Progress) -> str:
    """Copy through Python, hashing each chunk as it passes: the source is read once.

    The kernel's copy_file_range never hands the bytes to Python, so verify=hash
    gives up that fast path (and a server-side copy on NFS or SMB) for this loop.
    """
    digest = hashlib.sha256()
    while True:
        with _step("reading the source"):
            chunk = os.read(src, CHUNK)
        if not chunk:
            break
        digest.update(chunk)
        with _step("writing the copy"):
            _write_all(dst, chunk)
        faults.point("copy-chunk")
        progress(len(chunk))
    return digest.hexdigest()


def _check_digest(path: Path, expected: str) -> None:
    """Read the synced copy back and compare its hash with the source's."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if isinstance(os, ModuleType) and hasattr(os, "posix_fadvise"):
            # Drop the cached pages so the read comes from the disk (or the NAS), not from
            # the memory that was just written; a best effort, some filesystems ignore it.
            with contextlib.suppress(OSError):
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        digest = hashlib.sha256()
        while chunk := os.read(fd, CHUNK):
            digest.update(chunk)
    finally:
        os.close(fd)
    if digest.hexdigest() != expected:
        raise _Failed(f"the copy reads back different bytes than the source had (SHA-256 {digest.hexdigest()[:12]}… "
                      f"instead of {expected[:12]}…): the disk, the network or the memory damaged it; "
                      "the copy was removed, check the destination's storage")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # write() may take less than it is given
        view = view[os.write(fd, view):]


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
    faults.point("linked")  # both names hold the file: a crash here loses nothing
    if src.parent != dest.parent:
        # A move: the new name must survive a power cut before the old one goes, or a crash in
        # between could keep neither. (A temporary name beside dest needs no such care: losing
        # the new name loses only a copy; the folder is synced once both steps are made.)
        _fsync_folder(dest.parent)
    try:
        os.unlink(src)
    except BaseException as err:
        if os.path.lexists(src):
            _remove(dest)  # dest is a second name of src: nothing is lost
        # Removing a name needs the right to write in its folder (a move out of a read-only download folder).
        if isinstance(err, OSError) and (why := explain(err, path=src, reading=False)):
            raise _Failed(f"{why} (when removing {src}; it was left where it was)") from err
        raise


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        with _step(f"flushing the folder {folder} to the disk (fsync)"):
            os.fsync(fd)  # makes the new name durable
    except OSError as err:
        if err.errno not in (errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF):  # some filesystems cannot sync folders
            raise
    finally:
        os.close(fd)


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
