"""What a set's members are, read from its headers and identified as the pipeline identifies a
release's files (the member's name, its folders inside the archive, the release folder's name),
without extracting a byte: `identify` shows it, and a real run extracts no set that holds
nothing the library wants (a title not in the library)."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from mydia_import.archives.listing import Member
from mydia_import.discover.walk import VIDEO_EXTENSIONS, sample_evidence
from mydia_import.models import Identification


def videos(chosen: list[Member]) -> list[Member]:
    """The videos an import would take: not samples by their name or folder."""
    out = []
    for m in chosen:
        path = PurePosixPath(m.name.replace("\\", "/"))
        if path.suffix.lower() in VIDEO_EXTENSIONS and sample_evidence(path.parent.parts, path.stem) is None:
            out.append(m)
    return out


def identify(names: list[str], release: str, parser, library) -> list[tuple[str, Identification]]:
    """Each member name identified with the release folder's name and its own folders as evidence."""
    # Identification loads with the first set to look into: a run with no archive starts fast.
    from mydia_import.identify.match import identify_name

    out = []
    for name in names:
        path = PurePosixPath(name.replace("\\", "/"))
        out.append((name, identify_name(path.name, [release, *path.parent.parts], parser, library)))
    return out


def nothing_wanted(found: list[tuple[str, Identification]]) -> str | None:
    """Why none of a set's videos would be imported (none names an item of the library), or None.
    A video that names a library item without matching (an episode the library lacks yet, two
    shows of one title) lets the set through: the pipeline decides it, refreshing a show if set to."""
    if not found or any(ident.match is not None or ident.candidates for _, ident in found):
        return None
    name, ident = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return (f"not extracted: nothing it holds is in the library: {name}{more}: {ident.reason}; "
            "add the title to the library and scan again")


def release_name(release: Path, set_name: str) -> str:
    """The name the members' folder evidence starts from: the release folder's, else the set's."""
    return release.name if release.is_dir() else set_name


def member_json(member: Member, ident: Identification | None) -> dict:
    match = ident.match if ident else None
    return {
        "name": member.name,
        "size": member.size,
        "kind": "video" if os.path.splitext(member.name)[1].lower() in VIDEO_EXTENSIONS else "other",
        "media_item": match.item.to_json() if match else None,
        "episodes": [e.to_json() for e in match.episodes] if match else [],
        "reason": None if match or ident is None else ident.reason,
    }
