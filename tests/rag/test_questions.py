"""The expected-answer-type table and metadata questions, on invented questions."""

import pytest

from rag.questions import (
    MetaKind,
    analyse,
    asks_where,
    author_of_subject,
    authored_name,
    condense,
    counted_terms,
    expected_labels,
    identifiers,
    meta_kind,
    role_noun,
)


@pytest.mark.parametrize(
    ("question", "must_have", "must_not_have"),
    [
        ("Which country did the delegation visit after the summit?", {"GPE"}, {"PERSON", "DATE"}),
        ("Which European country hosted the orchard fair?", {"GPE"}, {"PERSON"}),
        ("Who signed the harbour agreement?", {"PERSON", "ORG"}, {"DATE", "GPE"}),
        ("How many ferries crossed the strait?", {"CARDINAL", "QUANTITY"}, {"MONEY", "PERSON"}),
        ("How much did the bridge repairs cost?", {"MONEY"}, {"PERSON"}),
        ("How much did the bakery chain earn last quarter?", {"MONEY"}, {"PERCENT", "CARDINAL"}),
        ("How much did the foundation donate?", {"MONEY"}, {"PERCENT"}),
        ("When did the library extend its hours?", {"DATE"}, {"PERSON", "MONEY"}),
        ("Which outlet first reported the merger?", {"ORG"}, {"PERSON", "DATE"}),
        ("Where did the flotilla dock?", {"GPE", "LOC", "FAC"}, {"PERSON"}),
        ("What is the name of the airport near the capital?", {"FAC"}, {"PERSON"}),
        ("In which year did the mill close?", {"DATE"}, {"PERSON"}),
        ("Which spokesperson announced the recall?", {"PERSON"}, {"GPE", "DATE"}),
        ("What percentage of residents voted?", {"PERCENT"}, {"PERSON"}),
        # Only the sentence that asks counts; a "who" after a name or comma opens a relative clause.
        ("Officials who met on Monday praised the plan. Where did the flotilla dock?", {"GPE"}, {"PERSON"}),
        ("Tomas Reyl, who founded the fair, moved to which city?", {"GPE"}, {"PERSON", "ORG"}),
        ("Ilsa Marr became which country's new envoy?", {"GPE"}, {"PERSON"}),
        # "what" as the price a verb of paying takes
        ("What will a return ticket on the Dunmore ferry cost from May?", {"MONEY"}, {"PERSON"}),
        ("What did the trust pay for the mill?", {"MONEY"}, {"DATE"}),
        ("Which observatory does the astronomer work for?", {"FAC", "ORG"}, {"PERSON"}),
        ("Which militant faction claimed the attack on the depot?", {"ORG"}, {"PERSON"}),
        ("Which professional golfer won the Ostrel Open?", {"PERSON"}, {"ORG"}),
        ("How soon could the bridge reopen?", {"DATE"}, {"PERSON"}),
        # a measure's noun is the kind, not a place noun after it
        ("Roughly what distance separates the harbour from the city hosting the fair?", {"QUANTITY"}, {"GPE"}),
    ],
)
def test_wh_word_and_head_noun_map_to_entity_labels(question: str, must_have: set, must_not_have: set) -> None:
    labels = expected_labels(question)
    assert must_have <= labels
    assert not labels & must_not_have


@pytest.mark.parametrize(
    "question",
    [
        "What did the council say about the harbour?",
        "Why did the mill close?",
        "Is the bridge open again?",
        # "show" and "act" are kinds in the table, but here the wh-word is an object: no head noun follows it.
        "A probe sent pictures home this week. What did the pictures show?",
        "The choir began what could be its last act on Sunday. Why did it stop?",
        "What did the trust pay for?",  # the thing bought, not the price
        "What costs did the trust cut?",
    ],
)
def test_questions_that_ask_for_no_entity_have_no_expected_type(question: str) -> None:
    assert expected_labels(question) == frozenset()


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who wrote the article about the bridge repairs?", MetaKind.AUTHOR),
        ("When was the article about the orchard festival published?", MetaKind.PUBLISHED),
        ("What is the latest on the library hours?", MetaKind.LATEST),
        ("Who repaired the bridge?", None),
        ("Who wrote about the bridge repairs?", MetaKind.AUTHOR),
        ("Who is the author of this story?", MetaKind.AUTHOR),
        # Questions about what the articles report, though they ask who wrote something.
        ("Who wrote the majority opinion?", None),
        ("Who wrote the letter to the council?", None),
        ("Who is the author of the study?", None),
        ("Who reported the crash to the police?", None),
        ("When was the annual air quality review published?", MetaKind.PUBLISHED),
        ("When was the administrators' statement on the refunds published?", MetaKind.PUBLISHED),
        ("When was the press release issued?", MetaKind.PUBLISHED),
        ("When was that warning issued?", None),  # an event the articles report
        ("When was the notice of eviction issued to the tenants?", None),
        ("Who published the press release?", MetaKind.OUTLET),
        ("Who wrote the letter about the report?", None),
        ("When did the bridge reopen?", None),
    ],
)
def test_questions_about_the_articles_themselves(question: str, kind: MetaKind | None) -> None:
    assert meta_kind(question) == kind


