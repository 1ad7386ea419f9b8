"""End to end: the commands around the import (init, config, library, identify, history, --version)."""

from __future__ import annotations

import json
import os
import time
import tomllib
from pathlib import Path

import pytest
from conftest import (
    BB_S01E02,
    E2E_LIBRARY,
    KIB,
    describe_result,
    expect,
    make_episode_release,
    make_movie_release,
    make_pack_release,
    one_error_line,
    write_file,
    write_text,
)
from typer.testing import CliRunner

from mydia_import.cli import app

# --- init --------------------------------------------------------------------------------


def test_init_writes_the_config_and_creates_folders_and_database(tmp_path, isolated_env):
    config = tmp_path / "etc" / "config.toml"
    movies, tv, downloads, db = (tmp_path / "media" / "Movies", tmp_path / "media" / "TV",
                                 tmp_path / "dl" / "complete", tmp_path / "data" / "lib.db")
    result = expect(CliRunner().invoke(app, [
        "--config", str(config), "init", "--movies", str(movies), "--tv", str(tv),
        "--downloads", str(downloads), "--db", str(db), "--mode", "copy"]), 0)
    assert str(config) in result.stdout

    written = tomllib.loads(config.read_text(encoding="utf-8"))
    assert written == {
        "library": {"database": str(db), "movies": str(movies), "tv": str(tv)},
        "downloads": {"path": str(downloads)},
        "import": {"mode": "copy"},
    }
    assert movies.is_dir() and tv.is_dir() and downloads.is_dir() and db.is_file()
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = set(conn.execute("SELECT path, type FROM library_paths"))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    assert rows == {(str(movies), "movies"), (str(tv), "series")}
    assert {"media_items", "episodes", "media_files", "library_paths"} <= tables
    assert not (isolated_env / ".config").exists(), "an explicit --config leaves the user config dir alone"


def test_init_makes_relative_paths_absolute(tmp_path, isolated_env, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expect(CliRunner().invoke(app, ["--config", "c.toml", "init", "--movies", "M", "--tv", "T",
                                    "--db", "lib.db"]), 0)
    written = tomllib.loads((tmp_path / "c.toml").read_text(encoding="utf-8"))
    assert written["library"] == {"database": str(tmp_path / "lib.db"), "movies": str(tmp_path / "M"),
                                  "tv": str(tmp_path / "T")}


def test_init_defaults_to_the_user_config_and_data_folders(tmp_path, isolated_env):
    result = expect(CliRunner().invoke(app, ["--json", "init", "--movies", str(tmp_path / "M"),
                                             "--tv", str(tmp_path / "T")]), 0)
    document = json.loads(result.stdout)
    config = isolated_env / ".config" / "mydia-import" / "config.toml"
    db = isolated_env / ".local" / "share" / "mydia-import" / "library.db"
    assert document == {"config": str(config), "database": str(db), "movies": str(tmp_path / "M"),
                        "tv": str(tmp_path / "T"), "downloads": None}
    assert config.is_file() and db.is_file()
    # The other commands find that config without --config.
    shown = json.loads(expect(CliRunner().invoke(app, ["config", "show", "--json"]), 0).stdout)
    assert shown["config_file"] == str(config)
    assert shown["values"]["library"]["movies"]["value"] == str(tmp_path / "M")


def test_init_follows_the_config_environment_variable(tmp_path, isolated_env, monkeypatch):
    config = tmp_path / "from-env.toml"
    monkeypatch.setenv("MYDIA_IMPORT_CONFIG", str(config))
    expect(CliRunner().invoke(app, ["init", "--movies", str(tmp_path / "M"), "--tv", str(tmp_path / "T"),
                                    "--db", str(tmp_path / "l.db")]), 0)
    assert config.is_file()


def test_init_with_force_overwrites_and_keeps_the_database(tmp_path, isolated_env):
    config, db = tmp_path / "config.toml", tmp_path / "lib.db"
    base = ["--config", str(config), "init", "--tv", str(tmp_path / "T"), "--db", str(db)]
    expect(CliRunner().invoke(app, [*base, "--movies", str(tmp_path / "M1")]), 0)
    refused = CliRunner().invoke(app, [*base, "--movies", str(tmp_path / "M2")])
    assert refused.exit_code == 1
    assert "--force" in one_error_line(refused.stderr)
    expect(CliRunner().invoke(app, [*base, "--movies", str(tmp_path / "M2"), "--force"]), 0)
    assert tomllib.loads(config.read_text(encoding="utf-8"))["library"]["movies"] == str(tmp_path / "M2")


def test_init_then_load_then_scan_works(tmp_path, isolated_env):
    """The README's "Set up your own library" steps."""
    config = tmp_path / "config.toml"
    downloads = tmp_path / "downloads"
    runner = CliRunner()
    base = ["--config", str(config)]
    expect(runner.invoke(app, [*base, "init", "--movies", str(tmp_path / "Movies"), "--tv", str(tmp_path / "TV"),
                               "--downloads", str(downloads), "--db", str(tmp_path / "lib.db")]), 0)
    library_json = write_text(tmp_path / "lib.json", json.dumps(E2E_LIBRARY))
    expect(runner.invoke(app, [*base, "library", "load", str(library_json)]), 0)
    episode = make_episode_release(downloads)
    an_hour_ago = time.time() - 3600  # a finished download, older than [import] min_age
    os.utime(episode, (an_hour_ago, an_hour_ago))
    plan = json.loads(expect(runner.invoke(app, [*base, "--json", "scan", "--dry-run"]), 0).stdout)
    assert [f["status"] for f in plan["files"]] == ["planned"]
    expect(runner.invoke(app, [*base, "-q", "scan"]), 0)
    assert (tmp_path / "TV" / BB_S01E02).is_file()


def test_init_that_fails_leaves_the_old_config_in_place(tmp_path, isolated_env):
    config, db = tmp_path / "config.toml", tmp_path / "lib.db"
    a, b = tmp_path / "A", tmp_path / "B"
    expect(CliRunner().invoke(app, ["--config", str(config), "init", "--movies", str(a), "--tv", str(b),
                                    "--db", str(db)]), 0)
    before = config.read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "init", "--movies", str(b), "--tv", str(a),
                                      "--db", str(db), "--force"])
    assert result.exit_code == 1
    assert "already a series library" in one_error_line(result.stderr)
    assert config.read_text(encoding="utf-8") == before


