"""Where the extractive answer loses RealTime QA questions: a failure breakdown of a `rag eval` run.

Each dev question lands in one bucket, in this order:

- ``answered``: the answer contains the reference answer;
- ``abstained``: the assistant declined (split by whether the reference was in the passages it read);
- ``retrieval``: the reference answer occurs in none of the k passages the answerer read;
- ``no sentence``: it occurs in a read passage but in none of its sentences taken alone (it spans a
  sentence boundary or sits in a heading the ranker skips);
- ``ranking``: a sentence of the read passages holds it, but the answer quotes other sentences;
- ``containment``: a quoted sentence holds it, yet the answer text does not (the verifier cut it).

Multiple choice is broken down the same way, plus ``mc matching``: the answer holds the reference but
the choice picked from it is another one (the pick, not the answer, is wrong).

    python bench/answer_failures.py /tmp/x-out/results.jsonl --corpus /tmp/x-rtqa/corpus [--examples 3]

The buckets are pure functions of a result row (``bucket``), so `bench/fit_answer_ranker.py` prints the
same breakdown for its cross-validated answers. Benchmark texts are read from the results file only and
never written anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evals import metrics
from rag.text import split_sentences

BUCKETS = (
    "answered",
    "abstained, reference in read passages",
    "abstained, reference not in read passages",
    "retrieval",
    "no sentence",
    "ranking",
    "containment",
)


def bucket(*, abstained: bool, contains: bool, in_passages: bool, in_sentence: bool, in_chosen: bool) -> str:
    """The first reason, in pipeline order, why an answer lacks the reference ("answered" when it has it)."""
    if contains and not abstained:
        return "answered"
    if abstained:
        return f"abstained, reference {'in' if in_passages else 'not in'} read passages"
    if not in_passages:
        return "retrieval"
    if not in_sentence:
        return "no sentence"
    return "containment" if in_chosen else "ranking"


def mc_bucket(answer_bucket: str, mc_correct: bool) -> str:
    if mc_correct:
        return "correct"
    return "mc matching" if answer_bucket == "answered" else answer_bucket


def passages_of(row: dict, corpus: Path) -> list[str]:
    """The text of the chunks the answerer read (results.jsonl stores their offsets, not their text)."""
    out = []
    for c in row.get("retrieved") or []:
        text = (corpus / c["path"]).read_text(encoding="utf-8")
        out.append(text[c["start_char"] : c["end_char"]])
    return out


def row_buckets(row: dict, corpus: Path) -> tuple[str, str]:
    ref = row["reference_answer"]
    passages = passages_of(row, corpus)
    quotes = [c["quote"] for c in row.get("citations") or []]
    has = lambda text: metrics.contains(text, ref, loose=True)  # noqa: E731
    b = bucket(
        abstained=bool(row.get("abstained")),
        contains=not row.get("abstained") and has(row.get("answer") or ""),
        in_passages=any(has(p) for p in passages),
        in_sentence=any(has(s.text) for p in passages for s in split_sentences(p)),
        in_chosen=any(has(q) for q in quotes),
    )
    return b, mc_bucket(b, bool((row.get("metrics") or {}).get("mc_correct")))


def table(counts: Counter, n: int, title: str) -> str:
    lines = [f"| {title} | questions | share |", "| --- | --- | --- |"]
    for name, c in sorted(counts.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {c} | {c / n:.3f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", type=Path, help="results.jsonl of `rag eval --suite realtimeqa`")
    ap.add_argument("--corpus", type=Path, required=True, help="the corpus folder of the eval's --cache")
    ap.add_argument("--examples", type=int, default=0, help="print this many question ids per bucket")
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.results.read_text().splitlines() if line.strip()]
    answer, mc = Counter(), Counter()
    ids: dict[str, list[str]] = {}
    for row in rows:
        a, m = row_buckets(row, args.corpus)
        answer[a] += 1
        mc[m] += 1
        ids.setdefault(a, []).append(row["qid"])
    n = len(rows)
    print(f"{n} questions from {args.results}\n")
    print(table(answer, n, "answer contains the reference"))
    print()
    print(table(mc, n, "multiple choice from the answer"))
    if args.examples:
        for name, qids in ids.items():
            print(f"{name}: {', '.join(qids[: args.examples])}")


if __name__ == "__main__":
    main()
