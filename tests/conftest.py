"""Fixtures shared by the tests."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import traceback
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

# --- end-to-end helpers (tests/test_e2e_*.py, tests/test_console.py) ---------------------
# A throwaway world in tmp_path: a downloads folder, a library (Movies/, TV/), a SQLite
# database and a config.toml naming them; the CLI run in-process (typer's CliRunner) or as
# `python -m mydia_import`. Nothing here reads or writes the real home folder.

KIB = 1024

# The library the end-to-end tests import into (the contract's library JSON).
E2E_LIBRARY = {
    "movies": [
        {"title": "Inception", "year": 2010, "aliases": ["Origen"], "tmdb_id": 27205,
         "imdb_id": "tt1375666"},
    ],
    "shows": [
        {"title": "Breaking Bad", "year": 2008, "tmdb_id": 1396, "episodes": [
            {"season": 1, "episode": 1, "title": "Pilot", "air_date": "2008-01-20"},
            {"season": 1, "episode": 2, "title": "Cat's in the Bag...", "air_date": "2008-01-27"},
            {"season": 1, "episode": 3, "title": "...And the Bag's in the River",
             "air_date": "2008-02-10"},
        ]},
        {"title": "The Office", "year": 2005, "aliases": ["The Office US"], "tmdb_id": 2316,
         "episodes": [
             {"season": 2, "episode": 1, "title": "The Dundies"},
             {"season": 2, "episode": 2, "title": "Sexual Harassment"},
             {"season": 2, "episode": 3, "title": "Office Olympics"},
         ]},
    ],
}

# Where the contract's default layout puts them, relative to the movies / tv folders.
INCEPTION = "Inception (2010)/Inception (2010).mkv"
INCEPTION_SRT = "Inception (2010)/Inception (2010).en.srt"
BB_S01E02 = "Breaking Bad (2008)/Season 01/Breaking Bad (2008) - S01E02 - Cat's in the Bag....mkv"
OFFICE_S02 = {
    1: "The Office (2005)/Season 02/The Office (2005) - S02E01 - The Dundies.mkv",
    2: "The Office (2005)/Season 02/The Office (2005) - S02E02 - Sexual Harassment.mkv",
    3: "The Office (2005)/Season 02/The Office (2005) - S02E03 - Office Olympics.mkv",
}

MOVIE_RELEASE = "Inception.2010.1080p.BluRay.x264-SPARKS"
EPISODE_RELEASE = "Breaking.Bad.S01E02.720p.HDTV.x264-CTU.mkv"
PACK_RELEASE = "The.Office.US.S02.720p.WEB-DL.DD5.1.H.264-NTb"


def write_file(path: Path, size: int) -> Path:
    """A file of `size` random bytes (the same bytes for the same name, different across names)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(zlib.crc32(path.name.encode())).randbytes(size))
    return path


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class MovieRelease:
    folder: Path
    video: Path
    subtitle: Path
    sample: Path
    junk: tuple[Path, ...]


@dataclass
class PackRelease:
    folder: Path
    episodes: dict[int, Path]
    sample: Path
    junk: tuple[Path, ...]


def make_movie_release(downloads: Path, *, subtitle: bool = True) -> MovieRelease:
    """Inception's release folder: the film, a Sample/ folder, an English .srt and junk."""
    folder = downloads / MOVIE_RELEASE
    video = write_file(folder / f"{MOVIE_RELEASE}.mkv", 48 * KIB)
    srt = folder / f"{MOVIE_RELEASE}.en.srt"
    if subtitle:
        write_text(srt, "1\n00:00:01,000 --> 00:00:02,000\nHello.\n")
    sample = write_file(folder / "Sample" / f"{MOVIE_RELEASE}-sample.mkv", 2 * KIB)
    junk = (
        write_text(folder / f"{MOVIE_RELEASE}.nfo", "release notes\n"),
        write_text(folder / "RARBG.txt", "visit\n"),
        write_file(folder / "poster.jpg", 2 * KIB),
        write_file(folder / "Setup.exe", 1 * KIB),
    )
    return MovieRelease(folder, video, srt, sample, junk)


def make_episode_release(downloads: Path) -> Path:
    """Breaking Bad S01E02 as a single file at the top of the downloads folder."""
    return write_file(downloads / EPISODE_RELEASE, 32 * KIB)


def make_pack_release(downloads: Path) -> PackRelease:
    """The Office season 2 pack: episodes 1-3, a sample and junk."""
    folder = downloads / PACK_RELEASE
    episodes = {
        n: write_file(folder / f"The.Office.US.S02E{n:02d}.720p.WEB-DL.DD5.1.H.264-NTb.mkv", (40 + n) * KIB)
        for n in (1, 2, 3)
    }
    sample = write_file(folder / "sample-the.office.us.s02e01.mkv", 1 * KIB)
    junk = (
        write_file(folder / "Setup.exe", 1 * KIB),
        write_text(folder / "Torrent downloaded from Demonoid.txt", "hi\n"),
        write_file(folder / "cover.jpg", 1 * KIB),
        write_text(folder / "info.nfo", "nfo\n"),
    )
    return PackRelease(folder, episodes, sample, junk)


def write_config(
    path: Path, *, database: Path, movies: Path | None, tv: Path | None,
    downloads: Path | None = None, mode: str = "copy", conflict: str = "skip",
) -> Path:
    lines = ["[library]", f"database = {json.dumps(str(database))}"]
    if movies is not None:
        lines.append(f"movies = {json.dumps(str(movies))}")
    if tv is not None:
        lines.append(f"tv = {json.dumps(str(tv))}")
    if downloads is not None:
        lines += ["", "[downloads]", f"path = {json.dumps(str(downloads))}"]
    # min_age = 0: the tests write their downloads a moment before they scan them.
    # No test reaches the internet: provider tests turn lookups on against their local server.
    # [import] stays last: tests append keys to it.
    lines += ["", "[metadata]", "lookup = false"]
    lines += ["", "[import]", f'mode = "{mode}"', f'conflict = "{conflict}"', "min_age = 0", ""]
    return write_text(path, "\n".join(lines))


