"""Finish or roll back what a killed run left half done.

Every transfer is journaled (library/journal.py) before its first byte moves.
A run that was killed (SIGKILL, power cut, OOM) leaves its rows `started`; the
next run, holding the run lock so that no other run is at work, resolves each:

- the destination holds the file this transfer put there (right size; for a
  hardlink or a move on one filesystem, the source's inode): the file is
  complete, because only a complete, verified, fsynced file ever gets its
  final name. The transfer is completed: a move's source is removed if it is
  still the same file, the file is recorded, the job gets its line;
- otherwise it never got there: the temporary file is removed, a file moved
  to the recycle folder for it is put back, and the source, never touched
  before the new file had its name, is left as it is.

Either way the library and the database agree again, and the job that was
killed is marked `interrupted` with its counts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mydia_import import decisions as rules
from mydia_import.archives import stage
from mydia_import.decisions import Decision
from mydia_import.errors import LibraryError, MydiaImportError
from mydia_import.execute import recycle, retire, tidy
from mydia_import.library.journal import DONE, FAILED, ROLLED_BACK, Entry, Identity
from mydia_import.models import (
    Action,
    EpisodeRef,
    FileResult,
    Kind,
    LibraryRoot,
    Match,
    MediaRef,
    MediaType,
    PlannedFile,
    Release,
    Status,
    TransferMode,
)

INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Recovered:
    """What recovery did with one unfinished transfer."""

    entry: Entry
    completed: bool
    reason: str


# --- what a journal row needs to record its file later --------------------------


def record_payload(p: PlannedFile, metadata: dict[str, Any] | None, brought: Any = ()) -> dict[str, Any]:
    """Everything recording needs, as JSON: written before the transfer starts.

    It also says which folders the transfer is about to create (the highest one missing now),
    so that a transfer that does not stay removes them again (`_remove_made_folders`), and which
    library files an upgrade retires (with the subtitles its release brings, `brought`), so that
    the next run retires them when it records a new file a killed run placed."""
    assert p.root is not None and p.destination is not None
    match = p.match
    made = tidy.missing_top(p.destination.parent, p.root.path)
    return {
        "root": {"id": p.root.id, "path": str(p.root.path), "type": p.root.type},
        "relative": p.destination.relative_to(p.root.path).as_posix(),
        "made_folders": None if made is None else made.relative_to(p.root.path).as_posix(),
        "match": record_match(match),
        "release": None if p.release is None else {
            f.name: _plain(getattr(p.release, f.name)) for f in dataclasses.fields(Release)},
        "metadata": metadata,
        "release_name": p.candidate.release.name,
        **({"retires": [str(r) for r in p.retires], "brought": sorted(brought)} if p.retires else {}),
    }


def record_match(match: Match | None) -> dict[str, Any] | None:
    """A match as JSON, as `match_of` reads it back."""
    return None if match is None else {
        "item": {"id": match.item.id, "type": str(match.item.type), "title": match.item.title,
                 "year": match.item.year},
        "episodes": [{"id": e.id, "season": e.season, "episode": e.episode, "title": e.title,
                      "air_date": e.air_date.isoformat() if e.air_date else None} for e in match.episodes],
    }


def root_of(record: dict[str, Any]) -> LibraryRoot:
    root = record["root"]
    return LibraryRoot(root["id"], Path(root["path"]), root["type"])


def match_of(record: dict[str, Any]) -> Match | None:
    data = record.get("match")
    if not data:
        return None
    item = data["item"]
    episodes = tuple(
        EpisodeRef(e["id"], e["season"], e["episode"], e.get("title"),
                   dt.date.fromisoformat(e["air_date"]) if e.get("air_date") else None)
        for e in data["episodes"])
    return Match(MediaRef(item["id"], MediaType(item["type"]), item["title"], item.get("year")), episodes)


def release_of(record: dict[str, Any]) -> Release | None:
    data = record.get("release")
    if not data:
        return None
    values = dict(data)
    for name in ("episodes", "absolute"):
        values[name] = tuple(values.get(name) or ())
    if values.get("air_date"):
        values["air_date"] = dt.date.fromisoformat(values["air_date"])
    known = {f.name for f in dataclasses.fields(Release)}
    return Release(**{k: v for k, v in values.items() if k in known})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


# --- recovering one transfer ------------------------------------------------------


def landed(entry: Entry) -> bool:
    """The destination holds the file this transfer put there (complete by construction: only a
    complete, verified file ever gets its final name)."""
    now = Identity.of(entry.destination, follow=False)
    if now is None:
        return False
    if entry.replaced_identity is not None and entry.replaced_identity.same_content_as(now):
        return False  # still the old file: the new one never took its place
    if entry.operation == str(Action.SYMLINK):
        with contextlib.suppress(OSError):
            return os.readlink(entry.destination) == os.path.abspath(entry.source)
        return False
    source = entry.source_identity
    # The same size; for a hardlink or a move on one filesystem also the same inode, for a
    # copy (or a move across filesystems, or an auto hardlink that became a copy) another one.
    return source is not None and now.size == source.size


def roll_back(library, entry: Entry, reason: str, state: str = ROLLED_BACK) -> None:
    """The new file never got its name: remove the temporary file, put back what was displaced."""
    if entry.temp is not None:
        with contextlib.suppress(OSError):
            os.unlink(entry.temp)
    restored = _restore_displaced(entry)
    _remove_made_folders(entry)
    # Keep the recycle path only while a file is there that did not go back (the user may want it).
    left = entry.recycled is not None and os.path.lexists(entry.recycled)
    library.journal.finish(entry.id, state, reason=reason, recycled=None if restored or not left else True)


def take_back(library, entry: Entry, action: Action, reason: str) -> None:
    """The file is in place but must go (its record failed, or `undo`): a move goes back to its
    source, anything else is removed; then what it displaced comes back. Raises OSError."""
    from mydia_import.execute.transfer import transfer

    dest, source = entry.destination, entry.source
    if action is Action.MOVE:
        if os.path.lexists(dest):
            if os.path.lexists(source):
                raise FileExistsError(f"{source} exists again; {dest} was not moved back over it")
            transfer(dest, source, TransferMode.MOVE)
    elif os.path.lexists(dest):
        os.unlink(dest)
    _restore_displaced(entry)
    _remove_made_folders(entry)
    library.journal.finish(entry.id, ROLLED_BACK, reason=reason, recycled=None)


def _restore_displaced(entry: Entry) -> bool:
    """Undo what the transfer did to the file it displaced; True when nothing is left aside.

    The old file got a second name in the recycle folder before the new one replaced it:
    if the destination still holds the old file, that second name goes; if the destination
    is empty, the old file moves back."""
    recycled = entry.recycled
    if recycled is None or not os.path.lexists(recycled):
        return False
    if os.path.lexists(entry.destination):
        now = Identity.of(entry.destination, follow=False)
        if entry.replaced_identity is not None and entry.replaced_identity.same_content_as(now):
            os.unlink(recycled)
            return True
        return False  # another file is there: leave both for the user
    recycle.move_aside(recycled, entry.destination)
    return True


def _remove_made_folders(entry: Entry) -> None:
    """The library folders this transfer created, now that its file is not there, if empty."""
    record = entry.record or {}
    if not record.get("root"):
        return
    root = Path(record["root"]["path"])
    if "made_folders" not in record:  # a journal row from before the key: any empty folder up to the root
        tidy.remove_empty_folders(entry.destination.parent, root)
    elif record["made_folders"] is not None:
        tidy.remove_empty_folders(entry.destination.parent, root, top=root / record["made_folders"])


def complete(library, entry: Entry, reason: str, settings: Any = None) -> str | None:
    """The file is in place: finish a move, record the file (and retire what an upgrade
    replaces at other paths, execute/retire.py); returns the media_files id."""
    source = entry.source
    if entry.operation == str(Action.MOVE) and os.path.lexists(source):
        now = Identity.of(source)
        if entry.source_identity is not None and entry.source_identity.same_content_as(now):
            os.unlink(source)  # the library copy is complete; the move was only missing this step
    if entry.temp is not None:
        with contextlib.suppress(OSError):
            os.unlink(entry.temp)
    record = entry.record or {}
    dest_identity = Identity.of(entry.destination, follow=False)
    action = _action_of(entry)
    steps: list[retire.Step] = []
    with library.transaction():
        media_file_id = None
        match = match_of(record) if record else None
        if entry.kind == str(Kind.VIDEO) and match is not None:
            root = root_of(record)
            size = dest_identity.size if dest_identity else 0
            media_file_id = library.record_file(
                root, record["relative"], size=size, match=match, release=release_of(record),
                metadata=record.get("metadata") or {})
            if record.get("retires"):
                steps = retire.begin_for(library, entry.job_id, settings, entry.destination, root,
                                         [Path(r) for r in record["retires"]], record.get("brought") or ())
        library.journal.finish(entry.id, DONE, action=str(action), dest_identity=dest_identity,
                               media_file_id=media_file_id, reason=reason)
    retire.finish(library, steps)
    return media_file_id


def _action_of(entry: Entry) -> Action:
    if entry.action:
        return Action(entry.action)
    if entry.operation == str(Action.HARDLINK):
        now = Identity.of(entry.destination, follow=False)
        same = entry.source_identity is not None and now is not None and now.inode == entry.source_identity.inode
        return Action.HARDLINK if same else Action.COPY
    return Action(entry.operation) if entry.operation in set(Action) else Action.NONE


# --- the whole library ----------------------------------------------------------


def recover(library, settings: Any = None) -> list[Recovered]:
    """Recover every unfinished transfer and close every job left running. Call it holding the run lock.
    settings: where retired files go ([recycle] path); None: the default recycle folder."""
    recovered = []
    touched_jobs = set()
    for entry in library.journal.unfinished():
        touched_jobs.add(entry.job_id)
        recovered.append(_recover_one(library, entry, settings))
    for job in library.running_jobs():
        touched_jobs.add(job.id)
    for job_id in touched_jobs:
        job = library.job(job_id)
        if job is not None and job.status == "running":
            library.finish_job(job_id, library.job_summary_counts(job_id), INTERRUPTED)
    stage.clean_up(library)  # the work folders of killed extractions (their transfers recovered above)
    return recovered


def _recover_one(library, entry: Entry, settings: Any = None) -> Recovered:
    record = entry.record or {}
    if entry.operation in (retire.RETIRE, retire.RENAME):  # the file that replaced it is recorded
        try:
            return Recovered(entry, True, retire.recover(library, entry))
        except OSError as error:
            text = f"interrupted, and {entry.source} could not be moved afterwards ({error}); it stays"
            library.journal.finish(entry.id, FAILED, reason=text, recycled=None)
            return Recovered(entry, False, text)
    if landed(entry):
        reason = rules.RECOVERED
        try:
            media_file_id = complete(library, entry, reason, settings)
        except (OSError, LibraryError) as error:
            text = f"interrupted, and could not be completed afterwards ({error}); the file is at its destination"
            library.journal.finish(entry.id, FAILED, reason=text)
            _job_line(library, entry, record, Status.FAILED, Action.NONE, rules.interrupted(text), None)
            return Recovered(entry, False, text)
        _job_line(library, entry, record, Status.IMPORTED, _action_of(entry), rules.recovered(), media_file_id)
        return Recovered(entry, True, reason)
    reason = ("interrupted before the file was in place; rolled back (the source is untouched); "
              "a later run imports it")
    try:
        roll_back(library, entry, reason)
    except (OSError, MydiaImportError) as error:
        reason = f"interrupted, and the roll-back failed ({error}); run the import again"
        library.journal.finish(entry.id, FAILED, reason=reason)
    _job_line(library, entry, record, Status.FAILED, Action.NONE, rules.interrupted(reason), None)
    return Recovered(entry, False, reason)


def _job_line(library, entry: Entry, record: dict[str, Any], status: Status, action: Action, why: Decision,
              media_file_id: str | None) -> None:
    with contextlib.suppress(MydiaImportError, KeyError, ValueError):
        result = FileResult(
            source=entry.source, kind=Kind(entry.kind), status=status, action=action,
            destination=entry.destination if status is Status.IMPORTED else None, why=why,
            match=match_of(record) if record else None, media_file_id=media_file_id,
            size=entry.source_identity.size if entry.source_identity else 0,
        )
        library.record_job_file(entry.job_id, result, release_name=record.get("release_name"))
