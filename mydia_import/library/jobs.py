"""Import history: one import_jobs row per run, one import_job_files row per file."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mydia_import.decisions import Code
from mydia_import.errors import LibraryError
from mydia_import.library.db import Database, new_id, ordered_id, parse_timestamp, timestamp
from mydia_import.library.lookup import media_ref
from mydia_import.library.results import JobFile, JobSummary
from mydia_import.models import Action, EpisodeRef, FileResult, Kind, Status
from mydia_import.pathtext import db_path, db_text, json_dumps, path_from_db

RUNNING = "running"
_OUTCOME = "_outcome"  # the key of a job's outcome digest in its stored summary
# A job counts as failed when it says so or when any of its files failed.
FAILED_STATUSES = ("failed", "partial", "interrupted")

_JOB_SELECT = """
SELECT j.*, (SELECT count(*) FROM import_job_files f WHERE f.job_id = j.id) AS files
FROM import_jobs j
"""


def start_job(
    db: Database, command: str, arguments: Mapping[str, Any], mode: str, dry_run: bool = False
) -> str:
    job_id = new_id()
    db.insert("import_jobs", {
        "id": job_id, "command": command, "started_at": timestamp(precise=True),
        "dry_run": int(dry_run), "mode": str(mode), "status": RUNNING,
        "arguments": _json(arguments),
    })
    return job_id


def record_job_file(
    db: Database, job_id: str, result: FileResult, release_name: str | None = None
) -> str:
    file_id, values = _job_file_row(job_id, result, release_name)
    db.insert("import_job_files", values)
    return file_id


def record_job_files(db: Database, job_id: str, results: Sequence[tuple[FileResult, str | None]]) -> list[str]:
    """Many files' lines (result, release name) in one transaction: one commit, not one each."""
    now = timestamp(precise=True)  # one moment: the lines are written together
    rows = [_job_file_row(job_id, result, name, now) for result, name in results]
    if rows:
        columns = list(rows[0][1])
        marks = ", ".join("?" for _ in columns)
        with db.transaction():
            db.executemany(f"INSERT INTO import_job_files ({', '.join(columns)}) VALUES ({marks})",
                           [[values[c] for c in columns] for _, values in rows])
    return [file_id for file_id, _ in rows]


def _job_file_row(job_id: str, result: FileResult, release_name: str | None,
                  recorded_at: str | None = None) -> tuple[str, dict[str, Any]]:
    episodes = [{"id": e.id, "season": e.season, "episode": e.episode}
                for e in (result.match.episodes if result.match else ())]
    file_id = ordered_id()
    return file_id, {
        # The source exactly (retry reads it back); reasons and names only for people.
        "id": file_id, "job_id": job_id, "source": db_path(result.source),
        "destination": db_path(result.destination) if result.destination else None,
        "kind": str(result.kind), "action": str(result.action), "status": str(result.status),
        "reason": db_text(result.reason), "release_name": db_text(release_name),
        "media_item_id": result.match.item.id if result.match else None,
        "episodes": json.dumps(episodes), "media_file_id": result.media_file_id,
        "size": result.size, "recorded_at": recorded_at or timestamp(precise=True),
        "code": None if result.code is None else str(result.code),
    }


def finish_job(db: Database, job_id: str, summary: Mapping[str, Any], status: str,
               outcome: str | None = None, replaces: str | None = None) -> None:
    """Close a job. `outcome`: the digest of what it found, stored under a key history leaves out;
    `replaces`: an earlier job of unchanged runs that this one now stands for, deleted with it."""
    stored = {**summary, _OUTCOME: outcome} if outcome else summary
    with db.transaction():
        cursor = db.execute(
            "UPDATE import_jobs SET finished_at = ?, summary = ?, status = ? WHERE id = ?",
            [timestamp(precise=True), _json(stored), status, job_id],
        )
        if cursor.rowcount == 0:
            raise LibraryError(f"there is no import job {job_id} in the library database {db.name}")
        if replaces is not None:
            # Its foreign keys would take journal rows along: only a job that has none goes.
            db.execute("DELETE FROM import_jobs WHERE id = ? AND NOT EXISTS "
                       "(SELECT 1 FROM import_transfers t WHERE t.job_id = import_jobs.id)", [replaces])


def previous(db: Database, job_id: str, command: str, arguments: Mapping[str, Any]) -> JobSummary | None:
    """The latest other finished job of the same command and arguments (the run before this one)."""
    row = db.row(_JOB_SELECT + " WHERE j.command = ? AND j.arguments = ? AND j.id != ? AND j.status NOT IN (?, ?) "
                 "ORDER BY j.started_at DESC, j.rowid DESC LIMIT 1",
                 [command, _json(arguments), job_id, RUNNING, "interrupted"])
    return _summary(row) if row else None