def own_metadata_section(config: Path) -> None:
    """Take out write_config's `[metadata] lookup = false`, so a test can write its own section."""
    config.write_text(config.read_text(encoding="utf-8").replace("\n[metadata]\nlookup = false\n", "\n"),
                      encoding="utf-8")


def describe_result(result) -> str:
    """Everything a failed assertion on a CliRunner result needs to show."""
    text = f"exit code {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text += "\n--- exception\n" + "".join(traceback.format_exception(result.exception))
    return text


def expect(result, code: int):
    """Assert the exit code, showing the output when it is wrong; returns the result."""
    assert result.exit_code == code, describe_result(result)
    return result


def one_error_line(stderr: str) -> str:
    """stderr holds exactly one line, an `error: ...` line, and no traceback; returns it."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]


@dataclass
class Workspace:
    """A throwaway downloads folder, library, database and config, and ways to use them."""

    root: Path
    downloads: Path
    library: Path
    movies: Path
    tv: Path
    db: Path
    config: Path

    def cli(self, *args: str, input: str | None = None, config: bool = True):
        """Run the CLI in-process with this workspace's --config first."""
        from mydia_import.cli import app

        argv = ["--config", str(self.config), *args] if config else list(args)
        return CliRunner().invoke(app, argv, input=input)

    def ok(self, *args: str, input: str | None = None):
        return expect(self.cli(*args, input=input), 0)

    def json(self, *args: str, code: int = 0) -> dict:
        """Run with --json and return the one JSON document stdout holds."""
        result = expect(self.cli("--json", *args), code)
        return json.loads(result.stdout)

    def process(self, *args: str, config: bool = True, input: str | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return run_module(*(["--config", str(self.config)] if config else []), *args,
                          cwd=self.root, input=input, env=env)

    def query(self, sql: str, params: tuple = ()) -> list[dict]:
        conn = sqlite3.connect(self.db)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()

    def count(self, table: str) -> int:
        return self.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]

    def counts(self) -> dict[str, int]:
        tables = [r["name"] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: self.count(t) for t in sorted(tables)}

    def movie_files(self) -> set[str]:
        return tree(self.movies)

    def tv_files(self) -> set[str]:
        return tree(self.tv)


def tree(folder: Path) -> set[str]:
    """Every file (and symlink) under a folder, as paths relative to it."""
    if not folder.exists():
        return set()
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every entry under a folder with its inode, link count and content (before/after checks)."""
    result = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        content = p.read_bytes() if p.is_file() and not p.is_symlink() else b""
        result[p.relative_to(folder).as_posix()] = (st.st_ino, st.st_nlink, content)
    return result


def run_module(*args: str, cwd: Path, input: str | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m mydia_import ARGS` in a subprocess, with the test's (isolated) environment."""
    return subprocess.run(
        [sys.executable, "-m", "mydia_import", *args], cwd=cwd, input=input, capture_output=True,
        text=True, timeout=60, env={**os.environ, **(env or {})},
    )


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No MYDIA_IMPORT_* from the caller's environment; home and XDG folders inside tmp_path."""
    for name in list(os.environ):
        if name.startswith("MYDIA_IMPORT_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("COLUMNS", "200")  # wide tables: one row per line in the human output
    return home


@pytest.fixture
def other_filesystem(tmp_path):
    """A downloads folder on another filesystem than tmp_path (tmpfs at /dev/shm)."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK) or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs a writable /dev/shm on another filesystem")
    folder = shm / f"mydia-e2e-{os.getpid()}-{tmp_path.name}"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def bare_workspace(tmp_path: Path, isolated_env: Path) -> Workspace:
    """Folders, a config and the library database as `init` leaves them: its roots, no items."""
    ws = folders_and_config(tmp_path, tmp_path / "library.db")
    create_database(ws)
    return ws


def folders_and_config(root: Path, db: Path) -> Workspace:
    """A workspace's folders and its config naming db (not created here)."""
    library = root / "library"
    ws = Workspace(root=root, downloads=root / "downloads", library=library, movies=library / "Movies",
                   tv=library / "TV", db=db, config=root / "config.toml")
    for folder in (ws.downloads, ws.movies, ws.tv):
        folder.mkdir(parents=True)
    write_config(ws.config, database=ws.db, movies=ws.movies, tv=ws.tv, downloads=ws.downloads)
    return ws


@pytest.fixture
def no_database(bare_workspace: Workspace) -> Workspace:
    """Folders and a config whose database does not exist (never ran `init`, or a mistyped path)."""
    bare_workspace.db.unlink()
    for leftover in bare_workspace.root.glob("library.db-*"):
        leftover.unlink()
    return bare_workspace


def create_database(ws: Workspace) -> None:
    """What `init` does to the database: every command but init needs it to exist."""
    from mydia_import.library import Library

    with Library.open(ws.db, create=True) as lib:
        lib.ensure_root(ws.movies, "movies")
        lib.ensure_root(ws.tv, "series")


@pytest.fixture
def workspace(bare_workspace: Workspace) -> Workspace:
    """A workspace whose library holds E2E_LIBRARY (loaded with `library load`)."""
    library_json = write_text(bare_workspace.root / "library.json", json.dumps(E2E_LIBRARY))
    bare_workspace.ok("library", "load", str(library_json))
    return bare_workspace
