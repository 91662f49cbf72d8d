"""The runner on real files: parallel runs, stable order, atomic writes, races, cache hits and misses."""
from dataclasses import replace
import os
from pathlib import Path
import pytest
import stat
from typing import Dict, List

from stylefix.config import load_config
from stylefix.results import FileResult, Mode, Status
from stylefix.runner import FileChangedOnDisk, RunOptions, fix_paths, process_source, write_atomically
from tests.helpers import CLEAN, SORTED, UNSORTED, run_cli, write_files

FILE_COUNT = 40  # enough files for several chunks on every worker


def _project(root: Path) -> Dict[str, str]:
    files = {"pyproject.toml": "[tool.stylefix]\n"}
    for index in range(FILE_COUNT):
        files[f"pkg/m{index:02d}.py"] = UNSORTED if index % 3 == 0 else CLEAN
    write_files(root, files)
    return files


def _summary(results: List[FileResult]) -> List[tuple]:
    return [(result.path, result.status, result.changed_by()) for result in results]


def test_WHEN_fix_paths_called_with_two_jobs_THEN_same_results_in_same_order_as_one_job(tmp_path: Path) -> None:
    _project(tmp_path)
    config = load_config(tmp_path)
    paths = [tmp_path / "pkg"]

    sequential = list(fix_paths(paths, config, RunOptions(Mode.CHECK, use_cache=False, jobs=1)))
    parallel = list(fix_paths(paths, config, RunOptions(Mode.CHECK, use_cache=False, jobs=2)))

    assert _summary(sequential) == _summary(parallel)
    assert sorted(result.path for result in parallel) == [result.path for result in parallel]
    assert FILE_COUNT == len(parallel)
    assert 14 == sum(result.status is Status.CHANGED for result in parallel)


def test_WHEN_fix_paths_called_with_two_jobs_AND_fix_mode_THEN_every_file_fixed(tmp_path: Path) -> None:
    files = _project(tmp_path)
    config = load_config(tmp_path)

    results = list(fix_paths([tmp_path], config, RunOptions(Mode.FIX, use_cache=False, jobs=2)))

    assert 14 == sum(result.status is Status.CHANGED for result in results)
    for relative, content in files.items():
        if relative.endswith(".py"):
            expected = SORTED if content == UNSORTED else CLEAN
            assert expected == (tmp_path / relative).read_text()
    assert [] == [path.name for path in tmp_path.rglob("*.stylefix-tmp")]


