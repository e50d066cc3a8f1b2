"""The embedded default answerer: quotes the retrieved sentences most likely to answer the question.

Each sentence of the retrieved chunks is scored by the fitted ranker (``rag.answer_ranking``); the
question-level model decides whether the evidence answers at all. A question that asks for a kind of
entity no retrieved passage holds, or whose topic words (besides its names) occur in none of them, is not
answered (the pipeline already refused questions whose names occur in none). The best
sentence comes first, then the next ones whose probability comes within the fitted keep ratio of the
best one's (a confident best sentence is quoted alone, an unsure one with company), each followed by
its citation.
Questions about the articles themselves (who wrote it, when it was published, the latest on a topic)
are answered from the byline and date lines. Nothing is generated, so nothing can be invented.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from index.entities import label_recall
from rag import prompts
from rag.answer_ranking import (
    Candidate,
    Slot,
    candidates,
    dissenting,
    is_unanswerable,
    load_model,
    names_the_subject,
    question_features,
    score,
    slot_values,
    topic_said_otherwise,
    topic_terms,
    topic_words,
)
from rag.attachment import Matcher, WordVectors, attached, clause_before, focus_matcher, focus_of
from rag.conversation import context_of
from rag.embeddings import Embedder
from rag.generator import Generator, History, Source
from rag.metadata_answers import answer_metadata
from rag.questions import (
    FIGURE,
    MONEY,
    PERSON,
    TIMESPAN,
    MetaKind,
    QuestionInfo,
    analyse,
    condense,
    counted_terms,
    counted_words,
    head_noun,
    identifiers,
    meta_kind,
    role_modifiers,
    role_named,
    role_noun,
    role_terms,
)
from rag.settings import ExtractiveSettings
from rag.text import content_terms, numbers, term, words, words_after, words_around
from rag.word_forms import can_be_verb, lemma_term


class ExtractiveGenerator(Generator):
    backend = "extractive"
    model = None

    def __init__(self, embedder: Embedder, settings: ExtractiveSettings) -> None:
        self.embedder = embedder
        self.settings = settings
        self.note = prompts.EXTRACTIVE_NOTE

    def condense(self, question: str, history: History, passages: Sequence[str] = ()) -> str:
        return condense(question, history, passages)

    def ranked(self, question: str, sources: Sequence[Source]) -> tuple[QuestionInfo, list[Candidate]]:
        info = analyse(question)
        cands = candidates(info, question, sources, self.embedder)
        score(cands, load_model())
        return info, sorted(cands, key=lambda c: c.probability, reverse=True)

    def select(self, question: str, sources: Sequence[Source]) -> list[Candidate]:
        info, ranked = self.ranked(question, sources)
        if not ranked:
            return []
        model = load_model()
        qf = question_features(info, ranked, sources)
        # A store indexed before entities were kept has none: the entity-kind rule cannot judge it.
        typed_store = any(src.entities for src in sources)
        no_type = typed_store and qf["type_in_evidence"] == 0.0 and tagged_reliably(info.labels)
        topic_absent = qf["topic_in_evidence"] == 0.0 and not topic_said_otherwise(
            info.text, " ".join(src.text for src in sources), self.embedder
        )
        if no_type or topic_absent or is_unanswerable(qf, model):
            return []
        if nothing_to_look_for(info, question) or (typed_store and no_figure_of_the_topic(info, ranked, self.embedder)):
            return []
        if typed_store and no_date_of_the_event(info, ranked, self.embedder):
            return []
        if typed_store and (no_person_for_the_role(info, ranked) or not_about_the_numbered_thing(info, ranked)):
            return []
        values = asked_slot_values(info, ranked) if info.labels else None
        return quoted(ranked, model.keep_ratio, self.settings.max_sentences, model.dissent_ratio, values)

    def stream_answer(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        meta = answer_metadata(question, sources)
        if meta is not None:
            text, source = meta
            yield text
            if meta_kind(question) is MetaKind.LATEST:
                # What that newest article says about the topic, after its date.
                _, ranked = self.ranked(question, [s for s in sources if s.path == source.path])
                if ranked:
                    yield f" {ranked[0].text} [{ranked[0].source.n}]"
            return
        if meta_kind(question) in (MetaKind.AUTHOR, MetaKind.PUBLISHED):
            yield prompts.NO_ANSWER
            return
        chosen = self.select(question, sources)
        if not chosen:
            yield prompts.NO_ANSWER
            return
        for i, cand in enumerate(chosen):
            yield ("" if i == 0 else " ") + f"{cand.text} [{cand.source.n}]"


def asked_slot_values(info: QuestionInfo, ranked: Sequence[Candidate]) -> list[frozenset[Slot]]:
    """Each sentence's values for the asked slot (``slot_values``), none for a sentence whose passage does not
    name what the question names: its value belongs to another subject and disagrees with nothing."""
    return [
        slot_values(c, info.labels, info.text) if names_the_subject(info.text, c.source) else frozenset()
        for c in ranked
    ]


def quoted(
    ranked: Sequence[Candidate],
    keep_ratio: float,
    most: int,
    dissent_ratio: float | None = None,
    values: Sequence[frozenset[Slot]] | None = None,
) -> list[Candidate]:
    """The best sentence, then the next ones (best first, at most ``most`` in all) whose probability is at least
    ``keep_ratio`` times the best one's: a sure answer is quoted alone, an unsure one with the sentences that
    come close to it. Near-duplicates of a quoted sentence are skipped. Given the asked slot's ``values`` of
    each sentence, a sentence from another file that fills the slot differently and comes within
    ``dissent_ratio`` of the best is quoted too, while the answer has room: a disagreement between sources
    is shown, not settled by the ranker."""
    if not ranked:
        return []
    chosen = [0]
    floor = keep_ratio * ranked[0].probability
    for i, cand in enumerate(ranked[1:], start=1):
        if len(chosen) >= most or cand.probability < floor:
            break
        if not any(_redundant(cand, ranked[j]) for j in chosen):
            chosen.append(i)
    if values is not None and len(chosen) < most:
        probabilities = [c.probability for c in ranked]
        other = dissenting(probabilities, [c.source.path for c in ranked], values, chosen, dissent_ratio)
        if other is not None:
            chosen.append(other)
    return [ranked[i] for i in chosen]


def tagged_reliably(labels: frozenset[str]) -> bool:
    """Whether the entity tagger finds most mentions of an expected kind (recall >= 0.5 in its own evaluation,
    ``index.entities.label_recall``): only then does "no passage holds one" mean the evidence lacks the kind.
    It finds 0.90 of people and places but 0.30 of events ("the upcoming elections") and 0.22 of products."""
    recall = label_recall()
    return not recall or not labels or max(recall.get(label, 1.0) for label in labels) >= 0.5


def nothing_to_look_for(info: QuestionInfo, question: str) -> bool:
    """A question that names only the kind of answer it wants ("Which city?"), with no conversation to lend
    it a subject, matches any passage that mentions such a thing: it cannot be answered from the articles."""
    if context_of(question) or info.names:
        return False
    head = head_noun(info.text)
    return not (topic_terms(info.text) - (topic_terms(head) if head else frozenset()))


def no_figure_of_the_topic(info: QuestionInfo, ranked: Sequence[Candidate], vectors: WordVectors | None = None) -> bool:
    """ "How many fighters …?" over passages whose figures all count other things ("six coups", "60 troops"):
    the question names what it counts, and no figure in the read sentences has that within four words of it
    or earlier in its clause ("Visits to the libraries rose … to 1.9 million"), nor a span of time in it ("12
    years" for "how many years"). A word counts by its stem or, with ``vectors``, a close word vector
    ("workers" for "employees"), as the short answer's attachment reads it."""
    counted = counted_terms(info.text)
    if not counted or not info.labels <= FIGURE:
        return False
    matcher = Matcher(focus_of(info.text, counted_words(info.text)), vectors)
    # "How many staff does the creamery employ?" over "The creamery employs 120 people": the question's verb
    # right before a figure governs it, whatever noun the figure counts.
    acts = {lemma_term(w) for w in topic_words(info.text) if term(w) not in counted and can_be_verb(w)}
    for cand in ranked:
        for e in cand.entities:
            if e.label == MONEY and MONEY not in info.labels:
                continue  # "How many households signed?" over "a fund of 1.5 million pounds for households"
            inside = [part for w in words(cand.text[e.start : e.end]) for part in {w, *w.split("-")}]  # "16-bed"
            if e.label in FIGURE and acts & {lemma_term(w.lower()) for w in words(cand.text[: e.start])[-2:]}:
                return False
            if e.label in FIGURE and acts & {lemma_term(w.lower()) for w in words(cand.text[e.end :])[1:2]}:
                return False  # "How many people signed the petition?" over "2,400 residents signed a petition"
            if e.label in FIGURE:
                near = inside + words_around(cand.text, e.start, e.end) + words(clause_before(cand.text, e))
            elif e.label in TIMESPAN:
                near = inside
            else:
                continue
            if counted & {term(w) for w in near} or any(matcher.matching(near)):
                return False
    return True


def no_date_of_the_event(info: QuestionInfo, ranked: Sequence[Candidate], vectors: WordVectors | None = None) -> bool:
    """ "On what date will the Kestran army finish its withdrawal?" over passages whose dates all date other
    events ("the accord in force since 2014", "demanded they leave last month"): no date or time in the read
    sentences has a word of the asked event within four words of it (``rag.attachment``)."""
    matcher = focus_matcher(info, vectors) if info.labels and info.labels <= TIMESPAN else None
    if matcher is None:
        return False
    for cand in ranked:
        for e in cand.entities:
            if e.label in TIMESPAN and attached(cand.text, cand.entities, e, matcher, owned=False):
                return False
    return True


def no_person_for_the_role(info: QuestionInfo, ranked: Sequence[Candidate]) -> bool:
    """ "What is the name of the general who …?" over passages that mention the general but name no one
    beside the word: an article naming someone in a role puts the name next to it ("Ilse Brandvik, a
    spokesperson", "spokesperson Ilse Brandvik"), so no person within four words of the role in any read
    sentence means the name is not there. A narrowed role must stand narrowed ("Science Minister Heddy Marrow"
    is no prime minister)."""
    role = role_noun(info.text)
    if role is None or PERSON not in info.labels or not role_named(info.text):
        return False
    wanted, narrowed = role_terms(info.text), role_modifiers(info.text)
    for cand in ranked:
        for e in cand.entities:
            if e.label != PERSON:
                continue
            around = words(cand.text[: e.start])[-4:] + words_after(cand.text, e.end)
            near = {term(p) for w in around for p in (w, *w.split("-"))}
            if wanted & near and narrowed <= near:
                return False
    return True


def not_about_the_numbered_thing(info: QuestionInfo, ranked: Sequence[Candidate]) -> bool:
    """ "How much did Gate 12 cost?" over passages that give only Gate 14's cost: when the question tells its
    subject by a number, an answer of the expected kind must sit in a sentence that holds that number."""
    wanted = identifiers(info.text)
    if not wanted or not info.labels:
        return False
    return not any(wanted <= numbers(c.text) and c.typed_entities(info.labels, info.text) for c in ranked)


def _redundant(a: Candidate, b: Candidate) -> bool:
    """Near-duplicates add nothing, unless they disagree on a figure (then both are shown)."""
    if float(a.vector @ b.vector) < 0.9 and len(content_terms(a.text) ^ content_terms(b.text)) > 4:
        return False
    return numbers(a.text) == numbers(b.text)
