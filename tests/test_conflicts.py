"""Warnings for ruff / isort settings that undo stylefix, checked against the real tools on real config files.

ruff's rule selection and isort's settings are read back from the tools themselves (`ruff check --show-settings`,
`isort.Config`) to check stylefix reads them the same way; every suggested change is applied and the real tools
then leave a stylefix-styled sample project alone.
"""
import configparser
import json
from pathlib import Path
import pytest
import re
import subprocess
import sys
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import isort
import yaml

from stylefix.config import load_config
from stylefix.conflicts import (
    find_conflicts,
    isort_config,
    isort_settings,
    ruff_default_codes,
    ruff_enabled,
    ruff_layers,
)
from tests.helpers import PROJECT_ROOT, run_cli, write_files

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

RUFF = [str(Path(sys.executable).parent / "ruff")]
ISORT = [str(Path(sys.executable).parent / "isort")]
CONFLICT_CODES: Tuple[str, ...] = ("UP006", "UP007", "UP035", "UP045", "SIM300", "N802", "I001")
FIX = re.compile(r"; set in (?P<section>\[[^\]]+\]|the top level)(?: of (?P<file>\S+))?: (?P<assignment>.*)$")

# What stylefix writes, in every codemod's style: ruff and isort must leave it alone once configured as advised.
SAMPLE = {
    "app/__init__.py": "",
    "app/helpers.py": "def slugify(text: str) -> str:\n    return text.lower()\n",
    "app/sub/__init__.py": "",
    "app/sub/models.py": (
        '"""Models."""\n'
        "import json\n"
        "import logging\n"
        "from pathlib import Path\n"
        "import sys\n"
        "from typing import Dict, List, Optional, Union\n"
        "import uuid\n"
        "\n"
        "import attr\n"
        "from requests import Session\n"
        "import yaml\n"
        "\n"
        "from app import helpers\n"
        "from app.helpers import slugify\n"
        "from .. import helpers as parent_helpers\n"
        "from . import sibling\n"
        "from .sibling import VALUE\n"
        "\n"
        "logger = logging.getLogger(__name__)\n"
        "\n"
        "\n"
        "def load(path: Path, names: List[str], extra: Optional[Dict[str, int]] = None) -> Union[int, str]:\n"
        "    return (json, sys, uuid, attr, Session, yaml, helpers, slugify, parent_helpers, sibling, VALUE)\n"
    ),
    "app/sub/sibling.py": "VALUE = 1\n",
    "tests/test_models.py": (
        "from app.helpers import slugify\n"
        "\n"
        "\n"
        "def test_WHEN_slugified_THEN_lower_case() -> None:\n"
        '    result = slugify("A")\n'
        '    assert "a" == result\n'
    ),
}
SAMPLE_RUFF = {"target-version": "py311", "lint": {"select": ["ALL"]}}


def dump_toml(data: Mapping[str, Any], prefix: str = "") -> str:
    """A TOML document for plain data (tables, strings, booleans, integers, lists of those)."""

    def key(name: str) -> str:
        return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)

    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, list):
            return "[" + ", ".join(value(element) for element in item) + "]"
        return json.dumps(item)

    lines = [f"[{prefix}]"] if prefix else []
    lines += [f"{key(name)} = {value(item)}" for name, item in data.items() if not isinstance(item, dict)]
    text = "".join(f"{line}\n" for line in lines)
    for name, item in data.items():
        if isinstance(item, dict):
            text += "\n" + dump_toml(item, f"{prefix}.{key(name)}" if prefix else key(name))
    return text


def ruff_version() -> Tuple[int, int]:
    completed = subprocess.run(RUFF + ["--version"], capture_output=True, check=True)
    major, minor = re.search(r"(\d+)\.(\d+)", completed.stdout.decode()).groups()
    return int(major), int(minor)


def ruff_settings_codes(root: Path, probe: str) -> List[str]:
    """The conflicting codes ruff itself enables for `probe`, read from `ruff check --show-settings`."""
    completed = subprocess.run(RUFF + ["check", "--show-settings", probe], cwd=root, capture_output=True, check=True)
    enabled = completed.stdout.decode().split("linter.rules.enabled = [", 1)[1].split("]", 1)[0]
    return [code for code in CONFLICT_CODES if f"({code})" in enabled]


