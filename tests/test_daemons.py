"""Real download clients calling the hook: qbittorrent-nox and transmission-daemon run on
127.0.0.1 with throwaway profiles; torrents made here (torf) whose content already sits at
the save path complete after the hash check, the client runs the contract's hook line, and
the library files, database rows and clean-up in the client are checked.

Nothing leaves the machine: no trackers, DHT, LSD, PeX, UPnP or NAT-PMP; random free ports
on the loopback address. Where a daemon is not installed its tests skip, naming the Debian
package (`.ci/run` installs both).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    E2E_LIBRARY,
    INCEPTION,
    MOVIE_RELEASE,
    Workspace,
    make_episode_release,
    make_movie_release,
    tree,
    write_config,
    write_text,
)

torf = pytest.importorskip("torf", reason="torf makes the test torrents: pip install -e '.[test]'")

WAIT_SECONDS = 60  # the longest any condition below may take on a slow CI machine
QBT_CONTRACT_ARGS = ('--name "%N" --content-path "%F" --root-path "%R" --save-path "%D" '
                     '--category "%L" --tags "%G" --hash "%I"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, check: Callable[[], object], diagnose: Callable[[], str] = lambda: "",
             timeout: float = WAIT_SECONDS) -> object:
    """Poll `check` until it returns something true; fail with `what` and a diagnosis after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except Exception as error:  # the daemon may not answer yet
            value, last = None, error
        else:
            last = None
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g}s waiting for {what} (last error: {last!r})\n{diagnose()}")
        time.sleep(0.2)


def mydia_command() -> list[str]:
    """This environment's mydia-import (the console script beside the interpreter, else -m)."""
    script = Path(sys.executable).parent / "mydia-import"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mydia_import"]


def daemon_env(home: Path) -> dict[str, str]:
    """A clean environment for a daemon and the hooks it starts: no MYDIA_IMPORT_* of the caller."""
    home.mkdir(parents=True, exist_ok=True)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("MYDIA_IMPORT_", "QBT_", "TR_", "XDG_"))}
    env.update(HOME=str(home), LANG="C.UTF-8", LC_ALL="C.UTF-8", XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local" / "share"), NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost")
    return env


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def make_torrent(content: Path) -> tuple[bytes, str]:
    """A private, trackerless .torrent of `content` (file or folder) and its info-hash."""
    torrent = torf.Torrent(path=content, private=True, created_by=None, creation_date=None)
    torrent.generate()
    return torrent.dump(), torrent.infohash


@dataclass
class World:
    """A library workspace whose downloads folder is the client's save path."""

    ws: Workspace
    log: Path

    def config(self, client_section: str = "") -> None:
        write_config(self.ws.config, database=self.ws.db, movies=self.ws.movies, tv=self.ws.tv,
                     downloads=self.ws.downloads, mode="auto")
        text = self.ws.config.read_text(encoding="utf-8")
        text += f"\n[log]\nfile = {json.dumps(str(self.log))}\n\n{client_section}\n"
        self.ws.config.write_text(text, encoding="utf-8")

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log.exists() else "(no log file)"

    def finished_jobs(self, command: str) -> list[dict]:
        if not self.ws.db.exists():
            return []
        return self.ws.query("SELECT * FROM import_jobs WHERE command = ? AND finished_at IS NOT NULL", (command,))


@pytest.fixture
def world(workspace: Workspace) -> World:
    return World(workspace, workspace.root / "mydia-import.log")


# --- qBittorrent ------------------------------------------------------------------------------


QBT_PACKAGE = "qbittorrent-nox is not installed (Debian package qbittorrent-nox: apt-get install qbittorrent-nox)"


@dataclass
class Qbittorrent:
    api: object
    url: str
    username: str
    password_file: Path
    process: subprocess.Popen
    output: Path

    def diagnose(self) -> str:
        text = self.output.read_text(errors="replace") if self.output.exists() else ""
        return f"--- qbittorrent-nox output\n{text[-3000:]}"


