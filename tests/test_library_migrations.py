"""The tool's tables survive Mydia's table rebuilds, and databases of earlier versions are
brought up to date once: no references into Mydia's tables, metadata in Mydia's keys."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from mydia_import.decisions import Code
from mydia_import.library import Library
from mydia_import.models import Match, MediaType

TOOL_LINKS = ("import_titles", "import_aliases", "import_episode_numbers", "import_file_episodes")

# import_file_episodes and import_episode_numbers as versions up to 0.1 created them.
OLD_TABLES = """
DROP TABLE import_file_episodes;
CREATE TABLE import_file_episodes (
  media_file_id TEXT NOT NULL REFERENCES media_files(id) ON DELETE CASCADE,
  episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK(position >= 0),
  PRIMARY KEY (media_file_id, position), UNIQUE(media_file_id, episode_id));
DROP TABLE import_aliases;
CREATE TABLE import_aliases (
  media_item_id TEXT NOT NULL REFERENCES media_items(id) ON DELETE CASCADE,
  alias TEXT NOT NULL, normalized TEXT NOT NULL, inserted_at TEXT NOT NULL,
  PRIMARY KEY (media_item_id, normalized));
DROP TABLE import_migrations;
"""


def _library(path: Path) -> tuple[Library, str]:
    lib = Library.open(path)
    root = lib.ensure_root(path.parent / "tv", "series")
    show = lib.add_show("Breaking Bad", 2008, aliases=["BB"], seasons={1: 3})
    lib.load({"shows": [{"title": "Breaking Bad", "year": 2008, "episodes": [
        {"season": 1, "episode": n, "absolute": n} for n in (1, 2, 3)]}]})
    match = Match(show, tuple(lib.find_episodes(show.id, 1, [1, 2])))
    file_id = lib.record_file(root, "Breaking Bad (2008)/Season 01/x - S01E01-E02.mkv", size=10, match=match,
                              release=None, metadata={})
    return lib, file_id


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TOOL_LINKS}


def _rebuild(conn: sqlite3.Connection, table: str) -> None:
    """Mydia's way of changing a table (migration 20251105212851), with foreign keys on."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
    conn.execute(re.sub(rf"^CREATE TABLE (IF NOT EXISTS )?\"?{table}\"?", f"CREATE TABLE {table}_new", sql))
    conn.execute(f"INSERT INTO {table}_new SELECT * FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}_new RENAME TO {table}")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def test_no_tool_table_refers_to_a_mydia_table(tmp_path):
    lib, _ = _library(tmp_path / "library.db")
    for table in lib.db.table_names():
        if table.startswith("import_"):
            targets = {fk[2] for fk in lib.db.execute(f"PRAGMA foreign_key_list({table})").fetchall()}
            assert targets <= {"import_jobs"}, table


@pytest.mark.parametrize("table", ["media_files", "media_items", "episodes"])
def test_a_mydia_table_rebuild_with_foreign_keys_on_loses_no_row_of_the_tools(tmp_path, table):
    path = tmp_path / "library.db"
    lib, _ = _library(path)
    lib.close()
    conn = _connect(path)
    before = _counts(conn)
    _rebuild(conn, table)
    assert _counts(conn) == before
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_links_survive_a_media_files_rebuild_and_the_file_keeps_its_episodes(tmp_path):
    path = tmp_path / "library.db"
    lib, file_id = _library(path)
    lib.close()
    conn = _connect(path)
    _rebuild(conn, "media_files")
    conn.close()
    with Library.open(path) as lib:
        [stored] = [s for s in (lib.file_at(lib.roots()[0], "Breaking Bad (2008)/Season 01/x - S01E01-E02.mkv"),) if s]
        assert stored.id == file_id and len(stored.episode_ids) == 2
        show = lib.find_items("bb", MediaType.TV_SHOW)  # the alias is still there
        assert len(show) == 1
        assert [e.episode for e in lib.find_episodes_by_absolute(show[0].id, [2])] == [2]


def test_a_link_whose_mydia_row_is_gone_is_dropped_on_open(tmp_path):
    path = tmp_path / "library.db"
    lib, file_id = _library(path)
    lib.close()
    conn = _connect(path)
    conn.execute("DELETE FROM media_files WHERE id = ?", [file_id])  # Mydia forgets the file
    assert _counts(conn)["import_file_episodes"] == 2  # no cascade any more
    conn.close()
    Library.open(path).close()
    assert _counts(_connect(path))["import_file_episodes"] == 0


def test_tables_of_an_earlier_version_are_rebuilt_without_references_keeping_their_rows(tmp_path):
    path = tmp_path / "library.db"
    lib, _ = _library(path)
    rows = {t: lib.db.rows(f"SELECT * FROM {t} ORDER BY 1, 2") for t in ("import_file_episodes", "import_aliases")}
    lib.close()
    conn = _connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.executescript("BEGIN;" + OLD_TABLES + "COMMIT;")
    for table, found in rows.items():
        for row in found:
            conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                         list(row.values()))
    conn.close()
    with Library.open(path) as lib:
        for table, found in rows.items():
            assert lib.db.rows(f"SELECT * FROM {table} ORDER BY 1, 2") == found
            assert lib.db.execute(f"PRAGMA foreign_key_list({table})").fetchall() == []
        assert [r["version"] for r in lib.db.rows("SELECT version FROM import_migrations ORDER BY 1")] == [1, 2, 3]
    conn = _connect(path)
    _rebuild(conn, "media_files")
    assert _counts(conn)["import_file_episodes"] == 2


