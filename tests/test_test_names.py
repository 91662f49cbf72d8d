"""test-names: which functions, safety (collisions, references, pytest configuration), options, directives, CLI."""
from dataclasses import dataclass
import logging
from pathlib import Path
import pytest
import re
import subprocess
import sys
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import libcst as cst
from libcst.codemod import CodemodContext

from stylefix.codemod import FileContext
from stylefix.codemods.test_names import docs as test_names_docs
from stylefix.codemods.test_names import transform as test_names_module
from stylefix.config import is_test_file
from stylefix.engine import fix_source
from stylefix.mentions import with_project_mentions
from stylefix.results import Change
from tests.cases import Case, run_case
from tests.helpers import PROJECT_ROOT, apply_codemod, make_config, run_cli, write_files

CODEMOD = "test-names"
TEST_PATH = "tests/test_module.py"


@dataclass(frozen=True)
class Fixed:
    output: str
    changes: Tuple[Change, ...]
    warnings: Tuple[str, ...]


def fix(
    source: str,
    root: Path,
    path: str = TEST_PATH,
    options: Optional[Mapping[str, Any]] = None,
    table: Optional[Mapping[str, Any]] = None,
    pyproject: Optional[Mapping[str, Any]] = None,
    codemods: Optional[Sequence[type]] = None,
) -> Fixed:
    """One real engine run (safety net on) in a project on disk, as the runner sees it: its mention index and pytest
    configuration; warnings without the file's path and the codemod's name."""
    stylefix_table: Dict[str, Any] = dict(table or {})
    if options:
        stylefix_table[CODEMOD] = dict(options)
    # The project's mention index, as the runner builds it once per run.
    config = with_project_mentions(make_config(root, stylefix_table, pyproject))
    file_path = root / path
    result = fix_source(source.encode("utf-8"), file_path, config, names=[CODEMOD], codemods=codemods)
    # `path: test-names: message` -> `message`; `path:line:column: test-names: message` -> `line:column: message`
    located = re.compile(rf"^{re.escape(str(file_path))}:(\d+:\d+): {CODEMOD}: ")
    prefix = f"{file_path}: {CODEMOD}: "
    warnings = tuple(
        warning[len(prefix) :] if warning.startswith(prefix) else located.sub(r"\1: ", warning)
        for warning in result.warnings
    )
    return Fixed(result.source.decode("utf-8"), result.changes, warnings)


def messages(changes: Tuple[Change, ...]) -> Tuple[Tuple[int, str], ...]:
    return tuple((change.line, change.message) for change in changes)


# --- which functions -----------------------------------------------------------------------------------------------

PYTEST_CLASS = '''\
class TestParser:
    def test_parse_empty(self):
        assert [] == parse("")

    @property
    def test_data(self):
        return 1

    class TestNested:
        def test_parse_nested(self):
            assert [[]] == parse("[]")


class Helper:
    def test_parse_helper(self):
        return parse("x")
'''

PYTEST_CLASS_FIXED = '''\
class TestParser:
    def test_WHEN_parse_called_AND_empty_THEN_as_expected(self):
        assert [] == parse("")

    @property
    def test_data(self):
        return 1

    class TestNested:
        def test_WHEN_parse_called_AND_nested_THEN_as_expected(self):
            assert [[]] == parse("[]")


class Helper:
    def test_parse_helper(self):
        return parse("x")
'''


def test_WHEN_test_class_fixed_THEN_methods_renamed_AND_properties_and_other_classes_left_alone() -> None:
    run_case(Case("test class fixed", PYTEST_CLASS, PYTEST_CLASS_FIXED, path=TEST_PATH), [CODEMOD])


UNITTEST_CLASS = '''\
import unittest


class BaseCase(unittest.TestCase):
    def setUp(self):
        self.client = make_client()


class RESTClientTestCase(BaseCase):
    def test_get_happy_path(self):
        self.client.get("/x")

    def testPostRetries(self):
        self.client.post("/x")
'''


def test_WHEN_unittest_class_fixed_AND_option_off_THEN_left_alone() -> None:
    run_case(Case("unittest class fixed and option off", UNITTEST_CLASS, UNITTEST_CLASS, path=TEST_PATH), [CODEMOD])