def test_the_question_names_include_nationalities_and_acronyms() -> None:
    info = analyse("What did the Chinese embassy tell the UN about the Zorvian ferry?")
    assert {"Chinese", "UN", "Zorvian"} <= {w for n in info.names for w in n.split()}


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("How many Ostrel Guard fighters are in Velmora?", {"fight"}),
        ("How much military hardware is still at the depot?", {"military", "hardwar"}),
        ("How many months was the ban extended?", {"month"}),
        ("How much did the bridge cost?", set()),  # a verb follows: nothing named to count
        ("How many Velmorans are in the valley?", set()),  # the counted word is a name
        ("How far away is the depot?", set()),
        # "How many" takes a plural noun: that is what is counted, not the verb and objects after it.
        ("How many drivers joined the tram strike in Keldmoor?", {"driv"}),
        ("How many ferry pilots walked out?", {"pilot"}),
        ("How many cots and strollers were recalled?", {"cot", "stroll"}),
        ("How many people left the island?", {"peopl"}),
        ("How much money did the bakery chain lose?", set()),  # "money" is the kind asked, not a thing counted
    ],
)
def test_what_a_how_many_question_counts(question: str, counted: set) -> None:
    assert counted_terms(question) == counted


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("What is the name of the harbour director who signed the lease?", "director"),
        ("Who is the spokesperson for the Ostrel ferry union?", "spokesperson"),
        ("Who was the first mayor of Greenvale?", "mayor"),
        # A category asked by "which", or no role at all: nothing to look beside.
        ("Which singer opened the lantern festival?", None),
        ("Who won the Greenvale regatta?", None),
        ("Who is the owner of the mill?", None),
        # A possessive, or a verb whose doer holds a role.
        ("Who is Harbour United's manager?", "manager"),
        ("Who is its director?", "director"),
        ("Who manages Harbour United?", "manager"),
        ("Who coaches the Ostrel team?", "coach"),
        ("Who said the club would appeal?", None),
    ],
)
def test_role_noun_is_the_position_whose_holder_is_asked(question: str, role: str | None) -> None:
    assert role_noun(question) == role


@pytest.mark.parametrize(
    ("question", "numbers"),
    [
        ("How much did the council spend on Pier 39 last year?", {"39"}),
        ("Which firm rebuilt Gate 12 at Velmora airport?", {"12"}),
        # A day, an ordinal, a year, a scaled amount or the question's first word: no number naming a thing.
        ("What did the mayor announce on March 14?", set()),
        ("Who hosted the 74th Lantern Awards?", set()),
        ("What opened at Greenvale in 2031?", set()),
        ("Roughly 3 million visitors came to which festival?", set()),
    ],
)
def test_identifiers_are_the_numbers_that_name_a_thing(question: str, numbers: set) -> None:
    assert identifiers(question) == numbers


def test_his_name_after_an_answer_about_a_role_asks_the_name_of_that_role() -> None:
    from rag.questions import condense, role_noun

    history = [
        (
            "Who did the harbour board send to Ostrel?",
            "Local officials met the board on Monday. [1] A senior director from the board was sent to Ostrel. [2]",
        )
    ]
    asked = condense("What's his name?", history)
    assert asked.startswith("What is the name of the director?")  # "officials" is plural: not "his"
    assert role_noun(asked) == "director"
    assert condense("Where did he go?", history).startswith("Where did he go?")  # not a name question
    assert condense("What's his name?", [("Who won?", "The Ostrel Rovers won the cup. [1]")]).startswith(
        "What's his name?"
    )  # no role to name: left as it is


