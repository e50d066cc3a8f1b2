"""Find and read articles: decode, reduce HTML to text, pick out title, byline and date.

PDF, DOCX, saved news pages and Markdown front matter are read by ``index.formats``.

Nothing here raises for a bad file: it is skipped with a one-line reason, so one broken
article never stops an indexing run.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from index import formats
from index.dating import (
    Stated,
    credit_line,
    date_article,
    front_matter_line,
    supplied,
    title_after_credit,
    year_from_folder,
)
from rag.errors import CorpusError, FormatError
from rag.models import DATE_INFERRED, SkippedFile
from rag.settings import CorpusSettings

_BYLINE_RE = re.compile(r"^\s*By\s+([A-Z][\w.'’-]*(?:\s+(?:and\s+)?[A-Z][\w.'’-]*){0,5})\s*$")
_HEADER_LINES = 12
_BOILERPLATE = frozenset({"skip to content", "skip to main content", "menu", "advertisement", "share", "close"})


@dataclass
class Article:
    """A decoded article: ``text`` is what offsets and line numbers refer to."""

    path: Path
    rel_path: str
    text: str
    content_hash: str
    title: str
    byline: str | None = None
    published: str | None = None  # ISO date from index.dating; None when the file states none
    outlet: str | None = None
    date_source: str = "none"  # header, html_meta, front_matter, supplied, inferred (the year, from the folder) or none
    date_stated: Stated | None = None  # the line that states ``published`` (dateline or front-matter line)
    byline_stated: Stated | None = None  # the front-matter line that states ``byline`` (a byline line is text)
    outlet_stated: Stated | None = (
        None  # the line that states ``outlet`` when no chunk holds it (front matter, page meta)
    )
    warnings: list[str] = field(default_factory=list)
    url: str | None = None
    source: str | None = None
    pages: list[int] | None = None
    # A dateline without a year whose text states none ("TERVIK, March 17 (Wire) -"): its month and day, and
    # where it is written; ``date_yearless`` gives it the year from the folder's other articles.
    month_day: tuple[int, int] | None = None
    month_day_stated: Stated | None = None

    @property
    def file(self) -> str:
        return self.path.name

    def page_text(self, page: int) -> tuple[str, int]:
        """(text of 1-based ``page``, its offset in ``text``); the whole text for an unpaged article."""
        if not self.pages or not 1 <= page <= len(self.pages):
            return self.text, 0
        start, end = formats.page_span(self.text, self.pages, page)
        return self.text[start:end], start


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode bytes as UTF-8, else UTF-16/32 with a BOM, else cp1252/Latin-1; say which."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), None
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), f"decoded as {enc.upper()} (byte-order mark)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8; decoded as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8; decoded as Latin-1"


_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x0b\x1b")  # whitespace, and ESC (terminal codes in plain text)


def looks_binary(data: bytes) -> bool:
    """Binary unless the bytes read as text: NUL bytes or too many control bytes mean binary.

    Text that is valid UTF-8 may hold a few control characters; bytes that are not UTF-8 are
    read as Windows-1252, where any byte is "valid", so the control bytes decide: real
    single-byte text has almost none, random bytes about one in nine.
    """
    head = data[:65536]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if not head or b"\x00" in head:
        return bool(head)
    controls = sum(1 for b in head if (b < 32 or b == 127) and b not in _TEXT_CONTROLS)
    try:
        head.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError as exc:
        utf8 = exc.start >= len(head) - 3  # only a character cut off at the end of the sample
    return controls / len(head) > (0.1 if utf8 else 0.01)


def html_to_text(html: str) -> tuple[str, str | None]:
    """Readable text of an HTML page, one block per line, and its <title>."""
    from bs4 import BeautifulSoup

    # A lone surrogate (text that never was valid UTF-8) would make the parser raise: it becomes U+FFFD.
    html = html.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(["script", "style", "noscript", "template", "head", "nav", "footer", "svg"]):
        tag.decompose()
    blocks = [
        " ".join(el.get_text(" ", strip=True).split())
        for el in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td"])
        if not el.find_parent(["p", "li", "blockquote", "pre", "td"])
    ]
    blocks = [b for b in blocks if b]
    if not blocks:
        blocks = [line.strip() for line in soup.get_text("\n").splitlines() if line.strip()]
    body = "\n\n".join(blocks)
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"
    return body, title


_HEADING_MARKS = re.compile(r"^#{1,6}\s+")


def _header_metadata(text: str) -> tuple[str, str | None]:
    """The title (the first line) and a "By …" byline of the header lines. A file that opens with its credit
    ("By Ingrid Salo", then the date line, then the headline) takes its title from the first line after its
    header lines of credits and dates."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    content = [line for line in lines if line.lower() not in _BOILERPLATE] or lines or [""]
    under_credit = title_after_credit(content)
    title = content[under_credit or 0]
    byline = credit_line(content[0]) if under_credit else None
    # A Markdown heading's marks are not part of its title ("# Dam opens" -> "Dam opens").
    title = _HEADING_MARKS.sub("", title)
    for line in lines[1:_HEADER_LINES]:
        if byline is None and (m := _BYLINE_RE.match(line)):
            byline = m.group(1)
    return title[:300], byline


