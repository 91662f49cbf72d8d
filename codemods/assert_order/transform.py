"""Codemod `assert-order`: the expected value goes first in equality asserts, `assert expected == actual`.

The command walks statement bodies only (asserts and unittest calls are statements); the rules are in rules.py,
the swaps in swaps.py and unittest_calls.py, the re-alignment of continuation lines in alignment.py.
"""
import logging
from typing import List, Optional, Sequence, Tuple, TypeVar, cast

import libcst as cst

from stylefix.codemod import CodemodContext, StylefixCodemod
from stylefix.codemods.assert_order import docs
from stylefix.codemods.assert_order.alignment import realigned
from stylefix.codemods.assert_order.rules import is_multi_line
from stylefix.codemods.assert_order.swaps import Swap, swap_assert
from stylefix.codemods.assert_order.unittest_calls import swap_unittest_call
from stylefix.context import FileContext
from stylefix.cst_walk import map_block, map_suites

logger = logging.getLogger(__name__)

LineT = TypeVar("LineT", cst.SimpleStatementLine, cst.SimpleStatementSuite)
# The bodies of a compound statement and its clauses in the order they are fixed, and so the order changes are
# reported in: `body`, `orelse` (else/elif), `handlers` (except), `finalbody` (finally), `cases` (match).
CLAUSE_ORDER = ("body", "orelse", "handlers", "finalbody", "cases")


class AssertOrder(StylefixCodemod):
    NAME = "assert-order"
    DOC = docs.DOC
    EXAMPLES = docs.EXAMPLES

    def __init__(self, context: CodemodContext, file: FileContext) -> None:
        super().__init__(context, file)
        # Whether any `# stylefix: skip` in the file names this codemod; set per run, before the walk.
        self._has_skips = False

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        # A direct walk over statement bodies: asserts are statements, so nothing else needs visiting.
        self._has_skips = self.file.directives.has_line_skips(self.NAME)
        body = self._fix_statements(tree.body)
        return tree if body is None else tree.with_changes(body=body)

    def _fix_statements(self, statements: Sequence[cst.BaseStatement]) -> Optional[List[cst.BaseStatement]]:
        """The statements with their asserts fixed, or None when none changed."""
        return map_block(statements, self._fix_statement)

    def _fix_statement(self, statement: cst.BaseStatement) -> cst.BaseStatement:
        if isinstance(statement, cst.SimpleStatementLine):
            return self._fix_line(statement, self._has_skips and self.is_skipped(statement))
        return cast(cst.BaseStatement, map_suites(statement, self._fix_suite, CLAUSE_ORDER))

    def _fix_suite(self, suite: cst.BaseSuite, clause: cst.CSTNode) -> cst.BaseSuite:
        if isinstance(suite, cst.SimpleStatementSuite):
            return self._fix_line(suite, self._suite_skipped(suite, clause))
        body = self._fix_statements(cast(cst.IndentedBlock, suite).body)
        return suite if body is None else suite.with_changes(body=body)

    def _fix_line(self, line: LineT, skipped: bool) -> LineT:
        """A statement line (or one-line body) with its asserts and, if enabled, unittest calls fixed."""
        if skipped:
            return line
        body: Optional[List[cst.BaseSmallStatement]] = None
        for index, statement in enumerate(line.body):
            swap = self._swap(statement)
            if swap is None:
                continue
            first, second = swap.expected, swap.actual
            # One-line bodies share their line with a header: their rare continuation lines stay as they are.
            if isinstance(line, cst.SimpleStatementLine) and is_multi_line(swap.expected_code + swap.actual_code):
                first, second = self._realigned(line, index, swap)
            if body is None:
                body = list(line.body)
            body[index] = swap.build(first, second)
            self.report(swap.reported, swap.message)
        return line if body is None else line.with_changes(body=body)

    def _swap(self, statement: cst.BaseSmallStatement) -> Optional[Swap]:
        if isinstance(statement, cst.Assert):
            return swap_assert(statement)
        # unittest assertions are calls made for their effect: only whole expression statements count.
        if self.options.unittest and isinstance(statement, cst.Expr):
            return swap_unittest_call(statement)
        return None

    def _realigned(
        self, line: cst.SimpleStatementLine, index: int, swap: Swap
    ) -> Tuple[cst.BaseExpression, cst.BaseExpression]:
        """The two operands, with continuation lines aligned inside a multi-line one moved to its new column."""
        position = self._position(line)
        if position is None:
            return swap.expected, swap.actual
        return realigned(line, index, swap, position.start.column)

    def _suite_skipped(self, suite: cst.SimpleStatementSuite, clause: cst.CSTNode) -> bool:
        """A one-line body shares its clause's header: a skip on any line from the clause's first counts."""
        if not self._has_skips:
            return False
        directives = self.file.directives
        position = self._position(suite)
        last = position.end.line if position is not None else 0
        first = self.lines_of(clause)[0]
        return any(directives.skips_line(line, self.NAME) for line in range(first, last + 1))
