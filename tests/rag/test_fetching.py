"""`rag add URL|FEED_URL|FILE`: pages and feeds from a local server on 127.0.0.1 (nothing leaves the
machine) are saved as Markdown with front matter and indexed; every bad input is one line."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from rag.errors import FetchError
from rag.fetching import normalise
from tests.format_fixtures import SEAWALL, make_pdf, news_page, rss_feed
from tests.web_server import LocalSite, local_site


@pytest.fixture
def site() -> Iterator[LocalSite]:
    with local_site() as s:
        yield s


def _story(n: int) -> str:
    return news_page(
        f"Tram line {n} opens",
        [
            f"The number {n} tram line of Port Elms opened on Monday with {n * 10 + 5} stops across the city.",
            f"Transport officials said line {n} will carry about {n * 1000 + 400} passengers a day in its first year.",
        ],
        author="Ida Marsh",
        date=f"2024-06-{n:02d}",
        site="Port Elms Post",
    )


def test_a_page_is_saved_with_front_matter_indexed_and_cited(site: LocalSite, assistant_for, tiny_corpus) -> None:
    url = site.page("/news/seawall.html", news_page("Harbour council approves seawall", SEAWALL, author="Mara Quill"))
    a = assistant_for(tiny_corpus)
    a.index()
    result = a.add([url])
    assert [s.status for s in result.saved] == ["added"] and not result.rejected
    saved = tiny_corpus / result.saved[0].path
    assert saved.parent.parent.name == "web" and saved.suffix == ".md"
    text = saved.read_text()
    assert f"url: {url}" in text and "fetched: " in text and "author: Mara Quill" in text
    assert "Subscribe now" not in text and "free cruise" not in text
    assert text.count("Harbour council approves seawall") == 2  # the front matter's title and the text's
    assert result.index is not None and result.index.added == [result.saved[0].path]

    answer = a.ask("How long will the Gullport seawall be?", backend="extractive")
    assert "900-metre" in answer.answer and answer.citations[0].path == result.saved[0].path
    assert answer.citations[0].byline == "Mara Quill"

    again = a.add([url])
    assert [s.status for s in again.saved] == ["unchanged"] and again.index is None
    site.page("/news/seawall.html", news_page("Harbour council approves seawall", [*SEAWALL, "Work began in May."]))
    updated = a.add([url])
    assert [s.status for s in updated.saved] == ["updated"] and updated.saved[0].path == result.saved[0].path
    assert updated.index.updated == [result.saved[0].path]
    assert len(list((tiny_corpus / "web").rglob("*.md"))) == 1


def test_every_item_of_a_feed_is_fetched_and_a_huge_feed_is_capped(site: LocalSite, assistant_for, tiny_corpus) -> None:
    links = [site.page(f"/tram/{n}", _story(n)) for n in range(1, 4)]
    feed = site.page("/feed.xml", rss_feed("Port Elms Post", [(f"Tram {i}", link) for i, link in enumerate(links)]),
                     "application/rss+xml")  # fmt: skip
    a = assistant_for(tiny_corpus)
    result = a.add([feed])
    assert sorted(s.url for s in result.saved) == sorted(links) and not result.rejected
    answer = a.ask("How many stops does the number 2 tram line have?", backend="extractive")
    assert "25 stops" in answer.answer and answer.citations[0].path.startswith("web/")

    big = site.page("/big.xml", rss_feed("Big", [(f"Item {i}", f"/tram/{i % 3 + 1}") for i in range(10_000)]),
                    "application/rss+xml")  # fmt: skip
    a.settings.fetch.max_feed_items = 3
    capped = a.add([big])
    assert len(capped.saved) == 3 and capped.warnings == [
        f"{big}: the feed has 10,000 items; only the first 3 were fetched"
    ]


def test_bad_urls_each_give_one_line_and_the_others_are_added(site: LocalSite, assistant_for, tiny_corpus) -> None:
    good = site.page("/tram/1", _story(1))
    bad = {
        site.redirect("/to-file", "file:///etc/passwd"): "redirects to a non-HTTP URL",
        site.redirect("/to-ftp", "ftp://127.0.0.1/x"): "redirects to a non-HTTP URL",
        "file:///etc/passwd": "only http and https",
        "javascript:alert(1)": "only http and https",
        site.base + "/missing": "HTTP 404",
        site.page("/menu.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>"): "no article found",
        site.page("/huge", "x" * 5000, "text/plain"): "larger than the 4,000-byte limit",
        "http://127.0.0.1:9/closed": "network error",
    }
    a = assistant_for(tiny_corpus, fetch__max_bytes=4000)
    result = a.add([*bad, good])
    assert [s.url for s in result.saved] == [good]
    assert len(result.rejected) == len(bad)
    for rejected, (url, reason) in zip(result.rejected, bad.items(), strict=True):
        assert rejected.file == url and reason in rejected.reason and "\n" not in rejected.reason
    assert not any("passwd" in p.name for p in tiny_corpus.rglob("*"))


def test_text_that_is_neither_an_address_nor_a_file_says_so(assistant_for, tiny_corpus) -> None:
    a = assistant_for(tiny_corpus)
    result = a.add(["Who took over as chief executive?", "missing-notes.txt"])
    assert result.saved == [] and [r.file for r in result.rejected] == [
        "Who took over as chief executive?",
        "missing-notes.txt",
    ]
    assert all(r.reason == "neither a web address (http:// or https://) nor an existing file" for r in result.rejected)


def test_rag_add_cli_adds_files_and_urls_with_one_line_each(site: LocalSite, cli, tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tiny_corpus))
    pdf = make_pdf(tmp_path / "minutes.pdf", ["Minutes of the meeting.", "The vote was 5 to 4 in favour."])
    scan = make_pdf(tmp_path / "scan.pdf", [""])
    url = site.page("/tram/2", _story(2))
    (tiny_corpus / "blank.txt").write_text("")  # skipped by every index run, unrelated to what is added
    assert cli("index")[0] == 0
    code, out, err = cli("add", str(pdf), str(scan), url, site.redirect("/r", "file:///etc/passwd"))
    assert code == 0, err
    lines = out.strip().splitlines()
    assert "added minutes.pdf" in lines and any(line.startswith("added web/127_0_0_1/2-") for line in lines)
    assert "refused scan.pdf: no text layer (scanned?)" in lines
    assert any(line.startswith("refused: http://") and "redirects to a non-HTTP URL" in line for line in lines)
    assert lines[-1].startswith("Indexed: 2 added") and "blank.txt" not in out
    code, out, _ = cli("add", "ftp://example.invalid/a", "--json")
    data = json.loads(out)
    assert code == 1 and data["saved"] == [] and "only http and https" in data["rejected"][0]["reason"]


def test_normalise_refuses_other_schemes_and_keys_urls() -> None:
    assert normalise("HTTP://Example.COM/a?b=1#frag") == "http://example.com/a?b=1"
    for url in ("file:///x", "data:text/html,hi", "gopher://h/", "http:///nohost"):
        with pytest.raises(FetchError, match=r"only http and https|no host"):
            normalise(url)


def test_a_pdf_at_a_url_is_saved_as_a_pdf_and_cited_with_its_page(
    site: LocalSite, assistant_for, tiny_corpus, tmp_path
) -> None:
    from tests.format_fixtures import REPORT_PAGES

    pdf = make_pdf(tmp_path / "r.pdf", REPORT_PAGES, title="Water report").read_bytes()
    site.routes["/reports/water.pdf"] = (200, {"Content-Type": "application/pdf"}, pdf)
    scan = make_pdf(tmp_path / "s.pdf", [""]).read_bytes()
    site.routes["/reports/scan"] = (200, {"Content-Type": "application/octet-stream"}, scan)
    a = assistant_for(tiny_corpus)
    a.index()
    result = a.add([site.base + "/reports/water.pdf", site.base + "/reports/scan"])
    assert [s.path.endswith(".pdf") for s in result.saved] == [True] and result.saved[0].title == "Water report"
    assert (tiny_corpus / result.saved[0].path).read_bytes() == pdf
    assert [r.reason for r in result.rejected] == [f"{site.base}/reports/scan: no text layer (scanned?)"]
    answer = a.ask("How much water did the Kestrel reservoir hold at the end of June?", backend="extractive")
    assert answer.citations[0].path == result.saved[0].path and answer.citations[0].page == 2
    assert [s.status for s in a.add([site.base + "/reports/water.pdf"]).saved] == ["unchanged"]


def test_local_addresses_are_refused_in_one_line_when_set_or_when_served_to_other_machines(
    site: LocalSite, assistant_for, tiny_corpus
) -> None:
    url = site.page("/tram/3", _story(3))
    refused = assistant_for(tiny_corpus, fetch__private_addresses=False).add([url])
    assert not refused.saved and len(refused.rejected) == 1
    reason = refused.rejected[0].reason
    assert "refused, 127.0.0.1 is a private or local address" in reason and "\n" not in reason
    # Unset: refused once the UI (or the API) binds an address other machines reach.
    public_ui = assistant_for(tiny_corpus, ui__host="0.0.0.0")
    assert "private or local address" in public_ui.add([url]).rejected[0].reason
    public_api = assistant_for(tiny_corpus, api__host="192.0.2.10")
    assert "private or local address" in public_api.add([site.redirect("/hop", url)]).rejected[0].reason
    # Set explicitly, local fetches work on any host; unset on loopback they work too (the default).
    allowed = assistant_for(tiny_corpus, ui__host="0.0.0.0", fetch__private_addresses=True).add([url])
    assert [s.url for s in allowed.saved] == [url]
    assert assistant_for(tiny_corpus).add([site.page("/tram/4", _story(4))]).saved


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.0.1", "[::1]", "0.0.0.0"])
def test_each_kind_of_local_address_is_refused(host: str) -> None:
    from rag.fetching import check_address
    from rag.settings import Settings

    settings = Settings()
    settings.fetch.private_addresses = False
    with pytest.raises(FetchError, match="private or local address"):
        check_address(f"http://{host}/x", f"http://{host}/x", settings)
    settings.fetch.private_addresses = True
    check_address(f"http://{host}/x", f"http://{host}/x", settings)


def test_a_page_that_never_ends_is_refused_after_the_total_timeout(site: LocalSite) -> None:
    import time

    from rag.fetching import client, fetch
    from rag.settings import Settings

    # Each piece comes well within the per-read timeout; only a deadline on the whole fetch stops it.
    url = site.drip("/slow", b"<p>a</p>", every_s=0.2)
    settings = Settings()
    settings.fetch.timeout_s, settings.fetch.total_timeout_s = 2.0, 1.0
    started = time.monotonic()
    with client(settings) as http, pytest.raises(FetchError, match=r"took longer than 1 s") as refused:
        fetch(http, url, settings)
    assert time.monotonic() - started < 5 and "\n" not in str(refused.value)
