"""media_files.metadata: Mydia's keys with Mydia's meanings, and the tool's own beside them.

Mydia's importer writes `imported_from_download_id`, `imported_at`, `source`, `release_group`,
`download_client` and `download_client_id`; `source` is the quality source ("BluRay", "WEB-DL")
that its renamer puts back into file names. The tool writes the same keys with the same
meanings, and what only it records (the downloaded file it came from, the release's name, how it
was transferred, its job) under keys starting `import_`, which Mydia does not use.

Versions up to 0.1 wrote the download's path under `source` and the quality under
`quality_source`; `modernize` turns such a dict into today's keys (the one-time migration of
old rows, library/migrations.py, and any old dict that comes back from a journal or a snapshot).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mydia_import.library import vocabulary

# Mydia's keys (lib/mydia/jobs/media_import.ex).
MYDIA_KEYS = ("imported_from_download_id", "imported_at", "source", "release_group", "download_client",
              "download_client_id")

JOB = "import_job_id"
DOWNLOAD_PATH = "import_download_path"  # the downloaded file this library file was made from
RELEASE_NAME = "import_release_name"
TRANSFER_MODE = "import_transfer_mode"  # hardlink, copy, move, symlink, reflink
PROPER_COUNT = "import_proper_count"
DOWNLOAD_SIZE = "import_download_size"
DOWNLOAD_MTIME_NS = "import_download_mtime_ns"
DOWNLOAD_INODE = "import_download_inode"

# Keys earlier versions wrote -> today's. `source` and `quality_source` are handled apart.
_RENAMED = {
    "release_name": RELEASE_NAME, "transfer_mode": TRANSFER_MODE, "proper_count": PROPER_COUNT,
    "edition": "import_edition", "part": "import_part", "source_size": DOWNLOAD_SIZE,
    "source_mtime": "import_download_mtime", "source_mtime_ns": DOWNLOAD_MTIME_NS,
    "source_inode": DOWNLOAD_INODE, "sha256": "import_sha256", "episodes": "import_episodes",
    "adopted": "import_adopted", "adopted_at": "import_adopted_at",
}
def written_before(metadata: Mapping[str, Any]) -> bool:
    """A dict an earlier version of the tool wrote, in the old keys: its import (a job and a
    transfer mode) or its `library adopt` (adopted: true). Mydia writes none of these keys."""
    return (JOB in metadata and "transfer_mode" in metadata) or metadata.get("adopted") is True


def modernize(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Today's keys for a dict in the old ones; any other dict as it is."""
    if not written_before(metadata):
        return dict(metadata)
    new: dict[str, Any] = {}
    for key, value in metadata.items():
        if key == "source":
            if _is_path(value):
                new[DOWNLOAD_PATH] = value
            else:  # a quality word after all
                new.setdefault("source", vocabulary.source(value))
        elif key == "quality_source":
            new["source"] = vocabulary.source(value)
        elif key == "resolution":
            continue  # the media_files.resolution column holds it
        else:
            new[_RENAMED.get(key, key)] = value
    new.setdefault("source", None)
    return new


def _is_path(value: Any) -> bool:
    return isinstance(value, str) and ("/" in value or "\\" in value)


# -- readers: today's key first, then the old one (a dict not yet modernised) ---------------------


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def download_path(metadata: Mapping[str, Any]) -> str | None:
    old = metadata.get("source")
    return _text(metadata.get(DOWNLOAD_PATH)) or (old if _is_path(old) else None)


def release_name(metadata: Mapping[str, Any]) -> str | None:
    return _text(metadata.get(RELEASE_NAME)) or _text(metadata.get("release_name"))


def quality_source(metadata: Mapping[str, Any]) -> str | None:
    """The quality source word, Mydia's or the old key's; never a path."""
    for key in ("source", "quality_source"):
        value = _text(metadata.get(key))
        if value is not None and not _is_path(value):
            return value
    return None


def proper_count(metadata: Mapping[str, Any]) -> int:
    value = metadata.get(PROPER_COUNT, metadata.get("proper_count"))
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def download_identity(metadata: Mapping[str, Any]) -> tuple[Any, Any]:
    """(inode, mtime_ns) of the download when it was imported."""
    return (metadata.get(DOWNLOAD_INODE, metadata.get("source_inode")),
            metadata.get(DOWNLOAD_MTIME_NS, metadata.get("source_mtime_ns")))
