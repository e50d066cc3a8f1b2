"""Guard: no person, organisation or place named in the bundled corpus appears in the library code.

The names come from the corpus itself, found with spaCy's NER (the pipeline the indexer uses), so a
word list tuned to these articles ("kremlin" -> "russia", a list of words that are "not people") fails
here however it is spelled in code.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.entities import load_ner

ROOT = Path(__file__).resolve().parents[2]
LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"}


def corpus_names() -> set[str]:
    nlp = load_ner()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.*"))]
    # A one-word "name" the articles also write in lower case ("Defense", "exit") is an ordinary word.
    lower_words = set(re.findall(r"\b[a-z][a-z'-]+\b", " ".join(texts)))
    # A one-word name seen once may be a tagging slip on boilerplate ("Exit mobile version").
    counts: dict[str, int] = {}
    for doc in nlp.pipe(texts):
        for ent in doc.ents:
            if ent.label_ in LABELS:
                name = re.sub(r"^(the|a|an)\s+", "", ent.text.strip(), flags=re.I).strip(" .,'’\"").lower()
                if len(name) >= 3 and not (" " not in name and name in lower_words):
                    counts[name] = counts.get(name, 0) + 1
    return {n for n, c in counts.items() if " " in n or c >= 2}


def test_the_corpus_yields_names_to_check() -> None:
    assert len(corpus_names()) > 20


def test_no_corpus_name_in_library_code() -> None:
    names = corpus_names()
    found = {}
    for path in sorted((ROOT / "rag").rglob("*.py")):
        code = path.read_text(encoding="utf-8").lower()
        hits = sorted(n for n in names if re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", code))
        if hits:
            found[path.relative_to(ROOT).as_posix()] = hits
    assert not found, f"corpus names in library code: {found}"
