"""A release's quality as one value, and the one comparison every decision uses.

Resolution first, then source (Remux > BluRay > WEB-DL > WEBRip > HDTV > DVD > SD), then the
revision (PROPER, REPACK, v2), then the file's size as the last tie-break. This is Sonarr's and
Radarr's order (their quality lists rank resolution before source: HDTV-2160p is above
Bluray-1080p Remux; revisions count only between equal qualities), with WEB-DL above WEBRip as
Sonarr's own WEB-DL/WEBRip preference has it, and size added so that of two copies of one
quality the library keeps the same one whatever order they arrive in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mydia_import.decisions import Code
from mydia_import.discover.walk import format_size
from mydia_import.library import provenance, vocabulary
from mydia_import.models import Release

# The ranking table: higher is better; a value not listed ranks 0 (unknown).
RESOLUTIONS = {"4320p": 8, "2160p": 7, "1440p": 6, "1080p": 5, "1080i": 5, "720p": 4,
               "576p": 3, "576i": 3, "480p": 2, "480i": 2, "540p": 2, "360p": 1, "240p": 1}
SOURCES = {
    "CAM": 1, "TELESYNC": 1, "TELECINE": 1, "WORKPRINT": 1,
    "SDTV": 2, "SD": 2, "VHS": 2,
    "DVD": 3, "DVDRip": 3,
    "HDTV": 4,
    "WEBRip": 5,
    "WEB-DL": 6,
    "BluRayRip": 7,
    "BluRay": 8, "HD-DVD": 8,
    "Remux": 9,
}
# Spellings of sources met in names and in other tools' rows (Mydia writes "REMUX", "WEB").
_SOURCE_WORDS = {word.lower().replace("-", ""): word for word in SOURCES} | {
    "bdrip": "BluRayRip", "brrip": "BluRayRip", "bdremux": "Remux", "web": "WEB-DL", "webdl": "WEB-DL",
    "bluray": "BluRay", "blu-ray": "BluRay", "ts": "TELESYNC", "tc": "TELECINE",
}
# A disc of standard definition says its resolution without naming it.
_IMPLIED_RESOLUTION = {"DVD": "480p", "DVDRip": "480p", "SDTV": "480p", "SD": "480p", "VHS": "480p"}


@dataclass(frozen=True, slots=True)
class Quality:
    """What makes one copy of a movie or episode better than another."""

    resolution: str | None = None
    source: str | None = None
    revision: int = 0  # PROPER/REPACK count; v2 counts as one
    size: int = 0

    @property
    def known(self) -> bool:
        return self.resolution in RESOLUTIONS or self.source in SOURCES

    def key(self) -> tuple[int, int, int, int]:
        """The comparison: a higher key is a better file."""
        return (*self.grade(), self.revision, self.size)

    def grade(self) -> tuple[int, int]:
        """The quality without revision or size: what a cutoff and a profile speak of."""
        resolution = self.resolution or _IMPLIED_RESOLUTION.get(self.source or "")
        return (RESOLUTIONS.get(resolution or "", 0), SOURCES.get(self.source or "", 0))

    def words(self) -> str:
        """"2160p BluRay", "1080p WEB-DL PROPER", "unknown quality"."""
        parts = [w for w in (self.resolution, self.source) if w]
        if self.revision:
            parts.append("PROPER" if self.revision == 1 else f"PROPER {self.revision}")
        return " ".join(parts) or "unknown quality"


# The name each rank is shown by (the first of its spellings in the tables above).
_RESOLUTION_NAMES = {rank: name for name, rank in reversed(RESOLUTIONS.items())}
_SOURCE_NAMES = {rank: name for name, rank in reversed(SOURCES.items())}


def grade_words(resolution_rank: int, source_rank: int, revision: int = 0) -> str:
    """A grade (as `Quality.grade()` gives it) in words again: "2160p BluRay PROPER"."""
    return Quality(_RESOLUTION_NAMES.get(resolution_rank), _SOURCE_NAMES.get(source_rank), revision).words()


def of_release(release: Release | None, size: int = 0) -> Quality:
    release = release or Release(name="")
    return Quality(release.resolution, release.source, release.proper_count, size)


def of_record(metadata: Mapping[str, object], resolution: object = None, size: object = 0) -> Quality:
    """The quality of a library file from its media_files row: the `resolution` column, and the
    source and revision from its metadata (library/provenance.py reads Mydia's `source` and the keys of
    earlier versions of the tool)."""
    def text(value: object) -> str | None:
        return value if isinstance(value, str) and value else None

    res = vocabulary.resolution(text(resolution) or text(metadata.get("resolution")))  # "4K" too
    source = source_word(provenance.quality_source(metadata))
    return Quality(res if res in RESOLUTIONS else None, source, provenance.proper_count(metadata),
                   size if isinstance(size, int) else 0)


def of_file(name: str, size: int, parse: Callable[[str], Release], recorded: Quality | None = None,
            release_name: str | None = None) -> Quality:
    """A library file's quality: what its record says, else what its release's name or its own
    name says (a file another tool put there)."""
    if recorded is not None and recorded.known:
        return Quality(recorded.resolution, recorded.source, recorded.revision, size)
    for text in filter(None, (release_name, name)):
        found = of_release(parse(text), size)
        if found.known:
            return found
    return Quality(size=size)


def of_library_file(path: Path, stored: object, parse: Callable[[str], Release] | None) -> Quality:
    """A library file's quality: from its media_files row (`stored`, or None), else from its
    release's or its own name; its size from the disk."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    metadata = getattr(stored, "metadata", None) or {}
    recorded = of_record(metadata, getattr(stored, "resolution", None), size) if stored is not None else None
    if parse is None:
        return recorded or Quality(size=size)
    return of_file(path.name, size, parse, recorded, provenance.release_name(metadata))


