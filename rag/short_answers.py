"""The short answer that opens an answer, and disagreements between sources about it.

Works on a verified answer of any backend: the entities inside each cited quote were found at index time,
so the entities of the kind the question asks for ("which country" -> a GPE) that the question does not
already name are the candidates (``rag.entity_candidates``); the one chosen is the short answer, cited like
its quote. When quotes from different files put different entities in the same slot (the words around them
overlap each other and the question), both are shown with their citations.

The first candidate (in citation order; a name that says it is the asked kind first) is the short answer; a
small logistic model (weights in ``rag/data/short_answer_confidence.json``, fitted by
``bench/fit_short_answers.py`` with grouped cross-validation over every candidate) reads where it stands, how
often the quotes and read passages repeat it, how near the question's words, its kind, and gives its chance of
being right, the short answer's ``confidence``. Below ``answer.short_answer_min_confidence`` the answer opens
with its quotes instead. (The model ranks the candidates no better than that order, out of fold.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from index.entities import within
from rag import prompts
from rag.answer_ranking import closest_word, names_the_subject, proximity, topic_words
from rag.attachment import WordVectors, stem
from rag.citing import dated, same_slot
from rag.conversation import is_demonym
from rag.corrections import cited_in_notice, superseding
from rag.dates import names_a_time
from rag.entity_candidates import (
    AGENT_LABELS,
    FEATURES,
    EntityCandidate,
    asks_earlier,
    entity_candidates,
    entity_text,
    independent_clause,
    name_labels,
    quote_span,
    source_of,
    typed_entities,
)
from rag.logistic import Logistic
from rag.metadata_answers import metadata_value
from rag.models import Citation, Entity, ShortAnswer, Source
from rag.questions import (
    FIGURE,
    NAMES,
    TIMESPAN,
    QuestionInfo,
    asking_sentence,
    asks_for_outlets,
    asks_for_several,
    counted_terms,
)
from rag.text import (
    CALENDAR_WORDS,
    content_terms,
    name_phrases,
    question_name_tokens,
    term,
    words,
)
from rag.word_forms import can_be_verb, is_past_form, lemma_term

MODEL_FILE = Path(__file__).with_name("data") / "short_answer_confidence.json"


@lru_cache(maxsize=4)
def load_entity_model(path: Path = MODEL_FILE) -> Logistic | None:
    """The fitted model: the chance that a candidate entity is the right short answer; None when the file is
    missing (the chosen short answer is then always shown)."""
    if not path.exists():
        return None
    try:
        return Logistic.from_json(json.loads(path.read_text()), FEATURES)
    except ValueError:
        raise ValueError(f"{path} was fitted for other features; re-run bench/fit_short_answers.py") from None


def _about_another(
    best: EntityCandidate, info: QuestionInfo, citations: Sequence[Citation], sources: Sequence[Source]
) -> bool:
    """Whether the quote of the answer leaves out a name the question asks about and names another of its kind
    instead: "About 620 homes were flooded in Marrowby" answers no "How many homes were flooded in Fennick?"
    (the kind: the label the read passages give the question's name); or the quote names neither and its passage
    names only the other. An abbreviation is the name it shortens ("HSB", "the Harbour Safety Board")."""
    cited = _cited(best.answer, citations, sources)
    if cited is None:
        return False
    cit, source = cited
    asking = asking_sentence(info.text)
    own = {t.lower() for t in question_name_tokens(asking)}
    lo, hi = quote_span(cit, source)
    quoted = {p.lower() for t in words(cit.quote) for p in (t, *t.split("-"))}  # "GOP-held" holds "GOP"
    labels = name_labels(sources) or {}
    missing = {
        labels.get(name.lower(), labels.get(f"the {name.lower()}"))
        for name in name_phrases(asking)
        if set(words(name.lower())) & own and not set(words(name.lower())) & quoted
    } - {None, best.answer.label}  # "Where in the US …?": another place may be the answer's own container
    if not missing:
        return False
    answer = set(words(best.answer.text.lower()))
    short = {n.replace(".", "") for n in name_phrases(asking) if n.replace(".", "").isupper()}

    def another(text: str, entities: Sequence[Entity]) -> bool:
        named = [text[e.start : e.end] for e in entities if e.label in missing]
        return any(not set(words(n.lower())) & (answer | own) and _initials(n) not in short for n in named)

    if another(source.text[lo:hi], within(source.entities, lo, hi)):
        return True
    passage = {t.lower() for t in words(source.text)}
    return not (own & passage) and another(source.text, source.entities)


def _initials(name: str) -> str:
    """ "The Harbour Safety Board" -> "HSB": how an abbreviation in a question may write the same name."""
    return "".join(t[0] for t in name.split() if t[:1].isupper() and t.lower() != "the")


def _cited(
    answer: ShortAnswer, citations: Sequence[Citation], sources: Sequence[Source]
) -> tuple[Citation, Source] | None:
    """The citation a short answer stands in, and the passage it quotes."""
    cit = next((c for c in citations if c.n == answer.citation), None)
    source = source_of(cit, sources) if cit else None
    return (cit, source) if cit is not None and source is not None else None


_LIST_JOINT = re.compile(r"(?:,\s+(?:and\s+)?|\s+and\s+)(?:the\s+)?")


def _listed(
    answer: ShortAnswer, citations: Sequence[Citation], sources: Sequence[Source], labels: frozenset[str]
) -> str:
    """The short answer with the entities of the asked kind listed right after it in its quote ("Orlen" ->
    "Orlen and Kasby", "A, B and C"), for a question that asks for several."""
    cited = _cited(answer, citations, sources)
    if cited is None:
        return answer.text
    cit, source = cited
    lo, hi = quote_span(cit, source)
    inside = sorted(within(source.entities, lo, hi), key=lambda e: e.start)  # offsets into the quote
    quote = source.text[lo:hi]
    first = next((e for e in inside if entity_text(quote, e) == answer.text), None)
    if first is None:
        return answer.text
    end = first.end
    while True:
        joint = _LIST_JOINT.match(quote, end)
        follower = joint and next(
            (
                e
                for e in inside
                if e.label in labels and (e.start == joint.end() or quote[e.start : joint.end()] == "the ")
            ),
            None,
        )
        if not follower:
            break
        end = follower.end
    return quote[first.start : end] if end > first.end else answer.text


def short_answer(
    info: QuestionInfo,
    citations: Sequence[Citation],
    sources: Sequence[Source],
    context: str = "",
    vectors: WordVectors | None = None,
    min_confidence: float = 0.0,
) -> ShortAnswer | None:
    """The entity that opens the answer: the first candidate, a name of the asked kind first, shown with the
    fitted model's chance that it is right as its ``confidence`` when that reaches ``min_confidence`` (a wrong
    answer in bold misleads more than none); the byline or date for a question about the articles themselves."""
    if info.meta is not None:
        if asks_for_outlets(info.text):
            return None  # "Which outlets …?": the answer lists them, one bold name would be one of several
        for cit in citations:
            source = source_of(cit, sources)
            if source is not None:
                value = metadata_value(info.text, source)
                quoted = value is not None and value in " ".join(cit.quote.split())  # across a line break too
                return ShortAnswer(text=value, citation=cit.n, label=None) if quoted else None
        return None
    found = entity_candidates(info, citations, sources, context, vectors)
    if not found:
        return None
    best = chosen = found[first_choice(found)]
    if not _asks_for_an_earlier_state(info.text):
        unnoticed = [c for c in citations if not cited_in_notice(c, sources)]  # a notice retracts instead
        best = _newest_restatement(best, found, unnoticed, info.text)
        newer = superseding(best.answer, [c.answer for c in found], citations, sources)
        if newer is None:
            return None  # "revising an earlier reading of 6.2 metres", and the new value is not quoted
        best = next(c for c in found if c.answer is newer)
    if asks_for_several(info.text):
        listed = _listed(best.answer, citations, sources, info.labels)
        best = replace(best, answer=best.answer.model_copy(update={"text": listed}))
    if untagged_name_nearer(best, info, citations, sources):
        return None
    if best.added:
        return None  # "another four papers were retracted" says how many more, not how many in all
    if _about_another(best, info, citations, sources):
        return None
    clause = _clause_holding(best.answer, citations) if best.answer.label in FIGURE else ""
    if clause and _predicate_unsaid(info, clause, vectors, best.answer.text):
        return None
    if best.answer.label in NAMES and _verb_unsaid(info.text, best.answer, citations, vectors):
        return None
    model = load_entity_model()
    if model is None:
        return best.answer
    confidence = model.probability(chosen.features)  # a newer restatement answers the slot the model judged
    if confidence < min_confidence:
        return None
    return best.answer.model_copy(update={"confidence": round(confidence, 3)})


# A clause that anchors the question at an event ("… by the time the deal was reached?", "… when the junta
# ordered them to leave?"): it asks the value of that moment, which need not be the newest.
_AT_AN_EVENT = re.compile(r"\b(?:by the time|at the time|when|while|until|after|during)\b", re.I)


def _asks_for_an_earlier_state(question: str) -> bool:
    """An earlier state, a named time ("by June") or an event's moment ("by the time the deal was reached")."""
    asked = asking_sentence(question)
    anchored = any(m.start() > 0 for m in _AT_AN_EVENT.finditer(asked.lstrip()))
    return asks_earlier(question) or names_a_time(asked) or anchored


