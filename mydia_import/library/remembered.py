"""import_settled_releases: releases an earlier scan remembered, for the re-scan fast path.

Each row holds a release's fingerprint and its files' results as JSON (mydia_import/rescan/fast_path.py
makes and reads them); this module only stores and fetches the rows of one downloads folder.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from mydia_import.library.db import Database, timestamp
from mydia_import.pathtext import db_path, path_from_db


class RememberedReleases:
    def __init__(self, db: Database):
        self.db = db

    def rows_in(self, downloads: Path) -> dict[Path, tuple[str, str]]:
        """release -> (fingerprint, files JSON) of the remembered releases of a downloads folder."""
        rows = self.db.execute("SELECT release, fingerprint, files FROM import_settled_releases WHERE downloads = ?",
                               [db_path(downloads)])
        return {path_from_db(release): (fingerprint, files) for release, fingerprint, files in rows}

    def replace_in(self, downloads: Path, remembered: Sequence[tuple[Path, str, str]], keep: Collection[Path]) -> None:
        """The rows of a downloads folder after a scan, in one transaction: `remembered` (release,
        fingerprint, files JSON) written, the rows of `keep` left, every other row dropped."""
        folder = db_path(downloads)
        wanted = {db_path(r) for r in keep} | {db_path(r) for r, _, _ in remembered}
        stale = [(r,) for (r,) in self.db.execute(
            "SELECT release FROM import_settled_releases WHERE downloads = ?", [folder]) if r not in wanted]
        now = timestamp(precise=True)
        with self.db.transaction():
            self.db.executemany("DELETE FROM import_settled_releases WHERE release = ?", stale)
            self.db.executemany(
                "INSERT OR REPLACE INTO import_settled_releases (release, downloads, fingerprint, files, settled_at) "
                "VALUES (?, ?, ?, ?, ?)", [(db_path(r), folder, f, files, now) for r, f, files in remembered])
