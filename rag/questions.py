"""What a question asks for, read without loading a language model (it runs on every question's path).

``expected_labels`` maps the wh-word and the head noun to the spaCy entity labels an answer should
hold ("which country" -> GPE, "how many" -> CARDINAL/QUANTITY). ``ANSWER_TYPES`` is the one table for
that; its words are general English (wh-words and common nouns for kinds of things), never names.
The entities of the passages were found at index time, so matching labels costs nothing here.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rag.conversation import following_up, main_question, rewrite
from rag.text import (
    AUXILIARIES,
    NUMBER_WORDS,
    STOPWORDS,
    YEAR_RE,
    name_phrases,
    split_sentences,
    term,
    words,
)
from rag.units import DIMENSION_UNITS, TIME_UNIT
from rag.word_forms import can_be_verb, is_past_form, plural_noun

PERSON, ORG, NORP, GPE, LOC, FAC = "PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"
DATE, TIME, MONEY, PERCENT, QUANTITY, CARDINAL = "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL"
EVENT, LAW, PRODUCT, WORK, LANGUAGE, ORDINAL = "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE", "ORDINAL"
PLACE = frozenset({GPE, LOC, FAC})
AGENT = frozenset({PERSON, ORG, NORP})
FIGURE = frozenset({CARDINAL, QUANTITY, MONEY, PERCENT})
TIMESPAN = frozenset({DATE, TIME})  # "six months", "187 minutes": spans of time are counted too
NAMES = AGENT | PLACE | frozenset({"EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"})  # proper names

# One table: (question phrase, head nouns that may follow "which"/"what" or None, expected labels).
# Rows are tried in order; the first that matches wins. Head nouns are common English nouns for kinds.
ANSWER_TYPES: tuple[tuple[str, tuple[str, ...] | None, frozenset[str]], ...] = (
    ("how many", None, frozenset({CARDINAL, QUANTITY})),
    ("how much", ("money", "cost", "pay", "paid", "spend", "spent", "worth", "fund", "raise", "earn", "invest",
                  "donate", "borrow", "lend", "lent", "owe", "fee", "fine", "salary", "wage", "wages",
                  "budget", "bid", "payment", "compensation", "bonus", "profit", "revenue", "grant", "loan"),
     frozenset({MONEY})),
    ("how much", None, frozenset({MONEY, QUANTITY, PERCENT, CARDINAL})),
    ("how long", None, frozenset({DATE, TIME, QUANTITY})),
    ("how old", None, frozenset({DATE, CARDINAL})),
    # "How far above the limit …?" asks a degree ("nine times", "12 percent"), not a distance.
    ("how far", ("above", "below", "ahead", "behind", "over", "under", "short"),
     frozenset({QUANTITY, CARDINAL, PERCENT, MONEY})),
    ("how far", None, frozenset({QUANTITY})),
    ("how", ("big", "large", "tall", "high", "deep", "wide", "heavy", "fast", "strong", "hot", "cold", "warm"),
     frozenset({QUANTITY, CARDINAL})),
    ("when", None, frozenset({DATE, TIME})),
    ("how soon", None, frozenset({DATE, TIME})),
    ("what time", None, frozenset({TIME, DATE})),
    ("where", None, PLACE),
    ("whom", None, frozenset({PERSON, ORG})),
    ("whose", None, frozenset({PERSON, ORG})),
    ("who", None, frozenset({PERSON, ORG})),
    ("which", ("country", "countries", "nation", "nations", "state", "states", "city", "cities", "town",
               "towns", "capital", "province", "region", "county", "village", "territory"), frozenset({GPE, LOC})),
    ("which", ("continent", "ocean", "sea", "river", "lake", "mountain", "island", "islands", "area",
               "desert", "place"), frozenset({LOC, GPE})),
    ("which", ("base", "airport", "airfield", "port", "building", "bridge", "stadium", "camp", "facility",
               "plant", "station", "hospital", "prison", "compound", "observatory", "museum", "library",
               "theatre", "theater", "gallery", "church", "cathedral", "mosque", "temple", "zoo", "park", "mine",
               "factory", "refinery", "laboratory", "lab", "institute", "centre", "center", "venue", "arena"),
     frozenset({FAC, ORG, GPE})),
    ("which", ("company", "companies", "firm", "organization", "organisation", "group", "agency", "outlet",
               "newspaper", "network", "team", "club", "party", "university", "bank", "brand", "airline",
               "automaker", "retailer", "chain", "studio", "publication", "court", "department", "ministry",
               "committee", "union", "body", "institution", "school", "broadcaster", "band", "journal",
               "magazine", "faction", "militia", "coalition", "alliance", "movement", "cartel", "gang",
               "charity", "regulator", "insurer", "operator", "manufacturer", "startup", "publisher"),
     frozenset({ORG})),
    ("which", ("person", "people", "man", "woman", "official", "officials", "leader", "president", "minister",
               "senator", "governor", "mayor", "actor", "actress", "singer", "player", "athlete", "author",
               "writer", "reporter", "journalist", "spokesperson", "spokesman", "spokeswoman", "ceo", "founder",
               "judge", "candidate", "star", "director", "secretary", "chief", "general", "rapper",
               "musician", "artist", "coach", "billionaire", "lawmaker", "politician", "celebrity", "king",
               "queen", "prince", "princess", "pope", "member", "host", "captain", "manager", "chairman",
               "chairwoman", "commissioner", "lawyer", "attorney", "prosecutor", "economist", "analyst",
               "scientist", "researcher", "professor", "pilot", "designer", "engineer", "editor", "ambassador",
               "envoy", "chancellor", "premier", "golfer", "footballer", "cyclist", "swimmer", "boxer", "skier",
               "driver", "astronaut", "astronomer", "conductor", "composer", "chef", "comedian", "presenter",
               "entrepreneur", "investor", "activist", "officer", "soldier", "doctor", "nurse", "teacher",
               "student", "winner", "victim", "suspect", "defendant", "nominee", "heir", "successor"),
     frozenset({PERSON})),
    ("which", ("year", "years", "date", "month", "day", "decade", "century", "season", "week"),
     frozenset({DATE})),
    ("which", ("percentage", "percent", "share", "proportion"), frozenset({PERCENT})),
    ("which", ("rate", "turnout", "inflation", "unemployment"), frozenset({PERCENT, CARDINAL})),
    ("which", ("price", "cost", "fine", "fee", "salary", "wage", "budget", "payment", "bonus", "loan", "grant",
               "settlement", "compensation", "payout", "deficit", "debt", "profit", "revenue", "income", "earnings"),
     frozenset({MONEY})),
    ("which", ("amount", "sum", "value"), frozenset({MONEY, CARDINAL})),
    ("which", ("number", "total", "count", "figure", "size"), frozenset({CARDINAL, QUANTITY, MONEY, PERCENT})),
    ("which", ("population", "toll", "tally", "headcount", "attendance"), frozenset({CARDINAL, QUANTITY})),
    ("which", ("distance", "length", "height", "depth", "width", "weight", "speed", "altitude", "elevation",
               "volume", "temperature"), frozenset({QUANTITY})),
    ("which", ("nationality", "religion", "ethnicity"), frozenset({NORP})),
    ("which", ("event", "war", "storm", "hurricane", "tournament", "championship", "festival", "election",
               "battle", "games"), frozenset({EVENT})),
    ("which", ("law", "act", "bill", "treaty", "amendment", "rule", "regulation"), frozenset({LAW})),
    ("which", ("vaccine", "drug", "product", "device", "phone", "car", "vehicle", "app", "aircraft",
               "plane", "missile", "weapon", "game", "software"), frozenset({PRODUCT, ORG})),
    ("which", ("film", "movie", "book", "show", "series", "song", "album", "novel", "play", "documentary"),
     frozenset({WORK})),
    ("which", ("language",), frozenset({LANGUAGE})),
    # "What will a ticket cost?", "What did the council pay for the land?": "what" is the price a verb of paying
    # takes (an auxiliary follows it; "What did they pay for?" asks the thing bought).
    ("what", ("cost", "costs", "costing", "charge", "charges", "charged", "charging", "pay", "pays", "paid",
              "fetch", "fetched", "earn", "earns", "earned"), frozenset({MONEY})),
)  # fmt: skip
_PLACE_KINDS = frozenset(
    h for phrase, heads, labels in ANSWER_TYPES if phrase == "which" and heads and labels & PLACE for h in heads
)
_WH_OPEN = re.compile(r"\b(?:which|what|(?:name|names|title) of)\b")
_HEADS = frozenset(h for phrase, heads, _ in ANSWER_TYPES if phrase == "which" and heads for h in heads)
# Auxiliaries and modals: after "what"/"which" they mean the wh-word is the object ("What did the images
# show?"), so the words after it are no head noun. Closed-class English, not tied to any articles.
_SIZED_KIND = re.compile(r"how (?:big|large|high|small|low|steep|hefty) an? (.+)", re.I)
_HOW = re.compile(
    r"\bhow (?:many|much|long|old|far(?: away| off)?|big|large|tall|high|deep|wide|heavy|fast|strong|hot|cold|warm)\b",
    re.I,
)


_MONEY_VERBS = next(
    frozenset(term(h) for h in heads) for phrase, heads, labels in ANSWER_TYPES if phrase == "how much" and heads
)
_HOW_MUCH = re.compile(r"\bhow much\b", re.I)


def without_how_phrase(question: str) -> str:
    """The question without its "how long/old/far/…" phrase: those words ask for a measure, they name no topic
    ("How long has the war gone on?" is about the war, not about length); nor, after "how much", the words of
    paying that made it ask for money ("How much will Brightwell pay for Osgood?" is about Brightwell and
    Osgood: "will buy … for 3.4 billion dollars" answers it)."""
    out = _HOW.sub(" ", question)
    if _HOW_MUCH.search(question):
        out = " ".join(w for w in out.split() if term(w.lower().strip("?.,!")) not in _MONEY_VERBS)
    return out


class MetaKind(StrEnum):
    """Questions about the articles themselves, answered from their byline and date lines."""

    AUTHOR = "author"
    PUBLISHED = "published"
    LATEST = "latest"
    OUTLET = "outlet"
    AUTHORED = "authored"  # the articles a person's byline is on: "Which articles did Ines Carvalho write?"


# "Which articles did X write?", "What has X written?", "List the articles by X": general English around the name.
# The name may not open with a determiner or pronoun ("Which reports did the inspectors file?" asks the text), and
# nothing may follow the verb but "so far"-like words ("What has X written off?", "What did X write in the report?"
# are questions about the text; a bare "What did X write?" is one too: it may ask what a letter said).
_PIECES = r"(?:articles?|stories|story|pieces?|reports?|columns?|features?|op-?eds?|posts?|items?|coverage)"
_NOT_A_NAME = r"(?!(?:the|a|an|this|that|these|those|his|her|their|its|our|my|your|it|they|he|she|we|you|i|one)\b)"
_WHO = rf"(?P<who>{_NOT_A_NAME}[^?,;:]+?)"
_UNTIL_END = (
    r"\s*(?:(?:so far|to date|here|lately|recently|in (?:the|this|these|my|our) "
    r"(?:corpus|folder|collection|archive|index))\s*)?[?.!]*\s*$"
)


def _authored_patterns(who: str) -> tuple[re.Pattern[str], ...]:
    return (
        re.compile(
            rf"^\W*(?:which|what) (?:other |more |else )?{_PIECES}(?: else)? (?:did|has|have|had) {who} "
            rf"(?:also |ever )?(?:write|written|author|authored|pen|penned|file|filed|contribute|contributed)"
            rf"{_UNTIL_END}",
            re.I,
        ),
        re.compile(
            rf"^\W*what (?:else |other )?(?:has|have|had) {who} (?:also |ever )?"
            rf"(?:written|authored|penned|filed){_UNTIL_END}",
            re.I,
        ),
        re.compile(rf"^\W*what else did {who} (?:write|author|pen|file){_UNTIL_END}", re.I),
        re.compile(
            rf"^\W*(?:(?:please )?(?:list|show|find|give|name)(?: me)?(?: all| every)?(?: of)?(?: the)? "
            rf"|(?:which|what) )?{_PIECES} (?:(?:are|were|is|was) )?(?:(?:written|authored|penned|filed|bylined) )?"
            rf"by {who}{_UNTIL_END}",
            re.I,
        ),
    )


_AUTHORED = _authored_patterns(_WHO)
# The same asked with a pronoun: a follow-up to "Who wrote the article about Z?" ("What else has she written?").
_AUTHORED_BY_PRONOUN = _authored_patterns(r"(?:she|he|they|her|him|them)")
_AUTHOR_ASKED = re.compile(
    r"^\W*(?:who (?:wrote|authored|penned)|who is the (?:author|writer) of) (?P<about>.+?)[?.!\s]*$", re.I
)


def authored_name(question: str) -> str | None:
    """The person whose articles are asked for ("Which articles did Ines Carvalho write?" -> "Ines Carvalho");
    None for any other question. A question that capitalises its words must capitalise the name, so "Which
    reports did inspectors file?" names no one; an all-lowercase question is read as typed."""
    q = main_question(question).strip()
    cased = q != q.lower()
    for pattern in _AUTHORED:
        found = pattern.match(q)
        if found and _a_name(found.group("who").split(), cased):
            return found.group("who").strip()
    return None


