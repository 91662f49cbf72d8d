"""assert-order: table-driven cases, input and exact output, each also run a second time."""
import pytest
from typing import Any, List

import libcst as cst

from tests.cases import Case, case_id, run_case
from tests.helpers import apply_codemod

CODEMOD = "assert-order"
TEST_PATH = "test_example.py"


def fixes(name: str, before: str, after: str, **fields: Any) -> Case:
    """A case in a test file unless `path` says otherwise: assert-order acts on test files by default."""
    return Case(name, before, after, **{"path": TEST_PATH, **fields})


def flips(name: str, actual: str, expected: str, operator: str = "==") -> Case:
    """A one-line assert whose operands trade places."""
    return fixes(name, f"assert {actual} {operator} {expected}\n", f"assert {expected} {operator} {actual}\n")


def stays(name: str, source: str, **fields: Any) -> Case:
    return fixes(name, source, source, **fields)


EXPECTED_LIKE_CASES: List[Case] = [
    flips("integer", "result", "3"),
    flips("negative integer", "result", "-1"),
    flips("float", "result", "1.5"),
    flips("imaginary", "result", "2j"),
    flips("string", "result", '"abc"'),
    flips("bytes", "result", "b'abc'"),
    flips("f-string", "result", 'f"{name}!"'),
    flips("concatenated string", "result", '"ab" "cd"'),
    flips("None", "result", "None"),
    flips("True", "flag", "True"),
    flips("False with !=", "flag", "False", "!="),
    flips("ellipsis", "result", "..."),
    flips("list", "result", "[1, 2]"),
    flips("empty list", "result", "[]"),
    flips("tuple", "result", '(1, "a")'),
    flips("empty tuple", "result", "()"),
    flips("set", "result", "{1, 2}"),
    flips("dict", "result", '{"a": 1, "b": None}'),
    flips("empty dict", "result", "{}"),
    flips("starred elements", "result", "[*EXPECTED_HEAD, 3]"),
    flips("dict unpacking", "result", '{**DEFAULTS, "a": 1}'),
    flips("nested containers", "result", '{"a": [1, (2, None)], "b": {"c": EXPECTED_C}, "d": {-1}}'),
    flips("expected name", "result", "expected"),
    flips("expected_ name", "result", "expected_value"),
    flips("exp_ name", "result", "exp_total"),
    flips("want name", "result", "want"),
    flips("want_ name", "result", "wanted_rows"),
    flips("upper-case constant", "traffic", "MAX_TRAFFIC"),
    flips("two-letter constant", "result", "OK"),
    flips("enum member", "color", "Color.RED"),
    flips("module constant", "limit", "cap.MAX_TRAFFIC"),
    flips("nested enum member", "actual_value", "s3.BucketStatus.EXISTS_NO_ACCESS"),
    flips("mock.call", "mock_run.call_args", 'mock.call("a", force=True)'),
    flips("call", "mock_run.call_args", "call(1)"),
    flips("call on a method", "mock_client.mock_calls", "[call.deploy(1), call.destroy()]"),
    flips("chained mock call", "mock_client.mock_calls", "[mock.call(1).deploy(2)]"),
    flips("unittest.mock.call", "mock_run.call_args", "unittest.mock.call()"),
    flips(
        "list of mock calls",
        "mock_ssm_ops.get_ssm_param_json_value.call_args_list",
        '[mock.call(constants.get_name("cluster-name"), "userConfig", mock_provider)]',
    ),
    flips("mock.ANY", "mock_run.call_args", "mock.ANY"),
    flips("ANY", "value", "ANY"),
    flips("pytest.approx", "ratio", "pytest.approx(0.3)"),
    flips("approx", "ratio", "approx(0.3, rel=1e-3)"),
    flips("list of approx", "ratios", "[approx(0.1), approx(0.2)]"),
    flips("sentinel", "result", "sentinel.token"),
    flips("mock.sentinel", "result", "mock.sentinel.token"),
    flips("arithmetic", "result", "2 * 3 + 1"),
    flips("arithmetic on constants", "result", "MAX_TRAFFIC - 1"),
    flips("unary on constant", "result", "-MAX_TRAFFIC"),
    flips("string repetition", "result", '"ab" * 3'),
    flips("actual-like call on the left", "len(items)", "2"),
    flips("attribute on the left", "mock_client.deploy.call_count", "2"),
    flips("subscript on the left", 'response["items"]', "[]"),
    flips("method call on the left", "actual_value.to_dict()", "expected_value"),
    flips("parenthesised operand", "(a + b)", "3"),
    flips("not equal", "result", "3", "!="),
    flips("actual name and plain name", "actual_value", "return_val"),
    flips("result name and plain name", "result", "response"),
    flips("results name and plain name", "results_sorted", "rows"),
]

