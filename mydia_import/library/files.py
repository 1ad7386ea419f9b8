"""media_files: the files in the library, one row per (library root, relative path)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from typing import Any

from mydia_import.errors import LibraryError
from mydia_import.library import provenance, vocabulary
from mydia_import.library.db import Database, new_id, timestamp
from mydia_import.library.results import StoredFile
from mydia_import.models import LibraryRoot, Match, MediaType, Release
from mydia_import.pathtext import json_dumps

# A relative path PurePath would leave as it is: no leading or doubled "/", no "." or ".."
# component, no trailing "/".
_PLAIN_RELATIVE = re.compile(r"(?!/)(?:(?!\.\.?(?:/|$))[^/]+(?:/|$))+(?<!/)")
_BATCH = 500  # values in one IN (...): well under SQLite's limit on parameters

_SELECT = """
SELECT f.id, f.path, f.relative_path, f.size, f.media_item_id, f.episode_id, f.metadata,
       f.library_path_id, f.resolution, f.codec, f.hdr_format, f.audio_codec,
       e.media_item_id AS show_id, lp.path AS root_path
FROM media_files f
LEFT JOIN episodes e ON e.id = f.episode_id
LEFT JOIN library_paths lp ON lp.id = f.library_path_id
"""


class Files:
    """The media_files rows of one open database."""

    def __init__(self, db: Database):
        self.db = db
        # Roots (id, path) whose rows all keep the legacy path in step with
        # (root, relative_path): for those the unique index on `path` answers
        # every lookup, and a miss needs no second search.
        self._in_step: set[tuple[str, str]] = set()

    def file_at(self, root: LibraryRoot, relative_path: str | PurePath) -> StoredFile | None:
        row = self._row_at(root, _relative(relative_path))
        return _stored(self.db, row) if row else None

    def record(
        self,
        root: LibraryRoot,
        relative_path: str | PurePath,
        *,
        size: int,
        match: Match,
        release: Release | None,
        metadata: Mapping[str, Any],
    ) -> str:
        """Write (or rewrite) the media_files row of one library file; returns its id.

        A movie file links to its item; a TV file links to its first episode
        with media_item_id NULL (Mydia's rule), and every episode goes into
        import_file_episodes and the metadata.
        """
        relative = _relative(relative_path)
        is_movie = match.item.type is MediaType.MOVIE
        _check_root_type(root, match)
        if not is_movie and not match.episodes:
            raise LibraryError(
                f"cannot record {relative}: no episode of {match.item.label()} given"
            )
        episodes = () if is_movie else match.episodes
        absolute = str(Path(root.path) / relative)
        now = timestamp()
        info = provenance.modernize(metadata)  # an old record replayed from a journal too
        if episodes:
            info["import_episodes"] = [{"id": e.id, "season": e.season, "episode": e.episode}
                                for e in episodes]
        values: dict[str, Any] = {
            "media_item_id": match.item.id if is_movie else None,
            "episode_id": episodes[0].id if episodes else None,
            "path": absolute,
            "size": size if size > 0 else None,  # Mydia's changeset wants > 0 or nothing
            "verified_at": now,
            "metadata": json_dumps(info, default=str),  # a source path may not be UTF-8
            "library_path_id": root.id,
            "relative_path": relative,
            "updated_at": now,
        }
        if release is not None:
            values.update(vocabulary.columns(release))  # Mydia's words, not guessit's
        with self.db.transaction():
            row = self._row_at(root, relative) or _unrooted_row(self.db, root, absolute)
            if row:
                file_id = row["id"]
                self.db.update("media_files", file_id, values)
            else:
                file_id = new_id()
                self.db.insert("media_files", {"id": file_id, **values, "inserted_at": now})
            self.db.execute("DELETE FROM import_file_episodes WHERE media_file_id = ?", [file_id])
            for position, episode in enumerate(episodes):
                self.db.execute(
                    "INSERT INTO import_file_episodes (media_file_id, episode_id, position) "
                    "VALUES (?, ?, ?)",
                    [file_id, episode.id, position],
                )
        return file_id

    def at_path(self, path: Path) -> StoredFile | None:
        """The row whose file is at this absolute path (its legacy `path` column)."""
        row = self.db.row(_SELECT + " WHERE f.path = ?", [str(path)])
        return _stored(self.db, row) if row else None

    def of_match(self, match: Match) -> list[tuple[StoredFile, frozenset[tuple[int, int]]]]:
        """The rows of a movie, or of any of a match's episodes (a multi-episode file too), each
        with the (season, episode) numbers it holds: the videos the library already has for what a
        new file would be."""
        if match.item.type is MediaType.MOVIE:
            rows = self.db.rows(_SELECT + " WHERE f.media_item_id = ?", [match.item.id])
        else:
            ids = [e.id for e in match.episodes]
            if not ids:
                return []
            marks = ", ".join("?" for _ in ids)
            rows = self.db.rows(
                _SELECT + f" WHERE f.episode_id IN ({marks}) OR f.id IN (SELECT media_file_id FROM "
                f"import_file_episodes WHERE episode_id IN ({marks}))", [*ids, *ids])
        return [(stored, self._numbers(stored.episode_ids)) for stored in (_stored(self.db, row) for row in rows)]

    def _numbers(self, episode_ids: tuple[str, ...]) -> frozenset[tuple[int, int]]:
        if not episode_ids:
            return frozenset()
        marks = ", ".join("?" for _ in episode_ids)
        return frozenset((r[0], r[1]) for r in self.db.execute(
            f"SELECT season_number, episode_number FROM episodes WHERE id IN ({marks})", list(episode_ids)))

    def delete(self, media_file_id: str) -> bool:
        """Forget one media_files row and its episode links; False if unknown."""
        with self.db.transaction():
            self.db.execute("DELETE FROM import_file_episodes WHERE media_file_id = ?", [media_file_id])
            cursor = self.db.execute("DELETE FROM media_files WHERE id = ?", [media_file_id])
        return cursor.rowcount > 0

    def snapshot(self, media_file_id: str) -> dict[str, Any] | None:
        """The row and its episode links as they are, for `restore` (undo of a replacement)."""
        row = self.db.row("SELECT * FROM media_files WHERE id = ?", [media_file_id])
        if row is None:
            return None
        links = self.db.rows(
            "SELECT episode_id, position FROM import_file_episodes WHERE media_file_id = ? ORDER BY position",
            [media_file_id])
        return {"row": row, "episodes": links}

    def restore(self, snapshot: Mapping[str, Any]) -> bool:
        """Put back a row `snapshot` took, replacing whatever row holds its path now.

        False when it cannot be (its item or episode is no longer in the library)."""
        row = dict(snapshot["row"])
        row["metadata"] = _modern_json(row.get("metadata"))  # a snapshot older than the migration
        with self.db.transaction():
            for old in self.db.rows("SELECT id FROM media_files WHERE id = ? OR path = ?", [row["id"], row["path"]]):
                self.db.execute("DELETE FROM import_file_episodes WHERE media_file_id = ?", [old["id"]])
            self.db.execute("DELETE FROM media_files WHERE id = ? OR path = ?", [row["id"], row["path"]])
            if row.get("media_item_id") and not self.db.value(
                    "SELECT 1 FROM media_items WHERE id = ?", [row["media_item_id"]]):
                return False
            if row.get("episode_id") and not self.db.value(
                    "SELECT 1 FROM episodes WHERE id = ?", [row["episode_id"]]):
                return False
            self.db.insert("media_files", row)
            for link in snapshot.get("episodes") or ():
                if self.db.value("SELECT 1 FROM episodes WHERE id = ?", [link["episode_id"]]):
                    self.db.execute(
                        "INSERT OR IGNORE INTO import_file_episodes (media_file_id, episode_id, position) "
                        "VALUES (?, ?, ?)", [row["id"], link["episode_id"], link["position"]])
        return True

    def exists(self, media_file_id: str) -> bool:
        return bool(self.db.value("SELECT 1 FROM media_files WHERE id = ?", [media_file_id]))

    def existing(self, media_file_ids: Iterable[str]) -> set[str]:
        """Which of these ids have a row, in a query per 500 ids."""
        ids = list(dict.fromkeys(media_file_ids))
        found: set[str] = set()
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start:start + _BATCH]
            marks = ", ".join("?" for _ in chunk)
            found.update(r[0] for r in self.db.execute(f"SELECT id FROM media_files WHERE id IN ({marks})", chunk))
        return found

    def ids_at(self, root: LibraryRoot, relative_paths: Iterable[str | PurePath]) -> dict[str, str]:
        """`file_at(root, p).id` for many paths: relative path -> id of the rows that exist."""
        base = str(root.path)
        wanted = {os.path.join(base, r): r for r in map(_relative, relative_paths)}  # as str(root / r)
        found: dict[str, str] = {}
        keys = list(wanted)
        for start in range(0, len(keys), _BATCH):
            chunk = keys[start:start + _BATCH]
            marks = ", ".join("?" for _ in chunk)
            for row in self.db.rows(
                    f"SELECT id, path, relative_path FROM media_files WHERE path IN ({marks}) "
                    "AND library_path_id = ?", [*chunk, root.id]):
                if row["relative_path"] == wanted[row["path"]]:
                    found[row["relative_path"]] = row["id"]
        if not self._paths_in_step(root):  # some rows moved: look the rest up one by one
            for relative in set(wanted.values()) - set(found):
                row = self._row_at(root, relative)
                if row:
                    found[relative] = row["id"]
        return found

    def _row_at(self, root: LibraryRoot, relative: str) -> dict[str, Any] | None:
        absolute = str(Path(root.path) / relative)
        # media_files has no index on (library_path_id, relative_path), and the
        # tool adds none to Mydia's tables: search the unique index on the
        # legacy path, which agrees with them unless the root has moved.
        row = self.db.row(
            _SELECT + " WHERE f.path = ? AND f.library_path_id = ? AND f.relative_path = ?",
            [absolute, root.id, relative],
        )
        if row is None and not self._paths_in_step(root):
            row = self.db.row(
                _SELECT + " WHERE f.library_path_id = ? AND f.relative_path = ?",
                [root.id, relative],
            )
        return row

    def _paths_in_step(self, root: LibraryRoot) -> bool:
        """True when no row of this root has a legacy path other than root/relative_path
        (checked once per root and session, as it reads all the root's rows)."""
        key = (root.id, str(root.path))
        if key in self._in_step:
            return True
        prefix = str(Path(root.path) / "_")[:-1]
        stale = self.db.value(
            "SELECT 1 FROM media_files WHERE library_path_id = ? AND relative_path IS NOT NULL "
            "AND path IS NOT (? || relative_path) LIMIT 1",
            [root.id, prefix],
        )
        if not stale:
            self._in_step.add(key)
        return not stale


def _relative(path: str | PurePath) -> str:
    if isinstance(path, str) and _PLAIN_RELATIVE.fullmatch(path):
        return path  # already what the checks below would give (the common case, and cheap)
    pure = PurePath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise LibraryError(f"{path} is not a path inside a library root")
    return pure.as_posix()


def _check_root_type(root: LibraryRoot, match: Match) -> None:
    """Mydia's rule: no movies in a series library, no episodes in a movies library."""
    if match.item.type is MediaType.MOVIE and root.type == "series":
        raise LibraryError(
            f'cannot put the movie "{match.item.label()}" into {root.path}: it is a library '
            "for TV series only, and Mydia keeps movies out of those"
        )
    if match.item.type is MediaType.TV_SHOW and root.type == "movies":
        raise LibraryError(
            f'cannot put "{match.label()}" into {root.path}: it is a library for movies '
            "only, and Mydia keeps TV episodes out of those"
        )


def _unrooted_row(db: Database, root: LibraryRoot, absolute: str) -> dict[str, Any] | None:
    """A row already holding this absolute path: adopted if it has no root yet
    (Mydia rows from before its relative-path migration), refused if it has
    another one (the legacy path column is UNIQUE)."""
    row = db.row(_SELECT + " WHERE f.path = ?", [absolute])
    if row is None or row["library_path_id"] is None:
        return row
    raise LibraryError(
        f"{absolute} is already recorded under the library root {row['root_path']}, which "
        f"holds {root.path}; one file cannot belong to two roots"
    )


def _modern_json(text: str | None) -> str | None:
    try:
        metadata = json.loads(text) if text else None
    except ValueError:
        return text
    if not isinstance(metadata, dict) or not provenance.written_before(metadata):
        return text
    return json_dumps(provenance.modernize(metadata), default=str)


def _stored(db: Database, row: dict[str, Any]) -> StoredFile:
    linked = db.rows(
        "SELECT episode_id FROM import_file_episodes WHERE media_file_id = ? ORDER BY position",
        [row["id"]],
    )
    episode_ids = tuple(r["episode_id"] for r in linked)
    if not episode_ids and row["episode_id"]:
        episode_ids = (row["episode_id"],)  # a file Mydia recorded itself
    if row["root_path"] and row["relative_path"]:
        path = Path(row["root_path"]) / row["relative_path"]
    else:
        path = Path(row["path"])
    try:
        metadata = json.loads(row["metadata"]) if row["metadata"] else {}
    except ValueError:
        metadata = {}
    return StoredFile(
        id=row["id"],
        path=path,
        relative_path=row["relative_path"],
        size=row["size"],
        media_item_id=row["media_item_id"] or row["show_id"],
        episode_ids=episode_ids,
        metadata=metadata if isinstance(metadata, dict) else {},
        library_path_id=row["library_path_id"],
        resolution=row["resolution"],
        codec=row["codec"],
        hdr_format=row["hdr_format"],
        audio_codec=row["audio_codec"],
    )
