"""Continuation lines aligned inside a multi-line operand (visual indentation), moved along with it."""
from typing import Optional, Tuple, cast

import libcst as cst

from stylefix.codemods.assert_order.rules import EMPTY_MODULE, is_multi_line
from stylefix.codemods.assert_order.swaps import Swap

# Stands in for an operand while measuring where it starts; a name no real code uses.
MARKER = "__stylefix_assert_order_operand__"


class _ContinuationShifter(cst.CSTTransformer):
    """Moves the continuation lines of an operand that start at or right of its first column by `delta`."""

    def __init__(self, delta: int, first_column: int) -> None:
        super().__init__()
        self.delta = delta
        self.first_column = first_column

    def _shifted(self, whitespace: cst.SimpleWhitespace) -> cst.SimpleWhitespace:
        width = len(whitespace.value)
        # From the operand's first column on: aligned with it or something inside it (visual indentation).
        # Anything left of it is a hanging indent, relative to the statement, and stays.
        if width < self.first_column:
            return whitespace
        return cst.SimpleWhitespace(" " * max(width + self.delta, 0))

    def leave_ParenthesizedWhitespace(
        self, original_node: cst.ParenthesizedWhitespace, updated_node: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        return updated_node.with_changes(last_line=self._shifted(updated_node.last_line))

    def leave_EmptyLine(self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine) -> cst.EmptyLine:
        return updated_node.with_changes(whitespace=self._shifted(updated_node.whitespace))


class _IndentationCheck(cst.CSTVisitor):
    """Whether every line break inside a node has indentation relative to its block: spaces only, no line less
    indented than the block; and whether it has backslash continuations."""

    def __init__(self) -> None:
        super().__init__()
        self.relative = True
        self.backslash = False

    def visit_ParenthesizedWhitespace(self, node: cst.ParenthesizedWhitespace) -> None:
        if not node.indent or "\t" in node.last_line.value:
            self.relative = False

    def visit_EmptyLine(self, node: cst.EmptyLine) -> None:
        if not node.indent or "\t" in node.whitespace.value:
            self.relative = False

    def visit_SimpleWhitespace(self, node: cst.SimpleWhitespace) -> None:
        if "\\" in node.value:
            self.backslash = True
            if "\t" in node.value:
                self.relative = False


def indentation_of(node: cst.CSTNode) -> _IndentationCheck:
    check = _IndentationCheck()
    node.visit(check)
    return check


def column_of(
    line: cst.SimpleStatementLine,
    index: int,
    statement: cst.BaseSmallStatement,
    target: cst.CSTNode,
    block_column: int,
) -> Optional[int]:
    """Where `target` (with its parentheses) starts, relative to the line's block, once `statement` is put at
    `index` of `line`; None if `target` is not a node of `statement` itself (a copy is not found)."""
    body = list(line.body)
    body[index] = statement.deep_replace(target, cast(cst.BaseSmallStatement, cst.Name(MARKER)))
    code = EMPTY_MODULE.code_for_node(line.with_changes(leading_lines=(), body=body))
    found = code.find(MARKER)
    if found < 0:
        return None
    line_start = max(code.rfind("\n", 0, found), code.rfind("\r", 0, found)) + 1
    column = found - line_start
    # After a backslash continuation the indentation is written out in full, not relative to the block
    # (a comment may end in a backslash too: that line break is an ordinary one).
    previous_line = code[:line_start].rstrip("\r\n")
    previous_line = previous_line[max(previous_line.rfind("\n"), previous_line.rfind("\r")) + 1 :]
    if previous_line.endswith("\\") and "#" not in previous_line:
        column -= block_column
    return column



def realigned(
    line: cst.SimpleStatementLine, index: int, swap: Swap, block_column: int
) -> Tuple[cst.BaseExpression, cst.BaseExpression]:
    """The two operands of `swap` (statement `index` of `line`, in a block indented by `block_column`), with
    continuation lines aligned inside a multi-line one moved to its new column."""
    first, second = swap.expected, swap.actual
    if not indentation_of(swap.statement).relative:
        return first, second
    if is_multi_line(swap.expected_code) and not indentation_of(first).backslash:
        first = _moved(line, index, swap, first, second, first, block_column)
    if is_multi_line(swap.actual_code) and not indentation_of(second).backslash:
        second = _moved(line, index, swap, first, second, second, block_column)
    return first, second


def _moved(
    line: cst.SimpleStatementLine,
    index: int,
    swap: Swap,
    first: cst.BaseExpression,
    second: cst.BaseExpression,
    operand: cst.BaseExpression,
    block_column: int,
) -> cst.BaseExpression:
    """`operand` (first or second) with the continuation lines aligned inside it moved to its new column."""
    old_column = column_of(line, index, swap.statement, operand, block_column)
    new_column = column_of(line, index, swap.build(first, second), operand, block_column)
    if old_column is None or new_column is None or old_column == new_column:
        return operand
    return cast(cst.BaseExpression, operand.visit(_ContinuationShifter(new_column - old_column, old_column)))