def journaled(db: Database, job_id: str) -> bool:
    """Whether the job has journal rows: it put (or tried to put) a file into the library."""
    return db.value("SELECT 1 FROM import_transfers WHERE job_id = ? LIMIT 1", [job_id]) is not None


def jobs(db: Database, limit: int = 20, failed_only: bool = False) -> list[JobSummary]:
    """The latest jobs, newest first."""
    sql = _JOB_SELECT
    if failed_only:
        marks = ", ".join("?" for _ in FAILED_STATUSES)
        sql += (
            f" WHERE j.status IN ({marks}) OR EXISTS (SELECT 1 FROM import_job_files f "
            "WHERE f.job_id = j.id AND f.status = ?)"
        )
    params = [*FAILED_STATUSES, str(Status.FAILED)] if failed_only else []
    rows = db.rows(sql + " ORDER BY j.started_at DESC, j.rowid DESC LIMIT ?", [*params, limit])
    return [_summary(r) for r in rows]


def job(db: Database, job_id: str) -> JobSummary | None:
    """One job by its id or by a prefix of it that names one job only."""
    row = db.row(_JOB_SELECT + " WHERE j.id = ?", [job_id])
    if row:
        return _summary(row)
    if len(job_id) < 4:
        return None
    escaped = job_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = db.rows(_JOB_SELECT + " WHERE j.id LIKE ? ESCAPE '\\' LIMIT 2", [escaped + "%"])
    if len(rows) > 1:
        raise LibraryError(f"more than one import job starts with {job_id}; give more of its id")
    return _summary(rows[0]) if rows else None


def job_files(db: Database, job_id: str) -> list[JobFile]:
    rows = db.rows(
        "SELECT f.*, m.id AS item_id, m.type AS item_type, m.title AS item_title, "
        "m.year AS item_year FROM import_job_files f "
        "LEFT JOIN media_items m ON m.id = f.media_item_id "
        "WHERE f.job_id = ? ORDER BY f.recorded_at, f.rowid",
        [job_id],
    )
    return [_job_file(r) for r in rows]


def running(db: Database) -> list[JobSummary]:
    """Jobs still marked running: under the run lock, those of runs that died."""
    return [_summary(r) for r in db.rows(_JOB_SELECT + " WHERE j.status = ? ORDER BY j.started_at",
                                         [RUNNING])]


def summarize(db: Database, job_id: str) -> dict[str, int]:
    """The summary counts of a job from its recorded files."""
    counts = {str(status): n for status, n in db.execute(
        "SELECT status, count(*) FROM import_job_files WHERE job_id = ? GROUP BY status", [job_id]).fetchall()}
    return {"imported": counts.get("imported", 0), "planned": counts.get("planned", 0),
            "already_imported": counts.get("already-imported", 0), "skipped": counts.get("skipped", 0),
            "failed": counts.get("failed", 0)}


def delete_job(db: Database, job_id: str) -> bool:
    """Forget a job and its files (for `undo`); False if unknown."""
    return db.execute("DELETE FROM import_jobs WHERE id = ?", [job_id]).rowcount > 0


def _json(value: Mapping[str, Any]) -> str:
    return json_dumps(dict(value), default=str)  # paths given by the user may not be UTF-8


def _loads(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _summary(row: dict[str, Any]) -> JobSummary:
    started = parse_timestamp(row["started_at"])
    assert started is not None
    summary = _loads(row["summary"]) or {}
    outcome = summary.pop(_OUTCOME, None)
    return JobSummary(
        id=row["id"], command=row["command"], started_at=started,
        finished_at=parse_timestamp(row["finished_at"]), dry_run=bool(row["dry_run"]),
        mode=row["mode"], status=row["status"], summary=summary,
        arguments=_loads(row["arguments"]) or {}, files=row["files"], outcome=outcome,
    )


def _code(text: str | None) -> Code | None:
    """A line's code; None on lines from before codes, or with a code this version does not know."""
    try:
        return Code(text) if text else None
    except ValueError:
        return None


def _job_file(row: dict[str, Any]) -> JobFile:
    item = None
    if row["item_id"]:
        item = media_ref({"id": row["item_id"], "type": row["item_type"],
                          "title": row["item_title"], "year": row["item_year"]})
    episodes = tuple(
        EpisodeRef(e.get("id", ""), e["season"], e["episode"])
        for e in _loads(row["episodes"]) or ()
    )
    recorded = parse_timestamp(row["recorded_at"])
    assert recorded is not None
    return JobFile(
        id=row["id"], job_id=row["job_id"], source=path_from_db(row["source"]),
        destination=path_from_db(row["destination"]) if row["destination"] else None,
        kind=Kind(row["kind"]), action=Action(row["action"]), status=Status(row["status"]),
        reason=row["reason"], release_name=row["release_name"],
        media_item_id=row["media_item_id"], media_item=item, episodes=episodes,
        media_file_id=row["media_file_id"], size=row["size"] or 0, recorded_at=recorded,
        code=_code(row.get("code")),
    )