def test_a_span_of_time_is_not_a_moment() -> None:
    from rag.questions import asks_for_a_moment, span_of_time

    assert all(span_of_time(t) for t in ["3,000-year-old", "eight years", "at least six weeks", "three-year"])
    assert not any(span_of_time(t) for t in ["1961", "Saturday", "two years ago", "last year", "March 2024"])
    assert asks_for_a_moment(analyse("When was the canoe found?").labels)
    assert not asks_for_a_moment(analyse("How old is the canoe?").labels)
    assert not asks_for_a_moment(analyse("How long did the strike last?").labels)


def test_kind_terms_are_what_a_which_question_asks_for() -> None:
    from rag.questions import kind_terms
    from rag.text import term

    assert kind_terms("Which river flooded Tremont?") == {term("river")}
    assert kind_terms("Who flooded Tremont?") == frozenset()


def test_which_outlet_asks_for_the_articles_outlet_but_which_agency_asks_the_text() -> None:
    assert meta_kind("Which outlet reported the Varnholt flood?") is MetaKind.OUTLET
    assert meta_kind("Who published the article about the museum?") is MetaKind.OUTLET
    assert meta_kind("Which news agency first reported the troop movements?") is None


@pytest.mark.parametrize(
    ("question", "where"),
    [
        ("Where was the championship held?", True),
        ("In which city is the new plant?", True),
        ("At what venue did the band play?", True),
        ("The storm hit on Monday. Where did it make landfall?", True),
        ("Which country won the final?", False),
        ("What happened at the summit where the leaders met?", False),
        ("Where?", True),
    ],
)
def test_questions_that_ask_where(question: str, where: bool) -> None:
    assert asks_where(question) is where


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Which articles did Ines Carvalho write?", "Ines Carvalho"),
        ("What has Ines Carvalho written?", "Ines Carvalho"),
        ("List the articles by Ines Carvalho", "Ines Carvalho"),
        ("Show me all stories written by Tom Bell.", "Tom Bell"),
        ("Which pieces has Carvalho filed so far?", "Carvalho"),
        ("What else did Ana de Souza write?", "Ana de Souza"),
        ("Articles by Tom Bell?", "Tom Bell"),
        ("which articles did ines carvalho write?", "ines carvalho"),  # typed without capitals
    ],
)
def test_a_question_for_a_persons_articles_names_them(question: str, name: str) -> None:
    assert meta_kind(question) is MetaKind.AUTHORED
    assert authored_name(question) == name


@pytest.mark.parametrize(
    "question",
    [
        "Who wrote the letter to the council?",  # who wrote one thing: the text or its byline, not a list
        "What did Ines Carvalho write in the report?",  # what a text says
        "What did Ines Carvalho write?",  # may ask what her letter said
        "What has the mayor written to residents?",
        "Which reports did the inspectors file?",  # a determiner: no name
        "Which reports did inspectors file?",  # a lower-case word in a capitalised question: no name
        "What did the article by Ines Carvalho say about the port?",
        "Which stories by Ines Carvalho mention the port?",  # a verb after the name: a question about the text
        "Which articles of the treaty did Velmora sign?",
        "What has Velmora written off?",
        "List the reports by the ministry",
    ],
)
def test_questions_about_what_someone_wrote_in_the_text_are_not_a_list_of_articles(question: str) -> None:
    assert meta_kind(question) is not MetaKind.AUTHORED
    assert authored_name(question) is None


def test_what_else_the_author_of_an_article_wrote_names_the_article() -> None:
    question = "What else did the author of the article about the port plan write?"
    assert meta_kind(question) is MetaKind.AUTHORED
    assert author_of_subject(question) == "the article about the port plan"
    assert author_of_subject("What else did the mayor say about the port plan?") is None


def test_what_else_she_wrote_follows_a_question_about_an_articles_author_only() -> None:
    about_article = [("Who wrote the article about the port plan?", "By Ines Carvalho [1]")]
    assert condense("What else has she written?", about_article) == (
        "What else did the author of the article about the port plan write?"
    )
    about_text = [("Who wrote the majority opinion?", "Judge Ana Ruiz wrote the majority opinion [1].")]
    assert "author of" not in condense("What else has she written?", about_text)


