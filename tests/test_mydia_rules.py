"""Rows as Mydia's code reads them: every media_files row passes MediaFile.changeset's rules, and
Mydia's by-path lookup and file counts see the files (lib/mydia/library/media_file.ex, library.ex)."""

from __future__ import annotations

import json

import mydia_schema
from conftest import make_episode_release, make_movie_release, make_pack_release

MYDIA_KEYS = {"imported_from_download_id", "imported_at", "source", "release_group", "download_client",
              "download_client_id"}


def _changeset_errors(ws, row) -> list[str]:
    conn = mydia_schema.connect(ws.db)
    try:
        return mydia_schema.changeset_errors(conn, row)
    finally:
        conn.close()


def test_imported_rows_pass_mydias_changeset_and_mydias_queries_see_them(workspace):
    ws = workspace
    make_movie_release(ws.downloads)
    make_episode_release(ws.downloads)
    make_pack_release(ws.downloads)
    ws.json("scan")
    ws.json("scan")  # a re-scan changes nothing Mydia reads
    rows = ws.query("SELECT * FROM media_files")
    assert len(rows) == 5
    for row in rows:
        assert _changeset_errors(ws, row) == []
        metadata = json.loads(row["metadata"])
        assert not {k for k in metadata if k not in MYDIA_KEYS and not k.startswith("import_")}
        assert metadata["source"] in ("BluRay", "WEB-DL", "HDTV", "WEBRip", "REMUX", None)
        # Mydia's by-path lookup: the library_path whose path prefixes it, then (id, relative path).
        absolute = row["path"]
        [root] = [r for r in ws.query("SELECT id, path FROM library_paths") if absolute.startswith(r["path"] + "/")]
        found = ws.query("SELECT id FROM media_files WHERE library_path_id = ? AND relative_path = ?",
                         (root["id"], absolute[len(root["path"]) + 1:]))
        assert [f["id"] for f in found] == [row["id"]]
    # Mydia's counts: a movie's files by media_item_id, a show's through its episodes.
    [movie] = ws.query("SELECT count(*) AS n FROM media_files f JOIN media_items m ON m.id = f.media_item_id "
                       "WHERE m.title = 'Inception'")
    [office] = ws.query("SELECT count(*) AS n FROM media_files f JOIN episodes e ON e.id = f.episode_id "
                        "JOIN media_items m ON m.id = e.media_item_id WHERE m.title = 'The Office'")
    assert (movie["n"], office["n"]) == (1, 3)
    assert ws.query("PRAGMA foreign_key_check") == []
    assert ws.query("PRAGMA integrity_check")[0]["integrity_check"] == "ok"
