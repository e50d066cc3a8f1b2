"""Which pronoun ("he" or "she") the conversation's own text uses for each person it has established.

A follow-up's "he" must not be replaced with the name of a woman the previous turn was about. No list of first
names decides this (that would be a word list); only general English read from the text the conversation
already holds:

- a title directly before the name (or before the first name of it): Mr, Sir, Lord → he; Mrs, Ms, Miss, Lady,
  Dame, Madam → she ("Mr Renn", "Lady Ana Brisk");
- in the previous answers (which quote article sentences), a he/him/his or she/her/hers whose window names that
  person and nobody else: the window is the part of the pronoun's sentence before it, or, when that names
  nobody, the sentence before (only one quoted from the same source, so the two stood together);
- a window naming two people, one of whom the rules above already gave the other pronoun: this one goes to the
  second ("Kessel beat Hale. She promised …" once "Hale said he …" is known).

A pronoun inside quotation marks is skipped (it is the speaker's, not the narrator's). Each rule is a vote; a
person takes the pronoun with more votes, and stays unknown on a tie or without any. Unknown means compatible
with both pronouns, so a conversation whose text says nothing is resolved exactly as before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from rag.text import holds_role_word, name_phrases, people, split_sentences

Gender = Literal["he", "she"]

_PRONOUN_GENDER: Mapping[str, Gender] = {
    **dict.fromkeys(("he", "him", "his", "himself"), "he"),
    **dict.fromkeys(("she", "her", "hers", "herself"), "she"),
}
_TITLE_GENDER: Mapping[str, Gender] = {
    **dict.fromkeys(("mr", "sir", "lord"), "he"),
    **dict.fromkeys(("mrs", "ms", "miss", "lady", "dame", "madam", "madame"), "she"),
}
_PRONOUN = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.I)
# A citation marker ends the quote of one source: "… margin. [1] She promised …. [2]"
_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]\.?")
_QUOTES = re.compile(r"[\"“”]")


def gender_of_pronoun(pronoun: str) -> Gender | None:
    return _PRONOUN_GENDER.get(pronoun.lower())


@dataclass(frozen=True)
class _Person:
    """One person under the names the conversation gave them ("mira kessel", "mayor-elect mira kessel")."""

    names: tuple[str, ...]
    mention: re.Pattern[str]


def _persons(known: Iterable[str]) -> list[_Person]:
    """Group names one of which ends with the other's words; a person is mentioned by full name, or by surname
    alone when no other person has that surname ("Kessel said …")."""
    groups: list[list[str]] = []
    for name in sorted(set(known), key=lambda n: len(n.split())):
        words = name.split()
        group = next((g for g in groups if words[-len(g[0].split()) :] == g[0].split()), None)
        if group is None:
            groups.append([name])
        else:
            group.append(name)
    surnames = Counter(g[0].split()[-1] for g in groups)
    out = []
    for group in groups:
        surname = group[0].split()[-1]
        forms = [surname] if surnames[surname] == 1 and len(surname) > 2 else group
        pattern = r"\b(?:" + "|".join(r"\s+".join(map(re.escape, f.split())) for f in forms) + r")\b"
        out.append(_Person(tuple(group), re.compile(pattern, re.I)))
    return out


def _mentions(person: _Person, text: str) -> list[re.Match[str]]:
    """Capitalised mentions only: "Bright" the name, not "bright" the adjective."""
    return [m for m in person.mention.finditer(text) if m.group(0)[:1].isupper()]


def _title_before(text: str) -> Gender | None:
    """The title right before a mention, or before the first name it opens with ("Mr Renn", "Sir Jonas Hale")."""
    words = [w.strip(".,") for w in text.split()[-2:]]
    if words and words[-1].lower() in _TITLE_GENDER:
        return _TITLE_GENDER[words[-1].lower()]
    if len(words) == 2 and words[1][:1].isupper():
        return _TITLE_GENDER.get(words[0].lower())
    return None


def _quoted_sentences(text: str) -> list[tuple[str, str]]:
    """The answer's sentences, each with the source marker its quote ends with ("" for prose without one)."""
    out: list[tuple[str, str]] = []
    pieces = _MARKER.split(text)
    for i in range(0, len(pieces), 2):
        marker = pieces[i + 1] if i + 1 < len(pieces) else ""
        out += [(s.text.strip(" ."), marker) for s in split_sentences(pieces[i]) if s.text.strip(" .")]
    return out


