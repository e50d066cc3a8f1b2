"""The date line a metadata answer quotes: a front-matter date, on no chunk, becomes a passage of its own."""

from __future__ import annotations

from datetime import date

import pytest

from rag import prompts
from rag.metadata_answers import with_header_lines
from rag.models import DateWindow, RetrievedChunk
from tests.fakes import FakeLLM

FILE = "---\ndate: 2024-03-02\nsource: bayrecord.example\n---\nHarbour Wall Rebuilt\n\nThe wall reopened.\n"


def _chunk(text: str, start: int, **fields: object) -> RetrievedChunk:
    return RetrievedChunk(
        id=f"wall.md:{start}", text=text, file="wall.md", path="wall.md", title="Harbour Wall Rebuilt",
        start_char=start, end_char=start + len(text), start_line=5, end_line=7, content_hash="h", score=0.5,
        published="2024-03-02", date_source="front_matter", **fields,
    )  # fmt: skip


def test_a_front_matter_date_line_is_added_as_a_passage_at_its_line_of_the_file() -> None:
    at = FILE.index("date:")
    chunk = _chunk(
        "Harbour Wall Rebuilt\n\nThe wall reopened.", 32, date_line=2, date_quote="date: 2024-03-02", date_char=at
    )
    hits = with_header_lines([chunk])
    assert hits[0] == chunk and len(hits) == 2
    line = hits[1]
    assert (line.text, line.start_line, line.end_line, line.path) == ("date: 2024-03-02", 2, 2, "wall.md")
    assert FILE[line.start_char : line.end_char] == line.text
    assert line.id != chunk.id and line.published == "2024-03-02"


def test_nothing_is_added_when_a_hit_holds_the_date_line_or_no_line_states_it() -> None:
    dateline = _chunk("Harbour Wall Rebuilt\nBy Jane Roe | March 2, 2024\n\nThe wall reopened.", 0,
                      date_line=2, date_quote="By Jane Roe | March 2, 2024", date_char=21)  # fmt: skip
    undated = _chunk("Harbour Wall Rebuilt\n\nThe wall reopened.", 0)
    assert with_header_lines([dateline]) == [dateline]
    assert with_header_lines([undated]) == [undated]


# Invented articles: two authors, one article co-authored, bylines in front matter and in a "By" line; one article
# that only mentions a person who has no byline, and one by a third author.
AUTHORED = {
    "port-plan.md": (
        "---\ntitle: Harbour Board Backs Port Expansion Plan\nauthor: Ines Carvalho\ndate: 2024-03-05\n---\n"
        "The Velmora harbour board voted on Tuesday to back a plan to deepen the northern port.\n"
        "Board chair Rui Almada said dredging would start in the autumn.\n"
    ),
    "ferry-fares.txt": (
        "Ferry Fares Rise For Summer\nBy Ines Carvalho and Tom Bell\nJune 12, 2024\n\n"
        "Ferry operators on the Calder strait raised summer fares by eight percent.\n"
    ),
    "desk/quay.txt": (
        "Quay Repairs Approved\nBy Tom Bell\nJanuary 20, 2024\n\n"
        "The harbour board approved repairs to the old quay. Rui Almada praised the crews.\n"
    ),
    "market.md": (
        "---\ntitle: Night Market Returns\nauthor: Ines Carvalho\n---\n"
        "The night market returned to the old square on Friday with sixty stalls.\n"
    ),
    "museum.txt": (
        "Museum Opens New Wing\nBy Lena Ostrova\nFebruary 2, 2024\n\n"
        "Curator Rui Almada said letters written by Ines Carvalho's grandfather are on show.\n"
    ),
}


@pytest.fixture
def authored(extractive_over):
    return extractive_over(AUTHORED)


def test_a_persons_articles_are_listed_newest_first_each_cited_at_its_byline_line(authored) -> None:
    answer = authored.ask("Which articles did Ines Carvalho write?")
    assert not answer.abstained
    cited = [(c.path, c.start_line, c.quote) for c in answer.citations]
    assert cited == [
        ("ferry-fares.txt", 2, "By Ines Carvalho and Tom Bell"),
        ("port-plan.md", 3, "author: Ines Carvalho"),
        ("market.md", 3, "author: Ines Carvalho"),  # undated: last
    ]
    for c in answer.citations:  # each marker stands after its article's title and points at the quoted line
        assert f"{c.title}” (" in answer.answer.split(f"[{c.n}]")[0].splitlines()[-1]
        text = (authored.settings.corpus.dir / c.path).read_text(encoding="utf-8")
        assert text.splitlines()[c.start_line - 1].strip() == c.quote
    assert "museum.txt" not in {c.path for c in answer.citations}  # a mention is no byline
    assert answer.short_answer is None


def test_a_surname_finds_the_co_authored_article_too(authored) -> None:
    answer = authored.ask("What has Bell written?")
    assert [c.path for c in answer.citations] == ["ferry-fares.txt", "desk/quay.txt"]
    assert "Tom Bell" in answer.answer


