"""A file's readings and the library -> the item (and episodes) it is, or why not.

The rule throughout: rather leave a file unmatched, with a reason a user can
act on, than put it in the wrong place. The library resolves what a name alone
leaves open: of the ways a name can be read (`identify/readings.py`), the one whose
title and numbers the library holds wins. Between library items that fit:

0. the file's own title wins over its folders', the innermost folder over the outer;
1. the longer library title wins: the more of the name a title explains, the
   surer the match ("Show 100 - 07" is "Show 100" when the library has it);
2. the year: an exact year, else the one item a year away, else items without
   a year; a name without a year prefers an item without one;
3. the title spelled as the name spells it ("The Show" over "Show");
4. still several: nothing is chosen, and all are named.

A fuzzy title comparison (rapidfuzz) is the last resort, used only when one
item is clearly closest, and its score is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from mydia_import import decisions as rules
from mydia_import.decisions import Decision
from mydia_import.identify import samples
from mydia_import.identify.readings import Evidence, Reading, gather
from mydia_import.models import Candidate, EpisodeRef, Identification, Kind, Match, MediaRef, MediaType, Release
from mydia_import.titles import normalize_title, spelled, title_variants

FUZZY_MIN = 92  # rapidfuzz ratio a title must reach to be taken without an exact match
FUZZY_GAP = 5  # and by how much it must beat the next item
FUZZY_SHORTEST = 10  # letters a title needs to be compared loosely at all
_SAME_START = 3  # letters loosely compared titles must share at their start


class Catalog(Protocol):
    """The lookups matching needs (implemented by library.Library)."""

    def find_items(self, normalized_title: str, type: MediaType | None = None) -> list[MediaRef]: ...
    def find_episodes(self, item_id: str, season: int, numbers: Sequence[int]) -> list[EpisodeRef]: ...
    def find_episodes_by_air_date(self, item_id: str, date) -> list[EpisodeRef]: ...
    def find_episodes_by_absolute(self, item_id: str, numbers: Sequence[int]) -> list[EpisodeRef]: ...


class Parser(Protocol):
    def parse(self, name: str, type_hint: str | None = None) -> Release: ...


@dataclass(frozen=True)
class _Hit:
    """A library item one reading's title (or a variant of it) names."""

    reading: Reading
    release: Release  # the reading's values, as this variant uses them
    order: int
    key: str  # the normalised title that found the item
    text: str  # the title text as the name gives it
    item: MediaRef
    fuzzy: int | None = None  # the similarity score when found by fuzzy comparison

    def rank(self) -> tuple:
        r = self.release
        year = 0 if (r.year is not None or self.item.year is None) else 1
        spelling = 0 if spelled(self.text) == spelled(self.item.title) else 1
        # The file's own title before its folders' (the innermost first); then the rules above.
        return (self.reading.level, -len(self.key) if self.fuzzy is None else 0, year, spelling, self.order)


@dataclass(frozen=True)
class _Fit:
    hit: _Hit
    episodes: tuple[EpisodeRef, ...]


_AUTO = object()


def identify_file(candidate: Candidate, parser: Parser, catalog: Catalog, probe=_AUTO) -> Identification:
    """Identify a video from its own name, with its folders as further evidence.

    A matched video whose runtime (ffprobe; `probe`, default: ffprobe from PATH if there)
    is far below what the library expects of the item is a sample, and not matched.
    """
    ident = identify_name(candidate.path.name, candidate.folders, parser, catalog)
    if ident.match is None or candidate.kind is not Kind.VIDEO:
        return ident
    probe = samples.probe_from_setting("auto") if probe is _AUTO else probe
    if probe is None:
        return ident
    expected = getattr(catalog, "expected_runtime", None)
    special = any(e.season == 0 for e in ident.match.episodes)
    reason = samples.sample_reason(candidate.path, expected(ident.match) if expected else None, probe,
                                   special=special)
    if reason is None:
        return ident
    return Identification(ident.release, None, None, (ident.match.item,), ident.note, sample=True, why=reason)


def prefetch(candidates: Iterable[Candidate], parser: Parser) -> None:
    """Parse in one batch every name identifying these candidates will ask for: each file's
    name and its folders' (`evidence.gather`), each distinct name once. A parser that can
    (`ReleaseParser.parse_many`) spreads a big batch over the cores; the names a file is
    identified by later come from its memory. Skipped files are never parsed."""
    parse_many = getattr(parser, "parse_many", None)
    if parse_many is None:
        return
    names: dict[str, None] = {}
    for candidate in candidates:
        if candidate.skip_reason is not None:
            continue
        if candidate.kind is not Kind.SUBTITLE:
            names.update(dict.fromkeys(candidate.folders))
        names[candidate.path.name] = None
    parse_many(names)


