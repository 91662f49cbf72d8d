"""The real `stylefix` command on real temporary projects: every command, output format and exit code."""
import json
from pathlib import Path
import pytest

from stylefix import registry
from tests.helpers import CLEAN, SORTED, UNSORTED, run_cli, write_files

TEST_UNORDERED = "def test_WHEN_x_called_THEN_as_expected():\n    result = 3\n    assert result == 3\n"
TEST_ORDERED = "def test_WHEN_x_called_THEN_as_expected():\n    result = 3\n    assert 3 == result\n"
PROJECT = {"pyproject.toml": "[tool.stylefix]\n", "pkg/a.py": UNSORTED, "pkg/b.py": CLEAN, "tests/test_a.py": TEST_UNORDERED}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_files(tmp_path, PROJECT)
    return tmp_path


def test_WHEN_fix_called_THEN_files_rewritten_and_summary_printed_and_exit_0(project: Path) -> None:
    completed = run_cli(["fix", "--no-cache", "."], cwd=project)

    assert 0 == completed.returncode, completed.stderr
    assert SORTED == (project / "pkg" / "a.py").read_text()
    assert CLEAN == (project / "pkg" / "b.py").read_text()
    assert TEST_ORDERED == (project / "tests" / "test_a.py").read_text()
    stderr = completed.stderr.decode()
    assert "fixed pkg/a.py (sort-imports)" in stderr
    assert "fixed tests/test_a.py (assert-order)" in stderr
    assert "2 files fixed, 1 unchanged" in stderr


def test_WHEN_fix_called_without_paths_THEN_current_directory_is_fixed(project: Path) -> None:
    completed = run_cli(["fix", "--no-cache"], cwd=project / "pkg")

    assert 0 == completed.returncode, completed.stderr
    assert SORTED == (project / "pkg" / "a.py").read_text()
    assert TEST_UNORDERED == (project / "tests" / "test_a.py").read_text()


def test_WHEN_check_called_THEN_lists_files_and_changes_writes_nothing_and_exit_1(project: Path) -> None:
    completed = run_cli(["check", "--no-cache", "."], cwd=project)

    assert 1 == completed.returncode
    stdout = completed.stdout.decode()
    assert "would change pkg/a.py (sort-imports)" in stdout
    assert "would change tests/test_a.py (assert-order)" in stdout
    assert "tests/test_a.py:3: assert-order:" in stdout
    assert "pkg/b.py" not in stdout
    assert "2 files would change, 1 unchanged" in completed.stderr.decode()
    assert UNSORTED == (project / "pkg" / "a.py").read_text()


def test_WHEN_diff_called_THEN_unified_diff_plain_when_not_a_terminal_and_exit_1(project: Path) -> None:
    completed = run_cli(["diff", "--no-cache", "pkg"], cwd=project)

    assert 1 == completed.returncode
    expected_diff = (
        "--- a/pkg/a.py\n+++ b/pkg/a.py\n@@ -1,4 +1,4 @@\n+import os\n import sys\n-import os\n \n print(os, sys)\n"
    )
    assert expected_diff == completed.stdout.decode()
    assert "\x1b[" not in completed.stdout.decode()
    assert UNSORTED == (project / "pkg" / "a.py").read_text()


def test_WHEN_diff_called_AND_color_forced_THEN_ansi_colours(project: Path) -> None:
    completed = run_cli(["diff", "--no-cache", "--color", "pkg/a.py"], cwd=project)

    assert 1 == completed.returncode
    assert "\x1b[" in completed.stdout.decode()


def test_WHEN_check_called_AND_clean_THEN_exit_0(project: Path) -> None:
    completed = run_cli(["check", "--no-cache", "pkg/b.py"], cwd=project)

    assert 0 == completed.returncode
    assert "" == completed.stdout.decode()
    assert "0 files would change, 1 unchanged" in completed.stderr.decode()


def test_WHEN_check_called_AND_select_or_ignore_THEN_only_those_codemods_run(project: Path) -> None:
    # TEST: --select
    completed = run_cli(["check", "--no-cache", "--select", "assert-order", "."], cwd=project)
    assert 1 == completed.returncode
    assert "pkg/a.py" not in completed.stdout.decode()
    assert "tests/test_a.py" in completed.stdout.decode()

    # TEST: --ignore, comma-separated
    completed = run_cli(["check", "--no-cache", "--ignore", "assert-order,sort-imports", "."], cwd=project)
    assert 0 == completed.returncode


def test_WHEN_check_called_AND_json_output_THEN_machine_readable_changes(project: Path) -> None:
    completed = run_cli(["check", "--no-cache", "--output-format", "json", "."], cwd=project)

    assert 1 == completed.returncode
    report = json.loads(completed.stdout)
    assert {"changed": 2, "unchanged": 1, "failed": 0} == report["summary"]
    by_path = {entry["path"]: entry for entry in report["files"]}
    assert ["sort-imports"] == by_path["pkg/a.py"]["codemods"]
    assert "would-change" == by_path["pkg/a.py"]["status"]
    assert 3 == by_path["tests/test_a.py"]["changes"][0]["line"]


def test_WHEN_check_called_AND_github_output_THEN_workflow_annotations(project: Path) -> None:
    write_files(project, {"pkg/broken.py": "def f(:\n"})

    completed = run_cli(["check", "--no-cache", "--output-format", "github", "."], cwd=project)

    assert 2 == completed.returncode
    stdout = completed.stdout.decode()
    assert "::warning file=tests/test_a.py,line=3,title=stylefix assert-order::" in stdout
    assert "::error file=pkg/broken.py,line=1," in stdout