# Lower-case words inside personal names ("Ana de Souza", "Pieter van Dijk", "Omar bin Said"): closed-class.
NAME_PARTICLES = frozenset("de da do dos das di du del della van von der den ter ten le la bin ibn al el y".split())


def _a_name(tokens: list[str], cased: bool) -> bool:
    """Whether ``tokens`` can be a person's name: at most five words, each capitalised or a name particle in a
    question that capitalises (so "Ines Carvalho mention the port" is none), no function word in one that
    does not."""
    if not tokens or len(tokens) > 5:
        return False
    if cased:
        return tokens[0][:1].isupper() and all(t[:1].isupper() or t in NAME_PARTICLES for t in tokens)
    return all(t not in STOPWORDS or t in NAME_PARTICLES for t in tokens) and len(tokens) <= 4


_BY_AUTHOR_OF = re.compile(
    r"^\W*what (?:else|other (?:articles|stories|pieces|reports)) (?:did|has|have) the (?:author|writer|reporter|"
    r"journalist|columnist)s? of (?P<about>.+?) (?:also )?(?:write|written|author|authored|file|filed)[?.!\s]*$",
    re.I,
)


def author_of_subject(question: str) -> str | None:
    """What identifies the article whose author is meant: "What else did the author of the article about the port
    plan write?" -> "the article about the port plan"; None for any other question."""
    found = _BY_AUTHOR_OF.match(main_question(question).strip())
    return found.group("about") if found else None


