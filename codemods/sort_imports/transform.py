"""Codemod `sort-imports`: `from __future__`, stdlib, third-party and local imports, one blank line between groups.

Each run of consecutive import statements in a statement container (the module, or the body of a def, class,
if, try, with, for, while or match case) is sorted on its own. Statements are moved, never rewritten: names are
not reordered, nothing is merged or re-wrapped. Only statement containers are walked (stylefix/cst_walk.py), so
expressions are never visited. The order itself is ordering.py's, the documentation docs.py's.
"""
from dataclasses import dataclass
import logging
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union, cast

import libcst as cst

from stylefix.codemod import StylefixCodemod
from stylefix.codemods.sort_imports import docs
from stylefix.codemods.sort_imports.ordering import Classifier, classifier_for, from_text, import_text, quote, sort_key
from stylefix.context import FileContext
from stylefix.cst_walk import dotted_name, map_suites
from stylefix.directives import ISORT_RE

logger = logging.getLogger(__name__)

# The bodies of a compound statement and its clauses in the order they are sorted, and so the order changes are
# reported in: `body`, `orelse` (else/elif), `finalbody` (finally), `handlers` (except), `cases` (match).
CLAUSE_ORDER: Tuple[str, ...] = ("body", "orelse", "finalbody", "handlers", "cases")
SPACING_MESSAGES: Tuple[str, str] = ("no blank line inside an import group", "one blank line between import groups")

Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]


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


def _checked(name: Optional[str], node: cst.CSTNode) -> str:
    """The dotted name of an import's module or alias, which the grammar guarantees; an error if not."""
    if name is None:
        raise ValueError(f"not a dotted name: {type(node).__name__}")
    return name


def _alias_parts(alias: cst.ImportAlias) -> Tuple[str, Optional[str]]:
    asname = alias.asname
    name = _checked(dotted_name(alias.name), alias.name)
    return name, (_checked(dotted_name(asname.name), asname.name) if asname is not None else None)


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
    module = _checked(dotted_name(node.module), node.module) if node.module is not None else ""
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
    DOC = docs.DOC
    EXAMPLES = docs.EXAMPLES

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
                updated = map_suites(statement, self._sort_suite, CLAUSE_ORDER)
                changed = changed or updated is not statement
                statement = cast(Statement, updated)
            result.append(statement)
        if run:
            changed = self._flush(run, result) or changed
        return result if changed else None

    def _sort_suite(self, suite: cst.BaseSuite, clause: cst.CSTNode) -> cst.BaseSuite:
        # A one-line body (`if x: import a`) holds no statement lines of its own: nothing to sort.
        if not isinstance(suite, cst.IndentedBlock):
            return suite
        body = self._sort_statements(cast(Sequence[Statement], suite.body))
        return suite if body is None else suite.with_changes(body=body)

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