def test_job_lines_of_an_earlier_version_get_the_code_column_and_retry_finds_their_subtitles(tmp_path):
    path = tmp_path / "library.db"
    Library.open(path).close()
    conn = _connect(path)
    conn.execute("INSERT INTO import_jobs (id, command, started_at, status) "
                 "VALUES ('j', 'scan', '2026-01-01', 'partial')")
    conn.execute("ALTER TABLE import_job_files DROP COLUMN code")  # as versions before codes created it
    for n, (status, reason) in enumerate([("skipped", "its video was not imported: disk full"),
                                          ("skipped", "looks like a sample: its name says sample"),
                                          ("failed", "disk full")]):
        conn.execute("INSERT INTO import_job_files (id, job_id, source, kind, action, status, reason, recorded_at) "
                     "VALUES (?, 'j', ?, 'subtitle', 'none', ?, ?, '2026-01-01T00:00:00')",
                     [f"f{n}", f"/downloads/{n}", status, reason])
    conn.execute("DELETE FROM import_migrations WHERE version = 3")
    conn.close()
    with Library.open(path) as lib:
        assert [f.code for f in lib.job_files("j")] == [Code.VIDEO_FAILED, None, None]


OLD_METADATA = {"source": "/downloads/Heat.1995.1080p.BluRay.x264.DTS-GRP/heat.mkv",
                "release_name": "Heat.1995.1080p.BluRay.x264.DTS-GRP", "release_group": "GRP",
                "transfer_mode": "hardlink", "imported_at": "2025-11-10T10:00:00+00:00",
                "import_job_id": "job-1", "resolution": "1080p", "quality_source": "BluRay",
                "proper_count": 0, "edition": None, "source_size": 10, "source_inode": 7,
                "source_mtime_ns": 5, "download_client": "qbittorrent", "download_client_id": "abc"}
MYDIA_METADATA = {"imported_from_download_id": "d-1", "imported_at": "2025-11-10T10:00:00Z",
                  "source": "WEB-DL", "release_group": "NTb", "download_client": "qb",
                  "download_client_id": "h"}


def _with_old_rows(path: Path) -> None:
    with Library.open(path) as lib:
        root = lib.ensure_root(path.parent / "movies", "movies")
        movie = Match(lib.add_movie("Heat", 1995))
        other = Match(lib.add_movie("Ronin", 1998))
        ids = [lib.record_file(root, name, size=10, match=match, release=None, metadata={})
               for name, match in (("Heat (1995)/Heat (1995).mkv", movie), ("Ronin (1998)/Ronin (1998).mkv", other))]
        lib.db.execute("UPDATE media_files SET metadata = ?, codec = 'H.264', audio_codec = 'DTS', "
                       "hdr_format = NULL WHERE id = ?", [json.dumps(OLD_METADATA), ids[0]])
        lib.db.execute("UPDATE media_files SET metadata = ?, codec = 'H.264' WHERE id = ?",
                       [json.dumps(MYDIA_METADATA), ids[1]])
        lib.db.execute("DELETE FROM import_migrations WHERE version = 2")


def test_rows_an_earlier_version_wrote_get_mydias_keys_once_and_mydias_rows_stay_as_they_are(tmp_path):
    path = tmp_path / "library.db"
    _with_old_rows(path)
    with Library.open(path) as lib:
        rows = {r["relative_path"]: r for r in lib.db.rows("SELECT * FROM media_files")}
        heat = json.loads(rows["Heat (1995)/Heat (1995).mkv"]["metadata"])
        assert heat["source"] == "BluRay"
        assert heat["import_download_path"] == OLD_METADATA["source"]
        assert heat["import_release_name"] == OLD_METADATA["release_name"]
        assert heat["import_transfer_mode"] == "hardlink" and heat["import_job_id"] == "job-1"
        assert (heat["download_client"], heat["download_client_id"]) == ("qbittorrent", "abc")
        assert not {"transfer_mode", "quality_source", "release_name", "source_inode"} & set(heat)
        assert rows["Heat (1995)/Heat (1995).mkv"]["codec"] == "x264"
        ronin = rows["Ronin (1998)/Ronin (1998).mkv"]
        assert json.loads(ronin["metadata"]) == MYDIA_METADATA and ronin["codec"] == "H.264"
        [journal] = lib.db.rows("SELECT * FROM import_migrations WHERE version = 2")
        assert journal["changed"] == 1 and journal["applied_at"]
        before = lib.db.rows("SELECT * FROM media_files ORDER BY id")
    with Library.open(path) as lib:  # once: the next open changes nothing
        assert lib.db.rows("SELECT * FROM media_files ORDER BY id") == before
