"""`library adopt DIR`: an organised library recorded as it is, not a byte moved."""

from __future__ import annotations

import json
import os

import pytest
from conftest import KIB, Workspace, snapshot, write_file, write_text

from mydia_import.identify.existing_library import adopt
from mydia_import.library import Library

MOVIES = {
    "Inception (2010)/Inception (2010).mkv": 30,
    "Heat (1995) {tmdb-949}/Heat (1995) - 1080p.mkv": 31,
    "Dune (2021)/Dune (2021) - part1.mkv": 32,
    "Dune (2021)/Dune (2021) - part2.mkv": 33,
    "Blade Runner (1982) {edition-Final Cut}/Blade Runner (1982).mkv": 34,
    "Amelie/Amelie.mkv": 35,  # no year
    "Inception (2010)/Featurettes/Making Of.mkv": 5,  # an extra
    "Inception (2010)/Inception (2010)-trailer.mkv": 5,  # an extra
    "Heat (1995).mkv": 36,  # straight under the root
    "loose file.mkv": 37,  # straight under the root, no year
}
SHOWS = {
    "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01 - Pilot.mkv": 20,  # Plex / Sonarr
    "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02-E03 - Two Parts.mkv": 21,
    "Lost/S01/Lost.S01E05.720p.mkv": 22,  # no year, "S01" folders
    "Lost/S01/06.mkv": 23,  # the season from the folder
    "Lost/Season 2/Lost - 2x01.mkv": 24,
    "Doctor Who (2005) [tvdbid-78804]/Specials/Doctor Who - S00E01 - The Christmas Invasion.mkv": 25,
    "Lost/S01/notes.mkv": 26,  # no episode number
    "Lost/S01/Sample/lost.s01e05.sample.mkv": 1,
}


@pytest.fixture
def ws(bare_workspace: Workspace) -> Workspace:
    for relative, size in MOVIES.items():
        write_file(bare_workspace.movies / relative, size * KIB)
    for relative, size in SHOWS.items():
        write_file(bare_workspace.tv / relative, size * KIB)
    write_text(bare_workspace.tv / "Lost" / "S01" / "Lost.S01E05.720p.en.srt", "subs\n")
    return bare_workspace


def by_path(document: dict, folder) -> dict[str, dict]:
    return {f["path"].removeprefix(str(folder) + "/"): f for f in document["files"]}


def test_adopting_moves_no_byte_and_records_every_movie(ws):
    before = snapshot(ws.library)
    document = ws.json("library", "adopt", str(ws.movies))
    assert snapshot(ws.library) == before
    files = by_path(document, ws.movies)
    recorded = {p for p, f in files.items() if f["status"] == "recorded"}
    assert recorded == {
        "Inception (2010)/Inception (2010).mkv", "Heat (1995) {tmdb-949}/Heat (1995) - 1080p.mkv",
        "Dune (2021)/Dune (2021) - part1.mkv", "Dune (2021)/Dune (2021) - part2.mkv",
        "Blade Runner (1982) {edition-Final Cut}/Blade Runner (1982).mkv", "Amelie/Amelie.mkv",
        "Heat (1995).mkv",
    }
    assert "Title (Year)" in files["loose file.mkv"]["reason"]
    assert "extra" in files["Inception (2010)/Featurettes/Making Of.mkv"]["reason"]
    assert "extra" in files["Inception (2010)/Inception (2010)-trailer.mkv"]["reason"]
    assert document["root"] == {"path": str(ws.movies), "type": "movies"}
    assert document["summary"]["items_added"] == 5


def test_adopted_movies_become_items_with_their_years_ids_parts_and_editions(ws):
    ws.ok("library", "adopt", str(ws.movies))
    items = {(r["title"], r["year"]): r["tmdb_id"] for r in ws.query("SELECT title, year, tmdb_id FROM media_items")}
    assert items == {("Inception", 2010): None, ("Heat", 1995): 949, ("Dune", 2021): None,
                     ("Blade Runner", 1982): None, ("Amelie", None): None}
    rows = {r["relative_path"]: json.loads(r["metadata"])
            for r in ws.query("SELECT relative_path, metadata FROM media_files")}
    assert rows["Dune (2021)/Dune (2021) - part2.mkv"]["import_part"] == 2
    assert rows["Blade Runner (1982) {edition-Final Cut}/Blade Runner (1982).mkv"]["import_edition"] == "Final Cut"
    assert all(m["import_adopted"] for m in rows.values())
    [heat] = ws.query("SELECT count(*) AS n FROM media_files f JOIN media_items m ON m.id = f.media_item_id "
                      "WHERE m.title = 'Heat'")
    assert heat["n"] == 2  # the folder and the loose file are one movie


