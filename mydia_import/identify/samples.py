"""Samples told by their runtime, through ffprobe where it is installed.

Discovery already knows a sample by its name, its folder and its size beside
the release's main video (`discover/walk.py`). A sample cut from the middle of a
film and named like the film needs its runtime: Sonarr and Radarr compare a
file's runtime with the runtime expected of the item, and so does this module,
with their thresholds:

| expected runtime | shortest file that is no sample |
|---|---|
| up to 3 min | 15 s |
| up to 10 min | 90 s |
| up to 30 min | 5 min |
| longer (all normal movies) | 10 min |

The expected runtime is the one the library's metadata holds (Mydia keeps TMDB's
`runtime` in `metadata`), summed over a multi-episode file. Where it is unknown
only files under 90 s are samples, so a short show is never taken for one. A
runtime of 0 is a sample; a runtime ffprobe cannot read leaves the decision to
the other evidence. Specials and formats whose runtime says nothing (`.iso`,
`.img`, `.m2ts`, `.flv`, `.strm`) are not checked.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from mydia_import import decisions as rules
from mydia_import.decisions import Decision

Probe = Callable[[Path], float | None]  # a file's runtime in seconds, or None

UNKNOWN_MINIMUM = 90.0  # seconds, when the library does not know the runtime to expect
_THRESHOLDS = ((3, 15.0), (10, 90.0), (30, 300.0))  # (expected minutes up to, minimum seconds)
_LONG = 600.0
_UNCHECKED = frozenset({".iso", ".img", ".m2ts", ".flv", ".strm"})
_TIMEOUT = 30


def minimum_runtime(expected_minutes: float | None) -> float:
    """The shortest runtime, in seconds, of a file that is no sample (Sonarr's table)."""
    if not expected_minutes:
        return UNKNOWN_MINIMUM
    for up_to, minimum in _THRESHOLDS:
        if expected_minutes <= up_to:
            return minimum
    return _LONG


def probe_from_setting(setting: str | None) -> Probe | None:
    """`[import] ffprobe`: "auto" (ffprobe from PATH, if there), "off", or a path to ffprobe."""
    value = (setting or "auto").strip()
    if value.lower() == "off":
        return None
    program = _which() if value.lower() == "auto" else value
    return functools.partial(runtime, ffprobe=program) if program else None


@functools.lru_cache(maxsize=1)
def _which() -> str | None:
    return shutil.which("ffprobe")


def runtime(path: Path, *, ffprobe: str) -> float | None:
    """The file's duration in seconds as ffprobe reads it; None when it cannot."""
    try:
        done = subprocess.run(
            [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
            capture_output=True, text=True, timeout=_TIMEOUT, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    try:
        return float(json.loads(done.stdout)["format"]["duration"])
    except (ValueError, KeyError, TypeError):
        return None


def sample_reason(path: Path, expected_minutes: float | None, probe: Probe | None,
                  *, special: bool = False) -> Decision | None:
    """Why this video is a sample by its runtime, or None (no sample, or nothing to tell)."""
    if probe is None or special or path.suffix.lower() in _UNCHECKED:
        return None
    seconds = probe(path)
    if seconds is None:
        return None
    minimum = minimum_runtime(expected_minutes)
    if seconds > 0 and seconds >= minimum:
        return None
    expected = (f"an item expected to run {_clock(expected_minutes * 60)}" if expected_minutes
                else "an item whose runtime the library does not know")
    return rules.sample(f"it runs {_clock(seconds)}, under the {_clock(minimum)} {expected} needs (read by ffprobe)")


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
