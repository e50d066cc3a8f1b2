"""The short answer picks the entity that answers the asked kind, even when the small NER model mislabels it."""

from rag.entity_candidates import entity_candidates
from rag.models import Citation, Entity, ShortAnswer, Source
from rag.questions import analyse
from rag.short_answers import load_entity_model, short_answer

TEXT = "Crews from Norland repaired the old crossing, Calder Bridge, over the winter."


def _source(entities: list[Entity]) -> Source:
    return Source(
        n=1, id="c1", text=TEXT, file="a.txt", path="a.txt", title="", start_char=0, end_char=len(TEXT),
        start_line=1, end_line=1, content_hash="h", score=1.0,
    ).with_entities(entities)  # fmt: skip


def _citation() -> Citation:
    return Citation(
        n=1, file="a.txt", path="a.txt", title="", start_line=1, end_line=1, quote=TEXT, quote_start_char=0,
        quote_end_char=len(TEXT), content_hash="h", support_score=1.0,
    )  # fmt: skip


def _span(text: str, label: str) -> Entity:
    start = TEXT.index(text)
    return Entity(start=start, end=start + len(text), label=label)


def test_a_name_that_says_it_is_the_asked_kind_wins_over_a_mislabel() -> None:
    entities = [_span("Norland", "GPE"), _span("Calder Bridge", "PERSON")]
    found = short_answer(analyse("Which bridge did the crews repair?"), [_citation()], [_source(entities)])
    assert found is not None and found.text == "Calder Bridge" and found.citation == 1


def test_otherwise_the_first_entity_of_the_expected_kind() -> None:
    entities = [_span("Norland", "GPE"), _span("Calder Bridge", "PERSON")]
    found = short_answer(analyse("Which country did the crews come from?"), [_citation()], [_source(entities)])
    assert found is not None and found.text == "Norland"


def _one(
    text: str, spans: list[tuple[str, str]], question: str, others: list[tuple[str, str, str]] = (), context: str = ""
):
    """The short answer for ``question`` over one quoted sentence; ``others`` are (text, entity, label) of
    further read passages, which only lend their labels."""

    def source(n: int, body: str, ents: list[tuple[str, str]]) -> Source:
        entities = [Entity(start=body.index(e), end=body.index(e) + len(e), label=lab) for e, lab in ents]
        return Source(
            n=n, id=f"c{n}", text=body, file=f"f{n}.txt", path=f"f{n}.txt", title="", start_char=0,
            end_char=len(body), start_line=1, end_line=1, content_hash=f"h{n}", score=1.0,
        ).with_entities(entities)  # fmt: skip

    sources = [source(1, text, spans)] + [source(i + 2, b, [(e, lab)]) for i, (b, e, lab) in enumerate(others)]
    cit = Citation(
        n=1, file="f1.txt", path="f1.txt", title="", start_line=1, end_line=1, quote=text, quote_start_char=0,
        quote_end_char=len(text), content_hash="h1", support_score=1.0,
    )  # fmt: skip
    return short_answer(analyse(question), [cit], sources, context)


def test_one_of_the_many_is_not_a_count() -> None:
    text = "One of the first acts of the new council was to close 14 branch libraries."
    found = _one(text, [("One", "CARDINAL"), ("first", "ORDINAL"), ("14", "CARDINAL")], "How many libraries closed?")
    assert found is not None and found.text == "14"


def test_a_name_modifying_the_group_the_question_names_by_nationality_is_no_answer() -> None:
    text = "Velmoria army engineers working on the dam will move to Ostrel once the work ends."
    spans = [("Velmoria", "GPE"), ("Ostrel", "GPE")]
    found = _one(text, spans, "Where will the Velmorian engineers go?")
    assert found is not None and found.text == "Ostrel"
    assert _one(text, spans[:1], "Where will the Velmorian engineers go?") is None, "Velmoria is the question's group"
    other = _one(text, spans[:1], "Where did the dam's designers study?")
    assert other is not None and other.text == "Velmoria", "without the nationality it may be the answer"


def test_a_name_mistagged_as_a_date_takes_the_label_the_other_passages_give_it() -> None:
    text = "Talks in Ostrel broke down last week over the harbour fees."
    spans = [("Ostrel", "DATE"), ("last week", "DATE")]
    others = [("Ostrel is the capital.", "Ostrel", "GPE"), ("Crowds gathered in Ostrel.", "Ostrel", "GPE")]
    found = _one(text, spans, "When did the talks on harbour fees break down?", others)
    assert found is not None and found.text == "last week"
    alone = _one(text, spans, "When did the talks on harbour fees break down?")
    # With no other passage the mention keeps its own label, but a "date" with no number, time word or calendar
    # name states none: it is no answer either way.
    assert alone is not None and alone.text == "last week"


def test_initials_of_a_name_the_question_holds_are_no_answer() -> None:
    text = "The OHB said its dredgers would sail to Port Quillan in June."
    spans = [("OHB", "GPE"), ("Port Quillan", "GPE")]  # the small model tags such initials as places too
    found = _one(text, spans, "Where will the Ostrel Harbour Board send its dredgers?")
    assert found is not None and found.text == "Port Quillan"
    assert _one(text, spans[:1], "Where will the Ostrel Harbour Board send its dredgers?") is None
    assert _one(text, spans[:1], "Which country owns the dredgers?").text == "OHB", "not the question's own name"
    follow_up = "Where will its dredgers go?"
    assert _one(text, spans[:1], follow_up) is not None
    assert _one(text, spans[:1], follow_up, context="Who runs the Ostrel Harbour Board?") is None, "named a turn ago"


def test_a_figure_must_count_the_thing_asked_about_and_belong_to_its_group() -> None:
    text = "Officials reported about 60 Ostrelian troops at the base, while 1,100 Kestran troops remain in Velmora."
    spans = [
        ("about 60", "CARDINAL"),
        ("Ostrelian", "NORP"),
        ("1,100", "CARDINAL"),
        ("Kestran", "NORP"),
        ("Velmora", "GPE"),
    ]
    found = _one(text, spans, "How many Kestran troops remain in Velmora?")
    assert found is not None and found.text == "1,100"
    found = _one(text, spans, "How many Ostrelian troops are at the base?")
    assert found is not None and found.text == "about 60"


def test_a_date_must_date_the_event_asked_about() -> None:
    text = "The accord was signed in 2014 under the old rulers of Velmora, and the garrison began leaving last month."
    spans = [("2014", "DATE"), ("Velmora", "GPE"), ("last month", "DATE")]
    found = _one(text, spans, "When did the garrison begin leaving Velmora?")
    assert found is not None and found.text == "last month"
    found = _one(text, spans, "When was the accord signed?")
    assert found is not None and found.text == "2014"
    assert _one(text, spans, "When will the talks on the handover end?") is None


def test_an_entity_answers_with_whole_hyphenated_words_and_a_figure_without_taken_in_words() -> None:
    from rag.entity_candidates import entity_text
    from rag.models import Entity

    text = "Bram-ol-Vee had the longest queue. A family pays $12,400 a year; about 60 stalls stayed open."
    assert entity_text(text, Entity(start=0, end=4, label="ORG")) == "Bram-ol-Vee"
    start = text.index("family")
    assert entity_text(text, Entity(start=start, end=text.index(" a year"), label="MONEY")) == "$12,400"
    start = text.index("about")
    assert entity_text(text, Entity(start=start, end=start + len("about 60"), label="CARDINAL")) == "about 60"
    walk = "The trail runs two miles north."
    start = walk.index("two")
    assert entity_text(walk, Entity(start=start, end=start + len("two miles"), label="QUANTITY")) == "two miles"
    held = "Tobin Rask had held the post for twelve years before Sunday's defeat."
    start = held.index("twelve")  # the tagger's span takes in the "before" that opens what follows
    assert entity_text(held, Entity(start=start, end=held.index(" Sunday"), label="DATE")) == "twelve years"
    bound = "The pill could cost less than 10 cents a day."
    start = bound.index("than")  # the tagger's span leaves out "less"
    assert entity_text(bound, Entity(start=start, end=bound.index(" a day"), label="MONEY")) == "less than 10 cents"
    start = bound.index("less")
    assert entity_text(bound, Entity(start=start, end=bound.index(" a day"), label="MONEY")) == "less than 10 cents"


