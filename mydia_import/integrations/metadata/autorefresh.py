"""A scan that meets a known show with an unknown episode refreshes that show once per run,
then decides again, so a running show's new episode imports without a manual step.

Only with `[metadata] lookup` (on by default; TMDB only with a key), never in a dry run. The
library is wrapped for matching only: every other call goes straight through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mydia_import.models import EpisodeRef


class RefreshingCatalog:
    def __init__(self, library: Any, settings: Any):
        self._library = library
        self._settings = settings
        self._providers: Any = None
        self._refreshed: set[str] = set()
        self.warnings: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._library, name)

    def find_episodes(self, item_id: str, season: int, numbers: Sequence[int]) -> list[EpisodeRef]:
        found = self._library.find_episodes(item_id, season, numbers)
        if len(found) < len(set(numbers)) and self._refresh(item_id):
            found = self._library.find_episodes(item_id, season, numbers)
        return found

    def find_episodes_by_air_date(self, item_id: str, date: Any) -> list[EpisodeRef]:
        found = self._library.find_episodes_by_air_date(item_id, date)
        if not found and self._refresh(item_id):
            found = self._library.find_episodes_by_air_date(item_id, date)
        return found

    def _refresh(self, item_id: str) -> bool:
        """True when the show was refreshed now (once per run, and only with a provider id)."""
        if item_id in self._refreshed:
            return False
        self._refreshed.add(item_id)
        ids = self._library.provider_ids(item_id)
        if not any(ids.get(k) is not None for k in ("tvmaze_id", "tmdb_id")):
            return False
        from mydia_import.integrations.metadata import ProviderError
        from mydia_import.integrations.metadata.providers import Providers
        from mydia_import.integrations.metadata.refresh import refresh_one

        item = self._library.get_item(item_id)
        provider = "TVmaze" if ids.get("tvmaze_id") is not None else "TMDB"
        if provider == "TMDB" and not (getattr(self._settings, "tmdb_api_key", None)
                                       or getattr(self._settings, "tmdb_api_key_file", None)):
            return False  # lookups are on by default; TMDB without a key is not a failure to report
        try:
            if self._providers is None:
                self._providers = Providers(self._settings)
        except ProviderError as error:  # an unreadable key file
            reason = str(error)
        else:
            done = refresh_one(self._library, self._providers, item)
            if not done.reason:
                return done.added > 0 or done.updated > 0 or done.renumbered > 0
            reason = done.reason
        # One line a show, naming the provider and what to do; the import goes on without it.
        self.warnings.append(f"{provider} could not refresh {item.label()} ({reason}); its new episodes "
                             "are skipped this run and the import goes on: run `mydia-import library refresh` "
                             "later")
        return False

    def close(self) -> None:
        if self._providers is not None:
            self._providers.close()


def for_matching(library: Any, settings: Any, dry_run: bool) -> Any:
    if dry_run or not getattr(settings, "metadata_lookup", False):
        return library
    return RefreshingCatalog(library, settings)
