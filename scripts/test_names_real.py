"""test-names on the test suites of real projects: same tests collected, and passing where they passed before.

For each project: download its sdist from PyPI into .corpus/ (once), unpack a fresh copy into a temporary
directory (outside this repository, so that stylefix sees the copy as a project of its own, not as a
git-ignored part of this one), make a throwaway venv with uv holding what its tests need, collect and run the
suite, run `stylefix fix --select test-names` on the copy, collect and run it again, and compare test by test
(a test is known by its class, the line of its def and its parameters, none of which a rename changes).

With `--meaning`, no suite is run: every rename on the test suites of NAME_PROJECTS (downloaded into
.corpus/) is checked against the rule that a new name keeps the old one's meaning (codemods/test_names/meaning.py),
and the problems are counted by kind. The property holds when there is none; the suites run above are checked
the same way.

Usage: python -m scripts.test_names_real [NAME ...]   (default: every project in PROJECTS)
       python -m scripts.test_names_real --meaning [NAME ...]   (default: every project in NAME_PROJECTS)
"""
from collections import Counter
from dataclasses import dataclass
import json
import logging
from pathlib import Path
import re
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple
import xml.etree.ElementTree as ElementTree

from scripts.corpus import find_uv, sdist_archive, unpack
from stylefix.codemods.test_names.grammar import name_words
from stylefix.codemods.test_names.meaning import KINDS, MeaningProblem, meaning_problems, source_vocabulary

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT_ROOT / ".corpus"
# Installing pytest and packages is the slow part; a run that takes longer than this is stuck.
COMMAND_TIMEOUT_SECONDS = 900
COLLECTED_RE = re.compile(r"^(\d+) tests? collected", re.MULTILINE)
RENAME_RE = re.compile(r"^(\w+) -> (\w+)$")
IDENTIFIER_RE = re.compile(r"\w+")
# The suites the meaning rule was measured on (issue 17): renames only, no suite run.
NAME_PROJECTS: Tuple[Tuple[str, str, str], ...] = (
    ("attrs", "24.3.0", "tests"),
    ("click", "8.1.8", "tests"),
    ("flask", "3.1.0", "tests"),
    ("httpx", "0.28.1", "tests"),
    ("requests", "2.32.3", "tests"),
    ("pytest", "8.3.4", "testing"),
)


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    # Where the tests are, relative to the unpacked sdist.
    tests: str
    requirements: Tuple[str, ...] = ("pytest",)
    # Appended to the copy's pyproject.toml (created when missing), e.g. to switch an option on.
    stylefix_config: str = ""


PROJECTS: Tuple[Project, ...] = (
    # Its conftest.py uses the `path` hook argument that pytest 9 removed.
    Project("boltons", "24.1.0", "tests", ("pytest<9",)),
    Project("toolz", "1.0.0", "toolz/tests"),
    # unittest.TestCase classes throughout: renamed only with the option on.
    Project("more-itertools", "10.5.0", "tests", stylefix_config="[tool.stylefix.test-names]\nunittest = true\n"),
)


@dataclass(frozen=True)
class SuiteRun:
    collected: int
    outcomes: Dict[Tuple[str, str, str], str]  # (class, def line, parameters) -> passed/failed/skipped/error

    def count(self, outcome: str) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)


