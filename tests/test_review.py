"""`stylefix review` end to end in a real pseudo-terminal: keystrokes in, file contents and screen out."""
import os
from pathlib import Path
import pytest
import sys
from typing import Dict, List, Optional, Sequence

import pexpect

from stylefix.config import load_config
from stylefix.engine import fix_source
from stylefix.runner import with_project_modules
from tests.helpers import STYLEFIX, run_cli, write_files

PROMPT = r"\[q\] quit"
CALC = """\
def total(values: list[int]) -> int:
    return sum(values)


def first(values: list[int]) -> int | None:
    return values[0] if values else None
"""
TEST_CALC = """\
from calc import total


def test_total():
    result = total([1, 2])
    assert result == 3


def test_empty():
    result = total([])
    assert result == 0
"""
FILES: Dict[str, str] = {
    "pyproject.toml": "[project]\nname = 'calc'\n",
    "calc.py": CALC,
    "tests/test_calc.py": TEST_CALC,
}
# Long enough for a slow shared machine; a guard against a hung session, not a measurement.
SESSION_TIMEOUT = 60


def _project(tmp_path: Path) -> Path:
    write_files(tmp_path, FILES)
    return tmp_path


def _proposed(root: Path, relative: str, names: Sequence[str]) -> str:
    """What the codemods themselves make of a file (so these tests follow the codemods' own rules)."""
    config = with_project_modules(load_config(root))
    path = root / relative
    return fix_source(path.read_bytes(), path, config, names=list(names)).source.decode()


def _editor(expression: str) -> str:
    """An $EDITOR that rewrites the file it is given with a Python expression of its text `t`."""
    script = f"import sys; p = sys.argv[1]; t = open(p).read(); open(p, 'w').write({expression})"
    return f'{sys.executable} -c "{script}"'


def _spawn(root: Path, args: Sequence[str], env: Optional[Dict[str, str]] = None) -> pexpect.spawn:
    environment = dict(os.environ)
    environment.pop("FORCE_COLOR", None)
    environment.update(env or {})
    return pexpect.spawn(
        STYLEFIX[0],
        ["review", *args],
        cwd=str(root),
        env=environment,
        encoding="utf-8",
        timeout=SESSION_TIMEOUT,
        dimensions=(40, 200),
    )


def _session(root: Path, args: Sequence[str], keys: str, env: Optional[Dict[str, str]] = None) -> List[str]:
    """Press one key per prompt; the screen seen before each key and after the last, and the exit status."""
    child = _spawn(root, args, env)
    screens = []
    for key in keys:
        child.expect(PROMPT)
        screens.append(child.before)
        child.send(key)
    child.expect(pexpect.EOF)
    screens.append(child.before)
    child.close()
    screens.append(str(child.exitstatus))
    return screens


def test_WHEN_review_AND_y_then_n_pressed_THEN_only_the_accepted_swap_is_written(tmp_path: Path) -> None:
    root = _project(tmp_path)
    proposed = _proposed(root, "tests/test_calc.py", ["assert-order"])
    expected_lines = TEST_CALC.splitlines()
    expected_lines[5] = proposed.splitlines()[5]

    screens = _session(root, ["--no-color", "--select", "assert-order"], "yn")

    assert "\n".join(expected_lines) + "\n" == (root / "tests/test_calc.py").read_text()
    assert "assert-order" in screens[0] and "assert result == 3" in screens[0]
    assert "1 of 2" in screens[0] and "2 of 2" in screens[1]
    assert "0" == screens[-1]
    summary = screens[-2]
    assert "accepted" in summary and "skipped" in summary and "files written: 1" in summary
    # TEST: the summary counts one accepted and one skipped change for assert-order
    row = next(line for line in summary.splitlines() if "assert-order" in line)
    assert ["1", "1", "0"] == [cell.strip() for cell in row.split("│")[2:5]]


def test_WHEN_review_AND_n_pressed_for_everything_THEN_no_file_changes(tmp_path: Path) -> None:
    root = _project(tmp_path)

    screens = _session(root, ["--no-color", "--select", "assert-order,typing-generics"], "nnnn")

    assert CALC == (root / "calc.py").read_text()
    assert TEST_CALC == (root / "tests/test_calc.py").read_text()
    assert "files written: 0" in screens[-2]


def test_WHEN_review_AND_a_pressed_THEN_the_file_becomes_what_fix_writes(tmp_path: Path) -> None:
    root = _project(tmp_path)
    expected = _proposed(root, "tests/test_calc.py", ["test-names", "assert-order", "typing-generics", "sort-imports"])

    screens = _session(root, ["--no-color", "tests/test_calc.py"], "a")

    assert expected == (root / "tests/test_calc.py").read_text()
    assert "0" == screens[-1]


def test_WHEN_review_AND_s_pressed_THEN_a_skip_directive_stops_the_change_being_proposed_again(tmp_path: Path) -> None:
    root = _project(tmp_path)

    _session(root, ["--no-color", "--select", "assert-order"], "sn")

    lines = (root / "tests/test_calc.py").read_text().splitlines()
    assert "    assert result == 3  # stylefix: skip[assert-order]" == lines[5]
    assert "    assert result == 0" == lines[10]
    # TEST: the next review proposes only the change that was skipped without a directive
    screens = _session(root, ["--no-color", "--select", "assert-order"], "n")
    assert "1 of 1" in screens[0] and "assert result == 3" not in screens[0] and "assert result == 0" in screens[0]


