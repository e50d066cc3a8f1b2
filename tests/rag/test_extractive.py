"""The extractive answerer on invented articles: short answers, disagreements, metadata, near misses."""

from __future__ import annotations

import json

import pytest

from rag import prompts
from tests.conftest import write_corpus

ARTICLES = {
    "ferry.txt": (
        "Ferry Line Opens Between Calder and Emberly\n"
        "By Odile Marchetti\n"
        "April 2, 2024\n\n"
        "A new ferry route between Port Calder and Emberly opened on Tuesday after two years of planning.\n"
        "The route from Port Calder to Emberly is operated by Bluewake Lines, the company said in a statement.\n"
        "Henrik Adaire, a spokesperson for Bluewake Lines, said fourteen ships would serve the crossing.\n\n"
        "Tickets for the crossing went on sale at the harbour office in Port Calder.\n"
    ),
    "ferry-rival.txt": (
        "Emberly Crossing Draws First Passengers\n"
        "By Tomas Quillan\n"
        "April 9, 2024\n\n"
        "Passengers queued at dawn for the first sailings of the new crossing to Emberly.\n"
        "The route from Port Calder to Emberly is operated by Northgull Shipping Ltd, the harbour authority said.\n"
        "Local traders expect the crossing to bring more visitors to the market towns of the coast.\n"
    ),
    "orchard.txt": (
        "Orchard Festival Returns\n\n"
        "The orchard festival in Greenvale attracted thousands of visitors over the weekend.\n"
        "Organisers said apple cider sold out by noon on the first day of the festival.\n"
    ),
}


@pytest.fixture
def assistant(tmp_path, assistant_for):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    a = assistant_for(corpus, answer__backend="extractive")
    a.index()
    return a


def test_an_entity_question_opens_with_the_short_answer_and_its_citation(assistant) -> None:
    answer = assistant.ask("Who is the spokesperson for Bluewake Lines?")
    assert not answer.abstained
    assert answer.short_answer is not None
    assert answer.short_answer.text == "Henrik Adaire"
    assert answer.answer.startswith(f"Henrik Adaire [{answer.short_answer.citation}].")
    cited = next(c for c in answer.citations if c.n == answer.short_answer.citation)
    assert "Henrik Adaire" in cited.quote
    assert answer.short_answer.confidence is not None and 0.5 <= answer.short_answer.confidence < 1.0


def test_a_short_answer_below_the_minimum_confidence_is_not_shown_but_the_quotes_are(tmp_path, assistant_for) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    strict = assistant_for(corpus, answer__backend="extractive", answer__short_answer_min_confidence=1.0)
    strict.index()
    answer = strict.ask("Who is the spokesperson for Bluewake Lines?")
    assert not answer.abstained and answer.short_answer is None
    assert answer.answer.startswith("Henrik Adaire, a spokesperson") and answer.citations


def test_sources_that_name_different_entities_for_the_same_slot_are_both_shown(assistant) -> None:
    answer = assistant.ask("Which company operates the ferry route from Port Calder to Emberly?")
    assert prompts.DISAGREE_LEAD in answer.answer
    note = answer.answer.split(prompts.DISAGREE_LEAD, 1)[1]
    assert "Bluewake Lines" in note and "Northgull Shipping Ltd" in note
    files = {c.file for c in answer.citations}
    assert {"ferry.txt", "ferry-rival.txt"} <= files


def test_without_a_short_answer_shown_names_are_not_said_to_disagree(tmp_path, assistant_for) -> None:
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    strict = assistant_for(corpus, answer__backend="extractive", answer__short_answer_min_confidence=1.0)
    strict.index()
    answer = strict.ask("Which company operates the ferry route from Port Calder to Emberly?")
    assert answer.short_answer is None and {"ferry.txt", "ferry-rival.txt"} <= {c.file for c in answer.citations}
    assert prompts.DISAGREE_LEAD not in answer.answer  # nothing in bold for the other name to disagree with


def test_who_wrote_is_answered_from_the_byline_line(assistant) -> None:
    answer = assistant.ask("Who wrote the article about the ferry route between Port Calder and Emberly?")
    assert answer.short_answer is not None
    assert answer.short_answer.text in {"Odile Marchetti", "Tomas Quillan"}
    cited = next(c for c in answer.citations if c.n == answer.short_answer.citation)
    assert cited.quote == f"By {answer.short_answer.text}"
    assert cited.start_line == 2


