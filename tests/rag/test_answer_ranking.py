"""Candidate sentences and their features, on invented passages with a bag-of-words embedder."""

from __future__ import annotations

import re

import numpy as np

from rag.answer_ranking import candidates
from rag.models import Entity, Source
from rag.questions import analyse


class WordEmbedder:
    """Hashes words into a unit vector: similar wording, similar vectors; no model to load."""

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64))
        for i, text in enumerate(texts):
            for w in re.findall(r"\w+", text.lower()):
                out[i, hash(w) % 64] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def source(n: int, text: str, entities: list[tuple[str, str]] = ()) -> Source:
    ents = [
        Entity(start=m.start(), end=m.end(), label=label) for name, label in entities for m in re.finditer(name, text)
    ]
    return Source(
        n=n, id=f"c{n}", text=text, file=f"f{n}.txt", path=f"f{n}.txt", title=f"File {n}", start_char=0,
        end_char=len(text), start_line=1, end_line=3, content_hash=f"h{n}", score=0.5,
    ).with_entities(ents)  # fmt: skip


def test_title_and_date_lines_are_no_candidates() -> None:
    text = (
        "Harbor ferry strike talks resume\nquay.example | 2031-04-02\n\nThe ferry union met the port board on Monday."
    )
    question = "Who met the port board?"
    found = candidates(analyse(question), question, [source(1, text)], WordEmbedder())
    assert [c.text for c in found] == ["The ferry union met the port board on Monday."]


def test_a_wire_leads_first_line_taken_for_a_title_is_still_a_candidate() -> None:
    lead = (
        "TARVIK, May 4 (Northwire) - About 2,400 dockworkers walked off the job at the port of Tarvik on Monday "
        "after pay talks broke down."
    )
    headline = "Ferry strike talks resume in Tarvik today."
    for title, text, kept in ((lead, lead, True), (headline, f"{headline}\nThe ferry union met the board.", False)):
        src = source(1, text).model_copy(update={"title": title})
        found = [c.text for c in candidates(analyse("What happened?"), "What happened?", [src], WordEmbedder())]
        assert (title in found) is kept


def test_an_answer_named_by_several_passages_scores_higher_agreement() -> None:
    question = "Which city will host the lantern fair?"
    first = "Organisers said Velmora will host the lantern fair in May. Tickets are on sale now."
    second = "The fair returns to Velmora after a decade. Brisk sales were reported in Ostrel."
    sources = [source(1, first, [("Velmora", "GPE")]), source(2, second, [("Velmora", "GPE"), ("Ostrel", "GPE")])]
    found = {c.text: c.features for c in candidates(analyse(question), question, sources, WordEmbedder())}
    assert found["Organisers said Velmora will host the lantern fair in May."]["type_agreement"] == 1.0
    assert found["Brisk sales were reported in Ostrel."]["type_agreement"] == 0.5
    assert found["Tickets are on sale now."]["type_agreement"] == 0.0
    # Two words from "host" in the first sentence; no question word near "Ostrel".
    assert found["Organisers said Velmora will host the lantern fair in May."]["type_proximity"] == 1 / 3
    assert found["Brisk sales were reported in Ostrel."]["type_proximity"] == 0.0
    # The sentence after the best match borrows its similarity.
    assert found["Tickets are on sale now."]["neighbour_similarity"] > 0.5


def test_a_how_phrase_names_no_topic() -> None:
    from rag.answer_ranking import topic_terms

    assert topic_terms("How long had it been in place?") == frozenset()
    assert topic_terms("How old is the Calder tunnel?") == {"tunnel"}
    assert "long" in topic_terms("Why is the Calder tunnel so long?")  # not a how-phrase: a word of the topic


def test_topic_words_leave_out_the_questions_names_and_generic_words_whatever_their_endings() -> None:
    from rag.answer_ranking import topic_terms
    from rag.text import term

    assert topic_terms("What is the population of Orvanes?") == {term("population")}
    assert topic_terms("What is the population of Greenvale?") == {term("population")}
    assert topic_terms("Which place did the Calder tunnel reach?") == {term("tunnel"), term("reach")}


def test_the_dates_of_a_question_are_not_its_topic() -> None:
    from rag.answer_ranking import topic_terms
    from rag.text import term

    assert topic_terms("What happened to the Varnholt museum in June 2025?") == {term("museum")}


def test_held_names_no_topic() -> None:
    from rag.answer_ranking import topic_terms

    # "Where was X held?": the event is the question's name; "held" says nothing of what it is about.
    assert topic_terms("Where was the Varnholt Chess Open held?") == frozenset()


def test_modals_and_indefinite_pronouns_name_no_topic() -> None:
    from rag.answer_ranking import topic_terms

    assert topic_terms("What must Vintell Estates repay?") == topic_terms("What will Vintell Estates repay?")
    assert not {"anyon", "anyone"} & topic_terms("Did anyone die in the Corvell fire?")
