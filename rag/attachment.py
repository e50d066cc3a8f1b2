"""Whether an entity in a sentence is about the thing a question asks for.

A figure counts something and a date dates something: in "estimates suggested around 60 personnel" the 60 counts
personnel, in "the accord that let troops operate since 2014" the year dates the accord, not a withdrawal. So a
figure or a date answers a question only when one of the question's focus words (what it counts, or the words of
the event it asks the date of; names and generic words left out) stands within four words of it (a date: or
anywhere in the clause it closes, "entered orbit around the icy moon on Tuesday"; clauses end at punctuation and
at subordinating words, "… after the council demanded they leave last month"): the same word by its Snowball
stem ("arriving"/"arrive"), or a close match of the sentence-embedding model ("soldiers"/"troops",
"withdrawn"/"withdrawal"; cosine at least ``CLOSE``). A count also belongs to someone: "about 60 Ostrelian
troops" counts another group's troops than "how many Kestran troops", so a name the question does not hold that
modifies the counted word detaches the figure. No word list: the stemmer, the entities found at index time and
the embedding model do the work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from rag.answer_ranking import topic_words
from rag.models import Entity
from rag.questions import FIGURE, TIMESPAN, QuestionInfo, asking_sentence, counted_words
from rag.text import NUMBER_WORDS, STOPWORDS, WORD_RE, question_name_tokens, snowball, words
from rag.word_forms import can_be_verb, irregular_forms

# Cosine between two single words' vectors from which they count as the same focus word: inflections and
# near synonyms score 0.8-0.9 with the bundled model ("troops"/"soldiers" 0.89, "withdrawal"/"withdrawn"
# 0.82), related but different words 0.3-0.55 ("troops"/"personnel" 0.53, "troops"/"trainers" 0.38).
CLOSE = 0.8
WINDOW = 4  # words either side, as the other near-miss rules read them
NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})


class WordVectors(Protocol):
    def embed_cached(self, texts: list[str]) -> np.ndarray: ...


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem: "arriving" and "arrive" -> "arriv"."""
    return snowball().stemWord(word.lower())


def _lemma_stem(word: str) -> str:
    """The stem of a word's lemma: an irregular form meets its base ("broke" and "break", "won" and "wins")."""
    return stem(irregular_forms().get(word.lower(), word))


@dataclass(frozen=True)
class Focus:
    """The words an answer's figure or date must stand next to, and the names the question itself holds."""

    words: tuple[str, ...]
    names: frozenset[str]

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(_lemma_stem(w) for w in self.words)


def focus_of(question: str, terms: Sequence[str]) -> Focus:
    """``terms``: the question's focus words as it writes them (lower case)."""
    return Focus(tuple(dict.fromkeys(terms)), frozenset(question_name_tokens(question)))


class Matcher:
    """Tells whether a word is one of the focus words: by stem first, else by word-vector cosine."""

    def __init__(self, focus: Focus, vectors: WordVectors | None) -> None:
        self.focus = focus
        self.stems = focus.stems
        self.vectors = vectors
        self._focus_vectors: np.ndarray | None = None

    def matching(self, tokens: Sequence[str]) -> list[bool]:
        """For each token, whether it is a focus word."""
        out = [_lemma_stem(t) in self.stems for t in tokens]
        if self.vectors is None or not self.focus.words:
            return out
        unsure = [i for i, t in enumerate(tokens) if not out[i] and _comparable(t)]
        if unsure:
            if self._focus_vectors is None:
                self._focus_vectors = self.vectors.embed_cached(list(self.focus.words))
            vecs = self.vectors.embed_cached([tokens[i].lower() for i in unsure])
            close = (vecs @ self._focus_vectors.T).max(axis=1) >= CLOSE
            for i, c in zip(unsure, close, strict=True):
                out[i] = bool(c)
        return out


