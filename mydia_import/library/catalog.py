"""Movies, shows and episodes: `library load`, `library add`, `library list`.

An item is the same item when an id matches (tmdb_id, else imdb_id), else when type, title
and year match exactly: the title as typed, but for Unicode composition and runs of spaces.
Articles, punctuation and case never make two titles one ("Series" and "The Series" are two
shows; Mydia's media_items may hold both). A year missing on either side matches when only one
item of that title could be meant. An existing item's title is never changed implicitly: only
`rename` (`library add ... --rename`) does. A new item whose title is close to an existing one's
(the same matching key) is added, with a note saying so. Writing what is already there changes
nothing, not even updated_at.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mydia_import.errors import LibraryError
from mydia_import.library.db import Database, new_id, timestamp
from mydia_import.library.lookup import get_item, index_keys, index_titles, media_ref
from mydia_import.library.renumber import renumber
from mydia_import.library.results import ItemSummary, LoadSummary
from mydia_import.library.validate import (
    EpisodeSpec,
    ItemSpec,
    parse_item,
    parse_library,
    season_episodes,
    tmdb_clash,
)
from mydia_import.models import MediaRef, MediaType
from mydia_import.titles import normalize_title

_NOUNS = {MediaType.MOVIE: "movies", MediaType.TV_SHOW: "shows"}


def load(db: Database, data: object) -> LoadSummary:
    """Add or update everything in a library file, in one transaction."""
    summary, _ = _apply(db, parse_library(data))
    return summary


def add_movie(
    db: Database, title: str, year: int | None = None, aliases: Iterable[str] = (),
    tmdb_id: int | None = None, imdb_id: str | None = None, notes: list[str] | None = None,
    rename: bool = False,
) -> MediaRef:
    entry = {"title": title, "year": year, "aliases": list(aliases), "tmdb_id": tmdb_id,
             "imdb_id": imdb_id}
    return _add(db, parse_item(entry, MediaType.MOVIE, f'movie "{title}"'), notes, rename)


def add_show(
    db: Database, title: str, year: int | None = None, aliases: Iterable[str] = (),
    tmdb_id: int | None = None, seasons: Mapping[int, int] | None = None,
    notes: list[str] | None = None, rename: bool = False,
) -> MediaRef:
    where = f'show "{title}"'
    entry = {"title": title, "year": year, "aliases": list(aliases), "tmdb_id": tmdb_id,
             "episodes": season_episodes(seasons or {}, where)}
    return _add(db, parse_item(entry, MediaType.TV_SHOW, where), notes, rename)


def same_title(title: str) -> str:
    """The title an item is the same item by: as typed, but for Unicode composition and spaces."""
    return " ".join(unicodedata.normalize("NFC", title).split())


def list_items(db: Database, type: MediaType | None = None) -> list[ItemSummary]:
    """Every item with its episode and file counts.

    A TV file links to its episode only (media_item_id NULL), so a show's
    files are counted through its episodes.
    """
    sql = """
    SELECT m.id, m.type, m.title, m.year, m.tmdb_id,
      (SELECT count(*) FROM episodes e WHERE e.media_item_id = m.id) AS episodes,
      (SELECT count(*) FROM media_files f WHERE f.media_item_id = m.id)
      + (SELECT count(*) FROM media_files f JOIN episodes e ON e.id = f.episode_id
         WHERE e.media_item_id = m.id AND f.media_item_id IS NULL) AS files
    FROM media_items m
    """
    params: list[Any] = []
    if type is not None:
        sql += " WHERE m.type = ?"
        params.append(str(type))
    rows = db.rows(sql + " ORDER BY m.title COLLATE NOCASE, m.year", params)
    aliases: dict[str, list[str]] = defaultdict(list)
    for row in db.rows("SELECT media_item_id, alias FROM import_aliases ORDER BY rowid"):
        aliases[row["media_item_id"]].append(row["alias"])
    return [
        ItemSummary(media_ref(r), r["episodes"], r["files"], r["tmdb_id"],
                    tuple(aliases.get(r["id"], ())))
        for r in rows
    ]


def _add(db: Database, spec: ItemSpec, notes: list[str] | None, rename: bool) -> MediaRef:
    summary, ids = _apply(db, [spec], rename)
    if notes is not None:
        notes.extend(summary.notes)
    item = get_item(db, ids[0])
    assert item is not None
    return item


def _apply(db: Database, specs: Sequence[ItemSpec], rename: bool = False) -> tuple[LoadSummary, list[str]]:
    counts: Counter[str] = Counter()
    ids: list[str] = []
    notes: list[str] = []
    with db.transaction():
        for spec in specs:
            item_id, outcome = _upsert_item(db, spec, notes, rename)
            ids.append(item_id)
            counts[f"{_NOUNS[spec.type]}_{outcome}"] += 1
            added, updated = _upsert_episodes(db, item_id, spec.episodes)
            counts["episodes_added"] += added
            counts["episodes_updated"] += updated
    return LoadSummary(**counts, notes=tuple(notes)), ids


def _upsert_item(db: Database, spec: ItemSpec, notes: list[str], rename: bool) -> tuple[str, str]:
    """The item's id and 'added', 'updated' or 'unchanged'."""
    row = _find_same(db, spec)
    now = timestamp()
    if row is None:
        notes.extend(_close_to(db, spec))
        item_id = new_id()
        db.insert("media_items", {
            "id": item_id, "type": str(spec.type), "title": spec.title, "year": spec.year,
            "tmdb_id": spec.tmdb_id, "imdb_id": spec.imdb_id,
            "inserted_at": now, "updated_at": now,
        })
        index_titles(db, item_id, spec.title, None)
        _add_aliases(db, item_id, spec.aliases)
        return item_id, "added"
    title = spec.title
    if same_title(title) != same_title(row["title"]) and not rename:
        # Found by its id under another title: the library's title stays (Mydia's, or the user's).
        notes.append(f'{spec.where}: kept the title "{media_ref(row).label()}" of the item with this id; '
                     "`library add ... --rename` changes it")
        title = row["title"]
    given = {"title": title, "year": spec.year, "tmdb_id": spec.tmdb_id, "imdb_id": spec.imdb_id}
    # What the data leaves out is kept, never erased.
    changes = {k: v for k, v in given.items() if v is not None and v != row[k]}
    if changes:
        db.update("media_items", row["id"], {**changes, "updated_at": now})
        if "title" in changes:
            index_titles(db, row["id"], title, row["original_title"])
    added = _add_aliases(db, row["id"], spec.aliases)
    return row["id"], "updated" if changes or added else "unchanged"


