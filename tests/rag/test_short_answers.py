"""The short answer picks the entity that answers the asked kind, even when the small NER model mislabels it."""

from rag.models import Citation, Entity, Source
from rag.questions import analyse
from rag.short_answers import short_answer

TEXT = "Crews from Norland repaired the old crossing, Calder Bridge, over the winter."


def _source(entities: list[Entity]) -> Source:
    return Source(
        n=1, id="c1", text=TEXT, file="a.txt", path="a.txt", title="", start_char=0, end_char=len(TEXT),
        start_line=1, end_line=1, content_hash="h", score=1.0,
    ).with_entities(entities)  # fmt: skip


def _citation() -> Citation:
    return Citation(
        n=1, file="a.txt", path="a.txt", title="", start_line=1, end_line=1, quote=TEXT, quote_start_char=0,
        quote_end_char=len(TEXT), content_hash="h", support_score=1.0,
    )  # fmt: skip


def _span(text: str, label: str) -> Entity:
    start = TEXT.index(text)
    return Entity(start=start, end=start + len(text), label=label)


def test_a_name_that_says_it_is_the_asked_kind_wins_over_a_mislabel() -> None:
    entities = [_span("Norland", "GPE"), _span("Calder Bridge", "PERSON")]
    found = short_answer(analyse("Which bridge did the crews repair?"), [_citation()], [_source(entities)])
    assert found is not None and found.text == "Calder Bridge" and found.citation == 1


def test_otherwise_the_first_entity_of_the_expected_kind() -> None:
    entities = [_span("Norland", "GPE"), _span("Calder Bridge", "PERSON")]
    found = short_answer(analyse("Which country did the crews come from?"), [_citation()], [_source(entities)])
    assert found is not None and found.text == "Norland"
