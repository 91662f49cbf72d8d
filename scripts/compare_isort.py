"""`make compare-isort`: sort-imports against isort, the reference implementation of the layout, on a real project.

The project's sdist is downloaded into .corpus/ and copied twice; `stylefix fix --select sort-imports` runs on one
copy and isort, with the settings that express sort-imports' rules, on the other. Files are then compared byte for
byte. A file is left out of the comparison when isort changed it for a reason outside sort-imports' rules (it
rewrote an import statement, moved code, dropped a comment or changed the blank lines after an import block);
every file left out is listed with its reason. Exit status 1 when agreement is under the target.
"""
import argparse
import ast
from collections import Counter
from dataclasses import dataclass, field, replace
import difflib
import io
import logging
from pathlib import Path
import shutil
import subprocess
import sys
import tokenize
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from scripts.sort_imports_corpus import CORPUS_DIR, COMPARE_PROJECT, Project, fetch, python_files
from stylefix.codemods.sort_imports.ordering import GROUP_NAMES, LOCAL, STDLIB, THIRD_PARTY, classifier_for
from stylefix.codemods.sort_imports.spec import SortImportsOptions
from stylefix.config import Config, ModuleIndex, load_config
from stylefix.context import FileContext
from stylefix.discovery import project_modules

logger = logging.getLogger(__name__)

TARGET_AGREEMENT = 0.95  # the bar
BIN = Path(sys.executable).parent
# isort options that express sort-imports' rules: one blank line between groups and none inside them
# (`--lbt 0`, relative imports in the local group: `--nlb LOCALFOLDER`), `import x` and `from x import y`
# interleaved by module name, case-insensitively (`--force-sort-within-sections --hcss`), relative imports
# farthest first (`--srss`), the standard library of any Python 3 (`--py 3`), the guide's line length.
ISORT_SETTINGS: Tuple[str, ...] = (
    "--force-sort-within-sections",
    "--honor-case-in-force-sorted-sections",
    "--lines-between-types",
    "0",
    "--no-lines-before",
    "LOCALFOLDER",
    "--sort-relative-in-force-sorted-sections",
    "--py",
    "3",
    "--line-length",
    "120",
)
# Files per command line, to stay far below the system's argument length limit.
BATCH = 200
DIFF_LINES_SHOWN = 30


@dataclass
class Outcome:
    compared: List[str] = field(default_factory=list)
    agreed: List[str] = field(default_factory=list)
    # path -> why it was left out
    excluded: Dict[str, str] = field(default_factory=dict)
    changed_by_stylefix: int = 0
    changed_by_isort: int = 0
    # (module, stylefix's group, isort's group, why) -> files where the two tools file an import differently
    classifications: Dict[Tuple[str, str, str, str], List[str]] = field(default_factory=dict)


def _import_statements(module: cst.Module) -> List[Tuple[int, List[cst.SimpleStatementLine], Optional[int]]]:
    """Every run of import statement lines: (depth, statements, blank lines after the run or None at the end)."""
    runs: List[Tuple[int, List[cst.SimpleStatementLine], Optional[int]]] = []

    def visit_body(body: Sequence[cst.BaseStatement], depth: int) -> None:
        run: List[cst.SimpleStatementLine] = []
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine) and all(
                isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
            ):
                run.append(statement)
                continue
            if run:
                blanks = 0
                for line in statement.leading_lines:
                    if line.comment is not None:
                        break
                    blanks += 1
                runs.append((depth, run, blanks))
                run = []
            for child in _suites(statement):
                visit_body(child, depth + 1)
        if run:
            runs.append((depth, run, None))

    visit_body(module.body, 0)
    return runs


def _suites(node: cst.CSTNode) -> List[Sequence[cst.BaseStatement]]:
    found: List[Sequence[cst.BaseStatement]] = []
    for name in ("body", "orelse", "finalbody", "handlers", "cases"):
        child = getattr(node, name, None)
        if isinstance(child, cst.IndentedBlock):
            found.append(child.body)
        elif isinstance(child, cst.CSTNode) and not isinstance(child, cst.SimpleStatementSuite):
            found.extend(_suites(child))
        elif isinstance(child, (list, tuple)):
            for item in child:
                found.extend(_suites(item))
    return found


def _statement_text(module: cst.Module, statement: cst.SimpleStatementLine) -> str:
    return module.code_for_node(statement.with_changes(leading_lines=()))


def _comments(source: bytes) -> Counter:
    tokens = tokenize.tokenize(io.BytesIO(source).readline)
    return Counter(token.string for token in tokens if token.type == tokenize.COMMENT)


class _DropImports(ast.NodeTransformer):
    def generic_visit(self, node: ast.AST) -> ast.AST:
        for name in ("body", "orelse", "finalbody"):
            value = getattr(node, name, None)
            if isinstance(value, list):
                setattr(node, name, [item for item in value if not isinstance(item, (ast.Import, ast.ImportFrom))])
        return super().generic_visit(node)


