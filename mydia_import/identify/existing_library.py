"""`library adopt DIR`: record an already organised library, moving nothing.

A user starts from what they have: folders laid out the way Plex, Jellyfin,
Sonarr or Radarr lay them out,

    Movies/Inception (2010)/Inception (2010).mkv          (also "Inception (2010) {tmdb-27205}")
    Movies/Heat (1995).mkv                                (a movie straight under the root)
    TV/Breaking Bad (2008)/Season 01/Breaking Bad - S01E02 - Cat's in the Bag.mkv
    TV/Lost/S01/Lost.S01E05.mkv                           (no year, "S01" folders)
    TV/Doctor Who (2005)/Specials/Doctor Who - S00E01.mkv

Each top folder is one movie or one show: its name gives the title and year
(and a `{tmdb-N}`/`[tmdbid-N]` id where there is one). A show is a top folder
with season folders or episode numbers in its file names; the numbers come from
each file name, the season from its folder where the name lacks one. Items and
episodes the library lacks are created (found first by tmdb id, title and
year), and every video gets its media_files row; nothing on disk changes.
What cannot be placed (loose files, names without numbers, titles that fit
several items) is listed with the reason.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from mydia_import.discover.walk import EXTRA_FOLDERS, EXTRA_SUFFIXES, JUNK_NAMES, SAMPLE_FOLDERS, VIDEO_EXTENSIONS
from mydia_import.identify.match import by_year, episodes_of
from mydia_import.identify.parse import ReleaseParser
from mydia_import.identify.patterns import split_year, title_text
from mydia_import.identify.readings import gather
from mydia_import.library import provenance, vocabulary
from mydia_import.models import EpisodeRef, LibraryRoot, Match, MediaRef, MediaType, Release
from mydia_import.titles import normalize_title

_IDS = re.compile(r"\s*[\[{(](?:tmdb(?:id)?|tvdb(?:id)?|imdb(?:id)?)[-=]\s*(?P<id>[^\]})]+)[\]})]", re.IGNORECASE)
_TMDB = re.compile(r"[\[{(]tmdb(?:id)?[-=]\s*(?P<id>\d+)[\]})]", re.IGNORECASE)
_EDITION = re.compile(r"\s*\{edition-(?P<e>[^}]+)\}", re.IGNORECASE)
_SEASON_FOLDER = re.compile(r"^(?:season|saison|staffel|temporada|series)[\s._-]*(?P<n>\d{1,4})$|^s(?P<s>\d{1,4})$",
                            re.IGNORECASE)
_SPECIALS = re.compile(r"^(?:specials?|season[\s._-]*0+)$", re.IGNORECASE)
_PART = re.compile(r"[\s._-]+(?:part|pt|cd|dis[ck])[\s._-]?(?P<n>\d{1,2})$", re.IGNORECASE)
_EPISODE_TITLE = re.compile(r"(?i)(?:s\d{1,4}e\d{1,4}(?:-?e\d{1,4})*|\d{1,2}x\d{2,3})\s+-\s+(?P<t>.+)$")


@dataclass(frozen=True)
class AdoptedFile:
    """One video of the adopted folder and what became of it."""

    path: Path
    status: str  # "recorded", "already-recorded", "planned" (dry run) or "skipped"
    item: MediaRef | None = None
    episodes: tuple[EpisodeRef, ...] = ()
    reason: str | None = None

    def to_json(self) -> dict:
        return {"path": str(self.path), "status": self.status,
                "media_item": self.item.to_json() if self.item else None,
                "episodes": [e.to_json() for e in self.episodes], "reason": self.reason}


@dataclass
class AdoptReport:
    root: LibraryRoot | None
    dry_run: bool
    files: list[AdoptedFile] = field(default_factory=list)
    items_added: int = 0
    episodes_added: int = 0
    _items: dict[tuple, MediaRef] = field(default_factory=dict, repr=False)  # folders already resolved

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    def exit_code(self) -> int:
        placed = sum(self.count(s) for s in ("recorded", "already-recorded", "planned"))
        return 4 if self.files and not placed else 0

    def to_json(self) -> dict:
        return {
            "root": {"path": str(self.root.path), "type": self.root.type} if self.root else None,
            "dry_run": self.dry_run,
            "files": [f.to_json() for f in self.files],
            "summary": {"items_added": self.items_added, "episodes_added": self.episodes_added,
                        **{s.replace("-", "_"): self.count(s)
                           for s in ("recorded", "already-recorded", "planned", "skipped")}},
        }


@dataclass(frozen=True)
class _Folder:
    """A top folder of the library: one movie or one show."""

    name: str
    title: str | None
    year: int | None
    tmdb_id: int | None
    edition: str | None


def adopt(folder: Path, library, *, root_type: str | None = None, dry_run: bool = False,
          parser: ReleaseParser | None = None) -> AdoptReport:
    """Record every video under `folder` (a library root) in `library`; see the module doc."""
    folder = Path(os.path.abspath(folder))
    parser = parser or ReleaseParser(cache=library.parse_cache(writable=not dry_run))
    videos = list(_videos(folder))
    groups: dict[str, list[tuple[Path, str | None]]] = {}
    for path, skip in videos:
        top = path.relative_to(folder).parts[0] if len(path.relative_to(folder).parts) > 1 else ""
        groups.setdefault(top, []).append((path, skip))
    shows = {top for top, files in groups.items() if top and _is_show(folder, files, parser)}
    kinds = {MediaType.TV_SHOW if top in shows else MediaType.MOVIE
             for top, files in groups.items() if any(skip is None for _, skip in files)}
    report = AdoptReport(None, dry_run)
    root = _root(library, folder, root_type, kinds, dry_run)
    report.root = root
    for top, files in groups.items():
        kind = MediaType.TV_SHOW if top in shows else MediaType.MOVIE
        for path, skip in files:
            if skip is not None:
                report.files.append(AdoptedFile(path, "skipped", reason=skip))
                continue
            report.files.append(_adopt_file(folder, root, top, kind, path, library, parser, report))
    return report


def _videos(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Videos under the folder, in name order, with a reason where one is not the item's own."""
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d.casefold() not in JUNK_NAMES)
        here = Path(current)
        relative = here.relative_to(folder).parts
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or Path(name).suffix.lower() not in VIDEO_EXTENSIONS:
                continue
            stem = Path(name).stem
            extra = next((p for p in relative if p.casefold() in EXTRA_FOLDERS), None)
            if not _utf8(str(path.relative_to(folder))):
                yield path, ("its path is not UTF-8 text, which the database (Mydia's media_files) "
                             "cannot hold; rename it")
            elif extra or any(stem.endswith(s) for s in EXTRA_SUFFIXES):
                yield path, f"an extra ({extra or 'by its name'}), not a movie or episode file"
            elif any(p.casefold() in SAMPLE_FOLDERS for p in relative) or re.search(r"(?i)[\W_]sample$", stem):
                yield path, "a sample, not a movie or episode file"
            else:
                yield path, None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_show(folder: Path, files: list[tuple[Path, str | None]], parser: ReleaseParser) -> bool:
    for path, skip in files:
        if skip is not None:
            continue
        parts = path.relative_to(folder).parts
        if any(_season_of(p) is not None for p in parts[1:-1]):
            return True
        if any(r.release.episodes and r.release.season is not None for r in gather(path.name, (), parser).readings
               if r.how != "guessit"):
            return True
    return False


