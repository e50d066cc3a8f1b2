"""A yearless wire dateline whose text states no year takes its year from the folder's dated articles (marked
"inferred"), so `--as-of` and "the latest" see it; a described date line under a press release's title dates it;
a file that opens with its credit keeps its byline and takes its title from the headline after the header."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from index.dating import date_article, described_date, header_line, year_from_folder
from index.loading import date_yearless, load_corpus, read_article
from rag.models import DATE_INFERRED, DateWindow
from rag.settings import CorpusSettings
from tests.conftest import write_corpus

TODAY = date(2026, 12, 1)


def _front(day: str, title: str, body: str) -> str:
    return f"---\ndate: {day}\nsource: Harbour Ledger\n---\n{title}\n\n{body}\n"


def _wire(place: str, month_day: str, title: str, body: str) -> str:
    return f"{title}\n\n{place}, {month_day} (Tidewire) - {body}\n"


FERRY = {
    "ferry-strike.md": _front("2025-12-18", "Ferry crews vote to strike", "Crews of the Orlen ferry voted to strike."),
    "ferry-talks.md": _front("2026-01-09", "Ferry talks resume", "Talks between the crews and the operator resumed."),
    "ferry-deal.md": _front("2026-01-21", "Ferry deal reached", "The crews and the operator agreed a new contract."),
    # Neither wire states a year: one filed in December, one in January.
    "wire-walkout.txt": _wire(
        "VARDEN", "December 29", "Ferries halted", "Ferries to Orlen island stopped on Monday as crews walked out."
    ),
    "wire-return.txt": _wire(
        "VARDEN", "January 14", "Ferries sail again", "Ferries to Orlen island sailed again on Wednesday."
    ),
}


def test_the_folder_median_picks_the_nearest_year_and_never_one_after_today() -> None:
    dates = [date(2025, 12, 18), date(2026, 1, 9), date(2026, 1, 21)]
    assert year_from_folder((12, 29), dates, TODAY) == date(2025, 12, 29)
    assert year_from_folder((1, 14), dates, TODAY) == date(2026, 1, 14)
    # A folder of November articles: "December 20" would be 2026-12-20, after today, so a year earlier.
    november = [date(2026, 11, 2), date(2026, 11, 20)]
    assert year_from_folder((12, 20), november, TODAY) == date(2025, 12, 20)
    assert year_from_folder((3, 1), [], TODAY) is None
    assert year_from_folder((2, 29), [date(2024, 3, 3)], TODAY) == date(2024, 2, 29)


def test_yearless_wires_are_dated_from_their_folder_and_say_so(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", FERRY)
    one = read_article(root / "wire-walkout.txt", root, 10**6)
    assert one.published is None and one.month_day == (12, 29)  # alone, the file gives no year
    articles, _ = load_corpus(root, CorpusSettings())
    by_path = {a.rel_path: a for a in articles}
    walkout, back = by_path["wire-walkout.txt"], by_path["wire-return.txt"]
    assert (walkout.published, walkout.date_source) == ("2025-12-29", DATE_INFERRED)
    assert (back.published, back.date_source) == ("2026-01-14", DATE_INFERRED)
    assert walkout.date_stated is not None and walkout.date_stated.quote == "VARDEN, December 29 (Tidewire)"
    assert walkout.date_stated.line == 3
    assert walkout.text.startswith(walkout.date_stated.quote, walkout.date_stated.start_char)
    assert by_path["ferry-talks.md"].date_source == "front_matter"


def test_a_wire_whose_text_states_a_year_keeps_that_reading_and_a_folder_without_dates_leaves_it_undated(
    tmp_path: Path,
) -> None:
    said = "Fares rose after the rise of February 20, 2024, the operator said."
    stated = _wire("VARDEN", "March 2", "Ferry fares", said)
    root = write_corpus(tmp_path / "c", {**FERRY, "wire-fares.txt": stated})
    by_path = {a.rel_path: a for a in load_corpus(root, CorpusSettings())[0]}
    assert (by_path["wire-fares.txt"].published, by_path["wire-fares.txt"].date_source) == ("2024-03-02", "header")

    alone = write_corpus(tmp_path / "wires", {k: v for k, v in FERRY.items() if k.startswith("wire")})
    assert all(a.published is None for a in load_corpus(alone, CorpusSettings())[0])


def test_the_wires_own_subfolder_is_preferred_and_inferred_dates_date_no_other(tmp_path: Path) -> None:
    articles = {
        **{f"2025/{k}": v for k, v in FERRY.items() if k.endswith(".md")},
        "2021/storm.md": _front("2021-08-02", "Storm closes port", "A storm closed the port."),
        "2021/wire-storm.txt": _wire("VARDEN", "August 5", "Port reopens", "The port reopened after the storm."),
    }
    root = write_corpus(tmp_path / "c", articles)
    by_path = {a.rel_path: a for a in load_corpus(root, CorpusSettings())[0]}
    assert by_path["2021/wire-storm.txt"].published == "2021-08-05"
    # An inferred article is not a dated one: a lone wire in a folder of undated wires uses the corpus's dates.
    lone = [read_article(p, root, 10**6) for p in sorted(root.rglob("*.txt"))]
    lone[0].date_source = DATE_INFERRED
    lone[0].published = "2030-01-01"
    date_yearless(lone, today=TODAY)
    assert lone[0].published == "2030-01-01"


def test_an_inferred_wire_is_hidden_before_its_day_and_kept_when_its_file_is_indexed_alone(
    tmp_path: Path, assistant_for
) -> None:
    root = write_corpus(tmp_path / "c", FERRY)
    a = assistant_for(root)
    summary = a.index()
    assert summary.undated == []
    sources = {s.path: s for s in a.sources()}
    assert (sources["wire-return.txt"].published, sources["wire-return.txt"].date_source) == ("2026-01-14", "inferred")
    before = a.search("ferries Orlen island sailed again", k=5, window=DateWindow(as_of=date(2026, 1, 10)))
    assert "wire-return.txt" not in {h.path for h in before}
    after = a.search("ferries Orlen island sailed again", k=5, window=DateWindow(as_of=date(2026, 1, 20)))
    assert after[0].path == "wire-return.txt"

    (root / "wire-return.txt").write_text(FERRY["wire-return.txt"].replace("sailed again", "sailed at dawn"))
    summary = a.index()
    assert summary.updated == ["wire-return.txt"]
    again = {s.path: s for s in a.sources()}["wire-return.txt"]
    assert (again.published, again.date_source) == ("2026-01-14", "inferred")


PRESS = (
    "Bank of Velmora - Press Release\n"
    "Rate Setting Council decision, 12 February 2026\n"
    "The Rate Setting Council of the Bank of Velmora today decided to raise the policy rate to 4.25 percent.\n"
)


def test_a_described_date_line_under_the_title_dates_a_press_release() -> None:
    found = date_article(PRESS)
    assert found.published == date(2026, 2, 12) and found.outlet is None and found.source == "header"
    assert found.stated is not None and found.stated.quote == "Rate Setting Council decision, 12 February 2026"
    assert described_date("Statement on the Halden Dam, 8 October 2026.") == date(2026, 10, 8)


def test_a_described_date_is_only_a_header_line_before_the_prose() -> None:
    # Seven words before the date: no header line, a sentence's tail.
    assert described_date("The council met again in the harbour hall, 12 February 2026") is None
    assert described_date("decision, 12 February 2026") is None  # no capitalised phrase: a broken line
    # After the first paragraph of prose, such a line is the body's (a caption, a list of documents).
    body = (
        "Bank of Velmora - Press Release\n\n"
        "The Rate Setting Council of the Bank of Velmora today decided to raise the policy rate to 4.25 percent.\n\n"
        "Council meeting minutes, 12 February 2026\n"
    )
    assert date_article(body).published is None


CREDIT_FIRST = (
    "By Mirela Stoyan\n"
    "Varden Gazette, November 12, 2026\n\n"
    "# Ferry captain says the gates were opened early\n\n"
    "The captain of the Orlen ferry told the inquiry on Wednesday that the gates were opened at 19:10.\n"
)


def test_a_file_that_opens_with_its_credit_keeps_the_byline_and_takes_the_headline_as_title(tmp_path: Path) -> None:
    assert header_line(CREDIT_FIRST).byline == "Mirela Stoyan"
    root = write_corpus(tmp_path / "c", {"hearing.md": CREDIT_FIRST})
    article = read_article(root / "hearing.md", root, 10**6)
    assert article.title == "Ferry captain says the gates were opened early"
    assert article.byline == "Mirela Stoyan" and article.published == "2026-11-12"
    # A headline that reads like a credit, over its story's first paragraph, stays the title.
    story = "By Land and Sea\n\nHundreds of families reached the island by boat and on foot over the weekend.\n"
    root = write_corpus(tmp_path / "h", {"h.md": story})
    article = read_article(root / "h.md", root, 10**6)
    assert article.title == "By Land and Sea" and article.byline is None
