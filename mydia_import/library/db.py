"""The one door to SQLite: opening, pragmas, schema creation, transactions,
errors in words.

The rest of the `library` package receives a `Database` and speaks plain SQL
through it. This is the only module that imports sqlite_utils, and it does so
when first needed (nested transactions, rolling back, switching a new
database to WAL): its import costs 50 ms, which a hook that finds nothing to
do must not pay. Plain statements go to the sqlite3 connection directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import os
import secrets
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from mydia_import.errors import LibraryError, describe_os_error, running_as
from mydia_import.library.schema import MYDIA_TABLES, TOOL_TABLES, Table

# Download clients start one hook per finished torrent, all at once: writers queue on the
# lock instead of failing. Mydia itself may hold a write transaction for a while: a run waits
# `[library] busy_timeout` seconds (this default when none is given) before it gives up.
BUSY_TIMEOUT_SECONDS = 60

Params = Sequence[Any] | Mapping[str, Any]


def new_id() -> str:
    """A TEXT UUID4 primary key, as Ecto's binary_id."""
    return str(uuid.uuid4())


def ordered_id() -> str:
    """A TEXT UUIDv7 (RFC 9562): the milliseconds since 1970 first, then random bits. Rows
    written one after another land at the end of their primary-key index instead of all over
    it, which keeps writing thousands of history lines cheap however long the history."""
    millis = time.time_ns() // 1_000_000
    value = millis << 80 | 0x7 << 76 | secrets.randbits(12) << 64 | 0b10 << 62 | secrets.randbits(62)
    h = f"{value:032x}"  # str(uuid.UUID(int=value)), without building the object
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def timestamp(precise: bool = False) -> str:
    """Now in UTC as ISO-8601: Ecto's utc_datetime ('…T12:00:00Z') or, for the
    tool's own tables, with microseconds so that history sorts in order."""
    now = dt.datetime.now(dt.UTC)
    if not precise:
        now = now.replace(microsecond=0)
    return now.isoformat().replace("+00:00", "Z")


