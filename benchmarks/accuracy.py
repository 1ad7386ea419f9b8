"""Identification accuracy on the Sonarr/Radarr parser-test corpus.

    python benchmarks/accuracy.py [--corpus DIR] [--misses all|none|tool] [--json]

Reads the corpus at run time (default: ../shared/corpus beside the project; it
is GPL-3.0 test data and is never copied into the project), builds a library
from the expected titles and episodes, runs the tool's own identification
(`match.identify_name` against an in-memory library) on every release name and
prints, per kind, how many rows it gets fully right, beside plain guessit.

How the library is built (the titles are placeholders; see the corpus README):
- Sonarr keeps a show's year inside its title ("Series Title (2010)",
  "Series 2012"): the year becomes the item's year, as Mydia holds it. A
  country stays in the title ("The Series US"), as Sonarr and many libraries
  name "The Office (US)"; the unit tests cover a country given as an alias.
- Titles that are the same to `normalize_title` with the same year are one item.
- Episodes: each row's season/episodes; daily rows an episode on the air date;
  anime rows an episode holding the absolute number (season 1, episode N unless
  a row names its season/episode). Decimal specials (12.5) get no episode.
- Radarr's AKA rows: the first title is the movie's title, the others aliases.

A row is fully right when the tool chooses the expected item and exactly the
expected episodes. Rows that must not be placed are right when the tool places
nothing: season packs (and the reason must name the show and the season),
names without a series title, decimal specials. "wrong" counts rows where the
tool chose an item or episodes that are not the expected ones.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from mydia_import.identify.fast import FastParser  # noqa: E402
from mydia_import.identify.match import identify_name  # noqa: E402
from mydia_import.identify.parse import ReleaseParser  # noqa: E402
from mydia_import.library import Library  # noqa: E402
from mydia_import.titles import normalize_title  # noqa: E402

DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpus"
_TRAILING_YEAR = re.compile(r"^(?P<title>.+?)\s*(?:\((?P<y1>(?:18|19|20)\d\d)\)|(?P<y2>(?:19|20)\d\d))$")
EPISODE_KINDS = ("single", "multi", "absolute", "season")


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        return [dict(zip(header, row, strict=False)) for row in reader]


def ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v.strip().isdigit()]


def split_show_title(text: str) -> tuple[str, int | None, None]:
    """Sonarr's series title as (title, year, None)."""
    year = None
    m = _TRAILING_YEAR.match(text)
    if m and (m["y1"] or m["y2"]):
        text, year = m["title"].strip(), int(m["y1"] or m["y2"])
    return text, year, None


@dataclass
class Item:
    title: str
    year: int | None
    aliases: list[str] = field(default_factory=list)
    episodes: dict[tuple[int, int], dict] = field(default_factory=dict)
    absolute: dict[int, tuple[int, int]] = field(default_factory=dict)
    dates: dict[str, tuple[int, int]] = field(default_factory=dict)

    def key(self, n: int) -> dict:
        return {"title": self.title, "year": self.year, "aliases": self.aliases, "tmdb_id": n}


@dataclass
class Expectation:
    kind: str
    row: dict[str, str]
    item: tuple | None  # key into the items, None: no item (nothing must be placed)
    episodes: frozenset = frozenset()  # (season, episode)
    place: bool = True  # False: the right outcome is no match
    why: str = ""


class CorpusLibrary:
    def __init__(self) -> None:
        self.shows: dict[tuple, Item] = {}
        self.movies: dict[tuple, Item] = {}

    def show(self, expected: str) -> tuple:
        title, year, _ = split_show_title(expected)
        key = ("show", normalize_title(title), year)
        if key not in self.shows:
            self.shows[key] = Item(title, year)
        return key

    def movie(self, title: str, year: int | None, aliases: list[str]) -> tuple:
        key = ("movie", normalize_title(title), year)
        if key not in self.movies:
            self.movies[key] = Item(title, year, aliases)
        return key

    def to_json(self) -> dict:
        n = 0
        shows, movies = [], []
        for item in self.shows.values():
            n += 1
            data = item.key(n)
            episodes = {sn: {"season": sn[0], "episode": sn[1]} for sn in item.episodes}
            for absolute, sn in item.absolute.items():
                episodes.setdefault(sn, {"season": sn[0], "episode": sn[1]})["absolute"] = absolute
            for date, sn in item.dates.items():
                episodes.setdefault(sn, {"season": sn[0], "episode": sn[1]})["air_date"] = date
            data["episodes"] = sorted(episodes.values(), key=lambda e: (e["season"], e["episode"]))
            shows.append(data)
        for item in self.movies.values():
            n += 1
            movies.append(item.key(n))
        return {"shows": shows, "movies": movies}