def _newest_restatement(
    best: EntityCandidate, found: Sequence[EntityCandidate], citations: Sequence[Citation], question: str = ""
) -> EntityCandidate:
    """An evolving story revises its figures: when a newer article gives another value for the same thing
    ("lost about 140 million crowns" in June, "about 180 million crowns" in July), the newest value answers;
    the disagreement note still shows both, dated. The newer quote must name what the question names as much as
    the older one does ("1,200 residents … in Nordby" is no newer count for Halden)."""
    if best.answer.label not in FIGURE:
        return best
    own = question_name_tokens(asking_sentence(question)) if question else set()
    by_n = {c.n: c for c in citations}
    mine = by_n.get(best.answer.citation)
    if mine is None or not mine.published:
        return best
    newest, when = best, mine.published
    for c in found:
        cit = by_n.get(c.answer.citation)
        if c.answer.label not in FIGURE or cit is None or cit.file == mine.file or not cit.published:
            continue
        named = own & set(words(cit.quote)) >= own & set(words(mine.quote))
        if cit.published > when and named and same_slot(mine.quote, best.answer.text, cit.quote, c.answer.text, True):
            newest, when = c, cit.published
    return newest


def _clause_holding(answer: ShortAnswer, citations: Sequence[Citation]) -> str:
    """The independent clause (``_CLAUSES``) of its quote that holds the short answer: "Rescuers brought nine
    miners out alive, but two more bodies were recovered" -> the first for "nine"."""
    quote = next((c.quote for c in citations if c.n == answer.citation), "")
    at = quote.find(answer.text)
    if at < 0:
        return quote
    start, end = independent_clause(quote, at, at + len(answer.text))
    return quote[start:end]


