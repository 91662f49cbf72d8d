"""sort-imports' conflicts: the settings of isort, and of ruff's isort rule (I001), that order imports unlike it.

Run one after the other (pre-commit), such a pair rewrites the same lines back and forth for ever; each warning
names the setting and the value that makes the two agree. The tools' configuration files are found and read by
stylefix/conflicts.py.
"""
from typing import Any, Dict, List, Mapping, Optional, Tuple

from stylefix.config import Config
from stylefix.conflicts import (
    ISORT_HOOK,
    PRE_COMMIT_CONFIG,
    Ruff,
    display,
    ini_value,
    isort_config,
    isort_settings,
    read_text,
    ruff_enabled,
    strings,
    toml_value,
)

RUFF_SORT_RULE = "ruff rule I001 (unsorted-imports)"
Problem = Tuple[str, Any, str]  # (setting, the value that agrees with sort-imports, what the tool does instead)
INTERLEAVE = "puts `import x` lines before `from x import y` lines"
SEPARATE = "interleaves `import x` and `from x import y` lines"
ONE_GROUP = "merges the standard library, third-party and local groups into one"
RELATIVE_GROUP = "separates relative imports from the other local imports with a blank line"
NEAREST_FIRST = "puts `from . import` before `from .. import`"
FROM_FIRST = "puts `from x import y` lines first"
TYPES_APART = "puts a blank line between `import x` and `from x import y` lines"


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
    no_lines_before = strings(settings.get("no-lines-before", []))
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
        f"{ruff.where}: {RUFF_SORT_RULE} {effect}, unlike sort-imports; set in {section}: {key} = {toml_value(value)}"
        for key, value, effect in ruff_isort_problems(settings, force_sort)
    ]




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




def isort_conflicts(config: Config, force_sort: bool) -> List[str]:
    found = isort_config(config.root)
    if found is not None:
        path, section, raw = found
        where, subject, render = display(path, config.root), "isort", toml_value if path.suffix == ".toml" else ini_value
    elif ISORT_HOOK.search(read_text(config.root / PRE_COMMIT_CONFIG)):
        where, subject, render = PRE_COMMIT_CONFIG, "isort (default settings)", toml_value
        section, raw = "[tool.isort] of pyproject.toml", {}
    else:
        return []
    return [
        f"{where}: {subject} {effect}, unlike sort-imports; set in {section}: {key} = {render(value)}"
        for key, value, effect in isort_problems(isort_settings(raw), force_sort)
    ]


def conflicts(config: Config, ruff: Optional[Ruff], options: Any) -> List[str]:
    force_sort = options.force_sort_within_sections
    found = ruff_sort_conflicts(ruff, force_sort) if ruff else []
    return found + isort_conflicts(config, force_sort)
