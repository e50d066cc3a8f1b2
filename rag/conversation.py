"""Deterministic follow-up rewriting for the extractive mode (no LLM to condense with).

"And when did they leave?" cannot be retrieved on its own. When a question looks like a
follow-up (pronouns, a leading "and"/"what about", no names of its own) we carry over the
previous standalone question, so retrieval and sentence scoring see what "they" refers to.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from rag.pronoun_gender import Gender, gender_of_pronoun, genders
from rag.text import (
    AUXILIARIES,
    QUESTION_WORDS,
    ROLE_NOUNS,
    STOPWORDS,
    content_terms,
    could_be_person,
    name_phrases,
    names_an_institution,
    people,
    question_name_tokens,
    term,
    without_datelines,
    words,
)
from rag.units import CURRENCY_UNITS, DIMENSION_UNITS, SCALED_CURRENCY_UNITS
from rag.word_forms import can_be_noun, can_be_verb, lemma_term, plural_noun

CONTEXT_MARK = " (following up on: "
_PRONOUNS = frozenset("they them their theirs it its he him his she her hers there those these that this".split())
_LEADS = re.compile(r"^\s*(and|but|so|also|then|what about|how about|and what about|what else)\b", re.I)
_WORD = re.compile(r"[A-Za-z']+")


def is_demonym(phrase: str) -> bool:
    """ "Zorvian", "Kelish": adjectives of nationality, not the names a follow-up would spell out."""
    low = phrase.lower()
    return " " not in low and (low.endswith(("ian", "ien", "ese", "ish", "ean", "can")))


def is_followup(question: str) -> bool:
    """A leading "and"/"what about", a pronoun before any name of the question's own ("What did he tell MPs?",
    "How much will it pay Dunmere?": a pronoun never points forward to a name), a count of nothing named ("How
    many were retracted by April?"), or at most one content word."""
    if _LEADS.match(question):
        return True
    if any(t.lower() in _PRONOUNS for t in _WORD.findall(question[: _first_name_at(question)])):
        return True
    if counts_nothing(question) and not question_name_tokens(question) and not _OWN_PLACE.search(question):
        return True
    return len(content_terms(question)) <= 1


# A phrase that sets the question's own scene ("… in the flood", "… at the terminal", "… by the flooding").
_OWN_PLACE = re.compile(r"\b(?:in|at|by|from|on|of)\s+(?:the|a|an|its|their)\s+[a-z]", re.I)
_HOW_MANY = re.compile(r"^\W*(?:and\s+)?how\s+(many|much)\b", re.I)
# General English function words: an auxiliary or a preposition right after "how many" leaves its noun unsaid
# ("How many were rejected?", "How many from Fennick?"); "of" starts a partitive ("How many of them …").
_PREPOSITIONS = frozenset("in from at on by among across for with within inside outside since after before".split())


def counts_nothing(question: str) -> str | None:
    """ "many" or "much" when a question counts without naming what ("How many were retracted by April?", "How
    many came from Marrowby?", "How many died?"): the word after "how many" is an auxiliary, a preposition or a
    verb that is no noun and modifies none ("How many displaced families …" names families); else None."""
    found = _HOW_MANY.match(question)
    if not found:
        return None
    after = _WORD.findall(question[found.end() :])[:2]
    first, second = [*after, "", ""][:2]
    low = first.lower()
    if not first or low in AUXILIARIES or low in _PREPOSITIONS:
        return found.group(1).lower()
    modifies = bool(second) and second.lower() not in STOPWORDS and can_be_noun(second.lower())
    verb = first.islower() and can_be_verb(low) and not can_be_noun(low) and not plural_noun(low)
    return found.group(1).lower() if verb and not modifies else None


_UNITS = frozenset().union(*DIMENSION_UNITS.values(), CURRENCY_UNITS, SCALED_CURRENCY_UNITS)
_COUNT_ASKED = re.compile(r"\bhow\s+(many|much)\s+", re.I)
_FIGURE_OPENS = re.compile(
    r"^(?:(?:about|around|some|nearly|almost|over|more than|at least)\s+)?\d[\d,.]*"
    r"(?:\s+(?:thousand|million|billion))?\s+",
    re.I,
)


def _noun_phrase(text: str, many: bool) -> str:
    """The noun phrase ``text`` opens with, up to the auxiliary or verb after it: for "how many" up to its plural
    noun ("insurance claims" of "insurance claims has the flood caused"), for "how much" a noun or two before an
    auxiliary ("water" of "water did the dam release"); "" when it opens with no such phrase."""
    tokens = _WORD.findall(text)[:5]
    kept: list[str] = []
    for token in tokens:
        low = token.lower()
        if low in STOPWORDS or low in AUXILIARIES:
            break
        kept.append(token)
        if many and plural_noun(low) and low not in _UNITS:
            later = tokens[len(kept) : len(kept) + 1]
            if not (later and plural_noun(later[0]) and later[0].lower() not in STOPWORDS):
                return " ".join(kept)  # "swings and rockers" aside, the plural noun ends what is counted
    if many or not kept or len(kept) > 2 or len(kept) == len(tokens):
        return ""
    following = tokens[len(kept)].lower()
    nouns = all(can_be_noun(t.lower()) or not can_be_verb(t.lower()) for t in kept)
    return " ".join(kept) if following in AUXILIARIES and nouns else ""


def counted_phrase(standalone: str, answer: str, kind: str) -> str:
    """What the last turn counted, for a follow-up that counts without saying what ("How many came from
    Marrowby?"): the noun of its own "how many" ("insurance claims" of "How many insurance claims has the flood
    caused?") or, for "how many", of the figure its answer opened with ("5,020 claims", not "6.45 metres"); else
    that of a question it carried along (a "How much will they cost?" between them). ``kind`` is "many" or
    "much": "How much …?" never counts what "How many …?" did. "" when the turn counted nothing."""
    many = kind == "many"

    def asked(question: str) -> str:
        for found in _COUNT_ASKED.finditer(question):
            if (found.group(1).lower() == "many") == many and (phrase := _noun_phrase(question[found.end() :], many)):
                return phrase
        return ""

    short = _FIGURE_OPENS.match(_short_value(answer)) if many else None
    given = _noun_phrase(_short_value(answer)[short.end() :], many) if short else ""
    return asked(main_question(standalone)) or given or asked(context_of(standalone))


def _with_counted(question: str, standalone: str, answer: str) -> str:
    """ "How many came from Marrowby?" after a turn about insurance claims: "How many insurance claims came from
    Marrowby?"; the question as it is when it names what it counts or the last turn counted nothing."""
    kind = counts_nothing(question)
    phrase = counted_phrase(standalone, answer, kind) if kind else ""
    if not phrase:
        return question
    at = _HOW_MANY.match(question).end()  # type: ignore[union-attr]
    verb, following = [*_WORD.findall(question[at:])[:2], "", ""][:2]
    if verb.lower() not in AUXILIARIES | _PREPOSITIONS and following.lower() not in _PREPOSITIONS:
        # "How many died?" after a turn about flooded homes asks about people, not homes: a bare verb takes the
        # last turn's noun only when that turn said it too, or when a place or source follows ("came from …").
        said = {lemma_term(w) for w in words(f"{standalone} {answer}".lower())}
        if lemma_term(verb.lower()) not in said:
            return question
    return f"{question[:at]} {phrase}{question[at:]}"


def _first_name_at(question: str) -> int:
    """Where the question's first name stands (a nationality adjective is none), or its length without one: a
    pronoun after a name may stand for it ("Did Kessel say she would run?"), one before it cannot."""
    at = [question.find(n) for n in name_phrases(question) if not is_demonym(n)]
    return min((i for i in at if i >= 0), default=len(question))


def rewrite(question: str, history: Sequence[tuple[str, str]], passages: Sequence[str] = ()) -> str:
    """Resolve pronouns with the entities of the previous turn, and carry that turn's question along:
    "Where is it?" after "What is Air Base 201 used for?" becomes
    "Where is Air Base 201? (following up on: What is Air Base 201 used for?)"."""
    if not history:
        return question
    previous, previous_answer = history[-1]
    kinds_named = resolve_kinds(question.strip(), main_question(previous), previous_answer) != question.strip()
    counted = _with_counted(question.strip(), previous, without_datelines(previous_answer))
    if counted != question.strip():
        question = counted  # a count of nothing named counts what the last turn did, whatever place it names
    elif not kinds_named and not is_followup(question):
        return question
    known = _people_named(history, passages)
    answered = {p.lower() for q, a in history if (p := _answered_person(main_question(q), without_datelines(a)))}
    resolved = resolve_pronouns(
        question.strip(), main_question(previous), previous_answer, known, answered_things(history), answered
    )
    resolved = resolve_kinds(resolved, main_question(previous), previous_answer)
    if _asks_about_the_answer(question):
        resolved = f"{resolved.rstrip(' ?')} ({_claim(main_question(previous), previous_answer)})?"
    return following_up(_bare_wh_asked(resolved, main_question(previous)), previous)


_BARE_WH = re.compile(r"^\W*(?:(?:and|but|so)\s+)?(why|when|where|how)\W*$", re.I)
_WH_AUX = re.compile(
    r"^\W*(?:when|where|how|why)\s+(?=(?:is|are|was|were|do|does|did|has|have|had|will|would|can|could)\b)", re.I
)


def _bare_wh_asked(question: str, previous: str) -> str:
    """ "Why?" after "When did Ada Renn resign?" asks "Why did Ada Renn resign?", and after "How many insurance
    claims were rejected?" "Why were insurance claims rejected?": a lone wh-word asks the last question's event
    again, with the other wh-word. The question as it is when the last one asked no such event ("Who won?")."""
    bare = _BARE_WH.match(question)
    if not bare:
        return question
    wh = bare.group(1).capitalize()
    if event := _WH_AUX.match(previous):
        return f"{wh} {previous[event.end() :].strip()}"
    count = _HOW_MANY.match(previous)
    phrase = _noun_phrase(previous[count.end() :], count.group(1).lower() == "many") if count else ""
    rest = previous[count.end() :].strip()[len(phrase) :].split(None, 1) if count and phrase else []
    if len(rest) < 2 or rest[0].lower() not in AUXILIARIES:
        return question
    aux, tail = rest
    subject_follows = tail[:1].isupper() or tail.split()[0].lower() in STOPWORDS - {"still", "not", "also"}
    return f"{wh} {aux} {tail.rstrip(' ?')} {phrase}?" if subject_follows else f"{wh} {aux} {phrase} {tail}"


def following_up(question: str, previous: str) -> str:
    """``question`` with the previous turn's question (and what that one carried) along, for retrieval:
    "Where is Air Base 201? (following up on: What is Air Base 201 used for?)"."""
    carried = " ".join(p for p in (main_question(previous), context_of(previous)) if p)
    return f"{question}{CONTEXT_MARK}{carried.strip()[:300]})"


_KIND_PHRASE = re.compile(r"\b((?i:that|this|the))\s+((?:(?!(?:that|this|the)\b)[a-z][\w-]*\s*){1,3})")


def resolve_kinds(question: str, previous_question: str, previous_answer: str) -> str:
    """ "that party", "the minister", "this company": a demonstrative or definite phrase whose noun names the kind
    of an entity the last turn named stands for that entity ("How many seats did the Open Vale party win?",
    "What did Selim Varo say?"). The last turn calls it that kind (in its name, or right beside it: "the liberal
    Open Vale party", "Interior Minister Selim Varo", "the construction firm Gravel Bau"); "that"/"this" may also
    stand for the name the last answer opened with, when the noun fits it (a role for a person, else a thing).
    A phrase no such entity fits stays."""
    answer = _MARKER.sub(" ", without_datelines(previous_answer))
    as_given = _short_value(previous_answer)
    short = re.sub(r"^(?:the|a|an)\s+", "", as_given, flags=re.I)  # "the Green Vale Alliance"
    persons = set(people(answer)) | set(people(previous_question))
    if _answered_person(previous_question, previous_answer):
        persons.add(short.lower())
    candidates = [short] if short[:1].isupper() and not any(c.isdigit() for c in short) else []
    # A capitalised word that only opens sentences ("Evacuation orders were issued …") is no name, nor is a bare
    # figure ("the claims" after "Some 310 claims were rejected" is not those 310 alone).
    candidates += [
        n
        for n in name_phrases(answer) + name_phrases(previous_question)
        if n not in candidates
        and re.search(r"[A-Za-z]", n)
        and (" " in n or re.search(rf"[\w,;]\s+{re.escape(n)}\b", answer + previous_question))
    ]

    def fits(noun: str) -> bool:
        """The answer of "Who …?" may be of any kind; that of "Which outlet …?" only of the kind it asked."""
        return _asks_who(previous_question) or term(noun.lower()) in {term(w) for w in _asked_kind(previous_question)}

    def swap(match: re.Match[str]) -> str:
        rest = question[match.end() :]
        if re.match(r"\s*[A-Z]", rest):
            return match.group(0)  # "the minister Selim Varo": the question names it already
        nouns = match.group(2).split()
        for k, noun in enumerate(nouns):
            if noun.lower() in STOPWORDS or noun.lower() in QUESTION_WORDS:
                return match.group(0)
            for name in candidates:
                found = _called(name, noun, answer + " " + previous_question)
                role = noun.lower() in ROLE_NOUNS
                if not found and match.group(1).lower() in ("that", "this") and name == short and fits(noun):
                    found = "as named" if role == (short.lower() in persons) else ""
                if found:
                    tail = " ".join(nouns[k + 1 :])
                    spacing = match.group(2)[len(match.group(2).rstrip()) :]
                    referent = (
                        as_given if name == short and found == "as named" else _as_referent(name, noun, found, role)
                    )
                    return " ".join(p for p in (referent, tail) if p) + spacing
        return match.group(0)

    return _KIND_PHRASE.sub(swap, question)


def _called(name: str, noun: str, text: str) -> str:
    """How ``text`` calls ``name`` a ``noun``: "in" its name ("Harbour Party"), the word "before" it ("firm Gravel
    Bau", "Minister Selim Varo") or one of the two "after" it ("Open Vale party", "Harrow copper mine"), with no
    punctuation between; "" when it does not."""
    want = term(noun.lower())
    if want in {term(w) for w in words(name)}:
        return "in"
    for m in re.finditer(re.escape(name), text):
        if want in {term(w) for w in words(text[: m.start()])[-1:]} and not text[: m.start()].rstrip().endswith(
            (",", ";", ".")
        ):
            return "before"
        # The lowercase words right after the name, up to a function word or a mark: the last is their head
        # ("Harrow copper mine in …": mine; "US defense official has …": official, so "defense" is no kind of US).
        run = re.match(r"(?:\s+[a-z][\w-]*){1,3}", text[m.end() :])
        after = [w for w in words(run.group(0))] if run else []
        while after and after[-1] in STOPWORDS:
            after.pop()
        if after and all(w not in STOPWORDS for w in after) and term(after[-1]) == want:
            return "after"
    return ""


def _as_referent(name: str, noun: str, called: str, role: bool) -> str:
    """The words that replace "the minister" or "that party": a person's name without the roles before it
    ("Selim Varo" of "Interior Minister Selim Varo"); a thing's name with its kind word where the text wrote one
    beside it ("the Open Vale party", "the firm Gravel Bau")."""
    if role:
        tokens = name.split()
        last_role = max((i for i, t in enumerate(tokens) if t.lower() in ROLE_NOUNS), default=-1)
        return " ".join(tokens[last_role + 1 :]) or name
    if called == "after":
        return f"the {name} {noun}"
    if called == "before":
        return f"the {noun} {name}"
    return name


_BARE_DEMONSTRATIVE = re.compile(r"\b(that|this)\s*[?.!]?\s*$", re.I)
_MARKER = re.compile(r"\s*\[\d+(?:,\s*\d+)*\]\.?")


def _asks_about_the_answer(question: str) -> bool:
    """ "Who said that?", "When was this?": a question whose only object is "that"/"this" at its end and that
    has no words of its own to search with points at the previous answer's claim."""
    short = len(_WORD.findall(question)) <= 4  # a wh-word, perhaps an auxiliary, one verb, "that"
    return short and bool(_BARE_DEMONSTRATIVE.search(question)) and len(content_terms(question)) <= 1


def _short_value(answer: str) -> str:
    """The short value an answer opens with ("$42 million" of "$42 million [1]. …"); "" when it opens with a
    quoted sentence."""
    lead = _MARKER.split(answer, maxsplit=1)[0].strip()
    if lead.endswith((".", "!", "?", '"', "”")):
        return ""  # a quoted sentence ends before its marker; a short value has the marker's full stop
    return lead if 0 < len(lead.split()) <= 6 else ""


def _claim(previous_question: str, previous_answer: str) -> str:
    """What "that" stands for: the previous question with the short value that opened its answer ("How much
    did the repairs cost: $42 million"); a quoted sentence is left out, since its names are not asked for."""
    short = _short_value(previous_answer)
    return f"{previous_question.rstrip(' ?')}: {short}" if short else previous_question.rstrip(" ?")


_PERSONAL = {"he", "him", "his", "she", "her"}
_THING = {"it", "its", "there"}
_GROUP = {"they", "them", "their"}
_GROUP_PHRASE = re.compile(r"\b((?:[A-Z][\w.’'-]*\s+){1,3}[a-z]+s)\b")
_ASKS_FOR_A_THING = re.compile(
    r"^\W*(?:\w+,?\s+)*?(which|what)\s+(?!(?:is|are|was|were|did|does|do|has|have|had)\b)\w+", re.I
)
_EXISTENTIAL_THERE = re.compile(
    r"\b(?:is|are|was|were|be|been)\s+there\b|\bthere\s+(?:is|are|was|were|has|have|had|will|would|may|might)\b",
    re.I,
)


def _thing_rank(phrase: str) -> int:
    """ "Harbor Bridge 7" before "Port Elms" before "Greenvale" before "Zorvian"."""
    if any(c.isdigit() for c in phrase):
        return 0
    if " " in phrase:
        return 1
    return 3 if is_demonym(phrase) else 2


def _answer_things(previous_question: str, previous_answer: str, exclude: set[str]) -> list[str]:
    """What a "which/what <noun>" question was answered with: the names of the answer's first sentence
    that the question did not already hold ("Which news agency …?" -> "Wirefeed")."""
    if not _ASKS_FOR_A_THING.match(previous_question):
        return []
    asked = {t for n in name_phrases(previous_question) for t in n.lower().split()}
    short = _short_value(previous_answer)
    if short and short[:1].isupper() and not set(short.lower().split()) <= asked:
        return [short]  # the value the answer opens with is what was asked for, whatever words stand beside it
    first = previous_answer.split("[1]", 1)[0]
    found = [
        n
        for n in name_phrases(first)
        if not set(n.lower().split()) <= asked
        and n not in exclude
        and not is_demonym(n)
        and not n.isdigit()
        and (_answers_in(n, first, previous_question) or len(words(first)) - len(words(n)) <= 2)
    ]  # a name all but alone in the answer ("Wirefeed.", "It was Wirefeed.") is what it gave
    return sorted(found, key=lambda n: min(_thing_rank(n), 2))


def _answers_in(name: str, quote: str, question: str) -> bool:
    """Whether a quote without a bold value gives ``name`` as the answer to a "which/what <noun>" question: the
    name does what the question asks (a word of the question right after it: "Tanzania signed the pact"), or the
    quote calls it the asked kind (in the name or beside it: "Port 7", "the construction firm Gravenbeck Bau").
    Any other name of the quote ("The Dock Union said that …, run by Estrel Port Services") is no answer, and a
    pronoun for it stays."""
    at = quote.find(name)
    if at < 0:
        return False
    kind = {term(w) for w in _asked_kind(question)}
    question_terms = content_terms(main_question(question))
    around = words(quote[:at])[-2:] + words(name)
    after = [term(w) for w in words(quote[at + len(name) :])[:2]]
    return bool(kind & {term(w) for w in around + words(quote[at + len(name) :])[:1]}) or bool(
        set(after) & question_terms
    )


def _asked_kind(question: str) -> list[str]:
    """The words after the "which"/"what" of a question that asks for a thing ("which news agency" -> "news",
    "agency"); [] for any other question."""
    asked = _ASKS_FOR_A_THING.match(question)
    return words(question[asked.end(1) :])[:2] if asked else []


def _answered_thing(question: str, answer: str) -> str:
    """The name the answer to "Which hospital …?" opens with: a thing, not a person, though its quote may make
    it speak ("St Orla Hospital said …"); "" when the question asks for a role ("Which minister …?")."""
    kind = _asked_kind(question)
    short = _short_value(answer)
    return short if kind and not set(kind) & ROLE_NOUNS and short[:1].isupper() else ""


def answered_things(history: Sequence[tuple[str, str]]) -> set[str]:
    """The names (lower case) the conversation's answers gave to questions asking for a thing."""
    return {t.lower() for q, a in history if (t := _answered_thing(main_question(q), without_datelines(a)))}


def _asks_who(question: str) -> bool:
    return question.lstrip().lower().startswith(("who", "whom"))


def _answered_person(question: str, answer: str) -> str:
    """The name a "who" answer opens with ("Mira Kessel [1]. …"); "" for any other turn."""
    short = _short_value(answer)
    if names_an_institution(short):  # "Who runs the trust?" answered "Larkhill Hospital": no he or she
        return ""
    return short if _asks_who(question) and short[:1].isupper() and not any(c.isdigit() for c in short) else ""


def _people_named(history: Sequence[tuple[str, str]], passages: Sequence[str] = ()) -> dict[str, Gender | None]:
    """Everyone the conversation has established as a person (lower case), the most recently named last: the
    names "who" answers opened with, the people its questions and answers name, so "she" two turns on still
    finds "Mira Kessel", and any name its text gives a title or a he/she (``pronoun_gender``); each with that
    pronoun, None when the text gives none."""
    found: dict[str, None] = {}
    persons: set[str] = set()
    for question, raw_answer in history:
        answer = without_datelines(raw_answer)
        named = people(question) + people(answer)
        if person := _answered_person(main_question(question), answer):
            named.append(person.lower())
        persons.update(named)
        phrases = name_phrases(main_question(question)) + name_phrases(answer)
        for name in named + [n.lower() for n in phrases if could_be_person(n)]:
            found.pop(name, None)
            found[name] = None
    things = answered_things(history)
    persons -= things
    for thing in things:
        found.pop(thing, None)
    answers, questions = [a for _, a in history], [main_question(q) for q, _ in history]
    told = genders(persons, answers, questions, unsure=set(found) - persons, passages=passages)
    return {name: told[name] for name in found if name in persons or told[name]}


def _person_for(pronoun: str, candidates: Sequence[str], known: Mapping[str, Gender | None]) -> str | None:
    """The first candidate the conversation's text does not give the other pronoun: gender only excludes, it
    never reorders, so the person the last answer gave stays first whenever the text allows. Else the latest
    person of the conversation the text gives this pronoun; else, when the text gave every candidate the other
    pronoun ("he" after a turn about a woman), the only person it gives none; else nobody (the pronoun stays, as
    it does without candidates)."""
    wanted = gender_of_pronoun(pronoun)
    fitting = [p for p in candidates if known.get(p.lower()) in (wanted, None)]
    if fitting:
        return fitting[0]
    earlier = {_plain(n, known): g for n, g in reversed(known.items())}
    told = [n for n, g in earlier.items() if g == wanted]
    untold = [n for n, g in earlier.items() if g is None]
    found = told or (untold if candidates and len(untold) == 1 else [])
    return found[0].title() if found else None


def _plain(name: str, known: Mapping[str, Gender | None]) -> str:
    """ "mira kessel" for "mayor mira kessel" when the conversation also knows the shorter form."""
    words = name.split()
    shorter = [k for k in known if len(k.split()) > 1 and words[-len(k.split()) :] == k.split()]
    return min(shorter, key=len, default=name)


def resolve_pronouns(
    question: str,
    previous_question: str,
    previous_answer: str,
    known_people: Mapping[str, Gender | None] | None = None,
    not_people: Collection[str] = (),
    answered: Collection[str] = (),
) -> str:
    """Replace he/she/it/they/there with the likeliest entity of the previous turn; leave the rest.

    A pronoun stays as it is when no entity fits well (the carried-over question still gives retrieval
    the context): a wrong substitution ("How long had Greenvale been in place?") is worse than none. ``known_people``
    maps the conversation's people to the pronoun its text uses for them; he/she never stands for someone given
    the other one. ``not_people`` are names (lower case) the conversation gave as things ("Which hospital …?"),
    ``answered`` the names its "who" answers opened with.
    """
    known_people = known_people or {}
    previous_answer = without_datelines(previous_answer)  # "VARNOS, March 5 (Wirefeed) - …" names no antecedent
    things_answered = answered_things([(previous_question, previous_answer)]) | set(not_people)
    answer_people = [p.title() for p in people(previous_answer) if p not in things_answered]
    question_people = [p.title() for p in people(previous_question) if p not in things_answered]
    # A name of the previous question that the conversation already knows as a person ("What did Mira Kessel
    # promise?" after "Who won?" answered "Mira Kessel"), also as an owner ("How did Mira Kessel's board vote?").
    owners = [re.sub(r"['’]s?$", "", n) for n in name_phrases(previous_question)]
    question_people += [n for n in owners if n.lower() in known_people and n not in question_people]
    asked_who = _asks_who(previous_question)
    short = _answered_person(previous_question, previous_answer)
    # "Who won the cup?" answered by a name no role, speech verb or pronoun makes a person: a team or a body,
    # which a following "they" stands for ("Who coaches them?").
    told = {p.lower() for p in answer_people} | {k for k, gender in known_people.items() if gender is not None}
    answered_group = short if short and short.lower() not in told else None
    if short:
        # The name a "who" answer opens with is the person asked for, whatever words stand beside it.
        answer_people = [short, *(p for p in answer_people if p != short)]
    persons = set(answer_people) | set(question_people)
    from_answer = _answer_things(previous_question, previous_answer, persons)
    asks_for_a_thing = bool(_ASKS_FOR_A_THING.match(previous_question))
    named = [n for n in name_phrases(previous_question) if n not in persons and n.title() not in persons]
    things = sorted((n for n in named if not is_demonym(n)), key=_thing_rank)
    if len(things) > 1 and _thing_rank(things[0]) > 1:
        things = []
    groups = [
        m.group(1)
        for m in _GROUP_PHRASE.finditer(previous_question)
        if m.group(1).split()[0].lower() not in QUESTION_WORDS | STOPWORDS  # not "Who coaches"
    ][::-1]

    said: dict[str, Gender] = {}

    def pick(pronoun: str, possessive: bool = False) -> str | None:
        low = pronoun.lower()
        if low in _PERSONAL:
            # The person the last answer gave comes first (its bold name, then the question's own subject).
            if short:
                order = ([short], question_people, answer_people)
            else:
                order = (answer_people, question_people) if asked_who else (question_people, answer_people)
            # "What did she sentence him to?": one question's he and she are two people; the first one resolved
            # takes that pronoun for the rest of it.
            candidates = [p for group in order for p in group]
            name = _person_for(low, candidates, {**known_people, **said})
            if not name and not candidates:
                # "Why did he step down?" after "Who is the chief executive of the Tarrow Bank?" went unanswered:
                # he is whoever holds the role the last question named.
                name = _role_holder(previous_question) or None
            if name and (gender := gender_of_pronoun(low)):
                said.setdefault(name.lower(), gender)
        elif low in _THING:
            # After "Which hospital …?" "it" is the hospital the answer gave, never another name of the question
            # ("Which company runs most of Caldry's terminals?": not Caldry): without one the pronoun stays.
            name = (from_answer or ([] if asks_for_a_thing else things) or [None])[0]
        elif low in _GROUP:
            # A name the conversation took for a person only because a "who" answered it, with no he or she
            # ("Fenwick Rovers"), may be the team "they" stands for.
            ungendered = [
                n
                for n in name_phrases(previous_question)
                if known_people.get(n.lower(), "") is None and n.lower() in answered
            ]
            # After "Who won the X League?" "they" is whoever won, not the league: without an answered name it stays.
            # After "How many insurance claims …?" with no name to stand for, "they" are the claims counted.
            counted = counted_phrase(previous_question, previous_answer, "many")
            named_group = ([] if asked_who else things) or ungendered or ([f"the {counted}"] if counted else [])
            name = groups[0] if groups else (answered_group or (named_group or [None])[0])
        else:
            return None
        name = re.sub(r"['’]s?$", "", name) if name else name  # "Caldry's" of "Caldry's terminals" is Caldry
        if name and (low in {"his", "its", "their"} or possessive):
            return f"{name}'" if name.endswith("s") else f"{name}'s"
        if name and low == "there":
            return f"at {name}"
        return name

    spans = {m.start() + m.group(0).lower().index("there") for m in _EXISTENTIAL_THERE.finditer(question)}
    first_name = _first_name_at(question)

    def swap(match: re.Match[str]) -> str:
        if (match.group(0).lower() == "there" and match.start() in spans) or match.start() > first_name:
            return match.group(0)
        # "her job": a content word after "her" makes it possessive ("Mira Kessel's job"); "ask her about" not.
        following = _NEXT_WORD.match(question, match.end())
        possessive = match.group(0).lower() == "her" and bool(following) and following.group(1).lower() not in STOPWORDS
        return pick(match.group(0), possessive) or match.group(0)

    return re.sub(r"\b(he|him|his|she|her|it|its|they|them|their|there)\b", swap, question, flags=re.I)


_NOT_A_ROLE_WORD = r"(?!(?:of|at|for)\b)[a-z][\w-]*"
_ROLE_PHRASE = re.compile(
    rf"\bthe\s+((?:{_NOT_A_ROLE_WORD}\s+){{0,2}}{_NOT_A_ROLE_WORD})"
    r"(\s+(?:of|at|for)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)?"
)


def _role_holder(question: str) -> str:
    """The role a question names with "the", with its owner ("the chief executive of the Tarrow Bank", "the
    mayor"): whom a he/she stands for when the conversation named no person; "" when it names no role."""
    for found in _ROLE_PHRASE.finditer(question):
        if found.group(1).split()[-1] in ROLE_NOUNS:
            return found.group(0)
    return ""


_NEXT_WORD = re.compile(r"\s+([A-Za-z][\w'’-]*)")
_PERSONAL_PRONOUN = re.compile(r"\b(he|him|his|she|her|hers)\b", re.I)


def unresolved_person(standalone: str) -> str | None:
    """The he/she (him, his, her, hers) a follow-up's standalone question still holds before any name of its own:
    rewriting found no person the conversation named that it could stand for ("How old is she?" after "Who replaced
    him?" found no one and every person named is a he). The answerer declines it rather than quote whoever the
    carried question is about. None when each such pronoun was resolved (one after a name stands for it)."""
    main = main_question(standalone)
    first = min(_first_name_at(main), _first_role_at(main))
    found = next((m for m in _PERSONAL_PRONOUN.finditer(main) if m.start() < first), None)
    return found.group(1) if found else None


def _first_role_at(question: str) -> int:
    """Where the question's first role noun stands, or its length: "Did the finance minister say she would
    resign?" names its own "she"."""
    at = [m.start() for m in re.finditer(r"[A-Za-z]+", question) if m.group(0).lower() in ROLE_NOUNS]
    return min(at, default=len(question))


def main_question(standalone: str) -> str:
    return standalone.split(CONTEXT_MARK, 1)[0]


def context_of(standalone: str) -> str:
    parts = standalone.split(CONTEXT_MARK, 1)
    return parts[1].rstrip(")") if len(parts) == 2 else ""


_INSTRUCTION = re.compile(
    r"^\W*(ignore|disregard|forget|pretend|imagine|act as|you are|you must|print|reveal|repeat|output|"
    r"just say|say that|respond with|reply with|answer with|do not cite|don't cite|make up|invent)\b|"
    r"\b(system prompt|previous instructions|your instructions|your rules|make up|fabricate|invent a|"
    r"state it as fact|plausible name|override)\b",
    re.I,
)
# An order to assert something ("so answer that …", "just confirm that …", "Tell me that …"): an imperative
# verb of saying, at the start of a sentence or clause or after an adverb of insistence, followed by "that".
# "Officials say that …" is a report, not an order: a subject stands before the verb.
_ORDER_TO_ASSERT = re.compile(
    r"(?:^|[,:;]\s*|\b(?:so|and|then|just|simply|please|now)\s+)"
    r"(?:answer|confirm|say|state|claim|assert|write|report|agree|tell\s+\w+)\s+that\b",
    re.I,
)
_FIGURE = re.compile(r"[$€£]?\s?\d[\d,.]*(?:\s?(?:%|percent|million|billion|trillion|thousand))?", re.I)


def _is_instruction(sentence: str) -> bool:
    if _INSTRUCTION.search(sentence):
        return True
    return not sentence.rstrip().endswith("?") and bool(_ORDER_TO_ASSERT.search(sentence))


def strip_instructions(question: str) -> str:
    """Keep the actual question; drop sentences that try to instruct the assistant.

    Returns "" when the whole input is an instruction (e.g. "make up a name"), which the
    pipeline answers with the no-answer sentence. A kept question that points back with a pronoun
    ("How much did it cost?") takes its referent from the dropped sentences, as a follow-up takes it from
    the previous turn, but never their figures: a figure the instruction asserts is not evidence.
    """
    from rag.text import split_sentences

    sentences = [s.text for s in split_sentences(question)]
    dropped = [s for s in sentences if _is_instruction(s)]
    if not dropped:
        return question
    kept = " ".join(s for s in sentences if s not in dropped).strip()
    if kept and is_followup(kept):
        # A sentence's capitalised first word ("Forget", "Ignore") is the order's verb, not a name.
        openers = {s.split()[0].strip(":,") for s in dropped if s.split()}
        names = [n for n in name_phrases(" ".join(dropped)) if n not in openers and not _FIGURE.fullmatch(n)]
        kept = resolve_pronouns(kept, ". ".join(names), "") if names else kept
    return kept
