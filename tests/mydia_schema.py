"""A database as Mydia builds it: its 21 migrations (getmydia/mydia at 819770d, 2025-11-15,
`priv/repo/migrations`) applied in order with foreign keys on, as SQL written here from what
each migration does (Ecto's `create table`/`alter table`/`create index` spelled as the SQLite
adapter spells them), then the rows Mydia's start-up writes: `library_paths` (LibraryPathSync)
and its default quality profiles (`lib/mydia/settings/default_quality_profiles.ex`). Items and
episodes are inserted as Ecto writes them (UUID ids, ISO-8601 times, JSON metadata).

Not the tool's own copy of Mydia's tables (`mydia_import/library/schema.py`): the point is to
check the tool against Mydia's shapes, not against its idea of them. Also the rules Mydia's code
applies when it reads the rows (`MediaFile.changeset`, `Library` by-path and count queries)."""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from pathlib import Path

NOW = "2025-11-15T10:00:00Z"

_FILES_COLUMNS = """
    id TEXT PRIMARY KEY NOT NULL,
    media_item_id TEXT REFERENCES media_items(id) ON DELETE CASCADE,
    episode_id TEXT REFERENCES episodes(id) ON DELETE CASCADE,
    path TEXT NOT NULL UNIQUE,
    size INTEGER,
    quality_profile_id TEXT REFERENCES quality_profiles(id),
    resolution TEXT, codec TEXT, hdr_format TEXT, audio_codec TEXT,
    bitrate INTEGER,
    verified_at TEXT,
    metadata TEXT,
    inserted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL"""

_CLIENTS = ("qbittorrent", "transmission", "http", "sabnzbd", "nzbget")  # the last two: 20251109154026

_USERS_COLUMNS = """
    id TEXT PRIMARY KEY NOT NULL, username TEXT UNIQUE, email TEXT UNIQUE, password_hash TEXT,
    oidc_sub TEXT UNIQUE, oidc_issuer TEXT,
    role TEXT NOT NULL DEFAULT 'user' CHECK(role IN ({roles})),
    display_name TEXT, avatar_url TEXT, last_login_at TEXT,
    inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL"""

_CLIENT_COLUMNS = """
    id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL CHECK(type IN ({types})),
    enabled INTEGER DEFAULT 1 CHECK(enabled IN (0, 1)), priority INTEGER DEFAULT 1,
    host TEXT NOT NULL, port INTEGER NOT NULL, use_ssl INTEGER DEFAULT 0 CHECK(use_ssl IN (0, 1)),
    url_base TEXT, username TEXT, password TEXT, api_key TEXT, category TEXT, download_directory TEXT,
    connection_settings TEXT, updated_by_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL"""


def _words(*values: str) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _index(table: str, *columns: str, unique: bool = False) -> str:
    name = f"{table}_{'_'.join(columns)}_index"
    return f'CREATE {"UNIQUE " if unique else ""}INDEX "{name}" ON "{table}" ({", ".join(columns)})'


def _media_request_triggers() -> list[str]:
    out = []
    for column, values, what in (("status", "'pending', 'approved', 'rejected'", "status"),
                                 ("media_type", "'movie', 'tv_show'", "media_type")):
        for event in ("INSERT", "UPDATE"):
            name = f"validate_media_{'request_status' if column == 'status' else 'type'}_{event.lower()}"
            out.append(f"CREATE TRIGGER {name} BEFORE {event} ON media_requests FOR EACH ROW "
                       f"WHEN NEW.{column} NOT IN ({values}) BEGIN SELECT RAISE(ABORT, 'Invalid {what} value'); END")
    return out