def test_WHEN_unittest_class_fixed_AND_option_on_THEN_renamed_through_local_base() -> None:
    expected_output = UNITTEST_CLASS.replace(
        "test_get_happy_path", "test_WHEN_get_called_AND_happy_path_THEN_as_expected"
    ).replace("testPostRetries", "test_WHEN_post_called_THEN_retries")

    case = Case(
        "unittest class fixed and option on",
        UNITTEST_CLASS,
        expected_output,
        path=TEST_PATH,
        options={"unittest": True},
    )

    run_case(case, [CODEMOD])


def test_WHEN_class_has_base_from_another_module_THEN_left_alone_AND_warned(tmp_path: Path) -> None:
    source = "from tests.base import BaseTests\n\n\nclass TestApi(BaseTests):\n    def test_get(self):\n        get()\n"

    fixed = fix(source, tmp_path)

    assert source == fixed.output
    assert (
        "1:1: class TestApi has a base class defined in another module; its 1 tests may override inherited ones; "
        "not renamed",
    ) == fixed.warnings


def test_WHEN_child_class_overrides_test_THEN_both_left_alone_AND_warned(tmp_path: Path) -> None:
    source = (
        "class TestBase:\n"
        "    def test_save(self):\n"
        "        store.save()\n"
        "\n"
        "    def test_load(self):\n"
        "        store.load()\n"
        "\n"
        "\n"
        "class TestChild(TestBase):\n"
        "    test_save = None\n"
    )
    expected_output = source.replace("def test_load(", "def test_WHEN_load_called_THEN_as_expected(")

    fixed = fix(source, tmp_path)

    assert expected_output == fixed.output
    assert ("1:1: TestBase.test_save overrides or is overridden in a related class; not renamed",) == fixed.warnings


RELATED_CLASSES = """\
class TestBase:
    def test_WHEN_parse_called_THEN_as_expected(self):
        parse("a")


class TestChild(TestBase):
    def test_parse(self):
        parse("b")


class TestOther:
    def test_parse(self):
        parse("c")
"""


def test_WHEN_name_bound_anywhere_in_the_file_THEN_not_reused_AND_same_old_name_shares_the_new_one() -> None:
    # TEST: the safety net maps renames by name over the whole file, so a name bound in any class is avoided
    expected_output = RELATED_CLASSES.replace(
        "    def test_parse(self):", "    def test_WHEN_parse_called_THEN_as_expected_2(self):"
    )

    run_case(Case("name bound anywhere in the file", RELATED_CLASSES, expected_output, path=TEST_PATH), [CODEMOD])


UNRELATED_CLASSES = """\
class TestA:
    def test_parse_empty(self):
        parse("")


class TestB:
    def test_parse_if_empty(self):
        parse("")
"""


def test_WHEN_different_old_names_in_unrelated_classes_meet_THEN_second_disambiguated() -> None:
    expected_output = UNRELATED_CLASSES.replace(
        "test_parse_empty(", "test_WHEN_parse_called_AND_empty_THEN_as_expected("
    ).replace("test_parse_if_empty(", "test_WHEN_parse_called_AND_empty_THEN_as_expected_2(")

    case = Case(
        "different old names in unrelated classes meet",
        UNRELATED_CLASSES,
        expected_output,
        path=TEST_PATH,
    )

    run_case(case, [CODEMOD])


def test_WHEN_file_is_not_a_test_file_THEN_left_alone() -> None:
    source = "def test_parse_empty():\n    assert [] == parse('')\n"

    run_case(Case("file is not a test file", source, source, path="parser.py"), [CODEMOD])


def test_WHEN_test_files_configured_THEN_only_they_are_test_files() -> None:
    source = "def test_parse_empty():\n    assert [] == parse('')\n"
    expected_output = "def test_WHEN_parse_called_AND_empty_THEN_as_expected():\n    assert [] == parse('')\n"

    case = Case(
        "test files configured",
        source,
        expected_output,
        path="checks/parser_checks.py",
        table={"test-files": ["*_checks.py"]},
    )

    run_case(case, [CODEMOD])