# What a question calls an indexed file: a news article, or a report, review or release saved as one.
_ARTICLE = (
    r"(?:the|this|that|an?) (?:(?!(?:about|on|of|in|for|to|by|from|with)\b)[\w'’-]+ ){0,3}?"
    r"(?:article|story|report|piece|column|op-ed|feature|post|review|document|release|bulletin|interview|editorial|profile|obituary|commentary"
    r"|essay|correction|statement|announcement|newsletter|briefing|analysis)s?\b"
)
_LATEST = re.compile(r"^\W*what(?:'s| is) the latest (on|about|in|with)\b|\blatest news (on|about|from|in)\b", re.I)
_META = (
    # "Who wrote the article about X?", "Who wrote about X?"; not "Who wrote the majority opinion?" (a question
    # about the text) nor "Who is the author of the study?".
    (
        MetaKind.AUTHOR,
        re.compile(
            rf"^\W*who (?:wrote|authored|reported|penned) (?:(?:it|this|that)\b|{_ARTICLE}|about\b|on\b)"
            rf"|\bwho is the (?:author|writer)(?: of {_ARTICLE})?\W*$|\bwho is the (?:author|writer) of {_ARTICLE}",
            re.I,
        ),
    ),
    (
        MetaKind.PUBLISHED,
        re.compile(
            rf"\bwhen (?:was|were|did) (?:it|this|that|{_ARTICLE})\b.*\b(?:publish|written|post)"
            rf"|\bwhen (?:was|were) {_ARTICLE}\s+(?:first\s+)?(?:issued|released)\b",
            re.I,
        ),
    ),
    (MetaKind.LATEST, _LATEST),
    # The article's own outlet; "which news agency first reported …" stays a question about the text (an
    # article cites the agency it got the news from).
    (
        MetaKind.OUTLET,
        re.compile(
            r"^\W*(?:which|what) (?:news )?(?:outlet|newspaper|paper|publication|site|website|magazine)s? "
            rf"(?:reported|published|ran|wrote|carried|covered)\b|\bwho published {_ARTICLE}",
            re.I,
        ),
    ),
)


_SEVERAL_OUTLETS = re.compile(
    r"^\W*(?:which|what) (?:news )?(?:outlets|newspapers|papers|publications|sites|websites|magazines)\b", re.I
)


def asks_for_outlets(question: str) -> bool:
    """ "Which outlets covered the vote?": every outlet that did, not the one article's."""
    return bool(_SEVERAL_OUTLETS.search(main_question(question)))


def latest_subject(question: str) -> str:
    """What "the latest on …" asks about ("the Varnholt flood"); the whole question for any other."""
    found = _LATEST.search(question)
    return question[found.end() :] if found else question


@dataclass(frozen=True)
class QuestionInfo:
    """The parts of a question the answerer uses."""

    text: str
    labels: frozenset[str]
    names: tuple[str, ...]
    meta: MetaKind | None


