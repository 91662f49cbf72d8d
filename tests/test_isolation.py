"""Crash isolation, time limits and signals on the real CLI: a worker that dies or hangs costs one file, SIGTERM
is handled as Ctrl-C is, and no worker outlives the main process, however that ends."""
import os
from pathlib import Path
import pytest
import signal
import subprocess
import sys
import time
from typing import Dict, List

from tests.helpers import SORTED_IMPORTS, STYLEFIX, UNSORTED_IMPORTS, write_files

# The real `stylefix` command, with the worker's per-file step wrapped so that one named file dies of SIGSEGV
# (what a stack overflow in LibCST's native parser does) or never finishes: a real file cannot be made to do
# either on purpose on every machine.
FAULT_SCRIPT = """
import os
import signal
import sys
import time

from stylefix import cli, runner

fix_file = runner.fix_file


def fix_file_with_faults(path, config, options):
    if path.name == "crash.py":
        os.kill(os.getpid(), signal.SIGSEGV)
    if path.name == "hang.py":
        time.sleep(600)
    return fix_file(path, config, options)


runner.fix_file = fix_file_with_faults
process_source = runner.process_source


def process_source_with_faults(source, path, *args, **kwargs):
    if path.name == "crash.py":
        os.kill(os.getpid(), signal.SIGSEGV)
    if path.name == "hang.py":
        time.sleep(600)
    return process_source(source, path, *args, **kwargs)


runner.process_source = process_source_with_faults
sys.argv[0] = "stylefix"
cli.main()
"""
# Enough files for several chunks per worker, with the faulty one in the middle of a chunk.
FILE_COUNT = 30
# The bound for every stylefix process to be gone once the main one has ended.
CLEANUP_SECONDS = 2.0


def _project(root: Path, faulty: str, pyproject: str = "[tool.stylefix]\n") -> List[str]:
    files: Dict[str, str] = {"pyproject.toml": pyproject}
    for index in range(FILE_COUNT):
        files[f"pkg/m{index:02d}.py"] = UNSORTED_IMPORTS
    files[f"pkg/{faulty}"] = UNSORTED_IMPORTS
    write_files(root, files)
    return sorted(name for name in files if name.startswith("pkg/m"))


