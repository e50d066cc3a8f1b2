"""A correction notice among the read passages retracts the figure it corrects, on invented articles."""

from __future__ import annotations

from rag import prompts
from rag.corrections import (
    correction_note,
    in_notice,
    notices,
    restated_in_notice,
    retracted,
    stated_as_earlier,
)
from rag.models import Citation, Entity, ShortAnswer, Source
from rag.questions import analyse
from rag.short_answers import short_answer

ARTICLES = {
    "fire.txt": (
        "Orlen fire grows\n\nBy Tomas Reyl\nJuly 17, 2026\n\n"
        "Fire chief Ilse Varn said 46 homes had been destroyed in Kasby by the Orlen fire.\n"
        "Crews from three counties were fighting the blaze on Thursday.\n"
    ),
    "correction.txt": (
        "Correction: homes destroyed in Kasby\n\nBy Gazette staff\nJuly 20, 2026\n\n"
        "An article published on July 17 about the Orlen fire said that 46 homes had been destroyed in Kasby. "
        "The correct figure, confirmed by the fire service, is 64 homes. We apologise for the error.\n"
    ),
    "market.txt": ("Market reopens\n\nBy Lena Ost\nJuly 18, 2026\n\nThe Kasby market reopened with 30 stalls.\n"),
}


def test_a_retracted_figure_is_not_the_bold_answer_and_the_correction_is_quoted(extractive_over) -> None:
    answer = extractive_over(ARTICLES).ask("How many homes were destroyed in Kasby?")
    assert answer.short_answer is None or answer.short_answer.text != "46"
    assert prompts.CORRECTION_LEAD in answer.answer and "retracts 46" in answer.answer
    cited = [c for c in answer.citations if c.quote.startswith("The correct figure")]
    assert cited and cited[0].path == "correction.txt" and f"[{cited[0].n}]" in answer.answer


def test_without_a_notice_nothing_is_retracted(extractive_over) -> None:
    articles = {k: v for k, v in ARTICLES.items() if k != "correction.txt"}
    answer = extractive_over(articles).ask("How many homes were destroyed in Kasby?")
    assert prompts.CORRECTION_LEAD not in answer.answer
    assert answer.short_answer is not None and answer.short_answer.text == "46"


def test_the_notice_sentence_restating_the_error_is_never_quoted(extractive_over) -> None:
    answer = extractive_over(ARTICLES).ask("How many homes were destroyed in Kasby?")
    assert not any(c.quote.startswith("An article published on July 17") for c in answer.citations)


def _passage(n: int, path: str, text: str, title: str = "") -> Source:
    return Source(
        n=n, id=f"c{n}", text=text, file=path, path=path, title=title, start_char=0, end_char=len(text),
        start_line=1, end_line=1, content_hash=f"h{n}", score=1.0,
    )  # fmt: skip


def _quote(n: int, source: Source, sentence: str) -> Citation:
    return Citation.in_chunk(n, source, sentence, source.text.index(sentence))


REPORT = "About 75 homes in Pellby were flooded, the council said."
NOTICE = (
    "Correction: homes flooded in Pellby\n\n"
    "An article on May 2 said 75 homes in Pellby were flooded. The correct figure is 57 homes; the figure of 75 "
    "counted garden sheds."
)
RIGHT = "The correct figure is 57 homes; the figure of 75 counted garden sheds."


def _pellby() -> tuple[Source, Source]:
    return _passage(1, "report.md", REPORT), _passage(2, "notice.md", NOTICE, "Correction: homes flooded")


def test_a_bare_figure_answer_is_read_with_the_quotes_number_reader() -> None:
    report, notice = _pellby()
    quotes = [_quote(1, report, REPORT), _quote(2, notice, RIGHT)]
    wrong = ShortAnswer(text="About 75", citation=1, label="CARDINAL")
    assert [(n.source.path, figures) for n, figures in retracted(wrong, quotes, [report, notice])] == [
        ("notice.md", {"75"})
    ]
    note = correction_note(wrong, quotes, [report, notice])
    assert note is not None and "retracts 75" in note[0] and RIGHT in note[0]
    # "About 57" is the right figure: read as no figure at all, the quotes' 75 would have it retracted.
    assert retracted(ShortAnswer(text="About 57", citation=2, label="CARDINAL"), quotes, [report, notice]) == []


def test_a_name_or_a_calendar_date_answer_is_not_touched_by_a_notice_about_another_figure() -> None:
    report, notice = _pellby()
    quotes = [_quote(1, report, REPORT), _quote(2, notice, RIGHT)]
    for short in (
        ShortAnswer(text="Selma Ruud", citation=1, label="PERSON"),
        ShortAnswer(text="March 3, 2026", citation=1, label="DATE"),
    ):
        assert (
            retracted(short, quotes, [report, notice]) == []
            and correction_note(short, quotes, [report, notice]) is None
        )
    # An age the tagger called a date is a figure a notice may correct.
    assert retracted(ShortAnswer(text="75-year-old", citation=1, label="DATE"), quotes, [report, notice])


def test_without_a_short_answer_the_notices_own_quotes_do_not_count_as_given() -> None:
    report, notice = _pellby()
    assert retracted(None, [_quote(1, notice, RIGHT)], [report, notice]) == []
    assert [figures for _, figures in retracted(None, [_quote(1, report, REPORT)], [report, notice])] == [{"75"}]


