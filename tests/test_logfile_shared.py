"""The log file shared by many hooks at once: rotated once for all of them, no line lost.

Each process opens the log, then all write together into a log that is nearly full, as sixty
hooks started by one finished batch do. stdlib's rotating handler rotated again in every
process that still held the old file, pushing thousands of lines out of the backups."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from mydia_import.integrations.logfile import RunLog

PROCESSES, LINES = 40, 10
MAX_BYTES, BACKUPS = 20_000, 3

CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from mydia_import.integrations.logfile import RunLog
    log = RunLog(Path(sys.argv[1]), max_bytes=int(sys.argv[2]), backups=int(sys.argv[3]))
    Path(sys.argv[4], f"ready-{os.getpid()}").touch()
    while not Path(sys.argv[4], "go").exists():  # every process holds the log open before any writes
        time.sleep(0.01)
    for n in range(int(sys.argv[5])):
        log.info(f"process {sys.argv[6]} line {n}")
    log.close()
""")


def all_lines(log: Path) -> list[str]:
    files = [log] + [log.with_name(f"{log.name}.{n}") for n in range(1, BACKUPS + 1)]
    return [line for f in files if f.exists() for line in f.read_text(encoding="utf-8").splitlines()]


def test_many_processes_writing_one_nearly_full_log_lose_no_line_at_its_rotation(tmp_path):
    log, flags = tmp_path / "mydia-import.log", tmp_path / "flags"
    flags.mkdir()
    early = RunLog(log, max_bytes=MAX_BYTES, backups=BACKUPS)
    n = 0
    while log.stat().st_size < MAX_BYTES - 500:  # older lines, nearly filling the log
        early.info(f"older line {n}")
        n += 1
    early.close()
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(log), str(MAX_BYTES), str(BACKUPS), str(flags),
                                  str(LINES), str(i)]) for i in range(PROCESSES)]
    try:
        while len(list(flags.iterdir())) < PROCESSES:
            assert all(c.poll() is None for c in children), "a writer died before writing"
            time.sleep(0.01)
        (flags / "go").touch()
    finally:
        codes = [c.wait(timeout=120) for c in children]
    assert codes == [0] * PROCESSES
    lines = all_lines(log)
    written = [f"process {i} line {k}" for i in range(PROCESSES) for k in range(LINES)]
    for text in written + [f"older line {k}" for k in range(n)]:
        assert sum(line.endswith(f" INFO {text}") for line in lines) == 1, text
    # The lines fit in the log and its backups: no more than a few rotations were needed.
    assert len(lines) == len(written) + n


def test_a_log_rotated_by_another_process_is_followed_not_rotated_again(tmp_path):
    log = tmp_path / "mydia-import.log"
    first = RunLog(log, max_bytes=1_000, backups=5)
    second = RunLog(log, max_bytes=1_000, backups=5)
    for n in range(40):  # the first rotates several times; the second must follow, never rotate
        first.info(f"first {n} " + "x" * 40)
    second.info("second writes to the current file")
    first.close()
    second.close()
    assert "second writes to the current file" in log.read_text(encoding="utf-8")
    assert sum(len(f.read_text().splitlines()) for f in tmp_path.iterdir()) == 41