def test_one_entity_written_two_ways_is_one_candidate_counted_in_each_quote() -> None:
    first = "The Ostrel Rovers won the final on Sunday."
    second = "Fans of Ostrel Rovers filled the square after the final."
    text = f"{first} {second}"
    ents = [Entity(start=0, end=17, label="ORG"), Entity(start=len(first) + 9, end=len(first) + 22, label="ORG")]
    source = Source(
        n=1, id="c1", text=text, file="a.txt", path="a.txt", title="Ostrel Rovers win", start_char=0,
        end_char=len(text), start_line=1, end_line=1, content_hash="h", score=1.0,
    ).with_entities(ents)  # fmt: skip
    cits = [
        Citation(
            n=1, file="a.txt", path="a.txt", title="", start_line=1, end_line=1, quote=q, quote_start_char=at,
            quote_end_char=at + len(q), content_hash="h", support_score=1.0,
        )
        for q, at in ((first, 0), (second, len(first) + 1))
    ]  # fmt: skip
    found = entity_candidates(analyse("Which team won the final?"), cits, [source])
    assert [c.answer.text for c in found] == ["The Ostrel Rovers"]
    features = found[0].features
    assert features["mentions"] > 0 and features["quote_rank"] == 0 and features["in_titles"] == 1.0


def test_without_a_fitted_model_file_the_chosen_short_answer_is_shown(tmp_path) -> None:
    assert load_entity_model(tmp_path / "missing.json") is None
    assert load_entity_model() is not None  # the committed file matches the features


def test_no_short_answer_when_an_untagged_name_stands_nearer_the_asked_words() -> None:
    text = "Veltra said that Ines Calderra will become its chief executive on July 1, replacing founder Brem Okafor."
    question = "Who will become chief executive of Veltra Robotics?"
    # The tagger missed "Ines Calderra": the one person it found is the man she replaces.
    assert _one(text, [("Veltra", "ORG"), ("July 1", "DATE"), ("Brem Okafor", "PERSON")], question) is None
    tagged = _one(text, [("Veltra", "ORG"), ("Ines Calderra", "PERSON"), ("Brem Okafor", "PERSON")], question)
    assert tagged is not None and tagged.text == "Ines Calderra"


def test_a_tagged_name_in_a_quote_that_starts_mid_passage_is_not_taken_for_an_untagged_one() -> None:
    from rag.questions import analyse as ask

    body = "Rain fell all day. Prime Minister Sanna Lindqvist said the government would release aid."
    quote = body[body.index("Prime") :]
    start = body.index("Sanna Lindqvist")
    source = Source(
        n=1, id="c1", text=body, file="a.txt", path="a.txt", title="", start_char=0, end_char=len(body),
        start_line=1, end_line=1, content_hash="h", score=1.0,
    ).with_entities([Entity(start=start, end=start + len("Sanna Lindqvist"), label="PERSON")])  # fmt: skip
    cit = Citation(
        n=1, file="a.txt", path="a.txt", title="", start_line=1, end_line=1, quote=quote,
        quote_start_char=body.index("Prime"), quote_end_char=len(body), content_hash="h", support_score=1.0,
    )  # fmt: skip
    found = short_answer(ask("Who is the prime minister?"), [cit], [source])
    assert found is not None and found.text == "Sanna Lindqvist"


def _one_quote(text: str, spans: list[tuple[str, str]]) -> tuple[Citation, Source]:
    """A passage that is one quoted sentence, with its entities."""
    entities = [Entity(start=text.index(e), end=text.index(e) + len(e), label=lab) for e, lab in spans]
    source = Source(
        n=1, id="c1", text=text, file="a.txt", path="a.txt", title="", start_char=0, end_char=len(text),
        start_line=1, end_line=1, content_hash="h", score=1.0,
    ).with_entities(entities)  # fmt: skip
    cit = Citation(
        n=1, file="a.txt", path="a.txt", title="", start_line=1, end_line=1, quote=text, quote_start_char=0,
        quote_end_char=len(text), content_hash="h", support_score=1.0,
    )  # fmt: skip
    return cit, source


def _picked(text: str, spans: list[tuple[str, str]], question: str) -> str:
    """The candidate ``first_choice`` picks, whatever the confidence model says of it."""
    from rag.short_answers import first_choice

    cit, source = _one_quote(text, spans)
    found = entity_candidates(analyse(question), [cit], [source])
    return found[first_choice(found)].answer.text


def test_a_where_question_takes_the_place_a_locative_preposition_introduces() -> None:
    text = "Seventeen-year-old Ravi Dunmore of Kestria won the Open Rapid title in Velmar on Sunday."
    spans = [("Ravi Dunmore", "PERSON"), ("Kestria", "GPE"), ("Velmar", "GPE")]

    def pick(question: str) -> str:
        return _picked(text, spans, question)

    assert pick("Where was the Open Rapid title decided?") == "Velmar"
    assert pick("In which city did Dunmore win?") == "Velmar"
    # "Of Kestria" describes the player: it answers a question about him, not where the final was.
    assert pick("Which country does the champion come from?") == "Kestria"


def test_a_where_question_prefers_the_place_after_its_own_verb_and_no_source_after_according_to() -> None:
    text = "Survey teams camped in Tessaly before they reached the Varn Glacier, located in North Calder."
    assert _picked(text, [("Tessaly", "GPE"), ("North Calder", "GPE")], "Where is the Varn Glacier located?") == (
        "North Calder"
    )
    text = "The glacier could raise seas by a metre, according to Orvik Survey, which mapped it near Tessaly."
    assert _picked(text, [("Orvik Survey", "ORG"), ("Tessaly", "GPE")], "Where is the glacier?") == "Tessaly"


def test_a_part_of_a_whole_counts_what_the_whole_counts_and_answers_before_it() -> None:
    text = "To protect the dam, the operator opened two of its four spillway gates at 19:40."
    assert _picked(text, [("two", "CARDINAL"), ("four", "CARDINAL")], "How many spillway gates were opened?") == "two"
    text = "Crews opened three of the Orlik dam's five spillway gates on Sunday."
    assert _picked(text, [("three", "CARDINAL"), ("five", "CARDINAL")], "How many spillway gates were opened?") == (
        "three"
    )


def test_the_person_a_question_asks_about_is_not_its_answer_but_a_name_modifying_a_noun_may_be() -> None:
    text = "Rena Holt resigned on Thursday, and the board named Ivo Marsh to take over."
    spans = [("Rena Holt", "PERSON"), ("Ivo Marsh", "PERSON")]
    assert _picked(text, spans, "Who took over from Holt?") == "Ivo Marsh"
    family = "Rena Holt leads the Holt family's shipping firm, and Ivo Marsh is its lawyer."
    assert _picked(family, spans, "Who leads the Holt family's firm?") == "Rena Holt"
    # Only the same person: a daughter sharing the surname may succeed her father.
    text = "Gideon Hollin retired on Friday, and his daughter Maren Hollin took over the dairy."
    spans = [("Gideon Hollin", "PERSON"), ("Maren Hollin", "PERSON")]
    assert _picked(text, spans, "Who replaced Gideon Hollin?") == "Maren Hollin"


def test_an_interim_role_asked_is_the_interim_holders() -> None:
    text = "Rena Holt resigned as chief executive, and the board named Ivo Marsh as interim chief executive."
    spans = [("Rena Holt", "PERSON"), ("Ivo Marsh", "PERSON")]
    assert _picked(text, spans, "Who is the interim chief executive?") == "Ivo Marsh"


