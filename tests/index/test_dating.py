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
        # A byline set in Markdown italics or bold; the date after its dash is no outlet.
        ("# Dam Opens\n\n*By Ann Lee — March 4, 2026*\n\nBody.", date(2026, 3, 4), None, "Ann Lee"),
        ("# Dam Opens\n\n**Northwire | 2026-03-04**\n\nBody.", date(2026, 3, 4), "Northwire", None),
        ("# Dam Opens\n\n_By Ann Lee — March 4_\n\nBody.", None, None, "Ann Lee"),
        # A wire lead a layout wrapped is no title: its dateline dates it.
        (
            "HALVERN, Oct 12, 2025 (Nordwire) - Insurers said on Monday they had received\n"
            "1,100 claims from the storm, up from 400 a week earlier.\n\nMore text.\n",
            date(2025, 10, 12),
            "Nordwire",
            None,
        ),
        # A byline's job title is no outlet; a wire's credit at its foot names the author.
        ("Hack\n\nBy Ann Lee, Health Editor\nMarch 3, 2026\n\nBody text here.\n", date(2026, 3, 3), None, "Ann Lee"),
        # A paper's name and a full date under a byline: the outlet (a place and a date name none).
        (
            "Dam engineer testifies\n\nBy Ingrid Salo\nHarrowby Gazette, November 12, 2026\n\nThe engineer spoke.\n",
            date(2026, 11, 12),
            "Harrowby Gazette",
            "Ingrid Salo",
        ),
        # A lead that opens with a time is no credit.
        ("Gala Returns\n\nBy March 1, the gala had sold 12,000 tickets, organisers said.\n", None, None, None),
        ("Rescue\n\nBy Friday evening, rescuers had reached the trapped crew.\n", None, None, None),
        # ... but a reporter may be named after a month or a time of day.
        ("Dam\n\nBy April Ryan\n\nThe dam opened.\n", None, None, "April Ryan"),
        ("Dam\n\nBy Dawn Foster | Northwire\n\nThe dam opened.\n", None, "Northwire", "Dawn Foster"),
        # An outlet on the line under the credit; a job title or a place there names none.
        (
            "Dam\n\nBy Ann Lee\nValley Wire Service\n\nMarch 3, 2026\n\nBody.\n",
            date(2026, 3, 3),
            "Valley Wire Service",
            "Ann Lee",
        ),
        ("Dam\n\nBy Ann Lee\nStaff Writer\n\nMarch 3, 2026\n\nBody.\n", date(2026, 3, 3), None, "Ann Lee"),
        ("Dam\n\nBy Ann Lee\nEast Halvern\n\nMarch 3, 2026\n\nBody.\n", date(2026, 3, 3), None, "Ann Lee"),
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


@pytest.mark.parametrize(
    ("line", "published", "outlet", "byline"),
    [
        ("By Jane Roe | March 3, 2024", date(2024, 3, 3), None, "Jane Roe"),
        ("By Jane Roe, staff writer, Valley Courier | March 3, 2024", date(2024, 3, 3), "Valley Courier", "Jane Roe"),
        ("Updated 10:42 AM EST, Tue May 7, 2024", date(2024, 5, 7), None, None),
        ("Published: 2024-03-02", date(2024, 3, 2), None, None),
        ("Posted on Friday, 12 April 2024 at 9.30 a.m.", date(2024, 4, 12), None, None),
        (
            "Story by Jane Roe | Photos by Al Poe, Valley Courier | Jan. 5, 2023",
            date(2023, 1, 5),
            "Valley Courier",
            None,
        ),
        ("Riverton Gazette (gazette.example) · 2023-11-30T08:15:00Z", date(2023, 11, 30), "gazette.example", None),
    ],
)
def test_real_datelines_in_several_formats(line: str, published: date, outlet: str | None, byline: str | None) -> None:
    got = header_line(f"Dam Opens\n{line}\n\nThe dam opened to traffic after years of delays and disputes.\n")
    assert (got.published, got.outlet, got.byline, got.source) == (published, outlet, byline, "header")
    assert got.stated is not None and (got.stated.line, got.stated.quote) == (2, line)


def test_a_wire_dateline_heads_the_first_paragraph() -> None:
    text = "Dam Opens\n\nPARIS, June 2, 2024 (Wire) - The minister opened the dam on Sunday, officials said.\n"
    got = header_line(text)
    assert (got.published, got.outlet, got.source) == (date(2024, 6, 2), "Wire", "header")
    assert got.stated is not None and got.stated.quote == "PARIS, June 2, 2024 (Wire)"
    assert text[got.stated.start_char : got.stated.start_char + len(got.stated.quote)] == got.stated.quote


@pytest.mark.parametrize(
    ("front_date", "dateline", "expected"),
    [
        ("2024-06-03", "PARIS, June 2 (Wire) -", date(2024, 6, 2)),
        ("2025-01-01", "OSLO, Dec. 31 (Wire) —", date(2024, 12, 31)),  # the year nearest the other source's date
    ],
)
def test_a_wire_dateline_without_a_year_takes_it_from_the_next_source(
    front_date: str, dateline: str, expected: date
) -> None:
    body = f"Dam Opens\n\n{dateline} The minister opened the dam this week, officials said.\n"
    got = date_article(f"---\ndate: {front_date}\n---\n{body}")
    assert (got.published, got.outlet, got.source) == (expected, "Wire", "header")
    assert date_article(body).published is None  # no year and no weekday anywhere: no date


