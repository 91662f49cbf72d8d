"""pre-commit end to end: the real `pre-commit` installs this repository's hooks and runs them on a real repository.

The hook repository is a commit of the project as it is on disk, so the test checks the working tree (committed
or not) the way pre-commit would see it once pushed, on a `main` branch as the project's repository. The
`.pre-commit-config.yaml` is the README's snippet as written, with only `repo` pointed at that repository. pre-commit installs stylefix into its own virtualenv from the
package registry once per module (that install is most of this module's run time); every run after it reuses it.
"""
import os
from pathlib import Path
import pytest
import re
import shutil
import subprocess
import sys
from typing import Dict, List, Mapping, Optional, Sequence

from tests.helpers import PROJECT_ROOT, SORTED, UNSORTED, write_files

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
# Installing the hook environment downloads stylefix's dependencies; a slow mirror must not fail the test.
INSTALL_TIMEOUT_SECONDS = 900
GIT_IDENTITY = ["-c", "user.name=stylefix", "-c", "user.email=tests@stylefix.invalid", "-c", "commit.gpgsign=false"]

UNSORTED_STUB = "import sys\nimport os\n\ndef path() -> os.PathLike: ...\ndef version() -> sys.version_info: ...\n"
SORTED_STUB = "import os\nimport sys\n\ndef path() -> os.PathLike: ...\ndef version() -> sys.version_info: ...\n"
TEST_MODULE = "import sys\nimport os\n\n\ndef test_WHEN_added_THEN_sum_returned() -> None:\n    assert sum([1]) == 1\n"
TEST_MODULE_ASSERT_FIXED = TEST_MODULE.replace("sum([1]) == 1", "1 == sum([1])")
FILES = {
    "pyproject.toml": '[tool.stylefix]\nextend-exclude = ["vendor"]\n',
    "app/module.py": UNSORTED,
    "app/clean.py": SORTED,
    "app/stub.pyi": UNSORTED_STUB,
    "vendor/lib.py": UNSORTED,
    "notes.txt": "import sys\nimport os\n",
}


def git(args: Sequence[str], cwd: Path) -> str:
    completed = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, capture_output=True, check=True, env=clean_env())
    return completed.stdout.decode().strip()


def clean_env(extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The environment without what a surrounding git hook or pre-commit run would leak into the test's repos."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT")) and key not in ("SKIP", "FORCE_COLOR")
    }
    environment.update(extra or {})
    return environment