# --- config show -------------------------------------------------------------------------


def test_config_show_json_gives_values_and_origins(workspace, monkeypatch):
    ws = workspace
    monkeypatch.setenv("MYDIA_IMPORT_IMPORT_CONFLICT", "keep-both")
    document = ws.json("config", "show")
    assert document["config_file"] == str(ws.config) and document["config_file_exists"] is True
    values = document["values"]
    assert {"library", "downloads", "import", "naming"} <= set(values)  # and the clients' sections
    assert values["library"]["movies"] == {"value": str(ws.movies), "origin": str(ws.config)}
    assert values["library"]["database"] == {"value": str(ws.db), "origin": str(ws.config)}
    assert values["import"]["mode"] == {"value": "copy", "origin": str(ws.config)}
    assert values["import"]["conflict"] == {"value": "keep-both", "origin": "env MYDIA_IMPORT_IMPORT_CONFLICT"}
    assert values["import"]["sample_ratio"] == {"value": 0.1, "origin": "default"}
    assert values["naming"]["movie"]["origin"] == "default"


def test_config_show_table_names_each_key_and_its_origin(workspace, monkeypatch):
    ws = workspace
    monkeypatch.setenv("MYDIA_IMPORT_IMPORT_MODE", "move")
    out = ws.ok("config", "show").stdout
    assert f"config file: {ws.config}" in out
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") >= 3}
    assert "move" in lines["[import] mode"] and "env MYDIA_IMPORT_IMPORT_MODE" in lines["[import] mode"]
    assert "default" in lines["[import] sample_ratio"]
    assert str(ws.config) in lines["[library] tv"]


def test_config_show_without_a_config_file_shows_defaults(tmp_path, isolated_env):
    document = json.loads(expect(CliRunner().invoke(app, ["--json", "config", "show"]), 0).stdout)
    assert document["config_file_exists"] is False
    assert document["values"]["library"]["movies"] == {"value": None, "origin": "default"}
    assert document["values"]["import"]["mode"] == {"value": "auto", "origin": "default"}


# --- library add / list ------------------------------------------------------------------


