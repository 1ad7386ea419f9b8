"""import_parse_cache: release names as guessit read them, kept across runs.

guessit takes about 10 ms a name; a downloads folder that a cron job scans
every few minutes holds the same names run after run. The key is the name,
the type hint, guessit's version and the tool's parse format (`FORMAT`), so an
upgrade of guessit or of `parse.to_release` reads every name anew.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from mydia_import.library.db import Database, timestamp
from mydia_import.models import Release

# Bump when parse.to_release changes what it makes of a guessit result.
FORMAT = 1
_FIELDS = {f.name for f in dataclasses.fields(Release)}


class ParseCache:
    """Cached Releases of one database; `writable=False` only reads (dry runs, identify).

    New names are written in batches (`flush`, at the latest when the library closes):
    one transaction for many names, not one commit each.
    """

    BATCH = 200

    def __init__(self, db: Database, parser_version: str | Callable[[], str], writable: bool = True):
        self.db = db
        # A callable is asked on first use: reading guessit's version (importlib.metadata) costs
        # a run that parses nothing (a hook with nothing to do, a re-scan) some 20 ms.
        self._version = parser_version
        self.writable = writable
        self._pending: dict[tuple[str, str], Release] = {}

    @property
    def parser(self) -> str:
        """The key of this parser's rows: 'guessit 4.4.0 / 1'."""
        if callable(self._version):
            self._version = self._version()
        return f"{self._version} / {FORMAT}"

    def get(self, name: str, type_hint: str | None) -> Release | None:
        if (pending := self._pending.get((type_hint or "", name))) is not None:
            return pending
        if not _storable(name):
            return None
        row = self.db.row(
            "SELECT release FROM import_parse_cache WHERE parser = ? AND type_hint = ? AND name = ?",
            [self.parser, type_hint or "", name],
        )
        if row is None:
            return None
        try:
            return release_from_json(json.loads(row["release"]))
        except (ValueError, TypeError, KeyError):
            return None  # written by another format: parse again

    def get_many(self, names: list[str], type_hint: str | None) -> dict[str, Release]:
        """The cached Releases of `names` (those found), in one query per 500 names."""
        found = {n: r for n in names if (r := self._pending.get((type_hint or "", n))) is not None}
        wanted = [n for n in names if n not in found and _storable(n)]
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            rows = self.db.rows(
                "SELECT name, release FROM import_parse_cache WHERE parser = ? AND type_hint = ? "
                f"AND name IN ({', '.join('?' * len(chunk))})", [self.parser, type_hint or "", *chunk])
            for row in rows:
                try:
                    found[row["name"]] = release_from_json(json.loads(row["release"]))
                except (ValueError, TypeError, KeyError):
                    continue  # written by another format: parse again
        return found

    def put(self, name: str, type_hint: str | None, release: Release) -> None:
        if not self.writable or not _storable(name):
            return
        self._pending[type_hint or "", name] = release
        if len(self._pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the names parsed since the last flush, in one transaction."""
        if not self._pending:
            return
        now = timestamp()
        rows = [[self.parser, hint, name, json.dumps(release_to_json(release)), now]
                for (hint, name), release in self._pending.items()]
        with self.db.transaction():
            for row in rows:
                self.db.execute(
                    "INSERT OR REPLACE INTO import_parse_cache (parser, type_hint, name, release, parsed_at) "
                    "VALUES (?, ?, ?, ?, ?)", row)
        self._pending.clear()

    def forget_other_versions(self) -> int:
        """Drop rows another guessit version or parse format wrote; returns how many."""
        return self.db.execute("DELETE FROM import_parse_cache WHERE parser != ?", [self.parser]).rowcount


def _storable(name: str) -> bool:
    """A name that is not UTF-8 (its bytes decoded with surrogates) is not cached: SQLite
    text must be UTF-8. It is parsed each run instead."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def release_to_json(release: Release) -> dict[str, Any]:
    data = dataclasses.asdict(release)
    if release.air_date is not None:
        data["air_date"] = release.air_date.isoformat()
    data["episodes"] = list(release.episodes)
    data["absolute"] = list(release.absolute)
    return data


def release_from_json(data: dict[str, Any]) -> Release:
    values = {k: v for k, v in data.items() if k in _FIELDS}
    if values.get("air_date"):
        values["air_date"] = dt.date.fromisoformat(values["air_date"])
    values["episodes"] = tuple(values.get("episodes") or ())
    values["absolute"] = tuple(values.get("absolute") or ())
    return Release(**values)
