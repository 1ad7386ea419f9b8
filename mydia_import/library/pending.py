"""The tool's bookkeeping for download clients.

- `import_pending_cleanups`: torrents imported whose clean-up in the client is
  still to come (seeding towards their goal, or the client was unreachable);
  every later run checks them again.
- `download_client` / `download_client_id` in `media_files.metadata`: which
  client and torrent a library file came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from mydia_import.library.db import timestamp


@dataclass(frozen=True)
class PendingCleanup:
    client: str
    download_id: str
    name: str | None
    job_id: str | None
    reason: str | None
    added_at: str
    checked_at: str | None


def add(library, client: str, download_id: str, *, name: str | None, job_id: str | None, reason: str) -> None:
    """Remember a torrent to clean up later (again: the newest job and reason win)."""
    now = timestamp(precise=True)
    library.db.execute(
        "INSERT INTO import_pending_cleanups (client, download_id, name, job_id, reason, added_at, checked_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client, download_id) DO UPDATE SET "
        "name = excluded.name, job_id = excluded.job_id, reason = excluded.reason, checked_at = excluded.checked_at",
        [client, download_id, name, job_id, reason, now, now],
    )


def pending(library, client: str | None = None) -> list[PendingCleanup]:
    where, params = ("WHERE client = ?", [client]) if client else ("", [])
    rows = library.db.rows(f"SELECT * FROM import_pending_cleanups {where} ORDER BY added_at", params)
    return [PendingCleanup(**row) for row in rows]


def checked(library, client: str, download_id: str, reason: str) -> None:
    library.db.execute(
        "UPDATE import_pending_cleanups SET reason = ?, checked_at = ? WHERE client = ? AND download_id = ?",
        [reason, timestamp(precise=True), client, download_id],
    )


def done(library, client: str, download_id: str) -> None:
    library.db.execute("DELETE FROM import_pending_cleanups WHERE client = ? AND download_id = ?",
                       [client, download_id])