def test_library_add_movie(bare_workspace):
    ws = bare_workspace
    document = ws.json("library", "add", "movie", "Heat", "--year", "1995", "--alias", "Fuego",
                       "--alias", "Heat (1995 film)", "--tmdb-id", "949", "--imdb-id", "tt0113277")
    assert set(document) == {"id", "type", "title", "year"}
    assert (document["type"], document["title"], document["year"]) == ("movie", "Heat", 1995)
    (row,) = ws.query("SELECT * FROM media_items")
    assert (row["id"], row["tmdb_id"], row["imdb_id"]) == (document["id"], 949, "tt0113277")
    aliases = {r["alias"] for r in ws.query("SELECT alias FROM import_aliases")}
    assert aliases == {"Fuego", "Heat (1995 film)"}
    # The alias matches a release.
    result = ws.json("identify", "Fuego.1995.1080p.BluRay.x264-GRP")
    assert result["names"][0]["media_item"]["id"] == document["id"]


def test_library_add_movie_prints_a_line(bare_workspace):
    out = bare_workspace.ok("library", "add", "movie", "Heat", "--year", "1995").stdout
    assert "Heat (1995)" in out


def test_library_add_show_with_seasons_creates_the_episodes(bare_workspace):
    ws = bare_workspace
    document = ws.json("library", "add", "show", "Firefly", "--year", "2002", "--tmdb-id", "1437",
                       "--season", "1:10", "--season", "0:2")
    assert document["type"] == "tv_show"
    episodes = ws.query("SELECT season_number, episode_number, media_item_id FROM episodes "
                        "ORDER BY season_number, episode_number")
    assert [(e["season_number"], e["episode_number"]) for e in episodes] == [
        (0, 1), (0, 2), *((1, n) for n in range(1, 11))]
    assert {e["media_item_id"] for e in episodes} == {document["id"]}


def test_library_add_is_idempotent(bare_workspace):
    ws = bare_workspace
    first = ws.json("library", "add", "show", "Firefly", "--year", "2002", "--season", "1:3")
    again = ws.json("library", "add", "show", "Firefly", "--year", "2002", "--season", "1:3")
    assert first["id"] == again["id"]
    assert ws.count("media_items") == 1 and ws.count("episodes") == 3


def test_library_load_twice_changes_nothing(workspace):
    ws = workspace
    library_json = ws.root / "library.json"
    before = ws.query("SELECT * FROM media_items ORDER BY id"), ws.query("SELECT * FROM episodes ORDER BY id")
    ws.json("library", "load", str(library_json))
    out = ws.ok("library", "load", str(library_json)).stdout
    assert "nothing changed" in out and "added" not in out and "updated" not in out
    after = ws.query("SELECT * FROM media_items ORDER BY id"), ws.query("SELECT * FROM episodes ORDER BY id")
    assert after == before


def test_library_list_json_has_file_counts_after_an_import(workspace):
    ws = workspace
    make_movie_release(ws.downloads)
    make_episode_release(ws.downloads)
    make_pack_release(ws.downloads)
    ws.json("scan")
    items = {i["title"]: i for i in ws.json("library", "list")["items"]}
    assert set(items) == {"Inception", "Breaking Bad", "The Office"}
    for item in items.values():
        assert set(item) == {"id", "type", "title", "year", "tmdb_id", "aliases", "episodes", "files"}
    assert (items["Inception"]["type"], items["Inception"]["files"]) == ("movie", 1)
    assert (items["Breaking Bad"]["type"], items["Breaking Bad"]["episodes"], items["Breaking Bad"]["files"]) == (
        "tv_show", 3, 1)
    assert (items["The Office"]["episodes"], items["The Office"]["files"]) == (3, 3)


@pytest.mark.parametrize(("kind", "titles"), [
    ("movie", ["Inception"]),
    ("show", ["Breaking Bad", "The Office"]),
])
def test_library_list_filters_by_type(workspace, kind, titles):
    ws = workspace
    items = ws.json("library", "list", "--type", kind)["items"]
    assert [i["title"] for i in items] == titles
    out = ws.ok("library", "list", "--type", kind).stdout
    for title in titles:
        assert title in out
    assert f"{len(titles)} item(s)" in out


def test_library_list_table(workspace):
    out = workspace.ok("library", "list").stdout
    office = next(line for line in out.splitlines() if "The Office" in line)
    assert "show" in office and "2005" in office and "3" in office
    assert "3 item(s)" in out


