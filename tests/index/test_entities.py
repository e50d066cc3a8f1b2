"""Entities found at index time: offsets that cut the entity out of the text, kept with their chunk."""

from __future__ import annotations

from index.entities import find_entities, label_recall, paragraphs, within
from rag.models import Entity

TEXT = (
    "Harbor Authority Names New Chief\n\n"
    "Marta Ilves will lead the Calder Harbor Authority from March 2025, the board said in Emberly.\n"
    "She replaces Jonas Brede, who retired after twelve years.\n\n"
    "Marta Ilves will lead the Calder Harbor Authority from March 2025, the board said in Emberly.\n"
)


def test_paragraphs_keep_their_offsets() -> None:
    for offset, para in paragraphs(TEXT):
        assert TEXT[offset : offset + len(para)] == para
    assert len(paragraphs(TEXT)) == 3


def test_entity_offsets_cut_the_entity_out_of_the_article() -> None:
    [ents] = find_entities([TEXT])
    found = {(TEXT[e.start : e.end], e.label) for e in ents}
    assert ("Jonas Brede", "PERSON") in found
    assert any(label == "DATE" and "2025" in text for text, label in found)
    # The repeated paragraph is read once but its entities are placed at both occurrences.
    starts = [e.start for e in ents if TEXT[e.start : e.end] == "Emberly"]
    assert len(starts) == 2 and starts[0] != starts[1]


def test_within_shifts_entities_into_a_chunk() -> None:
    ents = [Entity(start=5, end=9, label="GPE"), Entity(start=20, end=30, label="ORG")]
    assert within(ents, 4, 15) == [Entity(start=1, end=5, label="GPE")]


def test_label_recall_comes_from_the_installed_models_own_evaluation() -> None:
    recall = label_recall()
    assert recall["PERSON"] > 0.8 and recall["GPE"] > 0.8  # the model's own evaluation, as shipped
    assert recall["EVENT"] < 0.5 and recall["PRODUCT"] < 0.5
    assert set(recall) >= {"DATE", "CARDINAL", "ORG", "MONEY", "WORK_OF_ART"}


def test_numbers_the_tagger_left_untagged_are_cardinals_but_not_years_names_or_parts_of_words() -> None:
    from index.entities import read_figures

    text = "Nine firms cut 900 jobs and 1,200 more in 2024; Pier 39 shut in the 88th week, 2-1 down, at 12%."
    ents = [Entity(start=text.index("12%"), end=text.index("12%") + 3, label="PERCENT")]
    found = [(text[e.start : e.end], e.label) for e in read_figures(text, ents)]
    assert found == [("900", "CARDINAL"), ("1,200", "CARDINAL"), ("12%", "PERCENT")]
    dated = "A bid came on 15 June and another on June 20; it employs 900 staff."
    assert [dated[e.start : e.end] for e in read_figures(dated, [])] == ["900"]  # days of dates are no figures
    marched = "In May 2,000 people marched and in June 450 more joined."
    assert [marched[e.start : e.end] for e in read_figures(marched, [])] == ["2,000", "450"]  # no days
    seasons = "She will report by the autumn; work resumes next spring. A summer job. The fall of the wall."
    assert [(seasons[e.start : e.end], e.label) for e in read_figures(seasons, [])] == [
        ("the autumn", "DATE"),
        ("next spring", "DATE"),
    ]


def test_an_amount_after_an_iso_currency_code_is_money_but_not_amid_capitals() -> None:
    from index.entities import read_figures

    text = "The board sought EUR 2.4 million and got GBP 900,000; repairs cost CHF 310,000. ALL 300 SEATS SOLD."
    ents = [  # as the small model reads them: a code as an organisation or a product
        Entity(start=text.index("GBP"), end=text.index("; repairs"), label="PRODUCT"),
        Entity(start=text.index("CHF"), end=text.index("CHF") + 3, label="ORG"),
        Entity(start=text.index("310"), end=text.index(". ALL"), label="CARDINAL"),
    ]
    found = [(text[e.start : e.end], e.label) for e in read_figures(text, ents)]
    assert found == [
        ("EUR 2.4 million", "MONEY"),
        ("GBP 900,000", "MONEY"),
        ("CHF 310,000", "MONEY"),
        ("300", "CARDINAL"),  # "ALL" here is a word in capitals, not the lek
    ]


