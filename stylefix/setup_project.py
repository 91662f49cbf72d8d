"""`stylefix init`: read a project without writing to it, and propose the `[tool.stylefix]` section that fits it.

What is read: the project's own top-level modules and where they live (sort-imports' local test, as the current
rules decide it), where the project puts `pytest` in its import blocks, whether its tests are pytest functions or
unittest methods, the ruff/isort/black configuration and the settings of theirs that undo stylefix's changes
(conflicts.py), and how many files and changes each codemod would make under the proposed section (the runner in
check mode, without the cache). Printing and writing pyproject.toml live in setup_output.py.
"""
import ast
import configparser
from dataclasses import asdict, dataclass, field
import logging
import os
from pathlib import Path
import re
import sys
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from codemods.sort_imports_precheck import LOCAL, STDLIB, THIRD_PARTY, classifier_for
from stylefix import registry
from stylefix.config import (
    DEFAULT_LINE_LENGTH,
    Config,
    build_config,
    is_test_class,
    is_test_file,
    is_test_function,
)
from stylefix.conflicts import find_conflicts, isort_config, ruff_layers
from stylefix.context import FileContext
from stylefix.discovery import PYTHON_SUFFIXES, Excluder, discover, project_modules
from stylefix.parsing import python_tree
from stylefix.results import Mode, Status

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

logger = logging.getLogger(__name__)

PYTEST = "pytest"
# Where `pytest` sits in an import block: the group of the imports it shares a block with.
WITH_STDLIB, WITH_THIRD_PARTY, WITH_LOCAL, ALONE = "standard library", "third-party", "local", "a group of its own"
FIX_RE = re.compile(r"; set in (?P<section>.+?): (?P<setting>[^;]+)$")
SETTING_RE = re.compile(r'(?:"[^"]*"|[A-Za-z_][\w-]*) = (?:\[[^\]]*\]|"[^"]*"|[^,\s]+)')
PYTEST_INI_FILES: Tuple[Tuple[str, str], ...] = (
    ("pytest.ini", "pytest"),
    ("tox.ini", "pytest"),
    ("setup.cfg", "tool:pytest"),
)
PYTEST_KEYS: Tuple[Tuple[str, str], ...] = (
    ("python_files", "test-files"),
    ("python_functions", "test-functions"),
    ("python_classes", "test-classes"),
)
PROJECT_FILES: Tuple[str, ...] = ("pyproject.toml", "setup.py", "setup.cfg")
# Files that cannot be parsed are listed one by one in the proposal up to this many; beyond, the list is cut.
MAX_LISTED_ERRORS = 20


@dataclass
class LocalModule:
    name: str
    location: str  # relative to the project root, "." for the root itself
    local: bool  # whether sort-imports files `import <name>` as local under the proposed section
    imported: bool = False  # whether the project's own files import it as a top-level name


@dataclass
class Proposal:
    key: str  # "line-length", or "<codemod>.<option>" for a codemod's table
    value: Any
    reason: str


@dataclass
class CodemodCount:
    name: str
    files: int = 0
    changes: int = 0


@dataclass
class Findings:
    root: str
    pyproject: bool
    has_section: bool
    local_modules: List[LocalModule] = field(default_factory=list)
    pytest_placement: Dict[str, int] = field(default_factory=dict)  # placement -> files
    pytest_functions: int = 0
    pytest_class_methods: int = 0
    unittest_methods: int = 0
    tools: Dict[str, str] = field(default_factory=dict)  # tool -> where its configuration is
    conflicts: List[str] = field(default_factory=list)
    settings: Dict[str, List[str]] = field(default_factory=dict)  # section -> settings that stop the conflicts
    counts: List[CodemodCount] = field(default_factory=list)
    files: int = 0
    errors: List[str] = field(default_factory=list)
    proposals: List[Proposal] = field(default_factory=list)

    def as_json(self) -> Dict[str, Any]:
        return asdict(self)


def _read_pyproject(root: Path) -> Dict[str, Any]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        with open(path, "rb") as handle:
            data: Dict[str, Any] = tomllib.load(handle)
            return data
    except (OSError, tomllib.TOMLDecodeError):
        logger.debug("cannot read %s", path, exc_info=True)
        return {}


def _parse(path: Path) -> Optional[ast.Module]:
    try:
        return python_tree(path.read_bytes())
    except OSError:
        return None


def _holds_python(directory: Path) -> bool:
    """Python files in it, or a regular package (`vendor/lib/__init__.py` makes `vendor` importable)."""
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.endswith(PYTHON_SUFFIXES):
                    return True
                if entry.is_dir() and Path(entry.path, "__init__.py").is_file():
                    return True
    except OSError:
        return False
    return False