@pytest.mark.parametrize("command", [
    ("library", "list"), ("library", "add", "movie", "Heat"), ("identify", "Heat.1995.mkv"), ("scan",),
    ("scan", "--dry-run"), ("history",), ("undo", "1234"), ("hook", "qbittorrent", "--content-path", "{downloads}"),
    ("library", "load", "{root}/lib.json"), ("-q", "scan"),
])
def test_a_missing_database_is_one_error_line_naming_it_and_init_and_none_is_created(no_database, command):
    ws = no_database
    (ws.root / "lib.json").write_text('{"movies": [{"title": "Heat", "year": 1995}]}')
    result = ws.cli(*(word.format(root=ws.root, downloads=ws.downloads) for word in command))
    assert result.exit_code == 1, describe_result(result)
    line = one_error_line(result.stderr)
    assert str(ws.db) in line and "mydia-import init" in line
    assert result.stdout == ""
    assert not ws.db.exists()


# --- identify ----------------------------------------------------------------------------


def test_identify_json_shape_for_a_match_and_a_miss(workspace):
    ws = workspace
    document = ws.json("identify", "Breaking.Bad.S01E02.720p.HDTV.x264-CTU", "Unknown.Show.S03E04.1080p-GRP")
    assert set(document) == {"names"}
    hit, miss = document["names"]
    for entry in (hit, miss):
        # The contract's keys, plus the tool's own (note, candidates; edition, country).
        assert set(entry) == {"name", "parse", "media_item", "episodes", "reason", "code", "note", "candidates"}
        assert set(entry["parse"]) == {"type", "title", "year", "season", "episodes", "air_date", "absolute",
                                       "part", "release_group", "resolution", "edition", "country"}
    assert hit["name"] == "Breaking.Bad.S01E02.720p.HDTV.x264-CTU"
    assert hit["parse"] == {"type": "episode", "title": "Breaking Bad", "year": None, "season": 1,
                            "episodes": [2], "air_date": None, "absolute": [], "part": None,
                            "release_group": "CTU", "resolution": "720p", "edition": None, "country": None}
    assert {k: hit["media_item"][k] for k in ("type", "title", "year")} == {
        "type": "tv_show", "title": "Breaking Bad", "year": 2008}
    assert hit["episodes"] == [{"season": 1, "episode": 2}] and hit["reason"] is None
    assert miss["media_item"] is None and miss["episodes"] == []
    assert "Unknown Show" in miss["reason"]


def test_identify_a_movie(workspace):
    (entry,) = workspace.json("identify", "Origen.2010.1080p.BluRay.x264-GRP")["names"]  # by alias
    assert entry["parse"]["type"] == "movie" and entry["parse"]["year"] == 2010
    assert entry["media_item"]["title"] == "Inception" and entry["episodes"] == []


def test_identify_reads_names_from_stdin(workspace):
    ws = workspace
    result = expect(ws.cli("--json", "identify", "-",
                           input="Breaking.Bad.S01E03.HDTV\n\nThe.Office.US.S02E01.720p\n"), 0)
    names = json.loads(result.stdout)["names"]
    assert [n["name"] for n in names] == ["Breaking.Bad.S01E03.HDTV", "The.Office.US.S02E01.720p"]
    assert [n["episodes"] for n in names] == [[{"season": 1, "episode": 3}], [{"season": 2, "episode": 1}]]


def test_identify_uses_folder_names_as_evidence(workspace):
    (entry,) = workspace.json("identify", "The.Office.US.S02.720p.WEB-DL-NTb/E03.mkv")["names"]
    assert entry["media_item"]["title"] == "The Office"
    assert entry["episodes"] == [{"season": 2, "episode": 3}]


def test_identify_prints_a_table_and_touches_nothing_but_the_parse_cache(workspace):
    ws = workspace

    def counts() -> dict:
        return {table: n for table, n in ws.counts().items() if table != "import_parse_cache"}

    before = counts()
    out = ws.ok("identify", "Breaking.Bad.S01E02.720p.HDTV.x264-CTU").stdout
    assert "Breaking Bad (2008) S01E02" in out
    assert counts() == before


# --- history -----------------------------------------------------------------------------


