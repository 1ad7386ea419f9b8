"""Release names into `Release` values, through guessit.

guessit is imported lazily (it costs about 0.15 s) and its polymorphic output
(an episode is an int or a list, a language an object or a list) is turned
into plain values here, so no other module ever sees a guessit type.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Iterable
from typing import Any, Protocol

from mydia_import.models import Release

# Source names as users know them; guessit says "Web" plus other=["Rip"] for a WEBRip.
_SOURCES = {
    "Blu-ray": "BluRay",
    "Ultra HD Blu-ray": "BluRay",
    "HD-DVD": "HD-DVD",
    "DVD": "DVD",
    "HDTV": "HDTV",
    "Ultra HDTV": "HDTV",
    "TV": "SDTV",
    "Digital TV": "SDTV",
    "Satellite": "SDTV",
    "VHS": "VHS",
    "Telesync": "TELESYNC",
    "Camera": "CAM",
}
_HDR = {"HDR10": "HDR10", "HDR10+": "HDR10+", "Dolby Vision": "DV", "HDR": "HDR"}
# An explicit season in a name: "S01", "Season 1", "1x02".
_SEASON_MARKER = re.compile(r"(?i)(?<![a-z])(s\d{1,4}(?!\d)|season|\d{1,2}x\d)")
# guessit reads a subtitle's trailing "forced" or "sdh" as a release group.
_SUBTITLE_FLAG = re.compile(r"[._ -](forced|sdh|cc|hi)(?=[._ -]|$)", re.IGNORECASE)


class Cache(Protocol):
    """Where parsed names outlive the parser (library.parsecache.ParseCache)."""

    def get(self, name: str, type_hint: str | None) -> Release | None: ...
    def put(self, name: str, type_hint: str | None, release: Release) -> None: ...


def guessit_version() -> str:
    """The parser's whole identity: 'guessit 4.4.0 / rebulk 6.0.1 patched'. Part of the parse
    cache's key, so an upgrade of either, or the speed-ups turned on or off, parses names anew."""
    from importlib.metadata import PackageNotFoundError, version

    from mydia_import.identify import rebulk_speed

    try:
        guessit = version("guessit")
    except PackageNotFoundError:
        guessit = "?"
    patched, _ = rebulk_speed.state()
    return f"guessit {guessit} / rebulk {rebulk_speed.rebulk_version()} {'patched' if patched else 'plain'}"


# Properties guessit looks for that no Release field comes from and whose search changes no
# other property: guessit skips their patterns. Properties that are unused but take part of a
# name when found (the audio channels, the CRC, the streaming service, the language of a video,
# the episode title, ...) are not here: without them guessit reads those parts as the title or
# the release group. tests/test_parse_speed.py checks that every Release stays the same.
EXCLUDES = (
    "aspect_ratio", "audio_bit_rate", "episode_details", "episode_format", "film", "film_title",
    "imdb_id", "uuid", "video_api", "video_bit_rate", "video_profile", "volume",
)
# Names to parse before a process pool pays for itself (it costs about 0.1 s to start; guessit
# about 10 ms a name).
POOL_MIN = 200
_CHUNK = 16  # names per task sent to a worker


# Names a parser keeps in memory, the least recently used going first (about 0.6 KiB each): a
# scan of 100,000 files must not hold every parse at once. Evicted names come back from the
# parse cache, or are parsed again in a dry run.
MEMORY = 20_000