def _qbt_password_hash(password: str) -> str:
    """qBittorrent's WebUI\\Password_PBKDF2: base64(salt):base64(PBKDF2-SHA512, 100000 rounds, 64 bytes)."""
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 100_000, 64)
    return f"{base64.b64encode(salt).decode()}:{base64.b64encode(key).decode()}"


@pytest.fixture
def qbittorrent(world: World, tmp_path: Path) -> Iterator[Qbittorrent]:
    binary = shutil.which("qbittorrent-nox")
    if binary is None:
        pytest.skip(QBT_PACKAGE)
    qbittorrentapi = pytest.importorskip("qbittorrentapi")
    web_port, peer_port = free_port(), free_port()
    profile = tmp_path / "qbt-profile"
    conf = profile / "qBittorrent" / "config"
    conf.mkdir(parents=True)
    password = base64.b32encode(os.urandom(10)).decode()
    password_file = tmp_path / "qbt-password"
    password_file.write_text(password + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    # Everything that could reach the network is off; the WebUI listens on loopback only.
    (conf / "qBittorrent.conf").write_text("\n".join([
        "[LegalNotice]", "Accepted=true", "",
        "[BitTorrent]", "Session\\DHTEnabled=false", "Session\\LSDEnabled=false", "Session\\PeXEnabled=false",
        f"Session\\Port={peer_port}", "Session\\Interface=lo", "Session\\InterfaceName=lo",
        "Session\\InterfaceAddress=127.0.0.1", f"Session\\DefaultSavePath={world.ws.downloads}",
        "Session\\AnonymousModeEnabled=true", "Session\\QueueingSystemEnabled=false", "",
        "[Preferences]", "WebUI\\Address=127.0.0.1", f"WebUI\\Port={web_port}", "WebUI\\Username=tester",
        f"WebUI\\Password_PBKDF2=\"@ByteArray({_qbt_password_hash(password)})\"", "WebUI\\LocalHostAuth=true",
        "WebUI\\CSRFProtection=false", "WebUI\\HostHeaderValidation=false", "WebUI\\UseUPnP=false",
        "Connection\\UPnP=false", "Connection\\ResolvePeerCountries=false", "General\\UseRandomPort=false",
        "Downloads\\SavePath=" + str(world.ws.downloads), "",
    ]), encoding="utf-8")
    args = [binary, f"--profile={profile}", f"--webui-port={web_port}"]
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30).stdout
    if "--confirm-legal-notice" in help_text:  # qBittorrent 5 asks on stdin otherwise
        args.append("--confirm-legal-notice")
    output = tmp_path / "qbittorrent-nox.out"
    with output.open("wb") as sink:
        process = subprocess.Popen(args, env=daemon_env(tmp_path / "qbt-home"), stdin=subprocess.DEVNULL,
                                   stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{web_port}"
    try:
        api = qbittorrentapi.Client(host=url, username="tester", password=password,
                                    REQUESTS_ARGS={"timeout": 10}, DISABLE_LOGGING_DEBUG_OUTPUT=True)
        daemon = Qbittorrent(api, url, "tester", password_file, process, output)

        def logged_in() -> bool:
            if process.poll() is not None:
                pytest.fail(f"qbittorrent-nox exited with {process.returncode}\n{daemon.diagnose()}")
            api.auth_log_in()
            return True

        wait_for("qBittorrent's WebUI", logged_in, daemon.diagnose)
        # The contract's hook line, exactly, after this environment's mydia-import and --config.
        program = " ".join(shlex.quote(part) for part in mydia_command())
        program += f" --config {shlex.quote(str(world.ws.config))} hook qbittorrent {QBT_CONTRACT_ARGS}"
        api.app_set_preferences({"autorun_enabled": True, "autorun_program": program})
        yield daemon
    finally:
        stop(process)


def qbt_section(daemon: Qbittorrent, **keys: object) -> str:
    lines = ["[qbittorrent]", f'url = "{daemon.url}"', f'username = "{daemon.username}"',
             f"password_file = {json.dumps(str(daemon.password_file))}"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in keys.items()]
    return "\n".join(lines)


def add_to_qbittorrent(world: World, daemon: Qbittorrent, content: Path, **options) -> str:
    data, info_hash = make_torrent(content)
    answer = daemon.api.torrents_add(torrent_files=data, save_path=str(world.ws.downloads), **options)
    assert answer == "Ok.", answer
    return info_hash


def wait_for_hook(world: World, command: str, diagnose: Callable[[], str], count: int = 1) -> list[dict]:
    """The jobs of `count` hook runs, once each has written its closing log line."""
    wait_for(f"{count} finished '{command}' run(s)",
             lambda: world.log_text().count(f"{command}: finished (job ") >= count,
             lambda: f"{diagnose()}\n--- mydia-import log\n{world.log_text()}")
    return world.finished_jobs(command)


def test_qbittorrent_runs_the_hook_and_the_download_is_imported_and_recorded(world, qbittorrent):
    world.config(qbt_section(qbittorrent))
    release = make_movie_release(world.ws.downloads)
    episode = make_episode_release(world.ws.downloads)  # a single-file torrent: %R is empty
    movie_hash = add_to_qbittorrent(world, qbittorrent, release.folder, category="movies", tags="hd,new")
    episode_hash = add_to_qbittorrent(world, qbittorrent, episode, category="tv")
    jobs = wait_for_hook(world, "hook qbittorrent", qbittorrent.diagnose, count=2)

    assert {json.loads(job["arguments"])["download_id"] for job in jobs} == {movie_hash, episode_hash}
    assert all(job["status"] == "success" for job in jobs), jobs
    assert INCEPTION in world.ws.movie_files()
    assert len(world.ws.tv_files()) == 1
    rows = world.ws.query("SELECT path, metadata FROM media_files")
    origin = {json.loads(r["metadata"])["download_client_id"]: r["path"] for r in rows}
    assert set(origin) == {movie_hash, episode_hash}
    assert {json.loads(r["metadata"])["download_client"] for r in rows} == {"qbittorrent"}
    # auto mode hardlinked: the torrent keeps seeding from its own, untouched files.
    library_video = world.ws.movies / INCEPTION
    assert library_video.stat().st_ino == release.video.stat().st_ino
    (torrent,) = qbittorrent.api.torrents_info(torrent_hashes=movie_hash)
    assert torrent["progress"] == 1 and torrent["category"] == "movies"
    assert "imported (hardlink)" in world.log_text()


def test_qbittorrent_categories_not_wanted_are_not_imported(world, qbittorrent):
    world.config(qbt_section(qbittorrent, categories=["movies"]))
    episode = make_episode_release(world.ws.downloads)
    add_to_qbittorrent(world, qbittorrent, episode, category="music")
    wait_for("the hook's log line", lambda: "not in [qbittorrent] categories" in world.log_text(),
             qbittorrent.diagnose)
    assert world.ws.tv_files() == set() and world.finished_jobs("hook qbittorrent") == []


def test_qbittorrent_clean_up_after_import_removes_the_torrent_and_keeps_its_files(world, qbittorrent):
    world.config(qbt_section(qbittorrent, cleanup="after-import"))
    release = make_movie_release(world.ws.downloads)
    info_hash = add_to_qbittorrent(world, qbittorrent, release.folder, category="movies")
    wait_for_hook(world, "hook qbittorrent", qbittorrent.diagnose)
    wait_for("the torrent's removal", lambda: qbittorrent.api.torrents_info(torrent_hashes=info_hash) == [],
             lambda: f"{qbittorrent.diagnose()}\n{world.log_text()}")
    assert release.video.exists() and (world.ws.movies / INCEPTION).exists()
    assert world.ws.count("import_pending_cleanups") == 0


def test_qbittorrent_clean_up_can_set_a_category_and_tag_instead(world, qbittorrent):
    world.config(qbt_section(qbittorrent, cleanup="after-import", imported_category="imported",
                             imported_tag="mydia"))
    release = make_movie_release(world.ws.downloads)
    info_hash = add_to_qbittorrent(world, qbittorrent, release.folder, category="movies")
    wait_for_hook(world, "hook qbittorrent", qbittorrent.diagnose)

    def marked() -> bool:
        (torrent,) = qbittorrent.api.torrents_info(torrent_hashes=info_hash)
        return torrent["category"] == "imported" and "mydia" in torrent["tags"]

    wait_for("the torrent's new category and tag", marked, lambda: f"{qbittorrent.diagnose()}\n{world.log_text()}")
    assert release.video.exists()


def test_qbittorrent_when_seeded_waits_for_the_seed_goal_and_a_later_scan_cleans_up(world, qbittorrent):
    world.config(qbt_section(qbittorrent, cleanup="when-seeded", delete_data=True))
    release = make_movie_release(world.ws.downloads)
    info_hash = add_to_qbittorrent(world, qbittorrent, release.folder, category="movies")
    wait_for_hook(world, "hook qbittorrent", qbittorrent.diagnose)
    wait_for("the pending clean-up row", lambda: world.ws.count("import_pending_cleanups") == 1,
             lambda: world.log_text())
    assert qbittorrent.api.torrents_info(torrent_hashes=info_hash)  # still seeding
    # The goal: ratio 0, reached at once; qBittorrent stops the torrent there.
    qbittorrent.api.torrents_set_share_limits(ratio_limit=0, seeding_time_limit=-1,
                                              torrent_hashes=info_hash)
    qbittorrent.api.torrents_stop(torrent_hashes=info_hash)
    wait_for("the torrent to stop", lambda: qbittorrent.api.torrents_info(torrent_hashes=info_hash)[0]["state"]
             in ("pausedUP", "stoppedUP"), qbittorrent.diagnose)

    empty = world.ws.root / "nothing-new"
    empty.mkdir()
    result = world.ws.process("scan", str(empty))
    assert result.returncode == 0, result.stderr
    assert qbittorrent.api.torrents_info(torrent_hashes=info_hash) == []
    wait_for("the torrent's files to be deleted", lambda: not release.video.exists(), qbittorrent.diagnose)
    assert (world.ws.movies / INCEPTION).exists()  # the library's hardlink stays
    assert world.ws.count("import_pending_cleanups") == 0


# --- Transmission -----------------------------------------------------------------------------


TR_PACKAGE = ("transmission-daemon is not installed "
              "(Debian package transmission-daemon: apt-get install transmission-daemon)")


@dataclass
class Transmission:
    api: object
    url: str
    process: subprocess.Popen
    output: Path

    def diagnose(self) -> str:
        text = self.output.read_text(errors="replace") if self.output.exists() else ""
        return f"--- transmission-daemon output\n{text[-3000:]}"


@pytest.fixture
def transmission(world: World, tmp_path: Path) -> Iterator[Transmission]:
    binary = shutil.which("transmission-daemon")
    if binary is None:
        pytest.skip(TR_PACKAGE)
    transmission_rpc = pytest.importorskip("transmission_rpc")
    rpc_port, peer_port = free_port(), free_port()
    config_dir = tmp_path / "transmission"
    config_dir.mkdir()
    password = base64.b32encode(os.urandom(10)).decode()
    # Transmission passes the torrent in TR_* variables and takes no arguments: a wrapper
    # script holds the command line.
    wrapper = write_text(tmp_path / "transmission-done.sh", "#!/bin/sh\nexec " + " ".join(
        shlex.quote(part) for part in [*mydia_command(), "--config", str(world.ws.config), "hook", "transmission"]
    ) + "\n")
    wrapper.chmod(0o755)
    settings = {
        "rpc-enabled": True, "rpc-port": rpc_port, "rpc-bind-address": "127.0.0.1",
        "rpc-authentication-required": True, "rpc-username": "tester", "rpc-password": password,
        "rpc-whitelist-enabled": True, "rpc-whitelist": "127.0.0.1", "rpc-host-whitelist-enabled": False,
        "peer-port": peer_port, "peer-port-random-on-start": False, "bind-address-ipv4": "127.0.0.1",
        "bind-address-ipv6": "::1", "dht-enabled": False, "lpd-enabled": False, "pex-enabled": False,
        "utp-enabled": False, "port-forwarding-enabled": False, "blocklist-enabled": False,
        "download-dir": str(world.ws.downloads), "incomplete-dir-enabled": False, "start-added-torrents": True,
        "script-torrent-done-enabled": True, "script-torrent-done-filename": str(wrapper), "message-level": 2,
    }
    (config_dir / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    env = daemon_env(tmp_path / "tr-home")
    env["MYDIA_IMPORT_TRANSMISSION_PASSWORD"] = password  # credentials from the environment
    output = tmp_path / "transmission-daemon.out"
    with output.open("wb") as sink:
        process = subprocess.Popen([binary, "--foreground", "--config-dir", str(config_dir)], env=env,
                                   stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{rpc_port}/transmission/rpc"
    try:
        holder: dict[str, object] = {}

        def connected() -> bool:
            if process.poll() is not None:
                pytest.fail(f"transmission-daemon exited with {process.returncode}\n{output.read_text()}")
            holder["api"] = transmission_rpc.Client(host="127.0.0.1", port=rpc_port, username="tester",
                                                    password=password, timeout=10)
            return True

        daemon = Transmission(None, url, process, output)
        wait_for("Transmission's RPC", connected, daemon.diagnose)
        daemon.api = holder["api"]
        yield daemon
    finally:
        stop(process)


def tr_section(daemon: Transmission, **keys: object) -> str:
    lines = ["[transmission]", f'url = "{daemon.url}"', 'username = "tester"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in keys.items()]
    return "\n".join(lines)


def add_to_transmission(world: World, daemon: Transmission, content: Path) -> str:
    data, info_hash = make_torrent(content)
    daemon.api.add_torrent(data, download_dir=str(world.ws.downloads))
    return info_hash


def tr_torrents(daemon: Transmission) -> dict[str, object]:
    return {t.hash_string: t for t in daemon.api.get_torrents()}


def test_transmission_runs_the_hook_and_the_download_is_imported_and_recorded(world, transmission):
    world.config(tr_section(transmission))
    release = make_movie_release(world.ws.downloads)
    info_hash = add_to_transmission(world, transmission, release.folder)
    (job,) = wait_for_hook(world, "hook transmission", transmission.diagnose)
    assert job["status"] == "success"
    assert json.loads(job["arguments"])["name"] == MOVIE_RELEASE
    assert INCEPTION in world.ws.movie_files()
    (row,) = world.ws.query("SELECT metadata FROM media_files")
    metadata = json.loads(row["metadata"])
    assert (metadata["download_client"], metadata["download_client_id"]) == ("transmission", info_hash)
    assert info_hash in tr_torrents(transmission)  # never: the torrent stays
    assert tree(world.ws.downloads) >= {f"{MOVIE_RELEASE}/{MOVIE_RELEASE}.mkv"}


def test_transmission_clean_up_after_import_removes_the_torrent_and_keeps_its_files(world, transmission):
    world.config(tr_section(transmission, cleanup="after-import"))
    episode = make_episode_release(world.ws.downloads)
    info_hash = add_to_transmission(world, transmission, episode)
    wait_for_hook(world, "hook transmission", transmission.diagnose)
    wait_for("the torrent's removal", lambda: info_hash not in tr_torrents(transmission),
             lambda: f"{transmission.diagnose()}\n{world.log_text()}")
    assert episode.exists() and len(world.ws.tv_files()) == 1


def test_transmission_clean_up_can_label_the_torrent_instead(world, transmission):
    world.config(tr_section(transmission, cleanup="after-import", imported_tag="imported"))
    episode = make_episode_release(world.ws.downloads)
    info_hash = add_to_transmission(world, transmission, episode)
    wait_for_hook(world, "hook transmission", transmission.diagnose)
    wait_for("the torrent's label", lambda: "imported" in (tr_torrents(transmission)[info_hash].labels or []),
             lambda: f"{transmission.diagnose()}\n{world.log_text()}")
    assert episode.exists()


def test_the_library_used_by_the_daemon_tests_is_the_e2e_one():
    # The daemons' torrents are the conftest releases, matched against E2E_LIBRARY.
    assert any(movie["title"] == "Inception" for movie in E2E_LIBRARY["movies"])
