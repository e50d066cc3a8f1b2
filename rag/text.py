"""Small text tools shared by retrieval, answering and citation checking.

Sentences keep exact offsets into their source, so a quote can always be cut out of the
file again. Names and numbers are pulled out with plain patterns: the claims that matter in
news (who, how many, when) hinge on them, and they need no model.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say according also still yet per via us many much""".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+)|\n+")
WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")
"""A word as ``words`` reads it (kept whole: "Covid-19", "a.m.", "BA.4"); for callers that need its span."""
_NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|thousand|percent|%))?", re.I)
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000",
}  # fmt: skip
"""Number words as digits ("six" -> "6"): general English, read by ``numbers`` and the eval's choice picker."""
_CAP_WORD = r"(?:[A-Z][a-zA-Z0-9’'.-]*)"  # digits inside count: "Teska-4b", "COVID-19", "G7"
_CAP_SEQ = re.compile(rf"\b(?:{_CAP_WORD}|[A-Z]{{2,}})(?:\s+(?:of\s+|de\s+|al\s+)?(?:{_CAP_WORD}|\d+))*")
YEAR_PATTERN = r"(?:19|20)\d{2}"
"""A year as articles write one; the one year pattern (``rag.dates`` builds on it)."""
YEAR_RE = re.compile(rf"^{YEAR_PATTERN}$")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str, base: int = 0) -> list[Sentence]:
    """Sentences with offsets relative to ``base``; abbreviations like "e.g." or "N.Y." do not end one."""
    return list(_split_cached(text, base))


@lru_cache(maxsize=16384)
def _split_cached(text: str, base: int) -> tuple[Sentence, ...]:
    out: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _is_boundary(text, match):
            _emit(text, start, match.end(), base, out)
            start = match.end()
    _emit(text, start, len(text), base, out)
    return tuple(out)


_TITLES = frozenset("gen mr mrs ms dr lt col sen rep gov capt sgt st maj adm prof rev".split())
_MONTH_ABBR = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    token = match.group(0)
    if token == "\n" and _wraps(text, match.start()):
        return False  # a hard-wrapped line (PDF text, wrapped .txt) continues its sentence
    if "\n" in token or not token.startswith("."):
        return True
    rest = text[match.end() :].lstrip()
    following = rest[:1]
    if following.islower():
        return False
    prev = re.search(r"(\S+)$", text[: match.start()])
    word = prev.group(1).lower().strip("(\"'“‘") if prev else ""
    if word in _TITLES or (len(word) == 1 and word.isalpha()):
        return False
    if word in _MONTH_ABBR and following.isdigit():
        return False
    return not (_ACRONYM.fullmatch(word) and _continues(rest))


def _wraps(text: str, at: int) -> bool:
    """The single line break at ``at`` only wraps a line: what follows continues the line before."""
    return bool(
        text[at + 1 : at + 2].islower()
        or _runs_on(text[:at])
        or (_filled(text[:at], _column_width(text), text[at + 1 :]) and not _LIST_ITEM.match(text, at + 1))
    )


