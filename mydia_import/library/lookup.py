"""Lookups for matching, each an index search, and the title index behind them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from mydia_import.library.db import Database
from mydia_import.models import EpisodeRef, MediaRef, MediaType
from mydia_import.titles import loose_key, normalize_title

_EPISODE_COLUMNS = "e.id, e.season_number, e.episode_number, e.title, e.air_date"

# Items whose title or original title differs from the one their keys were made
# from (or that have no keys yet): Mydia creates and renames items on its own.
_STALE_TITLES = """
SELECT m.id, m.title, m.original_title FROM media_items m
LEFT JOIN import_titles t ON t.media_item_id = m.id AND t.kind = 'title'
LEFT JOIN import_titles o ON o.media_item_id = m.id AND o.kind = 'original_title'
WHERE t.title IS NOT m.title OR o.title IS NOT m.original_title
"""
# Items whose extra keys were made before their last change (or never).
_STALE_KEYS = """
SELECT m.id FROM media_items m
WHERE NOT EXISTS (SELECT 1 FROM import_title_keys k WHERE k.media_item_id = m.id
                  AND k.stamp IS m.updated_at)
"""
_ORPHAN_TITLES = "FROM import_titles WHERE media_item_id NOT IN (SELECT id FROM media_items)"


def media_ref(row: dict[str, Any]) -> MediaRef:
    return MediaRef(row["id"], MediaType(row["type"]), row["title"], row["year"])


def episode_ref(row: dict[str, Any]) -> EpisodeRef:
    return EpisodeRef(
        row["id"], row["season_number"], row["episode_number"], row["title"],
        _date(row["air_date"]),
    )


def index_titles(db: Database, item_id: str, title: str, original_title: str | None) -> None:
    """(Re)write the matching keys of one item."""
    db.execute("DELETE FROM import_titles WHERE media_item_id = ?", [item_id])
    keys = [("title", title), ("original_title", original_title)]
    for kind, text in keys:
        if text is not None:
            db.execute(
                "INSERT INTO import_titles (media_item_id, kind, title, normalized) "
                "VALUES (?, ?, ?, ?)",
                [item_id, kind, text, normalize_title(text)],
            )
    index_keys(db, item_id)


def alternative_titles(metadata: Any) -> list[str]:
    """The alternate titles of a provider payload as Mydia keeps it in media_items.metadata:
    TMDB's `alternative_titles` ({"titles": [...]} for movies, {"results": [...]} for
    shows, or a plain list), `original_title` / `original_name`, and TVmaze's AKAs."""
    meta = _json(metadata) if isinstance(metadata, str | None) else metadata
    if not isinstance(meta, dict):
        return []
    found: list[Any] = [meta.get("original_title"), meta.get("original_name")]
    alternatives = meta.get("alternative_titles")
    if isinstance(alternatives, dict):
        alternatives = alternatives.get("titles") or alternatives.get("results")
    if isinstance(alternatives, list):
        found += [a.get("title") or a.get("name") if isinstance(a, dict) else a for a in alternatives]
    return list(dict.fromkeys(t.strip() for t in found if isinstance(t, str) and t.strip()))


def index_keys(db: Database, item_id: str) -> None:
    """(Re)write an item's extra keys: loose keys of its titles and aliases, and the keys of
    the alternate titles its metadata holds."""
    row = db.row("SELECT title, original_title, metadata, updated_at FROM media_items WHERE id = ?",
                 [item_id])
    db.execute("DELETE FROM import_title_keys WHERE media_item_id = ?", [item_id])
    if row is None:
        return
    aliases = [r["alias"] for r in db.rows("SELECT alias FROM import_aliases WHERE media_item_id = ?",
                                             [item_id])]
    keys: dict[str, str] = {}
    for text in alternative_titles(row["metadata"]):
        keys.setdefault(normalize_title(text), "alternative")
        keys.setdefault(loose_key(text), "alternative")
    for text in [row["title"], row["original_title"], *aliases]:
        if text:
            keys.setdefault(loose_key(text), "loose")
    keys.pop("", None)
    # One row at least, even with no key: it marks the item as indexed at this stamp.
    for key, source in (keys or {"": "none"}).items():
        db.execute("INSERT OR IGNORE INTO import_title_keys (media_item_id, key, source, stamp) "
                   "VALUES (?, ?, ?, ?)", [item_id, key, source, row["updated_at"]])