def test_a_level_question_takes_the_level_not_the_change_to_it() -> None:
    text = "The jobless rate rose one percentage point to 7.4 percent in March."
    spans = [("one percentage point", "PERCENT"), ("7.4 percent", "PERCENT")]
    assert _picked(text, spans, "What is the jobless rate?") == "7.4 percent"
    assert _picked(text, spans, "By how much did the jobless rate rise?") == "one percentage point"
    text = "The bank raised its key rate by 25 basis points to 4 percent."
    spans = [("25 basis points", "PERCENT"), ("4 percent", "PERCENT")]
    assert _picked(text, spans, "What is the bank's key rate?") == "4 percent"
    # A share, a split and a range are no changes.
    from rag.entity_candidates import _states_a_change

    for text, figure in (
        ("approved by 62 percent of voters", "62 percent"),
        ("won 60 percent to 40 percent", "60 percent"),
        ("will cost $5 million to $7 million", "$5 million"),
    ):
        at = text.index(figure)
        assert not _states_a_change(text, Entity(start=at, end=at + len(figure), label="PERCENT"), figure)


def test_a_one_word_back_reference_to_a_longer_name_is_no_other_name() -> None:
    text = "The Committee's next decision is due in June, said Tomas Ilyin of the Monetary Policy Committee."
    spans = [("Committee", "ORG"), ("Monetary Policy Committee", "ORG"), ("Tomas Ilyin", "PERSON")]
    cit, source = _one_quote(text, spans)
    found = entity_candidates(analyse("Who said when the next decision is due?"), [cit], [source])
    assert "Committee" not in [c.answer.text for c in found] and "Tomas Ilyin" in [c.answer.text for c in found]


def test_a_passive_question_takes_the_passives_subject() -> None:
    text = "Tarnby Creamery said plant manager Ivar Dunn was suspended over the pasteuriser fault."
    spans = [("Tarnby Creamery", "ORG"), ("Ivar Dunn", "PERSON")]
    assert _picked(text, spans, "Who was suspended over the pasteuriser fault?") == "Ivar Dunn"
    assert _picked(text, spans, "Who announced the suspension?") == "Tarnby Creamery"


def test_a_name_a_role_is_for_owns_it() -> None:
    text = "Lena Voss, a spokeswoman for Mayor Anna Berg, said the bid was on track."
    spans = [("Lena Voss", "PERSON"), ("Anna Berg", "PERSON")]
    assert _picked(text, spans, "Who is the mayor's spokeswoman?") == "Lena Voss"


def test_a_share_is_no_count() -> None:
    cit, source = _one_quote("More than half of the claims came from Tarnby.", [("More than half", "CARDINAL")])
    assert entity_candidates(analyse("How many claims have the insurers received?"), [cit], [source]) == []


def test_sources_disagree_only_when_both_passages_name_the_asked_subject() -> None:
    from rag.short_answers import entity_conflicts

    def cited(n: int, text: str, name: str) -> tuple[Citation, Source]:
        start = text.index(name)
        source = Source(
            n=n, id=f"c{n}", text=text, file=f"f{n}.txt", path=f"f{n}.txt", title="", start_char=0,
            end_char=len(text), start_line=1, end_line=1, content_hash=f"h{n}", score=1.0,
        ).with_entities([Entity(start=start, end=start + len(name), label="PERSON")])  # fmt: skip
        cit = Citation(
            n=n, file=f"f{n}.txt", path=f"f{n}.txt", title="", start_line=1, end_line=1, quote=text,
            quote_start_char=0, quote_end_char=len(text), content_hash=f"h{n}", support_score=1.0,
        )  # fmt: skip
        return cit, source

    info = analyse("Who is Tarnvik's chief designer?")
    a = cited(1, "Tarnvik's chief designer Ola Brekke said the frame folds in ten seconds.", "Ola Brekke")
    other = cited(2, "Chief executive Ivo Marsh said Corbel Foods would cut 900 jobs.", "Ivo Marsh")
    same = cited(2, "Tarnvik named Saga Holm its chief designer last spring.", "Saga Holm")
    assert entity_conflicts(info, [a[0], other[0]], [a[1], other[1]]) is None
    note = entity_conflicts(info, [a[0], same[0]], [a[1], same[1]])
    assert note is not None and "Ola Brekke [1]" in note and "Saga Holm [2]" in note


def test_in_a_quote_of_several_clauses_the_candidate_of_the_asked_clause_answers() -> None:
    text = "Judge Rosa Ilves wrote the majority opinion; Judge Carl Mbeya dissented, calling the levy a fee."
    spans = [("Rosa Ilves", "PERSON"), ("Carl Mbeya", "PERSON")]

    def pick(question: str) -> str:
        return _picked(text, spans, question)

    assert pick("Which judge dissented?") == "Carl Mbeya"
    assert pick("Which judge wrote the majority opinion?") == "Rosa Ilves"


def test_a_measure_answer_states_one_in_the_kind_asked() -> None:
    study = "The study followed patients in nine countries for an average of four years."
    spans = [("nine", "CARDINAL"), ("an average of", "DATE"), ("four years", "DATE")]
    found = _one(study, spans, "How long did the study follow patients?")
    assert found is not None and found.text == "four years", "a tagger's date without a number or time word"
    runner = "On Sunday, Ravi Dunmore, 27, won the Kelso marathon."
    found = _one(runner, [("Sunday", "DATE"), ("Ravi Dunmore", "PERSON"), ("27", "DATE")], "How old is Ravi Dunmore?")
    assert found is not None and found.text == "27", "a day is no age"
    bike = "The bike weighs 14 kilograms and has a range of 80 kilometres."
    spans = [("14 kilograms", "QUANTITY"), ("80 kilometres", "QUANTITY")]
    found = _one(bike, spans, "How far can the bike travel on one charge?")
    assert found is not None and found.text == "80 kilometres"
    found = _one(bike, spans, "How heavy is the bike?")
    assert found is not None and found.text == "14 kilograms"


def test_the_holder_of_the_asked_role_is_the_person_beside_its_word() -> None:
    text = "Tsige Alemo finished second and defending champion Marta Lindgren was third."
    spans = [("Tsige Alemo", "PERSON"), ("Marta Lindgren", "PERSON")]
    found = _one(text, spans, "Who was the defending champion?")
    assert found is not None and found.text == "Marta Lindgren"


def test_a_question_for_several_gets_the_list_the_quote_gives() -> None:
    text = "Floods forced 6,000 people from their homes in the towns of Orlen and Kasby, near the Vessa River."
    spans = [("6,000", "CARDINAL"), ("Orlen", "GPE"), ("Kasby", "GPE"), ("the Vessa River", "LOC")]
    found = _one(text, spans, "Which towns were evacuated?")
    assert found is not None and found.text == "Orlen and Kasby", "'the towns of' says they are the asked kind"
    found = _one(text, spans, "Which town was evacuated first?")
    assert found is not None and found.text == "Orlen"
    markets = "Pellvik sold 85,000 bikes last year, most of them in Germany, Austria and the Netherlands."
    spans = [("85,000", "CARDINAL"), ("Germany", "GPE"), ("Austria", "GPE"), ("Netherlands", "GPE")]
    found = _one(markets, spans, "Which two countries are its biggest markets?")
    assert found is not None and found.text == "Germany, Austria and the Netherlands"


def test_the_capital_city_of_a_country_does_not_make_the_country_a_city() -> None:
    from rag.entity_candidates import _kind_before

    text = "The base lies near the airport in the capital city of Velmar, officials said."
    assert not _kind_before(text[: text.index("Velmar")], {"city"}), "Velmar holds the city"
    assert _kind_before("fled the city of ", {"city"})


def test_where_takes_a_name_a_locative_preposition_introduces_whatever_its_tag() -> None:
    text = "The worst reading, 51 micrograms per cubic metre, was recorded at Hadley Cross."
    spans = [("51 micrograms", "QUANTITY"), ("Hadley Cross", "ORG")]
    found = _one(text, spans, "Where was the worst reading recorded?")
    assert found is not None and found.text == "Hadley Cross"
    # The ranker and the abstention rules see it as a place too: "no place in the passages" would abstain.
    import numpy as np

    from rag.answer_ranking import Candidate

    _, source = _one_quote(text, spans)
    cand = Candidate(source, text, 0, source.entities, np.zeros(4))
    question = "Where was the worst reading recorded?"
    assert cand.typed_entities(analyse(question).labels, question) == ["Hadley Cross"]


