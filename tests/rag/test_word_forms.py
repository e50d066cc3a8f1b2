"""Irregular word forms meet their lemma's other forms, read from the installed spaCy model's tables."""

from rag.answer_ranking import topic_share, topic_terms, topic_words
from rag.word_forms import _spacy_hash, irregular_forms, lemma_term


def test_the_table_keys_are_spacys_string_ids() -> None:
    assert _spacy_hash("verb") == 6360137228241296794  # spacy.strings.get_string_id("verb")
    assert _spacy_hash("a longer key of many bytes") == _spacy_hash("a longer key of many bytes")


def test_irregular_verbs_and_nouns_take_their_lemma() -> None:
    forms = irregular_forms()
    assert forms, "the model's lemmatizer tables are installed with the model"
    assert lemma_term("won") == lemma_term("winning") == lemma_term("win")
    assert lemma_term("held") == lemma_term("hold") and lemma_term("fell") == lemma_term("falls")
    assert lemma_term("children") == lemma_term("child")
    assert lemma_term("quietly") == "quietly"  # a regular word is only stemmed


def test_a_topic_word_is_found_in_an_irregular_form_of_it() -> None:
    question = "What was the winning time in the Ostrava relay?"
    core = topic_terms(question)
    evidence = "The Harlow team won the Ostrava relay in 3:14:02, a course record."
    assert topic_share(question, core, evidence) == 1.0
    assert topic_share(question, core, "The Harlow team trained in Ostrava all spring.") < 1.0


def test_a_derived_form_meets_its_base() -> None:
    question = "Who won the Tarrow mayoral election?"
    core = topic_terms(question)
    evidence = "Tarrow re-elects Mayor Imre Voss. Voss won a third term on Sunday."
    assert topic_share(question, core, evidence) == 1.0


def test_the_words_of_paying_after_how_much_are_no_topic() -> None:
    assert topic_terms("How much will Brightwell pay for Osgood?") == frozenset()
    assert topic_terms("How much is Brightwell paying?") == frozenset(), "any form of the word"
    assert topic_terms("How much did the bridge repairs cost?") == topic_terms("the bridge repairs")
    assert "rise" in topic_words("How much did prices rise?")


def test_which_words_can_be_verbs() -> None:
    from rag.word_forms import can_be_verb

    assert can_be_verb("approved") and can_be_verb("sue") and can_be_verb("began") and can_be_verb("stopped")
    assert not can_be_verb("coup") and not can_be_verb("sale")
