"""Every codemod's byte-level pre-check against the full path: a pre-check that says "nothing to do" must never
be wrong. Each codemod runs directly (no pre-check) on real files, as a plain module and as a test file."""
from pathlib import Path
import pytest
from typing import List

import libcst as cst
from libcst.codemod import CodemodContext

from stylefix import registry
from stylefix.context import FileContext
from stylefix.directives import parse_directives
from stylefix.engine import gate_for
from tests.helpers import PROJECT_ROOT, SITE_PACKAGES, make_config

# Installed packages are real code in many styles, and need no download.
PACKAGES = ("libcst", "hypothesis", "_pytest", "rich", "click", "pygls", "pathspec", "lsprotocol", "isort")
FILES_PER_PACKAGE = 4
MAX_LINES = 1500  # keeps the test quick; long files add time, not new constructs
CONFIG = make_config(PROJECT_ROOT / "tests" / "precheck_project", {"assert-order": {"scope": "all", "unittest": True}})


def _sample() -> List[Path]:
    chosen: List[Path] = []
    for package in PACKAGES:
        files = [path for path in sorted((SITE_PACKAGES / package).rglob("*.py")) if path.read_bytes().count(b"\n") <= MAX_LINES]
        step = max(1, len(files) // FILES_PER_PACKAGE)
        chosen.extend(files[::step][:FILES_PER_PACKAGE])
    return chosen


@pytest.mark.parametrize("path", _sample(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_WHEN_precheck_says_nothing_to_do_THEN_full_codemod_changes_nothing(path: Path) -> None:
    source = path.read_bytes()
    tree = cst.parse_module(source)
    directives = parse_directives(source, registry.NAMES)
    for name in registry.NAMES:
        gate = gate_for(name)
        for file_name in ("module.py", "test_module.py"):
            file = FileContext(path=CONFIG.root / file_name, config=CONFIG, is_test_file=file_name.startswith("test_"), directives=directives)
            if not gate.applies_to(file) or gate.precheck(source, file):
                continue
            command = gate.load()(CodemodContext(filename=file_name), file)
            command.transform_module(tree)

            assert [] == command.changes, f"{name} pre-check skipped {path} ({file_name})"
