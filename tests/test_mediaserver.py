"""Media-server refresh (Plex, Jellyfin, Emby) against a local HTTP server that records
each request, and notifications through a stand-in Apprise module."""

from __future__ import annotations

import json
import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import BB_S01E02, INCEPTION, describe_result, make_episode_release, make_movie_release

from mydia_import.integrations import media_servers, notify
from mydia_import.models import FileResult, Kind, Report, Status

PLEX_SECTIONS = """<?xml version="1.0" encoding="UTF-8"?>
<MediaContainer size="2">
  <Directory key="1" type="movie" title="Movies"><Location id="1" path="/data/media/Movies"/></Directory>
  <Directory key="2" type="show" title="TV"><Location id="2" path="/data/media/TV"/></Directory>
</MediaContainer>"""


class Recorder:
    """An HTTP server on 127.0.0.1 that records requests and answers with a fixed status."""

    def __init__(self, status: int = 200):
        self.requests: list[dict] = []
        self.status = status
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                recorder.requests.append({"method": self.command, "path": parts.path,
                                          "query": parse_qs(parts.query), "headers": dict(self.headers),
                                          "body": body})
                payload = PLEX_SECTIONS.encode() if parts.path == "/library/sections" else b""
                self.send_response(recorder.status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    server = Recorder()
    yield server
    server.close()


def add_config(ws, text: str) -> None:
    ws.config.write_text(ws.config.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def server_entry(kind: str, url: str, ws, **extra: str) -> str:
    lines = ["[[media_servers]]", f'kind = "{kind}"', f'url = "{url}"', 'token = "TOKEN123"']
    lines += [f'{key} = "{value}"' for key, value in extra.items()]
    lines.append(f'path_map = [{{local = "{ws.library}", server = "/data/media"}}]')
    return "\n".join(lines) + "\n"


def test_plex_gets_one_refresh_per_folder_with_the_server_path_and_token(workspace, recorder):
    ws = workspace
    add_config(ws, server_entry("plex", recorder.url, ws, section="1"))
    make_movie_release(ws.downloads)
    make_episode_release(ws.downloads)
    result = ws.cli("scan")
    assert result.exit_code == 0, describe_result(result)
    refreshed = [(r["path"], r["query"]["path"][0]) for r in recorder.requests]
    assert sorted(refreshed) == sorted([
        ("/library/sections/1/refresh", "/data/media/Movies/" + str(Path(INCEPTION).parent)),
        ("/library/sections/1/refresh", "/data/media/TV/" + str(Path(BB_S01E02).parent)),
    ])  # the movie's .srt shares its folder: one request for it
    assert all(r["headers"]["X-Plex-Token"] == "TOKEN123" and r["method"] == "GET" for r in recorder.requests)
    assert "TOKEN123" not in result.stdout + result.stderr


def test_plex_without_a_section_finds_it_from_the_library_locations(workspace, recorder):
    ws = workspace
    add_config(ws, server_entry("plex", recorder.url, ws))
    make_episode_release(ws.downloads)
    assert ws.cli("scan").exit_code == 0
    assert [r["path"] for r in recorder.requests] == ["/library/sections", "/library/sections/2/refresh"]


@pytest.mark.parametrize("kind", ["jellyfin", "emby"])
def test_jellyfin_and_emby_get_one_media_updated_post_with_every_folder(workspace, recorder, kind):
    ws = workspace
    add_config(ws, server_entry(kind, recorder.url, ws))
    make_movie_release(ws.downloads)
    make_episode_release(ws.downloads)
    assert ws.cli("scan").exit_code == 0
    (request,) = recorder.requests
    assert (request["method"], request["path"]) == ("POST", "/Library/Media/Updated")
    assert request["headers"]["X-Emby-Token"] == "TOKEN123"
    if kind == "jellyfin":
        assert request["headers"]["Authorization"] == 'MediaBrowser Token="TOKEN123"'
    updates = json.loads(request["body"])["Updates"]
    assert sorted(u["Path"] for u in updates) == sorted([
        "/data/media/Movies/" + str(Path(INCEPTION).parent), "/data/media/TV/" + str(Path(BB_S01E02).parent)])
    assert {u["UpdateType"] for u in updates} == {"Created"}


def test_no_refresh_in_a_dry_run_or_when_nothing_was_imported(workspace, recorder):
    ws = workspace
    add_config(ws, server_entry("jellyfin", recorder.url, ws))
    make_movie_release(ws.downloads)
    assert ws.cli("scan", "--dry-run").exit_code == 0
    assert recorder.requests == []
    assert ws.cli("scan").exit_code == 0 and len(recorder.requests) == 1
    assert ws.cli("scan").exit_code == 0 and len(recorder.requests) == 1  # already imported: no refresh


def test_a_failing_server_is_a_warning_and_the_import_still_succeeds(workspace):
    ws = workspace
    failing = Recorder(status=401)
    try:
        add_config(ws, server_entry("jellyfin", failing.url, ws))
        add_config(ws, server_entry("plex", "http://127.0.0.1:9", ws, section="1"))
        make_movie_release(ws.downloads)
        result = ws.cli("scan")
    finally:
        failing.close()
    assert result.exit_code == 0, describe_result(result)
    assert INCEPTION in ws.movie_files()
    assert "HTTP 401" in result.stderr and "check the token" in result.stderr
    assert "could not be reached" in result.stderr
    assert "TOKEN123" not in result.stderr


def test_touched_folders_are_each_named_once_and_only_for_imported_files():
    def result(dest: str, status: Status) -> FileResult:
        return FileResult(source=Path("/dl/x"), kind=Kind.VIDEO, status=status, destination=Path(dest))

    report = Report("j", False, (result("/lib/A/a.mkv", Status.IMPORTED), result("/lib/A/a.srt", Status.IMPORTED),
                                 result("/lib/B/b.mkv", Status.ALREADY_IMPORTED)))
    assert media_servers.touched_folders(report) == [Path("/lib/A")]


# --- notifications ----------------------------------------------------------------------------


class FakeApprise:
    sent: list[dict] = []

    class NotifyType:
        SUCCESS, FAILURE = "success", "failure"

    class Apprise:
        def __init__(self):
            self.urls = []

        def add(self, url):
            self.urls.append(url)
            return "://" in url

        def notify(self, title, body, notify_type):
            FakeApprise.sent.append({"urls": self.urls, "title": title, "body": body, "type": notify_type})
            return True


@pytest.fixture
def fake_apprise(monkeypatch):
    module = types.ModuleType("apprise")
    module.Apprise = FakeApprise.Apprise
    module.NotifyType = FakeApprise.NotifyType
    FakeApprise.sent = []
    monkeypatch.setitem(sys.modules, "apprise", module)
    return FakeApprise.sent


def test_a_run_that_imported_something_sends_a_summary(workspace, fake_apprise):
    ws = workspace
    add_config(ws, '[notify]\nurls = ["json://127.0.0.1:9/hook"]\n')
    make_movie_release(ws.downloads)
    assert ws.cli("scan").exit_code == 0
    (sent,) = fake_apprise
    assert sent["title"].startswith("mydia-import scan: 2 imported")
    assert "imported Inception (2010)" in sent["body"] and sent["type"] == "success"
    assert ws.cli("scan").exit_code == 0 and len(fake_apprise) == 1  # nothing new: no message
    assert ws.cli("scan", "--dry-run").exit_code == 0 and len(fake_apprise) == 1


def test_without_apprise_a_one_line_hint_is_given(workspace, monkeypatch):
    ws = workspace
    monkeypatch.setitem(sys.modules, "apprise", None)  # import apprise raises ImportError
    add_config(ws, '[notify]\nurls = ["json://127.0.0.1:9/hook"]\n')
    make_movie_release(ws.downloads)
    result = ws.cli("scan")
    assert result.exit_code == 0
    assert "pip install 'mydia-import[notify]'" in result.stderr


def test_notify_when_failures_stays_quiet_on_success():
    ok = Report("j", False, (FileResult(Path("/a"), Kind.VIDEO, Status.IMPORTED),))
    bad = Report("j", False, (FileResult(Path("/a"), Kind.VIDEO, Status.FAILED, reason="x"),))
    assert not notify.wanted(ok, notify.NotifyWhen.FAILURES) and notify.wanted(bad, notify.NotifyWhen.FAILURES)
    assert notify.wanted(ok, notify.NotifyWhen.CHANGES) and not notify.wanted(Report(None, True), "always")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # apprise imports imghdr
def test_a_real_apprise_json_notification_reaches_a_local_server(workspace, recorder):
    pytest.importorskip("apprise")
    ws = workspace
    add_config(ws, f'[notify]\nurls = ["{recorder.url.replace("http", "json")}/notify"]\n')
    make_movie_release(ws.downloads)
    result = ws.cli("scan")
    assert result.exit_code == 0, describe_result(result)
    (request,) = recorder.requests
    assert request["method"] == "POST" and request["path"] == "/notify"
    assert "Inception (2010)" in json.loads(request["body"])["message"]
