"""The benchmark cases: how each one makes its data, and what one measured run does.

`run.py` calls a case's `setup` once (in its own process) and then runs the case's
measurements, each in a fresh process (`python benchmarks/run.py --child NAME ...`),
several times, interleaving the variants so that a busy machine slows all alike.
A child prints one JSON object: its timings, its peak RSS and what it checked.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(PROJECT))

from generate import World  # noqa: E402

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


# --- shared helpers ------------------------------------------------------------------------------


def write_config(folder: Path, database: Path, mode: str = "hardlink") -> Path:
    """A config for a world in `folder`: library folders, no waiting for fresh files, no ffprobe."""
    (folder / "movies").mkdir(parents=True, exist_ok=True)
    (folder / "tv").mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    config.write_text(
        f'[library]\ndatabase = "{database}"\nmovies = "{folder / "movies"}"\ntv = "{folder / "tv"}"\n'
        f'[import]\nmode = "{mode}"\nmin_age = 0\nffprobe = "off"\nmin_free_mb = 0\n', encoding="utf-8")
    return config


def settings_of(config: Path):
    from mydia_import.config import load_settings

    return load_settings(config, env={})


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def request(paths, *, dry_run: bool = False, mode: str = "hardlink"):
    from mydia_import.execute import importer
    from mydia_import.models import ConflictPolicy, TransferMode

    return importer.Request(tuple(Path(p) for p in paths), TransferMode(mode), ConflictPolicy.SKIP, scan=True,
                            dry_run=dry_run, command="scan", min_age=0)


def statuses(report) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in report.files:
        counts[str(f.status)] = counts.get(str(f.status), 0) + 1
    return counts


def warm_parse_cache(library, paths, sample_ratio: float = 0.1) -> int:
    """Parse (with the tool's parser, into the library's parse cache) every name a scan of
    these downloads folders asks for; returns how many names."""
    from mydia_import.discover import walk
    from mydia_import.identify.match import prefetch
    from mydia_import.identify.parse import ReleaseParser

    candidates = [c for p in paths for c in walk.discover_releases(Path(p), sample_ratio=sample_ratio)]
    cache = library.parse_cache()
    parser = ReleaseParser(cache)
    names: list[str] = []
    prefetch(candidates, _Recorder(names))
    parser.parse_many(names)
    cache.flush()
    return len(names)


class _Recorder:
    def __init__(self, names: list[str]):
        self.names = names

    def parse_many(self, names):
        self.names += list(names)


# --- 1. identification ---------------------------------------------------------------------------


def setup_identify(work: Path, size: int) -> dict:
    names = World(seed=7).release_names(size)
    (work / "names.json").write_text(json.dumps(names), encoding="utf-8")
    return {"names": len(names)}


def child_identify(work: Path, variant: str) -> dict:
    names = json.loads((work / "names.json").read_text(encoding="utf-8"))
    if variant == "guessit":
        from guessit import guessit

        guessit("warm.up.mkv")  # import and rule building are not part of the throughput
        start = time.perf_counter()
        for name in names:
            guessit(name)
        return {"seconds": time.perf_counter() - start, "names": len(names)}
    from mydia_import.identify.parse import ReleaseParser, _guess, _load_guessit
    from mydia_import.library import Library

    _guess(_load_guessit(), "warm.up.mkv", None)
    database = work / f"identify-{os.getpid()}.db"
    with Library.open(database) as library:  # a first scan: an empty parse cache, filled as it goes
        cache = library.parse_cache()
        parser = ReleaseParser(cache, workers=0 if variant == "tool-1-core" else None)
        start = time.perf_counter()
        releases = parser.parse_many(names)
        cache.flush()
        seconds = time.perf_counter() - start
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return {"seconds": seconds, "names": len(names), "titled": sum(1 for r in releases if r.title)}


# --- 2. re-scan of an unchanged, imported tree ---------------------------------------------------


def setup_rescan(work: Path, files: int) -> dict:
    world = World(seed=21)
    stats = world.build_tree(work / "downloads", files)
    database = work / "library.db"
    config = write_config(work, database)
    from mydia_import.execute import importer
    from mydia_import.library import Library

    with Library.open(database) as library:
        library.load(world.library_json())
        parsed = warm_parse_cache(library, [work / "downloads"])
    with Library.open(database) as library:
        report = importer.run(request([work / "downloads"]), settings_of(config), library)
    return {"files": stats.files, "videos": stats.videos, "names_parsed": parsed, "first_import": statuses(report)}


def child_rescan(work: Path, variant: str) -> dict:
    begun = time.perf_counter()
    from mydia_import.execute import importer
    from mydia_import.library import Library

    settings = settings_of(work / "config.toml")
    with Library.open(work / "library.db") as library:
        start = time.perf_counter()
        report = importer.run(request([work / "downloads"]), settings, library)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "in_process": time.perf_counter() - begun, "statuses": statuses(report),
            "files": len(report.files), "guessit_imported": "guessit" in sys.modules}


# --- 3. copying one big file ---------------------------------------------------------------------


def setup_copy(work: Path, size: int) -> dict:
    """A movie download of `size` random bytes, and one of 1 byte (the fixed cost)."""
    world = World(seed=3, shows=1, movies=2)
    big, small = world.movies
    database = work / "template.db"
    from mydia_import.library import Library

    with Library.open(database) as library:
        library.load({"movies": [{"title": big.title, "year": big.year},
                                 {"title": small.title, "year": small.year}]})
    for movie, length in ((big, size), (small, 1)):
        folder = work / "downloads" / f"{movie.dotted()}.1080p.BluRay.x264-GRP"
        folder.mkdir(parents=True)
        with open(folder / f"{folder.name}.mkv", "wb") as f:
            block = os.urandom(8 * MIB)
            for _ in range(length // len(block)):
                f.write(block)
            f.write(block[: length % len(block)])
            f.flush()
            os.fsync(f.fileno())
    return {"bytes": size}


def _source(work: Path, which: str) -> Path:
    folders = sorted((work / "downloads").iterdir(), key=lambda p: next(p.iterdir()).stat().st_size)
    folder = folders[1] if which == "big" else folders[0]
    return next(folder.iterdir())


def run_copy(work: Path, variant: str) -> dict:
    """One copy, timed from this (parent) process: `cp` + fsync, or the whole CLI import."""
    target = work / f"run-{variant}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    if variant == "cp":
        source = _source(work, "big")
        dest = target / source.name
        start = time.perf_counter()
        subprocess.run(["cp", "--reflink=never", str(source), str(dest)], check=True)
        fd = os.open(dest, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        seconds = time.perf_counter() - start
    else:
        which = "big" if variant == "import" else "small"
        source = _source(work, which)
        shutil.copy(work / "template.db", target / "library.db")
        config = write_config(target, target / "library.db", mode="copy")
        env = {**os.environ, "MYDIA_IMPORT_CONFIG": str(config)}
        seconds = _in_a_terminal([sys.executable, "-m", "mydia_import", "import", str(source.parent),
                                  "--mode", "copy"], env)
        copied = list((target / "movies").rglob("*.mkv"))
        assert len(copied) == 1 and copied[0].stat().st_size == source.stat().st_size, copied
    shutil.rmtree(target, ignore_errors=True)
    return {"seconds": seconds}


def _in_a_terminal(command: list[str], env: dict) -> float:
    """Run a command with a pseudo-terminal as stdout and stderr (the progress view draws);
    its output is read and dropped. Returns the wall time."""
    import pty
    import threading

    leader, follower = pty.openpty()

    def drain() -> None:
        while True:
            try:
                if not os.read(leader, 65536):
                    return
            except OSError:
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.perf_counter()
    process = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env,
                             cwd=PROJECT)
    seconds = time.perf_counter() - start
    os.close(follower)
    reader.join(timeout=5)
    os.close(leader)
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited {process.returncode}")
    return seconds


# --- 4. bulk import ------------------------------------------------------------------------------


def setup_bulk(work: Path, files: int) -> dict:
    world = World(seed=9, shows=200, movies=10)
    made = world.episode_files(work / "downloads", files)
    from mydia_import.library import Library

    with Library.open(work / "template.db") as library:
        library.load(world.library_json())
    names = [p.name for p in made]
    (work / "names.json").write_text(json.dumps(names), encoding="utf-8")
    releases = {p.relative_to(work / "downloads").parts[0] for p in made}
    return {"files": len(made), "releases": len(releases)}


def child_bulk(work: Path, variant: str) -> dict:
    if variant == "identify":
        return _bulk_identify(work)
    from mydia_import.execute import importer
    from mydia_import.identify.parse import _guess, _load_guessit
    from mydia_import.library import Library

    _guess(_load_guessit(), "warm.up.mkv", None)  # as for identification alone: import not counted
    target = work / f"run-{os.getpid()}"
    target.mkdir()
    shutil.copy(work / "template.db", target / "library.db")
    config = write_config(target, target / "library.db")
    settings = settings_of(config)
    with Library.open(target / "library.db") as library:
        start = time.perf_counter()
        report = importer.run(request([work / "downloads"]), settings, library)
        seconds = time.perf_counter() - start
    counts = statuses(report)
    shutil.rmtree(target)
    return {"seconds": seconds, "files": len(report.files), "statuses": counts}


def _bulk_identify(work: Path) -> dict:
    """Identification alone: every video's name and folders parsed (a first scan: an empty
    parse cache; the pool) and matched against the library, as the import does it."""
    from mydia_import.discover import walk
    from mydia_import.identify.match import identify_file, prefetch
    from mydia_import.identify.parse import ReleaseParser, _guess, _load_guessit
    from mydia_import.library import Library

    _guess(_load_guessit(), "warm.up.mkv", None)
    candidates = walk.discover_releases(work / "downloads")
    target = work / f"run-{os.getpid()}"
    target.mkdir()
    shutil.copy(work / "template.db", target / "library.db")
    with Library.open(target / "library.db") as library:
        cache = library.parse_cache()
        parser = ReleaseParser(cache)
        start = time.perf_counter()
        prefetch(candidates, parser)
        matched = sum(1 for c in candidates if identify_file(c, parser, library, probe=None).match is not None)
        cache.flush()
        seconds = time.perf_counter() - start
    shutil.rmtree(target)
    return {"seconds": seconds, "names": len(candidates), "matched": matched}


# --- 5. start-up ---------------------------------------------------------------------------------


def setup_startup(work: Path, size: int) -> dict:
    # The package's bytecode, as an installed package has it (pip compiles it on install, and
    # a first run writes it): start-up is then the tool's, not Python compiling its source.
    import compileall

    compileall.compile_dir(PROJECT / "mydia_import", quiet=1)
    database = work / "library.db"
    config = write_config(work, database)
    from mydia_import.library import Library

    with Library.open(database) as library:
        library.load(World(seed=5, shows=50, movies=50).library_json())
    junk = work / "downloads" / "Some.Collection.2020"
    junk.mkdir(parents=True)
    for name in ("info.nfo", "cover.jpg", "RARBG.txt"):
        (junk / name).write_text("x", encoding="utf-8")
    return {"config": str(config)}


def run_startup(work: Path, variant: str) -> dict:
    script = Path(sys.executable).parent / "mydia-import"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mydia_import"]
    env = {**os.environ, "MYDIA_IMPORT_CONFIG": str(work / "config.toml")}
    if variant == "version":
        command += ["--version"]
    else:
        command += ["hook", "qbittorrent", "--content-path", str(work / "downloads" / "Some.Collection.2020"),
                    "--name", "Some.Collection.2020"]
    start = time.perf_counter()
    process = subprocess.run(command, capture_output=True, env=env, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 4):
        raise RuntimeError(f"{command}: {process.returncode} {process.stderr.decode()[-500:]}")
    return {"seconds": seconds}


# --- 9. re-scan as a process ------------------------------------------------------------------------


RESCAN_SIZES = (3_000, 10_000)


def setup_rescans(work: Path, scale: int) -> dict:
    """Downloads folders of 3,000 and 10,000 files (scaled down by --quick), each with its own
    library, imported once and scanned once more (the scan that settles what it finds)."""
    info = {}
    for size in RESCAN_SIZES:
        files = size * scale // RESCAN_SIZES[-1]
        folder = work / str(size)
        folder.mkdir()
        setup_rescan(folder, files)
        from mydia_import.execute import importer
        from mydia_import.library import Library

        with Library.open(folder / "library.db") as library:
            importer.run(request([folder / "downloads"]), settings_of(folder / "config.toml"), library)
        info[str(size)] = files
    return info


def run_rescans(work: Path, variant: str) -> dict:
    """`mydia-import --json scan DIR` of an unchanged downloads folder, as a process."""
    folder = work / variant
    script = Path(sys.executable).parent / "mydia-import"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mydia_import"]
    command += ["--json", "scan", str(folder / "downloads")]
    env = {**os.environ, "MYDIA_IMPORT_CONFIG": str(folder / "config.toml")}
    start = time.perf_counter()
    process = subprocess.run(command, capture_output=True, env=env, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 4):
        raise RuntimeError(f"{command}: {process.returncode} {process.stderr.decode()[-500:]}")
    files = [line for line in process.stdout.splitlines() if b'"source"' in line]
    return {"seconds": seconds, "files": len(files)}


# --- 6. memory -----------------------------------------------------------------------------------


def setup_memory(work: Path, files: int) -> dict:
    """A downloads folder of `files` files of distinct releases, from a world big enough that
    few name one episode or movie twice (a show or a movie for about every 8 files), a library
    of its shows and movies, and a cold parse cache: the measured scan walks, parses (in the
    process pool), identifies and plans every file."""
    world = World(seed=33, shows=files // 20, movies=files // 13)
    stats = world.build_tree(work / "downloads", files)
    database = work / "library.db"
    write_config(work, database)
    from mydia_import.library import Library

    with Library.open(database) as library:
        library.load(world.library_json())
    return {"files": stats.files, "releases": stats.releases}


def child_memory(work: Path, variant: str) -> dict:
    """`mydia-import scan --dry-run --json` as a user runs it, the plan written to a file; the
    peak RSS of the largest of its processes (the tool, or a parser worker forked from it)."""
    script = Path(sys.executable).parent / "mydia-import"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mydia_import"]
    command += ["scan", "--dry-run", "--json", str(work / "downloads")]
    env = {**os.environ, "MYDIA_IMPORT_CONFIG": str(work / "config.toml")}
    plan = work / "plan.json"
    start = time.perf_counter()
    with open(plan, "wb") as out:
        process = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 3, 4):
        raise RuntimeError(f"{command}: {process.returncode} {process.stderr.decode()[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary = json.loads(plan.read_bytes())["summary"]
    plan.unlink()
    return {"peak_mb": peak, "seconds": seconds, "reported": sum(summary.values()), "summary": summary}


# --- 7. library scale ----------------------------------------------------------------------------


def setup_scale(work: Path, items: int) -> dict:
    """A library of `items` items, 40% shows with 50 episodes each (50,000 items: 1,000,000
    episodes), loaded through `library load` in batches; and names of its items."""
    shows = items * 2 // 5
    world = World(seed=44, shows=shows, movies=items - shows)
    for show in world.shows:  # 50 episodes a show: 2 seasons of 25
        show.seasons, show.episodes = 2, 25
    from mydia_import.library import Library

    data = world.library_json()
    with Library.open(work / "library.db") as library:
        for start in range(0, len(data["shows"]), 2000):
            library.load({"shows": data["shows"][start:start + 2000]})
        for start in range(0, len(data["movies"]), 5000):
            library.load({"movies": data["movies"][start:start + 5000]})
    names = world.release_names(1000)
    (work / "names.json").write_text(json.dumps(names), encoding="utf-8")
    small = World(seed=44, shows=300, movies=200)
    with Library.open(work / "small.db") as library:
        library.load(small.library_json())
    (work / "small-names.json").write_text(json.dumps(small.release_names(1000)), encoding="utf-8")
    with sqlite3.connect(work / "library.db") as db:
        episodes = db.execute("SELECT count(*) FROM episodes").fetchone()[0]
        count = db.execute("SELECT count(*) FROM media_items").fetchone()[0]
    return {"items": count, "episodes": episodes}


def child_scale(work: Path, variant: str) -> dict:
    from mydia_import.identify.match import identify_name
    from mydia_import.identify.parse import ReleaseParser
    from mydia_import.library import Library

    big = variant == "big"
    names = json.loads((work / ("names.json" if big else "small-names.json")).read_text(encoding="utf-8"))
    start = time.perf_counter()
    library = Library.open(work / ("library.db" if big else "small.db"))
    opened = time.perf_counter() - start
    parser = ReleaseParser()
    parser.parse_many(names)  # parsing is not what this measures
    start = time.perf_counter()
    matched = sum(1 for name in names if identify_name(name, (), parser, library).match is not None)
    seconds = time.perf_counter() - start
    scans = _scans(library, names[:50], parser)
    library.close()
    return {"seconds": seconds, "names": len(names), "matched": matched, "open_seconds": opened,
            "table_scans": scans}


def _scans(library, names, parser) -> list[str]:
    """Queries of matching that walk a whole big table instead of an index."""
    from mydia_import.identify.match import identify_name

    seen: dict[str, object] = {}
    with library.db.tracer(lambda sql, params: seen.setdefault(sql, params)):
        for name in names:
            identify_name(name, (), parser, library)
    big = ("media_items", "episodes", "import_titles", "import_aliases", "import_episode_numbers")
    found = []
    for sql, params in seen.items():
        plan = library.db.execute("EXPLAIN QUERY PLAN " + sql, params or ()).fetchall()
        for row in plan:
            detail = row[3]
            if detail.startswith("SCAN") and any(f" {t}" in f" {detail.split()[1]}" for t in big):
                found.append(f"{detail}: {' '.join(sql.split())[:80]}")
    return found


# --- 8. identify as a process, against plain guessit -----------------------------------------------


def setup_process(work: Path, size: int) -> dict:
    """2,000 release names whose shows and movies are all in the library, and that library."""
    world = World(seed=7)
    names = world.release_names(size)
    (work / "names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    from mydia_import.library import Library

    with Library.open(work / "pristine.db") as library:
        library.load(world.library_json())
    write_config(work, work / "run.db")
    return {"names": len(names)}


def run_process(work: Path, variant: str) -> dict:
    """One process over the names on stdin: plain guessit, or `mydia-import --json identify -` on a
    fresh copy of the library (cold) and again on the copy the cold run left (warm)."""
    names = (work / "names.txt").read_bytes()
    if variant == "guessit":
        command = [sys.executable, "-c", "import sys\nfrom guessit import guessit\n"
                   "for line in sys.stdin:\n    line.strip() and guessit(line.strip())\n"]
    else:
        if variant == "cold":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work / 'run.db'}{suffix}").unlink(missing_ok=True)
            shutil.copy(work / "pristine.db", work / "run.db")
        script = Path(sys.executable).parent / "mydia-import"
        command = [str(script)] if script.exists() else [sys.executable, "-m", "mydia_import"]
        command += ["--json", "identify", "-"]
    env = {**os.environ, "MYDIA_IMPORT_CONFIG": str(work / "config.toml")}
    start = time.perf_counter()
    process = subprocess.run(command, input=names, capture_output=True, env=env)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{variant}: {process.returncode} {process.stderr.decode()[-500:]}")
    matched = None
    if variant != "guessit":
        matched = sum(1 for n in json.loads(process.stdout)["names"] if n["media_item"])
    return {"seconds": seconds, "names": names.count(b"\n"), "matched": matched}