def _season_of(name: str) -> int | None:
    if _SPECIALS.match(name):
        return 0
    m = _SEASON_FOLDER.match(name.strip())
    return int(m["n"] or m["s"]) if m else None


def _folder(name: str) -> _Folder:
    tmdb = _TMDB.search(name)
    edition = _EDITION.search(name)
    text = _EDITION.sub("", _IDS.sub("", name)).strip()
    title, year = split_year(text)
    return _Folder(name, title_text(title) if title else None, year, int(tmdb["id"]) if tmdb else None,
                   edition["e"].strip() if edition else None)


def _root(library, folder: Path, root_type: str | None, kinds: set[MediaType], dry_run: bool) -> LibraryRoot:
    known = next((r for r in library.roots() if r.path == folder), None)
    if root_type is None:
        if known is not None:
            root_type = known.type
        elif kinds == {MediaType.MOVIE}:
            root_type = "movies"
        elif kinds == {MediaType.TV_SHOW}:
            root_type = "series"
        else:
            root_type = "mixed"
    if dry_run or (known is None and not kinds):  # nothing to record: no library_paths row either
        return known or LibraryRoot("", folder, root_type)
    return library.ensure_root(folder, root_type)


def _adopt_file(folder: Path, root: LibraryRoot, top: str, kind: MediaType, path: Path, library,
                parser: ReleaseParser, report: AdoptReport) -> AdoptedFile:
    relative = path.relative_to(folder)
    if not top:
        info = _folder(path.stem)  # a movie straight under the root: "Heat (1995).mkv"
        if kind is MediaType.MOVIE and (info.year is None or not info.title):
            return AdoptedFile(path, "skipped", reason=(
                "a file straight in the library folder without 'Title (Year)' in its name; "
                "move it into a 'Title (Year)' folder or import it"))
    else:
        info = _folder(top)
    if not info.title:
        return AdoptedFile(path, "skipped", reason=f"the folder '{top}' gives no title")
    if root.type == "movies" and kind is MediaType.TV_SHOW or root.type == "series" and kind is MediaType.MOVIE:
        what = "a show" if kind is MediaType.TV_SHOW else "a movie"
        return AdoptedFile(path, "skipped", reason=f"looks like {what}, but {folder} is a {root.type} library")
    stored = library.file_at(root, relative.as_posix()) if root.id else None
    release = parser.parse(path.name, "episode" if kind is MediaType.TV_SHOW else None)
    if kind is MediaType.MOVIE:
        item, why = _item(library, info, kind, report)
        if item is None:
            return AdoptedFile(path, "skipped", reason=why)
        part = _PART.search(path.stem)
        release = replace(release, part=int(part["n"]) if part else release.part,
                          edition=info.edition or release.edition)
        return _record(library, root, relative, path, Match(item), release, stored, report)
    numbers = _numbers(path, relative, parser)
    if numbers is None:
        return AdoptedFile(path, "skipped", reason=(
            "no season and episode in its name or folders (like S01E02 or Season 1/E02); "
            "rename it or import it by hand"))
    item, why = _item(library, info, kind, report)
    if item is None:
        return AdoptedFile(path, "skipped", reason=why)
    numbered = replace(release, season=numbers.season, episodes=numbers.episodes, absolute=numbers.absolute,
                       air_date=numbers.air_date)
    episodes, missing = episodes_of(item, numbered, library)
    if not episodes and numbers.season is not None and numbers.episodes:
        episodes = _add_episodes(library, item, numbers, path, report)
    if not episodes:
        return AdoptedFile(path, "skipped", item=item, reason=missing.message if missing else "")
    return _record(library, root, relative, path, Match(item, tuple(episodes)), numbered, stored, report)


