"""assert-order's documentation: the rules `stylefix explain` prints and the examples a test runs (LibCST-free)."""
from typing import Tuple

from stylefix.contract import Example

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
