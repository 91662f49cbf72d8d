"""Warnings for tools configured to undo what stylefix writes: ruff rules, and the import order of isort and ruff.

Run one after the other (pre-commit), such a pair rewrites the same lines back and forth for ever. Each warning
names the rule or setting and the exact change to that tool's configuration that makes the two agree. The files
are read the way the tools find them: ruff's nearest configuration with its `extend` chain, isort's first file
with an isort section, both searched upward from the project root; a tool that runs from .pre-commit-config.yaml
without a configuration file runs with its defaults.
"""
import configparser
from dataclasses import dataclass
import importlib.metadata
import logging
from pathlib import Path
import re
import sys
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence, Tuple

from stylefix import registry
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


@dataclass(frozen=True)
class RuffRule:
    """A ruff rule that undoes or flags what a codemod writes (a codemod's conflicts.py lists them in RUFF_RULES)."""

    code: str
    name: str
    # What the rule does to the codemod's output; `{}` is replaced with the codemod's name.
    effect: str
    # Whether the rule conflicts under the codemod's options, and whether only in test files.
    applies: Callable[[Any], bool] = lambda options: True
    tests_only: Callable[[Any], bool] = lambda options: False
    # For a test-only rule: whether the project's ruff configuration already keeps it off the names the codemod
    # writes by some other means than per-file ignores.
    resolved: Callable[[Sequence["Layer"]], bool] = lambda layers: False


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


def read_text(path: Path) -> str:
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


def upward(start: Path) -> Iterator[Path]:
    yield start
    yield from start.parents


def display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def ruff_layers(root: Path) -> List[Layer]:
    """The ruff configuration that applies at `root`, base of its `extend` chain first; empty when there is none."""
    for directory in upward(root):
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
    hook = RUFF_HOOK.search(read_text(config.root / PRE_COMMIT_CONFIG))
    if not layers and hook is None:
        return None
    version = (int(hook.group(1)), int(hook.group(2))) if hook else _installed_ruff_version()
    if layers:
        return Ruff(tuple(layers), ruff_default_codes(version), display(layers[-1].path, config.root))
    unconfigured = Layer(config.root / "pyproject.toml", {}, configured=False)
    return Ruff((unconfigured,), ruff_default_codes(version), PRE_COMMIT_CONFIG)


def strings(value: Any) -> List[str]:
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


def specificity(selectors: Sequence[str], code: str) -> Optional[int]:
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
        extend_select = strings(layer.lint("extend-select"))
        ignores = strings(layer.lint("ignore")) + strings(layer.lint("extend-ignore"))
        selected = specificity(strings(select) + extend_select, code)
        ignored = specificity(ignores + carried, code)
        update: Optional[bool] = None
        if selected is not None and (ignored is None or selected > ignored):
            update = True
        elif ignored is not None:
            update = False
        # An empty `select` with ignores hands those ignores on to the next file (ruff's "carry-over").
        carried = ignores if select is not None and not strings(select) and not extend_select else []
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
                if not pattern.startswith("!") and specificity(strings(selectors), code) is not None:
                    return True
    return False


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def _ignore_fix(layer: Layer, codes: Sequence[str]) -> str:
    """The `ignore` list of the nearest ruff file with `codes` added, where ruff reads it from (lint.ignore wins)."""
    lint = layer.table.get("lint")
    if not (isinstance(lint, dict) and "ignore" in lint) and "ignore" in layer.table:
        section = "[tool.ruff]" if layer.path.name == "pyproject.toml" else "the top level"
    else:
        section = layer.section("lint")
    existing = strings(layer.lint("ignore"))
    return f"set in {section}: ignore = {toml_value(existing + [code for code in codes if code not in existing])}"


def _per_file_fix(layer: Layer, codes: Sequence[str], patterns: Sequence[str]) -> str:
    """`per-file-ignores` entries for stylefix's test-file patterns (ruff matches them against file names too)."""
    table = layer.lint("per-file-ignores", {})
    table = table if isinstance(table, dict) else {}
    entries = []
    for pattern in patterns:
        existing = strings(table.get(pattern))
        entries.append(f"{toml_value(pattern)} = {toml_value(existing + [code for code in codes if code not in existing])}")
    return f"set in {layer.section('lint', 'per-file-ignores')}: " + ", ".join(entries)


def _rules_for(config: Config) -> List[Tuple[RuffRule, str, bool]]:
    """The ruff rules that conflict with the enabled codemods: (rule, codemod, whether in test files only).

    Listed from the last codemod to run to the first (pyupgrade's rules, then assert-order's and test-names'), the
    order the warnings and the suggested `ignore` lists have always had.
    """
    found = []
    for spec in reversed(registry.CODEMODS):
        if not spec.conflicts or spec.name not in config.enabled:
            continue
        options = config.options(spec.name)
        for rule in getattr(spec.module(spec.conflicts), "RUFF_RULES", ()):
            if rule.applies(options):
                found.append((rule, spec.name, rule.tests_only(options)))
    return found


def ruff_rule_conflicts(config: Config, ruff: Ruff) -> List[str]:
    found = [
        (rule, codemod, tests_only)
        for rule, codemod, tests_only in _rules_for(config)
        if ruff_enabled(ruff.layers, rule.code, ruff.defaults)
        and not (tests_only and (_per_file_ignored(ruff.layers, rule.code) or rule.resolved(ruff.layers)))
    ]
    everywhere = [rule.code for rule, _codemod, tests_only in found if not tests_only]
    in_tests = [rule.code for rule, _codemod, tests_only in found if tests_only]
    warnings = []
    for rule, codemod, tests_only in found:
        if tests_only:
            fix = _per_file_fix(ruff.nearest, in_tests, config.test_files)
        else:
            fix = _ignore_fix(ruff.nearest, everywhere)
        warnings.append(f"{ruff.where}: ruff rule {rule.code} ({rule.name}) {rule.effect.format(codemod)}; {fix}")
    return warnings


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
    for directory in upward(root):
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
    settings["no_lines_before"] = strings(settings["no_lines_before"])  # isort matches section names exactly
    return settings


def ini_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def find_conflicts(config: Config) -> List[str]:
    """One warning per ruff rule or import-order setting that undoes what the enabled codemods write."""
    try:
        ruff = find_ruff(config)
        warnings = ruff_rule_conflicts(config, ruff) if ruff else []
        for spec in registry.CODEMODS:
            # A codemod's own checks of other tools' settings (e.g. the import order isort and ruff use).
            check = getattr(spec.module(spec.conflicts), "conflicts", None) if spec.conflicts else None
            if check is not None and spec.name in config.enabled:
                warnings += check(config, ruff, config.options(spec.name))
        # The setting's file leads, located at its start like every other warning (path:line:col: ...).
        return [warning.replace(": ", ":1:1: ", 1) for warning in warnings]
    except Exception:  # another tool's odd configuration must never stop stylefix
        logger.debug("looking for conflicting tool settings failed", exc_info=True)
        return []