def test_when_published_is_answered_from_the_date_line(assistant) -> None:
    answer = assistant.ask("When was the article about the orchard festival in Greenvale published?")
    # The orchard article has no date line: nothing to quote, so no date is made up for it.
    assert answer.short_answer is None or answer.short_answer.text in {"April 2, 2024", "April 9, 2024"}
    answer = assistant.ask("When was the article about the new ferry passengers queuing at dawn published?")
    assert answer.short_answer is not None
    cited = next(c for c in answer.citations if c.n == answer.short_answer.citation)
    assert cited.quote == answer.short_answer.text and cited.start_line == 3


def test_a_question_whose_names_are_in_no_passage_abstains(assistant) -> None:
    answer = assistant.ask("What did the Chinese embassy say about the ferry route to Emberly?")
    assert answer.abstained
    assert answer.answer == prompts.NO_ANSWER


def test_a_question_asking_for_a_kind_no_passage_holds_abstains(assistant) -> None:
    answer = assistant.ask("How much money did the ferry tickets cost?")
    assert answer.abstained


def test_the_short_answer_is_in_the_json_output(tmp_path, cli, monkeypatch) -> None:
    corpus = write_corpus(tmp_path / "corpus2", ARTICLES)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus))
    code, out, err = cli("ask", "Who is the spokesperson for Bluewake Lines?", "--backend", "extractive", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["short_answer"]["text"] == "Henrik Adaire"
    assert isinstance(data["short_answer"]["citation"], int)


def test_the_latest_on_a_topic_quotes_the_newest_article_date_line(assistant) -> None:
    answer = assistant.ask("What is the latest on the ferry crossing to Emberly?")
    assert answer.short_answer is not None and answer.short_answer.text == "April 9, 2024"
    cited = next(c for c in answer.citations if c.n == answer.short_answer.citation)
    assert cited.file == "ferry-rival.txt" and "April 9, 2024" in cited.quote


def test_who_wrote_an_article_without_a_byline_is_not_answered_from_another_article(assistant) -> None:
    answer = assistant.ask("Who wrote the article about the orchard festival in Greenvale?")
    assert answer.abstained


@pytest.mark.parametrize("question", ["Which city?", "Which towns?", "Who?"])
def test_a_question_that_names_only_its_answer_kind_is_not_answered(assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained and answer.answer == prompts.NO_ANSWER


def test_the_same_short_question_is_answered_when_the_conversation_gives_it_a_subject(assistant) -> None:
    first = assistant.ask("Where were tickets for the ferry crossing sold?")
    follow_up = assistant.ask("Which town?", history=[first])
    assert not follow_up.abstained and "Port Calder" in follow_up.answer


def test_a_count_of_something_no_figure_counts_abstains(assistant) -> None:
    # The articles count ships and years, never passengers: quoting "fourteen ships" would answer another question.
    assert assistant.ask("How many passengers queued for the first sailings to Emberly?").abstained
    answer = assistant.ask("How many ships would serve the crossing to Emberly?")
    assert not answer.abstained and "fourteen" in answer.answer


ROLE_ARTICLES = {
    "quay.txt": (
        "Quay Repairs Approved\n\n"
        "The Velmora harbour board approved repairs to the northern quay on Monday.\n"
        "The board's new director, a former dredging engineer, said the work would take two years.\n"
        "Fishing crews welcomed the decision after years of complaints about silt.\n"
        "Tomas Reyl, who has fished from the northern quay for thirty years, said the silt had cost him nets.\n"
    ),
}


def test_the_name_of_a_role_nobody_is_named_beside_abstains(extractive_over) -> None:
    a = extractive_over(ROLE_ARTICLES)
    # The director is mentioned, never named: "Tomas Reyl" is a person, but no director.
    assert a.ask("What is the name of the director of the Velmora harbour board?").abstained
    assert a.ask("Who is the director of the Velmora harbour board?").abstained
    # The same kind of question is answered where a name stands beside the role (see the spokesperson test).
    assert not a.ask("When did the Velmora harbour board approve the quay repairs?").abstained


GATE_ARTICLES = {
    "gates.txt": (
        "Velmora Airport Expands\n\n"
        "Gate 14 at Velmora airport was rebuilt last year for $12 million, the airport authority said.\n"
        "Gate 12 will close in the spring while engineers inspect its roof.\n"
        "Passengers praised the new seating and the wider windows of the terminal.\n"
    ),
}


def test_a_question_about_a_numbered_thing_is_not_answered_from_its_neighbour(extractive_over) -> None:
    a = extractive_over(GATE_ARTICLES)
    # Only Gate 14's cost is given: "$12 million" would answer another question.
    assert a.ask("How much did it cost to rebuild Gate 12 at Velmora airport?").abstained
    answer = a.ask("How much did it cost to rebuild Gate 14 at Velmora airport?")
    assert not answer.abstained and "12 million" in answer.answer


GARRISON_ARTICLES = {
    "garrison.txt": (
        "Kestran Garrison to Leave Velmora\n\n"
        "The Kestran army will withdraw its garrison from Velmora, the defence ministry said on Monday.\n"
        "The accord that let Kestran soldiers stay in Velmora had been in force since 2014.\n"
        "The ministry gave no timetable for the withdrawal, and officials expect a long process.\n"
        "Velmora will hold elections soon, though no polling day has been set.\n"
        "The garrison's commander visited the capital last month to discuss the handover.\n"
    ),
}


def test_a_date_question_abstains_when_the_read_dates_date_other_events(extractive_over) -> None:
    a = extractive_over(GARRISON_ARTICLES)
    # "since 2014" dates the accord, "last month" the commander's visit: neither dates the withdrawal's end.
    assert a.ask("On what date will the Kestran army complete its withdrawal from Velmora?").abstained
    assert a.ask("On what date are Velmora's elections being held?").abstained
    answer = a.ask("When did the commander of the Kestran garrison visit the capital?")
    assert not answer.abstained and "last month" in answer.answer


FRONT_MATTER = {
    "lighthouse.md": (
        "---\n"
        "date: '2024-05-14'\n"
        "source: coastwatch.example\n"
        "author: Marit Solberg\n"
        "---\n"
        "Lighthouse at Vessel Point Relit\n\n"
        "The lighthouse at Vessel Point was relit on Monday after a decade of darkness.\n"
        "Volunteers from the Vessel Point trust restored the lamp and the keeper's cottage.\n"
    ),
    "quarry.md": (
        "---\n"
        "date: '2023-11-02'\n"
        "source: dalesnews.example\n"
        "---\n"
        "Old Quarry at Brindle Fell Becomes a Lake\n"
        "By Anselm Rookwood\n"
        "November 2, 2023\n\n"
        "The flooded quarry at Brindle Fell opened to swimmers after the council approved the plan.\n"
    ),
}
FRONT_MATTER["canal.md"] = (
    "---\n"
    "date: 2024-06-03\n"
    "---\n"
    "Minister Opens Lock Gates\n\n"
    "VARNE, June 2 (Wire) - The minister opened the new lock gates on the Serre canal on Sunday, officials said.\n"
    "Barges waited for hours to pass through the gates on the first day.\n"
)
QUARRY = "the article about the flooded quarry at Brindle Fell"
LIGHTHOUSE = "the article about the lighthouse at Vessel Point"


@pytest.fixture
def front_matter_assistant(tmp_path, assistant_for):
    corpus = write_corpus(tmp_path / "fm", FRONT_MATTER)
    a = assistant_for(corpus, answer__backend="extractive")
    a.index()
    return a


@pytest.mark.parametrize(
    ("question", "quote", "line"),
    [(f"Who wrote {QUARRY}?", "By Anselm Rookwood", 6), (f"When was {QUARRY} published?", "November 2, 2023", 7)],
)
def test_metadata_lines_below_front_matter_are_cited_at_their_line_of_the_file(
    front_matter_assistant, question: str, quote: str, line: int
) -> None:
    answer = front_matter_assistant.ask(question)
    assert answer.short_answer is not None
    cited = next(c for c in answer.citations if c.n == answer.short_answer.citation)
    assert (cited.file, cited.quote, cited.start_line) == ("quarry.md", quote, line)
    assert FRONT_MATTER["quarry.md"].splitlines()[line - 1] == quote


def test_a_date_stated_only_in_front_matter_is_cited_at_its_line_of_the_front_matter(front_matter_assistant) -> None:
    """Front matter is blanked out of the indexed text, so no chunk holds its date: the answer quotes the
    front matter's ``date:`` line itself, cited at that line of the file, never a blank line."""
    answer = front_matter_assistant.ask(f"When was {LIGHTHOUSE} published?")
    assert not answer.abstained and answer.short_answer is not None
    assert answer.short_answer.text == "2024-05-14"
    cited = next(c for c in answer.citations if c.n == answer.short_answer.citation)
    raw = FRONT_MATTER["lighthouse.md"]
    assert (cited.file, cited.quote, cited.start_line, cited.end_line) == ("lighthouse.md", "date: '2024-05-14'", 2, 2)
    assert raw.splitlines()[cited.start_line - 1] == cited.quote
    assert raw[cited.quote_start_char : cited.quote_end_char] == cited.quote
    assert all(c.file == "lighthouse.md" for c in answer.citations)


def test_a_wire_dateline_without_a_year_is_the_line_cited(front_matter_assistant) -> None:
    """The dateline dates the article (its year from the front matter) and is the line quoted, though the
    article never writes the date in full."""
    assert {s.path: s.published for s in front_matter_assistant.sources()}["canal.md"] == "2024-06-02"
    answer = front_matter_assistant.ask("When was the article about the lock gates on the Serre canal published?")
    assert not answer.abstained and answer.citations
    cited = answer.citations[0]
    assert (cited.file, cited.start_line) == ("canal.md", 6)
    assert cited.quote.startswith("VARNE, June 2 (Wire)") and answer.answer.startswith("VARNE, June 2 (Wire) [1]")


def test_an_author_stated_only_in_front_matter_is_cited_at_its_line_of_the_front_matter(front_matter_assistant) -> None:
    """Like a front-matter date: the ``author:`` line is kept with the chunks and quoted, cited at its line of
    the file, never a blank line or another article's byline."""
    answer = front_matter_assistant.ask(f"Who wrote {LIGHTHOUSE}?")
    assert not answer.abstained and answer.short_answer is not None
    assert answer.short_answer.text == "Marit Solberg"
    cited = next(c for c in answer.citations if c.n == answer.short_answer.citation)
    raw = FRONT_MATTER["lighthouse.md"]
    assert (cited.file, cited.quote, cited.start_line) == ("lighthouse.md", "author: Marit Solberg", 4)
    assert raw[cited.quote_start_char : cited.quote_end_char] == cited.quote
    assert all(c.file == "lighthouse.md" for c in answer.citations)


def test_an_author_list_in_front_matter_is_not_quoted_from_its_key_line(tmp_path, assistant_for) -> None:
    """``authors:`` followed by a YAML list writes no name on its own line: nothing to quote, so no answer."""
    text = FRONT_MATTER["lighthouse.md"].replace(
        "author: Marit Solberg\n", "authors:\n  - Marit Solberg\n  - Ole Vik\n"
    )
    a = assistant_for(write_corpus(tmp_path / "fm", {"lighthouse.md": text}), answer__backend="extractive")
    a.index()
    assert {s.path: s.byline for s in a.sources()}["lighthouse.md"] == "Marit Solberg, Ole Vik"
    answer = a.ask(f"Who wrote {LIGHTHOUSE}?")
    assert answer.abstained and not answer.citations


def test_the_absent_kind_rule_trusts_only_kinds_the_tagger_finds() -> None:
    from rag.extractive import tagged_reliably

    assert tagged_reliably(frozenset({"PERSON", "ORG"})) and tagged_reliably(frozenset({"FAC", "ORG", "GPE"}))
    assert not tagged_reliably(frozenset({"EVENT"})) and not tagged_reliably(frozenset({"PRODUCT"}))


@pytest.mark.parametrize(
    ("sentence", "question", "quoted"),
    [
        # No passage holds a tagged EVENT, but the tagger misses most events: the sentence still answers.
        (
            "Organisers in Velmora postponed the harvest fair ahead of the regional elections next month.",
            "Ahead of which event did the organisers in Velmora postpone the harvest fair?",
            "regional elections",
        ),
        # The tagger calls "4.2 million" a cardinal; the currency name after it makes it money.
        (
            "The old pier in Lowhaven reopened on Friday after two years of repairs costing 4.2 million euros.",
            "How much did the pier repairs cost?",
            "4.2 million euros",
        ),
        # The tagger leaves "900" untagged; read as a cardinal, it answers "how many".
        (
            "The owner of the Dunmore paper mill said on Monday it would close two lines and cut 900 jobs.",
            "How many jobs will the owner of the Dunmore paper mill cut?",
            "cut 900 jobs",
        ),
    ],
)
def test_an_answer_the_small_tagger_mislabels_is_still_given(
    extractive_over, sentence: str, question: str, quoted: str
) -> None:
    a = extractive_over({"story.txt": f"Local News\n\n{sentence}\nThe town council meets on Thursdays.\n"})
    answer = a.ask(question)
    assert not answer.abstained and quoted in answer.answer


def test_the_latest_on_a_named_topic_comes_from_an_article_that_names_it(extractive_over) -> None:
    """A newer article about something else, retrieved alongside, is not "the latest on" the topic."""
    a = extractive_over(
        {
            "mill.txt": "Dunmore Mill Cuts Staff\nMarch 3, 2025\n\nThe Dunmore paper mill will cut 900 jobs.\n",
            "match.txt": "Rovers Win Cup\nMay 18, 2025\n\nThe Ostrel Rovers won the cup final on Saturday.\n",
        }
    )
    answer = a.ask("What is the latest on the Dunmore mill?")
    assert not answer.abstained and answer.short_answer is not None
    assert answer.short_answer.text == "March 3, 2025" and answer.citations[0].file == "mill.txt"


def test_a_score_the_tagger_took_into_a_name_is_left_out_of_the_short_answer() -> None:
    from rag.entity_candidates import entity_text
    from rag.models import Entity

    text = "Harbour City beat Redmoor United 2-1 in the final, as Apollo 11 once flew."
    team = Entity(start=text.index("Redmoor"), end=text.index(" in the"), label="PERSON")
    craft = Entity(start=text.index("Apollo"), end=text.index(" once"), label="PRODUCT")
    assert (entity_text(text, team), entity_text(text, craft)) == ("Redmoor United", "Apollo 11")


def test_a_web_page_whose_author_and_date_are_only_in_its_metadata_cites_the_metadata_line(extractive_over) -> None:
    """The page's text ends with a line saying what its metadata states; the viewer shows that line where cited."""
    from tests.format_fixtures import news_page

    body = [
        "A new toll bridge across the Marren estuary opened to traffic on Monday, cutting the drive by 40 minutes.",
        "The bridge was built by the engineering firm Kessler Lindqvist over four years.",
    ]
    page = news_page("Toll bridge opens", body, author="Sabine Aldous", date="2025-10-07", site="Coastline Times")
    a = extractive_over({"bridge.html": page})
    line = "Page metadata: from Coastline Times; by Sabine Aldous; published 2025-10-07."
    for question, value in (
        ("Who wrote the article about the Marren toll bridge?", "Sabine Aldous"),
        ("When was the article about the Marren toll bridge published?", "2025-10-07"),
        ("Which outlet reported the Marren toll bridge opening?", "Coastline Times"),
    ):
        answer = a.ask(question)
        assert not answer.abstained and answer.short_answer is not None and answer.short_answer.text == value
        cited = next(c for c in answer.citations if c.n == answer.short_answer.citation)
        assert (cited.file, cited.quote) == ("bridge.html", line)
        shown = a.open_article("bridge.html").text
        assert shown[cited.quote_start_char : cited.quote_end_char] == line
        assert shown.splitlines()[cited.start_line - 1] == line


def test_his_name_after_an_unnamed_role_is_declined(extractive_over) -> None:
    a = extractive_over(
        {
            "pier.txt": (
                "Pier Repairs Begin\n\n"
                "The harbour board sent a senior director from Calder Marine to Lowhaven to oversee the pier repairs.\n"
                "The repairs are expected to take two years and will close the pier to visitors.\n"
            )
        }
    )
    first = a.ask("Who did the harbour board send to Lowhaven?")
    assert not first.abstained and "senior director" in first.answer
    assert a.ask("What's his name?", history=[first]).abstained


def test_a_how_many_short_answer_counts_the_plural_noun_not_the_words_after_it(extractive_over) -> None:
    articles = {
        "strike-day1.md": (
            "---\ntitle: Tram drivers walk out in Keldmoor\nauthor: Pieter Vos\ndate: 2025-10-06\n---\n"
            "Tram drivers in Keldmoor began a 48-hour strike on Monday, halting all 14 tram lines in the city.\n\n"
            "The drivers' union, Transit Workers United, said 1,200 of its members joined the walkout over pay and "
            "rest breaks.\n\n"
            'City transport director Olga Renn called the strike "unjustified" and said buses would run extra '
            "services.\n"
        ),
        "strike-day2.md": (
            "---\ntitle: Keldmoor tram strike enters second day\nauthor: Sanne de Wit\ndate: 2025-10-07\n---\n"
            "The tram strike in Keldmoor entered its second day on Tuesday with no talks scheduled.\n\n"
            "According to the city, about 950 drivers stayed away from work, fewer than the union claimed.\n\n"
            "Commuters crowded onto buses, and cycling traffic across the Sluis bridge doubled, city counters showed.\n"
        ),
    }
    a = extractive_over(articles)
    answer = a.ask("How many drivers joined the tram strike in Keldmoor?")
    assert not answer.abstained
    # "14" counts tram lines: it must not open the answer as the number of drivers.
    assert answer.short_answer is None or "14" not in answer.short_answer.text


def test_a_question_in_the_present_finds_the_verb_in_the_past(extractive_over) -> None:
    articles = {
        "vote.md": (
            "---\ntitle: Orvanes elects its first Green mayor\ndate: 2025-05-09\n---\n"
            "Orvanes has elected its first Green Party mayor, Leila Haddar, with 48.2 percent of the vote.\n\n"
            "Haddar, a former schoolteacher, promised to make the town's buses free for under-18s within a year.\n"
        ),
    }
    a = extractive_over(articles)
    answer = a.ask("What did Haddar promise?")
    assert not answer.abstained
    assert "buses free" in answer.answer


MUSEUM = {
    "museum.md": (
        "---\ntitle: Varnholt museum reopens\ndate: 2025-06-14\n---\n"
        "The Varnholt Museum of Rivers reopened on Saturday after a three-year refit.\n\n"
        "Its star exhibit is a 3,000-year-old log boat pulled from the River Ostel in 1961.\n\n"
        "The River Ostel burst its banks in Varnholt last spring, flooding the museum's basement.\n"
    ),
}


def test_when_is_answered_with_a_moment_not_a_span_of_time(extractive_over) -> None:
    a = extractive_over(MUSEUM)
    when = a.ask("When was the log boat found?")
    assert when.short_answer is not None and when.short_answer.text == "1961"
    old = a.ask("How old is the log boat?")
    assert old.short_answer is not None and "3,000" in old.short_answer.text


def test_a_name_that_says_its_kind_answers_a_which_question_whatever_its_label(extractive_over) -> None:
    a = extractive_over(MUSEUM)
    answer = a.ask("Which river flooded Varnholt?")
    assert not answer.abstained
    assert "River Ostel" in answer.answer


def test_the_latest_on_a_story_is_the_newest_article_about_it_not_the_newest_naming_its_place(extractive_over) -> None:
    articles = {
        "flood-1.md": "---\ndate: 2025-03-03\n---\nThe River Ostel flooded 300 homes in Varnholt on Sunday night.\n",
        "flood-2.md": "---\ndate: 2025-03-06\n---\nVarnholt began clearing mud as the flood waters receded.\n",
        "museum.md": "---\ndate: 2025-06-14\n---\nThe Varnholt museum reopened on Saturday after a refit.\n",
    }
    a = extractive_over(articles)
    answer = a.ask("What is the latest on the Varnholt flood?")
    assert answer.short_answer is not None and answer.short_answer.text == "2025-03-06"


def test_which_outlet_is_answered_from_the_line_that_names_the_articles_outlet(extractive_over) -> None:
    a = extractive_over(
        {
            "museum.md": (
                "---\ntitle: Varnholt museum reopens\nauthor: Ida Brenn\nsource: Varnholt Courier\n"
                "date: 2025-06-14\n---\nThe Varnholt museum reopened on Saturday after a three-year refit.\n"
            ),
            "wall.txt": (
                "Harbour wall rebuilt\nBy Jane Roe | Bay Record | March 2, 2024\n\n"
                "The harbour wall in Ostmere reopened after repairs.\n"
            ),
        }
    )
    for question, value, file, quote, line in (
        ("Which outlet reported the museum reopening?", "Varnholt Courier", "museum.md", "source: Varnholt Courier", 4),
        ("Which newspaper reported the harbour wall reopening?", "Bay Record", "wall.txt", None, 2),
    ):
        answer = a.ask(question)
        assert answer.short_answer is not None and answer.short_answer.text == value
        cited = next(c for c in answer.citations if c.n == answer.short_answer.citation)
        assert cited.file == file and value in cited.quote and cited.start_line == line
        assert quote is None or cited.quote == quote


def test_a_figure_counts_a_close_word_of_what_is_asked() -> None:
    import numpy as np

    from rag.answer_ranking import Candidate
    from rag.extractive import no_figure_of_the_topic
    from rag.models import Entity, Source
    from rag.questions import analyse

    class Vectors:
        """Two words close in meaning, everything else apart."""

        def embed_cached(self, texts: list[str]) -> np.ndarray:
            close = {"employees", "workers"}
            return np.array([[1.0, 0.0] if t in close else [0.0, 1.0] for t in texts])

    text = "Corvell will lay off 230 workers at its Omsk bakery."
    source = Source(
        n=1, id="c1", text=text, file="a.txt", path="a.txt", title="", start_char=0, end_char=len(text),
        start_line=1, end_line=1, content_hash="h", score=1.0,
    )  # fmt: skip
    figure = Entity(start=text.index("230"), end=text.index("230") + 3, label="CARDINAL")
    cand = Candidate(source, text, 0, [figure], np.zeros(2))
    info = analyse("How many employees does Corvell have at Omsk?")
    assert no_figure_of_the_topic(info, [cand])  # no vectors: "workers" is not "employees"
    assert not no_figure_of_the_topic(info, [cand], Vectors())
    assert not no_figure_of_the_topic(analyse("How many employees will Corvell lay off?"), [cand])  # its verb
    # The question's verb right before the figure governs it, whatever noun it counts.
    text = "Corvell employs 120 people at its Dunholm plant."
    source = source.model_copy(update={"text": text, "end_char": len(text)})
    figure = Entity(start=text.index("120"), end=text.index("120") + 3, label="CARDINAL")
    employs = Candidate(source, text, 0, [figure], np.zeros(2))
    assert not no_figure_of_the_topic(analyse("How many staff does Corvell employ?"), [employs])
    # A sum of money for the counted thing counts none of them.
    text = "Corvell set up a fund of 1.5 million pounds for affected households."
    source = source.model_copy(update={"text": text, "end_char": len(text)})
    money = Entity(start=text.index("1.5"), end=text.index(" for"), label="MONEY")
    fund = Candidate(source, text, 0, [money], np.zeros(2))
    assert no_figure_of_the_topic(analyse("How many households signed the petition?"), [fund])
    assert not no_figure_of_the_topic(analyse("How much money went to households?"), [fund])
    # The question's verb right after the noun the figure counts: "2,400 residents signed" answers "how many people".
    text = "About 2,400 residents signed a petition against the closure."
    source = source.model_copy(update={"text": text, "end_char": len(text)})
    signed = Candidate(source, text, 0, [Entity(start=0, end=11, label="CARDINAL")], np.zeros(2))
    assert not no_figure_of_the_topic(analyse("How many people signed the petition?"), [signed])
    assert no_figure_of_the_topic(analyse("How many people opposed the petition?"), [signed])
    # A figure hyphened to what it counts: "a 16-bed ward".
    text = "The trust will close its 16-bed night ward."
    source = source.model_copy(update={"text": text, "end_char": len(text)})
    beds = Entity(start=text.index("16"), end=text.index(" night"), label="QUANTITY")
    assert not no_figure_of_the_topic(
        analyse("How many beds does the ward have?"), [Candidate(source, text, 0, [beds], np.zeros(2))]
    )


MILL_ARTICLES = {
    "mill.txt": (
        "Fire at Ostrand Paper Mill\n\n"
        "Ostrand Paper employs about 1,400 people at its mill on the Kessel river.\n"
        "Two workers died in the fire on Sunday night, the company said.\n"
        "The mill produced 210,000 tonnes of paper last year.\n"
    ),
}


def test_a_close_word_of_the_question_keeps_it_answered_and_a_count_of_another_act_is_not_bold(extractive_over) -> None:
    a = extractive_over(MILL_ARTICLES)
    # "staff" is written nowhere, but "employs … people" says it (a close word vector), so no abstention.
    staff = a.ask("How big is the workforce at Ostrand Paper?")
    assert not staff.abstained and "1,400" in staff.answer
    # "killed" is not "employs": 1,400 people counts another act, so it is not the bold answer.
    killed = a.ask("How many people were killed at Ostrand Paper?")
    assert killed.short_answer is None or killed.short_answer.text != "about 1,400"


FLOOD_ARTICLES = {
    "flood.txt": (
        "Orm river flood\n\n"
        "The number of people evacuated along the Orm river rose to 2,700 on Monday as the flood spread.\n"
        "Rescue crews worked through the night in the flooded villages.\n"
    ),
    "toll.txt": (
        "Landslide at Vessby\n\nThe death toll from the landslide at Vessby rose to 12 on Tuesday, the police said.\n"
    ),
}


def test_a_figure_of_another_act_is_not_bold_for_the_asked_act_whatever_scene_words_it_shares(extractive_over) -> None:
    from rag.questions import analyse
    from rag.short_answers import _another_act

    a = extractive_over(FLOOD_ARTICLES)
    died = a.ask("How many people died in the flood?")
    assert died.short_answer is None or died.short_answer.text != "2,700"  # "flood" is said, "died" is not
    info = analyse("How many people died in the landslide?")
    toll = "The death toll from the landslide at Vessby rose to 12 on Tuesday, the police said."
    assert not _another_act(info, toll, "12", a.embedder)  # "death" tells of dying
    fled = "The number of people evacuated along the Orm river rose to 2,700 on Monday as the flood spread."
    assert _another_act(analyse("How many people died in the flood?"), fled, "2,700", a.embedder)
    # The figure's own act decides, whatever else its part says.
    both = "Some 21 people were admitted to hospital and two people have died, the agency said."
    assert _another_act(analyse("How many people died?"), both, "21", a.embedder)
    assert not _another_act(analyse("How many people died?"), both, "two", a.embedder)
    # A modifier before what is counted says no act of it ("registered phones").
    sent = "Warnings were sent at 18:15 to 12,000 registered phones in Tarnby."
    assert not _another_act(analyse("How many phones received the warning?"), sent, "12,000", a.embedder)
    # The act of a clause that only dates the question ("when the flood peaked") is not the asked one.
    assert not _another_act(analyse("How many people were there when the flood peaked?"), fled, "2,700", a.embedder)


TOWNS_FLOODED = {
    "tarnby.txt": "Flood in Tarnby\n\nAbout 620 homes in Tarnby were flooded on Sunday, the town council said.\n",
    "holm.txt": (
        "Sirens in Holm\n\nSirens sounded in Holm at 19:30 on Sunday, and residents of Holm spent the night in "
        "the school hall.\n"
    ),
}


def test_a_figure_said_of_another_place_of_the_same_kind_is_not_bold(extractive_over) -> None:
    a = extractive_over(TOWNS_FLOODED)
    holm = a.ask("How many homes were flooded in Holm?")
    assert holm.short_answer is None or holm.short_answer.text != "About 620"
    tarnby = a.ask("How many homes were flooded in Tarnby?")
    assert tarnby.short_answer is not None and tarnby.short_answer.text == "About 620"


ACTING_ROLES = {
    "police.txt": (
        "New police leadership in Tarvik\n\n"
        "Chief Constable Hanne Brask retired on Friday. Captain Mira Osk will serve as acting police chief "
        "until a successor is chosen, the city said.\n"
    ),
}


def test_a_role_after_a_linking_verb_stands_beside_its_holder(extractive_over) -> None:
    a = extractive_over(ACTING_ROLES)
    answer = a.ask("Who is the acting police chief?")
    assert not answer.abstained and answer.short_answer is not None and answer.short_answer.text == "Mira Osk"


OUTBREAK = {
    "over.md": (
        "---\ntitle: Outbreak declared over\ndate: 2026-10-16\n---\n"
        "The Tarnby salmonella outbreak was declared over on Thursday, the health agency said.\n"
    ),
}


def test_a_weekday_answer_carries_the_day_it_means_in_its_article(extractive_over) -> None:
    a = extractive_over(OUTBREAK)
    answer = a.ask("When was the salmonella outbreak declared over?")
    assert answer.short_answer is not None and answer.short_answer.text == "Thursday (2026-10-15)"


MINISTERS = {
    "cabinet.txt": (
        "Grant for the Observatory\n\n"
        "Science Minister Heddy Marrow announced a grant of 48 million crowns for the observatory on Friday.\n"
        "The observatory's director, Imre Castel, said the money would pay for a new telescope.\n"
    ),
}


def test_a_narrowed_role_is_not_answered_by_another_holder_of_the_role_word(extractive_over) -> None:
    a = extractive_over(MINISTERS)
    assert a.ask("Who is the prime minister?").abstained  # only the science minister is named
    answer = a.ask("Who is the science minister?")
    assert answer.short_answer is not None and answer.short_answer.text == "Heddy Marrow"


def test_a_role_asked_only_by_its_verb_does_not_abstain_when_the_articles_name_it_otherwise(extractive_over) -> None:
    a = extractive_over(MINISTERS)
    # "Who leads …?" asks for a leader; the articles call him the director: quoted, not refused.
    answer = a.ask("Who leads the observatory?")
    assert not answer.abstained and "Imre Castel" in answer.answer


JOURNAL = {
    "journal.txt": (
        "Journal Retracts Papers\n\n"
        "The journal's editor-in-chief, Dr Amara Belvin, said four papers would be retracted on Friday.\n"
    ),
}


def test_a_role_inside_a_hyphened_title_is_beside_the_person(extractive_over) -> None:
    answer = extractive_over(JOURNAL).ask("Who is the journal's editor?")
    assert not answer.abstained and answer.short_answer is not None and "Amara Belvin" in answer.short_answer.text