def test_WHEN_fix_called_AND_quiet_THEN_only_errors_printed(project: Path) -> None:
    write_files(project, {"pkg/broken.py": "def f(:\n"})

    completed = run_cli(["fix", "--no-cache", "-q", "."], cwd=project)

    assert 2 == completed.returncode
    assert "" == completed.stdout.decode()
    lines = completed.stderr.decode().strip().splitlines()
    assert 1 == len(lines)
    assert lines[0].startswith("pkg/broken.py:1:")
    assert SORTED == (project / "pkg" / "a.py").read_text()


def test_WHEN_fix_called_AND_verbose_THEN_every_change_listed(project: Path) -> None:
    completed = run_cli(["fix", "--no-cache", "-v", "tests"], cwd=project)

    assert 0 == completed.returncode
    assert "tests/test_a.py:3: assert-order: assert result == 3 -> assert 3 == result" in completed.stderr.decode()


def test_WHEN_fix_called_AND_one_file_unparseable_THEN_others_fixed_and_exit_2(project: Path) -> None:
    write_files(project, {"pkg/broken.py": "import sys\nimport os\ndef f(:\n"})

    completed = run_cli(["fix", "--no-cache", "."], cwd=project)

    assert 2 == completed.returncode
    assert "import sys\nimport os\ndef f(:\n" == (project / "pkg" / "broken.py").read_text()
    assert SORTED == (project / "pkg" / "a.py").read_text()
    stderr = completed.stderr.decode()
    assert "pkg/broken.py:3:" in stderr
    assert "2 files fixed, 1 unchanged, 1 failed" in stderr
    assert "Traceback" not in stderr


def test_WHEN_fix_stdin_called_THEN_fixed_source_on_stdout(project: Path) -> None:
    completed = run_cli(["fix", "-", "--stdin-filename", "tests/test_new.py"], cwd=project, stdin=TEST_UNORDERED.encode())

    assert 0 == completed.returncode
    assert TEST_ORDERED == completed.stdout.decode()
    assert "" == completed.stderr.decode()


def test_WHEN_fix_stdin_called_AND_not_a_test_file_THEN_test_codemods_do_not_apply(project: Path) -> None:
    completed = run_cli(["fix", "-", "--stdin-filename", "pkg/new.py"], cwd=project, stdin=TEST_UNORDERED.encode())

    assert 0 == completed.returncode
    assert TEST_UNORDERED == completed.stdout.decode()


def test_WHEN_fix_stdin_called_AND_unparseable_THEN_nothing_on_stdout_and_exit_2(project: Path) -> None:
    completed = run_cli(["fix", "-", "--stdin-filename", "pkg/new.py"], cwd=project, stdin=b"import os\nx = (\n")

    assert 2 == completed.returncode
    assert b"" == completed.stdout
    assert "pkg/new.py:2:5: cannot parse: '(' was never closed\n" == completed.stderr.decode()


def test_WHEN_fix_stdin_called_AND_filename_excluded_THEN_echoed_unchanged(project: Path) -> None:
    write_files(project, {"pyproject.toml": "[tool.stylefix]\nextend-exclude = ['vendor']\n"})

    completed = run_cli(["fix", "-", "--stdin-filename", "vendor/lib.py"], cwd=project, stdin=UNSORTED.encode())

    assert 0 == completed.returncode
    assert UNSORTED == completed.stdout.decode()


def test_WHEN_check_stdin_called_THEN_reports_changes_with_exit_1(project: Path) -> None:
    completed = run_cli(["check", "-", "--stdin-filename", "pkg/new.py"], cwd=project, stdin=UNSORTED.encode())

    assert 1 == completed.returncode
    assert "would change pkg/new.py (sort-imports)" in completed.stdout.decode()


def test_WHEN_list_called_THEN_every_codemod_with_default_and_summary() -> None:
    completed = run_cli(["list"], cwd=Path.cwd())

    assert 0 == completed.returncode
    lines = completed.stdout.decode().splitlines()
    assert list(registry.NAMES) == [line.split()[0] for line in lines]
    for spec, line in zip(registry.CODEMODS, lines):
        assert spec.summary in line


@pytest.mark.parametrize("name", registry.NAMES)
def test_WHEN_explain_called_THEN_rules_and_examples_printed(name: str) -> None:
    completed = run_cli(["explain", name], cwd=Path.cwd())

    assert 0 == completed.returncode
    stdout = completed.stdout.decode()
    codemod = registry.SPECS[name].load()
    assert stdout.startswith(name)
    assert codemod.EXAMPLES[0].title in stdout
    assert "before:" in stdout and "after:" in stdout


def test_WHEN_explain_called_AND_unknown_name_THEN_exit_2_with_valid_names() -> None:
    completed = run_cli(["explain", "sort-import"], cwd=Path.cwd())

    assert 2 == completed.returncode
    assert "valid names: test-names, assert-order, typing-generics, sort-imports" in completed.stderr.decode()


def test_WHEN_stdin_mixed_with_paths_THEN_usage_error(project: Path) -> None:
    completed = run_cli(["fix", "-", "pkg"], cwd=project)

    assert 2 == completed.returncode
    assert "'-' (stdin) cannot be combined with other paths" in completed.stderr.decode()


def test_WHEN_help_called_THEN_libcst_is_not_imported(project: Path) -> None:
    completed = run_cli(["--help"], cwd=project, env={"PYTHONVERBOSE": "1"})

    assert 0 == completed.returncode
    assert "Exit codes" in completed.stdout.decode()
    assert "import 'libcst'" not in completed.stderr.decode()