class ReleaseParser:
    """Parses names, each distinct name once per parser, and once across runs with a cache.

    `parse_many` parses a batch up front, in a process pool on a machine with more than one
    core when there are enough uncached names; `parse` then finds them in memory.
    `workers` caps the pool (None: one per core; 0 or 1: no pool); `memory` caps the names kept.
    """

    def __init__(self, cache: Cache | None = None, workers: int | None = None, memory: int = MEMORY) -> None:
        self._memory: dict[tuple[str, str | None], Release] = {}
        self._guessit: Any = None
        self.cache = cache
        self.workers = workers
        self.memory = memory

    def parse(self, name: str, type_hint: str | None = None) -> Release:
        key = (name, type_hint)
        release = self._memory.pop(key, None)  # taken out and put back: the most recent last
        if release is None and self.cache is not None:
            release = self.cache.get(name, type_hint)
        if release is None:
            release = self._parse(name, type_hint)
            if self.cache is not None:
                self.cache.put(name, type_hint, release)
        self._remember(key, release)
        return release

    def parse_many(self, names: Iterable[str], type_hint: str | None = None) -> list[Release]:
        """Parse a batch of names (each distinct name once); the Releases in the order given."""
        names = list(names)
        found: dict[str, Release] = {}
        missing: list[str] = []
        distinct = list(dict.fromkeys(names))
        cached = self._cached((n for n in distinct if (n, type_hint) not in self._memory), type_hint)
        for name in distinct:
            release = self._memory.pop((name, type_hint), None) or cached.get(name)
            if release is None:
                missing.append(name)
            else:
                found[name] = release
                self._remember((name, type_hint), release)
        workers = self._pool_size(len(missing))
        parsed = _parse_in_pool(missing, type_hint, workers) if workers > 1 else None
        if parsed is None:  # no pool wanted, or none could be started here
            parsed = [self._parse(name, type_hint) for name in missing]
        for name, release in zip(missing, parsed, strict=True):
            found[name] = release
            self._remember((name, type_hint), release)
            if self.cache is not None:
                self.cache.put(name, type_hint, release)
        return [found[name] for name in names]

    def _cached(self, names: Iterable[str], type_hint: str | None) -> dict[str, Release]:
        """The cache's Releases of `names`: in one query where the cache can (get_many)."""
        if self.cache is None:
            return {}
        get_many = getattr(self.cache, "get_many", None)
        if get_many is not None:
            return get_many(list(names), type_hint)
        return {n: r for n in names if (r := self.cache.get(n, type_hint)) is not None}

    def _remember(self, key: tuple[str, str | None], release: Release) -> None:
        self._memory[key] = release
        while len(self._memory) > self.memory:
            del self._memory[next(iter(self._memory))]

    def _pool_size(self, names: int) -> int:
        if names < POOL_MIN:
            return 1
        cores = _pool_cores()
        wanted = cores if self.workers is None else self.workers
        return max(1, min(wanted, cores, names // _CHUNK))

    def _parse(self, name: str, type_hint: str | None) -> Release:
        if self._guessit is None:
            self._guessit = _load_guessit()
        return _guess(self._guessit, name, type_hint)


def _pool_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the machine's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _load_guessit() -> Any:
    """guessit, on a faster rebulk (rebulk_speed) patched before guessit builds its rules; a
    forked worker inherits both, a spawned one comes here in `_parse_chunk`."""
    from mydia_import.identify import rebulk_speed

    rebulk_speed.install()
    from guessit import guessit

    return guessit


def _guess(guessit: Any, name: str, type_hint: str | None) -> Release:
    options: dict[str, Any] = {"excludes": list(EXCLUDES)}
    if type_hint:
        options["type"] = type_hint
    try:
        guess = dict(guessit(name, options))
    except Exception:  # guessit wraps its own bugs in GuessitException; a bad name is no crash
        return Release(name=name)
    return to_release(name, guess)


def _parse_chunk(names: list[str], type_hint: str | None) -> list[Release]:
    """A worker's task: a few names (workers load guessit once, or inherit it)."""
    guessit = _load_guessit()
    return [_guess(guessit, name, type_hint) for name in names]


def _worker_start(parent: int) -> None:
    """A forked worker shares the parent's open files, among them the run lock (an flock, freed
    when the last process holding it ends): on Linux it is killed with its parent, so that a
    killed run never leaves a worker holding the lock."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends when its queue closes
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _parse_in_pool(names: list[str], type_hint: str | None, workers: int) -> list[Release] | None:
    """The names parsed by `workers` processes, in order; None when no pool can run here
    (no /dev/shm, a sandbox that forbids processes, ...): the caller parses them itself."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork starts at once and hands the workers guessit's rules, built here first; with other
    # threads running (a progress view), fork is unsafe and each worker starts afresh.
    methods = multiprocessing.get_all_start_methods()
    forking = "fork" in methods and threading.active_count() == 1
    if forking:
        _guess(_load_guessit(), "warm.up.mkv", type_hint)  # guessit imported, its rules built, before the fork
    context = multiprocessing.get_context("fork" if forking else "spawn")
    chunks = [names[i:i + _CHUNK] for i in range(0, len(names), _CHUNK)]
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start,
                                 initargs=(os.getpid(),)) as pool:
            results = list(pool.map(_parse_chunk, chunks, [type_hint] * len(chunks)))
    except (OSError, BrokenProcessPool, RuntimeError):
        return None
    return [release for chunk in results for release in chunk]


def to_release(name: str, guess: dict[str, Any]) -> Release:
    """guessit's dict as a Release."""
    other = _as_list(guess.get("other"))
    episodes = _numbers(guess.get("episode"))
    seasons = _ints(guess.get("season"))
    year = _first_int(guess.get("year"))
    if year is not None and seasons == (year,) and not _SEASON_MARKER.search(name):
        seasons = ()  # guessit reads "Show (2019) - 05" as season 2019 too
    air_date = guess.get("date")
    release_type = guess.get("type")
    if air_date is not None and not isinstance(air_date, dt.date):
        air_date = None
    subtitle = _is_subtitle(guess)
    flags = {m.lower() for m in _SUBTITLE_FLAG.findall(name)} if subtitle else set()
    language = _subtitle_language(guess, flags) if subtitle else None
    group = guess.get("release_group")
    if isinstance(group, str) and set(re.split(r"[._ -]", group.lower())) <= flags:
        group = None  # "Movie.en.forced.sdh.srt": the flags, not a group
    return Release(
        name=name,
        type=release_type if release_type in ("episode", "movie") else None,
        title=_text(guess.get("title")),
        year=year,
        season=seasons[0] if seasons else None,
        episodes=episodes,
        air_date=air_date,
        absolute=_numbers(guess.get("absolute_episode")),
        part=_first_int(guess.get("part")) or _first_int(guess.get("cd")) or _first_int(guess.get("disc"))
        or disc(name),
        edition=", ".join(_as_list(guess.get("edition"))) or None,
        release_group=_text(group),
        resolution=_text(guess.get("screen_size")),
        source=_source(guess.get("source"), other),
        video_codec=_text(guess.get("video_codec")),
        audio_codec=_text(guess.get("audio_codec")),
        hdr_format=next((_HDR[o] for o in other if o in _HDR), None),
        proper_count=_first_int(guess.get("proper_count")) or 0,
        language=language,
        forced="forced" in flags,
        sdh=bool(flags & {"sdh", "cc", "hi"}),
        container=_text(guess.get("container")),
        country=_country(guess.get("country")),
    )


# "Disc 2", "Disk.1", "CD2", "Part 1" where guessit files them elsewhere (an alternative title).
_DISC = re.compile(r"(?<![a-z0-9])(?:cd|dis[ck]|part|pt)[ ._-]?(\d{1,2})(?![0-9])", re.IGNORECASE)


def disc(name: str) -> int | None:
    m = _DISC.search(name)
    return int(m[1]) if m and int(m[1]) > 0 else None


def _numbers(value: Any) -> tuple[int, ...]:
    """guessit's episode numbers when they run one after another; none when they skip or
    run backwards: [1, 10] from "01~10" is a range guessit did not fill, [100, 7] from
    "Show 100 - 07" a number of the title and an episode (identify/patterns.py reads both)."""
    numbers = _ints(value)
    if all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False)):
        return numbers
    return ()