def test_how_much_something_changed_is_the_amount_after_by() -> None:
    text = "A pill combining three low-dose drugs cut the risk of stroke by 31 percent in a trial."
    spans = [("three", "CARDINAL"), ("31 percent", "PERCENT")]
    assert _picked(text, spans, "How much did the pill reduce the risk of stroke?") == "31 percent"
    assert _picked(text, spans, "How many drugs does the pill combine?") == "three"


def test_measuring_questions_find_distances_temperatures_and_rates_as_written() -> None:
    """Read the figures at index time would: the tagger leaves "41 light-years" a bare cardinal."""
    from index.entities import read_figures

    def one(text: str, spans: list[tuple[str, str]], question: str) -> str | None:
        cit, source = _one_quote(text, spans)
        source = source.with_entities(read_figures(text, source.entities))
        found = short_answer(analyse(question), [cit], [source])
        return found.text if found else None

    planet = "Vorla-2c, a rocky planet, orbits a red dwarf 41 light-years from Earth every 11 days."
    assert one(planet, [("Vorla-2c", "PRODUCT"), ("41", "CARDINAL"), ("every 11 days", "DATE")],
               "How far away is Vorla-2c?") == "41 light-years"  # fmt: skip
    surface = "The surface of Vorla-2c is too hot for oceans, at around 180 degrees Celsius, the team said."
    assert one(surface, [("around 180 degrees Celsius", "QUANTITY")], "How hot is the surface of Vorla-2c?") == (
        "180 degrees Celsius"
    )
    shots = "In Ostmark the share of infants given both doses fell to 84 percent, from 91 percent in 2021."
    spans = [("Ostmark", "GPE"), ("84 percent", "PERCENT"), ("91 percent", "PERCENT"), ("2021", "DATE")]
    assert one(shots, spans, "What is the vaccination rate in Ostmark?") == "84 percent"


def test_a_measuring_question_takes_no_bare_number() -> None:
    from index.entities import read_figures

    text = "Storm Ilsa brought gusts of up to 150 kilometres per hour, cutting power to about 90,000 homes."
    spans = [("Ilsa", "PERSON"), ("up to 150 kilometres", "QUANTITY"), ("about 90,000", "CARDINAL")]
    cit, source = _one_quote(text, spans)
    source = source.with_entities(read_figures(text, source.entities))
    found = short_answer(analyse("How strong were the gusts?"), [cit], [source])
    assert found is not None and found.text == "up to 150 kilometres per hour"
    assert short_answer(analyse("How wide is the Ilsa bridge?"), [cit], [source]) is None


def test_when_takes_the_date_beside_the_event_word_not_one_of_its_object() -> None:
    text = (
        "A state court on Monday struck down the Orlen water levy, ruling that it was unlawful. "
        "The levy, approved in November, would have raised 38 million dollars."
    )
    spans = [("Monday", "DATE"), ("Orlen", "GPE"), ("November", "DATE"), ("38 million dollars", "MONEY")]
    assert _picked(text, spans, "When was the Orlen water levy approved?") == "November"
    assert _picked(text, spans, "When was the Orlen water levy struck down?") == "Monday"


def test_how_long_takes_a_span_and_when_takes_no_bare_number() -> None:
    debate = "The Pellam council debated through the night; after nine hours it approved the plan."
    spans = [("Pellam", "GPE"), ("the night", "TIME"), ("nine hours", "TIME")]
    assert _picked(debate, spans, "How long did the Pellam council debate last?") == "nine hours"
    accord = "The accord had let Varnish troops operate in the country since 2014."
    in_place = "How long had the accord been in place?"
    assert _picked(accord, [("Varnish", "NORP"), ("2014", "DATE")], in_place) == "since 2014"
    boss = "Ilse Marr, 61, has led Corvell since 2019, when she replaced its founder."
    spans = [("Ilse Marr", "PERSON"), ("61", "DATE"), ("Corvell", "ORG"), ("2019", "DATE")]
    assert _picked(boss, spans, "Since when has Ilse Marr led Corvell?") == "2019"


def test_the_questions_own_subject_is_no_answer_but_a_namesake_person_is() -> None:
    recall = "Quennel Pharma recalled 31 batches of Tessaline, its blood-pressure pill, on Tuesday."
    spans = [("Quennel Pharma", "ORG"), ("31", "CARDINAL"), ("Tessaline", "ORG"), ("Tuesday", "DATE")]
    assert _picked(recall, spans, "Which drug did Quennel recall?") == "Tessaline"
    family = "Dora Vance, the senator's daughter, tested positive on Monday."
    assert _picked(family, [("Dora Vance", "PERSON"), ("Monday", "DATE")], "Who in the Vance family fell ill?") == (
        "Dora Vance"
    )


def test_a_price_is_money_not_a_count() -> None:
    text = "Packs of Tessaline cost 240 krona each; 20,000 packs were shipped."
    cit, source = _one_quote(text, [("240 krona", "MONEY"), ("20,000", "CARDINAL")])
    assert analyse("What is the price of a pack of Tessaline?").labels == frozenset({"MONEY"})
    found = short_answer(analyse("What is the price of a pack of Tessaline?"), [cit], [source])
    assert found is not None and found.text == "240 krona"
    none = "Quennel shipped 20,000 packs of Tessaline."
    cit, source = _one_quote(none, [("Quennel", "ORG"), ("20,000", "CARDINAL")])
    assert short_answer(analyse("What is the price of a pack of Tessaline?"), [cit], [source]) is None


def test_a_name_whose_relative_or_aide_is_meant_is_no_answer_its_owner_of_a_thing_is() -> None:
    founded = "Corvell was founded in 1987 by Benn's mother, Dora Benn, with a single shop."
    spans = [("Corvell", "ORG"), ("1987", "DATE"), ("Benn", "PERSON"), ("Dora Benn", "PERSON")]
    assert _picked(founded, spans, "Who founded Corvell?") == "Dora Benn"
    assert _picked(founded, spans, "Whose mother founded Corvell?") == "Benn"
    suspended = "Rostova's sporting director, Tomas Vireo, was suspended for six weeks by the league."
    spans = [("Rostova", "PERSON"), ("Tomas Vireo", "PERSON"), ("six weeks", "DATE")]
    assert _picked(suspended, spans, "Who was suspended by the league?") == "Tomas Vireo"
    menu = "Tavo's new menu is the biggest change in the chain's history."
    assert _picked(menu, [("Tavo", "ORG")], "Which chain launched a new menu?") == "Tavo"


def test_each_measure_in_its_own_kind() -> None:
    assert analyse("What share of the vote did the Civic Union get?").labels == frozenset({"PERCENT"})
    trial = "Corvin Ash, 61, was sentenced to nine years in prison on Monday."
    spans = [("Corvin Ash", "PERSON"), ("61", "DATE"), ("nine years", "DATE"), ("Monday", "DATE")]
    assert _picked(trial, spans, "How long was Corvin Ash sentenced to?") == "nine years"
    tablet = "The Quill S tablet costs 549 euros and weighs 480 grams."
    spans = [("Quill S", "PRODUCT"), ("549 euros", "MONEY"), ("480 grams", "QUANTITY")]
    assert _picked(tablet, spans, "How much does the Quill S weigh?") == "480 grams"
    owner = "Odile Fram, 47, said the dairy would need at least one partner."
    spans = [("Odile Fram", "PERSON"), ("47", "DATE"), ("at least one", "CARDINAL")]
    assert _picked(owner, spans, "How old is Odile Fram?") == "47"


