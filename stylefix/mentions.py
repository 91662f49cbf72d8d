"""Where the project's files mention test names outside code: one text pass per run, shared by every file.

test-names keeps a test's name when something the rename cannot reach uses it: a string literal in any Python
file of the project (`depends=["tests/test_a.py::test_x"]`, `getattr(mod, "test_x")`, a qualified name in an
expected message), an import of it from another module, or a node id, `-k` expression or other text in pytest's
configuration, tox, setup.cfg, pyproject.toml, a Makefile or CI yaml. Comments and docstrings do not count. The
runner (and the stdin and LSP paths) builds the index once and hands it to the engine in the `Config`; the
codemod reads it as data and never opens a file itself.
"""
import bisect
from dataclasses import dataclass, replace
import functools
import json
import logging
import os
from pathlib import Path
import re
import tempfile
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Tuple

from stylefix import registry
from stylefix.config import CACHE_DIR_NAME, Config, KeywordLine, Mention, ProjectMentions
from stylefix.contract import MENTIONS

logger = logging.getLogger(__name__)

# Every name test-names may rename starts with `test` (whatever `test-functions` says, see name_words).
TEST_WORD = r"(?<!\w)test\w*"
STRING_PREFIX = r"(?<![\w'\"])[rRbBuUfF]{0,2}"
PYTHON_TOKEN_RE = re.compile(
    rf"""(?P<comment>\#[^\r\n]*)
    |(?P<string>{STRING_PREFIX}(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''
        |"(?:\\.|[^\\"\r\n])*"|'(?:\\.|[^\\'\r\n])*'))
    |(?P<word>{TEST_WORD})""",
    re.VERBOSE | re.DOTALL,
)
TEST_WORD_RE = re.compile(TEST_WORD)
FROM_IMPORT_RE = re.compile(r"[ \t]*from\s+[\w.]+\s+import\b")
KEYWORD_OPTION_RE = re.compile(r"(?<![\w-])-k(?![\w-])")
KEYWORD_OPERATORS: FrozenSet[str] = frozenset({"and", "or", "not"})
LINE_END_RE = re.compile(r"\r\n|\r|\n")
PYTHON_SUFFIXES: Tuple[str, ...] = (".py", ".pyi")
CONFIG_NAMES: FrozenSet[str] = frozenset(
    {".pytest.ini", "GNUmakefile", "Makefile", "makefile", "pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini"}
)
CONFIG_SUFFIXES: Tuple[str, ...] = (".mk", ".yaml", ".yml")
# Kinds of mention. Those in BLOCKING keep the test's name; comments and docstrings are updated with it.
STRING, IMPORT, NODE_ID, KEYWORD_EXPRESSION, CONFIGURATION = "string", "import", "node id", "-k expression", "text"
COMMENT, DOCSTRING, CODE, ATTRIBUTE = "comment", "docstring", "code", "attribute"
BLOCKING: FrozenSet[str] = frozenset({STRING, IMPORT, NODE_ID, KEYWORD_EXPRESSION, CONFIGURATION, ATTRIBUTE})
# Files larger than this are data, not code or configuration a test name would be in.
MAX_FILE_BYTES = 4_000_000
# Each file's mentions by (mtime, size), in the project's cache directory.
STORE_NAME = "mentions.json"
STORE_VERSION = 1
# How far back a docstring or attribute test looks: far enough for any header, short enough to stay linear.
LOOK_BACK_CHARS = 400


@dataclass(frozen=True)
class Occurrence:
    """A test-like word in one file's text, with what surrounds it."""

    word: str
    line: int
    column: int  # 1-based
    kind: str  # STRING, DOCSTRING, COMMENT, CODE, ATTRIBUTE, IMPORT


def _line_starts(text: str) -> List[int]:
    return [0, *(match.end() for match in LINE_END_RE.finditer(text))]


def _locate(starts: List[int], offset: int) -> Tuple[int, int]:
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1


def _is_docstring(text: str, start: int, quote: str) -> bool:
    """A triple-quoted string that opens a module or follows a `def`/`class` header's colon."""
    if not quote.startswith(('"""', "'''")):
        return False
    before = text[max(0, start - LOOK_BACK_CHARS) : start].rstrip()
    if before.endswith(":"):
        return True
    return start <= LOOK_BACK_CHARS and all(line.lstrip().startswith("#") for line in before.splitlines())


