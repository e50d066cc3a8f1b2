"""Settings: every field is described, the README table is generated from them, backends parse strictly."""

import importlib.util

import pytest

from rag.errors import LLMError
from rag.settings import PROJECT_ROOT, Backend, Settings, setting_rows, settings_markdown


def _fields(model: type) -> list[tuple[str, object]]:
    out = []
    for name, field in model.model_fields.items():
        out.append((f"{model.__name__}.{name}", field))
        annotation = field.annotation
        if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
            out += _fields(annotation)
    return out


def test_every_setting_has_a_description() -> None:
    missing = [name for name, field in _fields(Settings) if not getattr(field, "description", None)]
    assert missing == []


def test_rows_name_the_environment_variable_and_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_RETRIEVAL_TOP_K", "9")
    monkeypatch.setenv("RAG_EXTRACTIVE_MAX_SENTENCES", "2")
    rows = {row.env: row for row in setting_rows(Settings())}
    assert rows["RAG_RETRIEVAL_TOP_K"].value == "9" and rows["RAG_RETRIEVAL_TOP_K"].default == "7"
    assert rows["RAG_EXTRACTIVE_MAX_SENTENCES"].value == "2"
    assert Settings().extractive.max_sentences == 2


def test_readme_table_is_generated_from_the_fields() -> None:
    spec = importlib.util.spec_from_file_location("settings_table", PROJECT_ROOT / "scripts" / "settings_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = settings_markdown(setting_rows(Settings.model_construct()))
    assert f"{module.START}\n{table}{module.END}" in readme, "run: python scripts/settings_table.py"


@pytest.mark.parametrize(("text", "backend"), [("auto", Backend.AUTO), (" Ollama ", Backend.OLLAMA)])
def test_backend_parses_known_names(text: str, backend: Backend) -> None:
    assert Backend.parse(text) is backend


def test_backend_rejects_unknown_names_in_one_line() -> None:
    with pytest.raises(LLMError, match=r"^Unknown backend 'gpt': use auto, ollama or extractive$"):
        Backend.parse("gpt")
