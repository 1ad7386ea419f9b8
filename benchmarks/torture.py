"""Random kill points: SIGKILL a real 200-file scan at random instants, rerun it, check everything.

The crash tests (tests/test_safety_crash.py) kill a run at the points the code names; this kills
it at instants nobody chose, by time. For each mode (copy, move across filesystems, hardlink):

1. a template world is built once: a catalog of 50 movies and 5 shows, ~200 files to import
   (videos, `.en.srt` and `Subs/English.srt` subtitles, a few 24 MiB videos so that kills land
   inside copies, and 10 upgrades of films already in the library, half under another
   container so that the old file is retired); the parse cache is warmed so that a run spends
   its time importing, not parsing;
2. a reference run imports a fresh copy of the world without interruption: its duration T sets
   the kill instants, its end state is what every killed world must end in;
3. each kill: a fresh copy of the world, `scan` started and SIGKILLed at a random instant in
   [0, T], then checked (the data of every file complete in one place at least, nothing short at
   a final name), then `scan` again to completion, then checked in full:
   - every source's bytes (sha256) exist complete at the source or in the library;
   - no temporary file (`*.mydia-part`) anywhere;
   - every file in the library is complete (its hash is one of a source's or an old library file's);
   - the database agrees with the disk: a media_files row for each library video and a video for
     each row, no journal entry `started`, no job `running`;
   - each source imported exactly once (one `done` transfer), as in the reference run;
   - the library holds what the reference run left, file for file.

A failure prints its seed and iteration, and the command that replays it (the instant is drawn
from the seed; a replay lands near, not exactly at, the same step since runs vary in speed).

    python benchmarks/torture.py --kills 50                 # all three modes
    python benchmarks/torture.py --mode move --kills 10 --seed 7
    python benchmarks/torture.py --mode copy --seed 7 --start 23 --kills 1   # replay one

Exit code 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mydia_import.library import Library

KIB, MIB = 1024, 1024 * 1024
MODES = ("copy", "move", "hardlink")
WORDS = ("Amber Anchor Arrow Badger Beacon Birch Blade Bloom Bridge Canyon Cedar Cipher Comet Copper Coral "
         "Crimson Crystal Dagger Delta Desert Ember Falcon Feather Forge Frost Garden Glacier Granite Harbor "
         "Harvest Haven Hollow Island Ivory Jasper Juniper Kestrel Lantern Lotus Marble Meadow Mercury Mirror "
         "Monarch Nebula Oasis Orchid Pebble Phoenix Prairie Quartz Raven Ridge Saffron Sparrow Summit").split()
MOVIES, SHOWS, SEASONS, EPISODES = 50, 5, 2, 10
UPGRADES = 10  # the first movies have an older, worse file in the library
BIG = (3, 17, 31, 44)  # movies whose video is 24 MiB: three copy chunks, room for a kill inside
TRANSFERS = ("copy", "move", "hardlink", "symlink", "reflink")


class Failed(Exception):
    pass


@dataclass
class World:
    """One mode's folders: the template, and the world each kill works on (same absolute paths,
    since the database stores them)."""

    mode: str
    base: Path  # holds template/ and world/, and for `move` the library goes to a second filesystem
    library_base: Path
    hashes: dict[str, str] = field(default_factory=dict)  # every source's relative path -> sha256
    old_hashes: set[str] = field(default_factory=set)  # the library's files before the scan
    reference: dict = field(default_factory=dict)
    duration: float = 0.0

    @property
    def root(self) -> Path:
        return self.base / "world"

    @property
    def library(self) -> Path:
        return self.library_base / "world"

    @property
    def downloads(self) -> Path:
        return self.root / "downloads"

    @property
    def db(self) -> Path:
        return self.root / "library.db"

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "mydia_import", "--config", str(self.config), *args],
                                capture_output=True, text=True, cwd=self.root, timeout=600)
        if check and (result.returncode != 0 or "Traceback" in result.stderr):
            raise Failed(f"{' '.join(args)} exited {result.returncode}:\n"
                         f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result

    def scan_command(self) -> list[str]:
        return [sys.executable, "-m", "mydia_import", "--config", str(self.config), "scan",
                "--mode", self.mode, "--conflict", "upgrade"]

    # --- the template ---------------------------------------------------------------------------

    def build(self) -> None:
        for folder in (self.base / "template", self.library_base / "template"):
            shutil.rmtree(folder, ignore_errors=True)
        self._clear_world()
        self.root.mkdir(parents=True)
        (self.library / "Movies").mkdir(parents=True)
        (self.library / "TV").mkdir(parents=True)
        self.config.write_text("\n".join([
            "[library]", f"database = {json.dumps(str(self.db))}",
            f"movies = {json.dumps(str(self.library / 'Movies'))}", f"tv = {json.dumps(str(self.library / 'TV'))}",
            "", "[downloads]", f"path = {json.dumps(str(self.downloads))}",
            "", "[import]", f'mode = "{self.mode}"', 'conflict = "upgrade"', "min_age = 0", "min_free_mb = 0", "",
        ]))
        catalog = self.root / "catalog.json"
        catalog.write_text(json.dumps(_catalog()))
        Library.open(self.db, create=True).close()  # what `init` does to the database
        self.run("library", "load", str(catalog))
        old = self.root / "old"  # the worse files already in the library, outside the downloads
        for i in range(UPGRADES):
            title, year = _movie(i)
            name = f"{title.replace(' ', '.')}.{year}.720p.HDTV.x264-OLD"
            ext = ".mkv" if i % 2 == 0 else ".mp4"  # another container: retired, not displaced
            _write(old / name / f"{name}{ext}", 40 * KIB + i)
            (old / name / f"{name}.en.srt").write_text(f"1\n00:00:01,000 --> 00:00:02,000\nold {title}\n")
            self.run("import", str(old / name), "--mode", "copy")
        _make_downloads(self.downloads)
        self.hashes = {str(p.relative_to(self.downloads)): _sha(p) for p in _files(self.downloads)}
        self.old_hashes = {_sha(p) for p in _files(self.library)}
        self._save_template()
        # The first reference run parses every name; its parse cache goes into the template.
        self.restore()
        self.run(*self.scan_command()[5:])
        with sqlite3.connect(self.base / "template" / "library.db") as template:
            template.execute("ATTACH ? AS done", [str(self.db)])
            template.execute("INSERT OR REPLACE INTO import_parse_cache SELECT * FROM done.import_parse_cache")
            template.commit()
            template.execute("DETACH done")
        # The timed reference: the state every killed world must end in.
        self.restore()
        started = time.monotonic()
        self.run(*self.scan_command()[5:])
        self.duration = time.monotonic() - started
        self.reference = self.state()
        self.check_final(self.reference, reference=True)

    def _save_template(self) -> None:
        shutil.copytree(self.root, self.base / "template", symlinks=True)
        shutil.copytree(self.library, self.library_base / "template", symlinks=True)

    def _clear_world(self) -> None:
        for folder in (self.root, self.library):
            if folder.exists():
                shutil.rmtree(folder)

    def restore(self) -> None:
        """A fresh world: the template at the world's paths."""
        self._clear_world()
        shutil.copytree(self.base / "template", self.root, symlinks=True)
        shutil.copytree(self.library_base / "template", self.library, symlinks=True)

    # --- what a world holds ---------------------------------------------------------------------

    def state(self) -> dict:
        # Temporary files are not at a final name (and a kill may leave one: `_no_temp_files`).
        library = {str(p.relative_to(self.library)): _sha(p) for p in _files(self.library)
                   if not p.name.endswith(".mydia-part")}
        return {
            "library": {p: h for p, h in library.items() if "/.mydia-recycle/" not in f"/{p}"},
            "recycled": sorted(h for p, h in library.items() if "/.mydia-recycle/" in f"/{p}"),
            "downloads": {str(p.relative_to(self.downloads)): _sha(p) for p in _files(self.downloads)},
        }

    def check_after_kill(self) -> None:
        """Right after the kill, before anything settles it: nothing lost, nothing short at a final
        name (a temporary file may be left: the next run removes it)."""
        state = self.state()
        self._complete_somewhere(state)
        self._library_files_complete(state)

    def check_final(self, state: dict, reference: bool = False) -> None:
        self._no_temp_files()
        self._complete_somewhere(state)
        self._library_files_complete(state)
        self._database_agrees(state)
        self._imported_once(reference)
        if not reference:
            _same(state["library"], self.reference["library"], "the library")
            _same(Counter(state["recycled"]), Counter(self.reference["recycled"]), "the recycle folder")
            _same(state["downloads"], self.reference["downloads"], "what is left in the downloads")

    def _no_temp_files(self) -> None:
        temps = [str(p) for folder in (self.downloads, self.library) for p in _files(folder)
                 if p.name.endswith(".mydia-part")]
        if temps:
            raise Failed(f"temporary files left: {temps[:5]}")

    def _complete_somewhere(self, state: dict) -> None:
        everywhere = set(state["library"].values()) | set(state["recycled"])
        for relative, digest in self.hashes.items():
            if state["downloads"].get(relative) != digest and digest not in everywhere:
                raise Failed(f"{relative}: its bytes are complete nowhere (not at its source, not in the library)")
        for digest in self.old_hashes:
            if digest not in everywhere:
                raise Failed(f"a library file that was there before the scan is gone (sha256 {digest[:12]})")

    def _library_files_complete(self, state: dict) -> None:
        known = set(self.hashes.values()) | self.old_hashes
        for relative, digest in state["library"].items():
            if digest not in known:
                size = (self.library / relative).stat().st_size
                raise Failed(f"{relative} ({size} bytes) at its final name is no complete source file")

    def _database_agrees(self, state: dict) -> None:
        with sqlite3.connect(self.db) as db:
            rows = db.execute("SELECT p.path, f.relative_path, f.size FROM media_files f "
                              "JOIN library_paths p ON p.id = f.library_path_id").fetchall()
            started = db.execute("SELECT source FROM import_transfers WHERE state = 'started'").fetchall()
            running = db.execute("SELECT id FROM import_jobs WHERE status = 'running'").fetchall()
        recorded = {}
        for root, relative, size in rows:
            path = Path(root) / relative
            recorded[str(path.relative_to(self.library))] = size
            if not path.is_file() or path.stat().st_size != size:
                raise Failed(f"media_files row without its file (or with another size): {path}")
        videos = {p for p in state["library"] if Path(p).suffix in (".mkv", ".mp4")}
        if videos != set(recorded):
            raise Failed(f"library videos without a row: {sorted(videos - set(recorded))[:5]}; "
                         f"rows without a video: {sorted(set(recorded) - videos)[:5]}")
        if started or running:
            raise Failed(f"left open: {len(started)} journal entries started, {len(running)} jobs running")

    def _imported_once(self, reference: bool) -> None:
        with sqlite3.connect(self.db) as db:
            rows = db.execute(
                "SELECT source, count(*) FROM import_transfers WHERE state = 'done' AND operation IN "
                f"({', '.join('?' for _ in TRANSFERS)}) GROUP BY source", TRANSFERS).fetchall()
        twice = [source for source, n in rows if n > 1]
        if twice:
            raise Failed(f"imported more than once: {twice[:5]}")
        imported = {str(Path(source).relative_to(self.downloads)) for source, _ in rows
                    if Path(source).is_relative_to(self.downloads)}
        if reference:
            self.reference["imported"] = imported
        elif imported != self.reference["imported"]:
            raise Failed(f"not imported: {sorted(self.reference['imported'] - imported)[:5]}; "
                         f"imported unlike the reference: {sorted(imported - self.reference['imported'])[:5]}")

    # --- one kill ---------------------------------------------------------------------------------

    def kill_and_rerun(self, rng: random.Random) -> tuple[bool, float]:
        """Returns whether the kill landed (the run was still going) and its instant."""
        self.restore()
        instant = rng.uniform(0, self.duration)
        process = subprocess.Popen(self.scan_command(), cwd=self.root, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        started = time.monotonic()
        time.sleep(instant)
        landed = process.poll() is None
        if landed:
            os.killpg(process.pid, signal.SIGKILL)  # the run and anything it started, with no cleanup
        _, stderr = process.communicate(timeout=600)
        if not landed:  # runs vary in speed: the instants are drawn from the fastest seen
            self.duration = min(self.duration, time.monotonic() - started)
        if not landed and (process.returncode != 0 or "Traceback" in stderr):
            raise Failed(f"the unkilled run exited {process.returncode}: {stderr[-2000:]}")
        self.check_after_kill()
        result = self.run(*self.scan_command()[5:])
        if "Traceback" in result.stderr:
            raise Failed(result.stderr)
        self.check_final(self.state())
        return landed, instant


# --- the world's contents -------------------------------------------------------------------------


def _movie(i: int) -> tuple[str, int]:
    return f"{WORDS[i % len(WORDS)]} {WORDS[(i * 7 + 3) % len(WORDS)]}", 1980 + i


def _show(i: int) -> tuple[str, int]:
    return f"The {WORDS[(i * 11 + 5) % len(WORDS)]} {['Files', 'Station', 'Society', 'Road', 'Hour'][i]}", 2001 + i


def _catalog() -> dict:
    movies = [{"title": t, "year": y} for t, y in map(_movie, range(MOVIES))]
    shows = [{"title": t, "year": y, "episodes": [
        {"season": s, "episode": e, "title": f"Episode {s}-{e}"}
        for s in range(1, SEASONS + 1) for e in range(1, EPISODES + 1)]} for t, y in map(_show, range(SHOWS))]
    return {"movies": movies, "shows": shows}


def _make_downloads(downloads: Path) -> None:
    for i in range(MOVIES):
        title, year = _movie(i)
        name = f"{title.replace(' ', '.')}.{year}.1080p.BluRay.x264-GRP"
        _write(downloads / name / f"{name}.mkv", 24 * MIB if i in BIG else (48 + i) * KIB)
        text = f"1\n00:00:01,000 --> 00:00:02,000\n{title}\n"
        if i % 3 == 0:
            (downloads / name / f"{name}.en.srt").write_text(text)
        elif i % 3 == 1:
            (downloads / name / "Subs").mkdir()
            (downloads / name / "Subs" / "English.srt").write_text(text)
    for i in range(SHOWS):
        title, _ = _show(i)
        dotted = title.replace(" ", ".")
        for season in range(1, SEASONS + 1):
            pack = downloads / f"{dotted}.S{season:02d}.720p.WEB-DL.x264-NTb"
            for episode in range(1, EPISODES + 1):
                name = f"{dotted}.S{season:02d}E{episode:02d}.720p.WEB-DL.x264-NTb"
                _write(pack / f"{name}.mkv", (40 + episode + 10 * i) * KIB)
                if i < 2 and season == 1:
                    (pack / f"{name}.en.srt").write_text(f"1\n00:00:01,000 --> 00:00:02,000\n{name}\n")


def _write(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))


