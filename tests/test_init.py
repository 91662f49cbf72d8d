"""`stylefix init` on real project trees, through the installed command."""
import json
from pathlib import Path
import shutil
from typing import Any, Dict, List

from codemods.sort_imports_precheck import Classifier
from stylefix.config import load_config
from stylefix.registry import SortImportsOptions
from stylefix.setup_output import PRE_COMMIT_SNIPPET
from stylefix.setup_project import misfiled, module_locations
from tests.helpers import PROJECT_ROOT, run_cli, write_files
from tests.test_precommit import readme_snippets

PYTEST_IS_STDLIB_BY_DEFAULT = "pytest" in SortImportsOptions().extra_standard_library
# The style guide author's layout: packages in a sub-directory without __init__.py, tests importing the modules as
# top-level names (a conftest puts the directory on sys.path), pytest grouped with the standard library.
AUTHOR_FILES: Dict[str, str] = {
    "pyproject.toml": '# the shop\n[project]\nname = "shop"   # keep this comment\nversion = "0.1.0"\n',
    "backend/inventory/store.py": (
        "from dataclasses import dataclass, field\n"
        "from typing import Dict\n\n"
        "from models import Item\n\n\n"
        "@dataclass\nclass Store:\n"
        "    items: Dict[str, Item] = field(default_factory=dict)\n\n"
        "    def skus(self) -> list[str]:\n"
        "        return sorted(self.items)\n"
    ),
    "backend/inventory/models.py": "from dataclasses import dataclass\n\n\n@dataclass\nclass Item:\n    sku: str\n",
    "tests/conftest.py": (
        "from pathlib import Path\nimport sys\n\n"
        "sys.path.insert(0, str(Path(__file__).parent.parent / 'backend' / 'inventory'))\n"
    ),
    "tests/test_store.py": (
        "import os\nimport pytest\n\nfrom models import Item\nfrom store import Store\n\n\n"
        "@pytest.fixture\ndef store() -> Store:\n    return Store()\n\n\n"
        "def test_WHEN_skus_called_AND_empty_THEN_nothing(store: Store) -> None:\n"
        "    assert [] == store.skus()\n\n\n"
        "def test_WHEN_skus_called_AND_one_item_THEN_its_sku(store: Store) -> None:\n"
        "    store.items['a'] = Item('a')\n"
        "    assert store.skus() == ['a']\n"
    ),
}


def _tree(root: Path) -> Dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def _init_json(root: Path, *args: str) -> Dict[str, Any]:
    completed = run_cli(["init", "--json", *args], cwd=root)
    assert 0 == completed.returncode, completed.stderr.decode()
    return json.loads(completed.stdout)


def _check(root: Path) -> List[Dict[str, Any]]:
    completed = run_cli(["check", "--no-cache", "--output-format", "json", "."], cwd=root)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    return [entry for entry in json.loads(completed.stdout)["files"] if entry.get("changes")]


def test_WHEN_init_run_on_examples_THEN_it_reports_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "examples"
    shutil.copytree(PROJECT_ROOT / "examples", root)
    before = _tree(root)

    completed = run_cli(["init", "--no-color"], cwd=root)
    findings = _init_json(root)

    assert 0 == completed.returncode
    assert before == _tree(root)
    screen = completed.stdout.decode()
    for expected in ("local modules", "pytest in import blocks", "[tool.stylefix]", "id: stylefix", "Nothing written"):
        assert expected in screen
    # TEST: the counts per codemod are those `stylefix check` reports
    changes = _check(root)
    expected_counts = {
        name: sum(1 for entry in changes for change in entry["changes"] if change["codemod"] == name)
        for name in ("test-names", "assert-order", "typing-generics", "sort-imports")
    }
    assert expected_counts == {count["name"]: count["changes"] for count in findings["counts"]}
    locations = {module["name"]: module["location"] for module in findings["local_modules"]}
    assert ("inventory/", "inventory/store.py") == (locations["inventory"], locations["store"])
    assert 4 == findings["pytest_functions"]


def test_WHEN_init_run_without_pyproject_THEN_only_write_creates_one(tmp_path: Path) -> None:
    write_files(tmp_path, {"app.py": "def f(x: list[int]) -> None:\n    pass\n"})

    completed = run_cli(["init"], cwd=tmp_path)

    assert 0 == completed.returncode
    assert not (tmp_path / "pyproject.toml").exists()
    # TEST: --write creates a minimal pyproject.toml that stylefix reads
    completed = run_cli(["init", "--write"], cwd=tmp_path)
    assert 0 == completed.returncode
    assert (tmp_path / "pyproject.toml").read_text().startswith("[tool.stylefix]\n")
    assert 1 == run_cli(["check", "--no-cache", "."], cwd=tmp_path).returncode


