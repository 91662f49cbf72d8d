"""Codemod `assert-order`: the expected value goes first in equality asserts, `assert expected == actual`."""
from dataclasses import dataclass
import functools
import logging
import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple, TypeVar, Union, cast

import libcst as cst

from stylefix.codemod import CodemodContext, StylefixCodemod
from stylefix.codemods.assert_order import precheck as assert_order_precheck
from stylefix.context import FileContext
from stylefix.contract import Example

logger = logging.getLogger(__name__)

LineT = TypeVar("LineT", cst.SimpleStatementLine, cst.SimpleStatementSuite)

# An operand longer than this is cut in change messages; they are meant to be read in a one-line report.
MAX_OPERAND_CHARS = 40
ELLIPSIS_MARK = "..."
EXPECTED_PREFIXES: Tuple[str, ...] = ("expected", "exp_", "want")
ACTUAL_PREFIXES: Tuple[str, ...] = ("actual", "result")
# Two characters at least: single capitals (`X`, `N`) are as often test variables as constants.
UPPER_CASE_RE = re.compile(r"_*[A-Z][A-Z0-9_]*[A-Z0-9][A-Z0-9_]*")
CONSTANT_NAMES = frozenset({"None", "True", "False"})
LITERAL_TYPES = (
    cst.Integer,
    cst.Float,
    cst.Imaginary,
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.Ellipsis,
)
CONTAINER_TYPES = (cst.List, cst.Tuple, cst.Set, cst.Dict)
# The callables (dotted, as written) whose result compares as an expected value.
MOCK_CALL_ROOTS = frozenset({"call", "mock.call", "unittest.mock.call"})
APPROX_CALLS = frozenset({"approx", "pytest.approx"})
SENTINEL_ROOTS = frozenset({"sentinel", "mock.sentinel", "unittest.mock.sentinel"})
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
# Where statements live inside a compound statement or clause: `body`, `orelse` (else/elif), `handlers`
# (except), `finalbody` (finally), `cases` (match). Headers, decorators and expressions are never walked.
CLAUSE_FIELDS: Tuple[str, ...] = ("body", "orelse", "handlers", "finalbody", "cases")
EMPTY_MODULE = cst.Module(body=[])
# Stands in for an operand while measuring where it starts; a name no real code uses.
MARKER = "__stylefix_assert_order_operand__"

DOC = """
Rules (the guide's "Assertion Style": expected value first, actual value second):
- `assert A == B` and `assert A != B` become `assert B == A` / `assert B != A` when B is expected-like and A is
  not. Only the two operands trade places; the message, parentheses, line breaks and comments stay. When both
  operands end their own lines inside parentheses, each takes the comment at the end of its line along.
- Expected-like: literals (numbers, also negative, strings, bytes, f-strings, None, True, False, ...),
  list/tuple/set/dict displays whose elements are all expected-like (not comprehensions), names starting with
  `expected`, `exp_` or `want`, UPPER_CASE names (two characters or more) and attributes whose last part is
  UPPER_CASE (`Color.RED`, `mock.ANY`), `call(...)` / `mock.call(...)` (also `call.method(...)`),
  `pytest.approx(...)` / `approx(...)`, `sentinel.x` / `mock.sentinel.x`, and unary or binary operations on
  expected-like operands.
- Also flipped: `assert actual_x == other` / `assert result == other` where neither side is expected-like, the
  left side is a name starting with `actual` or `result` and the right side is another plain name.
- Left alone: both sides expected-like or both actual-like, chained comparisons (`a == b == c`), `is`, `in`,
  `<` and other operators, comparisons that are not the whole test of the assert (`assert not a == b`,
  `assert a == b and c`), and operands that contain `:=` (swapping would change what is evaluated first).
- unittest (option `unittest = true`): `self.assertEqual(actual, expected)` and its relatives (assertNotEqual,
  assertAlmostEqual, assertNotAlmostEqual, assertCountEqual, assertMultiLineEqual, assertDictEqual,
  assertListEqual, assertTupleEqual, assertSetEqual, assertSequenceEqual, and the deprecated `...Equals`
  aliases) get their first two arguments swapped by the same rule, given by position or by keyword (`first=`,
  `second=`, `d1=`, ...); `msg`, `places`, `delta` are untouched. Only calls that are a whole statement count
  (not calls nested in other expressions), and only on `self`.

Options ([tool.stylefix.assert-order]):
- scope = "tests" (default: only test files, see `test-files`) or "all" (every file).
- unittest = false (default) or true: also reorder `self.assertEqual(...)` and its relatives.

Directives: `# stylefix: skip` or `# stylefix: skip[assert-order]` at the end of any line of an assert
leaves that assert as it is.
"""

