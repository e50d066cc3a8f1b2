"""The question-to-Answer pipeline: condense, retrieve, abstain or generate, verify citations.

The pipeline holds a ``Generator`` and does not know which one: the Ollama LLM, the extractive
answerer, or a test's fake all stream text with ``[n]`` markers, and every answer goes through
the same citation check before it reaches a user.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

from rag import prompts
from rag.citing import conflicts, verify
from rag.conversation import context_of, strip_instructions, unresolved_person
from rag.corrections import correction_note
from rag.dates import for_question, parse_date, weekday_date
from rag.embeddings import Embedder
from rag.generator import Generator, Source
from rag.metadata_answers import LATEST_POOL, authored_answer, with_header_lines, with_newest
from rag.models import Answer, AnswerDelta, Citation, DateWindow, RetrievedChunk, ShortAnswer
from rag.questions import FIGURE, MetaKind, analyse
from rag.retrieving import Retriever
from rag.settings import AnswerSettings
from rag.short_answers import entity_conflicts, short_answer
from rag.text import mentioned, question_name_tokens


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def history_pairs(history: Sequence[Answer]) -> list[tuple[str, str]]:
    return [(turn.standalone_question or turn.question, turn.answer) for turn in history]


def history_passages(history: Sequence[Answer], turns: int = 2) -> list[str]:
    """The texts the last ``turns`` turns read, once each: what a follow-up's pronouns may be learned from."""
    return list(dict.fromkeys(chunk.text for turn in history[-turns:] for chunk in turn.retrieved))


def stream_answer(
    question: str,
    history: Sequence[Answer],
    retriever: Retriever,
    generator: Generator,
    embedder: Embedder,
    settings: AnswerSettings,
    k: int,
    window: DateWindow | None = None,
) -> Iterator[AnswerDelta | Answer]:
    """Yield text deltas as the generator produces them, then the verified ``Answer``."""
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    standalone = (
        generator.condense(question, history_pairs(history), history_passages(history)) if history else question
    )
    standalone = strip_instructions(standalone)
    timings["condense"] = _ms(t0)

    t = time.perf_counter()
    info = analyse(standalone)
    used = for_question(standalone or question, window)
    if info.meta is MetaKind.AUTHORED:
        # A list from every stored byline, not from what retrieval returned.
        listed = authored_answer(standalone, retriever, settings.max_listed_articles, k, used)
        timings["retrieve"] = _ms(t)
        timings["total"] = _ms(t0)
        yield AnswerDelta(text=listed.text)
        yield Answer(
            question=question,
            standalone_question=standalone,
            answer=listed.text,
            abstained=listed.abstained,
            backend="extractive",  # quoted from the bylines whichever generator is configured: none wrote it
            citations=listed.citations,
            retrieved=listed.passages,
            window=used,
            timings_ms=timings,
        )
        return
    no_one = unresolved_person(standalone) if history else None
    hits = retriever.search(standalone, k, window=used) if standalone and not no_one else []
    if info.meta is MetaKind.LATEST and hits:
        hits = with_newest(standalone, hits, retriever.search(standalone, LATEST_POOL * k, window=used))
    if info.meta is not None:
        hits = with_header_lines(retriever.with_first_chunks(hits))
    timings["retrieve"] = _ms(t)

    def finish(answer_text: str, abstained: bool, **extra: object) -> Answer:
        timings.setdefault("generate", 0.0)
        timings.setdefault("verify", 0.0)
        timings["total"] = _ms(t0)
        return Answer(
            question=question,
            standalone_question=standalone,
            answer=answer_text,
            abstained=abstained,
            backend=generator.backend,
            model=generator.model,
            note=generator.note,
            retrieved=hits,
            window=used,
            timings_ms=timings,
            **extra,
        )

    if no_one:
        declined = f"{prompts.NO_ANSWER} {prompts.NO_REFERENT.format(pronoun=no_one)}"
        yield AnswerDelta(text=declined)
        yield finish(declined, True)
        return
    if weak_retrieval(standalone, hits, settings, retriever.articles_text):
        yield AnswerDelta(text=prompts.NO_ANSWER)
        yield finish(prompts.NO_ANSWER, True)
        return

    sources = Source.number(hits)
    t = time.perf_counter()
    parts: list[str] = []
    for delta in generator.stream_answer(standalone, sources):
        parts.append(delta)
        yield AnswerDelta(text=delta)
    text = "".join(parts).strip()
    timings["generate"] = _ms(t)

    t = time.perf_counter()
    checked = verify(text, sources, embedder, settings.min_support)
    timings["verify"] = _ms(t)
    if is_no_answer(text) or checked.supported_sentences == 0:
        yield finish(prompts.NO_ANSWER, True, unsupported_sentences=checked.unsupported)
        return
    answer_text = checked.answer
    short = short_answer(
        info, checked.citations, sources, context_of(standalone), embedder, settings.short_answer_min_confidence
    )
    citations = checked.citations
    correction = correction_note(short, citations, sources)
    if correction is not None:
        # A figure a read correction notice retracts is not shown in bold; the notice's correction is quoted.
        short = None  # the note concerns the short answer's own figure (or, without one, the quotes')
        note, added = correction
        answer_text = f"{answer_text}\n\n{note}"
        citations = [*citations, *added]
    if short is not None and short.label == "DATE":
        short = _with_weekday_date(short, citations)
    if short is not None:
        answer_text = f"{short.text} [{short.citation}]. {answer_text}"
    # Differing figures matter to a question that asks for a figure or for no kind of thing; beside "Where is
    # the plant?" they are noise ("14 vs 31" batches).
    figures = conflicts(checked.citations, info.text, embedder) if not info.labels or info.labels & FIGURE else None
    # Names disagree with the short answer shown: without one, two other names of the quotes fill other slots
    # more often than the asked one.
    names = entity_conflicts(info, checked.citations, sources, short) if short is not None else None
    for extra in (figures, names):
        if extra and extra.split(":")[0] not in answer_text:
            answer_text = f"{answer_text}\n\n{extra}"
    yield finish(
        answer_text,
        False,
        short_answer=short,
        citations=citations,
        unsupported_sentences=checked.unsupported,
    )