def ruff_report_codes(root: Path) -> List[str]:
    """The conflicting codes real ruff reports on the project."""
    completed = subprocess.run(
        RUFF + ["check", "--no-cache", "--output-format", "json", "--exit-zero", "."], cwd=root, capture_output=True
    )
    reported = {item["code"] for item in json.loads(completed.stdout)}
    return [code for code in CONFLICT_CODES if code in reported]


RUFF_SELECTION_CASES: List[Tuple[str, Dict[str, str]]] = [
    ("no ruff configuration", {"pyproject.toml": "[tool.stylefix]\n"}),
    ("linter prefixes", {"pyproject.toml": '[tool.ruff.lint]\nselect = ["UP", "SIM", "N", "I"]\n'}),
    ("ALL minus a prefix", {"pyproject.toml": '[tool.ruff.lint]\nselect = ["ALL"]\nignore = ["UP0", "N8"]\n'}),
    ("exact code beats a broader ignore", {"ruff.toml": '[lint]\nselect = ["UP006", "SIM300"]\nignore = ["UP"]\n'}),
    ("equal specificity: ignore wins", {"ruff.toml": '[lint]\nselect = ["UP006"]\nignore = ["UP006"]\n'}),
    ("extend-select on top of the defaults", {".ruff.toml": '[lint]\nextend-select = ["UP00", "I"]\n'}),
    ("deprecated top-level keys", {"pyproject.toml": '[tool.ruff]\nselect = ["N"]\nextend-select = ["SIM3"]\n'}),
    ("lint.ignore wins over top-level ignore", {"ruff.toml": 'ignore = ["UP"]\n[lint]\nignore = ["UP006"]\n'}),
    ("N does not select NPY", {"pyproject.toml": '[tool.ruff.lint]\nselect = ["NPY", "SIM1", "UP03"]\n'}),
    (
        ".ruff.toml beats ruff.toml beats pyproject.toml",
        {
            ".ruff.toml": '[lint]\nselect = ["I"]\n',
            "ruff.toml": '[lint]\nselect = ["UP"]\n',
            "pyproject.toml": '[tool.ruff.lint]\nselect = ["N"]\n',
        },
    ),
    (
        "extend chain: the child's ignore applies after the parent's select",
        {
            "base.toml": '[lint]\nselect = ["ALL"]\n',
            "pyproject.toml": '[tool.ruff]\nextend = "base.toml"\n\n[tool.ruff.lint]\nextend-ignore = ["UP035", "I"]\n',
        },
    ),
    (
        "extend chain: the child's select starts over",
        {
            "base.toml": '[lint]\nselect = ["UP"]\n',
            "ruff.toml": 'extend = "base.toml"\n[lint]\nselect = ["N802"]\n',
        },
    ),
    (
        "empty select carries its ignores over",
        {
            "base.toml": '[lint]\nselect = ["UP", "N"]\n',
            "ruff.toml": 'extend = "base.toml"\n[lint]\nselect = []\nignore = ["N"]\n',
        },
    ),
]


@pytest.mark.parametrize("files", [case[1] for case in RUFF_SELECTION_CASES], ids=[c[0] for c in RUFF_SELECTION_CASES])
def test_WHEN_ruff_rule_selection_read_THEN_same_rules_as_ruff_itself(tmp_path: Path, files: Dict[str, str]) -> None:
    write_files(tmp_path, {"probe.py": "", **files})
    (tmp_path / ".git").mkdir()
    expected_codes = ruff_settings_codes(tmp_path, "probe.py")

    layers = ruff_layers(tmp_path)

    defaults = ruff_default_codes(ruff_version())
    assert expected_codes == [code for code in CONFLICT_CODES if ruff_enabled(layers, code, defaults)]