# Closer than the topic rule's ``TOPIC_SYNONYM``: an act and its opposite are near neighbours in the word vectors
# ("died"/"alive" 0.63, "died"/"survived" 0.70), where "killed"/"died" is 0.79 and "dead"/"died" 0.77.
PREDICATE_SYNONYM = 0.72
# A word this close to the asked act tells of it ("death" for "died", 0.69; "evacuated" 0.37, "rose" 0.29).
SAME_ACT = 0.6


# Where the asking clause ends: "How many troops were there when the junta ordered them out?" asks no ordering.
_SUBORDINATE = re.compile(r"\b(?:when|after|before|while|since|as|because|if|that|which|who|whose|where)\b", re.I)


def _another_act(info: QuestionInfo, quote: str, figure: str, vectors: WordVectors) -> bool:
    """Whether the part of the quote holding the figure says what it counts underwent another act ("The number
    of people evacuated … rose to 4,300", "4,300 people were evacuated") than the one the question asks ("How
    many people died in the flood?"), whose scene words ("flood") the story repeats around every figure. A part
    that says no act of them ("according to two officials", "12,000 registered phones") or a word of the asked
    act ("the death toll rose to 12") does not."""
    at = quote.find(figure)
    if at < 0:
        return False
    lo = max(quote.rfind(mark, 0, at) for mark in ",;:") + 1
    hi = min((i for i in (quote.find(mark, at + len(figure)) for mark in ",;:") if i >= 0), default=len(quote))
    part = words(quote[lo:hi].lower())
    counted = counted_terms(info.text)
    asking = asking_sentence(info.text)
    cut = _SUBORDINATE.search(asking, 1)
    asked = [w for w in topic_words(asking[: cut.start()] if cut else asking) if is_past_form(w)]
    if not asked:
        return False
    # The figure's own act first: "21 people were admitted to hospital and two people have died" — 21 were
    # admitted, whatever else the part says.
    after = words(quote[at + len(figure) : hi].lower())[:7]
    noun = next((i for i, w in enumerate(after[:3]) if term(w) in counted), None)
    own = next((w for w in after[noun + 1 : noun + 4] if w not in _AUXILIARY_WORDS), "") if noun is not None else ""
    if is_past_form(own):
        return lemma_term(own) not in {lemma_term(w) for w in asked} and closest_word(asked, own, vectors) < SAME_ACT
    acts = [
        next((w for w in part[i + 1 : i + 4] if w not in _AUXILIARY_WORDS), "")
        for i, w in enumerate(part)
        if term(w) in counted
    ]
    if not any(is_past_form(w) for w in acts):
        return False
    if {lemma_term(w) for w in asked} & {lemma_term(w) for w in part}:
        return False
    return closest_word(asked, " ".join(part), vectors) < SAME_ACT


