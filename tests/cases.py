"""The one record of the table-driven codemod tests, and the one way to run it."""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Tuple

from tests.helpers import NO_PROJECT, Applied, apply_codemods


@dataclass(frozen=True)
class Case:
    """A file given to the codemods and exactly what they must make of it."""

    id: str
    before: str
    after: str
    # Where the file is, relative to the project root: it decides test files, `.pyi` stubs and the own package.
    path: str = "example.py"
    # `[tool.stylefix.<codemod>]` of the one codemod run; several codemods take theirs from `table`.
    options: Mapping[str, Any] = field(default_factory=dict)
    # `[tool.stylefix]`
    table: Mapping[str, Any] = field(default_factory=dict)
    # The project's own top-level modules, as discovery would find them.
    project_modules: Sequence[str] = ()
    # (line, message) of every change in order; None checks only that changes are reported exactly when the file
    # changes.
    changes: Optional[Tuple[Tuple[int, str], ...]] = None
    # Every warning in order, without the file's path: `line:column: codemod: message`.
    warnings: Tuple[str, ...] = ()


def case_id(case: Case) -> str:
    return case.id


def run_case(case: Case, codemods: Optional[Sequence[str]], root: Path = NO_PROJECT) -> Applied:
    """Run the case through the real engine (codemods None: every codemod the configuration enables) and assert its
    output byte for byte, its changes and warnings, and that a second run changes nothing."""
    table = dict(case.table)
    if case.options:
        assert codemods is not None and 1 == len(codemods), "options belong to one codemod; use table"
        table[codemods[0]] = dict(case.options)
    applied = apply_codemods(case.before, codemods, case.path, root, table, case.project_modules)
    located_at = f"{root / case.path}:"

    assert case.after.encode("utf-8") == applied.output.encode("utf-8")
    assert (applied.output, ()) == (applied.second_pass_output, applied.second_pass_changes)
    assert (case.after != case.before) == bool(applied.changes)
    if case.changes is not None:
        assert case.changes == tuple((change.line, change.message) for change in applied.changes)
    assert all(change.line > 0 for change in applied.changes)
    if codemods is not None:
        assert set(codemods) >= {change.codemod for change in applied.changes}
    assert case.warnings == tuple(_without_path(warning, located_at) for warning in applied.warnings)
    return applied


def _without_path(warning: str, located_at: str) -> str:
    return warning[len(located_at) :].lstrip() if warning.startswith(located_at) else warning
