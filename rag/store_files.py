"""Checks of the embedded store's files on disk, readable without opening Chroma.

Chroma reports a damaged file as "Error executing plan" at query time. These checks name the
file instead: SQLite's own integrity check for ``chroma.sqlite3``, and for the HNSW segment
the sizes its header implies, the labels of its elements and its id map. ``rag doctor`` prints
them; ``rag index`` rebuilds when the segment is damaged.
"""

from __future__ import annotations

import io
import os
import pickle
import sqlite3
import struct
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from rag.errors import first_line
from rag.settings import Settings

# hnswlib's header as Chroma persists it: a format version, then hnswlib's fields in save order.
_HEADER = struct.Struct("<iQQQQQQiIQQQdQ")
_SEGMENT_FILES = ("header.bin", "data_level0.bin", "length.bin", "link_lists.bin")
_ID_MAP_KEYS = {"dimensionality", "total_elements_added", "id_to_label", "label_to_id"}


def short(exc: BaseException) -> str:
    """The first line of an exception's message, capped, for a one-line error (its type when it has none)."""
    return first_line(exc, 160) or type(exc).__name__


def writable(folder: Path) -> bool:
    """Whether this process may write in ``folder`` (False on a read-only mount or without permission)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    chroma = folder / "chroma"
    paths = [folder, chroma, chroma / "chroma.sqlite3"]
    return all(os.access(p, os.W_OK) for p in paths if p.exists())


def sqlite_path(settings: Settings) -> Path:
    return settings.store.dir / "chroma" / "chroma.sqlite3"


@contextmanager
def _connect(settings: Settings) -> Iterator[sqlite3.Connection]:
    """A read-only connection, closed on exit (``sqlite3``'s own context manager only commits)."""
    mode = "ro" if writable(settings.store.dir) else "ro&immutable=1"
    with closing(sqlite3.connect(f"file:{sqlite_path(settings)}?mode={mode}", uri=True, timeout=2)) as db:
        yield db


def sqlite_problem(settings: Settings) -> str | None:
    """Why ``chroma.sqlite3`` is unusable (None when it passes SQLite's quick check)."""
    try:
        with _connect(settings) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error as exc:
        return f"damaged ({short(exc)})"
    if result != "ok":
        return f"damaged ({result})"
    if not {"collections", "segments", "embeddings"} <= tables:
        return "damaged (Chroma's tables are missing)"
    return None


def segment_dir(settings: Settings, collection: str) -> Path | None:
    """The folder of ``collection``'s HNSW segment (None when SQLite cannot say)."""
    try:
        with _connect(settings) as db:
            row = db.execute(
                "SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id "
                "WHERE c.name = ? AND s.scope = 'VECTOR'",
                (collection,),
            ).fetchone()
    except sqlite3.Error:
        return None
    return settings.store.dir / "chroma" / row[0] if row else None


def orphan_segments(settings: Settings) -> list[Path]:
    """Segment folders no collection refers to any more (Chroma leaves them behind on delete)."""
    chroma = settings.store.dir / "chroma"
    try:
        with _connect(settings) as db:
            known = {row[0] for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error:
        return []
    return [p for p in chroma.iterdir() if p.is_dir() and _is_uuid(p.name) and p.name not in known]


def _is_uuid(name: str) -> bool:
    import uuid

    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


class _DataOnly(pickle.Unpickler):
    """Chroma's id map holds only dicts, lists, strings and numbers: refuse anything that names code."""

    def find_class(self, module: str, name: str) -> None:
        raise pickle.UnpicklingError(f"unexpected object {module}.{name}")


def segment_problem(folder: Path, id_map: bool = True) -> str | None:
    """Why the HNSW segment in ``folder`` is damaged; None when it is sound or not written yet.

    Chroma writes the segment only once its log holds ``store.hnsw_sync_threshold`` records,
    so a small store may have no segment files at all. hnswlib trusts these files: some damage
    (zeroed link lists) crashes the process that searches them, so the store checks the cheap
    part (``id_map=False``: sizes, labels, links) before Chroma opens them.
    """
    if not folder.is_dir():
        return None
    present = [name for name in _SEGMENT_FILES if (folder / name).exists()]
    if not present:
        return None
    if missing := [name for name in _SEGMENT_FILES if name not in present]:
        return f"{missing[0]} is missing"
    header = (folder / "header.bin").read_bytes()
    if len(header) != _HEADER.size:
        return f"header.bin has {len(header)} bytes, not {_HEADER.size}"
    version, _, max_elements, count, per_element, label_offset, _, max_level, entry, max_m, *_ = _HEADER.unpack(header)
    if version < 1 or per_element <= label_offset or count > max_elements or (count and entry >= count):
        return "header.bin is damaged"
    # Chroma writes the files sized for the elements held, or for the capacity when first created.
    data = folder / "data_level0.bin"
    if data.stat().st_size not in (count * per_element, max_elements * per_element):
        return f"data_level0.bin has {data.stat().st_size} bytes, the header says {count * per_element}"
    if (folder / "length.bin").stat().st_size not in (4 * count, 4 * max_elements):
        return "length.bin does not match the header"
    labels = _labels(data, count, per_element, label_offset)
    if len(set(labels)) != len(labels):
        return "data_level0.bin is damaged (repeated element labels)"
    if why := _norms_problem(folder, count) or _links_problem(folder, count, max_level, entry, max_m):
        return why
    pickled = folder / "index_metadata.pickle"
    if count and not pickled.exists():
        return "index_metadata.pickle is missing"
    if pickled.exists() and pickled.stat().st_size == 0:
        return "index_metadata.pickle is empty"
    if id_map and pickled.exists():
        try:
            meta = _DataOnly(io.BytesIO(pickled.read_bytes())).load()
        except Exception as exc:  # noqa: BLE001 - any damage to the pickle
            return f"index_metadata.pickle is damaged ({type(exc).__name__})"
        if not isinstance(meta, dict) or not _ID_MAP_KEYS <= set(meta):
            return "index_metadata.pickle is damaged (fields missing)"
        if len(meta["label_to_id"]) > count:  # fewer is fine: deleted elements stay in the graph
            return f"index_metadata.pickle maps {len(meta['label_to_id'])} labels, the header says {count}"
    return None


def _links_problem(folder: Path, count: int, max_level: int, entry: int, max_m: int) -> str | None:
    """``link_lists.bin`` holds, per element, a 4-byte size and that many bytes of upper-level links.

    Every size must be whole levels, the sizes must add up to the file, and the entry point must
    sit at the top level with links there when another element shares that level.
    """
    data = (folder / "link_lists.bin").read_bytes()
    per_level = 4 * (max_m + 1)
    offset, entry_at, at_top = 0, -1, 0
    for element in range(count):
        if offset + 4 > len(data):
            return "link_lists.bin is truncated"
        size = int.from_bytes(data[offset : offset + 4], "little")
        if size % per_level or size > max_level * per_level:
            return "link_lists.bin is damaged (a link list of impossible size)"
        if element == entry:
            entry_at = offset + 4
            if size != max_level * per_level:
                return "link_lists.bin is damaged (the entry point is not on the top level)"
        at_top += size == max_level * per_level > 0
        offset += 4 + size
    if offset != len(data):
        return f"link_lists.bin has {len(data)} bytes, its sizes add up to {offset}"
    if max_level and at_top > 1:
        top = entry_at + (max_level - 1) * per_level
        if not 0 < int.from_bytes(data[top : top + 4], "little") <= max_m:
            return "link_lists.bin is damaged (the entry point has no links)"
    return None


def _norms_problem(folder: Path, count: int, sample: int = 2000) -> str | None:
    """``length.bin`` holds each vector's norm (float32): a zero or non-finite one is damage."""
    norms = memoryview((folder / "length.bin").read_bytes()).cast("f")
    step = max(1, count // sample)
    if any(not 0 < norms[i] < float("inf") for i in range(0, count, step)):
        return "length.bin is damaged (vector norms of zero)"
    return None


def _labels(data: Path, count: int, per_element: int, label_offset: int, sample: int = 2000) -> list[int]:
    """Labels of up to ``sample`` elements spread over the file (every element holds its own)."""
    step = max(1, count // sample)
    labels = []
    with data.open("rb") as handle:
        for i in range(0, count, step):
            handle.seek(i * per_element + label_offset)
            labels.append(int.from_bytes(handle.read(8), "little"))
    return labels
