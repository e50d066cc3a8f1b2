"""Calibrate the weak-retrieval abstention threshold (``answer.min_retrieval_score``).

Data: the answerable and unanswerable first turns of the seed set (evals/data/seed.jsonl) over the
bundled corpus, plus OFF_TOPIC, questions about things the corpus never mentions. The seed set is
also what the extractive answerer was tuned on, so figures computed on it are in-sample.

For each threshold it prints how many answerable questions would be wrongly refused by this gate
alone and how many unanswerable / off-topic ones it refuses. The gate is a first filter for
questions far from the corpus; near-miss questions ("the name of the general", which the articles
never give) are left to the answerer's type and topic checks, so it is set just below the lowest
top score of an answerable question.
Run: .venv/bin/python bench/calibrate_abstention.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.assistant import Assistant  # noqa: E402
from rag.settings import Settings  # noqa: E402

OFF_TOPIC = [
    "What is the capital of France?",
    "Who won the 2022 football World Cup?",
    "How do I bake sourdough bread?",
    "What is the boiling point of water at sea level?",
    "Which company makes the iPhone?",
    "When did the Berlin Wall fall?",
    "How many moons does Jupiter have?",
    "What is the best programming language for beginners?",
]


def main() -> None:
    items = [json.loads(line) for line in (ROOT / "evals/data/seed.jsonl").read_text().splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings()
        settings.store.dir = Path(tmp) / "store"
        assistant = Assistant(settings)
        assistant.index()

        def top(question: str) -> float:
            hits = assistant.passages(question, settings.retrieval.top_k)
            return hits[0].score if hits else 0.0

        answerable = [top(i["turns"][0]["question"]) for i in items if i["turns"][0]["answerable"]]
        unanswerable = [top(i["turns"][0]["question"]) for i in items if not i["turns"][0]["answerable"]]
        off_topic = [top(q) for q in OFF_TOPIC]
    print(f"answerable   n={len(answerable):3d} min {min(answerable):.3f} max {max(answerable):.3f}")
    print(f"unanswerable n={len(unanswerable):3d} min {min(unanswerable):.3f} max {max(unanswerable):.3f}")
    print(f"off-topic    n={len(off_topic):3d} min {min(off_topic):.3f} max {max(off_topic):.3f}")
    print("threshold  refused: answerable  unanswerable  off-topic")
    for t in [x / 100 for x in range(10, 55, 5)]:
        ra = sum(s < t for s in answerable)
        ru = sum(s < t for s in unanswerable)
        ro = sum(s < t for s in off_topic)
        print(f"  {t:.2f}      {ra:3d}/{len(answerable)}    {ru:3d}/{len(unanswerable)}    {ro}/{len(off_topic)}")
    print(f"current setting: {settings.answer.min_retrieval_score}")


if __name__ == "__main__":
    main()
