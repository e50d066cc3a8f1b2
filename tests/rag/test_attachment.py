"""Whether a figure or date in a sentence is about what the question counts or dates (invented sentences)."""

from __future__ import annotations

import zlib

import numpy as np

from rag.attachment import Matcher, attached, focus_of, stem
from rag.models import Entity

# Word vectors for the tests: "soldiers" is a close match of "troops", "personnel" is not.
_VECTORS = {
    "troops": [1.0, 0.0, 0.0],
    "soldiers": [0.95, 0.31, 0.0],
    "personnel": [0.5, 0.0, 0.87],
}


class FakeVectors:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        self.asked.extend(texts)
        return np.array([self._vector(t) for t in texts])

    @staticmethod
    def _vector(word: str) -> np.ndarray:
        """The table's vector, else a unit vector of its own (far from every other word's)."""
        if word in _VECTORS:
            return np.array(_VECTORS[word] + [0.0] * 61)
        v = np.random.default_rng(zlib.crc32(word.encode())).normal(size=64)
        v[:3] = 0.0
        return v / np.linalg.norm(v)


def _entity(text: str, span: str, label: str) -> Entity:
    start = text.index(span)
    return Entity(start=start, end=start + len(span), label=label)


def _attached(text: str, spans: list[tuple[str, str]], which: str, question: str, focus: list[str], **kw) -> bool:
    entities = [_entity(text, s, lab) for s, lab in spans]
    ent = next(e for e in entities if text[e.start : e.end] == which)
    return attached(text, entities, ent, Matcher(focus_of(question, focus), FakeVectors()), **kw)


Q = "How many Kestran troops are in Velmora?"


def test_inflections_share_a_snowball_stem() -> None:
    assert stem("arriving") == stem("arrive") == stem("arrived")
    assert stem("elections") == stem("election")


def test_a_figure_next_to_the_counted_word_is_attached() -> None:
    text = "Officials said 1,100 Kestran troops were stationed in Velmora."
    spans = [("1,100", "CARDINAL"), ("Kestran", "NORP"), ("Velmora", "GPE")]
    assert _attached(text, spans, "1,100", Q, ["troops"])


def test_a_figure_counting_something_else_is_not() -> None:
    text = "It is unclear how many troops remain in the country, but estimates suggested around 60 personnel."
    assert not _attached(text, [("around 60", "CARDINAL")], "around 60", Q, ["troops"])


def test_a_close_word_vector_stands_for_the_counted_word() -> None:
    text = "An estimated 1,100 Kestran soldiers were stationed there."
    spans = [("1,100", "CARDINAL"), ("Kestran", "NORP")]
    assert _attached(text, spans, "1,100", Q, ["troops"])
    assert not _attached(
        "An estimated 1,100 personnel were stationed there.", [("1,100", "CARDINAL")], "1,100", Q, ["troops"]
    )


def test_another_group_named_between_the_figure_and_the_counted_word_detaches_it() -> None:
    text = "Velmoran officials reported about 60 Ostrelian troops in the country."
    spans = [("Velmoran", "NORP"), ("about 60", "CARDINAL"), ("Ostrelian", "NORP")]
    assert not _attached(text, spans, "about 60", Q, ["troops"])
    # Dates are not owned: only the words of the event count.
    assert _attached(text, spans, "about 60", Q, ["troops"], owned=False)


def test_another_group_modifying_the_counted_word_before_the_figure_detaches_it() -> None:
    text = "Ostrelian troops there numbered 60 last spring."
    spans = [("Ostrelian", "NORP"), ("60", "CARDINAL"), ("last spring", "DATE")]
    assert not _attached(text, spans, "60", Q, ["troops"])
    same = "Kestran troops there numbered 60 last spring."
    assert _attached(same, [("Kestran", "NORP"), ("60", "CARDINAL")], "60", Q, ["troops"])


def test_a_date_must_stand_next_to_the_event_asked_about() -> None:
    text = (
        "The accord letting the garrison stay was in force from 2014 under the old rulers, "
        "while the withdrawal began last month."
    )
    spans = [("2014", "DATE"), ("last month", "DATE")]
    question = "When did the withdrawal begin?"
    assert _attached(text, spans, "last month", question, ["withdrawal", "begin"], owned=False)
    assert not _attached(text, spans, "2014", question, ["withdrawal", "begin"], owned=False)


def test_names_and_words_the_stem_already_matches_are_not_embedded() -> None:
    vectors = FakeVectors()
    text = "Kestran troops arrived in Velmora on Tuesday."
    entities = [_entity(text, "Kestran", "NORP"), _entity(text, "Velmora", "GPE"), _entity(text, "Tuesday", "DATE")]
    matcher = Matcher(focus_of("When did the Kestran troops arrive?", ["troops", "arrive"]), vectors)
    assert attached(text, entities, entities[2], matcher, owned=False)
    assert "Velmora" not in vectors.asked and "arrived" not in vectors.asked


