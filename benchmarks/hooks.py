"""A hundred hooks at once: qBittorrent finishing a 100-episode batch starts 100 hook processes
within a second, each for one episode, all writing to one nearly full log file.

Checks: every hook exits 0 with no lock error and no traceback; each episode is imported once
(one `done` transfer, one media_files row); every line of the log before the batch and every
hook's lines are still in the log or its backups (none lost at a rotation). Prints the time the
batch took.

    python benchmarks/hooks.py --hooks 100
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mydia_import.library import Library

LOG_MAX = 1_000_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hooks", type=int, default=100)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mydia-hooks-") as folder:
        root = Path(folder)
        downloads, library, log = root / "downloads", root / "library", root / "mydia-import.log"
        (library / "TV").mkdir(parents=True)
        (library / "Movies").mkdir()
        config = root / "config.toml"
        config.write_text("\n".join([
            "[library]", f"database = {json.dumps(str(root / 'library.db'))}",
            f"movies = {json.dumps(str(library / 'Movies'))}", f"tv = {json.dumps(str(library / 'TV'))}",
            "", "[import]", 'mode = "hardlink"', "min_age = 0", "",
            "[log]", f"file = {json.dumps(str(log))}", f"max_bytes = {LOG_MAX}", "backups = 3", ""]))
        seasons = (args.hooks + 9) // 10
        show = {"title": "Harbor Lights", "year": 2010, "episodes": [
            {"season": s, "episode": e, "title": f"Chapter {s}-{e}"}
            for s in range(1, seasons + 1) for e in range(1, 11)]}
        catalog = root / "catalog.json"
        catalog.write_text(json.dumps({"shows": [show]}))
        tool = [sys.executable, "-m", "mydia_import", "--config", str(config)]
        Library.open(root / "library.db", create=True).close()  # what `init` does to the database
        subprocess.run([*tool, "library", "load", str(catalog)], check=True, capture_output=True)
        episodes = []
        for n in range(args.hooks):
            name = f"Harbor.Lights.S{n // 10 + 1:02d}E{n % 10 + 1:02d}.720p.WEB-DL.x264-NTb"
            (downloads / name).mkdir(parents=True)
            (downloads / name / f"{name}.mkv").write_bytes(os.urandom(64 * 1024))
            episodes.append(downloads / name)
        older = 0
        with open(log, "w", encoding="utf-8") as f:  # a log a few lines short of its rotation
            while f.tell() < LOG_MAX - 2_000:
                f.write(f"2024-01-01 00:00:00,000 1 INFO older line {older}\n")
                older += 1
        started = time.monotonic()
        processes = [subprocess.Popen([*tool, "hook", "qbittorrent", "--content-path", str(e), "--name", e.name],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for e in episodes]
        spawned = time.monotonic() - started
        outputs = [p.communicate(timeout=1200) for p in processes]
        took = time.monotonic() - started
        problems = [f"hook {i}: exit {p.returncode}: {err.strip()[:300]}" for i, (p, (_, err)) in
                    enumerate(zip(processes, outputs, strict=True))
                    if p.returncode != 0 or "locked" in err or "Traceback" in err]
        with sqlite3.connect(root / "library.db") as db:
            rows = db.execute("SELECT count(*), count(DISTINCT relative_path) FROM media_files").fetchone()
            done = db.execute("SELECT source, count(*) FROM import_transfers WHERE state = 'done' "
                              "GROUP BY source").fetchall()
        if rows != (args.hooks, args.hooks) or len(done) != args.hooks or any(n != 1 for _, n in done):
            problems.append(f"media_files rows {rows}, sources imported {len(done)}, "
                            f"imported twice {[s for s, n in done if n != 1][:3]}")
        text = "".join(p.read_text(encoding="utf-8") for p in root.glob("mydia-import.log*"))
        lost = [n for n in range(older) if f" older line {n}\n" not in text]
        silent = [e.name for e in episodes if f"{e.name}.mkv" not in text]
        if lost or silent:
            problems.append(f"log: {len(lost)} older lines lost, {len(silent)} hooks without their lines")
        print(f"{args.hooks} hooks started in {spawned:.2f} s, all finished in {took:.1f} s; "
              f"{rows[0]} files recorded; log: {older} older lines kept, "
              f"{args.hooks - len(silent)} hooks' lines present")
        for problem in problems:
            print(f"FAILED: {problem}")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
