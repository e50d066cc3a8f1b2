"""Readers for the article formats beyond plain text: PDF, DOCX, saved web pages, Markdown front matter.

Each reader turns a file's bytes (or decoded text) into ``Extracted``: the text that offsets
and line numbers refer to, plus the metadata the file states (title, author, date, URL, site).
A file that cannot be read as its type says raises ``FormatError`` with a one-line reason; the
loader turns that into a skipped file, so one bad file never stops an indexing run.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from rag.errors import FormatError
from rag.settings import CorpusSettings

BINARY_SUFFIXES = (".pdf", ".docx")
PAGE_SEPARATOR = "\n\n"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


@dataclass
class Extracted:
    """What a reader found: ``text`` is what offsets refer to; ``pages`` are page start offsets in it."""

    text: str
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    published_key: str | None = None  # the front-matter key that gave ``published`` ("date", "published")
    byline_key: str | None = None  # the front-matter key that gave ``byline`` ("author", "authors", "byline")
    source_key: str | None = None  # the front-matter key that gave ``source`` ("source", "site")
    url: str | None = None
    source: str | None = None
    pages: list[int] | None = None
    warnings: list[str] = field(default_factory=list)


def _clean(text: str) -> str:
    return _TRAILING_SPACE.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:120]}" if text else type(exc).__name__


# -- PDF ---------------------------------------------------------------------------------------
def read_pdf(data: bytes, limits: CorpusSettings) -> Extracted:
    """Text page by page (pypdf); ``pages[i]`` is where page ``i + 1`` starts in the text."""
    from pypdf import PasswordType, PdfReader

    # pypdf logs what it repairs ("EOF marker not found") to stderr; the skip reason or warning says it once.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise FormatError("encrypted PDF (it needs a password)")
        n_pages = len(reader.pages)
    except FormatError:
        raise
    except Exception as exc:  # pypdf raises many types for broken files
        if "crypt" in f"{type(exc).__name__} {exc}".lower():
            raise FormatError(f"encrypted PDF that cannot be decrypted ({_first_line(exc)})") from exc
        raise FormatError(f"not a readable PDF ({_first_line(exc)})") from exc
    warnings = []
    if n_pages > limits.pdf_max_pages:
        warnings.append(f"{n_pages} pages; only the first {limits.pdf_max_pages} were read (RAG_CORPUS_PDF_MAX_PAGES)")
    texts: list[str] = []
    for number in range(min(n_pages, limits.pdf_max_pages)):
        try:
            texts.append(_clean(reader.pages[number].extract_text() or ""))
        except Exception as exc:  # noqa: BLE001 - one broken page must not lose the others
            warnings.append(f"page {number + 1} unreadable ({_first_line(exc)})")
            texts.append("")
    if not any(texts):
        raise FormatError("no text layer (scanned?)")
    blank = [str(i + 1) for i, t in enumerate(texts) if not t]
    if blank:
        warnings.append(f"no text on page(s) {', '.join(blank[:10])}{'…' if len(blank) > 10 else ''} (scanned?)")
    starts, parts, offset = [], [], 0
    for text in texts:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + len(PAGE_SEPARATOR)
    title = _pdf_title(reader)
    return Extracted(text=PAGE_SEPARATOR.join(parts), title=title, pages=starts, warnings=warnings)


def _pdf_title(reader: object) -> str | None:
    try:
        meta = reader.metadata  # type: ignore[attr-defined]
        title = " ".join(str(meta.title or "").split()) if meta else ""
    except Exception:  # noqa: BLE001 - a broken info dictionary only loses the title
        return None
    return title[:300] or None


def page_of(pages: list[int], offset: int) -> int:
    """1-based page holding ``offset`` of the extracted text."""
    import bisect

    return max(1, bisect.bisect_right(pages, offset))


def page_span(text: str, pages: list[int], page: int) -> tuple[int, int]:
    """(start, end) of 1-based ``page`` in the extracted text."""
    start = pages[page - 1]
    end = pages[page] - len(PAGE_SEPARATOR) if page < len(pages) else len(text)
    return start, max(start, end)


# -- DOCX --------------------------------------------------------------------------------------
def _check_zip(data: bytes, limits: CorpusSettings) -> None:
    """Refuse archives that expand far beyond their size (a zip bomb) before any part is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FormatError(f"not a valid DOCX (not a zip archive: {_first_line(exc)})") from exc
    unpacked = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if unpacked > limits.zip_max_unpacked_bytes or unpacked / packed > limits.zip_max_ratio:
        raise FormatError(
            f"refused: the archive expands to {unpacked:,} bytes from {packed:,} (zip bomb?; limits "
            f"{limits.zip_max_unpacked_bytes:,} bytes, ratio {limits.zip_max_ratio})"
        )


def read_docx(data: bytes, limits: CorpusSettings) -> Extracted:
    """Headings and paragraphs in order, one per block; each table row as cells joined by ' | '."""
    _check_zip(data, limits)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        heading: str | None = None
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    # A merged cell is listed once per column it spans (the same cell element), while two
                    # cells with equal text are two columns ("18:00 | 18:00"): keep the column count.
                    merged = {c._tc: " ".join(c.text.split()) for c in row.cells}
                    cells = list(merged.values())
                    if any(cells):
                        blocks.append(" | ".join(cells))
                continue
            text = " ".join(item.text.split())
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            if heading is None and style.startswith(("Title", "Heading")):
                heading = text
            blocks.append(text)
        title = (document.core_properties.title or "").strip() or heading
    except FormatError:
        raise
    except Exception as exc:  # python-docx raises KeyError, lxml errors, … on broken files
        raise FormatError(f"not a valid DOCX ({_first_line(exc)})") from exc
    return Extracted(text="\n\n".join(blocks), title=title)


