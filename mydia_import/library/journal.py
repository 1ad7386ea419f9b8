"""import_transfers: the journal of every file a job puts into the library.

A row is written (and committed) before the first byte moves, in state
`started`, with everything needed to finish or roll back the transfer after a
crash: the source's identity, the destination, the temporary name, what was at
the destination before and where it goes in the recycle folder, and what to
record. It ends `done` (in the same transaction as the media_files row),
`failed` or `rolled-back`. Rows of a job go when the job is undone.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mydia_import.library.db import Database, new_id, timestamp
from mydia_import.pathtext import db_path, json_dumps, path_from_db

STARTED, DONE, FAILED, ROLLED_BACK = "started", "done", "failed", "rolled-back"
_BATCH = 500  # values in one IN (...): well under SQLite's limit on parameters


@dataclass(frozen=True)
class Identity:
    """What tells one file from another without reading it: size, mtime, inode, device."""

    size: int
    mtime_ns: int
    inode: int
    dev: int = 0

    @classmethod
    def of(cls, path: str | os.PathLike[str], *, follow: bool = True) -> Identity | None:
        try:
            st = os.stat(path) if follow else os.lstat(path)
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)

    def same_content_as(self, other: Identity | None) -> bool:
        """Same inode, size and mtime: the very file, unchanged."""
        return other is not None and (self.size, self.mtime_ns, self.inode) == (
            other.size, other.mtime_ns, other.inode)


@dataclass(frozen=True)
class Entry:
    """One row of the journal, with its paths as Paths and its JSON decoded."""

    id: str
    job_id: str
    kind: str
    operation: str
    action: str | None
    state: str
    source: Path
    source_identity: Identity | None
    destination: Path
    temp: Path | None
    dest_identity: Identity | None
    digest: str | None
    replaced_identity: Identity | None
    recycled: Path | None
    recycle_purged_at: str | None
    replaced_row: dict[str, Any] | None
    media_file_id: str | None
    record: dict[str, Any] | None
    reason: str | None
    started_at: str
    finished_at: str | None


class Journal:
    """The import_transfers rows of one open database."""

    def __init__(self, db: Database):
        self.db = db

    def begin(
        self, job_id: str, *, kind: str, operation: str, source: Path, source_identity: Identity | None,
        destination: Path, temp: Path | None = None, replaced_identity: Identity | None = None,
        recycled: Path | None = None, replaced_row: Mapping[str, Any] | None = None,
        record: Mapping[str, Any] | None = None,
    ) -> str:
        entry_id = new_id()
        values: dict[str, Any] = {
            "id": entry_id, "job_id": job_id, "kind": kind, "operation": operation, "state": STARTED,
            "source": db_path(source), "destination": db_path(destination),
            "temp": db_path(temp) if temp else None,
            "recycled": db_path(recycled) if recycled else None,
            "replaced_row": json_dumps(dict(replaced_row), default=str) if replaced_row else None,
            "record": json_dumps(dict(record), default=str) if record else None,
            "started_at": timestamp(precise=True),
        }
        values.update(_identity("source", source_identity))
        values.update(_identity("replaced", replaced_identity))
        self.db.insert("import_transfers", values)
        return entry_id

    def finish(
        self, entry_id: str, state: str, *, action: str | None = None, dest_identity: Identity | None = None,
        digest: str | None = None, media_file_id: str | None = None, reason: str | None = None,
        recycled: Path | None | bool = True,
    ) -> None:
        """End an entry. recycled=None forgets the recycle path (nothing was moved there)."""
        values: dict[str, Any] = {"state": state, "finished_at": timestamp(precise=True), "reason": reason}
        if action is not None:
            values["action"] = action
        if dest_identity is not None:
            values.update(_identity("dest", dest_identity))
        if digest is not None:
            values["digest"] = digest
        if media_file_id is not None:
            values["media_file_id"] = media_file_id
        if recycled is None:
            values["recycled"] = None
        self.db.update("import_transfers", entry_id, values)

    def mark_purged(self, entry_id: str) -> None:
        self.db.update("import_transfers", entry_id, {"recycle_purged_at": timestamp(precise=True)})

    def get(self, entry_id: str) -> Entry | None:
        found = self._entries("WHERE id = ?", [entry_id])
        return found[0] if found else None

    def unfinished(self) -> list[Entry]:
        return self._entries("WHERE state = ? ORDER BY started_at, rowid", [STARTED])

    def for_job(self, job_id: str) -> list[Entry]:
        return self._entries("WHERE job_id = ? ORDER BY started_at, rowid", [job_id])

    def done_from(self, source: Path) -> Entry | None:
        """The latest transfer of this source that ended in the library."""
        # "+state": the source index finds the few rows of this source; the state index
        # (every done row) would make each lookup a walk of the whole journal.
        found = self._entries("WHERE source = ? AND +state = ? ORDER BY finished_at DESC, rowid DESC LIMIT 1",
                              [db_path(source), DONE])
        return found[0] if found else None

    def done_from_many(self, sources: Iterable[Path]) -> dict[Path, Entry]:
        """`done_from` for many sources at once (a re-scan of a big downloads folder): the
        sources with such a transfer -> their latest, in a query per 500 sources."""
        wanted = {db_path(s): Path(s) for s in sources}
        found: dict[Path, Entry] = {}
        keys = list(wanted)
        for start in range(0, len(keys), _BATCH):
            chunk = keys[start:start + _BATCH]
            marks = ", ".join("?" for _ in chunk)
            rows = self.db.rows(
                f"SELECT * FROM import_transfers WHERE source IN ({marks}) AND +state = ? "
                "ORDER BY finished_at, rowid", [*chunk, DONE])
            for row in rows:  # oldest first: the latest of each source is the one kept
                found[wanted[row["source"]]] = _entry(row)
        return found

    def moved_videos_under(self, folder: Path) -> list[Entry]:
        """The videos moved out of `folder` (a release folder) into the library: the latest
        `done` move of each source, oldest first. Their companions (subtitles, extras, .nfo)
        match against them when a run stopped between a video and its subtitle (plan/already_imported.py)."""
        # A range on the source index instead of LIKE (which would need escaping and skips it):
        # every path starting with "folder/" sorts between "folder/" and "folder0" ("0" follows
        # "/"). A source that is not valid UTF-8 is stored as a BLOB of its bytes (pathtext.db_path),
        # and BLOBs sort after all text: a second range, in bytes, finds those, whether the folder's
        # own name or only a file's below it is not UTF-8.
        ranges: list[tuple[str | bytes, str | bytes]] = []
        with contextlib.suppress(UnicodeEncodeError):  # a surrogate no file name decodes to
            raw = os.fsencode(folder).rstrip(b"/")
            ranges.append((raw + b"/", raw + b"0"))
        start = db_path(folder)
        if isinstance(start, str):
            base = start.rstrip("/")
            ranges.insert(0, (base + "/", base + "0"))
        rows = []
        for low, high in ranges:
            rows += self._entries(
                "WHERE source >= ? AND source < ? AND +state = ? AND +kind = 'video' AND +operation = 'move' "
                "ORDER BY finished_at, rowid", [low, high, DONE])
        rows.sort(key=lambda e: e.finished_at or "")
        latest = {e.source: e for e in rows}
        return list(latest.values())

    def later_replacement(self, destination: Path, after: str) -> Entry | None:
        """A later transfer that put another file at this destination."""
        found = self._entries(
            "WHERE destination = ? AND +state = ? AND started_at > ? ORDER BY started_at LIMIT 1",
            [db_path(destination), DONE, after])
        return found[0] if found else None

    def recycled_before(self, cutoff: str) -> list[Entry]:
        """Finished transfers whose replaced file is in the recycle folder since before cutoff."""
        # `recycled >= ''` is `IS NOT NULL` for text and blob paths, in a form the recycled index
        # answers (the planner would walk every done row for IS NOT NULL and state).
        return self._entries(
            "WHERE recycled >= '' AND recycle_purged_at IS NULL AND +state = ? AND finished_at < ? "
            "ORDER BY finished_at", [DONE, cutoff])

    def delete_entry(self, entry_id: str) -> None:
        self.db.execute("DELETE FROM import_transfers WHERE id = ?", [entry_id])

    def _entries(self, where: str, params: list[Any]) -> list[Entry]:
        return [_entry(r) for r in self.db.rows(f"SELECT * FROM import_transfers {where}", params)]


def _identity(prefix: str, identity: Identity | None) -> dict[str, Any]:
    if identity is None:
        return {}
    values = {f"{prefix}_size": identity.size, f"{prefix}_mtime_ns": identity.mtime_ns,
              f"{prefix}_inode": identity.inode}
    if prefix == "source":
        values["source_dev"] = identity.dev
    return values


def _read_identity(row: Mapping[str, Any], prefix: str) -> Identity | None:
    size, mtime, inode = row[f"{prefix}_size"], row[f"{prefix}_mtime_ns"], row[f"{prefix}_inode"]
    if size is None or mtime is None or inode is None:
        return None
    return Identity(size, mtime, inode, row.get(f"{prefix}_dev") or 0)


def _loads(text: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _entry(row: Mapping[str, Any]) -> Entry:
    def path(name: str) -> Path | None:
        return path_from_db(row[name]) if row[name] is not None else None

    source, destination = path("source"), path("destination")
    assert source is not None and destination is not None
    return Entry(
        id=row["id"], job_id=row["job_id"], kind=row["kind"], operation=row["operation"],
        action=row["action"], state=row["state"], source=source,
        source_identity=_read_identity(row, "source"), destination=destination, temp=path("temp"),
        dest_identity=_read_identity(row, "dest"), digest=row["digest"],
        replaced_identity=_read_identity(row, "replaced"), recycled=path("recycled"),
        recycle_purged_at=row["recycle_purged_at"], replaced_row=_loads(row["replaced_row"]),
        media_file_id=row["media_file_id"], record=_loads(row["record"]), reason=row["reason"],
        started_at=row["started_at"], finished_at=row["finished_at"],
    )
