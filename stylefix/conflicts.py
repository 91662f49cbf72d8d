"""Warnings for tools configured to undo what stylefix writes: ruff rules, and the import order of isort and ruff.

Run one after the other (pre-commit), such a pair rewrites the same lines back and forth for ever. Each warning
names the rule or setting and the exact change to that tool's configuration that makes the two agree. The files
are read the way the tools find them: ruff's nearest configuration with its `extend` chain, isort's first file
with an isort section, both searched upward from the project root; a tool that runs from .pre-commit-config.yaml
without a configuration file runs with its defaults.
"""
import configparser
from dataclasses import dataclass
import fnmatch
import importlib.metadata
import logging
from pathlib import Path
import re
import sys
from typing import Any, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence, Tuple

from stylefix.config import Config

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

logger = logging.getLogger(__name__)

RUFF_CONFIG_FILES: Tuple[str, ...] = (".ruff.toml", "ruff.toml", "pyproject.toml")  # ruff's order in a directory
ISORT_CONFIG_FILES: Tuple[str, ...] = (".isort.cfg", "pyproject.toml", "setup.cfg", "tox.ini")  # isort's order
ISORT_INI_SECTIONS: Dict[str, Tuple[str, ...]] = {
    ".isort.cfg": ("settings", "isort"),
    "setup.cfg": ("isort", "tool:isort"),
    "tox.ini": ("isort", "tool:isort"),
}
VCS_DIRS: Tuple[str, ...] = (".git", ".hg")  # isort stops looking for its configuration at a repository root
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
# ruff follows `extend` chains; anything deeper is a loop or a broken configuration, not ours to diagnose.
MAX_EXTEND_DEPTH = 10
# ruff 0.16 widened its default rule set from 59 rules to 413; among the new ones are these conflicting rules.
RUFF_WIDE_DEFAULTS_SINCE: Tuple[int, int] = (0, 16)
RUFF_DEFAULT_CODES: FrozenSet[str] = frozenset({"UP006", "UP007", "UP035", "UP045", "I001"})
RUFF_HOOK = re.compile(r"astral-sh/ruff-pre-commit\S*\s*\n\s*rev:\s*['\"]?v?(\d+)\.(\d+)")
ISORT_HOOK = re.compile(r"^\s*-?\s*id:\s*['\"]?isort['\"]?\s*$", re.MULTILINE)
SELECTOR = re.compile(r"([A-Z]+)([0-9]*)")
# A name test-names writes, to try ruff's pep8-naming `ignore-names` globs on.
SAMPLE_TEST_NAME = "test_WHEN_called_THEN_returned"


@dataclass(frozen=True)
class RuffRule:
    code: str
    name: str
    codemod: str
    effect: str


RUFF_RULES: Tuple[RuffRule, ...] = (
    RuffRule(
        "UP006", "non-pep585-annotation", "typing-generics", "turns the `List[int]` that {} writes into `list[int]`"
    ),
    RuffRule(
        "UP007", "non-pep604-annotation-union", "typing-generics", "turns the `Union[X, Y]` that {} writes into `X | Y`"
    ),
    RuffRule("UP035", "deprecated-import", "typing-generics", "flags the `from typing import List` that {} writes"),
    RuffRule(
        "UP045",
        "non-pep604-annotation-optional",
        "typing-generics",
        "turns the `Optional[X]` that {} writes into `X | None`",
    ),
    RuffRule(
        "SIM300", "yoda-conditions", "assert-order", "turns the `assert 3 == result` that {} writes into `result == 3`"
    ),
    RuffRule("N802", "invalid-function-name", "test-names", "flags the `test_WHEN_..._THEN_...` names that {} writes"),
)
RUFF_SORT_RULE = "ruff rule I001 (unsorted-imports)"