# -- HTML --------------------------------------------------------------------------------------
def read_html(html: str | bytes, limits: CorpusSettings, url: str | None = None) -> Extracted | None:
    """The main text of a news page (trafilatura: no menus, ads or comments) and its metadata.

    None when trafilatura finds no article (fewer than ``limits.min_article_words`` words); the
    caller then falls back to the whole page's text with a warning.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True, include_images=False
        )
    except Exception:  # noqa: BLE001 - trafilatura raises ValueError and lxml errors on pages it cannot parse
        return None
    text = _clean(getattr(doc, "text", None) or "") if doc is not None else ""
    if len(text.split()) < limits.min_article_words:
        return None
    paragraphs = [" ".join(line.split()) for line in text.split("\n")]
    return Extracted(
        text="\n\n".join(p for p in paragraphs if p),
        title=doc.title or None,
        byline=doc.author or None,
        published=doc.date or None,
        url=doc.url or url,
        source=doc.sitename or doc.hostname or None,
    )


# -- Markdown front matter ---------------------------------------------------------------------
MAX_FIELD_CHARS = 300
"""A front-matter value longer than this (title, author, date, url, source) is no such field: it is ignored
with a warning, so a crafted value cannot fill the store and every answer that shows it."""


def _safe_loader() -> type:
    """``yaml.SafeLoader`` that refuses aliases: front matter needs none, and each ``*alias`` can repeat a
    whole list, so 600 bytes of nested aliases expand to hundreds of megabytes ("billion laughs")."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: object, index: object) -> object:
            if self.check_event(yaml.AliasEvent):
                raise yaml.YAMLError("aliases (*name) are not read in front matter")
            return super().compose_node(parent, index)

    return NoAliasLoader


def _scalar(value: object, name: str, warnings: list[str]) -> str | None:
    """A front-matter value as one line of text: a string, number or date, or a list of those (several
    authors); a mapping or nested list is no value, and one over ``MAX_FIELD_CHARS`` is ignored (warned)."""
    if value is None or isinstance(value, bool | dict):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        if not all(isinstance(v, str | int | float) for v in value):
            return None
        value = ", ".join(str(v) for v in value if v)
    if not isinstance(value, str | int | float):
        return None
    text = " ".join(str(value).split())
    if len(text) > MAX_FIELD_CHARS:
        warning = f"front matter {name} is longer than {MAX_FIELD_CHARS} characters; ignored"
        if warning not in warnings:
            warnings.append(warning)
        return None
    return text or None


_FIELDS = ("title", "date", "published", "author", "authors", "byline", "url", "source", "site")


def read_markdown(text: str) -> Extracted:
    """YAML front matter (title, author, date, url, source) read and blanked out line for line,
    so the article's line numbers stay those of the file."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return Extracted(text=text)
    import yaml

    warnings: list[str] = []
    try:
        meta = yaml.load(match.group(1) or "", Loader=_safe_loader())  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        # Hand-written front matter often breaks YAML with a colon in a value ("title: Flood: clean-up
        # begins"); each "key: value" line is still plain to read.
        meta = front_matter_fields(match.group(1) or "")
        warnings.append(f"front matter is not valid YAML ({_first_line(exc)}); read line by line")
    if not isinstance(meta, dict) or not meta:
        return Extracted(text=text, warnings=warnings)
    meta = {str(k).lower(): v for k, v in meta.items()}
    blanked = "\n" * match.group(0).count("\n") + text[match.end() :]
    fields = {k: _scalar(meta[k], k, warnings) for k in _FIELDS if k in meta}
    key = next((k for k in ("date", "published") if fields.get(k)), None)
    by = next((k for k in ("author", "authors", "byline") if fields.get(k)), None)
    site = next((k for k in ("source", "site") if fields.get(k)), None)
    return Extracted(
        text=blanked,
        title=fields.get("title"),
        byline=fields[by] if by else None,
        published=fields[key] if key else None,
        published_key=key,
        byline_key=by,
        source_key=site,
        url=fields.get("url"),
        source=fields[site] if site else None,
        warnings=warnings,
    )


def front_matter_fields(block: str) -> dict[str, str]:
    """The top-level ``key: value`` lines of a front-matter block, read line by line (keys lower-cased; a value
    runs to the line's end, quotes stripped; an unquoted ``*name`` is a YAML alias, no value): what the dating
    reads, and what YAML cannot parse ("title: Flood: clean-up begins") is read as."""
    fields: dict[str, str] = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t")) and not value.strip().startswith("*"):
            fields[key.strip().lower()] = value.strip().strip("'\"")
    return fields


def read_binary(suffix: str, data: bytes, limits: CorpusSettings) -> Extracted:
    if suffix == ".pdf":
        return read_pdf(data, limits)
    return read_docx(data, limits)
