"""Crash points for the tests that kill a real run (SIGKILL) at a chosen step.

`point("copy-chunk")` does nothing unless the environment variable
MYDIA_IMPORT_TEST_CRASH names that point (`copy-chunk`, or `copy-chunk:3` for
its third passage): then the process kills itself on the spot, as a power cut
or the OOM killer would, with no cleanup and no `finally`. The variable's name
is not a config key (there is no [test] section), and nothing sets it but the
tests (tests/test_safety_crash.py). The points are listed in
docs/explanation/safety.md.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "MYDIA_IMPORT_TEST_CRASH"
_passes: dict[str, int] = {}


def point(name: str) -> None:
    wanted = os.environ.get(VARIABLE)
    if not wanted:
        return
    target, _, count = wanted.partition(":")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
