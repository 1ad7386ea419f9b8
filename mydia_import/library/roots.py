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


# Which roots hold each kind of item (Mydia's library-type rule: mixed holds both).
SUITS = {"movie": ("movies", "mixed"), "tv_show": ("series", "mixed")}


def home_of(db: Database, item_id: str, item_type: str) -> LibraryRoot | None:
    """The library folder where an item already has files (most of them, if in several): a
    show's new episodes go beside its others. None when it has none in a suitable folder."""
    kinds = SUITS[item_type]
    row = db.row(
        "SELECT lp.id, lp.path, lp.type, count(*) AS n FROM media_files f "
        "JOIN library_paths lp ON lp.id = f.library_path_id "
        "LEFT JOIN episodes e ON e.id = f.episode_id "
        "WHERE (f.media_item_id = ? OR e.media_item_id = ?) AND lp.type IN (?, ?) "
        "GROUP BY lp.id ORDER BY n DESC, lp.path LIMIT 1", [item_id, item_id, *kinds])
    return _root(row) if row else None


def first_suitable(db: Database, item_type: str) -> LibraryRoot | None:
    """The first library folder (by path) that can hold this kind of item: its own type first,
    then a mixed one."""
    own, mixed = SUITS[item_type]
    found = [r for r in roots(db) if r.type in (own, mixed)]
    return min(found, key=lambda r: (r.type != own, str(r.path)), default=None)


def root_for(db: Database, path: Path | str) -> LibraryRoot | None:
    """The root that holds this absolute path (the innermost, if roots nest)."""
    target = _clean(path)
    holding = [r for r in roots(db) if target.is_relative_to(_clean(r.path))]
    return max(holding, key=lambda r: len(_clean(r.path).parts), default=None)
