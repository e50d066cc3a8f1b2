"""Who a byline credits, and which articles credit a person asked for by name (invented names)."""

from __future__ import annotations

import pytest

from rag.bylines import credited, credited_people
from rag.models import ArticleHeader


@pytest.mark.parametrize(
    ("byline", "people"),
    [
        ("By Ana Ruiz and Tom Bell", ["Ana Ruiz", "Tom Bell"]),
        ("Ana Ruiz, Tom Bell & Li Wei", ["Ana Ruiz", "Tom Bell", "Li Wei"]),
        ("Ana Ruiz in Lisbon", ["Ana Ruiz"]),
        ("Ana Ruiz, staff writer", ["Ana Ruiz"]),
        ("BY ANA DE SOUZA", ["ANA DE SOUZA"]),
        (None, []),
    ],
)
def test_a_byline_credits_each_person_it_names(byline: str | None, people: list[str]) -> None:
    assert credited_people(byline) == people


def _header(path: str, byline: str | None, published: str | None = None) -> ArticleHeader:
    return ArticleHeader(path=path, file=path, title=path.upper(), byline=byline, published=published)


HEADERS = [
    _header("a.txt", "By Inês Carvalho", "2024-01-05"),
    _header("b.md", "Ana Ruiz and Ines Carvalho", "2024-06-01"),
    _header("c.txt", "Ana Ruiz", None),
    _header("d.txt", "Tom Bellamy", "2024-02-01"),
    _header("e.txt", None, "2024-03-01"),
    _header("f.txt", "Rui Carvalho", "2023-01-01"),
]


def test_a_full_name_finds_every_article_crediting_it_newest_first_accents_and_case_aside() -> None:
    found = credited("ines CARVALHO", HEADERS)
    assert [a.path for a in found.articles] == ["b.md", "a.txt"]
    assert not found.ambiguous


def test_a_surname_alone_works_when_one_person_has_it_and_a_word_must_match_whole() -> None:
    found = credited("Ruiz", HEADERS)
    assert [a.path for a in found.articles] == ["b.md", "c.txt"]  # undated last
    assert found.people == ["Ana Ruiz"]
    assert credited("Bell", HEADERS).articles == []  # "Bellamy" is another name


def test_a_surname_two_people_share_is_ambiguous() -> None:
    found = credited("Carvalho", HEADERS)
    assert found.ambiguous and set(found.people) == {"Inês Carvalho", "Rui Carvalho"}


def test_a_title_before_the_name_is_not_part_of_it() -> None:
    assert [a.path for a in credited("Ms Ruiz", HEADERS).articles] == ["b.md", "c.txt"]
