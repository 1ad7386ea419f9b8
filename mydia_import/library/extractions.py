"""The table `import_extractions`: archive sets being extracted (`started`, their work folder to
remove if the run dies) and sets extracted and imported (`done`, remembered for re-scans)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from mydia_import.library.db import new_id, timestamp

STARTED, DONE = "started", "done"


@dataclass(frozen=True)
class Extraction:
    id: str
    job_id: str | None
    first_volume: str
    fingerprint: str
    work: str
    state: str
    files: list[str]
    started_at: str
    finished_at: str | None


def _of(row: dict) -> Extraction:
    return Extraction(**{**row, "files": json.loads(row["files"] or "[]")})


def begin(library, job_id: str, first_volume: str, fingerprint: str, work: str) -> str:
    """A `started` row, committed before the first byte is extracted."""
    row_id = new_id()
    with library.transaction():
        library.db.execute(
            "INSERT INTO import_extractions (id, job_id, first_volume, fingerprint, work, state, started_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [row_id, job_id, first_volume, fingerprint, work, STARTED,
                                               timestamp(precise=True)])
    return row_id


def remember(library, row_id: str, files: list[str]) -> None:
    """The set's files were imported: `done`, the only row of its first volume."""
    with library.transaction():
        first = library.db.rows("SELECT first_volume FROM import_extractions WHERE id = ?", [row_id])
        if first:
            library.db.execute("DELETE FROM import_extractions WHERE first_volume = ? AND state = ? AND id != ?",
                               [first[0]["first_volume"], DONE, row_id])
        library.db.execute("UPDATE import_extractions SET state = ?, files = ?, finished_at = ? WHERE id = ?",
                           [DONE, json.dumps(files), timestamp(precise=True), row_id])


def forget(library, row_id: str) -> None:
    with library.transaction():
        library.db.execute("DELETE FROM import_extractions WHERE id = ?", [row_id])


def started(library) -> list[Extraction]:
    return [_of(r) for r in library.db.rows("SELECT * FROM import_extractions WHERE state = ?", [STARTED])]


def done_for(library, first_volume: str) -> Extraction | None:
    rows = library.db.rows("SELECT * FROM import_extractions WHERE first_volume = ? AND state = ? "
                           "ORDER BY finished_at DESC LIMIT 1", [first_volume, DONE])
    return _of(rows[0]) if rows else None
