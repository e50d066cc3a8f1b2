import itertools
from pathlib import Path

from index.chunking import chunk_article, make_splitter
from index.loading import load_corpus
from rag.settings import BUNDLED_CORPUS, CorpusSettings, IndexSettings


def test_every_bundled_chunk_cuts_exactly_from_its_file() -> None:
    articles, skipped = load_corpus(BUNDLED_CORPUS, CorpusSettings())
    assert len(articles) == 5 and not skipped
    splitter = make_splitter(IndexSettings())
    for article in articles:
        raw = (BUNDLED_CORPUS / article.rel_path).read_text(encoding="utf-8")
        lines = raw.splitlines(keepends=True)
        chunks = chunk_article(article, splitter)
        assert chunks, article.rel_path
        for chunk in chunks:
            assert raw[chunk.start_char : chunk.end_char] == chunk.text
            assert 1 <= chunk.start_line <= chunk.end_line <= len(lines)
            assert chunk.text in "".join(lines[chunk.start_line - 1 : chunk.end_line])
            assert lines[chunk.start_line - 1].rstrip().endswith(chunk.text.splitlines()[0].rstrip())
            assert chunk.content_hash == article.content_hash and chunk.n_chunks == len(chunks)
        words_in_file = set(raw.split())
        words_in_chunks = {w for c in chunks for w in c.text.split()}
        assert words_in_file == words_in_chunks, article.rel_path


def test_small_chunks_overlap_and_keep_offsets(tmp_path: Path) -> None:
    text = "Title line\n\n" + " ".join(f"Sentence number {i} is here." for i in range(200))
    (tmp_path / "long.txt").write_text(text)
    articles, _ = load_corpus(tmp_path, CorpusSettings())
    chunks = chunk_article(articles[0], make_splitter(IndexSettings(chunk_size=60, chunk_overlap=15)))
    assert len(chunks) > 5
    for a, b in itertools.pairwise(chunks):
        assert b.start_char < a.end_char, "consecutive chunks overlap"
        assert text[b.start_char : b.end_char] == b.text
    assert len({c.id for c in chunks}) == len(chunks)


def test_a_chunk_starting_inside_a_table_keeps_the_tables_header(tmp_path: Path) -> None:
    rows = "\n\n".join(f"Branch {i} | {8 + i % 3}:00 | {17 + i % 4}:30" for i in range(60))
    text = (
        "Opening hours\n\nThe council listed every branch.\n\nBranch | Opens | Closes\n\n" + rows + "\n\nThat was all."
    )
    (tmp_path / "hours.txt").write_text(text)
    articles, _ = load_corpus(tmp_path, CorpusSettings())
    chunks = chunk_article(articles[0], make_splitter(IndexSettings(chunk_size=60, chunk_overlap=10)))
    assert len(chunks) > 3 and chunks[0].table_header is None
    inside = [c for c in chunks[1:] if c.text.startswith("Branch ") and "| Opens |" not in c.text]
    assert inside and all(c.table_header == ["Branch", "Opens", "Closes"] for c in inside)