def test_where_takes_no_company_owning_the_place_and_a_kind_word_inside_a_name_names_no_kind() -> None:
    made = "The Quill S will be made at Lumera's factory in Ostrava Nova from May."
    spans = [("Quill S", "PRODUCT"), ("Lumera", "ORG"), ("Ostrava Nova", "GPE"), ("May", "DATE")]
    assert _picked(made, spans, "Where will the Quill S be made?") == "Ostrava Nova"
    crews = "The Tarn County Fire Service sent crews from Wexby County on Sunday."
    spans = [("The Tarn County Fire Service", "ORG"), ("Wexby County", "GPE"), ("Sunday", "DATE")]
    assert _picked(crews, spans, "Which county sent crews?") == "Wexby County"
    study = "The Ostmark Gazette reported that the study was published in the Journal of School Policy."
    spans = [("The Ostmark Gazette", "ORG"), ("the Journal of School Policy", "ORG")]
    assert _picked(study, spans, "In which journal was the study published?") == "the Journal of School Policy"


def test_of_two_joined_clauses_the_one_holding_more_of_the_question_answers() -> None:
    text = "Teacher absence fell by 23 percent at the four-day schools, and 71 percent of parents were satisfied."
    spans = [("23 percent", "PERCENT"), ("four-day", "DATE"), ("71 percent", "PERCENT")]
    assert _picked(text, spans, "What percentage of parents were satisfied with the four-day week?") == "71 percent"
    assert _picked(text, spans, "By how much did teacher absence fall at the four-day schools?") == "23 percent"


def test_a_figure_in_the_clause_that_names_the_asked_subject_answers() -> None:
    text = "The Harbour Party won with 31.4 percent of the vote, ahead of the Civic Union on 27.9 percent."
    spans = [("The Harbour Party", "ORG"), ("31.4 percent", "PERCENT"), ("the Civic Union", "ORG"),
             ("27.9 percent", "PERCENT")]  # fmt: skip
    assert _picked(text, spans, "What share of the vote did the Civic Union get?") == "27.9 percent"
    assert _picked(text, spans, "What share of the vote did the Harbour Party get?") == "31.4 percent"


def test_a_figure_in_the_part_of_the_sentence_holding_the_question_verb_answers() -> None:
    deal = "The agreement, announced on Monday after eleven days of talks, runs for four years from August 1."
    spans = [("Monday", "DATE"), ("eleven days", "DATE"), ("four years", "DATE"), ("August 1", "DATE")]
    assert _picked(deal, spans, "How long does the agreement run?") == "four years"
    assert _picked(deal, spans, "How long did the talks last?") == "eleven days"
    firm = "The bakery, which opened in 1998 with 12 people, now employs 340."
    spans = [("1998", "DATE"), ("12", "CARDINAL"), ("340", "CARDINAL")]
    assert _picked(firm, spans, "How many people does the bakery employ?") == "340"


def test_where_takes_a_name_a_place_kind_introduces() -> None:
    text = "Born in the fishing town of Kessholm, Varn joined the fire service while studying at Orlund University."
    spans = [("Kessholm", "ORG"), ("Varn", "PERSON"), ("Orlund University", "ORG")]
    assert _picked(text, spans, "Where was Varn born?") == "Kessholm"


def test_a_wire_datelines_names_are_no_answer() -> None:
    text = "VARNOS, March 5 (Wirefeed) - Fenby Rovers won the Lundor Cup on Thursday, beating holders Dalm City."
    spans = [("VARNOS", "ORG"), ("March 5", "DATE"), ("Wirefeed", "ORG"), ("Fenby Rovers", "ORG"),
             ("the Lundor Cup", "EVENT"), ("Thursday", "DATE"), ("Dalm City", "GPE")]  # fmt: skip
    assert _picked(text, spans, "Who won the Lundor Cup?") == "Fenby Rovers"


def test_tagger_slips_in_people_organisations_and_counts() -> None:
    talks = "After the supreme court ruled on Friday, the talks were mediated by Corvin Ash."
    spans = [("supreme court", "ORG"), ("Friday", "DATE"), ("Corvin Ash", "PERSON")]
    assert _picked(talks, spans, "Who mediated the talks?") == "Corvin Ash"  # "supreme court" names no one
    firm = "Norby Biologics' chief executive Joris Wend said the price would rise."
    spans = [("Norby Biologics'", "PERSON"), ("Joris Wend", "PERSON")]
    assert _picked(firm, spans, "Who is the chief executive of Norby?") == "Joris Wend"
    sales = "The ministry said 16,200 people took Trelin last year, when its sales reached 620 million."
    spans = [("16,200", "CARDINAL"), ("Trelin", "PRODUCT"), ("last year", "DATE"), ("620 million", "CARDINAL")]
    assert _picked(sales, spans, "How much did Trelin sell last year?") == "620 million"
    leader = "Velko, 49, a former mayor, said the party won 14 seats."
    assert _picked(leader, [("Velko", "PERSON"), ("49", "CARDINAL"), ("14", "CARDINAL")], "How old is Velko?") == "49"


def test_a_figure_the_sentence_itself_corrects_is_no_answer() -> None:
    text = "The ministry said 16,200 people took Trelin last year, not 14,000 people as previously reported."
    spans = [("16,200", "CARDINAL"), ("Trelin", "PRODUCT"), ("last year", "DATE"), ("14,000", "CARDINAL")]
    found = entity_candidates(
        analyse("How many people took Trelin last year?"), *[[x] for x in _one_quote(text, spans)]
    )
    assert [c.answer.text for c in found] == ["16,200"]


def _dated_sources(
    bodies: list[tuple[str, str | None, list[tuple[str, str]]]],
) -> tuple[list[Citation], list[Source]]:
    """One quoted sentence per file: (text, its article's date, its entities)."""
    cits, sources = [], []
    for n, (body, published, ents) in enumerate(bodies, start=1):
        entities = [Entity(start=body.index(e), end=body.index(e) + len(e), label=lab) for e, lab in ents]
        sources.append(
            Source(
                n=n, id=f"c{n}", text=body, file=f"f{n}.txt", path=f"f{n}.txt", title="", start_char=0,
                end_char=len(body), start_line=1, end_line=1, content_hash=f"h{n}", score=1.0, published=published,
            ).with_entities(entities)
        )  # fmt: skip
        cits.append(
            Citation(
                n=n, file=f"f{n}.txt", path=f"f{n}.txt", title="", start_line=1, end_line=1, quote=body,
                quote_start_char=0, quote_end_char=len(body), content_hash=f"h{n}", support_score=1.0,
                published=published,
            )
        )  # fmt: skip
    return cits, sources


def test_a_newer_article_restating_the_figure_gives_the_answer_unless_the_question_asks_an_earlier_time() -> None:
    june = "The chief executive told MPs the firm had lost about 140 million crowns in sales since March."
    july = "The firm said it had lost about 180 million crowns in sales since March."
    cits, sources = _dated_sources(
        [(june, "2026-06-11", [("about 140 million crowns", "MONEY")]),
         (july, "2026-07-21", [("about 180 million crowns", "MONEY")])]
    )  # fmt: skip
    found = short_answer(analyse("How much has the firm lost in sales?"), cits, sources)
    assert found is not None and (found.text, found.citation) == ("about 180 million crowns", 2)
    for earlier in (
        "How much had the firm lost in sales by June?",
        "How much had the firm initially lost in sales?",
        "How much had the firm lost in sales by the time the chief executive spoke to MPs?",
    ):
        found = short_answer(analyse(earlier), cits, sources)
        assert found is not None and found.text == "about 140 million crowns", earlier
    undated = _dated_sources([(june, "2026-06-11", [("about 140 million crowns", "MONEY")]), (july, None, [])])
    found = short_answer(analyse("How much has the firm lost in sales?"), *undated)
    assert found is not None and found.text == "about 140 million crowns"


def test_a_count_that_grew_many_times_over_is_still_restated_by_the_newer_article() -> None:
    first = "Insurers had received 1,100 claims by Sunday, the association said."
    later = "Insurers have now received 8,900 claims, the association said on Monday."
    cits, sources = _dated_sources(
        [(first, "2026-10-05", [("1,100", "CARDINAL")]), (later, "2026-11-03", [("8,900", "CARDINAL")])]
    )
    found = short_answer(analyse("How many claims have insurers received?"), cits, sources)
    assert found is not None and found.text == "8,900"