_WH = re.compile(r"\b(who|whom|whose|what|which|when|where|why|how)\b")


def expected_labels(question: str) -> frozenset[str]:
    """Entity labels a direct answer would carry; empty when the question does not ask for an entity.

    Only the first wh-word counts: in "What is the name of the official who spoke?" the "who" opens a
    relative clause, and the question asks for the official's name.
    """
    sentence = asking_sentence(question)
    full = sentence.lower()
    found = list(_WH.finditer(full))
    # "Tomas Reyl, who founded the fair, moved to which city?": a "who" after a name or a comma opens a
    # relative clause; the question word is a later one.
    while len(found) > 1 and found[0].group(0).startswith("who") and _relative(sentence, found[0].start()):
        found.pop(0)
    first = found[0] if found else None
    if not first:
        return frozenset()
    q = full[first.start() :]
    if _asks_who_someone_is(sentence[first.start() :]):
        return frozenset()
    how = _HOW.match(q)
    sized = _SIZED_KIND.match(q)
    if sized:
        # "How big a fine did the board recommend?": the size of a kind the table types (money here).
        kind = _head_noun("which " + sized.group(1))
        typed = next((lab for ph, heads, lab in ANSWER_TYPES if ph == "which" and heads and kind in heads), None)
        if typed:
            return typed
    for phrase, heads, labels in ANSWER_TYPES:
        if phrase == "which":
            head = _head_noun(q, copula=True) if q.startswith(("which", "what")) else None
            if head is not None and heads is not None and head in heads:
                return labels
            continue
        if phrase == "how" and how:
            if heads and how.group(0).split()[1] in heads:
                return labels
            continue
        found = re.match(rf"{re.escape(phrase)}\b", q)
        if not found:
            continue
        if phrase == "what":
            said = words(q)
            if (
                len(said) > 1
                and said[1] in AUXILIARIES
                and set(heads or ()) & set(said[2:])
                and not _ENDS_ON_A_PREPOSITION.search(q)
            ):
                return labels
            continue
        if heads is None or any(h in q[found.end() :].split()[:6] for h in heads) or _stems_in(heads, q):
            if labels == {MONEY} and _RATE_NOUNS & set(words(q)):
                continue  # "By how much did the bank raise its key rate?": a rate, not money
            return labels
    return frozenset()


# The nouns of a rate or share (the answer-type table's): what "how much … raise" then asks is no money.
_RATE_NOUNS = frozenset(
    h
    for phrase, heads, labels in ANSWER_TYPES
    if phrase == "which" and heads and PERCENT in labels and len(labels) <= 2
    for h in heads
)


_WHO_IS = re.compile(r"^who(?:'s|’s| is| was| are| were)\s+(?P<name>[^?]+?)\s*\??\s*$", re.I)


def _asks_who_someone_is(asked: str) -> bool:
    """ "Who is Halvard Mensing?": the question names the person and asks what they are; no entity answers it
    (the organisation beside the name is not who they are)."""
    found = _WHO_IS.match(asked.strip())
    return bool(found) and name_phrases(found.group("name")) == [found.group("name")]


def _relative(sentence: str, at: int) -> bool:
    before = sentence[:at].rstrip()
    return bool(before) and (before.endswith(",") or before.split()[-1][:1].isupper())


_ENDS_ON_A_PREPOSITION = re.compile(r"\b(?:for|on|with|to|from|in)\W*$")


def _stems_in(heads: tuple[str, ...], q: str) -> bool:
    return any(re.search(rf"\b{re.escape(h)}\w*\b", q) for h in heads)


def _head_noun(q: str, copula: bool = False) -> str | None:
    """The noun a "which"/"what" phrase asks about: "which European country" -> "country", "which
    country's leader" -> "country"; with ``copula``, also a measure after "what is" ("what is the vaccination
    rate" -> "rate": the answer's kind, though, unlike "city", also what the question is about); none when
    another auxiliary follows ("what did the pictures show")."""
    for m in _WH_OPEN.finditer(q):
        after = re.findall(r"[\w’'-]+", q[m.end() :])
        for i, w in enumerate(after[:6]):
            if w in AUXILIARIES or w in ("'s", "’s"):
                measure = _measure_after_copula(after[1:]) if copula and i == 0 and w in _COPULAS else None
                if measure:
                    return measure
                break
            w = re.sub(r"[’']s$", "", w)
            if w in _HEADS:
                following = re.sub(r"[’']s$", "", after[i + 1]) if i + 1 < len(after) else ""
                if following in _HEADS or following[:-1] in _HEADS:
                    continue  # "which river port": the port; "which party leaders": leaders
                if plural_noun(following) and following not in STOPWORDS | AUXILIARIES and not can_be_verb(following):
                    return None  # "which committee members": members, a kind the table does not know
                return w
            modifies_head = i + 1 < len(after) and re.sub(r"[’']s$", "", after[i + 1]) in _HEADS
            if i > 0 and w.endswith("ed") and can_be_verb(w) and not modifies_head:
                break  # "which earthquake happened last week": the verb ends the phrase ("week" is no head)
    return None


_COPULAS = frozenset({"is", "are", "was", "were", "'s", "’s"})
# Heads that name a measure or a date: after a copula ("What is the measles vaccination rate?") they are what
# is asked, where a noun for a kind often has another sense ("What is the state of the economy?").
_MEASURE_HEADS = frozenset(
    h
    for phrase, heads, labels in ANSWER_TYPES
    if phrase == "which" and heads and labels <= FIGURE | TIMESPAN | {NORP}
    for h in heads
)
# Words that end the noun phrase after the copula: prepositions, relatives. Closed-class English.
_PHRASE_ENDS = frozenset(
    "of in for at on to from by with during among that who which whose when where last this next past previous "
    "each every".split()
)  # "What was inflation last year?": a time phrase follows the noun phrase


