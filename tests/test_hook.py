"""`mydia-import hook CLIENT`: what each client passes, checked, mapped, filtered and imported,
with the exit codes and output each client reads (cli-contract.md, hook table)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import (
    EPISODE_RELEASE,
    INCEPTION,
    MOVIE_RELEASE,
    Workspace,
    describe_result,
    make_episode_release,
    make_movie_release,
    one_error_line,
    write_file,
)
from typer.testing import CliRunner

from mydia_import.cli import app

HASH = "0123456789abcdef0123456789abcdef01234567"


def hook(ws: Workspace, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, ["--config", str(ws.config), "hook", *args], env=env)


def add_config(ws: Workspace, text: str) -> None:
    ws.config.write_text(ws.config.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def qbt(ws: Workspace, content: str, *extra: str):
    return hook(ws, "qbittorrent", "--content-path", content, *extra)


def media_file_metadata(ws: Workspace) -> list[dict]:
    return [json.loads(row["metadata"]) for row in ws.query("SELECT metadata FROM media_files")]


# --- qBittorrent ------------------------------------------------------------------------------


def test_qbittorrent_hook_imports_the_content_path_and_records_client_and_hash(workspace):
    ws = workspace
    release = make_movie_release(ws.downloads)
    result = qbt(ws, str(release.folder), "--name", MOVIE_RELEASE, "--root-path", str(release.folder),
                 "--save-path", str(ws.downloads), "--category", "movies", "--tags", "a,b", "--hash", HASH.upper())
    assert result.exit_code == 0, describe_result(result)
    assert INCEPTION in ws.movie_files()
    (metadata,) = media_file_metadata(ws)
    assert metadata["download_client"] == "qbittorrent" and metadata["download_client_id"] == HASH
    (job,) = ws.query("SELECT command, arguments FROM import_jobs")
    assert job["command"] == "hook qbittorrent"
    assert json.loads(job["arguments"])["download_id"] == HASH


def test_qbittorrent_single_file_in_its_folder_imports_the_folder(workspace):
    ws = workspace
    folder = ws.downloads / "Inception (2010) [1080p]"
    video = write_file(folder / "movie.mkv", 48 * 1024)  # the file name alone says nothing
    result = qbt(ws, str(video), "--root-path", str(folder), "--save-path", str(ws.downloads))
    assert result.exit_code == 0, describe_result(result)
    assert INCEPTION in ws.movie_files()


@pytest.mark.parametrize("value", ["%F", "%D/%N", "$TR_TORRENT_DIR/$TR_TORRENT_NAME", "${TR_TORRENT_DIR}"])
def test_an_unexpanded_placeholder_is_a_usage_error_that_names_it(workspace, value):
    result = qbt(workspace, value)
    assert result.exit_code == 2, describe_result(result)
    line = one_error_line(result.stderr)
    assert "placeholder" in line and value in line


def test_a_placeholder_in_another_option_is_reported_too(workspace):
    release = make_movie_release(workspace.downloads)
    result = qbt(workspace, str(release.folder), "--category", "%L")
    assert result.exit_code == 2 and "--category" in one_error_line(result.stderr)


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_content_path_is_a_usage_error(workspace, value):
    result = qbt(workspace, value)
    assert result.exit_code == 2
    assert "--content-path is empty" in one_error_line(result.stderr)


def test_the_filesystem_root_is_refused(workspace):
    result = qbt(workspace, "/")
    assert result.exit_code == 2
    assert "filesystem root" in one_error_line(result.stderr)
    assert workspace.count("import_jobs") == 0


def test_a_missing_download_is_an_error_that_suggests_a_path_map(workspace):
    result = qbt(workspace, "/downloads/Inception.2010.1080p")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "/downloads/Inception.2010.1080p" in line and "[[path_map]]" in line


def test_content_path_equal_to_the_save_path_is_refused(workspace):
    make_movie_release(workspace.downloads)
    result = qbt(workspace, str(workspace.downloads), "--save-path", str(workspace.downloads))
    assert result.exit_code == 2
    assert "no folder of its own" in one_error_line(result.stderr)
    assert workspace.movie_files() == set()


def test_a_path_map_turns_the_clients_path_into_the_local_one(workspace):
    ws = workspace
    add_config(ws, f'[[path_map]]\nremote = "/data"\nlocal = "/nowhere"\n\n'
                   f'[[path_map]]\nremote = "/data/torrents/"\nlocal = "{ws.downloads}"\n')
    make_movie_release(ws.downloads)
    result = qbt(ws, f"/data/torrents/{MOVIE_RELEASE}", "--save-path", "/data/torrents")
    assert result.exit_code == 0, describe_result(result)
    assert INCEPTION in ws.movie_files()


def test_categories_not_configured_for_import_are_left_alone(workspace):
    ws = workspace
    add_config(ws, '[qbittorrent]\ncategories = ["Movies", "tv"]\n')
    release = make_movie_release(ws.downloads)
    result = qbt(ws, str(release.folder), "--category", "music", "--tags", "x")
    assert result.exit_code == 0, describe_result(result)
    assert "not in [qbittorrent] categories" in result.stdout
    assert ws.movie_files() == set() and ws.count("import_jobs") == 0
    result = qbt(ws, str(release.folder), "--category", "movies")  # case does not matter
    assert result.exit_code == 0 and INCEPTION in ws.movie_files()


def test_an_ignored_tag_wins_over_a_wanted_category(workspace):
    ws = workspace
    add_config(ws, '[qbittorrent]\ncategories = ["movies"]\nignore = ["no-import"]\n')
    release = make_movie_release(ws.downloads)
    result = qbt(ws, str(release.folder), "--category", "movies", "--tags", "seed,no-import")
    assert result.exit_code == 0
    assert "in [qbittorrent] ignore" in result.stdout and ws.movie_files() == set()


def test_a_dry_run_hook_changes_nothing(workspace):
    ws = workspace
    release = make_movie_release(ws.downloads)
    result = qbt(ws, str(release.folder), "--dry-run")
    assert result.exit_code == 0, describe_result(result)
    assert ws.movie_files() == set() and ws.count("import_jobs") == 0


def test_a_hook_exits_with_the_contract_code_when_nothing_matches(workspace):
    folder = workspace.downloads / "Unknown.Film.1999.1080p.BluRay.x264-GRP"
    write_file(folder / "Unknown.Film.1999.1080p.BluRay.x264-GRP.mkv", 40 * 1024)
    assert qbt(workspace, str(folder)).exit_code == 4


def test_a_hook_without_the_content_path_is_a_usage_error(workspace):
    result = hook(workspace, "qbittorrent", "--name", "x")
    assert result.exit_code == 2


# --- Transmission and Deluge ------------------------------------------------------------------


def test_transmission_hook_reads_its_environment_and_never_logs_trackers(workspace):
    ws = workspace
    log = ws.root / "logs" / "mydia.log"
    add_config(ws, f'[log]\nfile = "{log}"\n')
    make_episode_release(ws.downloads)
    secret = "https://tracker.example/announce?passkey=SECRETPASSKEY"
    env = {"TR_TORRENT_DIR": str(ws.downloads), "TR_TORRENT_NAME": EPISODE_RELEASE, "TR_TORRENT_HASH": HASH,
           "TR_TORRENT_LABELS": "tv,hd", "TR_TORRENT_TRACKERS": secret, "TR_TORRENT_ID": "3"}
    result = hook(ws, "transmission", env=env)
    assert result.exit_code == 0, describe_result(result)
    assert len(ws.tv_files()) == 1
    assert media_file_metadata(ws)[0]["download_client"] == "transmission"
    text = log.read_text(encoding="utf-8")
    assert "imported" in text and EPISODE_RELEASE in text
    assert "SECRETPASSKEY" not in text + result.stdout + result.stderr
    assert "SECRETPASSKEY" not in json.dumps(ws.query("SELECT arguments FROM import_jobs"))


def test_transmission_hook_outside_transmission_says_what_is_missing(workspace):
    result = hook(workspace, "transmission", env={"TR_TORRENT_DIR": None, "TR_TORRENT_NAME": None})
    assert result.exit_code == 2
    assert "TR_TORRENT_DIR is not set" in one_error_line(result.stderr)


def test_transmission_placeholder_left_by_a_wrapper_is_reported(workspace):
    env = {"TR_TORRENT_DIR": "$TR_TORRENT_DIR", "TR_TORRENT_NAME": "x"}
    result = hook(workspace, "transmission", env=env)
    assert result.exit_code == 2 and "placeholder" in one_error_line(result.stderr)


def test_deluge_hook_takes_id_name_and_save_path(workspace):
    ws = workspace
    make_movie_release(ws.downloads)
    result = hook(ws, "deluge", HASH, MOVIE_RELEASE, str(ws.downloads))
    assert result.exit_code == 0, describe_result(result)
    assert INCEPTION in ws.movie_files()
    assert media_file_metadata(ws)[0]["download_client_id"] == HASH


# --- SABnzbd ----------------------------------------------------------------------------------


def test_sabnzbd_hook_imports_and_ends_with_one_line_to_display(workspace):
    ws = workspace
    release = make_movie_release(ws.downloads)
    env = {"SAB_COMPLETE_DIR": str(release.folder), "SAB_FINAL_NAME": MOVIE_RELEASE, "SAB_CAT": "movies",
           "SAB_PP_STATUS": "0", "SAB_NZO_ID": "SABnzbd_nzo_abc"}
    result = hook(ws, "sabnzbd", env=env)
    assert result.exit_code == 0, describe_result(result)
    assert result.stdout.splitlines()[-1] == "Imported 2 file(s): Inception (2010)"  # the film and its .srt
    assert INCEPTION in ws.movie_files()


def test_sabnzbd_hook_falls_back_to_positional_arguments(workspace):
    ws = workspace
    release = make_movie_release(ws.downloads)
    env = dict.fromkeys(("SAB_COMPLETE_DIR", "SAB_FINAL_NAME", "SAB_CAT", "SAB_PP_STATUS"))
    result = hook(ws, "sabnzbd", str(release.folder), "x.nzb", MOVIE_RELEASE, "", "movies", "alt.bin", "0",
                  env=env)
    assert result.exit_code == 0, describe_result(result)
    assert INCEPTION in ws.movie_files()


def test_sabnzbd_hook_skips_a_job_that_failed_post_processing(workspace):
    ws = workspace
    release = make_movie_release(ws.downloads)
    result = hook(ws, "sabnzbd", env={"SAB_COMPLETE_DIR": str(release.folder), "SAB_PP_STATUS": "2"})
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "not imported: SABnzbd post-processing failed (unpacking failed)"
    assert ws.movie_files() == set()


def test_sabnzbd_positional_status_minus_one_is_a_failed_job_not_an_option(workspace):
    release = make_movie_release(workspace.downloads)
    env = dict.fromkeys(("SAB_COMPLETE_DIR", "SAB_FINAL_NAME", "SAB_CAT", "SAB_PP_STATUS"))
    result = hook(workspace, "sabnzbd", str(release.folder), "x.nzb", MOVIE_RELEASE, "", "movies", "alt.bin", "-1",
                  "", env=env)
    assert result.exit_code == 0, describe_result(result)
    assert result.stdout.splitlines()[-1] == "not imported: SABnzbd post-processing failed (the download failed)"


def test_sabnzbd_hook_exits_1_with_a_failed_line(workspace):
    result = hook(workspace, "sabnzbd", env={"SAB_COMPLETE_DIR": "/gone/away", "SAB_PP_STATUS": "0"})
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1].startswith("Failed: hook sabnzbd: the download /gone/away")


def test_sabnzbd_hook_exits_1_when_nothing_could_be_imported(workspace):
    folder = workspace.downloads / "Unknown.Film.1999.1080p.BluRay.x264-GRP"
    write_file(folder / "Unknown.Film.1999.1080p.BluRay.x264-GRP.mkv", 40 * 1024)
    result = hook(workspace, "sabnzbd", env={"SAB_COMPLETE_DIR": str(folder), "SAB_PP_STATUS": "0"})
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1].startswith("Not imported: ")


# --- NZBGet -----------------------------------------------------------------------------------


def nzbget_env(folder: Path, status: str = "SUCCESS") -> dict[str, str]:
    return {"NZBPP_DIRECTORY": str(folder), "NZBPP_NZBNAME": folder.name, "NZBPP_CATEGORY": "movies",
            "NZBPP_TOTALSTATUS": status, "NZBPP_STATUS": f"{status}/ALL", "NZBPP_NZBID": "17",
            "NZBPP_FINALDIR": ""}


def test_nzbget_hook_exits_93_on_success(workspace):
    release = make_movie_release(workspace.downloads)
    result = hook(workspace, "nzbget", env=nzbget_env(release.folder))
    assert result.exit_code == 93, describe_result(result)
    assert all(line.startswith("[") for line in result.stdout.splitlines())
    assert INCEPTION in workspace.movie_files()


def test_nzbget_hook_exits_95_when_the_download_failed(workspace):
    release = make_movie_release(workspace.downloads)
    result = hook(workspace, "nzbget", env=nzbget_env(release.folder, "FAILURE"))
    assert result.exit_code == 95
    assert result.stdout.startswith("[INFO] not imported: NZBGet reports the download as FAILURE")
    assert workspace.movie_files() == set()


def test_nzbget_hook_exits_95_when_the_folder_is_gone(workspace):
    result = hook(workspace, "nzbget", env=nzbget_env(workspace.downloads / "Gone.2010.1080p"))
    assert result.exit_code == 95 and "is gone" in result.stdout


def test_nzbget_hook_exits_94_when_nothing_could_be_imported(workspace):
    folder = workspace.downloads / "Unknown.Film.1999.1080p.BluRay.x264-GRP"
    write_file(folder / "Unknown.Film.1999.1080p.BluRay.x264-GRP.mkv", 40 * 1024)
    result = hook(workspace, "nzbget", env=nzbget_env(folder))
    assert result.exit_code == 94
    assert "[WARNING]" in result.stdout or "[ERROR]" in result.stdout


def test_nzbget_hook_exits_94_naming_a_missing_database_and_creates_none(no_database):
    ws = no_database
    release = make_movie_release(ws.downloads)
    result = hook(ws, "nzbget", env=nzbget_env(release.folder))
    assert result.exit_code == 94, describe_result(result)
    [line] = result.stdout.splitlines()
    assert line.startswith("[ERROR] ") and str(ws.db) in line and "mydia-import init" in line
    assert not ws.db.exists() and ws.movie_files() == set()


def test_nzbget_hook_exits_94_on_a_fatal_error(workspace):
    release = make_movie_release(workspace.downloads)
    workspace.config.write_text("[import]\nmode = 'cp'\n", encoding="utf-8")
    result = hook(workspace, "nzbget", env=nzbget_env(release.folder))
    assert result.exit_code == 94
    assert result.stdout.startswith("[ERROR] config file")


def test_nzbget_hook_exits_95_for_a_filtered_category(workspace):
    add_config(workspace, '[nzbget]\nignore = ["movies"]\n')
    release = make_movie_release(workspace.downloads)
    result = hook(workspace, "nzbget", env=nzbget_env(release.folder))
    assert result.exit_code == 95 and "[nzbget] ignore" in result.stdout


# --- log file ---------------------------------------------------------------------------------


def test_the_log_file_is_rotated_at_its_size(workspace):
    ws = workspace
    log = ws.root / "mydia.log"
    add_config(ws, f'[log]\nfile = "{log}"\nmax_bytes = 400\nbackups = 2\n')
    release = make_movie_release(ws.downloads)
    for _ in range(4):
        assert qbt(ws, str(release.folder)).exit_code == 0
    assert log.exists() and (ws.root / "mydia.log.1").exists() and (ws.root / "mydia.log.2").exists()
    assert not (ws.root / "mydia.log.3").exists()


def test_scan_writes_the_log_file_even_under_quiet(workspace):
    ws = workspace
    log = ws.root / "mydia.log"
    add_config(ws, f'[log]\nfile = "{log}"\n')
    make_movie_release(ws.downloads)
    result = ws.cli("--quiet", "scan")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    text = log.read_text(encoding="utf-8")
    assert "scan: " in text and "imported (copy)" in text and "exit code 0" in text


def test_a_fatal_error_of_a_scan_is_logged(workspace):
    ws = workspace
    log = ws.root / "mydia.log"
    add_config(ws, f'[log]\nfile = "{log}"\n')
    result = ws.cli("--quiet", "scan", str(ws.root / "missing"))
    assert result.exit_code == 1
    assert "ERROR" in log.read_text(encoding="utf-8")
