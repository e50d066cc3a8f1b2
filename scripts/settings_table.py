"""Rewrite the README's configuration table from the Settings fields (run after adding a setting)."""

from __future__ import annotations

import re
from pathlib import Path

from rag.settings import PROJECT_ROOT, Settings, setting_rows, settings_markdown

START, END = "<!-- settings-table:start -->", "<!-- settings-table:end -->"


def rewrite(readme: Path) -> bool:
    text = readme.read_text(encoding="utf-8")
    table = settings_markdown(setting_rows(Settings.model_construct()))
    new = re.sub(rf"{re.escape(START)}.*?{re.escape(END)}", f"{START}\n{table}{END}", text, count=1, flags=re.S)
    readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    print("README.md updated" if rewrite(PROJECT_ROOT / "README.md") else "README.md already up to date")
