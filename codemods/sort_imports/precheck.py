"""A check of raw bytes that proves a file's imports are already in the order `sort-imports` writes.

Free of LibCST, so that a file whose imports are already in order is answered without importing LibCST at all;
the order itself (groups and sort keys) comes from ordering.py, as the codemod's does.
"""
from dataclasses import dataclass
import logging
import re
from typing import Any, List, Optional, Tuple

from stylefix.codemods.sort_imports.ordering import Classifier, classifier_for, from_text, import_text, sort_key
from stylefix.codemods.sort_imports.spec import SortImportsOptions
from stylefix.context import FileContext

logger = logging.getLogger(__name__)

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