def _find_same(db: Database, spec: ItemSpec) -> dict[str, Any] | None:
    columns = _COLUMNS
    if spec.tmdb_id is not None:
        row = db.row(f"SELECT {columns} FROM media_items m WHERE m.tmdb_id = ?", [spec.tmdb_id])
        if row and row["type"] != str(spec.type):
            other = "show" if row["type"] == MediaType.TV_SHOW else "movie"
            label = media_ref(row).label()
            raise LibraryError(tmdb_clash(
                spec.tmdb_id, f"{spec.where}: {spec.describe()}",
                f'the {other} "{label}" already in the library',
            ))
        if row:
            return row
    if spec.imdb_id is not None:
        row = db.row(f"SELECT {columns} FROM media_items m WHERE m.imdb_id = ? AND m.type = ? "
                     "ORDER BY m.inserted_at LIMIT 1", [spec.imdb_id, str(spec.type)])
        if row and (spec.tmdb_id is None or row["tmdb_id"] is None):
            return row
    wanted = same_title(spec.title)
    candidates = [c for c in _keyed(db, spec) if same_title(c["title"]) == wanted]
    # An item that already has another tmdb_id is another item of the same name.
    candidates = [c for c in candidates if spec.tmdb_id is None or c["tmdb_id"] is None]
    for candidate in candidates:
        if candidate["year"] == spec.year:
            return candidate
    if spec.year is None and len(candidates) == 1:
        return candidates[0]
    if spec.year is None and candidates:
        labels = " and ".join(f'"{media_ref(c).label()}"' for c in candidates)
        raise LibraryError(
            f"{spec.where}: {spec.describe()} could be {labels}; give its year or tmdb_id"
        )
    undated = [c for c in candidates if c["year"] is None]
    return undated[0] if len(undated) == 1 else None


