"""Generated pathological files (the shapes generated code takes in real repositories) through the real CLI, with
two workers and with one: each file ends in a result or a one-line error, never a traceback or a lost run.

`make test` runs small sizes; `make fuzz` sets STYLEFIX_FUZZ_FULL=1 for the full ones (docs/reliability.md).
"""
import os
from pathlib import Path
import pytest
import re
from typing import Callable, Dict, List, NamedTuple

from tests.helpers import UNSORTED_IMPORTS, run_cli, write_files

FULL = os.environ.get("STYLEFIX_FUZZ_FULL", "") not in ("", "0")
# At full sizes a few files legitimately take long (a 2 MB line): a shorter limit keeps `make fuzz` bounded and
# exercises the `timeout` key.
PYPROJECT = "[tool.stylefix]\ntimeout = 20\n" if FULL else "[tool.stylefix]\n"
# Every file starts with imports out of order, so sort-imports wants it and LibCST would have to parse it.
DEEP = "too deeply nested for stylefix to process safely"
# The one-line errors a pathological file may end in, besides being processed.
ACCEPTED_ERRORS = re.compile(rf"{DEEP} \(depth .*, limit \d+\)|gave up after \d+ s|cannot parse: .*|cannot decode: .*")


class Shape(NamedTuple):
    write: Callable[[int], str]
    small: int
    full: int
    deep: bool  # at the small size: refused by the depth guard (True) or processed (False)


def _chain(operator: str) -> Callable[[int], str]:
    return lambda size: UNSORTED_IMPORTS + "x = " + f" {operator} ".join(["a"] * size) + "\n"


def _nested(opening: str, closing: str, middle: str = "1") -> Callable[[int], str]:
    return lambda size: UNSORTED_IMPORTS + "x = " + opening * size + middle + closing * size + "\n"


