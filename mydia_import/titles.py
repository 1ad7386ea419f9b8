"""The one definition of "the same title".

Release names and library titles differ in case, accents, punctuation, `&`
versus `and` and leading articles; `normalize_title` maps all of those to one
key, so "The.Office.US", "Office (US)" and "the office us" compare equal.
"""

from __future__ import annotations

import re
import unicodedata

_ARTICLES = ("the ", "a ", "an ")
# Apostrophes join their word ("Grey's" -> "greys"); other punctuation separates.
_APOSTROPHES = re.compile(r"['’`´]")
# Any letter or digit of any script is a word character: "進撃の巨人" keeps its letters.
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, accents removed, compatibility characters unified."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def normalize_title(title: str) -> str:
    """A matching key: 'The Amélie & Co.' -> 'amelie and co'."""
    text = fold(title).replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text).strip()
    for article in _ARTICLES:
        if text.startswith(article) and len(text) > len(article):
            text = text[len(article):]
            break
    return text