def source_word(text: str | None) -> str | None:
    """A source in the table's spelling, or None for anything that is not a source (a path)."""
    if not text or "/" in text or "\\" in text:
        return None
    return _SOURCE_WORDS.get(text.strip().lower().replace("-", "").replace(" ", ""))


_CUTOFF_PART = re.compile(r"[\s_]+")


def parse_cutoff(text: str) -> Quality:
    """`[import] upgrade_until`: "1080p BluRay", "BluRay-1080p", "1080p" or "WEB-DL". Raises ValueError."""
    resolution = source = None
    words = [w for token in _CUTOFF_PART.split(text.strip()) if token
             for w in ([token] if source_word(token) else token.split("-")) if w]  # "Bluray-1080p"
    for part in words:
        if part.lower() in RESOLUTIONS:
            resolution = part.lower()
        elif (word := source_word(part)) is not None:
            source = word
        else:
            raise ValueError(f"{part!r} is neither a resolution ({', '.join(RESOLUTIONS)}) nor a source "
                             f"({', '.join(SOURCES)})")
    if resolution is None and source is None:
        raise ValueError("name a resolution, a source or both, for example \"1080p BluRay\"")
    return Quality(resolution, source)


def reached(old: Quality, cutoff: Quality) -> bool:
    """The cutoff is met: nothing but a revision of the same quality replaces `old`."""
    have, want = old.grade(), cutoff.grade()
    if cutoff.source is None:
        return have[0] >= want[0]
    if cutoff.resolution is None:
        return have[1] >= want[1]
    return have >= want


@dataclass(frozen=True, slots=True)
class Policy:
    """What may replace a library file: Mydia's quality profile of the item (or of its library
    folder) where it names one, else the tool's own settings ([import] upgrade_until)."""

    cutoff: Quality | None = None
    upgrades_allowed: bool = True
    allowed: frozenset[str] | None = None  # the profile's qualities: resolutions or sources; None: any
    profile: str | None = None  # the profile's name, for reasons

    def allows(self, q: Quality) -> bool:
        """The quality is in the profile's list (by its resolution or its source)."""
        if self.allowed is None:
            return True
        return bool({q.resolution, q.source} & self.allowed) or (q.source is not None and any(
            source_word(word) == q.source for word in self.allowed))

    def by(self) -> str:
        return f"quality profile {self.profile!r}" if self.profile else "[import] upgrade_until"


def profile_policy(name: str, qualities: object, upgrades_allowed: object, until: object) -> Policy:
    """A Policy from a row of Mydia's quality_profiles (qualities decoded from its JSON)."""
    allowed = frozenset(q for q in qualities if isinstance(q, str)) if isinstance(qualities, list) else None
    cutoff = None
    if isinstance(until, str) and until:
        try:
            cutoff = parse_cutoff(until)
        except ValueError:
            cutoff = None  # a word this table does not know: no cutoff rather than a wrong one
    return Policy(cutoff, bool(upgrades_allowed), allowed or None, name)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a new file replaces an old one, and why, naming both qualities."""

    better: bool
    reason: str
    code: Code | None = None  # why not (decisions.py); None when it is better


def judge(new: Quality, old: Quality, policy: Policy | None = None) -> Verdict:
    """The one upgrade decision: `new` replaces `old` only when its key is higher and the policy
    lets it: upgrades allowed, `new` in the profile's qualities when `old` is, and `old` below the
    cutoff (a PROPER of the same quality still replaces it)."""
    policy = policy or Policy()
    if not old.known:
        return Verdict(False, "of unknown quality (nothing in its record or name says it); "
                              "use --conflict replace to replace it anyway", Code.UNKNOWN_QUALITY)
    if not policy.upgrades_allowed:
        return Verdict(False, f"{policy.by()} allows no upgrades ({old.words()} already there)", Code.NO_UPGRADES)
    if not policy.allows(new) and policy.allows(old):
        allowed = ", ".join(sorted(policy.allowed or ()))
        return Verdict(False, f"{new.words()} is not one of the qualities of {policy.by()} ({allowed}); "
                              f"{old.words()} already there is", Code.NOT_IN_PROFILE)
    cutoff = policy.cutoff
    if cutoff is not None and reached(old, cutoff) and not (
            new.grade() == old.grade() and new.revision > old.revision):
        return Verdict(False, f"{old.words()} already there meets the upgrade cutoff {cutoff.words()} "
                              f"({policy.by()})", Code.CUTOFF_MET)
    same = new.grade() == old.grade() and new.revision == old.revision
    if new.key() > old.key():
        extra = f", the same quality and larger ({_size(new.size)} over {_size(old.size)})" if same else ""
        return Verdict(True, f"{new.words()} replaces {old.words()}{extra}")
    extra = f" (the same quality, and not larger: {_size(new.size)} vs {_size(old.size)})" if same else ""
    return Verdict(False, f"{new.words()} is not better than {old.words()} already there{extra}", Code.NOT_AN_UPGRADE)


def _size(n: int) -> str:
    return format_size(n)


# --- the tuples older callers compare -------------------------------------------------------------


def rank(resolution: str | None, source: str | None, proper_count: int = 0) -> tuple[int, int, int]:
    return (*Quality(resolution, source, proper_count).grade(), proper_count)


def release_rank(release: Release) -> tuple[int, int, int]:
    return rank(release.resolution, release.source, release.proper_count)


def describe(resolution: str | None, source: str | None, proper_count: int = 0) -> str:
    return Quality(resolution, source, proper_count).words()
