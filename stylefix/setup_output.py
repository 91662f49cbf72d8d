"""`stylefix init`'s output: the summary table, the proposed section, the pre-commit snippet and the other tools'
settings; and `--write`, which adds the section to pyproject.toml with tomlkit, keeping the rest byte for byte."""
import json
import logging
import os
from pathlib import Path
import tempfile
from typing import Any, Dict, List, Optional

import tomlkit
from tomlkit.exceptions import TOMLKitError

from stylefix.config import InvalidConfig, build_config
from stylefix.report import EXIT_ERROR, EXIT_OK, make_console
from stylefix.setup_layout import LocalModule
from stylefix.setup_project import Findings, Proposal, inspect_project

logger = logging.getLogger(__name__)

SECTION = "tool.stylefix"
PRE_COMMIT_SNIPPET = """repos:
  - repo: https://github.com/OWNER/stylefix
    rev: main
    hooks:
      - id: stylefix
"""


class SectionExists(Exception):
    """pyproject.toml already has a [tool.stylefix] section and --force was not given."""


def _value(value: Any) -> str:
    text: str = tomlkit.item(value).as_string()
    return text


def section_text(proposals: List[Proposal]) -> str:
    """The proposed `[tool.stylefix]` section as TOML, each key with the finding that suggested it."""
    lines = ["[tool.stylefix]"]
    top = [proposal for proposal in proposals if "." not in proposal.key]
    nested: Dict[str, List[Proposal]] = {}
    for proposal in proposals:
        if "." in proposal.key:
            nested.setdefault(proposal.key.partition(".")[0], []).append(proposal)
    if not proposals:
        lines.append("# the defaults fit this project")
    for proposal in top:
        lines.append(f"{proposal.key} = {_value(proposal.value)}  # {proposal.reason}")
    for codemod, items in nested.items():
        lines.extend(["", f"[tool.stylefix.{codemod}]"])
        for proposal in items:
            lines.append(f"{proposal.key.partition('.')[2]} = {_value(proposal.value)}  # {proposal.reason}")
    return "\n".join(lines) + "\n"


def _count_text(findings: Findings) -> List[List[str]]:
    return [[count.name, f"{count.files} files, {count.changes} changes"] for count in findings.counts]


def local_rows(findings: Findings) -> List[List[str]]:
    """What sort-imports treats as local: the source roots' names (those the project imports, with where they
    live), the modules local in their own directory only, the nested projects, and what it files as third-party."""
    by_scope: Dict[str, List[LocalModule]] = {}
    for module in findings.local_modules:
        scope = module.scope if module.scope in ("source root", "not local") else module.scope.partition(" ")[0]
        by_scope.setdefault(scope, []).append(module)
    roots = by_scope.get("source root", []) + by_scope.get("known-first-party", [])
    imported = ", ".join(f"{module.name} ({module.location})" for module in roots if module.imported)
    roots_text = ", ".join(root + "/" if root else "." for root in findings.source_roots)
    rows = [
        [
            "local modules",
            f"{len(roots)} names in the source roots {roots_text}; imported by the project: {imported or 'none'}",
        ]
    ]
    if by_scope.get("directory"):
        listed = ", ".join(f"{module.name} ({module.location})" for module in by_scope["directory"])
        rows.append(["local in their own directory", listed])
    for project in findings.nested_projects:
        names = [module.name for module in by_scope.get("project", []) if module.scope == f"project {project}/"]
        rows.append([f"project {project}/", "its own root; local there: " + (", ".join(names) or "none imported")])
    if by_scope.get("not local"):
        listed = ", ".join(f"{module.name} ({module.location})" for module in by_scope["not local"])
        rows.append(["filed as third-party", f"{listed}: imported as top-level names, not under a source root"])
    return rows