def test_history_lists_jobs_newest_first_with_their_files(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    first = ws.json("scan")["job"]
    movie = make_movie_release(ws.downloads)
    second = ws.json("import", str(movie.folder))["job"]

    jobs = ws.json("history")["jobs"]
    assert [j["id"] for j in jobs] == [second, first]
    latest = jobs[0]
    assert latest["command"] == "import" and latest["status"] == "success" and latest["dry_run"] is False
    assert latest["summary"] == {"imported": 2, "planned": 0, "already_imported": 0, "skipped": 1, "failed": 0}
    assert {f["source"]: f["status"] for f in latest["files"]} == {
        str(movie.video): "imported", str(movie.subtitle): "imported", str(movie.sample): "skipped"}
    assert [f["source"] for f in jobs[1]["files"]] == [str(episode)]
    assert ws.json("history", "--limit", "1")["jobs"][0]["id"] == second


def test_history_failed_shows_only_failed_jobs_and_files(workspace):
    ws = workspace
    make_movie_release(ws.downloads)
    good = ws.json("scan")["job"]
    episode = make_episode_release(ws.downloads)
    (ws.tv / "Breaking Bad (2008)").write_text("in the way", encoding="utf-8")
    bad = ws.json("scan", code=3)["job"]  # the movie is already imported, the episode fails

    jobs = ws.json("history", "--failed")["jobs"]
    assert [j["id"] for j in jobs] == [bad]
    assert [(f["source"], f["status"]) for f in jobs[0]["files"]] == [(str(episode), "failed")]
    assert good in [j["id"] for j in ws.json("history")["jobs"]]
    out = ws.ok("history", "--failed").stdout
    assert bad in out and "failed" in out


def test_history_table_and_empty_history(workspace):
    ws = workspace
    assert "no import jobs yet" in ws.ok("history").stdout
    make_episode_release(ws.downloads)
    job = ws.json("scan")["job"]
    out = ws.ok("history").stdout
    assert job in out and "scan" in out and "1 imported" in out


def test_history_rejects_a_bad_limit(workspace):
    result = workspace.cli("history", "--limit", "0")
    assert result.exit_code == 2


# --- --version and help ------------------------------------------------------------------


def test_version(tmp_path, isolated_env):
    result = expect(CliRunner().invoke(app, ["--version"]), 0)
    assert result.stdout.strip() == "mydia-import 0.1.0"


def test_no_command_shows_help(tmp_path, isolated_env):
    result = CliRunner().invoke(app, [])
    assert result.exit_code in (0, 2)
    assert "scan" in result.stdout + result.stderr and "import" in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["scan", "import", "identify", "history", "init"])
def test_each_command_has_help(tmp_path, isolated_env, command):
    result = expect(CliRunner().invoke(app, [command, "--help"]), 0)
    assert "Usage" in result.stdout


def test_a_video_dropped_in_the_library_is_not_counted(workspace):
    """Files counts come from media_files rows, not from what lies in the folders."""
    ws = workspace
    write_file(ws.movies / "Inception (2010)" / "Inception (2010).mkv", KIB)
    items = {i["title"]: i for i in ws.json("library", "list")["items"]}
    assert items["Inception"]["files"] == 0
    assert Path(ws.movies / "Inception (2010)").is_dir()


def test_init_creates_the_database_the_environment_names(tmp_path, isolated_env, monkeypatch):
    database = tmp_path / "from-env" / "lib.db"
    monkeypatch.setenv("MYDIA_IMPORT_LIBRARY_DATABASE", str(database))

    result = CliRunner().invoke(app, ["--config", str(tmp_path / "config.toml"), "init",
                                      "--movies", str(tmp_path / "M"), "--tv", str(tmp_path / "T")])

    assert result.exit_code == 0, result.output
    assert database.is_file()


def test_config_show_lists_path_maps_and_masks_media_server_tokens(tmp_path, isolated_env):
    config = tmp_path / "config.toml"
    config.write_text(
        '[[path_map]]\nremote = "/downloads"\nlocal = "/data/torrents"\n\n'
        '[[media_servers]]\nkind = "plex"\nurl = "http://127.0.0.1:32400"\ntoken = "s3cret-token"\n'
    )

    result = CliRunner().invoke(app, ["--config", str(config), "config", "show", "--json"])

    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout)["tables"]
    assert tables["path_map"] == [{"remote": "/downloads", "local": "/data/torrents"}]
    assert tables["media_servers"][0]["token"] == "********"
    assert "s3cret-token" not in result.stdout


def test_identify_shows_a_note_in_the_table(workspace):
    out = workspace.ok("identify", "Breaking.Bad.S01E02.720p-GRP/Breaking.Bad.S01E03.720p-GRP.mkv").stdout
    assert "reason or note" in out and "note: the file name says S01E03" in " ".join(out.split())
