"""sort-imports on real projects (downloaded into .corpus/ on first use): properties that must hold for every file."""
import ast
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
import functools
import io
import multiprocessing
from pathlib import Path
import pytest
import tokenize
from typing import List, Tuple

import libcst as cst
from libcst.codemod import CodemodContext

from scripts.sort_imports_corpus import PROPERTY_PROJECTS, Project, python_files, try_fetch
from stylefix.codemod import FileContext
from stylefix.codemods.sort_imports.transform import SortImports
from stylefix.config import Config
from stylefix.directives import parse_directives
from stylefix.discovery import project_modules
from stylefix.engine import fix_source
from stylefix.registry import NAMES
from stylefix.results import StylefixError
from stylefix.runner import available_cpus
from tests.helpers import make_config

Binding = Tuple[str, str, str, int]
CHUNK = 16  # files per worker task
# Share of already-sorted files the pre-check must prove clean without parsing (measured: see docs/sort-imports.md).
MIN_PROVEN_SHARE = 0.9


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


@dataclass(frozen=True)
class FileCheck:
    path: Path
    problems: Tuple[str, ...]
    # the pre-check's verdict on the codemod's output: True means "would parse it again"
    output_needs_parse: bool = True


def _check_file(path: Path, config: Config) -> FileCheck:
    source = path.read_bytes()
    try:
        before_tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return FileCheck(path, ())  # not Python 3: out of scope
    problems: List[str] = []
    try:
        result = fix_source(source, path, config, names=["sort-imports"])
    except StylefixError as error:
        return FileCheck(path, (f"stylefix refused a valid file: {error}",))
    output = result.source
    # TEST: when the pre-check skips the input, the full run agrees that nothing changes
    if not _precheck(source, path, config) and _full_run_changes(source, path, config):
        problems.append("pre-check skipped an input the full run changes")
    # TEST: the output parses; a second run changes nothing, and the pre-check is right about the output too
    after_tree = ast.parse(output)
    output_needs_parse = _precheck(output, path, config)
    if output_needs_parse:
        if fix_source(output, path, config, names=["sort-imports"]).changes:
            problems.append("second run changes the output")
    elif _full_run_changes(output, path, config):
        problems.append("pre-check skipped an output the full run changes")
    # TEST: the import bindings are the same apart from removed exact duplicates
    before, after = _bindings(before_tree), _bindings(after_tree)
    removed = sum(change.message.startswith("removed duplicate") for change in result.changes)
    if set(before) != set(after) or after - before or sum((before - after).values()) != removed:
        problems.append(f"import bindings changed: lost {before - after}, gained {after - before}")
    # TEST: every comment is still there, once; code that is not an import is unchanged
    if _comments(source) != _comments(output):
        problems.append("comments changed")
    if _code_without_imports(before_tree) != _code_without_imports(after_tree):
        problems.append("code other than imports changed")
    return FileCheck(path, tuple(problems), output_needs_parse)


def _check_chunk(paths: List[Path], config: Config) -> List[FileCheck]:
    return [_check_file(path, config) for path in paths]


@functools.lru_cache(maxsize=None)
def _checked(project: Project) -> Tuple[Path, Tuple[FileCheck, ...]]:
    """Every file of the project checked once (in worker processes), shared by the tests below."""
    directory, config = _project(project)
    paths = python_files(directory)
    chunks = [paths[start : start + CHUNK] for start in range(0, len(paths), CHUNK)]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=available_cpus(), mp_context=context) as pool:
        checks = [check for chunk in pool.map(_check_chunk, chunks, [config] * len(chunks)) for check in chunk]
    return directory, tuple(checks)


@pytest.mark.parametrize("project", PROPERTY_PROJECTS, ids=lambda project: project.name)
def test_WHEN_real_project_sorted_THEN_every_property_holds_for_every_file(project: Project) -> None:
    directory, checks = _checked(project)

    problems = [f"{check.path.relative_to(directory)}: {problem}" for check in checks for problem in check.problems]

    assert [] == problems


@pytest.mark.parametrize("project", PROPERTY_PROJECTS, ids=lambda project: project.name)
def test_WHEN_real_project_already_sorted_THEN_precheck_proves_most_files_clean(project: Project) -> None:
    # The pre-check is what keeps clean files from being parsed; on sorted output it must prove most of them.
    _, checks = _checked(project)

    proven = sum(not check.output_needs_parse for check in checks)

    assert proven >= MIN_PROVEN_SHARE * len(checks)