def _country(value: Any) -> str | None:
    for country in _as_list(value):
        code = getattr(country, "alpha2", None)
        if code:
            return str(code)
    return None


def _source(value: Any, other: list[str]) -> str | None:
    source = _text(value)
    if source is None:
        return "Remux" if "Remux" in other else None
    if "Remux" in other:
        return "Remux"
    if source == "Web":
        return "WEBRip" if "Rip" in other else "WEB-DL"
    name = _SOURCES.get(source, source)
    return f"{name}Rip" if "Rip" in other and name in ("DVD", "BluRay") else name


def _subtitle_language(guess: dict[str, Any], flags: set[str]) -> str | None:
    """A subtitle's language: guessit puts it in subtitle_language or language, and reads
    the hearing-impaired flag "hi" as Hindi."""
    candidates = _as_list(guess.get("subtitle_language")) + _as_list(guess.get("language"))
    codes = [c for c in (_language_code(v) for v in candidates) if c]
    if "hi" in flags and len(codes) > 1:
        codes = [c for c in codes if c != "hi"]
    return codes[0] if codes else None


def _language_code(value: Any) -> str | None:
    for language in _as_list(value):
        code = getattr(language, "alpha2", None)
        if code:
            country = getattr(language, "country", None)
            return f"{code}-{country.alpha2}" if country else code
        try:
            return language.alpha3
        except AttributeError:
            continue
    return None


def _is_subtitle(guess: dict[str, Any]) -> bool:
    return guess.get("mimetype", "").startswith("text/") or str(guess.get("container", "")).lower() in (
        "srt", "ass", "ssa", "sub", "idx", "vtt", "smi", "sup",
    )


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _ints(value: Any) -> tuple[int, ...]:
    return tuple(v for v in _as_list(value) if isinstance(v, int) and not isinstance(v, bool))


def _first_int(value: Any) -> int | None:
    values = _ints(value)
    return values[0] if values else None


def _text(value: Any) -> str | None:
    values = _as_list(value)
    return str(values[0]) if values else None
