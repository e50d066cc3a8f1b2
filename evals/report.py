"""Render a run: summary.json, a self-contained report.html (inline CSS and SVG, no external resources)
and the Rich tables printed at the end of ``rag eval``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from evals import metrics
from evals.results import BenchRow, BenchSummary, ComparisonRow, Row, SeedRow, SeedSummary, Summary

SEED_CHART = (
    "answer.accuracy",
    "answer.fact_recall",
    "retrieval.quote_recall@k",
    "citations.gold.precision",
    "citations.checker.recall",
)
BENCH_CHART = (
    "retrieval.hits@4",
    "retrieval.hits@10",
    "answer.contains_reference",
    "answer.mc_accuracy",
    "citations.gold_or_answer",
)
SEED_TYPE_COLUMNS = (
    "answer.accuracy",
    "answer.fact_recall",
    "retrieval.file_recall@k",
    "retrieval.quote_recall@k",
    "citations.checker.precision",
    "citations.checker.recall",
    "citations.gold.precision",
    "citations.gold.recall",
    "abstention.false_abstention_rate",
)
BENCH_TYPE_COLUMNS = (
    "retrieval.hits@4",
    "retrieval.hits@10",
    "retrieval.mrr@10",
    "retrieval.lenient@10",
    "answer.contains_reference",
    "answer.mc_accuracy",
    "citations.gold_or_answer",
    "abstention.rate",
)
SHORT = {
    "answer.accuracy": "acc",
    "answer.fact_recall": "facts",
    "retrieval.file_recall@k": "file R@k",
    "retrieval.quote_recall@k": "quote R@k",
    "citations.checker.precision": "chk P",
    "citations.checker.recall": "chk R",
    "citations.gold.precision": "gold P",
    "citations.gold.recall": "gold R",
    "abstention.false_abstention_rate": "false abst",
    "retrieval.hits@4": "H@4",
    "retrieval.hits@10": "H@10",
    "retrieval.mrr@10": "MRR@10",
    "retrieval.lenient@10": "lenient@10",
    "answer.contains_reference": "ans∋ref",
    "answer.mc_accuracy": "MC",
    "citations.gold_or_answer": "cit ok",
    "abstention.rate": "abst",
}
COLOURS = ("#3b6ea8", "#e08a2c", "#4a9b5e", "#b8473f", "#7d5ba6", "#8c6d4f")


def fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def write_summary(path: Path, summary: Summary) -> None:
    data = summary.model_dump(mode="json")
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def comparison_rows(summary: BenchSummary) -> list[ComparisonRow]:
    """Our figures beside the summary's published baselines, for the report and the table."""
    o = summary.overall
    ours = ComparisonRow(
        system="this assistant",
        mc_accuracy=o.get("answer.mc_accuracy"),
        contains_reference=o.get("answer.contains_reference"),
        hits_at_4=o.get("retrieval.hits@4"),
        hits_at_10=o.get("retrieval.hits@10"),
        mrr_at_10=o.get("retrieval.mrr@10"),
    )
    rows = [ours]
    if summary.baselines:
        rows += [ComparisonRow(**dict(b), note="authors' baseline") for b in summary.baselines.authors]
        rows += [ComparisonRow(**dict(b), note="naive retrieval (README)") for b in summary.baselines.naive_retrieval]
    return rows


# -- console -----------------------------------------------------------------------------------------


def _size(summary: Summary) -> str:
    if isinstance(summary, BenchSummary):
        return f"{summary.questions} questions"
    return f"{summary.items} items / {summary.turns} turns"


def _walls(summary: Summary) -> str:
    return ", ".join(f"{k} {v:.1f} s" for k, v in summary.wall_seconds.model_dump(exclude_none=True).items())


