"""`library refresh` renumbering (issue 16): an episode the provider renumbered keeps its row and
files and takes its new number, recognised by the provider's episode id, else by title and air
date; an episode with files is never deleted."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator

import pytest
from conftest import KIB, Workspace, own_metadata_section, write_file
from fake_providers import SLOW_HORSES, FakeProviders, Reply, standard

from mydia_import.library import Library
from mydia_import.library.validate import EpisodeSpec

DAY = dt.date(2022, 4, 1)


def _apply(lib: Library, item_id: str, *specs: EpisodeSpec) -> tuple[int, int, int]:
    return lib.apply_provider(item_id, tmdb_id=None, imdb_id=None, original_title=None, metadata={},
                              episodes=list(specs))


def _numbers(lib: Library, item_id: str) -> dict[str, tuple[int, int]]:
    return {e.title: (e.season, e.episode) for e in _episodes(lib, item_id)}


def _episodes(lib: Library, item_id: str):
    return [e for s in sorted(lib.season_numbers(item_id)) for e in lib.find_episodes(item_id, s, range(1, 50))]


def test_episodes_are_renumbered_by_title_and_air_date_when_no_id_is_stored():
    lib = Library.memory()
    show = lib.add_show("Show", 2020)
    _apply(lib, show.id, EpisodeSpec(1, 1, "Pilot", DAY), EpisodeSpec(1, 2, "Second", DAY))
    moved = _apply(lib, show.id, EpisodeSpec(0, 1, "Pilot", DAY), EpisodeSpec(1, 1, "Second", DAY))
    assert moved == (0, 0, 2)
    assert _numbers(lib, show.id) == {"Pilot": (0, 1), "Second": (1, 1)}


def test_numbers_swapped_at_the_provider_are_swapped_by_episode_id():
    lib = Library.memory()
    show = lib.add_show("Show", 2020)
    _apply(lib, show.id, EpisodeSpec(1, 1, "A", provider_id=("tvmaze_id", 1)),
           EpisodeSpec(1, 2, "B", provider_id=("tvmaze_id", 2)))
    ids = {e.title: e.id for e in _episodes(lib, show.id)}
    _apply(lib, show.id, EpisodeSpec(1, 2, "A", provider_id=("tvmaze_id", 1)),
           EpisodeSpec(1, 1, "B", provider_id=("tvmaze_id", 2)))
    assert _numbers(lib, show.id) == {"A": (1, 2), "B": (1, 1)}
    assert {e.title: e.id for e in _episodes(lib, show.id)} == ids  # the same rows, not new ones


def test_the_same_title_on_one_day_twice_is_not_guessed():
    lib = Library.memory()
    show = lib.add_show("Show", 2020)
    _apply(lib, show.id, EpisodeSpec(1, 1, "Part", DAY), EpisodeSpec(1, 2, "Part", DAY))
    assert _apply(lib, show.id, EpisodeSpec(2, 1, "Part", DAY), EpisodeSpec(2, 2, "Part", DAY))[2] == 0


def test_an_episode_the_provider_dropped_gives_its_number_up_when_it_has_no_file():
    lib = Library.memory()
    show = lib.add_show("Show", 2020)
    _apply(lib, show.id, EpisodeSpec(1, 1, "Gone", provider_id=("tvmaze_id", 1)),
           EpisodeSpec(1, 2, "Moved", provider_id=("tvmaze_id", 2)))
    assert _apply(lib, show.id, EpisodeSpec(1, 1, "Moved", provider_id=("tvmaze_id", 2)))[2] == 1
    assert _numbers(lib, show.id) == {"Moved": (1, 1)}


# -- end to end, with files -------------------------------------------------------------------

@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    with standard() as fake:
        yield fake


@pytest.fixture
def ws(bare_workspace: Workspace, fake: FakeProviders) -> Workspace:
    own_metadata_section(bare_workspace.config)
    with bare_workspace.config.open("a") as config:
        config.write(f'\n[metadata]\nlookup = true\ntvmaze_url = "{fake.url}"\n'
                     f'cache = "{bare_workspace.root / "cache"}"\ntimeout = 2\n')
    bare_workspace.ok("library", "add", "show", "Slow Horses", "--yes")
    return bare_workspace


def _provider_says(ws: Workspace, fake: FakeProviders, *episodes: dict) -> None:
    fake.routes["/shows/44778"] = Reply(200, {**SLOW_HORSES, "_embedded": {"episodes": list(episodes)}})
    for path in (ws.root / "cache").rglob("*.json"):
        path.unlink()  # the provider changed since the add


def _rows(ws: Workspace) -> list[tuple]:
    return sqlite3.connect(ws.db).execute(
        "SELECT season_number, episode_number, title, (SELECT count(*) FROM media_files f "
        "WHERE f.episode_id = e.id) FROM episodes e ORDER BY 1, 2").fetchall()


def test_refresh_renumbers_an_imported_episode_and_its_file_follows(ws, fake):
    name = "Slow.Horses.S01E02.1080p.WEB.h264-GRP"
    write_file(ws.downloads / name / f"{name}.mkv", 40 * KIB)
    assert ws.json("scan")["summary"]["imported"] == 1
    _provider_says(ws, fake, {"id": 2000001, "name": "Failure's Contagious", "season": 1, "number": 1,
                              "airdate": "2022-04-01"},
                   {"id": 2000002, "name": "Work Drinks", "season": 2, "number": 1, "airdate": "2022-04-01"})
    [item] = ws.json("library", "refresh")["items"]
    assert item["episodes_renumbered"] == 1
    assert _rows(ws) == [(1, 1, "Failure's Contagious", 0), (2, 1, "Work Drinks", 1)]


def test_refresh_never_deletes_an_episode_with_files_to_renumber_another(ws, fake):
    name = "Slow.Horses.S01E01.1080p.WEB.h264-GRP"
    write_file(ws.downloads / name / f"{name}.mkv", 40 * KIB)
    assert ws.json("scan")["summary"]["imported"] == 1
    # The provider dropped the first episode and moved the second to its number.
    _provider_says(ws, fake, {"id": 2000002, "name": "Work Drinks", "season": 1, "number": 1,
                              "airdate": "2022-04-01"})
    [item] = ws.json("library", "refresh")["items"]
    assert item["episodes_renumbered"] == 0
    assert _rows(ws) == [(1, 1, "Failure's Contagious", 1), (1, 2, "Work Drinks", 0)]