def _with_weekday_date(short: ShortAnswer, citations: Sequence[Citation]) -> ShortAnswer:
    """A bare weekday answer ("Thursday") with the day it means in its dated article: "Thursday (2026-10-15)"."""
    cited = next((c for c in citations if c.n == short.citation), None)
    day = weekday_date(short.text, parse_date(cited.published) if cited else None, cited.quote if cited else "")
    return short.model_copy(update={"text": f"{short.text} ({day.isoformat()})"}) if day else short


def weak_retrieval(
    question: str,
    hits: list[RetrievedChunk],
    settings: AnswerSettings,
    articles_text: Callable[[list[RetrievedChunk]], str] | None = None,
) -> bool:
    """Nothing relevant came back, or a name in the question occurs in no retrieved passage, title, nor elsewhere in
    their articles (a near miss: "the Chinese embassy" over articles that mention no Chinese). The articles
    count because a passage leaves unsaid what its article stated once ("the US" in its opening lines)."""
    if not hits or hits[0].score < settings.min_retrieval_score:
        return True
    wanted = question_name_tokens(question)
    # A title names what its article is about ("Tarrow re-elects Mayor Voss", front matter the text leaves out).
    missing = wanted - mentioned(wanted, " ".join([*(h.text for h in hits), *dict.fromkeys(h.title for h in hits)]))
    if missing and articles_text is not None:
        missing -= mentioned(missing, articles_text(hits))
    return bool(missing)


def is_no_answer(text: str) -> bool:
    core = prompts.NO_ANSWER.lower().rstrip(".")
    return text.strip().lower().startswith(core) or (core in text.lower() and len(text) < 2 * len(core))
