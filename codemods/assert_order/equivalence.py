"""assert-order's rule for the safety net: the two operands of an equality assert, and the two compared values of
a unittest equality method, are compared as an unordered pair (CPython's `ast`, independently of the transform)."""
import ast
from typing import Any, Dict, FrozenSet, List, Tuple, Type

from stylefix.equivalence import EquivalenceRule, Hook, Hooks, Side, name_of

UNITTEST_EQUALITY_METHODS: FrozenSet[str] = frozenset(
    {
        "assertEqual",
        "assertNotEqual",
        "assertAlmostEqual",
        "assertNotAlmostEqual",
        "assertDictEqual",
        "assertListEqual",
        "assertTupleEqual",
        "assertSetEqual",
        "assertSequenceEqual",
        "assertMultiLineEqual",
        "assertCountEqual",
        "assertEquals",
        "assertNotEquals",
        "assertAlmostEquals",
        "assertNotAlmostEquals",
    }
)
# The keyword names unittest gives the two compared values, per method family.
UNITTEST_OPERAND_KEYWORDS: Tuple[Tuple[str, str], ...] = (
    ("first", "second"),
    ("d1", "d2"),
    ("seq1", "seq2"),
    ("list1", "list2"),
    ("tuple1", "tuple2"),
    ("set1", "set2"),
)


def _unordered(first: ast.expr, second: ast.expr) -> List[ast.expr]:
    return sorted([first, second], key=ast.dump)


def _assert(node: ast.AST) -> None:
    assert isinstance(node, ast.Assert)
    test = node.test
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq)):
        test.left, test.comparators[0] = _unordered(test.left, test.comparators[0])


def _call(node: ast.AST) -> None:
    assert isinstance(node, ast.Call)
    if name_of(node.func) not in UNITTEST_EQUALITY_METHODS:
        return
    keywords = {keyword.arg: keyword for keyword in node.keywords}
    names = next((pair for pair in UNITTEST_OPERAND_KEYWORDS if set(pair) & set(keywords)), ("first", "second"))
    slots: List[Tuple[str, Any]] = []  # ("arg", index) or ("kw", keyword) for the two compared values
    for index in range(min(2, len(node.args))):
        slots.append(("arg", index))
    for name in names[len(slots) :]:
        if name in keywords:
            slots.append(("kw", keywords[name]))
    if len(slots) != 2:
        return
    values = [node.args[ref] if kind == "arg" else ref.value for kind, ref in slots]
    for (kind, ref), value in zip(slots, _unordered(*values)):
        if kind == "arg":
            node.args[ref] = value
        else:
            ref.value = value


HOOKS: Dict[Type[ast.AST], Hook] = {ast.Assert: _assert, ast.Call: _call}


def _hooks(side: Side) -> Hooks:
    return HOOKS


RULE = EquivalenceRule(hooks=_hooks)