# The settings of isort's profiles that change the order of statements; the others only re-wrap lines.
ISORT_PROFILES: Dict[str, Dict[str, Any]] = {
    "google": {"force_sort_within_sections": True},
    "open_stack": {"force_sort_within_sections": True},
    "plone": {"force_alphabetical_sort": True},
    "attrs": {"lines_between_types": 1},
    # appnexus also gives no_lines_before, as a string that isort turns into a set of letters: no effect.
    "appnexus": {
        "force_sort_within_sections": True,
        "reverse_relative": True,
        "sort_relative_in_force_sorted_sections": True,
    },
}
ISORT_DEFAULTS: Dict[str, Any] = {
    "force_sort_within_sections": False,
    "force_alphabetical_sort": False,
    "no_sections": False,
    "lines_between_sections": 1,
    "lines_between_types": 0,
    "case_sensitive": False,
    "length_sort": False,
    "length_sort_straight": False,
    "reverse_relative": False,
    "sort_relative_in_force_sorted_sections": False,
    "from_first": False,
    "no_lines_before": [],
}
Problem = Tuple[str, Any, str]  # (setting, the value that agrees with sort-imports, what the tool does instead)
INTERLEAVE = "puts `import x` lines before `from x import y` lines"
SEPARATE = "interleaves `import x` and `from x import y` lines"
ONE_GROUP = "merges the standard library, third-party and local groups into one"
RELATIVE_GROUP = "separates relative imports from the other local imports with a blank line"
NEAREST_FIRST = "puts `from . import` before `from .. import`"
FROM_FIRST = "puts `from x import y` lines first"
TYPES_APART = "puts a blank line between `import x` and `from x import y` lines"


@dataclass(frozen=True)
class Layer:
    """One ruff configuration file of an `extend` chain: its path and its ruff table."""

    path: Path
    table: Mapping[str, Any]
    # False for the file ruff has no configuration in yet (it runs from pre-commit with its defaults)
    configured: bool = True

    def lint(self, key: str, default: Any = None) -> Any:
        """`lint.<key>`, else the deprecated top-level `<key>` (ruff takes them in that order, field by field)."""
        lint = self.table.get("lint")
        if isinstance(lint, dict) and key in lint:
            return lint[key]
        return self.table.get(key, default)

    def section(self, *keys: str) -> str:
        """How a user finds the table `lint.<keys>` of this file, e.g. `[tool.ruff.lint.isort]`."""
        prefix = "tool.ruff." if self.path.name == "pyproject.toml" else ""
        found = "[" + prefix + ".".join(keys) + "]"
        return found if self.configured else f"{found} of {self.path.name}"


@dataclass(frozen=True)
class Ruff:
    """How ruff runs on the project: its configuration chain (base first) and the rules it enables by default."""

    layers: Tuple[Layer, ...]
    defaults: FrozenSet[str]
    where: str  # the file the warnings name

    @property
    def nearest(self) -> Layer:
        return self.layers[-1]


def read_toml(path: Path) -> Optional[Dict[str, Any]]:
    try:
        with open(path, "rb") as handle:
            data: Dict[str, Any] = tomllib.load(handle)
            return data
    except (OSError, tomllib.TOMLDecodeError):
        logger.debug("cannot read %s", path, exc_info=True)
        return None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else ""
    except (OSError, UnicodeDecodeError):
        return ""


def _ruff_table(path: Path) -> Optional[Mapping[str, Any]]:
    data = read_toml(path)
    if data is None:
        return None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("ruff")
        return table if isinstance(table, dict) else None
    return data


def _upward(start: Path) -> Iterator[Path]:
    yield start
    yield from start.parents


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def ruff_layers(root: Path) -> List[Layer]:
    """The ruff configuration that applies at `root`, base of its `extend` chain first; empty when there is none."""
    for directory in _upward(root):
        for name in RUFF_CONFIG_FILES:
            path = directory / name
            table = _ruff_table(path) if path.is_file() else None
            if table is not None:
                return _extend_chain(Layer(path, table))
    return []


def _extend_chain(layer: Layer) -> List[Layer]:
    chain = [layer]
    while isinstance(chain[0].table.get("extend"), str) and len(chain) < MAX_EXTEND_DEPTH:
        path = (chain[0].path.parent / Path(chain[0].table["extend"]).expanduser()).resolve()
        table = _ruff_table(path)
        if table is None or any(path == known.path for known in chain):
            break
        chain.insert(0, Layer(path, table))
    return chain


def ruff_default_codes(version: Optional[Tuple[int, int]]) -> FrozenSet[str]:
    """The conflicting rules in ruff's default selection; an unknown version is taken to be a current one."""
    if version is not None and version < RUFF_WIDE_DEFAULTS_SINCE:
        return frozenset()
    return RUFF_DEFAULT_CODES


def _installed_ruff_version() -> Optional[Tuple[int, int]]:
    try:
        major, minor = importlib.metadata.version("ruff").split(".")[:2]
        return int(major), int(minor)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None