LEFT_ALONE_CASES: List[Case] = [
    stays("already in order", "assert 3 == result\nassert expected_value == actual_value\n"),
    stays("both expected-like", "assert EXPECTED == 3\nassert expected == [1]\n"),
    stays("both actual-like", "assert len(rows) == table.count\nassert left == right\n"),
    stays("plain name on the left is not actual-like enough", "assert tarball == actual_value\n"),
    stays("actual name against actual name", "assert result == actual\nassert actual_rows == results\n"),
    stays("actual name against an attribute", "assert result == other.value\n"),
    stays("chained comparison", "assert a == b == 3\nassert result == 3 == other\n"),
    stays("is", "assert result is None\nassert result is not True\n"),
    stays("in", "assert result in [1, 2]\nassert result not in (1, 2)\n"),
    stays("ordering operators", "assert result < 3\nassert result >= 3\n"),
    stays("not", "assert not result == 3\n"),
    stays("boolean operation", "assert result == 3 and ok\nassert ok or result != 3\n"),
    stays("comparison inside a call", "assert check(result == 3)\n"),
    stays("comparison result compared with is", "assert (result == 3) is True\n"),
    stays("assignment, not an assert", "same = result == 3\nif result == 3:\n    pass\n"),
    stays("comparison in the message", 'assert ok, result == "x"\n'),
    stays("list comprehension", "assert result == [item for item in range(3)]\n"),
    stays("set comprehension", "assert result == {item for item in range(3)}\n"),
    stays("dict comprehension", "assert result == {key: 1 for key in KEYS}\n"),
    stays("generator", "assert result == tuple(item for item in range(3))\n"),
    stays("container with an actual-like element", "assert result == [1, other]\n"),
    stays("dict with an actual-like key", "assert result == {key: 1}\n"),
    stays("arithmetic with an actual-like operand", "assert result == total + 1\n"),
    stays("single capital", "assert value == X\n"),
    stays("lower-case attribute", "assert result == config.value\n"),
    stays("call of something else", "assert result == build(3)\nassert result == client.call(3)\n"),
    stays("expected attribute of an object", "assert result == self.expected\n"),
    stays("walrus on the left", "assert (count := len(rows)) == 3\n"),
    stays("walrus on the right", "assert result == [(n := 3)]\n"),
    stays("lambda", "assert result == (lambda: 3)\n"),
    stays("bare assert", "assert result\nassert result, 'message'\n"),
]