_AUXILIARY_WORDS = frozenset("were was been had have has being are is be".split())


def _predicate_unsaid(info: QuestionInfo, quote: str, vectors: WordVectors | None, figure: str = "") -> bool:
    """A count of what the question counts, said of another act: "How many people were killed?" over
    "The mine employs about 1,900 people". The question's words besides what it counts (the predicate:
    "killed") must occur in the figure's clause, as written, by lemma, or as a close word ("died")."""
    counted = counted_terms(info.text)
    if not counted or vectors is None:
        return False
    predicate = [w for w in topic_words(info.text) if term(w) not in counted]
    if not predicate:
        return False
    if figure and _another_act(info, quote, figure, vectors):
        return True
    said = content_terms(quote)
    if any(term(w) in said or lemma_term(w) in {lemma_term(x) for x in words(quote)} for w in predicate):
        return False
    return closest_word(predicate, quote, vectors) < PREDICATE_SYNONYM


# "Who did Ilka Morrow succeed?": "who" as the object of the verb that closes the question.
_WHO_DID_X_DO = re.compile(
    r"^\W*whom?\s+(?:did|does|do|will|would|has|have|had|could|can)\s+[\w’'. -]+?\s+([a-z]+)\W*$", re.I
)


def _verb_unsaid(
    question: str, answer: ShortAnswer, citations: Sequence[Citation], vectors: WordVectors | None
) -> bool:
    """ "Who did Ilka Morrow succeed?" over a quote that says nothing of succeeding ("The choir appointed Ilka
    Morrow its conductor"): a name there is no one she succeeded. The question's closing verb must occur in the
    name's quote, by lemma or as a close word."""
    asked = _WHO_DID_X_DO.match(asking_sentence(question))
    quote = next((c.quote for c in citations if c.n == answer.citation), "")
    if asked is None or not quote or not can_be_verb(asked.group(1).lower()):
        return False
    verb = asked.group(1).lower()
    said = {f(w.lower()) for w in words(quote) for f in (term, lemma_term)}
    prefix = verb[: max(4, len(verb) - 2)]  # "succeed", "succeeds": stems that differ share this
    if {term(verb), lemma_term(verb)} & said or any(w.lower().startswith(prefix) for w in words(quote)):
        return False
    return vectors is None or closest_word([verb], quote, vectors) < PREDICATE_SYNONYM


def untagged_name_nearer(
    best: EntityCandidate, info: QuestionInfo, citations: Sequence[Citation], sources: Sequence[Source]
) -> bool:
    """The tagger misses names: when its quote holds a capitalised name no entity covers, nearer the question's
    words than a person or organisation candidate, that name may be the answer ("Ines Carvalho will become its
    chief executive, replacing founder Bram Okonkwo"): no short answer beats a wrong one."""
    cited = _cited(best.answer, citations, sources) if best.answer.label in AGENT_LABELS else None
    if cited is None:
        return False
    cit, source = cited
    lo, hi = quote_span(cit, source)
    quoted = source.text[lo:hi]
    tagged = [quoted[e.start : e.end] for e in within(source.entities, lo, hi)]  # offsets into the quote
    asked = content_terms(info.text)
    near = proximity(cit.quote, [best.answer.text], asked)
    untagged = [
        n
        for n in name_phrases(cit.quote)
        if len(n.split()) >= 2
        and not any(n in t or t in n for t in tagged)
        and not content_terms(n) <= asked
        and n.split()[0].lower() not in CALENDAR_WORDS
    ]
    return any(proximity(cit.quote, [n], asked) > near for n in untagged)


