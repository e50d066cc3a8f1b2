"""The multiple-choice picker the RealTime QA metrics read an answer with (runs without the benchmark folder)."""

from __future__ import annotations

from evals import realtimeqa


class _FlatVectors:
    """Every text gets the same vector: the pick rests on the short answer and the words alone."""

    def embed_cached(self, texts: list[str]):
        import numpy as np

        return np.ones((len(texts), 3)) / 3**0.5


def test_choose_reads_the_short_answer_first():
    choices = ["Tomas Reyl", "Pavel Dusek", "Anka Horak"]
    evidence = ["Dusek signed the longest deal, passing Tomas Reyl as the best paid player of the league."]
    question = "Which player became the best paid in the league?"
    assert realtimeqa.choose(question, choices, evidence, _FlatVectors()) == 0  # words alone: Reyl's are all there
    assert realtimeqa.choose(question, choices, evidence, _FlatVectors(), short="Dusek") == 1
    assert realtimeqa.choose(question, ["$3", "$4", "$5"], ["It hit $4.96 a gallon."], _FlatVectors(), "$4.96") == 2
    assert realtimeqa.choose(question, choices, [], _FlatVectors(), "Dusek") is None  # abstained: no pick


def test_choose_takes_the_choice_the_answers_lead_sentence_names():
    chains = ["Pellwick Burgers", "Tarn Tacos", "Quayside Chicken"]
    question = "Which chain has the slowest drive-thru, according to a new study?"
    evidence = [
        "A recent study showed Quayside Chicken had the slowest one.",
        "Pellwick Burgers posted its slowest drive-thru time ever in the study, Pellwick Burgers said.",
    ]
    assert realtimeqa.choose(question, chains, evidence, _FlatVectors()) == 2
    # Passages in retrieval order have no lead: all of them are weighed (Pellwick's words appear more).
    assert realtimeqa.choose(question, chains, evidence, _FlatVectors(), answer=False) == 0
