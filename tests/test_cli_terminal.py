"""The real `stylefix` command as terminals, CI scripts and format-on-save see it: message locations, output
formats, colour, selection errors, excluded directories, and files with several links, owners or symlinks."""
import json
import os
from pathlib import Path
import pty
import pytest
import re
import subprocess
from typing import Dict, List

from tests.helpers import PROJECT_ROOT, SORTED, STYLEFIX, UNSORTED, run_cli, write_files

# Changes reported by three codemods; the import typing-generics adds is reported before the imports are sorted.
TEST_MODULE = (
    "import sys\n"
    "import os\n"
    "\n"
    "\n"
    "def test_compute_returns_value(values: list[int]) -> None:\n"
    "    result = sum(values)\n"
    "    assert result == 3, (os, sys)\n"
)
# ruff's default rules since 0.16 include UP006 and I001; a ruff.toml makes the project's ruff configuration known.
RUFF_CONFLICT = {"ruff.toml": "[lint]\nselect = ['UP006']\n"}


def make_project(root: Path, files: Dict[str, str], table: str = "") -> Path:
    write_files(root, {"pyproject.toml": "[tool.stylefix]\n" + table, **files})
    return root


def in_terminal(args: List[str], cwd: Path, env: Dict[str, str]) -> str:
    """Run stylefix with stdout and stderr on a pseudo-terminal; what the terminal shows."""
    controller, terminal = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env, TERM="xterm-256color")
    process = subprocess.Popen(STYLEFIX + args, cwd=cwd, stdout=terminal, stderr=terminal, env=environment)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=300)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_WHEN_errors_and_warnings_printed_THEN_each_line_starts_with_path_line_col(tmp_path: Path) -> None:
    long_name = "test_" + "_".join(["compute"] * 8) + "_returns_value"
    root = make_project(
        tmp_path,
        {
            "binary.py": "x = 1\0\n",
            "broken.py": "def f(:\n",
            "tests/test_long.py": f"def {long_name}() -> None:\n    assert compute() == 3\n",
        },
        "[tool.stylefix.test-names]\nmax-length = 40\n",
    )

    completed = run_cli(["check", "--no-cache", "binary.py", "broken.py", "missing.py", "tests"], cwd=root)
    stderr = completed.stderr.decode()

    assert "binary.py:1:1: binary file (contains NUL bytes), not Python source" in stderr
    assert "broken.py:1:7: cannot parse: invalid syntax" in stderr
    assert "missing.py:1:1: no such file or directory" in stderr
    # TEST: a codemod's warning names the codemod after the location
    expected_warning = f"tests/test_long.py:1:5: test-names: kept {long_name}: no new name fits in 40 characters; rename it by hand"
    assert expected_warning in stderr


def test_WHEN_check_lists_changes_THEN_in_line_order_within_the_file(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"tests/test_compute.py": TEST_MODULE})

    completed = run_cli(["check", "--no-cache", "tests"], cwd=root)
    lines = [int(line.split(":")[1]) for line in completed.stdout.decode().splitlines() if line.startswith("  ")]

    assert 5 == len(lines)
    assert sorted(lines) == lines


def test_WHEN_diff_quiet_THEN_no_diff_printed_AND_exit_code_kept(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"module.py": UNSORTED})

    completed = run_cli(["diff", "-q", "--no-cache", "module.py"], cwd=root)

    assert (1, b"", b"") == (completed.returncode, completed.stdout, completed.stderr)


def test_WHEN_diff_output_format_json_THEN_each_file_carries_its_unified_diff(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"module.py": UNSORTED})
    expected_diff = (
        "--- a/module.py\n+++ b/module.py\n@@ -1,4 +1,4 @@\n+import os\n import sys\n-import os\n \n print(os, sys)\n"
    )

    completed = run_cli(["diff", "--no-cache", "--output-format", "json", "module.py"], cwd=root)

    assert expected_diff == json.loads(completed.stdout)["files"][0]["diff"]


def test_WHEN_output_format_github_AND_path_has_special_characters_THEN_properties_escaped(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"a,b:c%d.py": UNSORTED})

    completed = run_cli(["check", "--no-cache", "--output-format", "github", "a,b:c%d.py"], cwd=root)

    assert completed.stdout.decode().startswith("::warning file=a%2Cb%3Ac%25d.py,line=2,title=stylefix sort-imports::")


def test_WHEN_output_format_github_AND_warnings_have_a_location_THEN_annotated_on_that_file_line_and_column(
    tmp_path: Path,
) -> None:
    root = make_project(
        tmp_path,
        {
            **RUFF_CONFLICT,
            "tests/test_a.py": "def test_x_works() -> None:\n    pass\n",
            "tests/test_b.py": "def test_WHEN_listed_THEN_names() -> None:\n    assert 'test_x_works' in NAMES\n",
        },
    )
    expected_properties = [
        "file=ruff.toml,line=1,col=1,title=stylefix",
        "file=tests/test_a.py,line=1,col=5,title=stylefix test-names",
    ]

    completed = run_cli(["check", "--no-cache", "--output-format", "github", "tests"], cwd=root)

    annotations = completed.stdout.decode().splitlines()
    properties = [line[len("::warning ") :].split("::")[0] for line in annotations if line.startswith("::warning ")]
    assert expected_properties == properties, annotations


