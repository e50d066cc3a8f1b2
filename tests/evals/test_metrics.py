"""Every metric function on hand-made inputs."""

from __future__ import annotations

import pytest

from evals import metrics as m


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 12,000 people", "about 12000 people"),
        ("1,500,000 troops", "1500000 troops"),
        ("Niger’s capital", "niger's capital"),
        ("“Quoted”  text\n here", '"quoted" text here'),
        ("in 2020, 100 people", "in 2020, 100 people"),
        ("a — b – c", "a - b - c"),
    ],
)
def test_normalize(text, expected):
    assert m.normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "fact", "expected"),
    [
        ("They counted 12,000 visitors.", "12000", True),
        ("They counted 12000 visitors.", "12,000", True),
        ("DIORI HAMANI airport", "Diori Hamani", True),
        ("Niger’s post-coup government", "Niger's post-coup", True),
        ("Niger's post-coup government", "Niger’s post-coup", True),
        ("about 600 soldiers", "60", False),
        ("about 1,600 soldiers", "60", False),
        ("about 60 soldiers", "60", True),
        ("armed drones fly", "drone", True),
        ("France was expelled", "expel", True),
        ("the $110 million base", "110 million", True),
        ("the base", "", False),
        ("retrain", "train", False),
    ],
)
def test_contains(text, fact, expected):
    assert m.contains(text, fact) is expected


def test_contains_loose_drops_articles_and_punctuation():
    assert m.contains("Broadway's Tony Awards were held", "The Tony Awards", loose=True)
    assert m.contains("It is called “Thor: Love and Thunder” by Marvel", "“Thor: Love and Thunder”", loose=True)
    assert m.contains("a magnitude 5.9 quake", "5.9", loose=True)
    assert not m.contains("a magnitude 5.95 quake", "5.9", loose=True)
    assert m.contains("costs $5 a gallon", "$5", loose=True)


def test_fact_recall_and_presence():
    answer = "The 1,100 US soldiers left in December [1]."
    assert m.facts_present(answer, ["1100", "December", "Agadez"]) == [True, True, False]
    assert m.fact_recall(answer, ["1100", "December", "Agadez", "July"]) == 0.5
    assert m.fact_recall(answer, []) is None


def test_ranks_hits_and_mrr():
    flags = [False, False, True, False, True]
    assert m.first_rank(flags) == 3
    assert m.first_rank(flags, k=2) is None
    assert m.reciprocal_rank(flags) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(flags, k=2) == 0.0
    assert m.hits_at_k(flags, 3) == 1.0
    assert m.hits_at_k(flags, 2) == 0.0
    assert m.first_rank([]) is None


def test_recall_at_k_and_mrr_of_ids():
    ranked = ["a", "b", "a", "c"]
    assert m.recall_at_k(ranked, ["a", "c"]) == 1.0
    assert m.recall_at_k(ranked, ["a", "c"], k=2) == 0.5
    assert m.recall_at_k(ranked, ["z"]) == 0.0
    assert m.recall_at_k(ranked, []) is None
    assert m.mrr(ranked, ["b", "c"]) == 0.5
    assert m.mrr(ranked, ["z"]) == 0.0
    assert m.mrr(ranked, []) is None


def test_spans_overlap_half_open():
    assert m.spans_overlap((0, 10), (9, 20))
    assert not m.spans_overlap((0, 10), (10, 20))
    assert m.spans_overlap((5, 6), (0, 100))
    assert not m.spans_overlap((30, 40), (0, 10))


def test_chunk_quote_recall_and_mrr():
    quotes = [("a.txt", 100, 150), ("b.txt", 0, 40)]
    chunks = [("a.txt", 0, 90), ("b.txt", 30, 200), ("a.txt", 140, 400)]
    assert m.chunk_has_quote(chunks[1], quotes)
    assert not m.chunk_has_quote(chunks[0], quotes)
    assert not m.chunk_has_quote(("c.txt", 100, 150), quotes)  # same offsets, other file
    assert m.quote_recall(chunks, quotes) == 1.0
    assert m.quote_recall(chunks[:2], quotes) == 0.5
    assert m.quote_mrr(chunks, quotes) == 0.5
    assert m.quote_mrr(chunks[:1], quotes) == 0.0
    assert m.quote_recall(chunks, []) is None


def _set_judge(supports):
    """A judge that says a set of citation ids supports a sentence when it is a superset of one listed set."""

    def judge(sentence, cites):
        return any(need <= set(cites) for need in supports.get(sentence, []))

    return judge


def test_alce_single_citations():
    judge = _set_judge({"s1": [{1}], "s2": [{2}]})
    out = m.alce_citations([("s1", [1]), ("s2", [3]), ("s3", [])], judge)
    assert out["recall"] == pytest.approx(1 / 3)  # s1 supported; s2 wrong citation; s3 uncited
    assert out["precision"] == 0.5  # 1 of 2 citations correct
    assert out["sentences"] == 3 and out["citations"] == 2


def test_alce_multi_citation_precision():
    # s needs 1 and 2 together; 3 is redundant (support holds without it, and it does not support alone)
    judge = _set_judge({"s": [{1, 2}]})
    out = m.alce_citations([("s", [1, 2, 3])], judge)
    assert out["recall"] == 1.0
    assert out["precision"] == pytest.approx(2 / 3)
    # each of two citations alone supports: both count as correct
    judge = _set_judge({"s": [{1}, {2}]})
    assert m.alce_citations([("s", [1, 2])], judge)["precision"] == 1.0
    # jointly unsupported: no citation counts
    judge = _set_judge({})
    out = m.alce_citations([("s", [1, 2])], judge)
    assert out["precision"] == 0.0 and out["recall"] == 0.0