def _measure_after_copula(after: list[str]) -> str | None:
    """The head of the noun phrase after "what is", when it names a measure: its last word before a preposition
    or the end ("the measles vaccination rate in Caldmoor" -> "rate")."""
    phrase: list[str] = []
    for w in after[:6]:
        if w in _PHRASE_ENDS:
            break
        phrase.append(re.sub(r"[’']s$", "", w))
    return phrase[-1] if phrase and phrase[-1] in _MEASURE_HEADS else None


def asked_sentence(question: str) -> str:
    """The sentence that asks: "A storm hit the coast. Which state declared an emergency?" -> the second.
    The statements before it set the scene; their wh-words ("officials who said") ask nothing."""
    sentences = [s.text for s in split_sentences(question)]
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    return (asking or sentences or [question])[-1]


@lru_cache(maxsize=256)
def asking_sentence(question: str) -> str:
    """``asked_sentence`` of the question a follow-up's carried context aside: what the many "asks …" tests
    read, split once per question."""
    return asked_sentence(main_question(question))


_SPAN_OF_TIME = re.compile(
    r"(?:(?:about|around|nearly|almost|over|roughly|some|more than|less than|at least|at most|the|a|an|past|last"
    r"|next|first)\s+)*"
    r"(?:\d[\d,.]*|a|an|several|few|" + "|".join(NUMBER_WORDS) + r")(?:[\s-]+(?:" + "|".join(NUMBER_WORDS) + r"))*"
    r"(?:\s+and\s+a\s+(?:half|quarter))?"
    r"[\s-]+(?:second|minute|hour|day|week|month|year|decade|century|centurie)s?(?:[\s-]+(?:old|long))?",
    re.I,
)


# Prepositions that put a thing in a place; general English. "Where …?" and "In which city …?" are answered by
# the place one of them introduces ("won the final in Tallinn"), not by a place that only describes someone
# ("Arjun Mehta of India"), nor one that says where it is not ("outside the country", "off the coast").
LOCATIVE_PREPOSITIONS = frozenset("in at near inside into to within throughout".split())
_ASKS_WHERE = re.compile(r"^\W*(?:where\b|(?:" + "|".join(sorted(LOCATIVE_PREPOSITIONS)) + r") (?:which|what)\b)", re.I)


def follows_locative(before: str) -> bool:
    """Whether the words before a mention end with a locative preposition, a determiner aside ("at the"), or with
    one and a place kind ("in the fishing town of", "near the village of")."""
    tail = [w for w in re.findall(r"[a-z]+", before[-40:].lower())[-3:] if w not in ("the", "a", "an")]
    if bool(tail) and tail[-1] in LOCATIVE_PREPOSITIONS:
        return not (tail[-1] == "to" and tail[-2:-1] and tail[-2] in _TO_OF_NO_PLACE)
    found = _PLACE_OF.search(before[-60:].lower())
    return bool(found) and found.group(1) in _PLACE_KINDS


# "according to NASA", "due to Florida's …": a "to" that introduces a source or a cause, not a place.
_TO_OF_NO_PLACE = frozenset("according due thanks owing compared similar equal related addition contrary".split())
# "in the fishing town of", "near the small village of": a locative preposition, a place kind, "of" (the kinds of
# the answer-type table's place rows).
_PLACE_OF = re.compile(
    r"\b(?:" + "|".join(sorted(LOCATIVE_PREPOSITIONS)) + r")\s+(?:the|a|an)\s+(?:[a-z-]+\s+){0,2}?([a-z]+)\s+of\s+$"
)


@lru_cache(maxsize=256)
def asks_where(question: str) -> bool:
    """Whether the question asks where something is or happens: it opens with "where" or a locative
    preposition before "which/what" ("In which city …?")."""
    return bool(_ASKS_WHERE.match(asking_sentence(question)))


def asks_for_a_span(question: str) -> bool:
    """ "How long …?", "How old …?": a span of time or an age answers, not a day or month ("Sunday")."""
    return asks_for_an_age(question) or asks_for_a_duration(question)


_DIMENSION_ASKED = (
    (
        "length",
        re.compile(
            r"\bhow (?:far(?! (?:above|below|ahead|behind|over|under|short)\b)|tall|high|deep|wide)\b"
            r"|\bwhat (?:distance|range|height|depth)\b",
            re.I,
        ),
    ),
    ("mass", re.compile(r"\bhow heavy\b|\bhow much (?:does|did|do|will|would) .*\bweigh|\bweight\b", re.I)),
    ("speed", re.compile(r"\bhow fast\b|\bwhat speed\b", re.I)),
    ("temperature", re.compile(r"\bhow (?:hot|cold|warm)\b|\bwhat temperature\b", re.I)),
    # "How long …?" asks for a span of time (a date or time entity, which has no unit here) or a length: no
    # weight; asking how long something takes or lasts, its time, or how long a span is ("a year on the
    # planet", "the sentence"), or how long someone did something ("How long did she search?"), no length either.
    (
        "time",
        re.compile(
            r"\bhow long\b.*\b(?:takes?|took|taking|time|lasts?|lasted|wait|waited|delay|sentence|term"
            r"|(?:year|month|week|day|hour|minute|second)s?)\b"
            r"|\bhow long (?:did|does|do|has|have|had|will|would|can|could|should|must)\b",
            re.I,
        ),
    ),
    ("length", re.compile(r"\bhow long\b", re.I)),
)


def asked_dimension(question: str) -> str | None:
    """What a measuring question measures ("How far …?" -> "length"), when it says."""
    asked = asking_sentence(question)
    return next((dimension for dimension, pattern in _DIMENSION_ASKED if pattern.search(asked)), None)


_LEVEL_ASKED = re.compile(r"\bhow (?:high|deep)\b", re.I)


def asks_for_a_unit(question: str) -> bool:
    """Whether only a figure with a unit answers: a distance, weight, speed or temperature ("How wide is the
    bridge?" is not answered by "about 90,000"); "how high/deep" may ask for a level ("How high did the index
    climb?"), which a bare number states."""
    dimension = asked_dimension(question)
    if dimension in (None, "time"):
        return False
    return not (dimension == "length" and _LEVEL_ASKED.search(asking_sentence(question)))