def summary_rows(findings: Findings) -> List[List[str]]:
    state = ("has [tool.stylefix]" if findings.has_section else "present") if findings.pyproject else "none"
    rows = [["pyproject.toml", state]]
    rows.extend(local_rows(findings))
    placement = ", ".join(f"{count} with {where}" for where, count in findings.pytest_placement.items())
    rows.append(["pytest in import blocks", placement or "not imported"])
    rows.append(
        [
            "tests",
            f"{findings.pytest_functions} pytest functions, {findings.pytest_class_methods} methods of test classes, "
            f"{findings.unittest_methods} unittest.TestCase methods"
            + (" (left alone unless `unittest = true`)" if findings.unittest_methods else ""),
        ]
    )
    for tool in ("ruff", "isort", "black"):
        rows.append([tool, findings.tools.get(tool, "not configured")])
    rows.append(["conflicting settings", str(len(findings.conflicts))])
    rows.append(["files", f"{findings.files} ({len(findings.errors)} cannot be processed)"])
    rows.extend(_count_text(findings))
    return rows


def print_findings(findings: Findings, color: Optional[bool]) -> None:
    import sys

    from rich.markup import escape
    from rich.table import Table

    console = make_console(sys.stdout, color)
    table = Table(title=f"stylefix init: {findings.root}", show_header=False)
    table.add_column("finding", style="bold")
    table.add_column("value")
    for key, value in summary_rows(findings):
        table.add_row(escape(key), escape(value))
    console.print(table)
    console.print("\n[bold]Proposed section for pyproject.toml[/bold] (only keys that differ from the defaults):\n")
    console.print(section_text(findings.proposals), markup=False)
    console.print("[bold]pre-commit[/bold] (.pre-commit-config.yaml):\n")
    console.print(PRE_COMMIT_SNIPPET, markup=False)
    if findings.conflicts:
        console.print("[bold]Settings of other tools that stop them undoing stylefix's changes:[/bold]\n")
        for section, settings in findings.settings.items():
            console.print(section, markup=False)
            for setting in settings:
                console.print(setting, markup=False)
            console.print("")
        console.print("Why:", markup=False)
        for warning in findings.conflicts:
            console.print(f"  {warning}", markup=False)
    else:
        console.print("No ruff or isort setting undoes stylefix's changes.")


def updated_pyproject(text: Optional[str], section: str, force: bool) -> str:
    """`text` (None: no file yet) with the section added; everything else stays as it was."""
    if text is None:
        return section
    document = tomlkit.parse(text)
    tool = document.get("tool")
    if tool is not None and "stylefix" in tool:
        if not force:
            raise SectionExists("pyproject.toml already has a [tool.stylefix] section; --force replaces it")
        del tool["stylefix"]
        if not tool:
            del document["tool"]
        text = tomlkit.dumps(document)
    return text.rstrip("\n") + "\n\n" + section


def write_section(root: Path, findings: Findings, force: bool) -> Path:
    path = root / "pyproject.toml"
    original = path.read_text(encoding="utf-8") if path.is_file() else None
    new = updated_pyproject(original, section_text(findings.proposals), force)
    data = tomlkit.parse(new).unwrap()  # the result must be valid TOML and a valid configuration
    build_config(root, path, data, data.get("tool", {}).get("stylefix", {}), str(path))
    descriptor, temporary = tempfile.mkstemp(dir=root, prefix=".pyproject.toml.", suffix=".stylefix-tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(new)
        if original is not None:
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path


def run_init(path: Path, write: bool, force: bool, as_json: bool, color: Optional[bool]) -> int:
    import click

    if not path.is_dir():
        click.echo(f"stylefix: error: {path}: not a directory", err=True)
        return EXIT_ERROR
    findings = inspect_project(path)
    if as_json:
        click.echo(json.dumps(findings.as_json(), indent=2))
    else:
        print_findings(findings, color)
    if not write:
        if not as_json:
            click.echo("Nothing written; `stylefix init --write` adds the section to pyproject.toml.")
        return EXIT_OK
    try:
        written = write_section(path.resolve(), findings, force)
    except SectionExists as error:
        click.echo(f"stylefix: error: {error}", err=True)
        return EXIT_ERROR
    except (TOMLKitError, InvalidConfig, OSError) as error:
        click.echo(f"stylefix: error: pyproject.toml not written: {error}", err=True)
        return EXIT_ERROR
    click.echo(f"Wrote [tool.stylefix] to {written}", err=as_json)
    return EXIT_OK
