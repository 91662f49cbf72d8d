"""test-names on the real CLI, stdin and language server: issue 17's repros, each a project on disk.

A test whose name is used where the rename cannot reach (a string anywhere in the project, an import, a node id or
`-k` expression in its configuration) keeps its name with a warning that says where and why; comments and
docstrings follow the rename; a new name keeps every content word and negation of the old one.
"""
import json
from pathlib import Path
import pytest
from typing import Any, Dict, List

from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.helpers import run_cli, write_files
from tests.test_lsp import client, format_document, make_project, open_document, workspace
from tests.test_test_names_table import MEANING_CASES

__all__ = ["client", "workspace"]  # the language server fixtures, shared with tests/test_lsp.py

PYPROJECT = "[tool.stylefix]\nselect = [\"test-names\"]\n"
# pluggy 1.7.0 testing/test_hookcaller.py: the expected message holds the test's qualified name.
HOOK_CONFLICT = '''\
import pytest


def test_hook_conflict(pm):
    class Api1:
        pass

    with pytest.raises(ValueError) as exc:
        pm.add_hookspecs(Api1)
    assert str(exc.value).endswith("<class 'test_hookcaller.test_hook_conflict.<locals>.Api1'>")


def test_qualname():
    class A:
        pass

    assert "test_qualname.<locals>.A" == A.__qualname__


def test_node_name(request):
    assert "test_node_name" == request.node.name


def test_other_thing_works():
    assert run()


@pytest.mark.dependency(depends=["test_other_thing_works"])
def test_lookup_by_name():
    assert globals()["test_globals_target"] and getattr(MODULE, "test_getattr_target")


def test_globals_target():
    assert go()


def test_getattr_target():
    assert go()


def test_dict_target():
    assert go()


SLOW = {"reason": "test_dict_target"}
'''


def check_json(root: Path, *args: str) -> Dict[str, Any]:
    result = run_cli(["check", "--no-cache", "--output-format", "json", *args], root)
    return json.loads(result.stdout)


def warnings_of(data: Dict[str, Any]) -> List[str]:
    return [warning for entry in data["files"] for warning in entry.get("warnings", [])]


def renames_of(data: Dict[str, Any]) -> List[str]:
    return [change["message"] for entry in data["files"] for change in entry["changes"]]


def test_WHEN_test_name_used_in_strings_of_its_own_file_THEN_every_such_test_kept_AND_warned_where(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"pyproject.toml": PYPROJECT, "testing/test_hookcaller.py": HOOK_CONFLICT})
    expected_warnings = [
        f"testing/test_hookcaller.py:{line}:5: test-names: kept {name}: its name is used at "
        f"testing/test_hookcaller.py:{used} (string); rename both by hand"
        for line, name, used in [
            (4, "test_hook_conflict", 10),
            (13, "test_qualname", 17),
            (20, "test_node_name", 21),
            (24, "test_other_thing_works", 28),
            (33, "test_globals_target", 30),
            (37, "test_getattr_target", 30),
            (41, "test_dict_target", 45),
        ]
    ]

    result = run_cli(["fix", "--no-cache", "."], tmp_path)

    assert 0 == result.returncode
    assert HOOK_CONFLICT.replace(
        "def test_lookup_by_name():", "def test_WHEN_lookup_by_name_THEN_as_expected():"
    ) == (tmp_path / "testing" / "test_hookcaller.py").read_text(encoding="utf-8")
    assert expected_warnings == sorted(
        (line for line in result.stderr.decode().splitlines() if "kept" in line),
        key=lambda warning: int(warning.split(":")[1]),
    )