def test_WHEN_test_functions_configured_THEN_other_names_left_alone() -> None:
    source = "def test_parse_empty():\n    assert [] == parse('')\n"

    case = Case(
        "test functions configured",
        source,
        source,
        path=TEST_PATH,
        table={"test-functions": ["check_*"]},
    )

    run_case(case, [CODEMOD])


def test_WHEN_python_functions_is_a_glob_THEN_new_names_still_match_it(tmp_path: Path) -> None:
    source = "def test_parse_empty():\n    assert [] == parse('')\n"
    pyproject = {"tool": {"pytest": {"ini_options": {"python_functions": "test_*"}}}}

    fixed = fix(source, tmp_path, pyproject=pyproject)

    assert "def test_WHEN_parse_called_AND_empty_THEN_as_expected():\n    assert [] == parse('')\n" == fixed.output


def test_WHEN_nested_function_named_like_a_test_THEN_left_alone() -> None:
    source = "def test_outer():\n    def test_inner():\n        pass\n\n    assert run(test_inner)\n"
    expected_output = source.replace("def test_outer(", "def test_WHEN_outer_THEN_as_expected(")

    run_case(Case("nested function named like a test", source, expected_output, path=TEST_PATH), [CODEMOD])


# --- safety: collisions, duplicates, references --------------------------------------------------------------------

COLLISIONS = '''\
from helpers import test_WHEN_render_called_THEN_as_expected


def test_parse_when_empty():
    assert [] == parse("")


def test_parse_if_empty():
    assert [] == parse("")


def test_parse_empty_fast():
    assert [] == parse("")


def test_parse_fast_empty():
    assert [] == parse("")


def test_render():
    assert render()
'''

COLLISIONS_FIXED = '''\
from helpers import test_WHEN_render_called_THEN_as_expected


def test_WHEN_parse_called_AND_empty_THEN_as_expected():
    assert [] == parse("")


def test_WHEN_parse_called_AND_empty_THEN_as_expected_2():
    assert [] == parse("")


def test_WHEN_parse_called_AND_empty_fast_THEN_as_expected():
    assert [] == parse("")


def test_WHEN_parse_called_AND_fast_empty_THEN_as_expected():
    assert [] == parse("")


def test_WHEN_render_called_THEN_as_expected_2():
    assert render()
'''


def test_WHEN_new_names_collide_THEN_disambiguated_AND_names_bound_in_scope_never_reused() -> None:
    run_case(Case("new names collide", COLLISIONS, COLLISIONS_FIXED, path=TEST_PATH), [CODEMOD])


def test_WHEN_planned_name_must_drop_a_word_to_fit_THEN_a_name_with_every_word_of_the_old_one_is_chosen() -> None:
    source = (
        "def test_merge_with_none():\n"
        "    assert {} == merge(None, {})\n"
        "\n"
        "\n"
        "def test_merge_with_none_and_big_list():\n"
        "    assert {} == merge(None, BIG)\n"
    )
    # `test_WHEN_merge_called_AND_with_none_AND_big_list_THEN_as_expected` is too long, and dropping `big_list`
    # would lose words: the old name's own parts, without `_called`, fit.
    expected_output = source.replace(
        "test_merge_with_none()", "test_WHEN_merge_called_AND_with_none_THEN_as_expected()"
    ).replace("test_merge_with_none_and_big_list()", "test_WHEN_merge_AND_with_none_AND_big_list_THEN_as_expected()")

    case = Case(
        "planned name must drop a word to fit",
        source,
        expected_output,
        path=TEST_PATH,
        options={"max-length": 66},
    )

    run_case(case, [CODEMOD])


def test_WHEN_same_name_in_two_classes_THEN_both_get_it() -> None:
    source = (
        "class TestA:\n"
        "    def test_parse(self):\n"
        "        parse('a')\n"
        "\n"
        "\n"
        "class TestB:\n"
        "    def test_parse(self):\n"
        "        parse('b')\n"
    )
    expected_output = source.replace("def test_parse(", "def test_WHEN_parse_called_THEN_as_expected(")

    run_case(Case("same name in two classes", source, expected_output, path=TEST_PATH), [CODEMOD])