def run(command: Sequence[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    logger.debug("running %s in %s", " ".join(command), cwd)
    result = subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def fresh_copy(project: Project, directory: Path) -> Path:
    copy = unpack(sdist_archive(project.name, project.version, CORPUS), directory / project.name)
    # The project root for stylefix (and for the pytest configuration files it checks).
    (copy / ".git").mkdir(exist_ok=True)
    if project.stylefix_config:
        pyproject = copy / "pyproject.toml"
        existing = pyproject.read_text(encoding="utf-8") if pyproject.exists() else ""
        pyproject.write_text(existing + "\n" + project.stylefix_config, encoding="utf-8")
    return copy


def suite_venv(project: Project) -> Path:
    venv = CORPUS / f"venv-{project.name}"
    python = venv / "bin" / "python"
    if not python.exists():
        run([find_uv(), "venv", "--quiet", "--python", sys.executable, str(venv)], CORPUS)
        run([find_uv(), "pip", "install", "--quiet", "--python", str(python), *project.requirements], CORPUS)
    return python


def collect(python: Path, copy: Path, project: Project) -> int:
    result = run([str(python), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", project.tests], copy)
    match = COLLECTED_RE.search(result.stdout)
    if match is None:
        raise RuntimeError(f"no collection count in:\n{result.stdout[-2000:]}")
    return int(match.group(1))


def suite(python: Path, copy: Path, project: Project, label: str) -> SuiteRun:
    report = CORPUS / f"{project.name}-{label}.xml"
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "junit_family=xunit1"]
    run([*command, f"--junitxml={report}", project.tests], copy, check=False)
    outcomes: Dict[Tuple[str, str, str], str] = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        name = case.get("name", "")
        parameters = name[name.index("[") :] if "[" in name else ""
        key = (case.get("classname", ""), case.get("line", ""), parameters)
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
        outcomes[key] = outcome
    return SuiteRun(collect(python, copy, project), outcomes)


def meaning_survey(copy: Path, data: Dict) -> Tuple[int, Counter, List[str]]:
    """Every rename in stylefix's JSON output checked against the meaning rule, with the words of its file (as
    it was before the run) as the source: (renames, problems by kind, one line per problem)."""
    renames = 0
    counts: Counter = Counter()
    lines: List[str] = []
    for entry in data["files"]:
        changes = [RENAME_RE.match(change["message"]) for change in entry["changes"]]
        found = [match for match in changes if match]
        if not found:
            continue
        text = (copy / entry["path"]).read_text(encoding="utf-8", errors="replace")
        vocabulary = source_vocabulary(IDENTIFIER_RE.findall(text))
        for match in found:
            renames += 1
            old, new = match.group(1), match.group(2)
            problems: List[MeaningProblem] = meaning_problems(name_words(old) or [], new, vocabulary)
            counts.update(problem.kind for problem in problems)
            if problems:
                described = ", ".join(problem.describe() for problem in problems)
                lines.append(f"{entry['path']}: {old} -> {new}: {described}")
    return renames, counts, lines


def stylefix_json(copy: Path, command: str, target: str = ".") -> Dict:
    stylefix = Path(sys.executable).parent / "stylefix"
    arguments = [str(stylefix), command, "--no-cache", "--select", "test-names", "--output-format", "json", target]
    return json.loads(run(arguments, copy, check=False).stdout)


def rename(copy: Path, project: Project) -> Tuple[int, List[str], int]:
    """`stylefix fix --select test-names` on the copy: the number of renames and the warnings. The mapping goes
    to .corpus/<name>-renames.txt (`path:line: old -> new`), for reading the new names."""
    data = stylefix_json(copy, "check")
    renames, counts, problems = meaning_survey(copy, data)
    print(f"{project.name}: {renames} renames; meaning problems: {dict(counts) or 'none'}")
    for line in problems:
        print(f"  {line}")
    data = stylefix_json(copy, "fix")
    mapping = [
        f"{entry['path']}:{change['line']}: {change['message']}"
        for entry in data["files"]
        for change in entry["changes"]
    ]
    (CORPUS / f"{project.name}-renames.txt").write_text("".join(line + "\n" for line in mapping), encoding="utf-8")
    # JSON output carries each file's warnings; the text output prints them to stderr.
    warnings = [warning for entry in data["files"] for warning in entry.get("warnings", [])]
    renamed = sum(1 for entry in data["files"] for change in entry["changes"] if RENAME_RE.match(change["message"]))
    return renamed, warnings, sum(counts.values())


def check_project(project: Project) -> bool:
    python = suite_venv(project)
    with tempfile.TemporaryDirectory(prefix="stylefix-test-names-") as directory:
        copy = fresh_copy(project, Path(directory))
        before = suite(python, copy, project, "before")
        renames, warnings, problems = rename(copy, project)
        after = suite(python, copy, project, "after")
    passed_before = [key for key, value in before.outcomes.items() if value == "passed"]
    lost = sorted(key for key in passed_before if after.outcomes.get(key) != "passed")
    print(f"{project.name} {project.version} ({project.tests})")
    print(f"  renamed tests:       {renames}")
    print(f"  warnings:            {len(warnings)}")
    for warning in warnings:
        print(f"    {warning}")
    print(f"  collected:           before {before.collected}, after {after.collected}")
    for outcome in ("passed", "failed", "skipped", "error"):
        print(f"  {outcome + ':':<20} before {before.count(outcome)}, after {after.count(outcome)}")
    print(f"  same tests (class, line, parameters): {set(before.outcomes) == set(after.outcomes)}")
    print(f"  passed before, not after: {len(lost)}")
    for key in lost[:20]:
        print(f"    {key}")
    print(f"  meaning problems:    {problems}")
    same = before.collected == after.collected and set(before.outcomes) == set(after.outcomes)
    return same and not lost and not problems


def check_meaning(names: Sequence[str]) -> bool:
    """`stylefix check` on each suite of NAME_PROJECTS: renames, kept tests, and meaning problems by kind."""
    totals: Counter = Counter()
    for name, version, tests in NAME_PROJECTS:
        if names and name not in names:
            continue
        with tempfile.TemporaryDirectory(prefix="stylefix-test-names-") as directory:
            # Outside this repository, where .corpus/ is git-ignored; the copy is a project of its own.
            copy = unpack(sdist_archive(name, version, CORPUS), Path(directory) / name)
            (copy / ".git").mkdir(exist_ok=True)
            data = stylefix_json(copy, "check", tests)
            renames, counts, problems = meaning_survey(copy, data)
        warnings = [warning for entry in data["files"] for warning in entry.get("warnings", [])]
        kept = sum(1 for warning in warnings if "test-names: kept " in warning)
        totals.update(counts)
        totals["renames"] += renames
        totals["kept"] += kept
        print(f"{name} {version}: {renames} renames, {kept} kept; " + ", ".join(f"{k}: {counts[k]}" for k in KINDS))
        (CORPUS / f"{name}-meaning.txt").write_text("".join(line + "\n" for line in problems), encoding="utf-8")
    print("total: " + ", ".join(f"{key}: {totals[key]}" for key in ("renames", "kept", *KINDS)))
    return not any(totals[kind] for kind in KINDS)


def main(names: Optional[Sequence[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    CORPUS.mkdir(exist_ok=True)
    if names and names[0] == "--meaning":
        passed = check_meaning(names[1:])
        print("OK" if passed else "FAILED")
        return 0 if passed else 1
    chosen = [project for project in PROJECTS if not names or project.name in names]
    results = [check_project(project) for project in chosen]
    print("OK" if all(results) else "FAILED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