def test_WHEN_init_writes_AND_the_section_exists_THEN_it_refuses_unless_forced(tmp_path: Path) -> None:
    original = AUTHOR_FILES["pyproject.toml"] + "\n[tool.ruff]   # odd spacing kept\nline-length = 88\n"
    write_files(tmp_path, {**AUTHOR_FILES, "pyproject.toml": original})

    first = run_cli(["init", "--write"], cwd=tmp_path)
    written = (tmp_path / "pyproject.toml").read_text()
    second = run_cli(["init", "--write"], cwd=tmp_path)
    forced = run_cli(["init", "--write", "--force"], cwd=tmp_path)

    assert 0 == first.returncode
    assert written.startswith(original)
    assert "line-length = 88  # ruff's line-length in pyproject.toml" in written
    assert 2 == second.returncode and "--force" in second.stderr.decode()
    assert 0 == forced.returncode
    final = (tmp_path / "pyproject.toml").read_text()
    assert final.startswith(original) and 1 == final.count("[tool.stylefix]")


def test_WHEN_init_run_on_the_authors_layout_THEN_check_reports_only_real_violations(tmp_path: Path) -> None:
    write_files(tmp_path, AUTHOR_FILES)
    before = {entry["path"]: {c["codemod"] for c in entry["changes"]} for entry in _check(tmp_path)}

    findings = _init_json(tmp_path, "--write")

    modules = {module["name"]: module for module in findings["local_modules"]}
    assert "backend/inventory/store.py" == modules["store"]["location"] and modules["store"]["local"]
    assert {"standard library": 1} == findings["pytest_placement"]
    assert 2 == findings["pytest_functions"]
    proposed = {proposal["key"]: proposal["value"] for proposal in findings["proposals"]}
    if not PYTEST_IS_STDLIB_BY_DEFAULT:
        assert ["pytest"] == proposed["sort-imports.extra-standard-library"]
        assert "sort-imports" in before["tests/test_store.py"]
    # TEST: under the written section, only the planted violations are left
    after = {entry["path"]: sorted({c["codemod"] for c in entry["changes"]}) for entry in _check(tmp_path)}
    assert {"backend/inventory/store.py": ["typing-generics"], "tests/test_store.py": ["assert-order"]} == after


def test_WHEN_init_finds_nested_projects_and_broken_files_THEN_it_proposes_excluding_them(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'mylib'\n",
            "mylib/__init__.py": "",
            "mylib/core.py": "import os\n\nimport requests\n",
            "examples/demo/pyproject.toml": "[project]\nname = 'demo'\n",
            "examples/demo/app.py": "import os\n\nimport mylib\nimport requests\n",
            "tests/fixtures/broken.py": "def f(:\n",
        },
    )

    findings = _init_json(tmp_path, "--write")

    proposed = {proposal["key"]: proposal["value"] for proposal in findings["proposals"]}
    assert ["examples/demo", "tests/fixtures/broken.py"] == proposed["extend-exclude"]
    assert 0 == run_cli(["check", "--no-cache", "."], cwd=tmp_path).returncode


def test_WHEN_init_reads_ruff_and_isort_settings_THEN_it_prints_the_settings_that_stop_the_conflicts(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": '[tool.ruff.lint]\nselect = ["UP", "I"]\n\n[tool.isort]\nprofile = "black"\n',
            "app.py": "import os\n",
        },
    )

    completed = run_cli(["init", "--no-color"], cwd=tmp_path)
    findings = _init_json(tmp_path)

    screen = completed.stdout.decode()
    assert 'ignore = ["UP006", "UP007", "UP035", "UP045"]' in findings["settings"]["[tool.ruff.lint]"]
    assert "force_sort_within_sections = true" in findings["settings"]["[tool.isort]"]
    assert "[tool.ruff.lint.isort]" in screen and "force-sort-within-sections = true" in screen
    assert {"ruff", "isort"} <= set(findings["tools"])


def test_WHEN_init_reads_pytest_ini_and_unittest_tests_THEN_it_proposes_the_test_patterns(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pytest.ini": "[pytest]\npython_files = check_*.py\n",
            "check_things.py": (
                "import unittest\n\n\nclass ThingTest(unittest.TestCase):\n"
                "    def test_a(self) -> None:\n        self.assertEqual(1, 1)\n\n"
                "    def test_b(self) -> None:\n        pass\n\n\ndef test_c() -> None:\n    pass\n"
            ),
        },
    )

    findings = _init_json(tmp_path)

    proposals = {proposal["key"]: proposal for proposal in findings["proposals"]}
    assert ["check_*.py"] == proposals["test-files"]["value"]
    assert "pytest.ini" in proposals["test-files"]["reason"]
    assert (2, 1) == (findings["unittest_methods"], findings["pytest_functions"])


def test_WHEN_init_prints_the_pre_commit_snippet_THEN_it_is_the_readmes() -> None:
    expected = readme_snippets()[0]

    assert expected == PRE_COMMIT_SNIPPET


def test_WHEN_local_modules_are_not_in_the_module_index_THEN_init_names_them_for_known_first_party(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {**AUTHOR_FILES, "backend/inventory/json/__init__.py": "", "vendor/lib/__init__.py": ""})
    config = load_config(tmp_path)
    imported = ["store", "models", "os", "pytest", "json", "vendor", "requests"]
    # A module index that knows none of the sub-directories (the rule sort-imports would follow without them).
    narrow = Classifier(user={}, project_modules=frozenset(), own_package=None)

    locations = module_locations(config, set(imported))
    found = misfiled(imported, locations, lambda name: narrow.group(name, 0, False))

    assert "backend/inventory/store.py" == locations["store"]
    assert ["models", "store", "vendor"] == found
