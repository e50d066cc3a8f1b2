"""The candidates for a short answer: the entities of the cited quotes that could answer the question.

Its own module because reading the entities of the quotes is most of the short-answer work and changes for its
own reasons (a new reading of the words around an entity), while ``rag.short_answers`` picks among the
candidates, corrects that pick and finds sources that disagree. The question is read once (``_AskedReading``);
each entity of a cited quote that is of the asked kind ("which country" -> a GPE, or a name that says it is the
asked kind) and that the question does not already name is one mention (``_Mention``): where it stands and what
the words around it say of it ("by 25 basis points", "the owner of the mine", "in 2024"). The mentions of one
entity make one ``EntityCandidate``, with the features (``FEATURES``) the fitted confidence model reads.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from index.entities import within
from rag.answer_ranking import proximity, topic_terms, topic_words
from rag.attachment import (
    PARTITIVE,
    Matcher,
    WordVectors,
    attached,
    clause_of,
    event_matcher,
    focus_matcher,
    focus_of,
)
from rag.conversation import is_demonym
from rag.corrections import stated_as_earlier
from rag.models import Citation, Entity, ShortAnswer, Source
from rag.questions import (
    FIGURE,
    LOCATIVE_PREPOSITIONS,
    NAMES,
    ORG,
    PERSON,
    PLACE,
    TIMESPAN,
    QuestionInfo,
    asked_dimension,
    asked_kind_noun,
    asking_sentence,
    asks_for_a_change,
    asks_for_a_duration,
    asks_for_a_moment,
    asks_for_a_span,
    asks_for_a_unit,
    asks_for_an_age,
    asks_how_much,
    asks_where,
    counted_terms,
    dimension_of,
    follows_locative,
    head_noun,
    holder_word,
    plural_noun,
    rate_asked,
    rate_stated,
    role_modifiers,
    role_terms,
    span_of_time,
    states_a_duration,
)
from rag.tables import Row, column_fit, row_at
from rag.text import (
    AUXILIARIES,
    CALENDAR_WORDS,
    LINKING_WORDS,
    NUMBER_WORDS,
    ROLE_NOUNS,
    STOPWORDS,
    YEAR_PATTERN,
    content_terms,
    dateline_end,
    name_phrases,
    number_word_value,
    question_name_tokens,
    term,
    words,
    words_after,
)
from rag.word_forms import can_be_verb, is_past_form, lemma_term


def quote_span(cit: Citation, source: Source) -> tuple[int, int]:
    """Where the citation's quote lies in its source's text (offsets into that passage)."""
    return cit.quote_start_char - source.start_char, cit.quote_end_char - source.start_char


def source_of(cit: Citation, sources: Sequence[Source]) -> Source | None:
    """The passage the citation quotes: of its file, spanning its offset, and holding the quote there (a
    front-matter date line's offset is in the file's text, which the chunks' offsets may overlap)."""
    for s in sources:
        at = cit.quote_start_char - s.start_char
        if s.path == cit.path and s.start_char <= cit.quote_start_char < s.end_char:
            if s.text[at : at + len(cit.quote)] == cit.quote:
                return s
    return None


@dataclass(frozen=True)
class TableViews:
    """Cited table rows read with their headers: the citations with each quote of a row replaced by the row's
    reading ("Library: Central; Old closing time: 18:00; New closing time: 20:00."), a passage of each reading
    (``passages``, found before the passages they were cut from), and the row of each such passage by its id.
    A cell's entities then stand beside their column's words, as a sentence's stand beside its words."""

    citations: list[Citation]
    passages: list[Source]
    rows: dict[str, Row]


def table_views(citations: Sequence[Citation], sources: Sequence[Source]) -> TableViews:
    cited: list[Citation] = []
    passages: list[Source] = []
    rows: dict[str, Row] = {}
    for cit in citations:
        source = source_of(cit, sources)
        row = row_at(source.text, *quote_span(cit, source), source.table_header) if source else None
        if source is None or row is None:
            cited.append(cit)
            continue
        start = cit.quote_start_char
        update = {"id": f"{source.id}@{start}", "text": row.reading, "start_char": start, "table_header": None}
        view = source.model_copy(update=update | {"end_char": start + len(row.reading)})
        passages.append(view.with_entities(row.entities(source.entities)))
        rows[view.id] = row
        cited.append(cit.model_copy(update={"quote": row.reading, "quote_end_char": view.end_char}))
    return TableViews(cited, passages, rows)


def asked_column(row: Row, ent: Entity, entities: Sequence[Entity], question: str) -> bool | None:
    """Whether the entity ``ent`` of a row's reading is in the column the question asks for, among the columns
    holding an entity of its kind: its header fits the question best (``rag.tables.column_fit``; "close now":
    "New closing time", not "Old closing time"), worse than another's (False), or as well as another's (None)."""
    column = row.column_at(ent.start)
    rivals = {row.column_at(e.start) for e in entities if e.label == ent.label} - {None}
    if column is None or len(rivals) < 2:
        return None
    fits = {c: column_fit(row.header[c], question) for c in rivals}
    best = max(fits.values())
    if fits[column] < best:
        return False
    return True if list(fits.values()).count(best) == 1 else None


def name_labels(sources: Sequence[Source]) -> dict[str, str]:
    """Strings the read passages label as a name (person, organisation, place…) more often than as a date,
    time or figure, with that name label. The small NER model now and then tags a country as a date; a string
    the same few articles mostly tag as a name is a name. (Among name labels it errs both ways, so those are
    left as each mention has them.)"""
    counts: dict[str, Counter[str]] = {}
    for src in sources:
        for e in src.entities:
            counts.setdefault(src.text[e.start : e.end].lower(), Counter())[e.label] += 1
    out = {}
    for text, c in counts.items():
        named = sum(n for label, n in c.items() if label in NAMES)
        if named > sum(n for label, n in c.items() if label in MEASURES):
            out[text] = max((label for label in c if label in NAMES), key=lambda label: c[label])
    return out


def question_modified(question: str) -> frozenset[str]:
    """The nouns a nationality adjective modifies in the question ("the Velmorian engineers" -> engineers)."""
    tokens = _TOKEN.findall(question)
    out = set()
    for i, tok in enumerate(tokens[:-1]):
        if tok[0].isupper() and is_demonym(tok):
            out.update(term(w.lower()) for w in tokens[i + 1 : i + 3] if w.lower() not in STOPWORDS)
    return frozenset(out)


def question_initials(question: str) -> frozenset[str]:
    """The initials of the question's names of two words or more ("Ostrel Harbour Board" -> OHB): a passage
    that writes such a name short names the question's own subject, not an answer."""
    out = set()
    for name in name_phrases(question):
        tokens = [t for t in name.split() if t[0].isupper()]
        if len(tokens) >= 2:
            out.add("".join(t[0] for t in tokens))
    return frozenset(out)


def _not_an_answer(text: str, label: str, after: str, modified: frozenset[str]) -> bool:
    """Entity mentions that fill no slot: "One of the first …" (a pronoun picking a member, not a count), and a
    name that modifies the noun the question's nationality adjective modifies ("Velmoria army engineers" for
    "where are the Velmorian engineers going?"): the same group the question names, so no new information."""
    if text.lower() == "one" and after.lstrip().lower().startswith("of "):
        return True
    if label not in NAMES or not modified:
        return False
    for w in words(after)[:3]:
        if w in STOPWORDS:
            return False
        if term(w) in modified:
            return True
    return False


MEASURES = FIGURE | TIMESPAN
AGENT_LABELS = frozenset({PERSON, ORG})  # the kinds an untagged name may be mistaken for
_TOKEN = re.compile(r"[A-Za-z][\w'’-]*")
_CLAUSE_END = re.compile(r"[,;:.!?()\"“”]")
_HYPHENATED_TAIL = re.compile(r"(?:[-‐][\w’']+)+")
_TRAILING_PREPOSITION = re.compile(r"\s+(?:before|after|until|since)$", re.I)
_TRAILING_SCORE = re.compile(r"\s+\d+\s?[-–]\s?\d+$")


# Words a figure keeps in front: function words ("about 60", "some 500 miles") and number words ("two miles").
KEPT_BEFORE_A_FIGURE = STOPWORDS | frozenset(NUMBER_WORDS)


# Words that state a measure without digits, besides number words: general English.
_MEASURE_WORDS = frozenset(
    "half third quarter dozen dozens hundreds thousands million millions billion billions trillion few several couple "
    "second minute hour day week weekend fortnight month year decade century season spring summer autumn fall "
    "winter morning afternoon evening night noon midnight today tonight tomorrow yesterday".split()
)


def _states_a_measure(text: str) -> bool:
    """Whether a figure or date entity states one: a digit, a number word, a word of time or a calendar name."""
    if any(c.isdigit() for c in text):
        return True
    said = words(text.lower())
    said += [part for w in said if "-" in w for part in w.split("-")]
    if any(number_word_value(w) for w in said):  # "six", "twenty-five", "twelve-day"
        return True
    found = {w.removesuffix("s") for w in said} | set(said)
    return bool(found & (_MEASURE_WORDS | CALENDAR_WORDS))


def _taken_in(parts: list[str]) -> bool:
    """Whether a figure's first word is a content word the tagger took in ("couple $233,610"), not a
    comparative that bounds it ("less than 10 cents")."""
    first = parts[0]
    return (
        len(parts) > 1
        and first.isalpha()
        and first.islower()
        and first not in KEPT_BEFORE_A_FIGURE
        and parts[1].lower() != "than"
    )


def entity_text(text: str, e: Entity) -> str:
    """An entity as an answer gives it: whole hyphenated words (the tagger may stop at a hyphen: "Chick" of
    "Chick-fil-A"), and a figure without the content words the tagger took in before it ("couple $233,610"
    -> "$233,610"; "about 60" keeps its "about", "two miles" its "two"; "less than 10 cents" its "less")."""
    end = e.end
    tail = _HYPHENATED_TAIL.match(text, end)
    if tail and text[end - 1 : end].isalnum():
        end = tail.end()
    start = e.start
    before = re.search(r"(\w+)\s+$", text[max(0, start - 20) : start])
    if before and re.match(r"than\b", text[start:end], re.I):
        start -= len(before.group(0))  # "than 10 cents": the tagger left out the "less" that makes it a bound
    span = text[start:end]
    if e.label in NAMES:
        span = _TRAILING_SCORE.sub("", span)  # "Redmoor United 2-1": a score the tagger took into the name
    if e.label in TIMESPAN:
        span = _TRAILING_PREPOSITION.sub("", span)  # "twelve years before [Sunday's defeat]": it opens what follows
    if e.label in FIGURE:
        parts = span.split()
        while _taken_in(parts):
            parts.pop(0)
        span = " ".join(parts)
    return span


def typed_entities(
    cit: Citation,
    source: Source,
    info: QuestionInfo,
    any_label: bool = False,
    labels: dict[str, str] | None = None,
    context: str = "",
) -> list[tuple[str, frozenset[str], str, Entity]]:
    """(entity text, the terms within four words of it, label, the entity) for expected-kind entities in the quote
    (every entity with ``any_label``); ``labels`` gives a name's label to a mention mistagged as a measure;
    ``context``, the earlier turns a follow-up carries, names things the answer need not repeat."""
    lo, hi = quote_span(cit, source)
    asked = content_terms(info.text)
    span_asked = asks_for_a_span(info.text)
    duration_asked = asks_for_a_duration(info.text)
    age_asked = asks_for_an_age(info.text)
    earlier_asked = asks_earlier(info.text)
    how_much_asked = asks_how_much(info.text)
    where_asked = asks_where(info.text) and info.labels <= PLACE
    moment_asked = asks_for_a_moment(info.labels)
    dimension = asked_dimension(info.text)
    unit_asked = asks_for_a_unit(info.text)
    modified = question_modified(info.text)
    initials = question_initials(f"{info.text} {context}")
    own = question_name_tokens(info.text)
    possessor_asked = bool(_POSSESSOR_ASKED.search(info.text))
    asking = asking_sentence(info.text)
    owners = [set(words(m.group(1))) for m in _OWNER_IN_QUESTION.finditer(asking)]
    subjects = _people_asked_about(asking) if PERSON in info.labels else []
    who_does = _who_does(asking)
    out = []
    filed = lo + dateline_end(source.text[lo:hi])  # "VARNOS, March 5 (Wirefeed) - ": where it was filed
    # The last words of the read passages' names of several words ("the monetary policy committee").
    full_name_ends = {name.split()[-1] for name in labels or {} if len(name.split()) > 1}
    for e in source.entities:
        text = entity_text(source.text, e)
        label = (labels or {}).get(text.lower(), e.label) if e.label in MEASURES else e.label
        if (label not in info.labels and not any_label) or e.start < filed or e.end > hi:
            continue
        if content_terms(text) <= asked or text.replace(".", "") in initials:
            continue
        if any(owner <= set(words(text)) for owner in owners) and not possessor_asked:
            continue  # "Who is Rostova's boss?": Rostova owns the role, it does not hold it (whatever its tag)
        if label == PERSON and not possessor_asked and _is_asked_about(text, subjects):
            continue  # "Who took over from Pellard?": not Johan Pellard ("Who leads the Vance family?" may be a Vance)
        if label != PERSON and own & set(words(text)):
            # "Quillmark Pharmaceuticals" for "Which drug did Quillmark recall?": the question's subject (a
            # person sharing its surname still answers: "Dora Vance" for "the Vance family").
            continue
        if (
            label == ORG
            and len(text.split()) == 1
            and text.strip(".'’").lower() in full_name_ends
            and source.text[max(0, e.start - 4) : e.start].lower() == "the "
        ):
            continue  # "the Committee's next decision" shortens "the Monetary Policy Committee": no other name
        if label in NAMES and not any(ch.isupper() for ch in text):
            continue  # "supreme court", tagged as an organisation, names none
        if (
            label in AGENT_LABELS
            and who_does is not None
            and (
                _object_of_the_asked_subject(who_does, source.text, e.start)
                or _inside_the_asked_object(who_does, source.text, e.start)
            )
        ):
            continue  # "Who runs the trust?" over "the trust that runs Larkhill Hospital" or "the trust at Larkhill"
        if label in AGENT_LABELS and not possessor_asked and _owns_a_person(source.text, e.end):
            continue  # "founded by Benn's mother, Dorit Benn": the mother is asked for, not Benn
        if label in TIMESPAN and moment_asked and span_of_time(text):
            continue  # "3,000-year-old" measures time: it does not answer "when"
        if label in MEASURES and not _states_a_measure(text):
            continue  # "an average of", tagged as a date, states none
        if label in TIMESPAN and span_asked and CALENDAR_WORDS & set(words(text.lower())):
            continue  # "Sunday" is no age and no duration
        if label in TIMESPAN and duration_asked and not states_a_duration(text) and not _since(source.text, e.start):
            continue  # "night", "2025": "how long" asks a span ("since 2014" gives one)
        if (
            label in TIMESPAN
            and duration_asked
            and re.search(r"\b(?:at|by|until|till)\s+$", source.text[max(0, e.start - 7) : e.start], re.I)
        ):
            continue  # "At 04:40 a section 46 metres long collapsed": a clock time is a moment, no length or span
        if label in TIMESPAN and moment_asked and re.fullmatch(r"\d{1,3}", text.strip()):
            continue  # "Mensing, 61, has led …": an age the tagger called a date dates nothing
        if label in FIGURE and dimension and dimension_of(text) not in (None, dimension):
            continue  # "14 kilograms" does not say how far
        if label == "CARDINAL" and unit_asked and dimension_of(text) is None:
            continue  # "about 90,000" says no width
        if label in {"MONEY", "PERCENT"} and unit_asked:
            continue  # "549 euros" weighs nothing
        if label in FIGURE | TIMESPAN and age_asked and not _an_age(text, source.text, e):
            continue  # "need at least one partner" or "won 14 seats" says no age; "Ashgrove, 47," does
        if label in FIGURE and _retracted(source.text, e) and not earlier_asked:
            continue  # "16,200 people, not 14,000 as previously reported": the figure the sentence corrects
        if how_much_asked and label == "CARDINAL" and _counts_things(source.text, e.end):
            continue  # "16,200 patients" says how many, not how much
        if label == "CARDINAL" and _FRACTION.search(text) and not any(ch.isdigit() for ch in text):
            continue  # "more than half" of the claims counts none of them
        if where_asked and label not in PLACE and _POSSESSOR.match(source.text, e.end):
            continue  # "made at Lumora's factory in Ostrava": the company owning it is not the place
        after = _CLAUSE_END.split(source.text[e.end : min(hi, e.end + 60)], maxsplit=1)[0]
        if _not_an_answer(text, label, after, modified):
            continue
        around = words(source.text[max(lo, e.start - 60) : e.start])[-4:] + words(source.text[e.end : e.end + 60])[:4]
        context = frozenset(term(w) for w in around if w not in STOPWORDS and w.isalpha() and len(w) > 2)
        if label in TIMESPAN and duration_asked and not states_a_duration(text) and _since(source.text, e.start):
            text = f"since {text}"  # "How long had he led the town?" "since 2018", not "2018"
        out.append((text, context, label, e))
    return out


FEATURES = (
    "quote_rank",
    "order_in_quote",
    "quotes",
    "mentions",
    "agreement",
    "in_titles",
    "proximity",
    "named",
    "person",
    "organisation",
    "place",
    "measure",
    "similarity",
    "kind_fit",
    "question_words",
)


@dataclass(frozen=True)
class EntityCandidate:
    """One distinct entity of the cited quotes that could open the answer, with the model's features."""

    answer: ShortAnswer
    features: dict[str, float]
    located: bool = False  # a place a locative preposition introduces, for a "where" question ("in Tallinn")
    # ... right after the question's verb or a close one ("relocating to Mexico City" for "Where are they moving?").
    placed_by_verb: bool = False
    # In a quote of several clauses (``_CLAUSES``), whether its clause holds a topic word of the question;
    # None in a quote of one clause.
    in_asked_clause: bool | None = None
    clause_topic: int | None = None  # how many topic words that clause holds ("71 percent of parents were satisfied")
    # For a figure, whether the comma-delimited clause holding it names what the question names ("ahead of the
    # Civic Union on 27.9 percent"); None when the question names nothing the quote holds.
    clause_named: bool | None = None
    # How many topic words the comma- or conjunction-delimited part of the quote holding it has ("The agreement,
    # announced after eleven days of talks, runs for four years": "runs" is in the part holding "four years").
    part_topic: int = 0
    beside_role: bool = False  # a person within four words of the role asked for ("defending champion Marta …")
    role_distance: int = 0  # how many words from it (the nearest wins: "signed Emil Stross, said coach Ilona …")
    # A name the quote calls the doer of the question's verb ("Dunmere Minerals, the owner of the mine" for
    # "Which company owns the mine?").
    called_the_doer: bool = False
    by_amount: bool = False  # for "how much did X rise?", a figure after "by" ("cut the risk by 31 percent")
    # For a question that asks no change, a figure that states one ("rose one percentage point to 7.4 percent").
    a_change: bool = False
    dates_event: bool = False  # for "when was X approved?", a date beside the event word ("approved in November")
    # A count of what is added, not of what there is ("40 more inspectors"), for a question that asks no change.
    added: bool = False
    per_unit: bool = False  # for "How much … each day?", a figure per that unit ("45 million marks a day")
    # For a question naming one year, the year the figure is stated for ("three in 2024 and seven in 2025"):
    # True that year, False another, None none.
    of_the_year: bool | None = None
    # For a question with a relative time ("the season before", "last year"), how well the time words stated with
    # the figure fit it ("27 goals last season, up from 19 the season before"); 0 without.
    time_fit: float = 0.0
    # For "How many astronomers …?", whether the words right after the figure name what is counted ("85 people,
    # including 31 astronomers": 31).
    names_counted: bool = False
    # For "What was first estimated?", a figure its sentence corrects ("not the 11 kilometres first estimated").
    stated_before: bool = False
    # A figure right after a word of the question's topic ("the government 60 percent and the city 40 percent":
    # for "What percentage will the city pay?", 40).
    after_topic: bool = False


def _key(text: str) -> str:
    """One entity however the quotes write it: "The Colorado Avalanche" and "Colorado Avalanche"."""
    return re.sub(r"^(?:the|a|an)\s+", "", text.lower().replace("’", "'")).removesuffix("'s")


@dataclass(frozen=True)
class _AskedReading:
    """What the question asks, read once (``_read_question``) for every entity of every cited quote."""

    question: str
    labels: frozenset[str]  # the entity labels an answer carries
    head: str | None  # the noun of the asked kind ("Which bridge …?" -> bridge)
    kind: frozenset[str]  # its terms
    where: bool  # a "where" question that asks for a place
    terms: frozenset[str]  # the question's content terms, which a candidate stands near
    # Its topic terms, the kind aside ("Which judge dissented?": the clause must hold "dissented").
    topic: frozenset[str]
    # The names of the sentence that asks, not of the statements that set its scene ("President X announced …
    # Which group did he lead?").
    own: frozenset[str]
    matcher: Matcher | None  # what a figure or date must stand next to ("how many troops": troops)
    event: Matcher | None  # for "when", the event word a date of it stands beside ("approved")
    role: str | None  # the role or noun whose holder "who is the …" asks for
    role_words: frozenset[str]  # the terms that name that role beside a person
    narrowed: frozenset[str]  # the words that narrow it ("prime" of "the prime minister")
    age_asked: bool  # "How old …?"
    main_verb: str | None  # the question's main verb, the asked kind aside
    doers: frozenset[str]  # its agent nouns ("owns" -> owner)
    act: str | None  # the main verb, when a person or an organisation is asked for (a passive's "by" names its agent)
    passive: str | None  # "Who was suspended?": the participle, whose subject in a quote is the answer
    state_asked: bool  # "How many have been retracted?", "… in all?": a total, which "another four" is not
    asks_added: bool  # "How many more …?": a count of what is added is the answer
    change: bool  # "How much did X rise?": the amount of a change
    unit: str | None  # the unit a rate is asked per ("each day" -> day)
    years: frozenset[str]  # the years the asking sentence names
    time: frozenset[str]  # its relative-time words ("the season before"), when it names no year
    counted: frozenset[str]  # what the figure must name right after it: what "how many" counts, or the asked measure
    earlier_asked: bool  # an earlier state ("What was first estimated?")
    placing: Matcher | None  # for "where", its main verb, which a place of that act stands after ("located in")


def _read_question(info: QuestionInfo, vectors: WordVectors | None) -> _AskedReading:
    """The readings of the question that decide which entities of the quotes answer it, and how well."""
    head = head_noun(info.text)
    kind = frozenset(term(w) for w in words(head)) if head else frozenset()
    asking = asking_sentence(info.text)
    main_verb = _main_verb(info.text)
    years = frozenset(re.findall(YEAR_PATTERN, asking))
    time = _time_words(asking) if not years else frozenset()
    # What the figure must name right after it: what "how many" counts, or the measure "what was the budget" asks.
    measure = asked_kind_noun(info.text) if info.labels and info.labels <= FIGURE else None
    return _AskedReading(
        question=info.text,
        labels=info.labels,
        head=head,
        kind=kind,
        where=asks_where(info.text) and info.labels <= PLACE,
        terms=content_terms(info.text),
        topic=topic_terms(info.text) - kind,
        own=frozenset(question_name_tokens(asking)),
        matcher=focus_matcher(info, vectors),
        event=event_matcher(info, vectors),
        role=holder_word(info.text),
        role_words=role_terms(info.text),
        narrowed=role_modifiers(info.text),
        age_asked=asks_for_an_age(info.text),
        main_verb=main_verb,
        doers=_doer_terms(main_verb),
        act=main_verb if info.labels & AGENT_LABELS else None,
        passive=_passive_asked(asking) if info.labels & AGENT_LABELS else None,
        state_asked=bool(_STATE_ASKED.search(asking)),
        asks_added=bool(_ADDED_ASKED.search(asking)),
        change=asks_for_a_change(info.text),
        unit=rate_asked(info.text),
        years=years,
        time=time if time & _RELATIVE else frozenset(),
        counted=counted_terms(info.text) or (frozenset({term(measure)}) if measure else frozenset()),
        earlier_asked=asks_earlier(info.text),
        placing=(
            Matcher(focus_of(info.text, [main_verb]), vectors)
            if main_verb and asks_where(info.text) and info.labels <= PLACE
            else None
        ),
    )


@dataclass(frozen=True)
class _Mention:
    """One mention of a candidate entity in a cited quote (``_mention``): where it stands, and what the words
    around it say of it. ``EntityCandidate``'s fields of the same names gather the mentions of one entity
    (``_candidate``)."""

    quote: int  # which cited quote holds it
    order: int  # how many candidates of that quote stand before it
    text: str  # as the answer gives it (``entity_text``)
    label: str
    by_name: bool  # a name that says it is the asked kind ("Calder Bridge" for "which bridge")
    # Its clause and the part of the quote holding it (a table row's cell: the column the question asks for).
    in_asked_clause: bool | None
    clause_topic: int | None
    clause_named: bool | None
    part_topic: int
    located: bool  # a locative preposition introduces it
    placed_by_verb: bool  # ... after the question's verb or a close one
    role_distance: int | None  # how many words from it the asked role stands; None: not within four
    called_the_doer: bool
    by_amount: bool
    a_change: bool
    dates_event: bool
    added: bool
    per_unit: bool
    names_counted: bool
    stated_before: bool
    after_topic: bool
    # The time a figure is stated for; None and 0.0 for a question naming none, and for what is no figure.
    of_the_year: bool | None
    time_fit: float


def _mention(
    asked: _AskedReading,
    cit: Citation,
    source: Source,
    row: Row | None,
    text: str,
    label: str,
    ent: Entity,
    *,
    quote: int,
    order: int,
) -> _Mention | None:
    """The mention of ``ent`` (its text and label as ``typed_entities`` gives them) in the quote ``cit`` of ``source``
    (``row``: the table row it reads, if any); None when it is no candidate: not of the asked kind, not next to
    what the question counts or dates, or a cell of a column the question fits worse than another's."""
    passage = source.text
    by_name = bool(
        asked.labels
        and (
            asked.kind & {term(w) for w in _ends(words(text))}
            or (label in NAMES and _kind_before(passage[: ent.start], asked.kind))
        )
        and not (asked.labels <= {PERSON} and label != PERSON and _TITLE.match(text))
    )
    after_locative = asked.where and follows_locative(passage[: ent.start])
    # "was recorded at Hadley Cross": a name a locative preposition introduces is a place, whatever the tagger
    # called it.
    placed = after_locative and label in NAMES
    if label not in asked.labels and not by_name and not placed:
        return None
    if asked.matcher is not None and not _attached_in_quote(cit, source, ent, asked.matcher):
        return None
    column = asked_column(row, ent, source.entities, asked.question) if row else None
    if column is False:
        return None
    figure = label in FIGURE
    clause_topic = None if row else _clause_topic(cit, source, ent, asked.topic)
    clause_named = None if row or not figure else _clause_named(cit, source, ent, asked.own)
    if asked.age_asked and asked.own and (apposed := _apposed_name(passage, ent)):
        # "Anton Brisk, 44, Marek Solvay, 52, …": the age of the name it follows.
        clause_named = _same_person(set(words(apposed)), asked.question)
    added = (
        figure
        and not asked.asks_added
        and bool(_ADDED.match(passage, ent.end) or _ANOTHER.search(passage[max(0, ent.start - 9) : ent.start]))
    )
    of_the_year = None
    if len(asked.years) == 1 and figure:
        stated = _stated_year(passage, ent.start, ent.end)
        of_the_year = None if stated is None else stated in asked.years
    time_fit = 0.0
    if asked.time and figure:
        stated_time = _stated_time(passage, ent.start, ent.end)
        time_fit = len(asked.time & stated_time) / len(asked.time | stated_time)
    return _Mention(
        quote=quote,
        order=order,
        text=text,
        label=label,
        by_name=by_name,
        in_asked_clause=column if row else (None if clause_topic is None else clause_topic > 0),
        clause_topic=clause_topic,
        clause_named=clause_named,
        part_topic=0 if row else _part_topic(cit, source, ent, asked.topic),
        located=after_locative,
        placed_by_verb=after_locative and _after_the_verb(passage, ent.start, asked.placing),
        role_distance=(
            _role_distance(passage, ent.start, ent.end, asked.role_words, asked.narrowed)
            if asked.role and label == PERSON
            else None
        ),
        called_the_doer=_calls_the_doer(asked, passage, ent, label),
        by_amount=(
            asked.change and figure and words(passage[max(0, ent.start - 10) : ent.start].lower())[-1:] == ["by"]
        ),
        a_change=label in ("PERCENT", "MONEY") and not asked.change and _states_a_change(passage, ent, text),
        dates_event=asked.event is not None and _attached_in_quote(cit, source, ent, asked.event),
        added=added and not _governed(asked.main_verb, asked.state_asked, passage, ent.start),
        per_unit=bool(asked.unit) and figure and rate_stated(passage, ent.start, ent.end) == asked.unit,
        names_counted=bool(asked.counted) and figure and _names_counted(passage, ent.end, asked.counted),
        stated_before=asked.earlier_asked and figure and _retracted(passage, ent),
        after_topic=figure and bool(asked.topic & {term(w) for w in _word_right_before(passage, ent.start)}),
        of_the_year=of_the_year,
        time_fit=time_fit,
    )


def _calls_the_doer(asked: _AskedReading, passage: str, ent: Entity, label: str) -> bool:
    """Whether the words around a name call it the doer of the question's verb: "Dunmere Minerals, the owner of
    the mine" and "the terminal's owner, Morvik Ports" for "Which company owns …?"; "The review, led by former
    judge Aldo Rimmer, …" for "Who led the review?"."""
    if label not in NAMES:
        return False
    if asked.doers:
        apposed = _APPOSED_DOER.match(passage, ent.end)
        if apposed and term(apposed.group(1).lower()) in asked.doers:
            return True
        before = _DOER_BEFORE.search(passage[max(0, ent.start - 30) : ent.start])
        if before and term(before.group(1).lower()) in asked.doers:
            return True
    if asked.passive and (subject := _PASSIVE_AFTER.match(passage, ent.end)):
        if lemma_term(subject.group(1).lower()) == lemma_term(asked.passive):
            return True  # "plant manager Ivar Dunn was suspended" for "Who was suspended?"
    agent = _BY_AGENT.search(passage[max(0, ent.start - 50) : ent.start]) if asked.act else None
    return bool(agent and asked.act and lemma_term(agent.group(1).lower()) == lemma_term(asked.act))


# "Who was suspended …?": a passive question, whose answer is the subject of that passive in a quote.
_PASSIVE_ASKED = re.compile(
    r"^\W*who\s+(?:was|were|has\s+been|have\s+been|had\s+been|is|are|will\s+be)\s+([a-z]+)", re.I
)
# A name's passive verb right after it, an apposition between: "Ivar Dunn, the plant manager, was suspended".
_PASSIVE_AFTER = re.compile(
    r"(?:\s*,[^,.;]{1,60},)?\s+(?:was|were|has\s+been|have\s+been|had\s+been|is|are|will\s+be)\s+(?:[a-z]+ly\s+)?"
    r"([a-z]+)"
)


def _passive_asked(asking: str) -> str | None:
    found = _PASSIVE_ASKED.match(asking)
    return found.group(1).lower() if found and is_past_form(found.group(1).lower()) else None


# A figure that states a change: "by 25 basis points", "up 3 percent", "rose 2 percent to 7.4 percent".
_CHANGE_BEFORE = re.compile(r"\b(?:by|up|down)\s+$", re.I)
_CHANGE_AFTER = re.compile(r"\s+to\s+(?:about\s+|around\s+)?[$€£¥]?\d")


# Verbs of a change a "to" figure follows ("rose 2 percent to 7.4 percent"): general English.
_CHANGE_VERB = re.compile(
    r"\b(?:rose|rise[sn]?|rising|fell|fall(?:s|en|ing)?|increased?|decreased?|raised?|cut|climbed?|dropped|jumped|"
    r"grew|lifted|lowered|slipped|surged|plunged|edged)\b",
    re.I,
)


def _states_a_change(passage: str, ent: Entity, text: str) -> bool:
    """Whether the figure states a change: in points, after "by/up/down", or between a change verb and a "to"
    figure; not a share ("approved by 62 percent of voters") nor a range or split ("60 percent to 40 percent")."""
    if re.match(r"\s+of\b", passage[ent.end :]):
        return False
    if re.search(r"\b(?:percentage|basis)\s+points?\b", text, re.I):
        return True
    if _CHANGE_BEFORE.search(passage[max(0, ent.start - 8) : ent.start]):
        return True
    before = " ".join(words(passage[max(0, ent.start - 40) : ent.start])[-4:])
    return bool(_CHANGE_AFTER.match(passage, ent.end) and _CHANGE_VERB.search(before))


def _names_counted(passage: str, end: int, counted: frozenset[str]) -> bool:
    """Whether the words right after a figure name what the question counts ("31 astronomers"), past the whole
    it is a part of ("two of its four spillway gates": two gates)."""
    part = PARTITIVE.match(passage, end)
    after = part.end() if part else end
    return bool(counted & {term(w) for w in words(passage[after : after + 40])[:3]})


def _after_the_verb(passage: str, start: int, placing: Matcher | None) -> bool:
    """Whether one of the two words before the locative preposition that introduces a place at ``start`` is the
    question's verb or a close one ("The glacier, located in West Antarctica" for "Where is it located?")."""
    if placing is None:
        return False
    before = [w for w in words(passage[max(0, start - 60) : start]) if w.lower() not in ("the", "a", "an")]
    at = max((i for i, w in enumerate(before) if w.lower() in LOCATIVE_PREPOSITIONS), default=None)
    return at is not None and any(placing.matching(before[max(0, at - 2) : at]))


def _candidate(mentions: Sequence[_Mention], answer: ShortAnswer, features: dict[str, float]) -> EntityCandidate:
    """One entity's mentions, in reading order, as one candidate: where it stands is where it first stands; what
    the words around it say, any mention may say (the nearest asked role counts); a figure's time, its first
    mention as a figure states."""
    first = mentions[0]
    as_figure = next((m for m in mentions if m.label in FIGURE), None)
    distances = [m.role_distance for m in mentions if m.role_distance is not None]
    return EntityCandidate(
        answer=answer,
        features=features,
        located=any(m.located for m in mentions),
        placed_by_verb=any(m.placed_by_verb for m in mentions),
        in_asked_clause=first.in_asked_clause,
        clause_topic=first.clause_topic,
        clause_named=first.clause_named,
        part_topic=first.part_topic,
        beside_role=bool(distances),
        role_distance=min(distances, default=0),
        called_the_doer=any(m.called_the_doer for m in mentions),
        by_amount=any(m.by_amount for m in mentions),
        a_change=first.a_change,
        dates_event=any(m.dates_event for m in mentions),
        added=any(m.added for m in mentions),
        per_unit=any(m.per_unit for m in mentions),
        of_the_year=as_figure.of_the_year if as_figure else None,
        time_fit=as_figure.time_fit if as_figure else 0.0,
        names_counted=any(m.names_counted for m in mentions),
        stated_before=any(m.stated_before for m in mentions),
        after_topic=any(m.after_topic for m in mentions),
    )


def _features(
    asked: _AskedReading,
    key: str,
    mentions: Sequence[_Mention],
    citations: Sequence[Citation],
    lowered: Sequence[tuple[str, str]],
    vectors: WordVectors | None,
) -> dict[str, float]:
    """What the fitted model reads of a candidate (``FEATURES``; "kind_fit" is filled in once all are known);
    ``lowered``: each read passage's text and title, lower-cased."""
    first = mentions[0]
    quote = citations[first.quote].quote
    return {
        "quote_rank": math.log1p(first.quote),
        "order_in_quote": math.log1p(first.order),
        "quotes": math.log(len(citations)),
        "mentions": math.log(len({m.quote for m in mentions})),
        "agreement": sum(key in body for body, _ in lowered) / len(lowered),
        "in_titles": sum(key in title for _, title in lowered) / len(lowered),
        "proximity": proximity(quote, [first.text], asked.terms),
        "named": float(first.by_name),
        "person": float(first.label == "PERSON"),
        "organisation": float(first.label == "ORG"),
        "place": float(first.label in PLACE),
        "measure": float(first.label in MEASURES),
        "similarity": _similarity(quote, asked.question, vectors),
        "kind_fit": 0.0,
        "question_words": (
            len(set(words(first.text.lower())) & set(words(asked.question.lower()))) / max(len(words(first.text)), 1)
        ),
    }


def entity_candidates(
    info: QuestionInfo,
    citations: Sequence[Citation],
    sources: Sequence[Source],
    context: str = "",
    vectors: WordVectors | None = None,
) -> list[EntityCandidate]:
    """The distinct entities of the expected kind in the cited quotes, in reading order (a name that says it is
    the asked kind, "Calder Bridge" for "which bridge", whatever its label), each with the features the fitted
    model reads: where it first stands (which quote, which entity of its kind there), how many quotes and read
    passages repeat it and their titles, how near the question's words it stands, its kind, and how close its
    quote is to the question. A figure or a date must stand next to what the question counts or dates
    (``rag.attachment``; ``vectors`` embeds words for the close matches): "60" in "around 60 personnel" does not
    answer "how many troops"."""
    asked = _read_question(info, vectors)
    labels = name_labels(sources)
    views = table_views(citations, sources)
    citations = views.citations
    any_label = bool(info.labels and (asked.kind or asked.where))
    mentions: dict[str, list[_Mention]] = {}  # each entity's (``_key``), in the order of their first mentions
    for i, cit in enumerate(citations):
        source = source_of(cit, [*views.passages, *sources])
        if source is None:
            continue
        row = views.rows.get(source.id)
        order = 0
        for text, _, label, ent in typed_entities(cit, source, info, any_label, labels, context):
            mention = _mention(asked, cit, source, row, text, label, ent, quote=i, order=order)
            if mention is not None:
                mentions.setdefault(_key(text), []).append(mention)
                order += 1
    out = []
    lowered = [(s.text.lower(), s.title.lower()) for s in sources]
    for key, seen in mentions.items():
        first = seen[0]
        # "Sven Ottar's" (the tagger took the possessive in) answers as "Sven Ottar"; and no "– " before it.
        shown = re.sub(r"^[^\w$€£¥]+|(?<=\w)['’]s$", "", first.text) if first.label in NAMES else first.text
        if first.label in FIGURE:
            shown = re.sub(r"(?<=\d)-[a-z]+$", "", shown)  # "a 16-bed ward": 16 (beds, as the question asks)
        answer = ShortAnswer(text=shown, citation=citations[first.quote].n, label=first.label)
        out.append(_candidate(seen, answer, _features(asked, key, seen, citations, lowered, vectors)))
    if asked.head and vectors is not None and out:
        # How well each candidate fits the asked kind ("Which country …?": a country more than its capital).
        vecs = vectors.embed_cached([asked.head] + [c.answer.text for c in out])
        for c, v in zip(out, vecs[1:], strict=True):
            c.features["kind_fit"] = float(v @ vecs[0])
    return out


# A name whose possessive a person's role or kin follows ("Benn's mother", "the company's lawyer"): that other
# person is who the sentence speaks of; and a question that asks for such an owner ("Whose …?", "Which
# company's lawyer …?"). Kin words: general English.
_POSSESSOR = re.compile(r"(?:['’]s|(?<=s)['’])\s+([a-z]+)")  # "Benn's mother", "Biologics' chief"
_KIN = frozenset(
    "mother father son daughter wife husband brother sister parents parent family widow widower grandson "
    "granddaughter grandmother grandfather uncle aunt nephew niece cousin partner fiancee fiance".split()
)


# "Who runs the trust?": "who" as the subject of a verb (not an auxiliary's), and the object after it.
_WHO_DOES = re.compile(r"^\W*who\s+([a-z]+)\s+(.+?)\W*$", re.I)
_VERB_BEFORE = re.compile(r"([A-Za-z]+)\s+(?:(?:that|which|who)\s+)?([a-z]+)\s+(?:(?:the|a|an|its|their)\s+)?$")


def _who_does(asking: str) -> tuple[str, str] | None:
    """The verb and the object's last word of "Who VERB OBJECT?" ("Who runs the health trust?" -> "runs",
    "trust"); None for any other question ("Who is …?", "Who did …?")."""
    asked = _WHO_DOES.match(asking)
    if asked is None:
        return None
    verb, head = asked.group(1).lower(), words(asked.group(2).lower())[-1:]
    if verb in AUXILIARIES or not can_be_verb(verb) or not head:
        return None
    return verb, head[0]


def _object_of_the_asked_subject(asked: tuple[str, str], passage: str, start: int) -> bool:
    """Whether the name at ``start`` is what the question's object does the question's verb to (``asked``, from
    ``_who_does``): for "Who runs the health trust?", "the health trust that runs Penmarrow Hospital" names what
    the trust runs, not who runs it. General English: the object's last word right before the same verb, the
    name right after it."""
    verb, head = asked
    before = _VERB_BEFORE.search(passage, max(0, start - 80), start)
    if before is None or lemma_term(before.group(2).lower()) != lemma_term(verb):
        return False
    return term(before.group(1).lower()) == term(head)


def _inside_the_asked_object(asked: tuple[str, str], passage: str, start: int) -> bool:
    """Whether the name at ``start`` ends the phrase of the question's object (``asked``, from ``_who_does``): for
    "Who opposed the closure?", "the closure of the night ward at Larkhill Hospital" names where the closure is,
    not who opposed it."""
    head = term(asked[1])
    window = passage[max(0, start - 60) : start]
    for m in re.finditer(r"[A-Za-z][\w-]*", window):
        if term(m.group(0).lower()) == head:
            between = window[m.end() :]
            if between.strip() and re.fullmatch(
                r"(?:\s+(?:of|at|in|for|from)\s+(?:(?:the|a|an)\s+)?(?:[a-z][\w-]*\s+){0,3})+", between
            ):
                return True
    return False


def _owns_a_person(text: str, end: int) -> bool:
    if text[end - 1 : end] in ("'", "’"):
        end -= 1  # the tagger took the apostrophe of "Biologics' chief executive" into the name
    found = _POSSESSOR.match(text, end)
    if not found:
        return False
    # "Benn's mother", "Rostova's sporting director": the kin or role word, or the one after a modifier.
    following = [found.group(1), *words(text[found.end() : found.end() + 20])[:1]]
    return any(w in _KIN or w in ROLE_NOUNS for w in following)


_POSSESSOR_ASKED = re.compile(r"\bwhose\b|\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?[\w-]+['’]s?\s", re.I)


def _ends(tokens: list[str]) -> list[str]:
    """A name's first and last word, a number after it aside: where its kind word stands ("Calder Bridge",
    "River Aldon", "Gate 12"); a kind word inside it names a part ("Tarn County Fire Service" is no
    county)."""
    while len(tokens) > 1 and tokens[-1].isdigit():
        tokens = tokens[:-1]
    if len(tokens) > 1 and tokens[0] in ("the", "a", "an"):
        tokens = tokens[1:]  # "the Journal of Learning Policy"
    return tokens[:1] + tokens[-1:]


def _an_age(text: str, passage: str, ent: Entity) -> bool:
    """How news writes an age: "Ashgrove, 47, …", "aged 47", "47-year-old", "47 years old"; a bare number
    elsewhere counts something ("won 14 seats")."""
    if span_of_time(text) and "old" in text.lower():
        return True
    if not re.fullmatch(r"(?:aged\s+)?\d{1,3}", text.strip()):
        return False
    before = passage[max(0, ent.start - 40) : ent.start]
    apposed = _apposed_name(passage, ent) is not None
    return bool(apposed or text.lower().startswith("aged") or re.search(r"\baged\s*$", before))


_APPOSED = re.compile(r"((?:[A-Z][\w’'-]*\s+){0,3}[A-Z][\w’'-]*),\s*$")


def _apposed_name(passage: str, ent: Entity) -> str | None:
    """The capitalised name a figure stands in apposition to ("Marek Solvay, 52, …" -> "Marek Solvay")."""
    found = _APPOSED.search(passage[max(0, ent.start - 60) : ent.start])
    return found.group(1) if found and re.match(r"\s*(?:[,);]|\.(?!\d)|$)", passage[ent.end : ent.end + 12]) else None


# "…, not 14,000 as previously reported": a figure the sentence itself corrects.
_AS_BEFORE = re.compile(
    r"\s+(?:[a-z]+\s+)?(?:as\s+)?(?:previously|earlier|first|initially|originally)\s+"
    r"(?:reported|stated|said|announced|thought|estimated|published|given|put)\b",
    re.I,
)


def _retracted(text: str, e: Entity) -> bool:
    """ "16,200 people, not 14,000 as previously reported", "6.5 kilometres wide, not the 11 kilometres first
    estimated", "revising an earlier reading of 6.2 metres": a figure the sentence itself corrects."""
    negated = re.search(r"\bnot\s+(?:the\s+|an?\s+)?$", text[max(0, e.start - 10) : e.start], re.I)
    return bool(negated and _AS_BEFORE.match(text, e.end)) or stated_as_earlier(text, e.start, e.end)


def _counts_things(text: str, end: int) -> bool:
    """A count of things: a plural noun follows the number ("16,200 patients")."""
    after = re.findall(r"[A-Za-z-]+|[^\sA-Za-z-]", text[end : end + 40])[:2]
    return any(w.islower() and plural_noun(w) for w in after)  # "16,200 people", "300 new jobs"


# A figure of what is added or taken away ("40 more inspectors", "300 extra beds") and a question asking for one.
_ADDED = re.compile(r"\s+(?:more|additional|extra|fewer|further)\b", re.I)
_ANOTHER = re.compile(r"\banother\s+$", re.I)  # "another four papers were retracted, bringing the total to seven"
_ADDED_ASKED = re.compile(r"\b(?:more|additional|extra|fewer|further|less)\b", re.I)


_YEAR_CUT = re.compile(rf";|\.(?:\s|$)|\b(?:and|but)\b|\b(?!{YEAR_PATTERN}\b)\d")


def _stated_with(text: str, start: int, end: int) -> tuple[str, str]:
    """What a figure is stated with: the words after it up to the next figure or conjunction ("three warnings in
    2024 | and seven in 2025"), and the few words before it back to a conjunction ("in 2025, | seven")."""
    after = text[end : end + 80]
    cut = _YEAR_CUT.search(after)
    before = re.split(r"[;.]|\band\b|\bbut\b", text[max(0, start - 30) : start])[-1]
    return (after[: cut.start()] if cut else after), before


def _stated_year(text: str, start: int, end: int) -> str | None:
    """The year a figure is given for: the first after it, else the last before it (``_stated_with``)."""
    after, before = _stated_with(text, start, end)
    found = re.search(rf"\b{YEAR_PATTERN}\b", after)
    if found:
        return found.group(0)
    years = re.findall(rf"\b{YEAR_PATTERN}\b", before)
    return years[-1] if years else None


# Relative time, general English: "last season", "the year before", "the previous quarter".
_RELATIVE = frozenset(term(w) for w in "last previous before earlier prior next following this current".split())
_TIME_UNITS = frozenset(term(w) for w in "year season month week quarter day term".split())


def _time_words(text: str) -> frozenset[str]:
    return frozenset(w for w in (term(x) for x in words(text.lower())) if w in _RELATIVE or w in _TIME_UNITS)


def _stated_time(text: str, start: int, end: int) -> frozenset[str]:
    """The relative-time words a figure is stated with: those after it, else those before it (``_stated_with``)."""
    after, before = _stated_with(text, start, end)
    return _time_words(after) or _time_words(before)


# ", the owner of …", ", its operator since …": an apposition naming what the name before it is.
_APPOSED_DOER = re.compile(r",\s+(?:the|its|a|an)\s+(?:[a-z]+\s+)?([a-z]+)\s+(?:of|since|for)\b")
# "the terminal's owner, Morvik Ports": the doer noun right before the name.
_DOER_BEFORE = re.compile(r"\b([a-z]+),?\s+$")


# A passive's agent: "led by former judge Aldo Rimmer", "was founded by Ada Venn" (the name right after).
_BY_AGENT = re.compile(r"\b([a-z]+)\s+by\s+(?:[a-z]+\s+){0,3}$")


def _governed(verb: str | None, state_asked: bool, text: str, start: int) -> bool:
    """Whether the question's own verb governs a figure of what is added ("will hire 12 more engineers" answers
    "How many engineers will it hire?"); not when the question asks a total."""
    if state_asked or verb is None:
        return False
    return lemma_term(verb) in {lemma_term(w) for w in words(text[max(0, start - 30) : start])[-2:]}


_STATE_ASKED = re.compile(r"\b(?:have|has|had|total|in all|so far|now|currently|altogether)\b", re.I)
_AUXILIARY = re.compile(rf"\b(?:{'|'.join(sorted(AUXILIARIES))})\b", re.I)


def _main_verb(question: str) -> str | None:
    """The question's main verb, the asked kind aside: after an auxiliary its last topic word that can be one
    ("How many engineers will the council hire?": "engineers" can be a verb too), else its first ("Which company
    owns the mine?")."""
    head = head_noun(question)
    verbs = [w for w in topic_words(question) if w != head and can_be_verb(w)]
    if not verbs:
        return None
    return verbs[-1] if _AUXILIARY.search(asking_sentence(question)) else verbs[0]


def _doer_terms(verb: str | None) -> frozenset[str]:
    """The agent nouns of the question's main verb, as ``term`` gives them: "owns" -> owner, "operates" ->
    operator, "founded" -> founder (English agent suffixes)."""
    if verb is None:
        return frozenset()
    base = term(verb)
    return frozenset(term(base + end) for end in ("er", "or", "r", "ter", "ner"))


# Words that make a role another one ("deputy mayor", "former manager"): general English.
_LESSER_RANK = frozenset("deputy vice assistant former acting interim associate".split())


def _role_distance(
    text: str, start: int, end: int, role_words: frozenset[str], narrowed: frozenset[str] = frozenset()
) -> int | None:
    """How many words from a name the nearest word of the asked role stands, within four on either side, the
    role's narrowing words there too; None when none does."""
    # Within the name's sentence: "… appointed Elsa Brandt as manager. Midfielder Teo Raske …" is no manager.
    head = re.split(r"[.;!?]\s", text[max(0, start - 60) : start])[-1]
    tail = re.split(r"[.;!?](?:\s|$)", text[end : end + 60])[0]
    before = words(head)[-4:]
    after = [w for w in words_after(tail, 0) if w.lower() not in LINKING_WORDS]  # "will serve as acting chief"
    if not narrowed <= {term(p) for w in before + after for p in (w, *w.split("-"))}:
        return None

    def is_role(w: str) -> bool:  # "editor-in-chief" holds "editor"
        return any(term(p) in role_words for p in (w, *w.split("-")))

    def other_rank(i: int, seq: list[str]) -> bool:  # "Deputy Mayor Jon Ekberg" is no mayor
        return i > 0 and seq[i - 1] in _LESSER_RANK and term(seq[i - 1]) not in narrowed

    # "a spokeswoman for Mayor Anna Berg": a name a role is "for" or "of" owns it (not "chief executive of X, Y").
    owned = re.search(r"\b(?:for|of|to)\s+(?:[A-Z][\w.'’-]*\s+){0,2}$", head) is not None
    found = [] if owned else [len(before) - i for i, w in enumerate(before) if is_role(w) and not other_rank(i, before)]
    found += [i + 1 for i, w in enumerate(after) if is_role(w) and not other_rank(i, after)]
    return min(found) if role_words and found else None


# A name the question writes as an owner ("Rostova's boss", "Velmont's coach"): capitalised words before 's.
_OWNER_IN_QUESTION = re.compile(r"\b((?:[A-Z][\w-]*\s+){0,3}[A-Z][\w-]*)(?:'s|’s)\s+[a-z]")


_FRACTION = re.compile(r"\b(?:half|halves|thirds?|quarters?|fifths?|tenths?)\b", re.I)  # a share, no count
_NAME_IN_QUESTION = re.compile(r"(?<!^)\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")


def _people_asked_about(sentence: str) -> list[frozenset[str]]:
    """The words of each name a question speaks of, not as a modifier of a noun after them: "Pellard" of "Who took
    over from Pellard?" (who answers is someone else), not "Vance" of "the Vance family" (a Vance may answer)."""
    out: list[frozenset[str]] = []
    for found in _NAME_IN_QUESTION.finditer(sentence.strip()):
        after = words(sentence.strip()[found.end() :])[:1]
        if after and after[0].islower() and after[0] not in STOPWORDS and not can_be_verb(after[0]):
            continue  # a noun follows: the name modifies it
        if named := frozenset(w.lower() for w in words(found.group(0))) - STOPWORDS:
            out.append(named)
    return out


def _is_asked_about(text: str, subjects: Sequence[frozenset[str]]) -> bool:
    """Whether a person is one the question names: all the words the question gives them ("Pellard" is Johan
    Pellard; "Gideon Hollin" is not his daughter Maren Hollin)."""
    person = {w.lower() for w in words(text)}
    return any(named <= person for named in subjects)


def _same_person(named: set[str], question: str) -> bool:
    """Whether a name ("Marek Solvay") is the person the question names: they share a word, and no name of the
    question that shares it gives other words too ("Teo Raske" is not "Ivo Raske"; "Raske" alone may be either)."""
    if not named & question_name_tokens(asking_sentence(question)):
        return False
    for phrase in name_phrases(asking_sentence(question)):
        asked = set(words(phrase))
        if len(asked) > 1 and asked & named and not (asked <= named or named <= asked):
            return False
    return True


def _word_right_before(text: str, start: int) -> list[str]:
    """The word right before ``start``, with no punctuation between ("the city 40 percent" -> city)."""
    found = re.search(r"([A-Za-z][\w'’-]*)\s+$", text[max(0, start - 30) : start])
    return words(found.group(1)) if found else []


def _since(text: str, start: int) -> bool:
    return words(text[max(0, start - 12) : start].lower())[-1:] == ["since"]


# Where one independent clause of a sentence ends and another begins: a semicolon, or a comma before a
# coordinating conjunction ("Teacher absence fell by 23 percent, and 71 percent of parents were satisfied").
_CLAUSES = re.compile(r";|,\s+(?:and|but|while|whereas|yet)\s")


def _clause_named(cit: Citation, source: Source, ent: Entity, own: frozenset[str] | set[str]) -> bool | None:
    """Whether the comma-delimited clause of the quote holding the entity names one of the question's names;
    None when the quote names none of them."""
    lo, hi = quote_span(cit, source)
    quote = source.text[lo:hi]
    if not own or not own & set(words(quote)):
        return None
    mine = Entity(start=ent.start - lo, end=ent.end - lo, label=ent.label)
    start, end = clause_of(quote, mine)
    said = set(words(quote[start:end]))
    # "defeating incumbent mayor Gunnar Stahl, who took 41.9 percent": a relative clause is its antecedent's.
    antecedent = _ANTECEDENT.search(quote, max(0, start - 60), start + 4) if start else None
    if antecedent and antecedent.end() > start:  # the clause opens at that relative word
        said |= set(words(antecedent.group(1)))
    return bool(own & said)


_ANTECEDENT = re.compile(r"((?:[\w’'.-]+\s+){0,2}[\w’'.-]+),?\s+(?:who|which|whose)\b", re.I)


def independent_clause(quote: str, start: int, end: int) -> tuple[int, int]:
    """The span of the independent clause (``_CLAUSES``) of ``quote`` that holds ``quote[start:end]``."""
    marks = list(_CLAUSES.finditer(quote))
    return (
        max((m.end() for m in marks if m.end() <= start), default=0),
        min((m.start() for m in marks if m.start() >= end), default=len(quote)),
    )


def _clause_topic(cit: Citation, source: Source, ent: Entity, topic: frozenset[str]) -> int | None:
    """How many of the question's topic words the independent clause holding the entity has; None when the
    quote is one clause."""
    lo, hi = quote_span(cit, source)
    quote = source.text[lo:hi]
    if not topic or not _CLAUSES.search(quote):
        return None
    start, end = independent_clause(quote, ent.start - lo, ent.start - lo)
    return len(topic & content_terms(quote[start:end]))


def _part_topic(cit: Citation, source: Source, ent: Entity, topic: frozenset[str]) -> int:
    """How many of the question's topic words the part of the quote holding the entity has, between the clause
    marks around it (commas, "after", "which" …)."""
    lo, hi = quote_span(cit, source)
    quote = source.text[lo:hi]
    start, end = clause_of(quote, Entity(start=ent.start - lo, end=ent.end - lo, label=ent.label))
    return len(topic & content_terms(quote[start:end]))


# A title, not its holder: "Minister of Industry", "the Secretary for Health" (asked "Which minister …?").
_TITLE = re.compile(r"(?:the\s+)?[A-Z][\w-]*\s+(?:of|for)\s+", re.I)


def _kind_before(before: str, kind: frozenset[str]) -> bool:
    """Whether the words before a mention say it is of the asked kind: "the towns of Orlen" (not "the capital
    city of Velmar", where the name is what holds the city)."""
    tail = words(before[-40:].lower())[-3:]
    return len(tail) == 3 and tail[0] in ("the", "a") and term(tail[1]) in kind and tail[2] == "of"


def _similarity(quote: str, question: str, vectors: WordVectors | None) -> float:
    if vectors is None:
        return 0.0
    a, b = vectors.embed_cached([quote, question])
    return float(a @ b)


# A question about a figure as it first stood ("How many were initially reported missing?"): general English.
_EARLIER_STATE = re.compile(
    r"\b(?:first|initial(?:ly)?|original(?:ly)?|earlier|earliest|previous(?:ly)?|before|at first|old|former)\b", re.I
)


def asks_earlier(question: str) -> bool:
    return bool(_EARLIER_STATE.search(asking_sentence(question)))


def _attached_in_quote(cit: Citation, source: Source, ent: Entity, matcher: Matcher) -> bool:
    lo, hi = quote_span(cit, source)
    inside = within(source.entities, lo, hi)
    mine = next(e for e in inside if e.start == ent.start - lo and e.end == ent.end - lo)
    return attached(source.text[lo:hi], inside, mine, matcher)
