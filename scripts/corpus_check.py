"""`make corpus-check`: run `stylefix fix` on a copy of real projects and check every file it touched.

For every file: the output parses; a second run changes nothing; the import bindings and the comments are the
same (apart from what the codemods may add or remove, and the names of renamed tests in comments); everything but annotations, imports, test names and
the order of equality operands is unchanged. Prints a table per project; exits 1 on any failure.
"""
import argparse
import ast
from collections import Counter
import io
import json
import os
from pathlib import Path
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
from typing import Any, Dict, List, Optional, Tuple
import warnings

from scripts.corpus import BENCH_PINS, count_lines, fetch, python_files
from stylefix.results import Change
from stylefix.safety import added_import_modules, equivalence_problem, removed_import_modules, renames_from

BIN = Path(sys.executable).parent
CONFIG = "[tool.stylefix.assert-order]\nscope = \"tests\"\n"


def _tree(source: bytes) -> Optional[ast.Module]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def bindings(tree: ast.Module) -> Counter:
    found: Counter = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name, None, alias.asname, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.update((node.module or "", alias.name, alias.asname, node.level) for alias in node.names)
    return found


def comments(source: bytes, renames: Optional[Dict[str, str]] = None) -> Counter:
    """Every comment; with `renames` (new name -> old name), test-names' updates of comments undone."""
    found: Counter = Counter()
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, renames))})(?!\w)") if renames else None
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            if token.type == tokenize.COMMENT:
                text = token.string.rstrip()
                if pattern is not None and renames is not None:
                    text = pattern.sub(lambda match: renames[match.group(0)], text)
                found[text] += 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _change(entry: Dict[str, Any]) -> Change:
    """A change read back from `--output-format json`, which prints a rename only in its message (`old -> new`)."""
    match = re.match(r"(\w+) -> (\w+)$", entry["message"]) if entry["codemod"] == "test-names" else None
    rename = (match.group(1), match.group(2)) if match else None
    return Change(entry["codemod"], entry["line"], entry["message"], rename=rename)


def check_file(before: bytes, after: bytes, changes: List[Change]) -> List[str]:
    problems = []
    old, new = _tree(before), _tree(after)
    if old is None:
        return problems  # input that this Python cannot parse: stylefix reported it and left it alone
    if new is None:
        return ["output does not parse"]
    old_bindings, new_bindings = bindings(old), bindings(new)
    for binding in old_bindings:
        if binding not in new_bindings and binding[0] not in removed_import_modules():
            problems.append(f"import dropped: {binding}")
    for binding in new_bindings:
        if binding not in old_bindings and binding[0] not in added_import_modules():
            problems.append(f"import added: {binding}")
    renames = renames_from(changes)
    if comments(before) != comments(after, renames):
        lost = comments(before) - comments(after, renames)
        gained = comments(after, renames) - comments(before)
        problems.append(f"comments differ: lost {list(lost)[:3]}, gained {list(gained)[:3]}")
    problem = equivalence_problem(before, after, changes)
    if problem:
        problems.append(problem)
    return problems


def _stylefix_json(command: List[str], cwd: Path) -> Dict:
    completed = subprocess.run(command, cwd=cwd, capture_output=True)
    if completed.returncode not in (0, 1, 2):
        raise RuntimeError(completed.stderr.decode()[-3000:])
    return json.loads(completed.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=None, help="also write the table to this markdown file")
    args = parser.parse_args()
    releases = fetch(BENCH_PINS)
    work = Path(tempfile.mkdtemp(prefix="stylefix-corpus-"))
    failures = 0
    rows = ["| project | files | lines | changed files | changes by codemod | input errors | failures |",
            "|---|---:|---:|---:|---|---:|---:|"]
    try:
        config = work / "stylefix.toml"
        config.write_text(CONFIG)
        for release in releases:
            copy = work / release.directory.name
            shutil.copytree(release.directory, copy)
            files = list(python_files(copy))
            originals = {path: path.read_bytes() for path in files}
            base = ["--config", str(config), "--no-cache", "--output-format", "json", "-q"]
            fixed = _stylefix_json([str(BIN / "stylefix"), "fix", *base, "."], copy)
            again = _stylefix_json([str(BIN / "stylefix"), "check", *base, "."], copy)
            by_path = {entry["path"]: entry for entry in fixed["files"]}
            per_codemod: Counter = Counter()
            problems: List[Tuple[str, str]] = []
            errors = 0
            for entry in fixed["files"]:
                if entry["status"] == "unchanged":
                    continue
                if entry["status"] == "error":
                    errors += 1
                    if "internal error" in (entry.get("error") or ""):
                        problems.append((entry["path"], entry["error"]))
                    continue
                for change in entry["changes"]:
                    per_codemod[change["codemod"]] += 1
            for entry in again["files"]:
                if entry["status"] == "would-change":
                    problems.append((entry["path"], "second run changes it again"))
            for path in files:
                relative = os.path.relpath(path, copy)
                entry = by_path.get(relative) or by_path.get("./" + relative)
                if entry is None or entry["status"] == "error":
                    if path.read_bytes() != originals[path]:
                        problems.append((relative, "changed although not reported as fixed"))
                    continue
                changes = [_change(c) for c in entry["changes"]]
                for problem in check_file(originals[path], path.read_bytes(), changes):
                    problems.append((relative, problem))
            failures += len(problems)
            changes_text = ", ".join(f"{name} {count}" for name, count in sorted(per_codemod.items())) or "-"
            rows.append(f"| {release.name} {release.version} | {len(files)} | {count_lines(files):,} | "
                        f"{fixed['summary']['changed']} | {changes_text} | {errors} | {len(problems)} |")
            for path, problem in problems[:20]:
                print(f"FAIL {release.name}: {path}: {problem}")
            print(rows[-1], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = "\n".join(rows)
    print("\n" + table + f"\n\n{failures} failures")
    if args.output:
        args.output.write_text(args.output.read_text() + "\n" + table + "\n" if args.output.exists() else table + "\n")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
