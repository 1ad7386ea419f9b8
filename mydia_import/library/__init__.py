"""The SQLite library: Mydia's tables, the tool's `import_` tables, and the
catalog, lookups, files and job history on top of them."""

from __future__ import annotations

from mydia_import.library.core import Library
from mydia_import.library.results import ItemSummary, JobFile, JobSummary, LoadSummary, StoredFile

__all__ = ["ItemSummary", "JobFile", "JobSummary", "Library", "LoadSummary", "StoredFile"]
