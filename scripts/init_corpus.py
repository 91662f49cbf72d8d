"""`make init-check`: `stylefix init --write` on a fresh copy of real projects, then `stylefix check` under the
section it proposed. Prints the proposed section and what `check` still reports, per codemod and per directory,
so a person can judge that only real style violations are left. Projects are fetched at run time, never committed.
"""
import argparse
from collections import Counter
import json
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List, Sequence, Tuple

from scripts.corpus import fetch_release

BIN = Path(sys.executable).parent
DEFAULT_PINS: Tuple[Tuple[str, str], ...] = (("flask", "3.1.0"),)


def _run(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "stylefix"), *args], cwd=cwd, capture_output=True, text=True, timeout=900)


def check_counts(root: Path) -> Tuple[Counter, Counter, int]:
    """Changes per codemod, changed files per top directory, and files that could not be processed."""
    completed = _run(["check", "--no-cache", "--output-format", "json", "."], root)
    report = json.loads(completed.stdout)
    by_codemod: Counter = Counter()
    by_directory: Counter = Counter()
    errors = 0
    for entry in report["files"]:
        if entry.get("error"):
            errors += 1
        for change in entry.get("changes", []):
            by_codemod[change["codemod"]] += 1
        if entry.get("changes"):
            by_directory[Path(entry["path"]).parts[0]] += 1
    return by_codemod, by_directory, errors


def init_check(name: str, version: str, work: Path) -> Dict[str, object]:
    root = work / f"{name}-{version}"
    shutil.copytree(fetch_release(name, version), root)
    before = check_counts(root)
    written = _run(["init", "--write", "--no-color"], root)
    if written.returncode != 0:
        raise RuntimeError(f"{name}: init --write failed: {written.stderr}")
    section = (root / "pyproject.toml").read_text(encoding="utf-8").split("[tool.stylefix]", 1)[1]
    after = check_counts(root)
    return {"project": f"{name} {version}", "section": "[tool.stylefix]" + section, "before": before, "after": after}


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("projects", nargs="*", help="name==version (default: flask 3.1.0)")
    options = parser.parse_args(argv)
    pins = [tuple(item.split("==", 1)) for item in options.projects] or list(DEFAULT_PINS)
    with tempfile.TemporaryDirectory(prefix="stylefix-init-") as work:
        for name, version in pins:
            result = init_check(name, version, Path(work))
            print(f"== {result['project']}\n{result['section']}")
            for label in ("before", "after"):
                by_codemod, by_directory, errors = result[label]  # type: ignore[misc]
                counts = f"{dict(by_codemod)}; changed files by directory {dict(by_directory)}; errors {errors}"
                print(f"check {label} init: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
