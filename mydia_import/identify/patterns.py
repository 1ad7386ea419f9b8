"""The shapes episode and movie names come in, read without guessit.

guessit gets about 57% of real episode names fully right; it misses shapes
such as `1x01-x03`, `Show 100 - 07` (a number inside an anime title),
`Show.103.104`, `S01.Ep.01`, `2012.16.02` (day and month swapped), Chinese
fansub brackets and `Temporada 2 [Cap.408]`. This module reads a name the way
scene and fansub names are built: the title is what comes before the first
numbering marker. It returns every plausible `Shape` of a name; the matcher
keeps the one the library confirms (`identify/match.py`), so a reading that is wrong
for this library costs nothing.

Everything here is plain regular expressions over the name; no I/O.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, replace

# The module is loaded with the first name to identify (decide._plan), so its patterns
# are compiled only by runs that identify something.
_EXTENSIONS = re.compile(
    r"\.(?:mkv|mp4|avi|m4v|ts|m2ts|mov|wmv|mpe?g|webm|flv|iso|vob|divx|ogm|3gp|"
    r"srt|ass|ssa|sub|idx|vtt|smi|sup|nfo)$", re.IGNORECASE)
# "www.site.com - ", "[site.co.uk] - ", "(site.com) ": a tracker's or site's name, not the title.
_WEBSITE = re.compile(
    r"^\s*(?:[\[(]\s*(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}\s*[\])]\s*-?\s*"
    r"|(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|info|tv|to|io|cc|ws|biz|xyz|tc|"
    r"[a-z]{2}\.[a-z]{2}|de|fr|it|es|nl|ru|ca|au|nz|za)\s+-\s+)", re.IGNORECASE)
# Leading fansub group tags: "[Group] ", "【Group】", "[Group]_".
_GROUPS = re.compile(r"^(?:\s*[\[【][^\]】]*[\]】][\s._-]*)+")
_BRACKETED = re.compile(r"[\[【(（][^\]】)）]*[\]】)）]")
_SEP = r"[ ._\-]"
_END = r"(?![0-9a-uw-z])"  # a number ends at a non-alphanumeric ("v2" may follow)

# S01E02 and its family: s01e02, S01 E02, S01.Ep.01, S1-E1, S01E01-E03, S01E01E02, S02E03-04-05.
_SXXEYY = re.compile(
    rf"(?<![a-z0-9])s(?P<s>\d{{1,4}}){_SEP}{{0,3}}(?:episode|ep|e){_SEP}?(?P<e>\d{{1,5}})(?P<more>"
    rf"(?:(?:{_SEP}{{0,3}}-?{_SEP}{{0,3}}(?:ep|e)|-){_SEP}?\d{{1,5}}{_END})*)(?:v\d|[a-d](?=[ ._-]))?{_END}",
    re.IGNORECASE)
# "grp-zoos01e11": a title glued to its marker (tried only when nothing else is found).
_GLUED = re.compile(r"(?<=[a-z])s(?P<s>\d{2})e(?P<e>\d{2})(?P<more>(?:e\d{2})*)(?![0-9])", re.IGNORECASE)
_MORE = re.compile(r"(\d{1,5})")
# 1x02, 1x01-02, 1x01-x03, 2x04x05, 8x01_02.
_NXNN = re.compile(
    r"(?<![a-z0-9])(?P<s>\d{1,4})x(?P<e>\d{1,4})(?P<more>(?:(?:-x?|x|_)\d{1,4}(?![0-9a-z]))*)(?![0-9a-z])",
    re.IGNORECASE)
# "Season 1 Episode 2", "Season 1 - Episode 01".
_WORDS = re.compile(
    rf"(?<![a-z])(?:season|saison|temporada|stagione){_SEP}*(?P<s>\d{{1,4}}){_SEP}*-?{_SEP}*"
    rf"(?:episode|episodio|épisode|ep|e){_SEP}*(?P<e>\d{{1,4}})(?P<more>(?:-\d{{1,4}})*){_END}", re.IGNORECASE)
# Dutch "Se.1 afl.2-3-4", "Se.3 afl.3 en 4".
_DUTCH = re.compile(
    r"(?<![a-z])se\.?\s?(?P<s>\d{1,3})\s?afl\.?\s?(?P<e>\d{1,3})(?P<more>(?:(?:-|\s?en\s?|,)\d{1,3})*)",
    re.IGNORECASE)
# Spanish "Cap.101" (season 1, episode 01), "Cap.1901".
_CAP = re.compile(r"(?<![a-z])cap[.\s]?\s?(?P<s>\d{1,2}?)(?P<e>\d{2})(?:_\d{1,2}?(?P<last>\d{2}))?(?!\d)",
                  re.IGNORECASE)
_SEASON = re.compile(
    rf"(?<![a-z0-9])(?:s ?(?P<s>\d{{1,4}})(?![0-9a-z])(?:(?:-|{_SEP}*-{_SEP}*s)(?P<last>\d{{1,4}})(?![0-9a-z]))?"
    rf"|(?:season|saison|temporada|stagione|sezon|(?<= - )series){_SEP}*(?P<w>\d{{1,4}})(?!\d)"
    rf"(?:{_SEP}*-{_SEP}*(?:season{_SEP}*)?(?P<wlast>\d{{1,4}}))?)",
    re.IGNORECASE)
_EPISODE_WORD = re.compile(
    r"(?<![a-z0-9])(?:(?:episode|episodio|ep)\.?\s?|e|#\s?)(?P<e>\d{1,4})(?:\s?-\s?(?:ep?)?(?P<last>\d{1,4}))?"
    r"(?:v\d)?(?![0-9a-z])"
    r"|(?<![0-9])(?P<e2>\d{1,4})\.?\s?(?:bölüm|bolum|blm)(?![a-z])"
    r"|第(?P<e3>\d{1,4})[话話集]", re.IGNORECASE)
_PART = re.compile(r"(?<![a-z])(?:part|pt)[ ._-]?(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
                   r"(?![0-9a-z])", re.IGNORECASE)
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten".split())}
_MONTHS = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_DATES = (
    ("ymd", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[._ -](?P<a>\d\d?)[._ -](?P<b>\d\d?)(?!\d)")),
    ("dmy", re.compile(r"(?<!\d)(?P<a>\d\d?)[._ -](?P<b>\d\d?)[._ -](?P<y>(?:19|20)\d\d)(?!\d)")),
    ("ymd", re.compile(r"(?<![\d])(?P<y>(?:19|20)\d\d)(?P<a>[01]\d)(?P<b>[0-3]\d)(?![\d])")),
    ("yymmdd", re.compile(r"(?<![\d])(?P<y>\d\d)(?P<a>[01]\d)(?P<b>[0-3]\d)(?![\d])")),
    ("named", re.compile(r"(?<![a-z0-9])(?P<b>\d\d?)(?:st|nd|rd|th)?[ ._-](?P<m>[a-z]{3})[a-z]*[ ._-]"
                         r"(?P<y>(?:19|20)\d\d)(?!\d)", re.IGNORECASE)),
)
# Anime and other bare numbers: "Title - 05", "Title_07_(", "Title 214", "Title - 01~10", "(01-25)",
# "12.5" (a decimal special). Only the part of the name before its quality tags is searched.
_NUMBER = re.compile(
    r"(?<![0-9A-Za-z#])(?P<e>\d{1,4})(?:\.(?P<dec>\d)(?:\.\d)?)?(?:v\d)?"
    r"(?:(?:\s?[-~]\s?\d{1,4})*\s?[-~]\s?(?P<last>\d{1,4})(?:v\d)?)?(?![0-9A-Za-z]|\.\d|:)")
_QUALITY = re.compile(
    r"(?i)(?<![a-z0-9])(?:\d{3,4}[pi]|[248]k|\d{3,4}x\d{3,4}|uhd|hdtv|pdtv|sdtv|web[- .]?(?:dl|rip)?|webdl|"
    r"blu-?ray|bd(?:rip)?|br-?rip|dvd(?:rip)?|hdrip|[xh][ .]?26[345]|hevc|avc|xvid|divx|mpeg-?[124]|vc-?1|"
    r"aac(?:[1-8][ .][01])?|ac3|e-?ac-?3|dd[p+]?(?:[1-8][ .][01])?|truehd|[1-8]ch|dts|flac|"
    r"remux|proper|repack|vostfr|multi|dual[ ._-]audio|10-?bits?|hi10p?|480|720|1080)"
    r"(?![a-z])")
_BRACKET_NUMBER = re.compile(
    r"^\s*(?:第)?(?P<e>\d{1,4})(?:\s?[-~]\s?(?P<last>\d{1,4}))?\s*(?:[话話集]|v\d|\s?(?:end|fin|完))?\s*$",
    re.IGNORECASE)
_YEAR = re.compile(r"(?<![0-9a-z])[\[(]?(?P<y>(?:18|19|20)\d\d)[\])]?(?![0-9a-z])", re.IGNORECASE)
# Words that end a movie title: editions, languages, release tags.
_TAGS = re.compile(
    r"(?i)(?<![a-z0-9])(?:extended|unrated|uncut|uncensored|director'?s[ ._]?cut|dc|remastered|imax|theatrical|"
    r"limited|internal|complete|edition|(?:re)?cut|german|french|truefrench|vff|vfq|italian|ita|spanish|"
    r"castellano|latino|multi|multisubs|dl|dubbed|subbed|ukr|rus|eng|hindi|tamil|malayalam|korean|"
    r"japanese|nordic|swedish|danish|dutch|proper|repack|readnfo|hdcam|cam|telesync|dvdscr|screener|"
    r"r5|pal|ntsc)(?![a-z0-9])")
_SEASON_WORD = re.compile(r"(?i)(?:season|saison|temporada|stagione|sezon)[\s._-]*$")
_TRAILING_YEAR = re.compile(r"^(?P<t>.*?)[\s._]*[(\[]?(?P<y>(?:19|20)\d\d)[)\]]?$")
_LEADING_STAMP = re.compile(r"^\d{6}\s+(?=\S)")  # "221208 Show ep11": a recording date


@dataclass(frozen=True)
class Shape:
    """One reading of a name: a title and the numbers after it."""

    title: str | None
    pattern: str  # what was recognised: "S01E02", "1x02", "anime", "date", ...
    strong: bool = True  # a marker that means an episode; False for a bare number
    year: int | None = None
    season: int | None = None
    episodes: tuple[int, ...] = ()
    absolute: tuple[int, ...] = ()
    air_date: dt.date | None = None
    part: int | None = None
    special: bool = False  # a decimal special ("12.5"): never placed by number
    seasons: tuple[int, ...] = ()  # a multi-season pack: every season it names
    pack: bool = False  # the name says it holds whole seasons ("S01-S04", "S1E1-8 of 8")


@functools.lru_cache(maxsize=4096)
def shapes(name: str) -> tuple[Shape, ...]:
    """Every plausible reading of an episode or movie name, the most telling first."""
    text = clean(name)
    found: list[Shape] = []
    for finder in (_sxxeyy, _nxnn, _words, _dutch, _cap, _dates, _season_only, _episode_words,
                   _trailing_numbers, _part, _anime, _brackets, _movie):
        found += finder(text)
    # A title may carry a year ("Show (2010) - S01E01"): keep it as the year.
    out = []
    for shape in found:
        if shape.title and shape.year is None:
            title, year = split_year(shape.title)
            shape = replace(shape, title=title or None, year=year)
        if shape not in out:
            out.append(shape)
    return tuple(out)


def clean(name: str) -> str:
    """The name without its extension and a leading website."""
    text = _EXTENSIONS.sub("", name.strip())
    return _WEBSITE.sub("", text, count=1)


def title_text(raw: str) -> str | None:
    """The text before a marker as a title: no group tags, separators as spaces.

    Where the group tags are all there is ("[Group][Title][01]"), the bracketed parts
    after the first are the title.
    """
    text = _GROUPS.sub("", raw)
    if not text.strip(" ._-[]【】") and raw.strip():
        parts = [p for p in re.split(r"[\[\]【】]", raw) if p.strip(" ._-")]
        text = " / ".join(parts[1:])
    text = _LEADING_STAMP.sub("", text)
    text = _TWO_TITLES.sub(" / ", text)  # "Native _ English": two titles
    text = text.replace(".", " ").replace("_", " ")
    text = _TRAILING_PUNCTUATION.sub("", text).strip(" -_.")
    text = _TRAILING_EPISODE.sub("", text)  # "Show E76 2024 08 08"
    return text or None


_TWO_TITLES = re.compile(r"(?<=\S) _ (?=\S)")
_TRAILING_PUNCTUATION = re.compile(r"[\s\-–:;,(\[/|]+$")
_TRAILING_EPISODE = re.compile(r"(?i)\s+(?:s\d{1,4})?(?:ep?|episode)\s?\d{1,4}$")


def split_year(title: str) -> tuple[str, int | None]:
    m = _TRAILING_YEAR.match(title)
    if m and m["t"].strip(" -_.(["):
        return m["t"].strip(" -_.(["), int(m["y"])
    return title, None


def episode_range(first: int, numbers: list[int]) -> tuple[int, ...]:
    """S01E01-E03 is 1, 2, 3; E01E02 is 1, 2; a list that goes down is not a range."""
    values = [first, *numbers]
    if len(values) == 1:
        return (first,)
    if all(b > a for a, b in zip(values, values[1:], strict=False)) and values[-1] - values[0] < 200:
        return tuple(range(values[0], values[-1] + 1))
    return ()


def _numbered(text: str, pattern: re.Pattern[str], label: str) -> list[Shape]:
    out = []
    matches = list(pattern.finditer(text))
    for i, m in enumerate(matches):
        season = int(m["s"] or 1)
        more = [int(n) for n in _MORE.findall(m.groupdict().get("more") or "")]
        # "S03E01.S03E02": a second marker of the same season right after continues the list.
        for follow in matches[i + 1:]:
            gap = text[m.end():follow.start()]
            if int(follow["s"] or 1) == season and re.fullmatch(r"[ ._-]*", gap):
                more += [int(follow["e"]), *map(int, _MORE.findall(follow.groupdict().get("more") or ""))]
        episodes = episode_range(int(m["e"]), more)
        if episodes:
            out.append(Shape(title_text(text[:m.start()]), label, season=season, episodes=episodes))
        if i == 0 and len(matches) > 1:
            break
    return out[:1]


def _sxxeyy(text: str) -> list[Shape]:
    found = _numbered(text, _SXXEYY, "S01E02") or _numbered(text, _GLUED, "S01E02")
    whole = re.search(r"(?i)(?<![a-z0-9])s\d{1,4}\s?e0?1-\d{1,4}\s+of\s+(\d{1,4})", text)
    if found and whole and found[0].episodes[-1] == int(whole[1]):
        # "S1E1-8 of 8": every episode of the season, a season pack.
        shape = found[0]
        return [replace(shape, pattern="season", episodes=(), seasons=(shape.season,), pack=True)]
    return found


def _nxnn(text: str) -> list[Shape]:
    out = []
    for shape in _numbered(text, _NXNN, "1x02"):
        if shape.season is not None and shape.season >= 320 and shape.episodes[0] >= 240:
            continue  # 1280x720 is a resolution
        out.append(shape)
    return out


def _words(text: str) -> list[Shape]:
    return _numbered(text, _WORDS, "Season 1 Episode 2")


def _dutch(text: str) -> list[Shape]:
    return _numbered(text, _DUTCH, "Se.1 afl.2")


def _cap(text: str) -> list[Shape]:
    m = _CAP.search(text)
    if not m:
        return []
    head = text[:m.start()]
    head = _SEASON.split(head)[0] if _SEASON.search(head) else head
    episodes = episode_range(int(m["e"]), [int(m["last"])] if m["last"] else [])
    return [Shape(title_text(_BRACKETED.sub(" ", head)), "Cap.101", season=int(m["s"] or 1),
                  episodes=episodes or (int(m["e"]),))]


def _season_only(text: str) -> list[Shape]:
    m = _SEASON.search(text)
    if not m:
        return []
    first = int(m["s"] or m["w"])
    last = m["last"] or m["wlast"]
    # "S01 S04", "S01 04": a multi-season pack without a dash.
    tail = re.match(r"[ ._]+s?(\d{1,2})(?![0-9a-z])", text[m.end():], re.IGNORECASE)
    if last is None and tail and int(tail[1]) > first and m["s"]:
        last = tail[1]
    seasons = tuple(range(first, int(last) + 1)) if last and int(last) > first else (first,)
    return [Shape(title_text(text[:m.start()]), "season", season=first, seasons=seasons,
                  pack=len(seasons) > 1)]


def _episode_words(text: str) -> list[Shape]:
    m = _EPISODE_WORD.search(text)
    if not m:
        return []
    first = int(m["e"] or m["e2"] or m["e3"])
    episodes = episode_range(first, [int(m["last"])] if m["last"] else [])
    head = text[:m.start()]
    season = None
    if s := list(_SEASON.finditer(head)):  # "Show Season 39 ep11", "Show S03 - EP14"
        season = int(s[-1]["s"] or s[-1]["w"])
        head = head[:s[-1].start()]
    return [Shape(title_text(head), "episode word", season=season, episodes=episodes)]


def _dates(text: str) -> list[Shape]:
    out = []
    for kind, pattern in _DATES:
        for m in pattern.finditer(text):
            for date in _date_values(kind, m):
                out.append(Shape(title_text(text[:m.start()]), "date", air_date=date))
    return out


def _date_values(kind: str, m: re.Match[str]) -> list[dt.date]:
    if kind == "named":
        month = _MONTHS.get(m["m"][:3].lower())
        pairs = [(month, int(m["b"]))] if month else []
    elif kind == "yymmdd":
        return _valid(2000 + int(m["y"]), [(int(m["a"]), int(m["b"]))])
    else:
        a, b = int(m["a"]), int(m["b"])
        # y.m.d or y.d.m; d.m.y or m.d.y: both where both are dates, and the library decides.
        pairs = [(a, b), (b, a)] if kind == "ymd" else [(b, a), (a, b)]
    return _valid(int(m["y"]), pairs)


def _valid(year: int, pairs) -> list[dt.date]:
    dates = []
    for month, day in pairs:
        try:
            date = dt.date(year, month, day)
        except (TypeError, ValueError):
            continue
        if 1920 <= year <= dt.date.today().year + 1 and date not in dates:
            dates.append(date)
    return dates


def _trailing_numbers(text: str) -> list[Shape]:
    """'Show.103.104.' is S01E03-E04, 'Show.10708.' S01E07-E08 (scene names of old)."""
    m = re.search(r"(?<=[a-z])[._](?P<n>\d{3,5})(?P<more>(?:[._]\d{3,4}(?![0-9p]))*)"
                  r"(?=[._-](?:\d{3,4}[pi]|[a-z])|$)", text, re.IGNORECASE)
    if not m or int(m["n"]) in (480, 576, 720, 1080, 2160):
        return []
    if re.search(r"(?i)(?:^|[^a-z])[hx]$", text[:m.start()]):
        return []  # "H.264", "x.265": a codec, not season 2 episode 64
    n = m["n"]
    if len(n) == 5:  # 10708: season 1, episodes 07 and 08
        season, episodes = int(n[0]), (int(n[1:3]), int(n[3:5]))
    else:
        season, episodes = int(n[:-2]), (int(n[-2:]),)
        for extra in re.findall(r"\d+", m["more"]):
            if int(extra[:-2]) == season:
                episodes += (int(extra[-2:]),)
    if not 1 <= season <= 50 or 1900 <= int(n) <= 2100 or 0 in episodes:
        return []
    head = text[:m.start()]
    return [Shape(title_text(head), "103", strong=False, season=season,
                  episodes=episode_range(episodes[0], list(episodes[1:])))]


def _part(text: str) -> list[Shape]:
    m = _PART.search(text)
    if not m:
        return []
    n = m["n"].lower()
    number = int(n) if n.isdigit() else _NUMBER_WORDS[n]
    if number < 1:
        return []
    return [Shape(title_text(text[:m.start()]), "Part 2", strong=False, part=number)]


def _anime(text: str) -> list[Shape]:
    """A bare episode number after the title, before the quality tags: anime numbering."""
    body = _GROUPS.sub("", text)
    quality = _QUALITY.search(body)
    region = body[:quality.start()] if quality else body
    found: list[tuple[bool, bool, Shape]] = []  # (sure it is an episode number, words follow, shape)
    season_marker = _SEASON.search(region)
    pos = season_marker.end() if season_marker else 0  # "Show 100: Bucket List S01": 100 is title
    while (m := _NUMBER.search(region, pos)) is not None:
        # A range's end is looked at again on its own: "Show 21 - 101" may be "Show 21", 101.
        pos = m.start("last") if m["last"] else m.end()
        head = region[:m.start()]
        first = int(m["e"])
        if (len(m["e"]) == 4 and 1900 <= first <= 2100 and not m["last"]) or not title_text(head) \
                or _SEASON_WORD.search(head):
            continue  # a year, nothing before it to be a title, or a season number
        title, season = _anime_title(head)
        if m["dec"] is not None:
            found.append((True, False, Shape(title, "anime special", strong=False, special=True)))
            continue
        chain = [int(n) for n in re.findall(r"\d+", m[0][len(m["e"]):])] if m["last"] else []
        absolute = episode_range(first, chain[-1:]) if chain == sorted(set(chain)) else ()
        if not absolute or (chain and chain[0] <= first):  # "Show 100 - 07": 100 is no range start
            absolute = (first,)
            pos = m.start() + len(m["e"])
        elif chain and not re.search(r"\s[-~]\s", m[0]):
            pos = m.end()  # "01-13": a range, its end no episode of its own
        # After a dash ("Title - 05"), zero-padded ("Title 01 - 119") or alone, it is the episode;
        # a number before a dashed one belongs to the title ("Show 100 - 07").
        sure = bool(re.search(r"(?:^|[\s_])[-–][\s_]*[(\[]?$", head)) or m["e"].startswith("0")
        # "Title - 100 Years Quest - 01": a number followed by more words is part of the title.
        worded = bool(re.match(r"[\s_.]*[^\W\d_]", region[m.end():]))
        found.append((sure, worded, Shape(title, "anime", strong=False, season=season, absolute=absolute)))
    if any(sure for sure, _, _ in found):
        found = [f for f in found if f[0]]
    if len(found) > 1:  # of several numbers, the last is the episode unless words follow it
        found = [f for f in found[:-1] if not f[1]] + found[-1:] if found[-1][0] else found[-1:]
    return [s for _, _, s in found[:4]]


def _anime_title(head: str) -> tuple[str | None, int | None]:
    """'Show (Season 2) - ' is 'Show' of season 2 (an 'S2' stays in the title: the matcher
    tries 'Show S2' as a title, as anime libraries often name a second season)."""
    m = re.search(r"(?i)[\s(\[]*(?:\(season\s?(\d{1,2})\)|season\s?(\d{1,2}))[)\]]?[\s_-]*$", head)
    if m:
        return title_text(head[:m.start()]), int(m[1] or m[2])
    return title_text(head), None


def _movie(text: str) -> list[Shape]:
    """A movie name: the title is what comes before its year (the last one before the
    quality tags: 'Blade.Runner.2049.2017.1080p'), or before the quality and release tags."""
    body = _GROUPS.sub("", text)
    lead = re.match(r"^\s*\((?P<y>(?:18|19|20)\d\d)\)\s*", body)  # "(1995) Movie Name"
    if lead:
        return [Shape(_movie_title(body[lead.end():]), "movie", year=int(lead["y"]))]
    stop = min((m.start() for m in (_QUALITY.search(body), _TAGS.search(body)) if m), default=len(body))
    years = [m for m in _YEAR.finditer(body) if _movie_title(body[:m.start()])]
    before = [m for m in years if m.start() < stop]
    year = before[-1] if before else (years[-1] if years else None)
    head, number = (body, None) if year is None else (body[:year.start()], int(year["y"]))
    # With and without the release tags: "The.Good.German.2006" is "The Good German", while
    # "Der.Movie.James.German.Bluray" is "Der Movie James"; the library tells them apart.
    titles = dict.fromkeys(t for t in (_movie_title(head), _movie_title(head, tags=False)) if t)
    return [Shape(t, "movie", year=number) for t in titles]


def _movie_title(text: str, tags: bool = True) -> str | None:
    ends = (_QUALITY.search(text), _TAGS.search(text)) if tags else (_QUALITY.search(text),)
    cut = [m.start() for m in ends if m]
    bracket = re.search(r"(?<=\S)\s*[\[{<]", text)
    if bracket:
        cut.append(bracket.start())
    title = title_text(text[:min(cut)] if cut else text)
    return re.sub(r"\s+v\d$", "", title) if title else None


def _brackets(text: str) -> list[Shape]:
    """Fansub names that put everything in brackets: [Group][Title][01][1080p]."""
    parts = [p for p in re.split(r"[\[\]【】]", text) if p.strip()]
    for i, part in enumerate(parts):
        m = _BRACKET_NUMBER.match(part)
        if not m or i == 0:
            continue
        first = int(m["e"])
        if 1900 <= first <= 2100 and not m["last"]:
            continue  # [2019][215]: a year, then the episode
        titles = [p for p in parts[:i] if not _BRACKET_NUMBER.match(p)]
        if not titles:
            return []
        absolute = episode_range(first, [int(m["last"])] if m["last"] else [])
        title = " / ".join(filter(None, (title_text(t) for t in titles)))
        return [Shape(title or None, "brackets", strong=False, absolute=absolute)]
    return []
