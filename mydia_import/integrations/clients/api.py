"""What clean-up needs from a torrent client, whichever it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from mydia_import.errors import MydiaImportError


class ClientError(MydiaImportError):
    """The client cannot be reached, refused the login, or refused a request."""


@dataclass(frozen=True)
class TorrentState:
    found: bool
    seeded: bool  # the seed goal is reached and the client has stopped the torrent
    state: str  # in words, for messages
    name: str | None = None


class TorrentClient(Protocol):
    name: str
    url: str

    def state(self, torrent_id: str) -> TorrentState: ...
    def remove(self, torrent_id: str, delete_data: bool) -> None: ...
    def mark(self, torrent_id: str, *, tag: str | None, category: str | None) -> None: ...
    def close(self) -> None: ...