def find_ruff(config: Config) -> Optional[Ruff]:
    """ruff as the project runs it: from its configuration files, or from pre-commit with its defaults; else None."""
    layers = ruff_layers(config.root)
    hook = RUFF_HOOK.search(_read_text(config.root / PRE_COMMIT_CONFIG))
    if not layers and hook is None:
        return None
    version = (int(hook.group(1)), int(hook.group(2))) if hook else _installed_ruff_version()
    if layers:
        return Ruff(tuple(layers), ruff_default_codes(version), _display(layers[-1].path, config.root))
    unconfigured = Layer(config.root / "pyproject.toml", {}, configured=False)
    return Ruff((unconfigured,), ruff_default_codes(version), PRE_COMMIT_CONFIG)


def _strings(value: Any) -> List[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _selects(selector: str, code: str) -> Optional[int]:
    """The specificity with which a ruff selector selects `code` (higher wins), or None when it does not."""
    if selector == "ALL":
        return 0
    match, wanted = SELECTOR.fullmatch(selector), SELECTOR.fullmatch(code)
    if match is None or wanted is None or match.group(1) != wanted.group(1):
        return None
    if not wanted.group(2).startswith(match.group(2)):
        return None
    return 1 + len(match.group(2))


def _specificity(selectors: Sequence[str], code: str) -> Optional[int]:
    found = [level for level in (_selects(selector, code) for selector in selectors) if level is not None]
    return max(found) if found else None


def ruff_enabled(layers: Sequence[Layer], code: str, defaults: FrozenSet[str]) -> bool:
    """Whether ruff's rule selection enables `code`, combining the files the way ruff does: within a file the most
    specific selector wins and an ignore beats a select as specific; a file's `select` starts over, otherwise it
    changes what the files it extends (and ruff's defaults) selected."""
    enabled = code in defaults
    carried: List[str] = []
    for layer in layers:
        select = layer.lint("select")
        extend_select = _strings(layer.lint("extend-select"))
        ignores = _strings(layer.lint("ignore")) + _strings(layer.lint("extend-ignore"))
        selected = _specificity(_strings(select) + extend_select, code)
        ignored = _specificity(ignores + carried, code)
        update: Optional[bool] = None
        if selected is not None and (ignored is None or selected > ignored):
            update = True
        elif ignored is not None:
            update = False
        # An empty `select` with ignores hands those ignores on to the next file (ruff's "carry-over").
        carried = ignores if select is not None and not _strings(select) and not extend_select else []
        if select is not None:
            enabled = bool(update)
        elif update is not None:
            enabled = update
    return enabled


def _per_file_ignored(layers: Sequence[Layer], code: str) -> bool:
    for layer in layers:
        for key in ("per-file-ignores", "extend-per-file-ignores"):
            table = layer.lint(key, {})
            for pattern, selectors in table.items() if isinstance(table, dict) else ():
                if not pattern.startswith("!") and _specificity(_strings(selectors), code) is not None:
                    return True
    return False


def _naming_ignored(layers: Sequence[Layer]) -> bool:
    for layer in layers:
        naming = layer.lint("pep8-naming", {})
        if isinstance(naming, dict):
            patterns = _strings(naming.get("ignore-names")) + _strings(naming.get("extend-ignore-names"))
            if any(fnmatch.fnmatchcase(SAMPLE_TEST_NAME, pattern) for pattern in patterns):
                return True
    return False


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _rules_for(config: Config) -> List[Tuple[RuffRule, bool]]:
    """The ruff rules that conflict with the enabled codemods, each with whether it matters in test files only."""
    rules = []
    for rule in RUFF_RULES:
        if rule.codemod not in config.enabled:
            continue
        if rule.code in ("UP007", "UP045") and not config.options("typing-generics").unions:
            continue
        tests_only = rule.code == "N802" or (rule.code == "SIM300" and config.options("assert-order").scope == "tests")
        rules.append((rule, tests_only))
    return rules


def _resolved_for_tests(layers: Sequence[Layer], code: str) -> bool:
    """Whether the project already keeps `code` out of some files, which is all a test-only conflict needs."""
    return _per_file_ignored(layers, code) or (code == "N802" and _naming_ignored(layers))


def _ignore_fix(layer: Layer, codes: Sequence[str]) -> str:
    """The `ignore` list of the nearest ruff file with `codes` added, where ruff reads it from (lint.ignore wins)."""
    lint = layer.table.get("lint")
    if not (isinstance(lint, dict) and "ignore" in lint) and "ignore" in layer.table:
        section = "[tool.ruff]" if layer.path.name == "pyproject.toml" else "the top level"
    else:
        section = layer.section("lint")
    existing = _strings(layer.lint("ignore"))
    return f"set in {section}: ignore = {_toml(existing + [code for code in codes if code not in existing])}"


def _per_file_fix(layer: Layer, codes: Sequence[str], patterns: Sequence[str]) -> str:
    """`per-file-ignores` entries for stylefix's test-file patterns (ruff matches them against file names too)."""
    table = layer.lint("per-file-ignores", {})
    table = table if isinstance(table, dict) else {}
    entries = []
    for pattern in patterns:
        existing = _strings(table.get(pattern))
        entries.append(f"{_toml(pattern)} = {_toml(existing + [code for code in codes if code not in existing])}")
    return f"set in {layer.section('lint', 'per-file-ignores')}: " + ", ".join(entries)


def ruff_rule_conflicts(config: Config, ruff: Ruff) -> List[str]:
    found = [
        (rule, tests_only)
        for rule, tests_only in _rules_for(config)
        if ruff_enabled(ruff.layers, rule.code, ruff.defaults)
        and not (tests_only and _resolved_for_tests(ruff.layers, rule.code))
    ]
    everywhere = [rule.code for rule, tests_only in found if not tests_only]
    in_tests = [rule.code for rule, tests_only in found if tests_only]
    warnings = []
    for rule, tests_only in found:
        if tests_only:
            fix = _per_file_fix(ruff.nearest, in_tests, config.test_files)
        else:
            fix = _ignore_fix(ruff.nearest, everywhere)
        warnings.append(f"{ruff.where}: ruff rule {rule.code} ({rule.name}) {rule.effect.format(rule.codemod)}; {fix}")
    return warnings


def ruff_isort_problems(settings: Mapping[str, Any], force_sort: bool) -> List[Problem]:
    """Every `lint.isort` setting of ruff that orders statements unlike sort-imports (ruff's defaults assumed)."""
    problems: List[Problem] = []
    if bool(settings.get("force-sort-within-sections", False)) != force_sort:
        problems.append(("force-sort-within-sections", force_sort, INTERLEAVE if force_sort else SEPARATE))
    if settings.get("no-sections", False):
        problems.append(("no-sections", False, ONE_GROUP))
    if settings.get("case-sensitive", False):
        problems.append(("case-sensitive", False, "sorts capitalised modules first"))
    for key in ("length-sort", "length-sort-straight"):
        if settings.get(key, False):
            problems.append((key, False, "sorts imports by line length"))
    no_lines_before = _strings(settings.get("no-lines-before", []))
    if "local-folder" not in no_lines_before:
        problems.append(("no-lines-before", no_lines_before + ["local-folder"], RELATIVE_GROUP))
    if settings.get("relative-imports-order", "furthest-to-closest") != "furthest-to-closest":
        problems.append(("relative-imports-order", "furthest-to-closest", NEAREST_FIRST))
    if not force_sort and settings.get("from-first", False):
        problems.append(("from-first", False, FROM_FIRST))
    if not force_sort and settings.get("lines-between-types", 0) != 0:
        problems.append(("lines-between-types", 0, TYPES_APART))
    return problems


def ruff_sort_conflicts(ruff: Ruff, force_sort: bool) -> List[str]:
    if not ruff_enabled(ruff.layers, "I001", ruff.defaults):
        return []
    settings: Dict[str, Any] = {}
    for layer in ruff.layers:
        table = layer.lint("isort", {})
        settings.update(table if isinstance(table, dict) else {})
    section = ruff.nearest.section("lint", "isort")
    return [
        f"{ruff.where}: {RUFF_SORT_RULE} {effect}, unlike sort-imports; set in {section}: {key} = {_toml(value)}"
        for key, value, effect in ruff_isort_problems(settings, force_sort)
    ]


def _ini_value(key: str, value: str) -> Any:
    default = ISORT_DEFAULTS.get(key)
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "y", "t", "on")
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            return default
    if isinstance(default, list):
        return [item.strip() for item in value.replace("\n", ",").split(",") if item.strip()]
    return value


