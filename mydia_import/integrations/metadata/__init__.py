"""Metadata providers (TVmaze, TMDB): what they say about a title, as plain values.

Every provider module turns its own JSON into these dataclasses at one boundary, so
the rest of the tool never reads a provider's shapes. Only `http.py` talks to the
network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mydia_import.errors import MydiaImportError
from mydia_import.models import MediaType


class ProviderError(MydiaImportError):
    """A provider could not answer (network, refused key, malformed reply); the message
    names the provider and what to do. Never fatal to an import."""


@dataclass(frozen=True)
class Episode:
    season: int
    episode: int
    title: str | None = None
    air_date: str | None = None  # YYYY-MM-DD
    id: int | None = None  # the provider's own id of the episode (renumbering follows it)


@dataclass(frozen=True)
class Candidate:
    """One search result: enough to choose between candidates and to fetch the details."""

    provider: str  # "tvmaze" | "tmdb"
    id: int
    type: MediaType
    title: str
    year: int | None = None
    country: str | None = None
    network: str | None = None
    overview: str | None = None
    original_title: str | None = None

    def label(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.title}{year}"

    def to_json(self) -> dict[str, Any]:
        return {"provider": self.provider, "id": self.id, "type": str(self.type), "title": self.title,
                "year": self.year, "country": self.country, "network": self.network,
                "overview": first_line(self.overview)}


@dataclass(frozen=True)
class Details:
    """What an item gets from its provider: ids, titles, episodes, and the payload kept
    in media_items.metadata (with `alternative_titles` as Mydia keeps them)."""

    candidate: Candidate
    tmdb_id: int | None = None
    imdb_id: str | None = None
    aliases: tuple[str, ...] = ()
    episodes: tuple[Episode, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)


def first_line(text: str | None, limit: int = 100) -> str | None:
    """The overview's first sentence-ish line, without TVmaze's HTML tags."""
    if not text:
        return None
    import re

    plain = re.sub(r"<[^>]+>", "", text).strip().splitlines()
    line = plain[0] if plain else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def year_of(date: Any) -> int | None:
    if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None