def sync_title_index(db: Database) -> int:
    """Bring the title index up to date with media_items; returns the items re-keyed.

    Only takes the write lock when something is out of date.
    """
    if (not db.rows(_STALE_TITLES + " LIMIT 1") and not db.value(f"SELECT 1 {_ORPHAN_TITLES}")
            and not db.rows(_STALE_KEYS + " LIMIT 1")):
        return 0
    with db.transaction():
        db.execute(f"DELETE {_ORPHAN_TITLES}")
        db.execute("DELETE FROM import_title_keys WHERE media_item_id NOT IN (SELECT id FROM media_items)")
        stale = db.rows(_STALE_TITLES)
        for row in stale:
            index_titles(db, row["id"], row["title"], row["original_title"])
        done = {row["id"] for row in stale}
        for row in db.rows(_STALE_KEYS):
            if row["id"] not in done:
                index_keys(db, row["id"])
                done.add(row["id"])
    return len(done)


def catalog_stamp(db: Database) -> str:
    """What changes when an item or alias is added, removed or edited (rowids grow, counts
    change, edits set updated_at): a name matched before may match otherwise after."""
    row = db.execute(
        "SELECT (SELECT max(rowid) FROM media_items), (SELECT count(*) FROM media_items), "
        "(SELECT max(updated_at) FROM media_items), (SELECT max(rowid) FROM import_aliases), "
        "(SELECT count(*) FROM import_aliases), (SELECT count(*) FROM import_title_keys)").fetchone()
    return json.dumps(list(row))


def tmdb_id(db: Database, item_id: str) -> int | None:
    return db.value("SELECT tmdb_id FROM media_items WHERE id = ?", [item_id])


def get_item(db: Database, item_id: str) -> MediaRef | None:
    row = db.row("SELECT id, type, title, year FROM media_items WHERE id = ?", [item_id])
    return media_ref(row) if row else None


def find_items(
    db: Database, normalized_title: str, type: MediaType | None = None
) -> list[MediaRef]:
    """Items whose title, original title or an alias has this key."""
    sql = (
        "SELECT id, type, title, year FROM media_items WHERE id IN ("
        " SELECT media_item_id FROM import_titles WHERE normalized = :key"
        " UNION SELECT media_item_id FROM import_aliases WHERE normalized = :key"
        " UNION SELECT media_item_id FROM import_title_keys WHERE key = :key)"
    )
    params: dict[str, Any] = {"key": normalized_title}
    if type is not None:
        # The unary + keeps SQLite off the type index, which would walk every movie.
        sql += " AND +type = :type"
        params["type"] = str(type)
    return [media_ref(r) for r in db.rows(sql + " ORDER BY title, year", params)]


def title_keys(db: Database, type: MediaType, prefix: str = "") -> dict[str, list[str]]:
    """Every title key (titles, original titles, aliases) of one type that starts with `prefix`
    -> the items that have it; what a fuzzy title comparison compares with. The prefix is a
    range on the normalized-title indexes, so a big library is not read whole."""
    # Every key that starts with the prefix sorts between it and the prefix followed by the
    # highest code point (SQLite compares text as UTF-8 bytes, which keeps code point order).
    # The unary + keeps SQLite off the type index, which would walk every item of the type.
    bounds = {"type": str(type), "low": prefix, "high": prefix + "\U0010ffff"}
    rows = db.rows(
        "SELECT t.normalized AS key, t.media_item_id AS id FROM import_titles t "
        "JOIN media_items m ON m.id = t.media_item_id "
        "WHERE t.normalized >= :low AND t.normalized < :high AND +m.type = :type "
        "UNION SELECT a.normalized, a.media_item_id FROM import_aliases a "
        "JOIN media_items m ON m.id = a.media_item_id "
        "WHERE a.normalized >= :low AND a.normalized < :high AND +m.type = :type "
        "UNION SELECT k.key, k.media_item_id FROM import_title_keys k "
        "JOIN media_items m ON m.id = k.media_item_id "
        "WHERE k.key >= :low AND k.key < :high AND +m.type = :type",
        bounds,
    )
    keys: dict[str, list[str]] = {}
    for row in rows:
        keys.setdefault(row["key"], []).append(row["id"])
    return keys


