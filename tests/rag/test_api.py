"""The HTTP API (``rag.api``) through FastAPI's test client, over a tiny invented corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rag.api import create_app
from rag.discovery import check_bind, is_loopback
from rag.errors import RagError

QUESTION = "How much did the bridge repairs cost?"


@pytest.fixture
def indexed(assistant_for, tiny_corpus: Path):
    a = assistant_for(tiny_corpus, answer__backend="extractive")
    a.index()
    return a


@pytest.fixture
def api(indexed) -> TestClient:
    return TestClient(create_app(indexed))


def without_timings(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "timings_ms"}


def test_ask_returns_the_cited_json_of_ask_json(api: TestClient, cli, tiny_corpus: Path, monkeypatch) -> None:
    response = api.post("/ask", json={"question": QUESTION})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    data = response.json()
    assert not data["abstained"] and "$42 million" in data["answer"]
    citation = data["citations"][0]
    assert citation["file"] == "alpha.txt" and citation["start_line"] <= citation["end_line"]
    assert "$42 million" in citation["quote"] and citation["support_score"] > 0

    monkeypatch.setenv("RAG_CORPUS_DIR", str(tiny_corpus))
    monkeypatch.setenv("RAG_ANSWER_BACKEND", "extractive")
    monkeypatch.setenv("RAG_API_FORWARD", "false")
    code, out, err = cli("ask", QUESTION, "--json")
    assert code == 0, err
    local = json.loads(out)
    assert set(local) == set(data) and set(local["timings_ms"]) == set(data["timings_ms"])
    assert without_timings(local) == without_timings(data)


def test_ask_streams_deltas_then_the_answer(api: TestClient) -> None:
    with api.stream("POST", "/ask", json={"question": QUESTION, "stream": True}) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
        events = [json.loads(line) for line in response.iter_lines() if line]
    kinds = [e["type"] for e in events]
    assert kinds[-1] == "answer" and kinds.count("answer") == 1 and kinds[:-1] and set(kinds[:-1]) == {"delta"}
    streamed = "".join(e["text"] for e in events[:-1])
    assert "$42 million" in streamed
    final = events[-1]["answer"]
    assert without_timings(final) == without_timings(api.post("/ask", json={"question": QUESTION}).json())


def test_follow_up_uses_the_history_it_is_sent(api: TestClient) -> None:
    first = api.post("/ask", json={"question": "Who is the city engineer of Port Elms?"}).json()
    follow = api.post("/ask", json={"question": "What did she say the repairs cost?", "history": [first]}).json()
    assert follow["standalone_question"] != follow["question"]
    assert "$42 million" in follow["answer"]


def test_search_sources_health(api: TestClient, indexed) -> None:
    hits = api.get("/search", params={"q": "orchard festival visitors", "k": 2}).json()
    assert hits["query"] == "orchard festival visitors" and len(hits["results"]) == 2
    assert hits["results"][0]["file"] == "beta.md" and "12,000" in hits["results"][0]["text"]
    assert {"start_line", "end_line", "score", "retrievers"} <= set(hits["results"][0])

    sources = api.get("/sources").json()["sources"]
    assert [s["path"] for s in sources] == ["alpha.txt", "beta.md", "sub/gamma.txt"]

    health = api.get("/health").json()
    assert health["status"] == "ok" and health["store"].startswith(str(indexed.settings.store.dir.resolve()))


def test_dates_limit_ask_and_search_and_are_recorded(api: TestClient) -> None:
    before = api.post("/ask", json={"question": QUESTION, "as_of": "2024-03-01"}).json()
    assert before["window"]["as_of"] == "2024-03-01", "the answer records the window"
    assert all(c["file"] != "alpha.txt" for c in before["citations"]) and "$42 million" not in before["answer"]
    after = api.post("/ask", json={"question": QUESTION, "as_of": "2024-03-04"}).json()
    assert after["window"]["as_of"] == "2024-03-04" and after["citations"][0]["file"] == "alpha.txt"

    ranged = api.get("/search", params={"q": "bridge repairs", "since": "2024-03-01", "until": "2024-03-31"}).json()
    assert (ranged["window"]["since"], ranged["window"]["until"]) == ("2024-03-01", "2024-03-31")
    assert [h["file"] for h in ranged["results"]] == ["alpha.txt"], "undated articles are outside a range"
    plain = api.get("/search", params={"q": "bridge repairs"}).json()
    assert plain["window"]["as_of"] and plain["window"]["since"] is None and len(plain["results"]) > 1

    bad = api.get("/search", params={"q": "bridge", "as_of": "not a date at all"})
    assert bad.status_code == 400 and bad.json()["detail"].startswith("Could not read the date 'not a date at all'")
    empty = api.post("/ask", json={"question": QUESTION, "since": "2024-04-01", "until": "2024-03-01"})
    assert empty.status_code == 400 and "\n" not in empty.json()["detail"]


def test_index_indexes_the_configured_corpus(api: TestClient, tiny_corpus: Path) -> None:
    (tiny_corpus / "delta.txt").write_text(
        "Tram Line Opens\n\nThe new tram line of Greenvale carried 5,100 riders on its first day.\n", encoding="utf-8"
    )
    summary = api.post("/index", json={}).json()
    assert summary["added"] == ["delta.txt"] and len(summary["unchanged"]) == 3 and summary["chunks_embedded"] >= 1
    answer = api.post("/ask", json={"question": "How many riders did the tram line carry on its first day?"}).json()
    assert "5,100" in answer["answer"] and answer["citations"][0]["file"] == "delta.txt"


def test_bad_input_is_a_one_line_error(api: TestClient) -> None:
    blank = api.post("/ask", json={"question": "   "})
    assert blank.status_code == 400 and blank.json() == {"detail": "The question is empty"}
    assert api.post("/ask", json={"question": "x", "k": 0}).status_code == 422
    assert api.get("/search").status_code == 422
    assert api.post("/ask", json={"question": "x", "backend": "gpt"}).status_code == 422


def test_a_body_the_error_cannot_echo_is_a_422_in_one_line(api: TestClient) -> None:
    # A lone surrogate and an infinite number cannot be echoed as JSON; FastAPI's own 422 failed with a 500.
    for body, field in (('{"question": "crane \\ud800 cost"}', "question"), ('{"question": "x", "k": 1e400}', "k")):
        response = api.post("/ask", content=body, headers={"Content-Type": "application/json"})
        detail = response.json()["detail"]
        assert response.status_code == 422 and isinstance(detail, str) and detail.startswith(f"{field}: ")
        assert "\n" not in detail and "ud800" not in detail and len(detail) < 200
    assert api.post("/ask", json={"question": QUESTION, "k": 80}).status_code == 200


def test_empty_index_is_409_with_the_fix(assistant_for, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    client = TestClient(create_app(assistant_for(tmp_path / "empty")))
    for stream in (False, True):
        response = client.post("/ask", json={"question": QUESTION, "stream": stream})
        assert response.status_code == 409 and "run `rag index`" in response.json()["detail"]


ROUTES = [
    ("GET", "/health", None),
    ("GET", "/sources", None),
    ("GET", "/search?q=bridge", None),
    ("POST", "/ask", {"question": QUESTION}),
    ("POST", "/index", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_a_set_token_is_required_on_every_route(indexed, method: str, path: str, body: dict | None) -> None:
    client = TestClient(create_app(indexed, token="s3cret-token"))
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-token"}):
        refused = client.request(method, path, json=body, headers=headers)
        assert refused.status_code == 401, headers
        assert refused.json() == {"detail": "Missing or wrong bearer token"}
    ok = client.request(method, path, json=body, headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200


def test_openapi_documents_the_routes(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    assert {"/ask", "/search", "/sources", "/index", "/health"} <= set(spec["paths"])
    assert "AskRequest" in spec["components"]["schemas"] and "Answer" in spec["components"]["schemas"]
    page = api.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text.lower()  # offline: Swagger UI comes from a package
    assert api.get("/docs-static/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_needs_no_token(host: str) -> None:
    assert is_loopback(host)
    check_bind(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "newsroom.example"])
def test_other_addresses_need_a_token(host: str) -> None:
    with pytest.raises(RagError, match="RAG_API_TOKEN"):
        check_bind(host, None)
    check_bind(host, "a-token")


def test_serve_off_loopback_without_token_is_refused_in_one_line(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = cli("serve", "--host", "0.0.0.0")
    assert code == 1 and err.strip().count("\n") == 0
    assert "Refusing to serve the API on 0.0.0.0 without a token" in err


def test_serve_on_a_taken_port_is_one_line(cli, tiny_corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.setenv("RAG_CORPUS_DIR", str(tiny_corpus))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, _, err = cli("serve", "--port", str(taken.getsockname()[1]))
    assert code == 1 and "Cannot listen on 127.0.0.1" in err and err.strip().count("\n") == 0
