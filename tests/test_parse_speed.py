"""The parse speed-ups (guessit excludes, batches, the process pool) change no Release."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from mydia_import.identify import parse
from mydia_import.identify.parse import ReleaseParser, to_release
from mydia_import.models import Release

_GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def generated_names(count: int) -> list[str]:
    """File names, folder names and subtitle names from the benchmarks' generator."""
    spec = importlib.util.spec_from_file_location("bench_generate", _GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    files = module.World(seed=11, shows=60, movies=60).release_names(count)
    folders = [name.rsplit(".", 1)[0] for name in files[: count // 3]]
    subtitles = [name.rsplit(".", 1)[0] + ".en.forced.srt" for name in files[count // 3: count // 2]]
    return files + folders + subtitles


HANDWRITTEN = [
    "[SubDESU]_Show_One_07_(1280x720_x264-AAC)_[6B7FD717].mkv",
    "Show.Name.S01E02.1080p.AMZN.WEB-DL.DDP5.1.H.264-GRP.mkv",
    "Show.2019.S02E05.REPACK.2160p.NF.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX.mkv",
    "Movie.Title.2010.Extended.1080p.BluRay.DTS-HD.MA.7.1.x264-GRP",
    "Movie Title (2010) [1080p] [5.1] [YTS.MX]",
    "Show.S03E01.720p.HDTV.x264-GRP.ENG.SUBBED.mkv",
    "[HorribleSubs] Show 100 S2 - 07 [1080p].mkv",
    "Show.Title.2023.05.14.Guest.Name.720p.WEB.h264-GRP",
    "Movie.2012.MULTi.TRUEFRENCH.1080p.BluRay.x264.AC3-GRP.mkv",
    "Movie.1999.10bit.HEVC.23.976fps.2.39-1.Hi10P.mkv",
    "Show.S01E01.Pilot.1080p.WEB-DL.AAC2.0.H264.mp4",
    "Movie.Title.2010.720p.BluRay.x264-GRP.en.sdh.srt",
    "Show.S02E01.1080p.WEB.h264-GRP.fr.forced.ass",
    "Movie.Title.Part.2.2011.1080p.BluRay.x264.cd1.avi",
    "Movie.Title.2010.tt1375666.1080p.mkv",
]


@pytest.fixture(scope="module")
def names() -> list[str]:
    return HANDWRITTEN + generated_names(200)


@pytest.fixture(scope="module")
def before(names) -> dict[str, Release]:
    """Each name as the parse read it before the speed-ups."""
    return {n: plain(n) for n in names}


def plain(name: str, type_hint: str | None = None) -> Release:
    """What the parse made before the speed-ups: guessit with no excludes."""
    from guessit import guessit

    return to_release(name, dict(guessit(name, {"type": type_hint} if type_hint else {})))


def test_excludes_change_no_release(names, before):
    parser = ReleaseParser(workers=0)
    different = [n for n in names if parser.parse(n) != before[n]]
    assert different == []


def test_excludes_change_no_release_with_a_type_hint(names):
    parser = ReleaseParser(workers=0)
    sample = names[::4]
    different = [n for n in sample if parser.parse(n, "episode") != plain(n, "episode")]
    assert different == []


def test_parse_many_gives_what_parse_gives_in_order(names):
    batch = names[:80] + names[:10]  # repeated names come back in their places
    one_by_one = ReleaseParser(workers=0)
    assert ReleaseParser(workers=0).parse_many(batch) == [one_by_one.parse(n) for n in batch]


def test_the_process_pool_gives_the_same_releases(names, before, monkeypatch):
    monkeypatch.setattr(parse, "POOL_MIN", 1)
    monkeypatch.setattr(parse, "_pool_cores", lambda: 2)
    pooled = ReleaseParser(workers=2).parse_many(names[:120])
    assert pooled == [before[n] for n in names[:120]]


def test_a_pool_that_cannot_start_falls_back_to_parsing_here(names, before, monkeypatch):
    monkeypatch.setattr(parse, "POOL_MIN", 1)
    monkeypatch.setattr(parse, "_pool_cores", lambda: 2)
    monkeypatch.setattr(parse, "_parse_in_pool", lambda *args: None)
    assert ReleaseParser(workers=2).parse_many(names[:20]) == [before[n] for n in names[:20]]


def test_each_distinct_name_is_parsed_once(monkeypatch):
    calls: list[str] = []
    real = parse._guess
    monkeypatch.setattr(parse, "_guess", lambda g, name, hint: calls.append(name) or real(g, name, hint))
    parser = ReleaseParser(workers=0)
    parser.parse_many(["A.S01E01.mkv", "A.S01E02.mkv", "A.S01E01.mkv"])
    parser.parse("A.S01E02.mkv")
    parser.parse_many(["A.S01E02.mkv"])
    assert calls == ["A.S01E01.mkv", "A.S01E02.mkv"]


class _DictCache:
    def __init__(self, known: dict[str, Release]):
        self.known = dict(known)
        self.put_names: list[str] = []

    def get(self, name, type_hint):
        return self.known.get(name) if type_hint is None else None

    def put(self, name, type_hint, release):
        self.put_names.append(name)
        self.known[name] = release


def test_parse_many_reads_the_cache_first_and_fills_it(monkeypatch):
    cached = Release(name="Cached.S01E01.mkv", title="From The Cache")
    cache = _DictCache({cached.name: cached})
    calls: list[str] = []
    real = parse._guess
    monkeypatch.setattr(parse, "_guess", lambda g, name, hint: calls.append(name) or real(g, name, hint))
    out = ReleaseParser(cache, workers=0).parse_many([cached.name, "New.S01E02.mkv"])
    assert out[0] is cached
    assert out[1].title == "New"
    assert calls == ["New.S01E02.mkv"]
    assert cache.put_names == ["New.S01E02.mkv"]


def test_the_parser_keeps_only_the_most_recent_names_and_reads_the_others_again(monkeypatch):
    calls: list[str] = []
    real = parse._guess
    monkeypatch.setattr(parse, "_guess", lambda g, name, hint: calls.append(name) or real(g, name, hint))
    cache = _DictCache({})
    parser = ReleaseParser(cache, workers=0, memory=2)
    first = parser.parse("A.S01E01.mkv")
    parser.parse_many(["A.S01E02.mkv", "A.S01E03.mkv"])  # A.S01E01 is the least recent: it goes
    assert len(parser._memory) == 2
    assert parser.parse("A.S01E01.mkv") == first  # from the cache, not from guessit
    assert calls == ["A.S01E01.mkv", "A.S01E02.mkv", "A.S01E03.mkv"]


def test_a_batch_bigger_than_the_memory_still_comes_back_whole(names, before):
    parser = ReleaseParser(workers=0, memory=5)
    assert parser.parse_many(names[:12]) == [before[n] for n in names[:12]]


def test_the_identifier_parses_ahead_in_windows_and_identifies_as_identify_file(tmp_path):
    from mydia_import.identify.match import identifier, identify_file
    from mydia_import.library import Library
    from mydia_import.models import Candidate, Kind

    library = Library.memory()
    library.add_show("Show", seasons={1: 6})
    release = tmp_path / "Show.S01.720p-GRP"
    files = [Candidate(release / f"Show.S01E0{n}.720p-GRP.mkv", release, 100, Kind.VIDEO) for n in range(1, 7)]
    files.insert(2, Candidate(release / "sample.mkv", release, 1, Kind.VIDEO, skip_reason="a sample"))

    class Recording(ReleaseParser):
        batches: list[list[str]] = []

        def parse_many(self, names, type_hint=None):
            self.batches.append(list(names))
            return super().parse_many(names, type_hint)

    parser = Recording(workers=0)
    identify = identifier(files, parser, library, probe=None, window=4)
    found = [identify(c) for c in files if c.skip_reason is None]
    assert found == [identify_file(c, ReleaseParser(workers=0), library, probe=None)
                     for c in files if c.skip_reason is None]
    assert [m.match.episodes[0].episode for m in found] == [1, 2, 3, 4, 5, 6]
    assert parser.batches == [  # the folder once, then each file; never the sample
        [release.name, *(f.path.name for f in files[:5] if f.skip_reason is None)],
        [release.name, *(f.path.name for f in files[5:])],
    ]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(c) for c in children]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists() or sys.platform != "linux", reason="Linux /proc")
def test_pool_workers_die_with_a_killed_run_and_leave_the_run_lock_free(tmp_path):
    """Forked workers share the run lock's file: a worker that outlived a killed run would keep
    every later run waiting."""
    import os
    import signal
    import subprocess
    import time

    from mydia_import.execute import locking
    from mydia_import.library import Library

    database = tmp_path / "library.db"
    Library.open(database).close()
    script = (
        "import sys\n"
        "from mydia_import.execute import locking\nfrom mydia_import.identify import parse\n"
        "from mydia_import.library import Library\n"
        "parse.POOL_MIN = 1\n"
        f"library = Library.open({str(database)!r})\n"
        "with locking.run_lock(library, None, 'test'):\n"
        "    print('locked', flush=True)\n"
        "    parse.ReleaseParser(workers=2).parse_many([f'Show.{i}.S01E01.720p.mkv' for i in range(5000)])\n"
    )
    run = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert run.stdout is not None and run.stdout.readline().strip() == "locked"
        deadline = time.monotonic() + 60
        while len(workers := _children(run.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) >= 2
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        with Library.open(database) as library, locking.run_lock(library, 30, "after"):
            pass  # the lock was free again (a worker holding it would make this wait and fail)
        for worker in workers:
            deadline = time.monotonic() + 30
            while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
                try:
                    if Path(f"/proc/{worker}/stat").read_text().split()[2] == "Z":
                        break  # a zombie holds no files
                except OSError:
                    break
                time.sleep(0.05)
            assert not Path(f"/proc/{worker}/fd").exists() or not list(Path(f"/proc/{worker}/fd").iterdir())
    finally:
        if run.poll() is None:
            run.kill()
