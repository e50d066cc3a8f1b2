"""Irregular English word forms and their lemma ("won" -> "win", "held" -> "hold", "men" -> "man").

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
def irregular_forms() -> dict[str, str]:
    """Irregular form -> lemma, for the verb and noun forms the model's lemmatizer lists; empty without it."""
    path = _lookups_file()
    if path is None:
        return {}
    import srsly

    try:
        exceptions = srsly.msgpack_loads(path.read_bytes())["lemma_exc"]
    except (OSError, ValueError, KeyError, TypeError):
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
