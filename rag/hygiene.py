"""Hygiene for text crossing a boundary: what users type in, and what a terminal prints out.

Article text and questions are untrusted. A terminal obeys escape sequences (``ESC ]0;…``
retitles the window, ``ESC [2J`` clears it), so every string a shell prints is passed through
``printable`` first. Questions are normalised once, at the ``Assistant`` boundary, so the CLI,
the chat, the UI and any API treat the same bytes the same way.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from rag.errors import InputError

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides that
# reorder what a terminal shows ("Trojan Source").
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def valid_text(text: str) -> str:
    """``text`` with lone surrogates (invalid code points from broken UTF-8/UTF-16) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def printable(text: Any) -> str:
    """``text`` safe to print on a terminal: control characters dropped (tab and newline kept)."""
    return _UNPRINTABLE.sub("", valid_text(str(text)))


def json_line(data: Any) -> str:
    """One JSON line with every string intact but no raw C1 control, surrogate or bidi override.

    ``json.dumps`` already escapes C0 controls; the others are legal raw in JSON and would
    reach a terminal, so they are written as ``\\uXXXX`` escapes (the parsed value is unchanged).
    """
    text = json.dumps(data, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean_question(text: Any, max_chars: int) -> str:
    """A question as the pipeline expects it, or ``InputError`` with one line saying why not.

    Invalid code points become U+FFFD, control characters (NUL included) are removed, the text
    is NFC-normalised and trimmed; empty or longer than ``max_chars`` is refused.
    """
    if not isinstance(text, str):
        raise InputError("The question must be text")
    cleaned = unicodedata.normalize("NFC", printable(text)).strip()
    if not cleaned:
        raise InputError("The question is empty")
    if len(cleaned) > max_chars:
        raise InputError(f"The question is too long ({len(cleaned):,} characters; the limit is {max_chars:,})")
    return cleaned


def check_top_k(k: int | None, limit: int) -> int | None:
    """``k`` if it is a usable number of passages, else ``InputError``; None means the default."""
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= limit:
        raise InputError(f"top-k must be a whole number from 1 to {limit} (got {k!r})")
    return k