# Files whose names are parsed in one batch ahead of their identification: big enough for a
# process pool to pay, small enough that the parser keeps every name until it is used.
WINDOW = 2_000


def identifier(candidates: Sequence[Candidate], parser: Parser, catalog: Catalog, probe=_AUTO,
               window: int = WINDOW) -> Callable[[Candidate], Identification]:
    """`identify_file` for these candidates, called in their order (`plan.plan_videos`), with
    the names of the next `window` files parsed in one batch (`prefetch`) whenever a file's
    are not yet: a first scan spreads guessit over the cores, and a scan of 100,000 files
    holds a window's parses, not all of them."""
    waiting = [c for c in candidates if c.skip_reason is None]
    position = {c.path: i for i, c in enumerate(waiting)}
    ready = 0  # waiting[:ready] have their names parsed

    def identify(candidate: Candidate) -> Identification:
        nonlocal ready
        i = position.get(candidate.path)
        if i is not None and i >= ready:
            prefetch(waiting[i:i + window], parser)
            ready = i + window
        return identify_file(candidate, parser, catalog, probe)

    return identify


def identify_name(name: str, folders: Sequence[str], parser: Parser, catalog: Catalog) -> Identification:
    """Identify a file name; `folders` are its parent folder names, outermost first."""
    evidence = gather(name, folders, parser)
    return resolve(evidence, catalog)


def resolve(evidence: Evidence, catalog: Catalog) -> Identification:
    lookups = _Lookups(catalog)
    hits, refused = _hits(evidence, lookups)
    fits, misses = _fits(hits, catalog)
    if not fits and not hits and not refused:
        hits = _fuzzy_hits(evidence, lookups)
        fits, misses = _fits(hits, catalog)
    if evidence.refusal:
        return _refused(evidence, hits)
    if fits:
        return _choose(fits, evidence)
    return _unmatched(evidence, hits, misses, refused, lookups)


# --- hits: the items each reading's title names -----------------------------------------

