"""Irregular English word forms and their lemma ("won" -> "win", "held" -> "hold", "men" -> "man"), and which
words can be verbs, nouns or plural nouns.

The light stemmer (``rag.text.stem``) strips suffixes, so "winning" and "won" stay apart and a question about
the "winning time" finds no word of its topic in "won the race in 2:17:42". The lemmatizer tables of the spaCy
English model the indexer uses list the irregular verb and noun forms of general English (MIT); they are read
here straight from the package's files, since importing spaCy would cost a second on every cold start. A form
that is both an irregular verb and an irregular noun with different lemmas ("lives") is left out: without a
part-of-speech tag it is ambiguous. Without the model there are no exceptions and the stemmer works alone.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from index.entities import MODELS

_TABLES = ("verb", "noun")


def _spacy_hash(text: str) -> int:
    """spaCy's string id (MurmurHash64A, seed 1): the key its lookup tables are stored under."""
    m, r, mask = 0xC6A4A7935BD1E995, 47, (1 << 64) - 1
    data = text.encode("utf8")
    h = (1 ^ (len(data) * m)) & mask
    whole = len(data) // 8
    for i in range(whole):
        k = (int.from_bytes(data[8 * i : 8 * i + 8], "little") * m) & mask
        k = ((k ^ (k >> r)) * m) & mask
        h = ((h ^ k) * m) & mask
    if tail := data[8 * whole :]:
        h = ((h ^ int.from_bytes(tail, "little")) * m) & mask
    h = ((h ^ (h >> r)) * m) & mask
    return h ^ (h >> r)


def _lookups_file() -> Path | None:
    for name in MODELS:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        found = sorted(Path(spec.origin).parent.glob("*/lemmatizer/lookups/lookups.bin"))
        if found:
            return found[0]
    return None


@lru_cache(maxsize=1)
def _tables() -> dict:
    """The model's lemmatizer tables (exceptions and the per-part-of-speech word index); empty without it."""
    path = _lookups_file()
    if path is None:
        return {}
    import srsly

    try:
        tables = srsly.msgpack_loads(path.read_bytes())
    except (OSError, ValueError, TypeError):
        return {}
    return tables if isinstance(tables, dict) else {}


@lru_cache(maxsize=1)
def irregular_forms() -> dict[str, str]:
    """Irregular form -> lemma, for the verb and noun forms the model's lemmatizer lists; empty without it."""
    exceptions = _tables().get("lemma_exc")
    if not isinstance(exceptions, dict):
        return {}
    out: dict[str, str] = {}
    ambiguous: set[str] = set()
    for table in _TABLES:
        for form, lemmas in exceptions.get(_spacy_hash(table), {}).items():
            if not lemmas or lemmas[0] == form or not form.isalpha():
                continue
            if out.get(form, lemmas[0]) != lemmas[0]:
                ambiguous.add(form)
            out[form] = lemmas[0]
    return {form: lemma for form, lemma in out.items() if form not in ambiguous}


def lemma_term(word: str) -> str:
    """A lower-case word as ``rag.text.term`` compares it, irregular forms first taken to their lemma."""
    from rag.text import stem

    return stem(irregular_forms().get(word, word))


@lru_cache(maxsize=2)
def _lemma_index(pos: str) -> frozenset[str]:
    """The lemmatizer's lemmas of one part of speech ("verb", "noun"); empty without the model."""
    index = _tables().get("lemma_index")
    lemmas = index.get(_spacy_hash(pos)) if isinstance(index, dict) else None
    return frozenset(lemmas) if isinstance(lemmas, list) else frozenset()


@lru_cache(maxsize=4096)
def can_be_verb(word: str) -> bool:
    """Whether a lower-case word can be a form of an English verb ("approved", "sue", "began"; not "coup" or
    "sale"), by the lemmatizer's verb index and its irregular forms, regular endings taken off; False without
    the model."""
    verbs = _lemma_index("verb")
    if not verbs:
        return False
    lemma = irregular_forms().get(word)
    if lemma in verbs or word in verbs:
        return True
    for suffix, add in (
        ("s", ""),
        ("es", ""),
        ("d", ""),
        ("ed", ""),
        ("ing", ""),
        ("ing", "e"),
        ("ied", "y"),
        ("ies", "y"),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            base = word[: -len(suffix)] + add
            if base in verbs or (base[-1:] == base[-2:-1] and base[:-1] in verbs):  # "stopped" -> "stop"
                return True
    return False


def is_past_form(word: str) -> bool:
    """Whether a lower-case word is a verb's past form, which no noun is: "died", "opened", "began" (not "flood",
    "speed" or "need", whose "-ed" is the verb's own); False without the model."""
    verbs = _lemma_index("verb")
    if not verbs or word in verbs:
        return False
    if word.endswith("ing"):
        return False  # "putting": the irregular table holds present participles too
    lemma = irregular_forms().get(word)
    return (lemma is not None and lemma in verbs) or (word.endswith("ed") and can_be_verb(word))


@lru_cache(maxsize=4096)
def can_be_noun(word: str) -> bool:
    """Whether a lower-case word can be an English noun ("claim", "claims", "staff"; not "came" or "rejected"), by
    the lemmatizer's noun index, a regular plural ending taken off (an irregular verb form is no noun's: "came" is
    not "come"); False without the model."""
    nouns = _lemma_index("noun")
    endings = (("s", ""), ("es", ""), ("ies", "y"))
    return word in nouns or any(word.endswith(end) and word[: -len(end)] + add in nouns for end, add in endings)


# English plurals without an -s: "how many" takes a plural noun, which ends what it counts (general English).
_PLURALS_WITHOUT_S = frozenset("people men women children police feet teeth mice geese cattle personnel".split())


def plural_noun(word: str) -> bool:
    """Whether a word reads as an English plural noun: one of the plurals without an -s, or an -s ending that is
    no "-ss", "-us" or "-is"."""
    low = word.lower()
    return low in _PLURALS_WITHOUT_S or (len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")))
