from pathlib import Path

from rag.citing import _windows, conflicts, parse_claims, verify
from rag.generator import Source


def test_parses_all_marker_styles() -> None:
    claims = parse_claims("Bridges reopened [1]. Costs rose [2, 3]. Traffic grew [1][3]. It was late. [2]")
    assert [(c.text, c.cited) for c in claims] == [
        ("Bridges reopened.", [1]),
        ("Costs rose.", [2, 3]),
        ("Traffic grew.", [1, 3]),
        ("It was late.", [2]),
    ]


def _sources(assistant, question: str, k: int = 3) -> list[Source]:
    return Source.number(assistant.search(question, k))


def test_verify_keeps_supported_drops_hallucinated_and_flags_unsupported(tiny_corpus: Path, assistant_for) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    sources = _sources(a, "How much did the Harbor Bridge repairs cost?")
    alpha = next(s.n for s in sources if s.file == "alpha.txt")
    text = (
        f"City engineer Maria Lopez said the repairs cost $42 million [{alpha}][7]. "
        f"The bridge was painted bright purple by 900 volunteers [{alpha}]. "
        "The mayor resigned."
    )
    checked = verify(text, sources, a.embedder, 0.5)
    assert len(checked.citations) == 1
    cit = checked.citations[0]
    assert cit.file == "alpha.txt" and "$42 million" in cit.quote
    raw = (tiny_corpus / "alpha.txt").read_text()
    assert raw[cit.quote_start_char : cit.quote_end_char] == cit.quote
    assert cit.quote in raw.splitlines()[cit.start_line - 1]
    assert "[7]" not in checked.answer and "[1]" in checked.answer
    assert "The bridge was painted bright purple by 900 volunteers." in checked.unsupported
    assert "The mayor resigned." in checked.unsupported
    assert checked.supported_sentences == 1


def test_numbers_in_claim_must_appear_in_passage(tiny_corpus: Path, assistant_for) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    sources = _sources(a, "How many vehicles cross the Harbor Bridge?")
    n = next(s.n for s in sources if s.file == "alpha.txt")
    good = verify(f"About 30,000 vehicles cross the bridge every day [{n}].", sources, a.embedder, 0.5)
    bad = verify(f"About 45,000 vehicles cross the bridge every day [{n}].", sources, a.embedder, 0.5)
    assert good.citations and not good.unsupported
    assert not bad.citations and bad.unsupported


def test_conflicting_figures_get_a_note(bundled_corpus: Path, assistant_for) -> None:
    a = assistant_for(bundled_corpus)
    a.index()
    answer = a.ask("How much did Air Base 201 cost?", backend="extractive")
    assert not answer.abstained
    assert "$110 million" in answer.answer and "$100 million" in answer.answer
    assert "different figures" in answer.answer
    assert {c.file for c in answer.citations} >= {"000_66acf2913ab27397.txt", "001_d226fc9055a80bf1.txt"}
    assert conflicts(answer.citations)


def test_a_quoted_sentence_is_cited_without_embedding_sentence_pairs(tiny_corpus: Path, assistant_for) -> None:
    a = assistant_for(tiny_corpus)
    a.index()
    sources = _sources(a, "How much did the Harbor Bridge repairs cost?")
    alpha = next(s for s in sources if s.file == "alpha.txt")
    windows, singles = _windows(alpha.text)
    pairs = {w.text for w in windows[singles:]}
    quoted = "City engineer Maria Lopez said the repairs cost $42 million."
    asked: list[str] = []
    embed_cached = a.embedder.embed_cached

    def spy(texts: list[str]):
        asked.extend(texts)
        return embed_cached(texts)

    a.embedder.embed_cached = spy  # type: ignore[method-assign]
    try:
        checked = verify(f"{quoted} [{alpha.n}]", sources, a.embedder, 0.5)
        asked_for_quote = set(asked)
        verify(f"The bridge reopened after repairs that cost $42 million [{alpha.n}].", sources, a.embedder, 0.5)
    finally:
        del a.embedder.embed_cached
    assert pairs and [c.quote for c in checked.citations] == [quoted] and checked.citations[0].support_score == 1.0
    assert not asked_for_quote & pairs  # fully supported by one sentence: no pair embedded
    assert set(asked) & pairs  # a claim no single sentence fully supports is checked against pairs too