def test_alce_empty_answer():
    out = m.alce_citations([], _set_judge({}))
    assert out["recall"] is None and out["precision"] is None


def test_gold_judge():
    gold = [("a.txt", 100, 200)]
    judge = m.gold_judge(gold, ["1,500", "December"])
    on_gold = (("a.txt", 150, 180), "unrelated words")
    elsewhere = (("b.txt", 150, 180), "France's 1500 troops left in December.")
    off = (("a.txt", 0, 50), "Nothing relevant.")
    assert judge("any", [on_gold])
    assert judge("any", [elsewhere])  # holds every fact
    assert not judge("any", [off])
    half = (("c.txt", 0, 10), "1,500 troops")
    other_half = (("c.txt", 20, 30), "left in December")
    assert not judge("any", [half])
    assert judge("any", [half, other_half])  # jointly hold every fact
    assert not m.gold_judge([], [])("any", [off])  # unanswerable turn: nothing is gold


def test_abstention_scores():
    abstained = [True, True, False, False, True]
    answerable = [False, True, True, False, False]
    out = m.abstention_scores(abstained, answerable)
    assert out["precision"] == pytest.approx(2 / 3)
    assert out["recall"] == pytest.approx(2 / 3)
    assert out["false_abstention_rate"] == 0.5
    none = m.abstention_scores([False, False], [True, True])
    assert none["precision"] is None and none["recall"] is None and none["false_abstention_rate"] == 0.0


def test_word_share_and_pick_choice():
    evidence = "European regulators will require USB-C ports on phones."
    assert m.word_share("Europe", evidence) == 0.0
    assert m.word_share("USB-C ports", evidence) == 1.0
    assert m.word_share("the ports of Asia", evidence, stopwords={"the", "of"}) == 0.5
    assert m.word_share("the", evidence, stopwords={"the"}) == 0.0  # only stopwords: they count
    assert m.pick_choice([0.2, 0.5, 0.4], [0.0, 0.0, 0.5]) == 2
    assert m.pick_choice([0.3, 0.3], [0.0, 0.0]) == 0  # tie: the first
    assert m.pick_choice([0.3, 0.3], [0.0, 0.0], [0.0, 1.0]) == 1


def test_number_words_read_as_digits():
    assert m.tokens("extended six months") == ["extended", "6", "months"]
    assert m.word_share("6", "the detention was extended six months") == 1.0


def test_whole_choice_counts_only_where_the_question_does_not_hold_it():
    question = "How soon could the shots reach children as young as 6 months?"
    evidence = "Shots for children as young as 6 months could come as early as next week."
    assert m.phrase_in("Next week", evidence, question) == 1.0
    assert m.phrase_in("Next 6 months", evidence, question) == 0.0  # not written as one phrase
    assert m.phrase_in("6 months", evidence, question) == 0.0  # the question's own words


def test_figure_of_reads_one_figure():
    assert m.figure_of("$4.96") == pytest.approx(4.96)
    assert m.figure_of("1,600") == 1600
    assert m.figure_of("$1 million") == 1e6
    assert m.figure_of("twelve") == 12
    assert m.figure_of("between 3 and 4") is None
    assert m.figure_of("Next week") is None


def test_short_answer_names_a_choice():
    players = ["Tomas Reyl", "Anka Reyl", "Pavel Dusek"]
    assert m.short_answer_choice("Dusek", players) == 2
    assert m.short_answer_choice("Reyl", players) is None  # names two choices: no pick
    assert m.short_answer_choice("Ostrava", players) is None
    assert m.short_answer_choice("$4.96", ["$3", "$4", "$5", "$6"]) == 2  # nearest figure
    assert m.short_answer_choice("$233,610", ["$30,000", "$100,000", "$300,000", "$1 million"]) == 2
    assert m.short_answer_choice("six", ["3", "4", "5", "6"]) == 3
    assert m.short_answer_choice("12", ["Next week", "3"]) is None  # not every choice is a figure


def test_mean_percentile_latency_and_histogram():
    assert m.mean([1, None, 3]) == 2
    assert m.mean([None]) is None
    assert m.percentile([10, 20, 30, 40], 50) == 25
    assert m.percentile([5], 95) == 5
    assert m.percentile([], 50) is None
    assert m.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    lat = m.latency_summary([{"total": 100, "retrieve": 10}, {"total": 300}], ["total", "retrieve", "verify"])
    assert lat["total"] == {"p50": 200, "p95": 290, "n": 2}
    assert lat["retrieve"]["n"] == 1 and lat["verify"]["p50"] is None
    hist = m.histogram([0, 1, 2, 3, 10], bins=5)
    assert len(hist) == 5 and sum(c for _, _, c in hist) == 5 and hist[0][2] == 2 and hist[-1][2] == 1
    assert m.histogram([], 4) == []
    assert m.histogram([7, 7], 4) == [(7, 7, 2)]


def test_lead_choice_is_the_one_choice_the_lead_sentence_names_whole():
    chains = ["Pellwick Burgers", "Tarn Tacos", "Quayside Chicken"]
    question = "Which chain has the slowest drive-thru?"
    assert m.lead_choice("A study showed Quayside Chicken had the slowest one.", chains, question) == 2
    assert m.lead_choice("Tarn Tacos beat Quayside Chicken on speed.", chains, question) is None  # names two
    assert m.lead_choice("A study of drive-thru times was released today.", chains, question) is None
    assert m.lead_choice("Tarn Tacos said so.", chains, "Did Tarn Tacos have the slowest drive-thru?") is None
    # A lead's figure may count something else ("one count" of a charge): figures are left to all the quotes.
    assert m.lead_choice("He pleaded guilty to 4 counts.", ["4", "8", "12"], "How many years was his sentence?") is None
