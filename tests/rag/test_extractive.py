"""The extractive answerer's choice of sentence for the kind of answer a question asks for."""

import pytest

from rag.extractive import ExtractiveGenerator, expected_type
from rag.llms import Source
from rag.models import RetrievedChunk
from rag.settings import AnswerSettings


def _source(n: int, text: str) -> Source:
    chunk = RetrievedChunk(
        id=f"c{n}", file=f"f{n}.txt", path=f"f{n}.txt", title="", text=text, start_char=0, end_char=len(text),
        start_line=1, end_line=1, content_hash="h", score=1.0,
    )  # fmt: skip
    return Source(n, chunk)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Why did the council close the harbour?", "reason"),
        ("What prompted the strike?", "reason"),
        ("How many ships docked?", "number"),
        ("Who closed the harbour?", "agent"),
        ("What did the council say?", None),
    ],
)
def test_expected_type(question: str, kind: str | None) -> None:
    assert expected_type(question) == kind


def test_a_why_question_is_answered_by_the_sentence_that_gives_a_cause(embedder) -> None:
    generator = ExtractiveGenerator(embedder, AnswerSettings())
    sources = [
        _source(1, "The council closed the harbour at Port Vell to all cargo ships on Tuesday morning."),
        _source(2, "Officials said the harbour was shut because a chemical spill had spread across the docks."),
    ]
    answer = "".join(generator.stream_answer("Why did the council close the harbour?", sources))
    assert answer.startswith("Officials said the harbour was shut because"), answer


def test_which_base_is_answered_by_the_sentence_that_names_it(embedder) -> None:
    generator = ExtractiveGenerator(embedder, AnswerSettings())
    sources = [
        _source(1, "Reports say foreign troops have begun entering military bases as the last convoys leave."),
        _source(2, "The foreign troops are now operating from Camp Juniper 4, next to the old airport."),
    ]
    assert expected_type("Which military camp did the foreign troops enter?") == "place"
    answer = "".join(generator.stream_answer("Which military camp did the foreign troops enter?", sources))
    assert answer.startswith("The foreign troops are now operating from Camp Juniper 4"), answer


def test_a_distance_spelled_out_answers_how_close(embedder) -> None:
    generator = ExtractiveGenerator(embedder, AnswerSettings())
    sources = [
        _source(1, "The visiting brigade shares the airfield with the local garrison and its trainers."),
        _source(2, "Officials said the visiting brigade camps about three miles from the local garrison."),
    ]
    question = "How close is the visiting brigade to the local garrison?"
    assert expected_type(question) == "number"
    answer = "".join(generator.stream_answer(question, sources))
    assert answer.startswith("Officials said the visiting brigade camps about three miles"), answer


def test_a_count_in_words_answers_how_many_unless_the_question_states_it(embedder) -> None:
    generator = ExtractiveGenerator(embedder, AnswerSettings())
    question = "According to the two inspectors, how many ferries were taken out of service?"
    sources = [
        _source(1, "The two inspectors visited the harbour office on Monday morning with the mayor."),
        _source(2, "The inspectors said five ferries were taken out of service after the storm."),
    ]
    typed = {c.source.n: c.typed for c in generator.candidates(question, sources)}
    assert typed == {1: False, 2: True}
    answer = "".join(generator.stream_answer(question, sources))
    assert answer.startswith("The inspectors said five ferries"), answer
