"""Prefix maps between two views of the same folders.

A download client in Docker reports `/downloads/Movie`, which is
`/srv/torrents/Movie` here; a media server sees the library as `/data/media`
where the tool writes `/mnt/media`. A map is a list of (from, to) prefixes; the
longest `from` that is a whole-component prefix of a path wins, and a path no
entry covers is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_WINDOWS = re.compile(r"^[A-Za-z]:[\\/]|^\\\\")


@dataclass(frozen=True)
class PathMap:
    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> PathMap:
        # Longest first, so /data/media/tv beats /data/media.
        return cls(tuple(sorted(((str(a), str(b)) for a, b in pairs), key=lambda p: -len(_trim(p[0])))))

    def apply(self, path: str) -> str:
        """`path` with its longest mapped prefix replaced, in the separator style of the target."""
        for source, target in self.pairs:
            rest = _below(path, source)
            if rest is None:
                continue
            sep = "\\" if _WINDOWS.match(target) or ("\\" in target and "/" not in target) else "/"
            parts = [part for part in re.split(r"[\\/]", rest) if part]
            base = _trim(target) or target[:1]
            if not parts:
                return base
            return base.rstrip("\\/") + sep + sep.join(parts)
        return path

    def __bool__(self) -> bool:
        return bool(self.pairs)


def _trim(prefix: str) -> str:
    """A prefix without trailing separators ("/" itself stays "")."""
    return prefix.rstrip("\\/")


def _below(path: str, prefix: str) -> str | None:
    """What follows `prefix` in `path` when it is a whole-component prefix, else None."""
    trimmed = _trim(prefix)
    windows = bool(_WINDOWS.match(prefix))
    folded_path, folded_prefix = (path.lower(), trimmed.lower()) if windows else (path, trimmed)
    if folded_path == folded_prefix:
        return ""
    if folded_path.startswith(folded_prefix) and path[len(trimmed):len(trimmed) + 1] in ("/", "\\"):
        return path[len(trimmed):]
    return None
