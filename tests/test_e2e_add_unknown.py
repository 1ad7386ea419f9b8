"""`[metadata] add_unknown` (issue 16): a scan that meets a title the library lacks looks it up
at a local stand-in for TVmaze and TMDB, adds the one certain candidate and imports the file;
anything else is skipped with the candidates named. And the scan-time refresh's warning."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import pytest
from conftest import KIB, Workspace, expect, own_metadata_section, tree, write_file
from fake_providers import SLOW_HORSES, TMDB_KEY, FakeProviders, Reply, standard

EPISODE = "Slow.Horses.S01E02.1080p.WEB.h264-GRP"


@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    with standard() as fake:
        yield fake


def _configure(ws: Workspace, fake: FakeProviders, add_unknown: str, lookup: bool = False) -> Workspace:
    own_metadata_section(ws.config)
    with ws.config.open("a") as config:
        config.write(f'\n[metadata]\nadd_unknown = "{add_unknown}"\nlookup = {str(lookup).lower()}\n'
                     f'tvmaze_url = "{fake.url}"\ntmdb_url = "{fake.url}/3"\n'
                     f'cache = "{ws.root / "cache"}"\ntimeout = 2\n')
    return ws


@pytest.fixture
def ws(bare_workspace: Workspace, fake: FakeProviders, monkeypatch) -> Workspace:
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_TMDB_API_KEY", TMDB_KEY)
    return _configure(bare_workspace, fake, "confident")


def _items(ws: Workspace) -> list[tuple[str, int]]:
    return sqlite3.connect(ws.db).execute("SELECT title, year FROM media_items ORDER BY title").fetchall()


def _files(report: dict) -> dict[str, dict]:
    return {f["source"].rsplit("/", 1)[1]: f for f in report["files"]}


def test_confident_adds_the_one_certain_show_and_imports_its_episode_with_its_title(ws, fake):
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    report = ws.json("scan")
    assert report["summary"]["imported"] == 1, report
    assert "TV/Slow Horses (2022)/Season 01/Slow Horses (2022) - S01E02 - Work Drinks.mkv" in tree(ws.library)
    assert _items(ws) == [("Slow Horses", 2022)]


def test_confident_adds_a_movie_by_title_and_year(ws):
    write_file(ws.downloads / "Arrival.2016.1080p.BluRay.x264-GRP.mkv", 48 * KIB)
    assert ws.json("scan")["summary"]["imported"] == 1
    assert "Movies/Arrival (2016)/Arrival (2016).mkv" in tree(ws.library)


def test_a_title_looked_up_once_serves_every_file_of_the_show(ws, fake):
    for n in (1, 2):
        name = f"Slow.Horses.S01E0{n}.1080p.WEB.h264-GRP"
        write_file(ws.downloads / name / f"{name}.mkv", 40 * KIB)
    assert ws.json("scan")["summary"]["imported"] == 2
    assert fake.calls("/search/shows") == 1 and _items(ws) == [("Slow Horses", 2022)]


def test_several_candidates_skip_the_file_naming_them_and_add_nothing(ws, fake):
    remake = {**SLOW_HORSES, "id": 1, "premiered": "1999-01-01"}
    fake.routes["/search/shows"] = Reply(200, [{"score": 0.9, "show": SLOW_HORSES}, {"score": 0.8, "show": remake}])
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    report = json.loads(expect(ws.cli("--json", "scan"), 4).stdout)
    reason = _files(report)[f"{EPISODE}.mkv"]["reason"]
    assert "none is certain" in reason and "(tvmaze 44778)" in reason and "(tvmaze 1)" in reason
    assert _items(ws) == []


def test_a_show_without_the_episode_is_not_added(ws):
    name = "Slow.Horses.S01E09.1080p.WEB.h264-GRP"
    write_file(ws.downloads / name / f"{name}.mkv", 40 * KIB)
    report = json.loads(expect(ws.cli("--json", "scan"), 4).stdout)
    assert "'Slow Horses (2022)' has no S01E09" in _files(report)[f"{name}.mkv"]["reason"]
    assert _items(ws) == []


def test_a_dry_run_asks_no_provider_without_lookup(ws, fake):
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    expect(ws.cli("scan", "--dry-run"), 4)
    assert fake.requests == [] and _items(ws) == []


def test_a_dry_run_with_lookup_says_what_would_be_added_and_adds_nothing(ws, fake):
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    report = json.loads(expect(ws.cli("--json", "scan", "--dry-run", "--lookup"), 4).stdout)
    reason = _files(report)[f"{EPISODE}.mkv"]["reason"]
    assert "a real run would add 'Slow Horses (2022)' from TVmaze" in reason
    assert fake.calls("/search/shows") == 1 and _items(ws) == [] and tree(ws.library) <= {"Movies", "TV"}


def test_never_asks_no_provider(bare_workspace, fake):
    ws = _configure(bare_workspace, fake, "never", lookup=True)
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    expect(ws.cli("scan"), 4)
    assert fake.requests == []


def test_ask_outside_a_terminal_is_never(bare_workspace, fake):
    ws = _configure(bare_workspace, fake, "ask")
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    report = json.loads(expect(ws.cli("--json", "scan"), 4).stdout)
    assert "no show called 'Slow Horses'" in _files(report)[f"{EPISODE}.mkv"]["reason"]
    assert fake.requests == [] and _items(ws) == []


def test_a_provider_down_is_one_warning_and_the_scan_goes_on(ws, fake):
    fake.httpd.shutdown()
    fake.httpd.server_close()
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    write_file(ws.downloads / "Other.Show.S01E01.720p.WEB.h264-GRP.mkv", 40 * KIB)
    result = expect(ws.cli("scan"), 4)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "TVmaze could not look up" in warnings[0], result.stderr
    assert "Traceback" not in result.stderr and _items(ws) == []


def test_a_failed_scan_time_refresh_is_one_warning_naming_the_provider(bare_workspace, fake, monkeypatch):
    ws = _configure(bare_workspace, fake, "never", lookup=True)
    ws.ok("library", "add", "show", "Slow Horses", "--yes")
    fake.routes["/shows/44778"] = Reply(500, {})
    for path in (ws.root / "cache").rglob("*.json"):
        path.unlink()
    for n in (3, 4):
        name = f"Slow.Horses.S01E0{n}.1080p.WEB.h264-GRP"
        write_file(ws.downloads / name / f"{name}.mkv", 40 * KIB)
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    result = expect(ws.cli("scan"), 0)  # the known episode is imported all the same
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert "TVmaze could not refresh Slow Horses (2022)" in warnings[0] and "library refresh" in warnings[0]


def test_identify_lookup_shows_what_a_lookup_would_add_and_adds_nothing(ws, fake):
    answer = ws.json("identify", "--lookup", f"{EPISODE}.mkv", "Slow.Horses.S01E09.720p.mkv",
                     "Arrival.2016.1080p.BluRay.x264-GRP.mkv")
    first, missing, movie = answer["names"]
    assert first["lookup"]["would_add"]["title"] == "Slow Horses" and first["lookup"]["provider"] == "tvmaze"
    assert missing["lookup"]["would_add"] is None and "has no S01E09" in missing["lookup"]["reason"]
    assert (movie["lookup"]["would_add"]["id"], movie["lookup"]["provider"]) == (329865, "tmdb")
    assert fake.calls("/search/shows") == 1 and _items(ws) == []


def test_identify_without_lookup_asks_nothing_and_keeps_its_shape(ws, fake):
    [name] = ws.json("identify", f"{EPISODE}.mkv")["names"]
    assert "lookup" not in name and fake.requests == []


def test_identify_lookup_of_a_known_title_is_null(ws):
    ws.ok("library", "add", "show", "Slow Horses", "--yes", "--lookup")
    [name] = ws.json("identify", "--lookup", f"{EPISODE}.mkv")["names"]
    assert name["media_item"]["title"] == "Slow Horses" and name["lookup"] is None


def test_identify_lookup_in_a_table_names_the_item(ws):
    result = ws.ok("identify", "--lookup", f"{EPISODE}.mkv")
    assert "would add 'Slow Horses (2022)' from tvmaze" in " ".join(result.stdout.split())


def test_ask_adds_the_candidate_the_person_chooses(bare_workspace, fake, monkeypatch):
    from mydia_import.cli import importing

    remake = {**SLOW_HORSES, "id": 1, "premiered": "1999-01-01"}
    fake.routes["/search/shows"] = Reply(200, [{"score": 0.9, "show": remake}, {"score": 0.8, "show": SLOW_HORSES}])
    asked = []

    def person(name, candidates, best):
        asked.append((name, [c.id for c in candidates], best))
        return next(c for c in candidates if c.id == 44778)
    monkeypatch.setattr(importing, "_asker", lambda ui, settings, dry_run: person)
    ws = _configure(bare_workspace, fake, "ask")
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    assert ws.json("scan")["summary"]["imported"] == 1
    assert asked == [(f"{EPISODE}.mkv", [1, 44778], None)]  # none was certain: no default
    assert _items(ws) == [("Slow Horses", 2022)]


def test_ask_answered_with_none_skips_the_file_naming_the_candidates(bare_workspace, fake, monkeypatch):
    from mydia_import.cli import importing

    monkeypatch.setattr(importing, "_asker", lambda ui, settings, dry_run: lambda name, candidates, best: None)
    ws = _configure(bare_workspace, fake, "ask")
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    report = json.loads(expect(ws.cli("--json", "scan"), 4).stdout)
    assert "none of 'Slow Horses (2022)' (tvmaze 44778) was chosen" in _files(report)[f"{EPISODE}.mkv"]["reason"]
    assert _items(ws) == []


def test_a_file_skipped_before_is_added_once_add_unknown_is_turned_on(bare_workspace, fake, monkeypatch):
    monkeypatch.setenv("MYDIA_IMPORT_METADATA_ADD_UNKNOWN", "never")
    ws = _configure(bare_workspace, fake, "confident")
    write_file(ws.downloads / EPISODE / f"{EPISODE}.mkv", 40 * KIB)
    expect(ws.cli("scan"), 4)
    monkeypatch.delenv("MYDIA_IMPORT_METADATA_ADD_UNKNOWN")
    assert ws.json("scan")["summary"]["imported"] == 1
