"""Codemod `sort-imports`: `from __future__`, stdlib, third-party and local imports, one blank line between groups.

Each run of consecutive import statements in a statement container (the module, or the body of a def, class,
if, try, with, for, while or match case) is sorted on its own. Statements are moved, never rewritten: names are
not reordered, nothing is merged or re-wrapped. The tree is walked by hand over statement containers only, so
expressions are never visited.
"""
from dataclasses import dataclass
import functools
import logging
from pathlib import Path
import re
import sys
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst

from stylefix.codemod import FileContext, StylefixCodemod
from stylefix.directives import ISORT_RE
from stylefix.registry import Example, SortImportsOptions

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
# Statement-owning fields of compound statements and their clauses (else, except, finally, match case).
SUITE_FIELDS: Tuple[str, ...] = ("body", "orelse", "finalbody")
SUITE_SEQUENCE_FIELDS: Tuple[str, ...] = ("handlers", "cases")
# Messages quote statements; longer ones are cut to keep a report line readable.
MAX_QUOTED = 60
DIGITS_RE = re.compile(r"(\d+)")
SPACING_MESSAGES: Tuple[str, str] = ("no blank line inside an import group", "one blank line between import groups")

Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]
NaturalKey = Tuple[Union[str, int], ...]


# ---------------------------------------------------------------------------------------------------------------
# Classification and ordering: plain functions shared by the codemod and its byte-level pre-check.


@dataclass(frozen=True)
class Classifier:
    """Everything that decides an import's group, built once per configuration."""

    # dotted module prefix -> group, from known-first-party / known-third-party / extra-standard-library
    user: Dict[str, int]
    project_modules: FrozenSet[str]
    own_package: Optional[str]

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
        if top in self.project_modules or top == self.own_package:
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


def own_package(file: FileContext) -> Optional[str]:
    """The top-level package (or module) the file itself belongs to: always local."""
    relative = file.relative_path()
    if relative is None:
        return None
    parts = relative.parts
    if len(parts) > 2 and parts[0] == "src":
        parts = parts[1:]
    if not parts:
        return None
    top = parts[0] if len(parts) > 1 else Path(parts[0]).stem
    return top if top.isidentifier() else None


def classifier_for(file: FileContext, options: SortImportsOptions) -> Classifier:
    return Classifier(dict(_user_groups(options)), file.config.project_modules, own_package(file))


def natural_key(text: str) -> NaturalKey:
    """Digit runs compared as numbers: `a9` < `a10`."""
    parts = DIGITS_RE.split(text)
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


def sort_key(module: str, level: int, is_from: bool, rest: str, force_sort_within_sections: bool) -> tuple:
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


def _quote(text: str) -> str:
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
    key: tuple
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


def _run_in_order(run: List[Tuple[_Scanned, int]]) -> bool:
    seen = set()
    previous: Optional[_Scanned] = None
    for scanned, blank_lines in run:
        if scanned.text in seen:
            return False
        seen.add(scanned.text)
        if previous is not None:
            if (previous.group, previous.key) > (scanned.group, scanned.key):
                return False
            if blank_lines != (0 if previous.group == scanned.group else 1):
                return False
        previous = scanned
    return True


