"""Where each benchmark article's date and outlet come from: its own text (a dateline) or its front matter.

Writes every article of a benchmark folder (default: RealTime QA, ``../shared/benchmarks/realtimeqa-news``)
exactly as ``rag eval`` does (``evals.dataset.doc_text``: YAML front matter with ``date:``/``source:``, title
line, blank line, body) into a temporary folder outside the repository, reads each file with the loader
(``index.loading.read_article``) and counts which source gave the date (``date_source``) and whether the
outlet differs from the front matter's. The front matter holds the benchmark's own ``published_at`` and URL
host, so an article that takes its date from its text either has a real dateline or took an ordinary
sentence ("Born November 14, 1948", a photo credit) for one; ``--list`` prints those lines to judge which.

The texts are deleted with the temporary folder and never written into the repository.

Usage::

    .venv/bin/python bench/dating_sources.py [--bench DIR] [--list]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fit_retrieval_weights import run_header

from evals import dataset
from index.loading import Article, read_article


def dateline_of(article: Article) -> str:
    """The line the date was read from, as written."""
    return article.date_stated.quote if article.date_stated else "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", type=Path, default=dataset.REALTIMEQA_DIR, help="benchmark folder (corpus.jsonl)")
    ap.add_argument("--list", action="store_true", help="print the articles dated (or sourced) from their text")
    args = ap.parse_args()
    print(run_header())
    sources: Counter[str] = Counter()
    outlet_from_text = date_differs = 0
    listed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="dating-sources-") as tmp:
        root = Path(tmp)
        for doc_id, title, body, meta in dataset.iter_bench_docs(args.bench / "corpus.jsonl"):
            path = root / dataset.doc_file(doc_id)
            path.write_text(dataset.doc_text(title, body, meta), encoding="utf-8")
            article = read_article(path, root, 50_000_000)
            if not isinstance(article, Article):
                sources["skipped"] += 1
                continue
            sources[article.date_source] += 1
            differs = article.published != meta.get("published_at")
            other_outlet = bool(meta.get("source")) and article.outlet != meta.get("source")
            date_differs += differs
            outlet_from_text += other_outlet
            if args.list and (article.date_source != "front_matter" or other_outlet):
                listed.append(
                    f"{doc_id}  {article.published} ({meta.get('published_at')})  outlet {article.outlet!r}"
                    f" ({meta.get('source')!r})  line: {dateline_of(article)[:100]!r}"
                )
    total = sum(sources.values())
    print(f"articles: {total}")
    for source, n in sources.most_common():
        print(f"  date from {source:<13} {n:>5}")
    print(f"  date differs from the front matter's: {date_differs}")
    print(f"  outlet differs from the front matter's: {outlet_from_text}")
    for line in listed:
        print(line)


if __name__ == "__main__":
    main()
