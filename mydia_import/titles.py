"""The one definition of "the same title".

Release names and library titles differ in case, accents, punctuation, `&`
versus `and`, leading articles and spacing; `normalize_title` maps all of those
to one key, so "The.Office.US", "Office (US)" and "the office us" compare equal.
"""

from __future__ import annotations

import re
import unicodedata

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