EXAMPLES: Tuple[Example, ...] = (
    Example(
        title="literal and expected_ name move to the left",
        before=(
            "def test_total():\n"
            "    result = total([1, 2])\n"
            "    assert result == 3\n"
            '    assert label(result) != "four"\n'
            "    assert response.json() == expected_body, response.text\n"
        ),
        after=(
            "def test_total():\n"
            "    result = total([1, 2])\n"
            "    assert 3 == result\n"
            '    assert "four" != label(result)\n'
            "    assert expected_body == response.json(), response.text\n"
        ),
        path="test_total.py",
    ),
    Example(
        title="mock calls, constants and the comment of each operand",
        before=(
            "def test_deploy(mock_client):\n"
            "    assert (\n"
            "        mock_client.deploy.call_args_list  # one per stack\n"
            '        == [mock.call("a"), mock.call("b")]\n'
            "    )\n"
            "    assert status == BucketStatus.EXISTS\n"
        ),
        after=(
            "def test_deploy(mock_client):\n"
            "    assert (\n"
            '        [mock.call("a"), mock.call("b")]\n'
            "        == mock_client.deploy.call_args_list  # one per stack\n"
            "    )\n"
            "    assert BucketStatus.EXISTS == status\n"
        ),
        path="test_deploy.py",
    ),
    Example(
        title="left alone: both sides actual-like, chained, other operators, not the whole test",
        before=(
            "def test_same():\n"
            "    assert left == right\n"
            "    assert a == b == 3\n"
            "    assert value is None\n"
            "    assert not result == 3\n"
        ),
        after=(
            "def test_same():\n"
            "    assert left == right\n"
            "    assert a == b == 3\n"
            "    assert value is None\n"
            "    assert not result == 3\n"
        ),
        path="test_same.py",
    ),
    Example(
        title="unittest calls, with `unittest = true`",
        before=(
            "class TestTotal(unittest.TestCase):\n"
            "    def test_total(self):\n"
            '        self.assertEqual(total([1, 2]), 3, "sum")\n'
            "        self.assertDictEqual(d1=config, d2=EXPECTED_CONFIG)\n"
        ),
        after=(
            "class TestTotal(unittest.TestCase):\n"
            "    def test_total(self):\n"
            '        self.assertEqual(3, total([1, 2]), "sum")\n'
            "        self.assertDictEqual(d1=EXPECTED_CONFIG, d2=config)\n"
        ),
        path="test_total.py",
        options={"unittest": True},
    ),
)


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a chain of plain names and attributes, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def is_upper_case(name: str) -> bool:
    return UPPER_CASE_RE.fullmatch(name) is not None


def is_mock_call(func: cst.BaseExpression) -> bool:
    """`call`, `mock.call`, and chains built on them: `call.method`, `mock.call(1).method`."""
    node: cst.BaseExpression = func
    while True:
        name = dotted_name(node)
        if name is not None and name in MOCK_CALL_ROOTS:
            return True
        if isinstance(node, cst.Attribute):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        else:
            return False


def is_expected_name(name: str) -> bool:
    return name in CONSTANT_NAMES or name.startswith(EXPECTED_PREFIXES) or is_upper_case(name)


def _elements_expected(elements: Sequence[Union[cst.BaseElement, cst.BaseDictElement]]) -> bool:
    for element in elements:
        if isinstance(element, cst.DictElement):
            if not (is_expected_like(element.key) and is_expected_like(element.value)):
                return False
        elif not is_expected_like(element.value):
            return False
    return True


def is_expected_like(node: cst.BaseExpression) -> bool:
    """Whether an operand reads as the expected value of a comparison (see DOC for the kinds)."""
    if isinstance(node, LITERAL_TYPES):
        return True
    if isinstance(node, cst.Name):
        return is_expected_name(node.value)
    if isinstance(node, cst.Attribute):
        if is_upper_case(node.attr.value):
            return True
        return dotted_name(node.value) in SENTINEL_ROOTS
    if isinstance(node, cst.Call):
        return is_mock_call(node.func) or dotted_name(node.func) in APPROX_CALLS
    if isinstance(node, CONTAINER_TYPES):
        return _elements_expected(node.elements)
    if isinstance(node, cst.UnaryOperation):
        return is_expected_like(node.expression)
    if isinstance(node, cst.BinaryOperation):
        return is_expected_like(node.left) and is_expected_like(node.right)
    return False


