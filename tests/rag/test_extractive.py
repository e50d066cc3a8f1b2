"""The extractive answerer's choice of sentence for the kind of answer a question asks for."""

import pytest

from rag.extractive import ExtractiveGenerator, expected_type
from rag.generator import Source
from rag.models import RetrievedChunk
from rag.settings import ExtractiveSettings


def _source(n: int, text: str) -> Source:
    chunk = RetrievedChunk(
        id=f"c{n}", file=f"f{n}.txt", path=f"f{n}.txt", title="", text=text, start_char=0, end_char=len(text),
        start_line=1, end_line=1, content_hash="h", score=1.0,
    )  # fmt: skip
    return Source(n=n, **chunk.model_dump())


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Why did the council close the harbour?", "reason"),
        ("What prompted the strike?", "reason"),
        ("How many ships docked?", "number"),
        ("Who closed the harbour?", "agent"),
        ("What did the council say?", None),
        ("Which military camp did the foreign troops enter?", "place"),
        ("How close is the visiting brigade to the local garrison?", "number"),
    ],
)
def test_expected_type(question: str, kind: str | None) -> None:
    assert expected_type(question) == kind


@pytest.mark.parametrize(
    ("question", "distractor", "answer"),
    [
        (
            "Why did the council close the harbour?",
            "The council closed the harbour at Port Vell to all cargo ships on Tuesday morning.",
            "Officials said the harbour was shut because a chemical spill had spread across the docks.",
        ),
        (
            "Which military camp did the foreign troops enter?",
            "Reports say foreign troops have begun entering military bases as the last convoys leave.",
            "The foreign troops are now operating from Camp Juniper 4, next to the old airport.",
        ),
        (
            "How close is the visiting brigade to the local garrison?",
            "The visiting brigade shares the airfield with the local garrison and its trainers.",
            "Officials said the visiting brigade camps about three miles from the local garrison.",
        ),
    ],
    ids=["why-cause", "which-camp-name", "how-close-distance"],
)
def test_the_sentence_of_the_kind_asked_for_wins(embedder, question: str, distractor: str, answer: str) -> None:
    generator = ExtractiveGenerator(embedder, ExtractiveSettings())
    got = "".join(generator.stream_answer(question, [_source(1, distractor), _source(2, answer)]))
    assert got.startswith(answer), got


def test_a_count_in_words_answers_how_many_unless_the_question_states_it(embedder) -> None:
    generator = ExtractiveGenerator(embedder, ExtractiveSettings())
    question = "According to the two inspectors, how many ferries were taken out of service?"
    sources = [
        _source(1, "The two inspectors visited the harbour office on Monday morning with the mayor."),
        _source(2, "The inspectors said five ferries were taken out of service after the storm."),
    ]
    typed = {c.source.n: c.typed for c in generator.candidates(question, sources)}
    assert typed == {1: False, 2: True}
    answer = "".join(generator.stream_answer(question, sources))
    assert answer.startswith("The inspectors said five ferries"), answer
