"""typing-generics on real packages: the rewritten code still imports and its annotations still evaluate.

For each package (the version installed here, so its dependencies are at hand) the wheel is downloaded into
.corpus/ with uv, copied twice to a scratch directory, and one copy is rewritten by the real command
`stylefix fix --select typing-generics`. A child Python imports every module of each copy and calls
`typing.get_type_hints` on every function, class and method; every object whose hints evaluated before must
evaluate after, to the same types (unions compared as sets, `List[int]` equal to `list[int]`).

    uv run --frozen python -m scripts.typing_generics_real [package ...]
"""

import argparse
from dataclasses import dataclass
from importlib import metadata
import json
import logging
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

from scripts.corpus import find_uv

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT_ROOT / ".corpus" / "typing-generics"
STYLEFIX = Path(sys.executable).parent / "stylefix"
# Packages installed in the dev environment whose sources use PEP 585/604 annotations.
DEFAULT_PACKAGES: Tuple[str, ...] = ("pytest", "pygls", "cattrs", "filelock", "platformdirs")
# Seconds one child process may take to import a package and evaluate all its hints.
CHILD_TIMEOUT = 600

# Runs in a child process: argv[1] is the directory to import from; prints {object: hints shape or error}.
CHILD = r"""
import importlib, inspect, json, pkgutil, re, sys, types, typing, warnings
warnings.simplefilter("ignore")
root = sys.argv[1]
sys.path.insert(0, root)

def shape(hint):
    if hint is None:
        hint = type(None)
    if isinstance(hint, list):
        return ["list", [shape(item) for item in hint]]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is None:
        return re.sub(" at 0x[0-9a-f]+", "", repr(hint))
    if not args and isinstance(origin, type):
        return repr(origin)  # a bare typing alias (typing.Iterable) is its class
    if origin is types.UnionType or origin is typing.Union:
        return ["union", sorted(json.dumps(shape(arg)) for arg in args)]
    return [repr(origin), [shape(arg) for arg in args]]

def hints(target):
    try:
        return {name: shape(value) for name, value in typing.get_type_hints(target).items()}
    except Exception as error:
        return "error: " + type(error).__name__

def methods(cls):
    for name, value in vars(cls).items():
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if isinstance(value, property):
            value = value.fget
        if inspect.isfunction(value):
            yield name, value

result = {"modules": {}, "objects": {}}
names = sorted(
    info.name for info in pkgutil.iter_modules([root]) if not info.name.startswith(("_distutils", "test"))
)
modules = []
for name in names:
    modules.append(name)
    try:
        package = importlib.import_module(name)
    except Exception as error:
        result["modules"][name] = "error: " + type(error).__name__
        continue
    if hasattr(package, "__path__"):
        modules.extend(info.name for info in pkgutil.walk_packages(package.__path__, name + "."))
for name in modules:
    try:
        module = importlib.import_module(name)
    except BaseException as error:
        result["modules"][name] = "error: " + type(error).__name__
        continue
    result["modules"][name] = "ok"
    for attribute, value in sorted(vars(module).items()):
        if getattr(value, "__module__", None) != name:
            continue
        if inspect.isfunction(value):
            result["objects"][f"{name}.{attribute}"] = hints(value)
        elif inspect.isclass(value):
            result["objects"][f"{name}.{attribute}"] = hints(value)
            for method_name, method in methods(value):
                result["objects"][f"{name}.{attribute}.{method_name}"] = hints(method)
print(json.dumps(result))
"""


@dataclass
class Row:
    package: str
    files: int = 0
    changed_files: int = 0
    changes: int = 0
    errors: int = 0
    modules_before: int = 0
    modules_after: int = 0
    hints_before: int = 0
    hints_after: int = 0
    regressions: int = 0
    different: int = 0


def download(package: str, version: str) -> Path:
    target = CORPUS / f"{package}-{version}"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        command = [find_uv(), "pip", "install", "--quiet", "--no-deps", "--python", sys.executable, "--target", str(target)]
        subprocess.run(command + [f"{package}=={version}"], check=True)
        (target / ".complete").write_text("")
    return target


def _sources(root: Path) -> List[Path]:
    return sorted(path for path in root.rglob("*.py") if ".dist-info" not in str(path) and "bin" not in path.parts)


def rewrite(root: Path) -> Dict[str, object]:
    command = [str(STYLEFIX), "fix", "--select", "typing-generics", "--no-cache", "--output-format", "json", "."]
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    if completed.returncode not in (0, 1):
        logger.warning("stylefix exited %s: %s", completed.returncode, completed.stderr.strip()[-2000:])
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError:
        return {"files": [], "raw": completed.stdout[-2000:]}


def evaluate(root: Path) -> Dict[str, Dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True, timeout=CHILD_TIMEOUT, cwd=root
    )
    if completed.returncode != 0:
        raise RuntimeError(f"hint evaluation failed in {root}: {completed.stderr.strip()[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def check(package: str, scratch: Path, details: List[str]) -> Row:
    version = metadata.version(package)
    source = download(package, version)
    before_root, after_root = scratch / f"{package}-before", scratch / f"{package}-after"
    for target in (before_root, after_root):
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.dist-info", "bin", ".complete"))
    row = Row(f"{package} {version}", files=len(_sources(after_root)))
    report = rewrite(after_root)
    for entry in report.get("files", []):
        if entry.get("changes"):
            row.changed_files += 1
            row.changes += len(entry["changes"])
        if entry.get("status") == "error" or entry.get("error"):
            row.errors += 1
            details.append(f"{package}: {entry.get('path')}: {entry.get('error')}")
    before, after = evaluate(before_root), evaluate(after_root)
    row.modules_before = sum(status == "ok" for status in before["modules"].values())
    row.modules_after = sum(status == "ok" for status in after["modules"].values())
    for module, status in before["modules"].items():
        if status == "ok" and after["modules"].get(module) != "ok":
            details.append(f"{package}: module {module} no longer imports: {after['modules'].get(module)}")
    for name, hints in before["objects"].items():
        if isinstance(hints, str):
            continue
        row.hints_before += 1
        new = after["objects"].get(name)
        if not isinstance(new, dict):
            row.regressions += 1
            details.append(f"{package}: {name}: hints evaluated before, now {new}")
            continue
        row.hints_after += 1
        if new != hints:
            row.different += 1
            details.append(f"{package}: {name}: hints differ: {hints} != {new}")
    return row


def print_table(rows: Sequence[Row]) -> None:
    headers = (
        "package",
        "files",
        "changed",
        "changes",
        "errors",
        "modules before/after",
        "hints ok before",
        "hints ok after",
        "regressions",
        "different",
    )
    lines = [
        (
            row.package,
            row.files,
            row.changed_files,
            row.changes,
            row.errors,
            f"{row.modules_before}/{row.modules_after}",
            row.hints_before,
            row.hints_after,
            row.regressions,
            row.different,
        )
        for row in rows
    ]
    widths = [max(len(str(value)) for value in column) for column in zip(headers, *lines)]
    for values in [headers] + lines:
        print("  ".join(str(value).ljust(width) for value, width in zip(values, widths)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", default=list(DEFAULT_PACKAGES))
    args = parser.parse_args(argv)
    rows: List[Row] = []
    details: List[str] = []
    with tempfile.TemporaryDirectory(prefix="typing-generics-real-") as scratch:
        for package in args.packages:
            rows.append(check(package, Path(scratch), details))
    print_table(rows)
    for line in details[:50]:
        print(line)
    failed = any(
        row.regressions or row.different or row.errors or row.modules_after < row.modules_before for row in rows
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
