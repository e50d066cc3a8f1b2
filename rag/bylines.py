"""Who an article's byline credits, and the indexed articles that credit a person.

A byline may credit several people ("By Ana Ruiz and Tom Bell", "Ana Ruiz, Tom Bell & Li Wei"): each is a
person of their own. A person asked for by name is credited when every word of the asked name is a word of
one credited person's name, case and accents aside, so a surname alone finds them; when it fits two different
people, the question is ambiguous and no list is given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from pydantic import BaseModel

from rag.models import ArticleHeader
from rag.questions import NAME_PARTICLES

# Separators between the people of one byline, and the word that opens one: general English.
_BETWEEN = re.compile(r"\s*(?:,|;|&|\band\b|\bwith\b|\|)\s*", re.I)
_BY = re.compile(r"^\W*by\b\s*", re.I)
# Titles before a name ("Ms Carvalho"): they are not part of what a byline writes.
_HONORIFICS = frozenset("mr mrs ms miss mx dr prof sir dame".split())


def fold(text: str) -> str:
    """``text`` lower-cased without accents, so "Inês" matches "Ines"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def name_words(name: str) -> frozenset[str]:
    """The words of a name in matching form, without titles."""
    return frozenset(w for w in re.findall(r"[\w'’-]+", fold(name)) if w.strip(".") not in _HONORIFICS)


def credited_people(byline: str | None) -> list[str]:
    """The people a byline credits, as written: "By Ana Ruiz and Tom Bell" -> ["Ana Ruiz", "Tom Bell"]. Words
    after a name that are not part of it ("Ana Ruiz in Lisbon", "staff writer") are dropped."""
    people: list[str] = []
    for part in _BETWEEN.split(_BY.sub("", byline or "")):
        kept: list[str] = []
        for token in part.split():
            if not (token[:1].isupper() or (kept and token in NAME_PARTICLES)):
                break
            kept.append(token)
        while kept and kept[-1] in NAME_PARTICLES:
            kept.pop()
        if kept:
            people.append(" ".join(kept).strip(" .,"))
    return people


class Credits(BaseModel):
    """The people a name fits and the articles crediting them, newest first (undated ones last)."""

    people: list[str]
    articles: list[ArticleHeader]

    @property
    def ambiguous(self) -> bool:
        return len(self.people) > 1


def credited(name: str, headers: Sequence[ArticleHeader]) -> Credits:
    """The articles among ``headers`` whose byline credits the person ``name`` names."""
    asked = name_words(name)
    people: dict[frozenset[str], str] = {}
    articles: list[ArticleHeader] = []
    for header in headers:
        fits = [p for p in credited_people(header.byline) if asked and asked <= name_words(p)]
        for person in fits:
            people.setdefault(name_words(person), person)
        if fits:
            articles.append(header)
    return Credits(people=list(people.values()), articles=newest_first(articles))


def newest_first(articles: Sequence[ArticleHeader]) -> list[ArticleHeader]:
    dated = sorted((a for a in articles if a.published), key=lambda a: (a.published, a.path), reverse=True)
    return dated + sorted((a for a in articles if not a.published), key=lambda a: a.path)
