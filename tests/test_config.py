"""Configuration: discovery of pyproject.toml, validation with one-line errors, pytest's test-file settings."""
from pathlib import Path
import pytest
from typing import Dict

from stylefix import registry
from stylefix.codemods.assert_order.spec import AssertOrderOptions
from stylefix.codemods.sort_imports.spec import SortImportsOptions
from stylefix.codemods.test_names import spec as test_names_spec
from stylefix.codemods.typing_generics.spec import TypingGenericsOptions
from stylefix.config import InvalidConfig, is_test_file, is_test_function, load_config
from tests.helpers import run_cli, write_files

FULL_CONFIG = """
[tool.stylefix]
select = ["sort-imports", "assert-order", "test-names"]
ignore = ["test-names"]
extend-exclude = ["migrations"]
line-length = 100
known-first-party = ["shop"]

[tool.stylefix.sort-imports]
extra-standard-library = ["pytest"]
known-first-party = ["billing"]

[tool.stylefix.assert-order]
scope = "all"
unittest = true

[tool.stylefix.test-names]
max-length = 99
"""

# (pyproject text, expected one-line error)
BAD_CONFIGS = [
    ("[tool.stylefix]\nselekt = []\n", "unknown key 'selekt' in [tool.stylefix]; valid keys: select, ignore"),
    ("[tool.stylefix]\nselect = ['sort-import']\n", "unknown codemod 'sort-import'; valid names: test-names"),
    ("[tool.stylefix]\nline-length = 'wide'\n", "line-length: invalid value 'wide'; expected an integer"),
    ("[tool.stylefix]\nline-length = 0\n", "line-length: invalid value 0; expected a positive integer"),
    ("[tool.stylefix.assert-order]\nscope = 'everything'\n", "invalid value 'everything'; expected one of 'tests', 'all'"),
    ("[tool.stylefix.typing-generics]\nbare = 'yes'\n", "typing-generics.bare: invalid value 'yes'; expected true or false"),
    ("[tool.stylefix.sort-imports]\nsplit = true\n", "unknown option 'split' in [tool.stylefix.sort-imports]; valid options:"),
    ("[tool.stylefix]\nexclude = [1]\n", "exclude: invalid value [1]; expected a list of strings"),
    ("[tool.stylefix\n", "invalid TOML"),
]


def test_WHEN_load_config_called_AND_no_pyproject_THEN_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)

    assert registry.NAMES == config.enabled
    assert 120 == config.line_length
    assert SortImportsOptions() == config.options("sort-imports")
    assert TypingGenericsOptions() == config.options("typing-generics")
    assert ("test_*.py", "*_test.py") == config.test_files


def test_WHEN_load_config_called_AND_full_table_THEN_every_key_parsed(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": FULL_CONFIG, "pkg/mod.py": ""})

    config = load_config(tmp_path / "pkg" / "mod.py")

    assert tmp_path / "pyproject.toml" == config.config_path
    assert tmp_path == config.root
    assert ("assert-order", "sort-imports") == config.enabled
    assert ("migrations",) == config.extend_exclude
    assert 100 == config.line_length
    expected_sort = SortImportsOptions(known_first_party=("shop", "billing"), extra_standard_library=("pytest",))
    assert expected_sort == config.options("sort-imports")
    assert AssertOrderOptions(scope="all", unittest=True) == config.options("assert-order")
    assert test_names_spec.TestNamesOptions(max_length=99) == config.options("test-names")


def test_WHEN_load_config_called_AND_cli_select_THEN_overrides_file_and_ignore_extends(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": FULL_CONFIG})

    # TEST: --select wins over the file's select and its ignore
    config = load_config(tmp_path, select=["test-names", "typing-generics"])
    assert ("test-names", "typing-generics") == config.enabled

    # TEST: --ignore adds to the file's ignore
    config = load_config(tmp_path, ignore=["assert-order"])
    assert ("sort-imports",) == config.enabled


def test_WHEN_load_config_called_AND_nested_pyproject_without_table_THEN_searches_further_up(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": FULL_CONFIG, "sub/pyproject.toml": "[project]\nname='x'\n"})

    config = load_config(tmp_path / "sub")

    assert tmp_path / "pyproject.toml" == config.config_path


def test_WHEN_load_config_called_AND_config_option_THEN_that_file_is_used(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": FULL_CONFIG, "other.toml": "line-length = 80\n"})

    config = load_config(tmp_path, config_file=tmp_path / "other.toml")

    assert 80 == config.line_length
    assert registry.NAMES == config.enabled


@pytest.mark.parametrize(("text", "expected_message"), BAD_CONFIGS)
def test_WHEN_load_config_called_AND_bad_config_THEN_one_line_error_names_it(
    tmp_path: Path, text: str, expected_message: str
) -> None:
    write_files(tmp_path, {"pyproject.toml": text})

    with pytest.raises(InvalidConfig) as caught:
        load_config(tmp_path)

    assert expected_message in str(caught.value)
    assert 1 == len(str(caught.value).splitlines())


@pytest.mark.parametrize(("text", "expected_message"), BAD_CONFIGS[:3])
def test_WHEN_cli_run_AND_bad_config_THEN_exit_2_with_one_line_and_no_traceback(
    tmp_path: Path, text: str, expected_message: str
) -> None:
    write_files(tmp_path, {"pyproject.toml": text, "a.py": "import os\n"})

    completed = run_cli(["check", "."], cwd=tmp_path)

    assert 2 == completed.returncode
    stderr = completed.stderr.decode()
    assert expected_message in stderr
    assert "Traceback" not in stderr
    assert 1 == len(stderr.strip().splitlines())


def test_WHEN_cli_run_AND_unknown_select_option_THEN_exit_2_names_valid_choices(tmp_path: Path) -> None:
    completed = run_cli(["check", "--select", "sort-imports,bogus", "."], cwd=tmp_path)

    assert 2 == completed.returncode
    assert "unknown codemod 'bogus'; valid names: test-names, assert-order" in completed.stderr.decode()


# (pyproject text, file name, expected is-test-file)
TEST_FILE_CASES: Dict[str, tuple] = {
    "default test_ prefix": ("", "test_shop.py", True),
    "default _test suffix": ("", "shop_test.py", True),
    "default plain module": ("", "shop.py", False),
    "pytest python_files string": ("[tool.pytest.ini_options]\npython_files = 'check_*.py'\n", "check_x.py", True),
    "pytest python_files replaces default": ("[tool.pytest.ini_options]\npython_files = ['check_*.py']\n", "test_x.py", False),
    "stylefix test-files wins": ("[tool.stylefix]\ntest-files = ['spec_*.py']\n", "spec_x.py", True),
}


@pytest.mark.parametrize("case", sorted(TEST_FILE_CASES))
def test_WHEN_is_test_file_called_THEN_follows_pytest_and_stylefix_settings(tmp_path: Path, case: str) -> None:
    text, name, expected = TEST_FILE_CASES[case]
    write_files(tmp_path, {"pyproject.toml": text + "\n[tool.stylefix.sort-imports]\n"})

    config = load_config(tmp_path)

    assert expected == is_test_file(tmp_path / name, config)


def test_WHEN_is_test_function_called_THEN_prefixes_and_globs_match_like_pytest(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\ntest-functions = ['test', 'check_*_ok']\n"})
    config = load_config(tmp_path)

    assert True == is_test_function("test_x", config)
    assert True == is_test_function("check_a_ok", config)
    assert False == is_test_function("check_a", config)
    assert False == is_test_function("helper", config)
