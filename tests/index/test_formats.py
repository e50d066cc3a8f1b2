"""Every article format, read from fixtures built here: text, metadata, pages, and a one-line reason
for each file that cannot be read (while the other files are still loaded)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from index.chunking import chunk_article, make_splitter
from index.loading import Article, load_corpus, read_article
from rag.settings import CorpusSettings, IndexSettings
from tests.format_fixtures import (
    REPORT_PAGES,
    make_docx,
    make_pdf,
    make_zip_bomb,
    news_page,
    write_format_corpus,
)


def _read(path: Path, **limits: object) -> Article:
    result = read_article(path, path.parent, 10_000_000, CorpusSettings(**limits))
    assert isinstance(result, Article), result
    return result


def _reason(path: Path, **limits: object) -> str:
    result = read_article(path, path.parent, 10_000_000, CorpusSettings(**limits))
    assert not isinstance(result, Article), f"{path.name} was read"
    assert "\n" not in result.reason
    return result.reason


def test_pdf_text_is_read_page_by_page_and_chunks_keep_their_page(tmp_path: Path) -> None:
    article = _read(make_pdf(tmp_path / "r.pdf", REPORT_PAGES, title="Water report"))
    assert article.title == "Water report" and article.pages is not None and len(article.pages) == 3
    page2, offset = article.page_text(2)
    assert "4.2 million cubic metres" in " ".join(page2.split()) and article.text[offset:].startswith(page2)
    assert "Millbrook" not in page2 and "Millbrook" in article.page_text(3)[0]
    chunks = chunk_article(article, make_splitter(IndexSettings(chunk_size=40, chunk_overlap=5)))
    assert {c.page for c in chunks} == {1, 2, 3}
    for chunk in chunks:
        page_text, start = article.page_text(chunk.page)
        assert start <= chunk.start_char and chunk.end_char <= start + len(page_text)
        assert article.text[chunk.start_char : chunk.end_char] == chunk.text
        assert chunk.page_line == article.text[:start].count("\n") + 1


def test_unreadable_pdfs_are_skipped_with_the_reason(tmp_path: Path) -> None:
    assert _reason(make_pdf(tmp_path / "scan.pdf", ["", ""])) == "no text layer (scanned?)"
    assert "encrypted" in _reason(make_pdf(tmp_path / "locked.pdf", ["Secret minutes"], user_password="pw"))
    assert "encrypted" in _reason(make_pdf(tmp_path / "aes.pdf", ["Secret minutes"], user_password="pw", aes=True))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    assert _reason(tmp_path / "broken.pdf").startswith("not a readable PDF")
    (tmp_path / "big.pdf").write_bytes(b"%PDF" + b"0" * 2000)
    big = read_article(tmp_path / "big.pdf", tmp_path, 1000)
    assert "limit" in big.reason


def test_a_truncated_pdf_is_one_skip_reason_and_no_library_noise_on_stderr(tmp_path: Path, caplog) -> None:
    whole = make_pdf(tmp_path / "whole.pdf", ["Harbour dues rose by a tenth this spring."]).read_bytes()
    (tmp_path / "cut.pdf").write_bytes(whole[: len(whole) // 2])
    assert _reason(tmp_path / "cut.pdf").startswith("not a readable PDF")
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]  # "EOF marker not found" on stderr


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    for aes in (False, True):
        path = make_pdf(tmp_path / f"restricted-{aes}.pdf", ["Printing is restricted, reading is not."],
                        owner_password="owner", aes=aes)  # fmt: skip
        assert "reading is not" in _read(path).text


def test_pages_beyond_the_cap_are_left_out_with_a_warning(tmp_path: Path) -> None:
    article = _read(make_pdf(tmp_path / "long.pdf", [f"Page {n} text here." for n in range(1, 6)]), pdf_max_pages=2)
    assert len(article.pages) == 2 and "Page 3" not in article.text
    assert any("5 pages; only the first 2" in w for w in article.warnings)
    partly = _read(make_pdf(tmp_path / "mixed.pdf", ["Typed page.", ""]))
    assert any("no text on page(s) 2 (scanned?)" in w for w in partly.warnings)


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "a.docx", "Ferry resumes", ["The ferry runs again.", "Fares are unchanged."], [["Route", "Fare"]]
    )
    article = _read(path)
    assert article.title == "Ferry resumes"
    assert article.text.split("\n\n") == [
        "Ferry resumes",
        "The ferry runs again.",
        "Fares are unchanged.",
        "Route | Fare",
    ]


def test_corrupt_docx_and_zip_bomb_are_refused(tmp_path: Path) -> None:
    (tmp_path / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    assert _reason(tmp_path / "corrupt.docx").startswith("not a valid DOCX")
    with zipfile.ZipFile(tmp_path / "no-document.docx", "w") as archive:
        archive.writestr("readme.txt", "A zip archive, but not a Word document.")
    assert _reason(tmp_path / "no-document.docx").startswith("not a valid DOCX")
    reason = _reason(make_zip_bomb(tmp_path / "bomb.docx"))
    assert "zip bomb" in reason and "314,572,800" in reason


def test_news_page_keeps_the_article_and_its_metadata(tmp_path: Path) -> None:
    page = news_page(
        "Seawall approved",
        ["The council voted 7 to 2 to build a seawall along the eastern docks of the old harbour town."] * 3,
        author="Mara Quill",
        date="2024-03-05",
        site="Gullport Gazette",
        url="https://gazette.example/seawall",
    )
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    article = _read(tmp_path / "p.html")
    assert "seawall along the eastern docks" in article.text
    for boilerplate in ("Subscribe now", "miracle kitchen", "free cruise", "All rights reserved"):
        assert boilerplate not in article.text
    assert (article.title, article.byline, article.source) == ("Seawall approved", "Mara Quill", "Gullport Gazette")
    assert article.published == "2024-03-05" and article.url == "https://gazette.example/seawall"
    assert article.warnings == []


def test_page_without_an_article_falls_back_to_its_text_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "menu.html").write_text(
        "<html><head><title>Site map</title></head><body><ul><li>Home</li><li>Contact us</li></ul></body></html>"
    )
    article = _read(tmp_path / "menu.html")
    assert "Contact us" in article.text
    assert len(article.warnings) == 1 and "no article found" in article.warnings[0]
    (tmp_path / "nothing.html").write_text("<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body>")
    assert _reason(tmp_path / "nothing.html") == "no readable text"


def test_markdown_front_matter_is_metadata_and_lines_stay_those_of_the_file(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Front matter title\nauthor: [Ann Lee, Bo Kim]\ndate: 2024-05-01\n"
        "url: https://x.example/a\nsource: X Daily\n---\n# Heading\n\nBody line.\n"
    )
    (tmp_path / "a.md").write_text(text)
    article = _read(tmp_path / "a.md")
    assert (article.title, article.byline, article.published) == ("Front matter title", "Ann Lee, Bo Kim", "2024-05-01")
    assert (article.url, article.source) == ("https://x.example/a", "X Daily")
    assert article.text.splitlines()[7] == "# Heading" == text.splitlines()[7] and "X Daily" not in article.text
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nBody text.\n")
    bad = _read(tmp_path / "bad.md")
    assert "not valid YAML" in bad.warnings[0] and "read line by line" in bad.warnings[0]
    assert "title" not in bad.text and "Body text." in bad.text


def test_front_matter_yaml_cannot_read_is_read_line_by_line(tmp_path: Path) -> None:
    # A colon in an unquoted title is invalid YAML, and common in hand-written front matter.
    text = "---\ntitle: Flood: clean-up begins in Varnholt\nauthor: Ida Brenn\ndate: 2025-03-06\n---\nBody line.\n"
    (tmp_path / "colon.md").write_text(text)
    article = _read(tmp_path / "colon.md")
    assert (article.title, article.byline, article.published) == (
        "Flood: clean-up begins in Varnholt",
        "Ida Brenn",
        "2025-03-06",
    )
    assert article.text.splitlines()[5] == "Body line." and "author" not in article.text


def test_bad_files_are_skipped_and_the_others_still_load(tmp_path: Path) -> None:
    root = write_format_corpus(tmp_path / "c")
    make_pdf(root / "scan.pdf", [""])
    make_zip_bomb(root / "bomb.docx")
    (root / "corrupt.docx").write_bytes(b"not a zip")
    articles, skipped = load_corpus(root, CorpusSettings())
    assert sorted(a.rel_path for a in articles) == ["ferry.docx", "orchard.md", "seawall.html", "water-report.pdf"]
    assert {s.file for s in skipped} == {"scan.pdf", "bomb.docx", "corrupt.docx"}


def test_page_metadata_line_states_only_what_the_text_does_not() -> None:
    from index.loading import with_page_metadata

    text = "Seawall approved\n\nThe council voted to build a seawall."
    out, stated = with_page_metadata(text, "Mara Quill", "2024-03-05")
    assert out.startswith(text) and stated is not None
    assert stated.quote == "Page metadata: by Mara Quill; published 2024-03-05."
    assert (
        out.splitlines()[stated.line - 1]
        == stated.quote
        == out[stated.start_char : stated.start_char + len(stated.quote)]
    )
    named = "Seawall approved\nBy Mara Quill\n\nThe council voted to build a seawall."
    assert with_page_metadata(named, "Mara Quill", "2024-03-05")[1].quote == "Page metadata: published 2024-03-05."
    assert with_page_metadata(named, "Mara Quill", None) == (named, None)  # nothing only the metadata says


def test_docx_table_cells_with_equal_text_stay_columns(tmp_path: Path) -> None:
    table = [["Library", "Old closing time", "New closing time"], ["Westfield", "17:00", "17:00"]]
    article = _read(make_docx(tmp_path / "hours.docx", "Library hours", ["Hours are changing."], table))
    assert article.text.split("\n\n")[-2:] == [
        "Library | Old closing time | New closing time",
        "Westfield | 17:00 | 17:00",
    ]


def test_front_matter_aliases_are_not_expanded_and_long_or_nested_values_are_no_field(tmp_path: Path) -> None:
    # Nested YAML aliases ("billion laughs"): a few hundred bytes would expand to a title of hundreds of MB.
    levels = ['a: &a ["ha","ha","ha","ha","ha","ha","ha","ha","ha"]']
    levels += [f"{n}: &{n} [{','.join(['*' + p] * 9)}]" for p, n in zip("abcdefg", "bcdefgh", strict=True)]
    text = "---\n" + "\n".join(levels) + "\ntitle: *h\nauthor: Tova Renn\n---\nThe Kessel quay reopened on Monday.\n"
    (tmp_path / "bomb.md").write_text(text)
    bomb = _read(tmp_path / "bomb.md")
    assert bomb.title == "The Kessel quay reopened on Monday."  # the first line, not "*h"
    assert bomb.byline == "Tova Renn" and "Kessel quay reopened" in bomb.text
    assert any("read line by line" in w for w in bomb.warnings)
    long_title = "Quay " * 100
    (tmp_path / "odd.md").write_text(
        f"---\ntitle: {long_title}\nauthor: {{a: [1, 2]}}\ndate: [2026, [1, 1]]\nsource: Kessel Post\n---\nBody.\n"
    )
    odd = _read(tmp_path / "odd.md")
    assert "Quay" not in (odd.title or "") and (odd.byline, odd.published, odd.source) == (None, None, "Kessel Post")
    assert [w.split(": ", 1)[1] for w in odd.warnings] == ["front matter title is longer than 300 characters; ignored"]