def test_a_number_in_words_is_a_cardinal_with_its_scale() -> None:
    from index.entities import read_figures

    text = "A crew of three and twenty-five passengers sailed; output fell to thirty-one thousand tonnes."
    ents = [
        Entity(start=text.index("three"), end=text.index(" and"), label="CARDINAL"),
        Entity(start=text.index("thirty-one"), end=text.index(" thousand"), label="CARDINAL"),
    ]
    found = [(text[e.start : e.end], e.label) for e in read_figures(text, ents)]
    assert found == [("three", "CARDINAL"), ("twenty-five", "CARDINAL"), ("thirty-one thousand tonnes", "QUANTITY")]


def test_a_cardinal_followed_by_a_currency_name_is_money() -> None:
    from index.entities import measures_by_unit

    text = "Repairs cost 4.2 million euros, and 300 visitors came; 12 pounds of fish were sold."
    ents = [
        Entity(start=text.index("4.2"), end=text.index(" euros"), label="CARDINAL"),
        Entity(start=text.index("300"), end=text.index(" visitors"), label="CARDINAL"),
        Entity(start=text.index("12"), end=text.index(" pounds"), label="CARDINAL"),
    ]
    out = measures_by_unit(text, ents)
    assert [(text[e.start : e.end], e.label) for e in out] == [
        ("4.2 million euros", "MONEY"),
        ("300", "CARDINAL"),
        ("12", "CARDINAL"),  # "pounds" may weigh: not read as money
    ]
    grants = "The lab's grants are worth 6.8 million florins; the fine was 900 guilders."
    ents = [
        Entity(start=grants.index(s), end=grants.index(s) + len(s), label="CARDINAL") for s in ("6.8 million", "900")
    ]
    assert [(grants[e.start : e.end], e.label) for e in measures_by_unit(grants, ents)] == [
        ("6.8 million florins", "MONEY"),
        ("900 guilders", "MONEY"),
    ]


def test_a_figure_a_layout_wrapped_over_two_lines_is_one_amount() -> None:
    text = (
        "Tunnel costs rise\n\nThe harbour tunnel in the old port district will now cost 310\n"
        "million crowns, the board said, up from 240 million crowns.\n"
    )
    [ents] = find_entities([text])
    from index.entities import read_figures

    money = [text[e.start : e.end] for e in read_figures(text, ents) if e.label == "MONEY"]
    assert money == ["310\nmillion crowns", "240 million crowns"]


def test_a_change_in_percentage_points_is_a_percentage() -> None:
    from index.entities import measures_by_unit

    text = "The loan carries one percentage point above the policy rate, and the fee rose 25 basis points."
    ents = [Entity(start=text.index(s), end=text.index(s) + len(s), label="CARDINAL") for s in ("one", "25")]
    assert [(text[e.start : e.end], e.label) for e in measures_by_unit(text, ents)] == [
        ("one percentage point", "PERCENT"),
        ("25 basis points", "PERCENT"),
    ]


def test_a_currency_name_that_is_also_a_common_word_is_money_after_a_scaled_amount() -> None:
    from index.entities import measures_by_unit

    def read(text: str, spans: list[str]) -> list[tuple[str, str]]:
        ents = [Entity(start=text.index(s), end=text.index(s) + len(s), label="CARDINAL") for s in spans]
        return [(text[e.start : e.end], e.label) for e in measures_by_unit(text, ents)]

    assert read("The dentist fitted 2 crowns and the boat weighed 900 pounds.", ["2", "900"]) == [
        ("2", "CARDINAL"),
        ("900", "CARDINAL"),
    ]
    # Once the passage uses it as money after a scaled amount, it is money after any number.
    assert read("The deal costs 2.3 billion crowns; a dose costs 705 crowns.", ["2.3 billion", "705"]) == [
        ("2.3 billion crowns", "MONEY"),
        ("705 crowns", "MONEY"),
    ]


