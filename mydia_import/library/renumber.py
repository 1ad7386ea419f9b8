"""Episodes a provider renumbered (`library refresh`): each keeps its row, files and history,
and takes its new season and number.

An episode is recognised by the provider's episode id kept in `episodes.metadata` (`tvmaze_id`
or `tmdb_id`), else by its title and air date (both given, and only one episode with them on
each side). A move whose new number is held by an episode that stays is not made; the one
that holds it is deleted only when the provider no longer has it and no file is recorded for
it. An episode that has files is never deleted.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mydia_import.library.db import Database, timestamp
from mydia_import.library.validate import EpisodeSpec

Slot = tuple[int, int]  # (season, episode)


def renumber(db: Database, item_id: str, specs: Sequence[EpisodeSpec]) -> tuple[int, set[Slot]]:
    """Move the item's renumbered episodes to the provider's numbers: (how many moved, the new
    numbers that stayed held by another episode, whose provider data is not written over it)."""
    rows = db.rows(
        "SELECT e.id, e.season_number, e.episode_number, e.title, e.air_date, e.metadata, "
        "EXISTS (SELECT 1 FROM media_files f WHERE f.episode_id = e.id) "
        "OR EXISTS (SELECT 1 FROM import_file_episodes i WHERE i.episode_id = e.id) AS has_files "
        "FROM episodes e WHERE e.media_item_id = ?", [item_id])
    at = {(r["season_number"], r["episode_number"]): r for r in rows}
    moves = _moves(rows, specs)
    if not moves:
        return 0, set()
    moving = {row_id for row_id, _ in moves.values()}
    # A move is dropped while its new number is held by an episode that stays and that cannot go
    # (it has files, or the provider still lists it); dropping one may block another.
    blocked: set[Slot] = set()
    changed = True
    while changed:
        changed = False
        for slot, (row_id, target) in list(moves.items()):
            holder = at.get(target)
            if holder is None or holder["id"] in moving:
                continue
            if holder["has_files"] or _listed(holder, specs):
                blocked.add(target)
                del moves[slot]
                moving.discard(row_id)
                changed = True
    stale = [at[t]["id"] for _, t in moves.values() if t in at and at[t]["id"] not in moving]
    now = timestamp()
    for row_id in stale:
        db.execute("DELETE FROM episodes WHERE id = ?", [row_id])
    # Through numbers no episode has (negative), so that swaps never meet the unique index.
    for n, (row_id, _) in enumerate(moves.values(), 1):
        db.execute("UPDATE episodes SET episode_number = ? WHERE id = ?", [-n, row_id])
    for row_id, (season, episode) in moves.values():
        db.execute("UPDATE episodes SET season_number = ?, episode_number = ?, updated_at = ? WHERE id = ?",
                   [season, episode, now, row_id])
    return len(moves), blocked


def _moves(rows: Sequence[Any], specs: Sequence[EpisodeSpec]) -> dict[Slot, tuple[str, Slot]]:
    """{old slot: (episode id, new slot)} for each episode the provider numbers differently."""
    by_id: dict[tuple[str, Any], Any] = {}
    by_day: dict[tuple[str, str], list[Any]] = {}
    for r in rows:
        for key, value in _ids(r["metadata"]).items():
            by_id[key, value] = r
        if r["title"] and r["air_date"]:
            by_day.setdefault((r["title"].casefold(), r["air_date"]), []).append(r)
    spec_days: dict[tuple[str, str], int] = {}
    for s in specs:
        if s.title and s.air_date:
            key = (s.title.casefold(), s.air_date.isoformat())
            spec_days[key] = spec_days.get(key, 0) + 1
    moves: dict[Slot, tuple[str, Slot]] = {}
    taken: set[str] = set()
    for s in specs:
        row = by_id.get(s.provider_id) if s.provider_id else None
        if row is None and s.title and s.air_date:
            key = (s.title.casefold(), s.air_date.isoformat())
            same = by_day.get(key, [])
            if len(same) == 1 and spec_days[key] == 1 and not _ids(same[0]["metadata"]):
                row = same[0]
        if row is None or row["id"] in taken:
            continue
        taken.add(row["id"])
        old, new = (row["season_number"], row["episode_number"]), (s.season, s.episode)
        if old != new:
            moves[old] = (row["id"], new)
    return moves


def _listed(holder: Any, specs: Sequence[EpisodeSpec]) -> bool:
    """The provider still has the holder's episode (by its id, else by title and air date)."""
    ids = _ids(holder["metadata"])
    if ids:
        return any(s.provider_id and ids.get(s.provider_id[0]) == s.provider_id[1] for s in specs)
    return any(s.title and s.air_date and holder["title"] and s.title.casefold() == holder["title"].casefold()
               and s.air_date.isoformat() == holder["air_date"] for s in specs)


def _ids(metadata: str | None) -> dict[str, Any]:
    try:
        meta = json.loads(metadata) if metadata else {}
    except ValueError:
        return {}
    if not isinstance(meta, dict):
        return {}
    return {k: meta[k] for k in ("tvmaze_id", "tmdb_id") if meta.get(k) is not None}