def _quoted(n: int, file: str, quote: str):
    from rag.models import Citation

    return Citation(
        n=n, file=file, path=file, title="", start_line=1, end_line=1, quote=quote, quote_start_char=0,
        quote_end_char=len(quote), content_hash=file, support_score=1.0,
    )  # fmt: skip


def test_figures_conflict_only_when_they_count_the_same_thing() -> None:
    early = _quoted(1, "a.txt", "The fire forced 1,200 households from their homes near Tarnby.")
    later = _quoted(2, "b.txt", "The fire has burned 2,100 hectares of forest near Tarnby.")
    assert conflicts([early, later]) is None  # households are not hectares
    age = _quoted(1, "a.txt", "Chief Ilse Varn, 52, said the fire near Tarnby was the worst she had seen.")
    homes = _quoted(2, "b.txt", "The fire near Tarnby destroyed 46 homes, the chief said.")
    assert conflicts([age, homes]) is None  # an age is no count of homes
    more = _quoted(2, "b.txt", "By Friday 2,900 households near Tarnby had been told to leave.")
    note = conflicts([early, more])
    assert note is not None and "1,200 [1] vs 2,900 [2]" in note
    soldiers = _quoted(1, "a.txt", "It is estimated there were 1,100 US soldiers stationed in Velmar.")
    others = _quoted(2, "b.txt", "Velmar ordered its approximately 1,000 military soldiers out.")
    assert conflicts([soldiers, others]) is not None


def test_differing_figures_of_differently_dated_articles_carry_their_dates() -> None:
    early = _quoted(1, "a.txt", "The fire forced 1,200 households from their homes near Tarnby.").model_copy(
        update={"published": "2026-07-14"}
    )
    later = _quoted(2, "b.txt", "By Friday 2,900 households near Tarnby had been told to leave.").model_copy(
        update={"published": "2026-07-17"}
    )
    note = conflicts([early, later])
    assert note is not None and "1,200 [1] (2026-07-14) vs 2,900 [2] (2026-07-17)" in note


def test_clock_times_ids_and_days_of_dates_give_no_note() -> None:
    early = _quoted(1, "a.txt", "The roof fell at about 04:40 at a depth of 610 metres, the company said.")
    later = _quoted(2, "b.txt", "At 04:40 on 3 November a section of roof collapsed in tunnel 7B of the Varn mine.")
    assert conflicts([early, later]) is None  # not "04 [1] vs 7 [2]", nor "3 vs 4"


def test_a_percentage_is_a_figure_of_the_noun_it_is_of_not_of_its_unit_or_year() -> None:
    demand = _quoted(
        1,
        "a.txt",
        "The union wants a 14 percent pay rise to make up for inflation, which reached 7.9 percent last year.",
    )
    deal = _quoted(
        2, "b.txt", "The deal gives a 9 percent pay rise: 4 percent this year, 3 percent in 2027 and 2 percent in 2028."
    )
    note = conflicts([demand, deal])
    assert note is not None and "14 [1] vs 9 [2]" in note  # both pay rises
    assert "7.9" not in note and "4 [2]" not in note and "3 [2]" not in note  # inflation, and the yearly steps
    offer = _quoted(3, "c.txt", "The company offered a pay rise of 6 percent over two years.")
    assert "9 [2] vs 6 [3]" in (conflicts([deal, offer]) or "")  # "a rise of 6 percent": what the words before say
    tax = _quoted(3, "c.txt", "Council tax will rise 8 percent in April.")
    assert conflicts([deal, tax]) is None  # the verb "rise" is no pay rise