class _Lookups:
    """find_items, once per key and type."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._items: dict[tuple[str, MediaType], list[MediaRef]] = {}

    def items(self, key: str, type: MediaType) -> list[MediaRef]:
        if (key, type) not in self._items:
            self._items[key, type] = self.catalog.find_items(key, type) if key else []
        return self._items[key, type]


def _kind(reading: Reading) -> MediaType:
    # Numbers make an episode; guessit's "episode" type alone does not ("Blade.Runner.1982.
    # Final.Cut" has an episode title but is a movie).
    return MediaType.TV_SHOW if reading.numbered else MediaType.MOVIE


def _hits(evidence: Evidence, lookups: _Lookups) -> tuple[list[_Hit], list[tuple[Reading, Decision]]]:
    """Every (reading, item) the library has a title for, after the year check; and the
    readings whose year no item of their title has, with the reason."""
    hits: list[_Hit] = []
    loose: list[_Hit] = []
    refused: list[tuple[Reading, Decision]] = []
    for order, reading in enumerate(evidence.readings):
        release = reading.release
        if not release.title:
            continue
        kind = _kind(reading)
        # "Show S2 - 07": the season may be part of the title, when there is an episode to place.
        season = release.season if release.episodes or release.absolute else None
        for variant in title_variants(release.title, release.country, release.year, season):
            items = lookups.items(variant.key, kind)
            if not items:
                continue
            used = release
            if variant.takes_season:
                used = replace(used, season=None)
            if variant.takes_year:
                used = replace(used, year=None)
            kept, why = by_year(items, used)
            if kept is None:
                refused.append((reading, why or rules.no_match()))
                continue
            found = [_Hit(reading, used, order, variant.key, variant.text, item) for item in kept]
            (loose if variant.loose else hits).extend(found)
    # A loose key ("Fast Furious" for "Fast & Furious") only speaks when no exact key does.
    return hits or loose, refused


def _fuzzy_hits(evidence: Evidence, lookups: _Lookups) -> list[_Hit]:
    """The one item clearly closest to a reading's title, when nothing matched exactly.

    Only spelling slips are forgiven: the titles must share their numbers ("World War Z 2"
    is not "World War Z") and their first letters ("G.I. Movie" is not "Movie").
    """
    titles = getattr(lookups.catalog, "title_keys", None)
    if titles is None:
        return []
    from rapidfuzz import fuzz, process

    for order, reading in enumerate(evidence.readings[:4]):
        release = reading.release
        key = normalize_title(release.title or "")
        if len(key) < FUZZY_SHORTEST:
            continue  # short titles are too alike to compare loosely
        kind = _kind(reading)
        choices = {k: ids for k, ids in titles(kind, key[:_SAME_START]).items() if _comparable(key, k)}
        ranked: dict[str, tuple[float, str]] = {}
        for found, score, _ in process.extract(key, list(choices), scorer=fuzz.ratio, limit=8):
            for item_id in choices[found]:
                if score > ranked.get(item_id, (0, ""))[0]:
                    ranked[item_id] = (score, found)
        ordered = sorted(ranked.items(), key=lambda kv: -kv[1][0])
        if not ordered or ordered[0][1][0] < FUZZY_MIN:
            continue
        if len(ordered) > 1 and ordered[0][1][0] - ordered[1][1][0] < FUZZY_GAP:
            continue  # two titles about as close: not unambiguous
        item_id, (score, found_key) = ordered[0]
        item = next((i for i in lookups.items(found_key, kind) if i.id == item_id), None)
        if item is None:
            continue
        kept, _ = by_year([item], release)
        if kept:
            return [_Hit(reading, release, order, found_key, release.title or "", item, fuzzy=round(score))]
    return []


def _comparable(a: str, b: str) -> bool:
    return a[:_SAME_START] == b[:_SAME_START] and re.findall(r"\d+", a) == re.findall(r"\d+", b)


# --- fits: hits whose episodes the library holds --------------------------------------------

def _fits(hits: list[_Hit], catalog: Catalog) -> tuple[list[_Fit], dict[_Hit, Decision]]:
    fits, misses = [], {}
    for hit in hits:
        if hit.item.type is MediaType.MOVIE:
            fits.append(_Fit(hit, ()))
            continue
        if hit.reading.special:
            misses[hit] = rules.unnumbered_special(hit.reading.how, hit.item.label())
            continue
        if hit.release.season is None and len(hit.reading.seasons) > 1 and not hit.release.absolute:
            seasons = f"{hit.reading.seasons[0]}-{hit.reading.seasons[-1]}"
            misses[hit] = rules.season_unknown(seasons, hit.item.label())
            continue
        episodes, why = episodes_of(hit.item, hit.release, catalog)
        if episodes:
            fits.append(_Fit(hit, tuple(episodes)))
        else:
            misses[hit] = why
    return fits, misses


def episodes_of(show: MediaRef, release: Release, catalog: Catalog) -> tuple[list[EpisodeRef], Decision | None]:
    """The show's episodes the release names, or ([], why not)."""
    if release.air_date is not None and not release.episodes:
        episodes = catalog.find_episodes_by_air_date(show.id, release.air_date)
        if len(episodes) == 1:
            return episodes, None
        if episodes:
            return [], rules.several_episodes_on(show.label(), len(episodes), release.air_date)
        return [], rules.no_episode_on(show.label(), release.air_date)
    numbers = release.episodes or release.absolute
    if not numbers:
        season = f" S{release.season:02d}" if release.season is not None else ""
        return [], rules.whole_season(season, show.label())
    if release.season is None or (release.absolute and not release.episodes):
        # Anime-style "Show - 105": absolute numbers first (a season beside them is only a hint:
        # "Show (Season 2) - 33"), then season 1 (mini-series, "Part 2").
        by_absolute = catalog.find_episodes_by_absolute(show.id, numbers)
        if len(by_absolute) == len(numbers):
            return by_absolute, None
    if release.season is None:
        season = 1
    else:
        season = release.season
    episodes = catalog.find_episodes(show.id, season, numbers)
    if len(episodes) == len(numbers):
        return episodes, None
    have = {e.episode for e in episodes}
    missing = ", ".join(f"S{season:02d}E{n:02d}" for n in numbers if n not in have)
    return [], rules.missing_episodes(show.label(), missing)


# --- the choice -----------------------------------------------------------------------------