def _numbers(path: Path, relative: Path, parser: ReleaseParser) -> Release | None:
    """The file's season and episodes: its name's, the season from its folder where the name lacks it."""
    season_folder = next((s for p in reversed(relative.parts[1:-1]) if (s := _season_of(p)) is not None), None)
    evidence = gather(path.name, (), parser)
    for reading in evidence.readings:
        r = reading.release
        if r.episodes and r.season is not None:
            return r
        if r.episodes and season_folder is not None:
            return replace(r, season=season_folder)
        if r.air_date is not None or r.absolute:
            return r
    return None


def _item(library, info: _Folder, kind: MediaType, report: AdoptReport) -> tuple[MediaRef | None, str]:
    """The library's item for a folder, created when it has none."""
    key = (info.name, kind)
    if key in report._items:
        return report._items[key], ""
    item, why = _find_or_add(library, info, kind, report)
    if item is not None:
        report._items[key] = item
    return item, why


def _find_or_add(library, info: _Folder, kind: MediaType, report: AdoptReport) -> tuple[MediaRef | None, str]:
    assert info.title
    found = library.find_items(normalize_title(info.title), kind)
    if info.tmdb_id is not None:
        by_tmdb = [i for i in found if library.tmdb_id(i.id) == info.tmdb_id]
        if by_tmdb:
            return by_tmdb[0], ""
        found = [i for i in found if library.tmdb_id(i.id) is None]
    kept, _ = by_year(found, Release(name=info.name, year=info.year))
    if kept and len(kept) == 1:
        if info.tmdb_id is not None and not report.dry_run:  # the folder knows the item's tmdb id
            entry = {"title": kept[0].title, "year": kept[0].year, "tmdb_id": info.tmdb_id}
            library.load({"movies" if kind is MediaType.MOVIE else "shows": [{k: v for k, v in entry.items() if v}]})
        return kept[0], ""
    if kept:
        names = " and ".join(f"'{i.label()}'" for i in kept)
        return None, (f"the folder '{info.name}' could be {names}; add the year (or a {{tmdb-N}} id) "
                      "to the folder name")
    label = f"{info.title} ({info.year})" if info.year else info.title
    report.items_added += 1
    if report.dry_run:
        return MediaRef("", kind, info.title, info.year), ""
    entry = {"title": info.title, "year": info.year, "tmdb_id": info.tmdb_id}
    library.load({"movies" if kind is MediaType.MOVIE else "shows": [{k: v for k, v in entry.items() if v}]})
    created = [i for i in library.find_items(normalize_title(info.title), kind) if i.year == info.year
               and (info.tmdb_id is None or library.tmdb_id(i.id) == info.tmdb_id)]
    if not created:
        return None, f"could not add '{label}' to the library"
    return created[-1], ""


