"""Retiring the library videos a better file replaced at another path, and carrying their
subtitles over to it.

An upgrade whose new file has another name than the old one (another container, a double
episode over two singles) cannot displace the old file in one rename. Instead, once the new
file is placed, each old one (a rival, plan/rivals.py) is retired: in the transaction that records
the new file, the old one's media_files row goes and a journal row `retire` is written; then the
old file moves to the recycle folder and its journal row ends `done`. A run killed in between is
finished by the next (`recover`, called by execute/recovery.py); `undo` puts the file and its row back.

The old video's subtitles follow it: those the new release brings take their place; the others
are renamed after the new video (journal rows `rename`), so no language is lost.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from mydia_import import decisions as rules
from mydia_import.discover.walk import SUBTITLE_EXTENSIONS
from mydia_import.execute import recycle
from mydia_import.library.journal import DONE, FAILED, Entry, Identity
from mydia_import.models import Kind, LibraryRoot, PlannedFile
from mydia_import.pathtext import display

RETIRE, RENAME = "retire", "rename"


@dataclass(frozen=True)
class Step:
    """One journaled retirement (to the recycle folder) or rename, not yet made."""

    entry_id: str
    operation: str
    path: Path
    target: Path  # the recycle folder's name for it, or its new name
    snapshot: dict | None  # its media_files row, put back if the step fails


def begin(library, job_id: str, settings, p: PlannedFile, brought: Collection[str]) -> list[Step]:
    """Inside the transaction that records `p`: a journal row for each file to retire or rename,
    and the retired videos' media_files rows deleted. `brought`: the destinations of the
    subtitles p's release brings (an old subtitle with one of those names is retired)."""
    assert p.destination is not None and p.root is not None
    return begin_for(library, job_id, settings, p.destination, p.root, p.retires, brought)


def begin_for(library, job_id: str, settings, destination: Path, root: LibraryRoot, retires: Collection[Path],
              brought: Collection[str]) -> list[Step]:
    """`begin` for the new video at `destination`; also for a video a killed run placed and the
    next run records (execute/recovery.py), from its journal row."""
    steps = []
    for old in retires:
        stored = library.file_at_path(old)
        snapshot = library.file_snapshot(stored.id) if stored is not None else None
        steps.append(_begin(library, job_id, settings, root, old, RETIRE, Kind.VIDEO, snapshot))
        if stored is not None:
            library.delete_file(stored.id)
        for subtitle, target in _subtitles_of(old, destination):
            if str(target) == str(subtitle):
                continue  # already named after the new video: kept, or replaced by the new release's
            if str(target) in brought or os.path.lexists(target):
                steps.append(_begin(library, job_id, settings, root, subtitle, RETIRE, Kind.SUBTITLE, None))
            else:
                steps.append(_begin(library, job_id, settings, root, subtitle, RENAME, Kind.SUBTITLE, None,
                                    target=target))
    return steps


def _begin(library, job_id: str, settings, root: LibraryRoot, path: Path, operation: str, kind: Kind,
           snapshot: dict | None, target: Path | None = None) -> Step:
    identity = Identity.of(path, follow=False)
    recycled = recycle.destination(settings, root, path) if operation == RETIRE else None
    entry_id = library.journal.begin(
        job_id, kind=str(kind), operation=operation, source=path, source_identity=identity,
        destination=path if operation == RETIRE else target, replaced_identity=identity, recycled=recycled,
        replaced_row=snapshot, record={"root": {"id": root.id, "path": str(root.path), "type": root.type}})
    return Step(entry_id, operation, path, recycled if recycled is not None else target, snapshot)


def finish(library, steps: list[Step]) -> list[str]:
    """After the commit: move each file; returns what could not be done, in words."""
    problems = []
    for step in steps:
        try:
            recycle.move_aside(step.path, step.target)
        except OSError as error:
            problems.append(_failed(library, step, error))
            continue
        library.journal.finish(step.entry_id, DONE)
    return problems


def _failed(library, step: Step, error: OSError) -> str:
    with library.transaction():
        if step.snapshot is not None:
            library.restore_file(step.snapshot)
        library.journal.finish(step.entry_id, FAILED, reason=str(error), recycled=None)
    where = "to the recycle folder" if step.operation == RETIRE else f"to {display(step.target)}"
    return f"{display(step.path)} could not be moved {where} ({error.strerror or error}) and stays"


def _subtitles_of(video: Path, new: Path) -> list[tuple[Path, Path]]:
    """The subtitles named after `video` beside it ("Old.en.srt"), each with its name after `new`."""
    stem = video.stem
    try:
        names = sorted(os.listdir(video.parent))
    except OSError:
        return []
    return [(video.parent / name, new.parent / f"{new.stem}{name[len(stem):]}") for name in names
            if name.startswith(stem + ".") and os.path.splitext(name)[1].lower() in SUBTITLE_EXTENSIONS]


# --- after a crash, and undo ----------------------------------------------------------------------


def moved_to(entry: Entry) -> Path | None:
    """Where a retired (or renamed) library file went: the recycle folder, or its new name."""
    return entry.recycled if entry.operation == RETIRE else entry.destination


def recover(library, entry: Entry) -> str:
    """Finish a retirement or rename a killed run left `started` (its record was committed)."""
    target = moved_to(entry)
    assert target is not None
    now = Identity.of(entry.source, follow=False)
    if now is not None and entry.source_identity is not None and entry.source_identity.same_content_as(now) \
            and not os.path.lexists(target):
        recycle.move_aside(entry.source, target)
    library.journal.finish(entry.id, DONE, reason=rules.RECOVERED)
    return rules.RECOVERED


def refusal(entry: Entry) -> str | None:
    """Why undo cannot put this retired or renamed file back, or None."""
    target = moved_to(entry)
    if entry.recycle_purged_at:
        return (f"{display(entry.source)}, which this job replaced, was deleted from the recycle folder on "
                f"{entry.recycle_purged_at[:10]} ([recycle] days); undo would leave nothing there")
    if target is None or not os.path.lexists(target):
        return f"{display(entry.source)}, which this job moved to {display(target)}, is no longer there"
    if os.path.lexists(entry.source):
        return f"{display(entry.source)} exists again; undo will not put the old file back over it"
    return None


def put_back(library, entry: Entry) -> None:
    """Undo: the file goes back where it was, with its media_files row."""
    target = moved_to(entry)
    assert target is not None
    recycle.move_aside(target, entry.source)
    with library.transaction():
        if entry.replaced_row:
            library.restore_file(entry.replaced_row)
        library.journal.delete_entry(entry.id)
    if entry.operation == RETIRE:
        with contextlib.suppress(OSError):
            os.rmdir(target.parent)  # the recycle folder's copy of its folder, now empty
