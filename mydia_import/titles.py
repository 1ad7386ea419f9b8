"""The one definition of "the same title".

Release names and library titles differ in case, accents, punctuation, `&`
versus `and`, leading articles and spacing; `normalize_title` maps all of those
to one key, so "The.Office.US", "Office (US)" and "the office us" compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ARTICLES = ("the ", "a ", "an ")
# Apostrophes join their word ("Grey's" -> "greys"); other punctuation separates.
_APOSTROPHES = re.compile(r"['’`´]")
# Any letter or digit of any script is a word character: "進撃の巨人" keeps its letters.
_NON_WORD = re.compile(r"[\W_]+")


# Letters Unicode does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans({"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                            "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
                            "þ": "th", "Þ": "TH", "ı": "i"})


def fold(text: str) -> str:
    """Lower case, accents removed, compatibility characters unified."""
    if text.isascii():  # most names: nothing to decompose, translate or remove
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def normalize_title(title: str) -> str:
    """A matching key: 'The Amélie & Co.' -> 'amelieandco'.

    The key has no spaces: release names write "Grey's" as "Greys" but "d'Amélie" as
    "d.Amelie", and "S.H.I.E.L.D." as "S.H.I.E.L.D" or "SHIELD"; only the letters agree.
    """
    text = fold(title).replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text).strip()
    for article in _ARTICLES:
        if text.startswith(article) and len(text) > len(article):
            text = text[len(article):]
            break
    return text.replace(" ", "")


def spelled(title: str) -> str:
    """A finer key than normalize_title: the article stays ("The Show" is not "Show")."""
    return _NON_WORD.sub("", _APOSTROPHES.sub("", fold(title).replace("&", "and")))


@dataclass(frozen=True)
class Variant:
    """A title to look up for a name, and what of the name it takes up."""

    text: str
    key: str
    takes_season: bool = False  # "Show S2" names a show whose title holds the season
    takes_year: bool = False  # "Show 2010" as a library title
    loose: bool = False  # a loose key (loose_key): tried only when no exact key finds an item


# "Title AKA Other Title", "Title a.k.a. Other", "Title (aka Other)".
_AKA = re.compile(r"\s*\(?\s*\b(?:aka|a\s?\.?\s?k\s?\.?\s?a)\b\.?\s+", re.IGNORECASE)
_STAMP = re.compile(r"^\d{6}\s+")  # "221208 Show": a recording date before the title
_PIECES = re.compile(r"\s*(?:[/|·★]|\s_\s|[\[\]【】（）])\s*")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9 '!?:.,&-]*[A-Za-z0-9!?]")
_SEASON_ZERO = re.compile(r"(?i)\bS0(\d)$")  # "Show S02"


def title_variants(title: str, country: str | None = None, year: int | None = None,
                   season: int | None = None) -> list[Variant]:
    """The titles a name's title may stand for in the library, each with its key.

    The title itself; with its country ("The Office" + US -> "The Office US") or year
    ("Doctor Who 2005"); with its season marker ("Show S2", the way anime titles carry
    it); each side of "AKA"; the pieces of a title that names a show twice
    ("進撃の巨人 / Attack on Titan"); without a leading recording date.
    """
    pieces = [title]
    if _AKA.search(title):
        pieces += [p.strip(" -_.~～！!") for p in _AKA.split(title.rstrip(")"))]
    pieces += [p.strip(" -_.~～") for p in _PIECES.split(title)]
    if not title.isascii():
        pieces += [run.strip() for run in _LATIN_RUN.findall(title)]
    if _STAMP.match(title):
        pieces.append(_STAMP.sub("", title))
    texts: list[tuple[str, bool, bool]] = []
    for piece in dict.fromkeys(p for p in pieces if p):
        texts.append((piece, False, False))
        if _SEASON_ZERO.search(piece):  # "Show S02" as the library's "Show S2"
            texts.append((_SEASON_ZERO.sub(r"S\1", piece), False, False))
        if country and not piece.upper().endswith(country.upper()):
            texts.append((f"{piece} {country}", False, False))
        if year is not None:
            texts.append((f"{piece} {year}", False, True))
        if season is not None:
            texts += [(f"{piece} S{season}", True, False), (f"{piece} S{season:02d}", True, False),
                      (f"{piece} Season {season}", True, False)]
    variants: dict[str, Variant] = {}
    for text, takes_season, takes_year in texts:
        # The exact key first; the loose one ("Fast Furious" for "Fast & Furious") after it.
        # A name's own "and" stays: "Movie.and.Movie" is not the library's "Movie Movie".
        for key, loose in ((normalize_title(text), False), (loose_key(text, drop_and=False), True)):
            if key and key not in variants:
                variants[key] = Variant(text, key, takes_season, takes_year, loose)
    return list(variants.values())


# Roman numerals that are not also common words or letters ("I", "V", "X", "Mix"): Sonarr
# and Mydia read "Rocky II" as "Rocky 2". A first word is never one ("XX", "IX" as titles).
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
          "xi": "11", "xii": "12", "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16",
          "xvii": "17", "xviii": "18", "xix": "19"}


def loose_key(title: str, drop_and: bool = True) -> str:
    """A coarser key than normalize_title, the one Sonarr matches with: "and" and "&"
    dropped ("Fast & Furious" is released as "Fast.Furious"), Roman numerals after the
    first word as digits. Equal loose keys are a candidate, never a certainty: matching
    keeps its year and ambiguity checks."""
    text = _NON_WORD.sub(" ", _APOSTROPHES.sub("", fold(title).replace("&", " and "))).split()
    for article in _ARTICLES:
        if len(text) > 1 and text[0] == article.strip():
            text = text[1:]
            break
    words = [text[0]] + [_ROMAN.get(w, w) for w in text[1:]] if text else []
    kept = [w for w in words if not (drop_and and w == "and")] or words
    return "".join(kept)
