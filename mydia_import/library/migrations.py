"""The tool's own schema changes on an existing database, each applied once, in order, and
journaled in `import_migrations` (version, name, when, rows changed).

Mydia's tables are never altered; a migration here rebuilds the tool's `import_` tables or
rewrites values the tool itself wrote. Each runs in the transaction that records it, so a run
killed half-way leaves nothing half done and the next open applies it again; and each is
idempotent (it finds only what is still in the old form).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from mydia_import.decisions import Code
from mydia_import.library import provenance, vocabulary
from mydia_import.library.db import Database, timestamp
from mydia_import.library.schema import TOOL_TABLES, Table
from mydia_import.models import Release
from mydia_import.pathtext import json_dumps


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Database], int]  # returns the rows it changed


def _references_mydia(db: Database, table: Table) -> bool:
    return any(not str(fk[2]).startswith("import_")
               for fk in db.execute(f"PRAGMA foreign_key_list([{table.name}])").fetchall())


def _drop_mydia_references(db: Database) -> int:
    """Rebuild the tool's tables that still refer to Mydia's with ON DELETE CASCADE (before 0.2):
    Mydia's own table rebuilds emptied them (schema.py says why)."""
    changed = 0
    for table in TOOL_TABLES:
        if table.name not in db.table_names() or not _references_mydia(db, table):
            continue
        columns = ", ".join(c for c in table.column_names if c in db.columns(table.name))
        interim = Table(f"{table.name}__rebuilt", table.columns, table.constraints)
        db.execute(interim.create_sql())
        changed += db.execute(f"INSERT INTO {interim.name} ({columns}) SELECT {columns} FROM {table.name}").rowcount
        db.execute(f"DROP TABLE {table.name}")
        db.execute(f"ALTER TABLE {interim.name} RENAME TO {table.name}")
        for index in table.indexes:
            db.execute(index.create_sql(table.name))
    return changed


def _mydia_metadata(db: Database) -> int:
    """Rows the tool wrote before 0.2 put the download's path under Mydia's `source` and the
    quality under `quality_source`, and guessit's words in the quality columns: Mydia's keys and
    words instead (library/provenance.py, library/vocabulary.py). Rows the tool did not write are left alone."""
    rows = db.rows(
        "SELECT id, metadata, codec, audio_codec, hdr_format, resolution FROM media_files "
        "WHERE metadata LIKE '%\"transfer_mode\"%' OR metadata LIKE '%\"quality_source\"%' "
        "OR metadata LIKE '%\"adopted\"%'")
    changed = 0
    for row in rows:
        try:
            metadata = json.loads(row["metadata"])
        except ValueError:
            continue
        if not isinstance(metadata, dict) or not provenance.written_before(metadata):
            continue
        name = provenance.release_name(metadata) or ""
        old = Release(name=name, resolution=row["resolution"], video_codec=row["codec"],
                      audio_codec=row["audio_codec"], hdr_format=row["hdr_format"])
        columns = vocabulary.columns(old)
        db.update("media_files", row["id"], {
            "metadata": json_dumps(provenance.modernize(metadata), default=str),
            **{key: value if row[key] is not None else None for key, value in columns.items()},
        })
        changed += 1
    return changed


def _job_line_codes(db: Database) -> int:
    """Job lines carry their reason's code (decisions.py): the column, and the one code a
    command looks for (`retry`: a subtitle skipped because its video failed) on the older lines."""
    if "import_job_files" not in db.table_names():
        return 0
    if "code" not in db.columns("import_job_files"):
        db.execute("ALTER TABLE import_job_files ADD COLUMN code TEXT")
    return db.execute("UPDATE import_job_files SET code = ? WHERE code IS NULL AND status = 'skipped' "
                      "AND reason LIKE 'its video was not imported%'", [str(Code.VIDEO_FAILED)]).rowcount


MIGRATIONS = (
    Migration(1, "tool tables without foreign keys into Mydia's tables", _drop_mydia_references),
    Migration(2, "media_files.metadata in Mydia's keys, quality columns in Mydia's words", _mydia_metadata),
    Migration(3, "import_job_files.code: each job line's rule", _job_line_codes),
)


def _applied(db: Database) -> set[int]:
    return {r[0] for r in db.execute("SELECT version FROM import_migrations").fetchall()}


def migrate(db: Database) -> list[int]:
    """Apply what is pending; returns the versions applied now. Takes the write lock only when
    something is pending."""
    if not {m.version for m in MIGRATIONS} - _applied(db):
        return []
    done: list[int] = []
    with db.transaction():
        applied = _applied(db)  # again under the lock: another run may have just applied them
        for migration in MIGRATIONS:
            if migration.version in applied:
                continue
            changed = migration.apply(db)
            db.insert("import_migrations", {"version": migration.version, "name": migration.name,
                                            "applied_at": timestamp(), "changed": changed})
            done.append(migration.version)
    return done
