"""Path maps and clean-up in the download client, with a fake client standing in for the
web APIs (the real daemons are in test_daemons.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MOVIE_RELEASE, describe_result, make_movie_release

from mydia_import.config import load_settings
from mydia_import.errors import ConfigError
from mydia_import.integrations.clients import Cleanup, Download, cleanup
from mydia_import.integrations.clients.api import ClientError, TorrentState
from mydia_import.integrations.pathmap import PathMap
from mydia_import.library import Library, pending
from mydia_import.models import Action, FileResult, Kind, Report, Status

HASH = "0123456789abcdef0123456789abcdef01234567"


# --- path maps --------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), [
    ("/downloads/Movie/a.mkv", "/srv/torrents/Movie/a.mkv"),
    ("/downloads/tv/Show/e.mkv", "/srv/tv/Show/e.mkv"),  # the longest prefix wins
    ("/downloads", "/srv/torrents"),
    ("/downloadsX/Movie", "/downloadsX/Movie"),  # whole components only
    ("/elsewhere/Movie", "/elsewhere/Movie"),  # unmapped paths stay as they are
])
def test_a_path_map_replaces_the_longest_whole_component_prefix(path, expected):
    paths = PathMap.of([("/downloads/", "/srv/torrents"), ("/downloads/tv", "/srv/tv")])
    assert paths.apply(path) == expected


def test_a_path_map_to_a_windows_server_uses_backslashes():
    paths = PathMap.of([("/mnt/media", "D:\\Media")])
    assert paths.apply("/mnt/media/Movies/Heat (1995)") == "D:\\Media\\Movies\\Heat (1995)"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_path_map_entries_are_read_from_arrays_of_tables(tmp_path):
    settings = load_settings(write(tmp_path, '[[path_map]]\nremote = "/downloads"\nlocal = "local/dl"\n'))
    assert settings.path_maps == ({"remote": "/downloads", "local": tmp_path / "local" / "dl"},)


@pytest.mark.parametrize(("text", "message"), [
    ('[path_map]\nremote = "/a"\nlocal = "/b"\n', "must be written as [[path_map]] tables"),
    ('[[path_map]]\nremote = "/a"\n', "[[path_map]] entry 1 lacks local"),
    ('[[path_map]]\nremote = "/a"\nlocal = "/b"\nlokal = "/c"\n', "unknown key lokal"),
    ('[[media_servers]]\nkind = "kodi"\nurl = "http://x"\n', 'kind = "kodi" is not valid; expected one of plex'),
    ('[[media_servers]]\nkind = "plex"\nurl = "http://x"\npath_map = ["/a"]\n', "path_map"),
    ('[qbittorrent]\ncleanup = "sometimes"\n', "expected one of never, after-import, when-seeded"),
    ('[qbittorrent]\ncategories = "movies"\n', "expected a list of strings"),
])
def test_wrong_client_and_server_entries_are_config_errors(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, text))
    assert message in error.value.message


def test_config_show_masks_passwords_and_tokens(workspace, monkeypatch):
    ws = workspace
    ws.config.write_text(ws.config.read_text(encoding="utf-8") + '\n[qbittorrent]\npassword = "hunter2"\n'
                         '\n[notify]\nurls = ["tgram://123:SECRET/456"]\n', encoding="utf-8")
    monkeypatch.setenv("MYDIA_IMPORT_TRANSMISSION_PASSWORD", "swordfish")
    result = ws.cli("config", "show")
    assert result.exit_code == 0, describe_result(result)
    for secret in ("hunter2", "SECRET", "swordfish"):
        assert secret not in result.stdout
    values = ws.json("config", "show")["values"]
    assert values["qbittorrent"]["password"]["value"] == "********"
    assert values["transmission"]["password"]["origin"] == "env MYDIA_IMPORT_TRANSMISSION_PASSWORD"


# --- clean-up with a fake client --------------------------------------------------------------


class FakeClient:
    name = "qBittorrent"
    url = "http://fake"

    def __init__(self, state: TorrentState, fail: str | None = None):
        self.torrent = state
        self.fail = fail
        self.calls: list[tuple] = []

    def state(self, torrent_id):
        if self.fail == "state":
            raise ClientError("qBittorrent at http://fake: could not read the torrent: cannot connect")
        self.calls.append(("state", torrent_id))
        return self.torrent

    def remove(self, torrent_id, delete_data):
        self.calls.append(("remove", torrent_id, delete_data))

    def mark(self, torrent_id, *, tag, category):
        self.calls.append(("mark", torrent_id, tag, category))

    def close(self):
        self.calls.append(("close",))


def imported_report(action: Action = Action.HARDLINK) -> Report:
    result = FileResult(source=Path("/dl/x.mkv"), kind=Kind.VIDEO, status=Status.IMPORTED, action=action,
                        destination=Path("/lib/x.mkv"))
    return Report("job-1", False, (result,))


def settings_with(tmp_path, text: str):
    return load_settings(write(tmp_path, text))


SEEDING = TorrentState(found=True, seeded=False, state="stalledUP, ratio 0.10 of 1", name="X")
SEEDED = TorrentState(found=True, seeded=True, state="pausedUP, ratio 1.00 of 1", name="X")
DOWNLOAD = Download("qbittorrent", Path("/dl/x.mkv"), name="X", id=HASH)


def test_after_import_removes_the_torrent_and_keeps_its_files(tmp_path):
    fake = FakeClient(SEEDING)
    settings = settings_with(tmp_path, '[qbittorrent]\ncleanup = "after-import"\n')
    with Library.memory() as library:
        outcome = cleanup.after_import(DOWNLOAD, imported_report(), settings, library, lambda *_: fake)
        assert ("remove", HASH, False) in fake.calls
        assert outcome.messages == ["clean-up: qBittorrent torrent X removed (its files were kept)"]
        assert pending.pending(library) == []


def test_never_is_the_default_and_touches_nothing(tmp_path):
    fake = FakeClient(SEEDED)
    with Library.memory() as library:
        outcome = cleanup.after_import(DOWNLOAD, imported_report(), settings_with(tmp_path, ""), library,
                                       lambda *_: fake)
    assert fake.calls == [] and outcome.messages == [] and outcome.warnings == []


def test_a_failed_import_is_not_cleaned_up(tmp_path):
    fake = FakeClient(SEEDED)
    failed = FileResult(source=Path("/dl/x.mkv"), kind=Kind.VIDEO, status=Status.FAILED, reason="disk full")
    settings = settings_with(tmp_path, '[qbittorrent]\ncleanup = "after-import"\n')
    with Library.memory() as library:
        cleanup.after_import(DOWNLOAD, Report("j", False, (failed,)), settings, library, lambda *_: fake)
    assert fake.calls == []


def test_when_seeded_waits_and_a_later_run_cleans_up(tmp_path):
    fake = FakeClient(SEEDING)
    settings = settings_with(tmp_path, '[qbittorrent]\ncleanup = "when-seeded"\nimported_tag = "imported"\n')
    with Library.memory() as library:
        outcome = cleanup.after_import(DOWNLOAD, imported_report(), settings, library, lambda *_: fake)
        assert "keeps seeding" in outcome.messages[0]
        assert [p.download_id for p in pending.pending(library)] == [HASH]
        cleanup.recheck(settings, library, lambda *_: fake)  # still seeding: still pending
        assert len(pending.pending(library)) == 1 and not any(c[0] == "mark" for c in fake.calls)
        fake.torrent = SEEDED
        outcome = cleanup.recheck(settings, library, lambda *_: fake)
        assert ("mark", HASH, "imported", None) in fake.calls
        assert pending.pending(library) == []
        assert outcome.messages == ["clean-up: qBittorrent torrent X set tag 'imported'"]


def test_an_unreachable_client_is_a_warning_and_the_torrent_is_checked_again(tmp_path):
    settings = settings_with(tmp_path, '[qbittorrent]\ncleanup = "after-import"\nurl = "http://127.0.0.1:9"\n')
    with Library.memory() as library:
        outcome = cleanup.after_import(DOWNLOAD, imported_report(), settings, library)
        assert outcome.warnings and "http://127.0.0.1:9" in outcome.warnings[0]
        assert pending.pending(library)[0].reason.startswith("client error")
        fake = FakeClient(SEEDING)
        cleanup.recheck(settings, library, lambda *_: fake)
        assert ("remove", HASH, False) in fake.calls and pending.pending(library) == []


def test_delete_data_is_ignored_when_the_library_symlinks_to_the_download(tmp_path):
    fake = FakeClient(SEEDED)
    settings = settings_with(tmp_path, '[qbittorrent]\ncleanup = "after-import"\ndelete_data = true\n')
    with Library.memory() as library:
        outcome = cleanup.after_import(DOWNLOAD, imported_report(Action.SYMLINK), settings, library,
                                       lambda *_: fake)
    assert ("remove", HASH, False) in fake.calls and "symlink" in outcome.warnings[0]


def test_a_torrent_already_gone_from_the_client_is_forgotten(tmp_path):
    fake = FakeClient(TorrentState(found=False, seeded=False, state="not in qBittorrent"))
    settings = settings_with(tmp_path, '[qbittorrent]\ncleanup = "when-seeded"\n')
    with Library.memory() as library:
        pending.add(library, "qbittorrent", HASH, name="X", job_id=None, reason="waiting")
        outcome = cleanup.recheck(settings, library, lambda *_: fake)
        assert pending.pending(library) == [] and "no longer in" in outcome.messages[0]


def test_the_password_comes_from_the_password_file_and_is_never_shown(tmp_path):
    secret = tmp_path / "qbt.pass"
    secret.write_text("s3cret\n", encoding="utf-8")
    settings = settings_with(tmp_path, f'[qbittorrent]\nusername = "me"\npassword_file = "{secret}"\n')
    assert cleanup._password("qbittorrent", settings) == "s3cret"
    assert Cleanup(settings.qbittorrent_cleanup) is Cleanup.NEVER


def test_a_hook_with_an_unreachable_client_still_imports_and_exits_0(workspace):
    ws = workspace
    ws.config.write_text(ws.config.read_text(encoding="utf-8") +
                         '\n[qbittorrent]\ncleanup = "after-import"\nurl = "http://127.0.0.1:9"\n',
                         encoding="utf-8")
    release = make_movie_release(ws.downloads)
    from test_hook import qbt

    result = qbt(ws, str(release.folder), "--name", MOVIE_RELEASE, "--hash", HASH)
    assert result.exit_code == 0, describe_result(result)
    assert "warning: qBittorrent at http://127.0.0.1:9" in result.stderr
    assert ws.query("SELECT client, download_id FROM import_pending_cleanups") == [
        {"client": "qbittorrent", "download_id": HASH}]


def test_a_config_the_tool_writes_with_a_password_is_readable_by_its_owner_only(tmp_path):
    from mydia_import.config import write_config

    path = tmp_path / "config.toml"
    write_config(path, {"qbittorrent": {"username": "admin", "password": "hunter2"}})
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_settings(path).qbittorrent_password == "hunter2"