def _code_without_imports(source: bytes) -> str:
    return ast.dump(_DropImports().visit(ast.parse(source)))


def out_of_scope_reason(original: bytes, isort_output: bytes) -> Optional[str]:
    """Why isort changed this file for reasons outside sort-imports' rules, or None when it did not."""
    if original == isort_output:
        return None
    try:
        before, after = cst.parse_module(original), cst.parse_module(isort_output)
    except cst.ParserSyntaxError:
        return "not parseable as Python 3"
    before_runs, after_runs = _import_statements(before), _import_statements(after)
    before_texts = {_statement_text(before, s) for _, run, _ in before_runs for s in run}
    after_texts = {_statement_text(after, s) for _, run, _ in after_runs for s in run}
    if before_texts != after_texts:
        return "isort rewrote import statements (merged, split, re-wrapped or reordered names)"
    if _code_without_imports(original) != _code_without_imports(isort_output):
        return "isort moved code other than imports"
    if _comments(original) != _comments(isort_output):
        return "isort dropped, merged or added comments"
    if [blanks for _, _, blanks in before_runs] != [blanks for _, _, blanks in after_runs]:
        return "isort changed the blank lines after an import block"
    return None


def _run_in_batches(command: List[str], files: List[str], cwd: Path) -> None:
    for start in range(0, len(files), BATCH):
        result = subprocess.run(command + files[start : start + BATCH], cwd=cwd, capture_output=True, text=True)
        if result.returncode not in (0, 1):
            logger.info("%s exited %d: %s", command[0], result.returncode, result.stderr.strip()[-2000:])


def run_tools(source_dir: Path, work: Path) -> Tuple[Path, Path, List[str]]:
    shutil.rmtree(work, ignore_errors=True)
    stylefix_dir, isort_dir, settings_dir = work / "stylefix", work / "isort", work / "isort-settings"
    shutil.copytree(source_dir, stylefix_dir, symlinks=True)
    shutil.copytree(source_dir, isort_dir, symlinks=True)
    settings_dir.mkdir()
    files = [path.relative_to(source_dir).as_posix() for path in python_files(source_dir)]
    config_file = work / "stylefix.toml"
    config_file.write_text('select = ["sort-imports"]\n')
    shutil.copy(config_file, stylefix_dir / ".stylefix-compare.toml")
    if not (stylefix_dir / "pyproject.toml").is_file():
        # The project root is the nearest directory with pyproject.toml or .git: mark the copy as one, or the
        # repository holding .corpus/ would be taken for it.
        (stylefix_dir / ".git").mkdir()
    config = load_config(stylefix_dir, stylefix_dir / ".stylefix-compare.toml")
    stylefix = [str(BIN / "stylefix"), "fix", "--config", ".stylefix-compare.toml", "--no-cache", "-q"]
    _run_in_batches(stylefix, files, stylefix_dir)
    _run_in_batches(isort_command(isort_dir, settings_dir, source_roots(config)), files, isort_dir)
    return stylefix_dir, isort_dir, files


def source_roots(config: Config) -> List[str]:
    """The source roots stylefix finds (see "Classification" in docs/sort-imports.md), relative to the root."""
    return list(project_modules(config).roots)


def isort_command(project: Path, settings_dir: Path, roots: Sequence[str]) -> List[str]:
    """isort with the same source roots and the same extra standard-library modules as stylefix's defaults."""
    command = [str(BIN / "isort"), "--settings-path", str(settings_dir), *ISORT_SETTINGS, "-q"]
    for root in roots:
        command += ["--src", str(project / root)]
    for name in SortImportsOptions().extra_standard_library:
        command += ["--extra-builtin", name]
    return command


ISORT_GROUPS: Dict[str, int] = {"STDLIB": STDLIB, "THIRDPARTY": THIRD_PARTY, "FIRSTPARTY": LOCAL}


def classification_differences(project: Path, files: Sequence[str]) -> Dict[Tuple[str, str, str, str], List[str]]:
    """Every absolute import whose top-level module stylefix and isort (same source roots) file differently."""
    import isort

    config = load_config(project, project / ".stylefix-compare.toml")
    index = project_modules(config)
    config = replace(config, project_modules=index)
    options = config.options("sort-imports")
    isort_config = isort.Config(
        py_version="3",
        src_paths=tuple(str(project / root) for root in index.roots),
        extra_standard_library=options.extra_standard_library,
    )
    found: Dict[Tuple[str, str, str, str], List[str]] = {}
    for relative in files:
        path = project / relative
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        classifier = classifier_for(FileContext(path=path, config=config, is_test_file=False), options)
        modules = {
            name.split(".")[0]
            for node in ast.walk(tree)
            for name in (
                [alias.name for alias in node.names] if isinstance(node, ast.Import)
                else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                else []
            )
        }
        for module in sorted(modules - {"__future__"}):
            ours = classifier.group(module, 0, False)
            theirs = ISORT_GROUPS.get(isort.place_module(module, config=isort_config), THIRD_PARTY)
            if ours != theirs:
                key = (module, GROUP_NAMES[ours], GROUP_NAMES[theirs], _why(module, relative, index))
                found.setdefault(key, []).append(relative)
    return found