def _between(text: bytes) -> Optional[Tuple[int, bool]]:
    """(blank lines before the first comment, whether a line of code is there) for the lines between two imports;
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
    return blanks, has_code


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
    run: List[Tuple[_Scanned, int]] = []
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
        between = _between(source[previous_end + 1 : start]) if previous_end >= 0 else (0, True)
        if between is None:
            return False
        blank_lines, has_code = between
        if run and not has_code and run[-1][0].indent == scanned.indent:
            run.append((scanned, blank_lines))
        else:
            if not _run_in_order(run):
                return False
            run = [(scanned, 0)]
        previous_end = end
    return _run_in_order(run)


# ---------------------------------------------------------------------------------------------------------------
# The tree side.


@dataclass
class _Entry:
    """One import statement of a run, with what sorting needs to know about it."""

    statement: cst.SimpleStatementLine
    origin: cst.SimpleStatementLine  # the statement of the original tree, for reports
    group: int
    key: tuple
    text: str
    # (bound name, what it is bound to): an import that rebinds a name to something else is a barrier
    bindings: Tuple[Tuple[str, str], ...]


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    raise ValueError(f"not a dotted name: {type(node).__name__}")


def _alias_parts(alias: cst.ImportAlias) -> Tuple[str, Optional[str]]:
    asname = alias.asname
    return _dotted(alias.name), (_dotted(asname.name) if asname is not None else None)


def _describe(
    statement: cst.SimpleStatementLine, classifier: Classifier, force_sort: bool
) -> Tuple[int, tuple, str, Tuple[Tuple[str, str], ...]]:
    """(group, sort key, normalised text, bindings) of a one-import statement line."""
    node = statement.body[0]
    if isinstance(node, cst.Import):
        names = [_alias_parts(alias) for alias in node.names]
        module = names[0][0]
        text = import_text(names)
        rest = text[len("import ") + len(module) :]
        bindings = tuple(
            (alias, f"module {name}") if alias else (name.partition(".")[0], f"module {name.partition('.')[0]}")
            for name, alias in names
        )
        return classifier.group(module, 0, False), sort_key(module, 0, False, rest, force_sort), text, bindings
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
    level = len(node.relative)
    module = _dotted(node.module) if node.module is not None else ""
    names = [_alias_parts(alias) for alias in node.names]
    text = from_text(level, module, names, node.lpar is not None)
    rest = from_text(level, module, names, False).partition(" import ")[2]
    source = f"{'.' * level}{module}"
    bindings = tuple((alias or name, f"{source}:{name}") for name, alias in names)
    return classifier.group(module, level, True), sort_key(module, level, True, rest, force_sort), text, bindings


def _is_import(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    node = statement.body[0]
    if isinstance(node, cst.ImportFrom):
        return not isinstance(node.names, cst.ImportStar)
    return isinstance(node, cst.Import)


def _is_directive(line: cst.EmptyLine) -> bool:
    if line.comment is None:
        return False
    return any(ISORT_RE.match(part.strip()) for part in line.comment.value.split("#") if part.strip())


def _split_first(lines: Sequence[cst.EmptyLine]) -> Tuple[Tuple[cst.EmptyLine, ...], Tuple[cst.EmptyLine, ...]]:
    """(header, attached) for the first statement of a run: comments directly above it move with it, anything
    up to the last blank line or isort directive stays at the top."""
    cut = 0
    for index, line in enumerate(lines):
        if line.comment is None or _is_directive(line):
            cut = index + 1
    return tuple(lines[:cut]), tuple(lines[cut:])


def _split_middle(lines: Sequence[cst.EmptyLine]) -> Tuple[Tuple[cst.EmptyLine, ...], Tuple[cst.EmptyLine, ...]]:
    """(blank lines, attached) for a statement after the first: every comment above it moves with it."""
    for index, line in enumerate(lines):
        if line.comment is not None:
            return tuple(lines[:index]), tuple(lines[index:])
    return tuple(lines), ()


def _has_comments(statement: cst.SimpleStatementLine) -> bool:
    if any(line.comment is not None for line in statement.leading_lines):
        return True
    return "#" in cst.Module(body=[]).code_for_node(statement.with_changes(leading_lines=()))


def _blank_lines(existing: Sequence[cst.EmptyLine], wanted: int) -> Tuple[cst.EmptyLine, ...]:
    if len(existing) >= wanted:
        return tuple(existing[:wanted])
    return tuple(existing) + tuple(cst.EmptyLine(indent=False) for _ in range(wanted - len(existing)))


class SortImports(StylefixCodemod):
    NAME = "sort-imports"
    DOC = """
