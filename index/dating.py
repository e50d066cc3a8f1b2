"""An article's publication date and outlet, from the most trustworthy place that states them.

Trust order: the header or byline line of the text itself ("Reuters | June 3, 2022", "By Ann Lee,
3 June 2022"), then HTML meta (``article:published_time``, ``datePublished``, ``<time datetime>``), then
Markdown/YAML front matter (``date:``, ``published:``), then a value supplied with the file (such as a
benchmark's ``published_at``). A file that states no date has none: the file's mtime is never used,
because a copied or re-saved file would then claim to be news of the day it was copied.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from rag.dates import DATE_IN_TEXT_RE, parse_date

HEADER_LINES = 8
_MAX_HEADER_LEN = 120
_BY_RE = re.compile(r"\bBy\s+([A-Z][\w.'’-]*(?:\s+(?:and\s+)?[A-Z][\w.'’-]*){0,5})")
_SEPARATORS = re.compile(r"\s*(?:[|·•–—]|\s-\s|,)\s*")
_STAMP_WORDS = re.compile(r"\b(?:published|updated|posted|last updated|on|at|am|pm|[A-Z]{2,4}T|UTC|GMT)\b[:.]?", re.I)
_TIME_RE = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?", re.I)
_DOMAIN_RE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.I)
_FRONT_RE = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.S)
_DATE_KEYS = ("published", "published_at", "date", "datepublished", "pubdate", "created")
_OUTLET_KEYS = ("source", "outlet", "publisher", "site", "site_name", "publication")


@dataclass
class Dating:
    """The normalised result: ISO date (or None), outlet, author, and which source said so."""

    published: date | None = None
    outlet: str | None = None
    byline: str | None = None
    source: str = "none"

    @property
    def iso(self) -> str | None:
        return self.published.isoformat() if self.published else None


def _outlet_from(rest: str) -> str | None:
    """What is left of a header line once the date, time, author and stamp words are gone: an outlet
    if it is short (a domain or a few capitalised words)."""
    rest = _TIME_RE.sub(" ", rest)
    rest = _STAMP_WORDS.sub(" ", rest)
    parts = [p.strip(" .:;()[]") for p in _SEPARATORS.split(rest)]
    for part in parts:
        if not part:
            continue
        if _DOMAIN_RE.match(part):
            return part.lower()
        words = part.split()
        if 1 <= len(words) <= 4 and all(w[:1].isupper() or w[:1].isdigit() for w in words):
            return part
    return None


def header_line(text: str) -> Dating:
    """The first short line near the top that carries a date: its date, and the outlet and author
    written beside it."""
    lines = [line.strip() for line in text.splitlines()[: HEADER_LINES * 3] if line.strip()][: HEADER_LINES + 1]
    byline = by_outlet = None
    for line in lines[1:] if len(lines) > 1 else lines:
        if len(line) > _MAX_HEADER_LEN:
            continue
        by = _BY_RE.search(line)
        if by and byline is None:
            byline = by.group(1)
            by_outlet = _outlet_from(line.replace(by.group(0), " | "))
        m = DATE_IN_TEXT_RE.search(line)
        if not m:
            continue
        day = parse_date(m.group(0))
        if day is None:
            continue
        rest = line[: m.start()] + " | " + line[m.end() :]
        if by:
            rest = rest.replace(by.group(0), " | ")
        return Dating(published=day, outlet=_outlet_from(rest) or by_outlet, byline=byline, source="header")
    return Dating(byline=byline, outlet=by_outlet)


def _meta_content(soup: object, *selectors: tuple[str, str]) -> str | None:
    for attr, value in selectors:
        tag = soup.find("meta", attrs={attr: re.compile(f"^{re.escape(value)}$", re.I)})  # type: ignore[attr-defined]
        if tag and tag.get("content"):
            return str(tag["content"]).strip()
    return None


def _json_ld(soup: object) -> tuple[str | None, str | None]:
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):  # type: ignore[attr-defined]
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("datePublished"):
                publisher = item.get("publisher")
                name = publisher.get("name") if isinstance(publisher, dict) else None
                return str(item["datePublished"]), name
    return None, None


def html_meta(html: str) -> Dating:
    """``article:published_time``, ``datePublished`` (meta or JSON-LD), ``<time datetime>``; the outlet
    from ``og:site_name`` or the JSON-LD publisher."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    raw = _meta_content(
        soup,
        ("property", "article:published_time"),
        ("itemprop", "datePublished"),
        ("name", "datePublished"),
        ("name", "pubdate"),
        ("name", "date"),
    )
    ld_date, ld_outlet = _json_ld(soup)
    raw = raw or ld_date
    if raw is None:
        time_tag = soup.find("time", attrs={"datetime": True})
        raw = str(time_tag["datetime"]) if time_tag else None
    outlet = _meta_content(soup, ("property", "og:site_name"), ("name", "publisher")) or ld_outlet
    author = _meta_content(soup, ("name", "author"), ("property", "article:author"))
    day = parse_date(raw)
    return Dating(published=day, outlet=outlet, byline=author, source="html_meta" if day else "none")


def front_matter(text: str) -> Dating:
    """``date:``/``published:`` and ``source:``/``publisher:`` of a leading YAML block (``---`` fenced)."""
    m = _FRONT_RE.match(text.lstrip("\ufeff"))
    if not m:
        return Dating()
    fields: dict[str, str] = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t")):
            fields[key.strip().lower()] = value.strip().strip("'\"")
    raw = next((fields[k] for k in _DATE_KEYS if fields.get(k)), None)
    outlet = next((fields[k] for k in _OUTLET_KEYS if fields.get(k)), None)
    author = fields.get("author") or fields.get("byline")
    day = parse_date(raw)
    return Dating(published=day, outlet=outlet, byline=author, source="front_matter" if day else "none")


def supplied(published: str | None, outlet: str | None, source: str | None = None) -> Dating:
    """A date handed over with the file: the format's own metadata as the loader extracted it (HTML meta,
    front matter: ``source`` says which), or a benchmark's ``published_at``."""
    day = parse_date(published)
    return Dating(published=day, outlet=outlet, source=(source or "supplied") if day else "none")


def date_article(text: str, html: str | None = None, given: Dating | None = None) -> Dating:
    """The trusted date and outlet of an article: the first source in trust order that has a date; the
    outlet and author are filled from the later sources when the trusted one lacks them."""
    front = front_matter(text)
    body = text[front_end(text) :] if front.source != "none" or _FRONT_RE.match(text) else text
    candidates = [header_line(body)]
    if html is not None:
        candidates.append(html_meta(html))
    candidates += [front, given or Dating()]
    dated = [c for c in candidates if c.published]
    best = dated[0] if dated else Dating()
    outlet = best.outlet or next((c.outlet for c in candidates if c.outlet), None)
    byline = best.byline or next((c.byline for c in candidates if c.byline), None)
    return Dating(published=best.published, outlet=outlet, byline=byline, source=best.source)


def front_end(text: str) -> int:
    m = _FRONT_RE.match(text)
    return m.end() if m else 0