def package_files(root: Path) -> List[Path]:
    """What `pip install .` needs to build stylefix, plus the hook manifest; a symlinked folder (the package's
    `stylefix/codemods`) is one entry, copied as the link it is, and the folder it points to is listed too."""
    with open(root / "pyproject.toml", "rb") as handle:
        packages = tomllib.load(handle)["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    files = [root / "pyproject.toml", root / "README.md", root / ".pre-commit-hooks.yaml"]
    folders = [root / package for package in packages]
    while folders:
        folder = folders.pop()
        for path in sorted(folder.iterdir()):
            if path.is_symlink():
                files.append(path)
                folders.append(path.resolve())
            elif path.is_dir() and path.name != "__pycache__":
                folders.append(path)
            elif path.suffix == ".py":
                files.append(path)
    return files


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    """A git repository holding the project's package and hooks as they are on disk, on its `main` branch as the
    project's own repository; returns its `repo`."""
    target = tmp_path_factory.mktemp("stylefix-hooks")
    for source in package_files(PROJECT_ROOT):
        destination = target / source.relative_to(PROJECT_ROOT)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)
    git(["init", "--quiet", "--initial-branch", "main"], target)
    git(["add", "--all"], target)
    git(["commit", "--quiet", "--message", "stylefix under test"], target)
    return {"repo": str(target)}


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def readme_snippets() -> List[str]:
    """The `.pre-commit-config.yaml` snippets of the README's pre-commit section, as users paste them."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## pre-commit\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)


def hook_config(snippet: str, hook_repo: Mapping[str, str], args: Sequence[str] = ()) -> str:
    config = re.sub(r"(?m)^(\s*- repo: ).*$", lambda m: m.group(1) + hook_repo["repo"], snippet)
    if args:
        config = re.sub(r"(?m)^(\s*)- (id: .*)$", lambda m: f"{m.group(0)}\n{m.group(1)}  args: {list(args)}", config)
    return config


def make_repo(root: Path, config: str, files: Mapping[str, str] = FILES) -> Path:
    write_files(root, {**files, ".pre-commit-config.yaml": config})
    git(["init", "--quiet"], root)
    git(["add", "--all"], root)
    return root


def run_pre_commit(root: Path, home: Path, files: Sequence[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PRE_COMMIT, "run", "--color", "never", "--files", *files],
        cwd=root,
        capture_output=True,
        env=clean_env({"PRE_COMMIT_HOME": str(home)}),
        timeout=INSTALL_TIMEOUT_SECONDS,
    )


def output(completed: subprocess.CompletedProcess) -> str:
    return completed.stdout.decode() + completed.stderr.decode()


def test_WHEN_readme_snippets_read_THEN_one_per_hook_on_a_ref_the_repository_has() -> None:
    snippets = readme_snippets()

    assert [["stylefix"], ["stylefix-check"]] == [re.findall(r"- id: (\S+)", snippet) for snippet in snippets]
    # every stylefix `rev` anywhere in the README: these, the one beside ruff and the one `stylefix init` prints
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    revs = re.findall(r"- repo: \S+/stylefix\n\s+rev: (\S+)", readme)
    # the repository has no release tags: `main` works as written (`pre-commit autoupdate --freeze` pins a commit)
    assert ["main"] * 4 == revs


def test_WHEN_stylefix_hook_run_twice_THEN_first_run_fixes_and_fails_second_passes(
    tmp_path: Path, hook_repo: Dict[str, str], pre_commit_home: Path
) -> None:
    root = make_repo(tmp_path, hook_config(readme_snippets()[0], hook_repo))
    files = ["app/module.py", "app/clean.py", "app/stub.pyi", "vendor/lib.py", "notes.txt"]

    first = run_pre_commit(root, pre_commit_home, files)
    second = run_pre_commit(root, pre_commit_home, files)

    assert 1 == first.returncode, output(first)
    assert "files were modified by this hook" in output(first)
    assert SORTED == (root / "app" / "module.py").read_text()
    assert SORTED_STUB == (root / "app" / "stub.pyi").read_text()
    # TEST: excluded by the project's configuration although pre-commit names it, and not Python at all
    assert UNSORTED == (root / "vendor" / "lib.py").read_text()
    assert "import sys\nimport os\n" == (root / "notes.txt").read_text()
    assert 0 == second.returncode, output(second)
    assert re.search(r"^stylefix\.+Passed$", output(second), flags=re.MULTILINE), output(second)


def test_WHEN_check_hook_run_THEN_fails_listing_changes_and_writes_nothing(
    tmp_path: Path, hook_repo: Dict[str, str], pre_commit_home: Path
) -> None:
    root = make_repo(tmp_path, hook_config(readme_snippets()[1], hook_repo))

    completed = run_pre_commit(root, pre_commit_home, ["app/module.py", "app/clean.py", "vendor/lib.py"])

    assert 1 == completed.returncode, output(completed)
    assert "would change app/module.py (sort-imports)" in output(completed)
    assert "app/clean.py" not in output(completed)
    assert "vendor/lib.py" not in output(completed)
    assert UNSORTED == (root / "app" / "module.py").read_text()


def test_WHEN_hook_given_args_THEN_they_reach_stylefix(
    tmp_path: Path, hook_repo: Dict[str, str], pre_commit_home: Path
) -> None:
    config = hook_config(readme_snippets()[0], hook_repo, args=["--select", "assert-order"])
    root = make_repo(tmp_path, config, {**FILES, "tests/test_sum.py": TEST_MODULE})

    completed = run_pre_commit(root, pre_commit_home, ["app/module.py", "tests/test_sum.py"])

    assert 1 == completed.returncode, output(completed)
    assert TEST_MODULE_ASSERT_FIXED == (root / "tests" / "test_sum.py").read_text()
    assert UNSORTED == (root / "app" / "module.py").read_text()
