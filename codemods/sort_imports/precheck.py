"""What order `sort-imports` writes, and a check of raw bytes that proves a file already has it.

Free of LibCST, so that a file whose imports are already in order is answered without importing LibCST at all:
the classification (future, standard library, third-party, local), the sort keys, and the byte-level scanner
are shared by the codemod (codemods/sort_imports.py) and its pre-check.
"""
from dataclasses import dataclass
import functools
import logging
from pathlib import Path
import re
import sys
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

from stylefix.codemods.sort_imports.spec import SortImportsOptions
from stylefix.config import ModuleIndex
from stylefix.context import FileContext

logger = logging.getLogger(__name__)

FUTURE, STDLIB, THIRD_PARTY, LOCAL = 0, 1, 2, 3
GROUP_NAMES: Tuple[str, ...] = ("__future__", "standard library", "third-party", "local")
# Standard-library modules that some Python 3 has and the running one may not (removed since 3.8, or added after
# 3.10): with them the grouping is the same whichever Python runs stylefix, and old `try: import imp` code sorts
# the way it was written.
STDLIB_OTHER_VERSIONS: FrozenSet[str] = frozenset(
    {
        # removed: 3.8 macpath; 3.9 dummy_threading; 3.10 formatter, parser, symbol; 3.11 binhex
        "macpath", "dummy_threading", "_dummy_thread", "formatter", "parser", "symbol", "binhex",
        # removed in 3.12
        "asynchat", "asyncore", "distutils", "imp", "smtpd",
        # removed in 3.13
        "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3", "mailcap", "msilib", "nis",
        "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib",
        # added: 3.11 tomllib; 3.14 annotationlib, compression
        "tomllib", "annotationlib", "compression",
    }
)
STDLIB_NAMES: FrozenSet[str] = frozenset(sys.stdlib_module_names) | STDLIB_OTHER_VERSIONS
# Messages quote statements; longer ones are cut to keep a report line readable.
MAX_QUOTED = 60
DIGITS_RE = re.compile(r"(\d+)")

NaturalKey = Tuple[Union[str, int], ...]


# ---------------------------------------------------------------------------------------------------------------
# Classification and ordering: plain functions shared by the codemod and its byte-level pre-check.


@dataclass(frozen=True)
class Classifier:
    """Everything that decides an import's group, built once per configuration."""

    # dotted module prefix -> group, from known-first-party / known-third-party / extra-standard-library
    user: Dict[str, int]
    # top-level names of the project's own modules that the file can import (see local_names)
    local: FrozenSet[str]

    def group(self, module: str, level: int, is_from: bool) -> int:
        if level:
            return LOCAL
        if is_from and module == "__future__":
            return FUTURE
        if self.user:
            prefix = module
            while prefix:
                found = self.user.get(prefix)
                if found is not None:
                    return found
                prefix = prefix.rpartition(".")[0]
        top = module.partition(".")[0]
        if top in STDLIB_NAMES:
            return STDLIB
        if top in self.local:
            return LOCAL
        return THIRD_PARTY


@functools.lru_cache(maxsize=64)
def _user_groups(options: SortImportsOptions) -> Tuple[Tuple[str, int], ...]:
    pairs: Dict[str, int] = {}
    # Later lists lose to earlier ones when a name is listed twice: first-party, third-party, standard library.
    for names, group in (
        (options.extra_standard_library, STDLIB),
        (options.known_third_party, THIRD_PARTY),
        (options.known_first_party, LOCAL),
    ):
        for name in names:
            pairs[name.strip()] = group
    return tuple((name, group) for name, group in pairs.items() if name)


def _own_package(parts: Tuple[str, ...]) -> Optional[str]:
    if len(parts) > 2 and parts[0] == "src":
        parts = parts[1:]
    if not parts:
        return None
    top = parts[0] if len(parts) > 1 else Path(parts[0]).stem
    return top if top.isidentifier() else None