_COLUMNS = "m.id, m.type, m.title, m.original_title, m.year, m.tmdb_id, m.imdb_id"


def _keyed(db: Database, spec: ItemSpec) -> list[dict[str, Any]]:
    """Items of the spec's type whose title has its matching key (normalize_title): the exact
    title is among them, and the others are close enough to be worth a note."""
    return db.rows(
        f"SELECT {_COLUMNS} FROM import_titles t JOIN media_items m ON m.id = t.media_item_id "
        "WHERE t.normalized = ? AND t.kind = 'title' AND +m.type = ? ORDER BY m.inserted_at",
        [normalize_title(spec.title), str(spec.type)],
    )


def _close_to(db: Database, spec: ItemSpec) -> list[str]:
    """A note for each existing item a new item could be mistaken for."""
    return [f'{spec.where}: added as a new item; "{media_ref(c).label()}" already in the library is '
            "another item (a different title or year); if it is the same, give its --tmdb-id"
            for c in _keyed(db, spec)]



def _add_aliases(db: Database, item_id: str, aliases: Iterable[str]) -> int:
    added = 0
    now = timestamp()
    for alias in aliases:
        added += db.execute(
            "INSERT OR IGNORE INTO import_aliases (media_item_id, alias, normalized, inserted_at) "
            "VALUES (?, ?, ?, ?)",
            [item_id, alias, normalize_title(alias), now],
        ).rowcount
    if added:
        index_keys(db, item_id)  # an alias's loose key finds the item too
    return added


def _upsert_episodes(
    db: Database, item_id: str, episodes: Sequence[EpisodeSpec]
) -> tuple[int, int]:
    """(added, updated) for one show's episodes; the others are left as they are."""
    if not episodes:
        return 0, 0
    existing = {
        (r["season_number"], r["episode_number"]): r
        for r in db.rows(
            "SELECT e.id, e.season_number, e.episode_number, e.title, e.air_date, e.metadata, "
            "n.absolute_number FROM episodes e "
            "LEFT JOIN import_episode_numbers n ON n.episode_id = e.id WHERE e.media_item_id = ?",
            [item_id],
        )
    }
    added = updated = 0
    now = timestamp()
    for spec in episodes:
        air_date = spec.air_date.isoformat() if spec.air_date else None
        row = existing.get((spec.season, spec.episode))
        if row is None:
            episode_id = new_id()
            db.insert("episodes", {
                "id": episode_id, "media_item_id": item_id, "season_number": spec.season,
                "episode_number": spec.episode, "title": spec.title, "air_date": air_date,
                "metadata": _with_provider_id(None, spec), "inserted_at": now, "updated_at": now,
            })
            added += 1
            if spec.absolute is not None:
                _set_absolute(db, item_id, episode_id, spec.absolute)
            continue
        given = {"title": spec.title, "air_date": air_date, "metadata": _with_provider_id(row["metadata"], spec)}
        changes = {k: v for k, v in given.items() if v is not None and v != row[k]}
        if changes:
            db.update("episodes", row["id"], {**changes, "updated_at": now})
        renumbered = spec.absolute is not None and spec.absolute != row["absolute_number"]
        if renumbered:
            _set_absolute(db, item_id, row["id"], spec.absolute)
        updated += bool(changes or renumbered)
    return added, updated