MESSAGE_AND_LAYOUT_CASES: List[Case] = [
    fixes("message kept", 'assert result == 3, "total"\n', 'assert 3 == result, "total"\n'),
    fixes(
        "f-string message kept",
        'assert response.status == 200, f"got {response.status}"\n',
        'assert 200 == response.status, f"got {response.status}"\n',
    ),
    fixes("parenthesised comparison", "assert (result == 3)\n", "assert (3 == result)\n"),
    fixes("no space after assert before parentheses", "assert(result == 3)\n", "assert(3 == result)\n"),
    fixes("no space after assert, operand in parentheses", "assert(result)==3\n", "assert 3==(result)\n"),
    fixes("no space, string after swap", "assert(result)=='a'\n", "assert'a'==(result)\n"),
    fixes("spacing around the operator kept", "assert result  ==3\n", "assert 3  ==result\n"),
    fixes("trailing comment of the line kept", "assert result == 3  # why\n", "assert 3 == result  # why\n"),
    fixes(
        "comment after the left operand travels with it",
        "assert (\n    result  # comment\n    == 3\n)\n",
        "assert (\n    3\n    == result  # comment\n)\n",
    ),
    fixes(
        "comment after the right operand travels with it",
        "assert (\n    result\n    == 3  # three\n)\n",
        "assert (\n    3  # three\n    == result\n)\n",
    ),
    fixes(
        "comments after both operands trade places with them",
        "assert (\n    result  # actual\n    == 3  # expected\n), 'msg'\n",
        "assert (\n    3  # expected\n    == result  # actual\n), 'msg'\n",
    ),
    fixes(
        "closing parenthesis on the operand line keeps the comment in place",
        "assert (result  # comment\n        == 3)\n",
        "assert (3  # comment\n        == result)\n",
    ),
    fixes(
        "own-line comment between the operands stays",
        "assert (\n    result\n    # compare with the constant\n    == MAX_TRAFFIC\n)\n",
        "assert (\n    MAX_TRAFFIC\n    # compare with the constant\n    == result\n)\n",
    ),
    fixes(
        "comment after the operator stays",
        "assert (\n    result ==  # operator\n    3\n)\n",
        "assert (\n    3 ==  # operator\n    result\n)\n",
    ),
    fixes(
        "comment after the opening parenthesis stays",
        "assert (  # why\n    result == 3\n)\n",
        "assert (  # why\n    3 == result\n)\n",
    ),
    fixes(
        "operand with its own parentheses and comment moves whole",
        "assert (  # the value\n    result\n) == 3\n",
        "assert 3 == (  # the value\n    result\n)\n",
    ),
    fixes(
        "multi-line expected container with comments",
        'assert result == {\n    "a": 1,  # one\n    # two\n    "b": 2,\n}\n',
        'assert {\n    "a": 1,  # one\n    # two\n    "b": 2,\n} == result\n',
    ),
    fixes(
        "multi-line actual call",
        "assert compute(\n    1,  # first\n    2,\n) == expected_value\n",
        "assert expected_value == compute(\n    1,  # first\n    2,\n)\n",
    ),
    fixes(
        "double parentheses",
        "assert ((\n    result  # comment\n    != 3\n))\n",
        "assert ((\n    3\n    != result  # comment\n))\n",
    ),
    fixes("backslash continuation", "assert result == \\\n    3  # c\n", "assert 3 == \\\n    result  # c\n"),
    fixes(
        "semicolons",
        "assert result == 3; assert other == 4; x = 1\n",
        "assert 3 == result; assert 4 == other; x = 1\n",
    ),
    fixes(
        "CRLF line endings",
        "assert (\r\n    result  # c\r\n    == 3\r\n)\r\n",
        "assert (\r\n    3\r\n    == result  # c\r\n)\r\n",
    ),
    fixes("no newline at end of file", "assert result == 3", "assert 3 == result"),
]