def test_WHEN_no_color_or_force_color_set_THEN_colour_follows_them(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"module.py": UNSORTED})
    args = ["check", "--no-cache", "module.py"]

    assert "\x1b[" in in_terminal(args, root, {})
    # TEST: NO_COLOR, even empty, turns colour off on a terminal
    assert "\x1b[" not in in_terminal(args, root, {"NO_COLOR": ""})
    # TEST: FORCE_COLOR colours output that goes to a pipe
    completed = run_cli(args, cwd=root)
    forced = subprocess.run(STYLEFIX + args, cwd=root, capture_output=True, env={**os.environ, "FORCE_COLOR": "1"})
    assert b"\x1b[" not in completed.stdout
    assert b"\x1b[" in forced.stdout


def test_WHEN_named_directory_is_excluded_THEN_warning_AND_exit_0(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"build/generated.py": UNSORTED})

    completed = run_cli(["check", "--no-cache", "build"], cwd=root)

    assert 0 == completed.returncode
    assert "warning: no Python files found under build (excluded by exclude / extend-exclude)" in (
        completed.stderr.decode()
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--select", "sort-imports", "--ignore", "sort-imports"],
        ["--ignore", "sort-imports,typing-generics,test-names,assert-order"],
    ],
)
def test_WHEN_selection_leaves_no_codemod_THEN_usage_error_exit_2(tmp_path: Path, args: List[str]) -> None:
    root = make_project(tmp_path, {"module.py": UNSORTED})

    completed = run_cli(["check", "--no-cache", *args, "module.py"], cwd=root)

    assert 2 == completed.returncode
    assert "no codemod left to run" in completed.stderr.decode()


def test_WHEN_max_length_below_its_minimum_THEN_configuration_rejected_exit_2(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"module.py": SORTED}, "[tool.stylefix.test-names]\nmax-length = 5\n")

    completed = run_cli(["check", "--no-cache", "module.py"], cwd=root)

    assert 2 == completed.returncode
    assert "test-names.max-length: invalid value 5; expected an integer of at least 22" in completed.stderr.decode()


def test_WHEN_cache_written_THEN_git_status_does_not_show_it(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"module.py": SORTED})
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)

    run_cli(["check", "module.py"], cwd=root)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root, capture_output=True)

    assert "*" in (root / ".stylefix_cache" / ".gitignore").read_text().splitlines()
    assert ["?? module.py", "?? pyproject.toml"] == sorted(status.stdout.decode().splitlines())


def test_WHEN_stdin_fixed_AND_ruff_conflicts_THEN_no_conflict_warning_AND_paths_warn_once(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"module.py": UNSORTED, **RUFF_CONFLICT})

    completed = run_cli(["fix", "-", "--stdin-filename", "module.py"], cwd=root, stdin=UNSORTED.encode())

    assert (SORTED.encode(), b"") == (completed.stdout, completed.stderr)
    # TEST: a run on paths prints each warning once
    checked = run_cli(["check", "--no-cache", ".", "module.py"], cwd=root)
    assert 1 == checked.stderr.decode().count("ruff rule UP006")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
def test_WHEN_file_of_another_owner_fixed_THEN_owner_and_group_kept(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"module.py": UNSORTED})
    os.chown(root / "module.py", 4321, 4322)

    run_cli(["fix", "--no-cache", "module.py"], cwd=root)
    status = os.stat(root / "module.py")

    assert (SORTED, 4321, 4322) == ((root / "module.py").read_text(), status.st_uid, status.st_gid)


def test_WHEN_file_with_two_hard_links_fixed_THEN_both_links_see_the_fix(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"module.py": UNSORTED})
    os.link(root / "module.py", tmp_path / "other_link.txt")

    completed = run_cli(["fix", "--no-cache", "module.py"], cwd=root)

    assert 0 == completed.returncode
    assert SORTED == (tmp_path / "other_link.txt").read_text()
    assert os.path.samefile(root / "module.py", tmp_path / "other_link.txt")
    assert ["module.py", "other_link.txt", "pyproject.toml"] == sorted(os.listdir(tmp_path))


def test_WHEN_walk_meets_symlink_out_of_the_project_THEN_skipped_AND_listed_with_verbose(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "victim.py"
    write_files(tmp_path, {"elsewhere/victim.py": UNSORTED})
    root = make_project(tmp_path / "project", {"pkg/own.py": UNSORTED})
    (root / "pkg" / "link.py").symlink_to(outside)

    completed = run_cli(["fix", "-v", "--no-cache", "."], cwd=root)

    assert UNSORTED == outside.read_text()
    assert SORTED == (root / "pkg" / "own.py").read_text()
    assert "pkg/link.py: skipped: a symlink to a file outside the project" in completed.stderr.decode()
    # TEST: named explicitly, the link is still followed
    run_cli(["fix", "--no-cache", "pkg/link.py"], cwd=root)
    assert SORTED == outside.read_text()


def test_WHEN_list_called_THEN_same_codemods_and_descriptions_as_the_readme_table_in_the_same_order() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"(?m)^\| `([a-z-]+)` \| (.+?) \| (on|off) \|$", readme.split("\n## Install", 1)[0])
    expected = [(name, description.replace("\\|", "|"), default) for name, description, default in rows]

    listed = run_cli(["list"], cwd=PROJECT_ROOT).stdout.decode().splitlines()

    assert expected == [tuple(re.split(r"\s{2,}", line.strip(), maxsplit=2)[i] for i in (0, 2, 1)) for line in listed]
    assert "rewrites PEP 585/604 annotations (`list[int]`, `X | None`) as typing generics" in expected[2][1]


def test_WHEN_readme_install_read_THEN_first_command_needs_only_python3_AND_uv_offered() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)[0].splitlines()

    assert "python3 -m pip install ." == commands[0].split("#")[0].strip()
    assert "`uv tool install .`" in section