def build(episode_rows: list[dict], movie_rows: list[dict]) -> tuple[CorpusLibrary, list[Expectation]]:
    lib = CorpusLibrary()
    expectations: list[Expectation] = []
    pending_absolute: list[tuple[Item, list[int], Expectation]] = []
    for row in episode_rows:
        kind, title = row["kind"], row["expected_series_title"]
        season = int(row["season"]) if row["season"].strip().isdigit() else None
        episodes = ints(row["episodes"])
        absolute_text = row["absolute_episodes"]
        if not title:
            expectations.append(Expectation(kind, row, None, place=False, why="no series title"))
            continue
        key = lib.show(title)
        item = lib.shows[key]
        if kind == "daily":
            date = row["air_date"]
            if date not in item.dates:
                d = dt.date.fromisoformat(date)
                item.dates[date] = (d.year, 100 + len(item.dates))
            expectations.append(Expectation(kind, row, key, frozenset([item.dates[date]])))
        elif kind == "season":
            expectations.append(Expectation(kind, row, key, place=False, why="a season pack"))
        elif "." in absolute_text:
            expectations.append(Expectation(kind, row, key, place=False, why="a decimal special"))
        elif kind == "absolute" and absolute_text:
            absolute = ints(absolute_text)
            exp = Expectation(kind, row, key)
            if season is not None and len(episodes) == len(absolute):
                for a, e in zip(absolute, episodes, strict=True):
                    item.absolute[a] = (season, e)
                    item.episodes.setdefault((season, e), {})
                exp.episodes = frozenset((season, e) for e in episodes)
            else:
                pending_absolute.append((item, absolute, exp))
            expectations.append(exp)
        else:
            numbers = [(season if season is not None else 1, e) for e in episodes]
            for sn in numbers:
                item.episodes.setdefault(sn, {})
            expectations.append(Expectation(kind, row, key, frozenset(numbers)))
    for item, absolute, exp in pending_absolute:
        taken = {sn for a, sn in item.absolute.items()}
        numbers = []
        for a in absolute:
            if a not in item.absolute:
                sn = (1, a) if (1, a) not in taken else (90, a)
                item.absolute[a] = sn
                taken.add(sn)
            numbers.append(item.absolute[a])
        exp.episodes = frozenset(numbers)
    for row in movie_rows:
        title, checks = row["expected_title"], row["checks"].split(",")
        year = int(row["year"]) if row["year"].strip().isdigit() else None
        if not title:  # only the year is asserted: scored on the parsed year
            expectations.append(Expectation("movie", row, None, why="year only"))
            continue
        alts = [t.strip() for t in row.get("alt_titles", "").split(" | ") if t.strip()]
        primary, aliases = (alts[0], alts[1:]) if alts else (title, [])
        key = lib.movie(primary, year if "year" in checks else None, aliases)
        expectations.append(Expectation("movie", row, key))
    return lib, expectations


# --- plain guessit, scored as BASELINE.md scores it --------------------------------------

def _key(text) -> str:
    import unicodedata

    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", str(text or "")).casefold())


def guessit_right(exp: Expectation, guess: dict) -> bool:
    row = exp.row
    checks = set(row["checks"].split(","))
    if exp.kind == "movie":
        title = row["expected_title"]
        alts = [t for t in row.get("alt_titles", "").split(" | ") if t]
        ok = True
        if "title" in checks:
            got = guess.get("title")
            variants = {_key(got), _key(f"{got} {guess.get('year', '')}")}
            ok &= bool({_key(title), *map(_key, alts)} & variants)
        if "year" in checks:
            want = int(row["year"]) if row["year"] else None
            ok &= guess.get("year") == want
        return ok
    got_title = guess.get("title")
    country = guess.get("country")
    extra = [str(guess.get("year", "")), str(getattr(country, "alpha2", country or ""))]
    variants = {_key(got_title), _key(f"{got_title} {extra[0]}"), _key(f"{got_title} {extra[1]}"),
                _key(f"{got_title} {extra[1]} {extra[0]}")}
    if not got_title:
        variants = {""}
    ok = True
    if "title" in checks:
        ok &= _key(row["expected_series_title"]) in variants
    def as_list(v):
        return [] if v is None else (v if isinstance(v, list) else [v])
    if exp.kind == "daily":
        date = guess.get("date")
        return ok and isinstance(date, dt.date) and date.isoformat() == row["air_date"]
    if "season" in checks:
        want = int(row["season"]) if row["season"] else None
        seasons = as_list(guess.get("season"))
        ok &= (seasons[0] if seasons else None) == want
    if "episodes" in checks or "absolute" in checks:
        if exp.kind == "absolute" and row["absolute_episodes"]:
            got = as_list(guess.get("absolute_episode")) or as_list(guess.get("episode"))
            try:
                ok &= sorted(float(v) for v in got) == sorted(float(v) for v in row["absolute_episodes"].split(","))
            except (TypeError, ValueError):
                ok = False
        else:
            got = as_list(guess.get("episode"))
            ok &= sorted(got) == sorted(ints(row["episodes"]))
    return ok


