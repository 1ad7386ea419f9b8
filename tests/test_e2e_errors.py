"""End to end: what goes wrong, said in one clean line, with the contract's exit code.

Exit codes (cli-contract.md): 0 done or nothing to do, 1 fatal, 2 usage,
3 partial, 4 none imported. Most tests run in-process; those named `..._process`
run `python -m mydia_import` to see the real exit code and streams.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import (
    KIB,
    Workspace,
    make_episode_release,
    make_movie_release,
    one_error_line,
    write_file,
    write_text,
)

from mydia_import.library import Library


def assert_usage_error(result, *words: str) -> None:
    """Exit 2, Click's usage message: no traceback, one `Error:` line naming the problem."""
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], result.stderr


# --- fatal errors (exit 1): one `error: ...` line ---------------------------------------


def test_missing_download_path(workspace):
    ws = workspace
    missing = ws.downloads / "Gone.Release.2020"
    for command in ("import", "scan"):
        result = ws.cli(command, str(missing))
        assert result.exit_code == 1, result.stdout + result.stderr
        line = one_error_line(result.stderr)
        assert str(missing) in line and "does not exist" in line
    assert ws.count("import_jobs") == 0


def test_scan_of_a_file_instead_of_a_folder(workspace):
    ws = workspace
    episode = make_episode_release(ws.downloads)
    result = ws.cli("scan", str(episode))
    assert result.exit_code == 1
    assert "not a folder" in one_error_line(result.stderr)


def test_scan_without_a_downloads_folder_anywhere(workspace):
    ws = workspace
    ws.config.write_text(f'[library]\ndatabase = "{ws.db}"\nmovies = "{ws.movies}"\ntv = "{ws.tv}"\n',
                         encoding="utf-8")
    result = ws.cli("scan")
    assert result.exit_code == 1
    assert "no downloads folder" in one_error_line(result.stderr)


def test_missing_library_root(workspace):
    ws = workspace
    make_episode_release(ws.downloads)
    shutil.rmtree(ws.tv)
    episode = ws.downloads / "Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv"
    for args in (("scan",), ("scan", "--dry-run"), ("import", str(episode))):
        result = ws.cli(*args)
        assert result.exit_code == 1, args
        line = one_error_line(result.stderr)
        assert str(ws.tv) in line and "does not exist" in line
    assert not ws.tv.exists(), "the tool must not quietly recreate an unmounted library"


def test_download_path_inside_the_library_is_refused(workspace):
    ws = workspace
    write_file(ws.movies / "Inception (2010)" / "Inception (2010).mkv", KIB)
    result = ws.cli("import", str(ws.movies / "Inception (2010)"))
    assert result.exit_code == 2
    assert "overlaps the library folder" in one_error_line(result.stderr)


def test_invalid_toml_config(workspace):
    ws = workspace
    ws.config.write_text("[library\nmovies = 'x'\n", encoding="utf-8")
    result = ws.cli("scan")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert str(ws.config) in line and "not valid TOML" in line


def test_unknown_config_key(workspace):
    ws = workspace
    with ws.config.open("a", encoding="utf-8") as f:
        f.write("colour = \"blue\"\n")  # lands in [import]
    result = ws.cli("scan")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "unknown key [import] colour" in line and "mode" in line  # names the known keys


def test_unknown_config_section(workspace):
    ws = workspace
    with ws.config.open("a", encoding="utf-8") as f:
        f.write("[nameing]\nmovie = \"{title}\"\n")
    result = ws.cli("library", "list")
    assert result.exit_code == 1
    assert "unknown section [nameing]" in one_error_line(result.stderr)


@pytest.mark.parametrize(("line", "words"), [
    ("mode = 5", ("[import] mode", "5", "auto")),
    ('mode = "teleport"', ("[import] mode", "teleport", "hardlink")),
    ('sample_ratio = "lots"', ("[import] sample_ratio", "lots", "between 0 and 1")),
])
def test_wrong_type_in_config(workspace, line, words):
    ws = workspace
    text = ws.config.read_text(encoding="utf-8").replace('mode = "copy"', line if "mode" in line else
                                                         f'mode = "copy"\n{line}')
    ws.config.write_text(text, encoding="utf-8")
    result = ws.cli("scan")
    assert result.exit_code == 1
    error = one_error_line(result.stderr)
    for word in words:
        assert word in error, error


