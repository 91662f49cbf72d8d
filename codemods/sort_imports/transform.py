"""Codemod `sort-imports`: `from __future__`, stdlib, third-party and local imports, one blank line between groups.

Each run of consecutive import statements in a statement container (the module, or the body of a def, class,
if, try, with, for, while or match case) is sorted on its own. Statements are moved, never rewritten: names are
not reordered, nothing is merged or re-wrapped. The tree is walked by hand over statement containers only, so
expressions are never visited.
"""
from dataclasses import dataclass
import logging
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union, cast

import libcst as cst

from stylefix.codemod import StylefixCodemod
from stylefix.codemods.sort_imports import precheck as sort_imports_precheck
from stylefix.codemods.sort_imports.precheck import Classifier, classifier_for, from_text, import_text, quote, sort_key
from stylefix.context import FileContext
from stylefix.contract import Example
from stylefix.directives import ISORT_RE

logger = logging.getLogger(__name__)

# Statement-owning fields of compound statements and their clauses (else, except, finally, match case).
SUITE_FIELDS: Tuple[str, ...] = ("body", "orelse", "finalbody")
SUITE_SEQUENCE_FIELDS: Tuple[str, ...] = ("handlers", "cases")
SPACING_MESSAGES: Tuple[str, str] = ("no blank line inside an import group", "one blank line between import groups")

Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]


# ---------------------------------------------------------------------------------------------------------------
# The tree side.


@dataclass
class _Entry:
    """One import statement of a run, with what sorting needs to know about it."""

    statement: cst.SimpleStatementLine
    origin: cst.SimpleStatementLine  # the statement of the original tree, for reports
    group: int
    key: Tuple[Any, ...]
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
) -> Tuple[int, Tuple[Any, ...], str, Tuple[Tuple[str, str], ...]]:
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
    4. local: relative imports, the file's own top-level package, any module or package of a source root
       (the project root, src/, the directories of the `src` key, and directories the project's own imports
       show to be roots: `import commands.cluster_create` resolving to manage_arkime/commands/ makes
       manage_arkime/ one), and the modules of the file's own directory (on sys.path when it runs as a
       script or a pytest test). A bare directory of tests (tests/redis/) or a script (scripts/yaml.py) does
       not make `redis` or `yaml` local elsewhere. A directory with its own pyproject.toml is a project of
       its own, classified against its own root.
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
  the comments before the first statement of a file (shebang, encoding cookie, license header). A comment
  set apart by a blank line inside the block keeps that blank line and moves with it and its import.

Barriers (nothing moves across them)
  Any statement that is not an import (e.g. `sys.path.insert(...)`), a line holding several statements
  (`import a; import b`), a star import, an import that rebinds a name bound earlier in the run, and pinned
  imports (see Directives).

Options ([tool.stylefix.sort-imports])
  known-first-party, known-third-party, extra-standard-library: lists of (dotted) module names filed in that
    group; they win over the standard library and project detection (`known-first-party` and
    `known-third-party` may also be given at the top level of [tool.stylefix]). extra-standard-library
    defaults to ["pytest"], the style guide author's placement; [] restores the strict grouping.
  src (top level of [tool.stylefix]): more source roots, relative to the project root.
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
            "pytest filed with the standard library by default, as the style guide's author does",
            "import pytest\n\nimport os\n",
            "import os\nimport pytest\n",
        ),
    )

    @classmethod
    def precheck(cls, source: bytes, file: FileContext) -> bool:
        return sort_imports_precheck.precheck(source, file)

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
                run.append(cast(cst.SimpleStatementLine, statement))
                continue
            if run:
                changed = self._flush(run, result) or changed
                run = []
            if isinstance(statement, cst.BaseCompoundStatement):
                updated = self._descend(statement)
                changed = changed or updated is not statement
                statement = cast(Statement, updated)
            result.append(statement)
        if run:
            changed = self._flush(run, result) or changed
        return result if changed else None

    def _descend(self, node: cst.CSTNode) -> cst.CSTNode:
        updates: Dict[str, Any] = {}
        for field_name in SUITE_FIELDS:
            child = getattr(node, field_name, None)
            if isinstance(child, cst.IndentedBlock):
                body = self._sort_statements(cast(Sequence[Statement], child.body))
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
        if self._isort_lines and self._isort_pinned(cast(cst.SimpleStatementLine, statement)):
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
                self.report(statement, f"split {quote(_describe(statement, self._classifier, force_sort)[2])}")
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
                self.report(entry.origin, f"removed duplicate {quote(entry.text)}")
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
                ordered[moved].origin, f"{quote(ordered[moved].text)} belongs before {quote(segment[moved].text)}"
            )
            changed = True
        previous: Optional[_Entry] = None
        for entry in ordered:
            if previous is None:
                leading = header + attached[id(entry)]
            else:
                # A comment set apart by a blank line heads a block of its own inside the group (the author's
                # visual separator): it keeps one blank line above it wherever its import goes.
                separated = bool(blanks[id(entry)]) and bool(attached[id(entry)])
                wanted = 0 if previous.group == entry.group and not separated else 1
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
