from pathlib import Path

import pytest

from index.loading import decode, html_to_text, load_corpus, read_article
from rag.errors import CorpusError
from rag.settings import CorpusSettings


def _load(root: Path, **kw: object):
    return load_corpus(root, CorpusSettings(**kw))


def test_skips_bad_files_with_one_line_reasons(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Title\n\nSome text here.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blank.md").write_text("   \n\t\n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (tmp_path / "huge.txt").write_text("word " * 400)
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("Secret\n\nhidden")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("Not an article")
    articles, skipped = _load(tmp_path, max_file_bytes=1000)
    assert [a.rel_path for a in articles] == ["good.txt"]
    reasons = {s.file: s.reason for s in skipped}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.md"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "limit" in reasons["huge.txt"]
    assert "unsupported" in reasons["image.png"]
    assert not any("hidden" in f or ".git" in f for f in reasons)
    assert all("\n" not in r for r in reasons.values())


def test_walks_subfolders_and_reads_metadata(tiny_corpus: Path) -> None:
    articles, skipped = _load(tiny_corpus)
    by_path = {a.rel_path: a for a in articles}
    assert set(by_path) == {"alpha.txt", "beta.md", "sub/gamma.txt"} and not skipped
    alpha = by_path["alpha.txt"]
    assert alpha.title == "Harbor Bridge Reopens After Repairs"
    assert alpha.byline == "Jane Porter"
    assert alpha.published == "2024-03-04"
    assert by_path["sub/gamma.txt"].byline is None


def test_non_utf8_text_is_decoded_and_reported(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Café in Zürich\n\nThe café opened.".encode("latin-1"))
    (tmp_path / "wide.txt").write_bytes("Über title\n\nText in UTF-16.".encode("utf-16"))
    articles, skipped = _load(tmp_path)
    by_path = {a.rel_path: a for a in articles}
    assert not skipped
    assert by_path["latin.txt"].title == "Café in Zürich"
    assert by_path["latin.txt"].warnings and "not UTF-8" in by_path["latin.txt"].warnings[0]
    assert by_path["wide.txt"].title == "Über title"
    assert "UTF-16" in by_path["wide.txt"].warnings[0]


def test_decode_prefers_utf8() -> None:
    assert decode("naïve ’quote’".encode()) == ("naïve ’quote’", None)


def test_html_is_reduced_to_readable_text(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Council Votes</title><style>p{color:red}</style></head><body>"
        "<nav>Home | News</nav><h1>Council Votes on Budget</h1>"
        "<p>The council approved the <b>budget</b> on Tuesday.</p><script>alert('x')</script>"
        "<p>By a vote of 7 to 2.</p></body></html>"
    )
    text, title = html_to_text(page)
    assert title == "Council Votes"
    assert "alert" not in text and "color:red" not in text and "Home | News" not in text
    assert "The council approved the budget on Tuesday." in text
    path = tmp_path / "page.html"
    path.write_text(page)
    article = read_article(path, tmp_path, 10_000)
    assert article.title.startswith("Council Votes") and "alert" not in article.text


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        _load(tmp_path / "nope")


def test_skips_boilerplate_title_lines(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Skip to content\n\nReal Headline Here\n\nBody text.")
    articles, _ = _load(tmp_path)
    assert articles[0].title == "Real Headline Here"


def test_a_markdown_heading_gives_the_title_without_its_marks(tmp_path: Path) -> None:
    (tmp_path / "dam.md").write_text("## Dam opens at Velmor Falls\n\nThe dam opened on Monday.\n")
    (tmp_path / "tag.txt").write_text("#1 seed wins the open\n\nThe top seed won.\n")
    articles, _ = _load(tmp_path)
    by_path = {a.rel_path: a for a in articles}
    assert by_path["dam.md"].title == "Dam opens at Velmor Falls"
    assert by_path["tag.txt"].title == "#1 seed wins the open"


def test_a_symlink_loop_or_one_leaving_the_corpus_is_skipped_with_its_reason(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text("Crane repaired\n\nThe crane was repaired on Monday.\n")
    (root / "loop1.txt").symlink_to(root / "loop2.txt")
    (root / "loop2.txt").symlink_to(root / "loop1.txt")
    outside = tmp_path / "secret.txt"
    outside.write_text("Secret\n\nNot for the corpus.\n")
    (root / "leak.txt").symlink_to(outside)
    articles, skipped = load_corpus(root, CorpusSettings())
    assert [a.path.name for a in articles] == ["a.txt"]
    reasons = {s.file: s.reason for s in skipped}
    assert reasons == {
        "leak.txt": "symlink pointing outside the corpus",
        "loop1.txt": "symlink loop",
        "loop2.txt": "symlink loop",
    }
