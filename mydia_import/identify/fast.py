"""The fast path: names of the common shapes read without guessit.

guessit costs about 10 ms a name; a regular expression and a library lookup
cost well under one. A name whose shape this module reads unambiguously
(`Title.S01E02.tags-GROUP`, `Title.1x02.tags`, `Title.2024.03.05.tags`,
`[Group] Title - 07 [tags]`, `Title.2010.tags-GROUP`, `Title.S01.tags`), whose
every tag is in the one table below, and whose title the library holds, becomes
the same `Release` guessit's reading would (`parse.to_release`) without asking
guessit. Anything else (a word the table does not know, a title word guessit
could take for a tag, a title the library lacks) goes to guessit:
`tests/test_fast_path.py` runs both on every name of the corpus and of the
benchmarks and requires the same Release, field by field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from mydia_import.identify.parse import disc
from mydia_import.models import MediaType, Release
from mydia_import.titles import normalize_title

# The one table: a tag (matched whole, case-insensitive) -> the Release field it sets and the
# value guessit's reading gives it (after parse.to_release). None as a field: a tag guessit
# reads into a property the tool does not record (a streaming service, audio channels, a CRC).
TAGS: tuple[tuple[str, str | None, Any], ...] = (
    (r"(?:480|576|720|1080|2160)p", "resolution", None),  # the tag itself, lower-cased
    (r"web-?dl", "source", "WEB-DL"),
    (r"web-?rip", "source", "WEBRip"),
    (r"web", "source", "WEB-DL"),
    (r"blu-?ray", "source", "BluRay"),
    (r"hdtv", "source", "HDTV"),
    (r"dvdrip", "source", "DVDRip"),
    (r"[xh]\.?264|avc", "video_codec", "H.264"),
    (r"[xh]\.?265|hevc", "video_codec", "H.265"),
    (r"xvid", "video_codec", "Xvid"),
    (r"aac(?:2\.0)?", "audio_codec", "AAC"),
    (r"dd(?:5\.1|2\.0)|ac3", "audio_codec", "Dolby Digital"),
    (r"ddp(?:5\.1|2\.0)?|dd\+(?:5\.1|2\.0)?|e-?ac-?3", "audio_codec", "Dolby Digital Plus"),
    (r"dts", "audio_codec", "DTS"),
    (r"flac", "audio_codec", "FLAC"),
    (r"hdr10\+", "hdr_format", "HDR10+"),
    (r"hdr10", "hdr_format", "HDR10"),
    (r"hdr", "hdr_format", "HDR10"),
    (r"dv|dovi", "hdr_format", "DV"),
    (r"proper|repack", "proper_count", 1),
    (r"extended", "edition", "Extended"),
    (r"directors[._ ]cut", "edition", "Director's Cut"),
    (r"unrated", "edition", "Unrated"),
    (r"remastered", "edition", "Remastered"),
    (r"amzn|nf|dsnp|hmax|atvp|hulu|pcok", None, None),
    (r"[0-9a-f]{8}", None, None),  # a CRC: only in brackets, see _read_tags
)
_TAG = [(re.compile(rf"(?i)(?:{pattern})(?=[ ._\-\[\]()]|$)"), field, value) for pattern, field, value in TAGS]
_CONTAINERS = ("mkv", "mp4", "avi")
_SEP = r"[. _]"
_YEAR = r"(?:19|20)\d\d"

# The shapes, each with the name's title first and its tags last ("rest").
_SCENE = re.compile(
    rf"^(?P<title>[^\[\]()]+?){_SEP}(?:\(?(?P<year>{_YEAR})\)?{_SEP})?"
    rf"(?:[Ss](?P<s>\d{{1,2}})[Ee](?P<e>\d{{2,3}})|(?P<x>\d{{1,2}})x(?P<xe>\d{{2}})|[Ss](?P<pack>\d{{1,2}}))"
    rf"(?P<rest>(?:{_SEP}.*)?)$")
_DATED = re.compile(
    rf"^(?P<title>[^\[\]()]+?){_SEP}(?P<y>{_YEAR})[.-](?P<m>\d\d)[.-](?P<d>\d\d)(?P<rest>(?:{_SEP}.*)?)$")
_ANIME = re.compile(
    r"^\[(?P<group>[A-Za-z][A-Za-z0-9-]*)\][ _](?P<title>[^\[\]()]+?)[ _]-[ _](?P<e>\d{2,4})"
    r"(?P<rest>(?:[ _][\[(].*)?)$")
_MOVIE = re.compile(rf"^(?P<title>[^\[\]()]+?){_SEP}\(?(?P<year>{_YEAR})\)?(?P<rest>(?:{_SEP}.*)?)$")
_GROUP = re.compile(r"-(?P<group>[A-Za-z][A-Za-z0-9]{1,15})$")

# Title words guessit may take for something else (a language, a country, an edition, a
# part, an episode detail): a title holding one goes to guessit.
_TITLE_WORD = re.compile(r"^[A-Za-z][a-z']*[a-z]$|^[A-Z][a-z]+$")
_SHORT_WORDS = {"the", "of", "an", "and", "in", "on", "to", "at", "for", "my", "war", "day", "sea", "sky", "red"}
_RISKY = {
    "extended", "cut", "directors", "unrated", "remastered", "proper", "repack", "complete", "final",
    "special", "edition", "part", "pilot", "multi", "internal", "limited", "real", "rerip", "uncut",
    "sample", "trailer", "bonus", "extras", "extra", "volume", "disc", "disk", "episode", "season",
    "series", "collection", "theatrical", "imax", "remux", "hybrid", "dubbed", "subbed", "vostfr",
    "fansub", "preair", "screener", "festival", "ova", "ona", "movie", "film", "saga", "chapter",
    "english", "french", "german", "italian", "spanish", "dutch", "japanese", "korean", "chinese", "russian",
    "hindi", "swedish", "danish", "norwegian", "finnish", "polish", "portuguese", "brazilian", "latino",
    "nordic", "castellano", "catalan", "arabic", "turkish", "greek", "hebrew", "czech", "hungarian",
    "flemish", "hdtv", "web", "dvd", "bluray", "stereo", "mono", "dolby", "opus", "vorbis", "atmos",
}


@dataclass(frozen=True)
class _Reading:
    release: Release
    kind: MediaType


def read(name: str) -> _Reading | None:
    """The Release guessit would give `name`, when its shape is unambiguous; else None."""
    stem, container = _split_container(name)
    m = _ANIME.match(stem)
    if m:
        values = _read_tags(m["rest"], brackets=True)
        if values is None or not _plain_title(m["title"], sep=r"[ _]"):
            return None
        return _Reading(_release(name, container, values, title=_title(m["title"]), type="episode",
                                 episodes=(int(m["e"]),), release_group=m["group"]), MediaType.TV_SHOW)
    group, stem = _trailing_group(stem)
    for pattern, kind in ((_SCENE, MediaType.TV_SHOW), (_DATED, MediaType.TV_SHOW), (_MOVIE, MediaType.MOVIE)):
        m = pattern.match(stem)
        if m is None:
            continue
        values = _read_tags(m["rest"], brackets=False)
        if values is None or not _plain_title(m["title"], sep=_SEP):
            return None
        fields: dict[str, Any] = {"title": _title(m["title"]), "release_group": group}
        if pattern is _SCENE:
            fields.update(type="episode", year=_int(m["year"]), season=int(m["s"] or m["x"] or m["pack"]),
                          episodes=tuple(int(e) for e in (m["e"] or m["xe"],) if e))
        elif pattern is _DATED:
            try:
                fields.update(type="episode", air_date=dt.date(int(m["y"]), int(m["m"]), int(m["d"])))
            except ValueError:
                return None
        else:
            if not values:  # "Title.2010.mkv" alone: guessit may read the year as the title
                return None
            fields.update(type="movie", year=int(m["year"]))
        return _Reading(_release(name, container, values, **fields), kind)
    return None


def confirmed(name: str, catalog) -> Release | None:
    """The fast reading of `name`, when the library holds its title; else None (guessit)."""
    reading = read(name)
    if reading is None or not reading.release.title:
        return None
    if not catalog.find_items(normalize_title(reading.release.title), reading.kind):
        return None
    return reading.release


class FastParser:
    """A parser that reads the names of the common shapes itself when the library confirms
    their title, and hands every other name to `parser` (a ReleaseParser: guessit, its cache
    and its process pool)."""

    MEMORY = 20_000  # fast readings kept (a few hundred bytes each)

    def __init__(self, parser, catalog) -> None:
        self.parser = parser
        self.catalog = catalog
        self._read: dict[str, Release | None] = {}

    def parse(self, name: str, type_hint: str | None = None) -> Release:
        release = self._fast(name) if type_hint is None else None
        return release if release is not None else self.parser.parse(name, type_hint)

    def parse_many(self, names, type_hint: str | None = None) -> list[Release]:
        names = list(names)
        slow = [n for n in dict.fromkeys(names) if type_hint is not None or self._fast(n) is None]
        self.parser.parse_many(slow, type_hint)  # in one batch: the pool for many names
        return [self.parse(n, type_hint) for n in names]

    def _fast(self, name: str) -> Release | None:
        if name not in self._read:
            if len(self._read) >= self.MEMORY:
                self._read.clear()
            self._read[name] = confirmed(name, self.catalog)
        return self._read[name]


def _split_container(name: str) -> tuple[str, str | None]:
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in _CONTAINERS:
        return stem, ext.lower()
    return name, None


def _trailing_group(stem: str) -> tuple[str | None, str]:
    m = _GROUP.search(stem)
    if m is None:
        return None, stem
    return m["group"], stem[:m.start()]


def _read_tags(rest: str, brackets: bool) -> dict[str, Any] | None:
    """Every tag of `rest` through the table, or None at the first unknown or repeated one."""
    values: dict[str, Any] = {}
    seps = "[]() _-." if brackets else " ._"
    pos = 0
    while pos < len(rest):
        if rest[pos] in seps:
            pos += 1
            continue
        if not brackets and rest[pos] in "[]()":
            return None
        for pattern, field, value in _TAG:
            m = pattern.match(rest, pos)
            if m is None or (value is None and field is None and len(m[0]) == 8 and not brackets):
                continue
            if field is not None:
                if field in values:
                    return None  # two codecs, two sources: guessit's choice is not ours to guess
                values[field] = m[0].lower() if value is None else value
            pos = m.end()
            break
        else:
            return None
    return values


def _plain_title(text: str, sep: str) -> bool:
    words = re.split(sep, text)
    for word in words:
        if not _TITLE_WORD.match(word) or word.lower() in _RISKY:
            return False
        if len(word) <= 3 and word.lower() not in _SHORT_WORDS:
            return False
    return bool(words)


def _title(text: str) -> str:
    return re.sub(r"[._]", " ", text).strip()


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _release(name: str, container: str | None, values: dict[str, Any], **fields: Any) -> Release:
    return Release(name=name, container=container, part=disc(name), **values, **fields)
