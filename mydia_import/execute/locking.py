"""One run at a time per library: a lock file beside the database.

qBittorrent and Transmission start one detached hook per finished torrent,
all at once. Each run that writes (scan, import, hooks, undo, retry) holds
`<database>.lock` (an flock through the `filelock` library) from before it
plans until it has recorded its last file, so two runs never plan one
destination, never import one file twice, and recovery never mistakes a live
run's work for a dead one's. The kernel drops the lock when its process dies,
however it dies: a killed run never leaves a stale lock behind.

Runs queue for the lock: a hook waits as long as it takes; a scan (cron)
waits `[import] lock_wait` seconds and then gives up, and the CLI exits 0
(the next scan picks up the work). SQLite's WAL and busy timeout serve the
readers (history, dry runs) that take no lock.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from pathlib import Path

from mydia_import.errors import MydiaImportError
from mydia_import.execute.permissions import explain


class Busy(MydiaImportError):
    """Another run held the library's lock for longer than this run would wait."""


@contextlib.contextmanager
def run_lock(library, wait: float | None, command: str = "run") -> Iterator[None]:
    """Hold the library's run lock for the block; wait None waits without a limit."""
    path: Path | None = library.lock_path
    if path is None:  # an in-memory library: nobody else can see it
        yield
        return
    from filelock import FileLock, Timeout

    # Group-writable: the download client's user and the cron user often share a library.
    lock = FileLock(str(path), timeout=-1 if wait is None else max(wait, 0), mode=0o664)
    try:
        lock.acquire()
    except Timeout:
        raise Busy(_busy_message(library, path, wait)) from None
    except OSError as error:
        why = explain(error, path=path, reading=False) if error.errno != errno.ENOENT else None
        raise MydiaImportError(
            f"cannot take the run lock {path} for this {command}: {why or error.strerror}"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _busy_message(library, path: Path, wait: float | None) -> str:
    holder = "another mydia-import run"
    with contextlib.suppress(MydiaImportError):
        running = library.running_jobs()
        if running:
            job = running[-1]
            holder += f" ({job.command}, job {job.id[:8]}, started {job.started_at:%Y-%m-%d %H:%M:%S} UTC)"
    return (f"{holder} is working on this library and still held {path} after {wait:g} s "
            "([import] lock_wait); nothing was done, the next run picks up the work")
