"""Shared test helpers: real configs, real fix_source runs, real CLI subprocesses."""
from dataclasses import dataclass, replace
import os
from pathlib import Path
import subprocess
import sys
import sysconfig
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from stylefix.config import Config, ModuleIndex, build_config
from stylefix.engine import fix_source
from stylefix.parsing import cpython_error
from stylefix.results import Change

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The installed console script, exactly what users run.
STYLEFIX = [str(Path(sys.executable).parent / "stylefix")]
# A root with no files: nothing on disk changes what the codemods see.
NO_PROJECT = PROJECT_ROOT / "tests" / "no_such_project"
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])

# A file that only sort-imports changes, and what it makes of it.
UNSORTED = "import sys\nimport os\n\nprint(os, sys)\n"
SORTED = "import os\nimport sys\n\nprint(os, sys)\n"
# The same imports alone, for files that other code is appended to.
UNSORTED_IMPORTS = "import sys\nimport os\n"
SORTED_IMPORTS = "import os\nimport sys\n"
# A file that no codemod changes.
CLEAN = "import os\n\nprint(os)\n"


def make_config(root: Path, table: Optional[Mapping[str, Any]] = None, pyproject: Optional[Mapping] = None) -> Config:
    """A Config as if `root/pyproject.toml` had `[tool.stylefix]` = table (and the rest of `pyproject`)."""
    data: Dict[str, Any] = dict(pyproject or {})
    return build_config(root, None, data, dict(table or {}), "test configuration")


@dataclass(frozen=True)
class Applied:
    output: str
    changes: Tuple[Change, ...]
    second_pass_changes: Tuple[Change, ...]
    # As the engine reports them: `path:line:column: codemod: message`.
    warnings: Tuple[str, ...] = ()
    second_pass_output: str = ""


def apply_codemods(
    source: str,
    names: Optional[Sequence[str]],
    path: str = "example.py",
    root: Optional[Path] = None,
    table: Optional[Mapping[str, Any]] = None,
    project_modules: Sequence[str] = (),
) -> Applied:
    """Run the named codemods (None: those the configuration enables) through the real engine, then again on
    their own output.

    The safety net is on, except for syntax newer than the running Python can parse (it refuses such files)."""
    root = root or NO_PROJECT
    config = replace(make_config(root, table), project_modules=ModuleIndex(names=frozenset(project_modules)))
    file_path = root / path
    encoded = source.encode("utf-8")
    safe = cpython_error(encoded) is None
    first = fix_source(encoded, file_path, config, names=names, safe=safe)
    second = fix_source(first.source, file_path, config, names=names, safe=safe)
    return Applied(
        output=first.source.decode("utf-8"),
        changes=first.changes,
        second_pass_changes=second.changes,
        warnings=first.warnings,
        second_pass_output=second.source.decode("utf-8"),
    )


def apply_codemod(
    source: str,
    codemod: str,
    path: str = "example.py",
    options: Optional[Mapping[str, Any]] = None,
    root: Optional[Path] = None,
    table: Optional[Mapping[str, Any]] = None,
    project_modules: Sequence[str] = (),
) -> Applied:
    """One codemod with its `[tool.stylefix.<codemod>]` options; see `apply_codemods`."""
    stylefix_table: Dict[str, Any] = dict(table or {})
    if options:
        stylefix_table[codemod] = dict(options)
    return apply_codemods(source, [codemod], path, root, stylefix_table, project_modules)


def run_cli(
    args: Sequence[str], cwd: Path, stdin: Optional[bytes] = None, env: Optional[Mapping[str, str]] = None
) -> subprocess.CompletedProcess:
    """The real `stylefix` command in a subprocess."""
    environment = dict(os.environ)
    environment.update(env or {})
    environment.pop("FORCE_COLOR", None)
    return subprocess.run(
        STYLEFIX + list(args), cwd=cwd, input=stdin, capture_output=True, env=environment, timeout=300
    )


def write_files(root: Path, files: Mapping[str, str]) -> List[Path]:
    written = []
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
