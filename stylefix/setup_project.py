"""`stylefix init`: read a project without writing to it, and propose the `[tool.stylefix]` section that fits it.

What is read: the project's own top-level modules and where they live (sort-imports' module index: the source
roots, the modules local in their own directory, the nested projects), the directories the project itself puts on
sys.path (where a name sort-imports files as third-party really is local), where the project puts `pytest` in its
import blocks, whether its tests are pytest functions or unittest methods, the ruff/isort/black configuration and
the settings of theirs that undo stylefix's changes (conflicts.py), and how many files and changes each codemod
would make under the proposed section (the runner in check mode, without the cache). Printing and writing
pyproject.toml live in setup_output.py.
"""
import ast
import configparser
from dataclasses import asdict, dataclass, field
import os
from pathlib import Path
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from stylefix import registry
from stylefix.codemods.sort_imports.ordering import LOCAL, STDLIB, THIRD_PARTY, classifier_for, project_of
from stylefix.codemods.sort_imports.spec import SortImportsOptions
from stylefix.config import (
    DEFAULT_LINE_LENGTH,
    Config,
    ModuleIndex,
    build_config,
    is_test_class,
    is_test_file,
    is_test_function,
)
from stylefix.conflicts import find_conflicts, isort_config, read_toml, ruff_layers
from stylefix.context import FileContext
from stylefix.discovery import PYTHON_SUFFIXES, Excluder, discover
from stylefix.parsing import python_tree
from stylefix.results import Mode, Status


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
# Files that cannot be parsed are listed one by one in the proposal up to this many; beyond, the list is cut.
MAX_LISTED_ERRORS = 20


@dataclass
class LocalModule:
    name: str
    location: str  # relative to the project root, "." for the root itself
    local: bool  # whether sort-imports files `import <name>` as local under the proposed section
    imported: bool = False  # whether the project's own files import it as a top-level name
    # "source root" (local in every file of the project), "directory D/" (in the files of D only), "project P/"
    # (in the files of the nested project P only), "known-first-party", or "not local" (filed third-party)
    scope: str = "source root"


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
    source_roots: List[str] = field(default_factory=list)  # relative to the root, "" for the root itself
    nested_projects: List[str] = field(default_factory=list)  # directories with their own pyproject.toml
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
    return (read_toml(path) if path.is_file() else None) or {}


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
    directory of Python files, anywhere but inside a regular package or a nested project): the shallowest,
    relative to the root.

    Independent of sort-imports' own rule on purpose: init compares the two to find imports it would misfile."""
    excluder = Excluder(config)
    found: Dict[str, Tuple[int, str]] = {}
    root = config.root
    for current, dirnames, filenames in os.walk(root, followlinks=False):
        absolute = excluder.absolute(current)
        dirnames[:] = sorted(name for name in dirnames if not excluder.is_excluded_in(absolute, name, is_dir=True))
        if Path(current) != root and ("__init__.py" in filenames or "pyproject.toml" in filenames):
            dirnames[:] = []  # a regular package (reached through its own name) or a project of its own
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

    config = with_project_modules(build_config(root, None, data, table_of(proposals), "pyproject.toml"))
    files = discover([root], config).files
    imports_by_file: Dict[Path, List[str]] = {}
    placements: Dict[str, int] = {}
    for path in files:
        tree = _parse(path)
        if tree is None:
            continue
        file = FileContext(path=path, config=config, is_test_file=is_test_file(path, config))
        classifier = classifier_for(file, config.options("sort-imports"))
        imports = _top_level_imports(tree)
        imports_by_file[path] = [name for name, _first, _last in imports]
        if file.is_test_file:
            _count_tests(tree, config, findings)
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for block in _blocks(imports, lines):
            if PYTEST in block:
                placement = pytest_placement(block, lambda name: classifier.group(name, 0, False))
                placements[placement] = placements.get(placement, 0) + 1
    findings.pytest_placement = placements
    findings.nested_projects = sorted(config.project_modules.nested)

    # Names the project imports as top-level names, that live in it, but that sort-imports files as third-party
    # in a file that imports them: local only when a sys.path entry the project makes (a conftest's
    # `sys.path.insert`, pytest's `pythonpath`) holds them, and then that directory is a source root (`src`).
    missed = misfiled(config, imports_by_file)
    entries = path_entries(root, data, imports_by_file)
    shown: Dict[str, List[str]] = {}  # directory -> the misfiled names it holds
    for name, location in missed.items():
        directory = location.rstrip("/").rpartition("/")[0]
        if directory in entries:
            shown.setdefault(directory, []).append(name)
    if shown:
        where = "; ".join(
            f"{', '.join(sorted(names))} in {directory}/, on sys.path by {entries[directory]}"
            for directory, names in sorted(shown.items())
        )
        _set(proposals, "src", [*config.src, *sorted(shown)], f"imported as top-level names: {where}")

    default_stdlib = SortImportsOptions().extra_standard_library
    with_stdlib = placements.get(WITH_STDLIB, 0)
    elsewhere = sum(placements.values()) - with_stdlib
    if with_stdlib > elsewhere and PYTEST not in default_stdlib:
        reason = f"{with_stdlib} of {sum(placements.values())} files import pytest with the standard library"
        _set(proposals, "sort-imports.extra-standard-library", [*default_stdlib, PYTEST], reason)
    elif elsewhere > with_stdlib and PYTEST in default_stdlib:
        reason = f"{elsewhere} of {sum(placements.values())} files import pytest apart from the standard library"
        _set(proposals, "sort-imports.extra-standard-library", [n for n in default_stdlib if n != PYTEST], reason)

    config = with_project_modules(build_config(root, None, data, table_of(proposals), "pyproject.toml"))
    findings.local_modules = local_modules(config, imports_by_file)
    findings.source_roots = list(config.project_modules.roots)
    _count_changes(findings, config, root, jobs, fix_paths, RunOptions)
    if findings.errors:
        listed = findings.errors[:MAX_LISTED_ERRORS]
        reason = f"{len(findings.errors)} file(s) cannot be processed (syntax or encoding errors)"
        _set(proposals, "extend-exclude", listed, reason)
    findings.proposals = proposals
    final = build_config(root, None, data, table_of(proposals), "pyproject.toml")
    findings.conflicts = find_conflicts(final)
    findings.settings = settings_that_stop(findings.conflicts)
    return findings


