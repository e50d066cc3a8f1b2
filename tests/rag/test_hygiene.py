"""Input and output hygiene: what reaches the pipeline, and what reaches a terminal."""

from __future__ import annotations

import json

import pytest

from rag.errors import InputError
from rag.hygiene import check_top_k, clean_question, json_line, printable

HOSTILE = "Title\x1b]0;OWNED\x07\x1b[2J and \x9b31m C1 \u202eevil\u202c\x00 end\r"


def test_printable_drops_control_characters_but_keeps_newlines_and_tabs() -> None:
    shown = printable(HOSTILE + "\nnext\tcell")
    assert shown == "Title]0;OWNED[2J and 31m C1 evil end\nnext\tcell"
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in shown)


def test_printable_replaces_lone_surrogates() -> None:
    assert printable("a\ud800b") == "a\ufffdb"
    printable("a\ud800b").encode("utf-8")  # printable text always encodes


def test_json_line_escapes_what_json_allows_raw_and_round_trips() -> None:
    data = {"quote": HOSTILE, "bad": "x\udc80y"}
    line = json_line(data)
    assert "\x9b" not in line and "\u202e" not in line and "\x1b" not in line
    line.encode("utf-8")
    assert json.loads(line)["quote"] == HOSTILE


def test_question_normalisation() -> None:
    assert clean_question("  Who\x00 paid\ud800?\x1b[2J ", 100) == "Who paid\ufffd?[2J"
    assert clean_question("Cafe\u0301", 100) == "Café"  # NFC
    with pytest.raises(InputError, match="empty"):
        clean_question("\x00\x00\x00", 100)
    with pytest.raises(InputError, match=r"too long .*limit is 10"):
        clean_question("x" * 11, 10)
    with pytest.raises(InputError):
        clean_question(b"bytes", 10)  # type: ignore[arg-type]


@pytest.mark.parametrize("k", [0, -1, 101, 1000, True, 2.5])
def test_top_k_out_of_range_is_refused(k: object) -> None:
    with pytest.raises(InputError, match="from 1 to 100"):
        check_top_k(k, 100)  # type: ignore[arg-type]


def test_top_k_in_range() -> None:
    assert check_top_k(None, 100) is None
    assert check_top_k(1, 100) == 1 and check_top_k(100, 100) == 100