REALIGN_CASES: List[Case] = [
    fixes(
        "expected value aligned inside its brackets moves left with its lines",
        "def test_p():\n    assert list(partition(3, range(4))) == [(0, 1, 2),\n"
        "                                            (3, -1, -1)]\n",
        "def test_p():\n    assert [(0, 1, 2),\n            (3, -1, -1)] == list(partition(3, range(4)))\n",
    ),
    fixes(
        "actual value aligned inside its brackets moves right with its lines",
        "def test_k():\n    assert ''.join(map(first,\n"
        "                       partitionby(identity, 'Khh'))) == 'Khan!'\n",
        "def test_k():\n    assert 'Khan!' == ''.join(map(first,\n"
        "                                  partitionby(identity, 'Khh')))\n",
    ),
    fixes(
        "hanging indents stay",
        "def test_h():\n    assert get(x) == {\n        'x': 1,\n    }\n"
        "    assert build(\n        1,\n    ) == EXPECTED\n",
        "def test_h():\n    assert {\n        'x': 1,\n    } == get(x)\n"
        "    assert EXPECTED == build(\n        1,\n    )\n",
    ),
    fixes(
        "both operands aligned, nested brackets and comment lines",
        "assert f(a,\n         g(b,\n           c)) == [1,\n                   # two\n                   2]\n",
        "assert [1,\n        # two\n        2] == f(a,\n                g(b,\n                  c))\n",
    ),
    fixes(
        "after another statement on the line",
        "x = 1; assert f(a,\n                b) == 3\n",
        "x = 1; assert 3 == f(a,\n                     b)\n",
    ),
    fixes(
        "closing bracket aligned with the opening one moves along",
        "assert result == [\n                  1,\n                 ]\n",
        "assert [\n        1,\n       ] == result\n",
    ),
    fixes(
        "operands on lines of their own keep their columns",
        "assert (\n    f(a,\n      b)\n    == [1,\n        2]\n)\n",
        "assert (\n    [1,\n     2]\n    == f(a,\n         b)\n)\n",
    ),
    fixes(
        "tab in a continuation line: left as it is",
        "assert f(a,\n\t b) == 3\n",
        "assert 3 == f(a,\n\t b)\n",
    ),
    fixes(
        "backslash continuation between the operands",
        "def test_g():\n    assert groupby(0, rows) == \\\n        {1: [(1, 2)],\n         2: [(2, 2)]}\n"
        "    assert topk(2, [{'a': 1},\n                    {'a': 2}]) == \\\n        ({'a': 2},)\n",
        "def test_g():\n    assert {1: [(1, 2)],\n            2: [(2, 2)]} == \\\n        groupby(0, rows)\n"
        "    assert ({'a': 2},) == \\\n        topk(2, [{'a': 1},\n                 {'a': 2}])\n",
    ),
    fixes(
        "comment ending in a backslash is no continuation",
        "def test_g():\n    assert (  # c:\\\n        f(a,\n          b) == 3)\n",
        "def test_g():\n    assert (  # c:\\\n        3 == f(a,\n               b))\n",
    ),
    fixes(
        "backslash continuation inside a moved operand: left as it is",
        "assert f(a) + \\\n    g(b,\n      c) == 3\n",
        "assert 3 == f(a) + \\\n    g(b,\n      c)\n",
    ),
    fixes(
        "continuation line less indented than the block: left as it is",
        "def test_x():\n    assert f(a,\n  b) == 3\n",
        "def test_x():\n    assert 3 == f(a,\n  b)\n",
    ),
    fixes(
        "one-line body: left as it is",
        "if ok: assert f(a,\n               b) == 3\n",
        "if ok: assert 3 == f(a,\n               b)\n",
    ),
]