def test_WHEN_name_defined_twice_THEN_neither_renamed_AND_warned(tmp_path: Path) -> None:
    source = "def test_parse():\n    parse('a')\n\n\ndef test_parse():\n    parse('b')\n"

    fixed = fix(source, tmp_path)

    assert source == fixed.output
    assert (
        "1:5: test_parse is bound 2 times in its scope (lines 1, 5); only the last counts; not renamed",
        "5:5: test_parse is bound 2 times in its scope (lines 1, 5); only the last counts; not renamed",
    ) == fixed.warnings


REFERENCES = '''\
import pytest


def test_parse_empty():
    assert [] == parse("")


parse_alias = pytest.mark.slow(test_parse_empty)
ALL = [test_parse_empty]


def test_name():
    assert "test_parse_empty" == test_parse_empty.__name__


class TestParser:
    def test_load(self):
        load()

    test_load_again = test_load
'''

REFERENCES_FIXED = '''\
import pytest


def test_parse_empty():
    assert [] == parse("")


parse_alias = pytest.mark.slow(test_parse_empty)
ALL = [test_parse_empty]


def test_WHEN_name_THEN_as_expected():
    assert "test_parse_empty" == test_parse_empty.__name__


class TestParser:
    def test_WHEN_load_called_THEN_as_expected(self):
        load()

    test_load_again = test_WHEN_load_called_THEN_as_expected
'''


def test_WHEN_test_referenced_in_same_file_THEN_references_renamed_AND_test_named_in_a_string_kept(tmp_path: Path) -> None:
    fixed = fix(REFERENCES, tmp_path)

    assert REFERENCES_FIXED == fixed.output
    assert (
        "4:5: kept test_parse_empty: its name is used at tests/test_module.py:13 (string); rename both by hand",
    ) == fixed.warnings
    assert (
        (12, "test_name -> test_WHEN_name_THEN_as_expected"),
        (17, "test_load -> test_WHEN_load_called_THEN_as_expected"),
    ) == messages(fixed.changes)


def test_WHEN_method_called_through_self_THEN_kept_AND_warned_as_attribute(tmp_path: Path) -> None:
    source = "class TestX:\n    def test_a(self):\n        run()\n\n    def test_b(self):\n        self.test_a()\n"

    fixed = fix(source, tmp_path)

    assert source.replace("def test_b(self)", "def test_WHEN_b_THEN_as_expected(self)") == fixed.output
    assert (
        "2:9: kept test_a: its name is used at tests/test_module.py:6 (attribute); rename both by hand",
    ) == fixed.warnings


@pytest.mark.parametrize(
    ("config_file", "content", "expected_warning"),
    [
        (
            "pytest.ini",
            "[pytest]\naddopts = --deselect tests/test_module.py::test_parse_empty\n",
            "1:5: kept test_parse_empty: its name is used at pytest.ini:2 (node id); rename both by hand",
        ),
        (
            "pyproject.toml",
            '[tool.pytest.ini_options]\naddopts = ["-k", "not test_parse_empty"]\n',
            "1:5: kept test_parse_empty: its name is used at pyproject.toml:2 (-k expression); rename both by hand",
        ),
        (
            "tox.ini",
            "[testenv]\ncommands = pytest tests/test_module.py::test_parse_empty[1]\n",
            "1:5: kept test_parse_empty: its name is used at tox.ini:2 (node id); rename both by hand",
        ),
        (
            "setup.cfg",
            "[tool:pytest]\naddopts = -k 'not expected'\n",
            "1:5: kept test_parse_empty: -k 'expected' at setup.cfg:2 selects it and "
            "test_WHEN_parse_called_AND_empty_THEN_as_expected differently (-k expression); rename both by hand",
        ),
        (
            "Makefile",
            "slow:\n\tpytest -k test_parse_empty\n",
            "1:5: kept test_parse_empty: its name is used at Makefile:2 (-k expression); rename both by hand",
        ),
        (
            ".github/workflows/ci.yml",
            "jobs:\n  test:\n    steps:\n      - run: pytest tests/test_module.py::test_parse_empty\n",
            "1:5: kept test_parse_empty: its name is used at .github/workflows/ci.yml:4 (node id); rename both by hand",
        ),
        (
            "tests/conftest.py",
            'SLOW = {"test_parse_empty"}\n',
            "1:5: kept test_parse_empty: its name is used at tests/conftest.py:1 (string); rename both by hand",
        ),
        (
            "tests/test_other.py",
            "from tests.test_module import test_parse_empty\n",
            "1:5: kept test_parse_empty: its name is used at tests/test_other.py:1 (import); rename both by hand",
        ),
    ],
)
def test_WHEN_test_named_in_project_configuration_or_another_file_THEN_kept_AND_warned(
    tmp_path: Path, config_file: str, content: str, expected_warning: str
) -> None:
    write_files(tmp_path, {config_file: content})
    source = "def test_parse_empty():\n    assert [] == parse('')\n"

    fixed = fix(source, tmp_path)

    assert source == fixed.output
    assert (expected_warning,) == fixed.warnings