def expected_runtime(db: Database, item_id: str, episode_ids: Sequence[str] = ()) -> float | None:
    """Minutes a file of this item (and these episodes) should run, from the metadata Mydia
    keeps (TMDB's `runtime`; a show's `episode_run_time`); None when unknown."""
    item = db.row("SELECT metadata FROM media_items WHERE id = ?", [item_id])
    meta = _json(item["metadata"]) if item else {}
    if not episode_ids:
        return _minutes(meta.get("runtime"))
    marks = ", ".join("?" for _ in episode_ids)
    rows = db.rows(f"SELECT metadata FROM episodes WHERE id IN ({marks})", list(episode_ids))
    per_episode = [_minutes(_json(r["metadata"]).get("runtime")) for r in rows]
    if per_episode and all(per_episode):
        return float(sum(per_episode))  # type: ignore[arg-type]
    show = meta.get("episode_run_time")
    show_minutes = _minutes(show[0] if isinstance(show, list) and show else show) or _minutes(meta.get("runtime"))
    return show_minutes * len(episode_ids) if show_minutes else None


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _minutes(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def find_episodes(
    db: Database, item_id: str, season: int, numbers: Sequence[int]
) -> list[EpisodeRef]:
    """The episodes of one season with these numbers, in the order asked; missing ones absent."""
    wanted = list(dict.fromkeys(numbers))
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    rows = db.rows(
        f"SELECT {_EPISODE_COLUMNS} FROM episodes e WHERE e.media_item_id = ? "
        f"AND e.season_number = ? AND e.episode_number IN ({marks})",
        [item_id, season, *wanted],
    )
    found = {r["episode_number"]: episode_ref(r) for r in rows}
    return [found[n] for n in wanted if n in found]


def find_episodes_by_air_date(db: Database, item_id: str, date: dt.date) -> list[EpisodeRef]:
    rows = db.rows(
        f"SELECT {_EPISODE_COLUMNS} FROM episodes e WHERE e.media_item_id = ? AND e.air_date = ? "
        "ORDER BY e.season_number, e.episode_number",
        [item_id, date.isoformat()],
    )
    return [episode_ref(r) for r in rows]


def find_episodes_by_absolute(
    db: Database, item_id: str, numbers: Sequence[int]
) -> list[EpisodeRef]:
    """Episodes by anime absolute number, in the order asked; missing ones absent."""
    wanted = list(dict.fromkeys(numbers))
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    rows = db.rows(
        f"SELECT {_EPISODE_COLUMNS}, n.absolute_number FROM import_episode_numbers n "
        "JOIN episodes e ON e.id = n.episode_id "
        f"WHERE n.media_item_id = ? AND n.absolute_number IN ({marks})",
        [item_id, *wanted],
    )
    found = {r["absolute_number"]: episode_ref(r) for r in rows}
    return [found[n] for n in wanted if n in found]


def season_numbers(db: Database, item_id: str) -> set[int]:
    rows = db.rows("SELECT DISTINCT season_number FROM episodes WHERE media_item_id = ?", [item_id])
    return {r["season_number"] for r in rows}


def _date(text: str | None) -> dt.date | None:
    """Ecto :date is 'YYYY-MM-DD'; anything else Mydia may hold is left out."""
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
