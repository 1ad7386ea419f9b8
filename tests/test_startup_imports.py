"""Start-up: what a short run imports. Heavy libraries load where they are needed, so that
`--version` and a hook that finds nothing to do start fast (the times are in benchmarks/)."""

from __future__ import annotations

import subprocess
import sys

from conftest import write_text

HEAVY = ("typer", "rich", "guessit", "rebulk", "sqlite_utils", "rapidfuzz", "sqlite3")

# Runs the CLI as the console script does, then says which heavy modules were imported.
SCRIPT = f"""
import atexit, sys
atexit.register(lambda: print("IMPORTED", *[m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr))
from mydia_import.cli import main
sys.argv = ["mydia-import", *sys.argv[1:]]
main()
"""


def imported(*args: str, cwd) -> tuple[int, set[str]]:
    run = subprocess.run([sys.executable, "-c", SCRIPT, *args], cwd=cwd, capture_output=True, text=True,
                         timeout=60)
    line = next(line for line in run.stderr.splitlines() if line.startswith("IMPORTED"))
    return run.returncode, set(line.split()[1:])


def test_version_imports_none_of_the_heavy_libraries(tmp_path):
    code, modules = imported("--version", cwd=tmp_path)
    assert code == 0
    assert modules == set()


def test_a_hook_with_nothing_to_do_never_loads_guessit_or_sqlite_utils(workspace):
    release = workspace.downloads / "Some.Release.2020.1080p-GRP"
    write_text(release / "info.nfo", "nothing to import\n")
    code, modules = imported("--config", str(workspace.config), "hook", "qbittorrent", "--content-path",
                             str(release), cwd=workspace.root)
    assert code == 0
    assert {"guessit", "rebulk", "sqlite_utils", "rapidfuzz"}.isdisjoint(modules)
    assert "sqlite3" in modules  # it did open the library, to record the job


def test_an_import_loads_sqlite_utils_for_its_nested_transactions(workspace):
    from conftest import make_episode_release

    make_episode_release(workspace.downloads)
    code, modules = imported("--config", str(workspace.config), "scan", "--mode", "copy", cwd=workspace.root)
    assert code == 0
    assert {"guessit", "sqlite_utils"} <= modules
