"""assert-order on the test suites of real projects: only `==`/`!=` operands move, and the tests still pass.

For each project: download its sdist (scripts/corpus.py) into .corpus/, make a throwaway venv with uv, install what its
tests need, run its tests, run `stylefix fix --select assert-order` on the copy, check every file still parses,
that the ASTs are equal once the operands of `==`/`!=` asserts (and, with `unittest = true`, of assertEqual and
its relatives) are put in a canonical order, that every comment is kept, that a second run changes nothing,
that pycodestyle's continuation-line warnings do not increase,
and that every test that passed before still passes. Prints the numbers; exits 1 when any check fails.

Run: `uv run --frozen python -m scripts.assert_order_real [project ...]`.
"""
import argparse
import ast
from dataclasses import dataclass, field
import io
import logging
import os
from pathlib import Path
import subprocess
import sys
import time
import tokenize
from typing import Dict, List, Optional, Sequence, Tuple
from xml.etree import ElementTree

from scripts.corpus import find_uv, sdist_archive, unpack

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT_ROOT / ".corpus" / "assert-order"
STYLEFIX = Path(sys.executable).parent / "stylefix"
# A project's own tests may be slow on a small machine; nothing here should take longer.
TEST_TIMEOUT_SECONDS = 1800
UNITTEST_METHODS = frozenset(
    {
        "assertEqual",
        "assertNotEqual",
        "assertAlmostEqual",
        "assertNotAlmostEqual",
        "assertCountEqual",
        "assertMultiLineEqual",
        "assertDictEqual",
        "assertListEqual",
        "assertTupleEqual",
        "assertSetEqual",
        "assertSequenceEqual",
        "assertEquals",
        "assertNotEquals",
        "assertAlmostEquals",
        "assertNotAlmostEquals",
    }
)

# The keyword names of the compared parameters of those methods.
KEYWORD_NAMES = frozenset(
    {"first", "second", "d1", "d2", "list1", "list2", "tuple1", "tuple2", "set1", "set2", "seq1", "seq2"}
)


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    # Paths inside the sdist that hold the tests (run by pytest, and what stylefix fixes).
    tests: Tuple[str, ...]
    requirements: Tuple[str, ...] = ("pytest", "pycodestyle")
    # [tool.stylefix.assert-order] options for the run.
    options: Dict[str, object] = field(default_factory=dict)


PROJECTS: Tuple[Project, ...] = (
    Project("toolz", "1.2.0", tests=("toolz/tests",)),
    Project("more-itertools", "11.2.1", tests=("tests",), options={"unittest": True}),
)


@dataclass
class FileCheck:
    path: str
    changed: bool = False
    asserts_changed: int = 0
    unittest_calls_changed: int = 0
    problems: List[str] = field(default_factory=list)


@dataclass
class Outcome:
    project: str
    files: int = 0
    files_changed: int = 0
    asserts_changed: int = 0
    unittest_calls_changed: int = 0
    reported_changes: int = 0
    tests_passed_before: int = 0
    tests_failed_before: int = 0
    tests_passed_after: int = 0
    regressions: List[str] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    seconds_fix: float = 0.0
    # pycodestyle's continuation-line warnings (E12x), before and after: moved operands keep their alignment.
    continuation_warnings_before: int = 0
    continuation_warnings_after: int = 0


def run(command: Sequence[str], cwd: Optional[Path] = None, check: bool = True) -> subprocess.CompletedProcess:
    logger.debug("running %s", " ".join(str(part) for part in command))
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TEST_TIMEOUT_SECONDS,
        check=False,
    )
    if check and completed.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed


def make_venv(work: Path, requirements: Sequence[str]) -> Path:
    """A throwaway venv holding what the project's tests need."""
    uv = find_uv()
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        run([uv, "venv", "--quiet", "--seed", "--python", sys.executable, venv])
    run([uv, "pip", "install", "--quiet", "--python", python, *requirements])
    return python


def run_tests(python: Path, top: Path, tests: Sequence[str], report: Path) -> Dict[str, str]:
    """pytest's outcome per test id: passed, failed, error or skipped."""
    environment_flags = ["-p", "no:cacheprovider", "-q", "-o", "addopts=", f"--junitxml={report}"]
    run([python, "-m", "pytest", *environment_flags, *tests], cwd=top, check=False)
    outcomes: Dict[str, str] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
        outcomes[test_id] = outcome
    return outcomes


