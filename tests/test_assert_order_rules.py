"""assert-order: change messages and lines, the operand rules on their own, the pre-check, the CLI."""
from pathlib import Path
import pytest
from typing import Any, Dict, List, Optional, Tuple

import libcst as cst

from stylefix.codemod import FileContext
from stylefix.codemods.assert_order.rules import is_expected_like, short_code, should_swap
from stylefix.codemods.assert_order.transform import AssertOrder
from stylefix.config import is_test_file
from stylefix.engine import fix_source
from tests.cases import Case, case_id, run_case
from tests.helpers import NO_PROJECT, make_config, run_cli, write_files
from tests.test_assert_order import ALL_CASES, CODEMOD

EXPECTED_LIKE: Tuple[str, ...] = (
    "3",
    "-3",
    "+3.5",
    "~0",
    "'a'",
    "b'a'",
    "f'{x}'",
    "'a' 'b'",
    "None",
    "True",
    "False",
    "...",
    "[]",
    "[1, [2, (3,)]]",
    "{'a': {'b': None}}",
    "{*EXPECTED}",
    "expected",
    "expected_rows",
    "exp_rows",
    "want",
    "MAX_TRAFFIC",
    "_PRIVATE_CONSTANT",
    "HTTP2",
    "Color.RED",
    "cap.MAX_TRAFFIC",
    "mock.ANY",
    "ANY",
    "call()",
    "mock.call(rows, key=value)",
    "call.method.sub(1)",
    "unittest.mock.call(1)",
    "pytest.approx(1.0)",
    "approx(1.0)",
    "sentinel.value",
    "mock.sentinel.value",
    "unittest.mock.sentinel.value",
    "EXPECTED * 2",
    "(1 + 2) * 3",
    "not True",
)
ACTUAL_LIKE: Tuple[str, ...] = (
    "result",
    "actual",
    "response",
    "X",
    "Color",
    "len(rows)",
    "mock.call_args_list",
    "mock.call_count",
    "client.call(1)",
    "pytest.raises(E)",
    "self.expected",
    "rows[0]",
    "expected[0]",
    "[row for row in rows]",
    "{key: 1 for key in keys}",
    "[1, result]",
    "{result: 1}",
    "{1: result}",
    "result + 1",
    "-result",
    "lambda: 3",
    "3 if ok else 4",
    "await fetch()",
)


def _expression(code: str) -> cst.BaseExpression:
    return cst.parse_expression(code)


@pytest.mark.parametrize("code", EXPECTED_LIKE)
def test_WHEN_operand_classified_AND_expected_kind_THEN_expected_like(code: str) -> None:
    assert True is is_expected_like(_expression(code))


@pytest.mark.parametrize("code", ACTUAL_LIKE)
def test_WHEN_operand_classified_AND_other_kind_THEN_actual_like(code: str) -> None:
    assert False is is_expected_like(_expression(code))


@pytest.mark.parametrize("expected_code", EXPECTED_LIKE)
@pytest.mark.parametrize("actual_code", ("result", "len(rows)"))
def test_WHEN_swap_decided_THEN_only_actual_before_expected_swaps(actual_code: str, expected_code: str) -> None:
    actual, expected = _expression(actual_code), _expression(expected_code)

    assert True is should_swap(actual, expected)
    assert False is should_swap(expected, actual)


MESSAGE_CASES: List[Case] = [
    Case(
        "one assert",
        "assert result == 3\n",
        "assert 3 == result\n",
        path="test_x.py",
        changes=((1, "assert result == 3 -> assert 3 == result"),),
    ),
    Case(
        "assert with a message below other code",
        "x = 1\n\nassert result != None, 'm'\n",
        "x = 1\n\nassert None != result, 'm'\n",
        path="test_x.py",
        changes=((3, "assert result != None -> assert None != result"),),
    ),
    Case(
        "multi-line comparison inside parentheses",
        "def test_x():\n    assert (\n        result  # c\n        == [\n            1,\n        ]\n    )\n",
        "def test_x():\n    assert (\n        [\n         1,\n        ]\n        == result  # c\n    )\n",
        path="test_x.py",
        # the change is located at its comparison, which starts inside the parentheses
        changes=((3, "assert result == [ 1, ] -> assert [ 1, ] == result"),),
    ),
    Case(
        "long operand shortened",
        "assert response.json()['items'][0]['attributes']['name'] == EXPECTED_NAME\n",
        "assert EXPECTED_NAME == response.json()['items'][0]['attributes']['name']\n",
        path="test_x.py",
        changes=(
            (
                1,
                (
                    "assert response.json()['items'][0]['attribut... == EXPECTED_NAME"
                    " -> assert EXPECTED_NAME == response.json()['items'][0]['attribut..."
                ),
            ),
        ),
    ),
    Case(
        "several asserts on a line and a one-line body",
        "assert a == 1; assert b == 2\nif ok: assert c == 3\n",
        "assert 1 == a; assert 2 == b\nif ok: assert 3 == c\n",
        path="test_x.py",
        changes=(
            (1, "assert a == 1 -> assert 1 == a"),
            (1, "assert b == 2 -> assert 2 == b"),
            (2, "assert c == 3 -> assert 3 == c"),
        ),
    ),
    Case(
        "multi-line unittest call",
        "class TestX:\n    def test_x(self):\n        self.assertEqual(\n            result, 3, 'm'\n        )\n",
        "class TestX:\n    def test_x(self):\n        self.assertEqual(\n            3, result, 'm'\n        )\n",
        path="test_x.py",
        options={"unittest": True},
        changes=((3, "self.assertEqual(result, 3, ...) -> self.assertEqual(3, result, ...)"),),
    ),
    Case(
        "unittest keywords",
        "self.assertDictEqual(d2=EXPECTED, d1=config)\n",
        "self.assertDictEqual(d2=config, d1=EXPECTED)\n",
        path="test_x.py",
        options={"unittest": True},
        changes=((1, "self.assertDictEqual(d2=EXPECTED, d1=config) -> self.assertDictEqual(d2=config, d1=EXPECTED)"),),
    ),
]