def _with_provider_id(metadata: str | None, spec: EpisodeSpec) -> str | None:
    """episodes.metadata with the provider's episode id added (renumber.py recognises it by it);
    None when there is nothing to add."""
    if spec.provider_id is None:
        return None
    import json

    try:
        meta = json.loads(metadata) if metadata else {}
    except ValueError:
        return None  # not ours to repair
    if not isinstance(meta, dict) or meta.get(spec.provider_id[0]) == spec.provider_id[1]:
        return None
    return json.dumps({**meta, spec.provider_id[0]: spec.provider_id[1]}, sort_keys=True)


def _set_absolute(db: Database, item_id: str, episode_id: str, number: int | None) -> None:
    # The data is the authority: an absolute number moves to the episode it names.
    db.execute(
        "DELETE FROM import_episode_numbers WHERE media_item_id = ? AND absolute_number = ? "
        "AND episode_id != ?",
        [item_id, number, episode_id],
    )
    db.execute(
        "INSERT INTO import_episode_numbers (episode_id, media_item_id, absolute_number) "
        "VALUES (?, ?, ?) ON CONFLICT(episode_id) DO UPDATE SET "
        "absolute_number = excluded.absolute_number",
        [episode_id, item_id, number],
    )


# --- provider data (issue 16): additive, by item id; identity stays with _find_same ------

def apply_provider(db: Database, item_id: str, *, tmdb_id: int | None, imdb_id: str | None,
                   original_title: str | None, metadata: Mapping[str, Any],
                   episodes: Sequence[EpisodeSpec]) -> tuple[int, int, int]:
    """Record what a provider says about an item the user chose: ids and original title only
    where the item has none, the payload in `metadata` (Mydia keeps it there), episodes
    renumbered (renumber.py), added or updated; one with files is never deleted. The title and
    year stay the user's. Returns (added, updated, renumbered)."""
    import json

    with db.transaction():
        row = db.row("SELECT tmdb_id, imdb_id, original_title, metadata FROM media_items WHERE id = ?",
                     [item_id])
        if row is None:
            raise LibraryError(f"item {item_id} is no longer in the library")
        changes: dict[str, Any] = {}
        taken = tmdb_id is not None and db.value(
            "SELECT 1 FROM media_items WHERE tmdb_id = ? AND id != ?", [tmdb_id, item_id])
        if row["tmdb_id"] is None and tmdb_id is not None and not taken:
            changes["tmdb_id"] = tmdb_id
        if row["imdb_id"] is None and imdb_id:
            changes["imdb_id"] = imdb_id
        if row["original_title"] is None and original_title:
            changes["original_title"] = original_title
        text = json.dumps(dict(metadata), sort_keys=True)
        if text != row["metadata"]:
            changes["metadata"] = text
        if changes:
            db.update("media_items", item_id, {**changes, "updated_at": timestamp()})
            title = db.value("SELECT title FROM media_items WHERE id = ?", [item_id])
            index_titles(db, item_id, title, changes.get("original_title", row["original_title"]))
        moved, held = renumber(db, item_id, episodes)
        kept = [e for e in episodes if (e.season, e.episode) not in held]
        return (*_upsert_episodes(db, item_id, kept), moved)


def provider_ids(db: Database, item_id: str) -> dict[str, Any]:
    """The ids a refresh asks by: tmdb_id, imdb_id, and the metadata's provider and ids."""
    import json

    row = db.row("SELECT type, tmdb_id, imdb_id, metadata FROM media_items WHERE id = ?", [item_id])
    if row is None:
        return {}
    try:
        meta = json.loads(row["metadata"]) if row["metadata"] else {}
    except ValueError:
        meta = {}
    meta = meta if isinstance(meta, dict) else {}
    return {"type": row["type"], "tmdb_id": row["tmdb_id"], "imdb_id": row["imdb_id"],
            "tvmaze_id": meta.get("tvmaze_id"), "provider": meta.get("provider"), "metadata": meta}