def misfiled(config: Config, imports_by_file: Mapping[Path, List[str]]) -> Dict[str, str]:
    """Top-level names that the project's files import and that live in the project (outside its nested
    projects), but that sort-imports files as third-party in a file that imports them: name -> where it lives."""
    options = config.options("sort-imports")
    listed = {*options.known_third_party, *options.extra_standard_library}
    candidates: Dict[str, bool] = {}
    index = config.project_modules
    for path, names in imports_by_file.items():
        file = FileContext(path=path, config=config, is_test_file=False)
        relative = file.relative_path()
        if relative is None or project_of(index, relative.parts)[0] is not index:
            continue  # a nested project's file: classified against its own root
        classifier = classifier_for(file, options)
        for name in names:
            if name not in listed and THIRD_PARTY == classifier.group(name, 0, False):
                candidates[name] = True
    locations = module_locations(config, set(candidates))
    return {name: locations[name] for name in sorted(locations)}


def path_entries(root: Path, data: Mapping[str, Any], files: Iterable[Path]) -> Dict[str, str]:
    """Directories the project itself puts on sys.path, relative to the root -> what puts them there: pytest's
    `pythonpath` (exact), or a `sys.path.insert/append` whose string arguments name the directory's last parts
    (`Path(__file__).parent.parent / "backend" / "inventory"` names every `.../backend/inventory`)."""
    found: Dict[str, str] = {}
    pytest_table = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
    ini_sources: List[Tuple[Any, str]] = [(pytest_table.get("pythonpath"), "pyproject.toml")]
    for name, section in PYTEST_INI_FILES:
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read(root / name, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        if parser.has_option(section, "pythonpath"):
            ini_sources.append((parser.get(section, "pythonpath").split(), name))
    for value, source in ini_sources:
        for entry in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
            directory = os.path.normpath(str(entry)).replace(os.sep, "/").strip("/")
            if directory not in ("", ".") and not directory.startswith(".."):
                found.setdefault(directory, f"pytest's pythonpath in {source}")
    suffixes: Dict[str, str] = {}
    for path in files:
        try:
            source_bytes = path.read_bytes()
        except OSError:
            continue
        if b"sys.path" not in source_bytes:
            continue
        tree = _parse(path)
        for node in ast.walk(tree) if tree is not None else ():
            if _is_sys_path_call(node):
                strings = sorted(
                    (argument.lineno, argument.col_offset, argument.value)
                    for argument in ast.walk(node)
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                )
                parts = [
                    part
                    for _line, _column, text in strings
                    for part in text.replace("\\", "/").split("/")
                    if part not in ("", ".", "..")
                ]
                if parts:
                    suffixes.setdefault("/".join(parts), _relative(path, root))
    for current, dirnames, _filenames in os.walk(root, followlinks=False):
        dirnames[:] = [name for name in dirnames if not name.startswith(".") and name != "node_modules"]
        relative = Path(current).relative_to(root).as_posix()
        for suffix, source in suffixes.items():
            if relative == suffix or relative.endswith("/" + suffix):
                found.setdefault(relative, source)
    return found


def _is_sys_path_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    target = node.func.value
    return (
        node.func.attr in ("insert", "append")
        and isinstance(target, ast.Attribute)
        and target.attr == "path"
        and isinstance(target.value, ast.Name)
        and target.value.id == "sys"
    )


def _resolve(base: Path, name: str, prefix: str) -> Optional[str]:
    """`prefix/name/` or `prefix/name.py` when `base` holds that package or module."""
    if (base / name).is_dir():
        return _join(prefix, name) + "/"
    for suffix in PYTHON_SUFFIXES:
        if (base / (name + suffix)).is_file():
            return _join(prefix, name + suffix)
    return None


def _join(directory: str, name: str) -> str:
    return "/".join(part for part in (directory.rstrip("/"), name) if part)


def root_locations(index: ModuleIndex, root: Path, prefix: str) -> Dict[str, str]:
    """Where each name of the index's source roots resolves (the first root holding it), relative to the outer
    project's root (`prefix` is the nested project's directory, "" for the project itself)."""
    found: Dict[str, str] = {}
    for directory in index.roots:
        for name in sorted(index.names - set(found)):
            location = _resolve(root / directory if directory else root, name, _join(prefix, directory))
            if location is not None:
                found[name] = location
    return found


def local_modules(config: Config, imports_by_file: Mapping[Path, List[str]]) -> List[LocalModule]:
    """What sort-imports treats as local, and where each name lives: every name of the project's source roots
    (scope "source root"); a module of a file's own directory that a file there imports ("directory D/");
    a nested project's names that its files import ("project P/"); the project's `known-first-party`; and, not
    local, the names the project imports and holds that sort-imports files as third-party ("not local")."""
    root = config.root.resolve()
    index = config.project_modules
    options = config.options("sort-imports")
    imported = {name for names in imports_by_file.values() for name in names}
    found: Dict[Tuple[str, str], LocalModule] = {}
    roots = root_locations(index, root, "")
    for name, location in roots.items():
        found[(name, "source root")] = LocalModule(name, location, True, name in imported)
    for name in options.known_first_party:
        top = name.partition(".")[0]
        found[(name, "known-first-party")] = LocalModule(
            name, roots.get(top, "?"), True, top in imported, "known-first-party"
        )
    for path, names in sorted(imports_by_file.items()):
        file = FileContext(path=path, config=config, is_test_file=False)
        relative = file.relative_path()
        if relative is None:
            continue
        nested, parts = project_of(index, relative.parts)
        prefix = "/".join(relative.parts[: len(relative.parts) - len(parts)])
        classifier = classifier_for(file, options)
        for name in names:
            if LOCAL != classifier.group(name, 0, False) or name in options.known_first_party:
                continue
            if nested is not index and name in nested.names:
                scope = f"project {prefix}/"
                if (name, scope) not in found:
                    location = root_locations(nested, root / prefix, prefix).get(name, "?")
                    found[(name, scope)] = LocalModule(name, location, True, True, scope)
                continue
            if name in index.names and nested is index:
                continue
            directory = path.parent
            while directory != root and (directory / "__init__.py").is_file():
                directory = directory.parent
            where = _relative(directory, root)
            scope = f"directory {where}/"
            if (name, scope) not in found:
                location = _resolve(directory, name, "" if where == "." else where) or "?"
                found[(name, scope)] = LocalModule(name, location, True, True, scope)
    for name, location in misfiled(config, imports_by_file).items():
        found[(name, "not local")] = LocalModule(name, location, False, True, "not local")
    return sorted(found.values(), key=lambda module: (module.scope != "source root", module.scope, module.name))


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