@pytest.mark.parametrize("case", MESSAGE_CASES, ids=case_id)
def test_WHEN_assert_swapped_THEN_change_reports_line_AND_short_before_after(case: Case) -> None:
    run_case(case, [CODEMOD])


def test_WHEN_operand_rendered_AND_multi_line_with_comments_THEN_one_line_without_comments() -> None:
    operand = _expression("{  # first\n    'a': 1,\n    # own line\n    'b': 2,\n}")

    assert "{ 'a': 1, 'b': 2, }" == short_code(operand, cst.Module([]).code_for_node(operand))


def test_WHEN_operand_rendered_AND_single_line_THEN_strings_keep_their_spaces() -> None:
    assert "'a    b'" == short_code(_expression("'a    b'"), "'a    b'")


def _file(path: str, table: Optional[Dict[str, Any]] = None) -> FileContext:
    config = make_config(Path("/project"), table)
    return FileContext(path=Path("/project") / path, config=config, is_test_file=is_test_file(Path(path), config))


class UncheckedAssertOrder(AssertOrder):
    """assert-order without its pre-check: what a pre-check that finds nothing to do must agree with."""

    @classmethod
    def precheck(cls, source: bytes, file: FileContext) -> bool:
        return True


@pytest.mark.parametrize("case", ALL_CASES, ids=case_id)
def test_WHEN_precheck_says_no_change_THEN_full_run_changes_nothing(case: Case) -> None:
    source = case.before.encode("utf-8")
    file = _file(case.path, {CODEMOD: case.options})
    config = make_config(NO_PROJECT, {CODEMOD: case.options})
    # The engine would skip the codemod on the pre-check's word: run it without one.
    full_run = fix_source(source, NO_PROJECT / case.path, config, codemods=[UncheckedAssertOrder])

    if not AssertOrder.precheck(source, file):
        assert source == full_run.source


@pytest.mark.parametrize(
    ("source", "table", "expected"),
    [
        (b"x = 1\n", {}, False),
        (b"assert result\n", {}, False),
        (b"if a == b:\n    pass\n", {}, False),
        (b"assert a == b\n", {}, True),
        (b"assert a != b\n", {}, True),
        (b"self.assertEqual(a, b)\n", {}, False),
        (b"self.assertEqual(a, b)\n", {CODEMOD: {"unittest": True}}, True),
        (b"self.assertIs(a, b)\n", {CODEMOD: {"unittest": True}}, False),
    ],
)
def test_WHEN_precheck_run_THEN_false_only_without_assert_and_comparison(
    source: bytes, table: Dict[str, Any], expected: bool
) -> None:
    assert expected == AssertOrder.precheck(source, _file("test_x.py", table))


@pytest.mark.parametrize(
    ("path", "table", "expected"),
    [
        ("test_x.py", {}, True),
        ("x_test.py", {}, True),
        ("helpers.py", {}, False),
        ("helpers.py", {CODEMOD: {"scope": "all"}}, True),
        ("check_x.py", {"test-files": ["check_*.py"]}, True),
        ("test_x.py", {"test-files": ["check_*.py"]}, False),
    ],
)
def test_WHEN_applies_to_asked_THEN_test_files_or_scope_all(path: str, table: Dict[str, Any], expected: bool) -> None:
    assert expected == AssertOrder.applies_to(_file(path, table))


def test_WHEN_explain_run_THEN_rule_options_and_examples_shown(tmp_path: Path) -> None:
    completed = run_cli(["explain", CODEMOD], cwd=tmp_path)
    output = completed.stdout.decode("utf-8")

    assert 0 == completed.returncode
    assert output.startswith("assert-order (on by default)")
    for expected_text in ("Expected-like", 'scope = "tests"', "unittest = false", "# stylefix: skip", "before:"):
        assert expected_text in output
    assert len(AssertOrder.EXAMPLES) == output.count("Example: ")
    assert 3 <= len(AssertOrder.EXAMPLES)


def test_WHEN_fix_run_on_project_THEN_only_test_files_change_AND_config_scope_all_reaches_others(
    tmp_path: Path,
) -> None:
    files = {
        "tests/test_total.py": "def test_total():\n    assert total() == 3\n",
        "total.py": "def check():\n    assert total() == 3\n",
    }
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\nselect = ['assert-order']\n", **files})

    # TEST: default scope, test files only
    completed = run_cli(["fix", "."], cwd=tmp_path)

    assert 0 == completed.returncode, completed.stderr.decode()
    assert "def test_total():\n    assert 3 == total()\n" == (tmp_path / "tests/test_total.py").read_text()
    assert files["total.py"] == (tmp_path / "total.py").read_text()

    # TEST: scope = "all" in the configuration reaches every file
    (tmp_path / "pyproject.toml").write_text(
        "[tool.stylefix]\nselect = ['assert-order']\n\n[tool.stylefix.assert-order]\nscope = 'all'\n"
    )
    completed = run_cli(["fix", "."], cwd=tmp_path)

    assert 0 == completed.returncode, completed.stderr.decode()
    assert "def check():\n    assert 3 == total()\n" == (tmp_path / "total.py").read_text()


def test_WHEN_invalid_scope_configured_THEN_error_names_the_choices(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix.assert-order]\nscope = 'some'\n", "test_x.py": ""})

    completed = run_cli(["check", "."], cwd=tmp_path)

    assert 0 != completed.returncode
    assert "one of 'tests', 'all'" in completed.stderr.decode()
