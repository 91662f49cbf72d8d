"""Where the project's modules live, as `stylefix init` reports them: the names of the source roots and the
modules local in their own directory or nested project (sort-imports' module index and classifier), where each
name resolves, the directories the project itself puts on sys.path, and the names sort-imports would misfile."""
import ast
import configparser
from dataclasses import dataclass
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from stylefix.codemods.sort_imports.ordering import LOCAL, THIRD_PARTY, classifier_for, project_of
from stylefix.config import Config, ModuleIndex
from stylefix.context import FileContext
from stylefix.discovery import PYTHON_SUFFIXES, Excluder
from stylefix.parsing import python_tree
from stylefix.setup_tests import PYTEST_INI_FILES


@dataclass
class LocalModule:
    name: str
    location: str  # relative to the project root, "." for the root itself
    local: bool  # whether sort-imports files `import <name>` as local under the proposed section
    imported: bool = False  # whether the project's own files import it as a top-level name
    # "source root" (local in every file of the project), "directory D/" (in the files of D only), "project P/"
    # (in the files of the nested project P only), "known-first-party", or "not local" (filed third-party)
    scope: str = "source root"


def relative_to_root(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def parse_file(path: Path) -> Optional[ast.Module]:
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
        tree = parse_file(path)
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
                    suffixes.setdefault("/".join(parts), relative_to_root(path, root))
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
            where = relative_to_root(directory, root)
            scope = f"directory {where}/"
            if (name, scope) not in found:
                location = _resolve(directory, name, "" if where == "." else where) or "?"
                found[(name, scope)] = LocalModule(name, location, True, True, scope)
    for name, location in misfiled(config, imports_by_file).items():
        found[(name, "not local")] = LocalModule(name, location, False, True, "not local")
    return sorted(found.values(), key=lambda module: (module.scope != "source root", module.scope, module.name))


def source_roots_proposal(
    config: Config, root: Path, data: Mapping[str, Any], imports_by_file: Mapping[Path, List[str]]
) -> Optional[Tuple[List[str], str]]:
    """The `src` that files the project's misfiled names as local, and why; None when none is needed.

    Names the project imports as top-level names, that live in it, but that sort-imports files as third-party in a
    file that imports them are local only when a sys.path entry the project makes (a conftest's
    `sys.path.insert`, pytest's `pythonpath`) holds them, and then that directory is a source root (`src`)."""
    missed = misfiled(config, imports_by_file)
    entries = path_entries(root, data, imports_by_file)
    shown: Dict[str, List[str]] = {}  # directory -> the misfiled names it holds
    for name, location in missed.items():
        directory = location.rstrip("/").rpartition("/")[0]
        if directory in entries:
            shown.setdefault(directory, []).append(name)
    if not shown:
        return None
    where = "; ".join(
        f"{', '.join(sorted(names))} in {directory}/, on sys.path by {entries[directory]}"
        for directory, names in sorted(shown.items())
    )
    return [*config.src, *sorted(shown)], f"imported as top-level names: {where}"