def _files(folder: Path) -> list[Path]:
    return sorted(Path(d) / f for d, _, names in os.walk(folder) for f in names) if folder.exists() else []


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


def _same(found, expected, what: str) -> None:
    if found != expected:
        if isinstance(found, dict):
            missing = sorted(k for k in expected if found.get(k) != expected[k])[:5]
            extra = sorted(k for k in found if k not in expected)[:5]
            raise Failed(f"{what} differs from the reference run: missing or different {missing}, extra {extra}")
        raise Failed(f"{what} differs from the reference run")


# --- the command ----------------------------------------------------------------------------------


def torture(mode: str, kills: int, seed: int, start: int, work: Path, out=print) -> dict:
    """Kill `kills` runs of `mode`; returns the figures. Raises Failed with the replay command."""
    library_base = work / mode / "library"
    if mode == "move":  # the library on another filesystem: a move is a copy, then the source goes
        shm = Path("/dev/shm")
        if not (shm.is_dir() and os.access(shm, os.W_OK)) or shm.stat().st_dev == work.stat().st_dev:
            raise Failed("no writable /dev/shm on a second filesystem for --mode move")
        library_base = Path(tempfile.mkdtemp(prefix="mydia-torture-", dir=shm))
    world = World(mode, work / mode, library_base)
    try:
        world.build()
        out(f"{mode}: {len(world.hashes)} files to import, reference scan {world.duration:.1f} s")
        landed = finished = 0
        iteration = start
        started = time.monotonic()
        while landed < kills:
            if iteration - start > kills * 3:
                raise Failed(f"only {landed} of {iteration - start} kills landed before the run finished")
            rng = random.Random(f"{seed}:{mode}:{iteration}")
            try:
                hit, instant = world.kill_and_rerun(rng)
            except Failed as failure:
                raise Failed(f"{mode}, seed {seed}, iteration {iteration}: {failure}\nreplay: python "
                             f"benchmarks/torture.py --mode {mode} --seed {seed} --start {iteration} --kills 1"
                             ) from None
            landed += hit
            finished += not hit
            iteration += 1
            out(f"  {mode} #{iteration - start}: {'killed' if hit else 'finished before'} at {instant:.2f} s, "
                "rerun checked")
        return {"mode": mode, "files": len(world.hashes), "kills": landed, "finished_before_kill": finished,
                "reference_seconds": round(world.duration, 2), "seconds": round(time.monotonic() - started, 1)}
    finally:
        shutil.rmtree(work / mode, ignore_errors=True)
        if mode == "move":
            shutil.rmtree(library_base, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=[*MODES, "all"], default="all")
    parser.add_argument("--kills", type=int, default=50, help="kills that land, per mode")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    parser.add_argument("--start", type=int, default=0, help="the first iteration (to replay a failure)")
    parser.add_argument("--work", type=Path, default=None, help="a folder for the worlds (default: a temp folder)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    print(f"seed {seed}", flush=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="mydia-torture-"))
    work.mkdir(parents=True, exist_ok=True)
    figures = []
    try:
        for mode in (MODES if args.mode == "all" else (args.mode,)):
            figures.append(torture(mode, args.kills, seed, args.start, work,
                                   out=lambda text: print(text, flush=True)))
    except Failed as failure:
        print(f"FAILED: {failure}", flush=True)
        return 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    for f in figures:
        print(f"{f['mode']}: {f['kills']} kills survived ({f['finished_before_kill']} runs finished before "
              f"their kill), {f['files']} files, reference scan {f['reference_seconds']} s, {f['seconds']} s in all")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