def print_summary(summary: Summary, console: Console) -> None:
    bench = isinstance(summary, BenchSummary)
    title = f"{summary.suite} · {summary.backend} · {_size(summary)} · k={summary.k}"
    table = Table("metric", "value", title=title, title_justify="left")
    for key, value in summary.overall.items():
        if key.startswith("latency."):
            continue
        table.add_row(key, fmt(value))
    console.print(table)

    columns = BENCH_TYPE_COLUMNS if bench else SEED_TYPE_COLUMNS
    by_type = Table("type", "n", *[SHORT.get(c, c) for c in columns], title="by question type", title_justify="left")
    for type_, vals in summary.by_type.items():
        by_type.add_row(type_, str(vals["turns"]), *[fmt(vals.get(c), 2) for c in columns])
    console.print(by_type)

    lat = Table("stage", "p50 ms", "p95 ms", title="latency", title_justify="left")
    for stage, vals in summary.latency_ms.items():
        lat.add_row(stage, fmt(vals.p50, 0), fmt(vals.p95, 0))
    console.print(lat)

    if isinstance(summary, BenchSummary):
        comp = Table("system", "MC acc", "answer contains ref", "Hits@4", "Hits@10", "MRR@10", title="vs. baselines")
        for row in comparison_rows(summary):
            comp.add_row(
                row.system,
                fmt(row.mc_accuracy),
                fmt(row.contains_reference),
                fmt(row.hits_at_4),
                fmt(row.hits_at_10),
                fmt(row.mrr_at_10),
            )
        console.print(comp)
        console.print(
            "[dim]Authors' rows are generation EM/F1 and MC accuracy from the README; ours is an extractive "
            f"answer scored by containment. Sample: {summary.sample}.[/]"
        )
    else:
        console.print(f"[dim]{summary.judges.checker}[/]")
        console.print(f"[dim]{summary.judges.gold}[/]")
    console.print(f"time: {_walls(summary)} · results in {summary.out_dir}")
    gate = summary.gate
    if gate.checks:
        failed = [c for c in gate.checks if not c.passed]
        if failed:
            console.print(f"[bold red]Gate FAILED[/] ({gate.thresholds_file}):")
            for c in failed:
                console.print(f"  [red]✗[/] {c.describe()}")
        else:
            console.print(f"[bold green]Gate passed[/]: {len(gate.checks)} thresholds met ({gate.thresholds_file})")
    elif gate.thresholds_file:
        console.print(f"[dim]No thresholds for suite {summary.suite} in {gate.thresholds_file}[/]")


