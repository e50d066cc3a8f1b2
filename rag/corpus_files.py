"""Safe access to the files of the corpus folder, for shells that show or add articles.

``read_source`` opens an article for display: only a relative path that stays inside the
corpus folder (after resolving symlinks) and names an article type is served; anything else
raises ``UnsafePathError``. The text is decoded exactly as the indexer decodes it, so the line
numbers of a citation point at the same lines.

``add_uploads`` copies uploaded files into the corpus folder under sanitised names, applying
the indexer's own checks (type, size, empty, binary, no readable text) so a file is either
saved and indexable or rejected with a one-line reason.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath

from index.loading import Article, read_article
from rag.errors import CorpusError, UnsafePathError
from rag.models import SkippedFile
from rag.settings import Settings

_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 100
_MAX_PATH = 1024  # characters; a longer name is no citation's and would only reach the OS as an error
_MAX_PART = 255  # bytes per path component, the common file-system limit


def _refuse(path: str, why: str) -> UnsafePathError:
    shown = path if len(path) <= 80 else path[:77] + "…"
    return UnsafePathError(f"Refused to open '{shown}': {why}; only articles inside the corpus folder can be shown")


def resolve_source(settings: Settings, path: str) -> Path:
    """The file that ``path`` (relative to the corpus folder, as in a citation) names, or UnsafePathError."""
    if not isinstance(path, str) or not path.strip():
        raise UnsafePathError("No file was given to open")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in path):
        shown = path.encode("unicode_escape").decode("ascii")
        raise _refuse(shown, "the path contains control characters or invalid code points")
    posix = PurePosixPath(path.replace("\\", "/"))
    if len(path) > _MAX_PATH or any(len(part.encode()) > _MAX_PART for part in posix.parts):
        raise _refuse(path, "the path is too long")
    if posix.is_absolute() or PureWindowsPath(path).drive or path.startswith("~"):
        raise _refuse(path, "absolute paths are not allowed")
    if ".." in posix.parts:
        raise _refuse(path, "'..' is not allowed")
    if any(part.startswith(".") for part in posix.parts):
        raise _refuse(path, "hidden files are not articles")
    if posix.suffix.lower() not in settings.corpus.extensions:
        raise _refuse(path, f"'{posix.suffix or 'no extension'}' is not an article type")
    root = settings.corpus.dir
    candidate = root.joinpath(*posix.parts)
    try:
        real_root = root.resolve(strict=True)
    except OSError as exc:
        raise CorpusError(f"Corpus folder not found: {root}") from exc
    try:
        real = candidate.resolve()
        is_file = real.is_file()
    except (OSError, RuntimeError) as exc:  # a symlink loop, a name the file system refuses
        why = exc.strerror if isinstance(exc, OSError) else "link loop"
        raise _refuse(path, f"it cannot be opened ({why})") from None
    if not real.is_relative_to(real_root):
        raise _refuse(path, "it points outside the corpus folder")
    if not is_file:
        raise CorpusError(f"'{path}' is no longer in the corpus folder (moved or deleted?): re-index to update")
    return candidate


def open_source(settings: Settings, path: str) -> Article:
    """The article at ``path`` decoded exactly as the indexer read it (same text, same line numbers)."""
    candidate = resolve_source(settings, path)
    result = read_article(candidate, settings.corpus.dir, settings.corpus.max_file_bytes, settings.corpus)
    if isinstance(result, SkippedFile):
        raise CorpusError(f"Cannot show '{path}': {result.reason}")
    return result


def read_source(settings: Settings, path: str) -> tuple[str, str]:
    """(text, title) of a corpus article for display; UnsafePathError for any path outside the corpus."""
    article = open_source(settings, path)
    return article.text, article.title


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def safe_filename(name: str) -> str:
    """A plain file name: no folders, no hidden prefix, accents dropped, only ``A-Za-z0-9._-``."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, ext = (_ascii(part) for part in os.path.splitext(base))
    stem = _UNSAFE_CHARS.sub("_", stem).strip("._-") or "article"
    ext = _UNSAFE_CHARS.sub("", ext.lower())
    return stem[: _MAX_NAME - len(ext)] + ext


def _free_name(folder: Path, name: str) -> Path:
    stem, ext = os.path.splitext(name)
    target = folder / name
    n = 2
    while os.path.lexists(target):  # a dangling symlink is a taken name too
        target = folder / f"{stem}-{n}{ext}"
        n += 1
    return target


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a new file (never overwriting one, even when two uploads race)."""
    for _ in range(100):
        target = _free_name(folder, name)
        try:
            with open(target, "xb") as handle:
                handle.write(data)
        except FileExistsError:
            continue
        return target
    raise OSError(f"no free name for {name}")


def add_uploads(settings: Settings, files: Sequence[str | Path]) -> tuple[list[str], list[SkippedFile]]:
    """Copy uploaded files into the corpus folder; (saved paths relative to it, rejected with reasons).

    A file is saved only if the indexer would accept it. Names are sanitised; a name already
    taken by a different file gets a ``-2``, ``-3``… suffix, and an identical copy is rejected.
    """
    root = settings.corpus.dir
    if not root.is_dir():
        raise CorpusError(f"Corpus folder not found: {root} (set RAG_CORPUS_DIR)")
    allowed = ", ".join(sorted(settings.corpus.extensions))
    saved: list[str] = []
    rejected: list[SkippedFile] = []
    for item in files:
        source = Path(item)
        shown = source.name or str(item)
        name = safe_filename(source.name)
        suffix = Path(name).suffix
        if suffix not in settings.corpus.extensions:
            rejected.append(SkippedFile(file=shown, reason=f"unsupported type '{suffix or 'none'}' (use {allowed})"))
            continue
        if not source.is_file():
            if source.is_symlink():
                reason = "a broken symbolic link (its target does not exist)"
            else:
                reason = "not a regular file" if source.exists() else "the upload is missing (try again)"
            rejected.append(SkippedFile(file=shown, reason=reason))
            continue
        checked = read_article(source, source.parent, settings.corpus.max_file_bytes, settings.corpus)
        if isinstance(checked, SkippedFile):
            rejected.append(SkippedFile(file=shown, reason=checked.reason))
            continue
        data = source.read_bytes()
        existing = root / name
        if existing.is_file() and not existing.is_symlink() and existing.read_bytes() == data:
            rejected.append(SkippedFile(file=shown, reason=f"already in the corpus as {name}"))
            continue
        try:
            target = _write_new(root, name, data)
        except OSError as exc:
            rejected.append(SkippedFile(file=shown, reason=f"could not be saved ({exc.strerror or exc})"))
            continue
        saved.append(target.relative_to(root).as_posix())
    return saved, rejected
