"""How a `self.assertEqual(actual, expected)` statement and its relatives are swapped (option `unittest`)."""
import functools
from typing import Dict, Optional, Sequence, Tuple, cast

import libcst as cst

from stylefix.codemods.assert_order.rules import short_code, should_swap, swappable_codes
from stylefix.codemods.assert_order.swaps import Swap, swap_line_ends

# unittest methods whose first two parameters are the compared values, with those parameters' keyword names.
UNITTEST_METHODS: Dict[str, Tuple[str, str]] = {
    "assertEqual": ("first", "second"),
    "assertNotEqual": ("first", "second"),
    "assertAlmostEqual": ("first", "second"),
    "assertNotAlmostEqual": ("first", "second"),
    "assertCountEqual": ("first", "second"),
    "assertMultiLineEqual": ("first", "second"),
    "assertDictEqual": ("d1", "d2"),
    "assertListEqual": ("list1", "list2"),
    "assertTupleEqual": ("tuple1", "tuple2"),
    "assertSetEqual": ("set1", "set2"),
    "assertSequenceEqual": ("seq1", "seq2"),
    # Deprecated aliases (removed in Python 3.12), still common in older suites.
    "assertEquals": ("first", "second"),
    "assertNotEquals": ("first", "second"),
    "assertAlmostEquals": ("first", "second"),
    "assertNotAlmostEquals": ("first", "second"),
}


def _arg_index(args: Sequence[cst.Arg], position: int, keyword: str) -> Optional[int]:
    if position < len(args) and args[position].keyword is None:
        return position
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            return index
    return None


def _line_end(arg: cst.Arg) -> cst.BaseParenthesizableWhitespace:
    return arg.comma.whitespace_after if isinstance(arg.comma, cst.Comma) else arg.whitespace_after_arg


def _with_line_end(arg: cst.Arg, whitespace: cst.BaseParenthesizableWhitespace) -> cst.Arg:
    if isinstance(arg.comma, cst.Comma):
        return arg.with_changes(comma=arg.comma.with_changes(whitespace_after=whitespace))
    return arg.with_changes(whitespace_after_arg=whitespace)


def _compared_text(
    call: cst.Call, indexes: Tuple[int, int], values: Tuple[Tuple[cst.BaseExpression, str], ...]
) -> str:
    """The two compared arguments for a message, in the order they are written, with their keywords."""
    parts: Dict[int, str] = {}
    for index, (value, code) in zip(indexes, values):
        keyword = call.args[index].keyword
        parts[index] = (f"{keyword.value}=" if keyword is not None else "") + short_code(value, code)
    return ", ".join(parts[index] for index in sorted(parts))


def build_swapped_call(
    statement: cst.Expr, indexes: Tuple[int, int], first: cst.BaseExpression, second: cst.BaseExpression
) -> cst.Expr:
    """The call with `first` as its first compared argument and `second` as its second, keywords kept in place."""
    call = cast(cst.Call, statement.value)
    args = list(call.args)
    first_arg, second_arg = args[indexes[0]], args[indexes[1]]
    end_first, end_second = swap_line_ends(_line_end(first_arg), _line_end(second_arg))
    args[indexes[0]] = _with_line_end(first_arg.with_changes(value=first), end_first)
    args[indexes[1]] = _with_line_end(second_arg.with_changes(value=second), end_second)
    return statement.with_changes(value=call.with_changes(args=args))


def swap_unittest_call(statement: cst.Expr) -> Optional[Swap]:
    """How a `self.assertEqual(actual, expected, ...)` statement is swapped, or None when it stays."""
    call = statement.value
    if not isinstance(call, cst.Call):
        return None
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "self"):
        return None
    keywords = UNITTEST_METHODS.get(func.attr.value)
    if keywords is None or any(arg.star for arg in call.args):
        return None
    first_index = _arg_index(call.args, 0, keywords[0])
    second_index = _arg_index(call.args, 1, keywords[1])
    if first_index is None or second_index is None:
        return None
    actual, expected = call.args[first_index].value, call.args[second_index].value
    codes = swappable_codes(actual, expected) if should_swap(actual, expected) else None
    if codes is None:
        return None
    actual_code, expected_code = codes
    indexes = (first_index, second_index)
    before = _compared_text(call, indexes, ((actual, actual_code), (expected, expected_code)))
    after = _compared_text(call, indexes, ((expected, expected_code), (actual, actual_code)))
    rest = ", ..." if len(call.args) > 2 else ""
    name = f"self.{func.attr.value}"
    message = f"{name}({before}{rest}) -> {name}({after}{rest})"
    build = functools.partial(build_swapped_call, statement, (first_index, second_index))
    return Swap(statement, expected, actual, expected_code, actual_code, build, message)

