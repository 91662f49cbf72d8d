"""The bad-input matrix, each case on the real CLI: one clear line where a file cannot be processed, never a
traceback, the file untouched, the rest of the run going on."""
import os
from pathlib import Path
import pytest
import shutil
import signal
import subprocess
import sys
import time
from typing import Dict, List, Optional, Tuple

from tests.helpers import SORTED_IMPORTS, STYLEFIX, UNSORTED_IMPORTS, run_cli, write_files

UNSORTED = UNSORTED_IMPORTS.encode()
SORTED = SORTED_IMPORTS.encode()

# name -> (file bytes, expected message fragment or None when processed, expected bytes after fix or None)
UNPROCESSABLE: Dict[str, Tuple[bytes, str]] = {
    "syntax error": (b"import os\ndef f(:\n    pass\n", "bad.py:2:7: cannot parse: invalid syntax"),
    "python 2 print": (b"import os\nprint 'hello'\n", "bad.py:2:1: cannot parse: Missing parentheses in call to 'print'"),
    "python 2 except": (b"try:\n    pass\nexcept Exception, e:\n    pass\n", "bad.py:3:8: cannot parse:"),
    "undecodable without cookie": (b"import os\nx = '\xff\xfe'\n", "bad.py:2:6: cannot decode: invalid start byte (utf-8)"),
    "undecodable with ascii cookie": (b"# coding: ascii\nimport os\nx = '\xe9'\n", "bad.py:3:6: cannot decode"),
    "unknown coding cookie": (b"# coding: klingon\nimport os\n", "bad.py:1:1: cannot decode: unknown encoding"),
    "binary file": (b"\x7fELF\x02\x01\x01\x00\x00\x00import os\n", "bad.py:1:1: binary file (contains NUL bytes), not Python source"),
    "tab indentation error": (b"if True:\n\tx = 1\n        y = 2\n", "bad.py:3:"),
}

# name -> (input bytes, expected bytes after `fix`)
PROCESSED: Dict[str, Tuple[bytes, bytes]] = {
    "latin-1 cookie": (
        b"# -*- coding: latin-1 -*-\nimport sys\nimport os\nx = '\xe9'\n",
        b"# -*- coding: latin-1 -*-\nimport os\nimport sys\nx = '\xe9'\n",
    ),
    "utf-8 bom": (b"\xef\xbb\xbf" + UNSORTED, b"\xef\xbb\xbf" + SORTED),
    "crlf": (b"import sys\r\nimport os\r\n\r\nx = 1\r\n", b"import os\r\nimport sys\r\n\r\nx = 1\r\n"),
    "mixed newlines": (b"import sys\r\nimport os\n\nx = 1\r\n", b"import os\nimport sys\r\n\nx = 1\r\n"),
    "tabs": (b"import sys\nimport os\nif x:\n\ty = 1\n", b"import os\nimport sys\nif x:\n\ty = 1\n"),
    "form feed": (b"\x0c\nimport sys\nimport os\n", b"\x0c\nimport os\nimport sys\n"),
    "no trailing newline": (b"import sys\nimport os", b"import os\nimport sys"),
    "empty file": (b"", b""),
    "comments only": (b"# just a comment\n# and another\n", b"# just a comment\n# and another\n"),
    "non-ascii identifiers": (b"import sys\nimport os\n\xc3\xa9t\xc3\xa9 = 1\n", b"import os\nimport sys\n\xc3\xa9t\xc3\xa9 = 1\n"),
}


def _fix(tmp_path: Path, name: str, content: bytes) -> subprocess.CompletedProcess:
    (tmp_path / "pyproject.toml").write_text("[tool.stylefix]\n")
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.py").write_bytes(UNSORTED)
    return run_cli(["fix", "--no-cache", "."], cwd=tmp_path)


