"""On a database Mydia's own migrations built (tests/mydia_schema.py), not the tool's copy of its
tables: scan, re-scan, an upgrade under a quality profile and undo leave every media_files row
as Mydia's code reads it, the database clean, and no Mydia table altered."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import mydia_schema
import pytest
from conftest import (
    INCEPTION,
    KIB,
    Workspace,
    create_database,
    folders_and_config,
    make_episode_release,
    make_movie_release,
    make_pack_release,
    write_file,
)

MYDIA_KEYS = {"imported_from_download_id", "imported_at", "source", "release_group", "download_client",
              "download_client_id"}


@pytest.fixture
def mydia(tmp_path: Path, isolated_env: Path) -> Workspace:
    """A workspace whose database is Mydia's: migrations, default profiles, library_paths, items
    inserted as Ecto does; then opened as `init` does."""
    ws = folders_and_config(tmp_path, tmp_path / "mydia.db")
    profiles = mydia_schema.build(ws.db, {"movies": ws.movies, "series": ws.tv})
    mydia_schema.add_item(ws.db, "movie", "Inception", 2010, 27205, profiles["Any"])
    mydia_schema.add_item(ws.db, "tv_show", "Breaking Bad", 2008, 1396, profiles["HD-720p"],
                          [(1, 1, "Pilot"), (1, 2, "Cat's in the Bag..."), (1, 3, "...And the Bag's in the River")])
    mydia_schema.add_item(ws.db, "tv_show", "The Office", 2005, 2316, None,
                          [(2, 1, "The Dundies"), (2, 2, "Sexual Harassment"), (2, 3, "Office Olympics")])
    ws.mydia_tables = mydia_schema.mydia_schema_sql(ws.db)
    create_database(ws)
    return ws


def assert_as_mydia_reads_it(ws: Workspace, counts: dict[str, int]) -> None:
    conn = mydia_schema.connect(ws.db)
    try:
        rows = [dict(r) for r in conn.execute("SELECT * FROM media_files")]
        for row in rows:
            assert mydia_schema.changeset_errors(conn, row) == [], row["path"]
            assert mydia_schema.found_by_path(conn, row["path"]) == [row["id"]]
            metadata = json.loads(row["metadata"])
            assert {k for k in metadata if k not in MYDIA_KEYS and not k.startswith("import_")} == set()
            assert Path(row["path"]).is_file()
        assert mydia_schema.file_counts(conn) == counts
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    assert mydia_schema.mydia_schema_sql(ws.db) == ws.mydia_tables  # no Mydia table, index or trigger altered


def test_the_migrations_build_mydias_final_media_files_shape(tmp_path):
    mydia_schema.build(tmp_path / "m.db", {"movies": tmp_path / "M"})
    conn = sqlite3.connect(tmp_path / "m.db")
    columns = [r[1] for r in conn.execute("PRAGMA table_info(media_files)")]
    assert columns[-2:] == ["library_path_id", "relative_path"]
    assert "NOT (media_item_id IS NOT NULL AND episode_id IS NOT NULL)" in \
        conn.execute("SELECT sql FROM sqlite_master WHERE name = 'media_files'").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM quality_profiles").fetchone()[0] == 8
    assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == 21


def test_scan_rescan_upgrade_and_undo_on_a_database_mydias_migrations_built(mydia):
    ws = mydia
    make_movie_release(ws.downloads)
    make_episode_release(ws.downloads)
    make_pack_release(ws.downloads)
    imported = {"Inception": 1, "Breaking Bad": 1, "The Office": 3}

    assert [f["status"] for f in ws.json("scan")["files"] if f["kind"] == "video"].count("imported") == 5
    assert_as_mydia_reads_it(ws, imported)
    before = ws.query("SELECT id, path, updated_at FROM media_files ORDER BY id")
    ws.json("scan")  # a re-scan changes nothing Mydia reads
    assert ws.query("SELECT id, path, updated_at FROM media_files ORDER BY id") == before
    assert_as_mydia_reads_it(ws, imported)

    # Inception's profile 'Any' allows upgrades up to 2160p; Breaking Bad's 'HD-720p' allows none.
    better = ws.downloads / "Inception.2010.2160p.BluRay.x265-B"
    write_file(better / f"{better.name}.mkv", 64 * KIB)
    other = ws.downloads / "Breaking.Bad.S01E02.1080p.BluRay.x264-B"
    write_file(other / f"{other.name}.mkv", 64 * KIB)
    upgrade = ws.json("import", str(better), "--conflict", "upgrade")
    assert upgrade["files"][0]["status"] == "imported"
    refused = ws.json("import", str(other), "--conflict", "upgrade", code=4)
    assert "quality profile 'HD-720p'" in refused["files"][0]["reason"]
    [row] = ws.query("SELECT resolution, metadata FROM media_files WHERE media_item_id IS NOT NULL")
    assert row["resolution"] == "2160p" and json.loads(row["metadata"])["source"] == "BluRay"
    assert_as_mydia_reads_it(ws, imported)

    ws.ok("undo", upgrade["job"])
    [row] = ws.query("SELECT path, resolution FROM media_files WHERE media_item_id IS NOT NULL")
    assert (row["path"], row["resolution"]) == (str(ws.movies / INCEPTION), "1080p")
    assert (ws.movies / INCEPTION).stat().st_size == 48 * KIB
    assert_as_mydia_reads_it(ws, imported)


def test_mydias_next_media_files_rebuild_keeps_every_file_and_link_the_tool_wrote(mydia):
    ws = mydia
    make_pack_release(ws.downloads)
    ws.json("scan")
    links = ws.query("SELECT * FROM import_file_episodes ORDER BY 1")
    mydia_schema.replay_media_files_rebuild(ws.db)
    assert ws.query("SELECT * FROM import_file_episodes ORDER BY 1") == links
    ws.json("scan")
    assert_as_mydia_reads_it(ws, {"Inception": 0, "Breaking Bad": 0, "The Office": 3})
