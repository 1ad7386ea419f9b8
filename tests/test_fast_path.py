"""The fast path reads common names without guessit, and to the same Release guessit gives."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from mydia_import.config import load_settings
from mydia_import.execute import importer
from mydia_import.identify import fast
from mydia_import.identify.fast import FastParser
from mydia_import.identify.names import identify_names
from mydia_import.identify.parse import ReleaseParser
from mydia_import.library import Library
from mydia_import.models import Report

_ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus")


def _world():
    spec = importlib.util.spec_from_file_location("bench_generate", _ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.World(seed=11, shows=60, movies=60)


def corpus_names() -> list[str]:
    """The release names of the shared corpus (Sonarr's and Radarr's parser tests), read here."""
    names: list[str] = []
    for table in ("sonarr_episodes.tsv", "radarr_movies.tsv"):
        path = CORPUS / table
        if path.exists():
            with path.open(encoding="utf-8") as rows:
                names += [row["release_name"] for row in csv.DictReader(rows, delimiter="\t")]
    return names


def generated_names(world, count: int) -> list[str]:
    files = world.release_names(count)
    folders = [name.rsplit(".", 1)[0] for name in files[: count // 3]]
    subtitles = [name.rsplit(".", 1)[0] + ".en.forced.srt" for name in files[count // 3: count // 2]]
    return files + folders + subtitles


@pytest.fixture(scope="module")
def world():
    return _world()


@pytest.fixture(scope="module")
def every_name(world) -> list[str]:
    return list(dict.fromkeys(corpus_names() + generated_names(world, 2000)))


def _differences(a, b) -> dict:
    return {f.name: (getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
            if getattr(a, f.name) != getattr(b, f.name)}


def test_every_name_the_fast_path_reads_is_read_as_guessit_reads_it(every_name):
    guessit = ReleaseParser(workers=0)
    read = {name: r.release for name in every_name if (r := fast.read(name)) is not None}
    different = {name: _differences(release, guessit.parse(name)) for name, release in read.items()}
    assert {name: diff for name, diff in different.items() if diff} == {}
    assert len(read) > len(every_name) / 3  # the fast path is no exception itself


def test_identify_gives_the_same_answers_with_and_without_the_fast_path(world):
    names = generated_names(world, 300)
    names += [f"{n.rsplit('.', 1)[0]}/{n}" for n in names[:40]]  # with their folders
    with Library.memory() as library:
        library.load(world.library_json())
        slow = identify_names(names, library, ReleaseParser(workers=0))
        quick = FastParser(ReleaseParser(workers=0), library)
        assert identify_names(names, library, quick) == slow
        assert sum(1 for name in names if quick._fast(name.rsplit("/", 1)[-1])) > len(names) / 3


def _scan(ws, parser=None) -> Report:
    settings = load_settings(ws.config, env={})
    request = importer.Request((ws.downloads,), settings.mode, settings.conflict, scan=True, dry_run=True,
                               command="scan", min_age=0)
    with Library.open(ws.db) as library:
        return importer.run(request, settings, library, parser=parser)


def _decisions(report: Report) -> list[tuple]:
    return sorted((str(f.source), f.status, str(f.destination), f.reason, f.note, f.match) for f in report.files)


def test_a_scan_decides_the_same_with_and_without_the_fast_path(bare_workspace, world, monkeypatch):
    ws = bare_workspace
    library_json = ws.root / "library.json"
    library_json.write_text(json.dumps(world.library_json()), encoding="utf-8")
    ws.ok("library", "load", str(library_json))
    world.build_tree(ws.downloads, 400)
    read_fast: list[str] = []
    confirmed = fast.confirmed
    monkeypatch.setattr(fast, "confirmed", lambda n, c: (r := confirmed(n, c)) and (read_fast.append(n) or r))

    quick = _scan(ws)  # the parser the importer builds: the fast path first
    slow = _scan(ws, ReleaseParser(workers=0))  # guessit for every name

    assert _decisions(quick) == _decisions(slow)
    assert len(read_fast) > len(quick.files) / 4


@pytest.mark.parametrize("name", [
    "Some.Show.S01E02.1080p.WEB-DL.DDP5.1.H.264-GRP.mkv",
    "Some.Show.1x02.720p.HDTV.x264-GRP.mkv",
    "Some.Show.2024.03.05.720p.WEB.h264-GRP.mkv",
    "[Group] Some Show - 07 (1080p) [ABCD1234].mkv",
    "Some.Picture.2010.1080p.BluRay.x264-GRP.mkv",
    "Some.Show.S01.1080p.WEB-DL.DDP5.1.H.264-GRP",
])
def test_the_common_shapes_are_read_without_guessit(name):
    assert fast.read(name) is not None


@pytest.mark.parametrize("name", [
    "Some.Show.S01E02.1080p.WEB-DL.Unknowntag.H.264-GRP.mkv",  # a tag the table does not know
    "Some.Show.S01E02.1080p.x264.x265-GRP.mkv",  # two codecs
    "Some.French.Show.S01E02.1080p.WEB-DL-GRP.mkv",  # a title word guessit may read as a language
    "Some.Show.US.S01E02.1080p.WEB-DL-GRP.mkv",  # a country
    "Some.Movie.2010.mkv",  # a year and nothing else: guessit may call the year the title
    "Some.Show.S01E02.720p.WEB.x264-GRP.en.forced.srt",  # subtitles: languages and flags
])
def test_ambiguous_names_go_to_guessit(name):
    assert fast.read(name) is None


def test_a_name_whose_title_the_library_lacks_goes_to_guessit():
    with Library.memory() as library:
        library.add_show("Some Show")
        assert fast.confirmed("Some.Show.S01E02.1080p.WEB-DL-GRP.mkv", library) is not None
        assert fast.confirmed("Other.Show.S01E02.1080p.WEB-DL-GRP.mkv", library) is None
        assert fast.confirmed("Some.Show.2010.1080p.WEB-DL-GRP.mkv", library) is None  # not a movie


def test_the_fast_parser_asks_guessit_only_for_what_it_cannot_read(monkeypatch):
    asked: list[str] = []
    real = ReleaseParser._parse
    monkeypatch.setattr(ReleaseParser, "_parse", lambda self, n, h: asked.append(n) or real(self, n, h))
    with Library.memory() as library:
        library.add_show("Some Show")
        parser = FastParser(ReleaseParser(workers=0), library)
        parser.parse_many(["Some.Show.S01E02.1080p.WEB-DL-GRP.mkv", "Other.Show.S01E02.1080p.WEB-DL-GRP.mkv"])
        parser.parse("Some.Show.S01E02.1080p.WEB-DL-GRP.mkv", "episode")
    assert asked == ["Other.Show.S01E02.1080p.WEB-DL-GRP.mkv", "Some.Show.S01E02.1080p.WEB-DL-GRP.mkv"]
