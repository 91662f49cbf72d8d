"""docs/architecture.md, "Adding a codemod", done the way the page says: a folder and one registry line.

The toy codemod's files are read from the page itself, so the page cannot drift from what works.
"""
from pathlib import Path
import re
import shutil
import subprocess
import sys
from typing import Dict, Tuple

from tests.helpers import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "architecture.md"
SECTION = "## Adding a codemod"
# A file name in backquotes and a colon, then a python code block: one file of the toy codemod.
FILE_BLOCK = re.compile(r"^`(codemods/[\w/]+\.py)`:\n\n```python\n(.*?)```$", re.MULTILINE | re.DOTALL)
REGISTRY_LINE = re.compile(r"The registry line[^\n]*\n\n```python\n(.*?)```", re.DOTALL)
BEFORE = "try:\n    run()\nexcept:\n    pass\n"
AFTER = "try:\n    run()\nexcept Exception:\n    pass\n"


def documented_codemod() -> Tuple[Dict[str, str], str]:
    section = DOC.read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    files = {name: text for name, text in FILE_BLOCK.findall(section)}
    registry_line = REGISTRY_LINE.search(section)
    assert registry_line is not None
    return files, registry_line.group(1)


def project_copy(root: Path, without: Tuple[str, ...] = ()) -> Path:
    """stylefix's package and codemods copied to `root`, with the documented codemod added as the page says."""
    for name in ("stylefix", "codemods"):
        shutil.copytree(PROJECT_ROOT / name, root / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    files, registry_line = documented_codemod()
    for name, text in files.items():
        if not name.endswith(without):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
    registry = root / "stylefix" / "registry.py"
    anchor = '    "stylefix.codemods.sort_imports",\n'
    text = registry.read_text()
    assert 1 == text.count(anchor)
    registry.write_text(text.replace(anchor, registry_line + anchor))  # the one line
    return root


def stylefix(copy: Path, *args: str) -> subprocess.CompletedProcess:
    # `python -m` from the copy: its `stylefix` comes first on the path.
    return subprocess.run(
        [sys.executable, "-m", "stylefix.cli", *args], cwd=copy, capture_output=True, text=True, timeout=120
    )


def test_WHEN_doc_read_THEN_it_shows_the_three_files_of_a_codemod() -> None:
    files, registry_line = documented_codemod()

    expected = {"codemods/bare_except/spec.py", "codemods/bare_except/transform.py", "codemods/bare_except/equivalence.py"}
    assert expected == set(files)
    assert '"stylefix.codemods.bare_except",' == registry_line.strip()


def test_WHEN_documented_codemod_added_THEN_it_is_listed_and_fixes_files_through_the_safety_net(tmp_path: Path) -> None:
    copy = project_copy(tmp_path / "stylefix-copy")
    target = tmp_path / "project" / "app.py"
    target.parent.mkdir()
    (target.parent / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    target.write_text(BEFORE)

    listed = stylefix(copy, "list")
    fixed = stylefix(copy, "fix", "--no-cache", "--select", "bare-except", str(target))

    assert 0 == listed.returncode, listed.stderr
    assert "bare-except" in listed.stdout
    assert 0 == fixed.returncode, fixed.stderr
    assert AFTER == target.read_text()
    assert "bare-except" in fixed.stdout + fixed.stderr


def test_WHEN_documented_codemod_added_without_its_equivalence_rule_THEN_safety_net_refuses_its_change(
    tmp_path: Path,
) -> None:
    copy = project_copy(tmp_path / "stylefix-copy", without=("equivalence.py",))
    spec = copy / "codemods" / "bare_except" / "spec.py"
    spec.write_text(spec.read_text().replace('    equivalence="equivalence",\n', ""))
    target = tmp_path / "project" / "app.py"
    target.parent.mkdir()
    (target.parent / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    target.write_text(BEFORE)

    fixed = stylefix(copy, "fix", "--no-cache", "--select", "bare-except", str(target))

    assert 2 == fixed.returncode
    assert "internal error in bare-except" in fixed.stderr + fixed.stdout
    assert BEFORE == target.read_text()
