"""The project's mention index: which words in which files keep a test's name, and of which kind."""
import json
from pathlib import Path
from typing import Dict, List, Tuple

from stylefix.mentions import ProjectMentions, python_occurrences, scan_project
from tests.helpers import make_config, write_files

PYTHON_SOURCE = '''\
"""Module docstring: test_in_module_docstring."""
from tests.test_a import (
    test_imported,
)


def helper():
    """Docstring: test_in_docstring."""
    # comment: test_in_comment
    value = {"key": "test_in_string"}
    path = "tests/test_file.py::test_node"
    text = f"test_in_fstring_text {test_in_fstring_code.__name__}"
    return self.test_attribute(), test_code
'''


def test_WHEN_python_source_scanned_THEN_each_test_word_has_the_kind_of_its_place() -> None:
    expected: List[Tuple[str, int, str]] = [
        ("test_in_module_docstring", 1, "docstring"),
        ("tests", 2, "code"),
        ("test_a", 2, "code"),
        ("test_imported", 3, "import"),
        ("test_in_docstring", 8, "docstring"),
        ("test_in_comment", 9, "comment"),
        ("test_in_string", 10, "string"),
        ("tests", 11, "string"),
        ("test_node", 11, "string"),
        ("test_in_fstring_text", 12, "string"),
        ("test_in_fstring_code", 12, "code"),
        ("test_attribute", 13, "attribute"),
        ("test_code", 13, "code"),
    ]

    actual = [(found.word, found.line, found.kind) for found in python_occurrences(PYTHON_SOURCE)]

    assert expected == actual


def test_WHEN_project_scanned_THEN_strings_imports_and_configuration_kept_AND_comments_and_excludes_left_out(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "tests/test_a.py": 'X = "test_string"  # test_comment\n',
            "tests/test_b.py": "from tests.test_a import test_imported\n",
            "tox.ini": "[testenv]\n# test_ini_comment\ncommands = pytest -k 'test_keyword or slow' t.py::test_node\n",
            "build/test_c.py": 'X = "test_excluded"\n',
            "docs/notes.txt": "test_not_a_scanned_file\n",
        },
    )
    expected = {
        "testenv": [("tox.ini", 1, "text")],
        "test_string": [("tests/test_a.py", 1, "string")],
        "test_imported": [("tests/test_b.py", 1, "import")],
        "test_keyword": [("tox.ini", 3, "-k expression")],
        "test_node": [("tox.ini", 3, "node id")],
    }

    index = scan_project(make_config(tmp_path))

    assert expected == {
        name: [(mention.path, mention.line, mention.kind) for mention in mentions]
        for name, mentions in index.by_name.items()
    }
    assert [("tox.ini", 3, ("test_keyword", "slow", "t", "py", "test_node"))] == [
        (keyword.path, keyword.line, keyword.words) for keyword in index.keyword_lines
    ]


def test_WHEN_project_scanned_again_with_a_store_THEN_unchanged_files_come_from_it_AND_changed_ones_are_read(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"tests/test_a.py": 'X = "test_string"\n'})
    store_dir = tmp_path / ".stylefix_cache"
    store_dir.mkdir()
    config = make_config(tmp_path)
    store = store_dir / "mentions.json"

    # TEST: the first scan reads the file and keeps what it found
    first = scan_project(config, store_dir)
    # TEST: an unchanged file is not read again: what the store says is what the scan returns
    data = json.loads(store.read_text(encoding="utf-8"))
    data["files"]["tests/test_a.py"][2] = [["test_from_store", 7, "string"]]
    store.write_text(json.dumps(data), encoding="utf-8")
    second = scan_project(config, store_dir)
    # TEST: a changed file is read again
    (tmp_path / "tests" / "test_a.py").write_text('\nX = "test_changed"\n', encoding="utf-8")
    third = scan_project(config, store_dir)

    assert {"test_string": [("tests/test_a.py", 1, "string")]} == names(first)
    assert {"test_from_store": [("tests/test_a.py", 7, "string")]} == names(second)
    assert {"test_changed": [("tests/test_a.py", 2, "string")]} == names(third)


def names(index: ProjectMentions) -> Dict[str, List[Tuple[str, int, str]]]:
    return {
        name: [(mention.path, mention.line, mention.kind) for mention in mentions]
        for name, mentions in index.by_name.items()
    }