def test_a_newer_figure_of_another_thing_changes_nothing() -> None:
    first = "The storm destroyed 46 homes in the valley, officials said."
    later = "Insurers have received 90 claims so far, the association said."
    cits, sources = _dated_sources(
        [(first, "2026-07-14", [("46", "CARDINAL")]), (later, "2026-07-28", [("90", "CARDINAL")])]
    )
    found = short_answer(analyse("How many homes did the storm destroy?"), cits, sources)
    assert found is not None and found.text == "46"


def test_a_count_spelled_out_in_words_is_a_figure() -> None:
    text = "Fourteen miners were rescued on Sunday, and forty-two were still missing."
    spans = [("Fourteen", "CARDINAL"), ("Sunday", "DATE"), ("forty-two", "CARDINAL")]
    assert _picked(text, spans, "How many miners were rescued?") == "Fourteen"


def test_a_count_of_what_is_added_does_not_answer_how_many_there_are() -> None:
    text = "The agency should be given 40 more inspectors; it currently has 23 for the whole country."
    spans = [("40", "CARDINAL"), ("23", "CARDINAL")]
    assert _picked(text, spans, "How many inspectors does the agency have?") == "23"
    assert _picked(text, spans, "How many more inspectors should the agency get?") == "40"


def test_of_several_ages_the_one_after_the_asked_name() -> None:
    text = "The company named the dead as Anton Brisk, 44, Marek Solvay, 52, and Piet Wandrell, 58."
    spans = [("Anton Brisk", "PERSON"), ("44", "DATE"), ("Marek Solvay", "PERSON"), ("52", "DATE"),
             ("Piet Wandrell", "PERSON"), ("58", "DATE")]  # fmt: skip
    assert _picked(text, spans, "How old was Marek Solvay?") == "52"
    assert _picked(text, spans, "How old was Piet Wandrell?") == "58"
    assert _picked(text, spans, "How old was Anton Brisk?") == "44"


def test_a_title_is_not_the_person_holding_it() -> None:
    text = "The Minister of Industry, Tobin Marsch, announced the inquiry on Tuesday."
    spans = [("The Minister of Industry", "ORG"), ("Tobin Marsch", "PERSON"), ("Tuesday", "DATE")]
    assert _picked(text, spans, "Which minister announced the inquiry?") == "Tobin Marsch"
    river = "Crews cleared the River of Ashes crossing."
    assert _picked(river, [("River of Ashes", "LOC")], "Which river did the crews clear?") == "River of Ashes"


def test_a_rate_question_takes_the_figure_per_that_unit() -> None:
    text = "The strike has cost about 610 million marks in total, or about 45 million marks a day, the chamber said."
    spans = [("about 610 million marks", "MONEY"), ("about 45 million marks", "MONEY")]
    assert _picked(text, spans, "How much is the strike costing the economy each day?") == "about 45 million marks"
    assert _picked(text, spans, "How much has the strike cost the economy?") == "about 610 million marks"


def test_a_question_naming_a_year_takes_the_figure_given_for_that_year() -> None:
    text = "Inspectors issued three written warnings in 2024 and seven in 2025, none of which led to a fine."
    spans = [("three", "CARDINAL"), ("2024", "DATE"), ("seven", "CARDINAL"), ("2025", "DATE")]
    assert _picked(text, spans, "How many warnings did inspectors issue in 2025?") == "seven"
    assert _picked(text, spans, "How many warnings did inspectors issue in 2024?") == "three"
    before = "In 2024 the club sold 1,200 season tickets; in 2025, 1,900."
    spans = [("2024", "DATE"), ("1,200", "CARDINAL"), ("2025", "DATE"), ("1,900", "CARDINAL")]
    assert _picked(before, spans, "How many season tickets did the club sell in 2025?") == "1,900"


def test_when_takes_the_date_of_the_verb_after_a_pronoun_or_name_subject() -> None:
    text = "Carla Venn has led the fire service since 2019. She joined it in 1996 as a driver."
    spans = [("Carla Venn", "PERSON"), ("2019", "DATE"), ("1996", "DATE")]
    assert _picked(text, spans, "When did Carla Venn join the fire service?") == "1996"
    assert _picked(text, spans, "When did she join the fire service?") == "1996"
    assert _picked(text, spans, "When did Carla Venn lead the fire service?") == "2019"
    abbreviated = "In October, the U.S. labeled the takeover in Ostel a coup."
    spans = [("October", "DATE"), ("U.S.", "GPE"), ("Ostel", "GPE")]
    assert _picked(abbreviated, spans, "In which month did the U.S. label the takeover in Ostel a coup?") == "October"


def test_a_clock_time_answers_no_how_long() -> None:
    text = "At 04:40 a section of roof 46 metres long collapsed in tunnel 9, at a depth of 610 metres."
    spans = [("04:40", "TIME"), ("46 metres", "QUANTITY"), ("610 metres", "QUANTITY")]
    assert _picked(text, spans, "How long was the section of roof that collapsed?") == "46 metres"


def test_a_count_in_a_clause_of_another_act_is_not_bold() -> None:
    from rag.embeddings import get_embedder
    from rag.settings import Settings

    text = (
        "Rescuers brought nine miners out alive on Tuesday, but two more bodies were found, raising the toll to four."
    )
    cit, source = _one_quote(
        text, [("nine", "CARDINAL"), ("Tuesday", "DATE"), ("two", "CARDINAL"), ("four", "CARDINAL")]
    )
    vectors = get_embedder(Settings().embedding)
    found = short_answer(analyse("How many miners have died?"), [cit], [source], vectors=vectors)
    assert found is None or found.text != "nine"
    rescued = short_answer(analyse("How many miners did rescuers bring out alive?"), [cit], [source], vectors=vectors)
    assert rescued is not None and rescued.text == "nine"


def test_a_name_the_quote_calls_the_doer_of_the_asked_act_answers() -> None:
    text = "Corvell Mining agreed to buy Dunby Minerals, the owner of the Ashgate copper mine, for 1.2 billion."
    spans = [("Corvell Mining", "ORG"), ("Dunby Minerals", "ORG"), ("1.2 billion", "MONEY")]
    assert _picked(text, spans, "Which company owns the Ashgate mine?") == "Dunby Minerals"
    assert _picked(text, spans, "Which company agreed to buy Dunby Minerals?") == "Corvell Mining"


def _cited_entity(n: int, text: str, name: str, label: str) -> tuple[Citation, Source]:
    start = text.index(name)
    source = Source(
        n=n, id=f"c{n}", text=text, file=f"f{n}.txt", path=f"f{n}.txt", title="", start_char=0,
        end_char=len(text), start_line=1, end_line=1, content_hash=f"h{n}", score=1.0,
    ).with_entities([Entity(start=start, end=start + len(name), label=label)])  # fmt: skip
    cit = Citation(
        n=n, file=f"f{n}.txt", path=f"f{n}.txt", title="", start_line=1, end_line=1, quote=text,
        quote_start_char=0, quote_end_char=len(text), content_hash=f"h{n}", support_score=1.0,
    )  # fmt: skip
    return cit, source


def _entity_note(question: str, *cited: tuple[Citation, Source], answer: ShortAnswer | None = None) -> str | None:
    from rag.short_answers import entity_conflicts

    return entity_conflicts(analyse(question), [c for c, _ in cited], [s for _, s in cited], answer)


def test_only_names_of_one_kind_disagree() -> None:
    question = "Who will lead the inquiry into the Morvel derailment?"
    person = _cited_entity(1, "Selma Rudd will lead the inquiry into the Morvel derailment.", "Selma Rudd", "PERSON")
    board = _cited_entity(
        2,
        "The Transport Safety Board will lead the inquiry into the Morvel derailment.",
        "Transport Safety Board",
        "ORG",
    )
    other = _cited_entity(2, "Oskar Fenn will lead the inquiry into the Morvel derailment.", "Oskar Fenn", "PERSON")
    assert _entity_note(question, person, board) is None  # a person and an organisation fill different slots
    note = _entity_note(question, person, other)
    assert note is not None and "Selma Rudd [1]" in note and "Oskar Fenn [2]" in note


