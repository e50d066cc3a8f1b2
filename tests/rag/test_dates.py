"""Date phrases resolved against a fixed as-of date (incl. month and year edges), and user-typed dates."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.dates import describe, for_question, parse_date, parse_user_date, resolve, user_window
from rag.errors import DateError
from rag.models import DateWindow

AS_OF = date(2023, 8, 16)  # a Wednesday


@pytest.mark.parametrize(
    ("question", "as_of", "since", "until"),
    [
        ("What did the court rule this week?", AS_OF, date(2023, 8, 10), AS_OF),
        ("Who resigned last week?", AS_OF, date(2023, 8, 3), date(2023, 8, 9)),
        ("What changed this month?", AS_OF, date(2023, 8, 1), AS_OF),
        ("What happened in June?", AS_OF, date(2023, 6, 1), date(2023, 6, 30)),
        ("What happened in June 2022?", AS_OF, date(2022, 6, 1), date(2022, 6, 30)),
        ("Who won yesterday?", AS_OF, date(2023, 8, 15), date(2023, 8, 15)),
        ("What has the junta done since the coup in July 2023?", AS_OF, date(2023, 7, 1), AS_OF),
        ("Which records fell in 2023?", AS_OF, date(2023, 1, 1), AS_OF),
        ("Which records fell in 2021?", AS_OF, date(2021, 1, 1), date(2021, 12, 31)),
        ("How much had the firm lost by June?", AS_OF, None, date(2023, 6, 30)),
        ("How many had signed up as of the end of March 2022?", AS_OF, None, date(2022, 3, 31)),
        ("Who had resigned before May?", AS_OF, None, date(2023, 4, 30)),
        ("How many stores had closed by 2021?", AS_OF, None, date(2021, 12, 31)),
        ("Who led the club before 2020?", AS_OF, None, date(2019, 12, 31)),
        # a day, the year the most recent one had when none is written
        ("How many claims had been filed by October 10?", AS_OF, None, date(2022, 10, 10)),
        ("How many had fled by 3 August?", AS_OF, None, date(2023, 8, 3)),
        ("How many had fled by August 30?", AS_OF, None, date(2022, 8, 30)),
        ("Who had resigned before March 3, 2021?", AS_OF, None, date(2021, 3, 2)),
        ("What has happened since 10 March 2023?", AS_OF, date(2023, 3, 10), AS_OF),
        ("What happened after March 10?", AS_OF, date(2023, 3, 11), AS_OF),
        # a month naming an event dates it
        ("What did the bank decide at its March meeting?", AS_OF, date(2023, 3, 1), date(2023, 3, 31)),
        ("How many members opposed the July cut?", AS_OF, date(2023, 7, 1), date(2023, 7, 31)),
        # month and year edges
        ("What happened last month?", date(2024, 1, 3), date(2023, 12, 1), date(2023, 12, 31)),
        ("What happened in December?", date(2024, 1, 3), date(2023, 12, 1), date(2023, 12, 31)),
        ("What happened in January?", date(2024, 1, 3), date(2024, 1, 1), date(2024, 1, 3)),
        ("What happened this week?", date(2024, 1, 2), date(2023, 12, 27), date(2024, 1, 2)),
        ("Who won yesterday?", date(2024, 3, 1), date(2024, 2, 29), date(2024, 2, 29)),
        ("What changed this month?", date(2023, 3, 1), date(2023, 3, 1), date(2023, 3, 1)),
        ("What happened in June?", date(2023, 5, 20), date(2022, 6, 1), date(2022, 6, 30)),
        ("What happened last year?", date(2024, 1, 1), date(2023, 1, 1), date(2023, 12, 31)),
    ],
)
def test_phrase_resolves_to_window(question: str, as_of: date, since: date, until: date) -> None:
    phrase, got_since, got_until = resolve(question, as_of)
    assert phrase is not None and phrase.lower() in question.lower()
    assert (got_since, got_until) == (since, until)


def test_no_phrase_no_window_and_present_words() -> None:
    w = for_question("Who leads the party?", DateWindow(as_of=AS_OF))
    assert (w.phrase, w.phrase_since, w.phrase_until, w.present) == (None, None, None, False)
    assert for_question("Who is the latest leader of the party?", DateWindow(as_of=AS_OF)).present
    assert for_question("What is the rate now?", DateWindow(as_of=AS_OF)).present


def test_default_as_of_is_today_and_window_is_described() -> None:
    w = for_question("What happened this week?", today=date(2023, 8, 16))
    assert w.as_of == date(2023, 8, 16)
    assert describe(w) == '"this week" = 2023-08-10 to 2023-08-16; nothing after 2023-08-16'


def test_phrase_window_is_clipped_to_the_users_range() -> None:
    w = for_question("What happened this month?", DateWindow(as_of=AS_OF, since=date(2023, 8, 10)))
    assert (w.phrase_since, w.phrase_until) == (date(2023, 8, 10), AS_OF)
    outside = for_question("What happened in 2020?", DateWindow(as_of=AS_OF, since=date(2023, 1, 1)))
    assert outside.phrase is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_windows_never_reach_past_as_of(as_of: date) -> None:
    for q in ("this week", "this month", "in 2023", "in June", "this year", "since March 2020", "yesterday"):
        _, since, until = resolve(f"What happened {q}?", as_of)
        assert until is None or until <= as_of
        assert since is None or until is None or since <= until


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-06-03", date(2022, 6, 3)),
        ("2022-06-03T10:15:00+02:00", date(2022, 6, 3)),
        ("June 3, 2022", date(2022, 6, 3)),
        ("Updated 3 June 2022 at 10:00", date(2022, 6, 3)),
        ("Sept. 14, 2021", date(2021, 9, 14)),
        ("June 2022", None),
        ("no date here", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_user_dates() -> None:
    today = date(2023, 8, 16)
    assert parse_user_date("2022-06-16", today) == date(2022, 6, 16)
    assert parse_user_date("yesterday", today) == date(2023, 8, 15)
    assert parse_user_date("2 weeks ago", today) == date(2023, 8, 2)
    w = user_window(None, "2023-08-01", "2023-08-10", today=today)
    assert (w.as_of, w.since, w.until) == (today, date(2023, 8, 1), date(2023, 8, 10))
    with pytest.raises(DateError, match="Could not read the date 'soonish'"):
        user_window("soonish", today=today)
    with pytest.raises(DateError, match="empty"):
        user_window(None, "2023-08-10", "2023-08-01", today=today)


@pytest.mark.parametrize("number", ["-1", "-5", "2026", "+3", "1.5"])
def test_a_bare_number_is_no_date(number: str) -> None:
    # dateparser reads "-1" as January 1st and "-5" as May 1st: a typo would silently change the answer.
    with pytest.raises(DateError, match=rf"^'{re.escape(number)}' is a number, not a date; use YYYY-MM-DD"):
        parse_user_date(number, date(2023, 8, 16))


def test_a_long_unreadable_date_is_echoed_cut() -> None:
    with pytest.raises(DateError) as refused:
        parse_user_date("9" * 5000 + " of Smarch", date(2023, 8, 16))
    assert len(str(refused.value)) < 160 and "…" in str(refused.value)


def test_a_month_in_a_name_is_no_time() -> None:
    assert resolve("What did the March of Dimes report?", AS_OF) == (None, None, None)


def test_a_weekday_in_an_article_is_the_latest_such_day_on_or_before_its_date() -> None:
    from rag.dates import weekday_date

    friday = date(2026, 10, 16)
    assert weekday_date("Thursday", friday) == date(2026, 10, 15)
    assert weekday_date("on Friday", friday) == friday
    assert weekday_date("Saturday", friday) == date(2026, 10, 10)
    assert weekday_date("Thursday", None) is None and weekday_date("October 15", friday) is None


def test_a_weekday_of_what_is_to_come_is_the_first_such_day_after_the_article() -> None:
    from rag.dates import weekday_date

    tuesday = date(2026, 10, 6)
    assert weekday_date("Wednesday", tuesday, "Evacuees could return home on Wednesday morning.") == date(2026, 10, 7)
    assert weekday_date("Friday", tuesday, "The panel will vote on Friday, a spokesman said.") == date(2026, 10, 9)
    assert weekday_date("next Monday", tuesday) == date(2026, 10, 12)
    assert weekday_date("Tuesday", tuesday, "The council will meet again on Tuesday.") == date(2026, 10, 13)
    # What happened, and a past clause before a later modal, still count back.
    assert weekday_date("Wednesday", tuesday, "The train derailed on Wednesday night.") == date(2026, 9, 30)
    assert weekday_date("Monday", tuesday, "Officials said on Monday that residents could return.") == date(2026, 10, 5)


def test_a_users_range_ending_before_the_as_of_date_is_described_once() -> None:
    w = DateWindow(as_of=date(2026, 12, 1), since=date(2026, 10, 1), until=date(2026, 11, 1))
    assert describe(w) == "only 2026-10-01 to 2026-11-01"
