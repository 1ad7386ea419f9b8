"""`undo JOB` and `retry JOB`.

Undo reverses one import job from its journal (library/journal.py): what the
job moved goes back to its source, what it linked or copied is removed, what
it replaced comes back from the recycle folder, its media_files rows go (or
become again what they were), the folders it made go when empty, and the
job is forgotten. It checks everything
first and touches nothing unless every step is safe: it refuses when a
library file changed since the job made it, when a later job replaced it,
when removing a copy would delete the only one (its source is gone), or when
the file to put back is no longer in the recycle folder.

Retry imports a job's failed files again, as a new job, from the release
folders they were found in (so that folder names still help to identify them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from mydia_import.decisions import Code
from mydia_import.errors import MydiaImportError
from mydia_import.execute import recovery, retire
from mydia_import.library.journal import DONE, Entry, Identity
from mydia_import.models import Action, ConflictPolicy, Status, TransferMode
from mydia_import.pathtext import display


class UndoRefused(MydiaImportError):
    """Undo would lose or overwrite a file: nothing was done."""


@dataclass(frozen=True)
class Step:
    """One thing undo does."""

    entry: Entry
    action: str  # "remove" | "move back" | "forget" | "gone" | "put back"
    restore: Path | None = None  # a file coming back from the recycle folder

    def describe(self) -> str:
        dest = display(self.entry.destination)
        text = {
            "remove": f"remove {dest}",
            "move back": f"move {dest} back to {display(self.entry.source)}",
            "forget": f"forget the record of {dest} (the file stays)",
            "gone": f"{dest} is no longer there; forget its record",
            "put back": f"put {display(self.entry.source)} back from {display(retire.moved_to(self.entry))}",
        }[self.action]
        if self.restore is not None:
            text += f", and put back the file it replaced from {display(self.restore)}"
        return text

    def to_json(self) -> dict:
        return {"destination": str(self.entry.destination), "source": str(self.entry.source),
                "step": self.action, "restored_from": str(self.restore) if self.restore else None}


@dataclass
class UndoPlan:
    job_id: str
    command: str
    steps: list[Step] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


def find_job(library, job_ref: str):
    job = library.job(job_ref)
    if job is None:
        raise MydiaImportError(f"there is no import job {job_ref!r} in this library; `mydia-import history` "
                               "lists the jobs and their ids")
    return job


def plan_undo(library, job_ref: str) -> UndoPlan:
    job = find_job(library, job_ref)
    plan = UndoPlan(job.id, job.command)
    if job.status == "running":
        plan.refusals.append(f"job {job.id[:8]} is still running (or its run was killed and no run has "
                             "recovered it yet: run any import or scan first)")
    for entry in library.journal.for_job(job.id):
        if entry.state != DONE:
            continue  # failed and rolled-back transfers left nothing behind
        step, refusal = _step(library, entry)
        if refusal:
            plan.refusals.append(refusal)
        elif step is not None:
            plan.steps.append(step)
    return plan


def _step(library, entry: Entry) -> tuple[Step | None, str | None]:
    dest, source = entry.destination, entry.source
    if entry.operation == "record":
        return Step(entry, "forget"), None
    if entry.operation in (retire.RETIRE, retire.RENAME):
        why = retire.refusal(entry)
        return (None, why) if why else (Step(entry, "put back"), None)
    later = library.journal.later_replacement(dest, entry.started_at)
    if later is not None and later.job_id != entry.job_id:
        return None, (f"{display(dest)} was replaced by job {later.job_id[:8]} since; undo that job first")
    restore = None
    if entry.recycled is not None:
        if entry.recycle_purged_at:
            return None, (f"the file {display(dest)} replaced was deleted from the recycle folder on "
                          f"{entry.recycle_purged_at[:10]} ([recycle] days); undo would leave nothing there")
        if not os.path.lexists(entry.recycled):
            return None, (f"the file {display(dest)} replaced is no longer at {display(entry.recycled)}; "
                          "put it back there to undo")
        restore = entry.recycled
    now = Identity.of(dest, follow=False)
    if now is None:
        return Step(entry, "gone", restore), None
    if entry.dest_identity is None or not entry.dest_identity.same_content_as(now):
        return None, (f"{display(dest)} has changed since the job put it there; undo leaves it alone "
                      "(move it away yourself to undo the job)")
    action = Action(entry.action) if entry.action else Action.NONE
    if action is Action.MOVE:
        if os.path.lexists(source):
            return None, f"{display(source)} exists again; moving {display(dest)} back would overwrite it"
        return Step(entry, "move back", restore), None
    if action in (Action.COPY, Action.REFLINK, Action.HARDLINK):
        source_now = Identity.of(source)
        if source_now is None:
            return None, (f"{display(source)} is gone, so {display(dest)} is the only copy of it; undo will "
                          "not delete it (remove it yourself if that is what you want)")
        if entry.source_identity is not None and not entry.source_identity.same_content_as(source_now):
            return None, (f"{display(source)} has changed since the job, so {display(dest)} may be the only "
                          "copy of what was imported; undo will not delete it")
    return Step(entry, "remove", restore), None


def undo(library, plan: UndoPlan) -> list[Step]:
    """Carry out a plan without refusals; returns the steps done. Call it holding the run lock."""
    if plan.refusals:
        raise UndoRefused(f"undo of job {plan.job_id[:8]} refused, nothing was changed: " + "; ".join(plan.refusals))
    for step in reversed(plan.steps):
        entry = step.entry
        if step.action == "put back":
            try:
                retire.put_back(library, entry)
            except OSError as error:
                raise MydiaImportError(
                    f"undo of job {plan.job_id[:8]} stopped at {display(entry.source)}: {error}; what was "
                    "undone before is undone, run undo again when the cause is fixed") from error
            continue
        if step.action in ("remove", "move back", "gone"):
            try:
                recovery.take_back(library, entry, Action(entry.action or "none"), "undone")
            except OSError as error:
                raise MydiaImportError(
                    f"undo of job {plan.job_id[:8]} stopped at {display(entry.destination)}: {error}; what was "
                    "undone before is undone, run undo again when the cause is fixed") from error
        with library.transaction():
            if entry.media_file_id:
                if entry.replaced_row:
                    library.restore_file(entry.replaced_row)
                else:
                    library.delete_file(entry.media_file_id)
            library.journal.delete_entry(entry.id)
    library.delete_job(plan.job_id)
    return plan.steps


# --- retry ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPlan:
    job_id: str
    paths: tuple[Path, ...]
    only: frozenset[Path]
    mode: TransferMode | None
    conflict: ConflictPolicy | None
    missing: tuple[Path, ...]


def plan_retry(library, job_ref: str) -> RetryPlan:
    job = find_job(library, job_ref)
    wanted = [f for f in library.job_files(job.id) if f.status is Status.FAILED or (
        f.status is Status.SKIPPED and f.code is Code.VIDEO_FAILED)]
    paths: dict[Path, None] = {}
    missing = []
    for f in wanted:
        if not os.path.lexists(f.source):
            missing.append(f.source)
            continue
        paths.setdefault(_release_of(f.source, f.release_name), None)
    arguments = job.arguments or {}
    return RetryPlan(
        job.id, tuple(paths), frozenset(f.source for f in wanted if f.source not in missing),
        _enum(TransferMode, arguments.get("mode")), _enum(ConflictPolicy, arguments.get("conflict")),
        tuple(missing))


def _release_of(source: Path, release_name: str | None) -> Path:
    """The release folder the file was found in (its name is recorded), or the file itself."""
    if release_name:
        for folder in source.parents:
            if folder.name == release_name:
                return folder
    return source


def _enum(kind, value):
    try:
        return kind(value) if value else None
    except ValueError:
        return None
