"""Opening the library database: Mydia's tables, the tool's tables, pragmas, errors."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from mydia_import.errors import LibraryError
from mydia_import.library import Library
from mydia_import.models import Match, MediaType

# Column names and declared types from docs/mydia-schema.md, in Mydia's order.
DOCUMENTED = {
    "media_items": [
        ("id", "TEXT"), ("type", "TEXT"), ("title", "TEXT"), ("original_title", "TEXT"),
        ("year", "INTEGER"), ("tmdb_id", "INTEGER"), ("imdb_id", "TEXT"), ("metadata", "TEXT"),
        ("monitored", "INTEGER"), ("inserted_at", "TEXT"), ("updated_at", "TEXT"),
        ("quality_profile_id", "TEXT"),
    ],
    "episodes": [
        ("id", "TEXT"), ("media_item_id", "TEXT"), ("season_number", "INTEGER"),
        ("episode_number", "INTEGER"), ("title", "TEXT"), ("air_date", "TEXT"),
        ("metadata", "TEXT"), ("monitored", "INTEGER"), ("inserted_at", "TEXT"),
        ("updated_at", "TEXT"),
    ],
    "media_files": [
        ("id", "TEXT"), ("media_item_id", "TEXT"), ("episode_id", "TEXT"), ("path", "TEXT"),
        ("size", "INTEGER"), ("quality_profile_id", "TEXT"), ("resolution", "TEXT"),
        ("codec", "TEXT"), ("hdr_format", "TEXT"), ("audio_codec", "TEXT"),
        ("bitrate", "INTEGER"), ("verified_at", "TEXT"), ("metadata", "TEXT"),
        ("inserted_at", "TEXT"), ("updated_at", "TEXT"), ("library_path_id", "TEXT"),
        ("relative_path", "TEXT"),
    ],
    "library_paths": [
        ("id", "TEXT"), ("path", "TEXT"), ("type", "TEXT"), ("monitored", "INTEGER"),
        ("scan_interval", "INTEGER"), ("last_scan_at", "TEXT"), ("last_scan_status", "TEXT"),
        ("last_scan_error", "TEXT"), ("quality_profile_id", "TEXT"), ("updated_by_id", "TEXT"),
        ("inserted_at", "TEXT"), ("updated_at", "TEXT"),
    ],
}

# What Mydia's migrations (snapshot 2025-11-15) leave behind, written
# independently of mydia_import.library.schema, plus the things a real database
# may hold that the tool must not touch: an extra column and an extra table.
MYDIA_DDL = """
CREATE TABLE users (id TEXT PRIMARY KEY NOT NULL, username TEXT UNIQUE,
  role TEXT NOT NULL DEFAULT 'user', inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE quality_profiles (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE,
  upgrades_allowed INTEGER DEFAULT 1 CHECK(upgrades_allowed IN (0, 1)),
  upgrade_until_quality TEXT, qualities TEXT NOT NULL, rules TEXT,
  inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE library_paths (id TEXT PRIMARY KEY NOT NULL, path TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK(type IN ('movies', 'series', 'mixed')),
  monitored INTEGER DEFAULT 1 CHECK(monitored IN (0, 1)), scan_interval INTEGER DEFAULT 3600,
  last_scan_at TEXT, last_scan_status TEXT, last_scan_error TEXT,
  quality_profile_id TEXT REFERENCES quality_profiles(id) ON DELETE SET NULL,
  updated_by_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE media_items (id TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL CHECK(type IN ('movie', 'tv_show')), title TEXT NOT NULL,
  original_title TEXT, year INTEGER, tmdb_id INTEGER UNIQUE, imdb_id TEXT, metadata TEXT,
  monitored INTEGER DEFAULT 1 CHECK(monitored IN (0, 1)),
  inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL);
ALTER TABLE media_items ADD COLUMN quality_profile_id TEXT
  REFERENCES quality_profiles(id) ON DELETE SET NULL;
ALTER TABLE media_items ADD COLUMN local_note TEXT;
CREATE INDEX media_items_title_index ON media_items (title);
CREATE TABLE episodes (id TEXT PRIMARY KEY NOT NULL,
  media_item_id TEXT NOT NULL REFERENCES media_items(id) ON DELETE CASCADE,
  season_number INTEGER NOT NULL, episode_number INTEGER NOT NULL, title TEXT, air_date TEXT,
  metadata TEXT, monitored INTEGER DEFAULT 1 CHECK(monitored IN (0, 1)),
  inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  UNIQUE(media_item_id, season_number, episode_number));
CREATE TABLE media_files (id TEXT PRIMARY KEY NOT NULL,
  media_item_id TEXT REFERENCES media_items(id) ON DELETE CASCADE,
  episode_id TEXT REFERENCES episodes(id) ON DELETE CASCADE, path TEXT NOT NULL UNIQUE,
  size INTEGER, quality_profile_id TEXT REFERENCES quality_profiles(id), resolution TEXT,
  codec TEXT, hdr_format TEXT, audio_codec TEXT, bitrate INTEGER, verified_at TEXT,
  metadata TEXT, inserted_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  CHECK(NOT (media_item_id IS NOT NULL AND episode_id IS NOT NULL)));
ALTER TABLE media_files ADD COLUMN library_path_id TEXT
  REFERENCES library_paths(id) ON DELETE CASCADE;
ALTER TABLE media_files ADD COLUMN relative_path TEXT;
CREATE TABLE downloads (id TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL,
  media_item_id TEXT REFERENCES media_items(id) ON DELETE CASCADE);
INSERT INTO media_items (id, type, title, original_title, year, tmdb_id, inserted_at,
  updated_at) VALUES ('m1', 'movie', 'Amélie', 'Le Fabuleux Destin d''Amélie Poulain', 2001,
  194, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
"""


def _mydia_tables_sql(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name NOT LIKE 'import_%' AND tbl_name NOT LIKE 'import_%' ORDER BY name"
        ).fetchall()


def _columns(lib: Library, table: str) -> list[tuple[str, str]]:
    return [(r["name"], r["type"]) for r in lib.db.rows(f"PRAGMA table_info({table})")]


@pytest.fixture
def mydia_db(tmp_path: Path) -> Path:
    path = tmp_path / "mydia.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(MYDIA_DDL)
    conn.close()
    return path


@pytest.mark.parametrize("table", sorted(DOCUMENTED))
def test_a_new_library_has_mydias_tables_with_the_documented_columns(tmp_path, table):
    with Library.open(tmp_path / "library.db") as lib:
        assert _columns(lib, table) == DOCUMENTED[table]


def test_a_new_library_keeps_mydias_constraints(tmp_path):
    with Library.open(tmp_path / "library.db") as lib:
        sql = {r["name"]: r["sql"] for r in lib.db.rows("SELECT name, sql FROM sqlite_master")}
        assert "CHECK(type IN ('movie', 'tv_show'))" in sql["media_items"]
        assert "tmdb_id INTEGER UNIQUE" in sql["media_items"]
        assert "UNIQUE(media_item_id, season_number, episode_number)" in sql["episodes"]
        assert "path TEXT NOT NULL UNIQUE" in sql["media_files"]
        assert "CHECK(type IN ('movies', 'series', 'mixed'))" in sql["library_paths"]
        for index in ("media_items_imdb_id_index", "media_items_title_index",
                      "media_items_type_index", "media_items_quality_profile_id_index",
                      "episodes_media_item_id_index", "episodes_air_date_index",
                      "media_files_media_item_id_index", "media_files_episode_id_index",
                      "media_files_library_path_id_index", "library_paths_type_index"):
            assert index in sql
        keys = {(r["from"], r["table"], r["on_delete"])
                for r in lib.db.rows("PRAGMA foreign_key_list(media_files)")}
        assert keys == {
            ("media_item_id", "media_items", "CASCADE"), ("episode_id", "episodes", "CASCADE"),
            ("quality_profile_id", "quality_profiles", "NO ACTION"),
            ("library_path_id", "library_paths", "CASCADE"),
        }


def test_the_tools_own_tables_carry_the_import_prefix(tmp_path):
    with Library.open(tmp_path / "library.db") as lib:
        names = lib.db.table_names()
    mydia = {"media_items", "episodes", "media_files", "library_paths", "quality_profiles",
             "users"}
    assert names - mydia
    assert all(name.startswith("import_") for name in names - mydia)


def test_opening_sets_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    with Library.open(tmp_path / "library.db") as lib:
        assert lib.db.value("PRAGMA journal_mode") == "wal"
        assert lib.db.value("PRAGMA foreign_keys") == 1
        assert lib.db.value("PRAGMA busy_timeout") == 60_000  # [library] busy_timeout


def test_opening_creates_missing_folders(tmp_path):
    path = tmp_path / "a" / "b" / "library.db"
    Library.open(path).close()
    assert path.is_file()


def test_an_existing_mydia_database_is_left_as_it_is(mydia_db):
    before = _mydia_tables_sql(mydia_db)
    Library.open(mydia_db).close()
    assert _mydia_tables_sql(mydia_db) == before


def test_imports_work_on_an_existing_mydia_database(mydia_db, tmp_path):
    with Library.open(mydia_db) as lib:
        root = lib.ensure_root(tmp_path / "tv", "series")
        show = lib.add_show("Breaking Bad", 2008, seasons={1: 2})
        episode = lib.find_episodes(show.id, 1, [2])[0]
        file_id = lib.record_file(root, "Breaking Bad (2008)/Season 01/x.mkv", size=5,
                                  match=Match(show, (episode,)), release=None, metadata={})
        assert lib.file_at(root, "Breaking Bad (2008)/Season 01/x.mkv").id == file_id
    with sqlite3.connect(mydia_db) as conn:
        assert conn.execute("SELECT episode_id FROM media_files").fetchall() == [(episode.id,)]


def test_items_mydia_created_are_found_by_title_and_original_title(mydia_db):
    with Library.open(mydia_db) as lib:
        assert [i.id for i in lib.find_items("amelie")] == ["m1"]
        assert [i.id for i in lib.find_items("lefabuleuxdestindameliepoulain")] == ["m1"]


def test_a_title_mydia_changed_is_found_after_reopening(mydia_db):
    Library.open(mydia_db).close()
    with sqlite3.connect(mydia_db) as conn:
        conn.execute("UPDATE media_items SET title = 'Amelie from Montmartre' WHERE id = 'm1'")
    conn.close()
    with Library.open(mydia_db) as lib:
        assert [i.id for i in lib.find_items("ameliefrommontmartre")] == ["m1"]
        assert lib.find_items("amelie") == []


def test_an_item_mydia_added_later_is_found_after_reopening(mydia_db):
    Library.open(mydia_db).close()
    with sqlite3.connect(mydia_db) as conn:
        conn.execute("INSERT INTO media_items (id, type, title, inserted_at, updated_at) "
                     "VALUES ('s1', 'tv_show', 'The Wire', 'x', 'x')")
    conn.close()
    with Library.open(mydia_db) as lib:
        assert [(i.id, i.type) for i in lib.find_items("wire")] == [("s1", MediaType.TV_SHOW)]


def test_a_mydia_database_from_before_relative_paths_is_refused(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE media_files (id TEXT PRIMARY KEY, path TEXT NOT NULL UNIQUE)")
    conn.close()
    with pytest.raises(LibraryError, match="media_files .*library_path_id.*older Mydia"):
        Library.open(path)


def test_a_file_that_is_not_sqlite_is_named_in_one_line(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(LibraryError) as raised:
        Library.open(path)
    assert str(raised.value) == f"{path} is not a SQLite database"


def test_a_folder_given_as_the_database_is_refused(tmp_path):
    with pytest.raises(LibraryError, match="is a folder"):
        Library.open(tmp_path)


def test_a_database_that_cannot_be_opened_names_the_path_and_the_user(tmp_path, monkeypatch):
    path = tmp_path / "library.db"
    path.write_bytes(b"")

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr("mydia_import.library.db.open", refuse, raising=False)
    with pytest.raises(LibraryError) as raised:
        Library.open(path)
    message = str(raised.value)
    assert str(path) in message and "permission denied for user" in message
    assert f"uid {os.getuid()}" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes every file")
def test_an_unreadable_database_file_names_the_path_and_the_user(tmp_path):
    path = tmp_path / "library.db"
    Library.open(path).close()
    path.chmod(0)
    with pytest.raises(LibraryError, match=f"{path}.*permission denied for user"):
        Library.open(path)


def test_a_database_folder_that_cannot_be_created_is_named(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match=f"cannot create the folder {blocker}"):
        Library.open(blocker / "sub" / "library.db")


def test_ids_are_uuid4_and_timestamps_iso_utc(tmp_path):
    with Library.open(tmp_path / "library.db") as lib:
        movie = lib.add_movie("Heat", 1995)
        row = lib.db.row("SELECT id, inserted_at, updated_at FROM media_items")
    assert row["id"] == movie.id and len(movie.id) == 36 and movie.id[14] == "4"
    assert row["inserted_at"].endswith("Z") and row["inserted_at"][10] == "T"


def test_memory_library_has_the_same_tables(tmp_path):
    with Library.memory() as lib, Library.open(tmp_path / "library.db") as on_disk:
        assert lib.db.table_names() == on_disk.db.table_names()


def test_a_failed_transaction_writes_nothing():
    lib = Library.memory()
    with pytest.raises(RuntimeError), lib.transaction():
        lib.add_movie("Heat", 1995)
        raise RuntimeError("stop")
    assert lib.list_items() == []


def test_two_libraries_on_one_file_see_each_others_writes(tmp_path):
    path = tmp_path / "library.db"
    with Library.open(path) as one, Library.open(path) as two:
        one.add_movie("Heat", 1995)
        assert [i.ref.title for i in two.list_items()] == ["Heat"]

