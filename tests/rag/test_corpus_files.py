"""rag/corpus_files.py: serving corpus files safely and adding uploads to the corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.corpus_files import add_uploads, open_source, read_source, resolve_source, safe_filename
from rag.errors import CorpusError, UnsafePathError


@pytest.fixture
def settings(settings_for, tiny_corpus: Path):
    return settings_for(tiny_corpus)


def test_reads_an_article_with_its_title(settings) -> None:
    text, title = read_source(settings, "alpha.txt")
    assert title == "Harbor Bridge Reopens After Repairs"
    assert "City engineer Maria Lopez" in text
    text, _ = read_source(settings, "sub/gamma.txt")
    assert "central library" in text


def test_line_numbers_match_the_indexer(settings) -> None:
    """The viewer highlights lines by number: the text must be the indexer's text, HTML included."""
    (settings.corpus.dir / "page.html").write_text(
        "<html><head><title>Dam Opens</title><script>var x = 1;</script></head>"
        "<body><p>The dam opened on Friday.</p><p>It holds 3 million cubic metres.</p></body></html>",
        encoding="utf-8",
    )
    article = open_source(settings, "page.html")
    assert article.text.splitlines() == [
        "Dam Opens",
        "",
        "The dam opened on Friday.",
        "",
        "It holds 3 million cubic metres.",
    ]


@pytest.mark.parametrize(
    "crafted",
    [
        "../../etc/passwd",
        "../outside.txt",
        "sub/../../outside.txt",
        "..\\..\\etc\\passwd.txt",
        "/etc/passwd",
        "/etc/hostname.txt",
        "C:\\Windows\\win.ini",
        "~/notes.txt",
        ".hidden.txt",
        "alpha.txt\x00.png",
        "",
        "   ",
    ],
)
def test_refuses_paths_outside_the_corpus(settings, crafted: str) -> None:
    (settings.corpus.dir.parent / "outside.txt").write_text("secret", encoding="utf-8")
    with pytest.raises(UnsafePathError):
        read_source(settings, crafted)


def test_refuses_an_absolute_path_even_inside_the_corpus(settings) -> None:
    with pytest.raises(UnsafePathError, match="absolute"):
        read_source(settings, str((settings.corpus.dir / "alpha.txt").resolve()))


def test_refuses_non_article_types(settings) -> None:
    (settings.corpus.dir / "notes.py").write_text("print('x')", encoding="utf-8")
    with pytest.raises(UnsafePathError, match="not an article type"):
        read_source(settings, "notes.py")


def test_refuses_symlinks_that_escape_the_corpus(settings, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    os.symlink(secret, settings.corpus.dir / "link.txt")
    os.symlink(tmp_path, settings.corpus.dir / "escape")
    with pytest.raises(UnsafePathError, match="outside"):
        read_source(settings, "link.txt")
    with pytest.raises(UnsafePathError, match="outside"):
        read_source(settings, "escape/secret.txt")


def test_allows_symlinks_that_stay_inside(settings) -> None:
    os.symlink(settings.corpus.dir / "alpha.txt", settings.corpus.dir / "alias.txt")
    assert "Harbor Bridge" in read_source(settings, "alias.txt")[0]


def test_missing_file_is_a_readable_error(settings) -> None:
    with pytest.raises(CorpusError, match="no longer in the corpus"):
        read_source(settings, "gone.txt")
    assert resolve_source(settings, "./alpha.txt") == settings.corpus.dir / "alpha.txt"


def test_article_text_is_returned_verbatim_not_interpreted(settings) -> None:
    """Escaping is the renderer's job; the reader must not drop or alter markup in a .txt file."""
    (settings.corpus.dir / "xss.txt").write_text("Title\n<script>window.__pwned = 1</script>\n", encoding="utf-8")
    text, _ = read_source(settings, "xss.txt")
    assert "<script>window.__pwned = 1</script>" in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.txt", "report.txt"),
        ("My Report (final).MD", "My_Report_final.md"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\evil.html", "evil.html"),
        (".bashrc", "bashrc"),
        ("Zürich café.txt", "Zurich_cafe.txt"),
        ("新闻.txt", "article.txt"),
        ("", "article"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    got = safe_filename(name)
    assert got == expected


def test_add_uploads_saves_good_files_and_rejects_bad_ones(settings, tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    good = uploads / "New Story!.txt"
    good.write_text("Port Elms Opens Ferry\n\nA ferry now links Port Elms and Greenvale.\n", encoding="utf-8")
    page = uploads / "page.html"
    page.write_text("<html><body><h1>Dam Opens</h1><p>The dam opened.</p></body></html>", encoding="utf-8")
    pdf = uploads / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    empty = uploads / "empty.md"
    empty.write_text("  \n")
    binary = uploads / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    big = uploads / "big.txt"
    big.write_text("word " * 400)
    settings.corpus.max_file_bytes = 1000
    scripts_only = uploads / "scripts.html"
    scripts_only.write_text("<html><script>alert(1)</script></html>")

    saved, rejected = add_uploads(settings, [good, page, pdf, empty, binary, big, scripts_only])

    assert saved == ["New_Story.txt", "page.html"]
    assert (settings.corpus.dir / "New_Story.txt").read_text(encoding="utf-8").startswith("Port Elms Opens Ferry")
    reasons = {r.file: r.reason for r in rejected}
    assert reasons["paper.pdf"].startswith("not a readable PDF")
    assert reasons["empty.md"] == "empty file"
    assert reasons["blob.txt"].startswith("binary file")
    assert reasons["big.txt"].startswith("larger than the 1,000-byte limit")
    assert reasons["scripts.html"] == "no readable text"
    assert not (settings.corpus.dir / "paper.pdf").exists()


def test_add_uploads_never_overwrites(settings, tmp_path: Path) -> None:
    upload = tmp_path / "alpha.txt"
    upload.write_text("A different story\n\nSomething else happened.\n", encoding="utf-8")
    original = (settings.corpus.dir / "alpha.txt").read_text(encoding="utf-8")
    saved, rejected = add_uploads(settings, [upload])
    assert saved == ["alpha-2.txt"] and not rejected
    assert (settings.corpus.dir / "alpha.txt").read_text(encoding="utf-8") == original

    saved, rejected = add_uploads(settings, [settings.corpus.dir / "alpha.txt"])
    assert saved == [] and rejected[0].reason == "already in the corpus as alpha.txt"


def test_uploaded_files_can_be_read_back(settings, tmp_path: Path) -> None:
    upload = tmp_path / "../x" / "story.md"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text("# Story\n\nBody.\n", encoding="utf-8")
    (saved,), _ = add_uploads(settings, [upload])
    assert read_source(settings, saved) == ("# Story\n\nBody.\n", "Story")


def test_add_uploads_needs_the_corpus_folder(settings_for, tmp_path: Path) -> None:
    with pytest.raises(CorpusError):
        add_uploads(settings_for(tmp_path / "missing"), [])