_PER_TIME = re.compile(rf"\b(?:per|an|a) {TIME_UNIT}\b")


def dimension_of(text: str) -> str | None:
    """The dimension a quantity's unit measures ("80 kilometres" -> "length"); None without a known unit."""
    lowered = text.lower()
    found = set(re.findall(r"[a-z/]+", lowered)) | set(re.findall(r"[a-z]+-[a-z]+", lowered))
    dimension = next((dimension for dimension, units in DIMENSION_UNITS.items() if found & units), None)
    if dimension == "length" and _PER_TIME.search(lowered):
        return "speed"  # "150 kilometres per hour"
    return dimension


# Verbs of change: "How much did the pill cut the risk?" is answered by the amount after "by" ("cut the risk by
# 31 percent"), not by the first figure of the sentence ("three low-dose drugs"). General English.
_CHANGE_VERBS = frozenset(
    term(w)
    for w in "reduce reduced cut rise rose risen fall fell fallen increase increased decrease decreased drop dropped "
    "grow grew grown shrink shrank shrunk climb climbed decline declined lower lowered jump jumped slide slid gain "
    "gained lose lost boost boosted slash slashed raise raised".split()
)


def asks_for_a_change(question: str) -> bool:
    """ "How much did X rise/fall/cut …?": the asked figure is an amount of change."""
    asked = asking_sentence(question)
    return bool(_HOW.search(asked)) and any(term(w) in _CHANGE_VERBS for w in words(asked.lower()))


_RATE_UNITS = "second minute hour day night week month year season quarter"
_PER_UNIT = re.compile(
    rf"\b(?:a|an|per|each|every)\s+({'|'.join(_RATE_UNITS.split())})\b(?!\s+(?:of|ago|earlier|later))", re.I
)
_RATE_ADVERB = re.compile(r"\b(hour|dai|night|week|month|quarter|year)(?:ly|ily)\b|\b(annual)(?:ly)?\b", re.I)


def _unit_of(found: re.Match[str]) -> str:
    word = next(g for g in found.groups() if g).lower()
    return {"dai": "day", "annual": "year"}.get(word, word)


_EACH_THING = re.compile(r"\b(?:each|per|every)\s+([a-z]+)\b", re.I)


def rate_asked(question: str) -> str | None:
    """The unit a question asks a rate per: a unit of time ("How much was it costing each day?" -> "day";
    "daily", "per week", "a year"; not "a year of treatment" or "a year ago"), or a thing ("How much does each
    tram cost?" -> "tram")."""
    asked = asking_sentence(question)
    found = _PER_UNIT.search(asked) or _RATE_ADVERB.search(asked)
    if found:
        return _unit_of(found)
    thing = _EACH_THING.search(asked)
    return term(thing.group(1).lower()) if thing and thing.group(1).lower() not in STOPWORDS else None


def rate_stated(text: str, start: int, end: int) -> str | None:
    """The unit of time a figure is stated per: "45 million marks a day" or "a daily 45 million" -> "day"."""
    tail = _PER_UNIT.search(text[end : end + 40])
    if tail and tail.start() <= 16 and not re.search(r"[,;.]", text[end : end + tail.start()]):
        return _unit_of(tail)
    each = re.match(r"\s*(?:each|apiece)\b", text[end : end + 12], re.I)
    if each:
        # "24 trams at 4.5 million marks each": per the thing counted before the price.
        counted = re.search(r"\b([a-z]+)\s+(?:at|for|costing)\s+$", text[max(0, start - 40) : start], re.I)
        return term(counted.group(1).lower()) if counted else "each"
    per_thing = re.match(r"\s*(?:per|a|an)\s+([a-z]+)\b", text[end : end + 24], re.I)
    if per_thing and per_thing.group(1).lower() not in STOPWORDS:
        return term(per_thing.group(1).lower())
    head = _RATE_ADVERB.search(text[max(0, start - 12) : start])
    return _unit_of(head) if head else None


def asks_for_a_moment(labels: frozenset[str]) -> bool:
    """ "When …?", "What year …?": only date and time labels, no count (unlike "how long", "how old")."""
    return bool(labels) and labels <= TIMESPAN


_ASKS_AN_AGE = re.compile(r"\bhow old\b", re.I)


def asks_for_an_age(question: str) -> bool:
    return bool(_ASKS_AN_AGE.search(asking_sentence(question)))


def asks_how_much(question: str) -> bool:
    """ "How much …?": an amount, not a count of things ("16,200 patients")."""
    return bool(_HOW_MUCH.search(asking_sentence(question)))


_ASKS_A_DURATION = re.compile(r"\bhow long\b", re.I)


def asks_for_a_duration(question: str) -> bool:
    """ "How long …?": a span of time answers ("nine hours", "2:17:42"), not a moment ("night", "2025")."""
    return bool(_ASKS_A_DURATION.search(asking_sentence(question)))


def states_a_duration(text: str) -> bool:
    """ "about 40 years", "three and a half hours", "2:17:42"; not "2025", "night", "last Tuesday" or "61"."""
    if span_of_time(text):
        return True
    return bool(re.search(r"\d:\d\d", text))  # a clock-style time; a bare number ("61") states no span


def span_of_time(text: str) -> bool:
    """A date entity that measures time instead of placing it: "3,000-year-old", "eight years", "six weeks"."""
    return _SPAN_OF_TIME.fullmatch(text.strip()) is not None


def asked_kind_noun(question: str) -> str | None:
    """``head_noun``, or the measure after "what is" ("What was the mission's budget?" -> "budget")."""
    return _head_noun(asking_sentence(question).lower(), copula=True)


def head_noun(question: str) -> str | None:
    """The kind of thing a "which"/"what" question asks for, if it names one ("Which city?" -> "city")."""
    return _head_noun(asking_sentence(question).lower())