def test_WHEN_test_name_used_in_another_file_or_the_project_configuration_THEN_kept_AND_warned_with_the_kind(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": PYPROJECT,
            "tests/test_a.py": (
                "def test_x():\n    assert go()\n\n\ndef test_y():\n    assert go()\n\n\n"
                "def test_z():\n    assert go()\n\n\ndef test_w():\n    assert go()\n\n\n"
                "def test_free():\n    assert go()\n"
            ),
            "tests/test_b.py": (
                "import pytest\n\n\n"
                '@pytest.mark.dependency(depends=["tests/test_a.py::test_x"])\n'
                "def test_WHEN_b_THEN_as_expected():\n    pass\n"
            ),
            "tox.ini": "[testenv]\ncommands = pytest -k 'test_y or slow'\n",
            "Makefile": "quick:\n\tpytest tests/test_a.py::test_z\n",
            ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: pytest --deselect tests/test_a.py::test_w\n",
        },
    )
    expected_warnings = [
        "tests/test_a.py:1:5: test-names: kept test_x: its name is used at tests/test_b.py:4 (string); "
        "rename both by hand",
        "tests/test_a.py:5:5: test-names: kept test_y: its name is used at tox.ini:2 (-k expression); "
        "rename both by hand",
        "tests/test_a.py:9:5: test-names: kept test_z: its name is used at Makefile:2 (node id); rename both by hand",
        "tests/test_a.py:13:5: test-names: kept test_w: its name is used at .github/workflows/ci.yml:4 (node id); "
        "rename both by hand",
    ]

    data = check_json(tmp_path, "tests")

    assert ["test_free -> test_WHEN_free_THEN_as_expected"] == renames_of(data)
    assert expected_warnings == warnings_of(data)


def test_WHEN_test_mentioned_in_comments_and_docstrings_THEN_they_follow_the_rename_AND_are_reported(
    tmp_path: Path,
) -> None:
    source = (
        '"""Tests of the parser; test_parse_empty is the fast one."""\n\n\n'
        "# test_parse_empty needs no fixture\n"
        "def test_parse_empty():\n"
        '    """Like test_parse_empty in the old suite."""\n'
        "    assert [] == parse('')  # test_parse_empty\n"
    )
    new = "test_WHEN_parse_called_AND_empty_THEN_as_expected"
    write_files(tmp_path, {"pyproject.toml": PYPROJECT, "tests/test_parse.py": source})
    expected_messages = [
        f"docstring: test_parse_empty -> {new}",
        f"comment: test_parse_empty -> {new}",
        f"test_parse_empty -> {new}",
        f"docstring: test_parse_empty -> {new}",
        f"comment: test_parse_empty -> {new}",
    ]

    data = check_json(tmp_path, "tests")
    fixed = run_cli(["fix", "--no-cache", "tests"], tmp_path)

    assert expected_messages == renames_of(data)
    assert [] == warnings_of(data)
    assert 0 == fixed.returncode
    assert source.replace("test_parse_empty", new) == (tmp_path / "tests" / "test_parse.py").read_text(encoding="utf-8")


def test_WHEN_same_name_defined_in_a_non_test_base_class_THEN_renamed_without_a_warning(tmp_path: Path) -> None:
    # werkzeug: a helper class (not a test class) defines a method of the same name.
    source = (
        "class ServerBase:\n    def test_app(self):\n        return make_app()\n\n\n"
        "def test_app():\n    assert serve()\n"
    )
    write_files(tmp_path, {"pyproject.toml": PYPROJECT, "tests/test_serving.py": source})

    data = check_json(tmp_path, "tests")

    assert ["test_app -> test_WHEN_app_THEN_as_expected"] == renames_of(data)
    assert [] == warnings_of(data)


def test_WHEN_file_given_on_stdin_THEN_its_project_is_scanned_for_mentions(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"pyproject.toml": PYPROJECT, "tests/test_other.py": 'DEPENDS = ["tests/test_a.py::test_x"]\n'},
    )
    source = b"def test_x():\n    assert go()\n\n\ndef test_free():\n    assert go()\n"
    expected_output = source.replace(b"def test_free", b"def test_WHEN_free_THEN_as_expected")

    result = run_cli(["fix", "-", "--stdin-filename", "tests/test_a.py"], tmp_path, stdin=source)

    assert expected_output == result.stdout
    assert (
        "tests/test_a.py:1:5: test-names: kept test_x: its name is used at tests/test_other.py:1 (string); "
        "rename both by hand"
    ) in result.stderr.decode()


