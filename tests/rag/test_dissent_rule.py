"""Two sources that fill the asked slot differently are both quoted (the disagreement rule), on invented text."""

from __future__ import annotations

import numpy as np
import pytest

from rag import prompts
from rag.answer_ranking import Candidate, dissenting, load_model, slot_values
from rag.extractive import quoted
from rag.models import Entity, Source
from rag.questions import analyse

QUESTION = "How many pilgrims walked to Sorrel Abbey this spring?"


def _source(path: str) -> Source:
    return Source(
        n=1, id=path, text="", file=path, path=path, title="", start_char=0, end_char=0,
        start_line=1, end_line=1, content_hash=path, score=0.5,
    )  # fmt: skip


def _cand(path: str, text: str, figure: str | None, p: float, i: int) -> Candidate:
    entities = (
        []
        if figure is None
        else [Entity(start=text.index(figure), end=text.index(figure) + len(figure), label="CARDINAL")]
    )
    vec = np.zeros(8)
    vec[i] = 1.0
    return Candidate(_source(path), text, 0, entities, vec, probability=p)


def _ranked() -> list[Candidate]:
    return [
        _cand("a.txt", "Organisers said 4,200 pilgrims walked to the abbey this spring.", "4,200", 0.8, 0),
        _cand("a.txt", "The abbey's gardens were replanted after the winter storms.", None, 0.4, 1),
        _cand("c.txt", "The order that founded it arrived from the coast 800 years ago.", "800", 0.36, 2),
        _cand("b.txt", "About 3,900 pilgrims made the walk, the parish council counted.", "3,900", 0.35, 3),
    ]


def _values(ranked: list[Candidate]) -> list:
    info = analyse(QUESTION)
    return [slot_values(c, info.labels, info.text) for c in ranked]


def test_slot_values_pair_each_figure_with_the_question_words_beside_it() -> None:
    values = _values(_ranked())
    assert {v for v, _ in values[0]} == {"4200"} and {v for v, _ in values[3]} == {"3900"}
    assert all(about for _, about in values[0] | values[3]), "each figure stands next to words of the question"
    assert values[1] == frozenset()
    assert values[2] == {("800", frozenset())}, "a figure of something else has no question word beside it"


def test_another_files_different_figure_for_the_same_thing_is_quoted_as_a_disagreement() -> None:
    ranked = _ranked()
    chosen = quoted(ranked, keep_ratio=0.55, most=5, dissent_ratio=0.4, values=_values(ranked))
    assert [c.source.path for c in chosen] == ["a.txt", "b.txt"], "not c.txt: its figure counts something else"


def test_without_the_rule_the_keep_ratio_alone_decides() -> None:
    ranked = _ranked()
    assert quoted(ranked, keep_ratio=0.55, most=5) == ranked[:1]
    assert quoted(ranked, keep_ratio=0.55, most=5, dissent_ratio=None, values=_values(ranked)) == ranked[:1]


def test_a_sentence_far_below_the_best_is_not_quoted_however_it_disagrees() -> None:
    ranked = _ranked()
    assert quoted(ranked, keep_ratio=0.55, most=5, dissent_ratio=0.5, values=_values(ranked)) == ranked[:1]


@pytest.mark.parametrize(
    ("files", "values"),
    [
        (["a.txt", "a.txt"], [{("4200", frozenset({"pilgrim"}))}, {("3900", frozenset({"pilgrim"}))}]),  # same file
        (["a.txt", "b.txt"], [{("4200", frozenset({"pilgrim"}))}, {("4200", frozenset({"walk"}))}]),  # same value
        (["a.txt", "b.txt"], [{("4200", frozenset({"pilgrim"}))}, {("800", frozenset())}]),  # another figure
        (["a.txt", "b.txt"], [set(), {("3900", frozenset({"pilgrim"}))}]),  # nothing to disagree with
    ],
)
def test_what_is_not_a_disagreement(files: list[str], values: list) -> None:
    assert dissenting([0.8, 0.7], files, [frozenset(v) for v in values], [0], 0.1) is None


def test_the_fitted_dissent_ratio_is_below_the_keep_ratio() -> None:
    model = load_model()
    assert model.dissent_ratio is None or 0.0 < model.dissent_ratio < model.keep_ratio


ARTICLES = {
    "herald.txt": (
        "Pilgrims Return to Sorrel Abbey\n\n"
        "Organisers said 4,200 pilgrims walked to Sorrel Abbey this spring, the most in a decade.\n"
        "The walk follows an old drovers' road across the Tamsin hills.\n"
        "Volunteers set up water stations every five miles along the route.\n"
    ),
    "courier.txt": (
        "Parish Counts Abbey Walkers\n\n"
        "The parish council counted about 3,900 pilgrims on the road to Sorrel Abbey this spring.\n"
        "Council members said the count was taken at the abbey gate.\n"
    ),
}


def test_both_figures_are_shown_with_their_citations_and_the_note(extractive_over) -> None:
    a = extractive_over(ARTICLES)
    answer = a.ask(QUESTION)
    assert "4,200" in answer.answer and "3,900" in answer.answer
    assert {c.file for c in answer.citations} == {"herald.txt", "courier.txt"}
    assert prompts.CONFLICT_LEAD in answer.answer


def _named(path: str, text: str, name: str, label: str) -> Candidate:
    source = _source(path).model_copy(update={"text": text})
    start = text.index(name)
    return Candidate(source, text, 0, [Entity(start=start, end=start + len(name), label=label)], np.zeros(8))


def test_a_value_from_a_passage_about_another_subject_is_no_disagreement() -> None:
    from rag.extractive import asked_slot_values

    info = analyse("Who is Tarnvik's chief designer?")
    ranked = [
        _named(
            "a.txt", "Tarnvik's chief designer Ola Brekke said the frame folds in ten seconds.", "Ola Brekke", "PERSON"
        ),
        _named("b.txt", "Chief executive Ivo Marsh said Corbel Foods would cut 900 jobs.", "Ivo Marsh", "PERSON"),
        _named("c.txt", "At Tarnvik, the chief designer is Saga Holm, the company said.", "Saga Holm", "PERSON"),
    ]
    values = asked_slot_values(info, ranked)
    assert {v for v, _ in values[0]} == {"ola brekke"} and {v for v, _ in values[2]} == {"saga holm"}
    assert values[1] == frozenset(), "the other company's chief executive fills another slot"


PLANT = {
    "herald.txt": (
        "Quennel Recall Widens\n\n"
        "Quennel's plant in Odmark made 14 batches of the recalled pill last year, the company said.\n"
        "The company has apologised to patients.\n"
    ),
    "courier.txt": (
        "Board Counts More Batches\n\n"
        "Quennel's plant in Odmark made 31 batches of the recalled pill last year, the safety board said.\n"
        "The board will publish its report in May.\n"
    ),
}


def test_differing_figures_are_noted_only_for_a_question_that_asks_a_figure(extractive_over) -> None:
    a = extractive_over(PLANT)
    where = a.ask("Where is Quennel's plant?")
    assert "14" in where.answer and "31" in where.answer, where.answer
    assert prompts.CONFLICT_LEAD not in where.answer
    assert prompts.CONFLICT_LEAD in a.ask("How many batches did Quennel's plant make last year?").answer
