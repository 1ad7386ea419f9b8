"""`[metadata] add_unknown`: a scan that meets a title the library lacks looks it up.

`confident` adds the item when exactly one candidate has the name's title and year (and, for
an episode, that episode), then the file is decided again; `ask` lets a person at a terminal
choose (and is `never` outside one). Anything else leaves the file skipped, the candidates
named in its reason. Only in real runs, or in a dry run with `--lookup`: a dry run adds
nothing, its reason says what a real run would add. The local library stays the authority:
a provider that fails is one warning, and the file is skipped as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mydia_import.errors import MydiaImportError
from mydia_import.integrations.metadata import Candidate, Details, ProviderError
from mydia_import.models import Identification, MediaType, Release
from mydia_import.titles import normalize_title

# A person's choice between candidates: (the file's name, the candidates best first, the certain one).
Ask = Callable[[str, Sequence[Candidate], Candidate | None], Candidate | None]

_PROVIDER = {MediaType.TV_SHOW: "TVmaze", MediaType.MOVIE: "TMDB"}


@dataclass(frozen=True)
class Found:
    """What a lookup of one title would add, or why nothing."""

    type: MediaType
    title: str
    candidates: tuple[Candidate, ...] = ()
    chosen: Candidate | None = None
    details: Details | None = None
    reason: str | None = None  # why nothing would be added
    failed: bool = False  # the provider could not answer

    def to_json(self) -> dict[str, Any]:
        return {"provider": _PROVIDER[self.type].lower(),
                "would_add": self.chosen.to_json() if self.chosen else None,
                "candidates": [c.to_json() for c in self.candidates[:10]], "reason": self.reason}


def look_up(providers: Any, type: MediaType, release: Release, certain: bool = True) -> Found:
    """The provider's candidates for the release's title; the certain one (`certain`) with its details."""
    title = release.title or ""
    provider = _PROVIDER[type]
    try:
        candidates = tuple(providers.search(type, title, release.year))
        if not candidates:
            return Found(type, title, reason=f"{provider} knows no {_noun(type)} '{title}'")
        from mydia_import.integrations.metadata.providers import confident

        chosen = confident(candidates, title, release.year)
        if chosen is None or not certain:
            return Found(type, title, candidates, reason=f"{provider} has {len(candidates)} candidate(s) and "
                         f"none is certain: {named(candidates)}")
        return Found(type, title, candidates, chosen, providers.details(chosen))
    except ProviderError as error:
        return Found(type, title, reason=str(error), failed=True)


def missing_episode(details: Details, release: Release) -> str | None:
    """What of the release's episode the provider's show lacks (None: it has it), read as
    the matcher reads the name (no season: season 1)."""
    if details.candidate.type is not MediaType.TV_SHOW:
        return None
    if release.air_date is not None and not release.episodes:
        day = release.air_date.isoformat()
        return None if any(e.air_date == day for e in details.episodes) else f"no episode that aired on {day}"
    numbers = release.episodes or release.absolute
    if not numbers:
        return "no episode number in the name"
    season = release.season if release.season is not None else 1
    have = {(e.season, e.episode) for e in details.episodes}
    absent = [f"S{season:02d}E{n:02d}" for n in numbers if (season, n) not in have]
    return f"no {', '.join(absent)}" if absent else None


def named(candidates: Sequence[Candidate], limit: int = 5) -> str:
    shown = ", ".join(f"'{c.label()}' ({c.provider} {c.id})" for c in candidates[:limit])
    more = f" and {len(candidates) - limit} more" if len(candidates) > limit else ""
    return shown + more


class AddingCatalog:
    """The catalog matching reads, with `adding_unknown`: plan/batches.py wraps its identify in it."""

    def __init__(self, catalog: Any, settings: Any, policy: str, dry_run: bool, ask: Ask | None = None):
        self._catalog = catalog
        self._settings = settings
        self._policy = policy
        self._dry_run = dry_run
        self._ask = ask
        self._providers: Any = None
        self._unavailable: str | None = None
        self._found: dict[tuple[MediaType, str, int | None], Found] = {}
        self._failed: set[MediaType] = set()
        self.warnings: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._catalog, name)

    def adding_unknown(self, identify: Callable[[Any], Identification]) -> Callable[[Any], Identification]:
        def decide(candidate: Any) -> Identification:
            ident = identify(candidate)
            if ident.unknown is None or ident.release is None or not ident.release.title:
                return ident
            return self._again(candidate, ident, identify)
        return decide

    def _again(self, candidate: Any, ident: Identification, identify: Callable[[Any], Identification]
               ) -> Identification:
        release, type = ident.release, ident.unknown
        assert release is not None and type is not None
        found = self._decided(type, release, candidate.path.name)
        chosen = found.chosen
        if chosen is None or found.details is None:
            return replace(ident, reason=f"{ident.reason}; {found.reason or 'none was chosen'}")
        lacking = missing_episode(found.details, release)
        if lacking:
            return replace(ident, reason=f"{ident.reason}; {_PROVIDER[type]}'s '{chosen.label()}' has {lacking}")
        if self._dry_run:
            return replace(ident, reason=f"'{release.title}' is not in the library; a real run would add "
                           f"'{chosen.label()}' from {_PROVIDER[type]} ([metadata] add_unknown) and decide "
                           "this file again (a dry run adds nothing)")
        from mydia_import.integrations.metadata.providers import add_item

        try:
            ref, _, _ = add_item(self._catalog, found.details, year=release.year)
        except MydiaImportError as error:
            return replace(ident, reason=f"{ident.reason}; adding '{chosen.label()}' failed: {error}")
        again = identify(candidate)
        added = f"'{ref.label()}' was added from {_PROVIDER[type]} ([metadata] add_unknown)"
        return replace(again, note=f"{added}; {again.note}" if again.note else added)

    def _decided(self, type: MediaType, release: Release, name: str) -> Found:
        """The lookup of this title, once per run; with `ask`, the person's choice (asked once)."""
        key = (type, normalize_title(release.title or ""), release.year)
        if key in self._found:
            return self._found[key]
        providers = self._providers_now()
        if providers is None:
            found = Found(type, release.title or "", reason=self._unavailable, failed=True)
        else:
            found = look_up(providers, type, release)
            if self._policy == "ask" and self._ask is not None and not self._dry_run and found.candidates:
                found = self._chosen(providers, found, self._ask(name, found.candidates, found.chosen))
        if found.failed and type not in self._failed:  # one line per provider, not per title
            self._failed.add(type)
            self.warnings.append(f"{_PROVIDER[type]} could not look up titles the library lacks ({found.reason}); "
                                 "their files are skipped this run and the import goes on: try again later, "
                                 "or add them with `mydia-import library add`")
        self._found[key] = found
        return found

    def _chosen(self, providers: Any, found: Found, chosen: Candidate | None) -> Found:
        if chosen is None:
            return replace(found, chosen=None, details=None,
                           reason=f"none of {named(found.candidates)} was chosen")
        if chosen == found.chosen:
            return found
        try:
            return replace(found, chosen=chosen, details=providers.details(chosen), reason=None)
        except ProviderError as error:
            return replace(found, chosen=None, details=None, reason=str(error), failed=True)

    def _providers_now(self) -> Any:
        if self._providers is None and self._unavailable is None:
            from mydia_import.integrations.metadata.providers import Providers

            try:
                self._providers = Providers(self._settings)
            except ProviderError as error:  # an unreadable key file
                self._unavailable = str(error)
        return self._providers

    def close(self) -> None:
        if self._providers is not None:
            self._providers.close()