def python_occurrences(text: str) -> Iterator[Occurrence]:
    """Every word starting with `test` in Python source, as string, docstring, comment, import, attribute or code."""
    if "test" not in text:
        return
    starts = _line_starts(text)
    for match in PYTHON_TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            line, column = _locate(starts, match.start())
            line_start = starts[line - 1]
            line_end = starts[line] if line < len(starts) else len(text)
            imported = FROM_IMPORT_RE.match(text, line_start, line_end)
            preceding = text[max(0, match.start() - LOOK_BACK_CHARS) : match.start()].rstrip()
            if imported is not None or _in_parenthesised_import(text, starts, line):
                # `from tests.test_a import test_x`: the module's words are code, the imported names imports.
                found = IMPORT if imported is None or match.start() >= imported.end() else CODE
            elif preceding.endswith(".") and not preceding.endswith(".."):
                found = ATTRIBUTE
            else:
                found = CODE
            yield Occurrence(match.group(0), line, column, found)
            continue
        token = match.group(0)
        if "test" not in token:
            continue
        body = token.lstrip("rRbBuUfF") or token
        if kind == "comment":
            found = COMMENT
        else:
            found = DOCSTRING if _is_docstring(text, match.start(), body) else STRING
        formatted = kind == "string" and "f" in token[: token.find(body[0])].lower()
        for word in TEST_WORD_RE.finditer(token):
            if token.startswith(".py", word.end()):
                continue  # a file name (`tests/test_a.py::test_x`), not a test's
            line, column = _locate(starts, match.start() + word.start())
            inside = formatted and _in_replacement_field(token[: word.start()])
            yield Occurrence(word.group(0), line, column, CODE if inside else found)


def _in_replacement_field(before: str) -> bool:
    """Whether the end of an f-string's text so far is inside `{...}` (code, not text)."""
    plain = before.replace("{{", "").replace("}}", "")
    return plain.count("{") > plain.count("}")


def _in_parenthesised_import(text: str, starts: List[int], line: int) -> bool:
    """A name on a continuation line of `from x import (\n a,\n b)`."""
    for previous in range(line - 1, max(0, line - 50), -1):
        content = text[starts[previous - 1] : starts[previous]] if previous < len(starts) else ""
        if ")" in content:
            return False
        if "(" in content:
            return bool(FROM_IMPORT_RE.match(content))
    return False


def config_occurrences(path: str, text: str) -> Tuple[List[Tuple[str, Mention]], List[KeywordLine]]:
    """Mentions of test-like words in a configuration file (comment lines left out), and its `-k` options."""
    mentions: List[Tuple[str, Mention]] = []
    keyword_lines: List[KeywordLine] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "test" not in line and "-k" not in line:
            continue
        stripped = line.lstrip()
        if stripped.startswith(("#", ";")):
            continue
        option = KEYWORD_OPTION_RE.search(line)
        if option is not None:
            expression = re.split(r"\s-", line[option.end() :], maxsplit=1)[0]
            words = tuple(w for w in re.findall(r"[A-Za-z_]\w*", expression) if w.lower() not in KEYWORD_OPERATORS)
            keyword_lines.append(KeywordLine(path, number, words))
        for match in TEST_WORD_RE.finditer(line):
            if line.startswith(".py", match.end()):
                continue
            if line[: match.start()].endswith("::"):
                kind = NODE_ID
            elif option is not None and match.start() > option.start():
                kind = KEYWORD_EXPRESSION
            else:
                kind = CONFIGURATION
            mentions.append((match.group(0), Mention(path, number, kind)))
    return mentions, keyword_lines


FileMentions = Tuple[Tuple[Tuple[str, Mention], ...], Tuple[KeywordLine, ...]]