@pytest.mark.parametrize("case", sorted(UNPROCESSABLE))
def test_WHEN_fix_called_AND_file_cannot_be_processed_THEN_one_line_error_file_untouched_run_goes_on(
    tmp_path: Path, case: str
) -> None:
    content, expected_message = UNPROCESSABLE[case]

    completed = _fix(tmp_path, "bad.py", content)

    assert 2 == completed.returncode
    stderr = completed.stderr.decode()
    assert "Traceback" not in stderr
    error_lines = [line for line in stderr.splitlines() if line.startswith("bad.py")]
    assert 1 == len(error_lines), stderr
    assert error_lines[0].startswith(expected_message), stderr
    assert content == (tmp_path / "bad.py").read_bytes()
    assert SORTED == (tmp_path / "good.py").read_bytes()


@pytest.mark.parametrize("case", sorted(PROCESSED))
def test_WHEN_fix_called_AND_unusual_but_valid_file_THEN_fixed_keeping_encoding_and_newlines(
    tmp_path: Path, case: str
) -> None:
    content, expected = PROCESSED[case]

    completed = _fix(tmp_path, "odd.py", content)

    assert 0 == completed.returncode, completed.stderr
    assert expected == (tmp_path / "odd.py").read_bytes()


def test_WHEN_fix_called_AND_50000_line_file_THEN_processed(tmp_path: Path) -> None:
    body = "".join(f"value_{index} = {index}\n" for index in range(50_000))
    content = UNSORTED + body.encode()

    completed = _fix(tmp_path, "big.py", content)

    assert 0 == completed.returncode, completed.stderr
    assert SORTED + body.encode() == (tmp_path / "big.py").read_bytes()


def test_WHEN_fix_called_AND_deeply_nested_expression_THEN_one_line_error_or_processed(tmp_path: Path) -> None:
    content = UNSORTED + b"x = " + b"(" * 500 + b"1" + b")" * 500 + b"\n"

    completed = _fix(tmp_path, "deep.py", content)

    assert completed.returncode in (0, 2)
    assert "Traceback" not in completed.stderr.decode()
    assert (tmp_path / "deep.py").read_bytes() in (content, SORTED + content[len(UNSORTED) :])


def test_WHEN_fix_called_AND_broken_symlink_and_symlink_loop_THEN_reported_and_rest_fixed(tmp_path: Path) -> None:
    os.symlink(tmp_path / "missing.py", tmp_path / "broken.py")
    os.symlink(tmp_path / "loop.py", tmp_path / "loop.py")
    (tmp_path / "dir").mkdir()
    os.symlink(tmp_path, tmp_path / "dir" / "up")

    completed = _fix(tmp_path, "other.py", UNSORTED)

    assert 2 == completed.returncode
    stderr = completed.stderr.decode()
    assert "broken.py:1:1: broken symlink, not processed" in stderr
    assert "loop.py:1:1: symlink loop, not processed" in stderr
    assert SORTED == (tmp_path / "other.py").read_bytes()


