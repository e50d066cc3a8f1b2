"""Dates a file states in words at its top ("Published by X, April 22, 2026.", "Issued on …", a press release's
opening date line), and a yearless wire dateline's year from the article's own dated statements; a date in
the body, or a file's creation date, is not the article's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from index.dating import date_article, header_line, supplied
from index.loading import read_article
from tests.format_fixtures import make_pdf

BODY = (
    "The board approved the new treatment plant on Tuesday after a debate that lasted more than six hours, "
    "with 31 votes in favour and 12 against."
)


@pytest.mark.parametrize(
    ("line", "published", "outlet", "byline", "quote"),
    [
        (
            "Published by the Orlen Patients Society, April 22, 2026. Lead author: Dr Ann Brell.",
            date(2026, 4, 22),
            "Orlen Patients Society",
            "Dr Ann Brell",
            "Published by the Orlen Patients Society, April 22, 2026.",
        ),
        (
            "Published on 12 February 2026 by the Chamber of Small Traders",
            date(2026, 2, 12),
            "Chamber of Small Traders",
            None,
            "Published on 12 February 2026 by the Chamber of Small Traders",
        ),
        (
            "Released by the National Statistics Office on 27 February 2026.",
            date(2026, 2, 27),
            "National Statistics Office",
            None,
            "Released by the National Statistics Office on 27 February 2026.",
        ),
        ("Issued on 9 January 2026", date(2026, 1, 9), None, None, "Issued on 9 January 2026"),
        ("Dated 2 March 2026", date(2026, 3, 2), None, None, "Dated 2 March 2026"),
        ("Date of publication: 15 January 2026", date(2026, 1, 15), None, None, "Date of publication: 15 January 2026"),
        (
            "Posted on March 3, 2026 by Grete Olm",
            date(2026, 3, 3),
            None,
            "Grete Olm",
            "Posted on March 3, 2026 by Grete Olm",
        ),
        (
            "First published March 2, 2026; last updated March 3, 2026",
            date(2026, 3, 2),
            None,
            None,
            "First published March 2, 2026;",
        ),
        # a date line that opens with its date, then the credit and a section; a press release's label
        (
            "Monday 2 March 2026 | By Ann Lee | Local news",
            date(2026, 3, 2),
            None,
            "Ann Lee",
            "Monday 2 March 2026 | By Ann Lee | Local news",
        ),
        ("Press release | 3 March 2026", date(2026, 3, 3), None, None, "Press release | 3 March 2026"),
        # a publisher stated in full may be long
        (
            "Published by the Office of the Auditor General of Esterland, May 13, 2026.",
            date(2026, 5, 13),
            "Office of the Auditor General of Esterland",
            None,
            "Published by the Office of the Auditor General of Esterland, May 13, 2026.",
        ),
    ],
)
def test_a_publication_statement_under_the_title_dates_the_article(
    line: str, published: date, outlet: str | None, byline: str | None, quote: str
) -> None:
    text = f"Survey of patients waiting for treatment\n{line}\n{BODY}\n"
    got = header_line(text)
    assert (got.published, got.outlet, got.byline) == (published, outlet, byline)
    assert got.stated is not None and (got.stated.line, got.stated.quote) == (2, quote)
    assert text[got.stated.start_char :].startswith(quote)
    # the publisher named by the statement is cited at the same line
    assert (got.outlet_stated == got.stated) if outlet else got.outlet_stated is None


def test_a_press_release_opening_with_its_date_line() -> None:
    text = f"FOR IMMEDIATE RELEASE — 3 March 2026\n\nWater board approves new treatment plant\n\n{BODY}\n"
    got = date_article(text)
    assert (got.published, got.outlet, got.source) == (date(2026, 3, 3), None, "header")
    assert got.stated is not None and got.stated.line == 1


def test_a_headline_holding_a_date_is_still_the_title() -> None:
    text = f"Storm of March 3, 2026 floods the valley\n\n{BODY}\n"
    assert date_article(text).published is None


@pytest.mark.parametrize(
    "text",
    [
        # the sentence of the brief, further down the body
        "Ministry plan draws criticism\n\n"
        "The government's plan to merge the regional hospitals has drawn criticism from doctors and patients' "
        "groups, who say it will lengthen journeys.\n\n"
        "Doctors said the change would hit rural areas hardest, where the nearest emergency unit is far away.\n\n"
        "The plan was published by the ministry on May 2, 2024, after two years of consultation.\n"
        "Published by the Ministry of Health on May 2, 2024.\n",
        # at the top, but a sentence going on after its date, or naming no publisher
        "Ministry plan draws criticism\n"
        "Published by the Ministry of Health on May 2, 2024, the plan would merge the regional hospitals.\n",
        "Ministry plan draws criticism\nPublished by the ministry on May 2, 2024, after two years of consultation.\n",
    ],
)
def test_a_sentence_saying_when_something_was_published_is_not_the_articles_date(text: str) -> None:
    assert date_article(text).published is None


def test_a_source_line_is_cited_through_date_article() -> None:
    text = f"Board approves plant\n\nBy Henrike Dass\nOctober 5, 2026\nSource: Veltby Evening Post\n\n{BODY}\n"
    got = date_article(text)
    assert got.outlet == "Veltby Evening Post"
    assert got.outlet_stated is not None and got.outlet_stated.line == 5


def _wire(dateline: str, body: str) -> str:
    return f"Ferry operator cuts winter services\n\n{dateline} (Northwire) - {body}\n"


@pytest.mark.parametrize(
    ("dateline", "body", "published"),
    [
        ("HALMSTEAD, March 3", "It raised fares on February 27, 2026, and cut services on Tuesday.", date(2026, 3, 3)),
        ("HALMSTEAD, Jan 3", "The strike began on December 28, 2025, and ended on Friday.", date(2026, 1, 3)),
        ("HALMSTEAD, March 3", "Fares rose in February 2026, the operator said.", date(2026, 3, 3)),
        # the latest full date is the dateline's own day: the same day, not a year later
        ("HALMSTEAD, March 3", "Services were cut on March 3, 2026, and on January 5, 2026.", date(2026, 3, 3)),
        # the latest statement wins over older ones; the dateline comes on or after it
        ("HALMSTEAD, March 3", "Fares rose on May 1, 2024 and on November 20, 2025.", date(2026, 3, 3)),
        # bare years are history as often as the present: no year from them
        ("HALMSTEAD, March 3", "It is the first cut since 2004, under a 2024 law.", None),
        ("HALMSTEAD, March 3", "The operator cut its winter timetable by a third this week.", None),
    ],
)
def test_a_yearless_dateline_takes_its_year_from_the_articles_own_dates(
    dateline: str, body: str, published: date | None
) -> None:
    text = _wire(dateline, body)
    got = date_article(text)
    assert got.published == published
    if published:
        assert got.source == "header" and got.stated is not None
        assert (got.stated.line, got.stated.quote) == (3, f"{dateline} (Northwire)")
        assert got.outlet == "Northwire"


def test_a_yearless_dateline_is_never_dated_after_today_nor_by_a_plan_the_text_states() -> None:
    today = date(2026, 12, 1)
    comet = _wire("HESSING, Aug. 11", "The comet will pass closest to the sun on March 14, 2027, astronomers said.")
    assert date_article(comet, today=today).published is None  # 2027-08-11 would be after today
    planned = _wire("HESSING, Aug. 11", "It was found on August 4, 2026 and will pass closest on March 14, 2027.")
    assert date_article(planned, today=today).published == date(2026, 8, 11)
    late = _wire("HESSING, Dec. 20", "The club signed him on November 30, 2026.")
    assert date_article(late, today=today).published is None  # not after today, not before what it reports


def test_a_supplied_date_still_gives_a_yearless_dateline_its_year() -> None:
    text = _wire("HALMSTEAD, March 3", "It raised fares on February 27, 2026.")
    assert date_article(text, given=supplied("2024-03-02", None)).published == date(2024, 3, 3)


def test_a_pdf_report_is_dated_by_its_statement_and_not_by_its_creation_date(tmp_path: Path) -> None:
    first = (
        "Published by the Orlen Patients Society, April 22, 2026. Lead author: Dr Ann Brell. The survey was "
        "run by the society's volunteers in the clinics of the northern district."
    )
    make_pdf(tmp_path / "report.pdf", [f"The Cost of Waiting\n\n{first}\n\n{BODY}"], title="The Cost of Waiting")
    make_pdf(tmp_path / "undated.pdf", [f"The Cost of Waiting\n\n{BODY}"], title="The Cost of Waiting")
    report = read_article(tmp_path / "report.pdf", tmp_path, 10**7)
    assert (report.published, report.outlet, report.date_source) == (
        "2026-04-22", "Orlen Patients Society", "header",
    )  # fmt: skip
    stated = report.date_stated
    assert stated is not None and stated.quote == "Published by the Orlen Patients Society, April 22, 2026."
    assert report.text.splitlines()[stated.line - 1].startswith(stated.quote)
    assert report.outlet_stated == stated
    # fpdf2 writes today as the file's /CreationDate: the day a file was made, not the day it was published
    from pypdf import PdfReader

    assert PdfReader(tmp_path / "undated.pdf").metadata.creation_date is not None
    undated = read_article(tmp_path / "undated.pdf", tmp_path, 10**7)
    assert (undated.published, undated.date_source) == (None, "none")


@pytest.mark.parametrize(
    ("lines", "outlet", "quote"),
    [
        (
            "Published by the Orlen Patients Society, April\n22, 2026. Lead author: Dr Ann Brell.",
            "Orlen Patients Society",
            "Published by the Orlen Patients Society, April\n22, 2026.",
        ),
        (
            "Published by the Orlen Patients\nSociety on 22 April 2026",
            "Orlen Patients Society",
            "Published by the Orlen Patients\nSociety on 22 April 2026",
        ),
        ("Published by the Orlen Patients Society, April\n22, 2026, the report found that most waited.", None, None),
    ],
)
def test_a_statement_the_layout_wrapped_onto_the_next_line(lines: str, outlet: str | None, quote: str | None) -> None:
    text = f"The Cost of Waiting\n{lines}\n\n{BODY}\n"
    got = header_line(text)
    assert got.outlet == outlet
    if quote is None:
        assert got.published is None
        return
    assert got.published == date(2026, 4, 22) and got.stated is not None
    assert (got.stated.line, got.stated.quote) == (2, quote)
    assert text[got.stated.start_char : got.stated.start_char + len(quote)] == quote


@pytest.mark.parametrize(
    ("lines", "byline"),
    [
        ("Published by the Orlen Patients Society, April 22, 2026. Lead author: Dr Ann Brell.", "Dr Ann Brell"),
        ("Authors: Ann Lee and Bo Chan\nDate of publication: 15 January 2026", "Ann Lee and Bo Chan"),
        ("Date of publication: 15 January 2026\nWritten by: Ann Lee", "Ann Lee"),
        ("Date of publication: 15 January 2026\nAuthor: the press office", None),
    ],
)
def test_a_labelled_author_field_in_the_header_is_the_byline(lines: str, byline: str | None) -> None:
    got = date_article(f"The Cost of Waiting\n{lines}\n\n{BODY}\n")
    assert got.published is not None and got.byline == byline


def test_a_markdown_story_whose_title_is_in_its_front_matter_is_dated_by_its_wire_dateline(tmp_path: Path) -> None:
    head = "---\ntitle: Rovers win the cup on penalties\nauthor: Petra Ilg\n{date}---\n\n"
    body = (
        "VARNOS, March 5 (Northwire) - Fenwick Rovers won the cup on Thursday, a week after their semi-final "
        "on February 26, 2026, beating the holders 5-4 on penalties.\n"
    )
    (tmp_path / "cup.md").write_text(head.format(date="") + body, encoding="utf-8")
    (tmp_path / "dated.md").write_text(head.format(date="date: 2026-03-05\n") + body, encoding="utf-8")
    cup = read_article(tmp_path / "cup.md", tmp_path, 10**7)
    assert (cup.published, cup.outlet, cup.date_source) == ("2026-03-05", "Northwire", "header")
    assert cup.date_stated is not None and (cup.date_stated.line, cup.date_stated.quote) == (
        6, "VARNOS, March 5 (Northwire)",
    )  # fmt: skip
    # the same day in the front matter, written with its year, stays the line cited
    dated = read_article(tmp_path / "dated.md", tmp_path, 10**7)
    assert (dated.published, dated.date_source) == ("2026-03-05", "front_matter")
    assert dated.date_stated is not None and dated.date_stated.quote == "date: 2026-03-05"


def test_a_place_and_a_date_on_a_line_of_their_own_name_no_outlet() -> None:
    got = header_line("Comet splits\n\nKestrava, November 12, 2026\n\nThe comet broke into three pieces.\n")
    assert (got.published, got.outlet) == (date(2026, 11, 12), None)
    piped = header_line("Comet splits\nNorthwire | November 12, 2026\nThe comet broke into three pieces.\n")
    assert (piped.published, piped.outlet) == (date(2026, 11, 12), "Northwire")


def test_a_weekday_does_not_place_a_yearless_dateline() -> None:
    # "on Monday" may be the dateline's day or the day before: each reading gives another year, so none is taken.
    text = _wire("PORT ARLEN, March 3", "Official results showed on Monday that the Front had won 34 percent.")
    assert date_article(text, today=date(2026, 12, 1)).published is None
