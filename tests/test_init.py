"""`stylefix init` on real project trees, through the installed command."""
import json
from pathlib import Path
import shutil
from typing import Any, Dict, List

from stylefix.setup_output import PRE_COMMIT_SNIPPET
from tests.helpers import PROJECT_ROOT, run_cli, write_files
from tests.test_precommit import readme_snippets

# The style guide author's layout: packages in a sub-directory without __init__.py, tests importing the modules as
# top-level names (a conftest puts the directory on sys.path, and no dotted import shows it to be a source root),
# pytest grouped with the standard library, the local group apart from the third-party one.
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
        "import os\nimport pytest\n\nimport requests\n\nfrom models import Item\nfrom store import Store\n\n\n"
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
    # TEST: the local modules are sort-imports' (the tests import `inventory.store`, never `store` on its own)
    modules = {module["name"]: module for module in findings["local_modules"]}
    assert {"inventory": ("inventory/", "source root", True), "tests": ("tests/", "source root", True)} == {
        name: (module["location"], module["scope"], module["local"]) for name, module in modules.items()
    }
    assert [] == findings["proposals"]
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

    # TEST: without the section, the tests' `models` and `store` are filed with `requests`
    assert "sort-imports" in before["tests/test_store.py"]
    modules = {module["name"]: module for module in findings["local_modules"]}
    assert "backend/inventory/store.py" == modules["store"]["location"] and modules["store"]["local"]
    assert {"standard library": 1} == findings["pytest_placement"]
    assert 2 == findings["pytest_functions"]
    proposals = {proposal["key"]: proposal for proposal in findings["proposals"]}
    assert {"src": ["backend/inventory"]} == {key: proposal["value"] for key, proposal in proposals.items()}
    assert "on sys.path by tests/conftest.py" in proposals["src"]["reason"]
    # TEST: under the written section, only the planted violations are left
    after = {entry["path"]: sorted({c["codemod"] for c in entry["changes"]}) for entry in _check(tmp_path)}
    assert {"backend/inventory/store.py": ["typing-generics"], "tests/test_store.py": ["assert-order"]} == after


def test_WHEN_init_run_AND_pytests_pythonpath_names_the_directory_THEN_it_proposes_it_as_a_source_root(
    tmp_path: Path,
) -> None:
    files = {name: text for name, text in AUTHOR_FILES.items() if name != "tests/conftest.py"}
    pyproject = files["pyproject.toml"] + '\n[tool.pytest.ini_options]\npythonpath = ["backend/inventory"]\n'
    write_files(tmp_path, {**files, "pyproject.toml": pyproject})

    findings = _init_json(tmp_path)

    proposals = {proposal["key"]: proposal for proposal in findings["proposals"]}
    assert ["backend/inventory"] == proposals["src"]["value"]
    assert "pytest's pythonpath in pyproject.toml" in proposals["src"]["reason"]


def test_WHEN_init_run_AND_nothing_puts_the_directory_on_sys_path_THEN_it_reports_the_modules_as_third_party(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {name: text for name, text in AUTHOR_FILES.items() if name != "tests/conftest.py"})

    completed = run_cli(["init", "--no-color"], cwd=tmp_path)
    findings = _init_json(tmp_path)

    assert [] == findings["proposals"]
    not_local = {module["name"]: module["location"] for module in findings["local_modules"] if not module["local"]}
    assert {"models": "backend/inventory/models.py", "store": "backend/inventory/store.py"} == not_local
    assert "filed as third-party" in completed.stdout.decode()


def test_WHEN_init_run_AND_a_module_is_local_to_its_own_directory_THEN_it_is_not_made_local_everywhere(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'app'\n",
            "app/__init__.py": "",
            "app/config.py": "import os\n\nimport yaml\n\nfrom app import settings\n",
            "app/settings.py": "",
            "scripts/yaml.py": "",
            "scripts/deploy.py": "import os\n\nimport requests\n\nimport yaml\n",
        },
    )

    findings = _init_json(tmp_path, "--write")

    assert [] == findings["proposals"]
    scopes = {(module["name"], module["scope"]): module["location"] for module in findings["local_modules"]}
    assert "scripts/yaml.py" == scopes[("yaml", "directory scripts/")]
    assert "scripts/yaml.py" == scopes[("yaml", "not local")]  # app/config.py's `import yaml`
    assert ("yaml", "source root") not in scopes
    # TEST: `yaml` stays third-party in app/config.py and local in scripts/deploy.py
    assert 0 == run_cli(["check", "--no-cache", "."], cwd=tmp_path).returncode


def test_WHEN_init_run_AND_a_nested_project_and_a_broken_file_THEN_only_the_broken_file_is_excluded(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'mylib'\n",
            "mylib/__init__.py": "",
            "mylib/core.py": "import os\n\nimport requests\n",
            "examples/demo/pyproject.toml": "[project]\nname = 'demo'\n",
            "examples/demo/demo_app/__init__.py": "",
            "examples/demo/app.py": "import os\n\nimport mylib\nimport requests\n\nfrom demo_app import run\n",
            "tests/fixtures/broken.py": "def f(:\n",
        },
    )

    findings = _init_json(tmp_path, "--write")

    proposed = {proposal["key"]: proposal["value"] for proposal in findings["proposals"]}
    assert {"extend-exclude": ["tests/fixtures/broken.py"]} == proposed
    assert ["examples/demo"] == findings["nested_projects"]
    scopes = {(module["name"], module["scope"]): module["location"] for module in findings["local_modules"]}
    assert "mylib/" == scopes[("mylib", "source root")]
    assert "examples/demo/demo_app/" == scopes[("demo_app", "project examples/demo/")]
    # TEST: the nested project is checked, against its own root (`mylib` is third-party there), and is clean
    completed = run_cli(["check", "--no-cache", "--output-format", "json", "."], cwd=tmp_path)
    assert 0 == completed.returncode
    # mylib/__init__.py, mylib/core.py, examples/demo/app.py, examples/demo/demo_app/__init__.py
    assert {"changed": 0, "unchanged": 4, "failed": 0} == json.loads(completed.stdout)["summary"]


def test_WHEN_init_run_AND_most_files_put_pytest_with_third_party_THEN_it_proposes_the_strict_grouping(
    tmp_path: Path,
) -> None:
    test_file = "import os\n\nimport pytest\nimport requests\n\n\ndef test_WHEN_run_THEN_passes() -> None:\n    pass\n"
    write_files(
        tmp_path,
        {"pyproject.toml": "[project]\nname = 'app'\n", "tests/test_a.py": test_file, "tests/test_b.py": test_file},
    )
    before = run_cli(["check", "--no-cache", "."], cwd=tmp_path)

    findings = _init_json(tmp_path, "--write")

    assert 1 == before.returncode
    proposals = {proposal["key"]: proposal for proposal in findings["proposals"]}
    assert [] == proposals["sort-imports.extra-standard-library"]["value"]
    assert "2 of 2 files" in proposals["sort-imports.extra-standard-library"]["reason"]
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
