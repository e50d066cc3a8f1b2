"""Answer latency and memory of the extractive backend.

Prints, for the bundled corpus indexed into a temporary store:
- warm ``Assistant.ask`` latency p50/p95 (models loaded) over the first turn of every seed-set
  question, on a first pass (article sentences not yet embedded) and a second pass (cached);
- ``rag ask`` cold-start wall time: a fresh process (``python -m rag`` of this checkout, bf16 off)
  answering one question, median of 3 runs, with its CPU time and the import shares of one run
  traced with ``-X importtime`` (cumulative seconds per top-level package);
- peak RSS of the warm process and of a cold ``rag ask`` process.

Targets (issues 4 and 11): warm p50 < 300 ms at 17k chunks with questions never asked before, cold start
< 4 s, peak RSS < 1.5 GB. ``--store DIR --corpus DIR --bench DIR`` measures on an indexed store (the
RealTime QA cache of ``rag eval --suite realtimeqa --cache``: 1,709 articles, 17k chunks) with that
benchmark's questions, each asked as of its date as ``rag eval`` asks it; the default is the bundled corpus
indexed into a temporary store and the seed questions.
With ``--no-avx512`` the whole bench runs again in a child process with the AVX-512 code paths switched off
that torch, oneDNN and numpy let a process switch off (ONNX Runtime cannot): still an AVX-512 CPU, so only an
indication for one without.
Run: .venv/bin/python bench/answer_bench.py [--runs 3] [--no-avx512] [--store S --corpus C --bench B]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import machine  # noqa: E402
from evals.metrics import percentile  # noqa: E402 - the percentile evals report too (interpolated)
from rag.assistant import Assistant  # noqa: E402
from rag.settings import Settings  # noqa: E402

# Run-time switches that make libraries skip their AVX-512 kernels on an AVX-512 CPU. ONNX Runtime (the
# query embedder) has none: MLAS picks its kernels from CPUID, so its AVX-512 kernels still run.
NO_AVX512 = {
    "ATEN_CPU_CAPABILITY": "avx2",  # torch's own vectorised kernels
    "ONEDNN_MAX_CPU_ISA": "AVX2",  # oneDNN, which torch uses for matmuls
    # numpy's dispatched kernels: X86_V4 is its AVX-512 baseline group (numpy 2.4), the others its extras
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
}


def questions(bench: Path | None) -> list[tuple[str, str | None]]:
    """(question, as-of date): the first turn of every seed item, or every question of a benchmark folder."""
    if bench is not None:
        from evals.dataset import load_bench

        return [(q.query, q.question_date) for q in load_bench(bench).queries]
    items = [json.loads(line) for line in (ROOT / "evals" / "data" / "seed.jsonl").read_text().splitlines()]
    return [(item["turns"][0]["question"], None) for item in items]


def import_shares(trace: str, top: int = 12) -> dict[str, float]:
    """Cumulative import seconds per top-level package, from ``python -X importtime`` output."""
    totals: dict[str, float] = {}
    for line in trace.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].rstrip()
        if len(name) - len(name.lstrip()) == 3:  # a top-level import: "| " then one level of indent
            package = name.strip().split(".")[0]
            totals[package] = totals.get(package, 0.0) + int(parts[1]) / 1e6
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:top]
    return {name: round(seconds, 2) for name, seconds in ranked}


# A child forked from this (large) process counts the parent's pages in its own peak RSS until it execs, so
# RUSAGE_CHILDREN here would report this process's size: a small launcher process runs the command instead.
_LAUNCH = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_rss_of(cmd: list[str], env: dict[str, str]) -> float:
    """Peak RSS (MB) of one run of ``cmd``, measured by a launcher that holds nothing else."""
    out = subprocess.run([sys.executable, "-c", _LAUNCH, *cmd], env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold-start runs")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness of the cold rag ask processes (negative needs root: on a shared host, a share of the CPU "
        "closer to an unshared machine's; printed with the results)",
    )
    parser.add_argument(
        "--no-avx512",
        action="store_true",
        help="the whole bench (warm and cold) with the AVX-512 code paths switched off where the libraries allow "
        "it at run time (torch/ATen, oneDNN, numpy); ONNX Runtime has no such switch. This is an AVX-512 CPU "
        "with those paths disabled, not a machine without AVX-512.",
    )
    parser.add_argument("--store", type=Path, help="an indexed store to measure on (not re-indexed)")
    parser.add_argument("--corpus", type=Path, help="the corpus folder of --store")
    parser.add_argument("--bench", type=Path, help="a benchmark folder whose questions to ask (default: seed)")
    args = parser.parse_args()
    if args.no_avx512 and os.environ.get("ATEN_CPU_CAPABILITY") != NO_AVX512["ATEN_CPU_CAPABILITY"]:
        # The switches are read when torch and numpy load: run again in a process that has them from the start.
        sys.exit(subprocess.run([sys.executable, *sys.argv], env={**os.environ, **NO_AVX512}).returncode)
    if (args.store is None) != (args.corpus is None):
        parser.error("--store and --corpus go together")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings()
        settings.chroma.host = None
        if args.store is not None:
            settings.store.dir, settings.corpus.dir = args.store, args.corpus
            assistant = Assistant(settings)
        else:
            settings.store.dir = Path(tmp) / "store"
            assistant = Assistant(settings)
            assistant.index()
        qs = questions(args.bench)
        chunks = assistant.status().chunks

        def ask(question: str, as_of: str | None) -> None:
            window = assistant.user_window(as_of) if as_of else None
            assistant.ask(question, backend="extractive", window=window)

        # Warm-up on a question outside the measured set, so the first pass asks only questions never asked.
        ask("What happened this week?", None)
        passes = {}
        for name in ("first pass", "second pass"):
            times = []
            for q, as_of in qs:
                start = time.perf_counter()
                ask(q, as_of)
                times.append((time.perf_counter() - start) * 1000)
            passes[name] = times
        warm_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        env = {
            **os.environ,
            "RAG_STORE_DIR": str(settings.store.dir),
            "RAG_CORPUS_DIR": str(settings.corpus.dir),
            "RAG_ANSWER_BACKEND": "extractive",
            "RAG_EMBEDDING_BULK_PRECISION": "fp32",  # no bf16 path (a question never uses it anyway)
            "PYTHONPATH": str(ROOT),  # this checkout, not whatever `rag` is installed
        }
        question, as_of = qs[-1]
        ask = [sys.executable, "-m", "rag", "ask", question, *(["--as-of", as_of] if as_of else [])]
        if args.nice:
            ask = ["nice", "-n", str(args.nice), *ask]
        cold, cold_cpu = [], []
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(ask, env=env, check=True, capture_output=True)
            cold.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cold_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        cold_rss = peak_rss_of(ask, env)
        python_at = ask.index(sys.executable)
        traced_cmd = [*ask[: python_at + 1], "-X", "importtime", *ask[python_at + 1 :]]
        traced = subprocess.run(traced_cmd, env=env, capture_output=True, text=True)
        shares = import_shares(traced.stderr)
    results = {
        "store": str(settings.store.dir) if args.store else "bundled corpus, temporary store",
        "chunks": chunks,
        "questions": len(qs),
        "questions_from": str(args.bench) if args.bench else "seed (first turns)",
        **{f"warm_{k.replace(' ', '_')}_p50_ms": round(percentile(v, 50), 1) for k, v in passes.items()},
        **{f"warm_{k.replace(' ', '_')}_p95_ms": round(percentile(v, 95), 1) for k, v in passes.items()},
        "cold_start_median_s": round(statistics.median(cold), 2),
        "cold_start_runs_s": [round(c, 2) for c in cold],
        "cold_start_cpu_median_s": round(statistics.median(cold_cpu), 2),
        "cold_start_nice": args.nice,
        "avx512": "disabled where the libraries allow it (not ONNX Runtime)" if args.no_avx512 else "as the CPU offers",
        "cold_import_shares_s": shares,
        "loadavg_1min": os.getloadavg()[0],
        "warm_process_peak_rss_mb": round(warm_rss),
        "cold_process_peak_rss_mb": round(cold_rss),
        "embedding_backend": settings.embedding.backend,
        "machine": machine().as_dict(),
    }
    if args.no_avx512:
        print(
            "AVX-512 code paths disabled on an AVX-512 CPU for every figure below (torch, oneDNN, numpy; not ONNX "
            "Runtime)"
        )
    print(f"store: {results['store']}, {chunks} chunks; questions: {results['questions_from']}")
    for name, times in passes.items():
        p50, p95 = percentile(times, 50), percentile(times, 95)
        print(f"warm ask ({name}, {len(times)} questions): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    runs = results["cold_start_runs_s"]
    print(f"rag ask cold start: median {statistics.median(cold):.2f} s over {args.runs} runs {runs} (nice {args.nice})")
    print(f"rag ask cold start CPU time (user + system): median {statistics.median(cold_cpu):.2f} s")
    print("imports of a cold rag ask (cumulative s, by top-level package, one run with -X importtime):")
    for name, seconds in shares.items():
        print(f"  {name}: {seconds:.2f}")
    print(f"peak RSS: warm process {warm_rss:.0f} MB, cold rag ask {cold_rss:.0f} MB")
    print(f"1-min load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(machine().line())
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    name = "answer_bench" + ("_bench" if args.bench else "") + ("_no_avx512" if args.no_avx512 else "")
    (out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
