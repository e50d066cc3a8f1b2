"""Indexing throughput and search latency of the RAG assistant, measured on this machine.

What it measures (each mode uses a fresh temporary store, deleted afterwards):

``corpus``
    Index the bundled corpus (``corpus/``, 5 articles) with ``Assistant.index``: files/s,
    chunks/s, seconds, peak RSS and a breakdown of where indexing time went (loading,
    chunking, embedding, Chroma writes, BM25 build). Then search latency.
``synthetic``
    Generate N articles (default 2,000) from the bundled ones: each takes a random bundled
    article (seeded), keeps its title line first and shuffles its other paragraphs. Index
    them like ``corpus`` and check the target "< 180 s for 2,000 articles". Then search latency.
``scale``
    Load 100,000 chunks with normalised random 384-d vectors (fixed seed) and synthetic text
    (~150 words drawn from the bundled corpus vocabulary, weighted by frequency) through
    ``Store.add_chunks`` in batches of 5,000, build the BM25 index with ``rag.bm25.build``,
    then time hybrid search (``Assistant.search``, real query embeddings) against the target
    "search p50 < 30 ms at 100k chunks", plus the pure vector query ``Store.query`` and the raw
    Chroma ``collection.query`` with random vectors.

``formats``
    Extraction speed of the paged and web formats, without embedding: a PDF of ``--pages``
    pages (default 200, generated with fpdf2 from the bundled articles' paragraphs) read by
    ``index.formats.read_pdf`` (pages/s), and ``--html`` saved news pages (default 300, each
    an article wrapped in navigation, an ad, comments and a footer) read by
    ``index.formats.read_html`` (trafilatura; articles/s, and how many fell back to the whole page).

How search latency is measured: ~50 varied questions, in-process, ``time.perf_counter``
around ``Assistant.search(query, k=5)``. The embedding model and the BM25 index are loaded
by one throw-away query first. Each question is then run once untimed-for-the-target (its
latency is reported as "cold": it embeds the query and the candidate chunks' sentences),
and afterwards ``--repeat`` timed rounds give the "warm" p50/p95. Warm queries hit the
embedder's in-process cache for the query and sentence vectors, so warm latency is the
retrieval path (Chroma, BM25, fusion, rerank arithmetic, MMR) without any model inference.
Per-stage means come from wrapping library functions in this process (no file is changed).
Cold latency matters most in ``scale`` mode: there the chunks' sentences are all distinct, so
a new question rarely finds them in the cache, as with a large real corpus.

Peak RSS is sampled with psutil every 20 ms during a stage (``peak_rss_mb``); the process
high-water mark from ``getrusage`` is reported too (it includes every earlier stage).

The machine may be shared: each mode reports the 1-minute load average (start, end, and the
mean during indexing / search / loading), the process CPU seconds, and a probe of the raw
embedding throughput (32 windows of 180 words). With the load above the core count, every
figure is inflated; model inference suffers most, because its thread pool expects the cores.
The embedding runtime the library actually used (ONNX Runtime or torch) is printed as well.

Usage::

    .venv/bin/python bench/index_bench.py [--mode corpus|synthetic|scale|formats|all]
                                          [--articles 2000] [--chunks 100000] [--repeat 3]
                                          [--pages 200] [--html 300]

Figures are printed one per line and merged by mode into ``bench/results/index_bench.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import platform
import random
import re
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's rag/index, not an installed copy

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
RESULTS = ROOT / "bench" / "results" / "index_bench.json"
SYNTH_TARGET_S = 180.0
SYNTH_TARGET_ARTICLES = 2000
SCALE_TARGET_P50_MS = 30.0
SEED = 1234
INDEXED_AT = "2024-05-01T00:00:00+00:00"

# Varied questions: factual, numeric, names, paraphrases, short keyword queries, off-topic.
QUERIES: tuple[str, ...] = (
    "How many French troops did Niger's post-coup government expel?",
    "Which international airport is Airbase 101 close to?",
    "Which US officials expressed concerns about Russian military presence in Niger in March?",
    "In which month did the US officially label the takeover in Niger a coup?",
    "What concerns were raised in Chad about foreign forces?",
    "What does the next US delegation to Niger aim to obtain?",
    "How did the senior U.S. defense official describe the situation at the base?",
    "Since what year has Airbase 201 been used for armed drone operations?",
    "What have supporters of the coup been doing in the streets?",
    "How many successful coups has the region seen in the past three years?",
    "Which air base have Russian forces entered while US troops are still there?",
    "What did Lloyd Austin say about where the Russian forces are located?",
    "When did the military coup in Niger take place?",
    "In which city are most of the US forces in Niger stationed?",
    "Which news agency reported that Russian troops entered the air base?",
    "Besides Niger, which African country pushed US troops to withdraw?",
    "What facility are the Russian soldiers using at the Niamey base?",
    "What role do the Russian troops sent to Niger have?",
    "Which Russian private military group is mentioned?",
    "How many US troops were in Niger when the junta ordered them out?",
    "How many Russian troops have been deployed to Niger?",
    "How much did Air Base 201 cost to build?",
    "How long has the war in Ukraine been going on?",
    "Who is the leader of Niger's military junta?",
    "On what date will the US complete its withdrawal from Niger?",
    "Which model of air defense system did Russia send?",
    "What did the Nigerien embassy in Washington say?",
    "Who headed the government that the soldiers toppled last summer, and what became of him?",
    "Why do the country's rulers in uniform prefer Moscow's help to Washington's?",
    "Roughly what distance separates the capital from the city hosting most American troops?",
    "Which militant faction have American drones been hitting from the north-central city?",
    "Who spoke for the Kremlin about the deployment?",
    "Once the pull-out is done, where will the departing American personnel go?",
    "What did the formal coup designation mean for US assistance to Niamey?",
    "Agadez drone base",
    "Mohamed Bazoum hostage",
    "Wagner Group Sahel",
    "1,100 US soldiers",
    "counterterrorism foothold West Africa",
    "Celeste Wallander Michael Langley",
    "Dmitry Peskov Africa relations",
    "Russian instructors air defense equipment",
    "Islamic State insurgents",
    "end of the military cooperation accord 2014",
    "Is there any mention of Burkina Faso or Mali?",
    "What is the weather like in Paris today?",
    "Tell me about the Chadian elections",
    "Did the Pentagon confirm the number of Russian troops?",
    "Are Russian and American soldiers mixing at the base?",
    "Where are the troops supposed to go after leaving Niger?",
)


# ---------------------------------------------------------------------------------------
# Measurement helpers
# ---------------------------------------------------------------------------------------
class PeakRSS:
    """Samples this process's RSS in a thread; ``peak_mb`` is the highest value seen.

    It also samples the 1-minute load average: above the core count, other processes were
    competing for the CPU and every timing of the stage is inflated.
    """

    def __init__(self, interval_s: float = 0.02) -> None:
        self.interval_s = interval_s
        self.proc = psutil.Process()
        self.peak = 0
        self.loads: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            self.loads.append(os.getloadavg()[0])
            self._stop.wait(self.interval_s)

    def __enter__(self) -> PeakRSS:
        self.peak = self.proc.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def peak_mb(self) -> float:
        return round(self.peak / 2**20, 1)

    @property
    def mean_load(self) -> float:
        return round(statistics.fmean(self.loads), 2) if self.loads else os.getloadavg()[0]


def maxrss_mb() -> float:
    """Process high-water mark (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Stages:
    """Temporarily wraps library callables to add up the wall time spent in each."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list[tuple[Any, str, Any, bool]] = []

    def wrap(self, owner: Any, attr: str, label: str) -> None:
        if not hasattr(owner, attr):  # the library moved on: time what still exists
            print(f"  (note: {getattr(owner, '__name__', type(owner).__name__)}.{attr} not found; not timed)")
            return
        had_own = attr in vars(owner)
        original = vars(owner)[attr] if had_own else getattr(owner, attr)
        func = getattr(owner, attr)
        is_class = isinstance(owner, type)
        static = isinstance(original, staticmethod)  # called without self: wrap it as one
        target = original.__func__ if static else (original if is_class else func)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return target(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.calls[label] += 1

        setattr(owner, attr, staticmethod(timed) if static else timed)
        self._undo.append((owner, attr, original, had_own))

    def restore(self) -> None:
        for owner, attr, original, had_own in reversed(self._undo):
            if had_own:
                setattr(owner, attr, original)
            else:
                delattr(owner, attr)
        self._undo.clear()

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def pct(values: list[float], q: float) -> float:
    """Percentile with linear interpolation (q in 0..100)."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class Report:
    """Prints ``label: value`` lines and keeps them for the JSON file."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}

    def put(self, mode: str, key: str, value: Any, unit: str = "") -> None:
        self.data.setdefault(mode, {})[key] = value
        shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
        print(f"{mode}.{key}: {shown}{(' ' + unit) if unit else ''}", flush=True)


# ---------------------------------------------------------------------------------------
# Settings and machine
# ---------------------------------------------------------------------------------------
def make_settings(store_dir: Path, corpus_dir: Path) -> Any:
    from rag.settings import ChromaSettings, CorpusSettings, Settings, StoreSettings

    # Embedded Chroma always (an RAG_CHROMA_HOST in the environment must not redirect the bench).
    return Settings(
        store=StoreSettings(dir=store_dir),
        corpus=CorpusSettings(dir=corpus_dir),
        chroma=ChromaSettings(host=None),
    )


def machine_info() -> dict[str, Any]:
    from bench.machine import machine

    here = machine()

    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "cpu": here.cpu,
        "simd": " ".join(here.simd),
        "cores": here.cores,
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "torch": version("torch"),
        "onnxruntime": version("onnxruntime"),
        "chromadb": version("chromadb"),
        "bm25s": version("bm25s"),
    }


def embedding_backend(embedder: Any) -> str:
    """Which runtime the Embedder really uses (the library falls back to torch when ONNX is unusable)."""
    encoder = getattr(embedder, "encoder", None)
    if callable(encoder):
        return "onnx" if encoder() is not None else "torch"
    return "torch"


def warm_embedder(report: Report, mode: str, embedder: Any) -> None:
    """Load the model (and torch) before anything is timed, then probe its raw throughput.

    The probe embeds 32 windows of 180 words of the bundled corpus (the indexer's chunk
    size): on a shared machine it shows how much CPU the model actually got in this run.
    """
    start = time.perf_counter()
    embedder.embed(["warm up the embedding model"])
    report.put(mode, "model_load_s", round(time.perf_counter() - start, 3), "s (not part of any timing below)")
    report.put(mode, "embedding_backend", embedding_backend(embedder))
    report.put(mode, "embedding_batch_size", embedder.settings.batch_size)
    words = " ".join(p.read_text("utf-8") for p in sorted(CORPUS.glob("*.txt"))).split()
    windows = [" ".join(words[i : i + 180]) for i in range(0, max(1, len(words) - 180), 60)][:32]
    start = time.perf_counter()
    embedder.embed(windows)
    rate = len(windows) / (time.perf_counter() - start)
    report.put(mode, "embed_probe_chunks_per_s", round(rate, 1), "chunks/s (model alone, 180-word windows)")


# ---------------------------------------------------------------------------------------
# Indexing and searching through the Assistant
# ---------------------------------------------------------------------------------------
def wrap_index_stages(stages: Stages, embedder: Any) -> None:
    import index.indexing as indexing
    from rag import bm25
    from rag.store import Store

    stages.wrap(indexing, "load_corpus", "load_files")
    stages.wrap(indexing, "chunk_article", "chunking")
    stages.wrap(embedder, "embed", "embedding")
    stages.wrap(Store, "add_chunks", "chroma_add_chunks")
    stages.wrap(Store, "manifest", "store_manifest")
    stages.wrap(bm25, "build", "bm25_build")


def index_and_report(report: Report, mode: str, assistant: Any, corpus_dir: Path, n_files: int) -> float:
    stages = Stages()
    wrap_index_stages(stages, assistant.embedder)
    t0 = time.perf_counter()
    last = [t0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if total and (done == total or now - last[0] > 30):
            last[0] = now
            print(f"  ... embedded {done:,}/{total:,} chunks at {now - t0:.0f} s", flush=True)

    try:
        with PeakRSS() as rss:
            cpu0 = cpu_seconds()
            start = time.perf_counter()
            summary = assistant.index(corpus_dir, progress=progress)
            seconds = time.perf_counter() - start
            cpu = cpu_seconds() - cpu0
    finally:
        stages.restore()
    chunks = summary.chunks_embedded
    report.put(mode, "ner_seconds", summary.ner_seconds, "s (spaCy NER inside indexing)")
    report.put(mode, "ner_share", round(summary.ner_seconds / seconds, 3) if seconds else None)
    report.put(mode, "files", n_files)
    report.put(mode, "files_indexed", len(summary.added) + len(summary.updated))
    report.put(mode, "chunks", chunks)
    report.put(mode, "embedding_precision", summary.embedding_precision, "(as the indexer reported it)")
    unique = len({doc for _, _, doc in assistant.store.iter_records(["documents"])})
    report.put(mode, "unique_chunk_texts", unique)
    report.put(mode, "duplicates_reused", summary.duplicates_reused, "(chunks whose identical text was embedded once)")
    report.put(mode, "index_seconds", round(seconds, 3), "s")
    report.put(mode, "files_per_s", round(n_files / seconds, 2), "files/s")
    report.put(mode, "chunks_per_s", round(chunks / seconds, 2), "chunks/s")
    accounted = 0.0
    for label, secs in sorted(stages.seconds.items(), key=lambda kv: -kv[1]):
        accounted += secs
        report.put(mode, f"index_stage.{label}_s", round(secs, 3), f"s ({100 * secs / seconds:.1f}%)")
    other = seconds - accounted
    report.put(mode, "index_stage.other_s", round(other, 3), f"s ({100 * other / seconds:.1f}%)")
    report.put(mode, "index_peak_rss_mb", rss.peak_mb, "MB")
    report.put(mode, "index_mean_loadavg_1min", rss.mean_load, f"(machine has {os.cpu_count()} cores)")
    report.put(mode, "index_cpu_seconds", round(cpu, 1), f"s (process CPU; {cpu / seconds:.2f} cores busy on average)")
    embed_s = stages.seconds.get("embedding", 0.0)
    if embed_s:
        texts = chunks - summary.duplicates_reused
        report.put(mode, "embedding_texts_per_s", round(texts / embed_s, 2), "texts/s (embedding stage alone)")
    return seconds


def wrap_search_stages(stages: Stages) -> None:
    from rag import bm25, relevance_ranking
    from rag.retrieving import Retriever
    from rag.store import Store

    stages.wrap(Store, "query", "vector_query")
    stages.wrap(bm25, "search", "bm25_search")
    stages.wrap(Retriever, "bm25", "bm25_generation_check")
    stages.wrap(Retriever, "_with_vectors", "chunk_vectors_get")
    stages.wrap(relevance_ranking, "feature_matrix", "rerank")
    stages.wrap(Retriever, "_diversify", "mmr_diversify")


def search_and_report(
    report: Report, mode: str, assistant: Any, repeat: int, k: int = 5, window: Any = None, prefix: str = "search"
) -> float:
    """Cold (first) and warm latencies of Assistant.search over QUERIES; returns warm p50 in ms.

    ``window`` (a DateWindow) searches within dates; figures are then reported under ``prefix``."""
    with PeakRSS() as rss:
        start = time.perf_counter()
        assistant.search("warm-up: open the store, load BM25 and the retriever", k=k)
        report.put(mode, f"{prefix}_first_call_ms", ms(time.perf_counter() - start), "ms (opens retriever, loads BM25)")

        cold: list[float] = []
        for query in QUERIES:
            start = time.perf_counter()
            assistant.search(query, k=k, window=window)
            cold.append(time.perf_counter() - start)

        stages = Stages()
        wrap_search_stages(stages)
        warm: list[float] = []
        try:
            for _ in range(repeat):
                for query in QUERIES:
                    start = time.perf_counter()
                    hits = assistant.search(query, k=k, window=window)
                    warm.append(time.perf_counter() - start)
                    assert len(hits) <= k
        finally:
            stages.restore()

    n = len(warm)
    report.put(mode, f"{prefix}_queries", len(QUERIES))
    report.put(
        mode, f"{prefix}_cold_p50_ms", ms(pct(cold, 50)), "ms (first run of each query: embeds query + sentences)"
    )
    report.put(mode, f"{prefix}_cold_p95_ms", ms(pct(cold, 95)), "ms")
    report.put(mode, f"{prefix}_warm_samples", n)
    report.put(mode, f"{prefix}_warm_p50_ms", ms(pct(warm, 50)), "ms")
    report.put(mode, f"{prefix}_warm_p95_ms", ms(pct(warm, 95)), "ms")
    report.put(mode, f"{prefix}_warm_mean_ms", ms(statistics.fmean(warm)), "ms")
    accounted = 0.0
    for label, secs in sorted(stages.seconds.items(), key=lambda kv: -kv[1]):
        accounted += secs
        calls = stages.calls[label] / n
        report.put(mode, f"{prefix}_stage_mean.{label}_ms", ms(secs / n), f"ms/query ({calls:.2f} calls/query)")
    other = sum(warm) - accounted
    report.put(mode, f"{prefix}_stage_mean.other_ms", ms(other / n), "ms/query (query embed cache, RRF, copies)")
    report.put(mode, f"{prefix}_peak_rss_mb", rss.peak_mb, "MB")
    report.put(mode, f"{prefix}_mean_loadavg_1min", rss.mean_load)
    return ms(pct(warm, 50))


# ---------------------------------------------------------------------------------------
# Mode: corpus
# ---------------------------------------------------------------------------------------
def run_corpus(report: Report, args: argparse.Namespace) -> None:
    from rag.assistant import Assistant

    mode = "corpus"
    n_files = sum(1 for p in CORPUS.iterdir() if p.is_file() and not p.name.startswith("."))
    with tempfile.TemporaryDirectory(prefix="rag-bench-corpus-") as tmp:
        settings = make_settings(Path(tmp) / "store", CORPUS)
        assistant = Assistant(settings)
        warm_embedder(report, mode, assistant.embedder)
        index_and_report(report, mode, assistant, CORPUS, n_files)
        search_and_report(report, mode, assistant, args.repeat)
        report.put(mode, "process_maxrss_mb", maxrss_mb(), "MB")


# ---------------------------------------------------------------------------------------
# Mode: synthetic
# ---------------------------------------------------------------------------------------
_BOILERPLATE = {"skip to content", "skip to main content", "menu", "advertisement", "share", "close"}


def bundled_articles() -> list[tuple[str, list[str]]]:
    """(title line, other paragraphs) of each bundled article."""
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines = [line.strip() for line in re.split(r"\n\s*\n|\n", path.read_text(encoding="utf-8"))]
        lines = [line for line in lines if line and line.lower() not in _BOILERPLATE]
        out.append((lines[0], lines[1:]))
    return out


def make_synthetic_corpus(folder: Path, n: int, seed: int) -> int:
    """Writes ``synth_00001.txt``..; returns the total bytes written."""
    rng = random.Random(seed)
    sources = bundled_articles()
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(1, n + 1):
        title, paragraphs = rng.choice(sources)
        body = paragraphs[:]
        rng.shuffle(body)
        text = "\n\n".join([title, *body]) + "\n"
        (folder / f"synth_{i:05d}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def run_synthetic(report: Report, args: argparse.Namespace) -> None:
    from rag.assistant import Assistant

    mode = "synthetic"
    n = args.articles
    with tempfile.TemporaryDirectory(prefix="rag-bench-synth-") as tmp:
        corpus_dir = Path(tmp) / "corpus"
        start = time.perf_counter()
        size = make_synthetic_corpus(corpus_dir, n, SEED)
        report.put(mode, "generate_seconds", round(time.perf_counter() - start, 3), "s")
        report.put(mode, "corpus_mb", round(size / 2**20, 2), "MB")
        if args.compare_entities:
            # The same run indexes once without NER first, so the ratio compares like with like.
            plain = make_settings(Path(tmp) / "store-plain", corpus_dir)
            plain.index.entities = False
            assistant = Assistant(plain)
            warm_embedder(report, mode + "_without_ner", assistant.embedder)
            without = index_and_report(report, mode + "_without_ner", assistant, corpus_dir, n)
        settings = make_settings(Path(tmp) / "store", corpus_dir)
        assistant = Assistant(settings)
        warm_embedder(report, mode, assistant.embedder)
        seconds = index_and_report(report, mode, assistant, corpus_dir, n)
        if args.compare_entities:
            report.put(mode, "with_ner_over_without", round(seconds / without, 3), "(target <= 1.5)")
        projected = seconds * SYNTH_TARGET_ARTICLES / n
        if n != SYNTH_TARGET_ARTICLES:
            report.put(mode, "projected_seconds_for_2000", round(projected, 1), "s (linear)")
        report.put(mode, "target_index_2000_under_180s_met", projected < SYNTH_TARGET_S)
        search_and_report(report, mode, assistant, args.repeat)
        report.put(mode, "process_maxrss_mb", maxrss_mb(), "MB")


# ---------------------------------------------------------------------------------------
# Mode: scale
# ---------------------------------------------------------------------------------------
def corpus_vocabulary() -> tuple[list[str], np.ndarray, list[str]]:
    """Words of the bundled corpus with their frequencies (as probabilities), and its titles."""
    counts: Counter[str] = Counter()
    for path in sorted(CORPUS.glob("*.txt")):
        counts.update(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’,.-]*[A-Za-z0-9]|[A-Za-z0-9]", path.read_text("utf-8")))
    words = sorted(counts)
    freq = np.array([counts[w] for w in words], dtype=np.float64)
    return words, freq / freq.sum(), [title for title, _ in bundled_articles()]


def synthetic_chunks(n: int, seed: int, chunks_per_file: int = 4) -> Iterator[Any]:
    """Chunk records shaped like the indexer's, with ~150-word sentences-of-corpus-words text."""
    from rag.models import Chunk

    rng = np.random.default_rng(seed)
    words, probs, titles = corpus_vocabulary()
    word_arr = np.array(words, dtype=object)
    bylines = [None, "Jane Doe", "Ahmed Sow", None, "Reuters Staff"]
    first_day = date(2022, 1, 1)  # three files in four dated, spread over two years; one in four undated
    n_files = (n + chunks_per_file - 1) // chunks_per_file
    made = 0
    for f in range(n_files):
        rel = f"scale/synth_{f:06d}.txt"
        chash = hashlib.sha256(rel.encode()).hexdigest()
        key = hashlib.sha1(rel.encode()).hexdigest()[:10]
        title = f"{titles[f % len(titles)]} ({f})"
        n_here = min(chunks_per_file, n - made)
        offset, line = len(title) + 2, 3
        for i in range(n_here):
            n_words = int(rng.integers(130, 171))
            picks = word_arr[rng.choice(len(words), size=n_words, p=probs)]
            sentences, pos = [], 0
            while pos < n_words:
                length = int(rng.integers(12, 26))
                sent = list(picks[pos : pos + length])
                sent[0] = sent[0][:1].upper() + sent[0][1:]
                sentences.append(" ".join(sent).rstrip(",.") + ".")
                pos += length
            text = " ".join(sentences)
            n_lines = max(1, len(sentences) // 3)
            yield Chunk(
                id=f"{key}-{chash[:12]}-{i:05d}",
                text=text,
                file=Path(rel).name,
                path=rel,
                title=title,
                start_char=offset,
                end_char=offset + len(text),
                start_line=line,
                end_line=line + n_lines - 1,
                content_hash=chash,
                chunk_index=i,
                n_chunks=n_here,
                byline=bylines[f % len(bylines)],
                published=None if f % 4 == 0 else (first_day + timedelta(days=f % 730)).isoformat(),
            )
            offset += len(text) - 120  # overlapping chunks, like the splitter's
            line += n_lines
            made += 1


def random_unit_vectors(rng: np.random.Generator, n: int, dim: int = 384) -> np.ndarray:
    vecs = rng.standard_normal((n, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs


def run_scale(report: Report, args: argparse.Namespace) -> None:
    from rag import bm25
    from rag.assistant import Assistant
    from rag.store import Store

    mode = "scale"
    n, batch = args.chunks, 5000
    rng = np.random.default_rng(SEED)
    with tempfile.TemporaryDirectory(prefix="rag-bench-scale-") as tmp:
        settings = make_settings(Path(tmp) / "store", CORPUS)
        assistant = Assistant(settings)
        store = Store(settings, create=True)
        store.stamp(model=assistant.embedder.model_id, dim=384)

        gen_s = add_s = 0.0
        with PeakRSS() as rss:
            load_start = time.perf_counter()
            chunks_iter = synthetic_chunks(n, SEED)
            done = 0
            while done < n:
                t0 = time.perf_counter()
                part = [next(chunks_iter) for _ in range(min(batch, n - done))]
                vectors = random_unit_vectors(rng, len(part))
                t1 = time.perf_counter()
                store.add_chunks(part, vectors, INDEXED_AT)
                t2 = time.perf_counter()
                gen_s, add_s = gen_s + t1 - t0, add_s + t2 - t1
                done += len(part)
                if done % 25000 == 0 or done == n:
                    print(f"  ... loaded {done:,} chunks in {t2 - load_start:.1f} s", flush=True)
            load_s = time.perf_counter() - load_start
        report.put(mode, "chunks", store.count())
        report.put(mode, "load_seconds", round(load_s, 2), "s (generation + Store.add_chunks)")
        report.put(mode, "load_generate_seconds", round(gen_s, 2), "s (synthetic text + vectors, bench side)")
        report.put(mode, "load_add_chunks_seconds", round(add_s, 2), "s (Store.add_chunks: nodes + Chroma add)")
        report.put(mode, "load_chunks_per_s", round(n / add_s, 1), "chunks/s (Store.add_chunks only)")
        report.put(mode, "load_peak_rss_mb", rss.peak_mb, "MB")
        report.put(mode, "load_mean_loadavg_1min", rss.mean_load)

        stages = Stages()
        stages.wrap(bm25, "_nodes", "read_store_to_nodes")
        with PeakRSS() as rss:
            start = time.perf_counter()
            bm25.build(store, store.generation)
            bm25_s = time.perf_counter() - start
        stages.restore()
        read_s = stages.seconds["read_store_to_nodes"]
        report.put(mode, "bm25_build_seconds", round(bm25_s, 2), "s")
        report.put(mode, "bm25_build_read_store_seconds", round(read_s, 2), "s (of which: reading chunks back)")
        report.put(mode, "bm25_build_peak_rss_mb", rss.peak_mb, "MB")
        bm25_dir = settings.store.dir / "bm25"
        bm25_bytes = sum(p.stat().st_size for p in bm25_dir.rglob("*") if p.is_file())
        store_bytes = sum(p.stat().st_size for p in (settings.store.dir / "chroma").rglob("*") if p.is_file())
        report.put(mode, "bm25_disk_mb", round(bm25_bytes / 2**20, 1), "MB")
        report.put(mode, "chroma_disk_mb", round(store_bytes / 2**20, 1), "MB")

        warm_embedder(report, mode, assistant.embedder)
        p50 = search_and_report(report, mode, assistant, args.repeat)
        report.put(mode, "target_search_p50_under_30ms_met", p50 < SCALE_TARGET_P50_MS)
        # Within dates: as of mid-2023, only a quarter of a year (about an eighth of the dated chunks).
        from rag.models import DateWindow

        window = DateWindow(as_of=date(2023, 6, 30), since=date(2022, 10, 1), until=date(2022, 12, 31))
        report.put(mode, "search_window", f"as of {window.as_of}, {window.since} to {window.until}")
        p50 = search_and_report(report, mode, assistant, args.repeat, window=window, prefix="search_window")
        report.put(mode, "target_search_window_p50_under_30ms_met", p50 < SCALE_TARGET_P50_MS)

        # Pure vector query with random vectors: through Store.query and raw Chroma.
        k = settings.retrieval.candidates
        qvecs = random_unit_vectors(np.random.default_rng(SEED + 1), 20 + 100)
        for vec in qvecs[:20]:
            store.query(vec.tolist(), k)
        store_times, raw_times = [], []
        for vec in qvecs[20:]:
            as_list = vec.tolist()
            start = time.perf_counter()
            store.query(as_list, k)
            store_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            store.collection.query(query_embeddings=[as_list], n_results=k)
            raw_times.append(time.perf_counter() - start)
        report.put(mode, "vector_query_k", k)
        report.put(mode, "store_query_p50_ms", ms(pct(store_times, 50)), "ms (Store.query, random vector)")
        report.put(mode, "store_query_p95_ms", ms(pct(store_times, 95)), "ms")
        report.put(mode, "chroma_query_p50_ms", ms(pct(raw_times, 50)), "ms (collection.query, same vectors)")
        report.put(mode, "chroma_query_p95_ms", ms(pct(raw_times, 95)), "ms")
        count_times = []
        for _ in range(50):
            start = time.perf_counter()
            store.count()
            count_times.append(time.perf_counter() - start)
        report.put(mode, "store_count_p50_ms", ms(pct(count_times, 50)), "ms (called inside every Store.query)")
        report.put(mode, "process_maxrss_mb", maxrss_mb(), "MB")


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------
# Mode: formats (extraction only)
# ---------------------------------------------------------------------------------------
def make_pdf(path: Path, pages: int, seed: int) -> None:
    """A text PDF: each page holds a title line and four paragraphs of the bundled articles."""
    from fpdf import FPDF

    rng = random.Random(seed)
    paragraphs = [p for _, body in bundled_articles() for p in body if len(p) > 80]
    pdf = FPDF()
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("Helvetica", size=9)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 5, f"Report page {n}", new_x="LMARGIN", new_y="NEXT")
        for paragraph in rng.sample(paragraphs, 4):
            text = paragraph.encode("latin-1", "replace").decode("latin-1")[:900]
            pdf.multi_cell(0, 4.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    path.write_bytes(bytes(pdf.output()))


def news_pages(n: int, seed: int) -> list[str]:
    """Saved news pages: the article (title + shuffled paragraphs) inside typical page furniture."""
    from html import escape

    rng = random.Random(seed)
    sources = bundled_articles()
    pages = []
    for i in range(n):
        title, body = rng.choice(sources)
        body = body[:]
        rng.shuffle(body)
        article = "".join(f"<p>{escape(p)}</p>" for p in body)
        pages.append(
            f"<html><head><title>{escape(title)} | Daily</title><meta name='author' content='Staff {i}'>"
            "<meta property='article:published_time' content='2024-05-01'></head><body>"
            "<nav>" + "".join(f"<a href='/s{k}'>Section {k}</a>" for k in range(12)) + "</nav>"
            "<div class='ad'>Advertisement: subscribe today for half price</div>"
            f"<article><h1>{escape(title)}</h1>{article}</article>"
            "<section class='comments'>" + "".join(f"<p>Comment {k}: great read!</p>" for k in range(5)) + "</section>"
            "<footer>All rights reserved. Privacy. Cookies. Contact.</footer></body></html>"
        )
    return pages


def run_formats(report: Report, args: argparse.Namespace) -> None:
    from index import formats
    from rag.settings import CorpusSettings

    mode = "formats"
    limits = CorpusSettings(pdf_max_pages=max(args.pages, 1))
    with tempfile.TemporaryDirectory(prefix="rag-bench-formats-") as tmp:
        pdf = Path(tmp) / "report.pdf"
        make_pdf(pdf, args.pages, SEED)
        data = pdf.read_bytes()
        report.put(mode, "pdf_mb", round(len(data) / 2**20, 2), "MB")
        start = time.perf_counter()
        found = formats.read_pdf(data, limits)
        seconds = time.perf_counter() - start
    report.put(mode, "pdf_pages", len(found.pages or []))
    report.put(mode, "pdf_seconds", round(seconds, 3), "s")
    report.put(mode, "pdf_pages_per_s", round(len(found.pages or []) / seconds, 1), "pages/s (pypdf)")
    pages = news_pages(args.html, SEED)
    formats.read_html(pages[0], limits)  # trafilatura's first call loads its resources
    start = time.perf_counter()
    results = [formats.read_html(page, limits) for page in pages]
    seconds = time.perf_counter() - start
    report.put(mode, "html_articles", len(pages))
    report.put(mode, "html_seconds", round(seconds, 3), "s")
    report.put(mode, "html_articles_per_s", round(len(pages) / seconds, 1), "articles/s (trafilatura)")
    report.put(mode, "html_no_article_fallbacks", sum(r is None for r in results))
    leaked = sum(1 for r in results if r is not None and ("Advertisement" in r.text or "Comment 0" in r.text))
    report.put(mode, "html_boilerplate_leaks", leaked, "(pages whose text kept the ad or a comment)")


def save(report: Report, machine: dict[str, Any]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    try:
        existing = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        existing = {}
    for mode, figures in report.data.items():
        existing[mode] = {"measured_at": datetime.now(UTC).replace(microsecond=0).isoformat(), **figures}
    existing["machine"] = machine
    RESULTS.write_text(json.dumps(existing, indent=2, sort_keys=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("corpus", "synthetic", "scale", "formats", "all"), default="corpus")
    parser.add_argument("--articles", type=int, default=SYNTH_TARGET_ARTICLES, help="synthetic articles")
    parser.add_argument("--chunks", type=int, default=100_000, help="chunks for scale mode")
    parser.add_argument(
        "--compare-entities", action="store_true", help="synthetic: index once without NER too, report the ratio"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds over the queries")
    parser.add_argument("--pages", type=int, default=200, help="PDF pages for formats mode")
    parser.add_argument("--html", type=int, default=300, help="news pages for formats mode")
    args = parser.parse_args(argv)

    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    runners: dict[str, Callable[[Report, argparse.Namespace], None]] = {
        "corpus": run_corpus,
        "synthetic": run_synthetic,
        "scale": run_scale,
        "formats": run_formats,
    }
    modes = list(runners) if args.mode == "all" else [args.mode]
    report = Report()
    for mode in modes:
        # Other processes on the machine skew every figure: the load average and the share of
        # the cores this process got (CPU seconds / wall seconds) make that visible.
        report.put(mode, "loadavg_1min_start", round(os.getloadavg()[0], 2))
        start, cpu0 = time.perf_counter(), cpu_seconds()
        runners[mode](report, args)
        wall = time.perf_counter() - start
        report.put(mode, "mode_wall_seconds", round(wall, 1), "s")
        report.put(mode, "mode_cpu_seconds", round(cpu_seconds() - cpu0, 1), "s (process CPU, all threads)")
        report.put(mode, "loadavg_1min_end", round(os.getloadavg()[0], 2))
        save(report, machine_info())
    machine = machine_info()
    save(report, machine)
    print(
        f"machine: cpu={machine['cpu']} | simd={machine['simd']} | cores={machine['cores']} | "
        f"ram={machine['ram_gb']} GB | "
        f"python={machine['python']} | torch={machine['torch']} | onnxruntime={machine['onnxruntime']} | "
        f"chromadb={machine['chromadb']} | bm25s={machine['bm25s']}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