def continuation_warnings(python: Path, top: Path, tests: Sequence[str]) -> int:
    """How many continuation-line warnings (E12x: indentation of wrapped lines) pycodestyle gives the tests."""
    command = [python, "-m", "pycodestyle", "--select=E12", "--max-line-length=1000", *tests]
    completed = run(command, cwd=top, check=False)
    return len(completed.stdout.splitlines())


def python_files(top: Path, tests: Sequence[str]) -> Dict[str, bytes]:
    found: Dict[str, bytes] = {}
    for test_path in tests:
        for path in sorted((top / test_path).rglob("*.py")):
            found[str(path.relative_to(top))] = path.read_bytes()
    return found


def _operands_key(node: ast.AST) -> str:
    return ast.dump(node)


def _canonical_pair(first: ast.expr, second: ast.expr) -> Tuple[ast.expr, ast.expr]:
    return (first, second) if _operands_key(first) <= _operands_key(second) else (second, first)


def _compared_arguments(call: ast.Call) -> Optional[Tuple[Tuple[str, int], Tuple[str, int]]]:
    """Where the two compared values of a unittest call sit: ("arg", index) or ("keyword", index)."""
    places: List[Tuple[str, int]] = [("arg", index) for index in range(min(2, len(call.args)))]
    for index, keyword in enumerate(call.keywords):
        if keyword.arg in KEYWORD_NAMES and len(places) < 2:
            places.append(("keyword", index))
    if len(places) != 2 or any(isinstance(arg, ast.Starred) for arg in call.args):
        return None
    return places[0], places[1]


def _get(call: ast.Call, place: Tuple[str, int]) -> ast.expr:
    kind, index = place
    return call.args[index] if kind == "arg" else call.keywords[index].value


def _set(call: ast.Call, place: Tuple[str, int], value: ast.expr) -> None:
    kind, index = place
    if kind == "arg":
        call.args[index] = value
    else:
        call.keywords[index].value = value


def is_unittest_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
        and node.func.attr in UNITTEST_METHODS
    )


def is_equality_assert(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Assert)
        and isinstance(node.test, ast.Compare)
        and len(node.test.ops) == 1
        and isinstance(node.test.ops[0], (ast.Eq, ast.NotEq))
    )


def normalised(tree: ast.Module, unittest: bool) -> str:
    """The tree's dump with the operands of every `==`/`!=` assert (and unittest comparison) in canonical order."""
    for node in ast.walk(tree):
        if is_equality_assert(node):
            node.test.left, node.test.comparators[0] = _canonical_pair(node.test.left, node.test.comparators[0])
        elif unittest and is_unittest_call(node):
            places = _compared_arguments(node)
            if places is not None:
                first, second = _canonical_pair(_get(node, places[0]), _get(node, places[1]))
                _set(node, places[0], first)
                _set(node, places[1], second)
    return ast.dump(tree)


def comments(source: bytes) -> List[str]:
    tokens = tokenize.tokenize(io.BytesIO(source).readline)
    return sorted(token.string for token in tokens if token.type == tokenize.COMMENT)


def _targets(tree: ast.Module, unittest: bool) -> List[ast.AST]:
    """Asserts (and unittest calls) by position: swapping operands moves neither the statement nor the call."""
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Assert) or (unittest and is_unittest_call(node))]
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))


def changed_nodes(before: ast.Module, after: ast.Module, unittest: bool) -> List[Tuple[ast.AST, ast.AST]]:
    """Pairs of asserts/calls that differ between the two trees (whose shapes were checked to match)."""
    pairs = zip(_targets(before, unittest), _targets(after, unittest))
    return [(old, new) for old, new in pairs if ast.dump(old) != ast.dump(new)]


def check_file(path: str, before: bytes, after: bytes, unittest: bool) -> FileCheck:
    result = FileCheck(path=path, changed=before != after)
    if not result.changed:
        return result
    try:
        tree_after = ast.parse(after)
    except SyntaxError as error:
        result.problems.append(f"{path}: does not parse after the fix: {error}")
        return result
    tree_before = ast.parse(before)
    if normalised(ast.parse(before), unittest) != normalised(ast.parse(after), unittest):
        result.problems.append(f"{path}: something other than `==`/`!=` operands changed")
        return result
    if comments(before) != comments(after):
        result.problems.append(f"{path}: comments differ after the fix")
    for old, new in changed_nodes(tree_before, tree_after, unittest):
        if isinstance(old, ast.Assert):
            if not is_equality_assert(old):
                result.problems.append(f"{path}:{old.lineno}: a non-equality assert changed")
            result.asserts_changed += 1
        else:
            result.unittest_calls_changed += 1
    return result


