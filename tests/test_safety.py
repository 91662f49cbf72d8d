"""The safety net fires for each kind of codemod bug (deliberately faulty codemods fed through the real guard),
leaves the file untouched, and lets correct changes through."""
from pathlib import Path
import pytest
from typing import Optional

import libcst as cst

from stylefix.codemod import StylefixCodemod
from stylefix.config import load_config
from stylefix.engine import fix_source
from stylefix.results import InternalError, Mode, Status
from stylefix.runner import RunOptions, process_source
from stylefix.safety import equivalence_problem


class DropsLastStatement(StylefixCodemod):
    NAME = "faulty-drop"

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if len(updated_node.body) < 2:
            return updated_node
        self.report(original_node.body[-1], "dropped")
        return updated_node.with_changes(body=updated_node.body[:-1])


class WritesKeywordAsName(StylefixCodemod):
    NAME = "faulty-syntax"

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if updated_node.value == "value":
            self.report(original_node, "value -> class")
            return updated_node.with_changes(value="class")
        return updated_node


class AppendsEveryTime(StylefixCodemod):
    NAME = "faulty-unstable"

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        self.report(original_node, "appended an import")
        extra = cst.parse_statement("from typing import List\n")
        return updated_node.with_changes(body=[*updated_node.body, extra])


class RewritesRuntimeCall(StylefixCodemod):
    NAME = "faulty-runtime"

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        if updated_node.value == "list":
            self.report(original_node, "list -> List")
            return updated_node.with_changes(value="List")
        return updated_node


class DropsImport(StylefixCodemod):
    NAME = "faulty-import"

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        self.report(original_node, "dropped an import")
        return updated_node.with_changes(body=updated_node.body[1:])


class MovesImportAcrossCode(StylefixCodemod):
    NAME = "faulty-move"

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = list(updated_node.body)
        if len(body) < 3:
            return updated_node
        self.report(original_node, "moved")
        return updated_node.with_changes(body=[body[1], body[0], *body[2:]])


class SwapsAssertOperands(StylefixCodemod):
    """A correct change of the kind assert-order makes: it must pass the guard."""

    NAME = "swapper"

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.Comparison:
        if len(updated_node.comparisons) != 1 or not isinstance(updated_node.comparisons[0].operator, cst.Equal):
            return updated_node
        if not isinstance(updated_node.left, cst.Name):
            return updated_node
        self.report(original_node, "swapped")
        target = updated_node.comparisons[0]
        return updated_node.with_changes(
            left=target.comparator, comparisons=[target.with_changes(comparator=updated_node.left)]
        )


SOURCE = b"import os\nimport sys\n\nvalue = list()\nprint(os, sys, value)\n"

# (faulty codemod, source, expected message)
FAULTS = [
    (DropsLastStatement, SOURCE, "internal error in faulty-drop: the statements from line 1 on are not the same"),
    (WritesKeywordAsName, SOURCE, "internal error in faulty-syntax: output does not parse"),
    (AppendsEveryTime, SOURCE, "internal error in faulty-unstable: not stable: a second run changes line 1 again"),
    (RewritesRuntimeCall, SOURCE, "internal error in faulty-runtime: line 4: the Assign changed (value)"),
    (DropsImport, SOURCE, "internal error in faulty-import: import of os was dropped"),
    (MovesImportAcrossCode, b"import os\nx = 1\nimport sys\n", "internal error in faulty-move: imports moved across"),
]


@pytest.mark.parametrize(("codemod", "source", "expected_message"), FAULTS, ids=[f[0].__name__ for f in FAULTS])
def test_WHEN_faulty_codemod_runs_THEN_safety_net_raises_internal_error(
    tmp_path: Path, codemod: type, source: bytes, expected_message: str
) -> None:
    config = load_config(tmp_path)

    with pytest.raises(InternalError) as caught:
        fix_source(source, tmp_path / "a.py", config, codemods=[codemod])

    assert str(caught.value).startswith(expected_message)
    assert str(caught.value).endswith("— please report")


@pytest.mark.parametrize(("codemod", "source", "expected_message"), FAULTS, ids=[f[0].__name__ for f in FAULTS])
def test_WHEN_faulty_codemod_runs_in_fix_mode_THEN_file_untouched_and_error_reported(
    tmp_path: Path, codemod: type, source: bytes, expected_message: str
) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(source)
    config = load_config(tmp_path)

    outcome = process_source(source, target, "a.py", config, RunOptions(Mode.FIX, codemods=(codemod,)), write=True)

    assert Status.ERROR == outcome.result.status
    assert outcome.result.error.startswith("a.py:1:1: " + expected_message)
    assert source == target.read_bytes()