def test_a_date_closing_the_clause_of_the_event_is_attached_however_far() -> None:
    matcher = Matcher(focus_of("When did the probe enter orbit?", ["probe", "enter", "orbit"]), None)
    text = "The Halcyon probe entered orbit around the icy moon Verris on Tuesday, ending a long journey."
    assert attached(text, [], _entity(text, "Tuesday", "DATE"), matcher)


def test_a_date_in_a_later_clause_dates_that_clause() -> None:
    matcher = Matcher(focus_of("When will the army complete its pull-out?", ["complete", "pull-out"]), None)
    for text in (
        "The army began its pull-out in spring after the council demanded it leave the valley last month.",
        "The army began its pull-out of the valley in spring, and the council met to discuss the valley last month.",
    ):
        assert not attached(text, [], _entity(text, "last month", "DATE"), matcher)


def test_and_before_a_new_subject_ends_a_dates_reach() -> None:
    matcher = Matcher(focus_of("When will the berths open?", ["berths", "open"]), None)
    text = "Construction will begin in spring 2026 and the berths should open in 2028, the port said."
    assert not attached(text, [], _entity(text, "spring 2026", "DATE"), matcher, owned=False)
    assert attached(text, [], _entity(text, "2028", "DATE"), matcher, owned=False)
    fronted = "In October, the berths will open to ships."  # a fronted date reaches past its comma
    assert attached(fronted, [], _entity(fronted, "October", "DATE"), matcher, owned=False)
    # Back past "and the …" it still reaches: there the "and" joins two objects of one verb.
    routes = Matcher(focus_of("When will the ferry routes be suspended?", ["ferry", "routes", "suspended"]), None)
    text = "Nordlys will suspend its routes between Skarvik and the Alder Islands from December to March."
    assert attached(text, [], _entity(text, "December to March", "DATE"), routes, owned=False)


def test_a_figure_nearer_the_counted_word_claims_it_unless_the_two_make_a_range() -> None:
    question = "How many passengers were aboard?"
    text = "The ferry sailed with a crew of three and twenty-five passengers on board."
    spans = [("three", "CARDINAL"), ("twenty-five", "CARDINAL")]
    assert not _attached(text, spans, "three", question, ["passengers"])
    assert _attached(text, spans, "twenty-five", question, ["passengers"])
    for ranged in ("The ferry took two or three passengers.", "The ferry took between two and three passengers."):
        assert _attached(ranged, [("two", "CARDINAL"), ("three", "CARDINAL")], "two", question, ["passengers"])


def test_a_date_after_a_verb_of_saying_dates_the_saying_and_a_later_date_reaches_no_further_than_its_comma() -> None:
    close = Matcher(focus_of("When will the night ward close?", ["close"]), None)
    text = "The trust said on Friday it would close the Larkhill night ward from 1 November, citing staff shortages."
    assert not attached(text, [], _entity(text, "Friday", "DATE"), close, owned=False)
    assert attached(text, [], _entity(text, "1 November", "DATE"), close, owned=False)
    announced = Matcher(focus_of("When was the new conductor announced?", ["announced"]), None)
    text = "The Vesper Choir named Ilka Morrow its conductor from the 2027 season, the choir announced on Monday."
    assert not attached(text, [], _entity(text, "the 2027 season", "DATE"), announced, owned=False)
    assert attached(text, [], _entity(text, "Monday", "DATE"), announced, owned=False)


def test_a_part_counts_what_the_whole_after_it_counts() -> None:
    text = "Levels exceeded the limit at four of the 23 roadside monitoring stations, all on the ring road."
    spans = [("four", "CARDINAL"), ("23", "CARDINAL")]
    question = "How many monitoring stations exceeded the limit?"
    assert _attached(text, spans, "four", question, ["stations"])
    assert _attached(text, spans, "23", question, ["stations"])


def test_a_figure_counts_what_its_clause_opens_with_not_what_the_next_clause_names() -> None:
    text = "Visits to the libraries rose 18 percent last year to 1.9 million, the council said."
    spans = [("18 percent", "PERCENT"), ("1.9 million", "CARDINAL")]
    question = "How many visits did the libraries have?"
    assert _attached(text, spans, "1.9 million", question, ["visits"])
    later = "The libraries were busy, and the council counted 1.9 million in all."
    assert not _attached(later, [("1.9 million", "CARDINAL")], "1.9 million", question, ["visits"])


def test_an_irregular_form_meets_its_base() -> None:
    from rag.attachment import Matcher, focus_of

    matcher = Matcher(focus_of("When did the Orlen fire break out?", ["break"]), None)
    assert matcher.matching(["broke", "fire", "broken"]) == [True, False, True]
