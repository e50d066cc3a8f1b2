"""`rag add URL`: fetch web pages, feeds and documents, save each article into the corpus.

Only http and https are fetched, and every redirect is checked again (a page redirecting to
``file://`` or ``ftp://`` is refused). Responses are read in pieces up to ``fetch.max_bytes``
with a timeout. A page's main text and metadata come from trafilatura; a feed (feedparser)
has each of its items fetched, up to ``fetch.max_feed_items``. Each article is saved as
``<corpus>/<fetch.folder>/<host>/<name>-<hash>.md`` with YAML front matter (title, author,
date, url, source, fetched); the name depends only on the URL, so fetching it again updates
the same file instead of adding a duplicate. A PDF or DOCX at a URL is saved as it is (same
name, its own suffix) once the format readers accept it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from index import formats
from rag.discovery import is_loopback
from rag.errors import FetchError, FormatError
from rag.models import AddedArticle, SkippedFile
from rag.settings import Settings

SCHEMES = ("http", "https")
_FEED_TYPES = ("rss", "atom", "xml")
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class Page:
    url: str
    body: bytes
    content_type: str


@dataclass
class WebArticle:
    url: str
    title: str
    text: str
    author: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass
class WebFile:
    """A PDF or DOCX found at a URL: saved as it is, read by the same readers as a local file."""

    url: str
    suffix: str
    body: bytes
    title: str


def looks_like_url(item: str) -> bool:
    """``scheme:`` prefix (two or more letters, so ``C:\\x`` stays a path)."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", item))


def normalise(url: str) -> str:
    """The URL as a key: scheme and host lower-cased, fragment dropped; FetchError unless http(s)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in SCHEMES:
        raise FetchError(f"{url[:100]}: only http and https URLs are fetched (not '{parts.scheme}:')")
    if not parts.hostname:
        raise FetchError(f"{url[:100]}: no host in the URL")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def refuses_private(settings: Settings) -> bool:
    """Whether private and local addresses are refused: as set, else when the UI or API is reachable from
    other machines (a host other than loopback)."""
    if settings.fetch.private_addresses is not None:
        return not settings.fetch.private_addresses
    return not (is_loopback(settings.ui.host) and is_loopback(settings.api.host))


def _local_address(host: str) -> str | None:
    """The first private, loopback, link-local or otherwise non-public address ``host`` resolves to, or None
    (an unresolvable name is left to the request, which reports it)."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        ip = getattr(ip, "ipv4_mapped", None) or ip
        local = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
        if local or ip.is_unspecified:
            return str(ip)
    return None


def check_address(url: str, requested: str, settings: Settings) -> None:
    """FetchError when ``url``'s host is a local address and those are refused (``refuses_private``)."""
    host = urlsplit(url).hostname or ""
    if refuses_private(settings) and (ip := _local_address(host)):
        raise FetchError(
            f"{requested[:100]}: refused, {host} is a private or local address ({ip}); "
            "set RAG_FETCH_PRIVATE_ADDRESSES=true to allow it"
        )


def client(settings: Settings) -> httpx.Client:
    return httpx.Client(
        follow_redirects=False,
        timeout=settings.fetch.timeout_s,
        headers={"User-Agent": settings.fetch.user_agent},
        trust_env=False,
    )


def fetch(http: httpx.Client, url: str, settings: Settings) -> Page:
    """GET ``url`` following at most ``max_redirects`` redirects, each to http(s) only, body size capped.

    httpx's timeout bounds each read; ``total_timeout_s`` bounds the whole fetch, so a server that sends a
    few bytes every second cannot keep `rag add` (or the UI's add button) waiting for days."""
    cap = settings.fetch.max_bytes
    total = settings.fetch.total_timeout_s
    deadline = time.monotonic() + total
    current = normalise(url)
    for _ in range(settings.fetch.max_redirects + 1):
        if time.monotonic() > deadline:  # a chain of slow redirects counts too
            raise FetchError(f"{url[:100]}: took longer than {total:g} s (RAG_FETCH_TOTAL_TIMEOUT_S)")
        check_address(current, url, settings)
        try:
            with http.stream("GET", current) as response:
                if response.is_redirect:
                    target = str(response.url.join(response.headers.get("location", "")))
                    if urlsplit(target).scheme.lower() not in SCHEMES:
                        raise FetchError(f"{url[:100]}: it redirects to a non-HTTP URL ({target[:80]})")
                    current = normalise(target)
                    continue
                if response.status_code >= 400:
                    raise FetchError(f"{url[:100]}: HTTP {response.status_code} {response.reason_phrase}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > cap:
                    raise FetchError(f"{url[:100]}: {declared:,} bytes, larger than the {cap:,}-byte limit")
                body = bytearray()
                for piece in response.iter_bytes():
                    body += piece
                    if time.monotonic() > deadline:
                        raise FetchError(f"{url[:100]}: took longer than {total:g} s (RAG_FETCH_TOTAL_TIMEOUT_S)")
                    if len(body) > cap:
                        raise FetchError(f"{url[:100]}: larger than the {cap:,}-byte limit (RAG_FETCH_MAX_BYTES)")
                return Page(str(response.url), bytes(body), response.headers.get("content-type", "").lower())
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url[:100]}: timed out after {settings.fetch.timeout_s:g} s") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url[:100]}: network error ({type(exc).__name__}: {str(exc)[:100]})") from exc
    raise FetchError(f"{url[:100]}: more than {settings.fetch.max_redirects} redirects")