def _isort_section(path: Path) -> Optional[Tuple[str, Dict[str, Any]]]:
    if path.name == "pyproject.toml":
        table = (read_toml(path) or {}).get("tool", {}).get("isort")
        return ("[tool.isort]", dict(table)) if isinstance(table, dict) and table else None
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    for section in ISORT_INI_SECTIONS[path.name]:
        if parser.has_section(section) and parser.items(section):
            return f"[{section}]", {key: _ini_value(key, value) for key, value in parser.items(section)}
    return None


def isort_config(root: Path) -> Optional[Tuple[Path, str, Dict[str, Any]]]:
    """isort's configuration for `root` as isort finds it: (file, section, settings), or None."""
    for directory in _upward(root):
        for name in ISORT_CONFIG_FILES:
            found = _isort_section(directory / name) if (directory / name).is_file() else None
            if found is not None:
                return (directory / name, *found)
        if any((directory / vcs).exists() for vcs in VCS_DIRS):
            return None
    return None


def isort_settings(raw: Mapping[str, Any]) -> Dict[str, Any]:
    """isort's effective settings for the keys that order statements: defaults, then the profile, then the file."""
    settings = dict(ISORT_DEFAULTS)
    settings.update(ISORT_PROFILES.get(str(raw.get("profile", "")), {}))
    settings.update({key: value for key, value in raw.items() if key in ISORT_DEFAULTS})
    if settings["force_alphabetical_sort"]:
        settings.update(no_sections=True, lines_between_types=1, from_first=True)
    settings["no_lines_before"] = _strings(settings["no_lines_before"])  # isort matches section names exactly
    return settings


