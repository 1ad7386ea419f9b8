"""`Library`: the one object the rest of mydia-import talks to about the database.

It opens the database and hands it to the modules that do the work: catalog
(items and episodes), lookup (matching), roots, files and jobs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePath
from types import TracebackType
from typing import Any

from mydia_import.errors import LibraryError
from mydia_import.identify.parse import guessit_version
from mydia_import.library import catalog, files, jobs, lookup, migrations, prune, reconcile, roots
from mydia_import.library.db import Database
from mydia_import.library.journal import Journal
from mydia_import.library.parsecache import ParseCache
from mydia_import.library.prune import Pruned
from mydia_import.library.remembered import RememberedReleases
from mydia_import.library.results import ItemSummary, JobFile, JobSummary, LoadSummary, StoredFile
from mydia_import.models import (
    EpisodeRef,
    FileResult,
    LibraryRoot,
    Match,
    MediaRef,
    MediaType,
    Release,
)


class Library:
    """The SQLite library (Mydia's schema plus the tool's `import_` tables)."""

    def __init__(self, db: Database):
        self.db = db
        self._files = files.Files(db)
        self._parse_caches: list[ParseCache] = []
        self.journal = Journal(db)  # import_transfers: what each job put into the library
        self.remembered = RememberedReleases(db)  # import_settled_releases: the re-scan fast path
        # find_items answers, until this Library changes the catalog: the files of a season pack
        # all look up the same titles.
        self._items: dict[tuple[str, MediaType | None], tuple[MediaRef, ...]] = {}
        db.ensure_schema()
        migrations.migrate(db)
        reconcile.drop_orphan_links(db)
        lookup.sync_title_index(db)

    @classmethod
    def open(cls, path: Path, create: bool = True, busy_timeout: float | None = None) -> Library:
        """Open the library at `path`, creating its missing tables, and with `create` the file
        and its folders (`init`); without, a missing file is a LibraryError. busy_timeout: seconds
        a write waits while another program holds the database (None: the default)."""
        db = Database.open(path, create) if busy_timeout is None else Database.open(path, create, busy_timeout)
        try:
            return cls(db)
        except BaseException:
            db.close()
            raise

    @classmethod
    def memory(cls) -> Library:
        return cls(Database.memory())

    def close(self) -> None:
        for cache in self._parse_caches:
            with contextlib.suppress(LibraryError):  # a cache is worth no failed close
                cache.flush()
        self.db.close()

    def writable(self) -> bool:
        """The database can be written by this user (a read-only library can still be read)."""
        return self.db.writable()

    def parse_cache(self, writable: bool = True) -> ParseCache:
        """The names guessit already read (import_parse_cache), for a ReleaseParser;
        what it learns is written in batches and when the library closes."""
        cache = ParseCache(self.db, guessit_version, writable)
        self._parse_caches.append(cache)
        return cache

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes (say, every file of a job) into one commit."""
        with self.db.transaction():
            yield

    # -- library roots ------------------------------------------------------

    def ensure_root(self, path: Path, type: str) -> LibraryRoot:
        return roots.ensure_root(self.db, path, type)

    def roots(self) -> list[LibraryRoot]:
        return roots.roots(self.db)

    def root_for(self, path: Path) -> LibraryRoot | None:
        return roots.root_for(self.db, path)

    def home_of(self, item: MediaRef) -> LibraryRoot | None:
        """Where this item already has files (several library_paths of one type may exist)."""
        return roots.home_of(self.db, item.id, str(item.type))

    def quality_profile(self, item_id: str, root_id: str | None) -> dict[str, Any] | None:
        """Mydia's quality profile of an item, else of its library folder: its name, its
        `qualities` (decoded), `upgrades_allowed` and `upgrade_until_quality`; None without one."""
        row = self.db.row(
            "SELECT name, qualities, upgrades_allowed, upgrade_until_quality FROM quality_profiles WHERE id = "
            "COALESCE((SELECT quality_profile_id FROM media_items WHERE id = ?), "
            "(SELECT quality_profile_id FROM library_paths WHERE id = ?))", [item_id, root_id or ""])
        if row is None:
            return None
        try:
            qualities = json.loads(row["qualities"]) if row["qualities"] else None
        except ValueError:
            qualities = None  # unreadable: no list rather than a wrong one
        return {**row, "qualities": qualities}

    def first_suitable_root(self, type: MediaType) -> LibraryRoot | None:
        return roots.first_suitable(self.db, str(type))

    # -- catalog ------------------------------------------------------------

    def load(self, data: dict[str, Any]) -> LoadSummary:
        self._items.clear()
        return catalog.load(self.db, data)

    def add_movie(
        self, title: str, year: int | None = None, aliases: Iterable[str] = (),
        tmdb_id: int | None = None, imdb_id: str | None = None, notes: list[str] | None = None,
        rename: bool = False,
    ) -> MediaRef:
        """One movie; `notes` collects what the user should know (a close title, a title kept)."""
        self._items.clear()
        return catalog.add_movie(self.db, title, year, aliases, tmdb_id, imdb_id, notes, rename)

    def add_show(
        self, title: str, year: int | None = None, aliases: Iterable[str] = (),
        tmdb_id: int | None = None, seasons: Mapping[int, int] | None = None,
        notes: list[str] | None = None, rename: bool = False,
    ) -> MediaRef:
        self._items.clear()
        return catalog.add_show(self.db, title, year, aliases, tmdb_id, seasons, notes, rename)

    def list_items(self, type: MediaType | None = None) -> list[ItemSummary]:
        return catalog.list_items(self.db, type)

    def apply_provider(self, item_id: str, **data: Any) -> tuple[int, int, int]:
        """Ids, payload and episodes from a metadata provider: (added, updated, renumbered)."""
        self._items.clear()
        return catalog.apply_provider(self.db, item_id, **data)

    def provider_ids(self, item_id: str) -> dict[str, Any]:
        return catalog.provider_ids(self.db, item_id)

    # -- lookups for matching -----------------------------------------------

    def get_item(self, item_id: str) -> MediaRef | None:
        return lookup.get_item(self.db, item_id)

    def find_items(self, normalized_title: str, type: MediaType | None = None) -> list[MediaRef]:
        key = (normalized_title, type)
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = tuple(lookup.find_items(self.db, normalized_title, type))
        return list(found)

    def find_episodes(self, item_id: str, season: int, numbers: Sequence[int]) -> list[EpisodeRef]:
        return lookup.find_episodes(self.db, item_id, season, numbers)

    def title_keys(self, type: MediaType, prefix: str = "") -> dict[str, list[str]]:
        return lookup.title_keys(self.db, type, prefix)

    def catalog_stamp(self) -> str:
        return lookup.catalog_stamp(self.db)

    def tmdb_id(self, item_id: str) -> int | None:
        return lookup.tmdb_id(self.db, item_id)

    def expected_runtime(self, match: Match) -> float | None:
        return lookup.expected_runtime(self.db, match.item.id, [e.id for e in match.episodes])

    def find_episodes_by_air_date(self, item_id: str, date: dt.date) -> list[EpisodeRef]:
        return lookup.find_episodes_by_air_date(self.db, item_id, date)

    def find_episodes_by_absolute(self, item_id: str, numbers: Sequence[int]) -> list[EpisodeRef]:
        return lookup.find_episodes_by_absolute(self.db, item_id, numbers)

    def season_numbers(self, item_id: str) -> set[int]:
        return lookup.season_numbers(self.db, item_id)

    # -- files --------------------------------------------------------------

    def file_at(self, root: LibraryRoot, relative_path: str | PurePath) -> StoredFile | None:
        return self._files.file_at(root, relative_path)

    def record_file(
        self, root: LibraryRoot, relative_path: str | PurePath, *, size: int, match: Match,
        release: Release | None, metadata: Mapping[str, Any],
    ) -> str:
        return self._files.record(root, relative_path, size=size, match=match,
                                  release=release, metadata=metadata)

    def file_at_path(self, path: Path) -> StoredFile | None:
        """The media_files row of the file at this absolute path, or None."""
        return self._files.at_path(path)

    def files_of(self, match: Match) -> list[tuple[StoredFile, frozenset[tuple[int, int]]]]:
        """The media_files rows of the match's movie or of any of its episodes, each with the
        (season, episode) numbers it holds."""
        return self._files.of_match(match)

    def delete_file(self, media_file_id: str) -> bool:
        return self._files.delete(media_file_id)

    def file_snapshot(self, media_file_id: str) -> dict[str, Any] | None:
        return self._files.snapshot(media_file_id)

    def restore_file(self, snapshot: Mapping[str, Any]) -> bool:
        return self._files.restore(snapshot)

    def file_exists(self, media_file_id: str) -> bool:
        return self._files.exists(media_file_id)

    def existing_files(self, media_file_ids: Iterable[str]) -> set[str]:
        """Which of these media_files ids exist (one query per 500)."""
        return self._files.existing(media_file_ids)

    def file_ids_at(self, root: LibraryRoot, relative_paths: Iterable[str | PurePath]) -> dict[str, str]:
        """The media_files ids of many paths of one root: relative path -> id, where one exists."""
        return self._files.ids_at(root, relative_paths)

    def file_ids_in(self, places: Iterable[tuple[LibraryRoot, str]]) -> dict[tuple[LibraryRoot, str], str]:
        """`file_ids_at` for places in any library folders: (root, relative path) -> id."""
        by_root: dict[LibraryRoot, list[str]] = {}
        for root, relative in places:
            by_root.setdefault(root, []).append(relative)
        return {(root, relative): file_id for root, relatives in by_root.items()
                for relative, file_id in self.file_ids_at(root, relatives).items()}

    @property
    def lock_path(self) -> Path | None:
        """The run lock beside the database file; None for an in-memory library."""
        return None if self.db.name == ":memory:" else Path(self.db.name + ".lock")

    # -- job history --------------------------------------------------------

    def start_job(
        self, command: str, arguments: Mapping[str, Any], mode: str, dry_run: bool = False
    ) -> str:
        return jobs.start_job(self.db, command, arguments, mode, dry_run)

    def record_job_file(
        self, job_id: str, result: FileResult, release_name: str | None = None
    ) -> str:
        return jobs.record_job_file(self.db, job_id, result, release_name)

    def record_job_files(
        self, job_id: str, results: Sequence[tuple[FileResult, str | None]]
    ) -> list[str]:
        """The lines of many files (result, release name) in one transaction."""
        return jobs.record_job_files(self.db, job_id, results)

    def finish_job(self, job_id: str, summary: Mapping[str, Any], status: str,
                   outcome: str | None = None, replaces: str | None = None) -> None:
        jobs.finish_job(self.db, job_id, summary, status, outcome, replaces)

    def previous_job(self, job_id: str, command: str, arguments: Mapping[str, Any]) -> JobSummary | None:
        return jobs.previous(self.db, job_id, command, arguments)

    def journaled(self, job_id: str) -> bool:
        return jobs.journaled(self.db, job_id)

    def prune_jobs(self, *, before: str | None, keep: int, dry_run: bool = False) -> Pruned:
        return prune.prune(self.db, before=before, keep=keep, dry_run=dry_run)

    def jobs(self, limit: int = 20, failed_only: bool = False) -> list[JobSummary]:
        return jobs.jobs(self.db, limit, failed_only)

    def job(self, job_id: str) -> JobSummary | None:
        return jobs.job(self.db, job_id)

    def job_files(self, job_id: str) -> list[JobFile]:
        return jobs.job_files(self.db, job_id)

    def delete_job(self, job_id: str) -> bool:
        return jobs.delete_job(self.db, job_id)

    def running_jobs(self) -> list[JobSummary]:
        return jobs.running(self.db)

    def job_summary_counts(self, job_id: str) -> dict[str, int]:
        return jobs.summarize(self.db, job_id)