def is_plain_actual_name(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value.startswith(ACTUAL_PREFIXES)


def contains_walrus(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.NamedExpr):
        return True
    return any(contains_walrus(child) for child in node.children)


def should_swap(first: cst.BaseExpression, second: cst.BaseExpression) -> bool:
    """Whether `first == second` has its expected value on the wrong side."""
    first_expected = is_expected_like(first)
    second_expected = is_expected_like(second)
    if first_expected:
        return False
    # Neither side looks expected: only `actual_x == y` / `result == y` with y a plain name is clear enough.
    actual_against_name = (
        is_plain_actual_name(first) and isinstance(second, cst.Name) and not is_plain_actual_name(second)
    )
    return second_expected or actual_against_name


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


class _CommentRemover(cst.CSTTransformer):
    def leave_Comment(  # type: ignore[override]  # removing a node is what RemovalSentinel is for
        self, original_node: cst.Comment, updated_node: cst.Comment
    ) -> cst.RemovalSentinel:
        return cst.RemoveFromParent()


def is_multi_line(code: str) -> bool:
    return "\n" in code or "\r" in code


def swappable_codes(first: cst.BaseExpression, second: cst.BaseExpression) -> Optional[Tuple[str, str]]:
    """The code of both operands, or None when one contains `:=` (swapping would change what runs first)."""
    codes = (EMPTY_MODULE.code_for_node(first), EMPTY_MODULE.code_for_node(second))
    for node, code in zip((first, second), codes):
        if ":=" in code and contains_walrus(node):
            return None
    return codes


def short_code(node: cst.CSTNode, code: str) -> str:
    """One line of `code` (the code of `node`) for a change message: comments and line breaks dropped, long
    operands cut."""
    if is_multi_line(code):
        code = " ".join(EMPTY_MODULE.code_for_node(cast(cst.CSTNode, node.visit(_CommentRemover()))).split())
    if len(code) > MAX_OPERAND_CHARS:
        code = code[: MAX_OPERAND_CHARS - len(ELLIPSIS_MARK)].rstrip() + ELLIPSIS_MARK
    return code


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


class AssertOrder(StylefixCodemod):
    NAME = "assert-order"
    DOC = DOC
    EXAMPLES = EXAMPLES

    def __init__(self, context: CodemodContext, file: FileContext) -> None:
        super().__init__(context, file)
        # Whether any `# stylefix: skip` in the file names this codemod; set per run, before the walk.
        self._has_skips = False

    @classmethod
    def applies_to(cls, file: FileContext) -> bool:
        return assert_order_precheck.applies_to(file)

    @classmethod
    def precheck(cls, source: bytes, file: FileContext) -> bool:
        return assert_order_precheck.precheck(source, file)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        # A direct walk over statement bodies: asserts are statements, so nothing else needs visiting.
        self._has_skips = self.file.directives.has_line_skips(self.NAME)
        body = self._fix_statements(tree.body)
        return tree if body is None else tree.with_changes(body=body)

    def _fix_statements(self, statements: Sequence[cst.BaseStatement]) -> Optional[List[cst.BaseStatement]]:
        """The statements with their asserts fixed, or None when none changed."""
        fixed: Optional[List[cst.BaseStatement]] = None
        for index, statement in enumerate(statements):
            new_statement: cst.BaseStatement
            if isinstance(statement, cst.SimpleStatementLine):
                new_statement = self._fix_line(statement, self._has_skips and self.is_skipped(statement))
            else:
                new_statement = cast(cst.BaseStatement, self._fix_clause(statement))
            if new_statement is not statement:
                if fixed is None:
                    fixed = list(statements)
                fixed[index] = new_statement
        return fixed

    def _fix_clause(self, clause: cst.CSTNode) -> cst.CSTNode:
        """A compound statement or one of its clauses (else, except, finally, case) with its bodies fixed."""
        changes: Dict[str, object] = {}
        for name in CLAUSE_FIELDS:
            value = getattr(clause, name, None)
            if value is None:
                continue
            if isinstance(value, cst.BaseSuite):
                new_value: object = self._fix_suite(value, clause)
            elif isinstance(value, cst.CSTNode):
                new_value = self._fix_clause(value)
            else:
                new_items = [self._fix_clause(item) for item in value]
                changed = any(new is not old for new, old in zip(new_items, value))
                new_value = new_items if changed else value
            if new_value is not value:
                changes[name] = new_value
        return clause.with_changes(**changes) if changes else clause

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
        first, second = swap.expected, swap.actual
        position = self._position(line)
        if position is None or not indentation_of(swap.statement).relative:
            return first, second
        block_column = position.start.column
        if is_multi_line(swap.expected_code) and not indentation_of(first).backslash:
            first = self._moved(line, index, swap, first, second, first, block_column)
        if is_multi_line(swap.actual_code) and not indentation_of(second).backslash:
            second = self._moved(line, index, swap, first, second, second, block_column)
        return first, second

    def _moved(
        self,
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

    def _suite_skipped(self, suite: cst.SimpleStatementSuite, clause: cst.CSTNode) -> bool:
        """A one-line body shares its clause's header: a skip on any line from the clause's first counts."""
        if not self._has_skips:
            return False
        directives = self.file.directives
        position = self._position(suite)
        last = position.end.line if position is not None else 0
        first = self.lines_of(clause)[0]
        return any(directives.skips_line(line, self.NAME) for line in range(first, last + 1))
