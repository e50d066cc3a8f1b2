"""Load and validate eval suites: the grounded seed set and external benchmarks in the realtimeqa format.

Seed items (evals/data/seed.jsonl) are conversations of 1-3 turns over the bundled corpus; every
answerable turn names its gold files and verbatim gold quotes, which are located in the files here
so retrieval and citations can be compared by character offsets.

An external benchmark is a folder with ``corpus.jsonl`` (``doc_id, title, body, ...``) and
``queries.jsonl`` (``qid, query, answer, evidence_doc_ids, choices, answer_index, ...``). Its texts
are never copied into the repository: ``materialise_corpus`` writes one ``<doc_id>.md`` per article
into a cache folder outside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rag.settings import BUNDLED_CORPUS, PROJECT_ROOT

SEED_PATH = Path(__file__).resolve().parent / "data" / "seed.jsonl"
REALTIMEQA_DIR = PROJECT_ROOT.parent / "shared" / "benchmarks" / "realtimeqa-news"

TYPES = ("single_source", "multi_source", "conflict", "unanswerable", "paraphrase", "followup", "adversarial")
_TURN_KEYS = {"question", "reference_answer", "facts", "answerable", "gold_files", "gold_quotes"}


class DatasetError(ValueError):
    """A suite file that does not have the expected shape; the message names the line and the field."""


@dataclass
class GoldQuote:
    file: str
    quote: str
    start: int = -1  # character offsets of the quote in its file; -1 when not located
    end: int = -1


@dataclass
class Turn:
    question: str
    reference_answer: str
    facts: list[str]
    answerable: bool
    gold_files: list[str]
    gold_quotes: list[GoldQuote]


@dataclass
class SeedItem:
    id: str
    type: str
    turns: list[Turn]
    notes: str | None = None


def load_seed(path: Path = SEED_PATH, corpus_dir: Path = BUNDLED_CORPUS, locate: bool = True) -> list[SeedItem]:
    """Parse and validate every line; with ``locate`` each gold quote gets its offsets in its file."""
    items: list[SeedItem] = []
    seen: set[str] = set()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{n}: not JSON ({exc.msg})") from exc
        items.append(_seed_item(raw, f"{path}:{n}"))
        if items[-1].id in seen:
            raise DatasetError(f"{path}:{n}: duplicate id {items[-1].id}")
        seen.add(items[-1].id)
    if locate:
        locate_quotes(items, corpus_dir)
    return items


def _seed_item(raw: Any, where: str) -> SeedItem:
    if not isinstance(raw, dict) or not {"id", "type", "turns"} <= set(raw):
        raise DatasetError(f"{where}: an item needs id, type and turns")
    if raw["type"] not in TYPES:
        raise DatasetError(f"{where}: unknown type {raw['type']!r}")
    if not isinstance(raw["turns"], list) or not raw["turns"]:
        raise DatasetError(f"{where}: turns must be a non-empty list")
    turns = []
    for i, t in enumerate(raw["turns"]):
        if not isinstance(t, dict) or set(t) != _TURN_KEYS:
            raise DatasetError(f"{where}: turn {i} must have exactly the keys {sorted(_TURN_KEYS)}")
        if not isinstance(t["answerable"], bool) or not str(t["question"]).strip():
            raise DatasetError(f"{where}: turn {i} needs a question and a boolean answerable")
        quotes = [GoldQuote(q["file"], q["quote"]) for q in t["gold_quotes"]]
        turns.append(
            Turn(t["question"], t["reference_answer"], list(t["facts"]), t["answerable"], list(t["gold_files"]), quotes)
        )
    return SeedItem(str(raw["id"]), raw["type"], turns, raw.get("notes"))


def locate_quotes(items: list[SeedItem], corpus_dir: Path) -> None:
    """Set each gold quote's offsets in its file (the same decoded text the indexer chunks)."""
    texts: dict[str, str] = {}
    for item in items:
        for turn in item.turns:
            for q in turn.gold_quotes:
                if q.file not in texts:
                    path = corpus_dir / q.file
                    if not path.is_file():
                        raise DatasetError(f"{item.id}: gold file {q.file} is not in {corpus_dir}")
                    texts[q.file] = path.read_text(encoding="utf-8")
                q.start = texts[q.file].find(q.quote)
                if q.start < 0:
                    raise DatasetError(f"{item.id}: gold quote not found verbatim in {q.file}: {q.quote[:60]}…")
                q.end = q.start + len(q.quote)


def select(items: list[SeedItem], limit: int | None = None, ids: list[str] | None = None) -> list[SeedItem]:
    """``ids`` keeps those items (in file order); ``limit`` keeps the first N."""
    if ids:
        wanted = set(ids)
        missing = wanted - {i.id for i in items}
        if missing:
            raise DatasetError(f"unknown item ids: {', '.join(sorted(missing))}")
        items = [i for i in items if i.id in wanted]
    return items[:limit] if limit else items


