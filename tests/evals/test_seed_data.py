"""Integrity checks for the grounded Q&A evaluation set evals/data/seed.jsonl."""

import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "evals" / "data" / "seed.jsonl"
CORPUS = ROOT / "corpus"

TYPES = {
    "single_source",
    "multi_source",
    "conflict",
    "unanswerable",
    "paraphrase",
    "followup",
    "adversarial",
}
ITEM_KEYS = {"id", "type", "turns"}
OPTIONAL_ITEM_KEYS = {"notes"}
TURN_KEYS = {
    "question",
    "reference_answer",
    "facts",
    "answerable",
    "gold_files",
    "gold_quotes",
}


def _load_lines():
    return SEED.read_text(encoding="utf-8").splitlines()


def _items():
    return [json.loads(line) for line in _load_lines() if line.strip()]


def _turns():
    for item in _items():
        for i, turn in enumerate(item["turns"]):
            yield item["id"], i, turn


def test_seed_file_exists():
    assert SEED.is_file(), f"missing {SEED}"


def test_every_line_parses_and_has_schema():
    lines = _load_lines()
    assert lines, "seed.jsonl is empty"
    for n, line in enumerate(lines, 1):
        assert line.strip(), f"blank line {n}"
        item = json.loads(line)
        assert isinstance(item, dict), f"line {n} is not an object"
        keys = set(item)
        assert ITEM_KEYS <= keys <= ITEM_KEYS | OPTIONAL_ITEM_KEYS, (n, keys)
        assert isinstance(item["id"], str) and item["id"], n
        assert item["type"] in TYPES, (n, item["type"])
        if "notes" in item:
            assert isinstance(item["notes"], str), n
        assert isinstance(item["turns"], list) and item["turns"], n
        for turn in item["turns"]:
            assert set(turn) == TURN_KEYS, (item["id"], set(turn))
            assert isinstance(turn["question"], str) and turn["question"].strip()
            assert isinstance(turn["reference_answer"], str) and turn["reference_answer"].strip()
            assert isinstance(turn["answerable"], bool)
            assert all(isinstance(f, str) and f.strip() for f in turn["facts"])
            assert all(isinstance(f, str) for f in turn["gold_files"])
            for q in turn["gold_quotes"]:
                assert set(q) == {"file", "quote"}, (item["id"], q)
                assert isinstance(q["quote"], str) and q["quote"].strip()


def test_ids_unique():
    ids = [item["id"] for item in _items()]
    dupes = [i for i, c in Counter(ids).items() if c > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_item_count():
    assert len(_items()) >= 60


@pytest.mark.parametrize("type_", sorted(TYPES))
def test_every_type_present(type_):
    count = Counter(item["type"] for item in _items())[type_]
    assert count >= 6, f"{type_}: only {count} items"


def test_followup_turn_counts():
    for item in _items():
        n = len(item["turns"])
        if item["type"] == "followup":
            assert 2 <= n <= 3, (item["id"], n)
        else:
            assert n == 1, (item["id"], n)


def test_gold_files_exist():
    for item_id, i, turn in _turns():
        for name in turn["gold_files"]:
            assert (CORPUS / name).is_file(), (item_id, i, name)
        for q in turn["gold_quotes"]:
            assert (CORPUS / q["file"]).is_file(), (item_id, i, q["file"])


def test_gold_quotes_verbatim():
    texts = {}
    for item_id, i, turn in _turns():
        for q in turn["gold_quotes"]:
            name = q["file"]
            if name not in texts:
                texts[name] = (CORPUS / name).read_text(encoding="utf-8")
            assert q["quote"] in texts[name], (item_id, i, name, q["quote"])


def test_quote_files_listed_in_gold_files():
    for item_id, i, turn in _turns():
        quoted = {q["file"] for q in turn["gold_quotes"]}
        assert quoted == set(turn["gold_files"]), (item_id, i)


def test_unanswerable_turns_have_no_gold():
    for item_id, i, turn in _turns():
        if not turn["answerable"]:
            assert turn["facts"] == [], (item_id, i)
            assert turn["gold_files"] == [], (item_id, i)
            assert turn["gold_quotes"] == [], (item_id, i)


def test_unanswerable_items_are_unanswerable():
    for item in _items():
        if item["type"] == "unanswerable":
            assert all(not t["answerable"] for t in item["turns"]), item["id"]


def test_answerable_turns_have_gold():
    for item_id, i, turn in _turns():
        if turn["answerable"]:
            assert len(turn["facts"]) >= 1, (item_id, i)
            assert len(turn["gold_quotes"]) >= 1, (item_id, i)
            assert len(turn["gold_files"]) >= 1, (item_id, i)


def test_multi_source_and_conflict_cite_several_files():
    for item in _items():
        if item["type"] in {"multi_source", "conflict"}:
            for turn in item["turns"]:
                assert len(set(turn["gold_files"])) >= 2, item["id"]