def parse_timestamp(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class DatabaseLocked(LibraryError):
    """Another program held the database's write lock longer than this run waits."""


class Database:
    """An open library database: plain SQL in, dicts out, errors as LibraryError."""

    def __init__(self, conn: sqlite3.Connection, name: str, busy_timeout: float = BUSY_TIMEOUT_SECONDS):
        self.name = name
        self.busy_timeout = busy_timeout
        # Autocommit: a statement outside `transaction()` commits at once, and BEGIN, SAVEPOINT
        # and COMMIT are the tool's own, never sqlite3's implicit transactions.
        conn.isolation_level = None
        self._conn = conn
        self._tracer: Callable[[str, Any], None] | None = None

    @classmethod
    def open(cls, path: Path, create: bool = True, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Database:
        """Open the database at `path`; a missing file is created only with `create` (init):
        a mistyped path must not become an empty library that knows no file."""
        path = Path(path).expanduser()
        if path.is_dir():
            raise LibraryError(f"{path} is a folder, not a SQLite database")
        if not create and not path.exists():
            raise LibraryError(f"the library database {path} does not exist; create it with `mydia-import init` "
                               "or correct [library] database in the config")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LibraryError(
                f"cannot create the folder {path.parent} for the library database: "
                f"{describe_os_error(error)}"
            ) from error
        _check_access(path)
        # Without `create`, SQLite itself refuses to make the file (one removed since the check).
        target, uri = (str(path), False) if create else (f"{path.absolute().as_uri()}?mode=rw", True)
        try:
            conn = sqlite3.connect(target, timeout=busy_timeout, uri=uri)
        except sqlite3.Error as error:
            raise LibraryError(_describe(error, str(path))) from error
        return cls._set_up(conn, str(path), busy_timeout)

    def writable(self) -> bool:
        """Whether this run may write here: the file and its folder (SQLite's -wal and -shm files)
        are writable. A read-only library is still read, and caches are then not written."""
        if self.name == ":memory:":
            return True
        path = Path(self.name)
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)

    @classmethod
    def memory(cls) -> Database:
        return cls._set_up(sqlite3.connect(":memory:"), ":memory:")

    @classmethod
    def _set_up(cls, conn: sqlite3.Connection, name: str, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> Database:
        try:
            db = cls(conn, name, busy_timeout)
            db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            db.execute("PRAGMA foreign_keys = ON")
            # Reading journal_mode is the first statement that reads the file's
            # header, so a file that is not SQLite fails here.
            if str(db.value("PRAGMA journal_mode")).lower() != "wal":
                db._utils.enable_wal()
        except sqlite3.Error as error:
            conn.close()
            raise LibraryError(_describe(error, name)) from error
        except LibraryError:
            conn.close()
            raise
        return db

    def close(self) -> None:
        self._conn.close()

    # -- statements ---------------------------------------------------------

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """Run one statement. Outside `transaction()` a write commits at once."""
        if self._tracer is not None:
            self._tracer(sql, params)
        try:
            return self._conn.execute(sql, params)
        except sqlite3.Error as error:
            raise self._error(error) from error

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """One statement for many rows (inside `transaction()` to commit them together)."""
        try:
            self._conn.executemany(sql, rows)
        except sqlite3.Error as error:
            raise self._error(error) from error

    def rows(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        cursor = self.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def row(self, sql: str, params: Params = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def value(self, sql: str, params: Params = ()) -> Any:
        found = self.execute(sql, params).fetchone()
        return found[0] if found else None

    def insert(self, table: str, values: Mapping[str, Any]) -> None:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))

    def update(self, table: str, row_id: str, values: Mapping[str, Any]) -> None:
        assignments = ", ".join(f"{name} = ?" for name in values)
        self.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), row_id]
        )

    # -- schema -------------------------------------------------------------

    def table_names(self) -> set[str]:
        return {r[0] for r in self.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}

    def index_names(self) -> set[str]:
        return {r["name"] for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'index'")}

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.execute(f"PRAGMA table_info([{table}])").fetchall()]

    @contextlib.contextmanager
    def tracer(self, callback: Callable[[str, Any], None]) -> Iterator[None]:
        """Call `callback(sql, params)` for each statement in the block (tests, -v)."""
        previous, self._tracer = self._tracer, callback
        try:
            yield
        finally:
            self._tracer = previous

    def ensure_schema(self) -> None:
        """Create the missing tables (and the indexes of the tables the tool creates).

        Mydia's existing tables are checked, never altered. Writes nothing when
        all is in place, so that runs opening the database together do not
        queue for the write lock.
        """
        existing = self.table_names()
        for table in MYDIA_TABLES:
            if table.name in existing:
                self._check_columns(table)
        indexes = self.index_names()
        owned = [t for t in MYDIA_TABLES if t.name not in existing] + list(TOOL_TABLES)
        statements = [t.create_sql() for t in MYDIA_TABLES + TOOL_TABLES if t.name not in existing]
        statements += [
            i.create_sql(t.name) for t in owned for i in t.indexes if i.name not in indexes
        ]
        if not statements:
            return
        with self.transaction():
            for sql in statements:
                self.execute(sql)

    def _check_columns(self, table: Table) -> None:
        missing = [c for c in table.uses if c not in self.columns(table.name)]
        if missing:
            raise LibraryError(
                f"the library database {self.name} has a {table.name} table without the "
                f"column(s) {', '.join(missing)}: it is from an older Mydia; let Mydia "
                "upgrade it first (mydia-import never alters Mydia's tables)"
            )

    # -- transactions -------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes in the block commit together or not at all; nests.

        The outermost block takes the write lock up front (BEGIN IMMEDIATE):
        a reader that later tries to write could otherwise fail at once with
        "database is locked" while another process writes, busy timeout or not.
        """
        conn = self._conn
        if conn.in_transaction:
            with self._utils.atomic():  # a savepoint inside the open transaction
                yield
            return
        self.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._utils.rollback()
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            self._utils.rollback()
            raise self._error(error) from error

    def _error(self, error: sqlite3.Error) -> LibraryError:
        """The LibraryError for error. Once another program has kept the database locked past
        the limit, the run is failing: the writes that close it (the job's counts, the parse
        cache) must not wait the whole limit again each, so they get no wait at all."""
        if not _is_locked(error):
            return LibraryError(_describe(error, self.name))
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("PRAGMA busy_timeout = 0")
        return DatabaseLocked(
            f"the library database {self.name} was locked by another program (Mydia, or another tool "
            f"writing to it) for {self.busy_timeout:g} s ([library] busy_timeout); nothing was "
            "half-recorded, and the next run (a scan, or this import again) picks up the work")

    @functools.cached_property
    def _utils(self) -> Any:
        """sqlite-utils over the same connection, imported on first use."""
        import sqlite_utils

        return sqlite_utils.Database(self._conn, execute_plugins=False)


def _check_access(path: Path) -> None:
    """Fail early, naming the user, where SQLite would only say 'unable to open'."""
    try:
        if path.exists():
            with open(path, "r+b"):
                pass
        elif not os.access(path.parent, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "permission denied", str(path.parent))
    except OSError as error:
        raise LibraryError(
            f"cannot open the library database {path}: {describe_os_error(error)}"
        ) from error


def _is_locked(error: sqlite3.Error) -> bool:
    lowered = str(error).lower()
    return "locked" in lowered or "busy" in lowered


def _describe(error: sqlite3.Error, name: str) -> str:
    """One line a user can act on, naming the database file."""
    text = str(error)
    lowered = text.lower()
    if "file is not a database" in lowered or "not a database" in lowered:
        return f"{name} is not a SQLite database"
    if "malformed" in lowered:
        return f"the library database {name} is damaged ({text})"
    if _is_locked(error):
        return f"the library database {name} stayed locked by another program; try again when it has finished"
    if "readonly" in lowered or "read-only" in lowered:
        return f"cannot write to the library database {name}: {_access_problem(name)}"
    if "disk is full" in lowered or ("disk i/o error" in lowered and _full(name)):
        # SQLite says "disk I/O error" when a full disk refuses its -shm file: the free space tells.
        return (f"cannot write to the library database {name}: no space left on the device that holds it; "
                "free some space there (nothing was half-recorded)")
    if "disk i/o error" in lowered:
        return (f"cannot write to the library database {name}: input/output error (the disk or the network "
                "share that holds it may be failing; see `dmesg`)")
    if "unable to open" in lowered:
        return f"cannot open the library database {name}: {_access_problem(name)}"
    return f"the library database {name} refused the operation: {text}"


def _full(name: str) -> bool:
    """The filesystem holding the database has (nearly) no room left."""
    try:
        return shutil.disk_usage(Path(name).parent).free < 1_000_000
    except OSError:
        return False


def _access_problem(name: str) -> str:
    """Why a file or its folder cannot be written (SQLite writes files beside it)."""
    path = Path(name)
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"permission denied on the file for {running_as()}"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return (
            f"permission denied on its folder for {running_as()} "
            "(SQLite needs to create its -wal and -shm files there)"
        )
    return "the file or its folder is read-only"