def focus_matcher(info: QuestionInfo, vectors: WordVectors | None) -> Matcher | None:
    """What a figure or date answer must stand next to: the counted words ("how many troops"), or the asked
    event's words for a date; none for other questions, or when the question names no such word."""
    if not info.labels:
        return None
    if info.labels <= TIMESPAN:
        focus = topic_words(info.text)
    elif info.labels <= FIGURE:
        focus = counted_words(info.text)
    else:
        return None
    return Matcher(focus_of(info.text, focus), vectors) if focus else None


def event_matcher(info: QuestionInfo, vectors: WordVectors | None) -> Matcher | None:
    """For a "when" question, its event word alone: the verb that closes the question ("When was the water tax
    approved?" -> "approved"), which a date of that event stands beside, where the other topic words may name
    only what the event happened to ("A court on Monday struck down the water tax, ruling that the county had
    approved it": Monday dates the ruling). None when the question ends otherwise (a noun: "… label the
    takeover a coup?") or has one topic word."""
    if not info.labels or not info.labels <= TIMESPAN:
        return None
    focus = topic_words(info.text)
    if len(focus) < 2:
        return None
    # "When did she join the fire service?", "When did Ilse Marr join …?": the verb after a pronoun or name
    # subject of the auxiliary, whatever ends the question ("service" can be a verb too).
    after = _VERB_AFTER_SUBJECT.search(asking_sentence(info.text))
    verb = after.group("verb").lower() if after else None
    if verb in focus and can_be_verb(verb):
        return Matcher(focus_of(info.text, [verb]), vectors)
    last = words(asking_sentence(info.text))[-1:]
    if last == [focus[-1]] and can_be_verb(last[0]):
        return Matcher(focus_of(info.text, [focus[-1]]), vectors)
    return None


_VERB_AFTER_SUBJECT = re.compile(
    r"^\W*(?i:when)\s+(?i:did|does|do|will|would|could|can|has|have|had)\s+"
    r"(?:(?i:he|she|they|it|we|you|i)\s+|(?:[A-Z][\w’'-]*\s+){1,3})(?P<verb>[a-z]+)\b"
)


def _comparable(token: str) -> bool:
    return token.isalpha() and token.islower() and len(token) > 2 and token not in STOPWORDS


def _tokens(text: str) -> list[tuple[str, int, int]]:
    out = []
    for m in WORD_RE.finditer(text):
        form = words(m.group(0))
        out.append((form[0] if form else m.group(0), m.start(), m.end()))
    return out


