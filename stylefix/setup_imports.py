"""What `stylefix init` reads in the project's import blocks: which group `pytest` is imported with, file by file,
and the `extra-standard-library` setting the majority asks for."""
import ast
from typing import Any, Dict, List, Optional, Tuple

from stylefix.codemods.sort_imports.ordering import LOCAL, STDLIB, THIRD_PARTY
from stylefix.codemods.sort_imports.spec import SortImportsOptions

PYTEST = "pytest"
# Where `pytest` sits in an import block: the group of the imports it shares a block with.
WITH_STDLIB, WITH_THIRD_PARTY, WITH_LOCAL, ALONE = "standard library", "third-party", "local", "a group of its own"


def top_level_imports(tree: ast.Module) -> List[Tuple[str, int, int]]:
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


def pytest_placements(imports: List[Tuple[str, int, int]], lines: List[str], classify: Any) -> List[str]:
    """The placement of `pytest` in each of a file's import blocks that holds it."""
    return [pytest_placement(block, classify) for block in _blocks(imports, lines) if PYTEST in block]


def pytest_vote(placements: Dict[str, int]) -> Optional[Tuple[List[str], str]]:
    """The `extra-standard-library` most of the files that import pytest ask for, and why; None when the default
    already fits."""
    default_stdlib = SortImportsOptions().extra_standard_library
    with_stdlib = placements.get(WITH_STDLIB, 0)
    elsewhere = sum(placements.values()) - with_stdlib
    if with_stdlib > elsewhere and PYTEST not in default_stdlib:
        reason = f"{with_stdlib} of {sum(placements.values())} files import pytest with the standard library"
        return [*default_stdlib, PYTEST], reason
    if elsewhere > with_stdlib and PYTEST in default_stdlib:
        reason = f"{elsewhere} of {sum(placements.values())} files import pytest apart from the standard library"
        return [n for n in default_stdlib if n != PYTEST], reason
    return None