def _project_of(index: ModuleIndex, parts: Tuple[str, ...]) -> Tuple[ModuleIndex, Tuple[str, ...]]:
    """The index of the innermost (nested) project holding the file, and the file's path relative to it."""
    for length in range(len(parts) - 1, 0, -1):
        found = index.nested.get("/".join(parts[:length]))
        if found is not None:
            return _project_of(found, parts[length:])
    return index, parts


def local_names(file: FileContext) -> FrozenSet[str]:
    """Top-level names local in this file: those of the project's source roots and of the file's own
    directory (on sys.path when it runs as a script or as a pytest test), in the innermost project holding it."""
    index = file.config.project_modules
    relative = file.relative_path()
    if relative is None:
        return index.names
    index, parts = _project_of(index, relative.parts)
    own = _own_package(parts)
    names = index.names | {own} if own else index.names
    directory = parts[:-1]
    while directory:
        found = index.directories.get("/".join(directory))
        if found is not None:
            return names | found
        if "/".join(directory) in index.roots:
            break
        directory = directory[:-1]
    return names


def classifier_for(file: FileContext, options: SortImportsOptions) -> Classifier:
    return Classifier(dict(_user_groups(options)), local_names(file))


def natural_key(text: str) -> NaturalKey:
    """Digit runs compared as numbers: `a9` < `a10`."""
    parts = DIGITS_RE.split(text)
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


def sort_key(module: str, level: int, is_from: bool, rest: str, force_sort_within_sections: bool) -> Tuple[Any, ...]:
    """Order inside a group: absolute before relative (farthest first), then by module name, case-insensitively.

    Statements of the same module (kept apart, never merged) are ordered by the text of what they import,
    case-sensitively, so `from x import A` comes before `from x import b`, as isort orders them."""
    relative = (1, -level) if level else (0, 0)
    kind = 1 if is_from else 0
    by_type = () if force_sort_within_sections else (kind,)
    return (relative, *by_type, natural_key(module.lower()), kind, natural_key(rest))


def import_text(names: Sequence[Tuple[str, Optional[str]]]) -> str:
    return "import " + ", ".join(name + (f" as {alias}" if alias else "") for name, alias in names)


def from_text(level: int, module: str, names: Sequence[Tuple[str, Optional[str]]], parenthesized: bool) -> str:
    listed = ", ".join(name + (f" as {alias}" if alias else "") for name, alias in names)
    if parenthesized:
        listed = f"({listed})"
    return f"from {'.' * level}{module} import {listed}"


def quote(text: str) -> str:
    return "`" + (text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 3] + "...") + "`"


# ---------------------------------------------------------------------------------------------------------------
# The byte-level pre-check: proves a file's imports are already in order without parsing it.

