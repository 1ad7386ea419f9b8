"""`library refresh`: a show's episodes brought up to date from its provider.

New episodes are added, titles and air dates updated, renumbered episodes moved to their new
numbers (library/renumber.py); an episode with files is never deleted and the item's own title
and year are never touched (catalog.apply_provider).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mydia_import.integrations.metadata import ProviderError
from mydia_import.integrations.metadata.providers import Providers, recorded
from mydia_import.models import MediaRef, MediaType


@dataclass(frozen=True)
class Refreshed:
    item: MediaRef
    added: int = 0
    updated: int = 0
    renumbered: int = 0
    reason: str | None = None  # why it was not refreshed

    def to_json(self) -> dict:
        return {"media_item": self.item.to_json(), "episodes_added": self.added,
                "episodes_updated": self.updated, "episodes_renumbered": self.renumbered, "reason": self.reason}


def refresh_one(library, providers: Providers, item: MediaRef) -> Refreshed:
    if item.type is not MediaType.TV_SHOW:
        return Refreshed(item, reason="a movie has no episodes to refresh")
    try:
        candidate = providers.for_item(library.provider_ids(item.id))
        if candidate is None:
            return Refreshed(item, reason="no provider id; add one with `library add show TITLE "
                                          "--tvmaze-id N` (or --tmdb-id, --imdb-id)")
        details = providers.details(candidate)
    except ProviderError as error:
        return Refreshed(item, reason=str(error))
    added, updated, renumbered = library.apply_provider(item.id, **recorded(details))
    return Refreshed(item, added, updated, renumbered)


def refresh(library, providers: Providers, items: Iterable[MediaRef],
            advance: Callable[[], None] = lambda: None) -> list[Refreshed]:
    done = []
    for item in items:
        done.append(refresh_one(library, providers, item))
        advance()
    return done