def test_what_a_measuring_question_measures() -> None:
    from rag.questions import asked_dimension, asks_for_a_span, dimension_of

    assert asked_dimension("How far can the new ferry sail without refuelling?") == "length"
    assert asked_dimension("How long did she search the sky before she found it?") == "time"  # an action lasts
    assert asked_dimension("How long is the new bridge?") == "length"
    assert asked_dimension("How much does the statue weigh?") == "mass"
    assert asked_dimension("How many ferries sail?") is None
    assert asked_dimension("How long is the new bridge?") == "length"  # a weight never answers
    assert asked_dimension("How long does the battery take to charge?") == "time"  # nor a length
    assert dimension_of("about 80 kilometres") == "length" and dimension_of("14 kg") == "mass"
    assert dimension_of("12 widgets") is None
    assert asked_dimension("How hot is the surface?") == "temperature" and dimension_of("180 degrees") == "temperature"
    assert dimension_of("41 light-years") == "length" and dimension_of("a five-mile walk") == "length"
    assert asked_dimension("How long is a year on Vorla-2c?") == "time"  # "41 light-years" does not answer
    assert asked_dimension("How long was the sentence?") == "time"
    assert dimension_of("150 kilometres per hour") == "speed"  # not a distance
    assert asks_for_a_span("How old is the mayor?") and asks_for_a_span("How long did the strike last?")
    assert not asks_for_a_span("When did the strike end?")
    assert expected_labels("Who was the defending champion?") == frozenset({"PERSON", "ORG"})
    from rag.questions import holder_word

    assert holder_word("Who was the defending champion?") == "champion"
    assert (
        holder_word("Who is the owner of the mill?") == "owner" and role_noun("Who is the owner of the mill?") is None
    )
    assert holder_word("Who won the regatta?") is None
    assert expected_labels("Which analyst cut the forecast?") == frozenset({"PERSON"})


def test_questions_that_ask_for_several() -> None:
    from rag.questions import asks_for_several

    assert asks_for_several("Which towns were evacuated?")
    assert asks_for_several("Which two countries joined the alliance?")
    assert not asks_for_several("Which town was evacuated?")
    assert not asks_for_several("How many towns were evacuated?")


def test_questions_for_an_amount_of_change() -> None:
    from rag.questions import asks_for_a_change

    assert asks_for_a_change("How much did the pill reduce the risk of stroke?")
    assert asks_for_a_change("By how much did shares fall?")
    assert not asks_for_a_change("How much did the bridge cost?")
    assert not asks_for_a_change("When did prices rise?")


def test_a_measure_after_what_is_is_the_asked_kind() -> None:
    assert expected_labels("What is the vaccination rate in Ostmark?") == frozenset({"PERCENT", "CARDINAL"})
    assert expected_labels("What was the turnout?") == frozenset({"PERCENT", "CARDINAL"})
    assert expected_labels("What's the price of a ticket?") == frozenset({"MONEY"})
    assert expected_labels("What was the date of the vote?") == frozenset({"DATE"})
    assert expected_labels("What is the population of Ostmark?") == frozenset({"CARDINAL", "QUANTITY"})
    assert expected_labels("What was the final death toll?") == frozenset({"CARDINAL", "QUANTITY"})
    # Kind nouns have other senses after "is": no type; the name asked for after "the name of" still counts.
    assert expected_labels("What is the state of the economy?") == frozenset()
    assert expected_labels("What is the name of the general who led the raid?") == frozenset({"PERSON"})
    assert expected_labels("How hot is the surface?") == frozenset({"QUANTITY", "CARDINAL"})
    assert expected_labels("Which journal published the finding?") == frozenset({"ORG"})


def test_a_time_phrase_after_the_measure_is_not_the_asked_kind() -> None:
    assert expected_labels("What was inflation last year?") == frozenset({"PERCENT", "CARDINAL"})
    assert expected_labels("What was the operating profit last year?") == frozenset({"MONEY"})
    assert expected_labels("What is the jobless rate this month?") == frozenset({"PERCENT", "CARDINAL"})
    assert expected_labels("What was the date of the vote last year?") == frozenset({"DATE"})


def test_the_words_that_narrow_an_asked_role() -> None:
    from rag.questions import role_modifiers
    from rag.text import term

    assert role_modifiers("Who is the Ostrelian prime minister?") == {term("prime")}  # a nationality narrows nothing
    assert role_modifiers("Who is the new coach of the club?") == frozenset()  # nor a word of tenure
    assert role_modifiers("Who is the journal's editor?") == frozenset()  # nor an owner
    assert role_modifiers("Who is the water authority's spokesperson?") == frozenset()  # nor an owner's words
    assert role_modifiers("Who is the interim chief executive?") == {term("interim"), term("executive")}
    # The nouns ending the role's phrase narrow it too: a chief executive is no chief fire officer.
    assert role_modifiers("Who is the chief fire officer?") == {term("fire"), term("officer")}
    assert role_modifiers("Who is the coach of the team?") == frozenset()


