"""Table rows in a passage's text, read with their table's header.

The readers write a table one row to a line: a DOCX row as its cells joined by " | ", a web page's table
(trafilatura) and a Markdown table as "| a | b |" with a "|---|---|" rule under the header. A row alone
("Central | 18:00 | 20:00") says little; read with its header ("Library: Central; Old closing time: 18:00;
New closing time: 20:00.") it is a statement the answerer can rank and quote and the citation check can
verify, while its citation points at the row as the file writes it (``Row.start``/``Row.end``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rag.models import Entity
from rag.text import Sentence, content_terms, split_sentences, words
from rag.units import CURRENCY_UNITS, SCALED_CURRENCY_UNITS

_RULE_CELL = re.compile(r":?-+:?")  # a Markdown rule cell: "---", ":-:"
_LINE = re.compile(r"[^\n]*")

# Words that place a column or a question in the present or the past: general English, so "What time does the
# library close now?" reads the "New closing time" column, "… close before?" the "Old closing time" one.
_PRESENT = frozenset("now new current currently present today latest updated revised".split())
_PAST = frozenset("before old previous previously former formerly earlier original originally prior".split())


@dataclass(frozen=True)
class Row:
    """One data row of a table: where its line lies in the text, its cells' spans there, and its header."""

    start: int
    end: int
    cells: tuple[tuple[int, int], ...]
    header: tuple[str, ...]
    reading: str  # "Header: cell; Header: cell." - what the ranker, the embedder and the checker read
    at: tuple[int, ...]  # where each cell's text starts in ``reading`` (-1: an empty cell, left out)

    def entities(self, entities: Sequence[Entity], text_start: int = 0) -> list[Entity]:
        """``entities`` (offsets into the text, less ``text_start``) that lie inside one cell, as offsets into
        ``reading``."""
        out = []
        for e in entities:
            start, end = e.start + text_start, e.end + text_start
            for (a, b), at, name in zip(self.cells, self.at, self.header, strict=True):
                if at >= 0 and a <= start and end <= b:
                    label = "MONEY" if e.label == "CARDINAL" and _names_money(name) else e.label
                    out.append(Entity(start=at + start - a, end=at + end - a, label=label))
                    break
        return out

    def column_at(self, offset: int) -> int | None:
        """The column whose cell holds ``offset`` of ``reading``."""
        for i, ((a, b), at) in enumerate(zip(self.cells, self.at, strict=True)):
            if at >= 0 and at <= offset < at + b - a:
                return i
        return None


_MONEY_HEADER_WORDS = frozenset("million billion thousand m bn cost price budget fee value worth paid".split())