@pytest.mark.parametrize("question", ["What has Rui Almada written?", "Which articles did Rui Almada write?"])
def test_a_name_on_no_byline_abstains_though_articles_mention_it(authored, question: str) -> None:
    # Before, the first was read as a text question and quoted a sentence that mentions him writing nothing.
    answer = authored.ask(question)
    assert answer.abstained and answer.answer == prompts.NO_ANSWER and not answer.citations


def test_the_list_stops_at_the_setting_and_says_how_many_more(authored) -> None:
    authored.settings.answer.max_listed_articles = 1
    answer = authored.ask("List the articles by Ines Carvalho")
    assert [c.path for c in answer.citations] == ["ferry-fares.txt"]
    assert "3 indexed articles" in answer.answer and "2 more" in answer.answer


def test_what_else_the_author_of_an_article_wrote(authored) -> None:
    answer = authored.ask("What else did the author of the article about the quay repairs write?")
    assert [c.path for c in answer.citations] == ["desk/quay.txt", "ferry-fares.txt"]
    assert answer.citations[0].quote == "By Tom Bell"


def test_the_store_lists_every_files_header_without_reading_chunk_text(authored) -> None:
    headers = {h.path: h for h in authored.store.headers()}
    assert set(headers) == set(AUTHORED)
    assert headers["ferry-fares.txt"].byline == "Ines Carvalho and Tom Bell"
    assert headers["port-plan.md"].published == "2024-03-05" and headers["market.md"].published is None


def test_the_users_date_limits_apply_to_the_list(authored) -> None:
    # Until the end of March: the June article is out, and so is the undated one (as retrieval treats them).
    answer = authored.ask("Which articles did Ines Carvalho write?", window=DateWindow(until=date(2024, 3, 31)))
    assert [c.path for c in answer.citations] == ["port-plan.md"]
    assert answer.window is not None and answer.window.until == date(2024, 3, 31)


def test_with_a_language_model_the_list_is_still_read_from_the_bylines(authored) -> None:
    llm = FakeLLM().enqueue("Ines Carvalho wrote about the museum [1].")
    answer = authored.ask("What has Ines Carvalho written?", generator=llm)
    assert not llm.calls  # a model would list what retrieval happened to return, or make titles up
    assert answer.backend == "extractive" and len(answer.citations) == 3 and "museum" not in answer.answer


def test_what_else_she_wrote_after_who_wrote_an_article_lists_that_authors_other_articles(authored) -> None:
    first = authored.ask("Who wrote the article about the quay repairs?")
    assert first.short_answer is not None and first.short_answer.text == "Tom Bell"
    answer = authored.ask("What else has he written?", history=[first])
    assert answer.standalone_question == "What else did the author of the article about the quay repairs write?"
    assert [c.path for c in answer.citations] == ["desk/quay.txt", "ferry-fares.txt"]


def test_a_surname_two_bylined_people_share_asks_for_the_full_name(extractive_over) -> None:
    a = extractive_over(
        {
            "one.txt": "Dock Strike Ends\nBy Inês Carvalho\nMay 2, 2024\n\nDockers returned to work on Monday.\n",
            "two.txt": "Tram Line Opens\nBy Rui Carvalho\nMay 9, 2024\n\nThe new tram line opened to riders.\n",
        }
    )
    answer = a.ask("What has Carvalho written?")
    assert answer.abstained and answer.answer.startswith(prompts.NO_ANSWER) and not answer.citations
    assert "Inês Carvalho" in answer.answer and "Rui Carvalho" in answer.answer
    full = a.ask("Which articles did Ines Carvalho write?")  # accents aside
    assert [c.path for c in full.citations] == ["one.txt"] and full.citations[0].quote == "By Inês Carvalho"


RECALL = {
    "recall.md": (
        "---\ntitle: Quennel recalls the pill Tessaline\nauthor: Ines Carvalho\ndate: 2026-03-04\n---\n"
        "Quennel recalled its blood-pressure pill Tessaline on Tuesday after tests found a solvent in 14 batches.\n"
    ),
    "board.md": (
        "---\ntitle: Board widens the Tessaline recall\nauthor: Tom Bell\ndate: 2026-03-11\n---\n"
        "The safety board said the Tessaline recall now covers 31 batches, more than the company said.\n"
    ),
    "opinion.md": (
        "---\ntitle: 'Opinion: the Tessaline recall shows our rules are too slow'\nauthor: Lena Ostrova\n"
        "date: 2026-04-08\n---\n"
        "The Tessaline recall came weeks after the first warnings, and patients paid for the delay.\n"
    ),
    "interview.md": (
        "---\ntitle: Quennel chief speaks about the Tessaline recall\nauthor: Rui Almada\ndate: 2026-03-19\n---\n"
        "In an interview, chief executive Ilse Marr said the recall would cost 85 million krona.\n"
    ),
    "regatta.md": (
        "---\ntitle: Brackley Oars win the Vessen Cup\nauthor: Dora Vance\ndate: 2026-08-16\n---\n"
        "Brackley Oars won the Vessen Cup on Saturday, beating Tarn Rowing Club by two seconds.\n"
    ),
}


