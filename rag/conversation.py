"""Deterministic follow-up rewriting for the extractive mode (no LLM to condense with).

"And when did they leave?" cannot be retrieved on its own. When a question looks like a
follow-up (pronouns, a leading "and"/"what about", no names of its own) we carry over the
previous standalone question, so retrieval and sentence scoring see what "they" refers to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.text import content_terms, names

CONTEXT_MARK = " (following up on: "
_PRONOUNS = frozenset("they them their theirs it its he him his she her hers there those these that this".split())
_LEADS = re.compile(r"^\s*(and|but|so|also|then|what about|how about|and what about|what else)\b", re.I)
_WORD = re.compile(r"[A-Za-z']+")


def is_followup(question: str) -> bool:
    tokens = [t.lower() for t in _WORD.findall(question)]
    if _LEADS.match(question):
        return True
    if any(t in _PRONOUNS for t in tokens) and not names(question):
        return True
    return len(content_terms(question)) <= 1


def rewrite(question: str, history: Sequence[tuple[str, str]]) -> str:
    """Resolve pronouns with the entities of the previous turn, and carry that turn's question along:
    "Where is it?" after "What is Air Base 201 used for?" becomes
    "Where is Air Base 201? (following up on: What is Air Base 201 used for?)"."""
    if not history or not is_followup(question):
        return question
    previous, previous_answer = history[-1]
    resolved = resolve_pronouns(question.strip(), main_question(previous), previous_answer)
    carried = " ".join(p for p in (main_question(previous), context_of(previous)) if p)
    return f"{resolved}{CONTEXT_MARK}{carried.strip()[:300]})"


_PERSONAL = {"he", "him", "his", "she", "her"}
_THING = {"it", "its", "there"}
_GROUP = {"they", "them", "their"}
_GROUP_PHRASE = re.compile(r"\b((?:[A-Z][\w.’'-]*\s+){1,3}[a-z]+s)\b")


def _thing_rank(phrase: str) -> int:
    """ "Air Base 201" before "Niger" before "Russian": named things with numbers, then places, then adjectives."""
    if any(c.isdigit() for c in phrase):
        return 0
    if " " in phrase:
        return 1
    return 3 if phrase.lower().endswith(("ian", "ese", "ish", "ean", "can")) else 2


def resolve_pronouns(question: str, previous_question: str, previous_answer: str) -> str:
    """Replace he/she/it/they/there with the likeliest entity of the previous turn; leave the rest."""
    from rag.text import name_phrases, people

    answer_people = [p.title() for p in people(previous_answer)]
    question_people = [p.title() for p in people(previous_question)]
    things = sorted(name_phrases(previous_question), key=_thing_rank)
    groups = [m.group(1) for m in _GROUP_PHRASE.finditer(previous_question)][::-1]

    def pick(pronoun: str) -> str | None:
        low = pronoun.lower()
        if low in _PERSONAL:
            name = (question_people or answer_people or [None])[0]
        elif low in _THING:
            name = things[0] if things else None
        elif low in _GROUP:
            name = groups[0] if groups else (things[0] if things else None)
        else:
            return None
        if name and low in {"his", "its", "their"}:
            return f"{name}'s"
        if name and low == "there":
            return f"at {name}"
        return name

    def swap(match: re.Match[str]) -> str:
        return pick(match.group(0)) or match.group(0)

    return re.sub(r"\b(he|him|his|she|her|it|its|they|them|their|there)\b", swap, question, flags=re.I)


def main_question(standalone: str) -> str:
    return standalone.split(CONTEXT_MARK, 1)[0]


def context_of(standalone: str) -> str:
    parts = standalone.split(CONTEXT_MARK, 1)
    return parts[1].rstrip(")") if len(parts) == 2 else ""


_INSTRUCTION = re.compile(
    r"^\W*(ignore|disregard|forget|pretend|imagine|act as|you are|you must|print|reveal|repeat|output|"
    r"just say|say that|respond with|reply with|answer with|do not cite|don't cite|make up|invent)\b|"
    r"\b(system prompt|previous instructions|your instructions|your rules|make up|fabricate|invent a|"
    r"state it as fact|plausible name)\b",
    re.I,
)


def strip_instructions(question: str) -> str:
    """Keep the actual question; drop sentences that try to instruct the assistant.

    Returns "" when the whole input is an instruction (e.g. "make up a name"), which the
    pipeline answers with the no-answer sentence.
    """
    from rag.text import split_sentences

    sentences = [s.text for s in split_sentences(question)]
    kept = [s for s in sentences if not _INSTRUCTION.search(s)]
    if len(kept) == len(sentences):
        return question
    return " ".join(kept).strip()
