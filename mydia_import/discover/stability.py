"""Filters after discovery: files still being written, and links out of the downloads.

Discovery already skips names that say "unfinished" (`.!qB`, `.part`, ...).
A blind scan also defers a file whose mtime is less than `[import] min_age`
seconds old (or whose size changed since discovery looked): a client that
writes in place, an unpacker or a copy into the downloads folder is still at
work. Deferred files are not expected yet (a run that only defers has nothing
to do) and the next scan imports them. `import PATH` and the hooks name a
download their client reports finished, so the importer gives them no delay.

A symlink under a download path whose target lies outside that path is
refused for every mode: following it would copy, link or move a file from
anywhere on the machine into the library (a torrent can carry symlinks).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mydia_import import decisions as rules
from mydia_import.decisions import Decision
from mydia_import.models import Candidate
from mydia_import.pathtext import display


def check(candidates: Sequence[Candidate], roots: Sequence[Path], *, min_age: float,
          now: float | None = None) -> list[Candidate]:
    now = time.time() if now is None else now
    real_roots = [(root, os.path.realpath(root)) for root in roots]
    return [_checked(c, real_roots, min_age, now) if c.skip_reason is None else c for c in candidates]


def _checked(c: Candidate, roots: list[tuple[Path, str]], min_age: float, now: float) -> Candidate:
    escape = _escapes(c.path, roots)
    if escape is not None:
        return replace(c, why=escape)
    if min_age <= 0:
        return c
    try:
        st = os.stat(c.path)
    except OSError:
        return c  # gone or unreadable: planning and the transfer say so
    age = now - st.st_mtime
    if st.st_size != c.size:
        why = f"its size changed while this run looked at it ({c.size} then {st.st_size} bytes)"
    elif abs(age) < min_age:
        why = f"it was modified {max(age, 0):.0f} s ago" if age >= 0 else "its modification time is in the future"
    else:
        return c
    return replace(c, expected=False, why=rules.still_being_written(why, min_age))


def _escapes(path: Path, roots: list[tuple[Path, str]]) -> Decision | None:
    """Why a file is refused because it is a link out of its download path, or None."""
    root = next(((given, real) for given, real in roots if path == given or path.is_relative_to(given)), None)
    if root is None:
        return None
    given, real_root = root
    target = os.path.realpath(path)
    if target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep):
        return None
    return rules.link_outside(display(target), display(given))
