"""Naming templates and sanitising: a library item -> a path relative to a library root.

The template language
---------------------
A template is a `/`-separated path relative to a library root; the last
component is the file name without its extension (the caller appends it).
Each component is rendered on its own, then sanitised (`sanitize_component`).

- `{field}` inserts a value; `{field:spec}` formats it with a Python format
  spec: `{season:02}` -> `01`, `{air_date:%Y.%m.%d}` -> `2008.01.20`.
- `<...>` is an optional segment, dropped entirely when any field inside it is
  empty (None or blank text; 0 is a value): `< ({year})>` gives ` (2010)` or
  nothing. Segments do not nest and do not span a `/`.
- `{{`, `}}`, `<<`, `>>` are a literal `{`, `}`, `<`, `>`.

A field that is empty outside an optional segment renders as nothing. An
unknown field or a malformed template raises ConfigError naming both.

Sanitising makes any text, including titles from the library, one safe
component: it never holds `/`, `\\`, NUL or control characters, is never
empty, `.` or `..`, never starts with a dot, and fits in 255 UTF-8 bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NoReturn

from mydia_import.errors import ConfigError

MOVIE_FIELDS: tuple[str, ...] = (
    "title", "year", "part", "edition", "resolution", "source", "release_group",
    "imdb_id", "tmdb_id",
)
EPISODE_FIELDS: tuple[str, ...] = (
    "show", "show_year", "season", "episode", "episode_code", "episode_title", "air_date",
    "absolute", "resolution", "source", "release_group",
)
DEFAULT_MOVIE_TEMPLATE = "{title}< ({year})>/{title}< ({year})>< - part{part}>"
DEFAULT_EPISODE_TEMPLATE = (
    "{show}< ({show_year})>/Season {season:02}/"
    "{show}< ({show_year})> - {episode_code}< - {episode_title}>"
)
MAX_NAME_BYTES = 255
# Bytes to keep free after a video's name for a subtitle's ".2.pt-br.forced.sdh":
# pass `reserve=len(ext.encode()) + SUFFIX_MARGIN` to `render`.
SUFFIX_MARGIN = 24

# Values used to try a template's format specs when it is validated.
_EXAMPLES: dict[str, object] = {
    "title": "Title", "year": 2010, "part": 2, "edition": "Director's Cut",
    "resolution": "1080p", "source": "BluRay", "release_group": "GROUP",
    "imdb_id": "tt1375666", "tmdb_id": 27205, "show": "Show", "show_year": 2008,
    "season": 1, "episode": 2, "episode_code": "S01E02", "episode_title": "Pilot",
    "air_date": dt.date(2008, 1, 20), "absolute": 2,
}
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}
)
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACES = re.compile(r"\s+")
_CHARS = str.maketrans({"/": "+", "\\": "+", "<": None, ">": None, "|": None, '"': None,
                        "?": "!", "*": "-"})
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")


@dataclass(frozen=True)
class _Field:
    name: str
    spec: str


@dataclass(frozen=True)
class _Optional:
    parts: tuple[str | _Field, ...]


_Component = tuple[str | _Field | _Optional, ...]


def validate_template(template: str, fields: Sequence[str]) -> None:
    """Raise ConfigError unless the template parses and uses only these fields."""
    for field in _fields(_parse(template)):
        if field.name not in fields:
            _fail(template, f"unknown field {{{field.name}}}; available: {', '.join(fields)}")
        if field.name in _EXAMPLES:
            _format(template, field, _EXAMPLES[field.name])


def render(template: str, values: Mapping[str, object], *, reserve: int = 0) -> PurePosixPath:
    """The relative path a template gives for these values, every component sanitised.

    `reserve` bytes are kept free in the last component for what the caller
    appends (the extension, a subtitle's language).
    """
    if not 0 <= reserve <= MAX_NAME_BYTES - 16:
        raise ValueError(f"reserve must be between 0 and {MAX_NAME_BYTES - 16} bytes")
    components = _parse(template)
    for field in _fields(components):
        if field.name not in values:
            _fail(template, f"unknown field {{{field.name}}}; available: {', '.join(values)}")
    names = []
    for i, component in enumerate(components):
        last = i == len(components) - 1
        text = "".join(_render_part(template, part, values) for part in component)
        names.append(sanitize_component(
            text, max_bytes=MAX_NAME_BYTES - (reserve if last else 0), file_stem=last))
    return PurePosixPath(*names)


def episode_code(season: int, episodes: Sequence[int]) -> str:
    """'S01E02'; a multi-episode file 'S01E01-E03' (first to last)."""
    if not episodes:
        raise ValueError("episode_code needs at least one episode number")
    first, last = min(episodes), max(episodes)
    code = f"S{season:02d}E{first:02d}"
    return code if first == last else f"{code}-E{last:02d}"


def subtitle_path(video_dest: Path, language: str | None, forced: bool, sdh: bool, ext: str,
                  index: int | None = None) -> Path:
    """Where a subtitle goes beside its video, named as Plex, Jellyfin and Kodi read it.

    `<video name without ext>[.<index>][.<language>][.forced][.sdh].<ext>`, e.g.
    `Inception (2010).en.srt`, `Inception (2010).2.en.forced.srt`. The index (2,
    3, ...) tells apart several subtitles of one language and flags; it goes
    before the language so players still read the language as the last tag.
    The language is the parser's code (ISO 639-1 where the language has one); text
    that is not a language code is left out rather than risk a name players misread.
    """
    suffix = ext if ext.startswith(".") else f".{ext}"
    if not re.fullmatch(r"\.[A-Za-z0-9]{1,10}", suffix):
        raise ValueError(f"not a file extension: {ext!r}")
    if index is not None and index < 1:
        raise ValueError(f"subtitle index must be 1 or more, not {index}")
    tags = [str(index)] if index is not None else []
    if code := _language_code(language):
        tags.append(code)
    if forced:
        tags.append("forced")
    if sdh:
        tags.append("sdh")
    tail = "".join(f".{t}" for t in tags) + suffix.lower()
    # The video's name was rendered with SUFFIX_MARGIN to spare; this only cuts if it wasn't.
    stem = _cut(video_dest.stem, MAX_NAME_BYTES - len(tail.encode()))
    return video_dest.with_name(stem + tail)


def sanitize_component(text: str, *, max_bytes: int = MAX_NAME_BYTES,
                       file_stem: bool = False) -> str:
    """Any text as one safe path component of at most `max_bytes` UTF-8 bytes.

    'AC/DC: Live' -> 'AC+DC - Live'; '../../etc' -> '+..+etc'; '' -> '_'.
    A `file_stem` (a name the caller appends an extension to) keeps trailing
    dots: 'Cat's in the Bag...' + '.mkv' is a valid name, a folder 'x.' is not
    on Windows shares.
    """
    if max_bytes < 16:
        raise ValueError("max_bytes must leave room for a name (16 bytes or more)")
    text = _SPACES.sub(" ", text)  # tabs and newlines become spaces, not nothing
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs"))
    text = text.replace(": ", " - ").replace(":", "-").translate(_CHARS)
    # NFC after removals, which can bring a letter and its accent together.
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text))
    text = _strip(text, file_stem)
    word, dot, rest = text.partition(".")
    if word.rstrip(" ").casefold() in _RESERVED:
        text = f"{word}_{dot}{rest}"  # Windows reserves CON, NUL, ... with any extension
    # Leading dots are stripped, so only an empty name is left to replace ("." and ".." too).
    return _strip(_cut(text, max_bytes), file_stem) or "_"


def _strip(text: str, file_stem: bool) -> str:
    # Leading dots would hide the file; trailing dots and spaces vanish on Windows.
    return text.lstrip(" .").rstrip(" " if file_stem else " .")


def _cut(text: str, max_bytes: int) -> str:
    """Text cut to max_bytes of UTF-8 on a character boundary, ending in '…' if cut."""
    if len(text.encode()) <= max_bytes:
        return text
    budget = max_bytes - len("…".encode())
    end = len(text.encode()[:budget].decode(errors="ignore"))
    while end > 0 and unicodedata.combining(text[end]):
        end -= 1  # keep an accent with its letter
    return text[:end].rstrip(" ") + "…"


def _language_code(language: str | None) -> str | None:
    if not language:
        return None
    # The parser gives ISO 639-1 codes (from babelfish) where the language has one.
    code = language.strip().lower().replace("_", "-")
    return code if _LANGUAGE.fullmatch(code) else None


@functools.lru_cache(maxsize=64)
def _parse(template: str) -> tuple[_Component, ...]:
    """The template's components, each a sequence of text, fields and optional segments."""
    components: list[_Component] = []
    current: list[str | _Field | _Optional] = []
    optional: list[str | _Field] | None = None
    i = 0
    while i < len(template):
        char = template[i]
        target = current if optional is None else optional
        if char in "{}<>" and template[i + 1:i + 2] == char:
            target.append(char)
            i += 2
            continue
        if char == "{":
            end = template.find("}", i)
            if end < 0:
                _fail(template, f"unclosed {{ at position {i + 1}")
            name, _, spec = template[i + 1:end].partition(":")
            if not _FIELD_NAME.fullmatch(name):
                _fail(template, f"{{{template[i + 1:end]}}} is not a field (write {{{{ for {{)")
            target.append(_Field(name, spec))
            i = end + 1
            continue
        if char == "}":
            _fail(template, f"single }} at position {i + 1} (write }}}} for }})")
        elif char == "<":
            if optional is not None:
                _fail(template, f"optional segments cannot nest (< at position {i + 1})")
            optional = []
        elif char == ">":
            if optional is None:
                _fail(template, f"> at position {i + 1} closes nothing (write >> for >)")
            current.append(_Optional(tuple(optional)))
            optional = None
        elif char == "/":
            if optional is not None:
                _fail(template, "an optional segment <...> cannot contain /")
            if not current:
                _fail(template, "empty path component (a leading, trailing or double /)")
            components.append(tuple(current))
            current = []
        else:
            target.append(char)
        i += 1
    if optional is not None:
        _fail(template, "unclosed <")
    if not current:
        _fail(template, "empty path component (a leading, trailing or double /)")
    components.append(tuple(current))
    return tuple(components)


def _fields(components: Sequence[_Component]) -> list[_Field]:
    found = []
    for component in components:
        for part in component:
            parts = part.parts if isinstance(part, _Optional) else (part,)
            found += [p for p in parts if isinstance(p, _Field)]
    return found


def _render_part(template: str, part: str | _Field | _Optional,
                 values: Mapping[str, object]) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, _Field):
        value = values[part.name]
        return "" if _empty(value) else _format(template, part, value)
    if any(isinstance(p, _Field) and _empty(values[p.name]) for p in part.parts):
        return ""
    return "".join(_render_part(template, p, values) for p in part.parts)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _format(template: str, field: _Field, value: object) -> str:
    try:
        return format(value, field.spec)
    except (ValueError, TypeError) as error:
        _fail(template, f"{{{field.name}:{field.spec}}} cannot format {value!r}: {error}")


def _fail(template: str, problem: str) -> NoReturn:
    raise ConfigError(f'naming template "{template}": {problem}')