def attached(text: str, entities: Sequence[Entity], ent: Entity, matcher: Matcher, owned: bool = True) -> bool:
    """A focus word stands within ``WINDOW`` words of ``ent`` in ``text`` (offsets into ``text``), and, with
    ``owned``, no name the question does not hold claims the figure: a name between the entity and that word
    ("60 Ostrelian troops") or one modifying the word right before it ("Ostrelian troops numbered 60"). A
    possessive that owns the figure ("Velmoria's 1,500 troops") is left alone: the question may write the
    same owner another way ("Velmorian troops"), which no rule without a word list can tell."""
    tokens = _tokens(text)
    before = [t for t in tokens if t[2] <= ent.start][-WINDOW:]
    # "four of the 23 monitoring stations": a part counts what the whole after it counts.
    reach = 2 * WINDOW if PARTITIVE.match(text, ent.end) else WINDOW
    after = [t for t in tokens if t[1] >= ent.end][:reach]
    near = before + after
    if ent.label in TIMESPAN:
        # A date closes its clause ("entered orbit around the icy moon Verris on Tuesday"): any word of the
        # clause it stands in may be the event it dates, however far, and no word past it ("begin in spring
        # 2026 and the berths should open in 2028": 2026 dates the beginning, not the opening).
        end = min(_span_between(_NEW_SUBJECT, text, ent)[1], _span_between(_SENTENCE_END, text, ent)[1])
        near = [t for t in near if t[2] <= end]
        lo, hi = clause_of(text, ent)
        hi = min(hi, end)
        if lo > 1 and _TEMPORAL_OPENER.match(text, lo - 1):
            # "suspended on full pay since the panel's report on Sept. 29": the date's clause, opened by "since"
            # or "until", dates what the clause before it says.
            lo = clause_of(text, Entity(start=lo - 2, end=lo - 1, label=ent.label))[0]
        near += [
            t for t in tokens if lo <= t[1] and t[2] <= hi and t not in near and (t[2] <= ent.start or t[1] >= ent.end)
        ]
        opening = words(text[_span_between(_SENTENCE_END, text, ent)[0] : ent.start].lower())
        if not set(opening) <= STOPWORDS:
            # A date that does not open its sentence ends its reach at the comma after it: in "… as its director
            # from the 2027-28 season, the orchestra announced on Wednesday", the season dates no announcing
            # ("In October, the berths will open" is fronted: the rest of the sentence is what it dates).
            comma = _span_between(_PUNCTUATION_MARK, text, ent)[1]
            near = [t for t in near if t[2] <= comma or t[2] <= ent.start]
        if _SAID_ON.search(text, max(0, ent.start - 40), ent.start):
            # "The trust said on Friday it would close the ward from 1 November": Friday dates the saying, not
            # the closing the words after it report.
            near = [t for t in near if t[2] <= ent.start]
    else:
        # A figure counts what its clause opens with, however far ("Visits to the libraries rose 18 percent
        # last year to 1.9 million"), not what the next clause names.
        lo = clause_of(text, ent)[0]
        if lo > 1 and _COMPARED.search(text[max(lo, ent.start - 24) : ent.start]):
            # "27 league goals last season, up from 19 the season before": 19 counts what 27 counts.
            lo = clause_of(text, Entity(start=lo - 2, end=lo - 1, label=ent.label))[0]
        near += [t for t in tokens if lo <= t[1] and t[2] <= ent.start and t not in near]
    if ent.label in FIGURE:
        # "a 16-bed ward" counts beds: the word a figure is hyphened to is what it counts.
        tail = re.search(r"-([a-z]+)$", text[ent.start : ent.end])
        if tail and any(matcher.matching([tail.group(1)])):
            return True
    hits = [tok for tok, ok in zip(near, matcher.matching([t[0] for t in near]), strict=True) if ok]
    if ent.label in FIGURE:
        hits = [h for h in hits if h[1] < ent.end or not _claimed_between(text, entities, ent, h[1])]
    if not hits:
        return False
    if not owned:
        return True
    for _, start, _ in hits:
        # After the entity, the words between them ("60 [Ostrelian] troops"); before it, the two words that
        # modify the focus word ("[Ostrelian] troops numbered 60").
        lo, hi = (ent.end, start) if start >= ent.end else (_modifier_start(tokens, start), start)
        if not any(_foreign(text, e, matcher.focus) for e in entities if e.start >= lo and e.end <= hi):
            return True
    return False