class Preview:
    """`identify --lookup`: for a name whose title the library lacks, what a lookup would add
    (Found.to_json()); None for the other names. Each title is looked up once."""

    def __init__(self, providers: Any):
        self._providers = providers
        self._found: dict[tuple[MediaType, str, int | None], Found] = {}

    def __call__(self, ident: Identification) -> dict[str, Any] | None:
        release, type = ident.release, ident.unknown
        if type is None or release is None or not release.title:
            return None
        key = (type, normalize_title(release.title), release.year)
        if key not in self._found:
            self._found[key] = look_up(self._providers, type, release)
        found = self._found[key]
        answer = found.to_json()
        lacking = missing_episode(found.details, release) if found.details is not None else None
        if lacking and found.chosen is not None:
            answer.update(would_add=None, reason=f"'{found.chosen.label()}' has {lacking}")
        return answer


def for_matching(catalog: Any, settings: Any, dry_run: bool, lookup: bool = False, ask: Ask | None = None) -> Any:
    """The catalog, wrapped when [metadata] add_unknown applies to this run."""
    policy = getattr(settings, "metadata_add_unknown", "never")
    if policy == "never" or (dry_run and not lookup):
        return catalog
    if policy == "ask" and ask is None and not dry_run:
        return catalog  # nobody to ask: as `never`
    return AddingCatalog(catalog, settings, policy, dry_run, ask)


def _noun(type: MediaType) -> str:
    return "show" if type is MediaType.TV_SHOW else "movie"