SHAPES: Dict[str, Shape] = {
    "chain_plus.py": Shape(_chain("+"), 1_000, 20_000, True),
    "chain_within_limit.py": Shape(_chain("+"), 400, 400, False),
    "chain_power.py": Shape(_chain("**"), 1_000, 20_000, True),
    "chain_and.py": Shape(_chain("and"), 1_000, 20_000, True),
    "chain_compare.py": Shape(_chain("<"), 1_000, 20_000, False),
    "implicit_concatenation.py": Shape(
        lambda size: UNSORTED_IMPORTS
        + "x = (\n"
        + "".join(f"    'fragment {index}'\n" for index in range(size))
        + ")\n",
        1_000,
        20_000,
        True,
    ),
    "nested_parentheses.py": Shape(_nested("(", ")"), 150, 20_000, False),
    "nested_lists.py": Shape(_nested("[", "]"), 150, 20_000, False),
    "nested_dicts.py": Shape(_nested("{1: ", "}"), 150, 20_000, False),
    "nested_calls.py": Shape(_nested("f(", ")"), 150, 20_000, False),
    "nested_calls_past_cpython.py": Shape(_nested("f(", ")"), 250, 20_000, True),
    "nested_subscripts.py": Shape(lambda size: UNSORTED_IMPORTS + "x = a" + "[0]" * size + "\n", 1_000, 20_000, True),
    "nested_attributes.py": Shape(lambda size: UNSORTED_IMPORTS + "x = a" + ".b" * size + "\n", 1_000, 20_000, True),
    "nested_lambdas.py": Shape(lambda size: UNSORTED_IMPORTS + "x = " + "lambda: " * size + "1\n", 1_000, 20_000, True),
    "nested_conditionals.py": Shape(
        lambda size: UNSORTED_IMPORTS + "x = " + "1 if c else " * size + "2\n", 1_000, 20_000, True
    ),
    "nested_fstrings.py": Shape(_nested("f'{", "}'"), 600, 20_000, True),
    "nested_not.py": Shape(lambda size: UNSORTED_IMPORTS + "x = " + "not " * size + "a\n", 1_000, 20_000, True),
    "huge_list.py": Shape(
        lambda size: UNSORTED_IMPORTS + "x = [\n" + "".join(f"    {index},\n" for index in range(size)) + "]\n",
        10_000,
        200_000,
        False,
    ),
    "huge_string.py": Shape(lambda size: UNSORTED_IMPORTS + "x = '" + "a" * size + "'\n", 100_000, 2_000_000, False),
    "huge_integer.py": Shape(lambda size: UNSORTED_IMPORTS + "x = " + "9" * size + "\n", 4_000, 4_000, False),
    "many_imports.py": Shape(
        lambda size: "".join(f"import module_{(index * 7919) % size}\n" for index in range(size)), 2_000, 20_000, False
    ),
    "single_line.py": Shape(
        lambda size: UNSORTED_IMPORTS + "x = [" + ", ".join(["1"] * (size // 3)) + "]\n", 200_000, 2_000_000, False
    ),
    "many_decorators.py": Shape(
        lambda size: UNSORTED_IMPORTS + "@decorator\n" * size + "def f() -> None:\n    pass\n", 500, 5_000, False
    ),
}
PROCESSED_LINE = re.compile(r"^would change (\S+) \(")


def write_shapes(root: Path, full: bool) -> List[str]:
    files = {"pyproject.toml": PYPROJECT}
    for name, shape in SHAPES.items():
        files[f"pkg/{name}"] = shape.write(shape.full if full else shape.small)
    write_files(root, files)
    return sorted(f"pkg/{name}" for name in SHAPES)


def errors_by_file(stderr: str) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for line in stderr.splitlines():
        match = re.match(r"^(pkg/\S+\.py):1:1: (.*)$", line)
        if match:
            found.setdefault(match.group(1), []).append(match.group(2))
    return found


@pytest.mark.parametrize("jobs", ["2", "1"])
def test_WHEN_check_run_on_pathological_files_THEN_each_processed_or_one_line_error_and_run_completes(
    tmp_path: Path, jobs: str
) -> None:
    names = write_shapes(tmp_path, FULL)

    completed = run_cli(["check", "--no-cache", "-j", jobs, "pkg"], cwd=tmp_path)

    stderr, stdout = completed.stderr.decode(), completed.stdout.decode()
    assert 2 == completed.returncode, stderr
    assert "Traceback" not in stderr
    errors = errors_by_file(stderr)
    processed = [match.group(1) for match in map(PROCESSED_LINE.match, stdout.splitlines()) if match]
    assert names == sorted(processed + list(errors)), stdout + stderr
    assert [] == [name for name, lines in errors.items() if len(lines) != 1 or not ACCEPTED_ERRORS.match(lines[0])]
    if not FULL:
        expected_deep = sorted(f"pkg/{name}" for name, shape in SHAPES.items() if shape.deep)
        assert expected_deep == sorted(name for name, lines in errors.items() if lines[0].startswith(DEEP))
        assert sorted(set(names) - set(expected_deep)) == sorted(processed)


def test_WHEN_check_run_on_20000_term_expression_THEN_reported_as_too_deep_and_the_rest_processed(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {
        "pyproject.toml": "[tool.stylefix]\n",
        "pkg/binop.py": "x = " + " + ".join(["a"] * 20_000) + "\n",
        "pkg/other.py": UNSORTED_IMPORTS,
        "pkg/clean.py": "import os\n",
    })

    for jobs in ("2", "1"):
        completed = run_cli(["check", "--no-cache", "-j", jobs, "pkg"], cwd=tmp_path)

        stderr = completed.stderr.decode()
        assert 2 == completed.returncode, stderr
        expected_error = f"pkg/binop.py:1:1: {DEEP} (depth about 19999, limit 500)"
        assert [expected_error] == [line for line in stderr.splitlines() if line.startswith("pkg/binop.py")]
        assert "would change pkg/other.py (sort-imports)" in completed.stdout.decode()
        assert "1 file would change, 1 unchanged, 1 failed" in completed.stdout.decode() + stderr


def test_WHEN_fix_run_twice_AND_file_too_deep_THEN_untouched_and_verdict_answered_from_cache(tmp_path: Path) -> None:
    content = UNSORTED_IMPORTS + "x = " + " + ".join(["a"] * 600) + "\n"
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\n", "deep.py": content, "other.py": UNSORTED_IMPORTS})
    profile = {"PYTHONPROFILEIMPORTTIME": "1"}

    first = run_cli(["fix", "-j", "1", "."], cwd=tmp_path)
    second = run_cli(["check", "-j", "1", "deep.py"], cwd=tmp_path, env=profile)

    expected_error = f"deep.py:1:1: {DEEP} (depth 604, limit 500)"
    assert (2, 2) == (first.returncode, second.returncode)
    assert expected_error in first.stderr.decode().splitlines()
    assert expected_error in second.stderr.decode().splitlines()
    assert content == (tmp_path / "deep.py").read_text()
    assert "import os\nimport sys\n" == (tmp_path / "other.py").read_text()
    imported = [line.rsplit("|", 1)[-1].strip() for line in second.stderr.decode().splitlines() if "|" in line]
    assert [] == [name for name in imported if name.split(".")[0] == "libcst"]