def _choose(fits: list[_Fit], evidence: Evidence) -> Identification:
    fits = sorted(fits, key=lambda f: f.hit.rank())
    best = fits[0]
    tied = [f for f in fits if f.hit.rank()[:4] == best.hit.rank()[:4]]
    items = list({f.hit.item.id: f.hit.item for f in tied}.values())
    if len(items) > 1:
        return Identification(best.hit.release, None, None, tuple(items), why=_ambiguous(items))
    note = evidence.note
    if best.hit.fuzzy is not None:
        fuzzy = (f"the title '{best.hit.text}' is not in the library; the closest, "
                 f"'{best.hit.item.title}', was taken (similarity {best.hit.fuzzy}/100)")
        note = f"{fuzzy}; {note}" if note else fuzzy
    release = replace(best.hit.release, title=best.hit.reading.release.title)
    if release.part and _titled_part(best.hit.item.title, release.part):
        release = replace(release, part=None)  # "Deathly Hallows: Part 1" is a title, not a part file
    return Identification(release, Match(best.hit.item, best.episodes), None, note=note)


_PART_WORDS = "zero one two three four five six seven eight nine ten".split()


def _titled_part(title: str, part: int) -> bool:
    """The item's own title carries the part number ("Dune: Part Two")."""
    words = re.findall(r"[^\W_]+", title.casefold())
    names = {str(part), _PART_WORDS[part] if part < len(_PART_WORDS) else ""}
    return any(a in ("part", "pt") and b in names for a, b in zip(words, words[1:], strict=False))


def _refused(evidence: Evidence, hits: list[_Hit]) -> Identification:
    # The show is what the name's season-level reading names ("Show.S03.EXTRAS": Show).
    plain = [h for h in hits if not h.release.episodes and not h.release.absolute]
    hits = plain or hits
    items = _top_items(hits)
    release = min(hits, key=lambda h: h.rank()).release if hits else evidence.release
    return Identification(release, None, None, tuple(items), why=evidence.refusal)


def _top_items(hits: list[_Hit]) -> list[MediaRef]:
    """The items of the best-ranked hits (ranked as a match would be)."""
    if not hits:
        return []
    best = min(h.rank()[:4] for h in hits)
    return list({h.item.id: h.item for h in hits if h.rank()[:4] == best}.values())


def _unmatched(evidence: Evidence, hits: list[_Hit], misses: dict[_Hit, Decision],
               refused: list[tuple[Reading, Decision]], lookups: _Lookups) -> Identification:
    if hits:
        first = min(hits, key=lambda h: h.rank())
        same = [h for h in hits if h.reading is first.reading and h.rank()[:4] == first.rank()[:4]]
        items = list({h.item.id: h.item for h in same}.values())
        if len(items) > 1 and first.reading.numbered:
            reason = _ambiguous(items)
            if all(misses.get(h) for h in same):
                reason = rules.shared_title(" and ".join(repr(i.label()) for i in items), misses[first].message)
            return Identification(first.release, None, None, tuple(items), why=reason)
        return Identification(first.release, None, None, tuple(items), why=misses.get(first) or rules.no_match())
    if refused:
        reading, reason = refused[0]
        return Identification(reading.release, None, why=reason)
    titled = next((r for r in evidence.readings if r.release.title), None)
    if titled is None:
        return Identification(evidence.release, None, why=rules.no_title())
    for reading in evidence.readings:
        if reading.numbered or not reading.release.title:
            continue
        shows = lookups.items(normalize_title(reading.release.title), MediaType.TV_SHOW)
        if shows:
            return Identification(reading.release, None, None, tuple(shows),
                                  why=rules.show_without_episode(shows[0].label()))
    kind = "show" if titled.numbered else "movie"
    return Identification(titled.release, None, why=_not_in_library(kind, titled.release), unknown=_kind(titled))


def by_year(items: list[MediaRef], release: Release) -> tuple[list[MediaRef] | None, Decision | None]:
    """Keep the items whose year fits the release's; off by one only when it is unique."""
    if release.year is None:
        return items, None
    exact = [i for i in items if i.year == release.year]
    if exact:
        return exact, None
    near = [i for i in items if i.year is not None and abs(i.year - release.year) == 1]
    if len(near) == 1:
        return near, None
    unknown = [i for i in items if i.year is None]
    if unknown:
        return unknown, None
    names = ", ".join(f"'{i.label()}'" for i in items)
    return None, rules.year_mismatch(names, release.year)


def _ambiguous(items: Sequence[MediaRef]) -> Decision:
    return rules.ambiguous(" and ".join(f"'{i.label()}'" for i in items))


def _not_in_library(kind: str, release: Release) -> Decision:
    return rules.unknown_title(kind, release.title or "", release.year)