def test_the_article_a_metadata_question_describes_is_the_one_answered(extractive_over) -> None:
    a = extractive_over(RECALL)
    answer = a.ask("Who wrote the opinion piece on the Tessaline recall?")
    assert answer.short_answer is not None and answer.short_answer.text == "Lena Ostrova"
    answer = a.ask("When was the interview with Ilse Marr published?")
    assert answer.short_answer is not None and answer.short_answer.text == "2026-03-19"


MEDIATION = {
    "talks.md": (
        "---\ntitle: Retired judge named to mediate the Orsk ferry dispute\nauthor: Tove Lind\n"
        "date: 2026-05-08\n---\n"
        "The government appointed retired judge Ada Venn on Friday to end the ferry strike.\n"
    ),
    "offer.md": (
        "---\ntitle: Ferry operator makes a new offer\nauthor: Per Holm\ndate: 2026-05-10\n---\n"
        "The operator sent its revised offer to the union through the mediator, Judge Ada Venn.\n"
    ),
}


def test_the_described_article_is_found_by_a_derived_word_of_its_title(extractive_over) -> None:
    a = extractive_over(MEDIATION)
    # "mediator" is written in the other article; the one described is titled "… named to mediate …".
    answer = a.ask("When was the story about the mediator published?")
    assert answer.short_answer is not None and answer.short_answer.text == "2026-05-08"


def test_who_wrote_the_article_in_a_conversation_means_the_article_it_read(extractive_over) -> None:
    a = extractive_over(RECALL)
    first = a.ask("Who won the Vessen Cup?")
    answer = a.ask("Who wrote the article?", history=[first])
    assert answer.short_answer is not None and answer.short_answer.text == "Dora Vance"


def test_a_publication_statement_the_layout_wrapped_is_quoted_and_answered_on_one_line(extractive_over) -> None:
    a = extractive_over(
        {
            "report.txt": "The Cost of Waiting\nPublished by the Orlen Patients Society, April\n22, 2026. Lead author: "
            "Dr Ann Brell.\n\nThe society surveyed 1,842 patients who had waited for their treatment.\n"
        }
    )
    answer = a.ask("When was the report on waiting published?")
    assert answer.short_answer is not None and answer.short_answer.text == "April 22, 2026"
    cited = answer.citations[answer.short_answer.citation - 1]
    assert (cited.start_line, cited.end_line) == (2, 3)
    assert cited.quote == "Published by the Orlen Patients Society, April\n22, 2026."


def test_the_latest_on_a_topic_adds_the_newest_article_about_it_from_a_wider_ranking() -> None:
    from rag.metadata_answers import with_newest

    def story(path: str, day: str, text: str) -> RetrievedChunk:
        return RetrievedChunk(
            id=path, text=text, file=path, path=path, title=text.split(".")[0], start_char=0, end_char=len(text),
            start_line=1, end_line=1, content_hash=path, score=0.5, published=day, date_source="front_matter",
        )  # fmt: skip

    report = story("report.md", "2026-03-17", "The Ostwick water inquiry found lead in 40 homes.")
    fair = story("fair.md", "2026-05-02", "The Ostwick spring fair drew 9,000 visitors.")
    update = story("update.md", "2026-04-20", "Ostwick lifted its order to boil tap water on Monday.")
    older = story("first.md", "2026-03-02", "Ostwick residents were told to boil tap water.")
    question = "What is the latest on the Ostwick water crisis?"
    assert with_newest(question, [report], [report, fair, older, update]) == [report, update]
    assert with_newest(question, [report, update], [report, update, fair]) == [report, update]
    assert with_newest(question, [report], [report, fair]) == [report]  # newer, but about something else


VOTE = {
    "win.txt": (
        "Greens win Orlby mayoral race\n\nBy Ana Roos\nLakeside Daily, 9 November 2026\n\n"
        "Ada Quist won the Orlby mayoral election on Sunday with 52 percent of the vote.\n"
    ),
    "oath.txt": (
        "Quist sworn in as Orlby mayor\n\nBy Per Holm\nBayview Herald, 20 November 2026\n\n"
        "Ada Quist was sworn in as mayor of Orlby on Thursday after the election.\n"
    ),
    "comet.txt": (
        "Comet found from a garden\n\nBy Lia Berg\nStarwatch Weekly, 3 October 2026\n\n"
        "A retired nurse in Kettle Moor found a new comet with a garden telescope.\n"
    ),
}


def test_which_outlets_lists_every_outlet_that_covered_it_each_cited_at_its_line(extractive_over) -> None:
    a = extractive_over(VOTE)
    answer = a.ask("Which outlets covered the Orlby election?")
    assert not answer.abstained and answer.short_answer is None  # a list, not one bold outlet
    assert "Lakeside Daily" in answer.answer and "Bayview Herald" in answer.answer
    assert "Starwatch Weekly" not in answer.answer
    assert {c.quote for c in answer.citations} == {
        "Lakeside Daily, 9 November 2026",
        "Bayview Herald, 20 November 2026",
    }
    one = a.ask("Which outlet reported the comet?")
    assert one.short_answer is not None and one.short_answer.text == "Starwatch Weekly"