def _names_money(header: str) -> bool:
    """A column whose header gives its cells' currency ("Signed value (million marks)", "Cost ($m)"): its numbers
    are money."""
    lowered = header.lower()
    named = set(re.findall(r"[a-z]+", lowered))
    # "Games won", "Catch (pounds)", "Average marks": a currency name that is also a common word needs a scale or a
    # money word beside it ("(million marks)", "Fee (pounds)").
    money_words = _MONEY_HEADER_WORDS
    return any(c in lowered for c in "$€£¥") or bool(
        named & CURRENCY_UNITS or (named & SCALED_CURRENCY_UNITS and named & money_words)
    )


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The stripped cell spans of a line that is a table row (two cells or more), or None."""
    line = text[start:end]
    if "|" not in line:
        return None
    lo, hi = start + len(line) - len(line.lstrip()), start + len(line.rstrip())
    if text.startswith("|", lo):
        lo += 1
    if hi > lo and text[hi - 1] == "|":
        hi -= 1
    spans, pos = [], lo
    for part in text[lo:hi].split("|"):
        a = pos + len(part) - len(part.lstrip())
        spans.append((a, max(a, pos + len(part.rstrip()))))
        pos += len(part) + 1
    return spans if len(spans) >= 2 else None


def _is_rule(text: str, cells: list[tuple[int, int]]) -> bool:
    return all(_RULE_CELL.fullmatch(text[a:b]) for a, b in cells)


def _read(text: str, cells: Sequence[tuple[int, int]], header: Sequence[str]) -> tuple[str, tuple[int, ...]]:
    parts, at, pos = [], [], 0
    for (a, b), name in zip(cells, header, strict=True):
        value = text[a:b]
        if not value:
            at.append(-1)
            continue
        lead = f"{name}: " if name and name != value else ""
        at.append(pos + len(lead))
        parts.append(lead + value)
        pos += len(lead) + len(value) + 2  # "; "
    reading = "; ".join(parts)
    return (reading if reading.endswith((".", "!", "?")) else reading + "."), tuple(at)


@dataclass(frozen=True)
class Table:
    """A run of row lines: where it starts (its header line) and ends, its header and its data rows."""

    start: int
    end: int
    header: tuple[str, ...]
    rows: tuple[Row, ...]


def _runs(text: str) -> list[list[tuple[int, int, list[tuple[int, int]]]]]:
    """Runs of row lines with the same number of cells; blank lines may stand between them."""
    runs: list[list[tuple[int, int, list[tuple[int, int]]]]] = []
    current: list[tuple[int, int, list[tuple[int, int]]]] = []
    for match in _LINE.finditer(text):
        start, end = match.span()
        if not text[start:end].strip():
            continue
        cells = _cells(text, start, end)
        if current and (cells is None or len(cells) != len(current[0][2])):
            runs.append(current)
            current = []
        if cells is not None:
            current.append((start, end, cells))
    if current:
        runs.append(current)
    return runs


def tables(text: str, header_before: Sequence[str] | None = None) -> tuple[Table, ...]:
    """The tables in ``text``: runs of row lines (blank lines between them allowed), each headed by its first
    row. ``header_before`` is the header of a table the text starts inside (a passage cut from the middle of
    one, ``header_at``): a run with as many cells starting on the text's first or second line (the first may
    be the cut end of a row) continues that table, so all its rows are data rows."""
    return _tables(text, tuple(header_before) if header_before else None)


@lru_cache(maxsize=4096)
def _tables(text: str, header_before: tuple[str, ...] | None) -> tuple[Table, ...]:
    out: list[Table] = []
    for run in _runs(text):
        before = text[: run[0][0]].strip()
        continued = header_before is not None and len(header_before) == len(run[0][2]) and "\n" not in before
        if continued and not (len(run) > 1 and _is_rule(text, run[1][2])):
            header, body = tuple(header_before or ()), run
        elif len(run) > 1:
            header, body = tuple(text[a:b].rstrip(":").strip() for a, b in run[0][2]), run[1:]
        else:
            continue
        rows = []
        for start, end, cells in body:
            if _is_rule(text, cells):
                continue
            reading, at = _read(text, cells, header)
            line = text[start:end]
            lo, hi = start + len(line) - len(line.lstrip()), start + len(line.rstrip())
            rows.append(Row(lo, hi, tuple(cells), header, reading, at))
        if rows:
            out.append(Table(run[0][0], run[-1][1], header, tuple(rows)))
    return tuple(out)


def table_rows(text: str, header_before: Sequence[str] | None = None) -> list[Row]:
    """Every data row of the tables in ``text`` (see ``tables``), in order."""
    return [row for table in tables(text, header_before) for row in table.rows]


def row_at(text: str, start: int, end: int, header_before: Sequence[str] | None = None) -> Row | None:
    """The data row whose line is exactly ``text[start:end]``, if any."""
    return next((r for r in table_rows(text, header_before) if r.start == start and r.end == end), None)


def header_at(text: str, offset: int) -> tuple[str, ...] | None:
    """The header of the table that ``offset`` of ``text`` lies inside, when its header line is before
    ``offset``: what a passage of ``text`` starting there needs to read its first rows."""
    for table in tables(text):
        if table.start < offset < table.end:
            return table.header
    return None


def encode_header(header: Sequence[str] | None) -> str | None:
    """A header as chunk metadata stores it (cells hold no "|": it is what separated them)."""
    return " | ".join(header) if header else None


def decode_header(raw: object) -> tuple[str, ...] | None:
    return tuple(cell.strip() for cell in raw.split("|")) if isinstance(raw, str) and raw else None


def column_fit(header: str, question: str) -> int:
    """How well a column's header fits what the question asks: its content words the question holds, and one
    more when both place it in the present or both in the past ("close now" and "New closing time")."""
    asked = words(question)
    named = words(header)
    fit = len(content_terms(header) & content_terms(question))
    for side in (_PRESENT, _PAST):
        if side & set(asked) and side & set(named):
            fit += 1
    return fit


def sentences(text: str, header_before: Sequence[str] | None = None) -> list[tuple[Sentence, Row | None]]:
    """A passage's sentences with its tables read: each data row as one sentence, its reading spanning its line
    (``text[s.start:s.end]`` is the row as written), with the row; the sentences ``split_sentences`` gives
    outside the tables (whose header and rule lines say nothing alone), with None. Without tables, exactly
    ``split_sentences``."""
    found = tables(text, header_before)
    prose = split_sentences(text)
    if not found:
        return [(s, None) for s in prose]
    out: list[tuple[Sentence, Row | None]] = [
        (s, None) for s in prose if not any(s.start < t.end and t.start < s.end for t in found)
    ]
    out += [(Sentence(r.reading, r.start, r.end), r) for t in found for r in t.rows]
    return sorted(out, key=lambda pair: pair[0].start)