def test_WHEN_write_atomically_called_THEN_content_replaced_and_permissions_kept(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_text(UNSORTED)
    os.chmod(target, 0o640)

    write_atomically(target, UNSORTED.encode(), SORTED.encode())

    assert SORTED == target.read_text()
    assert 0o640 == stat.S_IMODE(target.stat().st_mode)
    assert ["a.py"] == sorted(path.name for path in tmp_path.iterdir())


def test_WHEN_write_atomically_called_AND_file_changed_since_read_THEN_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_text("import sys\nimport os\n# edited meanwhile\n")

    with pytest.raises(FileChangedOnDisk):
        write_atomically(target, UNSORTED.encode(), SORTED.encode())

    assert "import sys\nimport os\n# edited meanwhile\n" == target.read_text()


def test_WHEN_file_modified_between_read_and_write_THEN_reported_and_left_as_the_user_wrote_it(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_text(UNSORTED)
    config = load_config(tmp_path)
    read_earlier = target.read_bytes()
    target.write_text(UNSORTED + "x = 1\n")  # the user saves while stylefix works

    outcome = process_source(read_earlier, target, "a.py", config, RunOptions(Mode.FIX), write=True)

    assert Status.ERROR == outcome.result.status
    assert "a.py:1:1: changed on disk while stylefix was running, not overwritten" == outcome.result.error
    assert UNSORTED + "x = 1\n" == target.read_text()


def test_WHEN_write_atomically_called_through_symlink_THEN_target_rewritten_and_link_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_text(UNSORTED)
    link = tmp_path / "link.py"
    os.symlink(target, link)

    write_atomically(link, UNSORTED.encode(), SORTED.encode())

    assert link.is_symlink()
    assert SORTED == target.read_text()


def test_WHEN_fix_called_AND_read_only_file_THEN_reported_and_untouched(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\n", "a.py": UNSORTED})
    os.chmod(tmp_path / "a.py", 0o444)

    completed = run_cli(["fix", "--no-cache", "a.py"], cwd=tmp_path)

    assert 2 == completed.returncode
    assert "a.py:1:1: read-only file, not changed" in completed.stderr.decode()
    assert UNSORTED == (tmp_path / "a.py").read_text()


def test_WHEN_check_run_twice_THEN_second_run_answers_from_cache_without_parsing(tmp_path: Path) -> None:
    _project(tmp_path)
    config = load_config(tmp_path)
    options = RunOptions(Mode.CHECK, jobs=1)

    first = list(fix_paths([tmp_path], config, options))
    second = list(fix_paths([tmp_path], config, options))

    assert _summary(first) == _summary(second)
    assert [False] * FILE_COUNT == [result.cached for result in first]
    assert [True] * FILE_COUNT == [result.cached for result in second]
    assert [c.changes for c in first] == [c.changes for c in second]
    assert "*" in (tmp_path / ".stylefix_cache" / ".gitignore").read_text()


def test_WHEN_cache_present_AND_file_or_config_changes_THEN_misses(tmp_path: Path) -> None:
    _project(tmp_path)
    config = load_config(tmp_path)
    options = RunOptions(Mode.CHECK, jobs=1)
    list(fix_paths([tmp_path], config, options))

    # TEST: an edited file misses, the rest hit
    (tmp_path / "pkg" / "m01.py").write_text(UNSORTED + "# edited\n")
    results = {r.path: r for r in fix_paths([tmp_path], config, options)}
    edited = results[str(tmp_path / "pkg" / "m01.py")]
    assert (False, Status.CHANGED) == (edited.cached, edited.status)
    assert FILE_COUNT - 1 == sum(r.cached for r in results.values())

    # TEST: another configuration misses everywhere
    other = replace(config, enabled=("assert-order",))
    results = list(fix_paths([tmp_path], other, options))
    assert 0 == sum(r.cached for r in results)

    # TEST: --no-cache neither reads nor writes
    results = list(fix_paths([tmp_path], config, replace(options, use_cache=False)))
    assert 0 == sum(r.cached for r in results)


def test_WHEN_fix_run_AND_then_check_THEN_fixed_files_are_cache_hits(tmp_path: Path) -> None:
    _project(tmp_path)
    config = load_config(tmp_path)

    list(fix_paths([tmp_path], config, RunOptions(Mode.FIX, jobs=1)))
    results = list(fix_paths([tmp_path], config, RunOptions(Mode.CHECK, jobs=1)))

    assert [(True, Status.UNCHANGED)] * FILE_COUNT == [(r.cached, r.status) for r in results]


def test_WHEN_fix_called_AND_cached_would_change_verdict_THEN_still_fixes(tmp_path: Path) -> None:
    _project(tmp_path)
    config = load_config(tmp_path)
    list(fix_paths([tmp_path], config, RunOptions(Mode.CHECK, jobs=1)))

    list(fix_paths([tmp_path], config, RunOptions(Mode.FIX, jobs=1)))

    assert SORTED == (tmp_path / "pkg" / "m00.py").read_text()


def test_WHEN_check_run_twice_AND_file_cannot_parse_THEN_error_answered_from_cache(tmp_path: Path) -> None:
    _project(tmp_path)
    (tmp_path / "pkg" / "broken.py").write_text("import os\ndef f(:\n")
    config = load_config(tmp_path)
    options = RunOptions(Mode.CHECK, jobs=1)
    broken = str(tmp_path / "pkg" / "broken.py")

    first = {result.path: result for result in fix_paths([tmp_path], config, options)}
    second = {result.path: result for result in fix_paths([tmp_path], config, options)}

    assert (Status.ERROR, False) == (first[broken].status, first[broken].cached)
    assert (Status.ERROR, True) == (second[broken].status, second[broken].cached)
    assert first[broken].error == second[broken].error
    assert first[broken].error.startswith(f"{broken}:2:")

    # TEST: --fast keeps its own verdicts (the safety net's stricter parse does not apply there)
    fast = list(fix_paths([tmp_path], config, replace(options, safe=False)))
    assert 0 == sum(result.cached for result in fast)

    # TEST: once the file is repaired it misses and is processed again
    (tmp_path / "pkg" / "broken.py").write_text("import sys\nimport os\n")
    repaired = {result.path: result for result in fix_paths([tmp_path], config, options)}
    assert (Status.CHANGED, False) == (repaired[broken].status, repaired[broken].cached)


def test_WHEN_check_run_twice_AND_files_have_warnings_THEN_second_run_from_cache_reports_same_warnings(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[tool.stylefix]\n",
            "pkg/clean.py": "import os  # stylefix: skip[no-such-codemod]\n\nprint(os)\n",
            "pkg/unsorted.py": "import sys\nimport os  # stylefix: skip[bogus]\n\nprint(os, sys)\n",
        },
    )
    expected_warnings = [
        "pkg/clean.py:1:1: unknown codemod 'no-such-codemod' in skip directive",
        "pkg/unsorted.py:2:1: unknown codemod 'bogus' in skip directive",
    ]

    first = run_cli(["check", "pkg"], cwd=tmp_path)
    second = run_cli(["check", "pkg"], cwd=tmp_path)

    assert (1, 1) == (first.returncode, second.returncode)
    assert (first.stdout, first.stderr) == (second.stdout, second.stderr)
    warnings = [line.split(";")[0] for line in first.stderr.decode().splitlines() if "skip directive" in line]
    assert expected_warnings == warnings
    assert list((tmp_path / ".stylefix_cache").glob("v3-*.json"))
    # TEST: after `fix` moved the lines, a cached check reports what an uncached one does
    run_cli(["fix", "pkg"], cwd=tmp_path)
    cached = run_cli(["check", "pkg"], cwd=tmp_path)
    cached_again = run_cli(["check", "pkg"], cwd=tmp_path)
    uncached = run_cli(["check", "--no-cache", "pkg"], cwd=tmp_path)
    assert (0, uncached.stderr) == (cached.returncode, cached.stderr)
    assert uncached.stderr == cached_again.stderr
    assert b"pkg/unsorted.py:1:1: unknown codemod 'bogus'" in uncached.stderr


def _imported_modules(stderr: bytes) -> List[str]:
    # PYTHONPROFILEIMPORTTIME lines: "import time: self [us] | cumulative | imported package"
    lines = [line for line in stderr.decode().splitlines() if line.startswith("import time:")]
    return [line.rsplit("|", 1)[-1].strip() for line in lines]


def test_WHEN_cli_answers_from_cache_or_help_THEN_libcst_never_imported(tmp_path: Path) -> None:
    _project(tmp_path)
    (tmp_path / "pkg" / "broken.py").write_text("def f(:\n")
    profile = {"PYTHONPROFILEIMPORTTIME": "1"}

    cold = run_cli(["check", "--jobs", "1", "."], tmp_path, env=profile)
    warm = run_cli(["check", "--jobs", "1", "."], tmp_path, env=profile)
    helped = run_cli(["--help"], tmp_path, env=profile)

    # TEST: the cold run parses, so it imports LibCST (the measurement works)
    assert "libcst" in _imported_modules(cold.stderr)
    assert (2, 2) == (cold.returncode, warm.returncode)  # a file that cannot be processed
    assert b"broken.py:1:" in warm.stderr
    for completed in (warm, helped):
        assert [] == [name for name in _imported_modules(completed.stderr) if name.split(".")[0] == "libcst"]