@pytest.mark.asyncio(loop_scope="module")
async def test_WHEN_document_formatted_in_the_language_server_THEN_its_project_is_scanned_for_mentions(
    client: LanguageClient, workspace: Path
) -> None:
    text = "def test_x():\n    assert go()\n"
    root = make_project(
        workspace, "test-names-mentions", {"tests/test_a.py": text, "pytest.ini": "[pytest]\naddopts = -k test_x\n"}
    )
    other = make_project(workspace, "test-names-no-mentions", {"tests/test_a.py": text})

    await open_document(client, root / "tests" / "test_a.py", text)
    await open_document(client, other / "tests" / "test_a.py", text)

    assert [] == await format_document(client, root / "tests" / "test_a.py")
    assert [
        types.TextEdit(
            range=types.Range(start=types.Position(0, 0), end=types.Position(1, 0)),
            new_text="def test_WHEN_x_THEN_as_expected():\n",
        )
    ] == await format_document(client, other / "tests" / "test_a.py")


def test_WHEN_names_of_issue_17_renamed_THEN_each_keeps_its_words_AND_negations_on_the_cli(tmp_path: Path) -> None:
    source = (
        "async def test_asgi_exc_no_raise():\n    response = await client.get(URL)\n    assert 500 == response.code\n"
        "\n\n"
        "def test_not_same_origin():\n    assert not same_origin(A, B)\n"
        "\n\n"
        "def test_eq_must_specified():\n    with pytest.raises(ValueError):\n        attr.s(eq=None)\n"
        "\n\n"
        "def test_and_operator_evaluates_true():\n    assert evaluate('a and b')\n"
        "\n\n"
        "def test_truncates_edgecase_when_the_truncation_message_makes_the_result_longer_than_the_original_for_"
        "chars_and_lines():\n    assert truncate(EXPL)\n"
    )
    write_files(tmp_path, {"pyproject.toml": PYPROJECT, "tests/test_meaning.py": source})
    expected_renames = [
        "test_asgi_exc_no_raise -> test_WHEN_asgi_exc_THEN_no_raise",
        "test_not_same_origin -> test_WHEN_not_same_origin_THEN_as_expected",
        "test_eq_must_specified -> test_WHEN_eq_THEN_specified",
        "test_and_operator_evaluates_true -> test_WHEN_and_operator_evaluates_true_THEN_as_expected",
    ]
    expected_warning = (
        "tests/test_meaning.py:19:5: test-names: kept test_truncates_edgecase_when_the_truncation_message_makes_the_"
        "result_longer_than_the_original_for_chars_and_lines: no new name within 120 characters keeps its meaning "
    )

    data = check_json(tmp_path, "tests")

    assert expected_renames == renames_of(data)
    assert 1 == len(warnings_of(data))
    assert warnings_of(data)[0].startswith(expected_warning)


def test_WHEN_every_meaning_case_of_issue_17_fixed_on_the_cli_THEN_each_gets_its_table_name_or_keeps_its_own(
    tmp_path: Path,
) -> None:
    source = "import pytest\n\n\n" + "\n\n".join(case.before for case in MEANING_CASES)
    write_files(tmp_path, {"pyproject.toml": PYPROJECT, "tests/test_meaning.py": source})
    expected_output = "import pytest\n\n\n" + "\n\n".join(case.after for case in MEANING_CASES)
    expected_kept = [case.id for case in MEANING_CASES if case.after == case.before]

    result = run_cli(["fix", "--no-cache", "tests"], tmp_path)

    assert 0 == result.returncode
    assert expected_output == (tmp_path / "tests" / "test_meaning.py").read_text(encoding="utf-8")
    assert expected_kept == [
        line.split(" kept ")[1].split(":")[0] for line in result.stderr.decode().splitlines() if " kept " in line
    ]