def _add_episodes(library, item: MediaRef, numbers: Release, path: Path, report: AdoptReport) -> list[EpisodeRef]:
    assert numbers.season is not None
    missing = [n for n in numbers.episodes
               if not (item.id and library.find_episodes(item.id, numbers.season, [n]))]
    title = _EPISODE_TITLE.search(path.stem)
    episode_title = title_text(title["t"]) if title and len(numbers.episodes) == 1 else None
    report.episodes_added += len(missing)
    if report.dry_run:
        return [EpisodeRef("", numbers.season, n) for n in numbers.episodes]
    entry = {"title": item.title, "year": item.year, "episodes": [
        {"season": numbers.season, "episode": n, **({"title": episode_title} if episode_title else {})}
        for n in missing]}
    library.load({"shows": [{k: v for k, v in entry.items() if v is not None}]})
    return library.find_episodes(item.id, numbers.season, list(numbers.episodes))


def _record(library, root: LibraryRoot, relative: Path, path: Path, match: Match, release: Release,
            stored, report: AdoptReport) -> AdoptedFile:
    if stored is not None:
        return AdoptedFile(path, "already-recorded", match.item, match.episodes)
    if report.dry_run:
        return AdoptedFile(path, "planned", match.item, match.episodes)
    try:
        size = path.stat().st_size
    except OSError as error:
        return AdoptedFile(path, "skipped", match.item, reason=f"cannot read its size: {error.strerror}")
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    metadata = {"imported_at": now, "source": vocabulary.source(release.source),
                "release_group": release.release_group, "import_adopted": True, "import_adopted_at": now,
                provenance.RELEASE_NAME: path.name, provenance.PROPER_COUNT: release.proper_count,
                "import_edition": release.edition, "import_part": release.part}
    from mydia_import.errors import LibraryError

    try:
        library.record_file(root, relative.as_posix(), size=size, match=match, release=release,
                            metadata=metadata)
    except LibraryError as error:
        return AdoptedFile(path, "skipped", match.item, match.episodes, reason=str(error))
    return AdoptedFile(path, "recorded", match.item, match.episodes)
