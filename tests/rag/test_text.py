def test_a_name_is_mentioned_through_its_possessive_and_hyphenated_forms() -> None:
    from rag.text import mentioned

    text = "The Quillmere-based crew met Tomas Reyl after the Brannock-19 outbreak."
    assert mentioned({"quillmere", "reyl's", "brannock", "ostrava"}, text) == {"quillmere", "reyl's", "brannock"}


def test_an_acronym_is_mentioned_by_its_numbered_forms_and_its_spelled_out_name() -> None:
    from rag.text import mentioned, question_name_tokens

    text = (
        "Cases of the KX.2 and KX.3 strains rose. The Velmoran Parcel Union struck after the Great War II "
        "memorial reopened; the Office of Harbour Safety agreed. Under New rules, ferries wait."
    )
    wanted = question_name_tokens("Did the VPU strike over KX variants, the GWII-era memorial and OHS or the UN?")
    assert mentioned(wanted, text) == wanted - {"UN"}
    assert mentioned({"VPU"}, "The Velmoran parcel union struck.") == set()  # lower-case words spell no name


def test_a_word_ending_in_e_shares_its_term_with_its_inflections() -> None:
    from rag.text import content_terms, term

    assert term("promise") == term("promised") == term("promises")
    assert term("price") == term("prices")
    assert term("agree") == term("agreed")
    assert term("employee") == term("employees")
    assert term("troops") == term("troop") and term("entered") == term("enter")
    assert content_terms("What did the mayor promise?") & content_terms("The mayor promised free buses.")


def test_month_and_day_names_are_not_names_a_passage_must_repeat() -> None:
    from rag.text import question_name_tokens

    assert question_name_tokens("What happened in Varnholt in June 2025?") == {"varnholt"}
    assert question_name_tokens("What did the Varnholt council decide on Monday?") == {"varnholt"}


def test_a_file_format_in_the_question_is_no_name() -> None:
    from rag.text import question_name_tokens

    assert question_name_tokens("When was the Brannock offer PDF published?") == {"brannock"}


def test_a_hard_wrapped_line_that_stops_mid_sentence_runs_on() -> None:
    from rag.text import split_sentences

    text = (
        "Samples at the intake showed toxin levels of\n12 micrograms per litre, the authority said.\n\n"
        "Causes and response\nWarm weather fed the bloom, according to\nMarit Velund, who led the team.\n"
    )
    assert [s.text for s in split_sentences(text)] == [
        "Samples at the intake showed toxin levels of\n12 micrograms per litre, the authority said.",
        "Causes and response",  # a heading ends on a content word: the next line starts anew
        "Warm weather fed the bloom, according to\nMarit Velund, who led the team.",
    ]


def test_a_narrow_column_wraps_at_its_own_width_but_a_short_title_stays_apart() -> None:
    from rag.text import split_sentences

    # A two-column PDF page: lines of about 50 characters, one breaking before a name's second half.
    page = (
        "Orlen Paper statement on the Mistvale mill\n"
        "Mistvale, 4 May 2026\n"
        "Orlen Paper confirms that about 800 tonnes of wet\n"
        "pulp spilled from a silo at its Mistvale mill on 2\n"
        "May. The plant's operations director Hedda\n"
        'Lunqvist said: "We are sorry for the disruption this\n'
        'has caused to the town and its river."\n'
    )
    said = [s.text.replace("\n", " ") for s in split_sentences(page)]
    assert said[:2] == ["Orlen Paper statement on the Mistvale mill", "Mistvale, 4 May 2026"]
    assert "The plant's operations director Hedda Lunqvist said: " in said[-1]


def test_unwrapped_joins_only_the_lines_a_layout_wrapped_and_keeps_every_offset() -> None:
    from rag.text import unwrapped

    text = (
        "Tunnel costs rise\n\nThe harbour tunnel in the old port district will now cost 310\n"
        "million crowns, the board said.\nWork resumes in May.\n\nBy Ann Lee\nNorthwire\n"
    )
    out = unwrapped(text)
    assert len(out) == len(text)
    assert "cost 310 million crowns" in out  # a filled line runs on
    assert "said.\nWork" in out and "Tunnel costs rise\n\nThe" in out and "By Ann Lee\nNorthwire" in out


