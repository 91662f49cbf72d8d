"""How an `assert actual == expected` is swapped: the Swap record both kinds of statement share, and the assert's."""
from dataclasses import dataclass
import functools
from typing import Callable, Optional, Sequence, Tuple, Union, cast

import libcst as cst

from stylefix.codemods.assert_order.rules import EMPTY_MODULE, short_code, should_swap, swappable_codes


def swap_line_ends(
    after_first: cst.BaseParenthesizableWhitespace, after_second: cst.BaseParenthesizableWhitespace
) -> Tuple[cst.BaseParenthesizableWhitespace, cst.BaseParenthesizableWhitespace]:
    """When both operands end their lines, the rest of each line (its comment) travels with its operand."""
    if not (
        isinstance(after_first, cst.ParenthesizedWhitespace) and isinstance(after_second, cst.ParenthesizedWhitespace)
    ):
        return after_first, after_second
    if after_first.first_line.comment is None and after_second.first_line.comment is None:
        return after_first, after_second
    return (
        after_first.with_changes(first_line=after_second.first_line),
        after_second.with_changes(first_line=after_first.first_line),
    )



def _starts_with_word(code: str) -> bool:
    return bool(code) and (code[0].isalnum() or code[0] == "_")


@dataclass(frozen=True)
class Swap:
    """One statement whose compared values trade places."""

    statement: cst.BaseSmallStatement
    # The operand that goes first once swapped (the expected value) and the one that goes second, with their code.
    expected: cst.BaseExpression
    actual: cst.BaseExpression
    expected_code: str
    actual_code: str
    # Builds the swapped statement from the two operands, given first and second (re-aligned copies may be given).
    build: Callable[[cst.BaseExpression, cst.BaseExpression], cst.BaseSmallStatement]
    message: str

    @property
    def reported(self) -> cst.CSTNode:
        """The node a change is reported on: the assert's comparison, or the call of an expression statement."""
        if isinstance(self.statement, cst.Assert):
            return self.statement.test
        return self.statement.value if isinstance(self.statement, cst.Expr) else self.statement


def build_swapped_assert(node: cst.Assert, first: cst.BaseExpression, second: cst.BaseExpression) -> cst.Assert:
    """The assert with `first` on the left and `second` on the right; the end of each operand's line goes along."""
    test = cast(cst.Comparison, node.test)
    target = test.comparisons[0]
    operator = cast(Union[cst.Equal, cst.NotEqual], target.operator)
    new_rpar: Sequence[cst.RightParen]
    if test.rpar:
        after_first, after_second = swap_line_ends(operator.whitespace_before, test.rpar[0].whitespace_before)
        new_rpar = [test.rpar[0].with_changes(whitespace_before=after_second), *test.rpar[1:]]
    else:
        after_first, new_rpar = operator.whitespace_before, test.rpar
    new_target = target.with_changes(operator=operator.with_changes(whitespace_before=after_first), comparator=second)
    new_test = test.with_changes(left=first, comparisons=[new_target], rpar=new_rpar)
    whitespace = node.whitespace_after_assert
    # `assert(x) == 3` has no space after the keyword; `assert3 == (x)` would not parse.
    no_space = isinstance(whitespace, cst.SimpleWhitespace) and not whitespace.value
    if no_space and not test.lpar and _starts_with_word(EMPTY_MODULE.code_for_node(first)):
        whitespace = cst.SimpleWhitespace(" ")
    return node.with_changes(test=new_test, whitespace_after_assert=whitespace)


def swap_assert(node: cst.Assert) -> Optional[Swap]:
    """How an `assert actual == expected` is swapped, or None when it stays."""
    test = node.test
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    operator = test.comparisons[0].operator
    if not isinstance(operator, (cst.Equal, cst.NotEqual)):
        return None
    left, right = test.left, test.comparisons[0].comparator
    codes = swappable_codes(left, right) if should_swap(left, right) else None
    if codes is None:
        return None
    left_code, right_code = short_code(left, codes[0]), short_code(right, codes[1])
    symbol = "==" if isinstance(operator, cst.Equal) else "!="
    message = f"assert {left_code} {symbol} {right_code} -> assert {right_code} {symbol} {left_code}"
    return Swap(node, right, left, codes[1], codes[0], functools.partial(build_swapped_assert, node), message)