def isort_problems(settings: Mapping[str, Any], force_sort: bool) -> List[Problem]:
    """Every isort setting (effective, see `isort_settings`) that orders statements unlike sort-imports."""
    problems: List[Problem] = []
    if bool(settings["force_sort_within_sections"]) != force_sort:
        problems.append(("force_sort_within_sections", force_sort, INTERLEAVE if force_sort else SEPARATE))
    for key in ("force_alphabetical_sort", "no_sections"):
        if settings[key]:
            problems.append((key, False, ONE_GROUP))
    if settings["lines_between_sections"] != 1:
        problems.append(("lines_between_sections", 1, "puts another number of blank lines between groups"))
    if settings["case_sensitive"]:
        problems.append(("case_sensitive", False, "sorts capitalised modules first"))
    for key in ("length_sort", "length_sort_straight"):
        if settings[key]:
            problems.append((key, False, "sorts imports by line length"))
    if "LOCALFOLDER" not in settings["no_lines_before"]:
        problems.append(("no_lines_before", settings["no_lines_before"] + ["LOCALFOLDER"], RELATIVE_GROUP))
    if settings["reverse_relative"]:
        problems.append(("reverse_relative", False, NEAREST_FIRST))
    if force_sort and not settings["sort_relative_in_force_sorted_sections"]:
        problems.append(("sort_relative_in_force_sorted_sections", True, NEAREST_FIRST))
    if not force_sort and settings["from_first"]:
        problems.append(("from_first", False, FROM_FIRST))
    if not force_sort and settings["lines_between_types"] != 0:
        problems.append(("lines_between_types", 0, TYPES_APART))
    return problems


def _ini(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def isort_conflicts(config: Config, force_sort: bool) -> List[str]:
    found = isort_config(config.root)
    if found is not None:
        path, section, raw = found
        where, subject, render = _display(path, config.root), "isort", _toml if path.suffix == ".toml" else _ini
    elif ISORT_HOOK.search(_read_text(config.root / PRE_COMMIT_CONFIG)):
        where, subject, render = PRE_COMMIT_CONFIG, "isort (default settings)", _toml
        section, raw = "[tool.isort] of pyproject.toml", {}
    else:
        return []
    return [
        f"{where}: {subject} {effect}, unlike sort-imports; set in {section}: {key} = {render(value)}"
        for key, value, effect in isort_problems(isort_settings(raw), force_sort)
    ]


def find_conflicts(config: Config) -> List[str]:
    """One warning per ruff rule or import-order setting that undoes what the enabled codemods write."""
    try:
        ruff = find_ruff(config)
        warnings = ruff_rule_conflicts(config, ruff) if ruff else []
        if "sort-imports" in config.enabled:
            force_sort = config.options("sort-imports").force_sort_within_sections
            warnings += ruff_sort_conflicts(ruff, force_sort) if ruff else []
            warnings += isort_conflicts(config, force_sort)
        # The setting's file leads, located at its start like every other warning (path:line:col: ...).
        return [warning.replace(": ", ":1:1: ", 1) for warning in warnings]
    except Exception:  # another tool's odd configuration must never stop stylefix
        logger.debug("looking for conflicting tool settings failed", exc_info=True)
        return []