# Where a clause ends: punctuation, or a subordinating word opening the next clause ("… after the country
# demanded they leave last month": "last month" dates the leaving, not what came before "after").
# Closed-class English, like the stopwords.
_PUNCTUATION = r"(?<!\d),|,(?!\d{3}\b)|[;:()\u2013\u2014]|\s-\s"  # not the comma of "1,100"
_CLAUSE_MARK = re.compile(
    _PUNCTUATION + r"|\b(?:after|before|when|whenever|while|because|since|although|though|until|"
    r"unless|whereas|that|which|who|whom|whose|where|if)\b",
    re.I,
)
# "and"/"but" before a determiner or pronoun may open a new subject: a date's window and clause do not reach
# forward past it ("… in spring 2026 and the berths should open in 2028": 2026 does not date the opening). They
# still reach back past one ("suspend its routes between Skarvik and the Alder Islands from December to March":
# a coordinated object, not a new subject), and a fronted date ("In October, the …") past its comma.
# "since"/"until" bound the main clause's own state ("suspended since X", "closed until X"); "after"/"before"
# open another event, which their date dates ("withdrew after the country demanded they leave last month").
_TEMPORAL_OPENER = re.compile(r"(?:since|until)\b", re.I)  # matched at the clause mark
_PUNCTUATION_MARK = re.compile(_PUNCTUATION)
# A date right after a verb of saying ("said on Friday", "told reporters on Monday"): closed-class English verbs.
_SAID_ON = re.compile(
    r"\b(?:said|says|told|announced|announces|stated|added|reported|confirmed|disclosed|revealed)"
    r"(?:\s+[a-z]+)?\s+(?:(?:late|early)\s+)?(?:on\s+)?$",
    re.I,
)
_COMPARED = re.compile(r"\b(?:(?:up|down)\s+from|compared\s+(?:with|to)|against|versus|than)\s+$", re.I)
PARTITIVE = re.compile(
    r"\s+of\s+(?:(?:the|its|their|all|these|those)\s+)?(?:(?:[\w-]+\s+){0,2}[\w-]+['’]s?\s+)?"
    r"(?:\S*\d[\d,.]*|(?:" + "|".join(NUMBER_WORDS) + r")\b)",
    re.I,
)
"""The whole a figure is a part of, right after it: "four of the 23 monitoring stations", "two of its four gates",
"three of the dam's five gates"."""
# A sentence's end inside a quote: not the dots of an initialism ("U.N.") and not one before a lower-case word.
_SENTENCE_END = re.compile(r";|(?<![A-Z])[.!?](?=\s+[\"“‘'A-Z]|$)")
_NEW_SUBJECT = re.compile(r"\b(?:and|but)\s+(?=(?:the|a|an|its|their|his|her|he|she|it|they|we)\s)", re.I)


def clause_before(text: str, ent: Entity) -> str:
    """The words of ``ent``'s clause before it: what a figure counts may open the clause."""
    return text[clause_of(text, ent)[0] : ent.start]


def clause_of(text: str, ent: Entity) -> tuple[int, int]:
    """The span of the clause ``ent`` stands in: between the clause marks around it."""
    return _span_between(_CLAUSE_MARK, text, ent)


def _span_between(marks_re: re.Pattern[str], text: str, ent: Entity) -> tuple[int, int]:
    """The span around ``ent`` between the nearest matches of ``marks_re`` on either side."""
    marks = [m.start() for m in marks_re.finditer(text)]
    lo = max((m for m in marks if m < ent.start), default=-1) + 1
    hi = min((m for m in marks if m >= ent.end), default=len(text))
    return lo, hi


_RANGE_JOIN = re.compile(r"\s*(?:or|to|-|\u2013)\s*$", re.I)
_RANGE_OPEN = re.compile(r"\b(?:between|from)\s+$", re.I)


def _claimed_between(text: str, entities: Sequence[Entity], ent: Entity, at: int) -> bool:
    """Another figure stands between ``ent`` and the word at ``at`` and counts it instead: "a crew of three and
    twenty-five passengers" has twenty-five passengers, not three. A range's ends share the word ("two or three
    passengers", "between 300 and 400 people"), and a part counts what its whole counts ("four of the 23
    stations")."""
    if PARTITIVE.match(text, ent.end):
        return False
    other = next((e for e in entities if e.label in FIGURE and ent.end <= e.start and e.end <= at), None)
    if other is None:
        return False
    ranged = _RANGE_JOIN.fullmatch(text[ent.end : other.start]) or _RANGE_OPEN.search(text, 0, ent.start)
    return not ranged


def _modifier_start(tokens: list[tuple[str, int, int]], start: int) -> int:
    earlier = [t for t in tokens if t[2] <= start][-2:]
    return earlier[0][1] if earlier else start


def _foreign(text: str, e: Entity, focus: Focus) -> bool:
    """A name entity whose words the question does not hold."""
    return e.label in NAME_LABELS and not set(words(text[e.start : e.end])) <= focus.names
