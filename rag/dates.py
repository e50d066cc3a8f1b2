"""Dates: parsing publication dates, reading date phrases in questions, and the days arithmetic of ranking.

News questions are about a moment ("this week", "in June", "the latest"). A phrase is resolved against
the as-of date of the question (today unless the user or the benchmark says otherwise) into a window of
days. Explicit dates are parsed with python-dateutil (and ``dateparser`` for the free-form values a user
types on the command line, such as "yesterday" or "2 weeks ago"); relative phrases use the small rule
table below, whose every rule is tested against a fixed as-of date. Weeks are rolling, as news uses them:
"this week" is the seven days up to the as-of date (on a Monday it still means the past days), "last week"
the seven before those; months and years are calendar ones ("this month" is the 1st to the as-of date).

Days are stored as integers (days since 1970-01-01) so a Chroma ``where`` filter can compare them.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from rag.errors import DateError
from rag.models import DateWindow
from rag.text import YEAR_PATTERN

EPOCH = date(1970, 1, 1)
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
_CAPITALISED_MONTH = r"(?P<month>" + "|".join(m.capitalize() for m in _MONTHS if len(m) > 3 or m == "may") + r")"
_MONTH_RE = r"(?P<month>" + "|".join(sorted((m for m in _MONTHS if m != "may"), key=len, reverse=True)) + r"|May)"
_YEAR_RE = rf"(?P<year>{YEAR_PATTERN})"

# Dates as they appear in bylines, meta tags and front matter.
DATE_IN_TEXT_RE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ][\d:.+\-Z]+)?\b"
    r"|\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
    r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?,?\s+\d{4}\b"
)


def to_day(d: date) -> int:
    """Days since 1970-01-01: the number stored on every dated chunk."""
    return (d - EPOCH).days


def from_day(n: int) -> date:
    return EPOCH + timedelta(days=n)


def date_of(iso: str | None) -> date | None:
    """An ISO date string as stored on chunks; None for none or for a value that is not ISO."""
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def parse_date(text: str | None) -> date | None:
    """A calendar date from a byline, meta tag or front-matter value; None when there is none.

    ISO forms (with or without a time) and written forms ("June 3, 2022", "3 June 2022") are accepted;
    a value without a year or day is not a publication date.
    """
    if not text:
        return None
    text = str(text).strip()
    m = DATE_IN_TEXT_RE.search(text)
    if not m:
        return None
    from dateutil import parser

    try:
        parsed = parser.parse(m.group(0), fuzzy=False, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return None
    return parsed.date() if 1900 < parsed.year < 2200 else None


def parse_user_date(value: str, today: date | None = None) -> date:
    """A date the user typed (``--as-of 2022-06-16``, ``--since "2 weeks ago"``, ``yesterday``).

    ISO first; else ``dateparser`` relative to ``today``. Unreadable input is a one-line ``DateError``.
    """
    today = today or date.today()
    value = value.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    shown = value if len(value) <= 80 else value[:80] + "…"
    if re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", value):  # dateparser reads "-1" as January, "2026" as today
        raise DateError(f"'{shown}' is a number, not a date; use YYYY-MM-DD (e.g. {today.isoformat()})")
    import dateparser

    parsed = dateparser.parse(
        value,
        languages=["en"],
        settings={"RELATIVE_BASE": datetime.combine(today, datetime.min.time()), "PREFER_DATES_FROM": "past"},
    )
    if parsed is None:
        raise DateError(f"Could not read the date '{shown}'; use YYYY-MM-DD (e.g. {today.isoformat()})")
    return parsed.date()


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _recent_month_year(month: int, as_of: date) -> int:
    """'in June' without a year: the most recent June that has begun by the as-of date."""
    return as_of.year if month <= as_of.month else as_of.year - 1


Span = tuple[date | None, date | None]
Rule = Callable[[re.Match[str], date], Span]


def _rules() -> list[tuple[re.Pattern[str], Rule]]:
    """The rule table: (pattern, resolver(match, as_of) -> (since, until)). The first rule that matches the
    question wins, in this order (a specific phrase before a general one: "since July 2023" before
    "July 2023")."""
    month_year = rf"{_MONTH_RE}\.?,?\s+(?:of\s+)?{_YEAR_RE}"
    flags = re.IGNORECASE

    def month_of(m: re.Match[str]) -> int:
        return _MONTHS[m.group("month").lower()]

    # "October 10", "10 October", "October 10, 2026": a day, the year the most recent one had when none is given.
    day = (
        rf"(?:{_MONTH_RE}\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+"
        rf"{_MONTH_RE.replace('?P<month>', '?P<month2>')}\.?)"
        rf"(?:,?\s+{_YEAR_RE})?(?!\d)"
    )

    def day_of(m: re.Match[str], as_of: date) -> date | None:
        month = _MONTHS[(m.group("month") or m.group("month2")).lower()]
        number = int(m.group("day") or m.group("day2"))
        year = int(m.group("year")) if m.group("year") else _recent_month_year(month, as_of)
        try:
            found = date(year, month, number)
        except ValueError:
            return None
        if m.group("year") or found <= as_of:
            return found
        try:
            return date(year - 1, month, number)
        except ValueError:  # February 29 of a year before a leap year
            return date(year - 1, month, 28)

    return [
        (
            re.compile(rf"\b(?:by|as\s+of|until|till|up\s+to)\s+(?:the\s+end\s+of\s+)?{day}", flags),
            lambda m, a: (None, day_of(m, a)),
        ),
        (
            re.compile(rf"\bbefore\s+{day}", flags),
            lambda m, a: (None, (d - timedelta(days=1)) if (d := day_of(m, a)) else None),
        ),
        (
            re.compile(rf"\bsince\s+{day}", flags),
            lambda m, a: (day_of(m, a), a),
        ),
        (
            re.compile(rf"\bafter\s+{day}", flags),
            lambda m, a: ((d + timedelta(days=1)) if (d := day_of(m, a)) else None, a),
        ),
        (
            re.compile(rf"\b(?:since|after)\b[^.?!]*?\b(?:in\s+)?{month_year}\b", flags),
            lambda m, a: (_month_span(int(m.group("year")), month_of(m))[0], a),
        ),
        (
            re.compile(rf"\b(?:since|after)\b[^.?!]*?\b(?:in\s+)?{_YEAR_RE}\b", flags),
            lambda m, a: (date(int(m.group("year")), 1, 1), a),
        ),
        (
            re.compile(rf"\bbefore\b[^.?!]*?\b(?:in\s+)?{month_year}\b", flags),
            lambda m, a: (None, _month_span(int(m.group("year")), month_of(m))[0] - timedelta(days=1)),
        ),
        (
            re.compile(rf"\b(?:by|as\s+of|until|till|up\s+to)\s+(?:the\s+end\s+of\s+)?{month_year}\b", flags),
            lambda m, a: (None, _month_span(int(m.group("year")), month_of(m))[1]),
        ),
        (re.compile(rf"\b{month_year}\b", flags), lambda m, a: _month_span(int(m.group("year")), month_of(m))),
        (
            re.compile(rf"\b(?:by|as\s+of|until|till|up\s+to)\s+(?:the\s+end\s+of\s+)?{_MONTH_RE}\b(?!\s+\d)", flags),
            lambda m, a: (None, _month_span(_recent_month_year(month_of(m), a), month_of(m))[1]),
        ),
        (
            re.compile(rf"\bbefore\s+{_MONTH_RE}\b(?!\s+\d)", flags),
            lambda m, a: (None, _month_span(_recent_month_year(month_of(m), a), month_of(m))[0] - timedelta(days=1)),
        ),
        (
            re.compile(rf"\b(?:in|during|since|from|of|last)\s+{_MONTH_RE}\b(?!\s+\d)", flags),
            lambda m, a: (
                (_month_span(_recent_month_year(month_of(m), a), month_of(m))[0], a)
                if m.group(0).lower().startswith(("since", "from"))
                else _month_span(_recent_month_year(month_of(m), a), month_of(m))
            ),
        ),
        (
            # "its March meeting", "the April cut": a month naming an event dates it.
            re.compile(
                rf"\b(?i:the|its|their|his|her|our|this|that)\s+{_CAPITALISED_MONTH}\s+"
                r"(?!(?:of|for|and|to|in|on|at|by)\b)(?=[a-z])"  # "the March of Dimes" names no time
            ),
            lambda m, a: _month_span(_recent_month_year(month_of(m), a), month_of(m)),
        ),
        (re.compile(r"\btoday\b|\btonight\b|\bthis morning\b", flags), lambda m, a: (a, a)),
        (re.compile(r"\byesterday\b", flags), lambda m, a: (a - timedelta(days=1), a - timedelta(days=1))),
        (re.compile(r"\bthis\s+week(?:end)?\b", flags), lambda m, a: (a - timedelta(days=6), a)),
        (
            re.compile(r"\blast\s+week(?:end)?\b|\bthe\s+previous\s+week\b", flags),
            lambda m, a: (a - timedelta(days=13), a - timedelta(days=7)),
        ),
        (
            re.compile(r"\b(?:past|last)\s+(?P<n>\d+|two|three|four|five|six|seven)\s+days\b", flags),
            lambda m, a: (a - timedelta(days=_count(m.group("n"))), a),
        ),
        (
            re.compile(r"\b(?:past|last)\s+(?P<n>\d+|two|three|four|five|six)\s+weeks\b", flags),
            lambda m, a: (a - timedelta(days=7 * _count(m.group("n"))), a),
        ),
        (re.compile(r"\bthis\s+month\b", flags), lambda m, a: (a.replace(day=1), a)),
        (
            re.compile(r"\blast\s+month\b", flags),
            lambda m, a: _month_span(*((a.year, a.month - 1) if a.month > 1 else (a.year - 1, 12))),
        ),
        (re.compile(r"\bthis\s+year\b", flags), lambda m, a: (date(a.year, 1, 1), a)),
        (re.compile(r"\blast\s+year\b", flags), lambda m, a: (date(a.year - 1, 1, 1), date(a.year - 1, 12, 31))),
        (
            re.compile(rf"\b(?:by|until|till|up\s+to)\s+(?:the\s+end\s+of\s+)?{_YEAR_RE}\b", flags),
            lambda m, a: (None, date(int(m.group("year")), 12, 31)),
        ),
        (
            re.compile(rf"\bbefore\s+{_YEAR_RE}\b", flags),
            lambda m, a: (None, date(int(m.group("year")) - 1, 12, 31)),
        ),
        (
            re.compile(rf"\b(?:in|during|of)\s+{_YEAR_RE}\b", flags),
            lambda m, a: (date(int(m.group("year")), 1, 1), date(int(m.group("year")), 12, 31)),
        ),
    ]


_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


RULES = _rules()
PRESENT_RE = re.compile(
    r"\b(?:latest|most recent|recently|now|currently|current|so far|still|at present|these days|newest)\b",
    re.IGNORECASE,
)


def resolve(question: str, as_of: date) -> tuple[str | None, date | None, date | None]:
    """The date phrase of a question and the window it names against ``as_of`` ((None, None, None) when
    it names none). A window never reaches past the as-of date."""
    for pattern, rule in RULES:
        m = pattern.search(question)
        if not m:
            continue
        since, until = rule(m, as_of)
        if until is not None and until > as_of:
            until = as_of
        if since is not None and until is not None and since > until:
            continue
        return m.group(0).strip(), since, until
    return None, None, None


def names_a_time(question: str) -> bool:
    """The question has a date phrase ("in June", "by 2021", "last week"): it asks about that time, not now."""
    return any(pattern.search(question) for pattern, _ in RULES)


def speaks_of_present(question: str) -> bool:
    """ "latest", "now", "currently": the question asks for the most recent evidence."""
    return bool(PRESENT_RE.search(question))


def for_question(question: str, window: DateWindow | None = None, today: date | None = None) -> DateWindow:
    """The user's window (as-of defaults to today) with what the question itself says about time.

    A phrase window is clipped to the user's since/until; if it falls wholly outside them it is dropped,
    because the user's range is the hard limit.
    """
    base = window or DateWindow()
    as_of = base.as_of or today or date.today()
    phrase, since, until = resolve(question, as_of)
    if phrase is not None:
        since = max((d for d in (since, base.since) if d), default=None)
        until = min((d for d in (until, base.until) if d), default=None)
        if since and until and since > until:
            phrase = since = until = None
    return base.model_copy(
        update={
            "as_of": as_of,
            "phrase": phrase,
            "phrase_since": since,
            "phrase_until": until,
            "present": speaks_of_present(question),
        }
    )


def _span(since: date | None, until: date | None) -> str:
    if since and until:
        return since.isoformat() if since == until else f"{since.isoformat()} to {until.isoformat()}"
    if since:
        return f"from {since.isoformat()}"
    if until:
        return f"up to {until.isoformat()}"
    return "any date"


def describe(window: DateWindow) -> str:
    """One line for the UI and CLI, shown like "Understood as": the window and where it came from."""
    parts = []
    if window.phrase:
        parts.append(f'"{window.phrase}" = {_span(window.phrase_since, window.phrase_until)}')
    if window.since or window.until:
        parts.append(f"only {_span(window.since, window.until)}")
    if window.present and not window.phrase:
        parts.append("most recent first")
    if window.as_of and not (window.until and window.until <= window.as_of):
        parts.append(f"nothing after {window.as_of.isoformat()}")  # an earlier "until" already says it
    return "; ".join(parts)


def user_window(
    as_of: str | date | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    today: date | None = None,
) -> DateWindow:
    """The window a user typed (CLI options, UI fields): each value a date or text like "2022-06-16" or
    "2 weeks ago"; as-of defaults to today. An unreadable date or an empty range is a ``DateError``."""
    today = today or date.today()

    def read(value: str | date | None) -> date | None:
        if value is None or isinstance(value, date):
            return value
        return parse_user_date(value, today) if value.strip() else None

    given = read(as_of)
    as_of_d = given or today
    since_d, until_d = read(since), read(until)
    if since_d and until_d and since_d > until_d:
        raise DateError(f"The date range is empty: since {since_d} is after until {until_d}")
    if since_d and since_d > as_of_d:
        raise DateError(f"--since {since_d} is after the as-of date {as_of_d}: nothing could match")
    return DateWindow(as_of=as_of_d, as_of_given=given is not None, since=since_d, until=until_d)


_WEEKDAY = {name.lower(): i for i, name in enumerate(calendar.day_name)}
# Words of a clause that put its weekday after the article's date: modals and the future ("will vote on
# Friday", "could return home on Wednesday"), expectations and schedules ("is expected to", "scheduled for").
_AHEAD = frozenset("will would could can may might shall should expected scheduled intends hopes aims next".split())
_CLAUSE_MARK = re.compile(r"[.;:!?,—–(]")


def weekday_date(text: str, published: date | None, context: str = "") -> date | None:
    """The day a bare weekday ("Thursday", "on Monday") in an article means: the latest such day on or before
    the article's date, as news writes what happened; the first such day after it when its clause in
    ``context`` (the quoted sentence) speaks of what is to come ("could return home on Wednesday", "next
    Monday"). None for anything else or an undated article."""
    said = text.strip().lower().rstrip(".")
    ahead = said.startswith("next ")
    day = _WEEKDAY.get(re.sub(r"^(?:on|last|next)\s+", "", said))
    if day is None or published is None:
        return None
    at = context.lower().find(said)
    if at >= 0:
        clause = _CLAUSE_MARK.split(context[:at].lower())[-1]
        ahead = ahead or bool(_AHEAD & set(re.findall(r"\w+", clause))) or bool(re.search(r"\w['’]ll\b", clause))
    if ahead:
        return published + timedelta(days=(day - published.weekday()) % 7 or 7)
    return published - timedelta(days=(published.weekday() - day) % 7)
