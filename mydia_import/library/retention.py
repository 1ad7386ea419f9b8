"""How long the job history is kept: `[history] keep_days` and `keep_jobs`.

Every real run prunes what these settings let go, once its own job is closed; `history
prune` does the same on demand, with its own limits. What goes is described in
library/prune.py: old jobs and their file lines, never the journal of what is in the library.
"""

from __future__ import annotations

import datetime as dt

from mydia_import.errors import LibraryError
from mydia_import.library.prune import Pruned


def cutoff(days: int, now: dt.datetime | None = None) -> str | None:
    """The start time before which jobs are older than `days` (0: none are)."""
    if days <= 0:
        return None
    moment = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=days)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")  # as jobs' started_at


def prune(library, days: int, keep: int, dry_run: bool = False) -> Pruned:
    return library.prune_jobs(before=cutoff(days), keep=max(keep, 0), dry_run=dry_run)


def apply(library, settings) -> None:
    """The configured retention, at the end of a real run. A history that cannot be pruned now
    costs nothing but space: the run stands, and the next one tries again."""
    try:
        prune(library, getattr(settings, "history_keep_days", 90), getattr(settings, "history_keep_jobs", 0))
    except LibraryError:
        pass
