"""The words Mydia writes into media_files: resolution, codec, audio_codec, hdr_format and the
quality `source` of its metadata.

The tool reads names with guessit, which has its own words ("H.264" for x264, "Dolby Digital
Plus", "Dolby Vision"). Mydia reads and scores release names with its own parsers
(lib/mydia/indexers/quality_parser.ex; file_analyzer.ex for what it probes; file_parser_v2.ex),
and its renamer puts `source` back into file names, so the rows this tool writes use Mydia's
words. The tables below are written from those parsers' facts: which spelling in a name gives
which value, and which value wins when a name holds several. What the user sees (identify,
history, --json) keeps the tool's own words.
"""

from __future__ import annotations

import re

from mydia_import.models import Release


def _words(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Whole words of a release name only: "ts" inside "Nights" is no Telesync.
    return tuple((value, re.compile(rf"(?i)(?<![a-z0-9])(?:{pattern})(?![a-z0-9])")) for value, pattern in pairs)


# In Mydia's order of precedence: the first that a name holds is the value.
_CODECS = _words(("x265", r"x\.?265|hevc"), ("x264", r"x\.?264"), ("H.265", r"h\.?265"),
                 ("H.264", r"h\.?264|avc"), ("XviD", "xvid"), ("DivX", "divx"), ("VP9", "vp9"), ("AV1", "av1"))
_AUDIO = _words(("Atmos", "atmos"), ("TrueHD", "truehd"), ("DTS-HD", r"dts[-. ]?hd(?:[-. ]?ma)?"),
                ("DTS", r"dts(?:[-. ]?x)?"), ("DD+", r"ddp(?:\d[. ]?\d)?|e-?ac-?3|dd\+"),
                ("AC3", r"ac-?3|dd(?:\d[. ]?\d)?"), ("AAC", r"aac(?:-?lc)?(?:\d[. ]?\d)?"),
                ("MP3", "mp3"), ("FLAC", "flac"), ("Opus", "opus"), ("Vorbis", "vorbis"))
_HDR = _words(("HDR10+", r"hdr10\+|hdr10plus"), ("Dolby Vision", r"dolby[-. ]?vision|dovi|dv"),
              ("HDR10", "hdr10"), ("HDR", "hdr"))

# The tool's words (guessit's, through identify/parse.py) for what a name does not spell out.
_CODEC_OF = {"H.264": "H.264", "H.265": "H.265", "Xvid": "XviD", "DivX": "DivX", "VP9": "VP9", "AV1": "AV1"}
_AUDIO_OF = {"Dolby Atmos": "Atmos", "Dolby TrueHD": "TrueHD", "DTS-HD": "DTS-HD", "DTS:X": "DTS", "DTS": "DTS",
             "Dolby Digital Plus": "DD+", "Dolby Digital": "AC3", "AAC": "AAC", "MP3": "MP3", "FLAC": "FLAC",
             "Opus": "Opus", "Vorbis": "Vorbis"}
_HDR_OF = {"DV": "Dolby Vision", "Dolby Vision": "Dolby Vision", "HDR10": "HDR10", "HDR10+": "HDR10+", "HDR": "HDR"}
# Quality sources: the tool's ranking words (plan/quality.py) -> Mydia's quality_parser words. Words
# Mydia has no value for (VHS, Workprint, HD-DVD) stay as the tool spells them.
SOURCES = {"Remux": "REMUX", "BluRay": "BluRay", "BluRayRip": "BluRay", "WEB-DL": "WEB-DL", "WEBRip": "WEBRip",
           "HDTV": "HDTV", "SDTV": "SDTV", "SD": "SDTV", "DVDRip": "DVDRip", "DVD": "DVD",
           "TELECINE": "Telecine", "TELESYNC": "Telesync", "CAM": "CAM", "Screener": "Screener", "PDTV": "PDTV"}
# Mydia names 2160p "4K" or "UHD" in names as 2160p; the others are the tool's words already.
_RESOLUTIONS = {"4k": "2160p", "uhd": "2160p", "8k": "4320p"}


def _first(name: str, table: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    return next((value for value, pattern in table if pattern.search(name)), None)


def _spaced(name: str) -> str:
    # Dots and underscores separate words in release names; "H.264", "DD+5.1" keep theirs.
    return re.sub(r"[_ ]+", " ", name)


def resolution(word: str | None) -> str | None:
    if not word:
        return None
    return _RESOLUTIONS.get(word.lower(), word.lower() if re.fullmatch(r"\d{3,4}[pPiI]", word) else word)


def source(word: str | None) -> str | None:
    return SOURCES.get(word, word) if word else None


def codec(release: Release) -> str | None:
    return _first(_spaced(release.name), _CODECS) or _mapped(release.video_codec, _CODEC_OF)


def audio(release: Release) -> str | None:
    return _first(_spaced(release.name), _AUDIO) or _mapped(release.audio_codec, _AUDIO_OF)


def hdr(release: Release) -> str | None:
    if release.hdr_format is None and not re.search(r"(?i)hdr|dolby|dovi", release.name):
        return None  # "DV" alone in a name is often no Dolby Vision: trust guessit's silence
    return _first(_spaced(release.name), _HDR) or _mapped(release.hdr_format, _HDR_OF)


def _mapped(word: str | None, table: dict[str, str]) -> str | None:
    return table.get(word, word) if word else None


def columns(release: Release) -> dict[str, str | None]:
    """The media_files quality columns of a release, in Mydia's words."""
    return {"resolution": resolution(release.resolution), "codec": codec(release),
            "audio_codec": audio(release), "hdr_format": hdr(release)}