@lru_cache(maxsize=256)
def _column_width(text: str) -> int:
    """The width a layout wrapped ``text`` to: the upper quartile of its line lengths (a paragraph per line
    gives hundreds of characters; a narrow PDF column about 50)."""
    lengths = sorted(len(line.rstrip()) for line in text.split("\n") if line.strip())
    return lengths[3 * len(lengths) // 4] if lengths else 0


_LINE_BREAK = re.compile(r"(?<=[^\n])\n(?=[^\n])")


def unwrapped(text: str) -> str:
    """``text`` with the line breaks that only wrap a line made spaces, every offset kept: "cost 310" /
    "million crowns" is one figure to the tagger and the unit reader."""
    if "\n" not in text:
        return text
    chars = list(text)
    for found in _LINE_BREAK.finditer(text):
        if _wraps(text, found.start()):
            chars[found.start()] = " "
    return "".join(chars)


_LAST_WORD = re.compile(r"([A-Za-z]+)[ \t]*$|,[ \t]*$")


def _runs_on(line_before: str) -> bool:
    """A line that ends on a comma or a function word ("levels of", "the plan, which") stops mid-sentence:
    the next line continues it, however it starts ("12 micrograms", "John Doe said")."""
    found = _LAST_WORD.search(line_before[-40:])
    return bool(found) and (found.group(1) is None or found.group(1).lower() in STOPWORDS)


# A line wrapped by a layout is filled to its width; a title, byline or dateline on a line of its own is short.
_FILLED_LINE = 60
_NARROW_LINE = 30  # the shortest line a narrow column's layout fills
_LIST_ITEM = re.compile(r"\s*(?:[-*•–]|\d{1,2}[.)])\s|\s*(?:photo|caption|image|picture)\b", re.I)


def _filled(before: str, width: int = 0, after: str = "") -> bool:
    """A long line that does not end a sentence ("… Velmont will also receive" / "15 percent of any fee.") runs
    on into the next, whatever that starts with. In a narrow column (``width`` under the usual line) a line
    near the column's width does too ("… Chief executive Marten" / "Vosk said"), when the next line fills the
    column as well or ends a sentence: a short title over a short dateline stays apart."""
    line = before[before.rfind("\n") + 1 :].rstrip()
    if line[-1:] in ".!?:;\"”’')" or _LIST_ITEM.match(line):
        return False
    if len(line) < _FILLED_LINE:
        following = after.split("\n", 1)[0].rstrip()
        near = max(_NARROW_LINE, 0.8 * width)
        if width >= _FILLED_LINE or len(line) < near or not (len(following) >= near or following[-1:] in '.!?"”'):
            return False
    if dateline_end(line):
        return True  # a wire dateline opens a lead, whatever its capitals
    if any(m.group(1).lower() not in _TITLES for m in re.finditer(r"\b([a-z]\w+)[.!?] ", line, re.I)):
        return True  # a sentence ended inside it ("May. The plant's director Hedda"): no heading
    tokens = line.split()
    return sum(t[:1].isupper() for t in tokens) < len(tokens) / 2  # a Title Case line is a heading


_ACRONYM = re.compile(r"(?:[a-z]\.)+[a-z]?")


def _continues(rest: str) -> bool:
    """After a dotted abbreviation, a capitalised word that is not a function word usually continues the
    noun phrase ("the N.Y. Harbor Authority said"), while "The", "It", "But" open a new sentence."""
    word = rest.split(None, 1)[0].rstrip(",.") if rest.split() else ""
    return word[:1].isupper() and word.lower() not in STOPWORDS


def _emit(text: str, start: int, end: int, base: int, out: list[Sentence]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    s = start + lead
    out.append(Sentence(stripped, base + s, base + s + len(stripped)))


_DOTTED = re.compile(r"\b[A-Za-z](?:\.[A-Za-z])+\b\.?")


def _word(token: str) -> str:
    """Lower case, except acronyms ("NATO", "N.Y." -> "NY"), which would otherwise read as function words."""
    if len(token) >= 2 and token.isupper() and token.isalpha():
        return token
    word = token.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") and len(word) > 3 else word


def words(text: str) -> list[str]:
    """Words in matching form: lower-cased, with acronyms kept upper-case and dotted ones undotted."""
    undotted = _DOTTED.sub(lambda m: m.group(0).replace(".", "").upper() + " ", text)
    return [_word(w) for w in WORD_RE.findall(undotted)]


@lru_cache(maxsize=1)
def snowball() -> Any:  # PyStemmer has no type hints
    """The English Snowball (Porter 2) stemmer, one for the process: BM25 and the focus-word matcher share it."""
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """A light suffix stripper; good enough to match "troops"/"troop", "entered"/"enter". Final e's go too, so
    a word ending in one meets its inflections: "promise"/"promised", "price"/"prices", "agree"/"agreed"."""
    for suffix in ("ingly", "edly", "ing", "ers", "ies", "ied", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            word = base + "y" if suffix in ("ies", "ied") else base
            break
    bare = word.rstrip("e")
    return bare if len(bare) >= 2 else word


def term(word: str) -> str:
    return stem(word)


@lru_cache(maxsize=65536)
def content_terms(text: str) -> frozenset[str]:
    """Stemmed content words; cached because the same passages are scored again and again."""
    return frozenset(term(w) for w in words(text) if w not in STOPWORDS and len(w) > 1)


def normalize_number(raw: str) -> str:
    """ "$110 million" -> "110000000", "1,000" -> "1000", "60" -> "60"."""
    s = raw.lower().replace("$", "").replace(",", "").strip()
    scale = 1.0
    for word, factor in (("billion", 1e9), ("million", 1e6), ("thousand", 1e3)):
        if s.endswith(word):
            s, scale = s[: -len(word)].strip(), factor
    s = s.replace("percent", "").replace("%", "").strip()
    try:
        value = float(s) * scale
    except ValueError:
        return s
    return str(int(value)) if value.is_integer() else str(value)


def number_word_value(word: str) -> str | None:
    """A number word's digits: "six" -> "6", and a hyphenated compound, "twenty-five" -> "25"."""
    word = word.lower()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    tens, _, unit = word.partition("-")
    t, u = NUMBER_WORDS.get(tens, ""), NUMBER_WORDS.get(unit, "")
    if len(t) == 2 and t.endswith("0") and t != "10" and len(u) == 1:
        return str(int(t) + int(u))
    return None


def numbers(text: str) -> set[str]:
    found = {normalize_number(m.group(0)) for m in _NUMBER.finditer(text)}
    for w in words(text):
        value = number_word_value(w)
        if value is not None:
            found.add(value)
    return {n for n in found if n}


def names(text: str) -> set[str]:
    """Capitalised phrases, lower-cased for matching."""
    return {p.lower() for p in name_phrases(text)}


def words_around(text: str, start: int, end: int, n: int = 4) -> list[str]:
    """The ``n`` words before ``text[start:end]`` and the ``n`` after it: what a figure or name is about."""
    return words(text[:start])[-n:] + words(text[end:])[:n]


# Words that link a name to the role after it ("Mira Osk will serve as acting police chief", "was named interim
# chief executive"): they do not count towards the words between them. Auxiliaries, articles and a few verbs of
# taking up a post: general English.
# Auxiliary and modal verbs: a question's verb phrase opens with one ("How many will the council hire?"),
# and a follow-up that starts with one ("Did he resign?") asks about what came before.
AUXILIARIES = frozenset(
    "is are was were be been do does did has have had will would can could should may might must".split()
)
LINKING_WORDS = frozenset(
    "is was are were be been being will would has have had as a an the serve serves served serving named "
    "appointed become becomes became remain remains remained also now".split()
)


def words_after(text: str, end: int, n: int = 4) -> list[str]:
    """The words after ``end`` up to ``n`` of them that are not ``LINKING_WORDS`` (those come along)."""
    out: list[str] = []
    counted = 0
    for w in words(text[end : end + 200]):
        if counted == n:
            break
        out.append(w)
        counted += w.lower() not in LINKING_WORDS
    return out


def name_phrases(text: str) -> list[str]:
    """Capitalised phrases in reading order, as written; a sentence's first word only if it is a name."""
    out: list[str] = []
    for sent in split_sentences(text):
        for match in _CAP_SEQ.finditer(sent.text):
            phrase = match.group(0).strip(" .’'")
            first = match.start() == 0 or sent.text[: match.start()].strip() in ('"', "“", "'")
            tokens = phrase.split()
            if first and tokens and re.sub(r"['’]s$", "", tokens[0].lower()) in _NOT_NAME_FIRST:
                tokens = tokens[1:]
            if first:
                while tokens and tokens[0].lower().rstrip(",") in _NOT_NAME_FIRST:
                    tokens = tokens[1:]
                if len(tokens) == 1 and tokens[0].lower() in _NOT_NAME_FIRST:
                    continue
            phrase = " ".join(tokens)
            function_word = phrase.lower() in STOPWORDS and not phrase.isupper()
            if phrase and not function_word and len(phrase) > 1 and phrase not in out:
                out.append(phrase)
    return out


# Month and weekday names are capitalised but date the question: its date window handles them, and the
# passages seldom repeat them ("in June 2025" over an article dated 2025-06-14 that says "on Saturday").
CALENDAR_WORDS = frozenset(w.lower() for w in (*calendar.month_name, *calendar.day_name) if w)


# "When was the offer PDF published?": a file's format names no one, and the passages never repeat it.
FILE_FORMAT_WORDS = frozenset("pdf docx doc html htm txt csv rtf odt xlsx epub".split())


def question_name_tokens(question: str) -> set[str]:
    """``name_tokens`` of a question, less a lone capitalised word that only opens it ("Exactly how many …"):
    questions seldom open with a name, and a missing "name" makes the answerer abstain; less month and day
    names."""
    tokens = {t for t in name_tokens(question) - CALENDAR_WORDS if t.lower() not in FILE_FORMAT_WORDS}
    first = re.match(r"\W*([A-Z][a-z]+)\b(?!\s+[A-Z])", question)
    if first:
        tokens.discard(first.group(1).lower())
    return tokens


def name_tokens(text: str) -> set[str]:
    """The words of the text's names, in the form ``words`` gives them (so they can be looked up in it)."""
    return {t for phrase in name_phrases(text) for t in words(phrase) if t not in STOPWORDS and not t.isdigit()}


QUESTION_WORDS = frozenset(
    "who whom whose what which when where why how and but so then did does do is are was were".split()
)
# Words that open a sentence capitalised without being names ("Besides Greenvale, which …").
_CONNECTIVES = frozenset(
    "besides despite although though however meanwhile according unlike apart aside given since while "
    "whereas instead also yet still moreover furthermore additionally please tell list name".split()
)
_NOT_NAME_FIRST = STOPWORDS | QUESTION_WORDS | _CONNECTIVES


def mentioned(tokens: set[str], text: str) -> set[str]:
    """Which of ``tokens`` (lower-case words or normalised numbers) occur in ``text``; a possessive or a
    hyphenated compound counts by its first part too ("Malcolm X's" is in "Malcolm X", "Covid" in "Covid-19"),
    and an acronym by its numbered forms or its spelled-out name ("BA" in "BA.4", "WWII" in "World War II")."""
    have = set(words(text)) | numbers(text)
    have |= {_base(w) for w in have}
    found = {t for t in tokens if t in have or _base(t) in have}
    for t in tokens - found:
        if _acronym_in(_base(t).upper(), text):
            found.add(t)
    return found


_CAP_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:(?:of|for|and|the|on)\s+)?[A-Z][\w’'-]*)+")
_NUMERAL = re.compile(r"[IVX]+|\d+")


def _acronym_in(acronym: str, text: str) -> bool:
    """``acronym`` (2-5 letters) written with a number after it ("BA.4", "G-20"), or spelled out as the
    initials of consecutive capitalised words, function words skipped (a capitalised "Under" too) and a
    closing numeral kept whole ("United Parcel Service", "Bureau of Statistics", "World War II")."""
    if not (2 <= len(acronym) <= 5 and acronym.isalpha()):
        return False
    if re.search(rf"(?<![\w.]){re.escape(acronym)}(?=[.-]?\d)", text):
        return True
    for run in _CAP_RUN.finditer(text):
        caps = [w for w in run.group(0).split() if w[:1].isupper() and w.lower() not in STOPWORDS]
        for i in range(len(caps)):
            initials = ""
            for j, w in enumerate(caps[i:], start=i):
                initials += w if j > i and _NUMERAL.fullmatch(w) else w[0]
                if initials == acronym:
                    return True
                if len(initials) >= len(acronym):
                    break
    return False


def _base(word: str) -> str:
    return re.sub(r"['’]s$", "", word).split("-")[0] or word


_AMOUNT = re.compile(r"(?<![\w.$])(\$?\d(?:[\d,]*\d)?(?:\.\d+)?(?: (?:million|billion))?)")


def amounts(sentence: str) -> list[str]:
    """Figures, leaving out years and numbers that are part of a name ("Pier 39")."""
    return [value for value, _ in amount_spans(sentence)]


# A number that is part of something else than a figure: a clock time ("04:40", "6.30 p.m.", "10am"), an id
# that glues it to letters ("7B", "A4", "COVID-19", "3rd"), or the day of a date ("3 November", "Nov. 3").
_CLOCK_OR_ID = re.compile(r"[:.]\d|[A-Za-z]|\s?[ap]\.?m\b\.?", re.I)
_GLUED_BEFORE = re.compile(r"(?:[A-Za-z][-‐]?|\d[:.])$")
MONTH_NAMES = frozenset(w.lower().rstrip(".") for w in (*calendar.month_name, *calendar.month_abbr, "Sept") if w)
"""Month names and their abbreviations, lower case: a number beside one is the day of a date."""


def _not_a_figure(sentence: str, start: int, end: int) -> bool:
    """Whether the number at ``sentence[start:end]`` is a clock time, part of an id, or a day of the month."""
    if _GLUED_BEFORE.search(sentence[max(0, start - 2) : start]) or _CLOCK_OR_ID.match(sentence, end):
        return True
    before = WORD_RE.findall(sentence[max(0, start - 12) : start])[-1:]
    after = WORD_RE.findall(sentence[end : end + 12])[:1]
    return any(w[:1].isupper() and w.lower() in MONTH_NAMES for w in before + after)


def amount_spans(sentence: str) -> list[tuple[str, tuple[int, int]]]:
    """Figures and their spans; not years, numbers in names ("Pier 39"), clock times, ids ("7B") or days of
    dates ("3 November")."""
    out = []
    for match in _AMOUNT.finditer(sentence):
        preceding = sentence[: match.start()].split()
        before = (preceding[-1:] or [""])[0]
        after = (sentence[match.end() :].split()[:1] or [""])[0]
        # "Pier 39" is a name; "About 2,000 …" opens a sentence.
        named = len(preceding) > 1 and before[:1].isupper() and not before.endswith((",", ".", "'s", "’s"))
        counted = after[:1].islower() and after.rstrip(",.;").endswith("s") and len(after) > 3
        if named and not counted and not match.group(1).startswith("$"):
            continue
        if not match.group(1).startswith("$") and _not_a_figure(sentence, *match.span(1)):
            continue
        value = normalize_number(match.group(1))
        if "," in match.group(1) or not YEAR_RE.match(value):  # "2,000 people" is a figure, "2000" a year
            out.append((value, match.span(1)))
    return out


DURATION_RE = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|second|third|fourth|fifth)"
    r"(\s+|-)(full\s+)?(years?|months?|weeks?|days?|decades?|hours?)\b",
    re.I,
)


_NOT_PERSON = frozenset(
    """air base airbase force forces command department ministry group agency news international airport
    university council party army navy states united republic kingdom union nations house senate congress
    government military region state city county north south east west central
    secretary defense general president minister official officials chief director
    commander spokesperson gen mr mrs ms dr lt col sen rep last updated source monday tuesday wednesday
    thursday friday saturday sunday january february march
    april may june july august september october november december
    hospital clinic school college museum library institute centre center committee association society
    authority foundation orchestra philharmonic theatre theater league company corporation police""".split()
)
_ROLE = frozenset(
    """president secretary minister general gen spokesperson spokesman spokeswoman official officials director chief
    leader commander ambassador senator sen rep mr mrs ms dr engineer librarian organiser organizer mayor governor
    said says told stated added according by reporter correspondent analyst expert professor judge councillor
    councilor chairman chairwoman chair chairperson captain coach manager founder executive candidate challenger
    incumbent ceo prosecutor lawyer attorney economist scientist researcher officer inspector chancellor premier
    treasurer superintendent""".split()
)
# Words for an institution or a place kind, not a role: a capitalised one closes an institution's name.
_INSTITUTION_WORDS = _NOT_PERSON - _ROLE
# The role nouns among them: a name right after one is a person's ("chief executive Halvard Mensing"), whatever
# the tagger called it; the speech verbs also follow organisations ("Harwick City said").
ROLE_NOUNS = _ROLE - {"said", "says", "told", "stated", "added", "according", "by"}
# Words that make the name after them a person's, never the one before: "according to Ana Roos", "by Ana Roos"
# ("… of the Green Alliance, according to official results" names no person).
_ROLE_BEFORE_ONLY = frozenset({"according", "by"})


def holds_role_word(text: str) -> bool:
    """Whether the text holds a role or a speech verb ("mayor", "said"): what makes a name a person's."""
    return any(w.strip(".,’'").lower() in _ROLE for w in text.split())


def names_an_institution(name: str) -> bool:
    """Whether a name holds a word for an institution or a place kind ("Larkhill Community Hospital")."""
    return any(t.strip(".,’'").lower() in _INSTITUTION_WORDS for t in name.split())


def could_be_person(phrase: str, titled: bool = False) -> bool:
    """2-4 capitalised words none of which names an institution or a place kind ("Caspar Dunleigh", not
    "Fennick Council"): the words ``people`` takes for a name, without the role it wants beside them. After a
    role word (``titled``) a capitalised function word is a name too ("spokesman Per Vinter")."""
    tokens = [t.strip(".,’'") for t in phrase.split()]
    return 2 <= len(tokens) <= 4 and all(_person_word(t, titled) for t in tokens)


def _person_word(word: str, titled: bool = False) -> bool:
    excluded = _NOT_PERSON if titled else _NOT_PERSON | STOPWORDS
    return word[:1].isupper() and not word.isupper() and word.lower() not in excluded


def people(sentence: str) -> list[str]:
    """Runs of 2-4 capitalised words next to a role or a speech verb ("Secretary Jane Porter",
    "Tom Becker, a spokesperson", "Maria Lopez said"): names of people, not of places, in reading order (a
    follow-up's "she" stands for the first, the one an answer opens with)."""
    spans = list(re.finditer(r"[\w.’'-]+", sentence))
    tokens = [m.group(0) for m in spans]
    found: dict[str, None] = {}
    run: list[int] = []
    for i, token in enumerate([*tokens, ""]):
        if _person_word(token.strip(".,’'")):
            run.append(i)
            continue
        titled = bool(run) and tokens[run[0]].strip(".,’'").lower() in _ROLE
        if titled:
            run = run[1:]  # "Mayor Imre Voss": the role word opens the run, the name follows it
        # "Larkhill Community Hospital said": a run an institution's word closes is part of that name.
        inside_a_name = token[:1].isupper() and token.strip(".,’'").lower() in _INSTITUTION_WORDS
        if 2 <= len(run) <= 4 and not inside_a_name:
            before = [t.strip(".,’'").lower() for t in tokens[max(0, run[0] - 3) : run[0]]]
            head = [w for w in before if w not in ("the", "a", "an")]  # "chief executive of the Tarrow Bank"
            if head[-1:] and head[-1] in _OWNER_AFTER_ROLE:
                before = []  # "chief executive of Westmarch Savings Bank": the role's owner, not its holder
            after: list[str] = []
            for t in tokens[i : i + 4]:
                if t.lower() in _ROLE_BEFORE_ONLY:
                    break  # what follows "according to" is someone else's
                after.append(t.strip(".,’'").lower())
            # "The Harbour Party's leader, Ada Voss": a possessive before the role owns it; the person follows.
            owner = re.search(r"['’]s$", tokens[run[-1]]) is not None or _owns_the_role(sentence, spans, run[-1] + 1)
            # "The Tarrow Water Authority said": a name after "the" is a body's, not a person's.
            owner = owner or (not titled and before[-1:] == ["the"])
            if titled or any(w in _ROLE for w in before) or (any(w in _ROLE for w in after) and not owner):
                name = " ".join(tokens[j].strip(".,’'") for j in run).lower()
                found.setdefault(re.sub(r"['’]s$", "", name))  # "Oswin Pellacott's appointment": Oswin Pellacott
        run = []
    return list(found)


# "chief executive of …", "spokesperson for …", "director at …": the name after them owns the role.
_OWNER_AFTER_ROLE = frozenset({"of", "for", "at"})


def _owns_the_role(sentence: str, spans: list[re.Match[str]], at: int) -> bool:
    """Whether the role nouns from token ``at`` on are given to the name right after them ("Tarrow Savings
    Bank chief executive Ida Brenn": the bank owns the role, Ida Brenn holds it), with no mark in between."""
    end = at
    while end < len(spans) and spans[end].group(0).strip(".,’'").lower() in ROLE_NOUNS:
        end += 1
    if end == at or end >= len(spans) or not _person_word(spans[end].group(0).strip(".,’'"), titled=True):
        return False
    between = sentence[spans[at - 1].end() : spans[end].start()]
    return not re.search(r"[,;:()]", between)


# A wire story's dateline at the head of its first paragraph: "PORT MEREDAL, March 3 (Wirefeed) - ". Its names are
# where and by whom the story was filed, not what it says: no answer, and no antecedent of a pronoun.
_DATELINE = re.compile(
    r"(?:^|(?<=[\].!?]\s)|(?<=\n))[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:,\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?,"
    r"\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2}(?:,\s*\d{4})?\s*(?:\([^()]{1,40}\)\s*)?(?:-|–|—|--)\s+"
)


def dateline_end(sentence: str) -> int:
    """Where a wire dateline that opens ``sentence`` ends (0 without one)."""
    found = _DATELINE.match(sentence)
    return found.end() if found else 0


def without_datelines(text: str) -> str:
    """``text`` with every wire dateline that opens a sentence taken out."""
    return _DATELINE.sub("", text)


_INJECTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules|sources?)\b|\byou are now\b|"
    r"\banswer every question\b|\bsystem prompt\b|^\W*system\s*:|\bcite this source\b|\bas an ai\b|"
    r"\b(admin|developer|jailbreak) mode\b|\bnew instructions\b",
    re.I,
)


def looks_like_injection(sentence: str) -> bool:
    """Text addressed to an AI model rather than to a reader: never quoted as evidence."""
    return bool(_INJECTION.search(sentence))


def exact_match(query: str, text: str, passage: str = "") -> float:
    """Share of the query's names and numbers that appear verbatim in the text. With the ``passage`` the text is
    read in, a person's surname counts for the whole name the passage writes out ("Pellacott, 71, …" names
    "Oswin Pellacott" after "… appointed retired judge Oswin Pellacott")."""
    wanted = name_tokens(query) | numbers(query)
    if not wanted:
        return 0.0
    found = mentioned(wanted, text)
    if passage and found != wanted:
        for phrase in name_phrases(query):
            tokens = [t for t in words(phrase) if t not in STOPWORDS]
            if len(tokens) > 1 and tokens[-1] in found and set(tokens) <= wanted:
                if mentioned(set(tokens), passage) == set(tokens):
                    found = found | set(tokens)
    return len(found) / len(wanted)