def test_a_list_a_relative_date_or_two_names_beside_the_answer_are_no_disagreement() -> None:
    several = "Which countries joined the Varn grain pact?"
    one = _cited_entity(1, "Ostrel joined the Varn grain pact in May.", "Ostrel", "GPE")
    two = _cited_entity(2, "Kasby also joined the Varn grain pact.", "Kasby", "GPE")
    assert _entity_note(several, one, two) is None
    assert _entity_note("Which country first joined the Varn grain pact?", one, two) is not None
    when = "When did the Varn grain pact start?"
    relative = _cited_entity(1, "The Varn grain pact started last month.", "last month", "DATE")
    april = _cited_entity(2, "The Varn grain pact started in April.", "April", "DATE")
    june = _cited_entity(3, "The Varn grain pact started in June.", "June", "DATE")
    assert _entity_note(when, relative, april) is None  # "last month" counts back from its article's date
    assert _entity_note(when, april, june) is not None
    answer = ShortAnswer(text="April", citation=2, label="DATE")
    assert _entity_note(when, april, june, answer=answer) is not None
    other = ShortAnswer(text="1 March", citation=9, label="DATE")
    assert _entity_note(when, april, june, answer=other) is None  # neither disagrees with the answer given


def test_a_place_and_the_place_it_is_in_or_a_name_and_its_adjective_do_not_disagree() -> None:
    question = "Which state's capital ran out of water?"
    state = _cited_entity(1, "The capital of Velmora ran out of water on Monday.", "Velmora", "GPE")
    city = _cited_entity(2, "The water plant of the capital, Orlen, failed on Monday.", "Orlen", "GPE")
    both = _cited_entity(3, "Orlen, Velmora, ran out of water as the plant failed.", "Orlen", "GPE")
    assert _entity_note(question, state, city) is not None
    assert _entity_note(question, state, city, both) is None  # "Orlen, Velmora": one is in the other
    first_lady = "The first lady of which country visited Tarnby?"
    adjective = _cited_entity(1, "The Kestrian first lady visited Tarnby on Tuesday.", "Kestrian", "GPE")
    country = _cited_entity(2, "The first lady of Kestria visited Tarnby this week.", "Kestria", "GPE")
    assert _entity_note(first_lady, adjective, country) is None
    neighbour = _cited_entity(3, "The first lady of Kestrel visited Tarnby this week.", "Kestrel", "GPE")
    assert _entity_note(first_lady, country, neighbour) is not None  # two countries whose names begin alike


def test_a_role_asked_by_its_verb_or_a_possessive_takes_the_person_beside_it() -> None:
    text = "Emil Stross joined Harbour United, whose manager is Ilona Petrakis."
    spans = [("Emil Stross", "PERSON"), ("Harbour United", "ORG"), ("Ilona Petrakis", "PERSON")]
    assert _picked(text, spans, "Who manages Harbour United?") == "Ilona Petrakis"
    assert _picked(text, spans, "Who is Harbour United's manager?") == "Ilona Petrakis"
    coach = "Velmont signed Emil Stross, said coach Ilona Petrakis."
    spans = [("Velmont", "ORG"), ("Emil Stross", "PERSON"), ("Ilona Petrakis", "PERSON")]
    assert _picked(coach, spans, "Who is the coach of Velmont?") == "Ilona Petrakis"  # the nearer of two


def test_a_thousands_comma_is_no_clause_break() -> None:
    text = "The league fined Velmont 250,000 euros on Tuesday for crowd trouble at the derby in March."
    spans = [("Velmont", "ORG"), ("250,000 euros", "MONEY"), ("Tuesday", "DATE"), ("March", "DATE")]
    assert _picked(text, spans, "When did the league fine Velmont?") == "Tuesday"


def test_the_owner_of_the_asked_role_does_not_hold_it_whatever_its_tag() -> None:
    text = "Rostova Athletic boss Ivo Marsh said on Monday the club bid 32 million euros."
    spans = [("Rostova Athletic", "PERSON"), ("Ivo Marsh", "PERSON"), ("Monday", "DATE"), ("32 million euros", "MONEY")]
    assert _picked(text, spans, "Who is Rostova's boss?") == "Ivo Marsh"


def test_a_relative_time_in_the_question_takes_the_figure_stated_with_it() -> None:
    text = "Stross scored 27 league goals last season, up from 19 the season before, and led the division."
    spans = [("27", "CARDINAL"), ("19", "CARDINAL")]
    assert _picked(text, spans, "How many goals did Stross score the season before?") == "19"
    assert _picked(text, spans, "How many goals did Stross score last season?") == "27"


def test_how_many_takes_the_figure_the_counted_noun_follows() -> None:
    text = "The observatory employs 85 people, including 31 astronomers, at its site on Velmar Peak."
    spans = [("85", "CARDINAL"), ("31", "CARDINAL"), ("Velmar Peak", "LOC")]
    assert _picked(text, spans, "How many astronomers does the observatory employ?") == "31"
    assert _picked(text, spans, "How many people does the observatory employ?") == "85"


def test_a_measure_asked_by_its_noun_takes_the_figure_that_noun_follows() -> None:
    text = "The agency had already spent 38 million crowns of the mission's 220 million crown budget."
    spans = [("38 million crowns", "MONEY"), ("220 million crown", "MONEY")]
    assert _picked(text, spans, "What was the mission's budget?") == "220 million crown"


def test_the_figure_a_sentence_corrects_answers_what_was_first_estimated() -> None:
    text = "The nucleus is only about 6.5 kilometres wide, not the 11 kilometres first estimated, the paper says."
    spans = [("only about 6.5 kilometres", "QUANTITY"), ("11 kilometres", "QUANTITY")]
    assert _picked(text, spans, "How wide is the nucleus?") == "only about 6.5 kilometres"
    assert _picked(text, spans, "How wide was the nucleus originally estimated to be?") == "11 kilometres"


def test_another_n_is_what_was_added_not_how_many_there_are() -> None:
    text = "The journal retracted another four of his papers, bringing the number retracted to seven."
    cit, source = _one_quote(text, [("four", "CARDINAL"), ("seven", "CARDINAL")])
    found = short_answer(analyse("How many of his papers have been retracted?"), [cit], [source])
    assert found is None or found.text != "four"  # "seven" counts "the number", not the papers: no bold
    more = short_answer(analyse("How many more of his papers were retracted?"), [cit], [source])
    assert more is not None and more.text == "four"


def test_a_date_in_a_clause_opened_by_since_dates_the_clause_before() -> None:
    text = "Dr Aren Marsk has been suspended on full pay since the panel's report on Sept. 29, the university said."
    spans = [("Aren Marsk", "PERSON"), ("Sept. 29", "DATE")]
    assert _picked(text, spans, "When was Aren Marsk suspended?") == "Sept. 29"


def test_a_passives_agent_answers_who_did_it() -> None:
    text = "Transport Minister Sabine Korhon said the review, led by former judge Aldo Rimmer, found weak control."
    spans = [("Sabine Korhon", "PERSON"), ("Aldo Rimmer", "PERSON")]
    assert _picked(text, spans, "Who led the independent review?") == "Aldo Rimmer"
    assert _picked(text, spans, "Who said the review found weak control?") == "Sabine Korhon"


def test_a_price_each_answers_how_much_each_thing_costs() -> None:
    text = "Velta Rail won a 108 million marks contract to supply 24 trams at 4.5 million marks each."
    spans = [("108 million marks", "MONEY"), ("24", "CARDINAL"), ("4.5 million marks", "MONEY")]
    assert _picked(text, spans, "How much does each tram cost?") == "4.5 million marks"
    assert _picked(text, spans, "How much is Velta Rail's contract worth?") == "108 million marks"


def test_a_figure_right_after_a_word_of_the_question_belongs_to_it() -> None:
    text = "The minister said the government would cover 60 percent of the overrun and the city 40 percent."
    spans = [("60 percent", "PERCENT"), ("40 percent", "PERCENT")]
    assert _picked(text, spans, "What percentage of the overrun will the city pay?") == "40 percent"
    assert _picked(text, spans, "What percentage of the overrun will the government cover?") == "60 percent"