def test_wrong_value_in_the_environment(workspace, monkeypatch):
    ws = workspace
    monkeypatch.setenv("MYDIA_IMPORT_IMPORT_MODE", "sideways")
    result = ws.cli("scan")
    assert result.exit_code == 1
    assert "MYDIA_IMPORT_IMPORT_MODE" in one_error_line(result.stderr)


def test_database_that_is_not_sqlite(bare_workspace):
    ws = bare_workspace
    ws.db.write_bytes(b"this is not a database, just some text that is long enough" * 100)
    before = ws.db.read_bytes()
    make_episode_release(ws.downloads)
    for args in (("scan",), ("library", "list"), ("history",)):
        result = ws.cli(*args)
        assert result.exit_code == 1, args
        line = one_error_line(result.stderr)
        assert str(ws.db) in line and "not a SQLite database" in line
    assert ws.db.read_bytes() == before
    assert ws.tv_files() == set()


def test_explicit_config_that_does_not_exist(bare_workspace):
    ws = bare_workspace
    missing = ws.root / "nope" / "config.toml"
    result = ws.cli("--config", str(missing), "scan", config=False)
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert str(missing) in line and "does not exist" in line and "init" in line


def test_config_from_the_environment_that_does_not_exist(bare_workspace, monkeypatch):
    ws = bare_workspace
    missing = ws.root / "elsewhere.toml"
    monkeypatch.setenv("MYDIA_IMPORT_CONFIG", str(missing))
    result = ws.cli("config", "show", config=False)
    assert result.exit_code == 1
    assert str(missing) in one_error_line(result.stderr)


def test_init_refuses_to_overwrite_a_config_without_force(bare_workspace):
    ws = bare_workspace
    before = ws.config.read_text(encoding="utf-8")
    result = ws.cli("init", "--movies", str(ws.root / "M"), "--tv", str(ws.root / "T"))
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert str(ws.config) in line and "--force" in line
    assert ws.config.read_text(encoding="utf-8") == before
    assert not (ws.root / "M").exists()


@pytest.mark.parametrize(("content", "words"), [
    ('{"movies": [', ("not valid JSON", "line 1")),
    ("[1, 2]", ("JSON object",)),
    ('{"movies": [{"year": 2010}]}', ('"title"',)),
    ('{"films": []}', ('unknown key "films"',)),
])
def test_library_load_of_invalid_json(workspace, content, words):
    ws = workspace
    bad = write_text(ws.root / "bad.json", content)
    counts = ws.counts()
    result = ws.cli("library", "load", str(bad))
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    for word in words:
        assert word in line, line
    assert ws.counts() == counts


def test_library_load_of_a_missing_file(workspace):
    ws = workspace
    result = ws.cli("library", "load", str(ws.root / "missing.json"))
    assert result.exit_code == 1
    assert "missing.json" in one_error_line(result.stderr)


def test_errors_in_json_mode_are_one_json_document_on_stdout(workspace):
    ws = workspace
    result = ws.cli("--json", "import", str(ws.downloads / "nothing-here"))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["exit_code"] == 1 and "does not exist" in document["error"]
    one_error_line(result.stderr)


def test_errors_are_printed_under_quiet(workspace):
    ws = workspace
    result = ws.cli("-q", "import", str(ws.downloads / "nothing-here"))
    assert result.exit_code == 1
    assert result.stdout == ""
    one_error_line(result.stderr)


# --- usage errors (exit 2) ---------------------------------------------------------------


def test_unknown_option(workspace):
    assert_usage_error(workspace.cli("scan", "--colour"), "--colour")


def test_unknown_command(workspace):
    assert_usage_error(workspace.cli("scna"), "scna")


def test_bad_mode_value(workspace):
    ws = workspace
    make_episode_release(ws.downloads)
    assert_usage_error(ws.cli("scan", "--mode", "teleport"), "teleport")
    assert_usage_error(ws.cli("scan", "--conflict", "whatever"), "whatever")
    assert ws.tv_files() == set()


@pytest.mark.parametrize("season", ["1-10", "x:3", "1:0", "-1:3", "1:"])
def test_bad_season_format(workspace, season):
    ws = workspace
    counts = ws.counts()
    assert_usage_error(ws.cli("library", "add", "show", "Firefly", "--season", season), "--season")
    assert ws.counts() == counts


def test_bad_library_list_type(workspace):
    assert_usage_error(workspace.cli("library", "list", "--type", "film"), "--type")


