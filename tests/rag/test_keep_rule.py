"""How many sentences an extractive answer quotes: the fitted keep ratio, on invented sentences and articles."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.answer_ranking import WEIGHTS_FILE, Candidate, load_model
from rag.extractive import quoted
from rag.models import Source


def _source(n: int = 1) -> Source:
    return Source(
        n=n, id=f"c{n}", text="", file=f"f{n}.txt", path=f"f{n}.txt", title=f"File {n}", start_char=0, end_char=0,
        start_line=1, end_line=1, content_hash=f"h{n}", score=0.5,
    )  # fmt: skip


def _ranked(probabilities: list[float], texts: list[str] | None = None) -> list[Candidate]:
    """Candidates best first, each with its own direction (no two are near-duplicates unless texts say so)."""
    texts = texts or [f"Sentence number {i} says a distinct thing about topic {i}." for i in range(len(probabilities))]
    dim = len(probabilities)
    out = []
    for i, (p, text) in enumerate(zip(probabilities, texts, strict=True)):
        vec = np.zeros(dim)
        vec[i] = 1.0
        out.append(Candidate(_source(), text, 0, [], vec, probability=p))
    return out


def test_a_sure_best_sentence_is_quoted_alone() -> None:
    ranked = _ranked([0.9, 0.4, 0.3])
    assert quoted(ranked, keep_ratio=0.5, most=5) == ranked[:1]


def test_an_unsure_best_sentence_brings_the_ones_close_to_it() -> None:
    ranked = _ranked([0.2, 0.18, 0.15, 0.11, 0.05])
    assert quoted(ranked, keep_ratio=0.5, most=5) == ranked[:4]
    assert quoted(ranked, keep_ratio=0.5, most=2) == ranked[:2]


def test_the_same_second_sentence_is_kept_or_not_by_the_best_ones_confidence() -> None:
    """The rule is relative: 0.3 is close to an unsure 0.4 but far from a sure 0.9."""
    assert len(quoted(_ranked([0.4, 0.3]), keep_ratio=0.5, most=5)) == 2
    assert len(quoted(_ranked([0.9, 0.3]), keep_ratio=0.5, most=5)) == 1


def test_a_near_duplicate_is_skipped_and_the_next_sentence_taken() -> None:
    same = "The bridge over the Corran estuary will cost 40 million crowns, the council said."
    ranked = _ranked([0.5, 0.45, 0.4], [same, same, "Work on the Corran bridge starts in the spring of next year."])
    ranked[1].vector = ranked[0].vector
    assert [c.text for c in quoted(ranked, keep_ratio=0.5, most=5)] == [same, ranked[2].text]


def test_no_candidates_quote_nothing() -> None:
    assert quoted([], keep_ratio=0.5, most=5) == []


def test_the_fitted_model_carries_a_keep_ratio_between_zero_and_one() -> None:
    model = load_model()
    assert 0.0 <= model.keep_ratio < 1.0


def test_weights_fitted_for_the_old_keep_threshold_ask_for_a_refit(tmp_path) -> None:
    data = json.loads(WEIGHTS_FILE.read_text())
    data["keep_threshold"] = data.pop("keep_ratio")
    old = tmp_path / "answer_ranker.json"
    old.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="keep rule"):
        load_model(old)


ARTICLES = {
    "harbour.txt": (
        "Harbour Board Names New Chair\n\n"
        "The Velmora harbour board named Ilse Brandvik as its new chair on Monday.\n"
        "Ilse Brandvik, the new chair of the Velmora harbour board, said dredging would begin in June.\n"
        "The board also approved a budget for repairs to the northern quay.\n"
        "Fishing crews have long complained about silt in the northern channel.\n"
    ),
    "market.txt": (
        "Market Square Reopens\n\n"
        "Stalls returned to the market square in Ostrel after months of paving work.\n"
        "Traders said footfall was lower than before the works began.\n"
    ),
}


@pytest.fixture
def harbour_assistant(extractive_over):
    return extractive_over(ARTICLES)


def test_a_confident_short_answer_quotes_fewer_sentences_than_the_cap(harbour_assistant) -> None:
    answer = harbour_assistant.ask("Who is the new chair of the Velmora harbour board?")
    assert answer.short_answer is not None and answer.short_answer.text == "Ilse Brandvik"
    quotes = {c.quote for c in answer.citations}
    assert 1 <= len(quotes) < harbour_assistant.settings.extractive.max_sentences
    assert all("Brandvik" in q for q in quotes)


def test_a_vague_question_quotes_more_sentences_than_a_pointed_one(harbour_assistant) -> None:
    pointed = harbour_assistant.ask("Who is the new chair of the Velmora harbour board?")
    vague = harbour_assistant.ask("What has the board decided?")
    assert not vague.abstained
    assert len({c.quote for c in vague.citations}) > len({c.quote for c in pointed.citations})