# A line that may start an import statement (a candidate); every candidate must then be a SIMPLE_IMPORT.
CANDIDATE_RE = re.compile(rb"^[ \t]*(?:import|from)(?![A-Za-z0-9_])", re.MULTILINE)
_NAME = rb"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = _NAME + rb"(?:\." + _NAME + rb")*"
_ALIASED_DOTTED = _DOTTED + rb"(?:[ \t]+as[ \t]+" + _NAME + rb")?"
_ALIASED_NAME = _NAME + rb"(?:[ \t]+as[ \t]+" + _NAME + rb")?"
_NAME_LIST = _ALIASED_NAME + rb"(?:[ \t]*,[ \t]*" + _ALIASED_NAME + rb")*"
SIMPLE_IMPORT_RE = re.compile(
    rb"(?P<indent>[ \t]*)(?:"
    rb"import[ \t]+(?P<names>" + _ALIASED_DOTTED + rb"(?:[ \t]*,[ \t]*" + _ALIASED_DOTTED + rb")*)"
    rb"|from[ \t]+(?P<dots>\.*)(?P<module>" + _DOTTED + rb")?[ \t]+import[ \t]+"
    rb"(?:(?P<from_names>" + _NAME_LIST + rb")|\([ \t]*(?P<paren_names>" + _NAME_LIST + rb")[ \t]*,?[ \t]*\))"
    rb")[ \t]*(?:#[^\r\n]*)?\r?"
)
# A parenthesized from-import over several lines; its body is checked name by name after comments are dropped.
MULTI_LINE_FROM_RE = re.compile(
    rb"(?P<indent>[ \t]*)from[ \t]+(?P<dots>\.*)(?P<module>" + _DOTTED + rb")?[ \t]+import[ \t]*"
    rb"\((?P<body>[^()]*)\)[ \t]*(?:#[^\r\n]*)?\r?(?=\n|\Z)"
)
ALIASED_NAME_RE = re.compile(_ALIASED_NAME)
COMMENT_RE = re.compile(rb"#[^\r\n]*")
# A star import: a barrier for the codemod, so a run boundary for the pre-check.
STAR_IMPORT_RE = re.compile(
    rb"(?P<indent>[ \t]*)from[ \t]+\.*(?:" + _DOTTED + rb")?[ \t]+import[ \t]*\*[ \t]*(?:#[^\r\n]*)?\r?"
)
BLANK_LINE_RE = re.compile(rb"[ \t]*\r?")
COMMENT_LINE_RE = re.compile(rb"[ \t]*#[^\r\n]*\r?")
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class _Scanned:
    indent: bytes
    group: int
    key: Tuple[Any, ...]
    text: str
    has_comma: bool


def _parse_names(raw: bytes) -> List[Tuple[str, Optional[str]]]:
    names = []
    for part in raw.decode("ascii").split(","):
        words = part.split()
        if words:
            names.append((words[0], words[2] if len(words) == 3 else None))
    return names


def _scanned(
    indent: bytes, module: str, level: int, names: List[Tuple[str, Optional[str]]], text: str, rest: str,
    is_from: bool, classifier: Classifier, force_sort: bool,
) -> _Scanned:
    group = classifier.group(module, level, is_from)
    key = sort_key(module, level, is_from, rest, force_sort)
    return _Scanned(indent, group, key, text, not is_from and len(names) > 1)


def _scan(source: bytes, start: int, classifier: Classifier, force_sort: bool) -> Optional[Tuple[_Scanned, int]]:
    """The import statement starting at `start` and the offset of its last line's end; None if not simple."""
    end = source.find(b"\n", start)
    end = len(source) if end == -1 else end
    match = SIMPLE_IMPORT_RE.fullmatch(source, start, end)
    if match is None:
        return _scan_multi_line(source, start, classifier, force_sort)
    indent = match.group("indent")
    if match.group("names") is not None:
        names = _parse_names(match.group("names"))
        module = names[0][0]
        text = import_text(names)
        rest = text[len("import ") + len(module) :]
        return _scanned(indent, module, 0, names, text, rest, False, classifier, force_sort), end
    level = len(match.group("dots"))
    module = (match.group("module") or b"").decode("ascii")
    if level == 0 and not module:
        return None
    parenthesized = match.group("paren_names") is not None
    names = _parse_names(match.group("paren_names") if parenthesized else match.group("from_names"))
    text = from_text(level, module, names, parenthesized)
    rest = from_text(level, module, names, False).partition(" import ")[2]
    return _scanned(indent, module, level, names, text, rest, True, classifier, force_sort), end


def _scan_multi_line(
    source: bytes, start: int, classifier: Classifier, force_sort: bool
) -> Optional[Tuple[_Scanned, int]]:
    match = MULTI_LINE_FROM_RE.match(source, start)
    if match is None:
        return None
    level = len(match.group("dots"))
    module = (match.group("module") or b"").decode("ascii")
    if level == 0 and not module:
        return None
    items = [item.strip() for item in COMMENT_RE.sub(b"", match.group("body")).split(b",")]
    if items and not items[-1]:
        items.pop()  # a trailing comma
    if not items or not all(ALIASED_NAME_RE.fullmatch(item) for item in items):
        return None
    names = _parse_names(b",".join(items))
    text = from_text(level, module, names, True)
    rest = from_text(level, module, names, False).partition(" import ")[2]
    scanned = _scanned(match.group("indent"), module, level, names, text, rest, True, classifier, force_sort)
    return scanned, match.end()


