"""End to end: messy completed-download folders -> `scan` -> library files and database rows.

Packs with samples, RARBG subtitle folders, junk, extras, nested and obfuscated
folders, multi-episode files, anime, daily shows and multi-part movies: each
test builds the tree in tmp_path, runs `scan --json` and checks the files on
disk and the rows in SQLite.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import KIB, Workspace, write_file, write_text

LIBRARY = {
    "movies": [
        {"title": "Dune", "year": 1984}, {"title": "Dune", "year": 2021},
        {"title": "Blade Runner 2049", "year": 2017},
        {"title": "Heat", "year": 1995},
    ],
    "shows": [
        {"title": "Breaking Bad", "year": 2008, "episodes": [
            {"season": s, "episode": n, "title": f"Episode {s}.{n}"} for s in (1, 2) for n in range(1, 8)]},
        {"title": "Doctor Who", "year": 1963, "episodes": [{"season": 1, "episode": n} for n in range(1, 5)]},
        {"title": "Doctor Who", "year": 2005, "episodes": [
            {"season": s, "episode": n} for s in (0, 1, 2) for n in range(1, 5)]},
        {"title": "Frieren: Beyond Journey's End", "year": 2023, "aliases": ["Sousou no Frieren"], "episodes": [
            {"season": 1, "episode": n, "absolute": n} for n in range(1, 29)]
            + [{"season": 2, "episode": n, "absolute": 28 + n} for n in range(1, 5)]},
        {"title": "The Daily Show", "episodes": [
            {"season": 29, "episode": 5, "air_date": "2024-01-15"},
            {"season": 29, "episode": 6, "air_date": "2024-01-16"}]},
    ],
}

SRT = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n"


@pytest.fixture
def ws(bare_workspace: Workspace) -> Workspace:
    library_json = write_text(bare_workspace.root / "library.json", json.dumps(LIBRARY))
    bare_workspace.ok("library", "load", str(library_json))
    return bare_workspace


def scan(ws: Workspace, code: int = 0) -> dict[str, dict]:
    document = ws.json("scan", str(ws.downloads), code=code)
    return {f["source"].removeprefix(str(ws.downloads) + "/"): f for f in document["files"]}


def episodes_of_file(ws: Workspace, relative: str) -> list[tuple[int, int]]:
    rows = ws.query(
        "SELECT e.season_number AS s, e.episode_number AS e FROM media_files f "
        "JOIN import_file_episodes x ON x.media_file_id = f.id JOIN episodes e ON e.id = x.episode_id "
        "WHERE f.relative_path = ? ORDER BY x.position", (relative,))
    return [(r["s"], r["e"]) for r in rows]


def test_a_season_pack_with_a_sample_subs_folder_and_junk(ws):
    pack = ws.downloads / "Breaking.Bad.S02.1080p.BluRay.x264-GRP"
    for n in (1, 2, 3):
        write_file(pack / f"Breaking.Bad.S02E0{n}.1080p.BluRay.x264-GRP.mkv", (60 + n) * KIB)
    write_file(pack / "Sample" / "breaking.bad.s02e01.sample.mkv", 2 * KIB)
    write_text(pack / "Subs" / "Breaking.Bad.S02E01.1080p.BluRay.x264-GRP" / "2_English.srt", SRT)
    write_text(pack / "Subs" / "Breaking.Bad.S02E01.1080p.BluRay.x264-GRP" / "3_English.srt", SRT + "SDH\n")
    write_text(pack / "Subs" / "Breaking.Bad.S02E02.1080p.BluRay.x264-GRP" / "4_French.srt", SRT)
    write_text(pack / "RARBG.txt", "junk\n")
    write_file(pack / "poster.jpg", KIB)
    files = scan(ws)
    show = "Breaking Bad (2008)/Season 02/Breaking Bad (2008) - S02E0{n} - Episode 2.{n}"
    assert ws.tv_files() == {
        *(show.format(n=n) + ".mkv" for n in (1, 2, 3)),
        show.format(n=1) + ".en.srt", show.format(n=1) + ".2.en.srt", show.format(n=2) + ".fr.srt",
    }
    sample = files["Breaking.Bad.S02.1080p.BluRay.x264-GRP/Sample/breaking.bad.s02e01.sample.mkv"]
    assert sample["status"] == "skipped" and "sample" in sample["reason"]
    assert "RARBG.txt" not in " ".join(files)  # of no interest: not even reported
    assert ws.count("media_files") == 3
    assert episodes_of_file(ws, "Breaking Bad (2008)/Season 02/Breaking Bad (2008) - S02E02 - Episode 2.2.mkv") \
        == [(2, 2)]


def test_obfuscated_files_in_nested_release_folders_are_identified_from_the_folders(ws):
    release = ws.downloads / "Breaking.Bad.S01.720p.WEB-DL-GRP"
    write_file(release / "Breaking.Bad.S01E04.720p.WEB-DL-GRP" / "a1b2c3d4.mkv", 50 * KIB)
    write_file(release / "Breaking.Bad.S01E05.720p.WEB-DL-GRP" / "x9y8z7.mkv", 51 * KIB)
    write_file(release / "extra_folder" / "E06.mkv", 52 * KIB)
    write_file(release / "README.nfo", KIB)
    scan(ws)
    assert ws.tv_files() == {
        f"Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E0{n} - Episode 1.{n}.mkv" for n in (4, 5, 6)}


def test_a_file_without_numbers_in_a_season_pack_is_never_the_whole_season(ws):
    release = ws.downloads / "Breaking.Bad.S01.720p.WEB-DL-GRP"
    write_file(release / "Breaking.Bad.S01E01.720p.mkv", 50 * KIB)
    write_file(release / "bonus.mkv", 48 * KIB)
    files = scan(ws)
    assert ws.tv_files() == {"Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01 - Episode 1.1.mkv"}
    bonus = files["Breaking.Bad.S01.720p.WEB-DL-GRP/bonus.mkv"]
    assert bonus["status"] == "skipped" and "never mapped to a whole season" in bonus["reason"]


def test_multi_episode_files_are_linked_to_every_episode(ws):
    write_file(ws.downloads / "Breaking.Bad.S01E01-E03.720p.mkv", 50 * KIB)
    write_file(ws.downloads / "Breaking Bad 2x04-05 720p.mkv", 50 * KIB)
    files = scan(ws)
    first = ("Breaking Bad (2008)/Season 01/"
             "Breaking Bad (2008) - S01E01-E03 - Episode 1.1 + Episode 1.2 + Episode 1.3.mkv")
    second = "Breaking Bad (2008)/Season 02/Breaking Bad (2008) - S02E04-E05 - Episode 2.4 + Episode 2.5.mkv"
    assert ws.tv_files() == {first, second}
    assert episodes_of_file(ws, first) == [(1, 1), (1, 2), (1, 3)]
    assert episodes_of_file(ws, second) == [(2, 4), (2, 5)]
    assert files["Breaking.Bad.S01E01-E03.720p.mkv"]["episodes"] == [
        {"season": 1, "episode": n} for n in (1, 2, 3)]


def test_anime_daily_and_specials_are_placed_by_the_numbers_the_library_holds(ws):
    write_file(ws.downloads / "[SubsPlease] Sousou no Frieren - 30 (1080p) [ABCD1234].mkv", 40 * KIB)
    write_file(ws.downloads / "The.Daily.Show.2024.01.16.Guest.720p.WEB.h264-GRP.mkv", 40 * KIB)
    write_file(ws.downloads / "Doctor.Who.2005.S00E02.Special.720p.mkv", 40 * KIB)
    scan(ws)
    assert ws.tv_files() == {
        "Frieren - Beyond Journey's End (2023)/Season 02/Frieren - Beyond Journey's End (2023) - S02E02.mkv",
        "The Daily Show/Season 29/The Daily Show - S29E06.mkv",
        "Doctor Who (2005)/Season 00/Doctor Who (2005) - S00E02.mkv",
    }


def test_an_ambiguous_name_is_skipped_naming_both_candidates(ws):
    write_file(ws.downloads / "Doctor.Who.S01E01.720p.mkv", 40 * KIB)
    write_file(ws.downloads / "Dune.1080p.BluRay.mkv", 40 * KIB)
    files = scan(ws, code=4)
    assert ws.tv_files() == set() and ws.movie_files() == set()
    assert "'Doctor Who (1963)' and 'Doctor Who (2005)'" in files["Doctor.Who.S01E01.720p.mkv"]["reason"]
    assert "'Dune (1984)' and 'Dune (2021)'" in files["Dune.1080p.BluRay.mkv"]["reason"]
    assert ws.count("media_files") == 0


def test_a_multi_part_movie_is_imported_as_its_parts_and_extras_are_never_the_main_file(ws):
    release = ws.downloads / "Dune.2021.DVDRip.XviD-GRP"
    write_file(release / "Dune.2021.DVDRip.XviD-GRP.CD1.avi", 60 * KIB)
    write_file(release / "Dune.2021.DVDRip.XviD-GRP.CD2.avi", 58 * KIB)
    write_file(release / "Featurettes" / "Dune.2021.Making.Of.avi", 70 * KIB)  # larger than a part
    write_file(release / "Dune.2021-trailer.avi", 5 * KIB)
    files = scan(ws)
    assert ws.movie_files() == {"Dune (2021)/Dune (2021) - part1.avi", "Dune (2021)/Dune (2021) - part2.avi"}
    making = files["Dune.2021.DVDRip.XviD-GRP/Featurettes/Dune.2021.Making.Of.avi"]
    trailer = files["Dune.2021.DVDRip.XviD-GRP/Dune.2021-trailer.avi"]
    assert (making["kind"], making["status"]) == ("extra", "skipped") and "extra" in making["reason"]
    assert (trailer["kind"], trailer["status"]) == ("extra", "skipped")
    assert ws.count("media_files") == 2


def test_an_edition_is_recorded_in_the_files_metadata(ws):
    write_file(ws.downloads / "Blade.Runner.2049.2017.Directors.Cut.1080p.BluRay.mkv", 40 * KIB)
    scan(ws)
    assert ws.movie_files() == {"Blade Runner 2049 (2017)/Blade Runner 2049 (2017).mkv"}
    [row] = ws.query("SELECT metadata FROM media_files")
    assert json.loads(row["metadata"])["import_edition"] == "Director's Cut"


@pytest.mark.skipif(shutil.which("lsar") is None, reason="needs lsar (apt-get install unar)")
def test_an_archive_only_release_that_is_no_archive_is_reported_as_unreadable(ws):
    release = ws.downloads / "Heat.1995.1080p.BluRay-GRP"
    for part in ("heat.rar", "heat.r00", "heat.r01"):
        write_file(release / part, KIB)
    files = scan(ws, code=4)
    [entry] = files.values()
    assert entry["source"].endswith("heat.rar") and "the archive set cannot be read" in entry["reason"]


def test_an_archive_only_release_is_reported_as_needing_extraction_when_extraction_is_off(ws):
    release = ws.downloads / "Heat.1995.1080p.BluRay-GRP"
    for part in ("heat.rar", "heat.r00", "heat.r01"):
        write_file(release / part, KIB)
    ws.config.write_text(ws.config.read_text() + "\n[archives]\nextract = false\n")
    files = scan(ws, code=4)
    [entry] = files.values()
    assert entry["source"].endswith("heat.rar") and "extract it first" in entry["reason"]


def test_names_are_parsed_once_across_runs(ws):
    # iNTERNAL is no tag of the fast path's table (identify/fast.py): guessit reads this name
    write_file(ws.downloads / "Heat.1995.iNTERNAL.1080p.BluRay-GRP.mkv", 40 * KIB)
    ws.json("scan", str(ws.downloads), "--dry-run")
    assert ws.count("import_parse_cache") == 0  # a dry run writes no row
    scan(ws)
    cached = ws.query("SELECT name, parser FROM import_parse_cache")
    assert {r["name"] for r in cached} >= {"Heat.1995.iNTERNAL.1080p.BluRay-GRP.mkv"}
    assert all(r["parser"].startswith("guessit ") for r in cached)
