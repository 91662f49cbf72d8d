"""`stylefix init`: read a project without writing to it, and propose the `[tool.stylefix]` section that fits it.

What is read: the project's own top-level modules and where they live (setup_layout.py: sort-imports' module
index, the source roots, the modules local in their own directory, the nested projects, the directories the
project itself puts on sys.path), where the project puts `pytest` in its import blocks (setup_imports.py), its
test-name patterns and whether its tests are pytest functions or unittest methods (setup_tests.py), the
ruff/isort/black configuration and the settings of theirs that undo stylefix's changes (setup_tools.py,
conflicts.py), and how many files and changes each codemod would make under the proposed section (the runner in
check mode, without the cache). Printing and writing pyproject.toml live in setup_output.py.
"""
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List

from stylefix.codemods.sort_imports.ordering import classifier_for
from stylefix.config import DEFAULT_LINE_LENGTH, Config, build_config, is_test_file
from stylefix.conflicts import find_conflicts, read_toml
from stylefix.context import FileContext
from stylefix.discovery import discover
from stylefix.results import Mode, Status
from stylefix.setup_imports import pytest_placements, pytest_vote, top_level_imports
from stylefix.setup_layout import (
    LocalModule,
    local_modules,
    parse_file,
    relative_to_root,
    source_roots_proposal,
)
from stylefix.setup_tests import count_tests, pytest_settings
from stylefix.setup_tools import first_party_from_tools, settings_that_stop, tool_configuration

# Files that cannot be parsed are listed one by one in the proposal up to this many; beyond, the list is cut.
MAX_LISTED_ERRORS = 20


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

    for key, value, reason in pytest_settings(root, defaults):
        _set(proposals, key, value, reason)
    findings.tools, line_length = tool_configuration(root, data)
    if line_length is not None and line_length[0] != DEFAULT_LINE_LENGTH:
        _set(proposals, "line-length", line_length[0], line_length[1])
        _set(proposals, "test-names.max-length", line_length[0], f"new test names must fit {line_length[1]}")
    first_party, first_party_source = first_party_from_tools(root, data)
    if first_party:
        _set(proposals, "known-first-party", list(first_party), first_party_source)

    config = with_project_modules(build_config(root, None, data, table_of(proposals), "pyproject.toml"))
    files = discover([root], config).files
    imports_by_file: Dict[Path, List[str]] = {}
    placements: Dict[str, int] = {}
    for path in files:
        tree = parse_file(path)
        if tree is None:
            continue
        file = FileContext(path=path, config=config, is_test_file=is_test_file(path, config))
        classifier = classifier_for(file, config.options("sort-imports"))
        imports = top_level_imports(tree)
        imports_by_file[path] = [name for name, _first, _last in imports]
        if file.is_test_file:
            functions, class_methods, unittest_methods = count_tests(tree, config)
            findings.pytest_functions += functions
            findings.pytest_class_methods += class_methods
            findings.unittest_methods += unittest_methods
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for placement in pytest_placements(imports, lines, lambda name: classifier.group(name, 0, False)):
            placements[placement] = placements.get(placement, 0) + 1
    findings.pytest_placement = placements
    findings.nested_projects = sorted(config.project_modules.nested)

    source_roots = source_roots_proposal(config, root, data, imports_by_file)
    if source_roots is not None:
        _set(proposals, "src", *source_roots)
    extra_standard_library = pytest_vote(placements)
    if extra_standard_library is not None:
        _set(proposals, "sort-imports.extra-standard-library", *extra_standard_library)

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


def _count_changes(findings: Findings, config: Config, root: Path, jobs: int, fix_paths: Any, options: Any) -> None:
    counts = {name: CodemodCount(name) for name in config.enabled}
    for result in fix_paths([root], config, options(mode=Mode.CHECK, use_cache=False, jobs=jobs)):
        if result.status is Status.EXCLUDED:
            continue
        findings.files += 1
        if result.status is Status.ERROR:
            findings.errors.append(relative_to_root(Path(result.path), root))
            continue
        for name in result.changed_by():
            counts[name].files += 1
        for change in result.changes:
            counts[change.codemod].changes += 1
    findings.counts = list(counts.values())