def test_WHEN_review_AND_a_rename_is_edited_THEN_the_typed_name_replaces_every_reference(tmp_path: Path) -> None:
    root = _project(tmp_path)
    write_files(root, {"tests/test_calc.py": TEST_CALC + "\n\nALL = [test_total]\n"})
    child = _spawn(root, ["--no-color", "--select", "test-names"])
    child.expect(PROMPT)
    child.send("e")
    # TEST: a name that is not an identifier, then one pytest would not collect, are refused with the reason
    for typed, expected_problem in (("not a name", "is not a Python identifier"), ("helper_total", "not be collected")):
        child.expect("new name")
        child.send("\x15" + typed + "\r")
        child.expect(expected_problem)
    child.expect("new name")
    child.send("\x15test_WHEN_total_called_THEN_sums\r")
    child.expect(PROMPT)
    child.send("n")
    child.expect(pexpect.EOF)
    summary = child.before
    child.close()

    text = (root / "tests/test_calc.py").read_text()
    assert "def test_WHEN_total_called_THEN_sums():" in text and "def test_total" not in text
    assert "ALL = [test_WHEN_total_called_THEN_sums]" in text
    assert "def test_empty():" in text
    row = next(line for line in summary.splitlines() if "test-names" in line)
    assert ["0", "1", "1"] == [cell.strip() for cell in row.split("│")[2:5]]


def test_WHEN_review_AND_a_hunk_is_edited_THEN_the_editors_text_is_written(tmp_path: Path) -> None:
    root = _project(tmp_path)
    editor = _editor("t.replace(':\\n', ':  # reviewed\\n', 1)")

    screens = _session(root, ["--no-color", "--select", "typing-generics", "calc.py"], "en", env={"EDITOR": editor})

    text = (root / "calc.py").read_text()
    assert "def total(values: List[int]) -> int:  # reviewed" in text.splitlines()
    assert "def first(values: list[int]) -> int | None:" in text.splitlines()
    assert "from typing import" in text
    assert "files written: 1" in screens[-2]


def test_WHEN_review_AND_an_edit_changes_behaviour_THEN_the_safety_net_refuses_the_file(tmp_path: Path) -> None:
    root = _project(tmp_path)
    editor = _editor("t.replace('sum', 'max')")
    write_files(root, {"calc.py": "def total(values: list[int]) -> int: return sum(values)\n"})

    screens = _session(root, ["--no-color", "--select", "typing-generics", "calc.py"], "e", env={"EDITOR": editor})

    assert "def total(values: list[int]) -> int: return sum(values)\n" == (root / "calc.py").read_text()
    assert "safety net refused" in screens[-2]


def test_WHEN_review_AND_q_pressed_THEN_the_current_file_keeps_its_accepted_changes_and_later_files_are_untouched(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    screens = _session(root, ["--no-color", "--select", "typing-generics,assert-order"], "yq")

    text = (root / "calc.py").read_text()
    assert "def total(values: List[int]) -> int:" in text.splitlines() and "from typing import" in text
    assert "def first(values: list[int]) -> int | None:" in text.splitlines()
    assert TEST_CALC == (root / "tests/test_calc.py").read_text()
    assert "files written: 1" in screens[-2] and "0" == screens[-1]


def test_WHEN_review_AND_ctrl_c_pressed_THEN_the_file_under_review_is_not_written(tmp_path: Path) -> None:
    root = _project(tmp_path)
    child = _spawn(root, ["--no-color", "--select", "assert-order"])
    child.expect(PROMPT)
    child.send("y")
    child.expect("2 of 2")
    child.expect(PROMPT)
    child.sendintr()
    child.expect(pexpect.EOF)
    screen = child.before
    child.close()

    assert TEST_CALC == (root / "tests/test_calc.py").read_text()
    assert "interrupted" in screen
    assert 130 == child.exitstatus


def test_WHEN_review_AND_colour_is_on_THEN_the_hunk_is_coloured(tmp_path: Path) -> None:
    root = _project(tmp_path)

    screens = _session(root, ["--select", "assert-order"], "nn")

    assert "\x1b[31m" in screens[0] and "\x1b[32m" in screens[0]


def test_WHEN_review_AND_no_terminal_THEN_it_refuses_pointing_to_fix_and_diff(tmp_path: Path) -> None:
    root = _project(tmp_path)

    completed = run_cli(["review"], cwd=root, stdin=b"y\n")

    assert 2 == completed.returncode
    message = completed.stderr.decode()
    assert "stylefix fix" in message and "stylefix diff" in message
    assert TEST_CALC == (root / "tests/test_calc.py").read_text()


@pytest.mark.parametrize("key", ["y", "n", "e", "s", "a", "q", "\x04"])
def test_WHEN_review_AND_each_key_pressed_on_a_rename_THEN_the_session_ends_cleanly(tmp_path: Path, key: str) -> None:
    root = _project(tmp_path)
    child = _spawn(root, ["--no-color", "--select", "test-names"])
    child.expect(PROMPT)
    child.send(key)
    if key == "e":
        child.expect("new name")
        child.send("\r")  # the proposed name, accepted as it is
        child.expect(PROMPT)
        child.send("y")
    while child.expect([PROMPT, pexpect.EOF]) == 0:
        child.send("n")
    child.close()

    text = (root / "tests/test_calc.py").read_text()
    renamed = "def test_total():" not in text
    expected_renamed = key in ("y", "e", "a")  # Ctrl-D (\x04) quits like q
    assert expected_renamed == renamed
    assert ("# stylefix: skip[test-names]" in text) == (key == "s")
    assert 0 == child.exitstatus