NESTING_CASES: List[Case] = [
    fixes(
        "test function and class",
        "class TestTotal:\n    def test_total(self):\n        assert total() == 3\n\n\n"
        "def test_other():\n    def helper():\n        assert helper_result == EXPECTED\n    assert other() == 4\n",
        "class TestTotal:\n    def test_total(self):\n        assert 3 == total()\n\n\n"
        "def test_other():\n    def helper():\n        assert EXPECTED == helper_result\n    assert 4 == other()\n",
    ),
    fixes(
        "compound statements",
        "async def test_all():\n    if ok == 1:\n        assert a == 1\n    elif ok == 2:\n        assert a == 2\n"
        "    else:\n        assert a == 3\n    for item in items:\n        assert item == 4\n"
        "    while run() == 5:\n        assert a == 5\n    with ctx() as value:\n        assert value == 6\n"
        "    async with actx():\n        assert a == 7\n    try:\n        assert a == 8\n    except E:\n"
        "        assert a == 9\n    else:\n        assert a == 10\n    finally:\n        assert a == 11\n",
        "async def test_all():\n    if ok == 1:\n        assert 1 == a\n    elif ok == 2:\n        assert 2 == a\n"
        "    else:\n        assert 3 == a\n    for item in items:\n        assert 4 == item\n"
        "    while run() == 5:\n        assert 5 == a\n    with ctx() as value:\n        assert 6 == value\n"
        "    async with actx():\n        assert 7 == a\n    try:\n        assert 8 == a\n    except E:\n"
        "        assert 9 == a\n    else:\n        assert 10 == a\n    finally:\n        assert 11 == a\n",
    ),
    fixes(
        "match and except star",
        "match command:\n    case [x]:\n        assert x == 1\ntry:\n    pass\nexcept* E:\n    assert a == 2\n",
        "match command:\n    case [x]:\n        assert 1 == x\ntry:\n    pass\nexcept* E:\n    assert 2 == a\n",
    ),
    fixes(
        "one-line bodies",
        "if ok: assert result == 1\nelse: assert result == 2\nfor x in y: assert x == 3; assert x != 4\n",
        "if ok: assert 1 == result\nelse: assert 2 == result\nfor x in y: assert 3 == x; assert 4 != x\n",
    ),
    fixes(
        "decorators and defaults are not asserts",
        "@pytest.mark.parametrize('x', [a == 1])\ndef test_x(x=y == 2):\n    assert x == 3\n",
        "@pytest.mark.parametrize('x', [a == 1])\ndef test_x(x=y == 2):\n    assert 3 == x\n",
    ),
]

SKIP_CASES: List[Case] = [
    stays("skip directive", "assert result == 3  # stylefix: skip\n"),
    stays("skip directive naming this codemod", "assert result == 3  # stylefix: skip[assert-order]\n"),
    fixes(
        "skip directive naming another codemod",
        "assert result == 3  # stylefix: skip[sort-imports]\n",
        "assert 3 == result  # stylefix: skip[sort-imports]\n",
    ),
    fixes(
        "skip on the last line of a multi-line assert",
        "assert (\n    result\n    == 3\n)  # stylefix: skip\nassert result == 4\n",
        "assert (\n    result\n    == 3\n)  # stylefix: skip\nassert 4 == result\n",
    ),
    fixes(
        "skip on a one-line body",
        "if ok: assert result == 1  # stylefix: skip\nelse: assert result == 2\n",
        "if ok: assert result == 1  # stylefix: skip\nelse: assert 2 == result\n",
    ),
    fixes(
        "skip on an elif one-line body",
        "if ok: assert result == 1\nelif other: assert result == 2  # stylefix: skip\nelse: assert result == 3\n",
        "if ok: assert 1 == result\nelif other: assert result == 2  # stylefix: skip\nelse: assert 3 == result\n",
    ),
    fixes(
        "skip on a multi-line header of a one-line body",
        "if (  # stylefix: skip\n    ok\n): assert result == 1\nassert result == 2\n",
        "if (  # stylefix: skip\n    ok\n): assert result == 1\nassert 2 == result\n",
    ),
    fixes(
        "skip on a compound header does not reach its indented body",
        "if ok:  # stylefix: skip\n    assert result == 1\n",
        "if ok:  # stylefix: skip\n    assert 1 == result\n",
    ),
    stays("file skip", "# stylefix: skip-file\nassert result == 3\n"),
]

UNITTEST = {"unittest": True}

