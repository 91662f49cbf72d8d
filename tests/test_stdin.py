"""The editor contract, end to end with the real command: `stylefix fix - --stdin-filename PATH`.

Fixed source on stdout and exit 0; a file that cannot be parsed: nothing on stdout, `path:line:col: message` on
stderr, exit 2 (the editor keeps its buffer). PATH, not the current directory, decides the configuration and
whether test-file codemods apply, and the result is byte for byte what `stylefix fix PATH` writes.
"""
from pathlib import Path
import pytest
import shutil
import subprocess

from tests.helpers import PROJECT_ROOT, SORTED, STYLEFIX, UNSORTED, run_cli, write_files

TEST_MODULE = "def test_WHEN_called_THEN_three() -> None:\n    result = 3\n    assert result == 3\n"
TEST_MODULE_FIXED = "def test_WHEN_called_THEN_three() -> None:\n    result = 3\n    assert 3 == result\n"
# A local package the configuration does not name: only the project's module index files it as local.
LOCAL_IMPORTS = "import mylib\nimport requests\nimport os\n\nprint(mylib, requests, os)\n"
LOCAL_IMPORTS_FIXED = "import os\n\nimport requests\n\nimport mylib\n\nprint(mylib, requests, os)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write_files(root, {"pyproject.toml": "[tool.stylefix]\n", "mylib/core.py": "VALUE = 1\n", "app/main.py": ""})
    return root


def test_WHEN_fix_stdin_called_THEN_output_is_what_fixing_the_file_on_disk_writes(tmp_path: Path) -> None:
    on_disk = tmp_path / "on-disk"
    shutil.copytree(PROJECT_ROOT / "examples", on_disk)
    originals = {path: path.read_bytes() for path in sorted(on_disk.rglob("*.py"))}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    # One editor save per file, side by side (they only read), then the same files fixed on disk.
    running = {
        path: subprocess.Popen(
            STYLEFIX + ["fix", "-", "--stdin-filename", str(path)],
            cwd=elsewhere,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for path in originals
    }
    stdin_outputs = {}
    for path, process in running.items():
        stdout, stderr = process.communicate(originals[path], timeout=300)
        stdin_outputs[path] = (stdout, stderr, process.returncode)
    run_cli(["fix", "--no-cache", "."], cwd=on_disk)

    assert any(path.read_bytes() != source for path, source in originals.items())
    for path, (stdout, stderr, returncode) in stdin_outputs.items():
        assert 0 == returncode, stderr
        assert path.read_bytes() == stdout, path


def test_WHEN_fix_stdin_called_AND_import_of_unlisted_local_package_THEN_filed_as_local(project: Path) -> None:
    completed = run_cli(["fix", "-", "--stdin-filename", "app/main.py"], cwd=project, stdin=LOCAL_IMPORTS.encode())

    assert 0 == completed.returncode, completed.stderr
    assert LOCAL_IMPORTS_FIXED == completed.stdout.decode()


def test_WHEN_fix_stdin_called_AND_path_in_another_project_THEN_that_projects_configuration_applies(
    tmp_path: Path,
) -> None:
    write_files(tmp_path / "sorting", {"pyproject.toml": "[tool.stylefix]\n"})
    write_files(tmp_path / "not-sorting", {"pyproject.toml": '[tool.stylefix]\nignore = ["sort-imports"]\n'})

    # TEST: run from the project that does not sort, on a path in the one that does
    sorted_here = run_cli(
        ["fix", "-", "--stdin-filename", str(tmp_path / "sorting" / "new.py")],
        cwd=tmp_path / "not-sorting",
        stdin=UNSORTED.encode(),
    )
    # TEST: and the other way round, with a relative path
    left_alone = run_cli(
        ["fix", "-", "--stdin-filename", "../not-sorting/new.py"], cwd=tmp_path / "sorting", stdin=UNSORTED.encode()
    )

    assert (0, SORTED) == (sorted_here.returncode, sorted_here.stdout.decode())
    assert (0, UNSORTED) == (left_alone.returncode, left_alone.stdout.decode())


def test_WHEN_fix_stdin_called_THEN_the_path_decides_whether_test_codemods_apply(tmp_path: Path) -> None:
    pyproject = '[tool.stylefix]\n\n[tool.pytest.ini_options]\npython_files = ["check_*.py"]\n'
    write_files(tmp_path, {"pyproject.toml": pyproject})

    as_test = run_cli(["fix", "-", "--stdin-filename", "check_math.py"], cwd=tmp_path, stdin=TEST_MODULE.encode())
    as_module = run_cli(["fix", "-", "--stdin-filename", "test_math.py"], cwd=tmp_path, stdin=TEST_MODULE.encode())

    assert (0, TEST_MODULE_FIXED) == (as_test.returncode, as_test.stdout.decode())
    assert (0, TEST_MODULE) == (as_module.returncode, as_module.stdout.decode())


def test_WHEN_fix_stdin_called_AND_unparseable_THEN_nothing_on_stdout_located_error_on_stderr_exit_2(
    project: Path,
) -> None:
    completed = run_cli(["fix", "-", "--stdin-filename", "app/main.py"], cwd=project, stdin=b"import os\nx = (\n")

    assert 2 == completed.returncode
    assert b"" == completed.stdout
    assert "app/main.py:2:5: cannot parse: '(' was never closed\n" == completed.stderr.decode()


def test_WHEN_fix_stdin_called_AND_path_excluded_THEN_input_echoed_even_if_unparseable(project: Path) -> None:
    write_files(project, {"pyproject.toml": '[tool.stylefix]\nextend-exclude = ["generated"]\n'})
    source = b"import sys\nimport os\nx = (\n"

    completed = run_cli(["fix", "-", "--stdin-filename", "generated/api.py"], cwd=project, stdin=source)

    assert (0, source, b"") == (completed.returncode, completed.stdout, completed.stderr)


def test_WHEN_fix_stdin_called_THEN_bytes_outside_the_change_kept_exactly(project: Path) -> None:
    source = "# -*- coding: latin-1 -*-\r\nimport sys\r\nimport os\r\n\r\nNAME = 'café'".encode("latin-1")
    expected = "# -*- coding: latin-1 -*-\r\nimport os\r\nimport sys\r\n\r\nNAME = 'café'".encode("latin-1")

    completed = run_cli(["fix", "-", "--stdin-filename", "app/main.py"], cwd=project, stdin=source)

    assert (0, expected) == (completed.returncode, completed.stdout)