def asks_for_several(question: str) -> bool:
    """ "Which towns …?", "Which two companies …?": the answer may be a list ("Orlen and Kasby")."""
    head = head_noun(question)
    asked = asking_sentence(question).lower()
    return bool(head and plural_noun(head)) or bool(
        re.search(r"\b(?:which|what) (?:two|three|four|five|both)\b", asked)
    )


@lru_cache(maxsize=256)
def kind_terms(question: str) -> frozenset[str]:
    """The terms of ``head_noun``: a name holding one says it is the asked kind ("River Aldon", "which river")."""
    head = head_noun(question)
    return frozenset(term(w) for w in words(head)) if head else frozenset()


_ROLES = next(frozenset(heads) for phrase, heads, labels in ANSWER_TYPES if heads and labels == {PERSON})
_ROLE = "(" + "|".join(sorted(_ROLES)) + r")\b"
# "the name of the general …", "who is the leader of …": a position held by one person, not a category
# ("Which star announced …?" asks which of many stars, whose name need not stand beside the word).
_ROLE_ASKED = re.compile(
    r"\b(?:name of|who (?:is|was|will be)) (?:the|a|an|this|that|its|their|his|her|"
    r"(?:[\w.-]+\s+){0,3}[\w.-]+(?:'s|’s|'|’))\s+"
    r"(?P<modifiers>(?:[\w’'-]+\s+){0,3}?)" + _ROLE + r"(?!['’])"  # "the mayor's spokeswoman": the mayor owns it
)
# Words before a role that say when it is held, not which role it is: general English ("acting" and "interim"
# narrow it: the interim chief executive is not the one who resigned).
_TENURE_WORDS = frozenset(
    "current new former incoming outgoing first last then late future longtime long-time previous next sitting".split()
)
# "Who manages Harbour United?", "Who coaches them?": a verb whose agent noun is a role asks for its holder.
_WHO_DOES = re.compile(r"^\W*(?:and\s+)?who\s+(?:now\s+|currently\s+)?([a-z]+)\b")


def _role_of_verb(verb: str) -> str | None:
    """The role a verb's doer holds ("manages" -> "manager", "leads" -> "leader", "coaches" -> "coach")."""
    base = term(verb)
    agents = {term(base + end) for end in ("er", "or", "r", "")} if base != verb else set()
    return next((role for role in sorted(_ROLES) if term(role) in agents), None)


_NAME_BY_PRONOUN = re.compile(
    r"^\W*(?:and\s+)?what(?:'s|’s|\s+is|\s+was)\s+(?:his|her|their|th(?:at|is|e)\s+(?:person|one)(?:'s|’s))\s+"
    r"(?:full\s+)?names?\b",
    re.I,
)


_ARTICLE_AT_HAND = re.compile(rf"^(?:it|this|that|{_ARTICLE})$", re.I)


def _of_the_article_at_hand(question: str) -> bool:
    """ "Who wrote the article?", "When was it published?": a question about an article's byline, date or outlet
    that does not say which article (no name, nothing it is about)."""
    if meta_kind(question) not in (MetaKind.AUTHOR, MetaKind.PUBLISHED, MetaKind.OUTLET) or name_phrases(question):
        return False
    found = re.search(
        rf"\b(?:wrote|authored|reported|published|of|was|did)\s+(?P<what>it|this|that|{_ARTICLE})(?:\s+\w+)?\W*$",
        question.strip(),
        re.I,
    )
    return bool(found) and bool(_ARTICLE_AT_HAND.match(found.group("what")))


def condense(question: str, history: Sequence[tuple[str, str]], passages: Sequence[str] = ()) -> str:
    """The standalone question of a follow-up (``rag.conversation.rewrite``), with "What else has she written?"
    after "Who wrote the article about Z?" asked as "What else did the author of the article about Z write?", and
    "What's his name?" after an answer about "a two-star general" asked as "What is the name of the general?": a
    pronoun that names no one stands for the role the previous answer spoke of (the first it names, in the
    pronoun's number), and the role rules (``role_noun``) then decline when no read sentence gives that person's
    name."""
    if history and any(p.match(question.strip()) for p in _AUTHORED_BY_PRONOUN):
        before = main_question(history[-1][0]).strip()
        earlier = _AUTHOR_ASKED.match(before) if meta_kind(before) is MetaKind.AUTHOR else None
        subject = earlier.group("about") if earlier else author_of_subject(before)
        if subject:  # the pronoun is the author the previous question asked about
            return f"What else did the author of {subject} write?"
    if history and _of_the_article_at_hand(question):
        # "Who wrote the article?" after turns about a regatta: the article those turns read.
        return following_up(question.strip(), history[-1][0])
    standalone = rewrite(question, history, passages) if history else question
    main = main_question(standalone)
    asked = _NAME_BY_PRONOUN.match(question)  # as asked: the pronoun may have been swapped for a wrong name
    if not history or not asked:
        return standalone
    one = not asked.group(0).lower().split()[-2].startswith("their")  # "his name": one person, not "officials"
    said = words(history[-1][1].lower())  # its "[1]" markers are numbers, never a role
    role = next((w for w in said if w in _ROLES and (not one or not plural_noun(w))), None)
    return standalone.replace(main, f"What is the name of the {role}?", 1) if role else standalone


_HOLDER_ASKED = re.compile(
    r"\bwho (?:is|was|will be) (?:the|a|an|this|that)\s+(?:[\w’'-]+\s+){0,3}?([a-z]+)\s*(?:\?|$|of\b|for\b|in\b|at\b)"
)


def holder_word(question: str) -> str | None:
    """The word for what a "who is the …" question asks the holder of: the role (``role_noun``), or any noun
    there ("Who was the defending champion?" -> "champion"; a champion may be a team, so it is no role that
    makes the answerer abstain when no person stands beside it, but a person who does is the likeliest one)."""
    found = _HOLDER_ASKED.search(asking_sentence(question).lower())
    return role_noun(question) or (found.group(1) if found else None)