# (version, statements), in the order Mydia runs them.
MIGRATIONS: list[tuple[str, list[str]]] = [
    ("20251103225447_create_config_tables", [
        """CREATE TABLE config_settings (id TEXT PRIMARY KEY NOT NULL, key TEXT NOT NULL UNIQUE, value TEXT,
           category TEXT NOT NULL CHECK(category IN ('server', 'auth', 'media', 'downloads', 'notifications',
           'general')), description TEXT, updated_by_id TEXT REFERENCES users(id) ON DELETE SET NULL,
           inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        _index("config_settings", "category"), _index("config_settings", "key"),
        "CREATE TABLE download_client_configs (" + _CLIENT_COLUMNS.format(types=_words(*_CLIENTS[:3])) + ")",
        _index("download_client_configs", "enabled"), _index("download_client_configs", "priority"),
        _index("download_client_configs", "type"),
        """CREATE TABLE indexer_configs (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE,
           type TEXT NOT NULL CHECK(type IN ('prowlarr', 'jackett', 'public')),
           enabled INTEGER DEFAULT 1 CHECK(enabled IN (0, 1)), priority INTEGER DEFAULT 1, base_url TEXT NOT NULL,
           api_key TEXT, indexer_ids TEXT, categories TEXT, rate_limit INTEGER, connection_settings TEXT,
           updated_by_id TEXT REFERENCES users(id) ON DELETE SET NULL, inserted_at TEXT NOT NULL,
           updated_at TEXT NOT NULL)""",
        _index("indexer_configs", "enabled"), _index("indexer_configs", "priority"), _index("indexer_configs", "type"),
        """CREATE TABLE library_paths (id TEXT PRIMARY KEY NOT NULL, path TEXT NOT NULL UNIQUE,
           type TEXT NOT NULL CHECK(type IN ('movies', 'series', 'mixed')),
           monitored INTEGER DEFAULT 1 CHECK(monitored IN (0, 1)), scan_interval INTEGER DEFAULT 3600,
           last_scan_at TEXT, last_scan_status TEXT CHECK(last_scan_status IS NULL OR last_scan_status IN
           ('success', 'failed', 'in_progress')), last_scan_error TEXT,
           quality_profile_id TEXT REFERENCES quality_profiles(id) ON DELETE SET NULL,
           updated_by_id TEXT REFERENCES users(id) ON DELETE SET NULL, inserted_at TEXT NOT NULL,
           updated_at TEXT NOT NULL)""",
        _index("library_paths", "monitored"), _index("library_paths", "type"),
        _index("library_paths", "quality_profile_id"),
    ]),
    ("20251104022339_add_oban_jobs_table", [  # Oban's own SQLite table (Oban.Migration), in short
        """CREATE TABLE oban_jobs (id INTEGER PRIMARY KEY, state TEXT NOT NULL DEFAULT 'available',
           queue TEXT NOT NULL DEFAULT 'default', worker TEXT NOT NULL, args TEXT NOT NULL DEFAULT '{}',
           meta TEXT NOT NULL DEFAULT '{}', tags TEXT NOT NULL DEFAULT '[]', errors TEXT NOT NULL DEFAULT '[]',
           attempt INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 20,
           priority INTEGER NOT NULL DEFAULT 0, inserted_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
           scheduled_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, attempted_at TEXT, attempted_by TEXT,
           cancelled_at TEXT, completed_at TEXT, discarded_at TEXT,
           CHECK (state IN ('available', 'scheduled', 'executing', 'retryable', 'completed', 'discarded',
           'cancelled')))""",
        'CREATE INDEX "oban_jobs_state_queue_priority_scheduled_at_id_index" ON oban_jobs '
        "(state, queue, priority, scheduled_at, id)",
    ]),
    ("20251104023000_create_media_items", [
        """CREATE TABLE media_items (id TEXT PRIMARY KEY NOT NULL, type TEXT NOT NULL CHECK(type IN ('movie',
           'tv_show')), title TEXT NOT NULL, original_title TEXT, year INTEGER, tmdb_id INTEGER UNIQUE,
           imdb_id TEXT, metadata TEXT, monitored INTEGER DEFAULT 1 CHECK(monitored IN (0, 1)),
           inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        _index("media_items", "imdb_id"), _index("media_items", "title"), _index("media_items", "type"),
    ]),
    ("20251104023001_create_episodes", [
        """CREATE TABLE episodes (id TEXT PRIMARY KEY NOT NULL,
           media_item_id TEXT NOT NULL REFERENCES media_items(id) ON DELETE CASCADE,
           season_number INTEGER NOT NULL, episode_number INTEGER NOT NULL, title TEXT, air_date TEXT,
           metadata TEXT, monitored INTEGER DEFAULT 1 CHECK(monitored IN (0, 1)), inserted_at TEXT NOT NULL,
           updated_at TEXT NOT NULL, UNIQUE(media_item_id, season_number, episode_number))""",
        _index("episodes", "media_item_id"), _index("episodes", "air_date"),
    ]),
    ("20251104023002_create_quality_profiles", [
        """CREATE TABLE quality_profiles (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE,
           upgrades_allowed INTEGER DEFAULT 1 CHECK(upgrades_allowed IN (0, 1)), upgrade_until_quality TEXT,
           qualities TEXT NOT NULL, rules TEXT, inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    ]),
    ("20251104023003_create_media_files", [
        f"""CREATE TABLE media_files ({_FILES_COLUMNS},
           CHECK((media_item_id IS NOT NULL AND episode_id IS NULL) OR
                 (media_item_id IS NULL AND episode_id IS NOT NULL)))""",
        _index("media_files", "media_item_id"), _index("media_files", "episode_id"),
    ]),
    ("20251104023004_create_downloads", [
        """CREATE TABLE downloads (id TEXT PRIMARY KEY NOT NULL,
           media_item_id TEXT REFERENCES media_items(id) ON DELETE CASCADE,
           episode_id TEXT REFERENCES episodes(id) ON DELETE CASCADE,
           status TEXT NOT NULL CHECK(status IN ('pending', 'downloading', 'completed', 'failed', 'cancelled')),
           indexer TEXT, title TEXT NOT NULL, download_url TEXT, download_client TEXT, download_client_id TEXT,
           progress REAL CHECK(progress IS NULL OR (progress >= 0 AND progress <= 100)),
           estimated_completion TEXT, completed_at TEXT, error_message TEXT, metadata TEXT,
           inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        _index("downloads", "status"), _index("downloads", "media_item_id"), _index("downloads", "episode_id"),
        _index("downloads", "inserted_at"),
    ]),
    ("20251104023005_create_users", [
        f"CREATE TABLE users ({_USERS_COLUMNS.format(roles=_words('admin', 'user', 'readonly'))})",
        _index("users", "oidc_sub", "oidc_issuer"),
    ]),
    ("20251104023006_create_api_keys", [
        """CREATE TABLE api_keys (id TEXT PRIMARY KEY NOT NULL,
           user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, name TEXT NOT NULL,
           key_hash TEXT NOT NULL UNIQUE, last_used_at TEXT, expires_at TEXT, inserted_at TEXT NOT NULL)""",
        _index("api_keys", "user_id"),
    ]),
    ("20251104211435_add_quality_profile_to_media_items", [
        'ALTER TABLE media_items ADD COLUMN quality_profile_id TEXT CONSTRAINT '
        '"media_items_quality_profile_id_fkey" REFERENCES quality_profiles(id) ON DELETE SET NULL',
        _index("media_items", "quality_profile_id"),
    ]),
    ("20251105033610_refactor_downloads_remove_state_fields", [
        """CREATE TABLE downloads_new (id TEXT PRIMARY KEY NOT NULL,
           media_item_id TEXT REFERENCES media_items(id) ON DELETE CASCADE,
           episode_id TEXT REFERENCES episodes(id) ON DELETE CASCADE, indexer TEXT, title TEXT NOT NULL,
           download_url TEXT, download_client TEXT, download_client_id TEXT, completed_at TEXT,
           error_message TEXT, metadata TEXT, inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        """INSERT INTO downloads_new SELECT id, media_item_id, episode_id, indexer, title, download_url,
           download_client, download_client_id, completed_at, error_message, metadata, inserted_at, updated_at
           FROM downloads""",
        "DROP TABLE downloads", "ALTER TABLE downloads_new RENAME TO downloads",
        _index("downloads", "media_item_id"), _index("downloads", "episode_id"), _index("downloads", "inserted_at"),
        _index("downloads", "download_client_id"),
    ]),
    ("20251105212851_relax_media_files_parent_constraint", [
        # The rebuild: a copy, the old table dropped (with foreign keys on, its rows deleted first), renamed.
        f"""CREATE TABLE media_files_new ({_FILES_COLUMNS},
           CHECK(NOT (media_item_id IS NOT NULL AND episode_id IS NOT NULL)))""",
        "INSERT INTO media_files_new SELECT * FROM media_files",
        "DROP TABLE media_files", "ALTER TABLE media_files_new RENAME TO media_files",
        _index("media_files", "media_item_id"), _index("media_files", "episode_id"),
    ]),
    ("20251106183710_add_unique_constraint_to_downloads", [
        "DELETE FROM downloads", _index("downloads", "download_client", "download_client_id", unique=True),
    ]),
    ("20251106191246_create_events", [
        """CREATE TABLE events (id TEXT PRIMARY KEY NOT NULL, category TEXT NOT NULL, type TEXT NOT NULL,
           actor_type TEXT, actor_id TEXT, resource_type TEXT, resource_id TEXT,
           severity TEXT NOT NULL DEFAULT 'info', metadata TEXT, inserted_at TEXT NOT NULL)""",
        _index("events", "type"), _index("events", "category"), _index("events", "actor_type", "actor_id"),
        _index("events", "resource_type", "resource_id"), _index("events", "inserted_at"),
        _index("events", "category", "type", "inserted_at"),
    ]),
    ("20251108213827_create_media_requests", [
        """CREATE TABLE media_requests (id TEXT NOT NULL PRIMARY KEY, media_type TEXT NOT NULL,
           title TEXT NOT NULL, original_title TEXT, year INTEGER, tmdb_id INTEGER, imdb_id TEXT,
           status TEXT NOT NULL DEFAULT 'pending', requester_notes TEXT, admin_notes TEXT,
           rejection_reason TEXT, approved_at TEXT, rejected_at TEXT,
           requester_id TEXT NOT NULL CONSTRAINT "media_requests_requester_id_fkey" REFERENCES users(id)
             ON DELETE RESTRICT,
           approved_by_id TEXT CONSTRAINT "media_requests_approved_by_id_fkey" REFERENCES users(id)
             ON DELETE SET NULL,
           media_item_id TEXT CONSTRAINT "media_requests_media_item_id_fkey" REFERENCES media_items(id)
             ON DELETE SET NULL,
           inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        *(_index("media_requests", *c) for c in (("requester_id",), ("status",), ("tmdb_id",), ("media_type",),
                                                  ("approved_by_id",), ("media_item_id",), ("tmdb_id", "status"),
                                                  ("imdb_id", "status"))),
        *_media_request_triggers(),
    ]),
    ("20251108213906_add_guest_role_to_users", [
        f"CREATE TABLE users_temp ({_USERS_COLUMNS.format(roles=_words('admin', 'user', 'readonly', 'guest'))})",
        "INSERT INTO users_temp SELECT * FROM users", "DROP TABLE users", "ALTER TABLE users_temp RENAME TO users",
        _index("users", "oidc_sub", "oidc_issuer"),
    ]),
    ("20251108220600_create_playback_progress", [
        """CREATE TABLE playback_progress (id TEXT PRIMARY KEY NOT NULL,
           user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
           media_item_id TEXT REFERENCES media_items(id) ON DELETE CASCADE,
           episode_id TEXT REFERENCES episodes(id) ON DELETE CASCADE, position_seconds INTEGER NOT NULL,
           duration_seconds INTEGER NOT NULL, completion_percentage REAL NOT NULL,
           watched INTEGER NOT NULL DEFAULT 0, last_watched_at TEXT NOT NULL, inserted_at TEXT NOT NULL,
           updated_at TEXT NOT NULL,
           CHECK((media_item_id IS NOT NULL AND episode_id IS NULL) OR
                 (media_item_id IS NULL AND episode_id IS NOT NULL)),
           UNIQUE(user_id, media_item_id), UNIQUE(user_id, episode_id))""",
        *(_index("playback_progress", c) for c in ("user_id", "media_item_id", "episode_id", "last_watched_at")),
    ]),
    ("20251109154026_update_download_client_type_constraint", [
        "ALTER TABLE download_client_configs RENAME TO download_client_configs_old",
        "CREATE TABLE download_client_configs (" + _CLIENT_COLUMNS.format(types=_words(*_CLIENTS)) + ")",
        "INSERT INTO download_client_configs SELECT * FROM download_client_configs_old",
        "DROP TABLE download_client_configs_old",
        _index("download_client_configs", "enabled"), _index("download_client_configs", "priority"),
        _index("download_client_configs", "type"),
    ]),
    ("20251112034834_populate_episode_air_dates_from_metadata", [
        """UPDATE episodes SET air_date = json_extract(metadata, '$.air_date') WHERE air_date IS NULL
           AND json_extract(metadata, '$.air_date') IS NOT NULL AND json_extract(metadata, '$.air_date') != ''""",
    ]),
    ("20251114212620_add_relative_path_columns_to_media_files", [
        'ALTER TABLE media_files ADD COLUMN library_path_id TEXT CONSTRAINT "media_files_library_path_id_fkey" '
        "REFERENCES library_paths(id) ON DELETE CASCADE",
        _index("media_files", "library_path_id"),
        "ALTER TABLE media_files ADD COLUMN relative_path TEXT",
    ]),
    ("20251114212621_populate_media_file_relative_paths", []),  # Elixir code: the rows of the sync below
]

# lib/mydia/settings/default_quality_profiles.ex: name, qualities, upgrades_allowed, upgrade_until_quality,
# and the size limits and preferred sources of its rules.
DEFAULT_PROFILES = [
    ("Any", ["360p", "480p", "576p", "720p", "1080p", "2160p"], True, "2160p", None, None, []),
    ("SD", ["480p", "576p"], True, "576p", None, 2048, ["DVD", "DVDRip", "SDTV"]),
    ("HD-720p", ["720p"], False, None, 1024, 5120, ["BluRay", "WEB-DL", "HDTV"]),
    ("HD-1080p", ["1080p"], False, None, 2048, 15360, ["BluRay", "WEB-DL"]),
    ("Full HD", ["1080p"], False, None, 4096, 20480, ["REMUX", "BluRay"]),
    ("Remux-1080p", ["1080p"], False, None, 20480, 40960, ["REMUX"]),
    ("4K/UHD", ["2160p"], False, None, 15360, 81920, ["REMUX", "BluRay", "WEB-DL"]),
    ("Remux-2160p", ["2160p"], False, None, 40960, 102400, ["REMUX"]),
]


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")  # as ecto_sqlite3 opens it
    return conn


def build(db: Path, roots: dict[str, Path]) -> dict[str, str]:
    """Mydia's database at db: the migrations in order, its default quality profiles and
    `library_paths` rows for roots ({type: folder}). Returns the profiles' ids by name."""
    conn = connect(db)
    try:
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, inserted_at TEXT)")
        for version, statements in MIGRATIONS:
            conn.execute("BEGIN")
            for sql in statements:
                conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (int(version.split("_")[0]), NOW))
            conn.execute("COMMIT")
        profiles = {}
        for name, qualities, upgrades, until, min_mb, max_mb, sources in DEFAULT_PROFILES:
            profiles[name] = str(uuid.uuid4())
            rules = {"min_size_mb": min_mb, "max_size_mb": max_mb, "preferred_sources": sources}
            conn.execute("INSERT INTO quality_profiles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (profiles[name], name, int(upgrades), until, json.dumps(qualities), json.dumps(rules),
                          NOW, NOW))
        for type, folder in roots.items():
            conn.execute("INSERT INTO library_paths (id, path, type, monitored, scan_interval, inserted_at, "
                         "updated_at) VALUES (?, ?, ?, 1, 3600, ?, ?)", (str(uuid.uuid4()), str(folder), type,
                                                                        NOW, NOW))
        return profiles
    finally:
        conn.close()