def test_a_cardinal_followed_by_a_unit_of_measure_is_a_quantity() -> None:
    from index.entities import measures_by_unit

    text = "The star is 41 light-years away; the rover drove 300 km/h and carried 12 crates."
    spans = ["41", "300", "12"]
    ents = [Entity(start=text.index(s), end=text.index(s) + len(s), label="CARDINAL") for s in spans]
    assert [(text[e.start : e.end], e.label) for e in measures_by_unit(text, ents)] == [
        ("41 light-years", "QUANTITY"),
        ("300 km/h", "QUANTITY"),
        ("12", "CARDINAL"),
    ]
    hyphened = "A 20-centimetre crack and a 3-day delay."
    ents = [Entity(start=hyphened.index(s), end=hyphened.index(s) + len(s), label="CARDINAL") for s in ("20", "3")]
    assert [(hyphened[e.start : e.end], e.label) for e in measures_by_unit(hyphened, ents)] == [
        ("20-centimetre", "QUANTITY"),
        ("3", "CARDINAL"),
    ]


def test_a_quantity_runs_on_over_the_rate_after_it() -> None:
    from index.entities import measures_by_unit

    text = "Gusts reached 150 kilometres per hour; the ferry sailed 40 miles a day."
    spans = [("150 kilometres", "QUANTITY"), ("40", "CARDINAL")]
    ents = [Entity(start=text.index(s), end=text.index(s) + len(s), label=lab) for s, lab in spans]
    assert [(text[e.start : e.end], e.label) for e in measures_by_unit(text, ents)] == [
        ("150 kilometres per hour", "QUANTITY"),
        ("40 miles a day", "QUANTITY"),
    ]


def test_a_quantity_the_tagger_closed_with_a_currency_name_is_money() -> None:
    from index.entities import measures_by_unit

    text = "The recall has cost about 85 million krona and 40 tonnes of pills."
    spans = ["about 85 million krona", "40 tonnes"]
    ents = [Entity(start=text.index(s), end=text.index(s) + len(s), label="QUANTITY") for s in spans]
    assert [(text[e.start : e.end], e.label) for e in measures_by_unit(text, ents)] == [
        ("about 85 million krona", "MONEY"),
        ("40 tonnes", "QUANTITY"),
    ]


def test_a_multiplier_keeps_its_times() -> None:
    from index.entities import measures_by_unit

    text = "Tests found the solvent at up to nine times the permitted limit."
    ents = [Entity(start=text.index("up to nine"), end=text.index(" times"), label="CARDINAL")]
    assert [text[e.start : e.end] for e in measures_by_unit(text, ents)] == ["up to nine times"]


def test_a_clock_time_the_tagger_missed_or_called_a_cardinal_is_a_time() -> None:
    from index.entities import read_figures

    text = "Central | 18:00 | 20:00 | doors at 9:15am; she won in 2:17:42."
    late = text.index("20:00")
    found = [
        (text[e.start : e.end], e.label)
        for e in read_figures(text, [Entity(start=late, end=late + 5, label="CARDINAL")])
    ]
    assert ("18:00", "TIME") in found and ("20:00", "TIME") in found and ("9:15am", "TIME") in found
    assert not any(label == "TIME" and "17" in span for span, label in found)  # a race time is no clock time


def test_a_date_read_from_its_month_on_gets_its_day_back() -> None:
    from index.entities import read_figures

    text = "Works must end by 30 September 2026. Eastfold station | 6 March 2026 | 41"
    sept, march = text.index("September"), text.index("March")
    tagged = [
        Entity(start=text.index("30"), end=text.index("30") + 2, label="CARDINAL"),
        Entity(start=sept, end=sept + 14, label="DATE"),
        Entity(start=march, end=march + 10, label="DATE"),
    ]
    found = [(text[e.start : e.end], e.label) for e in read_figures(text, tagged)]
    assert ("30 September 2026", "DATE") in found and ("6 March 2026", "DATE") in found
    assert ("30", "CARDINAL") not in found and ("41", "CARDINAL") in found


def test_a_day_and_a_span_of_time_read_as_one_date_are_two() -> None:
    from index.entities import read_figures

    def dates(text: str, tagged: str) -> list[str]:
        at = text.index(tagged)
        found = read_figures(text, [Entity(start=at, end=at + len(tagged), label="DATE")])
        return [text[e.start : e.end] for e in found if e.label == "DATE"]

    assert dates("Ostrow was sentenced on Tuesday to six years.", "Tuesday to six years") == ["Tuesday", "six years"]
    assert dates("The pier reopened on May 4, nine days after the storm.", "May 4, nine days") == ["May 4", "nine days"]
    assert dates("The hearing is expected to last three weeks.", "last three weeks") == ["three weeks"]
    assert dates("Repairs take a week to ten days.", "a week to ten days") == ["a week to ten days"]
    assert dates("Sales fell in the last three weeks.", "the last three weeks") == ["the last three weeks"]


