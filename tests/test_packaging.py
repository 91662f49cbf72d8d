"""What installing stylefix puts on the import path: `stylefix` and nothing else.

The codemods live in the top-level codemods/ folder of the repository and are imported as `stylefix.codemods.*`
(the package's `stylefix/codemods` is a link to that folder, and the wheel holds them there), so a project with
a `codemods` package of its own, regular or namespace, on the path or installed next to stylefix, neither breaks
stylefix nor is broken by it.
"""
import os
from pathlib import Path
import pytest
import shutil
import subprocess
import sys
import sysconfig
from typing import Dict, List
import zipfile

from tests.helpers import PROJECT_ROOT

UNSORTED = "import sys\nimport os\n"
USER_MODULE = 'VALUE = "the project codemods"\n'
# A module name stylefix's own codemods have, so that a merge with stylefix's folder would be noticed.
USER_MODULES = {"codemods/mine.py": USER_MODULE, "codemods/spec.py": "VALUE = 'theirs'\n"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of the project as it is on disk, built by its build backend (no network, no build isolation)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, source / name)
    for name in ("stylefix", "codemods"):
        shutil.copytree(PROJECT_ROOT / name, source / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    build = "from hatchling.build import build_wheel; import sys; print(build_wheel(sys.argv[1]))"
    completed = subprocess.run(
        [sys.executable, "-c", build, str(out)], cwd=source, capture_output=True, text=True, timeout=120
    )
    assert 0 == completed.returncode, completed.stderr
    return out / completed.stdout.strip().splitlines()[-1]


def environment(root: Path, wheel: Path) -> Path:
    """A fresh environment with the wheel installed (unpacked into its site-packages) and stylefix's dependencies
    reachable through a path file; the development install of the repository is not on its path."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(root), "platbase": str(root)}))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    dependencies = sysconfig.get_path("purelib")
    (site / "dependencies.pth").write_text(dependencies + "\n")
    return site


def write(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def run(python: Path, code: str, cwd: Path, path: List[Path]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if path:
        env["PYTHONPATH"] = os.pathsep.join(str(entry) for entry in path)
    return subprocess.run([str(python), "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


CHECK_THEN_IMPORT_THEIRS = (
    "import sys; from stylefix.cli import cli\n"
    "try:\n    cli(['check', '--no-cache', 'app.py'], prog_name='stylefix')\nexcept SystemExit as done:\n    print('exit', done.code)\n"
    "import codemods.mine, codemods.spec\n"
    "print(codemods.mine.VALUE, codemods.spec.VALUE)\n"
    "print(sorted(name for name in sys.modules if name == 'codemods' or name.startswith('codemods.')))\n"
)


def test_WHEN_wheel_built_THEN_it_holds_the_codemods_under_stylefix_only(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        top_level = {name.split("/")[0] for name in archive.namelist() if not name.split("/")[0].endswith(".dist-info")}
        names = archive.namelist()

    assert {"stylefix"} == top_level
    assert "stylefix/codemods/sort_imports/transform.py" in names


@pytest.mark.parametrize("regular", [True, False], ids=["regular-package", "namespace-package"])
@pytest.mark.parametrize("where", ["on-the-path", "installed"])
def test_WHEN_project_has_its_own_codemods_package_AND_stylefix_installed_THEN_both_work(
    tmp_path: Path, wheel: Path, regular: bool, where: str
) -> None:
    site = environment(tmp_path / "env", wheel)
    project = tmp_path / "project"
    write(project, {"app.py": UNSORTED, "pyproject.toml": "[project]\nname = 'app'\n"})
    theirs = dict(USER_MODULES, **({"codemods/__init__.py": ""} if regular else {}))
    write(site if where == "installed" else project, theirs)
    python = tmp_path / "env" / "bin" / "python"

    completed = run(python, CHECK_THEN_IMPORT_THEIRS, project, [project] if where == "on-the-path" else [])

    assert 0 == completed.returncode, completed.stderr
    lines = completed.stdout.splitlines()
    assert "exit 1" == lines[-3]  # `check` ran every codemod and found the unsorted imports
    assert "the project codemods theirs" == lines[-2]
    assert "['codemods', 'codemods.mine', 'codemods.spec']" == lines[-1]  # stylefix imported none of it


def test_WHEN_project_codemods_package_on_the_path_of_a_development_install_THEN_stylefix_works(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write(project, dict(USER_MODULES, **{"codemods/__init__.py": "", "app.py": UNSORTED}))
    write(project, {"pyproject.toml": "[project]\nname = 'app'\n"})

    completed = run(Path(sys.executable), CHECK_THEN_IMPORT_THEIRS, project, [project])

    assert 0 == completed.returncode, completed.stderr
    assert "exit 1" == completed.stdout.splitlines()[-3]
