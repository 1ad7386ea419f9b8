"""The tables, as data: Mydia's (copied from its migrations) and the tool's own.

`db.ensure_schema` creates Mydia's tables only where missing, column for column
in the order Mydia's migrations leave them (its table rebuilds copy rows with
SELECT *), and never alters an existing one. The tool's own tables carry the
prefix `import_`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]

    def create_sql(self, table: str) -> str:
        return f"CREATE INDEX IF NOT EXISTS {self.name} ON {table} ({', '.join(self.columns)})"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # column definitions, "name TYPE constraints"
    constraints: tuple[str, ...] = ()
    indexes: tuple[Index, ...] = ()
    # Columns mydia-import reads or writes: an existing table must have them.
    uses: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(definition.split()[0] for definition in self.columns)

    def create_sql(self) -> str:
        body = ",\n  ".join(self.columns + self.constraints)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  {body}\n)"


def _ecto_indexes(table: str, *columns: tuple[str, ...]) -> tuple[Index, ...]:
    """Indexes named the way Ecto names them: <table>_<columns>_index."""
    return tuple(Index(f"{table}_{'_'.join(cols)}_index", cols) for cols in columns)


_TIMESTAMPS = ("inserted_at TEXT NOT NULL", "updated_at TEXT NOT NULL")

QUALITY_PROFILES = Table(
    "quality_profiles",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "name TEXT NOT NULL UNIQUE",
        "upgrades_allowed INTEGER DEFAULT 1 CHECK(upgrades_allowed IN (0, 1))",
        "upgrade_until_quality TEXT",
        "qualities TEXT NOT NULL",
        "rules TEXT",
        *_TIMESTAMPS,
    ),
)

# library_paths.updated_by_id references users: with foreign_keys on, SQLite
# refuses every write to library_paths while that table does not exist.
USERS = Table(
    "users",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "username TEXT UNIQUE",
        "email TEXT UNIQUE",
        "password_hash TEXT",
        "oidc_sub TEXT UNIQUE",
        "oidc_issuer TEXT",
        "role TEXT NOT NULL DEFAULT 'user' CHECK(role IN ('admin', 'user', 'readonly', 'guest'))",
        "display_name TEXT",
        "avatar_url TEXT",
        "last_login_at TEXT",
        *_TIMESTAMPS,
    ),
    indexes=_ecto_indexes("users", ("oidc_sub", "oidc_issuer")),
)

MEDIA_ITEMS = Table(
    "media_items",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "type TEXT NOT NULL CHECK(type IN ('movie', 'tv_show'))",
        "title TEXT NOT NULL",
        "original_title TEXT",
        "year INTEGER",
        "tmdb_id INTEGER UNIQUE",
        "imdb_id TEXT",
        "metadata TEXT",
        "monitored INTEGER DEFAULT 1 CHECK(monitored IN (0, 1))",
        *_TIMESTAMPS,
        "quality_profile_id TEXT CONSTRAINT media_items_quality_profile_id_fkey "
        "REFERENCES quality_profiles(id) ON DELETE SET NULL",
    ),
    indexes=_ecto_indexes(
        "media_items", ("imdb_id",), ("title",), ("type",), ("quality_profile_id",)
    ),
    uses=("id", "type", "title", "original_title", "year", "tmdb_id", "imdb_id", "inserted_at",
          "updated_at"),
)

EPISODES = Table(
    "episodes",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "media_item_id TEXT NOT NULL REFERENCES media_items(id) ON DELETE CASCADE",
        "season_number INTEGER NOT NULL",
        "episode_number INTEGER NOT NULL",
        "title TEXT",
        "air_date TEXT",
        "metadata TEXT",
        "monitored INTEGER DEFAULT 1 CHECK(monitored IN (0, 1))",
        *_TIMESTAMPS,
    ),
    constraints=("UNIQUE(media_item_id, season_number, episode_number)",),
    indexes=_ecto_indexes("episodes", ("media_item_id",), ("air_date",)),
    uses=("id", "media_item_id", "season_number", "episode_number", "title", "air_date",
          "inserted_at", "updated_at"),
)

LIBRARY_PATHS = Table(
    "library_paths",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "path TEXT NOT NULL UNIQUE",
        "type TEXT NOT NULL CHECK(type IN ('movies', 'series', 'mixed'))",
        "monitored INTEGER DEFAULT 1 CHECK(monitored IN (0, 1))",
        "scan_interval INTEGER DEFAULT 3600",
        "last_scan_at TEXT",
        "last_scan_status TEXT CHECK(last_scan_status IS NULL OR "
        "last_scan_status IN ('success', 'failed', 'in_progress'))",
        "last_scan_error TEXT",
        "quality_profile_id TEXT REFERENCES quality_profiles(id) ON DELETE SET NULL",
        "updated_by_id TEXT REFERENCES users(id) ON DELETE SET NULL",
        *_TIMESTAMPS,
    ),
    indexes=_ecto_indexes("library_paths", ("monitored",), ("type",), ("quality_profile_id",)),
    uses=("id", "path", "type", "inserted_at", "updated_at"),
)

MEDIA_FILES = Table(
    "media_files",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "media_item_id TEXT REFERENCES media_items(id) ON DELETE CASCADE",
        "episode_id TEXT REFERENCES episodes(id) ON DELETE CASCADE",
        "path TEXT NOT NULL UNIQUE",
        "size INTEGER",
        "quality_profile_id TEXT REFERENCES quality_profiles(id)",
        "resolution TEXT",
        "codec TEXT",
        "hdr_format TEXT",
        "audio_codec TEXT",
        "bitrate INTEGER",
        "verified_at TEXT",
        "metadata TEXT",
        *_TIMESTAMPS,
        "library_path_id TEXT CONSTRAINT media_files_library_path_id_fkey "
        "REFERENCES library_paths(id) ON DELETE CASCADE",
        "relative_path TEXT",
    ),
    constraints=("CHECK(NOT (media_item_id IS NOT NULL AND episode_id IS NOT NULL))",),
    indexes=_ecto_indexes("media_files", ("media_item_id",), ("episode_id",), ("library_path_id",)),
    uses=("id", "media_item_id", "episode_id", "path", "size", "resolution", "codec",
          "hdr_format", "audio_codec", "verified_at", "metadata", "inserted_at", "updated_at",
          "library_path_id", "relative_path"),
)

# In dependency order, so that a reader meets a referenced table first.
MYDIA_TABLES = (QUALITY_PROFILES, USERS, MEDIA_ITEMS, EPISODES, LIBRARY_PATHS, MEDIA_FILES)

# --- the tool's own tables -------------------------------------------------

# No table of the tool's refers to one of Mydia's with a foreign key. Mydia changes a table by
# rebuilding it (copy, DROP TABLE, rename) with foreign keys on: the drop deletes every row first,
# so an ON DELETE CASCADE from here would empty the tool's table, and a plain reference would make
# Mydia's migration fail. The tool reconciles these links itself on open (library/reconcile.py):
# a link whose Mydia row is gone is dropped; one whose row came back under the same id stays.

# Normalised keys of each item's title (and original title, which Mydia fills
# from TMDB) so that matching is an index lookup. Kept in sync on open for
# items Mydia creates or renames; `title` is the text the key was made from.
IMPORT_TITLES = Table(
    "import_titles",
    (
        "media_item_id TEXT NOT NULL",  # media_items.id
        "kind TEXT NOT NULL CHECK(kind IN ('title', 'original_title'))",
        "title TEXT NOT NULL",
        "normalized TEXT NOT NULL",
    ),
    constraints=("PRIMARY KEY (media_item_id, kind)",),
    indexes=(Index("import_titles_normalized_index", ("normalized",)),),
)

# More keys an item is found by: the loose keys (titles.loose_key) of its titles and aliases,
# and the alternate titles of its provider payload (media_items.metadata). `stamp` is the
# item's updated_at when they were made: Mydia rewrites metadata and updated_at together.
IMPORT_TITLE_KEYS = Table(
    "import_title_keys",
    (
        "media_item_id TEXT NOT NULL",  # media_items.id; no cascade: Mydia rebuilds its tables (lookup.py tidies)
        "key TEXT NOT NULL",
        "source TEXT NOT NULL",
        "stamp TEXT",
    ),
    constraints=("PRIMARY KEY (media_item_id, key)",),
    indexes=(Index("import_title_keys_key_index", ("key",)),),
)

IMPORT_ALIASES = Table(
    "import_aliases",
    (
        "media_item_id TEXT NOT NULL",  # media_items.id
        "alias TEXT NOT NULL",
        "normalized TEXT NOT NULL",
        "inserted_at TEXT NOT NULL",
    ),
    constraints=("PRIMARY KEY (media_item_id, normalized)",),
    indexes=(Index("import_aliases_normalized_index", ("normalized",)),),
)

# Anime absolute numbers; Mydia has no column for them.
IMPORT_EPISODE_NUMBERS = Table(
    "import_episode_numbers",
    (
        "episode_id TEXT PRIMARY KEY NOT NULL",  # episodes.id
        "media_item_id TEXT NOT NULL",  # media_items.id
        "absolute_number INTEGER NOT NULL CHECK(absolute_number > 0)",
    ),
    indexes=(Index("import_episode_numbers_absolute_index", ("media_item_id", "absolute_number")),),
)

# Every episode of a multi-episode file; media_files.episode_id holds the first.
IMPORT_FILE_EPISODES = Table(
    "import_file_episodes",
    (
        "media_file_id TEXT NOT NULL",  # media_files.id
        "episode_id TEXT NOT NULL",  # episodes.id
        "position INTEGER NOT NULL CHECK(position >= 0)",
    ),
    constraints=("PRIMARY KEY (media_file_id, position)", "UNIQUE(media_file_id, episode_id)"),
    indexes=(Index("import_file_episodes_episode_id_index", ("episode_id",)),),
)

IMPORT_JOBS = Table(
    "import_jobs",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "command TEXT NOT NULL",
        "started_at TEXT NOT NULL",
        "finished_at TEXT",
        "dry_run INTEGER NOT NULL DEFAULT 0 CHECK(dry_run IN (0, 1))",
        "mode TEXT",
        "status TEXT NOT NULL",
        "summary TEXT",
        "arguments TEXT",
    ),
    indexes=(Index("import_jobs_started_at_index", ("started_at",)),),
)

# A log: it keeps the ids of items and media_files that may since have gone,
# so those columns carry no foreign keys.
IMPORT_JOB_FILES = Table(
    "import_job_files",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "job_id TEXT NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE",
        "source TEXT NOT NULL",
        "destination TEXT",
        "kind TEXT NOT NULL",
        "action TEXT NOT NULL",
        "status TEXT NOT NULL",
        "reason TEXT",
        "release_name TEXT",
        "media_item_id TEXT",
        "episodes TEXT",
        "media_file_id TEXT",
        "size INTEGER",
        "recorded_at TEXT NOT NULL",
        "code TEXT",  # the rule of the reason (decisions.py): what retry looks for, not the words
    ),
    indexes=(
        # No index on media_file_id: nothing looks lines up by it, and its random ids would
        # make every line written touch another page of it.
        Index("import_job_files_job_id_status_index", ("job_id", "status")),
    ),
)

# The transfer journal: one row per file a job puts into the library, written before
# the first byte moves and again when the file is recorded (or rolled back). A run
# that finds rows still "started" finishes or rolls them back (execute/recovery.py); undo
# reads what each row created and replaced; the next run recognises a source it
# already imported by its identity. Paths that are not UTF-8 are stored as BLOBs.
IMPORT_TRANSFERS = Table(
    "import_transfers",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "job_id TEXT NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE",
        "kind TEXT NOT NULL",
        "operation TEXT NOT NULL",  # the action planned, or 'record' for a file only recorded
        "action TEXT",  # what was done (auto may fall back to a copy)
        "state TEXT NOT NULL",  # started | done | failed | rolled-back
        "source TEXT NOT NULL",
        "source_size INTEGER",
        "source_mtime_ns INTEGER",
        "source_inode INTEGER",
        "source_dev INTEGER",
        "destination TEXT NOT NULL",
        "temp TEXT",
        "dest_size INTEGER",
        "dest_mtime_ns INTEGER",
        "dest_inode INTEGER",
        "digest TEXT",
        "replaced_size INTEGER",
        "replaced_mtime_ns INTEGER",
        "replaced_inode INTEGER",
        "recycled TEXT",
        "recycle_purged_at TEXT",
        "replaced_row TEXT",
        "media_file_id TEXT",
        "record TEXT",
        "reason TEXT",
        "started_at TEXT NOT NULL",
        "finished_at TEXT",
    ),
    indexes=(
        Index("import_transfers_source_index", ("source",)),
        Index("import_transfers_state_index", ("state",)),
        Index("import_transfers_job_id_index", ("job_id",)),
        Index("import_transfers_destination_index", ("destination",)),
        Index("import_transfers_recycled_index", ("recycled",)),  # every run's purge
    ),
)

# Torrents imported and waiting for their clean-up in the download client (issue 6):
# seeding towards their goal, or the client could not be reached. Re-checked by later runs.
IMPORT_PENDING_CLEANUPS = Table(
    "import_pending_cleanups",
    (
        "client TEXT NOT NULL",
        "download_id TEXT NOT NULL",
        "name TEXT",
        "job_id TEXT",
        "reason TEXT",
        "added_at TEXT NOT NULL",
        "checked_at TEXT",
    ),
    constraints=("PRIMARY KEY (client, download_id)",),
)

# Release names as guessit read them, so a name is parsed once across runs. The key
# holds guessit's version and the tool's parse format: an upgrade of either reads anew.
IMPORT_PARSE_CACHE = Table(
    "import_parse_cache",
    (
        "parser TEXT NOT NULL",  # "guessit 4.4.0 / 1"
        "type_hint TEXT NOT NULL",  # "" without a hint
        "name TEXT NOT NULL",
        "release TEXT NOT NULL",  # the Release as JSON
        "parsed_at TEXT NOT NULL",
    ),
    constraints=("PRIMARY KEY (parser, type_hint, name)",),
)

# Releases of a downloads folder whose every file an earlier scan left imported or skipped for
# good, with a fingerprint of their files: a re-scan that finds the same fingerprint takes
# their results from here (mydia_import/rescan/fast_path.py) instead of planning them again.
IMPORT_SETTLED_RELEASES = Table(
    "import_settled_releases",
    (
        "release TEXT PRIMARY KEY NOT NULL",  # the release's path (raw bytes if not UTF-8)
        "downloads TEXT NOT NULL",  # the downloads folder it was found in
        "fingerprint TEXT NOT NULL",  # its files and the settings that decided them, hashed
        "files TEXT NOT NULL",  # each file's result as JSON, in the scan's order
        "settled_at TEXT NOT NULL",
    ),
    indexes=(Index("import_settled_releases_downloads_index", ("downloads",)),),
)

# The tool's own schema changes, one row each once applied (library/migrations.py): the version
# an existing database has reached, and when and how many rows each changed.
IMPORT_MIGRATIONS = Table(
    "import_migrations",
    (
        "version INTEGER PRIMARY KEY NOT NULL",
        "name TEXT NOT NULL",
        "applied_at TEXT NOT NULL",
        "changed INTEGER NOT NULL DEFAULT 0",  # rows rebuilt or rewritten
    ),
)


# Archive sets extracted for an import (mydia_import/archives/stage.py): a row is written
# `started` before the first byte is extracted, so that the next run removes the work folder of
# a killed run, and becomes `done` with the files it gave once they are imported: a re-scan of
# the unchanged set (same fingerprint) does not extract it again.
IMPORT_EXTRACTIONS = Table(
    "import_extractions",
    (
        "id TEXT PRIMARY KEY NOT NULL",
        "job_id TEXT",
        "first_volume TEXT NOT NULL",  # the path of the set's first volume
        "fingerprint TEXT NOT NULL",  # each volume's name, size, mtime and inode, hashed
        "work TEXT NOT NULL",  # the work folder, removed after the run
        "state TEXT NOT NULL",  # started | done
        "files TEXT",  # JSON: the extracted paths that were imported
        "started_at TEXT NOT NULL",
        "finished_at TEXT",
    ),
    indexes=(Index("import_extractions_first_volume_index", ("first_volume",)),
             Index("import_extractions_state_index", ("state",))),
)

# Archive sets not extracted, and why (mydia_import/archives/stage.py): while the fingerprint
# of its volumes is unchanged, a re-scan reports the reason without reading the set again.
IMPORT_SKIPPED_ARCHIVES = Table(
    "import_skipped_archives",
    (
        "first_volume TEXT PRIMARY KEY NOT NULL",  # the path of the set's first volume
        "fingerprint TEXT NOT NULL",  # as import_extractions.fingerprint
        "reason TEXT NOT NULL",
        "members TEXT",  # JSON: the videos it holds, when the library wanted none of them
        "skipped_at TEXT NOT NULL",
    ),
)

TOOL_TABLES = (
    IMPORT_MIGRATIONS,
    IMPORT_EXTRACTIONS,
    IMPORT_SKIPPED_ARCHIVES,
    IMPORT_PARSE_CACHE,
    IMPORT_SETTLED_RELEASES,
    IMPORT_TITLES,
    IMPORT_TITLE_KEYS,
    IMPORT_ALIASES,
    IMPORT_EPISODE_NUMBERS,
    IMPORT_FILE_EPISODES,
    IMPORT_JOBS,
    IMPORT_JOB_FILES,
    IMPORT_TRANSFERS,
    IMPORT_PENDING_CLEANUPS,
)
