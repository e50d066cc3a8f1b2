"""A correction notice among the read passages retracts the figure it corrects, on invented articles."""

from __future__ import annotations

from rag import prompts

ARTICLES = {
    "fire.txt": (
        "Orlen fire grows\n\nBy Tomas Reyl\nJuly 17, 2026\n\n"
        "Fire chief Ilse Varn said 46 homes had been destroyed in Kasby by the Orlen fire.\n"
        "Crews from three counties were fighting the blaze on Thursday.\n"
    ),
    "correction.txt": (
        "Correction: homes destroyed in Kasby\n\nBy Gazette staff\nJuly 20, 2026\n\n"
        "An article published on July 17 about the Orlen fire said that 46 homes had been destroyed in Kasby. "
        "The correct figure, confirmed by the fire service, is 64 homes. We apologise for the error.\n"
    ),
    "market.txt": ("Market reopens\n\nBy Lena Ost\nJuly 18, 2026\n\nThe Kasby market reopened with 30 stalls.\n"),
}


def test_a_retracted_figure_is_not_the_bold_answer_and_the_correction_is_quoted(extractive_over) -> None:
    answer = extractive_over(ARTICLES).ask("How many homes were destroyed in Kasby?")
    assert answer.short_answer is None or answer.short_answer.text != "46"
    assert prompts.CORRECTION_LEAD in answer.answer and "retracts 46" in answer.answer
    cited = [c for c in answer.citations if c.quote.startswith("The correct figure")]
    assert cited and cited[0].path == "correction.txt" and f"[{cited[0].n}]" in answer.answer


def test_without_a_notice_nothing_is_retracted(extractive_over) -> None:
    articles = {k: v for k, v in ARTICLES.items() if k != "correction.txt"}
    answer = extractive_over(articles).ask("How many homes were destroyed in Kasby?")
    assert prompts.CORRECTION_LEAD not in answer.answer
    assert answer.short_answer is not None and answer.short_answer.text == "46"


def test_the_notice_sentence_restating_the_error_is_never_quoted(extractive_over) -> None:
    answer = extractive_over(ARTICLES).ask("How many homes were destroyed in Kasby?")
    assert not any(c.quote.startswith("An article published on July 17") for c in answer.citations)
