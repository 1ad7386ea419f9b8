"""`identify`: the parse and the match of names, as the contract's JSON shape.

Beyond the contract's keys each name carries `note` (something to know about a
match, such as a file whose numbers contradict its folder's, or a title taken
by similarity) and `candidates` (the library items a name was narrowed down to
when none could be chosen).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from mydia_import.identify.match import identify_name
from mydia_import.identify.parse import ReleaseParser
from mydia_import.models import Release


def identify_names(names: Sequence[str], library, parser: ReleaseParser | None = None) -> list[dict]:
    if parser is None:
        cache = getattr(library, "parse_cache", None)
        # identify writes no row: the cache is only read.
        parser = ReleaseParser(cache=cache(writable=False) if cache else None)
    results = []
    for name in names:
        path = PurePath(name)
        folders = [part for part in path.parent.parts if part not in (path.anchor, ".", "..")]
        ident = identify_name(path.name or name, folders, parser, library)
        match = ident.match
        results.append({
            "name": name,
            "parse": parse_json(ident.release or Release(name=name)),
            "media_item": match.item.to_json() if match else None,
            "episodes": [e.to_json() for e in match.episodes] if match else [],
            "reason": None if match else ident.reason,
            "code": None if match or ident.code is None else str(ident.code),
            "note": ident.note,
            "candidates": [] if match else [c.to_json() for c in ident.candidates],
        })
    return results


def parse_json(release: Release) -> dict:
    return {
        "type": release.type,
        "title": release.title,
        "year": release.year,
        "season": release.season,
        "episodes": list(release.episodes),
        "air_date": release.air_date.isoformat() if release.air_date else None,
        "absolute": list(release.absolute),
        "part": release.part,
        "release_group": release.release_group,
        "resolution": release.resolution,
        "edition": release.edition,
        "country": release.country,
    }