def test_WHEN_pytest_configuration_does_not_name_the_test_THEN_no_warning(tmp_path: Path) -> None:
    write_files(tmp_path, {"pytest.ini": "[pytest]\naddopts = -k 'not slow' --deselect tests/test_x.py::test_a\n"})

    fixed = fix("def test_parse_empty():\n    assert [] == parse('')\n", tmp_path)

    assert () == fixed.warnings


# --- scope analysis only where the text says it can matter ---------------------------------------------------------


class ScopeAlwaysTestNames(test_names_module.TestNames):
    """The same codemod with scope analysis for every file: what the cheap paths must agree with."""

    def _unreferenced_def_lines(self, *args: Any) -> None:
        return None


# (source, whether scope analysis runs): the old name only at its def, elsewhere only in strings, comments,
# attributes, keyword names and imported-from modules (CPython's ast tells), or as a variable (scope analysis).
PATH_CASES: List[Tuple[str, bool]] = [
    ("def test_parse_empty():\n    assert [] == parse('')\n", False),
    ("def test_a():\n    run()\n\n\ndef test_b():\n    assert 'test_a' in names()\n", False),
    ("class TestX:\n    def test_a(self):\n        run()\n\n    def test_b(self):\n        self.test_a()\n", False),
    ("# test_a is slow\ndef test_a():  # test_a\n    run()\n", False),
    ("from test_a import helper\n\n\ndef test_a():\n    helper(test_a=1)\n", False),
    ("def test_a():\r    run()\r\r\rdef test_b():\r    assert 'test_a' in names()\r", False),
    ("def test_a():\r\n    run()\r\n\r\n\r\ndef test_b():\r\n    assert 'test_a' in names()\r\n", False),
    ("@pytest.mark.slow\ndef \\\n    test_a():\n    run()\n\n\nX = 'test_a'\n", False),
    (REFERENCES, True),
    ("def test_a():\n    run()\n\n\ndef test_b():\n    assert test_a.__doc__ is None\n", True),
    ("def test_a():\n    run()\n\n\ndel test_a\n", True),
    ("def test_a():\n    run()\n\n\ndef helper():\n    global test_a\n", True),
    ("def test_a():\n    run()\n\n\nNAMES = [f'{test_a.__name__}']\n", True),
    ("def test_a():\n    run()\n\n\nNAMES = [f'test_a: {test_a.__name__}']\n", False),
    ("import test_a\n\n\ndef test_a():\n    run()\n", True),
    ("def test_parse():\n    parse('a')\n\n\ndef test_parse():\n    parse('b')\n", True),
    ("class TestA:\n    def test_a(self):\n        run()\n\n\nclass TestB:\n    def test_a(self):\n        go()\n",
     False),
    ("def test_a():\n    run()\n\n\nclass TestA:\n    def test_a(self):\n        go()\n\n    class TestNested:\n"
     "        def test_a(self):\n            stop()\n", False),
    ("def test_a():\n    def test_b():\n        pass\n\n    run(test_b)\n\n\ndef test_b():\n    go()\n", True),
    ("def test_a():\n    def test_b():\n        pass\n\n    run()\n\n\ndef test_b():\n    go()\n", False),
    ("class TestA:\n    def test_a(self):\n        run()\n\n    def test_a(self):\n        go()\n", True),
    ("class TestA:\n    def test_a(self):\n        run()\n\n\nclass TestA:\n    def test_a(self):\n        go()\n",
     True),
    ("def test_a():\n    run()\n\n\nclass TestA:\n    def test_a(self):\n        go()\n\n\nALL = [test_a]\n", True),
    ("def test_caf\u00e9():\n    run()\n", True),
    ("class TestX:\n    def test_a(self):\n        run()\n\n    @pytest.mark.parametrize('x', [test_a])\n"
     "    def test_b(self, x):\n        go(x)\n", True),
]