def test_WHEN_fix_called_AND_directory_named_x_py_given_THEN_its_files_processed(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\n"})
    (tmp_path / "x.py").mkdir()
    (tmp_path / "x.py" / "inner.py").write_bytes(UNSORTED)

    completed = run_cli(["fix", "--no-cache", "x.py"], cwd=tmp_path)

    assert 0 == completed.returncode, completed.stderr
    assert SORTED == (tmp_path / "x.py" / "inner.py").read_bytes()


# Root reads anything; without these two capabilities it is held to the permission bits like anyone else.
DROP_READ_OVERRIDE = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_WHEN_fix_called_AND_unreadable_file_THEN_reported_and_rest_fixed(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\n", "good.py": UNSORTED.decode(), "secret.py": "import os\n"})
    os.chmod(tmp_path / "secret.py", 0o000)
    prefix = DROP_READ_OVERRIDE if os.getuid() == 0 else []
    if prefix and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: root can read any file")

    completed = subprocess.run(prefix + STYLEFIX + ["fix", "--no-cache", "."], cwd=tmp_path, capture_output=True, timeout=120)

    assert 2 == completed.returncode, completed.stderr
    assert "secret.py:1:1: cannot read: Permission denied" in completed.stderr.decode()
    assert SORTED == (tmp_path / "good.py").read_bytes()


def test_WHEN_fix_called_AND_file_deleted_before_write_THEN_reported_not_recreated(tmp_path: Path) -> None:
    from stylefix.config import load_config
    from stylefix.results import Mode, Status
    from stylefix.runner import RunOptions, process_source

    target = tmp_path / "gone.py"
    config = load_config(tmp_path)

    outcome = process_source(UNSORTED, target, "gone.py", config, RunOptions(Mode.FIX), write=True)

    assert Status.ERROR == outcome.result.status
    assert "gone.py:1:1: deleted while stylefix was running, not written" == outcome.result.error
    assert False == target.exists()


# Enough files that the run is still going when the interrupt arrives.
SIGINT_FILES = 600


def _wait_for_first_fix(files: List[Path], process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline and process.poll() is None:
        if any(path.read_bytes() != UNSORTED_BIG for path in files[:50]):
            return
        time.sleep(0.01)


# The real `stylefix` command in a subprocess, with the user's editor acting on `race.py` right after stylefix
# has read it: the one moment a test cannot otherwise hit on purpose.
RACE_SCRIPT = """
import sys
from pathlib import Path

from stylefix import cli, runner

read_source, action = runner.read_source, sys.argv.pop(1)


def read_then_user_acts(path):
    source = read_source(path)
    if path.name == "race.py":
        if action == "delete":
            path.unlink()
        else:
            path.write_bytes(source + b"x = 1\\n")
    return source


runner.read_source = read_then_user_acts
sys.argv[0] = "stylefix"
cli.main()
"""


@pytest.mark.parametrize(
    ("action", "expected_message", "expected_content"),
    [
        ("delete", "race.py:1:1: deleted while stylefix was running, not written", None),
        ("modify", "race.py:1:1: changed on disk while stylefix was running, not overwritten", UNSORTED + b"x = 1\n"),
    ],
)
def test_WHEN_fix_called_AND_file_changes_between_read_and_write_THEN_reported_and_user_version_kept(
    tmp_path: Path, action: str, expected_message: str, expected_content: Optional[bytes]
) -> None:
    write_files(tmp_path, {
        "pyproject.toml": "[tool.stylefix]\n",
        "race.py": UNSORTED.decode(),
        "good.py": UNSORTED.decode(),
    })
    command = [sys.executable, "-c", RACE_SCRIPT, action, "fix", "--no-cache", "--jobs", "1", "."]

    completed = subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=120)

    stderr = completed.stderr.decode()
    assert 2 == completed.returncode, stderr
    assert "Traceback" not in stderr
    assert expected_message in stderr
    race = tmp_path / "race.py"
    assert expected_content == (race.read_bytes() if race.exists() else None)
    assert SORTED == (tmp_path / "good.py").read_bytes()
    assert [] == [path.name for path in tmp_path.iterdir() if "stylefix-tmp" in path.name]


UNSORTED_BIG = UNSORTED + b"".join(b"value_%d = %d\n" % (index, index) for index in range(400))


def test_WHEN_sigint_during_large_run_THEN_every_file_original_or_fully_fixed_and_no_temp_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.stylefix]\n")
    files = []
    for index in range(SIGINT_FILES):
        path = tmp_path / "pkg" / f"m{index:03d}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(UNSORTED_BIG)
        files.append(path)
    process = subprocess.Popen(
        STYLEFIX + ["fix", "--no-cache", "--jobs", "2", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    _wait_for_first_fix(files, process, time.monotonic() + 60)

    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground process group
    _, stderr = process.communicate(timeout=120)

    expected_fixed = SORTED + UNSORTED_BIG[len(UNSORTED) :]
    contents = [path.read_bytes() for path in files]
    assert [] == [path.name for path, content in zip(files, contents) if content not in (UNSORTED_BIG, expected_fixed)]
    assert [] == [path.name for path in tmp_path.rglob("*") if "stylefix-tmp" in path.name]
    assert 0 < contents.count(expected_fixed), stderr
    if process.returncode == 130:
        assert "interrupted" in stderr.decode()
        assert 0 < contents.count(UNSORTED_BIG)
    assert "Traceback" not in stderr.decode()
