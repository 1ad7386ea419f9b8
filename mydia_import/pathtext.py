"""Paths as text, whatever bytes their names hold.

Linux file names are bytes; Python decodes the ones that are not UTF-8 with
`surrogateescape`, so a `str` path may hold lone surrogates (U+DC80..U+DCFF).
Those cannot be encoded as UTF-8: SQLite, `print()` and a UTF-8 JSON document
all raise on them. This module is the one place that decides what they become:

- in the database, an exact path is stored as TEXT when it is valid UTF-8 and
  as a BLOB of its raw bytes otherwise (SQLite keeps either in a TEXT column),
  so undo and retry find the very file again (`db_path`, `path_from_db`);
- text that is only read by people (reasons, release names) gets `\\xNN` for
  each undecodable byte (`db_text`, `display`);
- JSON keeps lone surrogates as `\\udcNN` escapes: a valid document, and
  `json.loads` gives back the exact path (`json_dumps`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters (C0, DEL, C1) and the line and paragraph separators: a file name
# holding them could start a new line in a log or a table.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def db_path(path: str | os.PathLike[str]) -> str | bytes:
    """An exact path for a TEXT column: text when valid UTF-8, else its raw bytes."""
    text = os.fspath(path)
    if not has_surrogates(text):
        return text
    try:
        return os.fsencode(text)
    except UnicodeEncodeError:  # a surrogate no file name decodes to (from JSON input): kept readable
        return db_text(text) or ""


def path_from_db(value: str | bytes) -> Path:
    """The path `db_path` stored."""
    return Path(os.fsdecode(value) if isinstance(value, bytes) else value)


def text_from_db(value: str | bytes | None) -> str | None:
    """A column that may hold a BLOB path, as text (surrogates kept)."""
    if isinstance(value, bytes):
        return os.fsdecode(value)
    return value


def db_text(text: str | None) -> str | None:
    """Text for a column people read: undecodable bytes as \\xNN, everything else kept."""
    if text is None or not has_surrogates(text):
        return text
    return _SURROGATE.sub(_byte_escape, text)


def display(text: object) -> str:
    """Text fit for one line of a terminal or log: undecodable bytes as \\xNN and
    control characters (a newline in a file name) as escapes."""
    text = str(text)
    text = _SURROGATE.sub(_byte_escape, text)
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def json_dumps(document: Any, **options: Any) -> str:
    """json.dumps with ensure_ascii=False whose output is always encodable as UTF-8."""
    text = json.dumps(document, ensure_ascii=False, **options)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _byte_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"