def test_a_name_a_role_word_stands_before_is_a_person_whatever_its_tag() -> None:
    from index.entities import people_by_title

    text = (
        "Quennel chief executive Halvar Mens said the union spokesman Per Vinter was wrong; "
        "the chairman Harwick City Council disagreed. Board chair Ilse Marten and prosecutor Dana Welk agreed; "
        "its president, Dag Orvell, said nothing."
    )
    spans = [
        ("Quennel", "ORG"),
        ("Halvar Mens", "ORG"),
        ("Per Vinter", "ORG"),
        ("Harwick City Council", "ORG"),
        ("Ilse Marten", "ORG"),
        ("Dana Welk", "ORG"),
        ("Dag Orvell", "ORG"),
    ]
    ents = [Entity(start=text.index(s), end=text.index(s) + len(s), label=lab) for s, lab in spans]
    assert [(text[e.start : e.end], e.label) for e in people_by_title(text, ents)] == [
        ("Quennel", "ORG"),
        ("Halvar Mens", "PERSON"),
        ("Per Vinter", "PERSON"),
        ("Harwick City Council", "ORG"),
        ("Ilse Marten", "PERSON"),
        ("Dana Welk", "PERSON"),
        ("Dag Orvell", "PERSON"),
    ]


def test_a_name_who_follows_is_a_person_and_one_which_follows_is_not() -> None:
    from index.entities import people_by_title

    text = "Ilona Petrakis, who manages the club, thanked Velmont Rovers, which sold him."
    spans = [("Ilona Petrakis", "ORG"), ("Velmont Rovers", "ORG")]
    ents = [Entity(start=text.index(s), end=text.index(s) + len(s), label=lab) for s, lab in spans]
    assert [e.label for e in people_by_title(text, ents)] == ["PERSON", "ORG"]


def test_a_courtesy_title_makes_a_person_and_an_apposed_age_is_a_number() -> None:
    from index.entities import read_figures

    text = "Dr Fenna Alder leads St Elsin Hospital. Velko, 49, a former mayor, won."
    ents = [
        Entity(start=text.index("Dr Fenna"), end=text.index(" leads"), label="ORG"),
        Entity(start=text.index("St Elsin"), end=text.index(". Velko"), label="ORG"),
        Entity(start=text.index("Velko, 49"), end=text.index(", a former"), label="DATE"),
    ]
    assert [(text[e.start : e.end], e.label) for e in read_figures(text, ents)] == [
        ("Dr Fenna Alder", "PERSON"),
        ("St Elsin Hospital", "ORG"),
        ("49", "CARDINAL"),
    ]


def test_a_huge_paragraph_is_read_in_pieces_cut_at_sentence_ends_with_offsets_kept() -> None:
    from index.entities import MAX_PIECE

    text = "Short one.\n\n" + "The crane was repaired. " * (3 * MAX_PIECE // 24) + "\n\nLast one."
    pieces = paragraphs(text)
    assert all(len(p) <= MAX_PIECE and text[o : o + len(p)] == p for o, p in pieces)
    assert len(pieces) > 4 and all(p.endswith(". ") for _, p in pieces[1:-2])


def test_a_name_after_a_place_kind_of_is_a_place() -> None:
    from index.entities import read_figures

    text = "An astronomer in the village of Kettle Moor and the port of Varnholm found it; Ada Quist of Orla Labs said."
    ents = [
        Entity(start=text.index("Kettle"), end=text.index(" and"), label="ORG"),
        Entity(start=text.index("Varnholm"), end=text.index(" found"), label="PERSON"),
        Entity(start=text.index("Orla"), end=text.index(" said"), label="ORG"),
    ]
    found = [(text[e.start : e.end], e.label) for e in read_figures(text, ents)]
    assert found == [("Kettle Moor", "GPE"), ("Varnholm", "GPE"), ("Orla Labs", "ORG")]