def module_locations(config: Config, names: Any) -> Dict[str, str]:
    """Where each of `names` lives as something a test could import as a top-level name (a module file or a
    directory of Python files, anywhere but inside a regular package): the shallowest, relative to the root.

    Independent of sort-imports' own rule on purpose: init compares the two to find imports it would misfile."""
    excluder = Excluder(config)
    found: Dict[str, Tuple[int, str]] = {}
    root = config.root
    for current, dirnames, filenames in os.walk(root, followlinks=False):
        absolute = excluder.absolute(current)
        dirnames[:] = sorted(name for name in dirnames if not excluder.is_excluded_in(absolute, name, is_dir=True))
        if Path(current) != root and "__init__.py" in filenames:
            dirnames[:] = []  # inside a regular package: reached only through the package's own name
            continue
        relative = Path(current).relative_to(root)
        depth = len(relative.parts)
        candidates = [(name, name + "/") for name in dirnames if _holds_python(Path(current) / name)]
        candidates += [(name.rsplit(".", 1)[0], name) for name in filenames if name.endswith(PYTHON_SUFFIXES)]
        for name, entry in candidates:
            if name in names and (name not in found or depth < found[name][0]):
                found[name] = (depth, (relative / entry).as_posix() + ("/" if entry.endswith("/") else ""))
    return {name: location for name, (_depth, location) in found.items()}


def _top_level_imports(tree: ast.Module) -> List[Tuple[str, int, int]]:
    """(top-level name, first line, last line) of every absolute import at the module's top level."""
    found = []
    for statement in tree.body:
        last = statement.end_lineno or statement.lineno
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                found.append((alias.name.partition(".")[0], statement.lineno, last))
        elif isinstance(statement, ast.ImportFrom) and not statement.level and statement.module:
            found.append((statement.module.partition(".")[0], statement.lineno, last))
    return found


def _blocks(imports: List[Tuple[str, int, int]], lines: List[str]) -> List[List[str]]:
    """Import statements cut into blocks at blank lines (and at any other code between them)."""
    blocks: List[List[str]] = []
    previous_end = -1
    for name, first, last in imports:
        between = lines[previous_end:first - 1] if previous_end >= 0 else None
        if between is None or any(not line.strip() or not line.lstrip().startswith("#") for line in between):
            blocks.append([])
        blocks[-1].append(name)
        previous_end = last
    return blocks


def pytest_placement(names: List[str], classify: Any) -> str:
    """Which group the imports `pytest` shares its block with belong to."""
    groups = {classify(name) for name in names if name != PYTEST}
    if STDLIB in groups:
        return WITH_STDLIB
    if THIRD_PARTY in groups:
        return WITH_THIRD_PARTY
    if LOCAL in groups:
        return WITH_LOCAL
    return ALONE


def _is_testcase(node: ast.ClassDef) -> bool:
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name.endswith("TestCase"):
            return True
    return False


def _count_tests(tree: ast.Module, config: Config, findings: Findings) -> None:
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_test_function(statement.name, config):
            findings.pytest_functions += 1
        elif isinstance(statement, ast.ClassDef):
            methods = [
                node
                for node in statement.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_test_function(node.name, config)
            ]
            if _is_testcase(statement):
                findings.unittest_methods += len(methods)
            elif is_test_class(statement.name, config):
                findings.pytest_class_methods += len(methods)


def _pytest_ini_patterns(root: Path) -> Tuple[str, Dict[str, Tuple[str, ...]]]:
    """pytest's python_files/functions/classes from pytest.ini, tox.ini or setup.cfg (config.py reads pyproject)."""
    for name, section in PYTEST_INI_FILES:
        path = root / name
        if not path.is_file():
            continue
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        if parser.has_section(section):
            values = {
                key: tuple(parser.get(section, key).split())
                for key, _ in PYTEST_KEYS
                if parser.has_option(section, key)
            }
            return name, values
    return "", {}