ISORT_CASES: List[Tuple[str, Dict[str, str]]] = [
    ("pyproject with a profile", {"pyproject.toml": '[tool.isort]\nprofile = "black"\n'}),
    ("google profile", {"pyproject.toml": '[tool.isort]\nprofile = "google"\nno_lines_before = ["localfolder"]\n'}),
    ("plone profile", {"pyproject.toml": '[tool.isort]\nprofile = "plone"\n'}),
    ("appnexus profile", {"pyproject.toml": '[tool.isort]\nprofile = "appnexus"\n'}),
    ("attrs profile overridden", {".isort.cfg": "[settings]\nprofile = attrs\nlines_between_types = 0\n"}),
    ("setup.cfg", {"setup.cfg": "[isort]\nforce_sort_within_sections = True\ncase_sensitive = 1\nlength_sort = yes\n"}),
    ("setup.cfg tool:isort", {"setup.cfg": "[tool:isort]\nreverse_relative = true\nlines_between_sections = 2\n"}),
    ("tox.ini", {"tox.ini": "[tox]\nenvlist = py311\n\n[isort]\nno_lines_before = LOCALFOLDER,FIRSTPARTY\n"}),
    (
        ".isort.cfg beats pyproject",
        {".isort.cfg": "[isort]\nfrom_first = true\n", "pyproject.toml": "[tool.isort]\nno_sections = true\n"},
    ),
]


@pytest.mark.filterwarnings("ignore:`sections` setting includes APPLICATION")  # isort's own appnexus profile
@pytest.mark.parametrize("files", [case[1] for case in ISORT_CASES], ids=[c[0] for c in ISORT_CASES])
def test_WHEN_isort_settings_read_THEN_same_values_as_isort_itself(tmp_path: Path, files: Dict[str, str]) -> None:
    write_files(tmp_path, files)
    (tmp_path / ".git").mkdir()
    real = isort.Config(settings_path=str(tmp_path))

    found = isort_config(tmp_path)
    settings = isort_settings(found[2])

    for key, value in settings.items():
        if key == "no_lines_before":  # what matters: whether relative imports get a blank line of their own
            assert ("LOCALFOLDER" in real.no_lines_before) == ("LOCALFOLDER" in value)
        else:
            assert (key, getattr(real, key)) == (key, value)


def warnings_of(root: Path) -> List[str]:
    return find_conflicts(load_config(root))


def codes_in(warnings: Sequence[str]) -> List[str]:
    return [re.search(r"ruff rule (\w+)", warning).group(1) for warning in warnings if "ruff rule" in warning]


def apply_fix(root: Path, warning: str) -> None:
    """Make the configuration change a warning asks for, in the file it names."""
    match = FIX.search(warning)
    assert match, warning
    where = warning.split(":", 1)[0]
    path = root / (match.group("file") or ("pyproject.toml" if where == ".pre-commit-config.yaml" else where))
    section = match.group("section")
    if path.suffix == ".toml":
        data = tomllib.loads(path.read_text()) if path.exists() else {}
        values = tomllib.loads("x = {" + match.group("assignment") + "}")["x"]
        table = data
        keys = [] if section == "the top level" else section.strip("[]").split(".")
        for key in keys:
            table = table.setdefault(key, {})
        table.update(values)
        path.write_text(dump_toml(data))
    else:
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(path)
        key, value = match.group("assignment").split(" = ", 1)
        parser.set(section.strip("[]"), key, value)
        with open(path, "w") as handle:
            parser.write(handle)


def resolve_all(root: Path) -> List[str]:
    """Apply every suggested change until stylefix has nothing more to say; returns the first round's warnings."""
    first = warnings_of(root)
    warnings = first
    for _ in range(3):
        for warning in warnings:
            apply_fix(root, warning)
        warnings = warnings_of(root)
        if not warnings:
            break
    assert [] == warnings
    return first


def test_WHEN_ruff_selects_conflicting_rules_THEN_applying_the_advice_makes_real_ruff_agree(tmp_path: Path) -> None:
    write_files(tmp_path, {**SAMPLE, "pyproject.toml": dump_toml({"tool": {"stylefix": {}, "ruff": SAMPLE_RUFF}})})
    (tmp_path / ".git").mkdir()
    before = ruff_report_codes(tmp_path)

    warnings = resolve_all(tmp_path)

    assert list(CONFLICT_CODES) == before
    assert 8 == len(warnings)
    assert [] == ruff_report_codes(tmp_path)


