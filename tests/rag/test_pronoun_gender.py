"""Which pronoun the conversation's own text gives each person: titles, a window naming only them, elimination."""

from rag.pronoun_gender import genders

PEOPLE = ["ilse marrow", "caspar dunleigh"]
BEAT = "Ilse Marrow beat the incumbent, Caspar Dunleigh, by a wide margin. [1]"


def test_a_pronoun_whose_sentence_names_only_that_person_gives_it() -> None:
    told = genders(PEOPLE, ["Dunleigh said he was proud of the harbour wall. [1]"])
    assert told == {"ilse marrow": None, "caspar dunleigh": "he"}


def test_the_next_sentence_of_the_same_source_counts_but_not_another_source() -> None:
    assert genders(PEOPLE, ["Marrow took the oath. [1] She then thanked the voters. [1]"])["ilse marrow"] == "she"
    assert genders(PEOPLE, ["Marrow took the oath. [1] She then thanked the voters. [2]"])["ilse marrow"] is None


def test_two_people_before_the_pronoun_decide_nothing_until_one_is_known() -> None:
    answer = f"{BEAT} She promised free buses. [1]"
    assert genders(PEOPLE, [answer]) == {"ilse marrow": None, "caspar dunleigh": None}
    told = genders(PEOPLE, [answer, "Dunleigh said he would stay on the council. [1]"])
    assert told == {"ilse marrow": "she", "caspar dunleigh": "he"}


def test_titles_before_the_name_or_its_first_name() -> None:
    told = genders(PEOPLE, [], ["What did Ms Marrow say?", "Did Sir Caspar Dunleigh concede?"])
    assert told == {"ilse marrow": "she", "caspar dunleigh": "he"}


def test_a_pronoun_inside_quotation_marks_is_the_speakers() -> None:
    assert genders(PEOPLE, ['Dunleigh said: "She has no plan for the port." [1]'])["caspar dunleigh"] is None


def test_an_unknown_name_in_the_window_blocks_the_vote() -> None:
    # "Anselm Brightwater" may be a person the conversation has not established: "he" could be him.
    answer = "Dunleigh thanked councillor Anselm Brightwater, and he said the count was fair. [1]"
    assert genders(PEOPLE, [answer])["caspar dunleigh"] is None


def test_a_tie_stays_unknown_and_lower_case_words_are_not_mentions() -> None:
    answer = "Marrow said she was glad. [1] Marrow said he was wrong. [2] The marrow was bright, he said. [3]"
    assert genders(PEOPLE, [answer])["ilse marrow"] is None


def test_a_name_not_known_as_a_person_needs_a_role_or_speech_verb_before_the_pronoun() -> None:
    answers = ["Port Elms, where he grew up, lost its ferry. [1]", "Dunleigh said he was proud of the wall. [1]"]
    told = genders([], answers, unsure=["port elms", "caspar dunleigh"])
    assert told == {"port elms": None, "caspar dunleigh": "he"}


def test_the_passages_the_turns_read_count_like_quotes() -> None:
    known = {"ilse marrow", "caspar dunleigh"}
    answers = ["Ilse Marrow [1]. Ilse Marrow won the Fennick mayoral race, defeating Caspar Dunleigh. [1]"]
    assert genders(known, answers) == {"ilse marrow": None, "caspar dunleigh": None}, "the quote says nothing"
    passage = (
        "Ilse Marrow won the Fennick mayoral race, defeating Caspar Dunleigh.\n\n"
        "Dunleigh conceded before midnight. He congratulated his rival.\n\n"
        "Marrow, a former nurse, took 54 percent against 41 percent for Dunleigh. She promised to reopen the library."
    )
    assert genders(known, answers, passages=[passage]) == {"ilse marrow": "she", "caspar dunleigh": "he"}


def test_whom_a_subject_pronouns_own_sentence_names_is_not_it() -> None:
    answer = "Caspar Dunleigh conceded on Sunday. [1] She beat councillor Caspar Dunleigh by 212 votes. [1]"
    assert genders(PEOPLE, [answer])["caspar dunleigh"] is None