# --- the tool ----------------------------------------------------------------------------

def tool_outcome(exp: Expectation, ident, ids: dict, episode_ids: dict) -> tuple[str, str]:
    """('right' | 'skipped' | 'wrong', what happened)."""
    match = ident.match
    if exp.kind == "movie" and exp.item is None:
        year = int(exp.row["year"]) if exp.row["year"] else None
        got_year = ident.release.year if ident.release else None
        if got_year == year:
            return "right", ""
        return "skipped", f"year read as {got_year}"
    if match is not None:
        got = match.item.label()
        if match.episodes:
            got += " " + ",".join(e.code() for e in match.episodes)
    if not exp.place:
        if match is not None:
            return "wrong", f"placed as {got}, but {exp.why} must not be placed"
        if exp.kind == "season":
            want = ids[exp.item]
            season = exp.row["season"]
            named = [c.id for c in ident.candidates] == [want]
            if not named:
                return "skipped", f"reason does not name the show: {ident.reason}"
            if str(ident.release.season if ident.release else None) != season:
                return "skipped", f"season parsed as {ident.release.season}, expected {season}"
        return "right", ident.reason or ""
    if match is None:
        return "skipped", ident.reason or "(no reason!)"
    want_item = ids[exp.item]
    want_eps = {episode_ids[(want_item, sn)] for sn in exp.episodes}
    if exp.kind == "movie" and "year" not in exp.row["checks"]:
        # Radarr asserts only the title here: any item of that title is right.
        if normalize_title(match.item.title) != exp.item[1]:
            return "wrong", f"chose {got}"
        return "right", ""
    if match.item.id != want_item:
        return "wrong", f"chose {got}"
    if {e.id for e in match.episodes} != want_eps:
        return "wrong", f"chose {got}, expected {sorted(exp.episodes)}"
    return "right", ""


class _Hiding:
    """The library without the items of one title: what the tool does when the right item is
    missing (another item of the same title, another year, would be a fair choice)."""

    def __init__(self, library, hidden: set[str]):
        self.library, self.hidden = library, hidden

    def find_items(self, key, type=None):
        return [i for i in self.library.find_items(key, type) if i.id not in self.hidden]

    def title_keys(self, type, prefix=""):
        keys = self.library.title_keys(type, prefix)
        return {k: [i for i in ids if i not in self.hidden] for k, ids in keys.items()
                if any(i not in self.hidden for i in ids)}

    def __getattr__(self, name):
        return getattr(self.library, name)


def run(corpus: Path, hide: bool = False) -> dict:
    episode_rows = read_tsv(corpus / "sonarr_episodes.tsv")
    movie_rows = read_tsv(corpus / "radarr_movies.tsv")
    lib, expectations = build(episode_rows, movie_rows)
    library = Library.memory()
    library.load(lib.to_json())
    by_tmdb = {r["tmdb_id"]: r["id"] for r in library.db.rows("SELECT id, tmdb_id FROM media_items")}
    ids: dict[tuple, str] = {}
    episode_ids: dict[tuple[str, tuple[int, int]], str] = {}
    for n, (key, item) in enumerate([*lib.shows.items(), *lib.movies.items()], start=1):
        ids[key] = by_tmdb[n]
        for sn in item.episodes.keys() | set(item.absolute.values()) | set(item.dates.values()):
            (ep,) = library.find_episodes(ids[key], sn[0], [sn[1]])
            episode_ids[(ids[key], sn)] = ep.id

    from guessit import guessit

    guessing = ReleaseParser()  # the fast path first, guessit for the rest: as `identify` does
    rows = []
    started = time.perf_counter()
    for exp in expectations:
        name = exp.row["release_name"]
        if hide:
            hidden = {ids[k] for k in ids if exp.item and k[:2] == exp.item[:2]}
            catalog = _Hiding(library, hidden)
            ident = identify_name(name, (), FastParser(guessing, catalog), catalog)
            outcome = "right" if ident.match is None or not hidden else "wrong"
            detail = ident.reason or "" if outcome == "right" else f"chose {ident.match.label()}"
        else:
            ident = identify_name(name, (), FastParser(guessing, library), library)
            outcome, detail = tool_outcome(exp, ident, ids, episode_ids)
        kind = exp.kind
        try:
            guess = dict(guessit(name, {}))
        except Exception:  # noqa: BLE001
            guess = {}
        rows.append({"kind": kind, "name": name, "outcome": outcome, "detail": detail,
                     "guessit": guessit_right(exp, guess), "expected": _describe(exp, lib)})
    elapsed = time.perf_counter() - started
    library.close()
    return {"rows": rows, "seconds": elapsed}


