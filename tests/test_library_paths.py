"""Several library folders (Mydia's library_paths) of one type, and mixed ones: a show's new
episodes go where it already has files; a new item to the configured or first suitable folder."""

from __future__ import annotations

from conftest import BB_S01E02, KIB, make_episode_release, make_pack_release, write_config, write_file

from mydia_import.library import Library
from mydia_import.models import Match, MediaType

BB_S01E01 = "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E01 - Pilot.mkv"


def _show_with_a_file_in(ws, folder, kind="series"):
    """Breaking Bad's S01E01 recorded under a second library folder, as Mydia would have it."""
    with Library.open(ws.db) as lib:
        root = lib.ensure_root(folder, kind)
        [show] = lib.find_items("breakingbad", MediaType.TV_SHOW)
        write_file(folder / BB_S01E01, 8 * KIB)
        lib.record_file(root, BB_S01E01, size=8 * KIB, match=Match(show, tuple(lib.find_episodes(show.id, 1, [1]))),
                        release=None, metadata={})


def test_a_shows_new_episode_goes_to_the_library_folder_that_already_holds_the_show(workspace):
    ws = workspace
    second = ws.root / "tv2"
    _show_with_a_file_in(ws, second)
    make_episode_release(ws.downloads)
    make_pack_release(ws.downloads)
    document = ws.json("scan")
    assert document["summary"]["imported"] == 4
    assert (second / BB_S01E02).is_file() and not (ws.tv / BB_S01E02).exists()
    assert any(p.name.startswith("The Office") for p in ws.tv.iterdir())  # a new show: the configured folder
    [row] = ws.query("SELECT lp.path FROM media_files f JOIN library_paths lp ON lp.id = f.library_path_id "
                     "WHERE f.relative_path = ?", (BB_S01E02,))
    assert row["path"] == str(second)


def test_a_mixed_folder_holding_the_show_takes_its_episodes_too(workspace):
    ws = workspace
    mixed = ws.root / "media"
    _show_with_a_file_in(ws, mixed, kind="mixed")
    make_episode_release(ws.downloads)
    ws.json("scan")
    assert (mixed / BB_S01E02).is_file()


def test_without_a_configured_tv_folder_the_first_suitable_library_path_takes_new_shows(workspace):
    ws = workspace
    write_config(ws.config, database=ws.db, movies=ws.movies, tv=None, downloads=ws.downloads)
    make_episode_release(ws.downloads)
    assert ws.json("scan")["summary"]["imported"] == 1
    assert (ws.tv / BB_S01E02).is_file()  # init's series row, found in library_paths