# -- external benchmarks (realtimeqa format) -------------------------------------------------------


@dataclass
class BenchQuery:
    qid: str
    query: str
    answer: str
    evidence_doc_ids: list[str]
    choices: list[str] = field(default_factory=list)
    answer_index: list[int] = field(default_factory=list)
    question_type: str = ""
    evidence_facts: list[str] = field(default_factory=list)
    question_date: str | None = None


@dataclass
class BenchSuite:
    name: str
    folder: Path
    queries: list[BenchQuery]

    @property
    def corpus_path(self) -> Path:
        return self.folder / "corpus.jsonl"


def is_bench_folder(path: Path) -> bool:
    return path.is_dir() and (path / "corpus.jsonl").is_file() and (path / "queries.jsonl").is_file()


def load_bench(folder: Path, name: str | None = None) -> BenchSuite:
    folder = Path(folder)
    if not is_bench_folder(folder):
        raise DatasetError(f"{folder} is not a benchmark folder (it needs corpus.jsonl and queries.jsonl)")
    queries = []
    for n, line in enumerate((folder / "queries.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        raw = json.loads(line)
        missing = {"qid", "query", "answer", "evidence_doc_ids"} - set(raw)
        if missing:
            raise DatasetError(f"{folder / 'queries.jsonl'}:{n}: missing {', '.join(sorted(missing))}")
        index = raw.get("answer_index", [])
        queries.append(
            BenchQuery(
                qid=str(raw["qid"]),
                query=raw["query"],
                answer=str(raw["answer"]),
                evidence_doc_ids=list(raw["evidence_doc_ids"]),
                choices=list(raw.get("choices") or []),
                answer_index=[index] if isinstance(index, int) else list(index or []),
                question_type=raw.get("question_type", ""),
                evidence_facts=list(raw.get("evidence_facts") or []),
                question_date=raw.get("question_date"),
            )
        )
    queries.sort(key=lambda q: q.qid)
    return BenchSuite(name or folder.name, folder, queries)


def iter_bench_docs(corpus_path: Path):
    """(doc_id, title, body, meta) for every article; a malformed line raises with its number.

    ``meta`` holds the benchmark's ``published_at`` and ``source`` (outlet), those it gives."""
    with open(corpus_path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            raw = json.loads(line)
            if "doc_id" not in raw or "body" not in raw:
                raise DatasetError(f"{corpus_path}:{n}: an article needs doc_id and body")
            meta = {key: str(raw[key]).strip() for key in ("published_at", "source") if raw.get(key)}
            yield str(raw["doc_id"]), str(raw.get("title") or ""), str(raw["body"]), meta


def doc_text(title: str, body: str, meta: dict[str, str] | None = None) -> str:
    """The article file: YAML front matter with the benchmark's date and outlet (if any), then the title
    line, a blank line and the body.

    The front matter is metadata, not text: the loader reads it and blanks its lines, so the chunks hold
    the title and body alone while every chunk carries the date and outlet."""
    front = {
        key: value
        for key, value in (("date", (meta or {}).get("published_at")), ("source", (meta or {}).get("source")))
        if value
    }
    head = f"---\n{yaml.safe_dump(front, sort_keys=False, allow_unicode=True)}---\n" if front else ""
    text = f"{title.strip()}\n\n{body.strip()}\n" if title.strip() else f"{body.strip()}\n"
    return head + text


def doc_file(doc_id: str) -> str:
    """Markdown, so the loader reads the front matter."""
    return f"{doc_id}.md"


def materialise_corpus(corpus_path: Path, target: Path, doc_ids: set[str] | None = None) -> dict[str, int]:
    """Write ``<doc_id>.md`` per article into ``target`` (outside the repo); unchanged files are left alone.

    Files of articles no longer in the corpus are removed so the index mirrors it.
    Returns counts of written, unchanged and removed files.
    """
    target.mkdir(parents=True, exist_ok=True)
    counts = {"written": 0, "unchanged": 0, "removed": 0}
    keep: set[str] = set()
    for doc_id, title, body, meta in iter_bench_docs(corpus_path):
        if doc_ids is not None and doc_id not in doc_ids:
            continue
        name = doc_file(doc_id)
        keep.add(name)
        path = target / name
        text = doc_text(title, body, meta)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            counts["unchanged"] += 1
            continue
        path.write_text(text, encoding="utf-8")
        counts["written"] += 1
    for path in target.iterdir():
        if path.is_file() and path.suffix in (".txt", ".md") and path.name not in keep:
            path.unlink()
            counts["removed"] += 1
    return counts
