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
    """``question`` itself, or ``question (following up on: previous standalone question)``."""
    if not history or not is_followup(question):
        return question
    previous = history[-1][0]
    carried = " ".join(p for p in (main_question(previous), context_of(previous)) if p)
    return f"{question.strip()}{CONTEXT_MARK}{carried.strip()[:300]})"


def main_question(standalone: str) -> str:
    return standalone.split(CONTEXT_MARK, 1)[0]


def context_of(standalone: str) -> str:
    parts = standalone.split(CONTEXT_MARK, 1)
    return parts[1].rstrip(")") if len(parts) == 2 else ""
