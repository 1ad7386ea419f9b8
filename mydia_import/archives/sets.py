"""Which files of a release form which archive set, by their names only.

Volume naming schemes in use:

- `x.rar`, `x.r00` ... `x.r99`, `x.s00` ... (old RAR names): `x.rar` first;
- `x.part1.rar`, `x.part01.rar` ... (new RAR names, RAR 3 and later);
- `x.001`, `x.002` ... (split files; `x.7z.001`, `x.zip.001`, `x.rar.001`);
- `x.zip`, `x.7z` (single volumes).

A set whose numbers have a gap, or whose volumes before the last are not all as big as the
first (a short volume: a download cut off), gets a `problem` naming what is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_PART = re.compile(r"^(?P<name>.+)\.part(?P<n>\d{1,4})\.rar$", re.IGNORECASE)
_OLD = re.compile(r"^(?P<name>.+)\.(?P<letter>[r-z])(?P<n>\d{2})$", re.IGNORECASE)
_SPLIT = re.compile(r"^(?P<name>.+)\.(?P<n>\d{3})$")
_SINGLE = re.compile(r"^(?P<name>.+)\.(?P<ext>rar|zip|7z)$", re.IGNORECASE)


@dataclass(frozen=True)
class ArchiveSet:
    name: str  # the set's name without volume suffixes: "Movie.2010.1080p-GRP"
    format: str  # "rar", "zip" or "7z"
    volumes: tuple[Path, ...]  # in order; the first is what an extractor opens
    problem: str | None = None  # a missing or short volume

    @property
    def first(self) -> Path:
        return self.volumes[0]


def volume_key(name: str) -> tuple[str, str, int] | None:
    """(set name, scheme, number) of one archive volume's file name, or None for another file.
    Numbers start at 0 for the first volume of each scheme."""
    if m := _PART.match(name):
        return m["name"], "part", int(m["n"]) - 1
    if m := _SINGLE.match(name):
        return m["name"], m["ext"].lower(), 0
    if m := _OLD.match(name):
        letter = m["letter"].lower()
        if letter == "z":  # split ZIP: x.z01 ... x.zip
            return m["name"], "zip", int(m["n"])
        return m["name"], "rar", 1 + (ord(letter) - ord("r")) * 100 + int(m["n"])
    if m := _SPLIT.match(name):
        return m["name"], "split", int(m["n"]) - 1
    return None


def is_volume(name: str) -> bool:
    return volume_key(name) is not None


def find_sets(files: Iterable[Path]) -> list[ArchiveSet]:
    """The archive sets among files (any order, any folders), each folder's sets in name order."""
    groups: dict[tuple[Path, str, str], dict[int, Path]] = {}
    for path in files:
        key = volume_key(path.name)
        if key is None:
            continue
        name, scheme, number = key
        groups.setdefault((path.parent, name.casefold(), scheme), {})[number] = path
    sets = [_set(scheme, numbered) for (_, _, scheme), numbered in groups.items()]
    return sorted(sets, key=lambda s: (str(s.first.parent), s.first.name.casefold()))


def _set(scheme: str, numbered: dict[int, Path]) -> ArchiveSet:
    order = sorted(numbered)
    volumes = tuple(numbered[n] for n in order)
    if scheme == "zip" and len(volumes) > 1:  # x.z01, x.z02 ... x.zip: the .zip is the last volume
        volumes = volumes[1:] + volumes[:1]
    name = _set_name(volumes[0].name)
    return ArchiveSet(name, _format(scheme, volumes[0]), volumes, _problem(scheme, numbered, volumes))


def _set_name(first: str) -> str:
    key = volume_key(first)
    name = key[0] if key else first
    return re.sub(r"\.(rar|zip|7z)$", "", name, flags=re.IGNORECASE)


def _format(scheme: str, first: Path) -> str:
    if scheme in ("part", "rar"):
        return "rar"
    if scheme in ("zip", "7z"):
        return scheme
    inner = os.path.splitext(first.name[:-4])[1].lower().lstrip(".")  # x.7z.001 -> 7z
    return inner if inner in ("rar", "zip", "7z") else _sniff(first)


def _sniff(path: Path) -> str:
    """The format of an `x.001` volume by its first bytes (a split of an unknown kind)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return "unknown"
    if head.startswith(b"Rar!"):
        return "rar"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    return "zip" if head.startswith(b"PK") else "unknown"


def _problem(scheme: str, numbered: dict[int, Path], volumes: tuple[Path, ...]) -> str | None:
    numbers = sorted(numbered)
    start = 1 if scheme == "zip" and len(numbers) > 1 and 0 in numbered else 0
    expected = range(start, numbers[-1] + 1) if start else range(0, numbers[-1] + 1)
    missing = [n for n in expected if n not in numbered and not (scheme == "zip" and n == 0)]
    if missing:
        return f"volume {_volume_name(volumes[0].name, scheme, missing[0])} is missing"
    try:
        sizes = [v.stat().st_size for v in volumes]
    except OSError as error:
        return f"cannot read a volume's size: {error}"
    short = next((v for v, s in zip(volumes[1:-1], sizes[1:-1], strict=True) if s < sizes[0]), None)
    return f"volume {short.name} is shorter than the others (incomplete)" if short else None


def _volume_name(first: str, scheme: str, number: int) -> str:
    """The name the missing volume `number` would have, beside `first`."""
    name = volume_key(first)[0]  # type: ignore[index]
    if scheme == "part":
        width = len(_PART.match(first)["n"])  # type: ignore[index]
        return f"{name}.part{number + 1:0{width}d}.rar"
    if scheme == "rar":
        letter = "rs"[(number - 1) // 100] if number else ""
        return f"{name}.rar" if number == 0 else f"{name}.{letter}{(number - 1) % 100:02d}"
    if scheme == "zip":
        return f"{name}.z{number:02d}"
    return f"{name}.{number + 1:03d}"