def _tool_configuration(root: Path, data: Mapping[str, Any], findings: Findings) -> Optional[Tuple[int, str]]:
    """Record where ruff, isort and black are configured; the formatter's line length, if any, and its source."""
    layers = ruff_layers(root)
    line_length: Optional[Tuple[int, str]] = None
    if layers:
        findings.tools["ruff"] = _relative(layers[-1].path, root)
        for layer in layers:
            if isinstance(layer.table.get("line-length"), int):
                line_length = (layer.table["line-length"], f"ruff's line-length in {_relative(layer.path, root)}")
    found = isort_config(root)
    if found is not None:
        findings.tools["isort"] = f"{_relative(found[0], root)} {found[1]}"
    black = data.get("tool", {}).get("black")
    if isinstance(black, dict):
        findings.tools["black"] = "pyproject.toml [tool.black]"
        if isinstance(black.get("line-length"), int):
            line_length = (black["line-length"], "black's line-length in pyproject.toml")
    return line_length


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _first_party_from_tools(root: Path, data: Mapping[str, Any]) -> Tuple[Tuple[str, ...], str]:
    found = isort_config(root)
    if found is not None:
        names = found[2].get("known_first_party")
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if isinstance(names, list) and names:
            return tuple(str(name) for name in names if name), f"isort's known_first_party in {found[0].name}"
    for layer in ruff_layers(root):
        lint = layer.table.get("lint", {})
        isort = (lint.get("isort") if isinstance(lint, dict) else None) or layer.table.get("isort") or {}
        names = isort.get("known-first-party") if isinstance(isort, dict) else None
        if isinstance(names, list) and names:
            return tuple(str(name) for name in names), f"ruff's isort known-first-party in {layer.path.name}"
    return (), ""


def table_of(proposals: List[Proposal]) -> Dict[str, Any]:
    """The `[tool.stylefix]` table the proposals make, codemod options as sub-tables."""
    table: Dict[str, Any] = {}
    for proposal in proposals:
        codemod, _, option = proposal.key.partition(".")
        if option:
            table.setdefault(codemod, {})[option] = proposal.value
        else:
            table[proposal.key] = proposal.value
    return table


def _set(proposals: List[Proposal], key: str, value: Any, reason: str) -> None:
    for index, proposal in enumerate(proposals):
        if proposal.key == key:
            proposals[index] = Proposal(key, value, reason)
            return
    proposals.append(Proposal(key, value, reason))


def inspect_project(root: Path, jobs: int = 0) -> Findings:
    """Everything `stylefix init` reports about the project at `root`; writes nothing (no cache either)."""
    from stylefix.runner import RunOptions, fix_paths, with_project_modules

    root = root.resolve()
    data = _read_pyproject(root)
    findings = Findings(
        root=str(root), pyproject=(root / "pyproject.toml").is_file(), has_section="stylefix" in data.get("tool", {})
    )
    defaults = build_config(root, None, data, {}, "pyproject.toml")
    proposals: List[Proposal] = []

    ini_name, ini_patterns = _pytest_ini_patterns(root)
    for ini_key, key in PYTEST_KEYS:
        if ini_key in ini_patterns and ini_patterns[ini_key] != getattr(defaults, key.replace("-", "_")):
            _set(proposals, key, list(ini_patterns[ini_key]), f"pytest's {ini_key} in {ini_name}")
    line_length = _tool_configuration(root, data, findings)
    if line_length is not None and line_length[0] != DEFAULT_LINE_LENGTH:
        _set(proposals, "line-length", line_length[0], line_length[1])
        _set(proposals, "test-names.max-length", line_length[0], f"new test names must fit {line_length[1]}")
    first_party, first_party_source = _first_party_from_tools(root, data)
    if first_party:
        _set(proposals, "known-first-party", list(first_party), first_party_source)

    nested = nested_projects(build_config(root, None, data, table_of(proposals), "pyproject.toml"))
    if nested:
        reason = "separate projects (own pyproject.toml or setup.py): this project's modules are not local there"
        _set(proposals, "extend-exclude", nested, reason)
    config = with_project_modules(build_config(root, None, data, table_of(proposals), "pyproject.toml"))
    files = discover([root], config).files
    local_names = set(project_modules(config).names)
    imported: Dict[str, str] = {}  # top-level name -> a file that imports it
    placements: Dict[str, int] = {}
    for path in files:
        tree = _parse(path)
        if tree is None:
            continue
        file = FileContext(path=path, config=config, is_test_file=is_test_file(path, config))
        classifier = classifier_for(file, config.options("sort-imports"))
        imports = _top_level_imports(tree)
        for name, _first, _last in imports:
            imported.setdefault(name, _relative(path, root))
        if file.is_test_file:
            _count_tests(tree, config, findings)
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for block in _blocks(imports, lines):
            if PYTEST in block:
                placement = pytest_placement(block, lambda name: classifier.group(name, 0, False))
                placements[placement] = placements.get(placement, 0) + 1
    findings.pytest_placement = placements

    # Names the project imports that live in the project but that sort-imports would file as third-party.
    locations = module_locations(config, local_names | set(imported))
    root_file = FileContext(path=root / "__init_probe__.py", config=config, is_test_file=False)
    classify = classifier_for(root_file, config.options("sort-imports"))
    missed = misfiled(imported, locations, lambda name: classify.group(name, 0, False))
    if missed:
        where = ", ".join(f"{name} in {locations[name]}" for name in missed)
        names = sorted(set(first_party) | set(missed))
        _set(proposals, "known-first-party", names, f"imported as top-level names; local: {where}")

    default_stdlib = registry.SortImportsOptions().extra_standard_library
    with_stdlib = placements.get(WITH_STDLIB, 0)
    elsewhere = sum(placements.values()) - with_stdlib
    if with_stdlib > elsewhere and PYTEST not in default_stdlib:
        reason = f"{with_stdlib} of {sum(placements.values())} files import pytest with the standard library"
        _set(proposals, "sort-imports.extra-standard-library", [*default_stdlib, PYTEST], reason)
    elif elsewhere > with_stdlib and PYTEST in default_stdlib:
        reason = f"{elsewhere} of {sum(placements.values())} files import pytest apart from the standard library"
        _set(proposals, "sort-imports.extra-standard-library", [n for n in default_stdlib if n != PYTEST], reason)

    config = with_project_modules(build_config(root, None, data, table_of(proposals), "pyproject.toml"))
    findings.local_modules = [
        LocalModule(name, locations.get(name, "?"), classify_local(config, name), name in imported)
        for name in sorted(set(project_modules(config).names) | set(missed))
    ]
    _count_changes(findings, config, root, jobs, fix_paths, RunOptions)
    if findings.errors:
        listed = findings.errors[:MAX_LISTED_ERRORS]
        reason = f"{len(findings.errors)} file(s) cannot be processed (syntax or encoding errors)"
        if nested:
            listed, reason = nested + listed, f"{len(nested)} separate project(s); " + reason
        _set(proposals, "extend-exclude", listed, reason)
    findings.proposals = proposals
    final = build_config(root, None, data, table_of(proposals), "pyproject.toml")
    findings.conflicts = find_conflicts(final)
    findings.settings = settings_that_stop(findings.conflicts)
    return findings