Want = Callable[[EntityCandidate], bool]

# Rules that decide: the first candidate one takes answers ("Calder Bridge" for "which bridge"; "in Tallinn" for
# "where"; "Dunby Minerals, the owner of the mine" for "Which company owns the mine?").
_DECIDING: tuple[Want, ...] = (
    lambda c: bool(c.features["named"]),
    lambda c: c.placed_by_verb,
    lambda c: c.located,
    lambda c: c.called_the_doer,
)
# Corrections, in order: (the first candidate lacks it, another has it, only within the first candidate's quote).
# The first one that applies picks that other candidate.
_CORRECTIONS: tuple[tuple[Want, Want, bool], ...] = (
    # "How much was the strike costing each day?": "45 million marks a day", not the running total.
    (lambda c: not c.per_unit, lambda c: c.per_unit, True),
    # "three warnings in 2024 and seven in 2025": for "… in 2025?", seven.
    (lambda c: c.of_the_year is False, lambda c: c.of_the_year is True, True),
    # "6.5 kilometres wide, not the 11 kilometres first estimated": "How wide was it first estimated?" 11.
    (lambda c: not c.stated_before, lambda c: c.stated_before, True),
    # "employs 85 people, including 31 astronomers": for "How many astronomers …?", 31.
    (lambda c: c.answer.label in FIGURE and not c.names_counted, lambda c: c.names_counted, True),
    # "the government would cover 60 percent and the city 40 percent": for "… will the city pay?", 40.
    (lambda c: c.answer.label in FIGURE and not c.after_topic, lambda c: c.after_topic, True),
    # "The jobless rate rose one percentage point to 7.4 percent": "What is the jobless rate?" asks the level.
    (lambda c: c.a_change, lambda c: c.answer.label in FIGURE and not c.a_change, True),
)
_LATER_CORRECTIONS: tuple[tuple[Want, Want, bool], ...] = (
    # "When was the tax approved?": "approved in November", not the "Monday" of the ruling that struck it down.
    (lambda c: not c.dates_event, lambda c: c.dates_event, False),
    # "How much did X rise?": "by 31 percent".
    (lambda c: not c.by_amount, lambda c: c.by_amount, True),
    # "should be given 40 more inspectors; it currently has 23": how many it has is 23.
    (lambda c: c.added, lambda c: not c.added, True),
)


def first_choice(found: Sequence[EntityCandidate]) -> int:
    """Which candidate answers: the first a deciding rule takes (a name of the asked kind, a place a locative
    preposition introduces, the doer the quote names), else the person nearest the asked role, else the first,
    unless a correction picks another (``_CORRECTIONS``, a relative time's figure, ``_LATER_CORRECTIONS``), or its
    quote has several clauses and another candidate of that quote stands in the one holding the question's topic
    words, or the first holds none of them in its comma-delimited part and another does."""
    if not found:
        return 0
    for wanted in _DECIDING:
        decided = next((i for i, c in enumerate(found) if wanted(c)), None)
        if decided is not None:
            return decided
    beside = min((i for i, c in enumerate(found) if c.beside_role), key=lambda i: found[i].role_distance, default=None)
    if beside is not None:
        return beside
    first = found[0]
    corrected = _correction(found, _CORRECTIONS)
    if corrected is not None:
        return corrected
    if first.answer.label in FIGURE:
        # "27 goals last season, up from 19 the season before": for "… the season before?", 19.
        best_fit = max(c.time_fit for c in found if c.answer.citation == first.answer.citation)
        fitting = _in_first_quote(found, lambda c: c.time_fit == best_fit) if best_fit > first.time_fit else None
        if fitting is not None:
            return fitting
    corrected = _correction(found, _LATER_CORRECTIONS)
    if corrected is not None:
        return corrected
    if first.in_asked_clause is False:
        # "Judge A wrote the majority opinion; Judge B dissented": for "who dissented?", B's clause asks.
        return _in_first_quote(found, lambda c: bool(c.in_asked_clause)) or 0
    if first.clause_named is False:
        # "… won with 31.4 percent of the vote, ahead of the Civic Union on 27.9 percent": the value in the
        # clause that names what the question names.
        named_clause = _in_first_quote(found, lambda c: bool(c.clause_named))
        if named_clause is not None:
            return named_clause
    if first.clause_topic is not None:
        # "Absence fell by 23 percent at the four-day schools, and 71 percent of parents were satisfied": the
        # clause holding more of "What percentage of parents were satisfied with the four-day week?" asks.
        most = max(c.clause_topic or 0 for c in found if c.answer.citation == first.answer.citation)
        if most > first.clause_topic:
            return _in_first_quote(found, lambda c: c.clause_topic == most) or 0
    if first.part_topic == 0:
        # "The agreement, announced after eleven days of talks, runs for four years": "How long does the agreement
        # run?" is asked by the part holding "runs".
        most = max(c.part_topic for c in found if c.answer.citation == first.answer.citation)
        if most > 0:
            return _in_first_quote(found, lambda c: c.part_topic == most) or 0
    return 0