Rules
  Each run of consecutive import statements (at module level, and inside def, class, if, try/except, with,
  for, while and match bodies) is sorted on its own into groups, with exactly one blank line between groups:
    1. `from __future__` imports
    2. standard library (`sys.stdlib_module_names` and the modules other Python 3 versions have)
    3. third-party
    4. local: relative imports, the file's own top-level package, and any module or package found in the
       project (at the root, in src/, or in any sub-directory that is not excluded; a module inside a
       package with __init__.py only counts through the package's name)
  Precedence: relative -> known-first-party / known-third-party / extra-standard-library -> standard
  library -> project -> third-party.
  Inside a group statements sort by full module name, case-insensitively and with natural number order
  (`a9` before `a10`), `import x` and `from x import y` interleaved; relative imports come after absolute
  ones in the local group, farthest (`..`) first. Statements are kept as written: names are not reordered,
  nothing is merged, split or re-wrapped. Exact duplicates (same text apart from whitespace) are removed.
  The blank lines after the import block are left as they were. User code is never imported.

Comments
  Own-line comments directly above an import move with it; inline comments stay on their statement.
  Comments at the top of a block separated from the first import by a blank line stay at the top, and so do
  the comments before the first statement of a file (shebang, encoding cookie, license header).

Barriers (nothing moves across them)
  Any statement that is not an import (e.g. `sys.path.insert(...)`), a line holding several statements
  (`import a; import b`), a star import, an import that rebinds a name bound earlier in the run, and pinned
  imports (see Directives).

Options ([tool.stylefix.sort-imports])
  known-first-party, known-third-party, extra-standard-library: lists of (dotted) module names filed in that
    group; they win over the standard library and project detection (`known-first-party` and
    `known-third-party` may also be given at the top level of [tool.stylefix]).
  split-multiple (false): write `import os, sys` as one statement per module.
  force-sort-within-sections (true): false puts all `import x` lines before `from x import y` in a group.

Directives
  `# stylefix: skip` (or `# stylefix: skip[sort-imports]`) at the end of an import's line pins it.
  `# stylefix: skip-file` in the file's leading comments skips the file.
  isort's directives are honoured the same way: `# isort: skip` pins an import, `# isort: skip_file` skips
  the file, imports between `# isort: off` and `# isort: on` stay as they are, and `# isort: split` sorts
  the imports above and below it separately.
"""
    EXAMPLES = (
        Example(
            "Groups in order, one blank line between them",
            "from mypkg.core import run\nimport requests\nimport os\n\n\ndef main() -> None:\n    run()\n",
            "import os\n\nimport requests\n\nfrom mypkg.core import run\n\n\ndef main() -> None:\n    run()\n",
            path="mypkg/cli.py",
        ),
        Example(
            "`import x` and `from x import y` interleaved by module name, names kept as written",
            "import uuid\nfrom typing import List, Dict\nimport logging\nimport json\n",
            "import json\nimport logging\nfrom typing import List, Dict\nimport uuid\n",
        ),
        Example(
            "A comment moves with its import; a header comment stays at the top",
            '"""Tools."""\n# Imports\n\nimport sys\n# for the retry loop\nimport time\nimport abc\n',
            '"""Tools."""\n# Imports\n\nimport abc\nimport sys\n# for the retry loop\nimport time\n',
        ),
        Example(
            "Nothing moves across a statement or a pinned import",
            "import sys\nsys.path.insert(0, 'lib')\nimport zlib\nimport mylib  # stylefix: skip\nimport abc\n",
            "import sys\nsys.path.insert(0, 'lib')\nimport zlib\nimport mylib  # stylefix: skip\nimport abc\n",
        ),
        Example(
            "pytest filed with the standard library, as the style guide's author does",
            "import pytest\n\nimport os\n",
            "import os\nimport pytest\n",
            options={"extra-standard-library": ["pytest"]},
        ),
    )

    @classmethod
    def precheck(cls, source: bytes, file: FileContext) -> bool:
        if b"import" not in source:
            return False
        if "skip_file" in file.directives.isort.values():
            return False
        options = file.config.options(cls.NAME)
        return not imports_already_sorted(source, classifier_for(file, options), options)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        directives = self.file.directives
        if "skip_file" in directives.isort.values():
            return tree
        self._classifier = classifier_for(self.file, self.options)
        self._line_skips = directives.has_line_skips(self.NAME)
        self._isort_lines = sorted(directives.isort.items())
        body = self._sort_statements(tree.body)
        return tree if body is None else tree.with_changes(body=body)

    # -- walking statement containers ---------------------------------------------------------------------------

    def _sort_statements(self, statements: Sequence[Statement]) -> Optional[List[Statement]]:
        """The new statements of a container, or None when nothing changed."""
        result: List[Statement] = []
        run: List[cst.SimpleStatementLine] = []
        changed = False
        for statement in statements:
            if self._sortable(statement):
                run.append(statement)
                continue
            if run:
                changed = self._flush(run, result) or changed
                run = []
            if isinstance(statement, cst.BaseCompoundStatement):
                updated = self._descend(statement)
                changed = changed or updated is not statement
                statement = updated
            result.append(statement)
        if run:
            changed = self._flush(run, result) or changed
        return result if changed else None

    def _descend(self, node: cst.CSTNode) -> cst.CSTNode:
        updates = {}
        for field_name in SUITE_FIELDS:
            child = getattr(node, field_name, None)
            if isinstance(child, cst.IndentedBlock):
                body = self._sort_statements(child.body)
                if body is not None:
                    updates[field_name] = child.with_changes(body=body)
            elif isinstance(child, cst.CSTNode) and not isinstance(child, cst.SimpleStatementSuite):
                updated = self._descend(child)
                if updated is not child:
                    updates[field_name] = updated
        for field_name in SUITE_SEQUENCE_FIELDS:
            children = getattr(node, field_name, None)
            if children:
                new_children = [self._descend(child) for child in children]
                if any(new is not old for new, old in zip(new_children, children)):
                    updates[field_name] = new_children
        return node.with_changes(**updates) if updates else node

    # -- one run ------------------------------------------------------------------------------------------------

    def _sortable(self, statement: Statement) -> bool:
        if not _is_import(statement):
            return False
        if self._line_skips and self.is_skipped(statement):
            return False
        if self._isort_lines and self._isort_pinned(statement):
            return False
        return True

    def _isort_pinned(self, statement: cst.SimpleStatementLine) -> bool:
        first, last = self.lines_of(statement)
        state = "on"
        for line, directive in self._isort_lines:
            if line > last:
                break
            if first <= line and directive in ("skip", "split"):
                return True  # a trailing `# isort: split` pins its import, so the split point cannot move
            if directive in ("off", "on"):
                state = directive
        return state == "off"

    def _flush(self, run: List[cst.SimpleStatementLine], result: List[Statement]) -> bool:
        if len(run) == 1 and not self.options.split_multiple:
            result.append(run[0])
            return False
        segments, removed = self._segments(self._entries(run))
        changed = removed
        for segment in segments:
            if isinstance(segment, _Entry):
                result.append(segment.statement)
                changed = changed or segment.statement is not segment.origin
            else:
                changed = self._arrange(segment, result) or changed
        return changed

    def _entries(self, run: List[cst.SimpleStatementLine]) -> Iterator[_Entry]:
        force_sort = self.options.force_sort_within_sections
        for statement in run:
            node = statement.body[0]
            if self.options.split_multiple and isinstance(node, cst.Import) and len(node.names) > 1:
                self.report(statement, f"split {_quote(_describe(statement, self._classifier, force_sort)[2])}")
                parts = self._split(statement)
            else:
                parts = [statement]
            for part in parts:
                group, key, text, bindings = _describe(part, self._classifier, force_sort)
                yield _Entry(part, statement, group, key, text, bindings)

    @staticmethod
    def _split(statement: cst.SimpleStatementLine) -> List[cst.SimpleStatementLine]:
        node = statement.body[0]
        assert isinstance(node, cst.Import)
        parts = []
        for index, alias in enumerate(node.names):
            single = node.with_changes(names=[alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)])
            if index == 0:
                parts.append(statement.with_changes(body=[single]))
            else:
                parts.append(
                    statement.with_changes(
                        body=[single], leading_lines=(), trailing_whitespace=cst.TrailingWhitespace()
                    )
                )
        return parts

    def _segments(self, entries: Iterator[_Entry]) -> Tuple[List[Union[List[_Entry], _Entry]], bool]:
        """Split a run where nothing may move across; drop exact duplicates.

        An own-line isort directive starts a new segment; an import that rebinds a name bound earlier in the
        segment stays where it is (a lone _Entry), so the segments, and the result, are the same on a second run.
        Returns the segments and whether a duplicate was dropped."""
        segments: List[Union[List[_Entry], _Entry]] = []
        removed = False
        segment: List[_Entry] = []
        bound: Dict[str, str] = {}
        texts: Dict[str, _Entry] = {}
        for entry in entries:
            starts_segment = any(_is_directive(line) for line in entry.statement.leading_lines)
            if not starts_segment and entry.text in texts and not _has_comments(entry.statement):
                self.report(entry.origin, f"removed duplicate {_quote(entry.text)}")
                removed = True
                continue
            rebinds = any(bound.get(name, value) != value for name, value in entry.bindings)
            if segment and (starts_segment or rebinds):
                segments.append(segment)
                segment, bound, texts = [], {}, {}
            if rebinds:
                segments.append(entry)
                continue
            segment.append(entry)
            bound.update(entry.bindings)
            texts.setdefault(entry.text, entry)
        if segment:
            segments.append(segment)
        return segments, removed

    def _arrange(self, segment: List[_Entry], result: List[Statement]) -> bool:
        """Append the segment's statements in order to `result`; True when anything differs from the input."""
        header, first_attached = _split_first(segment[0].statement.leading_lines)
        attached: Dict[int, Tuple[cst.EmptyLine, ...]] = {id(segment[0]): first_attached}
        blanks: Dict[int, Tuple[cst.EmptyLine, ...]] = {id(segment[0]): ()}
        for entry in segment[1:]:
            blanks[id(entry)], attached[id(entry)] = _split_middle(entry.statement.leading_lines)
        ordered = sorted(segment, key=lambda entry: (entry.group, entry.key))
        changed = any(entry.statement is not entry.origin for entry in segment)
        moved = next((index for index, entry in enumerate(ordered) if entry is not segment[index]), None)
        if moved is not None:
            self.report(
                ordered[moved].origin, f"{_quote(ordered[moved].text)} belongs before {_quote(segment[moved].text)}"
            )
            changed = True
        previous: Optional[_Entry] = None
        for entry in ordered:
            if previous is None:
                leading = header + attached[id(entry)]
            else:
                wanted = 0 if previous.group == entry.group else 1
                leading = _blank_lines(blanks[id(entry)], wanted) + attached[id(entry)]
            statement = entry.statement
            if tuple(statement.leading_lines) != leading:
                if moved is None:
                    self.report(entry.origin, SPACING_MESSAGES[bool(leading)])
                statement = statement.with_changes(leading_lines=leading)
                changed = True
            result.append(statement)
            previous = entry
        return changed
