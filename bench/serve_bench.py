"""One-shot `rag ask` latency with a `rag serve` running on the store, and without one.

Indexes the bundled corpus into a temporary store, starts ``rag serve`` on it (extractive
backend), then runs ``rag ask`` as a fresh process per question (the first turn of each seed
question, each new to the server) and prints wall-time p50/p95/max, the server's own answer
time, and what remains (process start, imports, HTTP, rendering). Then stops the server and
times a few cold in-process runs for comparison. Prints the CPU model and SIMD flags and the
load average before and after, and writes bench/results/serve_bench.json.

Target (issue 15): one-shot `rag ask` with a server running < 0.5 s.
Run: .venv/bin/python bench/serve_bench.py [--questions 20] [--cold 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import machine  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def questions(n: int) -> list[str]:
    items = [json.loads(line) for line in (ROOT / "evals" / "data" / "seed.jsonl").read_text().splitlines()]
    return [item["turns"][0]["question"] for item in items][:n]


def rag(*args: str) -> list[str]:
    return [sys.executable, "-m", "rag", *args]


CPU_TIMES: list[float] = []  # user + system CPU seconds of each timed process: what load inflates least


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_TIMES.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd[3:])} failed: {proc.stderr.strip()[-400:]}")
    return wall, proc.stdout


def summary(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(pct(ms, 95), 1), "max_ms": round(max(ms), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20, help="one-shot questions with the server running")
    parser.add_argument("--cold", type=int, default=2, help="cold in-process runs after the server stops")
    args = parser.parse_args()
    print(machine().line())
    qs = questions(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        # As a user runs it: bytecode cached (some sandboxes set PYTHONDONTWRITEBYTECODE, which recompiles every run)
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_") and k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"RAG_STORE_DIR": str(store), "RAG_ANSWER_BACKEND": "extractive", "PYTHONPATH": str(ROOT)}
        env |= {"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
        subprocess.run(rag("index"), env=env, cwd=ROOT, check=True, capture_output=True)
        log = Path(tmp) / "serve.log"
        with log.open("w") as errors:
            server = subprocess.Popen(rag("serve", "--port", "0"), env=env, cwd=ROOT, stderr=errors)
        try:
            deadline = time.time() + 300
            while not (store / "server.json").exists():
                if server.poll() is not None or time.time() > deadline:
                    raise SystemExit(f"rag serve did not start: {log.read_text()[-400:]}")
                time.sleep(0.1)
            timed(rag("ask", "Warm-up: which air base is mentioned?"), env)
            walls, served = [], []
            CPU_TIMES.clear()
            for q in qs:
                wall, out = timed(rag("ask", q, "--json"), env)
                walls.append(wall)
                served.append(json.loads(out)["timings_ms"]["total"] / 1000)
            client_cpu = list(CPU_TIMES)
            rendered = [timed(rag("ask", q), env)[0] for q in qs[:5]]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        cold = [timed(rag("ask", q), env)[0] for q in qs[: args.cold]]
    overhead = [w - s for w, s in zip(walls, served, strict=True)]
    result = {
        "cpu": machine().as_dict(),
        "python": platform.python_version(),
        "questions": len(qs),
        "with_server_json": summary(walls),
        "with_server_answer_time": summary(served),
        "with_server_client_overhead": summary(overhead),
        "with_server_client_cpu": summary(client_cpu),
        "with_server_rendered_first5": summary(rendered),
        "without_server_cold": summary(cold) if cold else None,
        "load_after": os.getloadavg(),
    }
    fmt = "p50 {p50_ms} ms, p95 {p95_ms} ms, max {max_ms} ms"
    print(f"one-shot `rag ask --json` with a server ({len(qs)} questions): {fmt.format(**result['with_server_json'])}")
    print(f"  of which the server's answer time: {fmt.format(**result['with_server_answer_time'])}")
    print(f"  the rest (process, imports, HTTP): {fmt.format(**result['with_server_client_overhead'])}")
    print(f"  CPU time of the `rag ask` process (user+sys): {fmt.format(**result['with_server_client_cpu'])}")
    print(f"one-shot `rag ask` rendered, first 5: {fmt.format(**result['with_server_rendered_first5'])}")
    if cold:
        print(f"without a server (cold, {len(cold)} runs): {fmt.format(**result['without_server_cold'])}")
    met = result["with_server_json"]["p50_ms"] < 500
    print(f"target p50 < 500 ms with a server: {'met' if met else 'NOT met'}; load average after: {os.getloadavg()}")
    out = ROOT / "bench" / "results" / "serve_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