@functools.lru_cache(maxsize=4096)
def _file_mentions(path: str, display: str, is_python: bool, mtime_ns: int, size: int) -> FileMentions:
    """One file's blocking mentions, remembered by (path, mtime, size): the language server asks again often."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return (), ()
    if is_python:
        found = tuple(
            (occurrence.word, Mention(display, occurrence.line, occurrence.kind))
            for occurrence in python_occurrences(text)
            if occurrence.kind in (STRING, IMPORT)
        )
        return found, ()
    mentions, keyword_lines = config_occurrences(display, text)
    return tuple(mentions), tuple(keyword_lines)


def _is_scanned(name: str) -> Tuple[bool, bool]:
    """(scanned at all, as Python)."""
    if name.endswith(PYTHON_SUFFIXES):
        return True, True
    return name in CONFIG_NAMES or name.endswith(CONFIG_SUFFIXES), False


def _load_store(store_dir: Optional[Path]) -> Dict[str, Any]:
    if store_dir is None:
        return {}
    try:
        with open(store_dir / STORE_NAME, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) and data.get("version") == STORE_VERSION else None
    return files if isinstance(files, dict) else {}


def _save_store(store_dir: Path, files: Dict[str, Any]) -> None:
    """Written atomically; a store that cannot be written only costs the next run a full scan."""
    try:
        descriptor, temporary = tempfile.mkstemp(dir=store_dir, prefix=".mentions.", suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"version": STORE_VERSION, "files": files}, handle, separators=(",", ":"))
        os.replace(temporary, store_dir / STORE_NAME)
    except OSError as error:
        logger.debug("mention store not written: %s", error)


def _stored_mentions(entry: Any, display: str, status: os.stat_result) -> Optional[FileMentions]:
    """A file's mentions from the store, when its (mtime, size) still match."""
    if not isinstance(entry, list) or len(entry) != 4 or entry[:2] != [status.st_mtime_ns, status.st_size]:
        return None
    found = tuple((word, Mention(display, line, kind)) for word, line, kind in entry[2])
    return found, tuple(KeywordLine(display, line, tuple(words)) for line, words in entry[3])


def scan_project(config: Config, store_dir: Optional[Path] = None) -> ProjectMentions:
    """Every blocking mention of a test-like name under the project root, honouring the excludes.

    With `store_dir` (the project's cache directory), each file's mentions are kept there by (mtime, size), so a
    run over an unchanged project reads no file again (on Django's 2,788 files: 1.1 s of the 1.4 s of a warm
    `check`)."""
    from stylefix.discovery import Excluder

    root = config.root
    excluder = Excluder(config)
    by_name: Dict[str, List[Mention]] = {}
    keyword_lines: List[KeywordLine] = []
    stored = _load_store(store_dir)
    entries: Dict[str, Any] = {}
    for current, dirnames, filenames in os.walk(root, followlinks=False):
        absolute = excluder.absolute(current)
        dirnames[:] = sorted(name for name in dirnames if not excluder.is_excluded_in(absolute, name, is_dir=True))
        for name in sorted(filenames):
            scanned, is_python = _is_scanned(name)
            if not scanned or excluder.is_excluded_in(absolute, name, is_dir=False):
                continue
            path = os.path.join(current, name)
            try:
                status = os.stat(path)
            except OSError:
                continue
            if status.st_size > MAX_FILE_BYTES:
                continue
            display = Path(os.path.relpath(path, root)).as_posix()
            known = _stored_mentions(stored.get(display), display, status) if stored else None
            found, keywords = known or _file_mentions(path, display, is_python, status.st_mtime_ns, status.st_size)
            if store_dir is not None:
                entries[display] = [
                    status.st_mtime_ns,
                    status.st_size,
                    [[word, mention.line, mention.kind] for word, mention in found],
                    [[keyword.line, list(keyword.words)] for keyword in keywords],
                ]
            for word, mention in found:
                by_name.setdefault(word, []).append(mention)
            keyword_lines.extend(keywords)
    if store_dir is not None and entries != stored:
        _save_store(store_dir, entries)
    logger.debug("project mentions: %d names, %d -k options", len(by_name), len(keyword_lines))
    return ProjectMentions({name: tuple(found) for name, found in by_name.items()}, tuple(keyword_lines))


def with_project_mentions(config: Config, use_store: bool = False) -> Config:
    """`config` with the project's mention index that test-names needs, built once per run; with `use_store`,
    kept per file in the project's cache directory when there is one (runs with the cache on)."""
    if registry.needed(MENTIONS, config.enabled) and config.project_mentions is None:
        store_dir = config.root / CACHE_DIR_NAME
        store = store_dir if use_store and store_dir.is_dir() else None
        return replace(config, project_mentions=scan_project(config, store))
    return config


def keyword_mismatches(words: Tuple[str, ...], old: str, new: str) -> List[str]:
    """Words of a `-k` expression that match the old name and not the new one, or the other way round."""
    return [word for word in words if (word.lower() in old.lower()) != (word.lower() in new.lower())]
