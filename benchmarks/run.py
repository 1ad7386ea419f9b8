"""The speed benchmarks of issue 7, with their targets, in one command.

    python benchmarks/run.py            # the full sizes (about 26 minutes on 2 cores)
    python benchmarks/run.py --quick    # smaller sizes (a few minutes)
    python benchmarks/run.py --only identify rescan --runs 5 --json results.json

Each case makes its own data in a temporary folder (benchmarks/generate.py: made-up
release names, download trees and libraries), then measures its variants side by
side: run after run, each variant once per run, each in a fresh process, so that a
busy machine slows them alike. It prints the medians, the ratios between variants of
the same run, and whether each target is met. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import cases  # noqa: E402

GIB = cases.GIB


@dataclass
class Case:
    name: str
    title: str
    setup: Callable[[Path, int], dict]
    sizes: tuple[int, int]  # (full, --quick)
    variants: tuple[str, ...]
    measure: Callable[[Path, str], dict] | None = None  # in this process; else a child process
    runs: int = 3
    once: tuple[str, ...] = ()  # variants measured in the first run only (informative, slow)
    results: dict[str, list[dict]] = field(default_factory=dict)
    info: dict = field(default_factory=dict)


CASES = [
    Case("identify", "1. identification, first scan", cases.setup_identify, (10_000, 1_000),
         ("guessit", "tool", "tool-1-core"), once=("tool-1-core",)),
    Case("rescan", "2. re-scan of an unchanged imported tree", cases.setup_rescan, (10_000, 2_000),
         ("current",)),
    Case("copy", "3. copy of one big file", cases.setup_copy, (GIB, GIB), ("cp", "import", "import-1-byte"),
         measure=cases.run_copy),
    Case("bulk", "4. bulk import, hardlinks", cases.setup_bulk, (5_000, 600), ("identify", "import")),
    Case("startup", "5. start-up", cases.setup_startup, (0, 0), ("version", "hook"), measure=cases.run_startup,
         runs=7),
    Case("memory", "6. memory of a scan", cases.setup_memory, (100_000, 20_000), ("dry-run",), runs=1),
    Case("process", "8. identify as a process", cases.setup_process, (2_000, 2_000), ("guessit", "cold", "warm"),
         measure=cases.run_process, runs=5),
    Case("rescans", "9. re-scan as a process", cases.setup_rescans, (10_000, 2_000),
         tuple(str(n) for n in cases.RESCAN_SIZES), measure=cases.run_rescans, runs=5),
    Case("scale", "7. library scale", cases.setup_scale, (50_000, 10_000), ("small", "big")),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a run of a few minutes")
    parser.add_argument("--only", nargs="+", choices=[c.name for c in CASES], help="run only these cases")
    parser.add_argument("--runs", type=int, help="runs of each variant (default: 3; start-up 7; memory 1)")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--child", nargs=3, metavar=("CASE", "VARIANT", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, variant, folder = args.child
        result = getattr(cases, f"child_{name}")(Path(folder), variant)
        print("RESULT " + json.dumps(result))
        return 0

    chosen = [c for c in CASES if not args.only or c.name in args.only]
    work = Path(tempfile.mkdtemp(prefix="mydia-bench-"))
    started = time.perf_counter()
    try:
        for case in chosen:
            _run_case(case, work / case.name, quick=args.quick, runs=args.runs)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print(_table(chosen, quick=args.quick, elapsed=elapsed))
    if args.json:
        args.json.write_text(json.dumps({c.name: {"info": c.info, "results": c.results} for c in chosen},
                                        indent=1, default=str), encoding="utf-8")
    return 0


def _run_case(case: Case, folder: Path, *, quick: bool, runs: int | None) -> None:
    folder.mkdir(parents=True)
    size = case.sizes[1] if quick else case.sizes[0]
    print(f"{case.title}: setting up ({size:,})", file=sys.stderr, flush=True)
    start = time.perf_counter()
    case.info = _in_child_setup(case.name, folder, size)
    case.info["setup_seconds"] = round(time.perf_counter() - start, 1)
    count = runs or case.runs
    for n in range(count):
        for variant in case.variants:
            if n > 0 and variant in case.once:
                continue
            if case.measure is not None:
                result = case.measure(folder, variant)
            else:
                result = _child(case.name, variant, folder)
            case.results.setdefault(variant, []).append(result)
            shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()
                     if not isinstance(v, list | dict)}
            print(f"  run {n + 1}/{count} {variant}: {shown}", file=sys.stderr, flush=True)
    shutil.rmtree(folder, ignore_errors=True)


def _in_child_setup(name: str, folder: Path, size: int) -> dict:
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import cases; "
            "from pathlib import Path; "
            "print('RESULT ' + json.dumps(getattr(cases, 'setup_' + sys.argv[2])(Path(sys.argv[3]), "
            "int(sys.argv[4]))))")
    return _result_of([sys.executable, "-c", code, str(BENCH), name, str(folder), str(size)])


def _child(name: str, variant: str, folder: Path) -> dict:
    return _result_of([sys.executable, str(BENCH / "run.py"), "--child", name, variant, str(folder)])


def _result_of(command: list[str]) -> dict:
    process = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    lines = [line for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(command[:6])} failed ({process.returncode}):\n{process.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


# --- the table ---------------------------------------------------------------------------------


def _median(case: Case, variant: str, key: str = "seconds") -> float:
    return statistics.median(r[key] for r in case.results[variant])


def _rate(case: Case, variant: str, count_key: str) -> float:
    """Items per second of the median run."""
    return statistics.median(r[count_key] / r["seconds"] for r in case.results[variant])


def _rows(case: Case) -> list[tuple[str, str, str, str]]:
    """(measure, result, target, met) rows of one case."""
    info = case.info
    if case.name == "identify":
        plain = _rate(case, "guessit", "names")
        tool = _rate(case, "tool", "names")
        one = _rate(case, "tool-1-core", "names")
        ratio = tool / plain
        return [
            (f"{info['names']:,} names: plain guessit, 1 process", f"{plain:.0f} names/s", "", ""),
            ("the tool's parser, 1 process (excludes, each name once)", f"{one:.0f} names/s ({one / plain:.2f}×)",
             "", ""),
            (f"the tool's first scan ({_cores()} cores: excludes, pool, cache writes)",
             f"{tool:.0f} names/s ({ratio:.2f}×)", "≥ 2.5× guessit", _met(ratio >= 2.5)),
        ]
    if case.name == "rescan":
        current = _median(case, "current")
        guessit = any(r["guessit_imported"] for v in case.results.values() for r in v)
        files = case.results["current"][0]["files"]
        return [
            (f"{info['files']:,} files ({files:,} looked at), importer.run, scan, real run",
             f"{current:.2f} s", "≤ 1 s", _met(current <= 1)),
            ("guessit imported during a re-scan", "yes" if guessit else "no", "no", _met(not guessit)),
        ]
    if case.name == "copy":
        cp = _median(case, "cp")
        big = _median(case, "import")
        small = _median(case, "import-1-byte")
        ratio = (big - small) / cp
        return [
            (f"{info['bytes'] / GIB:.0f} GiB: cp + fsync", f"{cp:.2f} s", "", ""),
            ("mydia-import import --mode copy, progress view, 1 GiB / 1 byte", f"{big:.2f} s / {small:.2f} s", "", ""),
            ("(import − fixed cost) ÷ cp", f"{ratio:.2f}", "≤ 1.05", _met(ratio <= 1.05)),
        ]
    if case.name == "bulk":
        names = _rate(case, "identify", "names")
        rows = [(f"{info['files']:,} episode files ({info['releases']} releases): identification alone "
                 "(parse with the pool, match)", f"{names:.0f} names/s", "", "")]
        files = _rate(case, "import", "files")
        rows.append(("whole import, discover → record", f"{files:.0f} files/s ({files / names:.2f} of identification)",
                     "≥ 0.8", _met(files / names >= 0.8)))
        return rows
    if case.name == "process":
        plain = _median(case, "guessit")
        cold, warm = _median(case, "cold"), _median(case, "warm")
        matched = case.results["cold"][0]["matched"]
        return [
            (f"{info['names']:,} names: plain guessit, one process (import included)", f"{plain:.2f} s", "", ""),
            (f"`mydia-import --json identify -`, cold (empty parse cache; {matched:,} matched)",
             f"{cold:.2f} s ({plain / cold:.2f}×)", "≥ 5× guessit", _met(plain / cold >= 5)),
            ("the same, second run (warm parse cache)", f"{warm:.2f} s ({plain / warm:.2f}×)", "≥ 20× guessit",
             _met(plain / warm >= 20)),
        ]
    if case.name == "rescans":
        rows = []
        for variant, target in zip(case.variants, (0.3, 0.6), strict=True):
            seconds = _median(case, variant)
            files = case.results[variant][0]["files"]
            rows.append((f"`mydia-import --json scan DIR`, {info[variant]:,} unchanged files ({files:,} reported), "
                         "start-up included", f"{seconds:.2f} s", f"≤ {target} s", _met(seconds <= target)))
        return rows
    if case.name == "startup":
        version = _median(case, "version")
        hook = _median(case, "hook")
        return [("mydia-import --version", f"{version:.3f} s", "≤ 0.2 s", _met(version <= 0.2)),
                ("hook qbittorrent, nothing to do", f"{hook:.3f} s", "≤ 0.5 s", _met(hook <= 0.5))]
    if case.name == "memory":
        peak = _median(case, "dry-run", "peak_mb")
        seconds = _median(case, "dry-run")
        reported = case.results["dry-run"][0]["reported"]
        return [
            (f"`scan --dry-run --json` of {info['files']:,} files in {info['releases']:,} releases, cold parse "
             f"cache ({reported:,} files reported; {seconds:.0f} s)", f"{peak:.0f} MB peak RSS", "≤ 200 MB",
             _met(peak <= 200)),
        ]
    if case.name == "scale":
        small = _median(case, "small") / case.results["small"][0]["names"] * 1000
        big = _median(case, "big") / case.results["big"][0]["names"] * 1000
        scans = case.results["big"][0]["table_scans"]
        opened = _median(case, "big", "open_seconds")
        matched = case.results["big"][0]["matched"] / case.results["big"][0]["names"]
        return [
            ("matching, small library (500 items)", f"{small:.2f} ms/name", "", ""),
            (f"matching, {info['items']:,} items / {info['episodes']:,} episodes ({matched:.0%} matched)",
             f"{big:.2f} ms/name", "≤ 1 ms", _met(big <= 1)),
            ("queries that scan a big table", str(len(scans)) if scans else "none", "none", _met(not scans)),
            ("opening that library", f"{opened:.3f} s", "", ""),
        ]
    raise AssertionError(case.name)


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _table(chosen: list[Case], *, quick: bool, elapsed: float) -> str:
    lines = [
        f"mydia-import benchmarks{' (--quick)' if quick else ''}: {_cores()} cores, Python "
        f"{platform.python_version()}, {platform.machine()}; medians of {_runs(chosen)} runs; "
        f"{elapsed / 60:.1f} min in all",
        "",
        "| case | measure | result | target | |",
        "|---|---|---|---|---|",
    ]
    for case in chosen:
        for i, (measure, result, target, met) in enumerate(_rows(case)):
            lines.append(f"| {case.title if i == 0 else ''} | {measure} | {result} | {target} | {met} |")
    return "\n".join(lines)


def _runs(chosen: list[Case]) -> str:
    counts = sorted({max(len(r) for r in c.results.values()) for c in chosen if c.results})
    return "/".join(str(n) for n in counts) or "0"


if __name__ == "__main__":
    sys.exit(main())