def _describe(exp: Expectation, lib: CorpusLibrary) -> str:
    if exp.item is None:
        return f"nothing ({exp.why})"
    item = (lib.shows.get(exp.item) if exp.kind != "movie" else lib.movies.get(exp.item))
    label = f"{item.title} ({item.year})" if item.year else item.title
    if not exp.place:
        return f"nothing ({exp.why} of {label})"
    codes = ",".join(f"S{s:02d}E{e:02d}" for s, e in sorted(exp.episodes))
    return f"{label} {codes}".strip()


def table(rows: list[dict]) -> list[tuple[str, int, int, int, int, int]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["kind"]].append(r)
    order = [*EPISODE_KINDS, "all non-daily", "daily", "movie"]
    groups["all non-daily"] = [r for k in EPISODE_KINDS for r in groups[k]]
    out = []
    for kind in order:
        g = groups[kind]
        c = Counter(r["outcome"] for r in g)
        out.append((kind, len(g), c["right"], c["skipped"], c["wrong"], sum(r["guessit"] for r in g)))
    return out


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="the corpus folder (default: ../shared/corpus beside the project)")
    ap.add_argument("--misses", choices=("all", "none"), default="all",
                    help="list every row the tool did not get right, with its reason (default: all)")
    ap.add_argument("--json", action="store_true", help="print the rows and the table as JSON")
    ap.add_argument("--hide-expected", action="store_true",
                    help="hide each row's expected item from the library: every match is then wrong "
                         "(a check that a missing item is reported, not replaced by another)")
    args = ap.parse_args(argv)
    if not (args.corpus / "sonarr_episodes.tsv").is_file():
        print(f"error: no corpus at {args.corpus} (sonarr_episodes.tsv, radarr_movies.tsv); "
              "pass --corpus DIR", file=sys.stderr)
        return 1
    result = run(args.corpus, hide=args.hide_expected)
    rows = result["rows"]
    summary = table(rows)
    if args.json:
        print(json.dumps({"table": [dict(zip(("kind", "rows", "right", "skipped", "wrong", "guessit"), s,
                                             strict=True)) for s in summary],
                          "rows": rows, "seconds": result["seconds"]}, ensure_ascii=False, indent=1))
        return 0
    if args.hide_expected:
        print("| rows | n | right item hidden: nothing chosen | another item chosen |")
        print("|---|---|---|---|")
        for kind, n, right, _, wrong, _ in summary:
            print(f"| {kind} | {n} | {pct(right, n)} ({right}/{n}) | {wrong} |")
    else:
        print("| rows | n | mydia-import fully right | skipped (with reason) | wrong item or episodes "
              "| plain guessit fully right (lenient title) |")
        print("|---|---|---|---|---|---|")
        for kind, n, right, skipped, wrong, plain in summary:
            print(f"| {kind} | {n} | {pct(right, n)} ({right}/{n}) | {skipped} | {wrong} "
                  f"| {pct(plain, n)} ({plain}/{n}) |")
    print(f"\n{len(rows)} names identified in {result['seconds']:.1f} s (plain guessit included)")
    if args.misses == "all":
        misses = [r for r in rows if r["outcome"] != "right"]
        if misses:
            print(f"\n{len(misses)} miss(es):")
        for r in misses:
            print(f"- [{r['kind']}] {r['outcome']}: {r['name']!r}\n    expected {r['expected']}; {r['detail']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
