"""The tool's bookkeeping for download clients.

- `import_pending_cleanups`: torrents imported whose clean-up in the client is
  still to come (seeding towards their goal, or the client was unreachable);
  every later run checks them again.
- `download_client` / `download_client_id` in `media_files.metadata`: which
  client and torrent a library file came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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


def annotate_files(library, media_file_ids: Iterable[str], values: Mapping[str, Any]) -> int:
    """Add `values` to the metadata of these media_files rows; returns how many changed."""
    changed = 0
    with library.transaction():
        for file_id in dict.fromkeys(media_file_ids):
            text = library.db.value("SELECT metadata FROM media_files WHERE id = ?", [file_id])
            if text is None and not library.db.value("SELECT 1 FROM media_files WHERE id = ?", [file_id]):
                continue
            try:
                metadata = json.loads(text) if text else {}
            except ValueError:
                metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            metadata.update(values)
            library.db.execute("UPDATE media_files SET metadata = ? WHERE id = ?",
                               [json.dumps(metadata, default=str, ensure_ascii=False), file_id])
            changed += 1
    return changed