def test_the_right_figure_is_not_retracted() -> None:
    report, notice = _pellby()
    quotes = [_quote(1, notice, RIGHT)]
    assert retracted(ShortAnswer(text="57", citation=1, label="CARDINAL"), quotes, [report, notice]) == []


STORY = (
    "Harlow club grows\n\n"
    "The report said 40 new riders joined in May.\n\n"
    "The club has about 2,300 members and six coaches.\n\n"
    "CORRECTION: A Tidewell Post story on June 3 said the club had 2,300 members. The club has 3,150 members; "
    "the figure of 2,300 included lapsed memberships.\n\n"
    "Source: Tidewell Post\n"
)


def test_a_correction_paragraph_is_a_notice_scoped_to_that_paragraph() -> None:
    story = _passage(1, "club.txt", STORY)
    [notice] = notices(story)
    assert notice.text.startswith("CORRECTION: A Tidewell Post story") and notice.text.endswith("memberships.")
    assert not in_notice(story, STORY.index("The report said 40"))
    assert restated_in_notice(story, "A Tidewell Post story on June 3 said", STORY.index("CORRECTION"))
    assert not restated_in_notice(story, "The report said 40 new riders joined in May.", STORY.index("The report"))


def test_only_a_labelled_paragraph_or_an_earlier_version_note_is_a_notice() -> None:
    assert notices(_passage(1, "a.txt", "Jail staff\n\nCorrections officers said 40 cells were shut.\n")) == []
    series = "Budget week\n\nEditor's note: This story is part of a series on the city budget.\n"
    assert notices(_passage(1, "a.txt", series)) == []
    fixed = "Budget week\n\nEditor's note: An earlier version of this story misstated the budget as 12 million.\n"
    assert len(notices(_passage(1, "a.txt", fixed))) == 1
    bare = "Budget week\n\nAn earlier version of this article gave the wrong date for the vote.\n"
    assert len(notices(_passage(1, "a.txt", bare))) == 1
    marked = "Budget week\n\n**Correction**: The vote is on May 9, not May 8 as first reported.\n"
    assert len(notices(_passage(1, "a.md", marked))) == 1


def test_a_figure_a_correction_paragraph_retracts_is_no_bold_answer(extractive_over) -> None:
    articles = {
        "club.txt": STORY,
        "profile.txt": "Harlow at fifty\n\nThe Harlow cycling club has about 2,300 members, its secretary said.\n",
    }
    answer = extractive_over(articles).ask("How many members does the Harlow club have?")
    assert answer.short_answer is None or "2,300" not in answer.short_answer.text
    assert not any(c.quote.startswith("CORRECTION: A Tidewell Post story") for c in answer.citations)
    assert "retracts 2,300" in answer.answer


def test_phrases_that_give_a_figure_as_an_earlier_value() -> None:
    for text, figure in [
        ("The Lenne crested at 4.6 metres, revising an earlier reading of 4.1 metres.", "4.1"),
        ("The toll was revised from 12 to 19.", "12"),
        ("The agency revised its count to 19 from 12 on Monday.", "12"),
        ("It cut an earlier estimate of about 300 jobs to 240.", "300"),
        ("The firm previously reported 14,000 users.", "14,000"),
    ]:
        at = text.index(figure)
        assert stated_as_earlier(text, at, at + len(figure)), text
    text = "As previously reported, 5 people were hurt and 19 were evacuated."
    assert not any(stated_as_earlier(text, text.index(f), text.index(f) + len(f)) for f in ("5", "19"))
    for text, figure in [
        ("The council revised its bylaw after complaints from 200 residents.", "200"),
        ("Cracks were first reported 14 days ago.", "14"),
    ]:
        at = text.index(figure)
        assert not stated_as_earlier(text, at, at + len(figure)), text


OLD_READING = "The Lenne reached 4.1 metres at the Dorvik gauge early on Friday, the agency said."
NEW_READING = "The Lenne crested at 4.6 metres on Saturday, the agency said, revising an earlier reading of 4.1 metres."


def _read(text: str, n: int, figures: list[str]) -> tuple[Source, Citation]:
    source = _passage(n, f"f{n}.txt", text).with_entities(
        [Entity(start=text.index(f), end=text.index(f) + len(f), label="QUANTITY") for f in figures]
    )
    return source, _quote(n, source, text)


def test_a_figure_a_later_sentence_revises_is_superseded_for_the_present_state() -> None:
    old, old_quote = _read(OLD_READING, 1, ["4.1 metres"])
    new, new_quote = _read(NEW_READING, 2, ["4.6 metres", "4.1 metres"])
    found = short_answer(analyse("How high did the Lenne rise?"), [old_quote, new_quote], [old, new])
    assert found is not None and found.text == "4.6 metres" and found.citation == 2
    # The revising sentence read but not quoted: the superseded figure is no bold answer, and no other is known.
    assert short_answer(analyse("How high did the Lenne rise?"), [old_quote], [old, new]) is None
    # Without the revision the old reading answers.
    alone = short_answer(analyse("How high did the Lenne rise?"), [old_quote], [old])
    assert alone is not None and alone.text == "4.1 metres"


def test_a_revised_figure_still_answers_a_question_about_the_earlier_value() -> None:
    new, new_quote = _read(NEW_READING, 2, ["4.6 metres", "4.1 metres"])
    found = short_answer(analyse("How high was the Lenne first reported to be?"), [new_quote], [new])
    assert found is not None and found.text == "4.1 metres"