def _strangers(window: str, persons: Sequence[_Person]) -> bool:
    """Whether the window names someone who may be a person the conversation has not established: a name
    ``people`` finds, or any name of two or more words, that holds none of the known names."""
    names = [*people(window), *(n.lower() for n in name_phrases(window) if len(n.split()) >= 2)]
    return any(not any(p.mention.search(n) for p in persons) for n in names)


def genders(
    known: Iterable[str],
    answers: Sequence[str],
    questions: Sequence[str] = (),
    unsure: Iterable[str] = (),
    passages: Sequence[str] = (),
) -> dict[str, Gender | None]:
    """The pronoun each known person (lower-case name) takes in the conversation's text, or None.

    ``unsure`` names may not be people at all ("Port Elms, where he grew up"): a pronoun counts for them only
    with a role or speech verb between the mention and it ("Dunleigh said he …"); a title always counts.
    ``passages``, the texts the earlier turns read, count like the answers' quotes (each one source): an
    extractive answer seldom quotes the sentence that says "she", its passage often holds one."""
    persons = _persons([*known, *unsure])
    people_for_sure = {i for i, p in enumerate(persons) if set(p.names) & set(known)}
    votes: dict[int, Counter[Gender]] = {i: Counter() for i in range(len(persons))}
    for text in (*questions, *answers, *passages):
        for i, person in enumerate(persons):
            for m in _mentions(person, text):
                if gender := _title_before(text[: m.start()]):
                    votes[i][gender] += 1
    pairs: list[tuple[int, int, Gender]] = []
    sources = [_quoted_sentences(text) for text in answers]
    sources += [[(s.text.strip(" ."), f"passage {i}") for s in split_sentences(p)] for i, p in enumerate(passages)]
    for sentences in sources:
        for k, (sentence, marker) in enumerate(sentences):
            for pronoun in _PRONOUN.finditer(sentence):
                before = sentence[: pronoun.start()]
                if len(_QUOTES.findall(before)) % 2:
                    continue
                window = before
                named = [i for i, p in enumerate(persons) if _mentions(p, before)]
                if not named and k and sentences[k - 1][1] == marker:
                    window = f"{sentences[k - 1][0]}. {before}"
                    named = [i for i, p in enumerate(persons) if _mentions(p, window)]
                gender = _PRONOUN_GENDER[pronoun.group(0).lower()]
                if pronoun.group(0).lower() in ("he", "she"):
                    # "She beat councillor Tomas Brekke": who a subject pronoun's own sentence names is not it.
                    after = sentence[pronoun.end() :]
                    named = [i for i in named if not _mentions(persons[i], after)]
                if not named or len(named) > 2 or _strangers(window, persons):
                    continue
                if len(named) == 1:
                    last = _mentions(persons[named[0]], window)[-1]
                    if named[0] in people_for_sure or holds_role_word(window[last.end() :]):
                        votes[named[0]][gender] += 1
                else:
                    pairs.append((named[0], named[1], gender))
    decided = {i: _decide(v) for i, v in votes.items()}
    for a, b, gender in pairs:
        for this, other in ((a, b), (b, a)):
            if decided[other] not in (None, gender) and decided[this] is None:
                votes[this][gender] += 1
    return {name: _decide(votes[i]) for i, p in enumerate(persons) for name in p.names}


def _decide(votes: Counter[Gender]) -> Gender | None:
    if votes["he"] == votes["she"]:
        return None
    return "he" if votes["he"] > votes["she"] else "she"