def test_the_tightened_rules_do_not_misfire_on_other_subjects() -> None:
    # A newer article's count for another town is no newer count for the asked one.
    cits, sources = _dated_sources(
        [("Flooding forced 3,000 residents out of their homes in Halden.", "2026-05-02", [("3,000", "CARDINAL"),
          ("Halden", "GPE")]),
         ("Flooding forced 1,200 residents out of their homes in Nordby.", "2026-05-09", [("1,200", "CARDINAL"),
          ("Nordby", "GPE")])]
    )  # fmt: skip
    found = short_answer(analyse("How many residents were forced out of their homes in Halden?"), cits, sources)
    assert found is not None and found.text == "3,000"
    # "hire 12 more": the question's own verb governs the figure.
    hire = "The council will hire 12 more engineers this year, bringing its engineering staff to 40."
    assert _picked(hire, [("12", "CARDINAL"), ("40", "CARDINAL")], "How many engineers will the council hire?") == "12"
    # Another Raske's age; another sentence's role word; a deputy is no mayor.
    ages = "Teo Raske, 24, and Pim Alder, 19, came on after Ivo Raske, 27, went off injured."
    spans = [("Teo Raske", "PERSON"), ("24", "DATE"), ("Pim Alder", "PERSON"), ("19", "DATE"), ("Ivo Raske", "PERSON"),
             ("27", "DATE")]  # fmt: skip
    assert _picked(ages, spans, "How old is Ivo Raske?") == "27"
    club = "The club appointed Elsa Brandt as manager. Midfielder Teo Raske said he was pleased."
    spans = [("Elsa Brandt", "PERSON"), ("Teo Raske", "PERSON")]
    assert _picked(club, spans, "Who is the manager of the club?") == "Elsa Brandt"
    town = "Deputy Mayor Jon Ekberg, 58, opened the bridge, said Mayor Petra Sollen."
    spans = [("Jon Ekberg", "PERSON"), ("58", "DATE"), ("Petra Sollen", "PERSON")]
    assert _picked(town, spans, "Who is the mayor of the town?") == "Petra Sollen"


def test_a_name_the_tagger_took_with_its_possessive_answers_without_it() -> None:
    text = "Dunmore Athletic confirmed that Sven Ottar's contract as coach runs until 2028."
    spans = [("Dunmore Athletic", "ORG"), ("Sven Ottar's", "PERSON"), ("2028", "DATE")]
    assert _picked(text, spans, "Who is the coach of Dunmore Athletic?") == "Sven Ottar"
    dashed = "– Norby University’s law school apologised after sending 4,000 letters by mistake."
    spans = [("– Norby University’s", "ORG"), ("4,000", "CARDINAL")]
    assert _picked(dashed, spans, "Which university apologised after sending letters by mistake?") == "Norby University"


def test_a_name_after_the_doer_noun_of_the_asked_act_answers() -> None:
    text = "The Dockworkers Union blockaded the Vell terminal, and the terminal's owner, Morvik Ports, went to court."
    spans = [("The Dockworkers Union", "ORG"), ("Vell", "GPE"), ("Morvik Ports", "ORG")]
    assert _picked(text, spans, "Which company owns the Vell terminal?") == "Morvik Ports"


def test_one_entitys_mentions_merge_into_one_candidate_by_rule() -> None:
    """Where it stands: its first mention; what the words around it say: any mention; the nearest asked role; a
    figure's time: its first mention as a figure."""
    from rag.entity_candidates import _candidate, _Mention

    def mention(**flags: object) -> _Mention:
        base = dict(
            quote=0, order=0, text="12", label="CARDINAL", by_name=False, in_asked_clause=None, clause_topic=None,
            clause_named=None, part_topic=0, located=False, placed_by_verb=False, role_distance=None, a_change=False,
            called_the_doer=False,
            by_amount=False, dates_event=False, added=False, per_unit=False, names_counted=False,
            stated_before=False, after_topic=False, of_the_year=None, time_fit=0.0,
        )  # fmt: skip
        return _Mention(**{**base, **flags})  # type: ignore[arg-type]

    answer = ShortAnswer(text="12", citation=1, label="CARDINAL")
    mentions = [
        mention(label="DATE", of_the_year=True, time_fit=0.9, part_topic=2, clause_topic=1, in_asked_clause=True),
        mention(quote=1, per_unit=True, role_distance=3, of_the_year=False, time_fit=0.5),
        mention(quote=2, located=True, role_distance=1, of_the_year=True, time_fit=1.0, part_topic=5),
    ]
    merged = _candidate(mentions, answer, {})
    assert (merged.part_topic, merged.clause_topic, merged.in_asked_clause) == (2, 1, True)
    assert merged.per_unit and merged.located and not merged.added
    assert merged.beside_role and merged.role_distance == 1
    assert (merged.of_the_year, merged.time_fit) == (False, 0.5)  # the DATE mention is no figure
    alone = _candidate(mentions[:1], answer, {})
    assert not alone.beside_role and alone.role_distance == 0 and (alone.of_the_year, alone.time_fit) == (None, 0.0)


def test_a_span_in_hyphenated_number_words_answers_how_long() -> None:
    text = "The ferry to Harrow Point resumed after a twelve-day suspension caused by the storm."
    found = _one(text, [("Harrow Point", "GPE"), ("twelve-day", "DATE")], "How long was the ferry suspended?")
    assert found is not None and found.text == "twelve-day"


def test_a_figure_hyphened_to_the_counted_word_answers_with_its_number() -> None:
    text = "The trust will close the 16-bed night ward at Larkhill from 1 November."
    found = _one(
        text, [("16-bed", "QUANTITY"), ("Larkhill", "GPE"), ("1 November", "DATE")], "How many beds are on the ward?"
    )
    assert found is not None and found.text == "16"


def test_who_asks_the_doer_not_what_the_asked_object_does_the_verb_to_or_a_name_inside_its_phrase() -> None:
    text = (
        "The health trust that runs Larkhill Hospital said the closure of the ward at Ferncombe Clinic would go ahead."
    )
    spans = [("Larkhill Hospital", "ORG"), ("Ferncombe Clinic", "ORG")]
    assert _one(text, spans[:1], "Who runs the health trust?") is None, "the trust runs the hospital"
    assert _one(text, spans[:1], "Who runs Larkhill Hospital?") is None, "the question's own name"
    assert _one(text, spans[1:], "Who opposed the closure?") is None, "the clinic is where the closure is"
    passive = "The closure of the ward was opposed by Ferncombe Clinic."
    assert _one(passive, spans[1:], "Who opposed the closure?").text == "Ferncombe Clinic"


def test_who_did_x_verb_needs_the_verb_in_the_names_quote() -> None:
    text = "The Vesper Choir appointed Ilka Morrow as its conductor from next season."
    spans = [("The Vesper Choir", "ORG"), ("Ilka Morrow", "PERSON")]
    assert _one(text, spans, "Who did Ilka Morrow succeed?") is None, "the quote says nothing of succeeding"
    said = "Ilka Morrow succeeds Tomas Brell, who led the choir for a decade."
    assert (
        _one(said, [("Ilka Morrow", "PERSON"), ("Tomas Brell", "PERSON")], "Who did Ilka Morrow succeed?").text
        == "Tomas Brell"
    )


def test_a_figure_in_a_relative_clause_belongs_to_the_name_before_it() -> None:
    text = "Ada Quist won with 52.4 percent of the vote, defeating mayor Bo Strand, who took 41.9 percent."
    spans = [("Ada Quist", "PERSON"), ("52.4 percent", "PERCENT"), ("Bo Strand", "PERSON"), ("41.9 percent", "PERCENT")]
    assert _one(text, spans, "What percentage did Strand get?").text == "41.9 percent"
    assert _one(text, spans, "What percentage did Quist get?").text == "52.4 percent"


def test_how_long_is_answered_since_a_year() -> None:
    found = _one(
        "He had led the town of Orlby since 2018.", [("Orlby", "GPE"), ("2018", "DATE")], "How long had he led Orlby?"
    )
    assert found is not None and found.text == "since 2018"