def _run_in_order(run: List[Tuple[_Scanned, int, bool]]) -> bool:
    seen = set()
    previous: Optional[_Scanned] = None
    for scanned, blank_lines, commented in run:
        if scanned.text in seen:
            return False
        seen.add(scanned.text)
        if previous is not None:
            if (previous.group, previous.key) > (scanned.group, scanned.key):
                return False
            separated = commented and blank_lines > 0  # a comment set apart by a blank line keeps it
            if blank_lines != (0 if previous.group == scanned.group and not separated else 1):
                return False
        previous = scanned
    return True


def _between(text: bytes) -> Optional[Tuple[int, bool, bool]]:
    """(blank lines before the first comment, whether a line of code is there, whether a comment is there) for
    the lines between two imports;
    None for a line that could join the next one (a lone backslash) or a comment that is an isort directive."""
    blanks, seen_comment, has_code = 0, False, False
    for line in text.split(b"\n")[:-1]:
        if BLANK_LINE_RE.fullmatch(line):
            blanks += not seen_comment
        elif COMMENT_LINE_RE.fullmatch(line):
            if b"isort:" in line:
                return None
            seen_comment = True
        elif line.lstrip().startswith(b"\\"):
            return None
        else:
            has_code = True
    return blanks, has_code, seen_comment


def imports_already_sorted(source: bytes, classifier: Classifier, options: SortImportsOptions) -> bool:
    """True only when every run of imports is provably in the codemod's output form already.

    Every line that starts with `import`/`from` must start a plain import (one line, or a parenthesized list of
    names over several lines) or a star import (a barrier). Between two imports at the same indentation there
    are only blank and comment lines (the same run: comments move with the import below them, so only the blank
    lines above the first comment count), or a line of code (a barrier). Anything unusual gives up (False).
    Two consecutive imports of a real run have only blank and comment lines between them, so the runs checked
    here can only be longer than the real ones (lines inside strings look like imports or code), never shorter,
    and a part of an ordered run is ordered.
    """
    if source.startswith(UTF8_BOM):
        source = source[len(UTF8_BOM) :]
    if b"\f" in source:
        return False
    if b"\r" in source and source.count(b"\r") != source.count(b"\r\n"):
        return False
    run: List[Tuple[_Scanned, int, bool]] = []
    previous_end = -1
    for match in CANDIDATE_RE.finditer(source):
        start = match.start()
        if start <= previous_end:
            return False  # inside the previous statement: not a plain import after all
        found = _scan(source, start, classifier, options.force_sort_within_sections)
        if found is None:
            line_end = source.find(b"\n", start)
            line_end = len(source) if line_end == -1 else line_end
            if STAR_IMPORT_RE.fullmatch(source, start, line_end) is None:
                return False
            if not _run_in_order(run):
                return False
            run, previous_end = [], line_end
            continue
        scanned, end = found
        if options.split_multiple and scanned.has_comma:
            return False
        between = _between(source[previous_end + 1 : start]) if previous_end >= 0 else (0, True, False)
        if between is None:
            return False
        blank_lines, has_code, commented = between
        if run and not has_code and run[-1][0].indent == scanned.indent:
            run.append((scanned, blank_lines, commented))
        else:
            if not _run_in_order(run):
                return False
            run = [(scanned, 0, False)]
        previous_end = end
    return _run_in_order(run)


def applies_to(file: FileContext) -> bool:
    return True


def precheck(source: bytes, file: FileContext) -> bool:
    """False only when the file certainly needs no change from sort-imports."""
    if b"import" not in source:
        return False
    if "skip_file" in file.directives.isort.values():
        return False
    options = file.config.options("sort-imports")
    return not imports_already_sorted(source, classifier_for(file, options), options)