def _run_with_faults(root: Path, args: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", FAULT_SCRIPT] + args, cwd=root, capture_output=True, timeout=120)


def _run_stdin_with_faults(root: Path, args: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", FAULT_SCRIPT] + args,
        cwd=root,
        input=UNSORTED_IMPORTS.encode(),
        capture_output=True,
        timeout=120,
    )


@pytest.mark.parametrize("jobs", ["2", "1"])
def test_WHEN_worker_crashes_mid_file_THEN_that_file_reported_and_every_other_file_fixed(
    tmp_path: Path, jobs: str
) -> None:
    others = _project(tmp_path, "crash.py")

    completed = _run_with_faults(tmp_path, ["fix", "--no-cache", "-j", jobs, "pkg"])

    stderr = completed.stderr.decode()
    assert 2 == completed.returncode, stderr
    assert "Traceback" not in stderr
    expected_error = "pkg/crash.py:1:1: internal error: the parser crashed (signal 11)"
    assert [expected_error] == [line for line in stderr.splitlines() if line.startswith("pkg/")]
    assert UNSORTED_IMPORTS == (tmp_path / "pkg" / "crash.py").read_text()
    assert [] == [name for name in others if SORTED_IMPORTS != (tmp_path / name).read_text()]
    assert f"{FILE_COUNT} files fixed, 0 unchanged, 1 failed" in completed.stdout.decode() + stderr


def test_WHEN_file_takes_longer_than_the_time_limit_THEN_given_up_untouched_and_the_rest_fixed(
    tmp_path: Path,
) -> None:
    others = _project(tmp_path, "hang.py", pyproject="[tool.stylefix]\ntimeout = 1\n")

    # TEST: the `timeout` key
    completed = _run_with_faults(tmp_path, ["fix", "--no-cache", "-j", "2", "pkg"])

    stderr = completed.stderr.decode()
    assert 2 == completed.returncode, stderr
    assert ["pkg/hang.py:1:1: gave up after 1 s"] == [line for line in stderr.splitlines() if line.startswith("pkg/")]
    assert UNSORTED_IMPORTS == (tmp_path / "pkg" / "hang.py").read_text()
    assert [] == [name for name in others if SORTED_IMPORTS != (tmp_path / name).read_text()]

    # TEST: --timeout wins over the key, with one job
    completed = _run_with_faults(tmp_path, ["check", "--no-cache", "-j", "1", "--timeout", "2", "pkg"])
    stderr = completed.stderr.decode()
    assert 2 == completed.returncode, stderr
    assert ["pkg/hang.py:1:1: gave up after 2 s"] == [line for line in stderr.splitlines() if line.startswith("pkg/")]

    # TEST: a time limit that is not a positive number is a configuration error
    (tmp_path / "pyproject.toml").write_text("[tool.stylefix]\ntimeout = 0\n")
    completed = _run_with_faults(tmp_path, ["check", "--no-cache", "pkg"])
    assert 2 == completed.returncode
    assert "timeout: invalid value 0; expected a positive number of seconds" in completed.stderr.decode()


@pytest.mark.parametrize(
    ("pyproject", "args", "expected_error"),
    [
        ("[tool.stylefix]\n", ["fix", "-", "--stdin-filename", "pkg/crash.py"], "internal error: the parser crashed (signal 11)"),
        ("[tool.stylefix]\ntimeout = 1\n", ["fix", "-", "--stdin-filename", "pkg/hang.py"], "gave up after 1 s"),
        ("[tool.stylefix]\n", ["check", "-", "--stdin-filename", "pkg/hang.py", "--timeout", "1"], "gave up after 1 s"),
    ],    ids=["crash", "timeout key", "--timeout"],
)
def test_WHEN_stdin_source_crashes_or_hangs_THEN_one_error_line_AND_exit_2_within_the_time_limit(
    tmp_path: Path, pyproject: str, args: List[str], expected_error: str
) -> None:
    write_files(tmp_path, {"pyproject.toml": pyproject})
    name = args[args.index("--stdin-filename") + 1]
    started = time.monotonic()

    completed = _run_stdin_with_faults(tmp_path, args)

    elapsed = time.monotonic() - started
    stderr = completed.stderr.decode()
    assert 2 == completed.returncode, stderr
    assert "Traceback" not in stderr
    assert [f"{name}:1:1: {expected_error}"] == [line for line in stderr.splitlines() if line.startswith("pkg/")]
    assert elapsed < 60


# Enough work that the run is still going when the signal arrives.
SIGNAL_FILES = 400
BIG_UNSORTED = UNSORTED_IMPORTS + "".join(f"value_{index} = {index}\n" for index in range(400))
BIG_SORTED = SORTED_IMPORTS + BIG_UNSORTED[len(UNSORTED_IMPORTS) :]


def _children(pid: int) -> List[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("sent", "expected_code"), [(signal.SIGTERM, 143), (signal.SIGKILL, -signal.SIGKILL)])
def test_WHEN_main_process_signalled_mid_run_THEN_no_worker_remains_pipes_close_and_files_whole(
    tmp_path: Path, sent: int, expected_code: int
) -> None:
    files = []
    for index in range(SIGNAL_FILES):
        files.append(tmp_path / "pkg" / f"m{index:03d}.py")
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\n"})
    write_files(tmp_path, {f"pkg/{path.name}": BIG_UNSORTED for path in files})
    process = subprocess.Popen(
        STYLEFIX + ["fix", "--no-cache", "-j", "2", "pkg"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(path.read_text() == BIG_SORTED for path in files[:20]):
        time.sleep(0.01)
    workers = _children(process.pid)

    os.kill(process.pid, sent)  # the main process only, as `kill` or a CI runner does
    gone_by = time.monotonic() + CLEANUP_SECONDS
    while time.monotonic() < gone_by and any(_running(pid) for pid in [process.pid] + workers):
        time.sleep(0.05)
    still_running = [pid for pid in workers if _running(pid)]
    stdout, stderr = process.communicate(timeout=10)  # returns once every holder of the pipes has ended

    assert 2 == len(workers)
    assert [] == still_running
    assert expected_code == process.returncode, stderr
    assert "Traceback" not in stderr.decode()
    contents = [path.read_text() for path in files]
    assert [] == [path.name for path, text in zip(files, contents) if text not in (BIG_UNSORTED, BIG_SORTED)]
    assert [] == [path.name for path in tmp_path.rglob("*") if "stylefix-tmp" in path.name]
    if sent == signal.SIGTERM:
        assert "stylefix: terminated; every file is either unchanged or fully fixed" in stderr.decode()
        assert 0 < contents.count(BIG_UNSORTED)