def role_noun(question: str) -> str | None:
    """The position a question asks the holder's name of: "What is the name of the general who …?" and "Who
    is the leader of …?" -> "general", "leader"; none for "Which star …?" or "Who won …?"."""
    asked = asking_sentence(question).lower()
    found = _ROLE_ASKED.search(asked)
    if found:
        return found.group(found.re.groups)
    does = _WHO_DOES.match(asked)
    return _role_of_verb(does.group(1)) if does else None


def role_named(question: str) -> bool:
    """Whether the question writes its role as a noun ("Who is the director …?"), not only by a verb ("Who leads
    …?", whose doer the articles may call a director, a chief or a head)."""
    return _ROLE_ASKED.search(asking_sentence(question).lower()) is not None


def role_modifiers(question: str) -> frozenset[str]:
    """The lower-case words that narrow an asked role ("prime" of "Who is the prime minister?", "sporting" of
    "the sporting director"): a person named beside another minister or director is not the one asked for.
    Words of tenure ("the new coach") and names or nationalities ("the Ostrelian prime minister") are left out."""
    sentence = asking_sentence(question)
    found = _ROLE_ASKED.search(sentence.lower())
    if not found:
        return frozenset()
    written = sentence[found.start("modifiers") : found.end("modifiers")]
    # "the water authority's spokesperson": the owner ends at its possessive; only the words after it narrow.
    written = re.split(r"\S+(?:'s|’s|s'|s’)\s", written)[-1]
    before = {
        term(w)
        for w in written.split()
        if w.islower() and w not in _TENURE_WORDS and w not in STOPWORDS and not w.endswith(("'s", "’s", "'", "’"))
    }  # an owner ("the journal's editor") narrows nothing
    return frozenset(before | _role_phrase_after(sentence[found.end() :]))


def _role_phrase_after(rest: str) -> set[str]:
    """The nouns that end the asked role's phrase after its role word ("fire officer" of "the chief fire
    officer", "executive" of "the chief executive of the bank"): a chief executive is no chief fire officer."""
    out: set[str] = set()
    for token in rest.split()[:2]:
        word = token.rstrip("?.,!;:")
        if not word.isalpha() or not word.islower() or word in STOPWORDS or is_past_form(word):
            break
        out.add(term(word))
        if word != token:
            break
    return out


def role_terms(question: str) -> frozenset[str]:
    """The terms that name the asked role beside a person: the role noun's, and the verb's that asked it ("Who
    manages Harbour United?" -> manager, manage: "Ilona Petrakis, who manages the club")."""
    role = holder_word(question)
    if role is None:
        return frozenset()
    does = _WHO_DOES.match(asking_sentence(question).lower())
    verb = does.group(1) if does and _role_of_verb(does.group(1)) == role else None
    return frozenset({term(role)} | ({term(verb)} if verb else set()))


_MONTH_NAMES = frozenset(m.lower() for m in calendar.month_name if m)
# A capitalised word (not the first of the question) and a plain number: "Gate 12", "Pier 39". Not an
# ordinal ("74th"), a scaled amount ("Approximately 1 billion") or a day ("January 6", filtered below).
_IDENTIFIER = re.compile(
    r"(?<=\S )([A-Z][A-Za-z]*)[ -](\d+)\b(?![-’'.,]?\w| (?:million|billion|thousand|percent|per cent)\b)"
)


def identifiers(question: str) -> frozenset[str]:
    """Numbers that tell one named thing from another ("Gate 12" and "Gate 14"): an answer about
    the thing must come from a sentence that names it with its number."""
    found = _IDENTIFIER.finditer(main_question(question))
    return frozenset(
        m.group(2) for m in found if m.group(1).lower() not in _MONTH_NAMES and not YEAR_RE.fullmatch(m.group(2))
    )


_COUNTED = re.compile(r"\bhow (?:many|much)\s+((?:in\s+)?[\w’'.-]+(?:\s+[\w’'.-]+){0,3})", re.I)


# Words that name the kind of figure asked for, not a thing counted: "How much money did X lose?" is answered by
# "4.6 million euros", which no "money" stands beside. General English.
_KINDS_OF_FIGURE = frozenset("money cash amount sum number total figure".split())


def counted_terms(question: str) -> frozenset[str]:
    """What a "how many/much" question counts: "How many Ostrel Guard fighters are in Velmora?" -> {"fight"};
    none when a verb follows ("How much did it cost?") or the counted words are all names."""
    return frozenset(term(w) for w in counted_words(question))


def counted_words(question: str) -> tuple[str, ...]:
    """The words of ``counted_terms`` as the question writes them ("fighters"); for "how many", the plural noun
    alone when there is one."""
    found = _COUNTED.search(asking_sentence(question))
    if not found:
        return ()
    kept: list[str] = []
    for w in found.group(1).split():
        if w.lower() in AUXILIARIES:
            break
        kept.append(w)
    names = {w for n in name_phrases(question) for w in words(n)}
    counted = [w for w in words(" ".join(kept)) if w not in STOPWORDS | _KINDS_OF_FIGURE and w not in names]
    if found.group(0).lower().startswith("how many"):
        # The plural noun is what is counted; words before it modify it, words after it are the verb and
        # its objects ("how many drivers joined the tram strike": drivers, not the strike's trams).
        first = next((i for i, w in enumerate(counted) if plural_noun(w)), None)
        if first is not None:
            last = first
            while last + 1 < len(counted) and plural_noun(counted[last + 1]):
                last += 1  # "swings and rockers"
            return tuple(counted[first : last + 1])
    return tuple(counted)


def meta_kind(question: str) -> MetaKind | None:
    if authored_name(question) is not None or author_of_subject(question) is not None:
        return MetaKind.AUTHORED
    q = main_question(question)
    return next((kind for kind, pattern in _META if pattern.search(q)), None)


def analyse(question: str) -> QuestionInfo:
    main = main_question(question)
    return QuestionInfo(main, expected_labels(question), tuple(name_phrases(main)), meta_kind(question))