def test_WHEN_isort_configured_THEN_applying_the_advice_makes_real_isort_agree(tmp_path: Path) -> None:
    write_files(tmp_path, {**SAMPLE, "setup.cfg": "[metadata]\nname = app\n\n[isort]\nprofile = black\n"})
    (tmp_path / ".git").mkdir()
    check = ISORT + ["--check-only", "--diff", "app", "tests"]
    before = subprocess.run(check, cwd=tmp_path, capture_output=True)

    warnings = resolve_all(tmp_path)

    after = subprocess.run(check, cwd=tmp_path, capture_output=True)
    assert 1 == before.returncode
    assert 3 == len(warnings)
    assert 0 == after.returncode, after.stdout.decode() + after.stderr.decode()


def test_WHEN_isort_runs_from_pre_commit_without_configuration_THEN_advice_creates_it(tmp_path: Path) -> None:
    hooks = "repos:\n  - repo: https://github.com/PyCQA/isort\n    rev: 5.13.2\n    hooks:\n      - id: isort\n"
    write_files(tmp_path, {**SAMPLE, ".pre-commit-config.yaml": hooks})
    (tmp_path / ".git").mkdir()

    warnings = resolve_all(tmp_path)

    assert all(w.startswith(".pre-commit-config.yaml:1:1: isort (default settings) ") for w in warnings), warnings
    after = subprocess.run(ISORT + ["--check-only", "app", "tests"], cwd=tmp_path, capture_output=True)
    assert 0 == after.returncode, after.stdout.decode() + after.stderr.decode()


def test_WHEN_check_run_AND_ruff_and_isort_conflict_THEN_cli_prints_each_warning_once(tmp_path: Path) -> None:
    pyproject = (
        "[tool.stylefix]\n\n"
        '[tool.ruff.lint]\nselect = ["E", "F", "UP", "N"]\nignore = ["E501"]\n\n'
        '[tool.isort]\nprofile = "black"\nforce_sort_within_sections = true\n'
    )
    write_files(tmp_path, {"pyproject.toml": pyproject, "pkg/a.py": "import os\n\nprint(os)\n"})

    completed = run_cli(["check", "--no-cache", "pkg"], cwd=tmp_path)

    upgrade_fix = 'set in [tool.ruff.lint]: ignore = ["E501", "UP006", "UP007", "UP035", "UP045"]'
    expected_warnings = [
        "pyproject.toml:1:1: ruff rule UP006 (non-pep585-annotation) turns the `List[int]` that "
        f"typing-generics writes into `list[int]`; {upgrade_fix}",
        "pyproject.toml:1:1: ruff rule UP007 (non-pep604-annotation-union) turns the `Union[X, Y]` that "
        f"typing-generics writes into `X | Y`; {upgrade_fix}",
        "pyproject.toml:1:1: ruff rule UP035 (deprecated-import) flags the `from typing import List` that "
        f"typing-generics writes; {upgrade_fix}",
        "pyproject.toml:1:1: ruff rule UP045 (non-pep604-annotation-optional) turns the `Optional[X]` that "
        f"typing-generics writes into `X | None`; {upgrade_fix}",
        "pyproject.toml:1:1: ruff rule N802 (invalid-function-name) flags the `test_WHEN_..._THEN_...` names "
        'that test-names writes; set in [tool.ruff.lint.per-file-ignores]: "test_*.py" = ["N802"], '
        '"*_test.py" = ["N802"]',
        "pyproject.toml:1:1: isort separates relative imports from the other local imports with a blank line, "
        'unlike sort-imports; set in [tool.isort]: no_lines_before = ["LOCALFOLDER"]',
        "pyproject.toml:1:1: isort puts `from . import` before `from .. import`, unlike sort-imports; "
        "set in [tool.isort]: sort_relative_in_force_sorted_sections = true",
    ]
    assert 0 == completed.returncode, completed.stderr
    assert expected_warnings == [line for line in completed.stderr.decode().splitlines() if line.startswith("pyproject.toml:1:1: ")]