def test_a_role_the_question_writes_as_an_owner_is_not_the_asked_role() -> None:
    from rag.questions import holder_word

    assert holder_word("Who is the mayor's spokeswoman?") == "spokeswoman"
    assert holder_word("Who is the mayor?") == "mayor"


def test_how_much_a_money_noun_asks_for_money() -> None:
    assert expected_labels("How much is the transfer fee for the striker?") == frozenset({"MONEY"})
    assert expected_labels("How much are his wages?") == frozenset({"MONEY"})
    assert "PERCENT" in expected_labels("How much did prices rise?")  # a change may be a percentage
    assert "PERCENT" in expected_labels("By how much did the bank raise its key rate?")  # a rate's, not money


def test_how_big_a_kind_asks_for_that_kind() -> None:
    assert expected_labels("How big a fine did the regulator recommend?") == frozenset({"MONEY"})
    assert expected_labels("How large a payment will the workers get?") == frozenset({"MONEY"})
    assert expected_labels("How big is the reservoir?") == frozenset({"QUANTITY", "CARDINAL"})


def test_how_far_away_asks_for_a_distance_and_names_no_topic() -> None:
    from rag.answer_ranking import topic_terms

    assert expected_labels("How far away is Vorla-2c?") == frozenset({"QUANTITY"})
    assert topic_terms("How far away is Vorla-2c?") == frozenset()


def test_a_distance_weight_speed_or_temperature_needs_a_unit_a_level_does_not() -> None:
    from rag.questions import asks_for_a_unit

    assert asks_for_a_unit("How wide is the bridge?") and asks_for_a_unit("How hot was it?")
    assert not asks_for_a_unit("How high did the index climb?")
    assert not asks_for_a_unit("How long did the strike last?") and not asks_for_a_unit("How many ferries sail?")


def test_how_far_above_asks_a_degree_not_a_distance() -> None:
    from rag.questions import asked_dimension

    assert "CARDINAL" in expected_labels("How far above the permitted limit was the solvent?")
    assert asked_dimension("How far above the permitted limit was the solvent?") is None
    assert asked_dimension("How far is Orlen from the coast?") == "length"


def test_metadata_wordings_journalists_use() -> None:
    from rag.questions import MetaKind, meta_kind

    assert meta_kind("When was the interview with Ilse Marr published?") is MetaKind.PUBLISHED
    assert meta_kind("Who wrote the editorial on the tram vote?") is MetaKind.AUTHOR
    assert meta_kind("What is the latest news from Pellam?") is MetaKind.LATEST


def test_who_is_a_named_person_asks_what_they_are_not_an_entity() -> None:
    assert expected_labels("Who is Halvar Mens?") == frozenset()
    assert expected_labels("Who is the chief executive of Quennel?") != frozenset()


def test_a_correction_is_an_article_its_date_is_asked_of() -> None:
    from rag.questions import MetaKind, meta_kind

    assert meta_kind("When was the correction published?") is MetaKind.PUBLISHED


def test_a_kind_word_that_modifies_another_noun_is_not_the_head() -> None:
    from rag.questions import head_noun

    assert head_noun("Which committee members wanted a cut?") is None  # members, not a committee
    assert head_noun("Which river port was closed?") == "port"
    assert head_noun("Which country this week signed the pact?") == "country"


def test_the_head_noun_is_not_looked_for_past_the_verb() -> None:
    assert expected_labels("Which earthquake happened last week?") == frozenset()  # "week" is no head
    assert expected_labels("Which recently elected mayor resigned?") == frozenset({"PERSON"})


def test_the_unit_of_time_a_rate_is_asked_and_stated_per() -> None:
    from rag.questions import rate_asked, rate_stated

    assert rate_asked("How much was the strike costing each day?") == "day"
    assert rate_asked("What is the daily cost of the closure?") == "day"
    assert rate_asked("How many flights leave per week?") == "week"
    assert rate_asked("How much does a year of treatment cost?") is None
    assert rate_asked("What did it cost a year ago?") is None
    text = "costing about 45 million marks a day, while 9 percent over three years"
    at = text.index("about 45")
    assert rate_stated(text, at, at + len("about 45 million marks")) == "day"
    at = text.index("9 percent")
    assert rate_stated(text, at, at + len("9 percent")) is None