def is_feed(page: Page) -> bool:
    if "html" in page.content_type:
        return False
    if any(kind in page.content_type for kind in _FEED_TYPES):
        return True
    head = page.body[:512].lstrip().lower()
    return head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf"))


_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document_suffix(page: Page) -> str | None:
    """ ".pdf" or ".docx" when the response is such a document (by type or, for PDF, its magic bytes)."""
    if "application/pdf" in page.content_type or page.body.startswith(b"%PDF-"):
        return ".pdf"
    if _DOCX_TYPE in page.content_type:
        return ".docx"
    return None


def document_from(page: Page, suffix: str, settings: Settings) -> WebFile:
    """The document if the readers accept it (text layer, not encrypted, no zip bomb), else FetchError."""
    try:
        found = formats.read_binary(suffix, page.body, settings.corpus)
    except FormatError as exc:
        raise FetchError(f"{page.url[:100]}: {exc}") from exc
    title = found.title or found.text.strip().split("\n", 1)[0][:200]
    return WebFile(page.url, suffix, page.body, title)


def article_from(page: Page, settings: Settings) -> WebArticle:
    found = formats.read_html(page.body, settings.corpus, url=page.url)
    if found is None:
        raise FetchError(f"{page.url[:100]}: no article found in the page")
    title = found.title or found.text.split("\n", 1)[0][:200]
    return WebArticle(page.url, title, found.text, found.byline, found.published, found.source)


def item_from(page: Page, settings: Settings) -> WebArticle | WebFile:
    suffix = document_suffix(page)
    return document_from(page, suffix, settings) if suffix else article_from(page, settings)


def articles(
    http: httpx.Client, url: str, settings: Settings
) -> Iterator[tuple[str, WebArticle | WebFile | SkippedFile | str]]:
    """(requested URL, article | document | rejection | warning) for a page, or for each item of a feed."""
    try:
        page = fetch(http, url, settings)
        if not is_feed(page):
            yield url, item_from(page, settings)
            return
    except FetchError as exc:
        yield url, SkippedFile(file=url, reason=str(exc))
        return
    import feedparser

    feed = feedparser.parse(page.body)
    entries = [e for e in feed.entries if e.get("link")]
    if not entries:
        yield url, SkippedFile(file=url, reason=f"{url[:100]}: a feed with no items that link to articles")
        return
    cap = settings.fetch.max_feed_items
    if len(entries) > cap:
        yield url, f"{url[:100]}: the feed has {len(entries):,} items; only the first {cap} were fetched"
    site = feed.feed.get("title") or None
    for entry in entries[:cap]:
        link = str(httpx.URL(page.url).join(entry["link"]))
        try:
            item = item_from(fetch(http, link, settings), settings)
        except FetchError as exc:
            yield link, SkippedFile(file=link, reason=str(exc))
            continue
        if isinstance(item, WebFile):
            yield link, item
            continue
        item.author = item.author or entry.get("author") or None
        item.date = item.date or entry.get("published") or entry.get("updated") or None
        item.source = item.source or site
        yield link, item


def target_path(settings: Settings, url: str) -> Path:
    """Where the article of ``url`` is saved: fixed by the URL, so a refetch overwrites it."""
    key = normalise(url)
    parts = urlsplit(key)
    host = _NAME_CHARS.sub("_", parts.hostname or "site").strip("_") or "site"
    stem = parts.path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = _NAME_CHARS.sub("-", stem).strip("-")[:60] or "index"
    digest = hashlib.sha1(key.encode()).hexdigest()[:8]
    return settings.corpus.dir / settings.fetch.folder / host / f"{stem}-{digest}.md"


def to_markdown(article: WebArticle, fetched: str) -> str:
    import yaml

    meta = {
        "title": article.title,
        "author": article.author,
        "date": article.date,
        "url": article.url,
        "source": article.source,
        "fetched": fetched,
    }
    front = yaml.safe_dump({k: v for k, v in meta.items() if v}, sort_keys=False, allow_unicode=True, width=1000)
    first = article.text.split("\n", 1)[0].strip()
    heading = "" if first == article.title.strip() else f"# {article.title}\n\n"
    return f"---\n{front}---\n{heading}{article.text}\n"


def _without_fetch_time(text: str) -> str:
    return re.sub(r"(?m)^fetched: .*$", "", text)


def save(settings: Settings, requested: str, article: WebArticle | WebFile) -> AddedArticle:
    """Write the article's file (Markdown, or the PDF/DOCX itself); an unchanged one is left alone.

    A Markdown article that differs only in its fetch time counts as unchanged.
    """
    path = target_path(settings, requested)
    if isinstance(article, WebFile):
        path, data = path.with_suffix(article.suffix), article.body
        same = path.is_file() and path.read_bytes() == data
    else:
        fetched = datetime.now(UTC).replace(microsecond=0).isoformat()
        data = to_markdown(article, fetched).encode("utf-8")
        old = path.read_bytes().decode("utf-8", errors="replace") if path.is_file() else None
        same = old is not None and _without_fetch_time(old) == _without_fetch_time(data.decode("utf-8"))
    rel = path.relative_to(settings.corpus.dir).as_posix()
    if same:
        return AddedArticle(url=article.url, path=rel, title=article.title, status="unchanged")
    status = "updated" if path.is_file() else "added"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return AddedArticle(url=article.url, path=rel, title=article.title, status=status)