# -- SVG charts --------------------------------------------------------------------------------------


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def bar_chart_by_type(by_type: dict[str, dict[str, Any]], keys: Sequence[str], width: int = 860) -> str:
    """Grouped bars (0..1): one group per question type, one bar per metric, with a legend."""
    types = list(by_type)
    if not types:
        return "<p>No data.</p>"
    left, top, bottom, legend_h = 40, 16, 56, 22 * ((len(keys) + 2) // 3)
    plot_h = 220
    height = top + plot_h + bottom + legend_h
    group_w = (width - left - 10) / len(types)
    bar_w = max(4.0, (group_w - 14) / len(keys))
    parts = [
        f'<svg role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
    for g, type_ in enumerate(types):
        x0 = left + g * group_w + 7
        for b, key in enumerate(keys):
            value = by_type[type_].get(key)
            x = x0 + b * bar_w
            if value is None:
                parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - 3}" text-anchor="middle">–</text>')
                continue
            h = plot_h * max(0.0, min(1.0, float(value)))
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[b % len(COLOURS)]}"><title>{_esc(type_)} · {_esc(key)}: {value:.3f}</title></rect>'
            )
        n = by_type[type_].get("turns", "")
        parts.append(
            f'<text x="{x0 + len(keys) * bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
            f"{_esc(type_)}</text>"
            f'<text x="{x0 + len(keys) * bar_w / 2:.1f}" y="{top + plot_h + 30}" text-anchor="middle" '
            f'fill="#666">n={_esc(n)}</text>'
        )
    for b, key in enumerate(keys):
        lx = left + (b % 3) * 270
        ly = top + plot_h + bottom + 22 * (b // 3)
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{COLOURS[b % len(COLOURS)]}"/>')
        parts.append(f'<text x="{lx + 18}" y="{ly}">{_esc(key)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(values: Sequence[float], label: str, width: int = 860, bins: int = 15) -> str:
    """Bins up to ten times the median; slower outliers (a cold first call) are counted in a last "≥" bin so they
    cannot squash the rest."""
    if not values:
        return "<p>No data.</p>"
    cap = 10 * (metrics.percentile(values, 50) or 0)
    outliers = [v for v in values if v > cap] if cap else []
    hist = metrics.histogram([v for v in values if v <= cap] if outliers else values, bins)
    if outliers:
        hist.append((cap, max(outliers), len(outliers)))
    left, top, bottom, plot_h = 40, 12, 46, 180
    height = top + plot_h + bottom
    peak = max(c for _, _, c in hist) or 1
    bar_w = (width - left - 10) / len(hist)
    parts = [
        f'<svg role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'
    ]
    for frac in (0, 0.5, 1.0):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{round(peak * frac)}</text>')
    for i, (lo, hi, count) in enumerate(hist):
        h = plot_h * count / peak
        x = left + i * bar_w
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
            f'fill="{COLOURS[0]}"><title>{lo:.0f}–{hi:.0f} ms: {count}</title></rect>'
        )
        if outliers and i == len(hist) - 1:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle">≥{lo:.0f}</text>')
        elif i % max(1, len(hist) // 8) == 0:
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{lo:.0f}</text>')
    parts.append(
        f'<text x="{width / 2:.0f}" y="{top + plot_h + 36}" text-anchor="middle" fill="#444">{_esc(label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


# -- HTML --------------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
td,th{border:1px solid #ddd;padding:4px 7px;vertical-align:top;text-align:left}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.fail{color:#b8473f;font-weight:bold}.pass{color:#2e7d32;font-weight:bold}
.note{color:#555;font-size:13px}.quote{color:#444;font-style:italic}.small{font-size:12px}
"""


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]], numeric_from: int = 1) -> str:
    out = ["<table><tr>", *[f"<th>{_esc(h)}</th>" for h in header], "</tr>"]
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            cls = ' class="num"' if i >= numeric_from else ""
            out.append(f"<td{cls}>{_esc(fmt(cell) if not isinstance(cell, str) else cell)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _citations_html(row: Row) -> str:
    items = [
        f"<li>[{c.n}] {_esc(c.path)}:{c.start_line}-{c.end_line} <span class='quote'>“{_esc(c.quote)}”</span></li>"
        for c in (row.response.citations if row.response else [])
    ]
    return f"<ul class='small'>{''.join(items)}</ul>" if items else "—"


def _gold_html(row: Row) -> str:
    parts = [f"<b>reference:</b> {_esc(row.reference_answer)}"]
    if isinstance(row, SeedRow) and row.facts:
        found = row.metrics.facts_found if row.metrics else {}
        facts = ", ".join(f"<span class='{'pass' if found.get(f) else 'fail'}'>{_esc(f)}</span>" for f in row.facts)
        parts.append(f"<b>facts:</b> {facts}")
    if isinstance(row, BenchRow) and row.choices:
        pick = row.metrics.mc_pick if row.metrics else None
        parts.append(
            "<b>choices:</b> "
            + "; ".join(
                f"{'✓' if i in row.answer_index else ''}{'→' if i == pick else ''}{_esc(c)}"
                for i, c in enumerate(row.choices)
            )
        )
    quotes = row.gold_quotes if isinstance(row, SeedRow) else []
    if quotes:
        parts.append(
            "<b>gold quotes:</b><ul class='small'>"
            + "".join(f"<li>{_esc(q.file)}: <span class='quote'>“{_esc(q.quote)}”</span></li>" for q in quotes)
            + "</ul>"
        )
    elif row.gold_files:
        parts.append("<b>gold files:</b> " + _esc(", ".join(row.gold_files)))
    elif isinstance(row, SeedRow) and not row.answerable:
        parts.append("<b>unanswerable</b>: the assistant should abstain")
    return "<br>".join(parts)


def write_html(path: Path, summary: Summary, rows: Sequence[Row]) -> None:
    title = f"Eval report: {summary.suite} ({summary.backend})"
    body = [f"<h1>{_esc(title)}</h1>"]
    size = (
        f"{summary.questions} questions ({summary.sample})"
        if isinstance(summary, BenchSummary)
        else f"{summary.items} items, {summary.turns} turns"
    )
    index = summary.index.model_dump() if summary.index else {}
    meta = [
        ("created", summary.created_at),
        ("backend / model", f"{summary.backend} / {summary.model or '—'}"),
        ("k (chunks read by the answerer)", summary.k),
        ("size", size),
        ("time (wall; process_cpu = CPU time of the eval process)", _walls(summary)),
        ("index", ", ".join(f"{k} {v}" for k, v in index.items())),
    ]
    body.append(_table(["", ""], [(k, str(v)) for k, v in meta], numeric_from=99))

    gate = summary.gate
    if gate.checks:
        state = "<span class='pass'>passed</span>" if gate.passed else "<span class='fail'>FAILED</span>"
        body.append(f"<h2>Gate: {state}</h2><p class='note'>{_esc(gate.thresholds_file)}</p>")
        body.append(
            _table(
                ["metric", "kind", "threshold", "value", "passed"],
                [(c.metric, c.kind, c.threshold, c.value, "yes" if c.passed else "NO") for c in gate.checks],
            )
        )

    body.append("<h2>Overall</h2>")
    body.append(
        _table(["metric", "value"], [(k, v) for k, v in summary.overall.items() if not k.startswith("latency.")])
    )
    if isinstance(summary, SeedSummary):
        body.append("<h3>Citation judges</h3><ul class='note'>")
        body.append(f"<li>{_esc(summary.judges.checker)}</li><li>{_esc(summary.judges.gold)}</li></ul>")
    body.append("<h3>Definitions</h3><ul class='note'>")
    body.extend(f"<li><b>{_esc(k)}</b>: {_esc(v)}</li>" for k, v in summary.definitions.items())
    body.append("</ul>")

    bench = isinstance(summary, BenchSummary)
    if isinstance(summary, BenchSummary) and summary.baselines:
        body.append("<h2>Compared with the benchmark's baselines</h2>")
        body.append(
            _table(
                [
                    "system",
                    "MC accuracy",
                    "answer contains ref.",
                    "Hits@4",
                    "Hits@10",
                    "MRR@10",
                    "gen EM",
                    "gen F1",
                    "",
                ],
                [
                    (
                        r.system,
                        r.mc_accuracy,
                        r.contains_reference,
                        r.hits_at_4,
                        r.hits_at_10,
                        r.mrr_at_10,
                        r.gen_em,
                        r.gen_f1,
                        r.note,
                    )
                    for r in comparison_rows(summary)
                ],
            )
        )
        body.append(
            "<p class='note'>Authors' baselines and the naive floor are copied from the benchmark README (dev split, "
            "136 questions). Their generation scores are exact match / F1 of a short generated answer; our "
            "extractive answer quotes whole sentences, so 'answer contains ref.' is the closest comparable figure. "
            "Gold-document Hits@k is a strict lower bound (incomplete relevance labels).</p>"
        )
        body.append(_table(["naive baseline (README)", "value"], list(summary.baselines.naive_other.items())))

    body.append("<h2>By question type</h2>")
    keys = BENCH_CHART if bench else SEED_CHART
    body.append(bar_chart_by_type(summary.by_type, keys))
    columns = BENCH_TYPE_COLUMNS if bench else SEED_TYPE_COLUMNS
    body.append(
        _table(
            ["type", "n", *columns],
            [(t, v["turns"], *[v.get(c) for c in columns]) for t, v in summary.by_type.items()],
        )
    )

    body.append("<h2>Latency</h2>")
    totals = [float(r.response.timings_ms["total"]) for r in rows if r.response and r.response.timings_ms.get("total")]
    body.append(histogram_svg(totals, "Answer.timings_ms.total per question (ms)"))
    body.append(
        _table(
            ["stage", "p50 ms", "p95 ms", "n"],
            [(s, fmt(v.p50, 1), fmt(v.p95, 1), str(v.n)) for s, v in summary.latency_ms.items()],
        )
    )

    failures = [r for r in rows if r.failure_reasons]
    body.append(f"<h2>Failures ({len(failures)} of {len(rows)})</h2>")
    if failures:
        out = [
            "<table><tr><th>id</th><th>type</th><th>question</th><th>answer</th><th>citations</th>"
            "<th>gold</th><th>why</th></tr>"
        ]
        for r in failures:
            question = _esc(r.question)
            standalone = r.response.standalone_question if r.response else ""
            if standalone and standalone != r.question:
                question += f"<br><span class='note'>standalone: {_esc(standalone)}</span>"
            answer = _esc((r.response.answer if r.response else "") or r.error or "")
            if r.abstained:
                answer = f"<i>(abstained)</i> {answer}"
            out.append(
                f"<tr><td>{_esc(r.id)}</td><td>{_esc(r.type)}</td><td>{question}</td>"
                f"<td>{answer}</td><td>{_citations_html(r)}</td><td>{_gold_html(r)}</td>"
                f"<td class='fail small'>{'<br>'.join(_esc(x) for x in r.failure_reasons)}</td></tr>"
            )
        out.append("</table>")
        body.append("".join(out))
    else:
        body.append("<p>None.</p>")

    doc = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )
    path.write_text(doc, encoding="utf-8")
