"""The table `import_skipped_archives`: archive sets a run did not extract (incomplete, failing
their `.sfv`, unreadable, passworded, damaged, or holding nothing the library wants), with the
fingerprint of their volumes, so that a scan does not read an unchanged bad set again."""

from __future__ import annotations

import json
from dataclasses import dataclass

from mydia_import.library.db import timestamp


@dataclass(frozen=True)
class Skipped:
    reason: str
    members: list[str] | None  # the videos it holds when the library wanted none of them, else None
    at: str


def remember(library, first_volume: str, fingerprint: str, reason: str, members: list[str] | None = None) -> None:
    with library.transaction():
        library.db.execute(
            "INSERT OR REPLACE INTO import_skipped_archives (first_volume, fingerprint, reason, members, skipped_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [first_volume, fingerprint, reason, None if members is None else json.dumps(members), timestamp()])


def recall(library, first_volume: str, fingerprint: str) -> Skipped | None:
    """The skip of this set while its volumes are unchanged, or None."""
    rows = library.db.rows("SELECT * FROM import_skipped_archives WHERE first_volume = ? AND fingerprint = ?",
                           [first_volume, fingerprint])
    if not rows:
        return None
    row = rows[0]
    return Skipped(row["reason"], json.loads(row["members"]) if row["members"] else None, row["skipped_at"])


def forget(library, first_volume: str) -> None:
    with library.transaction():
        library.db.execute("DELETE FROM import_skipped_archives WHERE first_volume = ?", [first_volume])