def misfiled(imported: Iterable[str], locations: Mapping[str, str], group: Callable[[str], int]) -> List[str]:
    """Imported top-level names that live in the project but that sort-imports would file as third-party."""
    return sorted(name for name in set(imported) if name in locations and THIRD_PARTY == group(name))


def nested_projects(config: Config) -> List[str]:
    """Directories below the root that are projects of their own; the outermost ones, relative to the root."""
    excluder = Excluder(config)
    found: List[str] = []
    for current, dirnames, filenames in os.walk(config.root, followlinks=False):
        absolute = excluder.absolute(current)
        dirnames[:] = sorted(name for name in dirnames if not excluder.is_excluded_in(absolute, name, is_dir=True))
        if Path(current) != config.root and any(name in filenames for name in PROJECT_FILES):
            found.append(Path(current).relative_to(config.root).as_posix())
            dirnames[:] = []
    return found


def classify_local(config: Config, name: str) -> bool:
    probe = FileContext(path=config.root / "__init_probe__.py", config=config, is_test_file=False)
    return LOCAL == classifier_for(probe, config.options("sort-imports")).group(name, 0, False)


def _count_changes(findings: Findings, config: Config, root: Path, jobs: int, fix_paths: Any, options: Any) -> None:
    counts = {name: CodemodCount(name) for name in config.enabled}
    for result in fix_paths([root], config, options(mode=Mode.CHECK, use_cache=False, jobs=jobs)):
        if result.status is Status.EXCLUDED:
            continue
        findings.files += 1
        if result.status is Status.ERROR:
            findings.errors.append(_relative(Path(result.path), root))
            continue
        for name in result.changed_by():
            counts[name].files += 1
        for change in result.changes:
            counts[change.codemod].changes += 1
    findings.counts = list(counts.values())


def settings_that_stop(conflicts: List[str]) -> Dict[str, List[str]]:
    """The other tools' settings named by the conflict warnings, by section; one line per setting (the last
    warning's wins: ruff's `ignore` list names every conflicting code in each warning)."""
    by_section: Dict[str, Dict[str, str]] = {}
    for warning in conflicts:
        match = FIX_RE.search(warning)
        if match is None:
            continue
        for setting in SETTING_RE.findall(match.group("setting")):
            key = setting.split(" = ")[0]
            by_section.setdefault(match.group("section"), {})[key] = setting
    return {section: list(settings.values()) for section, settings in by_section.items()}