def test_import_without_a_path(workspace):
    assert_usage_error(workspace.cli("import"))


# --- scan/import exit codes in a real process ---------------------------------------------


def run_json(ws: Workspace, *args: str) -> tuple[int, dict, str]:
    proc = ws.process("--json", *args)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def test_exit_0_for_an_empty_downloads_folder_process(workspace):
    code, document, _ = run_json(workspace, "scan")
    assert code == 0
    assert document["files"] == [] and document["summary"]["imported"] == 0


def test_exit_3_partial_process(workspace):
    ws = workspace
    make_movie_release(ws.downloads)
    make_episode_release(ws.downloads)
    (ws.tv / "Breaking Bad (2008)").write_text("a file where a folder is needed", encoding="utf-8")
    code, document, _ = run_json(ws, "scan")
    assert code == 3
    assert document["summary"]["failed"] == 1 and document["summary"]["imported"] == 2


def test_exit_4_all_unmatched_process(workspace):
    ws = workspace
    write_file(ws.downloads / "Unknown.Film.2019.1080p.BluRay-GRP.mkv", 10 * KIB)
    code, document, _ = run_json(ws, "scan")
    assert code == 4
    assert document["summary"]["skipped"] == 1


def test_exit_1_fatal_process(workspace):
    ws = workspace
    shutil.rmtree(ws.movies)
    make_movie_release(ws.downloads)
    proc = ws.process("scan")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "does not exist" in one_error_line(proc.stderr)


def test_exit_1_with_json_prints_one_error_document_process(workspace):
    ws = workspace
    proc = ws.process("--json", "import", str(ws.root / "nothing"))
    assert proc.returncode == 1
    document = json.loads(proc.stdout)
    assert set(document) == {"error", "exit_code"} and document["exit_code"] == 1
    one_error_line(proc.stderr)


def test_exit_2_usage_process(workspace):
    ws = workspace
    for args in (("scan", "--mode", "teleport"), ("scan", "--nope")):
        proc = ws.process(*args)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_invalid_config_process(workspace):
    ws = workspace
    ws.config.write_text("this is = = not toml", encoding="utf-8")
    proc = ws.process("scan")
    assert proc.returncode == 1
    assert "not valid TOML" in one_error_line(proc.stderr)


def test_json_stdout_is_only_the_document_and_quiet_is_silent_process(workspace):
    ws = workspace
    make_movie_release(ws.downloads)
    proc = ws.process("scan", "--json", "--mode", "copy")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    document = json.loads(proc.stdout)  # nothing else on stdout
    assert document["summary"]["imported"] == 2
    quiet = ws.process("scan", "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_plain_progress_lines_when_stderr_is_not_a_terminal_process(workspace):
    ws = workspace
    make_episode_release(ws.downloads)
    proc = ws.process("scan", "--mode", "copy")
    assert proc.returncode == 0
    assert "\x1b" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("imported (copy): ")
    assert "1 imported" in proc.stdout


def test_version_process(workspace):
    proc = workspace.process("--version", config=False)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "mydia-import 0.1.0"


def test_dry_run_before_init_creates_no_database_process(no_database):
    ws = no_database
    make_episode_release(ws.downloads)
    proc = ws.process("--json", "scan", "--dry-run")
    assert "Traceback" not in proc.stderr and proc.returncode == 1
    assert "mydia-import init" in json.loads(proc.stdout)["error"]
    assert not ws.db.exists()


def test_an_import_with_no_library_folder_configured_stops_before_looking_at_any_file(tmp_path, isolated_env):
    downloads = tmp_path / "downloads"
    (downloads / "Inception.2010.1080p").mkdir(parents=True)
    (downloads / "Inception.2010.1080p" / "Inception.2010.1080p.mkv").write_bytes(b"x" * 4096)
    config = tmp_path / "config.toml"
    config.write_text(f'[library]\ndatabase = "{tmp_path / "lib.db"}"\n')
    Library.open(tmp_path / "lib.db", create=True).close()  # init's database, without its folders

    from typer.testing import CliRunner

    from mydia_import.cli import app

    result = CliRunner().invoke(app, ["--config", str(config), "import", str(downloads)])

    assert result.exit_code == 1
    assert "no library folder is configured" in result.stderr
    assert "mydia-import init" in result.stderr
    assert result.stdout == ""
