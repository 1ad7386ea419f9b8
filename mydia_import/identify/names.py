"""`identify`: the parse and the match of names, as the contract's JSON shape.

Beyond the contract's keys each name carries `note` (something to know about a
match, such as a file whose numbers contradict its folder's, or a title taken
by similarity) and `candidates` (the library items a name was narrowed down to
when none could be chosen). With `identify --lookup`, each also carries `lookup`: for a
name whose title the library lacks, what a provider lookup would add
(integrations/metadata/autoadd.py), else null.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePath

from mydia_import.identify.fast import FastParser
from mydia_import.identify.match import identify_name
from mydia_import.identify.parse import ReleaseParser
from mydia_import.models import Identification, Release


def identify_names(names: Sequence[str], library, parser: ReleaseParser | None = None,
                   lookup: Callable[[Identification], dict | None] | None = None,
                   archives: Callable[[str, ReleaseParser], list[dict] | None] | None = None) -> list[dict]:
    """`lookup(identification)`: what a provider lookup would add (identify --lookup), given as the
    entry's `lookup`. `archives(name, parser)`: the archive sets a release folder of that name holds,
    each with what it holds (archives/stage.py `describe`), given as the entry's `archives` when
    there are any."""
    if parser is None:
        parser = FastParser(parser_for(library), library)
    split = [_split(name) for name in names]
    # What scan does: every name and folder parsed up front in one batch (a process pool when
    # there are enough names guessit must read), then each is found in the parser's memory.
    parse_many = getattr(parser, "parse_many", None)
    if parse_many is not None:
        parse_many(dict.fromkeys(n for file, folders in split for n in (*folders, file)))
    results = []
    for name, (file, folders) in zip(names, split, strict=True):
        ident = identify_name(file, folders, parser, library)
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
            **({"lookup": lookup(ident)} if lookup is not None else {}),
        })
        if archives is not None and (sets := archives(name, parser)):
            results[-1]["archives"] = sets
    return results


def parser_for(library) -> ReleaseParser:
    """The parser scan uses: the library's parse cache, read always and written where this
    user may write the database (a second identical run asks guessit nothing)."""
    cache = getattr(library, "parse_cache", None)
    writable = getattr(library, "writable", None)
    return ReleaseParser(cache=cache(writable=bool(writable and writable())) if cache else None)


def _split(name: str) -> tuple[str, list[str]]:
    path = PurePath(name)
    folders = [part for part in path.parent.parts if part not in (path.anchor, ".", "..")]
    return path.name or name, folders


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