# Lines near the top that mention a date without being a dateline: each article must keep its front-matter date.
NOT_DATELINES = [
    "Dam Opens\nNorthwire —\nA crowd gathers at the dam in Riverton on Sunday, July 17, 2022. Jo Poe/Northwire\n",
    "Dam Opens\nThe record flow at the dam is 41 metres a second, set on July 17, 2008, according to the agency.\n",
    'Dam Opens\nValley Courier\n"Effective July 5, 2022, your permit will be required on the dam road."\n',
    "Dam Opens\nJo Poe, chief engineer\nBorn: November 14, 1948\n",
    "Dam Opens\nThe report was written by Ann Lee on June 3, 2022.\n",
    "Dam Opens\nThe dam opened on Tuesday after a decade of planning and delays.\n"
    "Engineers said the reservoir would take two years to fill completely.\nTuesday, July 21, 2020\n",
    "Dam Opens\nThe dam opened on Tuesday after a decade of planning and delays.\n"
    "Readers shared their views on the new reservoir all through the week.\n"
    "River Lives Matter — Jo (@jo) October 3, 2022\n",
    "Dam Opens\nWire\nJune 23\n1917 — The first dam on the river was finished.\n",
]


@pytest.mark.parametrize("body", NOT_DATELINES)
def test_a_sentence_or_a_later_line_with_a_date_is_not_a_dateline(body: str) -> None:
    assert header_line(body).published is None
    got = date_article(f"---\ndate: 2021-01-01\nsource: Front\n---\n{body}")
    assert (got.published, got.outlet, got.source) == (date(2021, 1, 1), "Front", "front_matter")


def test_one_standfirst_may_come_before_the_dateline() -> None:
    text = "Dam Opens\nThe river dam opened to traffic on Friday after years of delays.\nBy Ann Lee | June 3, 2022\n"
    assert header_line(text).published == date(2022, 6, 3)


def test_an_unpunctuated_headline_in_sentence_case_is_not_prose() -> None:
    """A saved page repeats its headline (sentence case, no full stop) above the byline and date."""
    headline = "River dam opens to traffic after a decade of planning and delays"
    text = f"Skip to content\n\n{headline}\n\n{headline}\nBy Ann Lee\nMay 3, 2024 1:13 AM\n\nThe dam opened.\n"
    got = header_line(text)
    assert (got.published, got.byline) == (date(2024, 5, 3), "Ann Lee")


def test_where_the_date_is_stated(tmp_path: Path) -> None:
    got = date_article("---\ntitle: Dam\ndate: 2021-05-04\n---\nDam Opens\nNorthwire | 2022-06-03\n\nBody.")
    assert got.stated is not None and (got.stated.line, got.stated.quote) == (6, "Northwire | 2022-06-03")
    raw = "---\ntitle: Dam Opens\nauthor: Ann Lee\ndate: 2021-05-04\nsource: Valley Courier\n---\n# Dam\n\nIt opened.\n"
    assert front_matter(raw).stated == front_matter(raw).stated is not None
    (tmp_path / "b.md").write_text(raw, encoding="utf-8")
    article = read_article(tmp_path / "b.md", tmp_path, 10_000_000)
    assert article.date_source == "front_matter" and article.date_stated is not None
    stated = article.date_stated
    assert (stated.line, stated.quote) == (4, "date: 2021-05-04")
    assert raw.splitlines()[stated.line - 1] == stated.quote
    assert raw[stated.start_char : stated.start_char + len(stated.quote)] == stated.quote
    assert article.text.splitlines()[stated.line - 1] == ""  # the front matter is not text: blanked in place


def test_a_source_line_under_the_date_names_the_outlet_and_is_where_it_is_stated() -> None:
    text = (
        "Harbour Party wins the Veltby election\n\nBy Henrike Dass\nOctober 5, 2026\nSource: Veltby Evening Post\n\n"
        "The Harbour Party won the Veltby regional election on Sunday with 31.4 percent of the vote.\n"
    )
    found = header_line(text)
    assert found.published == date(2026, 10, 5) and found.byline == "Henrike Dass"
    assert found.outlet == "Veltby Evening Post"
    assert found.outlet_stated is not None and found.outlet_stated.line == 5
    assert text[found.outlet_stated.start_char :].startswith("Source: Veltby Evening Post")


def test_a_wire_credit_at_the_foot_names_the_author_when_the_head_names_none() -> None:
    text = "Storm claims rise\n\nHALVERN, Oct 12, 2025 (Nordwire) - Insurers had 1,100 claims.\n\n"
    assert (
        date_article(text + "(Reporting by Ann Lee and Bo Chan; Editing by Cy Dunn)\n").byline == "Ann Lee and Bo Chan"
    )
    assert date_article(text).byline is None