def test_a_line_filled_to_the_layouts_width_runs_on_a_short_heading_does_not() -> None:
    from rag.text import split_sentences

    text = (
        "Velmont Statement on the Transfer of Emil Stross to Harbour United Football Club\n"
        "Under the agreement Harbour United pays 34 million euros, and Velmont will also receive\n"
        "15 percent of any future transfer fee. The player joins on Monday.\n"
    )
    assert [s.text for s in split_sentences(text)] == [
        "Velmont Statement on the Transfer of Emil Stross to Harbour United Football Club",  # a Title Case heading
        "Under the agreement Harbour United pays 34 million euros, and Velmont will also receive\n"
        "15 percent of any future transfer fee.",
        "The player joins on Monday.",
    ]


def test_people_after_a_title_and_not_before_according_to() -> None:
    from rag.text import people

    sentence = (
        "Mayor Ilka Varro won a third term, taking 54 percent against 39 percent for challenger Lena Dorn of the "
        "Green Alliance, according to official results."
    )
    assert people(sentence) == ["ilka varro", "lena dorn"], "an organisation before 'according to' is no person"
    assert people("The figures come from a survey, according to Ana Roos.") == ["ana roos"]


def test_an_organisation_that_owns_a_role_is_no_person() -> None:
    from rag.text import people

    assert people("Teodor Haskin resigned as chief executive of Corvel Mutual Bank.") == ["teodor haskin"]
    assert people("Who is the chief executive of the Corvel Mutual Bank?") == []
    assert people("The Corvel Mutual Bank said it would appeal, Wilma Strand said.") == ["wilma strand"]
    assert people("Former Corvel Mutual Bank chief executive Teodor Haskin told MPs.") == ["teodor haskin"]
    assert people("Wilma Strand, chief executive, said no.") == ["wilma strand"]


def test_a_name_with_digits_inside_is_one_name() -> None:
    from rag.text import name_phrases, question_name_tokens

    assert question_name_tokens("How long is a year on Teska-4b?") == {"teska-4b"}
    assert name_phrases("The crews flew the Z-20 to the Omsa summit.") == ["Z-20", "Omsa"]


def test_a_surname_names_the_person_its_passage_writes_out() -> None:
    from rag.text import exact_match

    passage = "The minister appointed retired judge Oswin Pallot on Friday. Pallot, 71, said he would meet both sides."
    later = "Pallot, 71, said he would meet both sides."
    assert exact_match("How old is Oswin Pallot?", later, passage) == 1.0
    assert exact_match("How old is Oswin Pallot?", later) == 0.5  # read alone, the first name is missing
    assert exact_match("How old is Oswin Pallot?", later, later) == 0.5  # no passage writes the name out


def test_clock_times_ids_and_days_of_dates_are_no_figures() -> None:
    from rag.text import amounts

    text = (
        "At 04:40 on 3 November the roof of tunnel 7B fell at a depth of 610 metres; ward B12 opened at 6.30 p.m. "
        "on Nov. 4 and at 10am, as COVID-19 cases fell 15 percent and 1,200 households left."
    )
    assert amounts(text) == ["610", "15", "1200"]
    assert amounts("The fund paid $5bn to 3rd parties by May 2.") == ["5"]  # a dollar amount stays a figure


def test_list_items_filled_to_the_width_are_not_joined() -> None:
    from rag.text import split_sentences

    text = (
        "- The union wants all 300 job cuts at the terminal withdrawn before talks resume\n"
        "- Morvik Ports has offered to cut 150 jobs over two years instead of 300\n"
    )
    assert len(split_sentences(text)) == 2


def test_a_wrapped_wire_lead_runs_on_whatever_its_dateline_capitals() -> None:
    from rag.text import split_sentences

    text = (
        "VELLHAVEN, October 13 (Kestrel Wire) - Talks between the Dockworkers\n"
        "Union and Morvik Ports broke down on Monday after nine hours.\n"
    )
    assert len(split_sentences(text)) == 1


def test_figures_of_a_sentence_keep_thousands_that_look_like_years_and_leave_out_years_and_names() -> None:
    from rag.text import amount_spans

    found = [v for v, _ in amount_spans("About 2,000 people fled in 2019, and 1,950 homes near Pier 39 were hit.")]
    assert found == ["2000", "1950"]


def test_number_words_read_as_digits_hyphenated_compounds_too() -> None:
    from rag.text import number_word_value, numbers

    assert numbers("twenty-five passengers and Forty-two homes, six boats") == {"25", "42", "6"}
    assert number_word_value("ten-one") is None and number_word_value("one-two") is None


def test_a_name_an_institution_word_closes_is_no_person() -> None:
    from rag.text import names_an_institution, people

    sentence = "The trust that runs Larkhill Community Hospital said on Friday that chief executive Mara Quist agreed."
    assert people(sentence) == ["mara quist"]
    assert names_an_institution("Larkhill Community Hospital") and not names_an_institution("Mara Quist")