def _why(module: str, relative: str, index: ModuleIndex) -> str:
    parts = tuple(relative.split("/"))
    for length in range(len(parts) - 1, 0, -1):
        if "/".join(parts[:length]) in index.nested:
            return f"the file belongs to the nested project {'/'.join(parts[:length])}/ (its own pyproject.toml)"
    directory = parts[:-1]
    while directory:
        names = index.directories.get("/".join(directory))
        if names is not None and module in names:
            return f"{module} is a module of the file's own directory {'/'.join(directory)}/ (script or test)"
        directory = directory[:-1]
    if module == parts[0] or (parts[0] == "src" and len(parts) > 1 and module == parts[1]):
        return "the file's own top-level package"
    return "isort counts any directory under a source root as a package, Python files or not"


def compare(source_dir: Path, stylefix_dir: Path, isort_dir: Path, files: List[str]) -> Outcome:
    outcome = Outcome()
    for relative in files:
        original = (source_dir / relative).read_bytes()
        ours = (stylefix_dir / relative).read_bytes()
        theirs = (isort_dir / relative).read_bytes()
        reason = out_of_scope_reason(original, theirs)
        if reason is not None:
            outcome.excluded[relative] = reason
            continue
        outcome.compared.append(relative)
        outcome.changed_by_stylefix += ours != original
        outcome.changed_by_isort += theirs != original
        if ours == theirs:
            outcome.agreed.append(relative)
    return outcome


def _diff(relative: str, theirs: bytes, ours: bytes) -> str:
    lines = difflib.unified_diff(
        theirs.decode("utf-8", "replace").splitlines(keepends=True),
        ours.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"isort/{relative}",
        tofile=f"stylefix/{relative}",
    )
    return "".join(list(lines)[:DIFF_LINES_SHOWN])


def report(project: Project, outcome: Outcome, stylefix_dir: Path, isort_dir: Path, show_diffs: bool) -> str:
    total = len(outcome.compared) + len(outcome.excluded)
    agreed, compared = len(outcome.agreed), len(outcome.compared)
    share = agreed / compared if compared else 1.0
    lines = [
        f"compare-isort on {project.requirement}: {total} Python files",
        f"  left out (isort changes them for reasons outside sort-imports' rules): {len(outcome.excluded)}",
    ]
    for reason, count in Counter(outcome.excluded.values()).most_common():
        lines.append(f"    {count:5d}  {reason}")
    lines += [
        f"  compared: {compared} (changed by stylefix: {outcome.changed_by_stylefix}, "
        f"by isort: {outcome.changed_by_isort})",
        f"  agree byte for byte: {agreed}/{compared} = {share:.1%} (target {TARGET_AGREEMENT:.0%})",
    ]
    disagreements = [relative for relative in outcome.compared if relative not in set(outcome.agreed)]
    if disagreements:
        lines.append("  disagreements:")
        for relative in disagreements:
            lines.append(f"    {relative}")
            if show_diffs:
                theirs, ours = (isort_dir / relative).read_bytes(), (stylefix_dir / relative).read_bytes()
                lines.append(_diff(relative, theirs, ours))
    lines.append(f"  imports filed differently (stylefix vs isort with the same source roots): "
                 f"{sum(len(paths) for paths in outcome.classifications.values())}")
    for (module, ours, theirs, why), paths in sorted(outcome.classifications.items()):
        lines.append(f"    {module}: stylefix {ours}, isort {theirs}, in {len(paths)} files ({paths[0]}...): {why}")
    lines.append("  left out:")
    lines += [f"    {relative}: {reason}" for relative, reason in sorted(outcome.excluded.items())]
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=COMPARE_PROJECT.requirement, help="name==version of a PyPI sdist")
    parser.add_argument("--no-diffs", action="store_true", help="list disagreeing files without their diffs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    name, _, version = args.project.partition("==")
    project = Project(name, version)
    source_dir = fetch(project)
    work = CORPUS_DIR / "compare" / project.directory_name
    stylefix_dir, isort_dir, files = run_tools(source_dir, work)
    outcome = compare(source_dir, stylefix_dir, isort_dir, files)
    outcome.classifications = classification_differences(stylefix_dir, files)
    text = report(project, outcome, stylefix_dir, isort_dir, show_diffs=not args.no_diffs)
    (work / "report.txt").write_text(text + "\n")
    print(text)
    compared = len(outcome.compared)
    return 0 if not compared or len(outcome.agreed) / compared >= TARGET_AGREEMENT else 1


if __name__ == "__main__":
    sys.exit(main())
