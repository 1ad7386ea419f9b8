"""What the library hands back: small frozen dataclasses, each with to_json()."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mydia_import.decisions import Code
from mydia_import.models import Action, EpisodeRef, Kind, MediaRef, Status


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


@dataclass(frozen=True)
class LoadSummary:
    """What `library load` (or `library add`) changed."""

    movies_added: int = 0
    movies_updated: int = 0
    movies_unchanged: int = 0
    shows_added: int = 0
    shows_updated: int = 0
    shows_unchanged: int = 0
    episodes_added: int = 0
    episodes_updated: int = 0
    notes: tuple[str, ...] = ()  # items close to an existing one, titles kept

    @property
    def changed(self) -> bool:
        return any(
            (self.movies_added, self.movies_updated, self.shows_added, self.shows_updated,
             self.episodes_added, self.episodes_updated)
        )

    def to_json(self) -> dict[str, dict[str, int]]:
        return {
            "movies": {"added": self.movies_added, "updated": self.movies_updated,
                       "unchanged": self.movies_unchanged},
            "shows": {"added": self.shows_added, "updated": self.shows_updated,
                      "unchanged": self.shows_unchanged},
            "episodes": {"added": self.episodes_added, "updated": self.episodes_updated},
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ItemSummary:
    """One line of `library list`."""

    ref: MediaRef
    episodes: int
    files: int
    tmdb_id: int | None = None
    aliases: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {**self.ref.to_json(), "tmdb_id": self.tmdb_id, "aliases": list(self.aliases),
                "episodes": self.episodes, "files": self.files}


@dataclass(frozen=True)
class StoredFile:
    """A media_files row.

    `media_item_id` is the item the file belongs to: for a TV file it is the
    show, reached through the episode (the row itself leaves it NULL).
    `episode_ids` lists every episode of a multi-episode file, in order.
    """

    id: str
    path: Path
    relative_path: str | None
    size: int | None
    media_item_id: str | None
    episode_ids: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    library_path_id: str | None = None
    resolution: str | None = None
    codec: str | None = None
    hdr_format: str | None = None
    audio_codec: str | None = None


@dataclass(frozen=True)
class JobSummary:
    """One import job of the history."""

    id: str
    command: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    dry_run: bool
    mode: str | None
    status: str
    summary: dict[str, Any]
    arguments: dict[str, Any]
    files: int = 0
    # A digest of what the run found (rescan/unchanged.py), kept to tell whether the next run of the same
    # command and arguments finds the same; not shown.
    outcome: str | None = None

    @property
    def unchanged_runs(self) -> int:
        """The runs in a row this job's one line stands for: 0 for a job that changed something."""
        return int(self.summary.get("unchanged_runs", 0))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "command": self.command,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "dry_run": self.dry_run,
            "mode": self.mode,
            "status": self.status,
            "summary": self.summary,
            "arguments": self.arguments,
            "files": self.files,
        }


@dataclass(frozen=True)
class JobFile:
    """One file of an import job, as it was recorded.

    `media_item` is read from the library when the item still exists;
    `media_item_id` stays even when it does not.
    """

    id: str
    job_id: str
    source: Path
    destination: Path | None
    kind: Kind
    action: Action
    status: Status
    reason: str | None
    release_name: str | None
    media_item_id: str | None
    media_item: MediaRef | None
    episodes: tuple[EpisodeRef, ...]
    media_file_id: str | None
    size: int
    recorded_at: dt.datetime
    code: Code | None = None  # the rule of the reason (decisions.py); None on lines from before codes

    def to_json(self) -> dict[str, Any]:
        """The same shape as a file of `scan --json`, plus what history adds."""
        return {
            "source": str(self.source),
            "destination": str(self.destination) if self.destination else None,
            "kind": str(self.kind),
            "action": str(self.action),
            "status": str(self.status),
            "reason": self.reason,
            "code": None if self.code is None else str(self.code),
            "media_item": self.media_item.to_json() if self.media_item else None,
            "episodes": [e.to_json() for e in self.episodes],
            "release_name": self.release_name,
            "media_file_id": self.media_file_id,
            "size": self.size,
            "recorded_at": _iso(self.recorded_at),
        }
