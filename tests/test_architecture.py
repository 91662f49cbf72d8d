"""The shape of the code: no import cycle between stylefix's modules, parsing at the bottom of the graph."""
import ast
from pathlib import Path
import pytest
from typing import Dict, List, Optional, Set, Tuple
import warnings

from stylefix import registry
from stylefix.parsing import cpython_error, parse_python, python_tree
from tests.helpers import PROJECT_ROOT

# Every Python file of the package, `stylefix/codemods` included (a link to the top-level codemods/ folder).
PACKAGES = ("stylefix",)


def import_graph(root: Path, packages: List[str]) -> Dict[str, Set[str]]:
    """Module -> the modules of `packages` it imports, read from every `import` and `from` statement in it
    (function-level ones too), without importing anything."""
    modules = {
        ".".join(path.relative_to(root).with_suffix("").parts): path
        for package in packages
        for path in sorted(walk_python(root / package))
    }
    graph: Dict[str, Set[str]] = {}
    for name, path in modules.items():
        imported: Set[str] = set()
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)  # `from stylefix import x`
        graph[name] = {module for module in imported if module in modules and module != name}
    return graph


def walk_python(folder: Path) -> List[Path]:
    """The `*.py` files under `folder` at any depth, through linked folders too (Path.rglob does not follow them)."""
    found = []
    for path in folder.iterdir():
        if path.is_dir() and path.name != "__pycache__":
            found.extend(walk_python(path))
        elif path.suffix == ".py":
            found.append(path)
    return found


def find_cycle(graph: Dict[str, Set[str]]) -> List[str]:
    """One import cycle as the list of modules along it (first module repeated at the end), or []."""
    done: Set[str] = set()
    path: List[str] = []

    def visit(module: str) -> List[str]:
        if module in path:
            return path[path.index(module) :] + [module]
        if module in done:
            return []
        path.append(module)
        for imported in sorted(graph[module]):
            cycle = visit(imported)
            if cycle:
                return cycle
        path.pop()
        done.add(module)
        return []

    for module in sorted(graph):
        cycle = visit(module)
        if cycle:
            return cycle
    return []


def test_WHEN_import_graph_built_AND_modules_import_each_other_in_functions_THEN_cycle_is_found(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "first.py").write_text("import os\n\nfrom pkg import second\n")
    (tmp_path / "pkg" / "second.py").write_text("def late():\n    from pkg.third import value\n")
    (tmp_path / "pkg" / "third.py").write_text("def later():\n    import pkg.first\n")
    expected_cycle = ["pkg.first", "pkg.second", "pkg.third", "pkg.first"]

    actual_cycle = find_cycle(import_graph(tmp_path, ["pkg"]))

    assert expected_cycle == actual_cycle


def test_WHEN_import_graph_of_stylefix_built_THEN_it_has_no_cycle() -> None:
    graph = import_graph(PROJECT_ROOT, list(PACKAGES))

    assert "stylefix.safety" in graph["stylefix.engine"]  # the graph sees function-level imports
    assert [] == find_cycle(graph)


def test_WHEN_import_graph_of_stylefix_built_THEN_parsing_imports_only_the_bottom_modules() -> None:
    expected_imports = {"stylefix.depth", "stylefix.results"}

    actual_imports = import_graph(PROJECT_ROOT, list(PACKAGES))["stylefix.parsing"]

    assert expected_imports == actual_imports


def test_WHEN_python_parsed_AND_source_has_invalid_escape_THEN_no_warning_escapes() -> None:
    source = b'PATTERN = "\\d+"\n'

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tree = parse_python(source)

    assert "PATTERN" == tree.body[0].targets[0].id  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "source, expected_error",
    [
        (b"x = 1\n", None),
        (b"def f(:\n    pass\n", ("cannot parse: invalid syntax", 1, 7)),
        (b"x = 1\0\n", ("cannot parse: source code string cannot contain null bytes", None, None)),
    ],
)
def test_WHEN_cpython_error_asked_THEN_message_and_location_are_cpythons(
    source: bytes, expected_error: Optional[Tuple[str, Optional[int], Optional[int]]]
) -> None:
    error = cpython_error(source)

    actual_error = None if error is None else (error.message, error.line, error.column)
    assert expected_error == actual_error
    assert (expected_error is None) == (python_tree(source) is not None)


def test_WHEN_language_server_modules_read_THEN_no_codemod_named_and_engine_reached_only_through_api() -> None:
    graph = import_graph(PROJECT_ROOT, list(PACKAGES))
    modules = sorted(name for name in graph if name == "stylefix.lsp" or name.startswith("stylefix.lsp_"))
    forbidden = ("stylefix.codemods", "stylefix.engine", "stylefix.runner")
    expected = {module: ([], []) for module in modules}

    actual = {}
    for module in modules:
        source = (PROJECT_ROOT / (module.replace(".", "/") + ".py")).read_text()
        imported = sorted(name for name in graph[module] if name.startswith(forbidden))
        actual[module] = (imported, [name for name in registry.NAMES if name in source])

    assert expected == actual
    assert "stylefix.api" in graph["stylefix.lsp_outcome"]
    assert len(modules) > 1


def codemod_names_in_code(path: Path, names: Set[str]) -> List[str]:
    """Codemod names and `stylefix.codemods` imports in a module's code: string constants other than docstrings,
    and imported module names (comments and docstrings may speak of codemods)."""
    tree = ast.parse(path.read_bytes())
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.extend(f"{node.lineno}: {name}" for name in names if name in node.value)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found.extend(f"{node.lineno}: {module}" for module in modules if module.startswith("stylefix.codemods"))
    return found


# Every module of stylefix/ is codemod-neutral (what runs a codemod knows it only through the registry's specs),
# except the registry, which lists the codemods' folders, and the adoption commands, which are about particular
# codemods: `init` votes on sort-imports' import groups and `review` asks about renames and typing-generics'
# import edits in their own ways (docs/architecture.md, "Adding a codemod").
NAMING_ALLOWED = ("registry", "review", "review_changes") + tuple(
    path.stem for path in (PROJECT_ROOT / "stylefix").glob("setup_*.py")
)
CORE_MODULES = sorted(
    path.stem for path in (PROJECT_ROOT / "stylefix").glob("*.py") if path.stem not in NAMING_ALLOWED
)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_WHEN_core_module_read_THEN_it_names_no_codemod(module: str) -> None:
    names = {spec.name for spec in registry.CODEMODS} | {spec.package.rpartition(".")[2] for spec in registry.CODEMODS}

    actual = codemod_names_in_code(PROJECT_ROOT / "stylefix" / f"{module}.py", names)

    assert [] == actual
