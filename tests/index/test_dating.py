"""An article's date and outlet from each source (byline line, HTML meta, front matter), in trust order;
a file that states no date has none (never its mtime)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from index.dating import Dating, date_article, front_matter, header_line, html_meta
from index.loading import read_article


@pytest.mark.parametrize(
    ("text", "published", "outlet", "byline"),
    [
        ("Dam Opens\nNorthwire | 2022-06-03\n\nBody.", date(2022, 6, 3), "Northwire", None),
        ("Dam Opens\nexample-news.com | 2020-03-16\n\nBody.", date(2020, 3, 16), "example-news.com", None),
        (
            "Dam Opens\nBy Ann Lee, Valley Courier — June 3, 2022\n\nBody.",
            date(2022, 6, 3),
            "Valley Courier",
            "Ann Lee",
        ),
        ("Dam Opens\nBy Ann Lee\nUpdated 3 June 2022 10:15 GMT\n\nBody.", date(2022, 6, 3), None, "Ann Lee"),
        ("Dam Opens\nBy Ann Lee, Northwire\nJune 3, 2022\n\nBody.", date(2022, 6, 3), "Northwire", "Ann Lee"),
        ("Dam Opens\n\nThe dam opened. Nobody said when.\n", None, None, None),
    ],
)
def test_header_line(text: str, published: date | None, outlet: str | None, byline: str | None) -> None:
    got = header_line(text)
    assert (got.published, got.outlet, got.byline) == (published, outlet, byline)
    assert got.source == ("header" if published else "none")


def test_a_date_deep_in_the_body_is_not_a_header() -> None:
    body = "Dam Opens\n\n" + "\n".join(f"Paragraph {i} about the dam." for i in range(12)) + "\nJune 3, 2022\n"
    assert header_line(body).published is None


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2022-06-03T08:00:00Z">',
        '<meta itemprop="datePublished" content="2022-06-03">',
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2022-06-03T08:00:00Z",'
        ' "publisher": {"name": "Valley Courier"}}</script>',
    ],
)
def test_html_meta(head: str) -> None:
    html = (
        f'<html><head>{head}<meta property="og:site_name" content="Valley Courier"></head><body><p>x</p></body></html>'
    )
    got = html_meta(html)
    assert (got.published, got.outlet, got.source) == (date(2022, 6, 3), "Valley Courier", "html_meta")


def test_html_time_element() -> None:
    got = html_meta('<html><body><time datetime="2021-11-30">Nov 30</time><p>x</p></body></html>')
    assert got.published == date(2021, 11, 30)


def test_front_matter() -> None:
    got = front_matter("---\ntitle: Dam Opens\ndate: 2021-05-04\nsource: Valley Courier\nauthor: Ann Lee\n---\n# Dam\n")
    assert (got.published, got.outlet, got.byline, got.source) == (
        date(2021, 5, 4), "Valley Courier", "Ann Lee", "front_matter",
    )  # fmt: skip
    assert front_matter("# No front matter\n\ndate: 2021-05-04\n").published is None


def test_trust_order() -> None:
    text = "---\ndate: 2021-01-01\nsource: Front\n---\nDam Opens\nNorthwire | 2022-06-03\n\nBody."
    html = '<html><head><meta property="article:published_time" content="2020-02-02"></head></html>'
    assert date_article(text, html=html).published == date(2022, 6, 3)  # header line first
    assert date_article("Dam Opens\n\nBody.", html=html).published == date(2020, 2, 2)  # then HTML meta
    md = "---\ndate: 2021-01-01\nsource: Front\n---\nDam Opens\n\nBody."
    assert date_article(md, html=html).published == date(2020, 2, 2)  # meta before front matter
    got = date_article(md)
    assert (got.published, got.outlet, got.source) == (date(2021, 1, 1), "Front", "front_matter")
    supplied = Dating(published=date(2019, 9, 9), outlet="Bench", source="supplied")
    assert date_article("Dam Opens\n\nBody.", given=supplied).published == date(2019, 9, 9)  # last resort


def test_loader_dates_each_format_and_never_uses_mtime(tmp_path: Path) -> None:
    files = {
        "a.txt": "Dam Opens\nNorthwire | 2022-06-03\n\nThe dam opened.\n",
        "b.md": "---\ndate: 2021-05-04\nsource: Valley Courier\n---\n# Bridge\n\nThe bridge closed.\n",
        "c.html": '<html><head><title>Fair</title><meta property="article:published_time" content="2020-02-02">'
        "</head><body><p>The fair began.</p></body></html>",
        "d.txt": "Undated\n\nNothing says when this happened.\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    os.utime(tmp_path / "d.txt", (1_600_000_000, 1_600_000_000))
    got = {name: read_article(tmp_path / name, tmp_path, 10_000_000) for name in files}
    assert [(got[n].published, got[n].date_source) for n in files] == [
        ("2022-06-03", "header"), ("2021-05-04", "front_matter"), ("2020-02-02", "html_meta"), (None, "none"),
    ]  # fmt: skip
    assert got["a.txt"].outlet == "Northwire" and got["b.md"].outlet == "Valley Courier"
