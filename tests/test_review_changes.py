"""The units `stylefix review` asks about and how choices become text, on real codemod output."""
from pathlib import Path
from typing import Dict, List

from stylefix.config import Config
from stylefix.engine import fix_source
from stylefix.results import FixResult
from stylefix.review_changes import (
    Decision,
    Unit,
    apply_hunks,
    apply_renames,
    directive_rows,
    hunk_units,
    name_problem,
    rename_units,
    with_skipped_left_out,
)
from tests.helpers import make_config

TESTS = """\
def test_total():
    assert total([1]) == 1


def test_empty():
    assert total([]) == 0


CASES = [test_total]
"""
CALLABLES = """\
from collections.abc import Callable


def first(values: list[int], f: Callable[[int], int]) -> int:
    return f(values[0])


def last(values: list[int], g: Callable[[int], int]) -> int | None:
    return g(values[-1])
"""
IMPORTS = "import sys\nimport os\n\nimport requests\n\n\ndef main() -> None:\n    pass\n"
ANNOTATIONS = """\
def first(values: list[int]) -> int:
    return values[0]


def last(values: list[int]) -> int:
    return values[-1]
"""


def _staged(tmp_path: Path, source: str, codemod: str, name: str = "module.py") -> FixResult:
    config = make_config(tmp_path)
    return fix_source(source.encode(), tmp_path / name, config, names=[codemod])


def _config(tmp_path: Path) -> Config:
    return make_config(tmp_path)


def test_WHEN_rename_units_built_AND_one_rename_edited_THEN_its_references_get_the_typed_name(tmp_path: Path) -> None:
    staged = _staged(tmp_path, TESTS, "test-names", "test_module.py")
    units = rename_units(TESTS, staged, staged.source.decode())
    assert units is not None and 2 == len(units)
    decisions: Dict[int, Decision] = {0: Decision("edit", name="test_WHEN_total_called_THEN_one")}

    result = apply_renames(TESTS, units, decisions)

    expected = TESTS.replace("def test_total", "def test_WHEN_total_called_THEN_one").replace(
        "[test_total]", "[test_WHEN_total_called_THEN_one]"
    )
    assert expected == result
    # TEST: a skip directive goes on the definition's line and renames nothing
    result = apply_renames(TESTS, units, {1: Decision("directive")})
    assert "def test_empty():  # stylefix: skip[test-names]" in result.splitlines()


def test_WHEN_sort_imports_moves_an_import_THEN_the_block_is_one_unit(tmp_path: Path) -> None:
    staged = _staged(tmp_path, IMPORTS, "sort-imports")
    new_text = staged.source.decode()

    units = hunk_units("sort-imports", IMPORTS, staged, new_text)

    assert 1 == len(units)
    assert new_text == apply_hunks(IMPORTS, units, {0: Decision("accept")})
    assert IMPORTS == apply_hunks(IMPORTS, units, {0: Decision("skip")})


def test_WHEN_typing_generics_hunks_built_THEN_imports_follow_the_accepted_annotations(tmp_path: Path) -> None:
    staged = _staged(tmp_path, ANNOTATIONS, "typing-generics")
    new_text = staged.source.decode()
    units = hunk_units("typing-generics", ANNOTATIONS, staged, new_text)
    asked = [index for index, unit in enumerate(units) if not unit.companion]

    accepted_all = apply_hunks(ANNOTATIONS, units, {index: Decision("accept") for index in asked})
    accepted_none = apply_hunks(ANNOTATIONS, units, {})
    accepted_last = apply_hunks(ANNOTATIONS, units, {asked[-1]: Decision("accept")})

    assert new_text == accepted_all
    assert ANNOTATIONS == accepted_none
    assert "from typing import List" in accepted_last
    assert "def first(values: list[int]) -> int:" in accepted_last.splitlines()
    assert "def last(values: List[int]) -> int:" in accepted_last.splitlines()


def test_WHEN_directive_rows_asked_THEN_lines_inside_strings_and_continuations_are_left_out() -> None:
    text = 'x = 1\ny = """a\nb"""\nz = 1 + \\\n    2\n# comment\n\nw = (1,\n     2)\n'

    rows = directive_rows(text)

    assert [1, 3, 5, 8, 9] == sorted(rows)


def test_WHEN_an_edited_name_is_checked_THEN_only_collectable_unused_identifiers_pass(tmp_path: Path) -> None:
    config = _config(tmp_path)
    unit = Unit("test-names", [], 0, 0, old="test_total", new="test_WHEN_total_called_THEN_one")
    cases: List[str] = ["not a name", "class", "check_total", "test_empty", "test_taken", "test_WHEN_ok_THEN_fine"]

    problems = [name_problem(name, unit, TESTS, config, {"test_taken"}) for name in cases]

    assert [True, True, True, True, True, False] == [problem is not None for problem in problems]
    assert "would not be collected" in (problems[2] or "")
    assert "already used" in (problems[3] or "")


def test_WHEN_one_annotation_is_refused_THEN_the_codemod_keeps_the_imports_it_still_needs(tmp_path: Path) -> None:
    staged = _staged(tmp_path, CALLABLES, "typing-generics")
    units = hunk_units("typing-generics", CALLABLES, staged, staged.source.decode())
    asked = [index for index, unit in enumerate(units) if not unit.companion]
    assert 2 == len(asked)

    def run(text: str) -> str:
        return _staged(tmp_path, text, "typing-generics").source.decode()

    result = with_skipped_left_out(CALLABLES, units, {asked[1]: Decision("accept")}, run)

    assert result is not None
    lines = result.splitlines()
    assert "from collections.abc import Callable" in lines
    assert "def first(values: list[int], f: Callable[[int], int]) -> int:" in lines
    assert "def last(values: List[int], g: typing.Callable[[int], int]) -> Optional[int]:" in lines
    assert "stylefix" not in result
    # TEST: with everything accepted there is nothing to leave out: the caller applies the hunks as they are
    assert with_skipped_left_out(CALLABLES, units, {index: Decision("accept") for index in asked}, run) is None