def add_item(db: Path, type: str, title: str, year: int, tmdb_id: int, profile: str | None = None,
             episodes: list[tuple[int, int, str]] = ()) -> str:
    """A media item (and its episodes) as Ecto inserts them."""
    conn = connect(db)
    try:
        item = str(uuid.uuid4())
        conn.execute("INSERT INTO media_items (id, type, title, year, tmdb_id, metadata, monitored, "
                     "quality_profile_id, inserted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
                     (item, type, title, year, tmdb_id, json.dumps({"title": title, "id": tmdb_id}), profile,
                      NOW, NOW))
        for season, number, name in episodes:
            conn.execute("INSERT INTO episodes (id, media_item_id, season_number, episode_number, title, metadata, "
                         "monitored, inserted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
                         (str(uuid.uuid4()), item, season, number, name, json.dumps({"name": name}), NOW, NOW))
        return item
    finally:
        conn.close()


def mydia_schema_sql(db: Path) -> dict[str, str]:
    """Every table, index and trigger of Mydia's (not the tool's `import_` ones) with its SQL."""
    conn = connect(db)
    try:
        return {r["name"]: r["sql"] for r in conn.execute("SELECT name, sql FROM sqlite_master")
                if not r["name"].startswith(("import_", "sqlite_autoindex_import_"))}
    finally:
        conn.close()


