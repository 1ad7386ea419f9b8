"""From nothing (issue 16): `library add` through a provider (a local server), then a scan
imports the files under the provider's names; failures are warnings, never tracebacks."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from conftest import KIB, Workspace, expect, own_metadata_section, tree, write_file
from fake_providers import SLOW_HORSES, TMDB_KEY, FakeProviders, Reply, serving, standard_routes


@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    with serving() as fake:
        standard_routes(fake)
        yield fake


@pytest.fixture
def ws(bare_workspace: Workspace, fake: FakeProviders, monkeypatch) -> Workspace:
    """An empty library whose providers are the local server, looked up by default."""
    own_metadata_section(bare_workspace.config)
    with bare_workspace.config.open("a") as config:
        config.write(f'\n[metadata]\nlookup = true\ntvmaze_url = "{fake.url}"\ntmdb_url = "{fake.url}/3"\n'
                     f'cache = "{bare_workspace.root / "cache"}"\ntimeout = 2\n')
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_TMDB_API_KEY", TMDB_KEY)
    return bare_workspace


def test_from_an_empty_library_added_titles_import_with_episode_titles(ws, fake):
    show = ws.json("library", "add", "show", "Slow Horses", "--yes")
    assert (show["title"], show["year"], show["provider"], show["episodes_added"]) == ("Slow Horses", 2022,
                                                                                      "tvmaze", 2)
    movie = ws.json("library", "add", "movie", "Arrival", "--year", "2016", "--yes")
    assert (movie["title"], movie["year"], movie["provider"]) == ("Arrival", 2016, "tmdb")
    write_file(ws.downloads / "Slow.Horses.S01E02.1080p.WEB.h264-GRP" / "Slow.Horses.S01E02.1080p.WEB.h264-GRP.mkv",
               40 * KIB)
    write_file(ws.downloads / "Story.of.Your.Life.2016.1080p.BluRay.x264-GRP.mkv", 48 * KIB)
    report = ws.json("scan")
    assert report["summary"]["imported"] == 2, report
    assert tree(ws.library) >= {
        "TV/Slow Horses (2022)/Season 01/Slow Horses (2022) - S01E02 - Work Drinks.mkv",
        "Movies/Arrival (2016)/Arrival (2016).mkv",  # found by its alternative title
    }


def test_the_added_item_keeps_its_ids_and_payload_as_mydia_does(ws):
    ws.ok("library", "add", "movie", "Arrival", "--year", "2016", "--yes")
    import sqlite3

    row = sqlite3.connect(ws.db).execute("SELECT tmdb_id, imdb_id, metadata FROM media_items").fetchone()
    assert row[:2] == (329865, "tt2543164")
    assert json.loads(row[2])["alternative_titles"]["titles"][0]["title"] == "Story of Your Life"


def test_a_second_add_makes_no_call(ws, fake):
    ws.ok("library", "add", "show", "Slow Horses", "--yes")
    asked = len(fake.requests)
    ws.ok("library", "add", "show", "Slow Horses", "--yes")
    assert len(fake.requests) == asked


def test_without_a_certain_candidate_the_candidates_are_listed_and_nothing_is_added(ws, fake):
    remake = {**SLOW_HORSES, "id": 1, "premiered": "1999-01-01"}
    fake.routes["/search/shows"] = Reply(200, [{"score": 0.9, "show": SLOW_HORSES}, {"score": 0.8, "show": remake}])
    answer = ws.json("library", "add", "show", "Slow Horses", "--yes", code=4)
    assert answer["media_item"] is None and [c["id"] for c in answer["candidates"]] == [44778, 1]
    assert "none is certain" in answer["reason"]
    assert ws.json("library", "list")["items"] == []


def test_an_id_makes_a_candidate_certain(ws, fake):
    fake.routes["/search/shows"] = Reply(500, {})
    show = ws.json("library", "add", "show", "Slow Horses", "--tvmaze-id", "44778")
    assert show["episodes_added"] == 2


def test_offline_keeps_the_typed_behaviour(ws, fake):
    added = ws.json("library", "add", "show", "Slow Horses", "--offline", "--year", "2022")
    assert added["title"] == "Slow Horses" and "provider" not in added
    assert fake.requests == []


def test_with_lookup_off_no_call_is_made(bare_workspace, fake, monkeypatch):
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_TVMAZE_URL", fake.url)
    bare_workspace.ok("library", "add", "show", "Slow Horses")  # the test config says lookup = false
    assert fake.requests == []


def test_a_show_is_looked_up_by_default_and_offline_keeps_it_typed(bare_workspace, fake, monkeypatch):
    own_metadata_section(bare_workspace.config)  # no [metadata] at all: the defaults
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_TVMAZE_URL", fake.url)
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_CACHE", str(bare_workspace.root / "cache"))
    bare_workspace.ok("library", "add", "show", "Slow Horses", "--offline")
    assert fake.requests == []
    bare_workspace.ok("library", "add", "show", "Slow Horses", "--yes")
    assert fake.requests != []
    [show] = bare_workspace.json("library", "list")["items"]
    assert (show["title"], show["year"]) == ("Slow Horses", 2022) and show["episodes"] > 0


def test_a_movie_is_looked_up_by_default_only_with_a_tmdb_key(bare_workspace, fake, monkeypatch):
    own_metadata_section(bare_workspace.config)
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_TMDB_URL", f"{fake.url}/3")
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_CACHE", str(bare_workspace.root / "cache"))
    result = bare_workspace.ok("library", "add", "movie", "Arrival", "--year", "2016")
    assert fake.requests == [] and "warning" not in result.stderr  # no key: added as typed, silently
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_TMDB_API_KEY", TMDB_KEY)
    bare_workspace.ok("library", "add", "movie", "Arrival", "--year", "2016", "--yes")
    assert fake.requests != []


def test_a_provider_down_is_a_warning_and_the_item_is_added_as_typed(ws, fake):
    fake.httpd.shutdown()
    fake.httpd.server_close()
    result = expect(ws.cli("library", "add", "show", "Slow Horses", "--yes"), 0)
    assert "warning: cannot reach TVmaze" in result.stderr and "Traceback" not in result.stderr
    assert "added as typed" in result.stderr


def test_a_refused_key_is_a_warning_naming_tmdb(ws, monkeypatch):
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_TMDB_API_KEY", "nope")
    result = expect(ws.cli("library", "add", "movie", "Arrival", "--year", "2016", "--yes"), 0)
    assert "TMDB refused the API key" in result.stderr and "nope" not in result.stderr + result.stdout


def test_refresh_adds_a_running_shows_new_episodes_and_keeps_the_users_title(ws, fake):
    ws.ok("library", "add", "show", "Slow Horses", "--yes")
    import sqlite3

    con = sqlite3.connect(ws.db)
    con.execute("UPDATE media_items SET title = 'My Slow Horses'")
    con.commit()
    episodes = [{"id": 9, "name": "Visceral", "season": 1, "number": 3, "airdate": "2022-04-08"},
                {"id": 10, "name": "Work Drinks (renamed)", "season": 1, "number": 2, "airdate": "2022-04-01"}]
    fake.routes["/shows/44778"] = Reply(200, {**SLOW_HORSES, "_embedded": {"episodes": episodes}})
    for path in (ws.root / "cache").rglob("*.json"):
        path.unlink()  # the provider changed since the add
    answer = ws.json("library", "refresh")
    [item] = answer["items"]
    assert (item["episodes_added"], item["episodes_updated"], item["reason"]) == (1, 1, None)
    rows = con.execute("SELECT season_number, episode_number, e.title, m.title FROM episodes e "
                       "JOIN media_items m ON m.id = e.media_item_id ORDER BY 1, 2").fetchall()
    assert rows == [(1, 1, "Failure's Contagious", "My Slow Horses"),
                    (1, 2, "Work Drinks (renamed)", "My Slow Horses"), (1, 3, "Visceral", "My Slow Horses")]


def test_refresh_of_a_show_without_a_provider_id_says_how_to_give_one(ws):
    ws.ok("library", "add", "show", "Typed Show", "--offline", "--season", "1:2")
    result = expect(ws.cli("library", "refresh", "Typed Show"), 4)
    assert "no provider id" in result.stderr and "--tvmaze-id" in result.stderr


def test_a_scan_refreshes_a_known_show_once_for_a_new_episode(ws, fake):
    ws.ok("library", "add", "show", "Slow Horses", "--yes")
    new = {"id": 9, "name": "Visceral", "season": 1, "number": 3, "airdate": "2022-04-08"}
    fake.routes["/shows/44778"] = Reply(200, {**SLOW_HORSES, "_embedded": {"episodes": [new]}})
    for path in (ws.root / "cache").rglob("*.json"):
        path.unlink()  # the episode aired after the add
    for name in ("Slow.Horses.S01E03.1080p.WEB.h264-GRP", "Slow.Horses.S01E09.1080p.WEB.h264-GRP"):
        write_file(ws.downloads / name / f"{name}.mkv", 40 * KIB)
    report = json.loads(ws.cli("--json", "scan").stdout)  # exit 3: one file could not be placed
    statuses = {f["source"].rsplit("/", 1)[1]: f["status"] for f in report["files"]}
    assert statuses["Slow.Horses.S01E03.1080p.WEB.h264-GRP.mkv"] == "imported"
    assert statuses["Slow.Horses.S01E09.1080p.WEB.h264-GRP.mkv"] == "skipped"
    assert "TV/Slow Horses (2022)/Season 01/Slow Horses (2022) - S01E03 - Visceral.mkv" in tree(ws.library)
    assert fake.calls("/shows/44778") == 2  # the add, and one refresh for both files


def test_a_dry_run_asks_no_provider(ws, fake):
    ws.ok("library", "add", "show", "Slow Horses", "--yes")
    asked = len(fake.requests)
    for path in (ws.root / "cache").rglob("*.json"):
        path.unlink()
    write_file(ws.downloads / "Slow.Horses.S01E03.1080p.WEB.h264-GRP.mkv", 40 * KIB)
    ws.cli("scan", "--dry-run")
    assert len(fake.requests) == asked


def test_an_unreadable_key_file_is_a_warning_not_an_error(ws, monkeypatch):
    monkeypatch.delenv("MYDIA_IMPORT_METADATA_TMDB_API_KEY")
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_TMDB_API_KEY_FILE", str(ws.root / "missing.key"))
    result = expect(ws.cli("library", "add", "movie", "Arrival", "--year", "2016", "--yes"), 0)
    assert "warning: cannot read [metadata] tmdb_api_key_file" in result.stderr