@pytest.mark.parametrize(("source", "scoped"), PATH_CASES)
def test_WHEN_file_renamed_THEN_same_result_as_with_scope_analysis_AND_scopes_resolved_only_when_needed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, source: str, scoped: bool
) -> None:
    expected = fix(source, tmp_path, codemods=[ScopeAlwaysTestNames])
    caplog.clear()

    with caplog.at_level(logging.DEBUG, logger=test_names_module.__name__):
        actual = fix(source, tmp_path)

    assert expected == actual
    assert scoped == any("scope analysis" in record.getMessage() for record in caplog.records)


# --- options and directives ----------------------------------------------------------------------------------------


def test_WHEN_name_too_long_THEN_conditions_dropped_from_the_end() -> None:
    source = "def test_merge_with_none_and_empty():\n    assert {} == merge(None, {})\n"
    # The condition `empty` is dropped; the old name's own parts keep it: `merge` without `_called`.
    expected_output = "def test_WHEN_merge_AND_with_none_AND_empty_THEN_as_expected():\n    assert {} == merge(None, {})\n"

    run_case(Case("name too long", source, expected_output, path=TEST_PATH, options={"max-length": 62}), [CODEMOD])


def test_WHEN_only_dropping_words_would_fit_THEN_left_alone_AND_warned(tmp_path: Path) -> None:
    source = "def test_merge_with_none_and_empty_and_nested():\n    assert {} == merge(None, {})\n"

    fixed = fix(source, tmp_path, options={"max-length": 62})

    assert source == fixed.output
    assert (
        "1:5: kept test_merge_with_none_and_empty_and_nested: no new name within 62 characters keeps its meaning "
        "(lost word 'empty', lost word 'nested'); rename it by hand",
    ) == fixed.warnings


def test_WHEN_name_cannot_fit_THEN_left_alone_AND_warned(tmp_path: Path) -> None:
    source = "def test_merge_with_none():\n    assert {} == merge(None, {})\n"

    fixed = fix(source, tmp_path, options={"max-length": 30})

    assert source == fixed.output
    assert ("1:5: kept test_merge_with_none: no new name fits in 30 characters; rename it by hand",) == fixed.warnings


@pytest.mark.parametrize(
    "source",
    [
        "def test_parse_empty():  # stylefix: skip\n    assert [] == parse('')\n",
        "def test_parse_empty():  # stylefix: skip[test-names]\n    assert [] == parse('')\n",
        "@pytest.mark.slow  # stylefix: skip\ndef test_parse_empty():\n    assert [] == parse('')\n",
        "class TestParse:  # stylefix: skip\n    def test_parse_empty(self):\n        assert [] == parse('')\n",
    ],
)
def test_WHEN_skip_directive_on_header_THEN_left_alone(source: str) -> None:
    run_case(Case("skip directive on header", source, source, path=TEST_PATH), [CODEMOD])


def test_WHEN_skip_directive_names_another_codemod_THEN_renamed() -> None:
    source = "def test_parse_empty():  # stylefix: skip[sort-imports]\n    assert [] == parse('')\n"
    expected_output = source.replace("test_parse_empty", "test_WHEN_parse_called_AND_empty_THEN_as_expected")

    run_case(Case("skip directive names another codemod", source, expected_output, path=TEST_PATH), [CODEMOD])