UNITTEST_CASES: List[Case] = [
    stays("unittest calls untouched by default", "self.assertEqual(result, 3)\n"),
    fixes("positional", "self.assertEqual(result, 3)\n", "self.assertEqual(3, result)\n", options=UNITTEST),
    fixes(
        "positional with message",
        'self.assertEqual(result, 3, "total")\n',
        'self.assertEqual(3, result, "total")\n',
        options=UNITTEST,
    ),
    fixes(
        "keywords",
        "self.assertEqual(first=result, second=3)\n",
        "self.assertEqual(first=3, second=result)\n",
        options=UNITTEST,
    ),
    fixes(
        "keywords in reverse order",
        "self.assertNotEqual(second=3, first=result, msg='m')\n",
        "self.assertNotEqual(second=result, first=3, msg='m')\n",
        options=UNITTEST,
    ),
    fixes(
        "positional and keyword",
        "self.assertEqual(result, second=3, msg='m')\n",
        "self.assertEqual(3, second=result, msg='m')\n",
        options=UNITTEST,
    ),
    fixes(
        "places and delta untouched",
        "self.assertAlmostEqual(ratio, 0.5, places=2)\nself.assertNotAlmostEqual(ratio, 0.5, 3, 'm', None)\n",
        "self.assertAlmostEqual(0.5, ratio, places=2)\nself.assertNotAlmostEqual(0.5, ratio, 3, 'm', None)\n",
        options=UNITTEST,
    ),
    fixes(
        "every relative",
        "self.assertCountEqual(rows, [1])\nself.assertMultiLineEqual(text, 'a')\nself.assertDictEqual(d, {})\n"
        "self.assertListEqual(l, [])\nself.assertTupleEqual(t, ())\nself.assertSetEqual(s, {1})\n"
        "self.assertSequenceEqual(q, [2])\nself.assertEquals(v, 1)\nself.assertNotEquals(v, 2)\n"
        "self.assertAlmostEquals(v, 0.1)\nself.assertNotAlmostEquals(v, 0.2)\n",
        "self.assertCountEqual([1], rows)\nself.assertMultiLineEqual('a', text)\nself.assertDictEqual({}, d)\n"
        "self.assertListEqual([], l)\nself.assertTupleEqual((), t)\nself.assertSetEqual({1}, s)\n"
        "self.assertSequenceEqual([2], q)\nself.assertEquals(1, v)\nself.assertNotEquals(2, v)\n"
        "self.assertAlmostEquals(0.1, v)\nself.assertNotAlmostEquals(0.2, v)\n",
        options=UNITTEST,
    ),
    fixes(
        "method-specific keywords",
        "self.assertDictEqual(d1=config, d2=EXPECTED_CONFIG)\n"
        "self.assertSequenceEqual(rows, seq2=[1], seq_type=list)\n",
        "self.assertDictEqual(d1=EXPECTED_CONFIG, d2=config)\n"
        "self.assertSequenceEqual([1], seq2=rows, seq_type=list)\n",
        options=UNITTEST,
    ),
    fixes(
        "multi-line call with comments",
        "self.assertEqual(\n    result,  # actual\n    3,\n    'msg',\n)\n",
        "self.assertEqual(\n    3,\n    result,  # actual\n    'msg',\n)\n",
        options=UNITTEST,
    ),
    fixes(
        "multi-line call without a trailing comma",
        "self.assertEqual(\n    result,  # actual\n    3\n)\n",
        "self.assertEqual(\n    3,\n    result  # actual\n)\n",
        options=UNITTEST,
    ),
    fixes(
        "one-line bodies",
        "with self.subTest(): self.assertEqual(result, 3)\n"
        "for v in vs: self.assertEqual(v, 1); self.assertEqual(v, 2)\n",
        "with self.subTest(): self.assertEqual(3, result)\n"
        "for v in vs: self.assertEqual(1, v); self.assertEqual(2, v)\n",
        options=UNITTEST,
    ),
    stays(
        "calls inside other expressions",
        "checks = [self.assertEqual(value, 1) for value in values]\nreturn self.assertEqual(result, 3)\n"
        "print(self.assertEqual(result, 3))\n",
        options=UNITTEST,
    ),
    fixes(
        "asserts and unittest calls on one line",
        "assert result == 3; self.assertEqual(result, 4)\n",
        "assert 3 == result; self.assertEqual(4, result)\n",
        options=UNITTEST,
    ),
    fixes(
        "aligned arguments follow their values",
        "class T:\n    def test_u(self):\n        self.assertEqual(list(chunked('ABC',\n"
        "                                      2)), [['A', 'B'],\n"
        "                                            ['C']])\n",
        "class T:\n    def test_u(self):\n        self.assertEqual([['A', 'B'],\n"
        "                          ['C']], list(chunked('ABC',\n                                               2)))\n",
        options=UNITTEST,
    ),
    stays("already in order", "self.assertEqual(3, result)\nself.assertEqual(second=result, first=3)\n", options=UNITTEST),
    stays("both actual-like", "self.assertEqual(len(rows), count)\n", options=UNITTEST),
    stays("star arguments", "self.assertEqual(*pair)\nself.assertEqual(result, *rest)\n", options=UNITTEST),
    stays("keyword arguments only", "self.assertEqual(**kwargs)\n", options=UNITTEST),
    stays("a single argument", "self.assertEqual(result)\nself.assertEqual(result, msg=3)\n", options=UNITTEST),
    stays("not on self", "case.assertEqual(result, 3)\nassertEqual(result, 3)\n", options=UNITTEST),
    stays("other assert methods", "self.assertIs(result, None)\nself.assertIn(result, [1])\n", options=UNITTEST),
    stays("skip directive", "self.assertEqual(result, 3)  # stylefix: skip\n", options=UNITTEST),
]

