"""Runs that change nothing: recognised, and recorded in one line instead of one per file.

Cron scans the same downloads folder every few minutes, and a client may run its hook twice
for one download: most runs find every file as the run before did. Such a run is *unchanged*
when it imported nothing, nothing failed, it wrote no journal row (so undo, retry and crash
recovery have nothing of it to work on) and each file's decision (source, status, destination,
reason, a file imported then counting as already imported now) is the one the last run of the
same command and arguments made. Its job keeps its counts and no file lines; a run of unchanged
runs keeps one job, the latest, which counts them (`unchanged_runs`).

Each finished job stores a digest of its decisions (`outcome`) to compare the next run with.
"""

from __future__ import annotations

import hashlib

from mydia_import.models import Results, Status

# Imported by this run or by an earlier one: the same for the run after.
_IN_LIBRARY = (Status.IMPORTED, Status.ALREADY_IMPORTED)


def outcome(results: Results) -> str:
    """A digest of every file's decision, in no particular order (the re-scan fast path may
    report a release's files in another order than the normal path did)."""
    lines = sorted(
        f"{source}\0in-library\0{destination}" if status in _IN_LIBRARY
        else f"{source}\0{status}\0{destination}\0{reason}"
        for source, status, destination, reason in results.decisions())
    digest = hashlib.blake2b(digest_size=16)
    for line in lines:
        digest.update(line.encode(errors="surrogateescape") + b"\n")
    return digest.hexdigest()


def runs(library, job_id: str, command: str, arguments: dict, results: Results,
         digest: str) -> tuple[int, str | None]:
    """(how many unchanged runs in a row this one ends, 0 if it changed something; the job of the
    unchanged runs before it, which this one's job takes the place of, or None)."""
    if any(status in (Status.IMPORTED, Status.FAILED) for status, _ in results.statuses()):
        return 0, None
    if library.journaled(job_id):
        return 0, None  # a library file was recorded (an already-imported video without its row)
    before = library.previous_job(job_id, command, arguments)
    if before is None or before.outcome != digest:
        return 0, None
    return before.unchanged_runs + 1, before.id if before.unchanged_runs else None
