"""Library roots: the library_paths rows that movies and series live under."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mydia_import.errors import LibraryError
from mydia_import.library.db import Database, new_id, timestamp
from mydia_import.models import LibraryRoot

ROOT_TYPES = ("movies", "series", "mixed")


def _clean(path: Path | str) -> Path:
    # Absolute and without trailing slashes or '..', but symlinks kept: Mydia
    # stores the path as configured and compares it as text.
    return Path(os.path.abspath(os.path.expanduser(str(path))))


def _root(row: dict[str, Any]) -> LibraryRoot:
    return LibraryRoot(row["id"], Path(row["path"]), row["type"])


def roots(db: Database) -> list[LibraryRoot]:
    return [_root(r) for r in db.rows("SELECT id, path, type FROM library_paths ORDER BY path")]


def ensure_root(db: Database, path: Path | str, type: str) -> LibraryRoot:
    """The library_paths row for this folder, created if missing.

    A row for the same folder is reused as it is (the database wins, as in
    Mydia), unless its type cannot hold what is asked for.
    """
    if type not in ROOT_TYPES:
        raise LibraryError(f"library type {type!r} is not one of {', '.join(ROOT_TYPES)}")
    wanted = _clean(path)
    found = _existing(db, wanted, type)
    if found:
        return found
    # Only now take the write lock; look again in case another run got here first.
    with db.transaction():
        found = _existing(db, wanted, type)
        if found:
            return found
        now = timestamp()
        root = LibraryRoot(new_id(), wanted, type)
        db.insert("library_paths", {"id": root.id, "path": str(wanted), "type": type,
                                    "inserted_at": now, "updated_at": now})
    return root


def _existing(db: Database, wanted: Path, type: str) -> LibraryRoot | None:
    for root in roots(db):
        if _clean(root.path) != wanted:
            continue
        if root.type != type and root.type != "mixed":
            raise LibraryError(
                f"{wanted} is already a {root.type} library in the library database; "
                f"it cannot also be a {type} library: use another folder, or make it "
                "a mixed library in Mydia"
            )
        return root
    return None


def root_for(db: Database, path: Path | str) -> LibraryRoot | None:
    """The root that holds this absolute path (the innermost, if roots nest)."""
    target = _clean(path)
    holding = [r for r in roots(db) if target.is_relative_to(_clean(r.path))]
    return max(holding, key=lambda r: len(_clean(r.path).parts), default=None)