def _correction(found: Sequence[EntityCandidate], rules: Sequence[tuple[Want, Want, bool]]) -> int | None:
    """The candidate the first applicable rule picks: the first lacks what it asks, another has it."""
    for lacks, wanted, first_quote in rules:
        if not lacks(found[0]):
            continue
        picked = (
            _in_first_quote(found, wanted) if first_quote else next((i for i, c in enumerate(found) if wanted(c)), None)
        )
        if picked is not None:
            return picked
    return None


def _in_first_quote(found: Sequence[EntityCandidate], wanted: Callable[[EntityCandidate], bool]) -> int | None:
    """The first candidate ``wanted`` takes among those of the first candidate's quote."""
    cited = found[0].answer.citation
    return next((i for i, c in enumerate(found) if wanted(c) and c.answer.citation == cited), None)


def entity_conflicts(
    info: QuestionInfo, citations: Sequence[Citation], sources: Sequence[Source], answer: ShortAnswer | None = None
) -> str | None:
    """A note when quotes from different files name different entities for the asked slot; given the short
    ``answer``, only those that disagree with it (two other names, a news agency and a dateline's city beside the
    answer "Pier 7 Depot", fill other slots more often than the asked one).

    Figures are left to ``citing.conflicts``, which compares the values themselves.
    """
    if not info.labels or info.labels <= FIGURE or asks_for_several(info.text):
        return None  # several answers ("Which countries …?") are a list, not a disagreement
    asked = content_terms(info.text)
    slots = []
    for cit in citations:
        source = source_of(cit, sources)
        if source is None or not names_the_subject(info.text, source):
            continue
        for text, context, label, _ in typed_entities(cit, source, info)[:1]:
            if context & asked and (label not in TIMESPAN or _absolute(text)):
                slots.append((cit, text, context, label))
    notes = []
    for i, (ca, ta, xa, la) in enumerate(slots):
        for cb, tb, xb, lb in slots[i + 1 :]:
            different = not _together(ta, tb, citations) and not _one_name(ta, tb)
            # Only names of one kind disagree: a person and the company he works for fill different slots.
            answered = answer is None or answer.text.lower() in (ta.lower(), tb.lower())
            if ca.file != cb.file and la == lb and different and answered and xa & xb:
                notes.append(f"{ta} [{ca.n}]{dated(ca, cb)} vs {tb} [{cb.n}]{dated(cb, ca)}")
    if not notes:
        return None
    return f"{prompts.DISAGREE_LEAD} " + "; ".join(dict.fromkeys(notes)) + "."


def _absolute(text: str) -> bool:
    """A date that says which day, month or year by itself ("April", "3 May 2024"), not one that counts back
    from its article's own date ("last month"): those of differently dated articles cannot be compared."""
    return any(c.isdigit() for c in text) or bool(CALENDAR_WORDS & set(words(text.lower())))


def _together(a: str, b: str, citations: Sequence[Citation]) -> bool:
    """Whether a cited quote names both: "Jackson, Mississippi" places one in the other, and a source that gives
    both does not give them as rival answers."""
    return any(a.lower() in c.quote.lower() and b.lower() in c.quote.lower() for c in citations)


def _one_name(a: str, b: str) -> bool:
    """The same name in two forms ("Kestria", "Kestrian"): one is its adjective of nationality, which the other's
    stem begins (not "Kestria" and "Kestrel", two countries)."""
    x, y = a.lower(), b.lower()
    return any(is_demonym(q) and len(stem(p)) >= 4 and q.startswith(stem(p)) for p, q in ((x, y), (y, x)))