def _extract(path: Path, data: bytes, corpus: CorpusSettings) -> formats.Extracted:
    """The file's text and stated metadata by type; FormatError with a one-line reason if unreadable."""
    suffix = path.suffix.lower()
    if suffix in formats.BINARY_SUFFIXES:
        return formats.read_binary(suffix, data, corpus)
    if looks_binary(data):
        raise FormatError("binary file, not text")
    text, note = decode(data)
    notes = [note] if note else []
    if suffix in (".html", ".htm"):
        found = formats.read_html(text, corpus)
        if found is None:
            text, html_title = html_to_text(text)
            if not text.strip():
                raise FormatError("no readable text")
            notes.append("no article found in the page (trafilatura); indexed the whole page's text")
            return formats.Extracted(text=text, title=html_title, warnings=notes)
        found.warnings[:0] = notes
        return found
    found = formats.read_markdown(text) if suffix == ".md" else formats.Extracted(text=text)
    found.warnings[:0] = notes
    return found


_META_SOURCE = {".html": "html_meta", ".htm": "html_meta", ".md": "front_matter"}


def read_article(path: Path, root: Path, max_bytes: int, corpus: CorpusSettings | None = None) -> Article | SkippedFile:
    rel = path.relative_to(root).as_posix()
    corpus = corpus or CorpusSettings(max_file_bytes=max_bytes)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return SkippedFile(file=rel, reason=f"larger than the {max_bytes:,}-byte limit ({size:,} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        return SkippedFile(file=rel, reason=f"unreadable ({exc.strerror or exc})")
    if not data.strip():
        return SkippedFile(file=rel, reason="empty file")
    try:
        found = _extract(path, data, corpus)
    except FormatError as exc:
        return SkippedFile(file=rel, reason=str(exc))
    text = found.text
    if not text.strip():
        return SkippedFile(file=rel, reason="no readable text")
    title, byline = _header_metadata(text)
    # The format's own metadata (HTML meta, front matter, PDF/DOCX properties) ranks below the text's dateline.
    kind = _META_SOURCE.get(path.suffix.lower())
    as_written = decode(data)[0] if kind else None  # the file's own text: HTML meta, front-matter lines
    raw_html = as_written if kind == "html_meta" else None
    stated = front_matter_line(as_written, found.published_key) if found.published_key and as_written else None
    by_line = front_matter_line(as_written, found.byline_key) if found.byline_key and as_written else None
    out_line = front_matter_line(as_written, found.source_key) if found.source_key and as_written else None
    dating = date_article(text, html=raw_html, given=supplied(found.published, found.source, kind, stated))
    author = found.byline or byline or dating.byline
    date_stated = dating.stated if dating.published else None
    by_line = by_line if found.byline and by_line and found.byline in by_line.quote else None
    outlet = dating.outlet
    out_line = out_line if outlet and out_line and outlet in out_line.quote else dating.outlet_stated
    if kind == "html_meta":
        text, meta = with_page_metadata(text, author, None if date_stated else dating.iso, outlet)
        if meta is not None:
            by_line = meta if author and author in meta.quote else by_line
            date_stated = date_stated or (meta if dating.iso and dating.iso in meta.quote else None)
            out_line = meta if outlet and outlet in meta.quote else out_line
    return Article(
        path=path,
        rel_path=rel,
        text=text,
        content_hash=content_hash(data),
        title=found.title or title,
        byline=author,
        published=dating.iso,
        outlet=dating.outlet,
        date_source=dating.source,
        date_stated=date_stated,
        byline_stated=by_line,
        outlet_stated=out_line,
        warnings=[f"{rel}: {w}" for w in found.warnings],
        url=found.url,
        source=found.source,
        pages=found.pages,
        month_day=dating.month_day,
        month_day_stated=dating.stated if dating.month_day else None,
    )


def with_page_metadata(
    text: str, author: str | None, published: str | None, outlet: str | None = None
) -> tuple[str, Stated | None]:
    """A web page's text with a closing line that states what only its metadata says: the site when the text
    does not name it, the author when the text does not name them, the date when no line of the text states it
    ("Page metadata: from Bay Record; by Jane Roe; published 2024-03-02."), so "Which outlet …?", "Who wrote
    it?" and "When was it published?" can quote and cite a line of the indexed text. The line says where it
    comes from; it goes last so no offset of the page's own text moves."""
    parts = (
        ([f"from {outlet}"] if outlet and outlet not in text else [])
        + ([f"by {author}"] if author and author not in text else [])
        + ([f"published {published}"] if published else [])
    )
    if not parts:
        return text, None
    line = "Page metadata: " + "; ".join(parts) + "."
    body = text.rstrip()
    at = len(body) + 2
    return f"{body}\n\n{line}\n", Stated(body.count("\n") + 3, line, at)


def discover(root: Path, settings: CorpusSettings) -> tuple[list[Path], list[SkippedFile]]:
    """Article files under ``root`` (subfolders walked, hidden ones skipped), in a stable order."""
    if not root.exists():
        raise CorpusError(f"Corpus folder not found: {root} (set RAG_CORPUS_DIR or pass a PATH)")
    if not root.is_dir():
        raise CorpusError(f"Corpus path is not a folder: {root}")
    found: list[Path] = []
    skipped: list[SkippedFile] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink():
            try:
                target = path.resolve()
            except (RuntimeError, OSError):  # a loop ("a -> b -> a") has no target
                skipped.append(SkippedFile(file=rel.as_posix(), reason="symlink loop"))
                continue
            if not target.is_relative_to(root.resolve()):
                skipped.append(SkippedFile(file=rel.as_posix(), reason="symlink pointing outside the corpus"))
                continue
        if not path.is_file():
            continue
        if path.suffix.lower() not in settings.extensions:
            skipped.append(SkippedFile(file=rel.as_posix(), reason=f"unsupported type '{path.suffix or 'none'}'"))
            continue
        found.append(path)
    return found, skipped


def load_corpus(root: Path, settings: CorpusSettings) -> tuple[list[Article], list[SkippedFile]]:
    paths, skipped = discover(root, settings)
    articles: list[Article] = []
    for path in paths:
        result = read_article(path, root, settings.max_file_bytes, settings)
        if isinstance(result, SkippedFile):
            skipped.append(result)
        else:
            articles.append(result)
    date_yearless(articles)
    return articles, skipped


def date_yearless(articles: list[Article], today: date | None = None) -> None:
    """Give each article with a yearless dateline and no year in its text (``month_day``) the year that its
    folder's dated articles imply (``index.dating.year_from_folder``): those of its own subfolder, else of the
    whole corpus. The date's source is "inferred", so shells can say the year was not written. Articles dated
    this way do not date others. A folder without a dated article leaves them undated."""
    stated = [a for a in articles if a.published and a.date_source != DATE_INFERRED]
    if not stated or not any(a.month_day and not a.published for a in articles):
        return
    by_folder: dict[PurePosixPath, list[date]] = defaultdict(list)
    for article in stated:
        by_folder[PurePosixPath(article.rel_path).parent].append(date.fromisoformat(article.published))
    everywhere = [d for days in by_folder.values() for d in days]
    for article in articles:
        if article.published or article.month_day is None:
            continue
        day = year_from_folder(
            article.month_day, by_folder.get(PurePosixPath(article.rel_path).parent) or everywhere, today
        )
        if day is not None:
            article.published = day.isoformat()
            article.date_source = DATE_INFERRED
            article.date_stated = article.month_day_stated
