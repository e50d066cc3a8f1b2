"""An article's publication date and outlet, from the most trustworthy place that states them.

Trust order: the header or byline line of the text itself ("Northwire | June 3, 2022", "By Ann Lee, 3 June 2022",
"Published by the Arthritis Society, April 22, 2026."), then HTML meta (``article:published_time``,
``datePublished``, ``<time datetime>``), then Markdown/YAML front matter (``date:``, ``published:``), then a value
supplied with the file (such as a benchmark's ``published_at``). A file that states no date has none: the file's
mtime is never used, because a copied or re-saved file would then claim to be news of the day it was copied. A
PDF's ``/CreationDate`` is not used either, for the same reason: it is the day the file was written (an exported or
re-generated report carries the day of the export), and nothing tells it apart from the day of publication.
A wire dateline without a year ("PARIS, March 3 (Wire) -") takes its year from the next source with a date, else
from the dated years its text states; never a day after today. The weekday its lead names does not place it: wires
report "on Monday" for the dateline's day or the day before, and each reading gives another year. When its
text states no year either, the year is inferred from the other dated articles of its folder
(``year_from_folder``, applied by ``index.loading.load_corpus``, which reads the whole folder); the date's source
then says so ("inferred").
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from statistics import median_low

from index.formats import front_matter_fields
from rag.dates import DATE_IN_TEXT_RE, parse_date
from rag.text import CALENDAR_WORDS

HEADER_LINES = 8
_MAX_HEADER_LEN = 160
_STANDFIRST = 1  # paragraphs of prose that may come before the dateline (a standfirst under the headline)
_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_BY_RE = re.compile(rf"\bBy\s+({_NAME}(?:\s+and\s+{_NAME})?)")
# A credit: "By Ann Lee", "Story by Ann Lee", "Photos and video by Ann Lee and Bo Chan".
_CREDIT_RE = re.compile(rf"(?:\b[A-Z][\w’'-]*(?:\s+[a-z][\w’'-]*){{0,2}}\s+)?\b[Bb]y\s+{_NAME}(?:\s+and\s+{_NAME})?")
_SEPARATORS = re.compile(r"\s*(?:[|·•–—,;]|\s-\s|--)\s*")
# A wire dateline opens the first paragraph: "PARIS, June 2 (Wire) - The minister said ...".
_WIRE_DASH = re.compile(r"\s(?:-|–|—|--)\s")
_STAMP_WORDS = re.compile(
    r"\b(?:for immediate release|(?:press|news|media) release|first published|last updated|last modified|"
    r"published|updated|posted|modified|issued|released|dated|date|on|at|[ap]\.m\.|am|pm)(?![\w.])\.?",
    re.I,
)
_ZONE_RE = re.compile(r"\b(?:[A-Z]{1,4}T|UTC|GMT)\b(?:[+-]\d{1,2}(?::?\d{2})?)?")
_TIME_RE = re.compile(r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?", re.I)
_WEEKDAY_BEFORE = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s*\Z")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_MONTH_DAY_RE = re.compile(
    rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)|\b\d{{1,2}}\s+{_MONTH}\b\.?(?!\s*,?\s*\d)"
)
_PARENS = re.compile(r"\(([^()]{1,60})\)")
_DOMAIN_RE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.I)
_WORD = re.compile(r"[^\W_][\w.'’&-]*")
_FRONT_RE = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.S)
_DATE_KEYS = ("published", "published_at", "date", "datepublished", "pubdate", "created")
_OUTLET_KEYS = ("source", "outlet", "publisher", "site", "site_name", "publication")


@dataclass(frozen=True)
class Stated:
    """Where a date is written: the 1-based line, its text as written, and the offset where that text starts
    (in the article's text for a dateline, in the file's decoded text for front matter, which the article's
    text leaves blank)."""

    line: int
    quote: str
    start_char: int


@dataclass
class Dating:
    """The normalised result: ISO date (or None), outlet, author, which source said so, and where."""

    published: date | None = None
    outlet: str | None = None
    byline: str | None = None
    source: str = "none"
    stated: Stated | None = None
    month_day: tuple[int, int] | None = None  # a dateline without a year ("PARIS, June 2 (Wire) -")
    outlet_stated: Stated | None = None  # a "Source: X" header line the outlet was read from

    @property
    def iso(self) -> str | None:
        return self.published.isoformat() if self.published else None


def _name_like(part: str, most: int = 5) -> bool:
    """A name (outlet, place, person) as a dateline writes it: a domain, or up to ``most`` words that are
    capitalised apart from short joining words inside ("Voice of the People")."""
    if _DOMAIN_RE.match(part):
        return True
    words = part.split()
    if not 1 <= len(words) <= most:
        return False
    inner = words[1:-1]
    return all(w[:1].isupper() or w[:1].isdigit() for w in (words[0], words[-1])) and all(
        w[:1].isupper() or w[:1].isdigit() or (w.isalpha() and w.islower() and len(w) <= 3) for w in inner
    )


# The words a newspaper's or agency's name ends with ("Marrowby Gazette, November 12, 2026" names the paper, where
# "Kestrava, November 12, 2026" names a place). General English.
_MASTHEAD_WORDS = frozenset(
    "gazette times herald news post journal tribune courier chronicle telegraph express mail observer standard "
    "record daily weekly wire press mirror star guardian independent examiner inquirer register bulletin "
    "dispatch ledger sentinel monitor advertiser argus echo gleaner mercury leader service agency network "
    "radio".split()
)
# A byline's job title ("By Ann Lee, Health Editor", "Staff Writer"): no outlet. General English.
_JOB_WORDS = frozenset(
    "editor writer correspondent reporter columnist contributor producer photographer journalist staff "
    "critic analyst".split()
)


def _masthead(line: str) -> bool:
    """A line that is a newspaper's or agency's name ("Valley Wire Service", "The Dunmore Courier")."""
    words = line.rstrip(".").split()
    return 1 < len(words) <= 5 and _name_like(line.rstrip(".")) and words[-1].lower() in _MASTHEAD_WORDS


def _outlet_from(parts: list[str]) -> str | None:
    for part in parts:
        if _DOMAIN_RE.match(part):
            return part.lower()
    return next((p for p in parts if len(p.split()) <= 4 and p.split()[-1].lower() not in _JOB_WORDS), None)


@dataclass
class _Dateline:
    published: date | None
    month_day: tuple[int, int] | None
    outlet: str | None
    byline: str | None


def _date_span(text: str, yearless: bool) -> tuple[int, int, date | None, tuple[int, int] | None] | None:
    """The date in a candidate dateline (widened to a weekday written before it): a full date, else (when
    ``yearless``) a day and month without a year."""
    m = DATE_IN_TEXT_RE.search(text)
    day = parse_date(m.group(0)) if m else None
    if m and day:
        start, end, month_day = m.start(), m.end(), None
    elif not yearless:
        return None
    else:
        m = _MONTH_DAY_RE.search(text)
        md = parse_date(f"{m.group(0).rstrip('.')} 2000") if m else None
        if md is None:
            return None
        start, end, month_day = m.start(), m.end(), (md.month, md.day)
    weekday = _WEEKDAY_BEFORE.search(text[:start])
    return (weekday.start() if weekday else start), end, day, month_day


_PLACE_COMMA = re.compile(r"\s*[^|·•–—,;()]+,\s*")


def dateline(text: str, wire: bool = False) -> _Dateline | None:
    """``text`` as a dateline, or None when it is not one. A dateline is essentially a date: once the date,
    a time and zone, stamp labels ("Updated"), credits ("By Ann Lee", "Photos by …") and parenthesised names
    are taken out, every part left between separators is a short name (an outlet, a place), or, on a line that
    opens with a credit, a short description ("By Ann Lee, staff writer"). A sentence that
    mentions a date ("… set on July 17, 2008, according to …") leaves words that are not names, and a
    labelled field of another kind ("Born: …") leaves its label. A ``wire`` dateline (the head of a
    paragraph, "PARIS, June 2 (Wire) -") may leave out the year, as the convention is, and its first name is
    the place, not the outlet; a line of its own must give the year (a bare "June 23" under a headline is as
    often the day a column is about as the day it was published)."""
    found = _date_span(text, yearless=wire)
    if found is None:
        return None
    start, end, day, month_day = found
    # A second date on the line is another stamp ("First published March 2, 2026; last updated March 3, 2026").
    rest = DATE_IN_TEXT_RE.sub(" | ", f"{text[:start]} | {text[end:]}")
    byline = None
    credits = list(_CREDIT_RE.finditer(rest))
    for credit in credits:
        by = _BY_RE.match(credit.group(0))
        if by and byline is None:
            byline = by.group(1)
    # A line that opens with a credit (after its date, if the date comes first) is a byline: short descriptions
    # may follow the names ("staff writer", a section "Local news").
    opens_with_credit = bool(credits) and not _SEPARATORS.sub("", rest[: credits[0].start()]).strip()
    rest = _CREDIT_RE.sub(" | ", rest)
    bracketed = [p.strip() for p in _PARENS.findall(rest)]
    if any(not _name_like(p) for p in bracketed):
        return None
    rest = _PARENS.sub(" | ", rest)
    rest = _STAMP_WORDS.sub(" ", _ZONE_RE.sub(" | ", _TIME_RE.sub(" | ", rest)))
    parts = []
    for raw in _SEPARATORS.split(rest):
        if raw.strip().endswith(":") and _WORD.search(raw):
            return None  # a field of another kind ("Born: …")
        part = raw.strip(" .:()[]")
        if part:
            parts.append(part)
    described = [p for p in parts if not _name_like(p)]
    if described and not (opens_with_credit and all(len(p.split()) <= 4 for p in described)):
        return None
    parts = [p for p in parts if _name_like(p)]
    if wire and parts and not bracketed:
        parts = parts[1:]
    outlet = next((p for p in bracketed if _name_like(p)), None) or _outlet_from(parts)
    if (
        not wire
        and not credits
        and not bracketed
        and _PLACE_COMMA.fullmatch(text[:start])
        and not text[end:].strip(" .")
        and not (outlet and outlet.split()[-1].lower() in _MASTHEAD_WORDS)
    ):
        outlet = None  # "Kestrava, November 12, 2026": a print dateline's place, not an outlet ("Wire | date" is one)
    return _Dateline(day, month_day, outlet, byline)


# A statement of publication opening a header line: "Published by the Arthritis Society, April 22, 2026.",
# "Published on 12 February 2026 by the Chamber of Traders", "Issued on 9 January 2026", "Date of publication: …".
_STATEMENT_HEAD = re.compile(
    r"(?:(?:first|originally|last)\s+)?(?P<verb>published|issued|released|posted|updated|dated|written)\b"
    r"|date\s+of\s+(?:publication|issue|release)\b|(?:publication|release|issue)\s+date\b",
    re.I,
)
_CAPITALISED = r"[A-Z][\w.'’&-]*"
_PUBLISHER = rf"(?:the\s+)?(?P<{{}}>{_CAPITALISED}(?:\s+(?:(?:of|and|for|the|&)\s+)*{_CAPITALISED}){{{{0,5}}}})"
_STATED_DATE = re.compile(
    rf"\s*:?\s*(?:[Bb]y\s+{_PUBLISHER.format('before')}\s*(?:,|\bon\b|\bin\b|[-–—|])?\s*)?(?:on\s+)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s*)?"
    rf"(?P<date>{DATE_IN_TEXT_RE.pattern})"
)
_AFTER_DATE = re.compile(
    rf"(?:\s*,?\s*(?:at\s+)?(?i:{_TIME_RE.pattern})(?:\s*{_ZONE_RE.pattern})?)?"
    rf"(?:\s*,?\s+[Bb]y\s+{_PUBLISHER.format('after')})?\s*(?:[.;](?=\s|\Z)|\Z)"
)
_CREDITS_AUTHOR = ("posted", "written")  # "Posted by Ann Lee": a person; "Published by X": the publisher


@dataclass(frozen=True)
class _Statement:
    published: date
    quote: str
    outlet: str | None
    byline: str | None


# A publisher stated in full may be long: "the Office of the Auditor General of Esterland".
_PUBLISHER_WORDS = 10


def publication_statement(line: str) -> _Statement | None:
    """``line`` opening with a statement of when (and by whom) it was published, as a report, press release or
    blog writes it: the publication verb or label, the date, and at most a time and the publisher ("by …",
    capitalised: "by the ministry" is no name), ending the sentence or the line. The publisher of a
    "published/issued/released by" is the outlet, of a "posted/written by" the author. The quote is the
    statement alone ("Published by X, April 22, 2026."), not what the line goes on to say."""
    head = _STATEMENT_HEAD.match(line)
    if head is None:
        return None
    before = _STATED_DATE.match(line, head.end())
    day = parse_date(before.group("date")) if before else None
    if before is None or day is None:
        return None
    after = _AFTER_DATE.match(line, before.end())
    if after is None:
        return None
    name = before.group("before") or after.group("after")
    if name and not _name_like(name, most=_PUBLISHER_WORDS):
        return None
    author = (head.group("verb") or "").lower() in _CREDITS_AUTHOR
    return _Statement(day, line[: after.end()].rstrip(), None if author else name, name if author else None)


def _statement_at(text: str, at: int, line: str) -> _Statement | None:
    """The publication statement opening ``line`` (which starts at ``at`` in ``text``), also when the layout
    wrapped it onto the next line (a PDF's narrow column: "Published by the Arthritis Society, April" / "22,
    2026."); the quote is then the text as written, line break included."""
    found = publication_statement(line)
    if found is not None or not _STATEMENT_HEAD.match(line):
        return found
    m = re.compile(rf"{re.escape(line)}[ \t]*\n[ \t]*([^\n]+)").match(text, at)
    joined = publication_statement(f"{line} {m.group(1).strip()}") if m else None
    if joined is None or len(joined.quote) <= len(line):
        return None
    written = text[at : m.start(1) + len(joined.quote) - len(line) - 1]
    return replace(joined, quote=written) if " ".join(written.split()) == " ".join(joined.quote.split()) else None


# A line that is only a credit: "By Ingrid Salo", "*By Ann Lee and Bo Chan*".
_CREDIT_LINE = re.compile(rf"By\s+({_NAME}(?:\s+and\s+{_NAME})?)\.?")


def credit_line(line: str) -> str | None:
    """The names of a line that is a credit and nothing else ("By Ingrid Salo"), else None."""
    found = _CREDIT_LINE.fullmatch(_unemphasised(line.strip()))
    return found.group(1) if found else None


def title_after_credit(lines: list[str]) -> int | None:
    """For a file whose first line (of the non-blank ``lines``) is a credit, the index of its title: the first
    line after the header lines of credits and dates, when it is a headline rather than prose. None when the
    first line is no credit, or no headline follows (a title that reads like a credit, "By Land and Sea", over
    its story's first paragraph stays the title)."""
    if not lines or not credit_line(lines[0]):
        return None
    for n, line in enumerate(lines[1 : HEADER_LINES + 1], start=1):
        if credit_line(line) or is_date_line(line):
            continue
        return None if _is_prose(line) else n
    return None


# "Monetary Policy Committee decision, 12 February 2026": a short description of the document and its date.
_DESCRIBED_WORDS = 6
_DESCRIBED_DATE = re.compile(
    rf"(?P<phrase>[A-Z][^,;:|()\[\]]*?)\s*,\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s*)?"
    rf"(?P<date>{DATE_IN_TEXT_RE.pattern})\.?"
)


def described_date(line: str) -> date | None:
    """The date of a header line that says what the document is and when, as a press release or statement
    under its title writes it: "<a phrase of at most six words>, <full date with the year>" and nothing else.
    Only a header line counts (the caller's concern): in the body, such a line would be any sentence's tail."""
    found = _DESCRIBED_DATE.fullmatch(line.strip())
    if found is None or len(found.group("phrase").split()) > _DESCRIBED_WORDS:
        return None
    return parse_date(found.group("date"))


def is_date_line(line: str) -> bool:
    """A header line that dates the article: a dateline with its year, a statement of publication, or a
    described date ("Monetary Policy Committee decision, 12 February 2026")."""
    line = _unemphasised(line.strip())
    if len(line) > _MAX_HEADER_LEN:
        return False
    found = dateline(line)
    return bool(found and found.published) or publication_statement(line) is not None or bool(described_date(line))


def _lead_paragraph(line: str, text: str, offset: int) -> str:
    """The first line, or the whole paragraph it opens when it opens with a wire dateline and a layout wrapped it
    ("HALVERN, Oct 12 (Nordwire) - Insurers said they had received" / "1,100 claims …"): a wrapped lead is no
    title, which its first line alone cannot show."""
    if not _WIRE_DASH.search(line[: _MAX_HEADER_LEN // 2 + 5]) or _is_prose(line) or not text[offset:].strip():
        return line
    rest = text[offset:].split("\n\n", 1)[0] if not text[offset:].lstrip(" \t").startswith("\n") else ""
    return " ".join([line, *rest.split()])


def _not_a_title(line: str) -> bool:
    """The first line is no title when it is a full date with at most stamp words around it ("FOR IMMEDIATE
    RELEASE — 3 March 2026": no name or other words, so no headline that happens to hold a date), a credit
    ("By Ingrid Salo" over the headline: ``title_after_credit``), or a paragraph opening with a wire dateline (a
    Markdown file whose title is in its front matter)."""
    found = dateline(line) if len(line) <= _MAX_HEADER_LEN else None
    if found and found.published and found.outlet is None and found.byline is None:
        return True
    wire = _WIRE_DASH.search(line)
    if not wire or wire.start() > _MAX_HEADER_LEN // 2 or not _is_prose(line):
        return False
    found = dateline(line[: wire.start()], wire=True)
    return bool(found and (found.published or found.month_day))


# A whole line set in Markdown emphasis: "*By Ann Lee — March 4, 2026*", "**Northwire | 2026-03-04**".
_EMPHASIS = re.compile(r"([*_]{1,3})(\S(?:.*\S)?)\1")


def _unemphasised(line: str) -> str:
    """The line without the Markdown emphasis around all of it (a byline set in italics is still a byline)."""
    found = _EMPHASIS.fullmatch(line)
    return found.group(2) if found else line


_CALENDAR = (
    CALENDAR_WORDS
    | {m.lower() for m in calendar.month_abbr if m}
    | {"noon", "midnight", "dawn", "dusk", "then", "now", "late", "early", "mid"}
)


def _a_time(name: str, rest: str) -> bool:
    """Whether "By <name>" opens a time, not a credit: a lone calendar word a day number, a comma or a lower-case
    word follows ("By March 1,", "By Friday evening"); "By April Ryan", "By Dawn Foster" credit people."""
    return len(name.split()) == 1 and name.lower() in _CALENDAR and bool(re.match(r"\s*(?:\d|,|[a-z])", rest))


def _is_prose(line: str) -> bool:
    """A paragraph of running text: sentences (many words, a good share of them lower-case, ending as a
    sentence ends), where a headline, a byline or a dateline is mostly names and figures, or stops unpunctuated."""
    words = _WORD.findall(line)
    return (
        len(words) >= 8
        and sum(w[:1].islower() for w in words) * 3 >= len(words)
        and line.rstrip().endswith((".", "!", "?", "…", '"', "”", "’", ")"))
    )


def header_line(text: str) -> Dating:
    """The dateline at the top of the article: its date, and the outlet and author written beside it.

    It is looked for in the first lines after the title, before the body's prose begins (one paragraph of
    standfirst may come first): a date later in the text, even alone on its line, dates something else (a
    section of a live blog, an embedded post). ``stated`` says where it is."""
    byline = by_outlet = None
    keyed: Stated | None = None  # a "Source: Veltmark Evening Post" line among the header lines
    dated: Dating | None = None
    offset = seen = prose = 0
    by_seen = -1  # the header line "By …" was read from
    credit_first = title_after_credit([_unemphasised(line.strip()) for line in text.split("\n") if line.strip()])
    for line_no, raw in enumerate(text.split("\n"), start=1):
        line_start = offset
        offset += len(raw) + 1
        line = _unemphasised(raw.strip())
        if not line:
            continue
        seen += 1
        if seen > HEADER_LINES + 1:
            break
        at = line_start + raw.index(line)
        statement = _statement_at(text, at, line) if dated is None else None
        if statement is not None:
            dated = Dating(
                published=statement.published,
                outlet=statement.outlet or by_outlet,
                byline=statement.byline or byline,
                source="header",
                stated=Stated(line_no, statement.quote, at),
            )
            if statement.outlet:
                dated.outlet_stated = dated.stated
            rest = "" if "\n" in statement.quote else line[len(statement.quote) :]  # "Lead author: Ann Brell."
            dated.byline = dated.byline or _author_field(rest)
            continue
        lead = _lead_paragraph(line, text, offset) if seen == 1 else line
        if seen == 1 and text[offset:].strip() and not _not_a_title(lead) and credit_first is None:
            continue  # the title (unless the text opens with its date, as a press release does, or its credit)
        if credit_first is not None and seen == credit_first + 1:
            continue  # the title under a credit that opens the file
        if seen == by_seen + 1 and by_outlet is None and dated is None and _masthead(line):
            by_outlet = line  # "By Ann Lee" / "Valley Wire Service": the outlet on the line under the credit
            continue
        key = _KEYED_OUTLET.match(line)
        if key and keyed is None:
            keyed = Stated(line_no, line, at)
            continue
        author = _author_field(line)
        if author:
            byline = byline or author
            if dated is not None:
                dated.byline = dated.byline or author
            continue
        if dated is not None:
            if _is_prose(line):
                break
            continue
        wire = _WIRE_DASH.search(line)
        candidates = [(line, False)] if len(line) <= _MAX_HEADER_LEN else []
        if wire and wire.start() <= _MAX_HEADER_LEN // 2:
            candidates.append((line[: wire.start()], True))
        for candidate, is_wire in candidates:
            found = dateline(candidate, wire=is_wire)
            if found and (found.published or found.month_day):
                dated = Dating(
                    published=found.published,
                    outlet=found.outlet or by_outlet,
                    byline=found.byline or byline,
                    source="header" if found.published else "none",
                    stated=Stated(line_no, candidate, at),
                    month_day=found.month_day,
                )
                break
        described = described_date(line) if dated is None and seen > 1 and not prose else None
        if described is not None:
            dated = Dating(published=described, outlet=by_outlet, byline=byline, source="header")
            dated.stated = Stated(line_no, line, at)
        if dated is not None:
            continue  # a "Source:" line may follow the date line
        by = _BY_RE.search(line) if len(line) <= _MAX_HEADER_LEN and not _is_prose(line) else None
        if by and _a_time(by.group(1), line[by.end(1) :]):
            by = None  # "By March 1, the festival had sold …", "By Friday evening, …": a time, no credit
        if by and byline is None:
            byline, by_seen = by.group(1), seen
            parts = [p.strip(" .:;()[]") for p in _SEPARATORS.split(line.replace(by.group(0), " | "))]
            by_outlet = _outlet_from([p for p in parts if p and _name_like(p) and not _MONTH_DAY_RE.search(p)])
            continue
        if _is_prose(line):
            prose += 1
            if prose > _STANDFIRST:
                break
    found = dated or Dating(byline=byline, outlet=by_outlet)
    if keyed is not None and not found.outlet:
        found = replace(found, outlet=_KEYED_OUTLET.match(keyed.quote).group(1).strip(), outlet_stated=keyed)
    return found


# "Lead author: Dr Ann Brell." / "Authors: Ann Lee and Bo Chan": a report's credit as a labelled field.
_AUTHOR_FIELD = re.compile(
    rf"(?i:(?:lead\s+|principal\s+)?(?:authors?|written\s+by))\s*:\s*({_NAME}(?:(?:,\s*|\s+and\s+){_NAME})*)\.?"
)


def _author_field(text: str) -> str | None:
    """The names of a labelled author field that is all of ``text``, else None."""
    m = _AUTHOR_FIELD.fullmatch(text.strip())
    return m.group(1).rstrip(".") if m else None


# "Source: Veltmark Evening Post" written as a header line of a plain-text article (the keys front matter uses).
_KEYED_OUTLET = re.compile(rf"^(?:{'|'.join(_OUTLET_KEYS)})\s*:\s*(\S.{{1,80}})$", re.I)


def _meta_content(soup: object, *selectors: tuple[str, str]) -> str | None:
    for attr, value in selectors:
        tag = soup.find("meta", attrs={attr: re.compile(f"^{re.escape(value)}$", re.I)})  # type: ignore[attr-defined]
        if tag and tag.get("content"):
            return str(tag["content"]).strip()
    return None


def _json_ld(soup: object) -> tuple[str | None, str | None]:
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):  # type: ignore[attr-defined]
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("datePublished"):
                publisher = item.get("publisher")
                name = publisher.get("name") if isinstance(publisher, dict) else None
                return str(item["datePublished"]), name
    return None, None


def html_meta(html: str) -> Dating:
    """``article:published_time``, ``datePublished`` (meta or JSON-LD), ``<time datetime>``; the outlet
    from ``og:site_name`` or the JSON-LD publisher."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    raw = _meta_content(
        soup,
        ("property", "article:published_time"),
        ("itemprop", "datePublished"),
        ("name", "datePublished"),
        ("name", "pubdate"),
        ("name", "date"),
    )
    ld_date, ld_outlet = _json_ld(soup)
    raw = raw or ld_date
    if raw is None:
        time_tag = soup.find("time", attrs={"datetime": True})
        raw = str(time_tag["datetime"]) if time_tag else None
    outlet = _meta_content(soup, ("property", "og:site_name"), ("name", "publisher")) or ld_outlet
    author = _meta_content(soup, ("name", "author"), ("property", "article:author"))
    day = parse_date(raw)
    return Dating(published=day, outlet=outlet, byline=author, source="html_meta" if day else "none")


def front_matter(text: str) -> Dating:
    """``date:``/``published:`` and ``source:``/``publisher:`` of a leading YAML block (``---`` fenced)."""
    m = _FRONT_RE.match(text.lstrip("\ufeff"))
    if not m:
        return Dating()
    fields = front_matter_fields(m.group(1))
    key = next((k for k in _DATE_KEYS if fields.get(k)), None)
    outlet = next((fields[k] for k in _OUTLET_KEYS if fields.get(k)), None)
    author = fields.get("author") or fields.get("byline")
    day = parse_date(fields[key]) if key else None
    return Dating(
        published=day,
        outlet=outlet,
        byline=author,
        source="front_matter" if day else "none",
        stated=front_matter_line(text, key) if day and key else None,
    )


def front_matter_line(text: str, key: str) -> Stated | None:
    """Where the front matter of ``text`` (a file's decoded text) writes ``key:``, the first such line."""
    offset = 0
    for n, raw in enumerate(text.splitlines(keepends=True), start=1):
        line = raw.rstrip("\r\n")
        if n > 1 and line.strip() in ("---", "..."):
            return None
        name, sep, _ = line.partition(":")
        if n > 1 and sep and name.strip().lower() == key and not name.startswith((" ", "\t")):
            return Stated(n, line.strip(), offset + raw.index(line.strip()))
        offset += len(raw)
    return None


def supplied(
    published: str | None, outlet: str | None, source: str | None = None, stated: Stated | None = None
) -> Dating:
    """A date handed over with the file: the format's own metadata as the loader extracted it (HTML meta,
    front matter: ``source`` says which, ``stated`` where it is written), or a benchmark's ``published_at``."""
    day = parse_date(published)
    return Dating(
        published=day, outlet=outlet, source=(source or "supplied") if day else "none", stated=stated if day else None
    )


def _with_year(month_day: tuple[int, int], near: date) -> date | None:
    """A yearless dateline's day in the year that puts it nearest ``near`` (a wire dateline leaves out the
    year of its own publication, which the file's other metadata gives)."""
    options = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            options.append(date(year, *month_day))
        except ValueError:
            continue
    return min(options, key=lambda d: abs((d - near).days), default=None)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_YEAR_RE = re.compile(rf"\b(?P<month>{_MONTH})\.?,?\s+(?P<year>\d{{4}})\b")


def year_from_text(
    month_day: tuple[int, int], text: str, dateline_at: Stated, today: date | None = None
) -> date | None:
    """A yearless dateline's day in the year its own article implies: the first on or after the latest date
    the text states with a year ("on February 27, 2026", "in January 2026", read as the month's first day),
    since news reports on what has happened. A dateline on that very day is on it. A text that names years only
    bare ("the lowest since 2004", "a 2024 law") gives none: a bare year is as often history as the present.
    An article is never dated after ``today`` (the day it is read), and a date after today that the text states
    is a plan ("closest approach on March 14, 2027", "a contract until June 2029"), not what it reports on; a
    plan still ahead of today can push the year one too far. None when the text states no such date (or the
    day does not exist in the two years after it)."""
    today = today or date.today()
    skip = range(dateline_at.start_char, dateline_at.start_char + len(dateline_at.quote))
    stated: list[date] = []
    for m in DATE_IN_TEXT_RE.finditer(text):
        day = parse_date(m.group(0)) if m.start() not in skip else None
        stated += [day] if day else []
    for m in _MONTH_YEAR_RE.finditer(text):
        if m.start() not in skip and 1900 < int(m.group("year")) < 2200:
            stated.append(date(int(m.group("year")), _MONTHS.index(m.group("month")[:3]) + 1, 1))
    stated = [d for d in stated if d <= today]
    if not stated:
        return None
    latest = max(stated)
    for year in (latest.year, latest.year + 1):
        try:
            day = date(year, *month_day)
        except ValueError:
            continue
        if day >= latest:
            return day if day <= today else None
    return None


def year_from_folder(month_day: tuple[int, int], dates: Sequence[date], today: date | None = None) -> date | None:
    """A yearless dateline's day in the year its folder implies, for an article whose text states no year: the
    year that puts it nearest the median date of the folder's dated articles (a folder holds a story, or
    a desk's output, over weeks or months, not years apart), never after ``today``. None without dated
    articles (or when every nearby year would put it after today)."""
    if not dates:
        return None
    today = today or date.today()
    middle = date.fromordinal(median_low(d.toordinal() for d in dates))
    options = []
    for year in (middle.year - 1, middle.year, middle.year + 1):
        try:
            day = date(year, *month_day)
        except ValueError:  # February 29 in a year without one
            continue
        if day <= today:
            options.append(day)
    return min(options, key=lambda d: abs((d - middle).days), default=None)


# A wire story's credit at its foot: "(Reporting by Ann Lee and Bo Chan; Editing by Cy Dunn)".
_WIRE_CREDIT = re.compile(rf"\((?:Reporting|Writing|Reported|Written)\s+by\s+({_NAME}(?:(?:,\s*|\s+and\s+){_NAME})*)")


def _wire_credit(text: str) -> str | None:
    """The reporters a wire story credits at its foot (the last such credit), when its head names no author."""
    found = list(_WIRE_CREDIT.finditer(text[-600:]))
    return found[-1].group(1) if found else None


def date_article(text: str, html: str | None = None, given: Dating | None = None, today: date | None = None) -> Dating:
    """The trusted date and outlet of an article: the first source in trust order that has a date; the
    outlet and author are filled from the later sources when the trusted one lacks them. A dateline without
    a year takes the year from the next source that has a date, else from the dates its own text states; when
    neither gives one, the article is undated and the result keeps the dateline's ``month_day`` and ``stated``
    line, for ``year_from_folder``."""
    front = front_matter(text)
    start = front_end(text) if front.source != "none" or _FRONT_RE.match(text) else 0
    header = header_line(text[start:])
    if header.stated and start:
        header.stated = Stated(
            header.stated.line + text.count("\n", 0, start), header.stated.quote, header.stated.start_char + start
        )
    candidates = [header]
    if html is not None:
        candidates.append(html_meta(html))
    candidates += [front, given or Dating()]
    full = None  # the source stating in full the day a yearless dateline gives
    if header.published is None and header.month_day:
        later = next((c for c in candidates[1:] if c.published), None)
        if later is not None:
            header.published = _with_year(header.month_day, later.published)
            full = later if later.stated and later.published == header.published else None
        elif header.stated is not None:
            header.published = year_from_text(header.month_day, text, header.stated, today)
        header.source = "header" if header.published else "none"
    # The same day written in full (a front matter's "date: 2026-03-05") is the line to cite, with its year.
    dated = [c for c in candidates if c.published and not (c is header and full)]
    best = dated[0] if dated else Dating()
    named = best if best.outlet else next((c for c in candidates if c.outlet), Dating())
    byline = best.byline or next((c.byline for c in candidates if c.byline), None) or _wire_credit(text)
    yearless = best.published is None and header.month_day is not None
    return Dating(
        published=best.published,
        outlet=named.outlet,
        byline=byline,
        source=best.source,
        stated=header.stated if yearless else best.stated,
        month_day=header.month_day if yearless else None,
        outlet_stated=named.outlet_stated,
    )


def front_end(text: str) -> int:
    m = _FRONT_RE.match(text)
    return m.end() if m else 0
