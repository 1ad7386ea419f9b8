"""Made-up release names, download trees and libraries for the speed benchmarks.

Everything here is invented from small word lists with a seeded random generator,
so a run makes the same data on every machine: titles of shows and movies, and
release names in the shapes download clients produce (scene names, `1x02`, daily
dates, anime `[Group] Show - 07 [hash]`, season packs, movies with editions,
obfuscated files in named folders), plus what a downloads folder holds beside the
videos (subtitles, samples, `.nfo`, images, text files, archives).

    world = World(seed=7, shows=300, movies=400)
    names = world.release_names(10_000)          # distinct file names
    stats = world.build_tree(folder, 10_000)     # folders and sparse files
    library.load(world.library_json())           # the items those names are

Video files are sparse (`truncate`): they have the sizes of real videos (so the
sample check sees a 40 MB sample beside a 1.4 GB episode) and take no disk space.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_WORDS = (
    "amber anchor arrow autumn badger beacon birch blade bloom bridge canyon cedar cipher circuit "
    "citadel comet copper coral crimson crown crystal dagger dawn delta desert drift ember falcon "
    "feather fern forge frost garden glacier granite harbor harvest haven hollow horizon island "
    "ivory jade jasper juniper kestrel lantern legacy lilac lotus marble meadow mercury midnight "
    "mirror monarch moss nebula north oasis obsidian ocean orchid paragon pebble phoenix pine "
    "prairie quartz quiet raven reef ridge river saffron sapphire shadow silver sparrow spire "
    "spring stone storm summit sunset thistle thunder timber topaz tundra twilight valley velvet "
    "violet willow winter wolf zenith"
).split()
_TAILS = ("Chronicles", "Files", "Affair", "Protocol", "Legacy", "Station", "Society", "Line",
          "Project", "Academy", "Diaries", "Code", "Road", "Keepers", "House", "Hour")
_GROUPS = ("NTb", "FLUX", "CAKES", "GGEZ", "SuccessfulCrab", "EDITH", "KOGi", "TEPES", "SMURF",
           "NOSiViD", "playWEB", "SPARKS", "AMIABLE", "DON", "FGT", "RARBG", "ETHEL", "MiNX", "BAE")
_ANIME_GROUPS = ("SubsPlease", "Erai-raws", "HorribleSubs", "Judas", "EMBER", "Commie", "Kametsu")
_QUALITIES = (
    "720p.HDTV.x264", "1080p.WEB-DL.DDP5.1.H.264", "1080p.WEB.h264", "2160p.WEB-DL.DDP5.1.HDR.H.265",
    "1080p.BluRay.x264", "720p.WEBRip.x264.AAC", "1080p.AMZN.WEB-DL.DDP5.1.H.264",
    "480p.DVDRip.XviD", "2160p.UHD.BluRay.REMUX.HDR.HEVC.TrueHD.7.1.Atmos", "1080p.NF.WEBRip.DD5.1.x264",
)
_EDITIONS = ("", "", "", "", "Extended.", "Directors.Cut.", "REMASTERED.", "UNRATED.", "PROPER.", "REPACK.")
_JUNK = ("RARBG.txt", "Torrent-Downloaded-From-Example.txt", "cover.jpg", "poster.png", "info.nfo",
         "WWW.EXAMPLE.URL", "Setup.exe", "thumbs.db")

GB = 1_000_000_000
MB = 1_000_000


@dataclass
class Show:
    title: str
    year: int | None
    seasons: int
    episodes: int  # per season
    anime: bool = False
    daily: bool = False

    def dotted(self) -> str:
        return self.title.replace(" ", ".") + (f".{self.year}" if self.year and not self.anime else "")


@dataclass
class Movie:
    title: str
    year: int

    def dotted(self) -> str:
        return f"{self.title.replace(' ', '.')}.{self.year}"


@dataclass
class TreeStats:
    files: int = 0
    videos: int = 0
    subtitles: int = 0
    samples: int = 0
    junk: int = 0
    releases: int = 0
    folders: int = 0
    shapes: dict[str, int] = field(default_factory=dict)


class World:
    """A catalogue of invented shows and movies, and the downloads that name them."""

    def __init__(self, seed: int = 7, shows: int = 300, movies: int = 400):
        self.rng = random.Random(seed)
        used: set[str] = set()
        self.shows = [self._show(used, i) for i in range(shows)]
        self.movies = [Movie(self._title(used), self.rng.randint(1960, 2024)) for _ in range(movies)]

    # -- the catalogue ----------------------------------------------------------------------

    def _title(self, used: set[str]) -> str:
        while True:
            words = self.rng.sample(_WORDS, self.rng.choice((1, 2, 2, 3)))
            if self.rng.random() < 0.3:
                words.append(self.rng.choice(_TAILS))
            if self.rng.random() < 0.2:
                words.insert(0, "The")
            title = " ".join(w.capitalize() for w in words)
            if title.casefold() not in used:
                used.add(title.casefold())
                return title

    def _show(self, used: set[str], i: int) -> Show:
        kind = i % 10
        anime, daily = kind == 8, kind == 9
        year = self.rng.choice((None, None, self.rng.randint(1990, 2024)))
        return Show(self._title(used), year, self.rng.randint(1, 6), self.rng.choice((8, 10, 13, 22, 24)),
                    anime=anime, daily=daily)

    def library_json(self) -> dict:
        """The catalogue as `library load` reads it (every episode of every show)."""
        shows = []
        for show in self.shows:
            episodes = []
            for season in range(1, show.seasons + 1):
                for number in range(1, show.episodes + 1):
                    ep: dict = {"season": season, "episode": number, "title": f"Episode {number}"}
                    if show.daily:
                        ep["air_date"] = _air_date(season, number)
                    if show.anime:
                        ep["absolute"] = (season - 1) * show.episodes + number
                    episodes.append(ep)
            item: dict = {"title": show.title, "episodes": episodes}
            if show.year:
                item["year"] = show.year
            shows.append(item)
        movies = [{"title": m.title, "year": m.year} for m in self.movies]
        return {"movies": movies, "shows": shows}

    # -- names ------------------------------------------------------------------------------

    def release_names(self, count: int) -> list[str]:
        """`count` distinct video file names in every shape the trees use."""
        names: dict[str, None] = {}
        for release in self._releases():
            for path, kind, _ in release.files:
                if kind == "video" and "sample" not in path.casefold():
                    names.setdefault(path.rsplit("/", 1)[-1], None)
                    if len(names) == count:
                        return list(names)
        raise AssertionError("unreachable: releases never run out")

    def _releases(self) -> Iterator[_Release]:
        makers = (
            (self._single_episode, 30), (self._season_pack, 12), (self._movie, 22), (self._anime, 12),
            (self._daily, 8), (self._episode_no_folder, 8), (self._obfuscated, 4), (self._junk_only, 4),
        )
        weights = [w for _, w in makers]
        while True:
            maker = self.rng.choices([m for m, _ in makers], weights)[0]
            release = maker()
            if release is not None:
                yield release

    def _tv(self, anime: bool = False, daily: bool = False) -> Show:
        pool = [s for s in self.shows if s.anime == anime and s.daily == daily]
        return self.rng.choice(pool)

    def _group(self) -> str:
        return self.rng.choice(_GROUPS)

    def _episode_name(self, show: Show, season: int, numbers: list[int], quality: str, group: str) -> tuple[str, str]:
        style = self.rng.random()
        code = f"S{season:02d}" + "".join(f"E{n:02d}" for n in numbers)
        if style < 0.6:
            return f"{show.dotted()}.{code}.{quality}-{group}", "SxxEyy"
        if style < 0.7:
            return f"{show.dotted()}.{code}.REPACK.{quality}-{group}", "SxxEyy repack"
        if style < 0.85:
            title = show.title + (f" ({show.year})" if show.year else "")
            return f"{title} - {season}x{numbers[0]:02d} - Episode {numbers[0]} [{quality.split('.')[0]}]", "1x02"
        title = show.title.replace(" ", "_").lower()
        return f"{title}.s{season:02d}e{numbers[0]:02d}.{quality.split('.')[0]}", "lower s01e02"

    def _single_episode(self) -> _Release:
        show = self._tv()
        season, number = self.rng.randint(1, show.seasons), self.rng.randint(1, show.episodes)
        numbers = [number, number + 1] if number < show.episodes and self.rng.random() < 0.08 else [number]
        name, shape = self._episode_name(show, season, numbers, self.rng.choice(_QUALITIES), self._group())
        files = [(f"{name}/{name}.mkv", "video", self._size(1.2))]
        if self.rng.random() < 0.3:
            files.append((f"{name}/{name}.en.srt", "subtitle", 40_000))
        if self.rng.random() < 0.3:
            files.append((f"{name}/Sample/{name.lower()}-sample.mkv", "video", 30 * MB))
        files += self._junk(name)
        return _Release(shape, files)

    def _episode_no_folder(self) -> _Release:
        show = self._tv()
        season, number = self.rng.randint(1, show.seasons), self.rng.randint(1, show.episodes)
        name, shape = self._episode_name(show, season, [number], self.rng.choice(_QUALITIES), self._group())
        return _Release(shape + " (no folder)", [(f"{name}.mkv", "video", self._size(1.0))])

    def _season_pack(self) -> _Release:
        show = self._tv()
        season = self.rng.randint(1, show.seasons)
        quality, group = self.rng.choice(_QUALITIES), self._group()
        folder = f"{show.dotted()}.S{season:02d}.{quality}-{group}"
        files = []
        for number in range(1, show.episodes + 1):
            name = f"{show.dotted()}.S{season:02d}E{number:02d}.{quality}-{group}"
            files.append((f"{folder}/{name}.mkv", "video", self._size(1.5)))
            if self.rng.random() < 0.25:
                files.append((f"{folder}/Subs/{name}/2_English.srt", "subtitle", 50_000))
        files += self._junk(folder)
        return _Release("season pack", files)

    def _anime(self) -> _Release:
        show = self._tv(anime=True)
        group = self.rng.choice(_ANIME_GROUPS)
        absolute = self.rng.randint(1, show.seasons * show.episodes)
        crc = f"{self.rng.getrandbits(32):08X}"
        res = self.rng.choice(("1080p", "720p", "480p"))
        style = self.rng.random()
        if style < 0.5:
            name, shape = f"[{group}] {show.title} - {absolute:02d} ({res}) [{crc}]", "anime absolute"
        elif style < 0.75:
            season = (absolute - 1) // show.episodes + 1
            number = (absolute - 1) % show.episodes + 1
            name, shape = f"[{group}] {show.title} S{season} - {number:02d} [{res}]", "anime S2 - 07"
        else:
            name = f"[{group}]_{show.title.replace(' ', '_')}_-_{absolute:03d}_[{res}_x264-AAC]_[{crc}]"
            shape = "anime underscores"
        if self.rng.random() < 0.5:
            return _Release(shape, [(f"{name}.mkv", "video", self._size(0.4))])
        return _Release(shape, [(f"{name}/{name}.mkv", "video", self._size(0.4)),
                                (f"{name}/{name}.ass", "subtitle", 30_000)])

    def _daily(self) -> _Release:
        show = self._tv(daily=True)
        season, number = self.rng.randint(1, show.seasons), self.rng.randint(1, show.episodes)
        date = _air_date(season, number).replace("-", ".")
        name = f"{show.title.replace(' ', '.')}.{date}.{self.rng.choice(_QUALITIES)}-{self._group()}"
        return _Release("daily", [(f"{name}/{name}.mkv", "video", self._size(0.8))] + self._junk(name))

    def _movie(self) -> _Release:
        movie = self.rng.choice(self.movies)
        quality, group = self.rng.choice(_QUALITIES), self._group()
        edition = self.rng.choice(_EDITIONS)
        if self.rng.random() < 0.75:
            name, shape = f"{movie.dotted()}.{edition}{quality}-{group}", "movie scene"
        else:
            name, shape = f"{movie.title} ({movie.year}) [{quality.split('.')[0]}]", "movie (year)"
        files = [(f"{name}/{name}.mkv", "video", self._size(6.0))]
        if self.rng.random() < 0.4:
            files.append((f"{name}/{name}.en.forced.srt", "subtitle", 20_000))
        if self.rng.random() < 0.3:
            files.append((f"{name}/Sample/sample-{name.lower()}.mkv", "video", 60 * MB))
        if self.rng.random() < 0.1:
            files.append((f"{name}/Featurettes/Making Of.mkv", "video", 300 * MB))
        files += self._junk(name)
        return _Release(shape, files)

    def _obfuscated(self) -> _Release:
        show = self._tv()
        season, number = self.rng.randint(1, show.seasons), self.rng.randint(1, show.episodes)
        folder = f"{show.dotted()}.S{season:02d}E{number:02d}.{self.rng.choice(_QUALITIES)}-{self._group()}"
        return _Release("obfuscated file", [(f"{folder}/{self.rng.getrandbits(64):016x}.mkv", "video",
                                             self._size(1.0))])

    def _junk_only(self) -> _Release:
        name = f"{self.rng.choice(_WORDS).capitalize()}.Collection.{self.rng.randint(1, 999)}"
        return _Release("junk folder", [(f"{name}/{j}", "junk", 1000) for j in self.rng.sample(_JUNK, 3)])

    def _junk(self, folder: str) -> list[tuple[str, str, int]]:
        if self.rng.random() < 0.5:
            return []
        return [(f"{folder}/{j}", "junk", 2000) for j in self.rng.sample(_JUNK, self.rng.randint(1, 2))]

    def _size(self, gb: float) -> int:
        return int(gb * GB * self.rng.uniform(0.7, 1.3))

    # -- trees ------------------------------------------------------------------------------

    def build_tree(self, root: Path, files: int) -> TreeStats:
        """A downloads folder of about `files` files (whole releases: videos, samples, extras,
        subtitles and junk). Videos are sparse: their sizes are real, their disk use nil."""
        root.mkdir(parents=True, exist_ok=True)
        stats = TreeStats()
        seen: set[str] = set()
        made: set[str] = set()
        for release in self._releases():
            if stats.files >= files:
                break
            top = release.files[0][0].split("/", 1)[0]
            if top in seen:
                continue  # the same release twice would be one download
            seen.add(top)
            stats.releases += 1
            stats.shapes[release.shape] = stats.shapes.get(release.shape, 0) + 1
            for relative, kind, size in release.files:
                path = root / relative
                parent = str(path.parent)
                if parent not in made:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    made.add(parent)
                with open(path, "wb") as f:
                    f.truncate(size)
                if "sample" in relative.casefold():
                    stats.samples += 1
                stats.files += 1
                stats.videos += kind == "video"
                stats.subtitles += kind == "subtitle"
                stats.junk += kind == "junk"
        stats.folders = len(made)
        return stats

    def episode_files(self, root: Path, count: int) -> list[Path]:
        """`count` episode videos (season packs and single episodes, no samples or junk)."""
        root.mkdir(parents=True, exist_ok=True)
        made: list[Path] = []
        seen: set[str] = set()
        for release in self._releases():
            if release.shape not in ("season pack", "SxxEyy", "SxxEyy repack", "1x02"):
                continue
            top = release.files[0][0].split("/", 1)[0]
            if top in seen:
                continue
            seen.add(top)
            for relative, kind, size in release.files:
                if kind != "video" or "sample" in relative.casefold():
                    continue
                path = root / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "wb") as f:
                    f.truncate(size)
                made.append(path)
                if len(made) == count:
                    return made
        raise AssertionError("unreachable")


@dataclass
class _Release:
    shape: str
    files: list[tuple[str, str, int]]  # (path relative to the downloads folder, kind, size)


def _air_date(season: int, number: int) -> str:
    day = (season - 1) * 40 + number
    year, day = 2015 + day // 365, day % 365
    month, mday = day // 28 + 1, day % 28 + 1
    return f"{year}-{min(month, 12):02d}-{mday:02d}"


def tree_size(root: Path) -> int:
    """Files under root (for checks)."""
    return sum(len(files) for _, _, files in os.walk(root))