def write_config(work: Path, project: Project) -> Path:
    config = work / "stylefix.toml"
    lines = ['select = ["assert-order"]', "", "[assert-order]"]
    for key, value in project.options.items():
        lines.append(f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value)}")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def check_project(project: Project) -> Outcome:
    outcome = Outcome(project=f"{project.name} {project.version}")
    work = CORPUS / f"{project.name}-{project.version}"
    work.mkdir(parents=True, exist_ok=True)
    python = make_venv(work, project.requirements)
    top = unpack(sdist_archive(project.name, project.version, CORPUS), work / "src")

    before_tests = run_tests(python, top, project.tests, work / "before.xml")
    passed_before = {test for test, result in before_tests.items() if result == "passed"}
    outcome.tests_passed_before = len(passed_before)
    outcome.tests_failed_before = sum(1 for result in before_tests.values() if result in ("failure", "error"))

    outcome.continuation_warnings_before = continuation_warnings(python, top, project.tests)
    originals = python_files(top, project.tests)
    outcome.files = len(originals)
    config = write_config(work, project)
    started = time.perf_counter()
    fixed = run([STYLEFIX, "fix", "--no-cache", "--config", config, "-v", *project.tests], cwd=top, check=False)
    outcome.seconds_fix = time.perf_counter() - started
    if fixed.returncode != 0:
        outcome.problems.append(f"stylefix fix exited {fixed.returncode}: {fixed.stderr.strip()[-2000:]}")
    # With -v every change is printed as `  path:line: assert-order: message`.
    printed = (fixed.stdout + fixed.stderr).splitlines()
    outcome.reported_changes = sum(1 for line in printed if ": assert-order: " in line)
    again = run([STYLEFIX, "check", "--no-cache", "--config", config, *project.tests], cwd=top, check=False)
    if again.returncode != 0:
        outcome.problems.append(f"a second run would change files again: {again.stderr.strip()[-2000:]}")

    unittest = bool(project.options.get("unittest", False))
    for relative, before in originals.items():
        checked = check_file(relative, before, (top / relative).read_bytes(), unittest)
        outcome.files_changed += checked.changed
        outcome.asserts_changed += checked.asserts_changed
        outcome.unittest_calls_changed += checked.unittest_calls_changed
        outcome.problems.extend(checked.problems)

    outcome.continuation_warnings_after = continuation_warnings(python, top, project.tests)
    if outcome.continuation_warnings_after > outcome.continuation_warnings_before:
        outcome.problems.append(
            f"pycodestyle E12x warnings went from {outcome.continuation_warnings_before}"
            f" to {outcome.continuation_warnings_after}"
        )
    after_tests = run_tests(python, top, project.tests, work / "after.xml")
    outcome.tests_passed_after = sum(1 for result in after_tests.values() if result == "passed")
    outcome.regressions = sorted(test for test in passed_before if after_tests.get(test) != "passed")
    return outcome


def print_outcome(outcome: Outcome) -> None:
    print(f"== {outcome.project}")
    print(f"   test files: {outcome.files}, changed: {outcome.files_changed}")
    print(f"   asserts swapped: {outcome.asserts_changed}, unittest calls swapped: {outcome.unittest_calls_changed}")
    print(f"   changes reported by stylefix: {outcome.reported_changes}, fix took {outcome.seconds_fix:.1f}s")
    print(
        f"   pycodestyle continuation-line warnings (E12x) before: {outcome.continuation_warnings_before},"
        f" after: {outcome.continuation_warnings_after}"
    )
    print(
        f"   tests passed before: {outcome.tests_passed_before} (failed before: {outcome.tests_failed_before}),"
        f" passed after: {outcome.tests_passed_after}, regressions: {len(outcome.regressions)}"
    )
    for regression in outcome.regressions:
        print(f"   REGRESSION {regression}")
    for problem in outcome.problems:
        print(f"   PROBLEM {problem}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="*", help="project names (default: all)")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if os.environ.get("VERBOSE") else logging.WARNING)
    chosen = [project for project in PROJECTS if not arguments.projects or project.name in arguments.projects]
    failed = False
    for project in chosen:
        outcome = check_project(project)
        print_outcome(outcome)
        total_swaps = outcome.asserts_changed + outcome.unittest_calls_changed
        if outcome.problems or outcome.regressions or total_swaps != outcome.reported_changes:
            failed = True
    print("all checks passed" if not failed else "CHECKS FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
