"""Builders for the non-text fixture formats (PDF with fpdf2, DOCX with python-docx, a news page
with boilerplate, RSS feeds), so tests create every file they read; nothing is downloaded."""

from __future__ import annotations

import io
import json
import zipfile
from html import escape
from pathlib import Path


def make_pdf(
    path: Path,
    pages: list[str],
    *,
    title: str | None = None,
    user_password: str | None = None,
    owner_password: str | None = None,
    aes: bool = False,
) -> Path:
    """A PDF with a text layer, one string per page (paragraphs split on blank lines); "" is a page
    with only a drawn box, as a scan without OCR would have."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(auto=False)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        if not text:
            pdf.rect(20, 20, 150, 200, style="F")
            continue
        for paragraph in text.split("\n\n"):
            pdf.multi_cell(0, 6, paragraph)
            pdf.ln(4)
    if user_password or owner_password:
        from fpdf.enums import EncryptionMethod

        pdf.set_encryption(
            owner_password=owner_password or "owner-" + (user_password or ""),
            user_password=user_password or "",
            encryption_method=EncryptionMethod.AES_256 if aes else EncryptionMethod.RC4,
        )
    path.write_bytes(bytes(pdf.output()))
    return path


def make_docx(path: Path, title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


def make_zip_bomb(path: Path, unpacked_bytes: int = 300 * 1024 * 1024) -> Path:
    """A small file named .docx whose one member expands to ``unpacked_bytes`` of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(unpacked_bytes // len(block)):
                member.write(block)
    path.write_bytes(buffer.getvalue())
    return path


def news_page(
    title: str,
    paragraphs: list[str],
    *,
    author: str = "",
    date: str = "",
    site: str = "",
    url: str = "",
    table: list[list[str]] | None = None,
) -> str:
    """A saved news page: navigation, an ad, the article (with ``table`` after its paragraphs, the first row
    its header), a comment thread and a footer."""
    meta = "".join(
        f'<meta {attr}="{key}" content="{escape(value)}">'
        for attr, key, value in (
            ("name", "author", author),
            ("property", "og:site_name", site),
            ("property", "article:published_time", date),
        )
        if value
    )
    canonical = f'<link rel="canonical" href="{escape(url)}">' if url else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if table:
        head = "".join(f"<th>{escape(c)}</th>" for c in table[0])
        rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table[1:])
        body += f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return (
        f"<!doctype html><html><head><title>{escape(title)} | {escape(site or 'News')}</title>{meta}{canonical}"
        "</head><body><header><nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a>"
        "<a href='/weather'>Weather</a> <a href='/subscribe'>Subscribe now</a></nav></header>"
        "<div class='ad'>Advertisement: miracle kitchen gadgets at half price, order today</div>"
        f"<main><article><h1>{escape(title)}</h1>{body}</article></main>"
        "<section class='comments'><h3>Comments</h3><div class='comment'><p>First! Win a free cruise at "
        "my site, click the link in my profile.</p></div></section>"
        "<footer><p>Copyright the publisher. All rights reserved. Privacy policy. Cookie settings.</p></footer>"
        "</body></html>"
    )


def rss_feed(title: str, items: list[tuple[str, str]]) -> str:
    """An RSS 2.0 feed of (title, link) items."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid></item>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://127.0.0.1/</link><description>test feed</description>"
        f"{entries}</channel></rss>"
    )


REPORT_PAGES = [
    "Kestrel Valley Water Board\n\nAnnual report for the year. The board met four times and "
    "approved the budget for the pumping stations along the river.",
    "Reservoir levels\n\nThe Kestrel reservoir held 4.2 million cubic metres of water at the end of June, "
    "according to the board's engineer, Lena Okafor.\n\nLevels fell during the dry August weeks but "
    "recovered after the autumn rains.",
    "Outlook\n\nThe board expects to replace two pumps at the Millbrook station next spring.",
]
SEAWALL = [
    "The Gullport harbour council voted 7 to 2 on Tuesday to build a 900-metre seawall along the eastern "
    "docks, at a cost of 14 million euros.",
    "Construction is due to start in the autumn and to finish within three years, the council's engineer "
    "Tobias Renn said after the vote.",
    "Opponents said the wall would block the view from the old fish market and asked for a consultation.",
]


def write_format_corpus(root: Path) -> Path:
    """One article per format: a 3-page PDF, a DOCX with a table, a saved news page, Markdown with front matter."""
    root.mkdir(parents=True, exist_ok=True)
    make_pdf(root / "water-report.pdf", REPORT_PAGES, title="Kestrel Valley Water Board annual report")
    make_docx(
        root / "ferry.docx",
        "Alton ferry resumes service",
        [
            "The ferry between Alton and Brill resumed service on Friday after a six-week repair of its engines.",
            "The operator said crossings will run every 40 minutes on weekdays.",
        ],
        [["Route", "Adult fare"], ["Alton to Brill", "12 euros"]],
    )
    (root / "seawall.html").write_text(
        news_page(
            "Harbour council approves seawall",
            SEAWALL,
            author="Mara Quill",
            date="2024-03-05",
            site="Gullport Gazette",
            url="https://gazette.example/news/seawall",
        ),
        encoding="utf-8",
    )
    (root / "orchard.md").write_text(
        "---\ntitle: Orchard festival breaks record\nauthor: Tom Becker\ndate: 2024-09-14\n"
        "url: https://greenvale.example/orchard\nsource: Greenvale Courier\n---\n"
        "# Orchard festival breaks record\n\nThe Greenvale orchard festival drew 12,000 visitors this year.\n",
        encoding="utf-8",
    )
    return root


def ask_json(cli, question: str) -> dict:
    """``rag ask --json`` with the extractive backend, through the CLI fixture; the parsed answer."""
    code, out, err = cli("ask", question, "--json", "-b", "extractive")
    assert code == 0, err
    return json.loads(out)