CODEMOD_OPTION_CASES: List[Tuple[str, str, List[str]]] = [
    ("defaults: test-only rules per file", "", ["UP006", "UP007", "UP035", "UP045", "SIM300", "N802"]),
    ("typing-generics off", 'ignore = ["typing-generics"]\n', ["SIM300", "N802"]),
    ("unions kept", "[tool.stylefix.typing-generics]\nunions = false\n", ["UP006", "UP035", "SIM300", "N802"]),
    ("only assert-order", 'select = ["assert-order"]\n', ["SIM300"]),
]


@pytest.mark.parametrize(
    "stylefix_table, expected_codes", [c[1:] for c in CODEMOD_OPTION_CASES], ids=[c[0] for c in CODEMOD_OPTION_CASES]
)
def test_WHEN_codemods_switched_off_or_tuned_THEN_only_their_conflicts_warned(
    tmp_path: Path, stylefix_table: str, expected_codes: List[str]
) -> None:
    ruff = '[tool.ruff.lint]\nselect = ["UP", "SIM", "N"]\n'
    table = stylefix_table if stylefix_table.startswith("[") else f"[tool.stylefix]\n{stylefix_table}"
    write_files(tmp_path, {"pyproject.toml": f"{table}\n{ruff}"})

    warnings = warnings_of(tmp_path)

    assert expected_codes == codes_in(warnings)


def test_WHEN_assert_order_scope_all_THEN_sim300_ignored_everywhere_not_per_file(tmp_path: Path) -> None:
    pyproject = '[tool.stylefix]\nselect = ["assert-order"]\n\n[tool.stylefix.assert-order]\nscope = "all"\n\n'
    write_files(tmp_path, {"pyproject.toml": pyproject + '[tool.ruff.lint]\nselect = ["SIM"]\n'})

    warnings = warnings_of(tmp_path)

    assert 1 == len(warnings)
    assert warnings[0].endswith('; set in [tool.ruff.lint]: ignore = ["SIM300"]')


RESOLVED_CASES: List[Tuple[str, str, List[str]]] = [
    ("per-file pattern of the project's own", '[tool.ruff.lint.per-file-ignores]\n"tests/**" = ["N8", "SIM"]\n', []),
    ("negated per-file pattern", '[tool.ruff.lint.per-file-ignores]\n"!tests/**" = ["N", "SIM"]\n', ["SIM300", "N802"]),
    ("pep8-naming ignore-names", '[tool.ruff.lint.pep8-naming]\nextend-ignore-names = ["test_*"]\n', ["SIM300"]),
]


@pytest.mark.parametrize("extra, expected_codes", [c[1:] for c in RESOLVED_CASES], ids=[c[0] for c in RESOLVED_CASES])
def test_WHEN_test_only_rule_already_ignored_for_tests_THEN_no_warning_for_it(
    tmp_path: Path, extra: str, expected_codes: List[str]
) -> None:
    pyproject = '[tool.stylefix]\nselect = ["test-names", "assert-order"]\n\n[tool.ruff.lint]\nselect = ["N", "SIM"]\n'
    write_files(tmp_path, {"pyproject.toml": pyproject + extra})

    warnings = warnings_of(tmp_path)

    assert expected_codes == codes_in(warnings)


def test_WHEN_ruff_configured_in_a_parent_directory_THEN_found_and_named_by_path(tmp_path: Path) -> None:
    write_files(tmp_path, {"ruff.toml": '[lint]\nselect = ["N802"]\n', "project/pyproject.toml": "[tool.stylefix]\n"})

    warnings = warnings_of(tmp_path / "project")

    assert 1 == len(warnings)
    assert warnings[0].startswith(f"{tmp_path / 'ruff.toml'}:1:1: ruff rule N802 ")
    assert warnings[0].endswith('set in [lint.per-file-ignores]: "test_*.py" = ["N802"], "*_test.py" = ["N802"]')


def test_WHEN_isort_configured_above_the_repository_root_THEN_not_used(tmp_path: Path) -> None:
    write_files(tmp_path, {"setup.cfg": "[isort]\nprofile = black\n", "repo/pyproject.toml": "[tool.stylefix]\n"})
    (tmp_path / "repo" / ".git").mkdir()

    assert [] == warnings_of(tmp_path / "repo")