SCOPE_CASES: List[Case] = [
    fixes("non-test file untouched by default", "assert result == 3\n", "assert result == 3\n", path="helpers.py"),
    fixes("non-test file with scope all", "assert result == 3\n", "assert 3 == result\n", options={"scope": "all"}, path="lib.py"),
    fixes("test file with scope all", "assert result == 3\n", "assert 3 == result\n", options={"scope": "all"}),
    fixes("test file by suffix", "assert result == 3\n", "assert 3 == result\n", path="total_test.py"),
    fixes("test file in a directory", "assert result == 3\n", "assert 3 == result\n", path="tests/unit/test_total.py"),
    fixes("conftest is not a test file", "assert result == 3\n", "assert result == 3\n", path="conftest.py"),
]

ALL_CASES: List[Case] = (
    EXPECTED_LIKE_CASES
    + LEFT_ALONE_CASES
    + MESSAGE_AND_LAYOUT_CASES
    + REALIGN_CASES
    + NESTING_CASES
    + SKIP_CASES
    + UNITTEST_CASES
    + SCOPE_CASES
)


@pytest.mark.parametrize("case", ALL_CASES, ids=case_id)
def test_WHEN_assert_order_applied_THEN_output_is_exact_AND_second_pass_changes_nothing(case: Case) -> None:
    run_case(case, [CODEMOD])


@pytest.mark.parametrize("case", ALL_CASES, ids=case_id)
def test_WHEN_assert_order_applied_THEN_one_change_reported_per_swap(case: Case) -> None:
    applied = apply_codemod(case.before, CODEMOD, path=case.path, options=case.options)

    expected_count = _swapped_count(case)
    assert expected_count == len(applied.changes)
    assert {CODEMOD} >= {change.codemod for change in applied.changes}


def _swapped_count(case: Case) -> int:
    """How many asserts/calls differ between before and after, counted statement by statement."""
    before_parts = _statements(case.before)
    after_parts = _statements(case.after)
    return sum(1 for before, after in zip(before_parts, after_parts) if before != after)


def _statements(source: str) -> List[str]:
    found: List[str] = []

    class Collector(cst.CSTVisitor):
        def visit_Assert(self, node: cst.Assert) -> None:
            found.append(cst.Module([]).code_for_node(node.test))

        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Attribute) and node.func.attr.value.startswith("assert"):
                found.append(cst.Module([]).code_for_node(node))

    cst.parse_module(source).visit(Collector())
    return found