def test_adopting_shows_creates_episodes_and_links_multi_episode_files(ws):
    before = snapshot(ws.library)
    document = ws.json("library", "adopt", str(ws.tv))
    assert snapshot(ws.library) == before
    files = by_path(document, ws.tv)
    assert {p for p, f in files.items() if f["status"] == "recorded"} == {
        "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01 - Pilot.mkv",
        "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02-E03 - Two Parts.mkv",
        "Lost/S01/Lost.S01E05.720p.mkv", "Lost/S01/06.mkv", "Lost/Season 2/Lost - 2x01.mkv",
        "Doctor Who (2005) [tvdbid-78804]/Specials/Doctor Who - S00E01 - The Christmas Invasion.mkv",
    }
    assert "no season and episode" in files["Lost/S01/notes.mkv"]["reason"]
    assert "sample" in files["Lost/S01/Sample/lost.s01e05.sample.mkv"]["reason"]
    assert files["Lost/S01/06.mkv"]["episodes"] == [{"season": 1, "episode": 6}]
    episodes = {(r["title"], r["s"], r["e"]): r["et"] for r in ws.query(
        "SELECT m.title, e.season_number AS s, e.episode_number AS e, e.title AS et FROM episodes e "
        "JOIN media_items m ON m.id = e.media_item_id")}
    assert episodes == {("Breaking Bad", 1, 1): "Pilot", ("Breaking Bad", 1, 2): None, ("Breaking Bad", 1, 3): None,
                        ("Lost", 1, 5): None, ("Lost", 1, 6): None, ("Lost", 2, 1): None,
                        ("Doctor Who", 0, 1): "The Christmas Invasion"}
    linked = ws.query("SELECT count(*) AS n FROM import_file_episodes x JOIN media_files f ON f.id = x.media_file_id "
                      "WHERE f.relative_path LIKE '%S01E02-E03%'")
    assert linked[0]["n"] == 2
    assert document["root"]["type"] == "series"


def test_adopting_twice_changes_nothing(ws):
    ws.ok("library", "adopt", str(ws.tv))
    counts = ws.counts()
    document = ws.json("library", "adopt", str(ws.tv))
    assert ws.counts() == counts
    assert document["summary"]["recorded"] == 0 and document["summary"]["already_recorded"] == 6


def test_adopt_finds_the_items_the_library_already_has(ws):
    library_json = write_text(ws.root / "lib.json", json.dumps({
        "shows": [{"title": "Breaking Bad", "year": 2008, "tmdb_id": 1396,
                   "episodes": [{"season": 1, "episode": 1, "title": "Pilot"}]}],
        "movies": [{"title": "Inception", "year": 2010, "tmdb_id": 27205}]}))
    ws.ok("library", "load", str(library_json))
    ws.ok("library", "adopt", str(ws.tv))
    ws.ok("library", "adopt", str(ws.movies))
    shows = ws.query("SELECT title, tmdb_id FROM media_items WHERE title IN ('Breaking Bad', 'Inception')")
    assert sorted((r["title"], r["tmdb_id"]) for r in shows) == [("Breaking Bad", 1396), ("Inception", 27205)]


def test_a_dry_run_writes_nothing(ws):
    document = ws.json("library", "adopt", str(ws.tv), "--dry-run")
    assert document["dry_run"] and document["summary"]["planned"] == 6 and document["summary"]["recorded"] == 0
    assert document["summary"]["items_added"] == 3
    assert not ws.db.exists() or ws.count("media_files") == 0


def test_the_human_output_lists_what_could_not_be_placed(ws):
    out = ws.ok("library", "adopt", str(ws.tv)).stdout
    assert "notes.mkv" in out and "no season and episode" in out
    assert "recorded 6 file(s)" in out


def test_a_folder_of_nothing_placeable_exits_4(bare_workspace):
    write_file(bare_workspace.movies / "loose.mkv", KIB)
    bare_workspace.json("library", "adopt", str(bare_workspace.movies), code=4)


def test_a_movie_in_a_series_library_is_not_recorded(tmp_path):
    write_file(tmp_path / "TV" / "Heat (1995)" / "Heat (1995).mkv", KIB)
    with Library.open(tmp_path / "db.sqlite") as library:
        report = adopt(tmp_path / "TV", library, root_type="series")
    [entry] = report.files
    assert entry.status == "skipped" and "series library" in entry.reason


def test_a_mixed_folder_becomes_a_mixed_library(tmp_path):
    write_file(tmp_path / "Media" / "Heat (1995)" / "Heat (1995).mkv", KIB)
    write_file(tmp_path / "Media" / "Lost" / "Season 1" / "Lost S01E01.mkv", KIB)
    with Library.open(tmp_path / "db.sqlite") as library:
        report = adopt(tmp_path / "Media", library)
    assert report.root.type == "mixed" and report.count("recorded") == 2


def test_a_folder_that_could_be_two_items_is_not_placed(tmp_path):
    write_file(tmp_path / "TV" / "Doctor Who" / "Season 1" / "Doctor Who S01E01.mkv", KIB)
    with Library.open(tmp_path / "db.sqlite") as library:
        library.load({"shows": [{"title": "Doctor Who", "year": 1963}, {"title": "Doctor Who", "year": 2005}]})
        report = adopt(tmp_path / "TV", library)
    [entry] = report.files
    assert entry.status == "skipped" and "add the year" in entry.reason


def test_the_command_needs_a_folder(bare_workspace):
    result = bare_workspace.cli("library", "adopt", str(bare_workspace.root / "missing"))
    assert result.exit_code == 1 and "is not a folder" in result.stderr


def test_a_path_that_is_not_utf8_is_listed_not_recorded(tmp_path):
    folder = os.fsencode(tmp_path / "TV" / "Lost" / "Season 1")
    os.makedirs(folder)
    with open(folder + b"/Lost.S01E01.\xff.mkv", "wb") as file:
        file.write(b"x" * 100)
    with Library.open(tmp_path / "db.sqlite") as library:
        report = adopt(tmp_path / "TV", library)
        assert library.roots() == []
    [entry] = report.files
    assert entry.status == "skipped" and "not UTF-8" in entry.reason
    assert report.exit_code() == 4
