"""Download clients: what each one passes to its hook, and clean-up through
their web APIs after an import.

- `hookinput`: turns what qBittorrent, Transmission, Deluge, SABnzbd or NZBGet
  passed (arguments, environment) into one checked `Download`.
- `qbittorrent`, `transmission`: the clients' web APIs (qbittorrent-api,
  transmission-rpc, each imported lazily by its module only).
- `cleanup`: when and how a torrent is removed or marked after its import.

This module stays light: config.py imports `Cleanup` from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Cleanup(StrEnum):
    """When a torrent is cleaned up in its client after a successful import."""

    NEVER = "never"
    AFTER_IMPORT = "after-import"
    WHEN_SEEDED = "when-seeded"


# Clients whose torrents the tool can clean up through their web APIs.
CLEANUP_CLIENTS = ("qbittorrent", "transmission")


@dataclass(frozen=True)
class Download:
    """One finished download as its client described it, with the path mapped to this machine."""

    client: str  # "qbittorrent", "transmission", "deluge", "sabnzbd", "nzbget"
    path: Path  # what to import: the torrent's content (file or folder), local
    name: str | None = None
    id: str | None = None  # torrent info-hash, NZB id
    categories: tuple[str, ...] = ()  # category, labels and tags, as given
    reported: str = ""  # the path as the client gave it, for messages

    def label(self) -> str:
        return self.name or self.path.name

    def to_json(self) -> dict:
        return {"client": self.client, "path": str(self.path), "name": self.name, "id": self.id,
                "categories": list(self.categories)}
