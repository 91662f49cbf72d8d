"""Which operand of an equality reads as the expected value, and how an operand is quoted in a change message.

LibCST nodes in, plain answers out: nothing here rewrites a tree (swaps.py and unittest_calls.py do).
"""
import re
from typing import Optional, Sequence, Tuple, Union, cast

import libcst as cst

from stylefix.cst_walk import dotted_name

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
EMPTY_MODULE = cst.Module(body=[])


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
    """Whether an operand reads as the expected value of a comparison (see docs.py for the kinds)."""
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