def test_WHEN_crlf_source_with_comments_THEN_only_the_name_changes() -> None:
    source = "# header\r\ndef test_parse_empty():  # why\r\n    # Act\r\n    assert [] == parse('')  # note\r\n"
    expected_output = source.replace("test_parse_empty", "test_WHEN_parse_called_AND_empty_THEN_as_expected")

    run_case(Case("crlf source with comments", source, expected_output, path=TEST_PATH), [CODEMOD])


# --- pre-check -----------------------------------------------------------------------------------------------------

PRECHECK_CASES = [
    ("def test_WHEN_a_called_THEN_b():\n    pass\n", False),
    ("def helper():\n    pass\n", False),
    ("async def test_a():\n    pass\n", True),
    ("def test_WHEN_a():\n    pass\n", True),
    ("class TestX:\n    def test_CONFIRM_x(self):\n        pass\n", True),
    ("def \\\n    test_a():\n    pass\n", True),
]


@pytest.mark.parametrize(("source", "expected"), PRECHECK_CASES)
def test_WHEN_precheck_run_THEN_false_only_without_a_nonconforming_test_def(source: str, expected: bool) -> None:
    config = make_config(Path("."))
    file = FileContext(Path(TEST_PATH), config, is_test_file(Path(TEST_PATH), config))

    actual = test_names_module.TestNames.precheck(source.encode(), file)

    assert expected == actual


FULL_PATH_SOURCES = [source for source, precheck in PRECHECK_CASES if not precheck] + [
    "class TestX:\n    def test_WHEN_a_called_THEN_b(self):\n        pass\n",
    "X = 'def test_WHEN_x_THEN_y'\n\n\ndef check_a():\n    pass\n",
]


@pytest.mark.parametrize("source", FULL_PATH_SOURCES)
def test_WHEN_precheck_is_false_THEN_full_path_changes_nothing(source: str) -> None:
    config = make_config(Path("."))
    file = FileContext(Path(TEST_PATH), config, True)
    codemod = test_names_module.TestNames(CodemodContext(), file)

    output = codemod.transform_module(cst.parse_module(source))

    assert False is test_names_module.TestNames.precheck(source.encode(), file)
    assert [] == codemod.changes
    assert source == output.code


# --- CLI -----------------------------------------------------------------------------------------------------------


def test_WHEN_check_run_THEN_full_mapping_printed_AND_nothing_written(tmp_path: Path) -> None:
    source = "def test_parse_empty():\n    assert [] == parse('')\n\n\ndef test_render():\n    render()\n"
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\n", "tests/test_parser.py": source})

    result = run_cli(["check", "--no-cache", "--select", CODEMOD, "."], cwd=tmp_path)

    assert 1 == result.returncode
    assert [
        "would change tests/test_parser.py (test-names)",
        "  tests/test_parser.py:1: test-names: test_parse_empty -> test_WHEN_parse_called_AND_empty_THEN_as_expected",
        "  tests/test_parser.py:5: test-names: test_render -> test_WHEN_render_called_THEN_as_expected",
    ] == result.stdout.decode().splitlines()
    assert source == (tmp_path / "tests" / "test_parser.py").read_text()


def test_WHEN_explain_run_THEN_rules_and_examples_printed(tmp_path: Path) -> None:
    result = run_cli(["explain", CODEMOD], cwd=tmp_path)
    output = result.stdout.decode()

    assert 0 == result.returncode
    assert "test_WHEN_<action>_AND_<condition>_THEN_<result>" in output
    assert "How the name is built:" in output
    assert "def test_WHEN_deploy_called_AND_not_bootstrapped_THEN_executes_command(mock_shell):" in output
    assert len(test_names_docs.EXAMPLES) == output.count("Example: ")


# --- structure -----------------------------------------------------------------------------------------------------

# The word-level parts: `stylefix explain`, the registry and the pre-check read them without paying for LibCST.
LIBCST_FREE_MODULES = ("docs", "grammar", "meaning", "naming", "precheck", "spec", "words")


def test_WHEN_word_level_modules_imported_THEN_libcst_is_not() -> None:
    imports = "".join(f"import stylefix.codemods.test_names.{module}\n" for module in LIBCST_FREE_MODULES)
    script = f"import sys\n{imports}print('libcst' in sys.modules)\n"

    completed = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True)

    assert "False" == completed.stdout.strip(), completed.stderr