def test_figures_of_opposed_clauses_rates_and_different_years_do_not_disagree() -> None:
    against = _quoted(1, "a.txt", "In the first ballot, 58 percent of members voted against the offer.")
    backed = _quoted(2, "b.txt", "In the second ballot, 71 percent of members voted for the offer.")
    also_against = _quoted(2, "b.txt", "The union said 61 percent of members voted against the offer.")
    assert conflicts([against, backed]) is None
    assert conflicts([against, also_against]) is not None
    daily = _quoted(1, "a.txt", "The strike was costing the economy about 45 million marks a day.")
    total = _quoted(2, "b.txt", "The strike had cost the economy about 61 million marks so far.")
    assert conflicts([daily, total]) is None
    fares_2027 = _quoted(1, "a.txt", "Bus fares will rise by 4 percent in 2027, the council said.")
    fares_2028 = _quoted(2, "b.txt", "Bus fares will rise by 3 percent in 2028.")
    fares_again = _quoted(2, "b.txt", "Bus fares will rise by 5 percent in 2027, the operator said.")
    assert conflicts([fares_2027, fares_2028]) is None
    assert conflicts([fares_2027, fares_again]) is not None


def test_what_a_figure_counts_ends_at_a_preposition_or_a_closing_participle() -> None:
    damage = _quoted(1, "a.txt", "The governor put the flood damage at 40 million crowns.")
    aid = _quoted(2, "b.txt", "The government will give the town 30 million crowns in flood aid.")
    assert conflicts([damage, aid]) is None  # "in flood aid" is where the money goes, not what it is
    stationed = _quoted(1, "a.txt", "About 1,100 soldiers stationed in Velmar will leave.")
    military = _quoted(2, "b.txt", "Velmar ordered its approximately 1,000 military soldiers out.")
    assert conflicts([stationed, military]) is not None


def test_a_note_is_only_about_what_the_question_asks() -> None:
    ships = _quoted(1, "a.txt", "By Monday evening 38 cargo ships were waiting outside the harbour.")
    more = _quoted(2, "b.txt", "The number of cargo ships waiting outside the harbour rose to 61 on Wednesday.")
    assert conflicts([ships, more], "How many dockworkers walked out?") is None
    note = conflicts([ships, more], "How many ships were waiting outside the harbour?")
    assert note is not None and "38 [1] vs 61 [2]" in note
    cost = _quoted(1, "a.txt", "The strike had so far cost the economy about 390 million marks.")
    total = _quoted(2, "b.txt", "The strike had cost the economy about 610 million marks in total.")
    assert conflicts([cost, total], "How much had the strike cost?") is not None  # "marks" is the unit, not the thing


def test_a_figure_restated_for_another_thing_is_no_newer_value_of_it() -> None:
    from rag.citing import same_slot

    tax = "Council tax will rise 4.5 percent in April."
    pay = "Council staff accepted a revised offer of a 5 percent pay rise."
    assert not same_slot(tax, "4.5 percent", pay, "5 percent")
    newer = "Council tax will now rise 5 percent in April, the council said."
    assert same_slot(tax, "4.5 percent", newer, "5 percent")


def test_a_fronted_year_dates_a_figure_and_a_long_noun_phrase_still_counts() -> None:
    peak = _quoted(1, "a.txt", "In July 2008, fuel prices peaked at $4.11 a gallon.")
    now = _quoted(2, "b.txt", "In June 2022, fuel prices hit $4.96 a gallon, the motoring club said.")
    later = _quoted(2, "b.txt", "Fuel prices in 2008 peaked at $4.30 a gallon, the motoring club said.")
    assert conflicts([peak, now]) is None
    assert conflicts([peak, later]) is not None
    few = _quoted(1, "a.txt", "Velmar has more than 5,000 probable or confirmed Brannock fever cases.")
    many = _quoted(2, "b.txt", "With more than 10,000 Brannock fever cases in Velmar, vaccines are scarce.")
    assert conflicts([few, many], "How many Brannock fever cases are there in Velmar?") is not None
