"""sort-imports on real projects (downloaded into .corpus/ on first use): properties that must hold for every file."""
import ast
from collections import Counter
from dataclasses import replace
import io
from pathlib import Path
import tokenize
from typing import Iterator, List, Tuple

import libcst as cst
from libcst.codemod import CodemodContext
import pytest

from codemods.sort_imports import SortImports
from scripts.sort_imports_corpus import PROPERTY_PROJECTS, Project, python_files, try_fetch
from stylefix.codemod import FileContext
from stylefix.config import Config
from stylefix.directives import parse_directives
from stylefix.discovery import project_modules
from stylefix.engine import fix_source
from stylefix.registry import NAMES
from stylefix.results import StylefixError
from tests.helpers import make_config

Binding = Tuple[str, str, str, int]


def _project(project: Project) -> Tuple[Path, Config]:
    directory = try_fetch(project)
    if directory is None:
        pytest.skip(f"{project.requirement} cannot be downloaded (no registry access)")
    config = make_config(directory, {"select": ["sort-imports"]})
    return directory, replace(config, project_modules=project_modules(config))


def _bindings(tree: ast.AST) -> Counter:
    found: List[Binding] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [("", alias.name, alias.asname or "", 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [(node.module or "", alias.name, alias.asname or "", node.level) for alias in node.names]
    return Counter(found)


class _DropImports(ast.NodeTransformer):
    def generic_visit(self, node: ast.AST) -> ast.AST:
        for name in ("body", "orelse", "finalbody"):
            value = getattr(node, name, None)
            if isinstance(value, list):
                setattr(node, name, [item for item in value if not isinstance(item, (ast.Import, ast.ImportFrom))])
        return super().generic_visit(node)


def _code_without_imports(tree: ast.AST) -> str:
    return ast.dump(_DropImports().visit(tree))


def _comments(source: bytes) -> Counter:
    tokens = tokenize.tokenize(io.BytesIO(source).readline)
    return Counter(token.string for token in tokens if token.type == tokenize.COMMENT)


def _full_run_changes(source: bytes, path: Path, config: Config) -> int:
    """The codemod on the whole tree, whatever its pre-check says."""
    file = FileContext(path=path, config=config, is_test_file=False, directives=parse_directives(source, NAMES))
    command = SortImports(CodemodContext(filename=str(path)), file)
    command.transform_module(cst.parse_module(source))
    return len(command.changes)


def _precheck(source: bytes, path: Path, config: Config) -> bool:
    file = FileContext(path=path, config=config, is_test_file=False, directives=parse_directives(source, NAMES))
    return SortImports.precheck(source, file)


def _problems(path: Path, config: Config) -> Iterator[str]:
    source = path.read_bytes()
    try:
        before_tree = ast.parse(source)
        result = fix_source(source, path, config, names=["sort-imports"])
    except (SyntaxError, StylefixError) as error:
        # Python 2 files and the like: stylefix must refuse them cleanly, not crash.
        assert isinstance(error, (SyntaxError, StylefixError))
        return
    output = result.source
    # TEST: the output parses, and a second run changes nothing
    after_tree = ast.parse(output)
    if fix_source(output, path, config, names=["sort-imports"]).changes:
        yield "second run changes the output"
    # TEST: the import bindings are the same apart from removed exact duplicates
    before, after = _bindings(before_tree), _bindings(after_tree)
    removed = sum(change.message.startswith("removed duplicate") for change in result.changes)
    if set(before) != set(after) or after - before or (removed == 0 and before != after):
        yield f"import bindings changed: lost {before - after}, gained {after - before}"
    # TEST: every comment is still there, once; code that is not an import is unchanged
    if _comments(source) != _comments(output):
        yield "comments changed"
    if _code_without_imports(before_tree) != _code_without_imports(after_tree):
        yield "code other than imports changed"
    # TEST: when the pre-check says nothing changes, the full run agrees (on the input and on the output)
    for text in (source, output):
        if not _precheck(text, path, config) and _full_run_changes(text, path, config):
            yield "pre-check skipped a file the full run changes"


@pytest.mark.parametrize("project", PROPERTY_PROJECTS, ids=lambda project: project.name)
def test_WHEN_real_project_sorted_THEN_every_property_holds_for_every_file(project: Project) -> None:
    directory, config = _project(project)

    problems = [
        f"{path.relative_to(directory)}: {problem}"
        for path in python_files(directory)
        for problem in _problems(path, config)
    ]

    assert [] == problems


@pytest.mark.parametrize("project", PROPERTY_PROJECTS, ids=lambda project: project.name)
def test_WHEN_real_project_already_sorted_THEN_precheck_proves_most_files_clean(project: Project) -> None:
    # The pre-check is what keeps clean files from being parsed; on sorted output it must prove most of them.
    directory, config = _project(project)
    outputs = []
    for path in python_files(directory):
        try:
            outputs.append((path, fix_source(path.read_bytes(), path, config, names=["sort-imports"]).source))
        except StylefixError:
            continue

    proven = sum(not _precheck(output, path, config) for path, output in outputs)

    assert proven >= 0.8 * len(outputs)
