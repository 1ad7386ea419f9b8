"""`lsar` and `unar` (The Unarchiver, Debian package `unar`): the back end for RAR (RAR4 and
RAR5, multi-volume included) and 7z. Measured on stored test sets, they read every RAR set
byte-exactly where bsdtar truncates multi-volume RAR5 silently; extracted files are checked
against the headers' CRC32 anyway (extract.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

PACKAGE = "unar"


def available() -> bool:
    return shutil.which("lsar") is not None and shutil.which("unar") is not None


def list_json(first: Path) -> dict:
    """lsar's JSON listing of a set (it finds the other volumes beside the first).
    Raises OSError with lsar's words when it cannot read the set."""
    done = subprocess.run(["lsar", "-j", str(first)], capture_output=True, timeout=600)
    try:
        data = json.loads(done.stdout.decode("utf-8", errors="replace"))
    except ValueError:
        data = None
    if done.returncode != 0 or not isinstance(data, dict) or "lsarContents" not in data:
        words = done.stderr.decode(errors="replace").strip().splitlines()
        raise OSError(f"lsar does not recognise it as an archive{f' ({words[-1]})' if words else ''}; "
                      "a volume may be damaged or not an archive at all")
    return data


def start_extraction(first: Path, indexes: list[int], folder: Path, preexec=None) -> subprocess.Popen:
    """unar extracting the members `indexes` of a set into folder, as their paths say (no folder
    of its own around them), never overwriting."""
    command = ["unar", "-q", "-D", "-s", "-nr", "-k", "skip", "-o", str(folder), "-i", str(first),
               *map(str, indexes)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=preexec)