def replay_media_files_rebuild(db: Path) -> None:
    """Migration 20251105212851's shape again, on a library with rows (Mydia's next rebuild)."""
    conn = connect(db)
    try:
        columns = [r["name"] for r in conn.execute("PRAGMA table_info(media_files)")]
        create = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'media_files'").fetchone()["sql"]
        indexes = [r["sql"] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                                                  "tbl_name = 'media_files' AND sql IS NOT NULL")]
        conn.execute("BEGIN")
        conn.execute(re.sub(r'^CREATE TABLE "?media_files"?', "CREATE TABLE media_files_new", create))
        conn.execute(f"INSERT INTO media_files_new ({', '.join(columns)}) SELECT {', '.join(columns)} FROM media_files")
        conn.execute("DROP TABLE media_files")
        conn.execute("ALTER TABLE media_files_new RENAME TO media_files")
        for sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()


# -- Mydia's code reading the rows -----------------------------------------------------------------


def changeset_errors(conn: sqlite3.Connection, row: dict) -> list[str]:
    """MediaFile.changeset (lib/mydia/library/media_file.ex): relative_path and library_path_id
    required, exactly one parent, a movie not in a series folder nor an episode in a movies
    folder, size and bitrate > 0."""
    errors = []
    if not row["relative_path"] or not row["library_path_id"]:
        errors.append("relative_path and library_path_id are required")
    if (row["media_item_id"] is None) == (row["episode_id"] is None):
        errors.append("exactly one of media_item_id and episode_id")
    roots = conn.execute("SELECT type FROM library_paths WHERE id = ?", (row["library_path_id"],)).fetchall()
    kind = roots[0][0] if roots else None
    if row["media_item_id"] and kind == "series" or row["episode_id"] and kind == "movies":
        errors.append(f"a file of the wrong kind in a {kind} library")
    errors += [f"{column} must be > 0" for column in ("size", "bitrate")
               if row[column] is not None and row[column] <= 0]
    return errors


def found_by_path(conn: sqlite3.Connection, absolute: str) -> list[str]:
    """Mydia's by-path lookup: the library path that prefixes it (the longest), then
    (library_path_id, relative_path)."""
    roots = [r for r in conn.execute("SELECT id, path FROM library_paths") if absolute.startswith(r[1] + "/")]
    if not roots:
        return []
    root_id, root = max(roots, key=lambda r: len(r[1]))
    return [r[0] for r in conn.execute("SELECT id FROM media_files WHERE library_path_id = ? AND relative_path = ?",
                                       (root_id, absolute[len(root) + 1:]))]


def file_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Mydia's counts by title: a movie's files by media_item_id, a show's through its episodes."""
    rows = conn.execute(
        "SELECT m.title, count(f.id) FROM media_items m LEFT JOIN media_files f ON f.media_item_id = m.id "
        "WHERE m.type = 'movie' GROUP BY m.id UNION ALL "
        "SELECT m.title, count(f.id) FROM media_items m JOIN episodes e ON e.media_item_id = m.id "
        "LEFT JOIN media_files f ON f.episode_id = e.id WHERE m.type = 'tv_show' GROUP BY m.id").fetchall()
    return dict(rows)
