def test_a_name_is_mentioned_through_its_possessive_and_hyphenated_forms() -> None:
    from rag.text import mentioned

    text = "The Quillmere-based crew met Tomas Reyl after the Brannock-19 outbreak."
    assert mentioned({"quillmere", "reyl's", "brannock", "ostrava"}, text) == {"quillmere", "reyl's", "brannock"}
