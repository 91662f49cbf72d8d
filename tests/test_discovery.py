"""Discovery: which files a run touches, on real directory trees."""
import os
from pathlib import Path
import pytest
from typing import List

import pathspec

from stylefix.config import load_config
from stylefix.discovery import _Matcher, discover, project_modules
from tests.helpers import write_files

TREE = {
    "pyproject.toml": "[tool.stylefix]\nextend-exclude = ['generated', 'docs/*.py']\n",
    ".gitignore": "ignored_by_git.py\nscratch/\n*.tmp.py\n!keep.tmp.py\n",
    "app/main.py": "",
    "app/types.pyi": "",
    "app/notes.txt": "",
    "app/sub/.gitignore": "local_only.py\n",
    "app/sub/local_only.py": "",
    "app/sub/kept.py": "",
    "ignored_by_git.py": "",
    "scratch/a.py": "",
    "x.tmp.py": "",
    "keep.tmp.py": "",
    "generated/models.py": "",
    "docs/conf.py": "",
    "docs/guide/deeper.py": "",
    ".venv/lib/site.py": "",
    "build/lib/x.py": "",
    "node_modules/pkg/x.py": "",
    "__pycache__/x.py": "",
}


def _relative(paths: List[Path], root: Path) -> List[str]:
    return sorted(path.resolve().relative_to(root.resolve()).as_posix() for path in paths)


def test_WHEN_discover_called_on_directory_THEN_python_files_minus_excludes_and_gitignore(tmp_path: Path) -> None:
    write_files(tmp_path, TREE)
    config = load_config(tmp_path)

    found = discover([tmp_path], config)

    expected_files = ["app/main.py", "app/sub/kept.py", "app/types.pyi", "docs/guide/deeper.py", "keep.tmp.py"]
    assert expected_files == _relative(found.files, tmp_path)
    assert [] == found.errors


def test_WHEN_discover_called_AND_file_named_explicitly_THEN_processed_unless_force_exclude(tmp_path: Path) -> None:
    write_files(tmp_path, TREE)
    config = load_config(tmp_path)
    explicit = [tmp_path / "generated" / "models.py", tmp_path / "ignored_by_git.py", tmp_path / "app" / "notes.txt"]

    # TEST: named files are always processed (pre-commit passes files explicitly)
    found = discover(explicit, config)
    assert ["app/notes.txt", "generated/models.py", "ignored_by_git.py"] == _relative(found.files, tmp_path)

    # TEST: --force-exclude applies excludes and .gitignore to them too
    found = discover(explicit, config, force_exclude=True)
    assert ["app/notes.txt"] == _relative(found.files, tmp_path)
    assert ["generated/models.py", "ignored_by_git.py"] == _relative(found.excluded, tmp_path)


def test_WHEN_discover_called_AND_cli_exclude_THEN_added_to_config_excludes(tmp_path: Path) -> None:
    write_files(tmp_path, TREE)
    config = load_config(tmp_path, extend_exclude=["app/sub"])

    found = discover([tmp_path / "app"], config)

    assert ["app/main.py", "app/types.pyi"] == _relative(found.files, tmp_path)


def test_WHEN_discover_called_AND_symlinks_THEN_broken_and_looping_reported_and_dirs_not_followed(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"pkg/real.py": "", "outside/other.py": ""})
    os.symlink(tmp_path / "missing.py", tmp_path / "pkg" / "broken.py")
    os.symlink(tmp_path / "pkg" / "loop.py", tmp_path / "pkg" / "loop.py")
    os.symlink(tmp_path / "outside", tmp_path / "pkg" / "linked_dir")
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "self_loop")
    config = load_config(tmp_path)

    found = discover([tmp_path / "pkg"], config)

    assert ["pkg/real.py"] == _relative(found.files, tmp_path)
    expected_errors = [
        (str(tmp_path / "pkg" / "broken.py"), "broken symlink, not processed"),
        (str(tmp_path / "pkg" / "loop.py"), "symlink loop, not processed"),
    ]
    assert expected_errors == sorted(found.errors)


def test_WHEN_discover_called_AND_directory_named_like_a_module_THEN_searched_as_directory(tmp_path: Path) -> None:
    write_files(tmp_path, {"x.py/inner.py": ""})
    config = load_config(tmp_path)

    found = discover([tmp_path / "x.py"], config)

    assert ["x.py/inner.py"] == _relative(found.files, tmp_path)


def test_WHEN_discover_called_AND_missing_path_THEN_error_and_others_still_found(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.py": ""})
    config = load_config(tmp_path)

    found = discover([tmp_path / "nope.py", tmp_path / "a.py"], config)

    assert ["a.py"] == _relative(found.files, tmp_path)
    assert [(str(tmp_path / "nope.py"), "no such file or directory")] == found.errors


def test_WHEN_project_modules_called_THEN_names_of_source_roots_and_of_each_directory(tmp_path: Path) -> None:
    write_files(tmp_path, TREE)
    write_files(tmp_path, {"manage_arkime/commands/cluster_create.py": "", "src/core/__init__.py": ""})
    config = load_config(tmp_path)

    index = project_modules(config)

    # TEST: the root and src/ are source roots; excluded and ignored files add no name
    assert ("", "src") == index.roots
    assert {"app", "docs", "manage_arkime", "src", "core"} == set(index.names)
    # TEST: every other directory lists what a file in it imports from its own directory: its modules and regular
    # packages, not a directory without __init__.py (Python takes an installed package of that name first)
    expected_directories = {
        "app": {"main", "types"},
        "app/sub": {"kept"},
        "docs": set(),
        "docs/guide": {"deeper"},
        "manage_arkime": set(),
        "manage_arkime/commands": {"cluster_create"},
    }
    assert expected_directories == {key: set(value) for key, value in index.directories.items()}


MATCHER_PATTERNS = [
    ["build", "*.egg-info", "/dist", "docs/_build/", "**/fixtures/*.py", "a/**/b", "[Tt]est?.py", "\\#x"],
    ["*.py", "!keep.py", "generated/"],
    [],
]
MATCHER_PATHS = [
    "build", "build/", "src/build/x.py", "pkg.egg-info/", "dist/a.py", "src/dist/a.py", "docs/_build/", "docs/_build",
    "tests/fixtures/a.py", "tests/deep/fixtures/a.py", "a/b", "a/x/y/b", "Test1.py", "test12.py", "#x", "keep.py",
    "generated/", "generated", "x/generated/m.py", "plain.txt",
]


@pytest.mark.parametrize("lines", MATCHER_PATTERNS)
def test_WHEN_matcher_verdict_called_THEN_same_as_pathspec(lines: List[str]) -> None:
    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    matcher = _Matcher(spec)

    assert [spec.check_file(path).include for path in MATCHER_PATHS] == [matcher.verdict(p) for p in MATCHER_PATHS]
    # TEST: the single combined expression is used exactly when no pattern negates
    assert (not any(line.startswith("!") for line in lines)) == (matcher.combined is not None)
