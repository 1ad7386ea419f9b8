"""The memory of handled downloads: a source this library imported is not brought back.

Every file the tool imports leaves a `done` row in the transfer journal (library/journal.py):
the source's path and identity (size, mtime, inode), the library file it became and its
media_files row. When a later scan or hook meets the same source unchanged, that row says
what happened to it:

- its library file and its record are still there: already imported (four stats, no parse);
- its library file was deleted, changed or replaced by a later import, or its media_files row
  was removed (by Mydia or a user): the download was handled, and is not imported again. The
  report says so with the job and the date; `--reimport` imports it again on purpose.

A source whose content changed (a repack under the same name), or whose library folder is no
longer configured, is a new file and goes through the normal path; so does every file that was
skipped or failed, since only imports are remembered.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from mydia_import import decisions as rules
from mydia_import.decisions import Decision
from mydia_import.execute import recovery
from mydia_import.library.journal import Entry, Identity
from mydia_import.models import Candidate, Kind, LibraryRoot, PlannedFile, Status
from mydia_import.pathtext import display


def companion_releases(companions: Iterable[Candidate]) -> set[Path]:
    """The release folders of these subtitles and extras, for `moved_videos`."""
    return {c.release for c in companions if c.skip_reason is None and c.release != c.path}


def recall(c: Candidate, entry: Entry | None, existing: set[str], configured: dict[Path, LibraryRoot],
           library, remember: bool = True) -> PlannedFile | None:
    """What a journal row (`entry`, the latest done transfer of this source) says of a candidate:
    already imported, handled before (skipped, unless not `remember`), or None (plan it).
    `existing`: the media_files ids among the entries' that still exist."""
    if c.skip_reason is not None or entry is None:
        return None
    if entry.record is None or entry.operation == "record" or entry.source_identity is None:
        return None
    if not entry.source_identity.same_content_as(Identity.of(c.path)):
        return None  # another file under the same name now (a repack, a re-download)
    record = entry.record
    root = recovery.root_of(record)
    if root.path not in configured:
        return None  # the library folder moved since: plan it again
    now = Identity.of(entry.destination, follow=False)
    in_place = entry.dest_identity is not None and entry.dest_identity.same_content_as(now)
    recorded = c.kind is not Kind.VIDEO or (entry.media_file_id is not None and entry.media_file_id in existing)
    if in_place and not recorded and library.file_at_path(entry.destination) is not None:
        recorded = True  # recorded again under another id (a Mydia library scan): the plan finds that row
    if in_place and recorded:
        return PlannedFile(c, Status.ALREADY_IMPORTED, destination=entry.destination, root=configured[root.path],
                           release=recovery.release_of(record), match=recovery.match_of(record))
    if not remember:
        return None
    # Nothing anybody expects now: a scan that finds only such files has nothing to do.
    return PlannedFile(replace(c, expected=False), Status.SKIPPED, release=recovery.release_of(record),
                       match=recovery.match_of(record), why=_why(entry, now, in_place, library))


def _why(entry: Entry, now: Identity | None, in_place: bool, library) -> Decision:
    done = f"imported on {(entry.finished_at or entry.started_at)[:10]} by job {entry.job_id[:8]} as " \
           f"{display(entry.destination)}"
    later = library.journal.later_replacement(entry.destination, entry.started_at)
    if later is not None and later.job_id != entry.job_id:
        since = f"job {later.job_id[:8]} replaced it with a better file on {later.started_at[:10]}"
    elif in_place:
        since = "its media_files row has since been removed from the library (by Mydia or a user)"
    elif now is None:
        since = "the library file has since been removed"
    else:
        since = "the library file has been changed since"
    return rules.imported_before(done, since)


def moved_videos(releases: Iterable[Path], library, configured: dict[Path, LibraryRoot]) -> list[PlannedFile]:
    """The videos of these release folders that an earlier run already moved into the library
    (`--mode move`): gone from the downloads, so discovery cannot find them, but their subtitles,
    extras and .nfo still match against them. A run killed (or failed) between a video and its
    subtitle leaves the subtitle in the release; without this, every later run would skip it
    ("no video of this release matches this subtitle"). Each is ALREADY_IMPORTED, for the
    companions only: it is never reported or executed."""
    found = []
    for release in sorted(set(releases)):
        for entry in library.journal.moved_videos_under(release):
            if entry.record is None or os.path.lexists(entry.source):
                continue  # still in the downloads: discovery finds it itself
            root = recovery.root_of(entry.record)
            now = Identity.of(entry.destination, follow=False)
            if root.path not in configured or entry.dest_identity is None \
                    or not entry.dest_identity.same_content_as(now):
                continue  # no longer the file that run put there: nothing to place beside it
            size = entry.source_identity.size if entry.source_identity else 0
            found.append(PlannedFile(Candidate(entry.source, release, size, Kind.VIDEO), Status.ALREADY_IMPORTED,
                                     destination=entry.destination, root=configured[root.path],
                                     release=recovery.release_of(entry.record),
                                     match=recovery.match_of(entry.record)))
    return found
