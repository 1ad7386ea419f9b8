"""The tool's links into Mydia's tables, kept true by the tool itself.

They carry no foreign keys (schema.py says why), so a row of Mydia's can go without its links
going with it: Mydia deletes a file, an episode or an item, or rebuilds a table. On open, a
link whose Mydia row is gone is dropped; one whose row came back under the same id (a rebuild
copies every row) is kept. Reading first, so an open that finds nothing to do writes nothing.
"""

from __future__ import annotations

from mydia_import.library.db import Database

# Each: the rows of a tool table whose Mydia row is gone.
_ORPHANS = (
    "FROM import_file_episodes WHERE media_file_id NOT IN (SELECT id FROM media_files) "
    "OR episode_id NOT IN (SELECT id FROM episodes)",
    "FROM import_episode_numbers WHERE episode_id NOT IN (SELECT id FROM episodes)",
    "FROM import_aliases WHERE media_item_id NOT IN (SELECT id FROM media_items)",
)


def drop_orphan_links(db: Database) -> int:
    """Delete the links whose Mydia row is gone; returns how many."""
    found = [orphans for orphans in _ORPHANS if db.value(f"SELECT 1 {orphans} LIMIT 1")]
    if not found:
        return 0
    with db.transaction():
        return sum(db.execute(f"DELETE {orphans}").rowcount for orphans in found)