def test_WHEN_other_tools_configuration_broken_THEN_no_warning(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[tool.stylefix]\n", "ruff.toml": "[lint\nselect = [", "setup.cfg": "[isort\nprofile"}
    write_files(tmp_path, files)

    assert [] == warnings_of(tmp_path)


def readme_snippets(language: str) -> List[str]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Using stylefix with ruff / isort / black\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


def readme_configs() -> List[str]:
    return readme_snippets("toml")


def test_WHEN_readme_configuration_used_THEN_no_warnings_and_real_ruff_and_isort_agree(tmp_path: Path) -> None:
    data: Dict[str, Any] = {"tool": {"stylefix": {}}}
    for snippet in readme_configs():
        for name, table in tomllib.loads(snippet)["tool"].items():
            data["tool"].setdefault(name, {}).update(table)
    data["tool"]["ruff"].setdefault("lint", {})["select"] = ["ALL"]
    data["tool"]["ruff"]["target-version"] = "py311"
    write_files(tmp_path, {**SAMPLE, "pyproject.toml": dump_toml(data)})
    (tmp_path / ".git").mkdir()

    isort_check = subprocess.run(ISORT + ["--check-only", "--diff", "app", "tests"], cwd=tmp_path, capture_output=True)

    assert [] == warnings_of(tmp_path)
    assert [] == ruff_report_codes(tmp_path)
    assert 0 == isort_check.returncode, isort_check.stdout.decode()


def test_WHEN_readme_pre_commit_order_used_THEN_stylefix_first_and_ruff_from_pre_commit_recognised(
    tmp_path: Path,
) -> None:
    (hooks,) = readme_snippets("yaml")
    repos = yaml.safe_load(hooks)["repos"]
    write_files(tmp_path, {".pre-commit-config.yaml": hooks, "pyproject.toml": "[tool.stylefix]\n"})

    # TEST: ruff runs from pre-commit without configuration, so with its defaults
    unconfigured = warnings_of(tmp_path)
    # TEST: the README's configuration resolves that
    write_files(tmp_path, {"pyproject.toml": "[tool.stylefix]\n" + "".join(readme_configs()[:1])})
    configured = warnings_of(tmp_path)

    assert ["stylefix", "ruff-check", "ruff-format"] == [hook["id"] for repo in repos for hook in repo["hooks"]]
    assert ["UP006", "UP007", "UP035", "UP045"] == codes_in(unconfigured[:4])
    assert all(warning.startswith(".pre-commit-config.yaml:1:1: ") for warning in unconfigured)
    assert "set in [tool.ruff.lint] of pyproject.toml: ignore = " in unconfigured[0]
    assert "set in [tool.ruff.lint.isort] of pyproject.toml: force-sort-within-sections = true" in unconfigured[4]
    assert [] == configured


RUFF_VERSION_CASES = [
    ("v0.15.9", ["N802"]),
    ("v0.16.0", ["UP006", "UP007", "UP035", "UP045", "N802", "I001", "I001"]),
]


@pytest.mark.parametrize("rev, expected_codes", RUFF_VERSION_CASES)
def test_WHEN_ruff_runs_from_pre_commit_THEN_its_version_decides_the_default_rules(
    tmp_path: Path, rev: str, expected_codes: List[str]
) -> None:
    repo = "https://github.com/astral-sh/ruff-pre-commit"
    hooks = f"repos:\n  - repo: {repo}\n    rev: {rev}\n    hooks:\n      - id: ruff\n"
    pyproject = '[tool.ruff.lint]\nextend-select = ["N"]\n'
    write_files(tmp_path, {".pre-commit-config.yaml": hooks, "pyproject.toml": pyproject})

    warnings = warnings_of(tmp_path)

    assert expected_codes == codes_in(warnings)


def test_WHEN_sample_checked_by_stylefix_THEN_already_in_its_style(tmp_path: Path) -> None:
    write_files(tmp_path, {**SAMPLE, "pyproject.toml": "[tool.stylefix]\n"})

    completed = run_cli(["check", "--no-cache", "."], cwd=tmp_path)

    assert 0 == completed.returncode, completed.stdout.decode()