def test_WHEN_faulty_codemod_runs_AND_fast_THEN_guard_skipped(tmp_path: Path) -> None:
    config = load_config(tmp_path)

    result = fix_source(SOURCE, tmp_path / "a.py", config, codemods=[RewritesRuntimeCall], safe=False)

    assert b"value = List()" in result.source


def test_WHEN_correct_codemod_swaps_assert_operands_THEN_guard_lets_it_through(tmp_path: Path) -> None:
    config = load_config(tmp_path)

    result = fix_source(b"assert result == 3\n", tmp_path / "a.py", config, codemods=[SwapsAssertOperands])

    assert b"assert 3 == result\n" == result.source


def test_WHEN_two_codemods_change_a_file_AND_one_is_faulty_THEN_the_faulty_one_is_blamed(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    source = b"import os\nassert value == 3\nx = list()\n"

    with pytest.raises(InternalError) as caught:
        fix_source(source, tmp_path / "a.py", config, codemods=[SwapsAssertOperands, RewritesRuntimeCall])

    assert "internal error in faulty-runtime:" in str(caught.value)


# (before, after, expected problem or None) for the equivalence check alone
EQUIVALENCE_CASES = [
    ("import sys\nimport os\n", "import os\nimport sys\n", None),
    ("import os\nimport os\n", "import os\n", None),
    ("import os, sys\n", "import os\nimport sys\n", None),
    ("x: list[int] = []\n", "from typing import List\n\nx: List[int] = []\n", None),
    ("def f(a: int | None) -> dict[str, 'list[int]']: ...\n", "def f(a: Optional[int]) -> Dict[str, 'List[int]']: ...\n", None),
    ("from collections.abc import Callable\nc: Callable[[], int]\n", "from typing import Callable\nc: Callable[[], int]\n", None),
    ("def test_a(): pass\ntest_a.x = 1\n", "def test_WHEN_a_called_THEN_as_expected(): pass\ntest_WHEN_a_called_THEN_as_expected.x = 1\n", None),
    ("assert r == 3, 'm'\n", "assert 3 == r, 'm'\n", None),
    ("self.assertEqual(r, 3, msg='m')\n", "self.assertEqual(3, r, msg='m')\n", None),
    ("x = list[int]()\n", "x = List[int]()\n", "line 1: the Assign changed (value)"),
    ("isinstance(x, int | str)\n", "isinstance(x, Union[int, str])\n", "line 1: the Expr changed (value)"),
    ("assert r < 3\n", "assert 3 < r\n", "line 1: the Assert changed (test)"),
    ("import os\nx = 1\n", "x = 1\n", "import of os was dropped"),
    ("import os\n", "import os\nimport json\n", "import of json was added"),
    ("x = 1\n", "x = 2\n", "line 1: the Assign changed (value)"),
    ("if a:\n    import b\n    import c\n", "if a:\n    import c\n    import b\n", None),
    ("if a:\n    import b\n    x = 1\n", "if a:\n    x = 1\n", "import of b was dropped"),
]


@pytest.mark.parametrize(("before", "after", "expected"), EQUIVALENCE_CASES)
def test_WHEN_equivalence_checked_THEN_only_allowed_changes_pass(before: str, after: str, expected: Optional[str]) -> None:
    from stylefix.results import Change

    changes = [Change("test-names", 1, "test_a -> test_WHEN_a_called_THEN_as_expected", rename=("test_a", "test_WHEN_a_called_THEN_as_expected"))]
    problem = equivalence_problem(before.encode(), after.encode(), changes)

    if expected is None:
        assert None == problem
    else:
        assert problem is not None and problem.startswith(expected), problem


def test_WHEN_one_old_name_renamed_differently_in_two_classes_THEN_guard_compares_definitions_pairwise() -> None:
    from stylefix.results import Change

    before = "class A:\n    def test_WHEN_x_THEN_y(self): pass\n    def test_x(self): pass\nclass B:\n    def test_x(self): pass\n"
    after = (
        "class A:\n    def test_WHEN_x_THEN_y(self): pass\n    def test_WHEN_x_THEN_y_2(self): pass\n"
        "class B:\n    def test_WHEN_x_THEN_y(self): pass\n"
    )
    changes = [Change("test-names", 3, "test_x -> test_WHEN_x_THEN_y_2", rename=("test_x", "test_WHEN_x_THEN_y_2")),
        Change("test-names", 5, "test_x -> test_WHEN_x_THEN_y", rename=("test_x", "test_WHEN_x_THEN_y")),
    ]

    # TEST: the reported renames pass
    assert None == equivalence_problem(before.encode(), after.encode(), changes)

    # TEST: a rename that was not reported does not
    problem = equivalence_problem(before.encode(), after.encode(), changes[:1])
    assert "line 5: the FunctionDef changed (name)" == problem
