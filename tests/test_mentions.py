"""The project's mention index: which words in which files keep a test's name, and of which kind."""
from pathlib import Path
from typing import List, Tuple

from stylefix.mentions import python_occurrences, scan_project
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
