"""Hostile input: file and release names with control characters, newlines, `..`, slash look-alikes,
a leading `-`, 255-byte names, bytes that are not UTF-8; library titles with `/` and `..`. Each file
gets a decision and a reason, never a traceback; the JSON, the console, the log lines and SQLite take
every name; no destination leaves its root or has a component over 255 bytes; secrets stay hidden."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path, PurePosixPath

from conftest import KIB, write_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mydia_import.console import result_line
from mydia_import.models import (
    ConflictPolicy,
    EpisodeRef,
    FileResult,
    Kind,
    LibraryRoot,
    Match,
    MediaRef,
    MediaType,
    Release,
    Status,
    TransferMode,
)
from mydia_import.pathtext import db_path, display, json_dumps, path_from_db
from mydia_import.plan import naming, videos

ROOT = LibraryRoot("r", Path("/library/Movies"), "mixed")
RULES = videos.Rules(TransferMode.COPY, ConflictPolicy.SKIP, naming.DEFAULT_MOVIE_TEMPLATE,
                   naming.DEFAULT_EPISODE_TEMPLATE, {MediaType.MOVIE: ROOT, MediaType.TV_SHOW: ROOT})

# Any text, surrogates (names that are not UTF-8) and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=400)
SUFFIXES = st.sampled_from([".mkv", ".mp4", ".avi", ".m2ts", ".MKV"])


def check_inside_root(relative: str) -> None:
    path = PurePosixPath(relative)
    assert not path.is_absolute()
    for part in path.parts:
        assert part not in ("", ".", "..")
        assert "/" not in part and "\x00" not in part
        assert len(part.encode("utf-8")) <= 255
    resolved = os.path.normpath(ROOT.path / path)
    assert Path(resolved).is_relative_to(ROOT.path)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(title=ANY_TEXT, year=st.one_of(st.none(), st.integers(1801, 2199)), suffix=SUFFIXES,
       edition=st.one_of(st.none(), ANY_TEXT), part=st.one_of(st.none(), st.integers(1, 99)))
def test_no_movie_title_makes_a_destination_leave_its_root_or_exceed_255_bytes(title, year, suffix, edition, part):
    match = Match(MediaRef("m", MediaType.MOVIE, title, year))
    relative = videos.destination_for(match, Release(name="x", edition=edition, part=part), suffix, RULES)
    check_inside_root(relative)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(show=ANY_TEXT, episode_title=st.one_of(st.none(), ANY_TEXT), season=st.integers(0, 99),
       episodes=st.lists(st.integers(1, 999), min_size=1, max_size=3), group=st.one_of(st.none(), ANY_TEXT))
def test_no_show_or_episode_title_makes_a_destination_leave_its_root(show, episode_title, season, episodes, group):
    refs = tuple(EpisodeRef(f"e{n}", season, n, episode_title) for n in sorted(set(episodes)))
    match = Match(MediaRef("s", MediaType.TV_SHOW, show, 2000), refs)
    relative = videos.destination_for(match, Release(name="x", release_group=group), ".mkv", RULES)
    check_inside_root(relative)
    subtitle = naming.subtitle_path(ROOT.path / relative, "pt-br", True, True, ".srt", 3)
    assert len(subtitle.name.encode()) <= 255 and subtitle.parent == (ROOT.path / relative).parent


@given(name=ANY_TEXT)
def test_any_name_survives_json_the_console_and_the_database_columns(name):
    path = Path("/downloads") / (name.replace("/", "_").replace("\x00", "_") or "x")
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        pass  # no name on disk decodes to this (a lone surrogate from JSON): stored readable
    else:
        assert path_from_db(db_path(path)) == path  # exact, for undo and retry
    if isinstance(db_path(path), str):
        db_path(path).encode("utf-8")
    document = json_dumps({"source": str(path)})
    document.encode("utf-8")
    assert json.loads(document)["source"] == str(path)
    line = result_line(FileResult(path, Kind.VIDEO, Status.SKIPPED, reason=name))
    line.encode("utf-8")
    assert "\n" not in line and "\r" not in line
    assert "\n" not in display(name)


# --- end to end: a downloads folder full of hostile names ------------------------------------------

HOSTILE = [
    "Inception.2010.1080p\nBluRay.x264-NL.mkv",            # a newline
    "Inception.2010.720p.\x1b[31mRED\x07.mkv",               # an escape sequence and a bell
    "-rf Inception.2010.1080p.mkv",                          # a leading dash
    "..Inception..2010...1080p...mkv",                      # dots
    "Inception\u2215\uff0f2010 1080p.mkv",                  # slash look-alikes
    "[Inception] (2010) {1080p} $HOME `id` ; rm.mkv",       # markup and shell
    "Ïnçèptïön 2010 1080p " + "é" * 100 + ".mkv",           # 255 bytes of UTF-8 at most
    "x" * 251 + ".mkv",                                      # exactly 255 bytes
]
NOT_UTF8 = b"Inception.2010.1080p.\xff\xfe.BluRay.mkv"


def hostile_downloads(downloads: Path) -> list[Path]:
    made = []
    for i, name in enumerate(HOSTILE):
        folder = downloads / f"release {i}"
        made.append(write_file(folder / name, 4 * KIB + i))
    raw = os.fsencode(downloads / "release bytes") + b"/" + NOT_UTF8
    os.makedirs(os.path.dirname(raw), exist_ok=True)
    with open(raw, "wb") as f:
        f.write(os.urandom(4 * KIB))
    made.append(Path(os.fsdecode(raw)))
    return made


def test_a_scan_of_hostile_names_gives_every_file_a_decision_in_every_output(workspace):
    ws = workspace
    files = hostile_downloads(ws.downloads)
    for args in (["--json", "scan", "--dry-run"], ["--json", "scan"], ["-v", "scan"], ["history"],
                 ["--json", "history"], ["scan"]):
        result = ws.process(*args)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert result.returncode in (0, 3, 4), (args, result.returncode, result.stderr)
        if "--json" in args:
            document = json.loads(result.stdout)
            if "files" in document:
                # Hidden names (a leading dot) are skipped like the clients' temporary files.
                assert {f["source"] for f in document["files"]} == {str(p) for p in files if p.name[0] != "."}
                assert all(f["status"] in ("imported", "planned", "skipped", "already-imported")
                           for f in document["files"])
                assert all(f["reason"] for f in document["files"] if f["status"] == "skipped")
    # Imported or not, everything in the library is inside it, and nothing was written elsewhere.
    for path in ws.movies.rglob("*"):
        assert path.resolve().is_relative_to(ws.movies.resolve())
        assert len(path.name.encode(errors="surrogateescape")) <= 255
    assert set(os.listdir(ws.root)) <= {"config.toml", "downloads", "home", "library", "library.db",
                                        "library.db-shm", "library.db-wal", "library.db.lock", "library.json"}


def test_a_file_whose_name_is_not_utf8_is_imported_moved_and_undone_exactly(workspace):
    ws = workspace
    raw = os.fsencode(ws.downloads / "Inception.2010.1080p.BluRay.x264-SPARKS") + b"/" + NOT_UTF8
    os.makedirs(os.path.dirname(raw))
    with open(raw, "wb") as f:
        f.write(b"film" * 1000)
    result = ws.process("--json", "scan", "--mode", "move")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    [f] = document["files"]
    assert f["status"] == "imported" and f["source"] == os.fsdecode(raw)
    assert not os.path.exists(raw)
    [row] = ws.query("SELECT metadata FROM media_files")
    assert json.loads(row["metadata"])["import_download_path"] == os.fsdecode(raw)
    undone = ws.process("undo", document["job"])
    assert undone.returncode == 0, undone.stderr
    assert "\\xff\\xfe" in undone.stdout  # shown, not crashed on
    with open(raw, "rb") as f:  # moved back to the very same bytes of name
        assert f.read() == b"film" * 1000


def test_identify_takes_nul_newlines_and_300_byte_names(workspace):
    ws = workspace
    names = ["Inception\x00.2010.mkv", "-" + "Breaking.Bad.S01E02." * 15 + "mkv", "a\u202eb.mkv"]
    result = ws.cli("--json", "identify", "-", input="\n".join(names) + "\n")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["names"]) == 3


def test_library_titles_with_slashes_and_dots_stay_inside_the_library(workspace):
    ws = workspace
    ws.ok("library", "add", "movie", "Face/Off", "--year", "1997")
    ws.ok("library", "add", "movie", "../../../../tmp/escape", "--year", "1999", "--alias", "Escape Plan Z")
    write_file(ws.downloads / "Face.Off.1997.1080p.BluRay.x264-GRP.mkv", 8 * KIB)
    write_file(ws.downloads / "Escape.Plan.Z.1999.1080p.BluRay.x264-GRP.mkv", 8 * KIB)
    document = ws.json("scan")
    destinations = sorted(Path(f["destination"]) for f in document["files"] if f["status"] == "imported")
    assert len(destinations) == 2
    for dest in destinations:  # one folder and one file below the movies folder, whatever the title
        assert dest.parent.parent == ws.movies and dest.is_file()
        assert ".." not in dest.relative_to(ws.movies).parts
    assert ws.movies / "Face+Off (1997)" / "Face+Off (1997).mkv" in destinations
    assert not (ws.root.parent / "tmp").exists() and not Path("/tmp/escape (1999)").exists()


# --- secrets -------------------------------------------------------------------------------------


def test_a_config_file_holding_a_secret_is_written_for_its_owner_only(tmp_path):
    from mydia_import.config import write_config

    plain, secret = tmp_path / "plain.toml", tmp_path / "secret.toml"
    write_config(plain, {"import": {"mode": "copy"}})
    write_config(secret, {"import": {"mode": "copy"}, "qbittorrent": {"password": "hunter2"}})
    assert stat.S_IMODE(plain.stat().st_mode) == 0o644
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_config_show_never_prints_a_secret(workspace, monkeypatch):
    monkeypatch.setenv("MYDIA_IMPORT_QBITTORRENT_PASSWORD", "hunter2")
    for args in (["config", "show"], ["--json", "config", "show"]):
        result = workspace.ok(*args)
        assert "hunter2" not in result.stdout + result.stderr
