"""Pruning the job history: old jobs and their file lines go, the journal stays.

A job's journal rows (import_transfers) are how later runs know a source was imported and
what undo reverses, and the table's foreign key would delete them with their job. So a job
with journal rows keeps its row (its counts) and loses only its file lines; a job without
any (nothing imported, nothing tried) goes entirely. Running jobs are never touched.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from mydia_import.library.db import Database

_BATCH = 500  # ids in one IN (...): well under SQLite's limit on parameters


@dataclass(frozen=True)
class Pruned:
    """What a prune removed (or, for a dry run, would remove)."""

    jobs: int = 0  # job rows deleted, with their file lines
    file_lines: int = 0  # import_job_files rows deleted, theirs and those of the kept jobs
    kept_jobs: int = 0  # old jobs whose row stays for their journal rows (undo, re-scans)

    def to_json(self) -> dict[str, int]:
        return {"jobs": self.jobs, "file_lines": self.file_lines, "kept_jobs": self.kept_jobs}


def prune(db: Database, *, before: str | None, keep: int, dry_run: bool = False) -> Pruned:
    """Prune the jobs started before `before` (a timestamp) or older than the `keep` newest
    (0: no limit); with neither, nothing."""
    rules, params = [], []
    if before is not None:
        rules.append("j.started_at < ?")
        params.append(before)
    if keep > 0:
        rules.append("j.id NOT IN (SELECT id FROM import_jobs ORDER BY started_at DESC, rowid DESC LIMIT ?)")
        params.append(keep)
    if not rules:
        return Pruned()
    # One transaction: what is counted is what goes, whatever another process does meanwhile.
    with contextlib.nullcontext() if dry_run else db.transaction():
        # Only jobs left with something to prune: a kept job whose lines went is not counted again.
        rows = [(job_id, bool(journaled), lines) for job_id, journaled, lines in db.execute(
            "SELECT j.id, EXISTS (SELECT 1 FROM import_transfers t WHERE t.job_id = j.id), "
            "(SELECT count(*) FROM import_job_files f WHERE f.job_id = j.id) FROM import_jobs j "
            f"WHERE j.status != 'running' AND ({' OR '.join(rules)})", params).fetchall() if lines or not journaled]
        gone = [job_id for job_id, journaled, _ in rows if not journaled]
        if not dry_run:
            _delete(db, "DELETE FROM import_job_files WHERE job_id IN ({})", [job_id for job_id, _, _ in rows])
            _delete(db, "DELETE FROM import_jobs WHERE id IN ({})", gone)
    return Pruned(len(gone), sum(lines for _, _, lines in rows), len(rows) - len(gone))


def _delete(db: Database, sql: str, ids: list[str]) -> None:
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start:start + _BATCH]
        db.execute(sql.format(", ".join("?" for _ in chunk)), chunk)
